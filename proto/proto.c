/*
 * proto.c - version dispatch, exporter table, batching to the sink.
 */
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "proto_int.h"

#define DEF_MAX_EXPORTERS	4096
#define DEF_MAX_TEMPLATES	512
#define DEF_MAX_FIELDS		128
#define DEF_MAX_PENDING		256
#define DEF_MAX_PENDING_BYTES	(1024 * 1024)
#define DEF_MAX_PENDING_TOTAL	(64 * 1024 * 1024)
#define DEF_PENDING_TTL_MS	600000
#define DEF_MAX_SAMPLERS	64

static unsigned
dflt(unsigned v, unsigned d)
{
	return v != 0 ? v : d;
}

struct proto_ctx *
proto_new(const struct proto_limits *limits)
{
	struct proto_ctx *ctx;
	struct proto_limits l;

	memset(&l, 0, sizeof(l));
	if (limits != NULL)
		l = *limits;
	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return NULL;
	ctx->lim.max_exporters = dflt(l.max_exporters, DEF_MAX_EXPORTERS);
	ctx->lim.max_templates = dflt(l.max_templates, DEF_MAX_TEMPLATES);
	ctx->lim.max_template_fields = dflt(l.max_template_fields,
	    DEF_MAX_FIELDS);
	if (ctx->lim.max_template_fields > 65535 / 4)
		ctx->lim.max_template_fields = 65535 / 4;
	ctx->lim.max_pending = dflt(l.max_pending, DEF_MAX_PENDING);
	ctx->lim.max_pending_bytes = dflt(l.max_pending_bytes,
	    DEF_MAX_PENDING_BYTES);
	ctx->lim.max_pending_total = dflt(l.max_pending_total,
	    DEF_MAX_PENDING_TOTAL);
	ctx->lim.pending_ttl_ms = dflt(l.pending_ttl_ms, DEF_PENDING_TTL_MS);
	ctx->lim.max_samplers = dflt(l.max_samplers, DEF_MAX_SAMPLERS);
	ctx->exps = calloc(ctx->lim.max_exporters, sizeof(*ctx->exps));
	if (ctx->exps == NULL) {
		free(ctx);
		return NULL;
	}
	return ctx;
}

void
proto_exporter_free(struct proto_exporter *e)
{
	if (e == NULL)
		return;
	nf9_pending_free(e);
	tmpl_cache_free(e->tc);
	free(e->samplers);
	free(e);
}

void
proto_free(struct proto_ctx *ctx)
{
	unsigned i;

	if (ctx == NULL)
		return;
	for (i = 0; i < ctx->nexp; i++)
		proto_exporter_free(ctx->exps[i]);
	free(ctx->exps);
	free(ctx);
}

static unsigned
addr_hash(uint8_t af, const fr_addr *a)
{
	uint32_t h = 2166136261u;
	size_t i, n = af == FR_AF_INET6 ? 16 : 4;
	uint8_t b[16];

	if (af == FR_AF_INET6)
		memcpy(b, a->v6, 16);
	else
		memcpy(b, &a->v4, 4);
	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return (h ^ h >> 15) & (PROTO_EXP_NBUCKET - 1);
}

static int
addr_eq(uint8_t af, const fr_addr *a, uint8_t bf, const fr_addr *b)
{
	if (af != bf)
		return 0;
	if (af == FR_AF_INET6)
		return memcmp(a->v6, b->v6, 16) == 0;
	return a->v4 == b->v4;
}

static void
lru_unlink(struct proto_ctx *ctx, struct proto_exporter *e)
{
	if (e->lru_prev != NULL)
		e->lru_prev->lru_next = e->lru_next;
	else
		ctx->lru_head = e->lru_next;
	if (e->lru_next != NULL)
		e->lru_next->lru_prev = e->lru_prev;
	else
		ctx->lru_tail = e->lru_prev;
	e->lru_prev = e->lru_next = NULL;
}

static void
lru_push(struct proto_ctx *ctx, struct proto_exporter *e)
{
	e->lru_prev = NULL;
	e->lru_next = ctx->lru_head;
	if (ctx->lru_head != NULL)
		ctx->lru_head->lru_prev = e;
	ctx->lru_head = e;
	if (ctx->lru_tail == NULL)
		ctx->lru_tail = e;
}

/* Take e out of the table (hash, array, LRU list) without freeing it. */
static void
exporter_detach(struct proto_ctx *ctx, struct proto_exporter *e)
{
	struct proto_exporter **pp;
	unsigned i;

	pp = &ctx->bucket[addr_hash(e->info.af, &e->info.addr)];
	while (*pp != NULL && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp == e)
		*pp = e->hnext;
	for (i = 0; i < ctx->nexp; i++) {
		if (ctx->exps[i] == e) {
			ctx->exps[i] = ctx->exps[--ctx->nexp];
			break;
		}
	}
	lru_unlink(ctx, e);
}

