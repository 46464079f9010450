/*
 * nf9.c - NetFlow v9: one template-driven interpreter.
 *
 * The datagram is walked by flowset lengths, each bounded by what is left;
 * the header count is ignored (it is often wrong).  A flowset length below
 * 4 ends the walk (zero padding), as does one that runs past the datagram.
 * Data records = floor(payload / record length); the rest is padding.
 * Data whose template is unknown is copied to a bounded per-exporter queue
 * and decoded, in arrival order, as soon as the template is learned.
 */
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "proto_int.h"

#define NF9_HDR_LEN	20
#define NF9_FS_TMPL	0
#define NF9_FS_OPTIONS	1
#define NF9_FS_DATA_MIN	256

/* Per-record sampling state. */
struct nf9_rs {
	uint32_t	samp;
	uint32_t	sid;
	int		have_sid;
};

static void nf9_release(struct proto_hdr *, uint32_t, uint16_t,
    struct proto_batch *);

static inline uint64_t
nf9_uint(const uint8_t *q, unsigned len)
{
	switch (len) {
	case 1:
		return q[0];
	case 2:
		return cur_be16(q);
	case 4:
		return cur_be32(q);
	case 8:
		return (uint64_t)cur_be32(q) << 32 | cur_be32(q + 4);
	}
	return cur_be_uint(q, len);
}

/* Apply one program step to a data record. */
static inline void
nf9_apply(const struct proto_hdr *h, struct flowrec *r, unsigned op,
    const uint8_t *q, unsigned len, struct nf9_rs *rs)
{
	uint64_t v;

	switch (op) {
	case TOP_SRC4:	r->src.v4 = cur_be32(q);		return;
	case TOP_DST4:	r->dst.v4 = cur_be32(q);		return;
	case TOP_NH4:	r->nexthop.v4 = cur_be32(q);		return;
	case TOP_SRC6:	memcpy(r->src.v6, q, 16);		return;
	case TOP_DST6:	memcpy(r->dst.v6, q, 16);		return;
	case TOP_NH6:	memcpy(r->nexthop.v6, q, 16);		return;
	case TOP_SKIP:						return;
	}
	v = nf9_uint(q, len);
	switch (op) {
	case TOP_OCTETS:	r->octets += v;			break;
	case TOP_PACKETS:	r->packets += v;		break;
	case TOP_PROTO:		r->proto = (uint8_t)v;		break;
	case TOP_TOS:		r->tos = (uint8_t)v;		break;
	case TOP_TCPFLAGS:	r->tcp_flags = (uint8_t)v;	break;
	case TOP_SPORT:		r->sport = (uint16_t)v;		break;
	case TOP_DPORT:
	case TOP_ICMP:		r->dport = (uint16_t)v;		break;
	case TOP_SMASK:		r->src_mask = (uint8_t)v;	break;
	case TOP_DMASK:		r->dst_mask = (uint8_t)v;	break;
	case TOP_INIF:		r->in_if = (uint32_t)v;		break;
	case TOP_OUTIF:		r->out_if = (uint32_t)v;	break;
	case TOP_SRCAS:		r->src_as = (uint32_t)v;	break;
	case TOP_DSTAS:		r->dst_as = (uint32_t)v;	break;
	case TOP_FLOWLABEL:	r->flow_label = v & 0xFFFFF;	break;
	case TOP_FIRST_UP:
		r->first_ms = (uint64_t)proto_uptime_to_ms(h->exp_ms,
		    h->uptime, (uint32_t)v);
		break;
	case TOP_LAST_UP:
		r->last_ms = (uint64_t)proto_uptime_to_ms(h->exp_ms,
		    h->uptime, (uint32_t)v);
		break;
	case TOP_FIRST_MS:	r->first_ms = v;		break;
	case TOP_LAST_MS:	r->last_ms = v;			break;
	case TOP_FIRST_S:	r->first_ms = v * 1000;		break;
	case TOP_LAST_S:	r->last_ms = v * 1000;		break;
	case TOP_SAMPLING:	rs->samp = (uint32_t)v;		break;
	case TOP_SAMPLER_ID:
		rs->sid = (uint32_t)v;
		rs->have_sid = 1;
		break;
	}
}

