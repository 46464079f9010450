/*
 * tracker.c - live trackings: per-step counters (see tracker.h).
 *
 * All trackings share one window of open buckets, numbered by
 * floor(ms / step): [open, open + W).  Buckets older than open are final;
 * bucket open becomes final when the clock reaches the end of bucket
 * open + lateness.  Each tracking keeps W slots of octets, packets and
 * flows, indexed by bucket number modulo W.
 *
 * Counting a flow touches as little memory per tracking as possible: one
 * slot's three counters share a 32-byte cell, the slots of all trackings
 * lie in one array (tracking i's at i * W), a byte per tracking says
 * whether its multiplier is 1, and the number of flows a tracking matched
 * is not counted per flow but added up from its flow counters when their
 * bucket is final.  The struct trk itself is read only for filters,
 * multipliers other than 1 and flows partly outside the window.
 *
 * A flow is tested only against the candidates the tracking index
 * (trkindex.h) gives for it, unless tracker_use_index() turned it off.
 * The trackings the index knows a flow passes come in combinations: the
 * flow is added once to its combination's slots (acc, bucket by bucket),
 * and settle() adds those sums, times each tracking's multiplier, to
 * every tracking of the combination before a bucket is final, before
 * statistics are read and before a reload takes them over.
 * Sums grouped so differ from adding flow by flow in the last bits of a
 * double only (share fractions, multipliers); whole numbers of octets and
 * packets stay exact.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "tracker.h"
#include "trkindex.h"

#define TRK_SKEW	8	/* buckets of clock skew allowed ahead */
#define TRK_WMAX	(100 + 1 + TRK_SKEW)	/* slots at most */
#define TRK_BATCH	16	/* flows looked up together (tracker_put) */
#define TRK_ACC_MAX	(16u << 20)	/* bytes of combination sums, at most */

struct tslot {
	double		oct, pkt, flw, pad;
};

struct trk {
	const struct filter	*f;
	/* what the index path still tests (filter_residual), or NULL: f */
	struct filter		*rf;
	double			 mult;
	/* matched: only flows not counted in a slot's flw, and flw of
	 * final buckets; tracker_get_stats adds the open ones */
	struct tracker_stats	 st;
};

/* A combination's sums of one bucket.  The sums are laid out bucket by
 * bucket, so that what a step's flows add to is one dense stretch, not a
 * line per combination: the daemon's cache holds it. */
struct acell {
	double		oct, pkt, flw;
};

/* What a combination saw outside its slots, for its trackings. */
struct cstat {
	uint64_t	 outside;	/* flows starting outside the window */
	uint64_t	 late_flows;
	double		 late_octets;	/* multiplier 1 */
};

struct tracker {
	uint64_t	 step_ms;
	unsigned	 lateness;
	unsigned	 w;		/* slots: lateness + 1 + TRK_SKEW */
	uint64_t	 open;		/* oldest bucket not final */
	int		 started;
	struct trk	*trk;
	struct tslot	*slots;		/* n * w */
	uint8_t		*unit;		/* per tracking: multiplier 1 */
	unsigned	 n, cap;
	struct trkindex	*ix;
	uint32_t	*cand;		/* cap candidates of one flow */
	uint32_t	*bcand;		/* cap * TRK_BATCH: of a batch */
	/* per tracking: what an index candidate still runs (its residual
	 * or its filter, NULL: nothing), apart from struct trk: read for
	 * every candidate */
	const struct filter **test;
	/* or, when it is an "and" of simple tests, those (filter_conj):
	 * no test and conj n 0: nothing to run */
	struct filter_conj *conj;
	/* per tracking: the one IPv4 exporter its filter pins (0: none);
	 * a flow from another exporter cannot pass, its filter is not run */
	uint32_t	*rexp;
	int		 noindex;
	/* per combination of the index: w slots, counters; whether any
	 * holds sums not yet settled */
	struct acell	*acc;		/* slot-major: acc[slot * cacc + c] */
	struct cstat	*cst;
	uint32_t	 cacc;
	int		 pending;	/* sums not settled */
};

