/*
 * filter.c - the filter language (see filter.h and doc/filters.md).
 *
 * Text is read by a small lexer (words, operators, brackets) and a
 * recursive-descent parser that builds the program directly: an array of
 * nodes where and/or nodes own a run of child indices in f->kids, and
 * lists are sets (number ranges in f->nents, address prefixes in f->pents
 * grouped by family and length for a binary search per length, longest
 * first).  The canonical text is printed once at compile time.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "filter.h"
#include "filter_int.h"

#define FILTER_MAX_NODES	(1u << 20)
#define NAMED_MAX_BYTES		(64 * 1024)
#define NAMED_MAX_NAME		64

struct fieldinfo {
	const char	*name;		/* canonical keyword */
	uint32_t	 need;
	uint64_t	 max;
	const char	*what;		/* "expected a port number" */
	int		 suffix;	/* k/M/G allowed */
	int		 masked;	/* value/mask allowed */
};

static const struct fieldinfo fields[FLD_COUNT] = {
	[FLD_PORT] = { "port", FR_HAS_PORTS, 65535, "a port number", 0, 0 },
	[FLD_AS] = { "as", FR_HAS_AS, UINT32_MAX, "an AS number", 0, 0 },
	[FLD_IF] = { "if", FR_HAS_IFINDEX, UINT32_MAX,
	    "an interface index", 0, 0 },
	[FLD_PROTO] = { "proto", FR_HAS_PROTO, 255,
	    "a protocol name or number", 0, 0 },
	[FLD_TOS] = { "tos", FR_HAS_TOS, 255, "a ToS value", 0, 1 },
	[FLD_FLAGS] = { "flags", FR_HAS_TCPFLAGS, 255,
	    "TCP flags (letters FSRPAUEC or a number)", 0, 1 },
	[FLD_ENGTYPE] = { "engine type", FR_HAS_ENGINE, 255,
	    "an engine type", 0, 0 },
	[FLD_ENGID] = { "engine id", FR_HAS_ENGINE, 255, "an engine id",
	    0, 0 },
	[FLD_BYTES] = { "bytes", FR_HAS_OCTETS, UINT64_MAX, "a byte count",
	    1, 0 },
	[FLD_PACKETS] = { "packets", FR_HAS_PACKETS, UINT64_MAX,
	    "a packet count", 1, 0 },
	[FLD_DURATION] = { "duration", FR_HAS_TIMES, UINT64_MAX,
	    "a duration in milliseconds", 1, 0 },
	[FLD_BPS] = { "bps", FR_HAS_OCTETS | FR_HAS_TIMES, UINT64_MAX,
	    "a rate in bits per second", 1, 0 },
	[FLD_PPS] = { "pps", FR_HAS_PACKETS | FR_HAS_TIMES, UINT64_MAX,
	    "a rate in packets per second", 1, 0 },
};

static const struct {
	const char	*name;
	uint8_t		 num;
} protos[] = {
	{ "icmp", 1 }, { "igmp", 2 }, { "ipip", 4 }, { "tcp", 6 },
	{ "egp", 8 }, { "udp", 17 }, { "ipv6", 41 }, { "rsvp", 46 },
	{ "gre", 47 }, { "esp", 50 }, { "ah", 51 }, { "icmp6", 58 },
	{ "ipv6-icmp", 58 }, { "icmpv6", 58 }, { "ospf", 89 }, { "pim", 103 },
	{ "vrrp", 112 }, { "l2tp", 115 }, { "sctp", 132 },
};

static const char flagletters[] = "FSRPAUEC";	/* bit 0 .. bit 7 */

static const char *const cmpnames[] = { "=", "!=", "<", "<=", ">", ">=" };

/* ------------------------------------------------------------ matching */

static uint64_t
rate(uint64_t n, uint64_t mult, uint64_t ms)
{
	if (ms == 0)
		return 0;
	if (n <= UINT64_MAX / mult)
		return n * mult / ms;
	return n / ms * mult;
}

static inline uint64_t
num_value(const struct flowrec *r, int fld, int dst)
{
	uint64_t d;

	switch (fld) {
	case FLD_PORT:
		return dst ? r->dport : r->sport;
	case FLD_AS:
		return dst ? r->dst_as : r->src_as;
	case FLD_IF:
		return dst ? r->out_if : r->in_if;
	case FLD_PROTO:
		return r->proto;
	case FLD_TOS:
		return r->tos;
	case FLD_FLAGS:
		return r->tcp_flags;
	case FLD_ENGTYPE:
		return r->engine_type;
	case FLD_ENGID:
		return r->engine_id;
	case FLD_BYTES:
		return r->octets;
	case FLD_PACKETS:
		return r->packets;
	default:
		break;
	}
	d = r->last_ms > r->first_ms ? r->last_ms - r->first_ms : 0;
	if (fld == FLD_DURATION)
		return d;
	if (fld == FLD_BPS)
		return rate(r->octets, 8000, d);
	return rate(r->packets, 1000, d);
}

static inline int
num_test(int cmp, uint64_t v, uint64_t a, uint64_t b)
{
	switch (cmp) {
	case C_EQ:
		return v == a;
	case C_NE:
		return v != a;
	case C_LT:
		return v < a;
	case C_LE:
		return v <= a;
	case C_GT:
		return v > a;
	case C_GE:
		return v >= a;
	case C_RANGE:
		return v >= a && v <= b;
	default:
		return (v & b) == a;
	}
}

static int
nset_match(const struct filter *f, const struct fset *s, uint64_t v)
{
	int in = 0;

	for (uint32_t i = s->first; i < s->first + s->n; i++) {
		const struct fnent *e = &f->nents[i];

		if (num_test(e->cmp, v, e->a, e->b)) {
			if (e->excl)
				return 0;
			in = 1;
		}
	}
	return in || !s->has_incl;
}

static void
pfx_mask(uint8_t af, uint8_t len, const fr_addr *in, fr_addr *out)
{
	fr_addr t;

	if (af == FR_AF_INET) {
		out->v4 = len == 0 ? 0 : in->v4 & (UINT32_MAX << (32 - len));
		return;
	}
	memset(&t, 0, sizeof(t));
	memcpy(t.v6, in->v6, len / 8);
	if (len % 8 != 0)
		t.v6[len / 8] = in->v6[len / 8] & (0xff << (8 - len % 8));
	*out = t;
}

static int
pfx_match(const struct fpfx *p, uint8_t af, const fr_addr *a)
{
	if (af != p->af)
		return 0;
	if (af == FR_AF_INET)
		return ((a->v4 ^ p->a.v4) & p->v4mask) == 0;
	if (memcmp(a->v6, p->a.v6, p->len / 8) != 0)
		return 0;
	if (p->len % 8 == 0)
		return 1;
	return ((a->v6[p->len / 8] ^ p->a.v6[p->len / 8]) &
	    (0xff << (8 - p->len % 8)) & 0xff) == 0;
}

static int
addr_cmp(uint8_t af, const fr_addr *a, const fr_addr *b)
{
	if (af == FR_AF_INET)
		return a->v4 < b->v4 ? -1 : a->v4 > b->v4;
	return memcmp(a->v6, b->v6, 16);
}

/* The address of field fld (dst side if dst), or NULL if not sent. */
static const fr_addr *
addr_of(const struct flowrec *r, int fld, int dst, uint8_t *af)
{
	switch (fld) {
	case AFLD_IP:
		if (!(r->fields & (dst ? FR_HAS_DSTADDR : FR_HAS_SRCADDR)))
			return NULL;
		*af = r->af;
		return dst ? &r->dst : &r->src;
	case AFLD_NEXTHOP:
		if (!(r->fields & FR_HAS_NEXTHOP))
			return NULL;
		*af = r->af;
		return &r->nexthop;
	default:
		*af = r->exp_af;
		return &r->exporter;
	}
}

/* Longest prefix first: 1 an include matched, 0 an exclude matched, -1
 * nothing matched. */
