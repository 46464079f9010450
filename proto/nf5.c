/*
 * nf5.c - NetFlow v1, v5 and v7 decoding and flow-sequence accounting.
 *
 * Validation follows flow-capture (spec 5.3) except that trailing bytes
 * after the announced records are accepted as padding.  Sequence accounting
 * follows spec 5.5, including the off-by-one backwards gap (quirk Q7).
 */
#include <string.h>

#include "cursor.h"
#include "proto_int.h"

#define NF5_REC_LEN	48
#define NF7_REC_LEN	52

struct nf5_ver {
	int		version;
	unsigned	hdr_len;
	unsigned	rec_len;
	unsigned	max_count;
};

static const struct nf5_ver nf5_vers[] = {
	{ 1, 16, NF5_REC_LEN, 24 },
	{ 5, 24, NF5_REC_LEN, 30 },
	{ 7, 24, NF7_REC_LEN, 27 },
};

#define NF5_FIELDS	(FR_HAS_PACKETS | FR_HAS_OCTETS | FR_HAS_PORTS | \
	FR_HAS_PROTO | FR_HAS_TCPFLAGS | FR_HAS_TOS | FR_HAS_IFINDEX | \
	FR_HAS_NEXTHOP | FR_HAS_TIMES | FR_HAS_SRCADDR | FR_HAS_DSTADDR | \
	FR_HAS_UPTIME)

static const struct nf5_ver *
nf5_ver(int version)
{
	unsigned i;

	for (i = 0; i < sizeof(nf5_vers) / sizeof(nf5_vers[0]); i++)
		if (nf5_vers[i].version == version)
			return &nf5_vers[i];
	return NULL;
}

/* Spec 5.5: count flows lost or a reset for one PDU. */
static void
nf5_seq(struct proto_hdr *h, uint32_t key, uint32_t seq, unsigned count)
{
	struct proto_seq *s = proto_seq_get(h->exp, SEQ_KIND_V5, key);
	uint32_t gap;

	if (s->valid && seq != s->expected) {
		if (seq > s->expected)
			gap = seq - s->expected;
		else
			gap = (0xFFFFFFFFu - s->expected) + seq;
		if (gap < 1000) {
			h->res->lost += gap;
			h->exp->info.lost += gap;
		} else {
			h->res->resets++;
			h->exp->info.seq_resets++;
		}
	}
	s->valid = 1;
	s->expected = seq + count;
}

/* One record; the v1 layout differs from byte 36 on. */
static void
nf5_record(const struct proto_hdr *h, const uint8_t *p, int version,
    struct flowrec *r)
{
	*r = h->proto;
	r->af = FR_AF_INET;
	r->src.v4 = cur_be32(p);
	r->dst.v4 = cur_be32(p + 4);
	r->nexthop.v4 = cur_be32(p + 8);
	r->in_if = cur_be16(p + 12);
	r->out_if = cur_be16(p + 14);
	r->packets = cur_be32(p + 16);
	r->octets = cur_be32(p + 20);
	r->first_ms = (uint64_t)proto_uptime_to_ms(h->exp_ms, h->uptime,
	    cur_be32(p + 24));
	r->last_ms = (uint64_t)proto_uptime_to_ms(h->exp_ms, h->uptime,
	    cur_be32(p + 28));
	r->sport = cur_be16(p + 32);
	r->dport = cur_be16(p + 34);
	if (version == 1) {
		r->proto = p[38];
		r->tos = p[39];
		r->tcp_flags = p[40];
		return;
	}
	r->tcp_flags = p[37];
	r->proto = p[38];
	r->tos = p[39];
	r->src_as = cur_be16(p + 40);
	r->dst_as = cur_be16(p + 42);
	r->src_mask = p[44];
	r->dst_mask = p[45];
}

/* Fill the prototype record from the header; returns the count. */
static unsigned
nf5_header(struct proto_hdr *h, struct cursor *c, int version)
{
	struct flowrec *r = &h->proto;
	unsigned count, samp;

	(void)cur_u16(c);
	count = cur_u16(c);
	r->uptime_ms = cur_u32(c);
	r->exp_secs = cur_u32(c);
	r->exp_nsecs = cur_u32(c);
	h->uptime = r->uptime_ms;
	h->exp_ms = (uint64_t)r->exp_secs * 1000 + r->exp_nsecs / 1000000;
	r->fields = NF5_FIELDS;
	if (version == 1)
		return count;
	(void)cur_u32(c);			/* sequence, read later */
	if (version == 7)
		r->fields |= FR_HAS_AS | FR_HAS_MASK;
	if (version != 5)
		return count;
	r->engine_type = cur_u8(c);
	r->engine_id = cur_u8(c);
	r->source_id = (uint32_t)r->engine_type << 8 | r->engine_id;
	r->fields |= FR_HAS_AS | FR_HAS_MASK | FR_HAS_ENGINE;
	samp = cur_u16(c) & 0x3FFF;
	if (samp != 0) {
		r->sampling = samp;
		r->fields |= FR_HAS_SAMPLING;
	}
	return count;
}

int
nf5_decode(struct proto_hdr *h, const uint8_t *buf, size_t len,
    struct proto_batch *b)
{
	const struct nf5_ver *v;
	struct cursor c;
	unsigned count, i;
	uint32_t key;
	const uint8_t *p;

	v = nf5_ver(buf[0] << 8 | buf[1]);
	if (v == NULL)
		return PROTO_E_VERSION;
	if (len < v->hdr_len)
		return PROTO_E_SHORT;
	count = (unsigned)(buf[2] << 8 | buf[3]);
	if (count > v->max_count)
		return PROTO_E_COUNT;
	if (len < v->hdr_len + (size_t)count * v->rec_len)
		return PROTO_E_SHORT;
	cur_init(&c, buf, len);
	nf5_header(h, &c, v->version);
	cur_init(&c, buf + v->hdr_len, len - v->hdr_len);
	if (v->version != 1) {
		key = (uint32_t)v->version << 16 | (uint32_t)buf[21] << 8 |
		    buf[20];
		if (v->version == 7)
			key = 7u << 16;
		nf5_seq(h, key, cur_be32(buf + 16), count);
	}
	for (i = 0; i < count; i++) {
		if ((p = cur_ptr(&c, v->rec_len)) == NULL)
			return PROTO_E_SHORT;	/* not reached: checked */
		nf5_record(h, p, v->version, proto_batch_slot(b));
		proto_batch_commit(b);
	}
	return (int)count;
}
