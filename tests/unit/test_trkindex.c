/*
 * test_trkindex.c - the tracking index leaves out only trackings that
 * cannot match: random tracking sets and random flows, every tracking
 * whose filter passes a flow is among its candidates (once), and a
 * tracker counts exactly the same with and without the index.  Also:
 * which field each kind of filter is filed under, and that the index
 * really narrows the candidates.
 */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "src/filter.h"
#include "src/tracker.h"
#include "src/trkindex.h"

#define NTRK	300
#define NFLOW	1500
#define SMS	300000ull
#define T0	(5880000ull * SMS)

static uint64_t rng_state;

static uint32_t
rnd(uint32_t n)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33) % n;
}

/* Addresses near a few bases, so that prefixes and flows meet. */
static void
v4_text(char *b, size_t len)
{
	static const int lens[] = { 8, 12, 15, 16, 20, 23, 24, 25, 28, 31, 32,
	    32, 32 };
	int l = lens[rnd(13)];

	snprintf(b, len, "10.%u.%u.%u/%d", rnd(3), rnd(3), rnd(6), l);
}

static void
v6_text(char *b, size_t len)
{
	static const int lens[] = { 16, 32, 48, 63, 64, 127, 128 };

	snprintf(b, len, "2001:db8:%x::%x/%d", rnd(3), rnd(5), lens[rnd(7)]);
}

static void
addr_text(char *b, size_t len)
{
	if (rnd(5) == 0)
		v6_text(b, len);
	else
		v4_text(b, len);
}

static const char *const sides[] = { "src ", "dst ", "" };
static const char *const ports[] = { "22", "53", "80", "443", "8000-8003",
    "1000-1002" };

/* One random term. */
static void
term(char *b, size_t len)
{
	char a[64], c[64];

	switch (rnd(12)) {
	case 0:
	case 1:
		addr_text(a, sizeof(a));
		snprintf(b, len, "%snet %s", sides[rnd(3)], a);
		break;
	case 2:
		addr_text(a, sizeof(a));
		addr_text(c, sizeof(c));
		snprintf(b, len, "%sip in [%s, %s%s]", sides[rnd(3)], a,
		    rnd(2) ? "-" : "", c);
		break;
	case 3:
		snprintf(b, len, "%sport %s", sides[rnd(3)], ports[rnd(6)]);
		break;
	case 4:
		snprintf(b, len, "%sport in [%s, %s, -%s]", sides[rnd(3)],
		    ports[rnd(6)], ports[rnd(6)], ports[rnd(3)]);
		break;
	case 5:
		snprintf(b, len, "port %s %u", rnd(2) ? "<" : ">=",
		    rnd(2) ? 3 : 65530 + rnd(6));
		break;
	case 6:
		snprintf(b, len, "%s if %u", rnd(2) ? "in" : "out", rnd(6));
		break;
	case 7:
		snprintf(b, len, "if in [%u, %u]", rnd(6), rnd(6));
		break;
	case 8:
		snprintf(b, len, "proto %s", rnd(2) ? "tcp" : "in [udp, 47]");
		break;
	case 9:
		snprintf(b, len, "exporter %s", rnd(2) ? "127.0.0.1" :
		    rnd(2) ? "127.0.0.0/30" : "::1");
		break;
	case 10:
		snprintf(b, len, "%s", rnd(2) ? "bytes > 1000" : "inet6");
		break;
	default:
		snprintf(b, len, "%s", rnd(2) ? "port != 80" : "as 65001");
		break;
	}
}

/* A random expression of terms joined by and/or/not, depth <= d. */
static void
expr(char *b, size_t len, int d)
{
	char x[512], y[512];

	if (d == 0 || rnd(3) == 0) {
		term(b, len);
		return;
	}
	expr(x, sizeof(x), d - 1);
	expr(y, sizeof(y), d - 1);
	switch (rnd(5)) {
	case 0:
		snprintf(b, len, "not (%s)", x);
		break;
	case 1:
	case 2:
		snprintf(b, len, "(%s) or (%s)", x, y);
		break;
	default:
		snprintf(b, len, "(%s) and (%s)", x, y);
		break;
	}
}

