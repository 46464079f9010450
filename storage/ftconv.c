/*
 * ftconv.c - struct flowrec <-> struct ftrec (flow-tools record fields).
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "ftconv.h"

#define U32MAX		0xFFFFFFFFull

#define V1_FIELDS	(FR_HAS_PACKETS | FR_HAS_OCTETS | FR_HAS_PORTS | \
	FR_HAS_PROTO | FR_HAS_TCPFLAGS | FR_HAS_TOS | FR_HAS_IFINDEX | \
	FR_HAS_NEXTHOP | FR_HAS_TIMES | FR_HAS_SRCADDR | FR_HAS_DSTADDR | \
	FR_HAS_UPTIME)
#define V5_FIELDS	(V1_FIELDS | FR_HAS_AS | FR_HAS_MASK | FR_HAS_ENGINE)

/* Export time in ms as flow-tools computes it. */
static uint64_t
export_ms(uint32_t secs, uint32_t nsecs)
{
	return (uint64_t)secs * 1000 + nsecs / 1000000;
}

/*
 * The record came from a PDU with a sysUptime header (v1/v5/v6/v7): give
 * back the exporter's own values.  The decoder computed
 * first_ms = E - (int32)(uptime - First), so this inverts it exactly.
 */
static void
times_from_pdu(const struct flowrec *rec, struct ftrec *o)
{
	uint64_t e = export_ms(rec->exp_secs, rec->exp_nsecs);

	o->unix_secs = rec->exp_secs;
	o->unix_nsecs = rec->exp_nsecs;
	o->sysuptime = rec->uptime_ms;
	o->first = (uint32_t)(rec->uptime_ms - (uint32_t)(e - rec->first_ms));
	o->last = (uint32_t)(rec->uptime_ms - (uint32_t)(e - rec->last_ms));
}

/* Clamp an uptime offset into 0..2^32-1. */
static uint32_t
clamp_off(uint64_t t, uint64_t base)
{
	if (t < base)
		return 0;
	if (t - base > U32MAX)
		return (uint32_t)U32MAX;
	return (uint32_t)(t - base);
}

/*
 * Other records: pick a boot time B = E - sysUpTime so that First and Last
 * (= time - B) need no wrap in flow-tools' unsigned 64-bit formula.  The
 * exporter's real uptime is used when it works, else B = the earliest of
 * first, last and the export time.
 */
static void
times_synth(const struct flowrec *rec, struct ftrec *o)
{
	uint64_t first = rec->first_ms, last = rec->last_ms, e, b, lo, hi;

	o->unix_secs = rec->exp_secs;
	o->unix_nsecs = rec->exp_nsecs;
	if (o->unix_secs == 0) {
		o->unix_secs = (uint32_t)((first > last ? first : last) / 1000);
		o->unix_nsecs = 0;
	}
	e = export_ms(o->unix_secs, o->unix_nsecs);
	if (first == 0 && last == 0)
		first = last = e;
	lo = first < last ? first : last;
	hi = first < last ? last : first;
	if ((rec->fields & FR_HAS_UPTIME) && e >= rec->uptime_ms &&
	    lo >= e - rec->uptime_ms && hi - (e - rec->uptime_ms) <= U32MAX)
		b = e - rec->uptime_ms;
	else {
		b = lo < e ? lo : e;
		if (e - b > U32MAX)
			b = e - U32MAX;
	}
	o->sysuptime = (uint32_t)(e - b);
	o->first = clamp_off(first, b);
	o->last = clamp_off(last, b);
}

static uint16_t
clamp_if(uint32_t v, int *clamped)
{
	if (v > 0xFFFF) {
		*clamped = 1;
		return 0xFFFF;
	}
	return (uint16_t)v;
}

static uint16_t
as16(uint32_t v, uint64_t *trans)
{
	if (v > 0xFFFF) {
		(*trans)++;
		return FT_AS_TRANS;
	}
	return (uint16_t)v;
}

/* Number of records needed so that no counter exceeds 2^32-1. */
static unsigned
split_count(uint64_t packets, uint64_t octets)
{
	uint64_t np = (packets + U32MAX - 1) / U32MAX;
	uint64_t no = (octets + U32MAX - 1) / U32MAX;
	uint64_t n = np > no ? np : no;

	if (n < 1)
		n = 1;
	if (n > FTCONV_MAX_SPLIT)
		n = FTCONV_MAX_SPLIT;
	return (unsigned)n;
}