static int
pset_lookup(const struct filter *f, const struct fset *s, uint8_t af,
    const fr_addr *a)
{
	for (uint32_t g = s->first; g < s->first + s->n; g++) {
		const struct fpgroup *pg = &f->pgroups[g];
		size_t lo = pg->first, hi = pg->first + pg->n;
		fr_addr m;

		if (pg->af != af)
			continue;
		pfx_mask(af, pg->len, a, &m);
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = addr_cmp(af, &m, &f->pents[mid].p.a);

			if (c == 0)
				return !f->pents[mid].excl;
			if (c < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
	}
	return -1;
}

static int
pset_match(const struct filter *f, const struct fset *s, uint8_t af,
    const fr_addr *a)
{
	int m = pset_lookup(f, s, af, a);

	return m == -1 ? !s->has_incl : m;
}

static int eval(const struct filter *, uint32_t, const struct flowrec *);

static int
eval_leaf(const struct filter *f, const struct fnode *n,
    const struct flowrec *r)
{
	const fr_addr *a;
	uint8_t af;

	for (int side = SIDE_SRC; side <= SIDE_DST; side++) {
		if (n->side != 0 && !(n->side & side))
			continue;
		switch (n->op) {	/* OP_NUM is done in eval() */
		case OP_NSET:
			if (nset_match(f, &f->sets[n->u.set],
			    num_value(r, n->fld, side == SIDE_DST)))
				return 1;
			break;
		case OP_ADDR:
			a = addr_of(r, n->fld, side == SIDE_DST, &af);
			if (a != NULL && pfx_match(&n->u.pfx, af, a))
				return 1;
			break;
		default:
			a = addr_of(r, n->fld, side == SIDE_DST, &af);
			if (a != NULL && (af == FR_AF_INET ||
			    af == FR_AF_INET6) &&
			    pset_match(f, &f->sets[n->u.set], af, a))
				return 1;
			break;
		}
		if (n->side == 0)
			break;
	}
	return 0;
}

/* A number test (OP_NUM), the most common leaf. */
static inline int
eval_num(const struct fnode *n, const struct flowrec *r)
{
	if ((r->fields & n->need) != n->need)
		return 0;
	if (n->side != SIDE_DST && num_test(n->cmp, num_value(r, n->fld, 0),
	    n->u.num.a, n->u.num.b))
		return 1;
	return (n->side & SIDE_DST) && num_test(n->cmp, num_value(r, n->fld,
	    1), n->u.num.a, n->u.num.b);
}

/* An address test (OP_ADDR) of one IPv4 address: the exporter, or a side
 * named; -1 when it is another case (eval_leaf). */
static inline int
eval_addr4(const struct fnode *n, const struct flowrec *r)
{
	const fr_addr *a;
	uint8_t af;

	if (n->u.pfx.af != FR_AF_INET || n->side == SIDE_ANY)
		return -1;
	if ((r->fields & n->need) != n->need)
		return 0;
	a = addr_of(r, n->fld, n->side == SIDE_DST, &af);
	return a != NULL && af == FR_AF_INET &&
	    ((a->v4 ^ n->u.pfx.a.v4) & n->u.pfx.v4mask) == 0;
}

/* A term of and/or: number tests, their negations and IPv4 address tests
 * without a call of eval. */
static inline int
eval_kid(const struct filter *f, uint32_t i, const struct flowrec *r)
{
	const struct fnode *n = &f->nodes[i];
	int m;

	if (n->op == OP_NUM)
		return eval_num(n, r);
	if (n->op == OP_NOT && f->nodes[n->u.kids.first].op == OP_NUM)
		return !eval_num(&f->nodes[n->u.kids.first], r);
	if (n->op == OP_ADDR && (m = eval_addr4(n, r)) >= 0)
		return m;
	return eval(f, i, r);
}

static int
eval(const struct filter *f, uint32_t i, const struct flowrec *r)
{
	const struct fnode *n = &f->nodes[i];
	const uint32_t *k;

	switch (n->op) {
	case OP_TRUE:
		return 1;
	case OP_AND:
		k = &f->kids[n->u.kids.first];
		for (uint32_t j = 0; j < n->u.kids.n; j++)
			if (!eval_kid(f, k[j], r))
				return 0;
		return 1;
	case OP_OR:
		k = &f->kids[n->u.kids.first];
		for (uint32_t j = 0; j < n->u.kids.n; j++)
			if (eval_kid(f, k[j], r))
				return 1;
		return 0;
	case OP_NOT:
		return !eval(f, n->u.kids.first, r);
	case OP_AF:
		return r->af == n->u.af;
	case OP_NUM:	/* the common case, without eval_leaf's loop */
		return eval_num(n, r);
	default:
		if ((r->fields & n->need) != n->need)
			return 0;
		return eval_leaf(f, n, r);
	}
}

int
filter_match(const struct filter *f, const struct flowrec *r)
{
	const struct fnode *n = &f->nodes[f->root];

	/* the usual root, an and of simple tests, without entering eval */
	if (n->op == OP_AND) {
		const uint32_t *k = &f->kids[n->u.kids.first];

		for (uint32_t j = 0; j < n->u.kids.n; j++)
			if (!eval_kid(f, k[j], r))
				return 0;
		return 1;
	}
	return eval_kid(f, f->root, r);
}

_Static_assert(sizeof(struct fnode) <= sizeof(((struct filter_conj *)0)->
    t[0].node), "filter_conj holds a test");

/* Add test i of f to c (negated if neg); -1: not one it can hold. */
static int
conj_add(const struct filter *f, uint32_t i, int neg, struct filter_conj *c)
{
	const struct fnode *n = &f->nodes[i];

	if (n->op == OP_NOT && !neg)
		return conj_add(f, n->u.kids.first, 1, c);
	if (n->op == OP_TRUE && !neg)
		return 0;
	if (c->n == FILTER_CONJ_MAX)
		return -1;
	if (n->op != OP_NUM && (n->op != OP_ADDR ||
	    n->u.pfx.af != FR_AF_INET || n->side == SIDE_ANY))
		return -1;
	c->t[c->n].neg = (uint8_t)neg;
	memcpy(c->t[c->n].node, n, sizeof(*n));
	c->n++;
	return 0;
}

int
filter_conj(const struct filter *f, struct filter_conj *out)
{
	const struct fnode *n = &f->nodes[f->root];

	memset(out, 0, sizeof(*out));
	if (n->op != OP_AND) {
		if (conj_add(f, f->root, 0, out) == -1) {
			out->n = 0;
			return -1;
		}
		return 0;
	}
	for (uint32_t j = 0; j < n->u.kids.n; j++)
		if (conj_add(f, f->kids[n->u.kids.first + j], 0, out) == -1) {
			out->n = 0;
			return -1;
		}
	return 0;
}

int
filter_conj_match(const struct filter_conj *c, const struct flowrec *r)
{
	for (unsigned i = 0; i < c->n; i++) {
		struct fnode n;
		int m;

		memcpy(&n, c->t[i].node, sizeof(n));
		m = n.op == OP_NUM ? eval_num(&n, r) : eval_addr4(&n, r);
		if (m == c->t[i].neg)
			return 0;
	}
	return 1;
}

/* ------------------------------------------------------------ storage */

/* Make room for one more element of size sz in *arr (n used, *cap). */
static int
grow(void *arrp, size_t *cap, size_t n, size_t sz)
{
	void **arr = arrp;
	size_t nc;
	void *p;

	if (n < *cap)
		return 0;
	nc = *cap == 0 ? 16 : *cap * 2;
	if ((p = reallocarray(*arr, nc, sz)) == NULL)
		return -1;
	*arr = p;
	*cap = nc;
	return 0;
}

uint32_t
filter_uses(const struct filter *f)
{
	static const uint32_t num[FLD_COUNT] = {
		[FLD_PORT] = FR_HAS_PORTS, [FLD_AS] = FR_HAS_AS,
		[FLD_IF] = FR_HAS_IFINDEX, [FLD_PROTO] = FR_HAS_PROTO,
		[FLD_TOS] = FR_HAS_TOS, [FLD_FLAGS] = FR_HAS_TCPFLAGS,
		[FLD_ENGTYPE] = FR_HAS_ENGINE, [FLD_ENGID] = FR_HAS_ENGINE,
		[FLD_BYTES] = FR_HAS_OCTETS, [FLD_PACKETS] = FR_HAS_PACKETS,
		[FLD_DURATION] = FR_HAS_TIMES,
		[FLD_BPS] = FR_HAS_TIMES | FR_HAS_OCTETS,
		[FLD_PPS] = FR_HAS_TIMES | FR_HAS_PACKETS,
	};
	static const uint32_t addr[] = {
		[AFLD_IP] = FR_HAS_SRCADDR | FR_HAS_DSTADDR,
		[AFLD_NEXTHOP] = FR_HAS_NEXTHOP,
		[AFLD_EXPORTER] = FILTER_USES_EXPORTER,
	};
	uint32_t m = 0;

	for (size_t i = 0; f != NULL && i < f->nnodes; i++) {
		const struct fnode *n = &f->nodes[i];

		m |= n->need;
		switch (n->op) {
		case OP_NUM:
		case OP_NSET:
			m |= n->fld < FLD_COUNT ? num[n->fld] : UINT32_MAX;
			break;
		case OP_ADDR:
		case OP_PSET:
			m |= n->fld <= AFLD_EXPORTER ? addr[n->fld] :
			    UINT32_MAX;
			break;
		default:
			break;
		}
	}
	return m;
}

void
filter_free(struct filter *f)
{
	if (f == NULL)
		return;
	free(f->nodes);
	free(f->kids);
	free(f->sets);
	free(f->nents);
	free(f->pents);
	free(f->pgroups);
	free(f->text);
	free(f);
}

/* ------------------------------------------------------------ lexer */

enum ftok { T_END, T_WORD, T_LP, T_RP, T_LB, T_RB, T_COMMA, T_BANG, T_AND,
    T_OR, T_CMP, T_BAD };

struct token {
	int		type;
	int		cmp;
	size_t		pos, len;
};

struct parser {
	struct filter	*f;
	const char	*text;
	size_t		 pos;		/* lexer position */
	struct token	 tok;		/* current token */
	const char	*named_dir;
	char		 names[FILTER_MAX_NAMED][NAMED_MAX_NAME + 1];
	int		 nnames;
	int		 depth;
	char		*err;
	size_t		 errlen;
};

static int
wordchar(int c)
{
	return isalnum(c) || c == '.' || c == ':' || c == '/' || c == '-' ||
	    c == '_' || c == '@';
}

static void
lex(struct parser *p)
{
	const char *s = p->text;
	struct token *t = &p->tok;
	size_t i = p->pos;

	for (;;) {
		while (isspace((unsigned char)s[i]))
			i++;
		if (s[i] != '#')
			break;
		while (s[i] != '\0' && s[i] != '\n')
			i++;
	}
	t->pos = i;
	t->len = 1;
	t->cmp = 0;
	switch (s[i]) {
	case '\0':
		t->type = T_END;
		t->len = 0;
		break;
	case '(': t->type = T_LP; break;
	case ')': t->type = T_RP; break;
	case '[': t->type = T_LB; break;
	case ']': t->type = T_RB; break;
	case ',': t->type = T_COMMA; break;
	case '!':
		if (s[i + 1] == '=') {
			t->type = T_CMP;
			t->cmp = C_NE;
			t->len = 2;
		} else
			t->type = T_BANG;
		break;
	case '&':
	case '|':
		t->type = s[i + 1] == s[i] ? (s[i] == '&' ? T_AND : T_OR) :
		    T_BAD;
		t->len = t->type == T_BAD ? 1 : 2;
		break;
	case '=':
		t->type = T_CMP;
		t->cmp = C_EQ;
		t->len = s[i + 1] == '=' ? 2 : 1;
		break;
	case '<':
	case '>':
		t->type = T_CMP;
		t->cmp = s[i] == '<' ? C_LT : C_GT;
		if (s[i + 1] == '=') {
			t->cmp++;
			t->len = 2;
		}
		break;
	default:
		if (!wordchar((unsigned char)s[i])) {
			t->type = T_BAD;
			break;
		}
		t->type = T_WORD;
		while (wordchar((unsigned char)s[i + t->len]))
			t->len++;
		break;
	}
	p->pos = i + t->len;
}

/* The type of the token after the current one. */
static int
peek(struct parser *p)
{
	struct token save = p->tok;
	size_t pos = p->pos;
	int type;

	lex(p);
	type = p->tok.type;
	p->tok = save;
	p->pos = pos;
	return type;
}

static int
is_kw(const struct parser *p, const char *kw)
{
	return p->tok.type == T_WORD && strlen(kw) == p->tok.len &&
	    strncasecmp(p->text + p->tok.pos, kw, p->tok.len) == 0;
}

/* More than one line with something on it after the first. */
static int
multiline(const char *s)
{
	const char *nl = strchr(s, '\n');

	if (nl == NULL)
		return 0;
	while (*nl != '\0' && isspace((unsigned char)*nl))
		nl++;
	return *nl != '\0';
}

__attribute__((format(printf, 3, 4)))
static int
perr(struct parser *p, size_t pos, const char *fmt, ...)
{
	size_t line = 1, col = 1, n;
	va_list ap;

	for (size_t i = 0; i < pos && p->text[i] != '\0'; i++) {
		if (p->text[i] == '\n') {
			line++;
			col = 1;
		} else
			col++;
	}
	if (line > 1 || multiline(p->text))
		n = (size_t)snprintf(p->err, p->errlen, "line %zu, column "
		    "%zu: ", line, col);
	else
		n = (size_t)snprintf(p->err, p->errlen, "column %zu: ", col);
	if (n >= p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

/* The current token quoted for a message ("got ..."). */
static const char *
tokdesc(const struct parser *p, char *buf, size_t len)
{
	const struct token *t = &p->tok;
	const char *s = p->text + t->pos;

	if (t->type == T_END)
		return "end of expression";
	if (t->type == T_BAD && !isprint((unsigned char)*s)) {
		snprintf(buf, len, "character 0x%02x", (unsigned char)*s);
		return buf;
	}
	if (t->len > 40)
		snprintf(buf, len, "\"%.37s...\"", s);
	else
		snprintf(buf, len, "\"%.*s\"", (int)t->len, s);
	return buf;
}

static int
expected(struct parser *p, const char *what)
{
	char b[64];

	return perr(p, p->tok.pos, "expected %s, got %s", what,
	    tokdesc(p, b, sizeof(b)));
}

/* ------------------------------------------------------------ values */

/* A number: decimal or 0x hex, with a k/M/G (1000-based) suffix if
 * suffix.  0 ok, -1 not a number, -2 too large for max. */
static int
parse_u64(const char *s, size_t len, int suffix, uint64_t max, uint64_t *v)
{
	uint64_t n = 0, mult = 1;
	unsigned base = 10;
	size_t i = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (suffix && len > i + 1 && base == 10) {
		switch (s[len - 1]) {
		case 'k': case 'K': mult = 1000; len--; break;
		case 'm': case 'M': mult = 1000000; len--; break;
		case 'g': case 'G': mult = 1000000000; len--; break;
		}
	}
	if (i >= len)
		return -1;
	for (; i < len; i++) {
		unsigned d;

		if (isdigit((unsigned char)s[i]))
			d = (unsigned)(s[i] - '0');
		else if (base == 16 && isxdigit((unsigned char)s[i]))
			d = (unsigned)(tolower((unsigned char)s[i]) - 'a' + 10);
		else
			return -1;
		if (n > (UINT64_MAX - d) / base)
			return -2;
		n = n * base + d;
	}
	if (n > UINT64_MAX / mult || n * mult > max)
		return -2;
	*v = n * mult;
	return 0;
}

static int
parse_flags(const char *s, size_t len, uint64_t *v)
{
	uint64_t bits = 0;

	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		const char *c = strchr(flagletters,
		    toupper((unsigned char)s[i]));

		if (c == NULL || s[i] == '\0')
			return -1;
		bits |= 1u << (c - flagletters);
	}
	*v = bits;
	return 0;
}

/* One value of field fld: a number, or a protocol name or flag letters. */
static int
parse_value(int fld, const char *s, size_t len, uint64_t *v)
{
	int rc = parse_u64(s, len, fields[fld].suffix, fields[fld].max, v);

	if (rc != -1)
		return rc;
	if (fld == FLD_FLAGS)
		return parse_flags(s, len, v);
	if (fld == FLD_PROTO)
		for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
			if (strlen(protos[i].name) == len &&
			    strncasecmp(protos[i].name, s, len) == 0) {
				*v = protos[i].num;
				return 0;
			}
	return -1;
}

static int
value_err(struct parser *p, int fld, size_t pos, const char *s, size_t len,
    int rc)
{
	if (rc == -2)
		return perr(p, pos, "%s %.*s is out of range (0-%ju)",
		    fields[fld].name, (int)len, s, (uintmax_t)fields[fld].max);
	return perr(p, pos, "expected %s, got \"%.*s\"", fields[fld].what,
	    (int)len, s);
}

/*
 * A value spec of field fld at text position pos: "N", "A-B" (range),
 * "V/M" (masked, ToS and flags) or flag letters (all of them set).
 */
static int
parse_spec(struct parser *p, int fld, size_t pos, const char *s, size_t len,
    uint8_t *cmp, uint64_t *a, uint64_t *b)
{
	const char *sep = NULL;
	size_t l1;
	int rc;

	*b = 0;
	if ((rc = parse_value(fld, s, len, a)) == 0) {
		*cmp = C_EQ;
		if (fld == FLD_FLAGS && parse_u64(s, len, 0, 255, b) == -1) {
			*cmp = C_MASK;	/* letters: all of them set */
			*b = *a;
		} else
			*b = 0;
		return 0;
	}
	if (rc == -1 && fields[fld].masked)
		sep = memchr(s, '/', len);
	if (rc == -1 && sep == NULL)
		sep = memchr(s, '-', len);
	if (sep == NULL || sep == s)
		return value_err(p, fld, pos, s, len, rc);
	l1 = (size_t)(sep - s);
	if ((rc = parse_value(fld, s, l1, a)) == 0)
		rc = parse_value(fld, sep + 1, len - l1 - 1, b);
	if (rc != 0)
		return value_err(p, fld, pos, s, len, rc);
	if (*sep == '/') {
		*cmp = C_MASK;
		*a &= *b;
		return 0;
	}
	if (*a > *b)
		return perr(p, pos, "range %.*s is backwards", (int)len, s);
	*cmp = C_RANGE;
	return 0;
}

/* "10.0.0.0/8", "2001:db8::/32", a host, or short IPv4 "10/8". */
static int
parse_prefix(const char *s, size_t len, struct fpfx *pf, int *host)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	unsigned max, plen;
	uint8_t a6[16];
	struct in_addr a4;
	uint64_t v;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash++ = '\0';
		if (parse_u64(slash, strlen(slash), 0, 128, &v) != 0)
			return -2;
	}
	memset(pf, 0, sizeof(*pf));
	if (strchr(buf, ':') != NULL) {
		if (inet_pton(AF_INET6, buf, a6) != 1)
			return -1;
		pf->af = FR_AF_INET6;
		memcpy(pf->a.v6, a6, 16);
		max = 128;
	} else {
		int dots = 0;

		for (char *c = buf; *c != '\0'; c++)
			dots += *c == '.';
		/* short forms only with a length: 10/8, 172.16/12 */
		if (dots < 3 && slash != NULL && buf[0] != '\0' &&
		    strlen(buf) < 16 && buf[strlen(buf) - 1] != '.')
			for (; dots < 3; dots++)
				strcat(buf, ".0");
		if (inet_pton(AF_INET, buf, &a4) != 1)
			return -1;
		pf->af = FR_AF_INET;
		pf->a.v4 = ntohl(a4.s_addr);
		max = 32;
	}
	plen = max;
	if (slash != NULL) {
		if (v > max)
			return -2;
		plen = (unsigned)v;
	}
	*host = slash == NULL;
	pf->len = (uint8_t)plen;
	pfx_mask(pf->af, pf->len, &pf->a, &pf->a);
	pf->v4mask = pf->af == FR_AF_INET && plen > 0 ?
	    UINT32_MAX << (32 - plen) : 0;
	return 0;
}

