/*
 * state.c - save and load the v9 template, sampling and sequence state.
 *
 * The format is described in doc/state-file.md.  Loading is a parser of
 * untrusted bytes: everything goes through the cursor, every count is
 * checked against the limits, and the new state is built in a scratch
 * context that replaces the old one only when the whole file was valid.
 */
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "proto_int.h"

#define ST_MAGIC	"FKPS"
#define ST_VERSION	1
#define ST_HDR_LEN	12

#define ST_T_EXPORTER	1
#define ST_T_SAMPLER	2
#define ST_T_SEQ	3
#define ST_T_TEMPLATE	4
#define ST_T_END	0xFFFF

struct st_buf {
	uint8_t		*p;
	size_t		 len;
	size_t		 cap;
	int		 err;
};

static uint8_t *
st_room(struct st_buf *b, size_t n)
{
	size_t ncap;
	uint8_t *np;

	if (b->err)
		return NULL;
	if (b->len + n > b->cap) {
		ncap = b->cap * 2 + n + 256;
		if ((np = realloc(b->p, ncap)) == NULL) {
			b->err = 1;
			return NULL;
		}
		b->p = np;
		b->cap = ncap;
	}
	np = b->p + b->len;
	b->len += n;
	return np;
}

static void
st_be(struct st_buf *b, uint64_t v, size_t n)
{
	uint8_t *p = st_room(b, n);
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static void
st_raw(struct st_buf *b, const void *v, size_t n)
{
	uint8_t *p = st_room(b, n);

	if (p != NULL)
		memcpy(p, v, n);
}

/* Start an item; returns the offset of its length field. */
static size_t
st_item(struct st_buf *b, unsigned type)
{
	size_t at;

	st_be(b, type, 2);
	at = b->len;
	st_be(b, 0, 4);
	return at;
}

static void
st_item_end(struct st_buf *b, size_t at)
{
	uint32_t n = (uint32_t)(b->len - at - 4);

	if (b->err)
		return;
	b->p[at] = (uint8_t)(n >> 24);
	b->p[at + 1] = (uint8_t)(n >> 16);
	b->p[at + 2] = (uint8_t)(n >> 8);
	b->p[at + 3] = (uint8_t)n;
}

static void
st_save_exporter(struct st_buf *b, const struct proto_ctx *ctx,
    const struct proto_exporter *e)
{
	const struct tmpl *t;
	unsigned i, k;
	size_t at;
	uint8_t addr[16];

	memset(addr, 0, sizeof(addr));
	if (e->info.af == FR_AF_INET6)
		memcpy(addr, e->info.addr.v6, 16);
	else {
		addr[0] = (uint8_t)(e->info.addr.v4 >> 24);
		addr[1] = (uint8_t)(e->info.addr.v4 >> 16);
		addr[2] = (uint8_t)(e->info.addr.v4 >> 8);
		addr[3] = (uint8_t)e->info.addr.v4;
	}
	at = st_item(b, ST_T_EXPORTER);
	st_be(b, e->info.af, 1);
	st_raw(b, addr, 16);
	st_be(b, e->info.sampling, 4);
	st_item_end(b, at);
	for (i = 0; i < ctx->lim.max_samplers; i++) {
		if (e->samplers[i].rate == 0)
			continue;
		at = st_item(b, ST_T_SAMPLER);
		st_be(b, e->samplers[i].id, 4);
		st_be(b, e->samplers[i].rate, 4);
		st_item_end(b, at);
	}
	for (i = 0; i < PROTO_NSEQ; i++) {
		if (!e->seq[i].valid)
			continue;
		at = st_item(b, ST_T_SEQ);
		st_be(b, e->seq[i].kind, 1);
		st_be(b, e->seq[i].key, 4);
		st_be(b, e->seq[i].expected, 4);
		st_item_end(b, at);
	}
	for (i = 0; (t = tmpl_get(e->tc, i)) != NULL; i++) {
		at = st_item(b, ST_T_TEMPLATE);
		st_be(b, t->source_id, 4);
		st_be(b, t->id, 2);
		st_be(b, t->kind, 1);
		st_be(b, t->nscope, 2);
		st_be(b, t->nfields, 2);
		for (k = 0; k < t->nfields; k++) {
			st_be(b, t->fields[k].type, 2);
			st_be(b, t->fields[k].len, 2);
		}
		st_item_end(b, at);
	}
}

int
proto_state_save(const struct proto_ctx *ctx, uint8_t **buf, size_t *len)
{
	struct st_buf b;
	unsigned i;
	size_t at;

	memset(&b, 0, sizeof(b));
	st_raw(&b, ST_MAGIC, 4);
	st_be(&b, ST_VERSION, 2);
	st_be(&b, 0, 2);
	st_be(&b, ctx->nexp, 4);
	for (i = 0; i < ctx->nexp; i++)
		st_save_exporter(&b, ctx, ctx->exps[i]);
	at = st_item(&b, ST_T_END);
	st_be(&b, ctx->nexp, 4);
	st_item_end(&b, at);
	if (b.err) {
		free(b.p);
		return -1;
	}
	*buf = b.p;
	*len = b.len;
	return 0;
}

/* ------------------------------------------------------------ load */

static int
st_load_exporter(struct proto_ctx *tmp, struct cursor *c,
    struct proto_exporter **cur)
{
	struct proto_src src;
	uint8_t af, addr[16];
	uint32_t sampling;

	af = cur_u8(c);
	cur_bytes(c, addr, 16);
	sampling = cur_u32(c);
	if (!cur_ok(c) || cur_left(c) != 0)
		return -1;
	if (af != FR_AF_INET && af != FR_AF_INET6)
		return -1;
	if (tmp->nexp >= tmp->lim.max_exporters)
		return -1;
	memset(&src, 0, sizeof(src));
	src.af = af;
	if (af == FR_AF_INET6)
		memcpy(src.addr.v6, addr, 16);
	else
		src.addr.v4 = cur_be32(addr);
	if (proto_exporter_lookup(tmp, &src, 0) != NULL)
		return -1;			/* duplicate */
	if ((*cur = proto_exporter_lookup(tmp, &src, 1)) == NULL)
		return -1;
	(*cur)->info.sampling = sampling;
	return 0;
}

static int
st_load_sampler(struct proto_ctx *tmp, struct cursor *c,
    struct proto_exporter *e)
{
	uint32_t id, rate;
	unsigned i;

	id = cur_u32(c);
	rate = cur_u32(c);
	if (!cur_ok(c) || cur_left(c) != 0 || rate == 0)
		return -1;
	for (i = 0; i < tmp->lim.max_samplers; i++) {
		if (e->samplers[i].rate != 0 && e->samplers[i].id == id)
			return -1;
		if (e->samplers[i].rate == 0) {
			e->samplers[i].id = id;
			e->samplers[i].rate = rate;
			return 0;
		}
	}
	return -1;
}

static int
st_load_seq(struct cursor *c, struct proto_exporter *e)
{
	struct proto_seq *s;
	uint8_t kind;
	uint32_t key, expected;

	kind = cur_u8(c);
	key = cur_u32(c);
	expected = cur_u32(c);
	if (!cur_ok(c) || cur_left(c) != 0)
		return -1;
	if (kind != SEQ_KIND_V5 && kind != SEQ_KIND_V9)
		return -1;
	s = proto_seq_get(e, kind, key);
	if (s->valid)
		return -1;			/* duplicate */
	s->valid = 1;
	s->expected = expected;
	return 0;
}

static int
st_load_template(struct proto_ctx *tmp, struct cursor *c,
    struct proto_exporter *e)
{
	struct tmpl_field f[16384];
	uint32_t source_id;
	unsigned id, kind, nscope, nf, i;
	int evicted;

	source_id = cur_u32(c);
	id = cur_u16(c);
	kind = cur_u8(c);
	nscope = cur_u16(c);
	nf = cur_u16(c);
	if (!cur_ok(c) || cur_left(c) != (size_t)nf * 4)
		return -1;
	if (id < 256 || kind > TMPL_KIND_OPTIONS || nscope > nf || nf == 0 ||
	    nf > tmp->lim.max_template_fields || nf > 16384 ||
	    (kind == TMPL_KIND_DATA && nscope != 0))
		return -1;
	if (tmpl_find(e->tc, source_id, (uint16_t)id) != NULL)
		return -1;			/* duplicate */
	for (i = 0; i < nf; i++) {
		f[i].type = cur_u16(c);
		f[i].len = cur_u16(c);
	}
	if (tmpl_count(e->tc) >= tmp->lim.max_templates)
		return -1;
	if (tmpl_add(e->tc, source_id, (uint16_t)id, (int)kind, f, nf,
	    nscope, &evicted) == NULL)
		return -1;
	return 0;
}

static int
st_load_item(struct proto_ctx *tmp, unsigned type, struct cursor *c,
    struct proto_exporter **cur)
{
	if (type == ST_T_EXPORTER)
		return st_load_exporter(tmp, c, cur);
	if (*cur == NULL)
		return type > ST_T_TEMPLATE ? 0 : -1;
	switch (type) {
	case ST_T_SAMPLER:
		return st_load_sampler(tmp, c, *cur);
	case ST_T_SEQ:
		return st_load_seq(c, *cur);
	case ST_T_TEMPLATE:
		return st_load_template(tmp, c, *cur);
	}
	return 0;			/* unknown item: skipped */
}

static int
st_load_items(struct proto_ctx *tmp, struct cursor *c, uint32_t nexp)
{
	struct proto_exporter *cur = NULL;
	struct cursor item;
	unsigned type;
	uint32_t ilen;

	while (cur_left(c) > 0) {
		type = cur_u16(c);
		ilen = cur_u32(c);
		if (!cur_sub(c, ilen, &item))
			return -1;
		if (type == ST_T_END) {
			if (cur_u32(&item) != nexp || cur_left(&item) != 0 ||
			    !cur_ok(&item))
				return -1;
			return cur_left(c) == 0 && tmp->nexp == nexp ? 0 : -1;
		}
		if (st_load_item(tmp, type, &item, &cur) == -1)
			return -1;
	}
	return -1;			/* no END item */
}

/* Give ctx the state of tmp; tmp gets the old state (to be freed). */
static void
st_swap(struct proto_ctx *ctx, struct proto_ctx *tmp)
{
	struct proto_ctx old = *ctx;
	unsigned i;

	*ctx = *tmp;
	ctx->generation = old.generation + 1;
	*tmp = old;
	/* each exporter counts its queued bytes in its own context's sum */
	for (i = 0; i < ctx->nexp; i++)
		ctx->exps[i]->pend_total = &ctx->pend_total;
	for (i = 0; i < tmp->nexp; i++)
		tmp->exps[i]->pend_total = &tmp->pend_total;
}

int
proto_state_load(struct proto_ctx *ctx, const uint8_t *buf, size_t len)
{
	struct proto_ctx *tmp;
	struct cursor c;
	uint8_t magic[4];
	uint32_t nexp;
	unsigned version, flags;

	cur_init(&c, buf, len);
	cur_bytes(&c, magic, 4);
	version = cur_u16(&c);
	flags = cur_u16(&c);
	nexp = cur_u32(&c);
	if (!cur_ok(&c) || memcmp(magic, ST_MAGIC, 4) != 0 ||
	    version != ST_VERSION || flags != 0 ||
	    nexp > ctx->lim.max_exporters)
		return -1;
	if ((tmp = proto_new(&ctx->lim)) == NULL)
		return -1;
	if (st_load_items(tmp, &c, nexp) == -1) {
		proto_free(tmp);
		return -1;
	}
	st_swap(ctx, tmp);
	proto_free(tmp);
	return 0;
}
