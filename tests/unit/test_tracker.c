/*
 * test_tracker.c - per-step counting: flows spread over their duration,
 * zero-length flows, flows counted where they start, final buckets as
 * rates in time order, late parts counted and kept out of the RRD,
 * sampling multipliers.
 */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "src/filter.h"
#include "src/tracker.h"

#define STEP	300
#define SMS	(STEP * 1000ull)
#define B0	(5880000ull)			/* a bucket number */
#define T(b, off)	((B0 + (b)) * SMS + (off))

struct got {
	struct rrd_sample s[64];
	int trk[64];
	unsigned n;
};

static void
collect(void *arg, int tracking, const struct rrd_sample *s)
{
	struct got *g = arg;

	assert_true(g->n < 64);
	g->trk[g->n] = tracking;
	g->s[g->n++] = *s;
}

static struct flowrec
flow(uint64_t first, uint64_t last, uint64_t octets, uint64_t packets)
{
	struct flowrec r;

	memset(&r, 0, sizeof(r));
	r.af = FR_AF_INET;
	r.first_ms = first;
	r.last_ms = last;
	r.octets = octets;
	r.packets = packets;
	return r;
}

static void
assert_near(double a, double b)
{
	if (fabs(a - b) > 1e-6 * (fabs(b) + 1))
		fail_msg("%.9f != %.9f", a, b);
}

static void
test_spread_over_buckets(void **state)
{
	struct tracker *t = tracker_new(STEP, 2);
	struct got g;
	struct flowrec r[2];

	(void)state;
	memset(&g, 0, sizeof(g));
	assert_non_null(t);
	/* clock in bucket 3: buckets 1.. are open (lateness 2) */
	assert_int_equal(tracker_add(t, NULL, 0, T(3, 0)), 0);
	/* 600 s flow from the middle of bucket 1 to the middle of 3:
	 * 1/4 in bucket 1, 1/2 in bucket 2, 1/4 in bucket 3 */
	r[0] = flow(T(1, 150000), T(3, 150000), 4000000, 400);
	/* zero-length flow at the start of bucket 2 */
	r[1] = flow(T(2, 0), T(2, 0), 3000, 3);
	tracker_put(t, r, 2);
	/* at the end of bucket 4 + lateness 2, buckets 1..3 are final */
	assert_int_equal(tracker_advance(t, T(6, 0), collect, &g), 3);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.s[0].t, (time_t)((B0 + 2) * STEP));
	assert_int_equal(g.s[1].t, (time_t)((B0 + 3) * STEP));
	assert_int_equal(g.s[2].t, (time_t)((B0 + 4) * STEP));
	assert_near(g.s[0].bits, 1000000.0 * 8 / STEP);
	assert_near(g.s[0].packets, 100.0 / STEP);
	assert_near(g.s[0].flows, 1.0 / STEP);		/* started here */
	assert_near(g.s[1].bits, (2000000.0 + 3000) * 8 / STEP);
	assert_near(g.s[1].packets, 203.0 / STEP);
	assert_near(g.s[1].flows, 1.0 / STEP);
	assert_near(g.s[2].bits, 1000000.0 * 8 / STEP);
	assert_near(g.s[2].flows, 0);
	tracker_free(t);
}

static void
test_late_parts(void **state)
{
	struct tracker *t = tracker_new(STEP, 1);
	struct tracker_stats st;
	struct got g;
	struct flowrec r;

	(void)state;
	memset(&g, 0, sizeof(g));
	tracker_add(t, NULL, 0, T(1, 0));		/* open from bucket 0 */
	tracker_advance(t, T(3, 0), collect, &g);	/* 0, 1 final */
	assert_int_equal(g.n, 2);
	/* a flow from the middle of bucket 1 (final) to the middle of 2 */
	r = flow(T(1, 150000), T(2, 150000), 1000, 10);
	tracker_put(t, &r, 1);
	tracker_get_stats(t, 0, &st);
	assert_int_equal(st.matched, 1);
	assert_int_equal(st.late_flows, 1);
	assert_near(st.late_octets, 500);
	g.n = 0;
	tracker_advance(t, T(4, 0), collect, &g);	/* bucket 2 final */
	assert_int_equal(g.n, 1);
	assert_near(g.s[0].bits, 500.0 * 8 / STEP);	/* only its half */
	assert_near(g.s[0].flows, 0);		/* it started in bucket 1 */
	/* wholly in the past */
	r = flow(T(0, 1000), T(0, 2000), 7, 1);
	tracker_put(t, &r, 1);
	tracker_get_stats(t, 0, &st);
	assert_int_equal(st.late_flows, 2);
	assert_near(st.late_octets, 507);
	tracker_free(t);
}