static int
prefix_or_err(struct parser *p, size_t pos, const char *s, size_t len,
    struct fpfx *pf)
{
	int host, rc = parse_prefix(s, len, pf, &host);

	if (rc == -2)
		return perr(p, pos, "bad prefix length in \"%.*s\"", (int)len,
		    s);
	if (rc != 0)
		return perr(p, pos, "expected an IP address or prefix, got "
		    "\"%.*s\"", (int)len, s);
	return 0;
}

/* ------------------------------------------------------------ building */

static int64_t
add_node(struct parser *p, const struct fnode *n)
{
	struct filter *f = p->f;

	if (f->nnodes >= FILTER_MAX_NODES)
		return perr(p, p->tok.pos, "expression too large");
	if (grow(&f->nodes, &f->cnodes, f->nnodes, sizeof(*n)) == -1)
		return perr(p, p->tok.pos, "out of memory");
	f->nodes[f->nnodes] = *n;
	return (int64_t)f->nnodes++;
}

/* An and/or node over kids (flattening children of the same op). */
static int64_t
add_nary(struct parser *p, int op, const uint32_t *k, size_t n)
{
	struct filter *f = p->f;
	struct fnode node;

	memset(&node, 0, sizeof(node));
	node.op = (uint8_t)op;
	node.u.kids.first = (uint32_t)f->nkids;
	for (size_t i = 0; i < n; i++) {
		const struct fnode *c = &f->nodes[k[i]];
		uint32_t cf = c->u.kids.first, cn = c->op == op ?
		    c->u.kids.n : 1;

		for (uint32_t j = 0; j < cn; j++) {
			if (grow(&f->kids, &f->ckids, f->nkids,
			    sizeof(*f->kids)) == -1)
				return perr(p, p->tok.pos, "out of memory");
			f->kids[f->nkids++] = c->op == op ? f->kids[cf + j] :
			    k[i];
		}
	}
	node.u.kids.n = (uint32_t)(f->nkids - node.u.kids.first);
	return add_node(p, &node);
}