static void
rand_addr(uint8_t af, fr_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (af == FR_AF_INET) {
		a->v4 = 0x0a000000u | rnd(3) << 16 | rnd(3) << 8 | rnd(8);
		if (rnd(8) == 0)
			a->v4 = rnd(UINT32_MAX);
		return;
	}
	a->v6[0] = 0x20;
	a->v6[1] = 0x01;
	a->v6[2] = 0x0d;
	a->v6[3] = 0xb8;
	a->v6[5] = (uint8_t)rnd(3);
	a->v6[15] = (uint8_t)rnd(6);
	if (rnd(6) == 0)
		a->v6[9] = 1;
}

static struct flowrec
rand_flow(void)
{
	static const uint16_t pp[] = { 22, 53, 80, 443, 8001, 1001, 2, 65533,
	    40000 };
	static const uint8_t pr[] = { 6, 17, 1, 47 };
	struct flowrec r;

	memset(&r, 0, sizeof(r));
	r.af = rnd(5) == 0 ? FR_AF_INET6 : FR_AF_INET;
	r.fields = FR_HAS_PACKETS | FR_HAS_OCTETS | FR_HAS_PORTS |
	    FR_HAS_PROTO | FR_HAS_IFINDEX | FR_HAS_SRCADDR | FR_HAS_DSTADDR |
	    FR_HAS_TIMES;
	if (rnd(10) == 0)
		r.fields &= ~(FR_HAS_PORTS | FR_HAS_IFINDEX | FR_HAS_SRCADDR);
	rand_addr(r.af, &r.src);
	rand_addr(r.af, &r.dst);
	r.exp_af = rnd(6) == 0 ? FR_AF_INET6 : FR_AF_INET;
	if (r.exp_af == FR_AF_INET)
		r.exporter.v4 = 0x7f000000u + rnd(5);
	else
		r.exporter.v6[15] = (uint8_t)rnd(2);
	r.sport = pp[rnd(9)];
	r.dport = pp[rnd(9)];
	r.proto = pr[rnd(4)];
	r.in_if = rnd(7);
	r.out_if = rnd(7);
	r.octets = 40 + rnd(3000);
	r.packets = 1 + rnd(20);
	r.first_ms = T0 + rnd(3 * SMS);
	r.last_ms = r.first_ms + rnd(2 * SMS);
	return r;
}

static struct filter **
rand_set(unsigned n, struct trkindex *x)
{
	struct filter **f = calloc(n, sizeof(*f));
	char b[4096], err[256];

	assert_non_null(f);
	for (unsigned i = 0; i < n; i++) {
		expr(b, sizeof(b), 3);
		f[i] = filter_compile(b, NULL, err, sizeof(err));
		if (f[i] == NULL)
			fail_msg("%s: %s", b, err);
		if (x != NULL)
			assert_true(trkindex_add(x, f[i]) != -1);
	}
	return f;
}

static void
free_set(struct filter **f, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		filter_free(f[i]);
	free(f);
}

/* Every passing tracking is a candidate, and each candidate is listed
 * once. */