/* Share i of n of total, each at most 2^32-1 (saturates past 16 parts). */
static uint32_t
share(uint64_t total, unsigned n, unsigned i)
{
	uint64_t v = total / n + (i < total % n ? 1 : 0);

	return v > U32MAX ? (uint32_t)U32MAX : (uint32_t)v;
}

static void
to_v4(const struct flowrec *rec, int ver, struct ftrec *o,
    struct ftconv_stats *st)
{
	int clamped = 0;
	uint64_t trans = 0;

	if ((rec->fields & FR_HAS_UPTIME) && rec->version >= 1 &&
	    rec->version <= 7)
		times_from_pdu(rec, o);
	else
		times_synth(rec, o);
	o->exaddr = rec->exp_af == FR_AF_INET ? rec->exporter.v4 : 0;
	o->srcaddr = rec->src.v4;
	o->dstaddr = rec->dst.v4;
	o->nexthop = rec->nexthop.v4;
	o->input = clamp_if(rec->in_if, &clamped);
	o->output = clamp_if(rec->out_if, &clamped);
	o->srcport = rec->sport;
	o->dstport = rec->dport;
	o->prot = rec->proto;
	o->tos = rec->tos;
	o->tcp_flags = rec->tcp_flags;
	if (ver != FT_VER_1) {
		o->engine_type = rec->engine_type;
		o->engine_id = rec->engine_id;
		o->src_mask = rec->src_mask;
		o->dst_mask = rec->dst_mask;
		o->src_as = as16(rec->src_as, &trans);
		o->dst_as = as16(rec->dst_as, &trans);
	}
	if (ver == FT_VER_1005) {
		o->src_tag = rec->src_tag;
		o->dst_tag = rec->dst_tag;
	}
	if (st != NULL) {
		st->as_trans += trans;
		st->ifindex_clamped += clamped ? 1 : 0;
	}
}

static void
to_ip6(const struct flowrec *rec, struct ftrec *o)
{
	o->unix_secs = rec->exp_secs;
	o->unix_nsecs = rec->exp_nsecs;
	o->sysuptime = rec->uptime_ms;
	o->exp_af = rec->exp_af;
	if (rec->exp_af == FR_AF_INET) {
		o->exaddr = rec->exporter.v4;
		o->exaddr6[10] = o->exaddr6[11] = 0xff;
		o->exaddr6[12] = rec->exporter.v4 >> 24;
		o->exaddr6[13] = rec->exporter.v4 >> 16;
		o->exaddr6[14] = rec->exporter.v4 >> 8;
		o->exaddr6[15] = rec->exporter.v4;
	} else if (rec->exp_af == FR_AF_INET6)
		memcpy(o->exaddr6, rec->exporter.v6, 16);
	memcpy(o->srcaddr6, rec->src.v6, 16);
	memcpy(o->dstaddr6, rec->dst.v6, 16);
	memcpy(o->nexthop6, rec->nexthop.v6, 16);
	o->input32 = rec->in_if;
	o->output32 = rec->out_if;
	o->src_as32 = rec->src_as;
	o->dst_as32 = rec->dst_as;
	o->dpkts64 = rec->packets;
	o->doctets64 = rec->octets;
	o->first_ms = rec->first_ms;
	o->last_ms = rec->last_ms;
	o->srcport = rec->sport;
	o->dstport = rec->dport;
	o->prot = rec->proto;
	o->tos = rec->tos;
	o->tcp_flags = rec->tcp_flags;
	o->src_mask = rec->src_mask;
	o->dst_mask = rec->dst_mask;
	o->engine_type = rec->engine_type;
	o->engine_id = rec->engine_id;
	o->sampling = rec->sampling;
	o->flow_label = rec->flow_label;
}

unsigned
ftconv_to_ft(const struct flowrec *rec, int ver, struct ftrec *out,
    struct ftconv_stats *st)
{
	unsigned i, n;

