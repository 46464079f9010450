/*
 * ftfmt.h - flow-tools file format constants and the host-side record.
 *
 * The facts are those of ../shared/spec/flow-tools-format.md (stream version
 * 3, TLV header, fixed-size records).  struct ftrec is a superset of the
 * record formats we read and write, in host byte order; ftwriter/ftreader
 * encode and decode it in either byte order.
 */
#ifndef FLOWKEEP_FTFMT_H
#define FLOWKEEP_FTFMT_H

#include <stdint.h>

#define FT_MAGIC1		0xCF
#define FT_MAGIC2		0x10
#define FT_LITTLE_ENDIAN	1
#define FT_BIG_ENDIAN		2

/* TLV types */
#define FT_TLV_NULL		0x00
#define FT_TLV_VENDOR		0x01
#define FT_TLV_EX_VER		0x02
#define FT_TLV_AGG_VER		0x03
#define FT_TLV_AGG_METHOD	0x04
#define FT_TLV_EXPORTER_IP	0x05
#define FT_TLV_CAP_START	0x06
#define FT_TLV_CAP_END		0x07
#define FT_TLV_HEADER_FLAGS	0x08
#define FT_TLV_ROT_SCHEDULE	0x09
#define FT_TLV_FLOW_COUNT	0x0A
#define FT_TLV_FLOW_LOST	0x0B
#define FT_TLV_FLOW_MISORDERED	0x0C
#define FT_TLV_PKT_CORRUPT	0x0D
#define FT_TLV_SEQ_RESET	0x0E
#define FT_TLV_CAP_HOSTNAME	0x0F
#define FT_TLV_COMMENTS		0x10
#define FT_TLV_IF_NAME		0x11
#define FT_TLV_IF_ALIAS		0x12
#define FT_TLV_INTERRUPT	0x13

/* HEADER_FLAGS bits */
#define FT_HEADER_FLAG_DONE		0x01
#define FT_HEADER_FLAG_COMPRESS		0x02
#define FT_HEADER_FLAG_MULT_PDU		0x04
#define FT_HEADER_FLAG_STREAMING	0x08
#define FT_HEADER_FLAG_XLATE		0x10
#define FT_HEADER_FLAG_PRELOADED	0x20

/* Record versions (EX_VER).  FT_VER_IP6 is flowkeep's own IPv6 sibling
 * format (doc/ipv6-files.md); no flow-tools version uses that number. */
#define FT_VER_1	1
#define FT_VER_5	5
#define FT_VER_6	6
#define FT_VER_7	7
#define FT_VER_8	8
#define FT_VER_1005	1005
#define FT_VER_IP6	6000

#define FT_REC_SIZE_V1		60
#define FT_REC_SIZE_V5		64
#define FT_REC_SIZE_V6		72
#define FT_REC_SIZE_V7		68
#define FT_REC_SIZE_V1005	72
#define FT_REC_SIZE_IP6		144	/* doc/ipv6-files.md */
#define FT_REC_SIZE_MAX		144

#define FT_HOSTNAME_MAX		68
#define FT_COMMENTS_MAX		256

/* Counters kept in the header, per file. */
struct ft_counters {
	uint32_t	flow_count;
	uint32_t	flow_lost;
	uint32_t	flow_misordered;
	uint32_t	pkt_corrupt;
	uint32_t	seq_reset;
};

/* A decoded header (what flow-header shows). */
struct ft_header {
	uint8_t		byte_order;	/* FT_LITTLE_ENDIAN / FT_BIG_ENDIAN */
	uint8_t		s_version;	/* 1 or 3 */
	uint16_t	d_version;	/* EX_VER */
	uint8_t		agg_version;
	uint8_t		agg_method;
	uint32_t	header_len;	/* H: offset of the first record */
	uint32_t	flags;		/* FT_HEADER_FLAG_* */
	uint32_t	cap_start;
	uint32_t	cap_end;
	uint32_t	exporter_ip;
	uint32_t	rot_schedule;
	struct ft_counters counters;
	uint32_t	present;	/* bit (1 << tlv type) for TLVs seen */
	uint8_t		vendor;
	char		hostname[FT_HOSTNAME_MAX];
	char		comments[FT_COMMENTS_MAX];
	unsigned	rec_size;	/* bytes per record */
};

/* A flow-tools record in host order: the union of v1/v5/v6/v7/v1005 fields
 * and our IPv6 format (which uses the *6 fields and the 64-bit counters). */
struct ftrec {
	uint32_t	unix_secs, unix_nsecs, sysuptime;
	uint32_t	exaddr, srcaddr, dstaddr, nexthop;	/* IPv4 */
	uint16_t	input, output;
	uint32_t	dpkts, doctets;
	uint32_t	first, last;
	uint16_t	srcport, dstport;
	uint8_t		prot, tos, tcp_flags, pad;
	uint8_t		engine_type, engine_id, src_mask, dst_mask;
	uint16_t	src_as, dst_as;
	uint32_t	src_tag, dst_tag;			/* v1005 */
	uint32_t	router_sc;				/* v7 */
	uint32_t	peer_nexthop;				/* v6 */
	uint8_t		in_encaps, out_encaps;			/* v6 */
	/* FT_VER_IP6 only */
	uint8_t		exaddr6[16], srcaddr6[16], dstaddr6[16], nexthop6[16];
	uint8_t		exp_af;
	uint32_t	input32, output32, src_as32, dst_as32;
	uint64_t	dpkts64, doctets64;
	uint64_t	first_ms, last_ms;
	uint32_t	sampling, flow_label;
};

#endif /* FLOWKEEP_FTFMT_H */