static void
test_candidates(void **state)
{
	uint32_t cand[NTRK], co[TRKINDEX_TABLES];
	unsigned matched = 0, tested = 0, exact = 0, combos = 0;

	(void)state;
	for (uint64_t seed = 1; seed <= 8; seed++) {
		struct trkindex *x = trkindex_new();
		struct filter **f;

		rng_state = seed;
		assert_non_null(x);
		f = rand_set(NTRK, x);
		for (unsigned i = 0; i < NFLOW; i++) {
			struct flowrec r = rand_flow();
			unsigned nco, n = trkindex_lookup(x, &r, cand, co,
			    &nco);
			uint8_t seen[NTRK] = { 0 };

			/* the trackings of each combination pass for sure */
			assert_true(nco <= TRKINDEX_TABLES);
			for (unsigned j = 0; j < nco; j++) {
				const uint32_t *ids;
				unsigned ni = trkindex_combo_ids(x, co[j],
				    &ids);

				assert_true(ni > 0);
				for (unsigned q = 0; q < ni; q++) {
					assert_true(ids[q] < NTRK);
					assert_int_equal(seen[ids[q]]++, 0);
					if (!filter_match(f[ids[q]], &r))
						fail_msg("seed %u flow %u: "
						    "tracking %u (%s) in a "
						    "combination but fails",
						    (unsigned)seed, i, ids[q],
						    filter_text(f[ids[q]]));
				}
				exact += ni;
				combos++;
			}

			for (unsigned j = 0; j < n; j++) {
				uint32_t k = cand[j] & ~TRKINDEX_EXACT;

				assert_true(k < NTRK);
				assert_int_equal(seen[k]++, 0);
				if ((cand[j] & TRKINDEX_EXACT) &&
				    !filter_match(f[k], &r))
					fail_msg("seed %u flow %u: tracking "
					    "%u (%s) marked exact but fails",
					    (unsigned)seed, i, k,
					    filter_text(f[k]));
				exact += (cand[j] & TRKINDEX_EXACT) != 0;
			}
			for (unsigned j = 0; j < NTRK; j++)
				if (filter_match(f[j], &r)) {
					if (!seen[j])
						fail_msg("seed %u flow %u: "
						    "tracking %u (%s) passes "
						    "but is no candidate",
						    (unsigned)seed, i, j,
						    filter_text(f[j]));
					matched++;
				}
			tested += n;
		}
		free_set(f, NTRK);
		trkindex_free(x);
	}
	/* the sets must exercise matching, and the index must narrow */
	assert_true(matched > 8 * NFLOW);
	print_message("%u of %u trackings tested per flow, %u passed\n",
	    tested / (8 * NFLOW), NTRK, matched / (8 * NFLOW));
	assert_true(tested < 8u * NFLOW * NTRK / 4 * 3);
	assert_true(exact > 8 * NFLOW);
	assert_true(combos > 8 * NFLOW / 2);
}

struct samples {
	struct rrd_sample s[NTRK * 16];
	int trk[NTRK * 16];
	unsigned n;
};

static void
collect(void *arg, int tracking, const struct rrd_sample *s)
{
	struct samples *g = arg;

	assert_true(g->n < NTRK * 16);
	g->trk[g->n] = tracking;
	g->s[g->n++] = *s;
}

/* Equal but for the rounding of sums added in another order (the index
 * adds a flow once per combination, the sum to the trackings later). */
static int
near(double a, double b)
{
	double m = fabs(a) > fabs(b) ? fabs(a) : fabs(b);

	return fabs(a - b) <= 1e-9 * (m > 1 ? m : 1);
}

/* The same flows into a tracker with and one without the index: the
 * same samples but for rounding. */