static int
pent_cmp(const void *x, const void *y)
{
	const struct fpent *a = x, *b = y;
	int c;

	if (a->p.af != b->p.af)
		return a->p.af < b->p.af ? -1 : 1;
	if (a->p.len != b->p.len)
		return a->p.len > b->p.len ? -1 : 1;	/* longest first */
	if ((c = addr_cmp(a->p.af, &a->p.a, &b->p.a)) != 0)
		return c;
	return (int)b->excl - (int)a->excl;		/* exclude first */
}

/* Sort, merge duplicates (an exclude wins) and group by length. */
static int
finish_pset(struct parser *p, struct fpent *e, size_t n, struct fset *s)
{
	struct filter *f = p->f;
	size_t i, m = 0;

	for (i = 0; i < n; i++)
		s->has_incl |= !e[i].excl;
	qsort(e, n, sizeof(*e), pent_cmp);
	for (i = 0; i < n; i++)		/* the exclude sorts first */
		if (m == 0 || e[m - 1].p.af != e[i].p.af ||
		    e[m - 1].p.len != e[i].p.len ||
		    addr_cmp(e[i].p.af, &e[m - 1].p.a, &e[i].p.a) != 0)
			e[m++] = e[i];
		else if (e[m - 1].excl && !e[i].excl)
			e[m - 1].shadow = 1;	/* kept for printing */
	s->first = (uint32_t)f->npgroups;
	for (i = 0; i < m; i++) {
		if (i == 0 || e[i].p.af != e[i - 1].p.af ||
		    e[i].p.len != e[i - 1].p.len) {
			if (grow(&f->pgroups, &f->cpgroups, f->npgroups,
			    sizeof(*f->pgroups)) == -1)
				return -1;
			f->pgroups[f->npgroups].af = e[i].p.af;
			f->pgroups[f->npgroups].len = e[i].p.len;
			f->pgroups[f->npgroups].first = (uint32_t)f->npents;
			f->pgroups[f->npgroups++].n = 0;
		}
		if (grow(&f->pents, &f->cpents, f->npents,
		    sizeof(*f->pents)) == -1)
			return -1;
		f->pents[f->npents++] = e[i];
		f->pgroups[f->npgroups - 1].n++;
	}
	s->n = (uint32_t)(f->npgroups - s->first);
	return 0;
}

static int
add_set(struct parser *p, const struct fset *s, struct fnode *n)
{
	struct filter *f = p->f;

	if (grow(&f->sets, &f->csets, f->nsets, sizeof(*f->sets)) == -1)
		return perr(p, p->tok.pos, "out of memory");
	f->sets[f->nsets] = *s;
	n->u.set = (uint32_t)f->nsets++;
	return 0;
}

/* ------------------------------------------------------------ parser */

static int64_t parse_or(struct parser *);

/*
 * A list "[a, b, -c]" (the current token is "["): numbers of field fld,
 * or prefixes if fld < 0.
 */
static int
parse_list(struct parser *p, int fld, struct fnode *n)
{
	struct filter *f = p->f;
	struct fpent *pe = NULL;
	size_t npe = 0, cpe = 0, open = p->tok.pos, first = f->nnents;
	struct fset s = { 0, 0, 0 };

	for (lex(p); p->tok.type != T_RB; lex(p)) {
		const char *w = p->text + p->tok.pos;
		size_t len = p->tok.len, pos = p->tok.pos;
		int excl = 0;

		if (p->tok.type == T_COMMA)
			continue;
		if (p->tok.type == T_END) {
			free(pe);
			return perr(p, p->tok.pos, "expected \"]\" to close "
			    "the \"[\" at column %zu, got end of expression",
			    open + 1);
		}
		if (p->tok.type != T_WORD) {
			free(pe);
			return expected(p, fld < 0 ? "an IP address or prefix"
			    : fields[fld].what);
		}
		if (len > 1 && w[0] == '-') {
			excl = 1;
			w++, len--, pos++;
		}
		if (fld < 0) {
			if (grow(&pe, &cpe, npe, sizeof(*pe)) == -1) {
				free(pe);
				return perr(p, pos, "out of memory");
			}
			if (prefix_or_err(p, pos, w, len, &pe[npe].p) == -1) {
				free(pe);
				return -1;
			}
			pe[npe].shadow = 0;
			pe[npe++].excl = (uint8_t)excl;
			continue;
		}
		if (grow(&f->nents, &f->cnents, f->nnents,
		    sizeof(*f->nents)) == -1)
			return perr(p, pos, "out of memory");
		if (parse_spec(p, fld, pos, w, len, &f->nents[f->nnents].cmp,
		    &f->nents[f->nnents].a, &f->nents[f->nnents].b) == -1)
			return -1;
		f->nents[f->nnents].excl = (uint8_t)excl;
		s.has_incl |= !excl;
		f->nnents++;
	}
	if ((fld < 0 ? npe : f->nnents - first) == 0) {
		free(pe);
		return perr(p, open, "empty list");
	}
	lex(p);
	if (fld < 0) {
		int rc = finish_pset(p, pe, npe, &s);

		free(pe);
		if (rc == -1)
			return perr(p, open, "out of memory");
		n->op = OP_PSET;
	} else {
		s.first = (uint32_t)first;
		s.n = (uint32_t)(f->nnents - first);
		n->op = OP_NSET;
	}
	return add_set(p, &s, n);
}