static uint32_t
nf9_sampler_rate(const struct proto_ctx *ctx, const struct proto_exporter *e,
    uint32_t sid)
{
	unsigned i;

	for (i = 0; i < ctx->lim.max_samplers; i++)
		if (e->samplers[i].rate != 0 && e->samplers[i].id == sid)
			return e->samplers[i].rate;
	return 0;
}

/* Finish a record: sampling from the record, its sampler or the exporter. */
static void
nf9_finish(const struct proto_hdr *h, const struct tmpl *t,
    struct flowrec *r, const struct nf9_rs *rs)
{
	uint32_t rate = rs->samp;

	r->af = (uint8_t)t->af;
	r->fields |= t->has;
	if (t->event)
		r->fields |= FR_IS_EVENT;
	if (rate == 0 && rs->have_sid)
		rate = nf9_sampler_rate(h->ctx, h->exp, rs->sid);
	if (rate != 0) {
		r->sampling = rate;
		r->fields |= FR_HAS_SAMPLING;
	}
}

/* Step code for the fast path: op and length class in one switch value. */
#define NF9_X(op, lc)	((op) << 2 | (lc))
static const uint8_t nf9_lc[9] = { 0, 0, 1, 0, 2, 0, 0, 0, 3 };

/*
 * Apply one step of a fixed-layout record: the common (field, length)
 * pairs in a single switch, everything else through nf9_apply.
 */
static inline void
nf9_apply_fast(const struct proto_hdr *h, struct flowrec *r,
    const struct tmpl_step *s, const uint8_t *p, struct nf9_rs *rs)
{
	const uint8_t *q = p + s->off;
	unsigned code = ~0u;

	if (s->len == 1 || s->len == 2 || s->len == 4 || s->len == 8)
		code = (unsigned)NF9_X(s->op, nf9_lc[s->len]);
	switch (code) {
	case NF9_X(TOP_SKIP, 0): case NF9_X(TOP_SKIP, 1):
	case NF9_X(TOP_SKIP, 2): case NF9_X(TOP_SKIP, 3):
		return;
	case NF9_X(TOP_SRC4, 2):	r->src.v4 = cur_be32(q);	return;
	case NF9_X(TOP_DST4, 2):	r->dst.v4 = cur_be32(q);	return;
	case NF9_X(TOP_NH4, 2):		r->nexthop.v4 = cur_be32(q);	return;
	case NF9_X(TOP_OCTETS, 2):	r->octets += cur_be32(q);	return;
	case NF9_X(TOP_OCTETS, 3):
		r->octets += (uint64_t)cur_be32(q) << 32 | cur_be32(q + 4);
		return;
	case NF9_X(TOP_PACKETS, 2):	r->packets += cur_be32(q);	return;
	case NF9_X(TOP_PACKETS, 3):
		r->packets += (uint64_t)cur_be32(q) << 32 | cur_be32(q + 4);
		return;
	case NF9_X(TOP_PROTO, 0):	r->proto = q[0];		return;
	case NF9_X(TOP_TOS, 0):		r->tos = q[0];			return;
	case NF9_X(TOP_TCPFLAGS, 0):	r->tcp_flags = q[0];		return;
	case NF9_X(TOP_SPORT, 1):	r->sport = cur_be16(q);		return;
	case NF9_X(TOP_DPORT, 1):
	case NF9_X(TOP_ICMP, 1):	r->dport = cur_be16(q);		return;
	case NF9_X(TOP_SMASK, 0):	r->src_mask = q[0];		return;
	case NF9_X(TOP_DMASK, 0):	r->dst_mask = q[0];		return;
	case NF9_X(TOP_INIF, 1):	r->in_if = cur_be16(q);		return;
	case NF9_X(TOP_INIF, 2):	r->in_if = cur_be32(q);		return;
	case NF9_X(TOP_OUTIF, 1):	r->out_if = cur_be16(q);	return;
	case NF9_X(TOP_OUTIF, 2):	r->out_if = cur_be32(q);	return;
	case NF9_X(TOP_SRCAS, 1):	r->src_as = cur_be16(q);	return;
	case NF9_X(TOP_SRCAS, 2):	r->src_as = cur_be32(q);	return;
	case NF9_X(TOP_DSTAS, 1):	r->dst_as = cur_be16(q);	return;
	case NF9_X(TOP_DSTAS, 2):	r->dst_as = cur_be32(q);	return;
	case NF9_X(TOP_FIRST_UP, 2):
		r->first_ms = (uint64_t)proto_uptime_to_ms(h->exp_ms,
		    h->uptime, cur_be32(q));
		return;
	case NF9_X(TOP_LAST_UP, 2):
		r->last_ms = (uint64_t)proto_uptime_to_ms(h->exp_ms,
		    h->uptime, cur_be32(q));
		return;
	}
	nf9_apply(h, r, s->op, q, s->len, rs);
}

