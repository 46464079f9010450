/*
 * trkindex.c - the tracking index (see trkindex.h).
 *
 * Every slot of every structure names a cell: a list of tracking ids and,
 * in the IPv4 trie, the node of the next 8 bits.  Cell 0 and node 0 mean
 * "none".  A lookup stamps each id it emits with the flow's epoch so that
 * an id found twice (both sides, two prefixes) is emitted once.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "trkindex.h"

enum { TBL_V4, TBL_PORT, TBL_IF, TBL_PROTO, TBL_COUNT };

/* 16 bytes, four to a cache line; up to two ids are kept in the cell
 * itself (most keys name one or two trackings), more in an array whose
 * capacity is the power of two at or above n. */
struct xcell {
	uint32_t	 child;		/* trie node below, 0: none */
	uint32_t	 n;
	union {
		uint32_t	 in[2];
		uint32_t	*ids;
	}		 u;
};

#define XCELL_IN	2

static inline const uint32_t *
cell_ids(const struct xcell *cl)
{
	return cl->n <= XCELL_IN ? cl->u.in : cl->u.ids;
}

/* uint32 key -> cell, open addressing, linear probing, at most half
 * full; a key and its cell side by side (one cache line a probe). */
struct xhent {
	uint32_t	 key;
	uint32_t	 cell;		/* 0: empty slot */
};

struct xhash {
	struct xhent	*e;
	uint32_t	 n, mask;
};

struct xpent {
	uint8_t		 af, len;
	fr_addr		 a;
	uint32_t	 id;
};

/* Prefixes sorted by family, length (longest first) and address. */
struct xplist {
	struct xpent	*e;
	size_t		 n, cap;
};

/*
 * The cells a flow meets, one per side of each table (the deepest with
 * ids, 0: none): IPv4 source and destination, ports, interfaces,
 * protocol.  A key names a combination; a key with the cells of one table
 * only is that table's part of a flow's key.
 */
enum { K_V4S, K_V4D, K_PORTS, K_PORTD, K_IFS, K_IFD, K_PROTO, NKEY };

/* A combination: the ids the cells of one key give together, each once;
 * exact ones first (bare ids), then the ones whose filter must still be
 * run. */
struct xcombo {
	uint32_t	*ids;
	uint32_t	 nex, n;
};

/* A slot of the memo: a key and its combination + 1 (0: an empty slot);
 * 32 bytes, two to a cache line, so that finding a combination reads one
 * line (trkindex_prepare asks for it ahead). */
struct xmemo {
	uint32_t	 k[NKEY];
	uint32_t	 combo;
};

#define MEMO_MIN	256		/* slots at first, 2^n */

/*
 * The IPv4 trie as lookups read it, made from the one built (freeze()):
 * what a flow needs of a cell (the cell if it holds ids, else 0, and the
 * node below) beside the slot naming it, and the nodes packed, a bit per
 * slot in use and the used slots' entries in one array, so that a node
 * whose 256 slots take 1 KB reads as one cache line (a flow's address is
 * seldom in a tracked host's /32).
 */
struct xpk {
	uint32_t	 keycell;	/* the cell if it holds ids, else 0 */
	uint32_t	 child;		/* its node, 0: none */
};

struct xroot {
	uint32_t	 key;
	uint32_t	 cell;		/* 0: an empty slot */
	struct xpk	 pk;
};

struct xcnode {
	uint64_t	 bm[4];		/* slots in use */
	uint32_t	 first;		/* their entries in pk[] */
	uint8_t		 pre[4];	/* slots in use before each word */
};

struct trkindex {
	struct xcell	*cells;
	uint32_t	 ncells, ccells;
	uint32_t	(*nodes)[256];
	uint32_t	 nnodes, cnodes;
	struct xhash	 h[TBL_COUNT][2];	/* [table][side] */
	struct xplist	 v6[2], exporter;
	uint32_t	*always;
	uint32_t	 nalways, calways;
	uint32_t	*stamp;		/* per tracking: last epoch emitted */
	uint32_t	 cstamp;
	uint32_t	 ntrk, epoch;
	struct xcombo	*combos;
	uint32_t	 ncombos;
	struct xmemo	*memo;		/* at most half full */
	/* the IPv4 trie packed (freeze), made again after an add */
	int		 frozen;
	struct xroot	*froot[2];	/* as h[TBL_V4][side] */
	struct xcnode	*fnode;		/* as nodes */
	struct xpk	*fpk;
	uint32_t	 mslots;	/* 2^n, 0: none yet */
	struct trkindex_stats st;
};

static void unfreeze(struct trkindex *);

struct trkindex *
trkindex_new(void)
{
	struct trkindex *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return NULL;
	x->ncells = 1;		/* cell 0: none */
	x->nnodes = 1;
	x->epoch = 1;
	return x;
}

void
trkindex_free(struct trkindex *x)
{
	if (x == NULL)
		return;
	for (uint32_t i = 1; i < x->ncells; i++)
		if (x->cells[i].n > XCELL_IN)
			free(x->cells[i].u.ids);
	free(x->cells);
	free(x->nodes);
	for (int t = 0; t < TBL_COUNT; t++)
		for (int s = 0; s < 2; s++) {
			free(x->h[t][s].e);
		}
	free(x->v6[0].e);
	free(x->v6[1].e);
	free(x->exporter.e);
	free(x->always);
	free(x->stamp);
	trkindex_forget(x);
	unfreeze(x);
	free(x->combos);
	free(x->memo);
	free(x);
}