struct proto_exporter *
proto_exporter_new(struct proto_ctx *ctx, uint8_t af, const fr_addr *addr)
{
	struct proto_exporter *e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->info.af = af;
	if (af == FR_AF_INET6)
		memcpy(e->info.addr.v6, addr->v6, 16);
	else
		e->info.addr.v4 = addr->v4;
	e->pend_total = &ctx->pend_total;
	e->tc = tmpl_cache_new(ctx->lim.max_templates,
	    ctx->lim.max_template_fields);
	e->samplers = calloc(ctx->lim.max_samplers, sizeof(*e->samplers));
	if (e->tc == NULL || e->samplers == NULL) {
		proto_exporter_free(e);
		return NULL;
	}
	return e;
}

/* Insert e (whose address is not in the table), evicting the LRU one. */
void
proto_exporter_insert(struct proto_ctx *ctx, struct proto_exporter *e)
{
	struct proto_exporter *old;
	unsigned h = addr_hash(e->info.af, &e->info.addr);

	if (ctx->nexp >= ctx->lim.max_exporters &&
	    (old = ctx->lru_tail) != NULL) {
		exporter_detach(ctx, old);
		proto_exporter_free(old);
		ctx->generation++;
		ctx->exp_evicted++;
	}
	e->hnext = ctx->bucket[h];
	ctx->bucket[h] = e;
	ctx->exps[ctx->nexp++] = e;
	lru_push(ctx, e);
}

struct proto_exporter *
proto_exporter_lookup(struct proto_ctx *ctx, const struct proto_src *src,
    int create)
{
	struct proto_exporter *e;
	uint8_t af = src->af == FR_AF_INET6 ? FR_AF_INET6 : FR_AF_INET;

	e = ctx->bucket[addr_hash(af, &src->addr)];
	while (e != NULL && !addr_eq(e->info.af, &e->info.addr, af,
	    &src->addr))
		e = e->hnext;
	if (e != NULL) {
		if (ctx->lru_head != e) {
			lru_unlink(ctx, e);
			lru_push(ctx, e);
		}
		return e;
	}
	if (!create || (e = proto_exporter_new(ctx, af, &src->addr)) == NULL)
		return NULL;
	proto_exporter_insert(ctx, e);
	return e;
}

void
proto_batch_flush(struct proto_batch *b)
{
	if (b->n > 0 && b->sink != NULL && b->sink->put != NULL)
		b->sink->put(b->sink->arg, b->recs, b->n);
	b->n = 0;
}

/* The sequence slot for (kind, key); the LRU one is reused when full. */
struct proto_seq *
proto_seq_get(struct proto_exporter *e, uint8_t kind, uint32_t key)
{
	struct proto_seq *s, *lru = NULL, *fresh = NULL;
	unsigned i;

	for (i = 0; i < PROTO_NSEQ; i++) {
		s = &e->seq[i];
		if (s->valid && s->kind == kind && s->key == key) {
			s->used = ++e->seq_tick;
			return s;
		}
		if (!s->valid && fresh == NULL)
			fresh = s;	/* the first free slot: keeps order */
		if (s->valid && (lru == NULL || s->used < lru->used))
			lru = s;
	}
	if (fresh != NULL)
		lru = fresh;
	memset(lru, 0, sizeof(*lru));
	lru->kind = kind;
	lru->key = key;
	lru->used = ++e->seq_tick;
	return lru;		/* valid == 0: first packet */
}

void
proto_hdr_init(struct proto_hdr *h, struct proto_ctx *ctx,
    struct proto_exporter *e, const struct proto_src *src, int version)
{
	struct flowrec *r = &h->proto;

	memset(h, 0, sizeof(*h));
	h->ctx = ctx;
	h->exp = e;
	r->recv_ms = src->recv_ms;
	r->exp_af = e->info.af;
	r->exporter = e->info.addr;
	r->version = (uint8_t)version;
	r->sampling = 1;
}

void
proto_src_id_note(struct proto_exporter *e, uint32_t source_id)
{
	struct proto_exporter_info *in = &e->info;
	unsigned i;

	for (i = 0; i < in->nsource_ids; i++)
		if (in->source_ids[i] == source_id)
			return;
	if (in->nsource_ids < 8)
		in->source_ids[in->nsource_ids++] = source_id;
}