static void
test_same_counts(void **state)
{
	static struct samples a, b;
	struct flowrec fl[NFLOW];

	(void)state;
	for (uint64_t seed = 11; seed <= 13; seed++) {
		struct tracker *ta = tracker_new(300, 2), *tb =
		    tracker_new(300, 2);
		struct filter **f;
		struct tracker_stats sa, sb;
		unsigned nonzero = 0;

		rng_state = seed;
		f = rand_set(NTRK, NULL);
		for (unsigned i = 0; i < NTRK; i++) {
			assert_int_equal(tracker_add(ta, f[i], 1, T0), i);
			assert_int_equal(tracker_add(tb, f[i], 1, T0), i);
		}
		tracker_use_index(tb, 0);
		for (unsigned i = 0; i < NFLOW; i++)
			fl[i] = rand_flow();
		tracker_put(ta, fl, NFLOW);
		tracker_put(tb, fl, NFLOW);
		a.n = b.n = 0;
		tracker_advance(ta, T0 + 10 * SMS, collect, &a);
		tracker_advance(tb, T0 + 10 * SMS, collect, &b);
		assert_int_equal(a.n, b.n);
		assert_memory_equal(a.trk, b.trk, a.n * sizeof(a.trk[0]));
		for (unsigned i = 0; i < a.n; i++) {
			assert_int_equal(a.s[i].t, b.s[i].t);
			assert_true(near(a.s[i].bits, b.s[i].bits));
			assert_true(near(a.s[i].packets, b.s[i].packets));
			assert_true(a.s[i].flows == b.s[i].flows);
		}
		for (unsigned i = 0; i < NTRK; i++) {
			tracker_get_stats(ta, (int)i, &sa);
			tracker_get_stats(tb, (int)i, &sb);
			assert_int_equal(sa.matched, sb.matched);
			assert_int_equal(sa.late_flows, sb.late_flows);
			nonzero += sa.matched > 0;
		}
		assert_true(nonzero > NTRK / 3);
		tracker_free(ta);
		tracker_free(tb);
		free_set(f, NTRK);
	}
}

/* Where typical trackings are filed. */
static void
test_filed(void **state)
{
	static const struct {
		const char	*expr;
		int		 kind;
	} cases[] = {
		{ "dst ip 192.0.2.7", FILTER_PIN_ADDR },
		{ "net 10.20.0.0/16 and port 443", FILTER_PIN_ADDR },
		{ "net 2001:db8::/48", FILTER_PIN_ADDR },
		{ "dst port 443", FILTER_PIN_PORT },
		{ "in if 7", FILTER_PIN_IF },
		{ "exporter 192.0.2.1", FILTER_PIN_EXPORTER },
		{ "proto gre", FILTER_PIN_PROTO },
		{ "net 0/4", TRKINDEX_ALWAYS },		/* too wide */
		{ "port > 1023", TRKINDEX_ALWAYS },	/* too many keys */
		{ "bytes > 10", TRKINDEX_ALWAYS },
		{ "", TRKINDEX_ALWAYS },
	};
	struct trkindex *x = trkindex_new();
	struct trkindex_stats st;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct filter *f = filter_compile(cases[i].expr, NULL, err,
		    sizeof(err));

		assert_non_null(f);
		assert_int_equal(trkindex_add(x, f), cases[i].kind);
		filter_free(f);
	}
	assert_int_equal(trkindex_add(x, NULL), TRKINDEX_ALWAYS);
	trkindex_get_stats(x, &st);
	assert_int_equal(st.always, 5);
	assert_int_equal(st.by_kind[FILTER_PIN_ADDR], 3);
	trkindex_free(x);
}

/* 1,000 host trackings: a flow between two of them gets just those two
 * (plus what is always tested). */