	if (ver == FT_VER_IP6) {
		if (rec->af != FR_AF_INET6)
			goto wrong;
		memset(out, 0, sizeof(*out));
		to_ip6(rec, out);
		return 1;
	}
	if ((ver != FT_VER_1 && ver != FT_VER_5 && ver != FT_VER_1005) ||
	    rec->af != FR_AF_INET)
		goto wrong;
	/* The IPv6 part of struct ftrec is never read for these versions:
	 * clearing only the rest saves a third of the conversion. */
	memset(out, 0, offsetof(struct ftrec, exaddr6));
	to_v4(rec, ver, out, st);
	n = split_count(rec->packets, rec->octets);
	for (i = 1; i < n; i++)
		out[i] = out[0];
	for (i = 0; i < n; i++) {
		out[i].dpkts = share(rec->packets, n, i);
		out[i].doctets = share(rec->octets, n, i);
	}
	if (st != NULL)
		st->split_records += n - 1;
	return n;
wrong:
	if (st != NULL)
		st->wrong_family++;
	return 0;
}

static void
from_ip6(const struct ftrec *fr, struct flowrec *o)
{
	o->af = FR_AF_INET6;
	o->exp_af = fr->exp_af;
	if (fr->exp_af == FR_AF_INET)
		o->exporter.v4 = (uint32_t)fr->exaddr6[12] << 24 |
		    (uint32_t)fr->exaddr6[13] << 16 |
		    (uint32_t)fr->exaddr6[14] << 8 | fr->exaddr6[15];
	else if (fr->exp_af == FR_AF_INET6)
		memcpy(o->exporter.v6, fr->exaddr6, 16);
	memcpy(o->src.v6, fr->srcaddr6, 16);
	memcpy(o->dst.v6, fr->dstaddr6, 16);
	memcpy(o->nexthop.v6, fr->nexthop6, 16);
	o->first_ms = fr->first_ms;
	o->last_ms = fr->last_ms;
	o->packets = fr->dpkts64;
	o->octets = fr->doctets64;
	o->in_if = fr->input32;
	o->out_if = fr->output32;
	o->src_as = fr->src_as32;
	o->dst_as = fr->dst_as32;
	o->sampling = fr->sampling;
	o->flow_label = fr->flow_label;
	o->version = 9;
	o->fields = V5_FIELDS | FR_HAS_SAMPLING | FR_HAS_FLOWLABEL;
}

static void
from_v4(const struct ftrec *fr, int ver, struct flowrec *o)
{
	uint64_t e = export_ms(fr->unix_secs, fr->unix_nsecs);

	o->af = FR_AF_INET;
	o->exp_af = FR_AF_INET;
	o->exporter.v4 = fr->exaddr;
	o->src.v4 = fr->srcaddr;
	o->dst.v4 = fr->dstaddr;
	o->nexthop.v4 = fr->nexthop;
	o->first_ms = ftconv_uptime_ms(e, fr->sysuptime, fr->first);
	o->last_ms = ftconv_uptime_ms(e, fr->sysuptime, fr->last);
	o->packets = fr->dpkts;
	o->octets = fr->doctets;
	o->in_if = fr->input;
	o->out_if = fr->output;
	o->src_as = fr->src_as;
	o->dst_as = fr->dst_as;
	o->sampling = 1;
	o->version = ver == FT_VER_1005 ? 5 : (uint8_t)ver;
	o->fields = ver == FT_VER_1 ? V1_FIELDS : V5_FIELDS;
	if (ver == FT_VER_1005) {
		o->src_tag = fr->src_tag;
		o->dst_tag = fr->dst_tag;
		o->fields |= FR_HAS_TAGS;
	}
}

void
ftconv_from_ft(const struct ftrec *fr, int ver, struct flowrec *out)
{
	memset(out, 0, sizeof(*out));
	if (ver == FT_VER_IP6)
		from_ip6(fr, out);
	else
		from_v4(fr, ver, out);
	out->exp_secs = fr->unix_secs;
	out->exp_nsecs = fr->unix_nsecs;
	out->uptime_ms = fr->sysuptime;
	out->recv_ms = export_ms(fr->unix_secs, fr->unix_nsecs);
	out->sport = fr->srcport;
	out->dport = fr->dstport;
	out->proto = fr->prot;
	out->tos = fr->tos;
	out->tcp_flags = fr->tcp_flags;
	out->src_mask = fr->src_mask;
	out->dst_mask = fr->dst_mask;
	out->engine_type = fr->engine_type;
	out->engine_id = fr->engine_id;
	if (ver != FT_VER_IP6)
		out->source_id = (uint32_t)fr->engine_type << 8 |
		    fr->engine_id;
}
