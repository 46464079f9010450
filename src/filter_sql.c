/*
 * filter_sql.c - a compiled filter as a ClickHouse condition (see
 * filter_sql.h).  A walk over the program that mirrors eval() in
 * filter.c node by node, so that the SQL keeps its semantics: a test on
 * a field the exporter did not send is false (the `fields` bitmask), an
 * address test needs the family, both-sided tests are an OR of the two
 * sides, and an address list is decided by its longest matching prefix.
 */
#define _GNU_SOURCE

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/chrow.h"

#include "filter_int.h"
#include "filter_sql.h"

/* Address list entries (include x exclude pairs) above this are not
 * translated: the query would get too long for the server. */
#define SQL_PSET_MAX	2048

struct sb {
	char	*s;
	size_t	 len, cap;
	int	 oom;
	int	 exact;
};

static void
sb_add(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	if (b->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = 1;
			return;
		}
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		if ((p = realloc(b->s, b->cap * 2 + (size_t)n)) == NULL) {
			b->oom = 1;
			return;
		}
		b->s = p;
		b->cap = b->cap * 2 + (size_t)n;
	}
}

/* The column of number field fld (dst side if dst), NULL: no column. */
static const char *
num_col(int fld, int dst)
{
	switch (fld) {
	case FLD_PORT:
		return dst ? "dport" : "sport";
	case FLD_AS:
		return dst ? "dst_as" : "src_as";
	case FLD_IF:
		return dst ? "out_if" : "in_if";
	case FLD_PROTO:
		return "proto";
	case FLD_TOS:
		return "tos";
	case FLD_FLAGS:
		return "tcp_flags";
	case FLD_ENGTYPE:
		return "engine_type";
	case FLD_ENGID:
		return "engine_id";
	case FLD_BYTES:
		return "octets";
	case FLD_PACKETS:
		return "packets";
	case FLD_DURATION:
		return "if(last_ms > first_ms, last_ms - first_ms, 0)";
	default:
		return NULL;	/* rates: see filter_sql.h */
	}
}

static void
num_test(struct sb *b, const char *col, int cmp, uint64_t a, uint64_t v2)
{
	static const char *const ops[] = { "=", "!=", "<", "<=", ">", ">=" };
	unsigned long long x = a, y = v2;

	switch (cmp) {
	case C_RANGE:
		sb_add(b, "(%s >= %llu AND %s <= %llu)", col, x, col, y);
		break;
	case C_MASK:
		sb_add(b, "bitAnd(%s, %llu) = %llu", col, y, x);
		break;
	default:
		sb_add(b, "%s %s %llu", col, ops[cmp], x);
		break;
	}
}

static void
hex16(struct sb *b, const uint8_t a[16])
{
	sb_add(b, "unhex('");
	for (int i = 0; i < 16; i++)
		sb_add(b, "%02x", a[i]);
	sb_add(b, "')");
}