static void
test_narrow(void **state)
{
	struct trkindex *x = trkindex_new();
	struct filter *f[1000];
	uint32_t cand[1000], co[TRKINDEX_TABLES];
	const uint32_t *ids;
	unsigned nco;
	struct flowrec r;
	char b[64], err[128];

	(void)state;
	for (unsigned i = 0; i < 1000; i++) {
		snprintf(b, sizeof(b), "%s 10.%u.%u.%u", i % 2 ? "host" :
		    "dst host", i / 500, i % 250, i % 7);
		f[i] = filter_compile(b, NULL, err, sizeof(err));
		assert_non_null(f[i]);
		assert_int_equal(trkindex_add(x, f[i]), FILTER_PIN_ADDR);
	}
	memset(&r, 0, sizeof(r));
	r.af = FR_AF_INET;
	r.src.v4 = 0x0a000101;		/* 10.0.1.1: tracking 1 */
	r.dst.v4 = 0x0a010003;		/* 10.1.0.3: tracking 500 */
	r.fields = FR_HAS_SRCADDR | FR_HAS_DSTADDR;
	/* both pass for sure: one combination of the two, nothing to test */
	assert_int_equal(trkindex_lookup(x, &r, cand, co, &nco), 0);
	assert_int_equal(nco, 1);
	assert_int_equal(trkindex_combo_ids(x, co[0], &ids), 2);
	assert_true((ids[0] == 1 && ids[1] == 500) ||
	    (ids[0] == 500 && ids[1] == 1));
	r.src.v4 = 0x0b000000;
	assert_int_equal(trkindex_lookup(x, &r, cand, co, &nco), 0);
	assert_int_equal(nco, 1);
	assert_int_equal(trkindex_combo_ids(x, co[0], &ids), 1);
	assert_int_equal(ids[0], 500);
	r.fields = FR_HAS_SRCADDR;	/* no destination address sent */
	assert_int_equal(trkindex_lookup(x, &r, cand, co, &nco), 0);
	assert_int_equal(nco, 0);
	/* a flow from host 10.0.1.1 to itself: tracking 1 once */
	r.src.v4 = r.dst.v4 = 0x0a000101;
	r.fields = FR_HAS_SRCADDR | FR_HAS_DSTADDR;
	assert_int_equal(trkindex_lookup(x, &r, cand, co, &nco), 0);
	assert_int_equal(nco, 1);
	assert_int_equal(trkindex_combo_ids(x, co[0], &ids), 1);
	assert_int_equal(ids[0], 1);
	assert_int_equal(trkindex_combos(x), 3);
	/* the same cells again: the same combination, none made */
	r.src.v4 = 0x0a000101;
	r.dst.v4 = 0x0a010003;
	assert_int_equal(trkindex_lookup(x, &r, cand, co, &nco), 0);
	assert_int_equal(co[0], 0);
	assert_int_equal(trkindex_combos(x), 3);
	trkindex_forget(x);
	assert_int_equal(trkindex_combos(x), 0);
	assert_int_equal(trkindex_lookup(x, &r, cand, co, &nco), 0);
	assert_int_equal(nco, 1);
	assert_int_equal(trkindex_combo_ids(x, co[0], &ids), 2);
	for (unsigned i = 0; i < 1000; i++)
		filter_free(f[i]);
	trkindex_free(x);
}

/* Per tracking: samples, and the sums of their rates. */
struct sums {
	unsigned	 n;
	double		 bits[1024], pkts[1024], flows[1024];
};

static void
sum_cb(void *arg, int tracking, const struct rrd_sample *s)
{
	struct sums *g = arg;

	assert_true(tracking >= 0 && tracking < 1024);
	g->n++;
	g->bits[tracking] += s->bits;
	g->pkts[tracking] += s->packets;
	g->flows[tracking] += s->flows;
}

/*
 * More combinations than the index keeps: 400 host trackings on both
 * sides and flows between random pairs of them.  When no room is left
 * the index hands out candidates one by one; a closed step lets it
 * forget the combinations.  With a lateness of 100 steps the sums of so
 * many combinations would take too much memory: the tracker counts the
 * rest tracking by tracking.  The counts are those of testing every
 * filter all along.
 */