static void
test_two_trackings_and_multiplier(void **state)
{
	struct tracker *t = tracker_new(60, 1);
	struct got g;
	struct flowrec r;

	(void)state;
	memset(&g, 0, sizeof(g));
	assert_int_equal(tracker_add(t, NULL, 0, 0), 0);
	assert_int_equal(tracker_add(t, NULL, 100, 0), 1);
	assert_int_equal(tracker_count(t), 2);
	r = flow(1000, 1000, 60, 2);
	tracker_put(t, &r, 1);
	assert_int_equal(tracker_advance(t, 120000, collect, &g), 2);
	assert_int_equal(g.trk[0], 0);
	assert_int_equal(g.trk[1], 1);
	assert_near(g.s[0].bits, 60.0 * 8 / 60);
	assert_near(g.s[1].bits, 6000.0 * 8 / 60);	/* 1:100 sampling */
	assert_near(g.s[1].packets, 200.0 / 60);
	assert_near(g.s[1].flows, 1.0 / 60);	/* flows not multiplied */
	tracker_free(t);
}

/* A reload keeps the open steps of an unchanged tracking. */
static void
test_adopt(void **state)
{
	struct tracker *a = tracker_new(60, 1), *b = tracker_new(60, 1);
	struct tracker_stats st;
	struct got g;
	struct flowrec r = flow(61000, 61000, 600, 6);

	(void)state;
	memset(&g, 0, sizeof(g));
	tracker_add(a, NULL, 0, 60000);
	tracker_put(a, &r, 1);
	tracker_take_window(b, a);
	tracker_add(b, NULL, 0, 999999999);	/* window taken, not now */
	tracker_adopt(b, 0, a, 0);
	tracker_free(a);
	tracker_get_stats(b, 0, &st);
	assert_int_equal(st.matched, 1);
	assert_int_equal(tracker_advance(b, 180000, collect, &g), 2);
	assert_near(g.s[1].bits, 600.0 * 8 / 60);
	tracker_free(b);
}

/*
 * Counts stay with their tracking when the slots of all trackings grow
 * (40 trackings: the array is reallocated at 16 and 32, one of them
 * after flows were counted), and a tracking's matched flows are the same
 * before and after their buckets are final.
 */
#define NMANY	40

static void
test_many_trackings(void **state)
{
	struct tracker *t = tracker_new(60, 1);
	struct tracker_stats st;
	struct got g;
	struct flowrec r;
	unsigned i;

	(void)state;
	memset(&g, 0, sizeof(g));
	for (i = 0; i < 20; i++)
		assert_int_equal(tracker_add(t, NULL, 1 + i, 0), (int)i);
	r = flow(1000, 1000, 10, 1);
	tracker_put(t, &r, 1);		/* 20 trackings count it */
	for (; i < NMANY; i++)
		assert_int_equal(tracker_add(t, NULL, 1 + i, 0), (int)i);
	r = flow(2000, 2000, 5, 1);
	tracker_put(t, &r, 1);
	tracker_put(t, &r, 1);		/* all 40 count it twice */
	for (i = 0; i < NMANY; i++) {
		tracker_get_stats(t, (int)i, &st);
		assert_int_equal(st.matched, i < 20 ? 3 : 2);
	}
	/* bucket 0 final, then bucket 1 (empty) */
	assert_int_equal(tracker_advance(t, 120000, collect, &g), NMANY);
	for (i = 0; i < NMANY; i++) {
		double oct = (i < 20 ? 20.0 : 10.0) * (1 + i);

		assert_int_equal(g.trk[i], (int)i);
		assert_near(g.s[i].bits, oct * 8 / 60);
		assert_near(g.s[i].flows, (i < 20 ? 3.0 : 2.0) / 60);
		tracker_get_stats(t, (int)i, &st);
		assert_int_equal(st.matched, i < 20 ? 3 : 2);
	}
	tracker_free(t);
}

/* Samples of every tracking, for comparing two trackers. */
struct allgot {
	struct rrd_sample s[4096];
	int trk[4096];
	unsigned n;
};

static void
collect_all(void *arg, int tracking, const struct rrd_sample *s)
{
	struct allgot *g = arg;

	assert_true(g->n < 4096);
	g->trk[g->n] = tracking;
	g->s[g->n++] = *s;
}

static uint32_t
xrnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 11);
}

/* a and b agree but for the rounding of sums added in another order:
 * the index adds a flow once to its combination and the sum to each
 * tracking later (see tracker.c) */
static int
near(double a, double b)
{
	double m = fabs(a) > fabs(b) ? fabs(a) : fabs(b);

	return fabs(a - b) <= 1e-9 * (m > 1 ? m : 1);
}

/*
 * The index (and its fast paths: combinations, one-bucket flows,
 * multiplier 1) counts what testing every filter counts: the same samples
 * but for rounding in the last bits, the same matched and late figures,
 * for a mix of exact pins, filters that still need running, a
 * multiplier, flows spanning buckets and late flows.
 */