/* The current token is "in" and a "[" follows. */
static int
at_list(struct parser *p)
{
	return is_kw(p, "in") && peek(p) == T_LB;
}

/* An address test; the current token is its keyword. */
static int64_t
parse_addr(struct parser *p, int fld, int side)
{
	struct fnode n;

	memset(&n, 0, sizeof(n));
	n.fld = (uint8_t)fld;
	n.side = (uint8_t)side;
	if (fld == AFLD_IP)
		n.need = side == SIDE_SRC ? FR_HAS_SRCADDR :
		    side == SIDE_DST ? FR_HAS_DSTADDR : 0;
	else if (fld == AFLD_NEXTHOP)
		n.need = FR_HAS_NEXTHOP;
	lex(p);
	if (at_list(p)) {
		lex(p);
		if (parse_list(p, -1, &n) == -1)
			return -1;
		return add_node(p, &n);
	}
	if (p->tok.type != T_WORD)
		return expected(p, "an IP address or prefix");
	if (prefix_or_err(p, p->tok.pos, p->text + p->tok.pos, p->tok.len,
	    &n.u.pfx) == -1)
		return -1;
	n.op = OP_ADDR;
	lex(p);
	return add_node(p, &n);
}

static const char *const cmpwords[] = { "eq", "ne", "lt", "le", "gt", "ge" };

/* A number test; the current token is the one after its keyword. */
static int64_t
parse_num(struct parser *p, int fld, int side)
{
	struct fnode n;
	size_t i;
	int rc;

	memset(&n, 0, sizeof(n));
	n.op = OP_NUM;
	n.fld = (uint8_t)fld;
	n.side = (uint8_t)side;
	n.need = fields[fld].need;
	if (at_list(p)) {
		lex(p);
		if (parse_list(p, fld, &n) == -1)
			return -1;
		return add_node(p, &n);
	}
	for (i = 0; i < 6; i++)
		if (is_kw(p, cmpwords[i]))
			break;
	if (p->tok.type == T_CMP || i < 6) {
		n.cmp = (uint8_t)(p->tok.type == T_CMP ? p->tok.cmp : (int)i);
		lex(p);
		if (p->tok.type != T_WORD)
			return expected(p, fields[fld].what);
		if ((rc = parse_value(fld, p->text + p->tok.pos, p->tok.len,
		    &n.u.num.a)) != 0)
			return value_err(p, fld, p->tok.pos, p->text +
			    p->tok.pos, p->tok.len, rc);
	} else {
		if (p->tok.type != T_WORD)
			return expected(p, fields[fld].what);
		if (parse_spec(p, fld, p->tok.pos, p->text + p->tok.pos,
		    p->tok.len, &n.cmp, &n.u.num.a, &n.u.num.b) == -1)
			return -1;
	}
	lex(p);
	return add_node(p, &n);
}

static int64_t parse_named(struct parser *, size_t, const char *, size_t);

/* After "src" or "dst". */
static int64_t
parse_sided(struct parser *p)
{
	int side = is_kw(p, "src") ? SIDE_SRC : SIDE_DST;
	char b[64];

	lex(p);
	if (is_kw(p, "ip") || is_kw(p, "host") || is_kw(p, "net"))
		return parse_addr(p, AFLD_IP, side);
	if (is_kw(p, "port") || is_kw(p, "as")) {
		int fld = is_kw(p, "port") ? FLD_PORT : FLD_AS;

		lex(p);
		return parse_num(p, fld, side);
	}
	if (is_kw(p, "if"))	/* src if = in if */
		return lex(p), parse_num(p, FLD_IF, side);
	snprintf(b, sizeof(b), "\"ip\", \"net\", \"port\" or \"as\" after "
	    "\"%s\"", side == SIDE_SRC ? "src" : "dst");
	return expected(p, b);
}

static const struct {
	const char	*kw;
	int		 fld;
	int		 side;
} numkw[] = {
	{ "port", FLD_PORT, SIDE_ANY }, { "as", FLD_AS, SIDE_ANY },
	{ "if", FLD_IF, SIDE_ANY }, { "proto", FLD_PROTO, 0 },
	{ "tos", FLD_TOS, 0 }, { "flags", FLD_FLAGS, 0 },
	{ "bytes", FLD_BYTES, 0 }, { "octets", FLD_BYTES, 0 },
	{ "packets", FLD_PACKETS, 0 }, { "pkts", FLD_PACKETS, 0 },
	{ "duration", FLD_DURATION, 0 }, { "bps", FLD_BPS, 0 },
	{ "pps", FLD_PPS, 0 },
};

static int64_t
parse_term(struct parser *p)
{
	struct fnode n;

	memset(&n, 0, sizeof(n));
	if (p->tok.type != T_WORD)
		return expected(p, "a filter term");
	for (size_t i = 0; i < sizeof(numkw) / sizeof(numkw[0]); i++)
		if (is_kw(p, numkw[i].kw)) {
			lex(p);
			return parse_num(p, numkw[i].fld, numkw[i].side);
		}
	if (is_kw(p, "src") || is_kw(p, "dst"))
		return parse_sided(p);
	if (is_kw(p, "ip") || is_kw(p, "host") || is_kw(p, "net"))
		return parse_addr(p, AFLD_IP, SIDE_ANY);
	if (is_kw(p, "nexthop"))
		return parse_addr(p, AFLD_NEXTHOP, 0);
	if (is_kw(p, "exporter"))
		return parse_addr(p, AFLD_EXPORTER, 0);
	if (is_kw(p, "in") || is_kw(p, "out")) {
		int side = is_kw(p, "in") ? SIDE_SRC : SIDE_DST;

		lex(p);
		if (!is_kw(p, "if"))
			return expected(p, side == SIDE_SRC ?
			    "\"if\" after \"in\"" : "\"if\" after \"out\"");
		lex(p);
		return parse_num(p, FLD_IF, side);
	}
	if (is_kw(p, "engine")) {
		lex(p);
		if (is_kw(p, "type") || is_kw(p, "id")) {
			int fld = is_kw(p, "type") ? FLD_ENGTYPE : FLD_ENGID;

			lex(p);
			return parse_num(p, fld, 0);
		}
		return parse_num(p, FLD_ENGID, 0);
	}
	if (is_kw(p, "any") || is_kw(p, "all")) {
		lex(p);
		n.op = OP_TRUE;
		return add_node(p, &n);
	}
	if (is_kw(p, "inet") || is_kw(p, "ipv4") || is_kw(p, "inet6") ||
	    is_kw(p, "ipv6")) {
		n.op = OP_AF;
		n.u.af = is_kw(p, "inet") || is_kw(p, "ipv4") ? FR_AF_INET :
		    FR_AF_INET6;
		lex(p);
		return add_node(p, &n);
	}
	if (is_kw(p, "filter")) {
		lex(p);
		if (p->tok.type != T_WORD)
			return expected(p, "a saved filter name");
		return parse_named(p, p->tok.pos, p->text + p->tok.pos,
		    p->tok.len);
	}
	if (p->text[p->tok.pos] == '@')
		return parse_named(p, p->tok.pos, p->text + p->tok.pos + 1,
		    p->tok.len - 1);
	return perr(p, p->tok.pos, "unknown filter term \"%.*s\"",
	    (int)(p->tok.len > 40 ? 40 : p->tok.len), p->text + p->tok.pos);
}

