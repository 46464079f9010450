/*
 * flowrec.h - the central flow record of flowkeep.
 *
 * Every decoder produces these, every sink (file writer, tracker, live
 * statistics) consumes them, and the file reader turns stored records back
 * into them.  The record is fixed size, in host byte order and holds no
 * pointers, so it can be copied, queued, written to a state file and compared
 * with memcmp in tests (decoders zero it before filling it in).
 *
 * Times are absolute (milliseconds since the Unix epoch, UTC).  The export
 * header values (exp_secs, exp_nsecs, uptime_ms) are kept as well so that a
 * NetFlow v5 record can be written back to a flow-tools file bit for bit.
 */
#ifndef FLOWKEEP_FLOWREC_H
#define FLOWKEEP_FLOWREC_H

#include <stdint.h>

/* An IPv4 or IPv6 address.  IPv4 is held as a host-order integer in v4
 * (10.0.0.1 == 0x0a000001); IPv6 as 16 bytes in network order.  The family
 * is kept beside it in the record (af / exp_af). */
typedef union fr_addr {
	uint32_t	v4;
	uint8_t		v6[16];
} fr_addr;

/* Which fields the exporter actually sent (flowrec.fields). */
#define FR_HAS_PACKETS		0x00000001u
#define FR_HAS_OCTETS		0x00000002u
#define FR_HAS_PORTS		0x00000004u
#define FR_HAS_PROTO		0x00000008u
#define FR_HAS_TCPFLAGS		0x00000010u
#define FR_HAS_TOS		0x00000020u
#define FR_HAS_IFINDEX		0x00000040u
#define FR_HAS_AS		0x00000080u
#define FR_HAS_MASK		0x00000100u
#define FR_HAS_NEXTHOP		0x00000200u
#define FR_HAS_TIMES		0x00000400u	/* first_ms/last_ms from the flow */
#define FR_HAS_ENGINE		0x00000800u
#define FR_HAS_SAMPLING		0x00001000u	/* sampling known (may be 1) */
#define FR_HAS_TAGS		0x00002000u	/* v1005 src_tag/dst_tag */
#define FR_HAS_SRCADDR		0x00004000u
#define FR_HAS_DSTADDR		0x00008000u
#define FR_HAS_UPTIME		0x00010000u	/* uptime_ms is the exporter's */
#define FR_HAS_FLOWLABEL	0x00020000u
#define FR_IS_EVENT		0x00040000u	/* firewall/NAT event, no counters */

#define FR_AF_NONE	0
#define FR_AF_INET	4
#define FR_AF_INET6	6

struct flowrec {
	uint64_t	first_ms;	/* first packet, ms since the epoch */
	uint64_t	last_ms;	/* last packet, ms since the epoch */
	uint64_t	recv_ms;	/* when the datagram was received */
	uint64_t	packets;
	uint64_t	octets;

	uint32_t	exp_secs;	/* export time from the PDU header */
	uint32_t	exp_nsecs;	/* residual nanoseconds (v5), else 0 */
	uint32_t	uptime_ms;	/* exporter sysUptime at export */
	uint32_t	source_id;	/* v9 source id; v5: engine_type<<8|id */
	uint32_t	sampling;	/* 1 in N packets; 1 = unsampled */
	uint32_t	in_if;
	uint32_t	out_if;
	uint32_t	src_as;
	uint32_t	dst_as;
	uint32_t	src_tag;	/* flow-tools v1005 tags */
	uint32_t	dst_tag;
	uint32_t	flow_label;	/* IPv6 flow label (20 bits) */
	uint32_t	fields;		/* FR_HAS_* */

	fr_addr		exporter;	/* UDP source of the datagram */
	fr_addr		src;
	fr_addr		dst;
	fr_addr		nexthop;

	uint16_t	sport;
	uint16_t	dport;		/* ICMP: type << 8 | code */
	uint8_t		af;		/* FR_AF_*: src, dst and nexthop */
	uint8_t		exp_af;		/* FR_AF_*: exporter */
	uint8_t		proto;
	uint8_t		tcp_flags;
	uint8_t		tos;
	uint8_t		src_mask;
	uint8_t		dst_mask;
	uint8_t		engine_type;
	uint8_t		engine_id;
	uint8_t		version;	/* NetFlow version of the PDU: 1,5,7,9 */
	uint8_t		pad[2];		/* zero */
};

/* The sink interface: records are borrowed for the duration of the call. */
typedef void (*fr_sink_fn)(void *arg, const struct flowrec *recs, unsigned n);

struct fr_sink {
	fr_sink_fn	put;
	void		*arg;
};

#endif /* FLOWKEEP_FLOWREC_H */