struct tracker *
tracker_new(unsigned step, unsigned lateness)
{
	struct tracker *t;

	if (step < 60 || step > 3600 || lateness < 1 || lateness > 100)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->ix = trkindex_new()) == NULL) {
		free(t);
		return NULL;
	}
	t->step_ms = (uint64_t)step * 1000;
	t->lateness = lateness;
	t->w = lateness + 1 + TRK_SKEW;
	return t;
}

void
tracker_free(struct tracker *t)
{
	if (t == NULL)
		return;
	for (unsigned i = 0; i < t->n; i++)
		filter_free(t->trk[i].rf);
	free(t->slots);
	free(t->unit);
	free(t->trk);
	free(t->cand);
	free(t->bcand);
	free(t->test);
	free(t->conj);
	free(t->rexp);
	free(t->acc);
	free(t->cst);
	trkindex_free(t->ix);
	free(t);
}

/* The one IPv4 exporter address every flow passing f comes from, or 0
 * (filter_pins: a necessary condition). */
static uint32_t
pinned_exporter(const struct filter *f)
{
	struct filter_pins ps;
	const struct filter_pin *p;
	uint32_t a = 0;

	if (f == NULL || filter_pins(f, &ps) == -1)
		return 0;
	p = &ps.k[FILTER_PIN_EXPORTER];
	if (p->pinned && p->n == 1 && p->pfx[0].af == FR_AF_INET &&
	    p->pfx[0].len == 32)
		a = p->pfx[0].a.v4;
	filter_pins_free(&ps);
	return a;
}

int
tracker_add(struct tracker *t, const struct filter *f, double mult,
    uint64_t now_ms)
{
	struct trk *k;
	int kind;

	if (t->n == t->cap) {
		unsigned cap = t->cap ? t->cap * 2 : 16;
		struct trk *nt = realloc(t->trk, cap * sizeof(*nt));
		uint32_t *nc;
		const struct filter **nf;
		struct filter_conj *ncj;
		uint8_t *nu;
		struct tslot *ns;
		size_t sz = (size_t)cap * t->w * sizeof(*ns);

		if (nt == NULL)
			return -1;
		t->trk = nt;
		if ((nc = realloc(t->cand, cap * sizeof(*nc))) == NULL)
			return -1;
		t->cand = nc;
		if ((nc = reallocarray(t->bcand, cap, TRK_BATCH *
		    sizeof(*nc))) == NULL)
			return -1;
		t->bcand = nc;
		if ((nf = reallocarray(t->test, cap, sizeof(*nf))) == NULL)
			return -1;
		t->test = nf;
		if ((ncj = reallocarray(t->conj, cap, sizeof(*ncj))) == NULL)
			return -1;
		t->conj = ncj;
		if ((nc = reallocarray(t->rexp, cap, sizeof(*nc))) == NULL)
			return -1;
		t->rexp = nc;
		if ((nu = realloc(t->unit, cap)) == NULL)
			return -1;
		t->unit = nu;
		/* aligned_alloc wants a multiple of the alignment: sz is */
		if ((ns = aligned_alloc(sizeof(*ns), sz)) == NULL)
			return -1;
		memset(ns, 0, sz);
		if (t->n > 0)
			memcpy(ns, t->slots,
			    (size_t)t->n * t->w * sizeof(*ns));
		free(t->slots);
		t->slots = ns;
		t->cap = cap;
	}
	k = &t->trk[t->n];
	memset(k, 0, sizeof(*k));
	if ((kind = trkindex_add(t->ix, f)) == -1)
		return -1;
	k->f = f;
	/* an index candidate meets the pin: test only the rest */
	if (f != NULL && kind >= 0)
		k->rf = filter_residual(f, kind);
	k->mult = mult > 0 ? mult : 1;
	t->unit[t->n] = k->mult == 1;
	t->test[t->n] = k->rf != NULL ? k->rf : k->f;
	t->conj[t->n].n = 0;
	t->rexp[t->n] = pinned_exporter(f);
	if (t->test[t->n] != NULL &&
	    filter_conj(t->test[t->n], &t->conj[t->n]) == 0)
		t->test[t->n] = NULL;	/* conj[] holds it */
	if (!t->started) {
		uint64_t b = now_ms / t->step_ms;

		t->open = b > t->lateness ? b - t->lateness : 0;
		t->started = 1;
	}
	return (int)t->n++;
}