static int64_t
parse_unary(struct parser *p)
{
	struct fnode n;
	int64_t k;
	size_t open;

	if (p->tok.type != T_LP && p->tok.type != T_BANG && !is_kw(p, "not"))
		return parse_term(p);
	if (p->depth >= FILTER_MAX_DEPTH)
		return perr(p, p->tok.pos, "expression nested too deeply "
		    "(more than %d levels)", FILTER_MAX_DEPTH);
	p->depth++;
	open = p->tok.pos;
	if (p->tok.type == T_LP) {
		lex(p);
		if ((k = parse_or(p)) == -1)
			return -1;
		if (p->tok.type != T_RP) {
			char b[64];

			snprintf(b, sizeof(b), "\")\" to close the \"(\" at "
			    "column %zu", open + 1);
			return expected(p, b);
		}
		lex(p);
		p->depth--;
		return k;
	}
	lex(p);
	if ((k = parse_unary(p)) == -1)
		return -1;
	p->depth--;
	memset(&n, 0, sizeof(n));
	n.op = OP_NOT;
	n.u.kids.first = (uint32_t)k;
	return add_node(p, &n);
}

/* One level of and/or: terms of sub joined by op. */
static int64_t
parse_chain(struct parser *p, int op, int64_t (*sub)(struct parser *))
{
	uint32_t *k = NULL;
	size_t n = 0, cap = 0;
	int64_t r;

	for (;;) {
		if ((r = sub(p)) == -1)
			break;
		if (grow(&k, &cap, n, sizeof(*k)) == -1) {
			r = perr(p, p->tok.pos, "out of memory");
			break;
		}
		k[n++] = (uint32_t)r;
		if (op == OP_AND ? p->tok.type != T_AND && !is_kw(p, "and") :
		    p->tok.type != T_OR && !is_kw(p, "or"))
			break;
		lex(p);
	}
	if (r != -1 && n > 1)
		r = add_nary(p, op, k, n);
	free(k);
	return r;
}

static int64_t
parse_and(struct parser *p)
{
	return parse_chain(p, OP_AND, parse_unary);
}

static int64_t
parse_or(struct parser *p)
{
	return parse_chain(p, OP_OR, parse_and);
}

/* A whole text: blank is "any". */
static int64_t
parse_text(struct parser *p)
{
	struct fnode n;
	int64_t r;

	p->pos = 0;
	lex(p);
	if (p->tok.type == T_END) {
		memset(&n, 0, sizeof(n));
		n.op = OP_TRUE;
		return add_node(p, &n);
	}
	if ((r = parse_or(p)) == -1)
		return -1;
	if (p->tok.type != T_END)
		return expected(p, "\"and\", \"or\" or end of expression");
	return r;
}

/* ------------------------------------------------------------ saved */

static char *
read_named(const char *path, char *why, size_t whylen)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	size_t n;

	if (fp == NULL) {
		snprintf(why, whylen, "%s", strerror(errno));
		return NULL;
	}
	if ((buf = malloc(NAMED_MAX_BYTES + 1)) == NULL) {
		fclose(fp);
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	n = fread(buf, 1, NAMED_MAX_BYTES + 1, fp);
	if (ferror(fp) || n > NAMED_MAX_BYTES || memchr(buf, '\0', n)) {
		snprintf(why, whylen, ferror(fp) ? "read error" : n >
		    NAMED_MAX_BYTES ? "larger than 64 KiB" : "not text");
		fclose(fp);
		free(buf);
		return NULL;
	}
	fclose(fp);
	buf[n] = '\0';
	return buf;
}

static int
named_ok(const char *name, size_t len)
{
	if (len == 0 || len > NAMED_MAX_NAME || name[0] == '.')
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_' &&
		    name[i] != '-' && name[i] != '.')
			return 0;
	return 1;
}

/* Include the saved filter name (the token at pos names it). */
static int64_t
parse_named(struct parser *p, size_t pos, const char *name, size_t len)
{
	char path[4096], why[1024], chain[FILTER_MAX_NAMED *
	    (NAMED_MAX_NAME + 4) + 8];
	struct parser *c;
	char *text;
	int64_t r;

	if (!named_ok(name, len))
		return perr(p, pos, "bad saved filter name \"%.*s\" (letters, "
		    "digits, \"_\", \"-\" and \".\" only)", (int)(len > 40 ?
		    40 : len), name);
	if (p->named_dir == NULL)
		return perr(p, pos, "no saved filter directory; cannot use "
		    "\"%.*s\"", (int)len, name);
	chain[0] = '\0';
	for (int i = 0; i < p->nnames; i++)
		strcat(strcat(chain, p->names[i]), " -> ");
	for (int i = 0; i < p->nnames; i++)
		if (strlen(p->names[i]) == len &&
		    strncmp(p->names[i], name, len) == 0)
			return perr(p, pos, "saved filter \"%.*s\" includes "
			    "itself (%s%.*s)", (int)len, name, chain, (int)len,
			    name);
	if (p->nnames >= FILTER_MAX_NAMED)
		return perr(p, pos, "saved filters nested too deeply (more "
		    "than %d)", FILTER_MAX_NAMED);
	snprintf(path, sizeof(path), "%s/%.*s", p->named_dir, (int)len, name);
	if ((text = read_named(path, why, sizeof(why))) == NULL)
		return perr(p, pos, "unknown saved filter \"%.*s\" (%s: %s)",
		    (int)len, name, path, why);
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		free(text);
		return perr(p, pos, "out of memory");
	}
	*c = *p;
	c->text = text;
	memcpy(c->names[c->nnames], name, len);
	c->names[c->nnames++][len] = '\0';
	c->err = why;
	c->errlen = sizeof(why);
	if ((r = parse_text(c)) == -1)
		perr(p, pos, "in saved filter \"%.*s\": %s", (int)len, name,
		    why);
	else
		lex(p);
	free(text);
	free(c);
	return r;
}

/* ------------------------------------------------------------ printing */

struct sbuf {
	char	*s;
	size_t	 len, cap;
	int	 oom;
};

__attribute__((format(printf, 2, 3)))
static void
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	if (b->s == NULL) {
		/* never form NULL + 0 (undefined; UBSan and the fuzzer
		 * caught it) */
		if ((b->s = malloc(64)) == NULL) {
			b->oom = 1;
			return;
		}
		b->cap = 64;
		b->len = 0;
		b->s[0] = '\0';
	}
	va_start(ap, fmt);
	n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = 1;
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		size_t nc = (b->len + (size_t)n + 1) * 2;
		char *s = realloc(b->s, nc);

		if (s == NULL) {
			b->oom = 1;
			return;
		}
		b->s = s;
		b->cap = nc;
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

static void
print_pfx(struct sbuf *b, const struct fpfx *pf)
{
	char s[INET6_ADDRSTRLEN];
	struct in_addr a4;

	if (pf->af == FR_AF_INET) {
		a4.s_addr = htonl(pf->a.v4);
		inet_ntop(AF_INET, &a4, s, sizeof(s));
	} else
		inet_ntop(AF_INET6, pf->a.v6, s, sizeof(s));
	if (pf->len == (pf->af == FR_AF_INET ? 32 : 128))
		sb_printf(b, "%s", s);
	else
		sb_printf(b, "%s/%u", s, pf->len);
}

static void
print_value(struct sbuf *b, int fld, uint64_t v)
{
	if (fld == FLD_PROTO)
		for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
			if (protos[i].num == v) {
				sb_printf(b, "%s", protos[i].name);
				return;
			}
	sb_printf(b, "%ju", (uintmax_t)v);
}

static void
print_spec(struct sbuf *b, int fld, int cmp, uint64_t x, uint64_t y)
{
	if (cmp == C_MASK && fld == FLD_FLAGS && x == y && x != 0) {
		for (int i = 0; i < 8; i++)
			if (x & (1u << i))
				sb_printf(b, "%c", flagletters[i]);
	} else if (cmp == C_MASK)
		sb_printf(b, "0x%02jx/0x%02jx", (uintmax_t)x, (uintmax_t)y);
	else if (fld == FLD_FLAGS && cmp != C_RANGE)
		sb_printf(b, "0x%02jx", (uintmax_t)x);
	else {
		if (cmp == C_RANGE)	/* numbers: "ipv6-icmp" is a name */
			sb_printf(b, "%ju-%ju", (uintmax_t)x, (uintmax_t)y);
		else
			print_value(b, fld, x);
	}
}

static void
print_field(struct sbuf *b, const struct fnode *n)
{
	static const char *const sides[] = { "", "src ", "dst ", "" };
	static const char *const ifsides[] = { "", "in ", "out ", "" };

	if (n->op == OP_ADDR || n->op == OP_PSET) {
		if (n->fld == AFLD_IP)
			sb_printf(b, "%s%s", sides[n->side], n->op == OP_ADDR &&
			    n->u.pfx.len != (n->u.pfx.af == FR_AF_INET ? 32 :
			    128) ? "net" : "ip");
		else
			sb_printf(b, "%s", n->fld == AFLD_NEXTHOP ? "nexthop" :
			    "exporter");
		return;
	}
	sb_printf(b, "%s%s", n->fld == FLD_IF ? ifsides[n->side] :
	    sides[n->side], fields[n->fld].name);
}