static unsigned
nf9_data_fixed(const struct proto_hdr *h, const struct tmpl *t,
    const uint8_t *p, size_t len, struct proto_batch *b)
{
	const struct tmpl_step *s, *end = t->steps + t->nsteps;
	struct flowrec *r;
	struct nf9_rs rs;
	size_t n, i;

	if (t->reclen == 0)
		return 0;
	n = len / t->reclen;
	for (i = 0; i < n; i++, p += t->reclen) {
		r = proto_batch_slot(b);
		*r = h->proto;
		rs.samp = 0;
		rs.have_sid = 0;
		for (s = t->steps; s < end; s++)
			nf9_apply_fast(h, r, s, p, &rs);
		nf9_finish(h, t, r, &rs);
		proto_batch_commit(b);
	}
	return (unsigned)n;
}

/* Length of field i of a record at c (reads the varlen prefix). */
static size_t
nf9_field_len(const struct tmpl *t, unsigned i, struct cursor *c)
{
	size_t l = t->fields[i].len;

	if (l != TMPL_VARLEN)
		return l;
	l = cur_u8(c);
	if (l == 255)
		l = cur_u16(c);
	return l;
}

/* Records of a template with variable-length fields, field by field. */
static unsigned
nf9_data_varlen(const struct proto_hdr *h, const struct tmpl *t,
    const uint8_t *p, size_t len, struct proto_batch *b)
{
	struct cursor c;
	struct flowrec *r;
	struct nf9_rs rs;
	const uint8_t *q;
	unsigned i, n = 0, nvar = t->nfields;
	size_t l;

	cur_init(&c, p, len);
	while (cur_left(&c) > 0 && cur_left(&c) >= t->reclen + 1) {
		r = proto_batch_slot(b);
		*r = h->proto;
		rs.samp = 0;
		rs.have_sid = 0;
		for (i = 0; i < nvar && cur_ok(&c); i++) {
			l = nf9_field_len(t, i, &c);
			if ((q = cur_ptr(&c, l)) != NULL && l > 0)
				nf9_apply(h, r, t->steps[i].op, q,
				    (unsigned)l, &rs);
		}
		if (!cur_ok(&c))
			break;
		nf9_finish(h, t, r, &rs);
		proto_batch_commit(b);
		n++;
	}
	return n;
}