static void
many_combinations(unsigned lateness)
{
	enum { NH = 400, NB = 4, PER = 30000 };
	struct tracker *ta = tracker_new(60, lateness),
	    *tb = tracker_new(60, lateness);
	static struct sums a, b;
	static struct flowrec fl[PER];
	struct filter *f[NH + 1];
	struct tracker_stats sa, sb;
	struct trkindex_stats st;
	uint64_t now = T0;
	char e[64], err[128];
	unsigned most = 0, full = 0;

	rng_state = 99;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	for (unsigned i = 0; i < NH; i++) {
		snprintf(e, sizeof(e), "host 10.1.%u.%u", i / 200, i % 200);
		f[i] = filter_compile(e, NULL, err, sizeof(err));
		assert_non_null(f[i]);
	}
	f[NH] = filter_compile("port 53", NULL, err, sizeof(err));
	for (unsigned i = 0; i <= NH; i++) {
		assert_int_equal(tracker_add(ta, f[i], i == 7 ? 3 : 1, now),
		    i);
		assert_int_equal(tracker_add(tb, f[i], i == 7 ? 3 : 1, now),
		    i);
	}
	tracker_use_index(tb, 0);
	for (unsigned k = 0; k < NB; k++) {
		for (unsigned i = 0; i < PER; i++) {
			struct flowrec *r = &fl[i];
			unsigned s = rnd(NH + 20), d = rnd(NH + 20);

			memset(r, 0, sizeof(*r));
			r->af = FR_AF_INET;
			r->src.v4 = 0x0a010000u | (s / 200) << 8 | s % 200;
			r->dst.v4 = 0x0a010000u | (d / 200) << 8 | d % 200;
			r->sport = (uint16_t)(i % 3 ? 53 : 1024 + rnd(999));
			r->dport = (uint16_t)(i % 5 ? 53 : 80);
			r->first_ms = now - rnd(90000);
			r->last_ms = r->first_ms + rnd(70000);
			r->packets = 1 + rnd(30);
			r->octets = r->packets * (40 + rnd(1400));
			r->fields = FR_HAS_PACKETS | FR_HAS_OCTETS |
			    FR_HAS_PORTS | FR_HAS_TIMES | FR_HAS_SRCADDR |
			    FR_HAS_DSTADDR;
		}
		tracker_put(ta, fl, PER);
		tracker_put(tb, fl, PER);
		tracker_get_index(ta, &st);
		full += st.combos == TRKINDEX_COMBOS;
		now += 60000;
		tracker_advance(ta, now, sum_cb, &a);
		tracker_advance(tb, now, sum_cb, &b);
	}
	tracker_advance(ta, now + (lateness + 5) * 60000ull, sum_cb, &a);
	tracker_advance(tb, now + (lateness + 5) * 60000ull, sum_cb, &b);
	assert_int_equal(a.n, b.n);
	assert_true(a.n >= (NH + 1) * (lateness + 5));
	for (unsigned i = 0; i <= NH; i++) {
		if (!near(a.bits[i], b.bits[i]) ||
		    !near(a.pkts[i], b.pkts[i]) || a.flows[i] != b.flows[i])
			fail_msg("lateness %u tracking %u: %.17g/%.17g bits, "
			    "%.17g/%.17g flows", lateness, i, a.bits[i],
			    b.bits[i], a.flows[i], b.flows[i]);
		tracker_get_stats(ta, (int)i, &sa);
		tracker_get_stats(tb, (int)i, &sb);
		assert_int_equal(sa.matched, sb.matched);
		assert_int_equal(sa.late_flows, sb.late_flows);
		assert_true(near(sa.late_octets, sb.late_octets));
		most = sa.matched > most ? sa.matched : most;
	}
	/* "port 53" passes flows with 53 on either side once */
	tracker_get_stats(tb, NH, &sb);
	assert_true(sb.matched > NB * PER * 2 / 3);
	assert_true(sb.matched < NB * PER);
	assert_true(most > 0);
	assert_true(full > 0);		/* the index did run out of room */
	tracker_free(ta);
	tracker_free(tb);
	for (unsigned i = 0; i <= NH; i++)
		filter_free(f[i]);
}

static void
test_many_combinations(void **state)
{
	(void)state;
	many_combinations(1);
	many_combinations(100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filed),
		cmocka_unit_test(test_narrow),
		cmocka_unit_test(test_candidates),
		cmocka_unit_test(test_same_counts),
		cmocka_unit_test(test_many_combinations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