/* "afcol = F AND col BETWEEN lo AND hi" for the prefix p. */
static void
pfx_test(struct sb *b, const char *col, const char *afcol,
    const struct fpfx *p)
{
	uint8_t lo[16], hi[16];
	fr_addr la, ha;
	unsigned bits = p->af == FR_AF_INET ? 32 : 128;

	la = p->a;
	ha = p->a;
	if (p->af == FR_AF_INET) {
		uint32_t m = p->len == 0 ? 0 : UINT32_MAX << (32 - p->len);

		la.v4 = p->a.v4 & m;
		ha.v4 = la.v4 | ~m;
	} else {
		for (unsigned i = p->len; i < bits; i++) {
			la.v6[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
			ha.v6[i / 8] |= (uint8_t)(0x80 >> (i % 8));
		}
	}
	chrow_addr16(p->af, &la, lo);
	chrow_addr16(p->af, &ha, hi);
	sb_add(b, "(%s = %u AND %s BETWEEN ", afcol, (unsigned)p->af, col);
	hex16(b, lo);
	sb_add(b, " AND ");
	hex16(b, hi);
	sb_add(b, ")");
}

/* 1 if prefix q lies inside prefix p (and is longer). */
static int
pfx_inside(const struct fpfx *q, const struct fpfx *p)
{
	if (q->af != p->af || q->len <= p->len)
		return 0;
	if (p->af == FR_AF_INET) {
		uint32_t m = p->len == 0 ? 0 : UINT32_MAX << (32 - p->len);

		return (q->a.v4 & m) == p->a.v4;
	}
	for (unsigned i = 0; i < p->len; i++)
		if ((q->a.v6[i / 8] ^ p->a.v6[i / 8]) & (0x80 >> (i % 8)))
			return 0;
	return 1;
}

/* An address list on one column: the longest matching entry decides; an
 * address no entry matches passes only when the list has no include. */
static void
pset_test(struct sb *b, const struct filter *f, const struct fset *s,
    const char *col, const char *afcol)
{
	const struct fpent *e = NULL;
	size_t n = 0, pairs = 0, i, j;
	int any;

	for (uint32_t g = s->first; g < s->first + s->n; g++) {
		if (e == NULL)
			e = &f->pents[f->pgroups[g].first];
		n += f->pgroups[g].n;	/* groups are contiguous */
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			pairs += !e[i].excl && e[j].excl;
	if (n + pairs > SQL_PSET_MAX) {
		b->exact = 0;
		sb_add(b, "1");
		return;
	}
	sb_add(b, "(%s IN (4, 6) AND ", afcol);
	if (!s->has_incl) {
		sb_add(b, "NOT (0");
		for (i = 0; i < n; i++) {
			sb_add(b, " OR ");
			pfx_test(b, col, afcol, &e[i].p);
		}
		sb_add(b, "))");
		return;
	}
	sb_add(b, "(0");
	for (i = 0; i < n; i++) {
		if (e[i].excl)
			continue;
		sb_add(b, " OR (");
		pfx_test(b, col, afcol, &e[i].p);
		any = 0;
		for (j = 0; j < n; j++) {
			if (!e[j].excl || !pfx_inside(&e[j].p, &e[i].p))
				continue;
			sb_add(b, any ? " OR " : " AND NOT (");
			pfx_test(b, col, afcol, &e[j].p);
			any = 1;
		}
		sb_add(b, any ? "))" : ")");
	}
	sb_add(b, "))");
}

static void
nset_test(struct sb *b, const struct filter *f, const struct fset *s,
    const char *col)
{
	int any = 0;

	sb_add(b, "(NOT (0");
	for (uint32_t i = s->first; i < s->first + s->n; i++)
		if (f->nents[i].excl) {
			sb_add(b, " OR ");
			num_test(b, col, f->nents[i].cmp, f->nents[i].a,
			    f->nents[i].b);
		}
	sb_add(b, ")");
	if (s->has_incl) {
		sb_add(b, " AND (0");
		for (uint32_t i = s->first; i < s->first + s->n; i++)
			if (!f->nents[i].excl) {
				sb_add(b, " OR ");
				num_test(b, col, f->nents[i].cmp,
				    f->nents[i].a, f->nents[i].b);
				any = 1;
			}
		sb_add(b, ")");
	}
	(void)any;
	sb_add(b, ")");
}

/* The address column of fld (dst side if dst), its family column, and
 * the FR_HAS_* bit it needs (0: none). */
static const char *
addr_col(int fld, int dst, const char **afcol, uint32_t *need)
{
	switch (fld) {
	case AFLD_IP:
		*afcol = "af";
		*need = dst ? FR_HAS_DSTADDR : FR_HAS_SRCADDR;
		return dst ? "dst" : "src";
	case AFLD_NEXTHOP:
		*afcol = "af";
		*need = FR_HAS_NEXTHOP;
		return "nexthop";
	default:
		*afcol = "exp_af";
		*need = 0;
		return "exporter";
	}
}

static void node(struct sb *, const struct filter *, uint32_t);

/* One side of a leaf test (the side loop of eval_leaf). */
static void
leaf_side(struct sb *b, const struct filter *f, const struct fnode *n,
    int dst)
{
	const char *col, *afcol;
	uint32_t need;

	switch (n->op) {
	case OP_NUM:
	case OP_NSET:
		if ((col = num_col(n->fld, dst)) == NULL) {
			b->exact = 0;
			sb_add(b, "1");
			return;
		}
		if (n->op == OP_NUM)
			num_test(b, col, n->cmp, n->u.num.a, n->u.num.b);
		else
			nset_test(b, f, &f->sets[n->u.set], col);
		return;
	default:
		col = addr_col(n->fld, dst, &afcol, &need);
		sb_add(b, "(");
		if (need != 0)
			sb_add(b, "bitAnd(fields, %lu) != 0 AND ",
			    (unsigned long)need);
		if (n->op == OP_ADDR)
			pfx_test(b, col, afcol, &n->u.pfx);
		else
			pset_test(b, f, &f->sets[n->u.set], col, afcol);
		sb_add(b, ")");
		return;
	}
}

static void
leaf(struct sb *b, const struct filter *f, const struct fnode *n)
{
	sb_add(b, "(");
	if (n->need != 0)
		sb_add(b, "bitAnd(fields, %lu) = %lu AND ",
		    (unsigned long)n->need, (unsigned long)n->need);
	if (n->side == 0 || n->side == SIDE_SRC)
		leaf_side(b, f, n, 0);
	else if (n->side == SIDE_DST)
		leaf_side(b, f, n, 1);
	else {
		sb_add(b, "(");
		leaf_side(b, f, n, 0);
		sb_add(b, " OR ");
		leaf_side(b, f, n, 1);
		sb_add(b, ")");
	}
	sb_add(b, ")");
}

static void
node(struct sb *b, const struct filter *f, uint32_t i)
{
	const struct fnode *n = &f->nodes[i];
	const uint32_t *k;
	size_t mark;
	int was;

	switch (n->op) {
	case OP_TRUE:
		sb_add(b, "1");
		return;
	case OP_AND:
	case OP_OR:
		k = &f->kids[n->u.kids.first];
		sb_add(b, "(%s", n->op == OP_AND ? "1" : "0");
		for (uint32_t j = 0; j < n->u.kids.n; j++) {
			sb_add(b, n->op == OP_AND ? " AND " : " OR ");
			node(b, f, k[j]);
		}
		sb_add(b, ")");
		return;
	case OP_NOT:
		/* the negation of a superset is not one: drop it whole */
		was = b->exact;
		b->exact = 1;
		mark = b->len;
		sb_add(b, "NOT ");
		node(b, f, n->u.kids.first);
		if (!b->exact && !b->oom) {
			b->len = mark;
			b->s[mark] = '\0';
			sb_add(b, "1");
		}
		b->exact = was && b->exact;
		return;
	case OP_AF:
		sb_add(b, "af = %u", (unsigned)n->u.af);
		return;
	default:
		leaf(b, f, n);
		return;
	}
}

char *
filter_sql(const struct filter *f, int *exact)
{
	struct sb b;

	memset(&b, 0, sizeof(b));
	b.cap = 256;
	if ((b.s = malloc(b.cap)) == NULL)
		return NULL;
	b.s[0] = '\0';
	b.exact = 1;
	if (f == NULL)
		sb_add(&b, "1");
	else
		node(&b, f, f->root);
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	*exact = b.exact;
	return b.s;
}