/* ------------------------------------------------------------ building */

/* Make room for one more of *n elements of size sz in *arr. */
static int
xgrow(void *arrp, uint32_t *cap, size_t n, size_t sz)
{
	void **arr = arrp;
	size_t nc;
	void *p;

	if (n < *cap)
		return 0;
	nc = *cap == 0 ? 16 : (size_t)*cap * 2;
	if (nc > UINT32_MAX || (p = reallocarray(*arr, nc, sz)) == NULL)
		return -1;
	*arr = p;
	*cap = (uint32_t)nc;
	return 0;
}

/* A new empty cell; 0 when out of memory. */
static uint32_t
cell_new(struct trkindex *x)
{
	if (xgrow(&x->cells, &x->ccells, x->ncells, sizeof(*x->cells)) == -1)
		return 0;
	memset(&x->cells[x->ncells], 0, sizeof(*x->cells));
	return x->ncells++;
}

static int
cell_add(struct trkindex *x, uint32_t c, uint32_t id)
{
	struct xcell *cl = &x->cells[c];
	uint32_t *v;

	if (cl->n > 0 && cell_ids(cl)[cl->n - 1] == id)
		return 0;	/* the same tracking, another key */
	if (cl->n < XCELL_IN) {
		cl->u.in[cl->n++] = id;
	} else if (cl->n == XCELL_IN) {
		if ((v = malloc(2 * XCELL_IN * sizeof(*v))) == NULL)
			return -1;
		memcpy(v, cl->u.in, sizeof(cl->u.in));
		v[cl->n++] = id;
		cl->u.ids = v;
	} else {
		/* full when n is a power of two */
		if ((cl->n & (cl->n - 1)) == 0) {
			if (cl->n > UINT32_MAX / 2 || (v = reallocarray(
			    cl->u.ids, 2 * (size_t)cl->n, sizeof(*v))) == NULL)
				return -1;
			cl->u.ids = v;
		}
		cl->u.ids[cl->n++] = id;
	}
	x->st.keys++;
	return 0;
}

static inline uint32_t
xhash_slot(const struct xhash *h, uint32_t key)
{
	return (uint32_t)(((uint64_t)key * 0x9e3779b97f4a7c15ull) >> 32) & h->mask;
}

static inline uint32_t
xhash_get(const struct xhash *h, uint32_t key)
{
	uint32_t i;

	if (h->n == 0)
		return 0;
	for (i = xhash_slot(h, key); h->e[i].cell != 0; i = (i + 1) & h->mask)
		if (h->e[i].key == key)
			return h->e[i].cell;
	return 0;
}

static int
xhash_resize(struct xhash *h)
{
	uint32_t cap = h->mask == 0 ? 64 : (h->mask + 1) * 2, i;
	struct xhash nh = { NULL, h->n, cap - 1 };

	if ((nh.e = calloc(cap, sizeof(*nh.e))) == NULL)
		return -1;
	for (uint32_t j = 0; h->mask != 0 && j <= h->mask; j++) {
		if (h->e[j].cell == 0)
			continue;
		for (i = xhash_slot(&nh, h->e[j].key); nh.e[i].cell != 0;
		    i = (i + 1) & nh.mask)
			;
		nh.e[i] = h->e[j];
	}
	free(h->e);
	*h = nh;
	return 0;
}

/* The cell of key, created if missing; 0 when out of memory. */
static uint32_t
xhash_cell(struct trkindex *x, struct xhash *h, uint32_t key)
{
	uint32_t c = xhash_get(h, key), i;

	if (c != 0)
		return c;
	if ((h->n + 1) * 2 > h->mask + 1 && xhash_resize(h) == -1)
		return 0;
	if ((c = cell_new(x)) == 0)
		return 0;
	for (i = xhash_slot(h, key); h->e[i].cell != 0; i = (i + 1) & h->mask)
		;
	h->e[i].key = key;
	h->e[i].cell = c;
	h->n++;
	return c;
}

/* The cell in slot s of the node below cell c, both created if missing;
 * 0 when out of memory. */
static uint32_t
node_cell(struct trkindex *x, uint32_t c, unsigned s)
{
	uint32_t nd = x->cells[c].child, nc;

	if (nd == 0) {
		if (xgrow(&x->nodes, &x->cnodes, x->nnodes,
		    sizeof(*x->nodes)) == -1)
			return 0;
		nd = x->nnodes++;
		memset(x->nodes[nd], 0, sizeof(x->nodes[nd]));
		x->cells[c].child = nd;
	}
	if (x->nodes[nd][s] != 0)
		return x->nodes[nd][s];
	if ((nc = cell_new(x)) == 0)
		return 0;
	x->nodes[nd][s] = nc;
	return nc;
}