static void
test_index_equals_linear(void **state)
{
	static const char *const defs[] = {
		"host 10.0.1.1", "dst host 192.168.0.7", "src net 10.0.0.0/16",
		"net 10.0.1.0/24", "dst net 192.168.0.0/28", "port 443",
		"dst port 80", "port in [1000, 1100]", "in if 3", "out if 12",
		"if in [2, 4]", "proto udp",
		"dst net 192.168.0.0/24 and dst port 443 and proto tcp",
		"(src net 10.0.1.0/24 or dst net 192.168.0.0/26) and proto udp",
		"exporter 127.0.0.2 and in if 2 and not dst port 53",
		"not port 22", "", "bytes > 5000",
	};
	enum { ND = sizeof(defs) / sizeof(defs[0]) };
	struct filter *f[ND];
	struct tracker *ti = tracker_new(60, 2), *tl = tracker_new(60, 2);
	static struct allgot gi, gl;
	struct tracker_stats si, sl;
	char err[256];
	uint64_t seed = 42, now = T(0, 0);
	unsigned i, k;

	(void)state;
	for (i = 0; i < ND; i++) {
		f[i] = filter_compile(defs[i], NULL, err, sizeof(err));
		assert_non_null(f[i]);
		assert_int_equal(tracker_add(ti, f[i], i == 5 ? 2.5 : 1, now),
		    (int)i);
		assert_int_equal(tracker_add(tl, f[i], i == 5 ? 2.5 : 1, now),
		    (int)i);
	}
	tracker_use_index(tl, 0);
	for (k = 0; k < 8; k++) {
		struct flowrec r[64];

		for (i = 0; i < 64; i++) {
			uint32_t x = xrnd(&seed);
			uint64_t first = now - xrnd(&seed) % 150000;

			memset(&r[i], 0, sizeof(r[i]));
			r[i].af = FR_AF_INET;
			r[i].exp_af = FR_AF_INET;
			r[i].exporter.v4 = 0x7f000001u + x % 3;
			r[i].src.v4 = 0x0a000100u | (x >> 8 & 3);
			r[i].dst.v4 = 0xc0a80000u | (x >> 10 & 0x7f);
			r[i].sport = (uint16_t)(x & 1 ? 443 : 990 + x % 200);
			r[i].dport = (uint16_t)(x & 2 ? 80 : x & 4 ? 53 : 22);
			r[i].proto = x & 8 ? 17 : 6;
			r[i].in_if = 1 + x % 4;
			r[i].out_if = 11 + x % 3;
			r[i].first_ms = first;
			/* a third in one instant, some over several buckets */
			r[i].last_ms = x % 3 == 0 ? first :
			    first + xrnd(&seed) % (x % 5 ? 20000 : 200000);
			r[i].packets = 1 + x % 50;
			r[i].octets = r[i].packets * (40 + x % 1400);
			r[i].fields = FR_HAS_PACKETS | FR_HAS_OCTETS |
			    FR_HAS_PORTS | FR_HAS_PROTO | FR_HAS_TIMES |
			    FR_HAS_IFINDEX | FR_HAS_SRCADDR | FR_HAS_DSTADDR;
		}
		tracker_put(ti, r, 64);
		tracker_put(tl, r, 64);
		now += 50000;
		tracker_advance(ti, now, collect_all, &gi);
		tracker_advance(tl, now, collect_all, &gl);
	}
	tracker_advance(ti, now + 10 * SMS, collect_all, &gi);
	tracker_advance(tl, now + 10 * SMS, collect_all, &gl);
	assert_true(gi.n > ND);
	assert_int_equal(gi.n, gl.n);
	for (i = 0; i < gi.n; i++) {
		assert_int_equal(gi.trk[i], gl.trk[i]);
		assert_int_equal(gi.s[i].t, gl.s[i].t);
		if (!near(gi.s[i].bits, gl.s[i].bits) ||
		    !near(gi.s[i].packets, gl.s[i].packets))
			fail_msg("sample %u (tracking %d): %.17g/%.17g bits, "
			    "%.17g/%.17g packets", i, gi.trk[i],
			    gi.s[i].bits, gl.s[i].bits, gi.s[i].packets,
			    gl.s[i].packets);
		assert_true(gi.s[i].flows == gl.s[i].flows);
	}
	for (i = 0; i < ND; i++) {
		tracker_get_stats(ti, (int)i, &si);
		tracker_get_stats(tl, (int)i, &sl);
		assert_int_equal(si.matched, sl.matched);
		assert_int_equal(si.late_flows, sl.late_flows);
		assert_true(near(si.late_octets, sl.late_octets));
	}
	/* something was counted, something was late, not every tracking
	 * matched everything */
	tracker_get_stats(ti, 16, &si);		/* "": every flow */
	assert_int_equal(si.matched + si.late_flows > 0, 1);
	tracker_get_stats(ti, 1, &sl);
	assert_true(sl.matched < si.matched);
	assert_true(si.late_flows > 0);
	tracker_free(ti);
	tracker_free(tl);
	for (i = 0; i < ND; i++)
		filter_free(f[i]);
}

static void
test_bad_parameters(void **state)
{
	(void)state;
	assert_null(tracker_new(10, 2));
	assert_null(tracker_new(300, 0));
	assert_null(tracker_new(7200, 2));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spread_over_buckets),
		cmocka_unit_test(test_late_parts),
		cmocka_unit_test(test_two_trackings_and_multiplier),
		cmocka_unit_test(test_adopt),
		cmocka_unit_test(test_many_trackings),
		cmocka_unit_test(test_index_equals_linear),
		cmocka_unit_test(test_bad_parameters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