static void
print_set(struct sbuf *b, const struct filter *f, const struct fnode *n)
{
	const struct fset *s = &f->sets[n->u.set];
	const char *sep = "";

	sb_printf(b, " in [");
	if (n->op == OP_NSET)
		for (uint32_t i = s->first; i < s->first + s->n; i++) {
			const struct fnent *e = &f->nents[i];

			sb_printf(b, "%s%s", sep, e->excl ? "-" : "");
			print_spec(b, n->fld, e->cmp, e->a, e->b);
			sep = ", ";
		}
	else
		for (uint32_t g = s->first; g < s->first + s->n; g++)
			for (uint32_t i = f->pgroups[g].first;
			    i < f->pgroups[g].first + f->pgroups[g].n; i++) {
				sb_printf(b, "%s%s", sep, f->pents[i].excl ?
				    "-" : "");
				print_pfx(b, &f->pents[i].p);
				sep = ", ";
				if (f->pents[i].shadow) {
					sb_printf(b, "%s", sep);
					print_pfx(b, &f->pents[i].p);
				}
			}
	sb_printf(b, "]");
}

static void
print_node(struct sbuf *b, const struct filter *f, uint32_t i, int prec)
{
	const struct fnode *n = &f->nodes[i];
	int my;

	switch (n->op) {
	case OP_TRUE:
		sb_printf(b, "any");
		return;
	case OP_AF:
		sb_printf(b, "%s", n->u.af == FR_AF_INET ? "inet" : "inet6");
		return;
	case OP_NOT:
		sb_printf(b, "not ");
		print_node(b, f, n->u.kids.first, 3);
		return;
	case OP_AND:
	case OP_OR:
		my = n->op == OP_AND ? 2 : 1;
		if (prec > my)
			sb_printf(b, "(");
		for (uint32_t j = 0; j < n->u.kids.n; j++) {
			if (j > 0)
				sb_printf(b, " %s ", my == 2 ? "and" : "or");
			print_node(b, f, f->kids[n->u.kids.first + j], my + 1);
		}
		if (prec > my)
			sb_printf(b, ")");
		return;
	default:
		break;
	}
	print_field(b, n);
	if (n->op == OP_NSET || n->op == OP_PSET)
		print_set(b, f, n);
	else if (n->op == OP_ADDR) {
		sb_printf(b, " ");
		print_pfx(b, &n->u.pfx);
	} else {
		if (n->cmp < C_RANGE && n->cmp != C_EQ)
			sb_printf(b, " %s", cmpnames[n->cmp]);
		sb_printf(b, " ");
		print_spec(b, n->fld, n->cmp, n->u.num.a, n->u.num.b);
	}
}

size_t
filter_format(const struct filter *f, char *buf, size_t len)
{
	size_t n = strlen(f->text);

	if (len > 0)
		snprintf(buf, len, "%s", f->text);
	return n;
}

const char *
filter_text(const struct filter *f)
{
	return f->text;
}

void
filter_dump(const struct filter *f, void *fpv)
{
	static const char *const ops[] = { "any", "and", "or", "not", "af",
	    "test", "set", "addr", "prefixes" };
	FILE *fp = fpv;

	for (size_t i = 0; i < f->nnodes; i++) {
		const struct fnode *n = &f->nodes[i];
		struct sbuf b = { NULL, 0, 0, 0 };

		fprintf(fp, "%s%zu: %s", i == f->root ? "*" : " ", i,
		    ops[n->op]);
		if (n->op == OP_AND || n->op == OP_OR)
			for (uint32_t j = 0; j < n->u.kids.n; j++)
				fprintf(fp, " %u",
				    f->kids[n->u.kids.first + j]);
		else if (n->op == OP_NOT)
			fprintf(fp, " %u", n->u.kids.first);
		else if (n->op != OP_TRUE) {
			print_node(&b, f, (uint32_t)i, 0);
			fprintf(fp, " %s", b.s != NULL ? b.s : "?");
			if (n->need != 0)
				fprintf(fp, " (needs 0x%x)", n->need);
			if (n->op == OP_PSET)
				fprintf(fp, " [%u length groups]",
				    f->sets[n->u.set].n);
		}
		fputc('\n', fp);
		free(b.s);
	}
}

/* ------------------------------------------------------------ compile */