/* Store one sampler rate (options data). */
static void
nf9_set_sampler(struct proto_hdr *h, int have_sid, uint32_t sid,
    uint32_t rate)
{
	struct proto_exporter *e = h->exp;
	unsigned i, max = h->ctx->lim.max_samplers, slot = max;

	if (!have_sid) {
		if (e->info.sampling != rate)
			h->ctx->generation++;
		e->info.sampling = rate;
		h->proto.sampling = rate;
		h->proto.fields |= FR_HAS_SAMPLING;
		return;
	}
	for (i = 0; i < max; i++) {
		if (e->samplers[i].rate != 0 && e->samplers[i].id == sid) {
			slot = i;
			break;
		}
		if (e->samplers[i].rate == 0 && slot == max)
			slot = i;
	}
	if (slot == max)
		slot = sid % max;	/* table full: overwrite one */
	if (e->samplers[slot].id != sid || e->samplers[slot].rate != rate)
		h->ctx->generation++;
	e->samplers[slot].id = sid;
	e->samplers[slot].rate = rate;
}

static void
nf9_options_data(struct proto_hdr *h, const struct tmpl *t,
    const uint8_t *p, size_t len)
{
	struct cursor c;
	const uint8_t *q;
	uint32_t sid = 0, rate = 0;
	int have_sid = 0;
	unsigned i;
	size_t l;

	if (t->reclen == 0 && !t->varlen)
		return;
	cur_init(&c, p, len);
	while (cur_left(&c) > 0 && cur_left(&c) >= t->reclen + t->varlen) {
		have_sid = 0;
		rate = 0;
		for (i = 0; i < t->nfields && cur_ok(&c); i++) {
			l = nf9_field_len(t, i, &c);
			q = cur_ptr(&c, l);
			if (q == NULL || l == 0 || l > 8)
				continue;
			if (t->steps[i].op == TOP_OPT_SAMPLER_ID) {
				sid = (uint32_t)nf9_uint(q, (unsigned)l);
				have_sid = 1;
			} else if (t->steps[i].op == TOP_OPT_INTERVAL)
				rate = (uint32_t)nf9_uint(q, (unsigned)l);
		}
		if (!cur_ok(&c))
			break;
		if (rate != 0)
			nf9_set_sampler(h, have_sid, sid, rate);
	}
}

/* Decode one data flowset payload with its template. */
static unsigned
nf9_flowset(struct proto_hdr *h, const struct tmpl *t, const uint8_t *p,
    size_t len, struct proto_batch *b)
{
	if (t->kind == TMPL_KIND_OPTIONS) {
		nf9_options_data(h, t, p, len);
		return 0;
	}
	if (t->varlen)
		return nf9_data_varlen(h, t, p, len, b);
	return nf9_data_fixed(h, t, p, len, b);
}

/* ------------------------------------------------------------ pending */

/* Queued bytes leave the context-wide sum too. */
#define PEND_TOTAL_SUB(e, n) do {					\
	if ((e)->pend_total != NULL)					\
		*(e)->pend_total -= (n);				\
} while (0)

static void
nf9_pend_drop_head(struct proto_exporter *e)
{
	struct proto_pending *p = e->pend_head;

	if (p == NULL)
		return;
	e->pend_head = p->next;
	if (e->pend_head == NULL)
		e->pend_tail = NULL;
	e->pend_bytes -= p->len;
	PEND_TOTAL_SUB(e, p->len);
	e->info.pending--;
	free(p);
}

void
nf9_pending_free(struct proto_exporter *e)
{
	while (e->pend_head != NULL)
		nf9_pend_drop_head(e);
}

unsigned
nf9_pending_expire(struct proto_exporter *e, uint64_t now_ms, uint64_t ttl)
{
	struct proto_pending **pp = &e->pend_head, *p;
	unsigned n = 0;

	e->pend_tail = NULL;
	while ((p = *pp) != NULL) {
		if (p->recv_ms + ttl < now_ms) {
			*pp = p->next;
			e->pend_bytes -= p->len;
			PEND_TOTAL_SUB(e, p->len);
			e->info.pending--;
			e->info.pending_expired++;
			free(p);
			n++;
			continue;
		}
		e->pend_tail = p;
		pp = &p->next;
	}
	return n;
}