unsigned
tracker_count(const struct tracker *t)
{
	return t->n;
}

/* Length of [a0, a1) inside [b0, b1). */
static uint64_t
overlap(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	uint64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;

	return hi > lo ? hi - lo : 0;
}

/* Where one flow's volume goes: computed once per flow, added to every
 * tracking it passes. */
struct spread {
	int		 fslot;		/* the flow's own bucket, -1: none */
	unsigned	 n;		/* buckets of its volume */
	unsigned	 slot[TRK_WMAX];
	double		 sh[TRK_WMAX];	/* share of the volume in each */
	double		 late;		/* share outside the window */
	/* the flow's octets and packets in each bucket (multiplier 1) */
	double		 oct[TRK_WMAX], pkt[TRK_WMAX];
};

static void
spread_cut(const struct tracker *t, const struct flowrec *r,
    struct spread *sp)
{
	uint64_t first = r->first_ms, last = r->last_ms, dur, b, bf, bl;
	uint64_t wlo = t->open * t->step_ms;
	uint64_t whi = (t->open + t->w) * t->step_ms;

	if (last < first)
		last = first;
	bf = first / t->step_ms;
	sp->fslot = bf >= t->open && bf < t->open + t->w ?
	    (int)(bf % t->w) : -1;
	sp->n = 0;
	sp->late = 0;
	dur = last - first;
	if (dur == 0) {
		bl = last / t->step_ms;
		if (bl >= t->open && bl < t->open + t->w) {
			sp->slot[0] = (unsigned)(bl % t->w);
			sp->sh[0] = 1;
			sp->n = 1;
		} else
			sp->late = 1;
		return;
	}
	/* shares outside the window are late */
	/* the usual case: all of it in one bucket of the window */
	if (first >= wlo && last <= whi && bf * t->step_ms + t->step_ms >=
	    last) {
		sp->slot[0] = sp->fslot;
		sp->sh[0] = 1;
		sp->n = 1;
		return;
	}
	sp->late = (double)(overlap(first, last, 0, wlo) +
	    overlap(first, last, whi, UINT64_MAX)) / (double)dur;
	bf = first < wlo ? t->open : first / t->step_ms;
	bl = last >= whi ? t->open + t->w - 1 : (last - 1) / t->step_ms;
	for (b = bf; b <= bl; b++) {
		sp->slot[sp->n] = (unsigned)(b % t->w);
		sp->sh[sp->n++] = (double)overlap(first, last,
		    b * t->step_ms, (b + 1) * t->step_ms) / (double)dur;
	}
}

static void
spread_of(const struct tracker *t, const struct flowrec *r,
    struct spread *sp)
{
	double oct = (double)r->octets, pkt = (double)r->packets;

	spread_cut(t, r, sp);
	for (unsigned i = 0; i < sp->n; i++) {
		sp->oct[i] = oct * sp->sh[i];
		sp->pkt[i] = pkt * sp->sh[i];
	}
}

static void
count(struct tracker *t, unsigned c, const struct spread *sp,
    const struct flowrec *r)
{
	struct tslot *s = t->slots + (size_t)c * t->w;
	struct trk *k;

	if (sp->fslot >= 0)
		s[sp->fslot].flw += 1;
	else
		t->trk[c].st.matched++;
	if (t->unit[c]) {
		/* the usual case: the shares computed once for the flow, and
		 * most often all in one bucket */
		if (sp->n == 1) {
			s[sp->slot[0]].oct += sp->oct[0];
			s[sp->slot[0]].pkt += sp->pkt[0];
		} else for (unsigned i = 0; i < sp->n; i++) {
			s[sp->slot[i]].oct += sp->oct[i];
			s[sp->slot[i]].pkt += sp->pkt[i];
		}
	} else {
		double oct, pkt;

		k = &t->trk[c];
		oct = (double)r->octets * k->mult;
		pkt = (double)r->packets * k->mult;

		for (unsigned i = 0; i < sp->n; i++) {
			s[sp->slot[i]].oct += oct * sp->sh[i];
			s[sp->slot[i]].pkt += pkt * sp->sh[i];
		}
	}
	if (sp->late > 0) {
		k = &t->trk[c];
		k->st.late_flows++;
		k->st.late_octets += (double)r->octets * k->mult * sp->late;
	}
}

