/*
 * test_timeseries.c - FlowGrapher's buckets: spreading over buckets, the
 * edges of the window, zero-length flows, flows counted where they start,
 * the multiplier, and max / 95th / average / min.
 */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "src/timeseries.h"

static struct flowrec
flow(uint64_t first, uint64_t last, uint64_t octets, uint64_t packets)
{
	struct flowrec r;

	memset(&r, 0, sizeof(r));
	r.first_ms = first;
	r.last_ms = last;
	r.octets = octets;
	r.packets = packets;
	return r;
}

static void
near(double a, double b)
{
	if (fabs(a - b) > 1e-9 * (fabs(b) + 1))
		fail_msg("%.12g != %.12g", a, b);
}

static void
test_spread_and_edges(void **state)
{
	/* window [100 s, 400 s), 60 s buckets: 5 buckets */
	struct timeseries *ts = ts_new(100000, 400000, 60, 1);
	struct flowrec r;

	(void)state;
	assert_non_null(ts);
	assert_int_equal(ts->n, 5);
	/* 130 s .. 250 s: 30 s in bucket 0, 60 s in 1, 30 s in 2 */
	r = flow(130000, 250000, 1200, 12);
	ts_add(ts, &r);
	near(ts->octets[0], 300);
	near(ts->octets[1], 600);
	near(ts->octets[2], 300);
	near(ts->flows[0], 1);
	/* starts before the window: only its part inside, not counted as
	 * a flow of the window */
	r = flow(40000, 160000, 1200, 12);	/* half inside */
	ts_add(ts, &r);
	near(ts->octets[0], 300 + 600);
	near(ts->flows[0], 1);
	/* runs past the end */
	r = flow(370000, 430000, 600, 6);	/* half inside */
	ts_add(ts, &r);
	near(ts->octets[4], 300);
	near(ts->flows[4], 1);
	/* zero length, and wholly outside */
	r = flow(399999, 399999, 7, 1);
	ts_add(ts, &r);
	near(ts->octets[4], 307);
	r = flow(400000, 400000, 5, 1);
	ts_add(ts, &r);
	r = flow(0, 99999, 5, 1);
	ts_add(ts, &r);
	assert_int_equal(ts->added, 4);
	near(ts_rate(ts, 1, 0), 600.0 * 8 / 60);
	near(ts_rate(ts, 1, 1), 6.0 / 60);
	near(ts_rate(ts, 0, 2), 1.0 / 60);
	ts_free(ts);
}

static void
test_stats_and_multiplier(void **state)
{
	struct timeseries *ts = ts_new(0, 20 * 1000, 1, 10);
	struct ts_stats st;
	struct flowrec r;

	(void)state;
	for (unsigned i = 0; i < 20; i++) {
		r = flow(i * 1000 + 500, i * 1000 + 500, i + 1, 1);
		ts_add(ts, &r);
	}
	ts_stats(ts, 0, &st);
	/* bucket i: (i + 1) * 10 octets -> 80 (i + 1) b/s */
	near(st.max, 1600);
	near(st.min, 80);
	near(st.avg, 80 * 10.5);
	near(st.p95, 80 * 19);		/* nearest rank: 19th of 20 */
	ts_free(ts);
	assert_null(ts_new(10, 10, 1, 1));
	assert_null(ts_new(0, 1000, 0, 1));
	assert_null(ts_new(0, 200000000ull, 1, 1));	/* > 100000 */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spread_and_edges),
		cmocka_unit_test(test_stats_and_multiplier),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