/* Queue a data flowset whose template is not known yet. */
static void
nf9_pend_add(struct proto_hdr *h, uint16_t tid, const uint8_t *data,
    size_t len)
{
	struct proto_exporter *e = h->exp;
	const struct proto_limits *lim = &h->ctx->lim;
	struct proto_pending *p;

	if (len == 0)
		return;
	if (len > lim->max_pending_bytes) {
		e->info.pending_dropped++;
		return;
	}
	while (e->pend_head != NULL && (e->info.pending >= lim->max_pending ||
	    e->pend_bytes + len > lim->max_pending_bytes)) {
		nf9_pend_drop_head(e);
		e->info.pending_dropped++;
	}
	/* the sum over all exporters: a spoofed-source flood cannot make
	 * max_exporters times max_pending_bytes; newcomers are refused */
	if (e->pend_total != NULL &&
	    *e->pend_total + len > lim->max_pending_total) {
		e->info.pending_dropped++;
		h->ctx->pend_refused++;
		return;
	}
	if ((p = malloc(sizeof(*p) + len)) == NULL) {
		e->info.pending_dropped++;
		return;
	}
	p->next = NULL;
	p->recv_ms = h->proto.recv_ms;
	p->source_id = h->proto.source_id;
	p->uptime = h->uptime;
	p->secs = h->proto.exp_secs;
	p->tmpl_id = tid;
	p->len = (uint16_t)len;
	memcpy(p->data, data, len);
	if (e->pend_tail != NULL)
		e->pend_tail->next = p;
	else
		e->pend_head = p;
	e->pend_tail = p;
	e->pend_bytes += len;
	if (e->pend_total != NULL)
		*e->pend_total += len;
	if (h->ctx->pend_total > h->ctx->pend_total_max)
		h->ctx->pend_total_max = h->ctx->pend_total;
	e->info.pending++;
	h->res->queued++;
}

/* Decode a queued flowset with the header values it arrived with. */
static void
nf9_pend_decode(struct proto_hdr *h, const struct tmpl *t,
    const struct proto_pending *p, struct proto_batch *b)
{
	struct proto_hdr ph = *h;

	ph.proto.recv_ms = p->recv_ms;
	ph.proto.source_id = p->source_id;
	ph.proto.uptime_ms = p->uptime;
	ph.proto.exp_secs = p->secs;
	ph.uptime = p->uptime;
	ph.exp_ms = (uint64_t)p->secs * 1000;
	h->res->released += nf9_flowset(&ph, t, p->data, p->len, b);
	/* options data may have changed the exporter-wide rate */
	h->proto.sampling = ph.proto.sampling;
	h->proto.fields = ph.proto.fields;
}

/* Template (source_id, tid) was just learned: decode what waited for it. */
static void
nf9_release(struct proto_hdr *h, uint32_t source_id, uint16_t tid,
    struct proto_batch *b)
{
	struct proto_exporter *e = h->exp;
	struct proto_pending **pp = &e->pend_head, *p;
	const struct tmpl *t;

	e->pend_tail = NULL;
	while ((p = *pp) != NULL) {
		if (p->source_id != source_id || p->tmpl_id != tid) {
			e->pend_tail = p;
			pp = &p->next;
			continue;
		}
		*pp = p->next;
		e->pend_bytes -= p->len;
		PEND_TOTAL_SUB(e, p->len);
		e->info.pending--;
		if ((t = tmpl_find(e->tc, source_id, tid)) != NULL)
			nf9_pend_decode(h, t, p, b);
		free(p);
	}
}

/* ------------------------------------------------------------ templates */

static void
nf9_learn(struct proto_hdr *h, uint16_t tid, int kind,
    const struct tmpl_field *f, unsigned nf, unsigned nscope,
    struct proto_batch *b)
{
	struct proto_exporter *e = h->exp;
	int evicted = 0;