/* Room for the sums of every combination the index made; 0 or -1. */
static int
acc_room(struct tracker *t)
{
	uint32_t need = trkindex_combos(t->ix), cap;
	struct acell *na;
	struct cstat *nc;

	if (need <= t->cacc)
		return 0;
	for (cap = t->cacc ? t->cacc : 64; cap < need; cap *= 2)
		;
	/* past that (a long lateness), the trackings one by one */
	if ((size_t)cap * t->w * sizeof(struct acell) > TRK_ACC_MAX)
		return -1;
	if ((na = calloc((size_t)cap * t->w, sizeof(*na))) == NULL)
		return -1;
	for (unsigned j = 0; j < t->w && t->cacc > 0; j++)
		memcpy(na + (size_t)j * cap, t->acc + (size_t)j * t->cacc,
		    t->cacc * sizeof(*na));
	free(t->acc);
	t->acc = na;
	if ((nc = reallocarray(t->cst, cap, sizeof(*nc))) == NULL)
		return -1;
	memset(nc + t->cacc, 0, (cap - t->cacc) * sizeof(*nc));
	t->cst = nc;
	t->cacc = cap;
	return 0;
}

/* Add r, spread as sp, to combination c's sums. */
static inline void
count_combo(struct tracker *t, uint32_t c, const struct spread *sp,
    const struct flowrec *r)
{
	struct acell *s = t->acc + c;
	size_t st = t->cacc;

	t->pending = 1;
	if (sp->fslot >= 0)
		s[sp->fslot * st].flw += 1;
	else
		t->cst[c].outside++;
	for (unsigned i = 0; i < sp->n; i++) {
		s[sp->slot[i] * st].oct += sp->oct[i];
		s[sp->slot[i] * st].pkt += sp->pkt[i];
	}
	if (sp->late > 0) {
		t->cst[c].late_flows++;
		t->cst[c].late_octets += (double)r->octets * sp->late;
	}
}

/* Hand every combination's sums to its trackings and clear them. */
static void
settle(struct tracker *t)
{
	uint32_t nc = trkindex_combos(t->ix);

	if (!t->pending)
		goto done;
	/* every combination: flagging the ones used would cost each flow
	 * more than this costs each step */
	for (uint32_t c = 0; c < nc && c < t->cacc; c++) {
		struct acell *a = t->acc + c;
		size_t st = t->cacc;
		struct cstat *cs = &t->cst[c];
		const uint32_t *ids;
		unsigned n, any = cs->outside > 0 || cs->late_flows > 0;

		for (unsigned j = 0; j < t->w && !any; j++)
			any = a[j * st].flw != 0 || a[j * st].oct != 0 ||
			    a[j * st].pkt != 0;
		if (!any)
			continue;
		n = trkindex_combo_ids(t->ix, c, &ids);
		for (unsigned i = 0; i < n; i++) {
			struct trk *k = &t->trk[ids[i]];
			struct tslot *s = t->slots + (size_t)ids[i] * t->w;
			double m = k->mult;

			for (unsigned j = 0; j < t->w; j++) {
				const struct acell *aj = &a[j * st];

				if (aj->flw == 0 && aj->oct == 0 &&
				    aj->pkt == 0)
					continue;
				s[j].flw += aj->flw;
				if (t->unit[ids[i]]) {
					s[j].oct += aj->oct;
					s[j].pkt += aj->pkt;
				} else {
					s[j].oct += aj->oct * m;
					s[j].pkt += aj->pkt * m;
				}
			}
			k->st.matched += cs->outside;
			k->st.late_flows += cs->late_flows;
			k->st.late_octets += cs->late_octets * m;
		}
		for (unsigned j = 0; j < t->w; j++)
			memset(&a[j * st], 0, sizeof(*a));
		memset(cs, 0, sizeof(*cs));
	}
	t->pending = 0;
done:
	/* no sums held: the index may make room for today's flows */
	if (trkindex_combos(t->ix) >= TRKINDEX_COMBOS / 4)
		trkindex_forget(t->ix);
}