/* File id under the IPv4 prefix a/len (8 <= len <= 32). */
static int
v4_insert(struct trkindex *x, struct xhash *root, uint32_t a, unsigned len,
    uint32_t id)
{
	unsigned lvl = len <= 16 ? 16 : len <= 24 ? 24 : 32, k;
	uint32_t c = 0, base;

	if (lvl > 16 && (c = xhash_cell(x, root, a >> 16)) == 0)
		return -1;
	if (lvl > 24 && (c = node_cell(x, c, a >> 8 & 255)) == 0)
		return -1;
	base = lvl == 16 ? a >> 16 : lvl == 24 ? a >> 8 & 255 : a & 255;
	for (k = 0; k < 1u << (lvl - len); k++) {
		uint32_t s = lvl == 16 ? xhash_cell(x, root, base + k) :
		    node_cell(x, c, base + k);

		if (s == 0 || cell_add(x, s, id) == -1)
			return -1;
	}
	return 0;
}

static int
xpent_cmp(const struct xpent *a, const struct xpent *b)
{
	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	if (a->len != b->len)
		return a->len > b->len ? -1 : 1;
	if (a->af == FR_AF_INET)
		return a->a.v4 < b->a.v4 ? -1 : a->a.v4 > b->a.v4;
	return memcmp(a->a.v6, b->a.v6, 16);
}

/* Insert in order (lists are short: insertion is fine). */
static int
plist_insert(struct xplist *l, const struct filter_pfx *p, uint32_t id)
{
	struct xpent e;
	size_t i;

	if (l->n == l->cap) {
		size_t nc = l->cap == 0 ? 16 : l->cap * 2;
		struct xpent *ne = reallocarray(l->e, nc, sizeof(*ne));

		if (ne == NULL)
			return -1;
		l->e = ne;
		l->cap = nc;
	}
	memset(&e, 0, sizeof(e));
	e.af = p->af;
	e.len = p->len;
	e.a = p->a;
	e.id = id;
	for (i = l->n; i > 0 && xpent_cmp(&l->e[i - 1], &e) > 0; i--)
		l->e[i] = l->e[i - 1];
	l->e[i] = e;
	l->n++;
	return 0;
}

/* ------------------------------------------------------------ filing */

/* The IPv4 trie level a prefix of length len is spread at. */
static unsigned
v4_level(unsigned len)
{
	return len <= 16 ? 16 : len <= 24 ? 24 : 32;
}

/* Keys pin p of kind k fills on each side, or -1 if it cannot be used;
 * *score is a rough share of the traffic it lets through. */
static int64_t
pin_keys(int k, const struct filter_pin *p, double *score)
{
	double s = 0;
	int64_t keys = 0;

	for (size_t i = 0; i < p->n && keys <= TRKINDEX_MAX_KEYS; i++) {
		const struct filter_pfx *x = p->pfx != NULL ? &p->pfx[i] :
		    NULL;
		double w = x != NULL ? 0 :
		    (double)p->rng[i].hi - p->rng[i].lo + 1;

		if (k == FILTER_PIN_ADDR && x->af == FR_AF_INET && x->len < 8)
			return -1;
		if (x != NULL) {
			keys += x->af == FR_AF_INET && k == FILTER_PIN_ADDR ?
			    1 << (v4_level(x->len) - x->len) : 1;
			s += k == FILTER_PIN_EXPORTER ? 0.25 :
			    x->len >= 64 ? 0 : 1.0 / (double)(1ull << x->len);
			continue;
		}
		keys += (int64_t)w;
		s += k == FILTER_PIN_PORT ? w * 8 / 65536 :
		    k == FILTER_PIN_IF ? w / 32 : w / 4;
	}
	if (keys > TRKINDEX_MAX_KEYS)
		return -1;
	if ((k == FILTER_PIN_ADDR || k == FILTER_PIN_PORT ||
	    k == FILTER_PIN_IF) && p->side == (FILTER_PIN_SRC | FILTER_PIN_DST))
		s *= 2;
	*score = s;
	return keys;
}

/* The kind to file f's pins under, or -1 (tested always). */
static int
pin_choose(const struct filter_pins *ps)
{
	double best = 0.5, s;
	int kind = -1;

	for (int k = 0; k < FILTER_PIN_KINDS; k++)
		if (ps->k[k].pinned && pin_keys(k, &ps->k[k], &s) >= 0 &&
		    s < best) {
			best = s;
			kind = k;
		}
	return kind;
}

static const int pin_table[FILTER_PIN_KINDS] = {
	[FILTER_PIN_ADDR] = TBL_V4, [FILTER_PIN_PORT] = TBL_PORT,
	[FILTER_PIN_IF] = TBL_IF, [FILTER_PIN_PROTO] = TBL_PROTO,
	[FILTER_PIN_EXPORTER] = -1,
};

/* File id under entry i of pin p (kind k) on one side. */
static int
file_one(struct trkindex *x, int k, int side, const struct filter_pin *p,
    size_t i, uint32_t id)
{
	struct xhash *h = &x->h[pin_table[k] < 0 ? 0 : pin_table[k]][side];
	uint32_t c;

	if (k == FILTER_PIN_EXPORTER)
		return plist_insert(&x->exporter, &p->pfx[i], id);
	if (k == FILTER_PIN_ADDR && p->pfx[i].af == FR_AF_INET)
		return v4_insert(x, h, p->pfx[i].a.v4, p->pfx[i].len, id);
	if (k == FILTER_PIN_ADDR)
		return plist_insert(&x->v6[side], &p->pfx[i], id);
	for (uint64_t v = p->rng[i].lo; v <= p->rng[i].hi; v++)
		if ((c = xhash_cell(x, h, (uint32_t)v)) == 0 ||
		    cell_add(x, c, id) == -1)
			return -1;
	return 0;
}