	h->ctx->generation++;
	if (tmpl_add(e->tc, h->proto.source_id, tid, kind, f, nf, nscope,
	    &evicted) == NULL)
		return;
	if (evicted)
		e->info.templates_evicted++;
	nf9_release(h, h->proto.source_id, tid, b);
}

/* Read n (type, length) pairs; NULL if short or out of memory. */
static struct tmpl_field *
nf9_read_fields(struct cursor *c, unsigned n)
{
	struct tmpl_field *f;
	unsigned i;

	if (!cur_need(c, (size_t)n * 4))
		return NULL;
	if ((f = malloc((n > 0 ? n : 1) * sizeof(*f))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		f[i].type = cur_u16(c);
		f[i].len = cur_u16(c);
	}
	return f;
}

static void
nf9_templates(struct proto_hdr *h, struct cursor *c, struct proto_batch *b)
{
	struct tmpl_field *f;
	unsigned tid, nf;

	while (cur_left(c) >= 4) {
		tid = cur_u16(c);
		nf = cur_u16(c);
		if (tid < NF9_FS_DATA_MIN)
			return;			/* padding or garbage */
		if (nf > h->ctx->lim.max_template_fields) {
			if (tmpl_remove(h->exp->tc, h->proto.source_id,
			    (uint16_t)tid))
				h->ctx->generation++;
			if (!cur_skip(c, (size_t)nf * 4))
				return;
			continue;
		}
		if ((f = nf9_read_fields(c, nf)) == NULL)
			return;
		if (nf == 0) {
			if (tmpl_remove(h->exp->tc, h->proto.source_id,
			    (uint16_t)tid))
				h->ctx->generation++;
		} else
			nf9_learn(h, (uint16_t)tid, TMPL_KIND_DATA, f, nf, 0,
			    b);
		free(f);
	}
}

static void
nf9_options_templates(struct proto_hdr *h, struct cursor *c,
    struct proto_batch *b)
{
	struct tmpl_field *f;
	unsigned tid, slen, olen, nf;

	while (cur_left(c) >= 6) {
		tid = cur_u16(c);
		slen = cur_u16(c);
		olen = cur_u16(c);
		if (tid < NF9_FS_DATA_MIN || slen % 4 != 0 || olen % 4 != 0)
			return;
		nf = (slen + olen) / 4;
		if (nf > h->ctx->lim.max_template_fields) {
			if (tmpl_remove(h->exp->tc, h->proto.source_id,
			    (uint16_t)tid))
				h->ctx->generation++;
			if (!cur_skip(c, (size_t)nf * 4))
				return;
			continue;
		}
		if ((f = nf9_read_fields(c, nf)) == NULL)
			return;
		if (nf == 0) {
			if (tmpl_remove(h->exp->tc, h->proto.source_id,
			    (uint16_t)tid))
				h->ctx->generation++;
		} else
			nf9_learn(h, (uint16_t)tid, TMPL_KIND_OPTIONS, f, nf,
			    slen / 4, b);
		free(f);
	}
}

/* ------------------------------------------------------------ datagram */

static void
nf9_data(struct proto_hdr *h, uint16_t fsid, const uint8_t *p, size_t len,
    struct proto_batch *b)
{
	struct tmpl *t;

	t = tmpl_find(h->exp->tc, h->proto.source_id, fsid);
	if (t == NULL) {
		nf9_pend_add(h, fsid, p, len);
		return;
	}
	nf9_flowset(h, t, p, len, b);
}

/* sysUptime going back by more than this with a sequence reset is a
 * restart; less is reordering (real captures have data a second older than
 * the template that follows it). */
#define NF9_RESTART_BACK_MS	60000u

/*
 * The exporter restarted (its sequence reset and its sysUptime went back):
 * the templates of this source ID died with it, and the new life may give
 * an ID another layout.  Forget them, and the data queued for them (counted
 * as expired), so that data of the new life waits for its own templates
 * instead of being read with the old ones.
 */
static void
nf9_restart(struct proto_exporter *e, uint32_t source_id)
{
	struct proto_pending **pp = &e->pend_head, *p;
	const struct tmpl *t;
	uint16_t *ids;
	unsigned i, n = 0, cnt = tmpl_count(e->tc);

	if ((ids = calloc(cnt + 1, sizeof(*ids))) != NULL) {
		for (i = 0; i < cnt; i++)
			if ((t = tmpl_get(e->tc, i)) != NULL &&
			    t->source_id == source_id)
				ids[n++] = t->id;
		for (i = 0; i < n; i++)
			tmpl_remove(e->tc, source_id, ids[i]);
		free(ids);
	}
	e->pend_tail = NULL;
	while ((p = *pp) != NULL) {
		if (p->source_id == source_id) {
			*pp = p->next;
			e->pend_bytes -= p->len;
			PEND_TOTAL_SUB(e, p->len);
			e->info.pending--;
			e->info.pending_expired++;
			free(p);
			continue;
		}
		e->pend_tail = p;
		pp = &p->next;
	}
}

/* v9 sequence numbers count packets per (exporter, source_id). */
static void
nf9_seq(struct proto_hdr *h, uint32_t seq)
{
	struct proto_seq *s = proto_seq_get(h->exp, SEQ_KIND_V9,
	    h->proto.source_id);
	uint32_t gap = seq - s->expected;

	if (s->valid && gap != 0) {
		if (gap < 1000)
			h->exp->info.lost_packets += gap;
		else {
			h->exp->info.seq_resets++;
			h->res->resets++;
			if (h->uptime < s->uptime &&
			    s->uptime - h->uptime > NF9_RESTART_BACK_MS)
				nf9_restart(h->exp, h->proto.source_id);
		}
	}
	s->valid = 1;
	s->expected = seq + 1;
	s->uptime = h->uptime;
}

static void
nf9_header(struct proto_hdr *h, struct cursor *c)
{
	struct flowrec *r = &h->proto;
	struct proto_exporter *e = h->exp;
	uint32_t seq;

	(void)cur_u16(c);		/* version */
	(void)cur_u16(c);		/* count: not trusted */
	r->uptime_ms = cur_u32(c);
	r->exp_secs = cur_u32(c);
	seq = cur_u32(c);
	r->source_id = cur_u32(c);
	r->fields = FR_HAS_UPTIME;
	h->uptime = r->uptime_ms;
	h->exp_ms = (uint64_t)r->exp_secs * 1000;
	if (e->info.sampling != 0) {
		r->sampling = e->info.sampling;
		r->fields |= FR_HAS_SAMPLING;
	}
	proto_src_id_note(e, r->source_id);
	nf9_seq(h, seq);
}

int
nf9_decode(struct proto_hdr *h, const uint8_t *buf, size_t len,
    struct proto_batch *b)
{
	struct cursor c, fs;
	unsigned fsid, flen;

	if (len < NF9_HDR_LEN)
		return PROTO_E_SHORT;
	cur_init(&c, buf, len);
	nf9_header(h, &c);
	while (cur_left(&c) >= 4) {
		fsid = cur_u16(&c);
		flen = cur_u16(&c);
		if (flen < 4 || !cur_sub(&c, flen - 4, &fs)) {
			/* Zero padding ends the walk quietly; a length
			 * that lies is counted. */
			if (fsid != 0 || flen != 0)
				h->exp->info.bad_flowsets++;
			break;
		}
		if (fsid == NF9_FS_TMPL)
			nf9_templates(h, &fs, b);
		else if (fsid == NF9_FS_OPTIONS)
			nf9_options_templates(h, &fs, b);
		else if (fsid >= NF9_FS_DATA_MIN)
			nf9_data(h, (uint16_t)fsid, fs.p, cur_left(&fs), b);
	}
	return 0;
}