void
tracker_use_index(struct tracker *t, int on)
{
	t->noindex = !on;
}

/* Every tracking tested with its filter (tracker_use_index(t, 0)). */
static void
put_linear(struct tracker *t, const struct flowrec *r)
{
	struct spread sp;
	int have = 0;

	for (unsigned j = 0; j < t->n; j++) {
		if (t->trk[j].f != NULL && !filter_match(t->trk[j].f, r))
			continue;
		if (!have++)
			spread_of(t, r, &sp);
		count(t, j, &sp, r);
	}
}

/* Does r pass what index candidate k still tests? */
static inline int
cand_passes(const struct tracker *t, uint32_t k, const struct flowrec *r)
{
	if (t->rexp[k] != 0 && (r->exp_af != FR_AF_INET ||
	    r->exporter.v4 != t->rexp[k]))
		return 0;
	if (t->test[k] != NULL)
		return filter_match(t->test[k], r);
	return t->conj[k].n == 0 || filter_conj_match(&t->conj[k], r);
}

/* Ask for the sums of combination c that r adds to first. */
static inline void
prefetch_sums(const struct tracker *t, const struct flowrec *r, uint32_t c)
{
	if (c < t->cacc)
		__builtin_prefetch(t->acc + (size_t)(r->first_ms / t->step_ms %
		    t->w) * t->cacc + c, 1);
}

/* Count r, spread as sp, into its combinations co and the trackings of
 * its candidates that passed, cand[0 .. m). */
static void
put_one(struct tracker *t, const struct flowrec *r, const uint32_t *co,
    unsigned nco, const uint32_t *cand, unsigned m)
{
	struct spread sp;
	unsigned j;

	spread_of(t, r, &sp);
	if (nco > 0) {
		if (acc_room(t) == 0)
			for (j = 0; j < nco; j++)
				count_combo(t, co[j], &sp, r);
		else for (j = 0; j < nco; j++) {
			/* no memory for sums: tracking by tracking */
			const uint32_t *ids;
			unsigned ni = trkindex_combo_ids(t->ix, co[j], &ids);

			for (unsigned q = 0; q < ni; q++)
				count(t, ids[q], &sp, r);
		}
	}
	if (m == 0)
		return;
	if (sp.n == 1 && sp.late == 0 && sp.fslot == (int)sp.slot[0]) {
		/* all in the flow's own bucket: for multiplier 1, three
		 * additions in one cell */
		struct tslot *base = t->slots + sp.slot[0];
		const uint8_t *unit = t->unit;
		double o = sp.oct[0], p = sp.pkt[0];
		size_t w = t->w;

		for (j = 0; j < m; j++) {
			uint32_t k = cand[j];

			if (unit[k]) {
				struct tslot *sl = base + k * w;

				sl->oct += o;
				sl->pkt += p;
				sl->flw += 1;
			} else
				count(t, k, &sp, r);
		}
	} else {
		for (j = 0; j < m; j++)
			count(t, cand[j], &sp, r);
	}
}

/*
 * A batch of flows in three passes, each over the whole batch, so that
 * the memory one pass reads is asked for by the one before: their cells
 * (and memo slots), their combinations and candidates (and sums), the
 * counting.
 */