static int
file_pin(struct trkindex *x, int k, const struct filter_pin *p, uint32_t id)
{
	int one = k == FILTER_PIN_PROTO || k == FILTER_PIN_EXPORTER;

	for (int side = 0; side < (one ? 1 : 2); side++) {
		if (!one && !(p->side & (side == 0 ? FILTER_PIN_SRC :
		    FILTER_PIN_DST)))
			continue;
		for (size_t i = 0; i < p->n; i++)
			if (file_one(x, k, side, p, i, id) == -1)
				return -1;
	}
	return 0;
}

/* Room for one more tracking in the always list and the stamps. */
static int
trk_room(struct trkindex *x)
{
	uint32_t cap = x->cstamp;

	if (xgrow(&x->always, &x->calways, x->nalways,
	    sizeof(*x->always)) == -1 ||
	    xgrow(&x->stamp, &cap, x->ntrk, sizeof(*x->stamp)) == -1)
		return -1;
	if (cap > x->cstamp)
		memset(x->stamp + x->cstamp, 0,
		    (cap - x->cstamp) * sizeof(*x->stamp));
	x->cstamp = cap;
	return 0;
}

int
trkindex_add(struct trkindex *x, const struct filter *f)
{
	struct filter_pins ps;
	int kind = TRKINDEX_ALWAYS, rc = 0;

	if (x->ntrk >= TRKINDEX_EXACT - 1 || trk_room(x) == -1)
		return -1;
	x->frozen = 0;
	memset(&ps, 0, sizeof(ps));
	if (f != NULL && filter_pins(f, &ps) == -1)
		return -1;
	if (f != NULL && (kind = pin_choose(&ps)) < 0)
		kind = TRKINDEX_ALWAYS;
	if (kind >= 0) {
		rc = file_pin(x, kind, &ps.k[kind], x->ntrk |
		    (ps.k[kind].exact ? TRKINDEX_EXACT : 0));
		x->st.exact += ps.k[kind].exact;
		x->st.by_kind[kind]++;
		x->st.never += ps.k[kind].n == 0;
	} else {
		x->always[x->nalways++] = x->ntrk;
		x->st.always++;
	}
	filter_pins_free(&ps);
	if (rc == -1)
		return -1;
	x->ntrk++;
	return kind;
}

/* ------------------------------------------------------------ lookup */

/* A new stamp for a new set of ids emitted each once. */
static inline void
next_epoch(struct trkindex *x)
{
	if (++x->epoch == 0) {
		memset(x->stamp, 0, x->cstamp * sizeof(*x->stamp));
		x->epoch = 1;
	}
}

static inline void
emit(struct trkindex *x, uint32_t c, uint32_t *out, unsigned *n)
{
	const struct xcell *cl = &x->cells[c];
	const uint32_t *ids = cell_ids(cl);

	for (uint32_t i = 0; i < cl->n; i++) {
		uint32_t id = ids[i], k = id & ~TRKINDEX_EXACT;

		if (x->stamp[k] != x->epoch) {
			x->stamp[k] = x->epoch;
			out[(*n)++] = id;
		}
	}
}

/* The cells with ids one side of a flow meets in one table: up to three
 * trie levels, shallowest first, or one hash cell.  The deepest names
 * them all (a trie cell has one path from the root). */
struct xpath {
	uint32_t	 c[3];
	unsigned	 n;
};

static inline void
v4_path(const struct trkindex *x, const struct xhash *root, uint32_t a,
    struct xpath *p)
{
	uint32_t c = xhash_get(root, a >> 16), nd;

	p->n = 0;
	if (c == 0)
		return;
	if (x->cells[c].n > 0)
		p->c[p->n++] = c;
	if ((nd = x->cells[c].child) == 0 ||
	    (c = x->nodes[nd][a >> 8 & 255]) == 0)
		return;
	if (x->cells[c].n > 0)
		p->c[p->n++] = c;
	if ((nd = x->cells[c].child) == 0 || (c = x->nodes[nd][a & 255]) == 0)
		return;
	if (x->cells[c].n > 0)
		p->c[p->n++] = c;
}

static struct xpk
pk_of(const struct trkindex *x, uint32_t c)
{
	struct xpk p = { x->cells[c].n > 0 ? c : 0, x->cells[c].child };

	return p;
}

/* Drop the packed trie. */
static void
unfreeze(struct trkindex *x)
{
	free(x->froot[0]);
	free(x->froot[1]);
	free(x->fnode);
	free(x->fpk);
	x->froot[0] = x->froot[1] = NULL;
	x->fnode = NULL;
	x->fpk = NULL;
	x->frozen = 0;
}

/* Make the packed trie; -1 (the lookups then read the one built) when out
 * of memory. */