struct filter *
filter_compile(const char *expr, const char *named_dir, char *err,
    size_t errlen)
{
	struct parser *p;
	struct filter *f;
	struct sbuf b = { NULL, 0, 0, 0 };
	int64_t r;

	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (p = calloc(1, sizeof(*p))) == NULL) {
		free(f);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->f = f;
	p->text = expr != NULL ? expr : "";
	p->named_dir = named_dir;
	p->err = err;
	p->errlen = errlen;
	r = parse_text(p);
	free(p);
	if (r == -1) {
		filter_free(f);
		return NULL;
	}
	f->root = (uint32_t)r;
	print_node(&b, f, f->root, 0);
	if (b.oom || b.s == NULL) {
		free(b.s);
		filter_free(f);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->text = b.s;
	return f;
}

/* ------------------------------------------------------------ pins */

static void
pin_clear(struct filter_pin *p)
{
	free(p->pfx);
	free(p->rng);
	memset(p, 0, sizeof(*p));
}

void
filter_pins_free(struct filter_pins *p)
{
	for (int k = 0; k < FILTER_PIN_KINDS; k++)
		pin_clear(&p->k[k]);
}

/* Room for one more entry; 1 when the set would pass the bound (the pin
 * is then dropped), -1 when out of memory. */
static int
pin_room(struct filter_pin *p, int pfx)
{
	size_t cap;
	void *np;

	if (p->n >= FILTER_PIN_MAX) {
		pin_clear(p);
		return 1;
	}
	/* the capacity is 4 or the next power of two */
	if (p->n != 0 && (p->n < 4 || (p->n & (p->n - 1)) != 0))
		return 0;
	cap = p->n == 0 ? 4 : p->n * 2;
	if (pfx) {
		if ((np = reallocarray(p->pfx, cap, sizeof(*p->pfx))) == NULL)
			return -1;
		p->pfx = np;
	} else {
		if ((np = reallocarray(p->rng, cap, sizeof(*p->rng))) == NULL)
			return -1;
		p->rng = np;
	}
	return 0;
}

static int
pin_range(struct filter_pin *p, uint64_t lo, uint64_t hi)
{
	int rc;

	if (!p->pinned || lo > hi)
		return 0;
	if ((rc = pin_room(p, 0)) != 0)
		return rc == 1 ? 0 : -1;
	p->rng[p->n].lo = (uint32_t)lo;
	p->rng[p->n++].hi = (uint32_t)hi;
	return 0;
}

static int
pin_pfx(struct filter_pin *p, const struct fpfx *x)
{
	int rc;

	if (!p->pinned)
		return 0;
	if ((rc = pin_room(p, 1)) != 0)
		return rc == 1 ? 0 : -1;
	p->pfx[p->n].af = x->af;
	p->pfx[p->n].len = x->len;
	p->pfx[p->n++].a = x->a;
	return 0;
}

/* The kind a leaf pins, or -1. */
static int
leaf_kind(const struct filter *f, const struct fnode *n)
{
	switch (n->op) {
	case OP_NUM:
		if (n->cmp == C_NE || n->cmp == C_MASK)
			return -1;
		break;
	case OP_NSET:
		if (!f->sets[n->u.set].has_incl)
			return -1;
		for (uint32_t i = 0; i < f->sets[n->u.set].n; i++) {
			const struct fnent *e =
			    &f->nents[f->sets[n->u.set].first + i];

			if (!e->excl && e->cmp == C_MASK)
				return -1;
		}
		break;
	case OP_PSET:
		if (!f->sets[n->u.set].has_incl)
			return -1;
		/* FALLTHROUGH */
	case OP_ADDR:
		return n->fld == AFLD_IP ? FILTER_PIN_ADDR :
		    n->fld == AFLD_EXPORTER ? FILTER_PIN_EXPORTER : -1;
	default:
		return -1;
	}
	return n->fld == FLD_PORT ? FILTER_PIN_PORT : n->fld == FLD_IF ?
	    FILTER_PIN_IF : n->fld == FLD_PROTO ? FILTER_PIN_PROTO : -1;
}

static int
set_has_excl(const struct filter *f, const struct fnode *n)
{
	const struct fset *s = &f->sets[n->u.set];

	if (n->op == OP_NSET) {
		for (uint32_t i = s->first; i < s->first + s->n; i++)
			if (f->nents[i].excl)
				return 1;
		return 0;
	}
	for (uint32_t g = s->first; g < s->first + s->n; g++)
		for (uint32_t j = f->pgroups[g].first;
		    j < f->pgroups[g].first + f->pgroups[g].n; j++)
			if (f->pents[j].excl)
				return 1;
	return 0;
}

/* The values of one comparison as a range (none when it cannot hold). */
static int
pin_cmp(struct filter_pin *p, int cmp, uint64_t a, uint64_t b, uint64_t max)
{
	switch (cmp) {
	case C_EQ:
		return pin_range(p, a, a);
	case C_RANGE:
		return pin_range(p, a, b > max ? max : b);
	case C_LT:
		return a == 0 ? 0 : pin_range(p, 0, a - 1);
	case C_LE:
		return pin_range(p, 0, a > max ? max : a);
	case C_GT:
		return a >= max ? 0 : pin_range(p, a + 1, max);
	default:
		return pin_range(p, a, max);
	}
}

static int
pins_leaf(const struct filter *f, const struct fnode *n,
    struct filter_pins *out)
{
	int kind = leaf_kind(f, n), rc = 0;
	const struct fset *s;
	struct filter_pin *p;

	if (kind < 0)
		return 0;
	p = &out->k[kind];
	p->pinned = 1;
	p->side = n->side != 0 ? n->side : FILTER_PIN_SRC | FILTER_PIN_DST;
	/* a set with excludes lets through less than its includes */
	p->exact = n->op == OP_NUM || n->op == OP_ADDR ||
	    !set_has_excl(f, n);
	if (n->op == OP_NUM)
		return pin_cmp(p, n->cmp, n->u.num.a, n->u.num.b,
		    fields[n->fld].max);
	if (n->op == OP_ADDR)
		return pin_pfx(p, &n->u.pfx);
	s = &f->sets[n->u.set];
	for (uint32_t i = 0; rc == 0 && i < s->n; i++) {
		if (n->op == OP_NSET) {
			const struct fnent *e = &f->nents[s->first + i];

			if (!e->excl)
				rc = pin_cmp(p, e->cmp, e->a, e->b,
				    fields[n->fld].max);
			continue;
		}
		const struct fpgroup *g = &f->pgroups[s->first + i];

		for (uint32_t j = g->first; rc == 0 && j < g->first + g->n;
		    j++)
			if (!f->pents[j].excl)
				rc = pin_pfx(p, &f->pents[j].p);
	}
	return rc;
}

/* How much of its field a pin lets through, to keep the narrower of two
 * pins of an `and` (a fraction of the address space, or values). */
static double
pin_cover(const struct filter_pin *p)
{
	double c = 0;

	for (size_t i = 0; i < p->n; i++)
		c += p->pfx != NULL ? (p->pfx[i].len >= 64 ? 0 :
		    1.0 / (double)(1ull << p->pfx[i].len)) :
		    (double)p->rng[i].hi - p->rng[i].lo + 1;
	return p->side == (FILTER_PIN_SRC | FILTER_PIN_DST) ? 2 * c : c;
}

static int pins_node(const struct filter *, uint32_t, struct filter_pins *);

static int
pins_and(const struct filter *f, const struct fnode *n,
    struct filter_pins *out)
{
	for (uint32_t j = 0; j < n->u.kids.n; j++) {
		struct filter_pins sub;

		if (pins_node(f, f->kids[n->u.kids.first + j], &sub) == -1)
			return -1;
		for (int k = 0; k < FILTER_PIN_KINDS; k++) {
			struct filter_pin t;

			if (!sub.k[k].pinned || (out->k[k].pinned &&
			    pin_cover(&out->k[k]) <= pin_cover(&sub.k[k])))
				continue;
			t = out->k[k];
			out->k[k] = sub.k[k];
			sub.k[k] = t;
			out->k[k].term = j + 1;
			out->k[k].term_exact = out->k[k].exact;
		}
		filter_pins_free(&sub);
	}
	for (int k = 0; k < FILTER_PIN_KINDS && n->u.kids.n > 1; k++)
		out->k[k].exact = 0;	/* the other terms test more */
	return 0;
}

/* out |= sub for one kind: the union of both sets and sides. */
static int
pin_union(struct filter_pin *o, const struct filter_pin *s)
{
	int rc = 0;

	if (!o->pinned || !s->pinned) {
		pin_clear(o);
		return 0;
	}
	o->exact = o->exact && s->exact && o->side == s->side;
	o->side |= s->side;
	for (size_t i = 0; rc == 0 && i < s->n; i++) {
		if (s->pfx != NULL) {
			struct fpfx x;

			memset(&x, 0, sizeof(x));
			x.af = s->pfx[i].af;
			x.len = s->pfx[i].len;
			x.a = s->pfx[i].a;
			rc = pin_pfx(o, &x);
		} else
			rc = pin_range(o, s->rng[i].lo, s->rng[i].hi);
	}
	return rc;
}

static int
pins_or(const struct filter *f, const struct fnode *n,
    struct filter_pins *out)
{
	int rc = 0;

	for (uint32_t j = 0; rc == 0 && j < n->u.kids.n; j++) {
		struct filter_pins sub;

		if (pins_node(f, f->kids[n->u.kids.first + j],
		    j == 0 ? out : &sub) == -1)
			return -1;
		if (j == 0)
			continue;
		for (int k = 0; rc == 0 && k < FILTER_PIN_KINDS; k++)
			rc = pin_union(&out->k[k], &sub.k[k]);
		filter_pins_free(&sub);
	}
	return rc;
}

static int
pins_node(const struct filter *f, uint32_t i, struct filter_pins *out)
{
	const struct fnode *n = &f->nodes[i];
	int rc;

	memset(out, 0, sizeof(*out));
	switch (n->op) {
	case OP_AND:
		rc = pins_and(f, n, out);
		break;
	case OP_OR:
		rc = pins_or(f, n, out);
		break;
	case OP_NUM:
	case OP_NSET:
	case OP_ADDR:
	case OP_PSET:
		rc = pins_leaf(f, n, out);
		break;
	default:
		return 0;	/* any, not, address family: nothing */
	}
	if (rc == -1)
		filter_pins_free(out);
	return rc;
}

int
filter_pins(const struct filter *f, struct filter_pins *out)
{
	return pins_node(f, f->root, out);
}

/* A copy of n elements of size sz (NULL for none); -1 out of memory. */
static int
dup_arr(void *dstp, const void *src, size_t n, size_t sz)
{
	void **dst = dstp;

	*dst = NULL;
	if (n == 0)
		return 0;
	if ((*dst = reallocarray(NULL, n, sz)) == NULL)
		return -1;
	memcpy(*dst, src, n * sz);
	return 0;
}

struct filter *
filter_residual(const struct filter *f, int kind)
{
	struct filter_pins ps;
	const struct fnode *root = &f->nodes[f->root];
	struct filter *r;
	unsigned term;
	struct fnode *rn;
	uint32_t *k;

	if (kind < 0 || kind >= FILTER_PIN_KINDS || root->op != OP_AND ||
	    root->u.kids.n < 2 || filter_pins(f, &ps) == -1)
		return NULL;
	term = ps.k[kind].pinned && ps.k[kind].term_exact ?
	    ps.k[kind].term : 0;
	filter_pins_free(&ps);
	if (term == 0 || term > root->u.kids.n)
		return NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if (dup_arr(&r->nodes, f->nodes, f->nnodes, sizeof(*f->nodes)) ||
	    dup_arr(&r->kids, f->kids, f->nkids, sizeof(*f->kids)) ||
	    dup_arr(&r->sets, f->sets, f->nsets, sizeof(*f->sets)) ||
	    dup_arr(&r->nents, f->nents, f->nnents, sizeof(*f->nents)) ||
	    dup_arr(&r->pents, f->pents, f->npents, sizeof(*f->pents)) ||
	    dup_arr(&r->pgroups, f->pgroups, f->npgroups,
	    sizeof(*f->pgroups)) || (r->text = strdup(f->text)) == NULL) {
		filter_free(r);
		return NULL;
	}
	r->nnodes = r->cnodes = f->nnodes;
	r->nkids = r->ckids = f->nkids;
	r->nsets = r->csets = f->nsets;
	r->nnents = r->cnents = f->nnents;
	r->npents = r->cpents = f->npents;
	r->npgroups = r->cpgroups = f->npgroups;
	r->root = f->root;
	/* the root's terms without the pinned one */
	rn = &r->nodes[r->root];
	k = &r->kids[rn->u.kids.first];
	memmove(&k[term - 1], &k[term], (rn->u.kids.n - term) * sizeof(*k));
	rn->u.kids.n--;
	return r;
}