void
tracker_put(struct tracker *t, const struct flowrec *recs, unsigned n)
{
	struct trkindex_pre pre[TRK_BATCH];
	struct {
		uint32_t	 co[TRKINDEX_TABLES];
		unsigned	 nco, m, first;
	} fb[TRK_BATCH];

	if (t->noindex) {
		for (unsigned i = 0; i < n; i++)
			put_linear(t, &recs[i]);
		return;
	}
	for (unsigned i0 = 0; i0 < n; i0 += TRK_BATCH) {
		const struct flowrec *r = recs + i0;
		unsigned nb = n - i0 < TRK_BATCH ? n - i0 : TRK_BATCH;
		unsigned used = 0, j, q;

		for (j = 0; j < nb; j++)
			trkindex_prepare(t->ix, &r[j], &pre[j]);
		for (j = 0; j < nb; j++) {
			unsigned nc = trkindex_lookup_pre(t->ix, &r[j],
			    &pre[j], t->cand, fb[j].co, &fb[j].nco);

			/* the candidates that pass */
			fb[j].first = used;
			for (q = 0; q < nc; q++) {
				uint32_t c = t->cand[q], k = c &
				    ~TRKINDEX_EXACT;

				if ((c & TRKINDEX_EXACT) || cand_passes(t, k,
				    &r[j]))
					t->bcand[used++] = k;
			}
			fb[j].m = used - fb[j].first;
			for (q = 0; q < fb[j].nco; q++)
				prefetch_sums(t, &r[j], fb[j].co[q]);
		}
		for (j = 0; j < nb; j++)
			if (fb[j].m > 0 || fb[j].nco > 0)
				put_one(t, &r[j], fb[j].co, fb[j].nco,
				    t->bcand + fb[j].first, fb[j].m);
	}
}

unsigned
tracker_advance(struct tracker *t, uint64_t now_ms, tracker_cb cb,
    void *arg)
{
	uint64_t now_b = now_ms / t->step_ms;
	double secs = (double)t->step_ms / 1000.0;
	unsigned out = 0;

	if (!t->started)
		return 0;
	/* After a clock jump, skip what can no longer hold anything. */
	if (now_b > t->open + t->lateness + t->w)
		t->open = now_b - t->lateness - t->w;
	/* The combinations' sums go to their trackings before a bucket is
	 * final; and when the index is short of room for combinations (a
	 * burst of new ones) so that it may forget them (once a second, the
	 * daemon's tick), rather than counting tracking by tracking until
	 * the step closes. */
	if (t->open + t->lateness < now_b ||
	    trkindex_combos(t->ix) >= TRKINDEX_COMBOS / 4 * 3)
		settle(t);
	while (t->open + t->lateness < now_b) {
		unsigned s = (unsigned)(t->open % t->w);

		for (unsigned j = 0; j < t->n; j++) {
			struct trk *k = &t->trk[j];
			struct tslot *sl = &t->slots[(size_t)j * t->w + s];
			struct rrd_sample smp;

			smp.t = (time_t)((t->open + 1) * t->step_ms / 1000);
			smp.bits = sl->oct * 8 / secs;
			smp.packets = sl->pkt / secs;
			smp.flows = sl->flw / secs;
			k->st.matched += (uint64_t)sl->flw;
			sl->oct = sl->pkt = sl->flw = 0;
			k->st.buckets++;
			if (cb != NULL)
				cb(arg, (int)j, &smp);
			out++;
		}
		t->open++;
	}
	return out;
}

void
tracker_take_window(struct tracker *dst, const struct tracker *src)
{
	if (!src->started || dst->step_ms != src->step_ms ||
	    dst->w != src->w)
		return;
	dst->open = src->open;
	dst->started = 1;
}

void
tracker_adopt(struct tracker *dst, int di, struct tracker *src, int si)
{
	struct trk *d, *s;

	if (di < 0 || si < 0 || (unsigned)di >= dst->n ||
	    (unsigned)si >= src->n || dst->open != src->open ||
	    dst->w != src->w)
		return;
	settle(src);
	d = &dst->trk[di];
	s = &src->trk[si];
	memcpy(&dst->slots[(size_t)di * dst->w],
	    &src->slots[(size_t)si * src->w],
	    (size_t)dst->w * sizeof(struct tslot));
	d->st = s->st;
}

void
tracker_get_stats(struct tracker *t, int tracking, struct tracker_stats *out)
{
	if (tracking < 0 || (unsigned)tracking >= t->n) {
		memset(out, 0, sizeof(*out));
		return;
	}
	settle(t);
	*out = t->trk[tracking].st;
	for (unsigned i = 0; i < t->w; i++)
		out->matched += (uint64_t)t->slots[(size_t)tracking * t->w +
		    i].flw;
}

void
tracker_get_index(const struct tracker *t, struct trkindex_stats *out)
{
	trkindex_get_stats(t->ix, out);
}