static int
freeze(struct trkindex *x)
{
	size_t used = 0, k = 0;

	unfreeze(x);
	for (uint32_t nd = 1; nd < x->nnodes; nd++)
		for (int i = 0; i < 256; i++)
			used += x->nodes[nd][i] != 0;
	if ((x->fnode = calloc(x->nnodes, sizeof(*x->fnode))) == NULL ||
	    (x->fpk = calloc(used + 1, sizeof(*x->fpk))) == NULL)
		return -1;
	for (int side = 0; side < 2; side++) {
		const struct xhash *h = &x->h[TBL_V4][side];

		if (h->n == 0)
			continue;
		if ((x->froot[side] = calloc((size_t)h->mask + 1,
		    sizeof(*x->froot[side]))) == NULL)
			return -1;
		for (uint32_t j = 0; j <= h->mask; j++) {
			x->froot[side][j].key = h->e[j].key;
			x->froot[side][j].cell = h->e[j].cell;
			if (h->e[j].cell != 0)
				x->froot[side][j].pk = pk_of(x, h->e[j].cell);
		}
	}
	for (uint32_t nd = 1; nd < x->nnodes; nd++) {
		struct xcnode *cn = &x->fnode[nd];
		unsigned n = 0;

		cn->first = (uint32_t)k;
		for (int i = 0; i < 256; i++) {
			if (i % 64 == 0)
				cn->pre[i / 64] = (uint8_t)n;
			if (x->nodes[nd][i] == 0)
				continue;
			cn->bm[i / 64] |= 1ull << (i % 64);
			x->fpk[k++] = pk_of(x, x->nodes[nd][i]);
			n++;
		}
	}
	x->frozen = 1;
	return 0;
}

/* Bits set in v (without a call where the CPU's instruction is not
 * assumed). */
static inline unsigned
popcount64(uint64_t v)
{
	v -= v >> 1 & 0x5555555555555555ull;
	v = (v & 0x3333333333333333ull) + (v >> 2 & 0x3333333333333333ull);
	v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (unsigned)((v * 0x0101010101010101ull) >> 56);
}

/* Slot s of packed node nd, NULL: not in use. */
static inline const struct xpk *
fnode_get(const struct trkindex *x, uint32_t nd, unsigned s)
{
	const struct xcnode *cn = &x->fnode[nd];
	uint64_t w = cn->bm[s / 64], bit = 1ull << (s % 64);

	if (!(w & bit))
		return NULL;
	return &x->fpk[cn->first + cn->pre[s / 64] + popcount64(w & (bit - 1))];
}

/* The deepest cell with ids a flow meets in the IPv4 trie (the name of
 * its v4_path), 0: none; read from the packed trie. */
static inline uint32_t
v4_key_packed(const struct trkindex *x, int side, uint32_t a)
{
	const struct xhash *h = &x->h[TBL_V4][side];
	const struct xroot *rt = x->froot[side];
	const struct xpk *pk;
	uint32_t i, k;

	if (rt == NULL)
		return 0;
	for (i = xhash_slot(h, a >> 16); rt[i].cell != 0 && rt[i].key !=
	    a >> 16; i = (i + 1) & h->mask)
		;
	if (rt[i].cell == 0)
		return 0;
	k = rt[i].pk.keycell;
	if (rt[i].pk.child == 0 ||
	    (pk = fnode_get(x, rt[i].pk.child, a >> 8 & 255)) == NULL)
		return k;
	k = pk->keycell != 0 ? pk->keycell : k;
	if (pk->child == 0 || (pk = fnode_get(x, pk->child, a & 255)) == NULL)
		return k;
	return pk->keycell != 0 ? pk->keycell : k;
}

static inline void
hash_path(const struct trkindex *x, const struct xhash *h, uint32_t key,
    struct xpath *p)
{
	uint32_t c;

	/* cells of these tables are made with an id (file_one) */
	(void)x;
	p->n = 0;
	if (h->n != 0 && (c = xhash_get(h, key)) != 0)
		p->c[p->n++] = c;
}

/* Make combination cb of the ids on the paths p[i] whose key is not 0;
 * -1: out of memory. */
static int
combo_build(struct trkindex *x, struct xcombo *cb, const struct xpath *p,
    const uint32_t *k)
{
	size_t total = 0;
	uint32_t *ids, ne = 0, nx = 0;

	for (int s = 0; s < NKEY; s++)
		for (unsigned i = 0; k[s] != 0 && i < p[s].n; i++)
			total += x->cells[p[s].c[i]].n;
	if (total == 0 || (ids = reallocarray(NULL, total,
	    sizeof(*ids))) == NULL)
		return -1;
	/* exact ids from the front, the others from the back */
	next_epoch(x);
	for (int s = 0; s < NKEY; s++)
		for (unsigned i = 0; k[s] != 0 && i < p[s].n; i++) {
			const struct xcell *cl = &x->cells[p[s].c[i]];
			const uint32_t *ci = cell_ids(cl);

			for (uint32_t j = 0; j < cl->n; j++) {
				uint32_t id = ci[j] & ~TRKINDEX_EXACT;

				if (x->stamp[id] == x->epoch)
					continue;
				x->stamp[id] = x->epoch;
				if (ci[j] & TRKINDEX_EXACT)
					ids[ne++] = id;
				else
					ids[total - ++nx] = id;
			}
		}
	memmove(ids + ne, ids + total - nx, nx * sizeof(*ids));
	next_epoch(x);
	cb->ids = ids;
	cb->nex = ne;
	cb->n = ne + nx;
	return 0;
}