static int
peek_version(const uint8_t *buf, size_t len)
{
	if (buf == NULL || len < 4)
		return -1;
	return buf[0] << 8 | buf[1];
}

static int
dispatch(struct proto_hdr *h, int version, const uint8_t *buf, size_t len,
    struct proto_batch *b)
{
	switch (version) {
	case 1:
	case 5:
	case 7:
		return nf5_decode(h, buf, len, b);
	case 9:
		return nf9_decode(h, buf, len, b);
	}
	return PROTO_E_VERSION;
}

int
proto_decode(struct proto_ctx *ctx, const struct proto_src *src,
    const uint8_t *buf, size_t len, const struct fr_sink *sink,
    struct proto_result *res)
{
	struct proto_result dummy;
	struct proto_exporter *e;
	struct proto_hdr h;
	struct proto_batch b;
	int version, rc;

	if (res == NULL)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	version = peek_version(buf, len);
	res->version = version;
	if ((e = proto_exporter_lookup(ctx, src, 1)) == NULL)
		return PROTO_E_LIMIT;
	e->info.last_seen_ms = src->recv_ms;
	if (version < 0) {
		e->info.corrupt++;
		return PROTO_E_SHORT;
	}
	proto_hdr_init(&h, ctx, e, src, version);
	h.res = res;
	b.sink = sink;
	b.n = b.total = 0;
	rc = dispatch(&h, version, buf, len, &b);
	if (rc < 0) {
		e->info.corrupt++;
		return rc;
	}
	proto_batch_flush(&b);
	e->info.version = version;
	e->info.packets++;
	e->info.flows += b.total;
	res->nrec = b.total;
	return (int)b.total;
}

unsigned
proto_expire(struct proto_ctx *ctx, uint64_t now_ms)
{
	unsigned i, n = 0;

	for (i = 0; i < ctx->nexp; i++)
		n += nf9_pending_expire(ctx->exps[i], now_ms,
		    ctx->lim.pending_ttl_ms);
	return n;
}

unsigned
proto_exporter_count(const struct proto_ctx *ctx)
{
	return ctx->nexp;
}

int
proto_exporter_get(const struct proto_ctx *ctx, unsigned i,
    struct proto_exporter_info *out)
{
	const struct proto_exporter *e;
	unsigned k;

	if (i >= ctx->nexp)
		return -1;
	e = ctx->exps[i];
	*out = e->info;
	out->templates = tmpl_count(e->tc);
	out->nsamplers = 0;
	for (k = 0; k < ctx->lim.max_samplers; k++)
		if (e->samplers[k].rate != 0)
			out->nsamplers++;
	return 0;
}

void
proto_mark(struct proto_ctx *ctx, uint64_t now_ms)
{
	for (unsigned i = 0; i < ctx->nexp; i++) {
		struct proto_exporter *e = ctx->exps[i];

		if (e->last_mark_ms == 0) {
			/* the first: the rate counts from now on */
			e->info.mark_ms = now_ms;
			e->info.mark_flows = e->info.flows;
			e->info.mark_packets = e->info.packets;
		} else {
			e->info.mark_ms = e->last_mark_ms;
			e->info.mark_flows = e->last_mark_flows;
			e->info.mark_packets = e->last_mark_packets;
		}
		e->last_mark_ms = now_ms;
		e->last_mark_flows = e->info.flows;
		e->last_mark_packets = e->info.packets;
	}
}

void
proto_count_corrupt(struct proto_ctx *ctx, const struct proto_src *src)
{
	struct proto_exporter *e = proto_exporter_lookup(ctx, src, 0);

	if (e != NULL)
		e->info.corrupt++;
}

void
proto_get_stats(const struct proto_ctx *ctx, struct proto_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->exporters = ctx->nexp;
	st->max_exporters = ctx->lim.max_exporters;
	st->exporters_evicted = ctx->exp_evicted;
	st->pending_bytes = ctx->pend_total;
	st->pending_bytes_max = ctx->pend_total_max;
	st->pending_total = ctx->lim.max_pending_total;
	st->pending_refused = ctx->pend_refused;
}

uint64_t
proto_state_generation(const struct proto_ctx *ctx)
{
	return ctx->generation;
}

const char *
proto_strerror(int code)
{
	switch (code) {
	case PROTO_E_SHORT:	return "datagram shorter than announced";
	case PROTO_E_VERSION:	return "unsupported NetFlow version";
	case PROTO_E_COUNT:	return "record count above the maximum";
	case PROTO_E_MALFORMED:	return "malformed NetFlow v9 datagram";
	case PROTO_E_LIMIT:	return "exporter table full";
	}
	return code >= 0 ? "ok" : "unknown error";
}
