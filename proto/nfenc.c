/*
 * nfenc.c - NetFlow v5 and v9 datagram encoders.
 */
#include <string.h>

#include "nfenc.h"

#define V5_HDR	24
#define V5_REC	48
#define V9_HDR	20
#define V9_T4	256
#define V9_T6	257

struct wbuf {
	uint8_t	*p;
	size_t	 len;
};

static void
put(struct wbuf *w, uint64_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		w->p[w->len + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	w->len += n;
}

static void
put_raw(struct wbuf *w, const void *v, size_t n)
{
	memcpy(w->p + w->len, v, n);
	w->len += n;
}

static void
put_at16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int
nfenc_init(struct nfenc *e, int version)
{
	if (version != 5 && version != 9)
		return -1;
	memset(e, 0, sizeof(*e));
	e->version = version;
	e->template_every = 20;
	return 0;
}

/* Uptime value of absolute time t (inverse of the decoder's rule). */
static uint32_t
to_uptime(uint64_t now_ms, uint32_t uptime, uint64_t t)
{
	return (uint32_t)(uptime - (uint32_t)(now_ms - t));
}

static void
v5_record(struct wbuf *w, const struct flowrec *r, uint64_t now_ms,
    uint32_t uptime)
{
	put(w, r->src.v4, 4);
	put(w, r->dst.v4, 4);
	put(w, r->nexthop.v4, 4);
	put(w, r->in_if > 0xFFFF ? 0xFFFF : r->in_if, 2);
	put(w, r->out_if > 0xFFFF ? 0xFFFF : r->out_if, 2);
	put(w, r->packets > 0xFFFFFFFFu ? 0xFFFFFFFFu : r->packets, 4);
	put(w, r->octets > 0xFFFFFFFFu ? 0xFFFFFFFFu : r->octets, 4);
	put(w, to_uptime(now_ms, uptime, r->first_ms), 4);
	put(w, to_uptime(now_ms, uptime, r->last_ms), 4);
	put(w, r->sport, 2);
	put(w, r->dport, 2);
	put(w, 0, 1);
	put(w, r->tcp_flags, 1);
	put(w, r->proto, 1);
	put(w, r->tos, 1);
	put(w, r->src_as > 0xFFFF ? 23456 : r->src_as, 2);
	put(w, r->dst_as > 0xFFFF ? 23456 : r->dst_as, 2);
	put(w, r->src_mask, 1);
	put(w, r->dst_mask, 1);
	put(w, 0, 2);
}

static unsigned
v5_build(struct nfenc *e, const struct flowrec *recs, unsigned n,
    uint64_t now_ms, uint32_t uptime, struct wbuf *w, unsigned *skipped)
{
	unsigned i, count = 0;
	uint32_t samp = 0;

	for (i = 0; i < n && count < NFENC_V5_MAX; i++) {
		if (recs[i].af != FR_AF_INET) {
			(*skipped)++;
			continue;
		}
		if (count == 0 && recs[i].sampling > 1 &&
		    recs[i].sampling < 0x4000)
			samp = 0x4000 | recs[i].sampling;
		v5_record(w, &recs[i], now_ms, uptime);
		count++;
	}
	put_at16(w->p + 2, count);
	put_at16(w->p + 22, samp);
	e->sequence += count;
	return i;
}

/* v9 template fields (type, length) for IPv4 and IPv6 records. */
static const uint16_t v9_t4[][2] = {
	{ 8, 4 }, { 12, 4 }, { 15, 4 }, { 7, 2 }, { 11, 2 }, { 4, 1 },
	{ 5, 1 }, { 6, 1 }, { 9, 1 }, { 13, 1 }, { 10, 4 }, { 14, 4 },
	{ 16, 4 }, { 17, 4 }, { 1, 8 }, { 2, 8 }, { 152, 8 }, { 153, 8 },
	{ 34, 4 },
};
static const uint16_t v9_t6[][2] = {
	{ 27, 16 }, { 28, 16 }, { 62, 16 }, { 7, 2 }, { 11, 2 }, { 4, 1 },
	{ 5, 1 }, { 6, 1 }, { 29, 1 }, { 30, 1 }, { 10, 4 }, { 14, 4 },
	{ 16, 4 }, { 17, 4 }, { 1, 8 }, { 2, 8 }, { 152, 8 }, { 153, 8 },
	{ 34, 4 }, { 31, 3 },
};
#define V9_N4	(sizeof(v9_t4) / sizeof(v9_t4[0]))
#define V9_N6	(sizeof(v9_t6) / sizeof(v9_t6[0]))
#define V9_L4	(4 * 3 + 2 * 2 + 5 + 4 * 4 + 8 * 4 + 4)
#define V9_L6	(16 * 3 + 2 * 2 + 5 + 4 * 4 + 8 * 4 + 4 + 3)

static void
v9_templates(struct wbuf *w)
{
	size_t i;

	put(w, 0, 2);
	put(w, 4 + 4 + V9_N4 * 4 + 4 + V9_N6 * 4, 2);
	put(w, V9_T4, 2);
	put(w, V9_N4, 2);
	for (i = 0; i < V9_N4; i++) {
		put(w, v9_t4[i][0], 2);
		put(w, v9_t4[i][1], 2);
	}
	put(w, V9_T6, 2);
	put(w, V9_N6, 2);
	for (i = 0; i < V9_N6; i++) {
		put(w, v9_t6[i][0], 2);
		put(w, v9_t6[i][1], 2);
	}
}

static void
v9_record(struct wbuf *w, const struct flowrec *r)
{
	int v6 = r->af == FR_AF_INET6;

	if (v6) {
		put_raw(w, r->src.v6, 16);
		put_raw(w, r->dst.v6, 16);
		put_raw(w, r->nexthop.v6, 16);
	} else {
		put(w, r->src.v4, 4);
		put(w, r->dst.v4, 4);
		put(w, r->nexthop.v4, 4);
	}
	put(w, r->sport, 2);
	put(w, r->dport, 2);
	put(w, r->proto, 1);
	put(w, r->tos, 1);
	put(w, r->tcp_flags, 1);
	put(w, r->src_mask, 1);
	put(w, r->dst_mask, 1);
	put(w, r->in_if, 4);
	put(w, r->out_if, 4);
	put(w, r->src_as, 4);
	put(w, r->dst_as, 4);
	put(w, r->octets, 8);
	put(w, r->packets, 8);
	put(w, r->first_ms, 8);
	put(w, r->last_ms, 8);
	put(w, r->sampling != 0 ? r->sampling : 1, 4);
	if (v6)
		put(w, r->flow_label & 0xFFFFF, 3);
}

/* Close an open data flowset: pad to 4 bytes and write its length. */
static void
v9_close(struct wbuf *w, size_t start)
{
	while ((w->len - start) % 4 != 0)
		put(w, 0, 1);
	put_at16(w->p + start + 2, (unsigned)(w->len - start));
}

static unsigned
v9_build(struct nfenc *e, const struct flowrec *recs, unsigned n,
    struct wbuf *w, unsigned *skipped, unsigned *count)
{
	size_t fs = 0, need;
	int open_af = 0;
	unsigned i;

	for (i = 0; i < n; i++) {
		const struct flowrec *r = &recs[i];

		if (r->af != FR_AF_INET && r->af != FR_AF_INET6) {
			(*skipped)++;
			continue;
		}
		need = (r->af == FR_AF_INET ? V9_L4 : V9_L6) + 3 +
		    (open_af != r->af ? 4 : 0);
		if (w->len + need > NFENC_MTU && *count > 0)
			break;
		if (open_af != r->af) {
			if (open_af != 0)
				v9_close(w, fs);
			fs = w->len;
			put(w, r->af == FR_AF_INET ? V9_T4 : V9_T6, 2);
			put(w, 0, 2);
			open_af = r->af;
		}
		v9_record(w, r);
		(*count)++;
	}
	if (open_af != 0)
		v9_close(w, fs);
	e->sequence++;
	return i;
}

unsigned
nfenc_build(struct nfenc *e, const struct flowrec *recs, unsigned n,
    uint64_t now_ms, uint32_t uptime_ms, uint8_t *out, size_t *outlen,
    unsigned *skipped)
{
	struct wbuf w = { out, 0 };
	unsigned used, sk = 0, count = 0;
	unsigned every = e->template_every ? e->template_every : 20;

	put(&w, (unsigned)e->version, 2);
	put(&w, 0, 2);
	put(&w, uptime_ms, 4);
	put(&w, now_ms / 1000, 4);
	if (e->version == 5) {
		put(&w, (now_ms % 1000) * 1000000, 4);
		put(&w, e->sequence, 4);
		put(&w, e->engine_type, 1);
		put(&w, e->engine_id, 1);
		put(&w, 0, 2);
		used = v5_build(e, recs, n, now_ms, uptime_ms, &w, &sk);
	} else {
		put(&w, e->sequence, 4);
		put(&w, e->source_id, 4);
		if (e->sent % every == 0) {
			v9_templates(&w);
			count += 2;
		}
		used = v9_build(e, recs, n, &w, &sk, &count);
		put_at16(out + 2, count);
	}
	e->sent++;
	*outlen = w.len;
	if (skipped != NULL)
		*skipped = sk;
	return used;
}