static inline uint64_t
memo_hash(const uint32_t *k)
{
	const uint64_t m = 0x9e3779b97f4a7c15ull;
	uint64_t h;

	/* written out: this runs for every flow */
	h = ((uint64_t)k[0] << 32 | k[1]) * m;
	h = (h ^ ((uint64_t)k[2] << 32 | k[3])) * m;
	h = (h ^ ((uint64_t)k[4] << 32 | k[5])) * m;
	h = (h ^ k[6]) * m;
	h ^= h >> 29;
	return h != 0 ? h : 1;		/* 0 means "no key" */
}

/* The empty slot a key of hash hh goes to in memo m of slots slots. */
static uint32_t
memo_free_slot(const struct xmemo *m, uint32_t slots, uint64_t hh)
{
	uint32_t h = (uint32_t)(hh >> 32) & (slots - 1);

	while (m[h].combo != 0)
		h = (h + 1) & (slots - 1);
	return h;
}

/* Twice the slots (or the first ones); -1: out of memory. */
static int
memo_grow(struct trkindex *x)
{
	uint32_t ns = x->mslots ? x->mslots * 2 : MEMO_MIN;
	struct xmemo *nm = calloc(ns, sizeof(*nm));

	if (nm == NULL)
		return -1;
	for (uint32_t i = 0; i < x->mslots; i++)
		if (x->memo[i].combo != 0)
			nm[memo_free_slot(nm, ns, memo_hash(x->memo[i].k))] =
			    x->memo[i];
	free(x->memo);
	x->memo = nm;
	x->mslots = ns;
	return 0;
}

/* The combination (number + 1) of key k whose memo_hash is hh, 0: not
 * made yet. */
static inline uint32_t
memo_find(const struct trkindex *x, const uint32_t *k, uint64_t hh)
{
	if (x->mslots == 0)
		return 0;
	for (uint32_t h = (uint32_t)(hh >> 32) & (x->mslots - 1);
	    x->memo[h].combo != 0; h = (h + 1) & (x->mslots - 1))
		if (memcmp(x->memo[h].k, k, NKEY * sizeof(*k)) == 0)
			return x->memo[h].combo;
	return 0;
}

/* Make the combination (number + 1) of key k (memo_hash hh) from paths
 * p, while fewer than limit are kept; 0 when not. */
static uint32_t
memo_add(struct trkindex *x, const struct xpath *p, const uint32_t *k,
    uint64_t hh, uint32_t limit)
{
	struct xcombo *cb;
	uint32_t h;

	if (x->ncombos >= limit)
		return 0;
	if (x->combos == NULL && (x->combos = calloc(TRKINDEX_COMBOS,
	    sizeof(*x->combos))) == NULL)
		return 0;
	if ((x->ncombos + 1) * 2 > x->mslots && memo_grow(x) == -1)
		return 0;
	cb = &x->combos[x->ncombos];
	if (combo_build(x, cb, p, k) == -1)
		return 0;
	h = memo_free_slot(x->memo, x->mslots, hh);
	memcpy(x->memo[h].k, k, sizeof(x->memo[h].k));
	x->memo[h].combo = ++x->ncombos;
	return x->ncombos;
}

/* Combination c (number + 1): its exact ids are counted by the caller
 * (*co), the others go to out. */
static inline void
use_combo(const struct trkindex *x, uint32_t c, uint32_t *out, unsigned *n,
    uint32_t *co, unsigned *nco)
{
	const struct xcombo *cb = &x->combos[c - 1];

	if (cb->nex > 0)
		co[(*nco)++] = c - 1;
	for (uint32_t i = cb->nex; i < cb->n; i++)
		out[(*n)++] = cb->ids[i];
}

/* The paths behind the keys k of flow r (lookup found the keys). */
static void
paths_of(const struct trkindex *x, const struct flowrec *r,
    const uint32_t *k, struct xpath *p)
{
	for (int i = 0; i < NKEY; i++)
		p[i].n = 0;
	if (k[K_V4S] != 0)
		v4_path(x, &x->h[TBL_V4][0], r->src.v4, &p[K_V4S]);
	if (k[K_V4D] != 0)
		v4_path(x, &x->h[TBL_V4][1], r->dst.v4, &p[K_V4D]);
	if (k[K_PORTS] != 0)
		hash_path(x, &x->h[TBL_PORT][0], r->sport, &p[K_PORTS]);
	if (k[K_PORTD] != 0)
		hash_path(x, &x->h[TBL_PORT][1], r->dport, &p[K_PORTD]);
	if (k[K_IFS] != 0)
		hash_path(x, &x->h[TBL_IF][0], r->in_if, &p[K_IFS]);
	if (k[K_IFD] != 0)
		hash_path(x, &x->h[TBL_IF][1], r->out_if, &p[K_IFD]);
	if (k[K_PROTO] != 0)
		hash_path(x, &x->h[TBL_PROTO][0], r->proto, &p[K_PROTO]);
}

/* Keys k[first .. first + n) of a group or a table. */
struct krange {
	uint8_t		 first, n;
};

/* Addresses, whose cells are many, apart from the fields of few values,
 * so that the combinations of one do not multiply those of the other. */
static const struct krange groups[TRKINDEX_GROUPS] = { { K_V4S, 2 },
    { K_PORTS, 5 } };
static const struct krange tables[] = { { K_V4S, 2 }, { K_PORTS, 2 },
    { K_IFS, 2 }, { K_PROTO, 1 } };

static inline int
range_any(const uint32_t *k, const struct krange *g)
{
	uint32_t any = 0;

	for (int i = g->first; i < g->first + g->n; i++)
		any |= k[i];
	return any != 0;
}

/* The keys of range g of k, the others 0, into kt. */
static inline void
range_key(const uint32_t *k, const struct krange *g, uint32_t *kt)
{
	memset(kt, 0, NKEY * sizeof(*kt));
	for (int i = g->first; i < g->first + g->n; i++)
		kt[i] = k[i];
}

/* The combination (number + 1) of the keys of range g, made while fewer
 * than limit are kept (paths found once, on the first one made); 0: no
 * room.  hh: memo_hash of the range's key, or 0 to compute it here. */
static inline uint32_t
range_combo(struct trkindex *x, const struct flowrec *r, const uint32_t *k,
    const struct krange *g, uint64_t hh, uint32_t limit, struct xpath *p,
    int *havep)
{
	uint32_t kt[NKEY], c;

	range_key(k, g, kt);
	if (hh == 0)
		hh = memo_hash(kt);
	if ((c = memo_find(x, kt, hh)) != 0)
		return c;
	if (!*havep) {
		paths_of(x, r, k, p);
		*havep = 1;
	}
	return memo_add(x, p, kt, hh, limit);
}

/*
 * The ids of the cells a flow met (key k): one combination for its
 * addresses and one for its other fields, when known or while there is
 * room (three quarters of it); else one per table, while there is room;
 * else id by id.
 */
static inline void
combine(struct trkindex *x, const struct flowrec *r,
    const struct trkindex_pre *pre, uint32_t *out, unsigned *n, uint32_t *co,
    unsigned *nco)
{
	const uint32_t *k = pre->k;
	struct xpath p[NKEY];
	int have = 0;
	uint32_t c;

	for (size_t g = 0; g < TRKINDEX_GROUPS; g++) {
		if (pre->hh[g] == 0)
			continue;
		if ((c = range_combo(x, r, k, &groups[g], pre->hh[g],
		    TRKINDEX_COMBOS / 4 * 3, p, &have)) != 0) {
			use_combo(x, c, out, n, co, nco);
			continue;
		}
		for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]);
		    t++) {
			const struct krange *tb = &tables[t];

			if (tb->first < groups[g].first || tb->first >=
			    groups[g].first + groups[g].n || !range_any(k, tb))
				continue;
			if ((c = range_combo(x, r, k, tb, 0, TRKINDEX_COMBOS,
			    p, &have)) != 0) {
				use_combo(x, c, out, n, co, nco);
				continue;
			}
			if (!have) {
				paths_of(x, r, k, p);
				have = 1;
			}
			next_epoch(x);
			for (int s = tb->first; s < tb->first + tb->n; s++)
				for (unsigned i = 0; k[s] != 0 &&
				    i < p[s].n; i++)
					emit(x, p[s].c[i], out, n);
		}
	}
}

static void
pfx_cut(struct xpent *e, uint8_t af, unsigned len, const fr_addr *a)
{
	memset(e, 0, sizeof(*e));
	e->af = af;
	e->len = (uint8_t)len;
	if (af == FR_AF_INET) {
		e->a.v4 = len == 0 ? 0 : a->v4 & (UINT32_MAX << (32 - len));
		return;
	}
	memcpy(e->a.v6, a->v6, len / 8);
	if (len % 8 != 0)
		e->a.v6[len / 8] = a->v6[len / 8] & (0xff << (8 - len % 8));
}

/* First entry of l from i not below key (by xpent_cmp). */
static size_t
plist_lower(const struct xplist *l, size_t lo, const struct xpent *key)
{
	size_t hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (xpent_cmp(&l->e[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Every entry of l holding address a: one search per length present. */
static void
plist_lookup(struct trkindex *x, const struct xplist *l, uint8_t af,
    const fr_addr *a, uint32_t *out, unsigned *n)
{
	struct xpent key;
	size_t i = 0;

	while (i < l->n) {
		unsigned len = l->e[i].len;

		if (l->e[i].af > af)
			break;
		if (l->e[i].af < af) {		/* skip that family */
			memset(&key, 0, sizeof(key));
			key.af = (uint8_t)(l->e[i].af + 1);
			key.len = 255;
			i = plist_lower(l, i, &key);
			continue;
		}
		pfx_cut(&key, af, len, a);
		for (i = plist_lower(l, i, &key); i < l->n &&
		    xpent_cmp(&l->e[i], &key) == 0; i++) {
			uint32_t k = l->e[i].id & ~TRKINDEX_EXACT;

			if (x->stamp[k] != x->epoch) {
				x->stamp[k] = x->epoch;
				out[(*n)++] = l->e[i].id;
			}
		}
		if (len == 0)
			break;
		pfx_cut(&key, af, len - 1, a);	/* next length */
		memset(&key.a, 0, sizeof(key.a));
		i = plist_lower(l, i, &key);
	}
}

static inline uint32_t
hash_key(const struct xhash *h, uint32_t key)
{
	return h->n != 0 ? xhash_get(h, key) : 0;
}

void
trkindex_prepare(struct trkindex *x, const struct flowrec *r,
    struct trkindex_pre *pre)
{
	uint32_t *k = pre->k;

	memset(k, 0, sizeof(pre->k));
	/* a field not sent passes no test on it: no lookup */
	if (r->af == FR_AF_INET && (x->frozen || freeze(x) == 0)) {
		if (r->fields & FR_HAS_SRCADDR)
			k[K_V4S] = v4_key_packed(x, 0, r->src.v4);
		if (r->fields & FR_HAS_DSTADDR)
			k[K_V4D] = v4_key_packed(x, 1, r->dst.v4);
	} else if (r->af == FR_AF_INET) {
		/* no memory for the packed trie: the one built */
		struct xpath p;

		if (r->fields & FR_HAS_SRCADDR) {
			v4_path(x, &x->h[TBL_V4][0], r->src.v4, &p);
			k[K_V4S] = p.n > 0 ? p.c[p.n - 1] : 0;
		}
		if (r->fields & FR_HAS_DSTADDR) {
			v4_path(x, &x->h[TBL_V4][1], r->dst.v4, &p);
			k[K_V4D] = p.n > 0 ? p.c[p.n - 1] : 0;
		}
	}
	if (r->fields & FR_HAS_PORTS) {
		k[K_PORTS] = hash_key(&x->h[TBL_PORT][0], r->sport);
		k[K_PORTD] = hash_key(&x->h[TBL_PORT][1], r->dport);
	}
	if (r->fields & FR_HAS_IFINDEX) {
		k[K_IFS] = hash_key(&x->h[TBL_IF][0], r->in_if);
		k[K_IFD] = hash_key(&x->h[TBL_IF][1], r->out_if);
	}
	/* protocols are filed on one side only (file_pin) */
	if (r->fields & FR_HAS_PROTO)
		k[K_PROTO] = hash_key(&x->h[TBL_PROTO][0], r->proto);
	/* the two groups' keys written out (groups[]): this runs for every
	 * flow */
	pre->hh[0] = pre->hh[1] = 0;
	if ((k[K_V4S] | k[K_V4D]) != 0) {
		uint32_t kt[NKEY] = { k[K_V4S], k[K_V4D], 0, 0, 0, 0, 0 };

		pre->hh[0] = memo_hash(kt);	/* never 0: 0 is "none" */
	}
	if ((k[K_PORTS] | k[K_PORTD] | k[K_IFS] | k[K_IFD] | k[K_PROTO]) !=
	    0) {
		uint32_t kt[NKEY] = { 0, 0, k[K_PORTS], k[K_PORTD], k[K_IFS],
		    k[K_IFD], k[K_PROTO] };

		pre->hh[1] = memo_hash(kt);
	}
	/* the memo slots are read in trkindex_lookup_pre: ask for them
	 * while the caller prepares the next flows */
	for (int g = 0; g < TRKINDEX_GROUPS && x->mslots > 0; g++)
		if (pre->hh[g] != 0)
			__builtin_prefetch(&x->memo[(uint32_t)(pre->hh[g] >>
			    32) & (x->mslots - 1)]);
}

unsigned
trkindex_lookup_pre(struct trkindex *x, const struct flowrec *r,
    const struct trkindex_pre *pre, uint32_t *out, uint32_t *co,
    unsigned *nco)
{
	unsigned n = 0;

	next_epoch(x);
	*nco = 0;
	if (x->nalways > 0) {
		memcpy(out, x->always, x->nalways * sizeof(*out));
		n = x->nalways;
	}
	if (r->af == FR_AF_INET6) {
		if (r->fields & FR_HAS_SRCADDR)
			plist_lookup(x, &x->v6[0], r->af, &r->src, out, &n);
		if (r->fields & FR_HAS_DSTADDR)
			plist_lookup(x, &x->v6[1], r->af, &r->dst, out, &n);
	}
	if ((pre->hh[0] | pre->hh[1]) != 0)
		combine(x, r, pre, out, &n, co, nco);
	if (x->exporter.n > 0)
		plist_lookup(x, &x->exporter, r->exp_af, &r->exporter, out,
		    &n);
	return n;
}

unsigned
trkindex_lookup(struct trkindex *x, const struct flowrec *r, uint32_t *out,
    uint32_t *co, unsigned *nco)
{
	struct trkindex_pre pre;

	trkindex_prepare(x, r, &pre);
	return trkindex_lookup_pre(x, r, &pre, out, co, nco);
}

uint32_t
trkindex_combos(const struct trkindex *x)
{
	return x->ncombos;
}

unsigned
trkindex_combo_ids(const struct trkindex *x, uint32_t c, const uint32_t **ids)
{
	if (c >= x->ncombos) {
		*ids = NULL;
		return 0;
	}
	*ids = x->combos[c].ids;
	return x->combos[c].nex;
}

void
trkindex_forget(struct trkindex *x)
{
	for (uint32_t i = 0; i < x->ncombos; i++)
		free(x->combos[i].ids);
	x->ncombos = 0;
	if (x->memo != NULL)
		memset(x->memo, 0, x->mslots * sizeof(*x->memo));
}

void
trkindex_get_stats(const struct trkindex *x, struct trkindex_stats *out)
{
	*out = x->st;
	out->combos = x->ncombos;
}
