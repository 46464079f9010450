/*
 * test_timeseries.c - FlowGrapher's buckets: spreading over buckets, the
 * edges of the window, zero-length flows, flows counted where they start,
 * the multiplier, and max / 95th / average / min; the share of a flow in
 * the window, the top N flows, and the top contributors: known flows give
 * known ranks and per-bucket series for each key and "other".
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

/* A TCP flow from 10.0.0.<s>:<sp> to 192.0.2.<d>:<dp>. */
static struct flowrec
tcp(uint64_t first, uint64_t last, uint64_t octets, unsigned s, unsigned d,
    unsigned sp, unsigned dp)
{
	struct flowrec r = flow(first, last, octets, octets / 100);

	r.af = FR_AF_INET;
	r.proto = 6;
	r.src.v4 = 0x0a000000u | s;
	r.dst.v4 = 0xc0000200u | d;
	r.sport = (uint16_t)sp;
	r.dport = (uint16_t)dp;
	return r;
}

static void
test_share(void **state)
{
	struct timeseries *ts = ts_new(100000, 400000, 60, 2);
	struct flowrec r = flow(40000, 160000, 1200, 12);
	double v[3];

	(void)state;
	ts_share(ts, &r, v);		/* half inside, started before */
	near(v[0], 1200);
	near(v[1], 12);
	near(v[2], 0);
	r = flow(399999, 399999, 7, 1);	/* zero length, inside */
	ts_share(ts, &r, v);
	near(v[0], 14);
	near(v[2], 1);
	r = flow(400000, 500000, 7, 1);	/* after */
	ts_share(ts, &r, v);
	near(v[0] + v[1] + v[2], 0);
	ts_free(ts);
}

static void
test_top_flows(void **state)
{
	struct ts_top *t = ts_top_new(3, 0);
	const struct flowrec *out;
	unsigned octets[] = { 500, 100, 900, 300, 900, 700, 200 };
	unsigned n;

	(void)state;
	assert_null(ts_top_new(0, 0));
	for (unsigned i = 0; i < 7; i++) {
		struct flowrec r = flow(1000 * (i + 1), 2000 * (i + 1),
		    octets[i], 10 - i);

		ts_top_add(t, &r);
	}
	out = ts_top_sorted(t, &n);
	assert_int_equal(n, 3);
	assert_int_equal(out[0].octets, 900);
	assert_int_equal(out[0].first_ms, 3000);	/* the earlier 900 */
	assert_int_equal(out[1].octets, 900);
	assert_int_equal(out[1].first_ms, 5000);
	assert_int_equal(out[2].octets, 700);
	ts_top_free(t);
	/* by packets: fewer flows than asked */
	t = ts_top_new(10, 1);
	for (unsigned i = 0; i < 4; i++) {
		struct flowrec r = flow(i, i, 1, i * 3 % 4);

		ts_top_add(t, &r);
	}
	out = ts_top_sorted(t, &n);
	assert_int_equal(n, 4);
	assert_int_equal(out[0].packets, 3);
	assert_int_equal(out[1].packets, 2);
	assert_int_equal(out[2].packets, 1);
	assert_int_equal(out[3].packets, 0);
	ts_top_free(t);
}

/*
 * Window [0, 240 s), 60 s buckets.  Sources and their octets inside:
 *   10.0.0.1: 6000 (bucket 0) + 1200 (buckets 1-2, 600 each) = 7200
 *   10.0.0.2: 3000 (bucket 3) + half of 4000 (bucket 3) = 5000
 *   10.0.0.3: 5000 (bucket 2)
 *   10.0.0.4: 100 (bucket 1), 10.0.0.5: 50 (bucket 0)
 * The top 3 by octets: .1, then .2 and .3 tied at 5000 (the smaller
 * address first); .4 and .5 are "other".
 */
static void
test_top_contributors(void **state)
{
	struct timeseries *ts = ts_new(0, 240000, 60, 1);
	struct flowrec f[] = {
		tcp(10000, 10000, 6000, 1, 9, 1024, 80),
		tcp(60000, 180000, 1200, 1, 9, 1024, 80),
		tcp(200000, 200000, 3000, 2, 8, 2000, 443),
		tcp(220000, 260000, 4000, 2, 8, 2000, 443),
		tcp(130000, 130000, 5000, 3, 9, 3000, 80),
		tcp(70000, 70000, 100, 4, 9, 4000, 22),
		tcp(5000, 5000, 50, 5, 9, 5000, 22),
		flow(5000, 5000, 999, 1),	/* no address family */
	};
	struct ts_contrib top[TS_STACK_MAX];
	struct ts_rank *rk;
	struct ts_stack *st;
	char buf[64];
	double total;
	unsigned n, i;

	(void)state;
	assert_int_equal(ts_key_parse("srcip"), TS_K_SRCIP);
	assert_int_equal(ts_key_parse("dstport"), TS_K_DSTPORT);
	assert_int_equal(ts_key_parse("proto"), -1);
	rk = ts_rank_new(ts, TS_K_SRCIP, 0);
	for (i = 0; i < 8; i++)
		assert_int_equal(ts_rank_add(rk, &f[i]), 0);
	n = ts_rank_top(rk, 3, top, &total);
	assert_int_equal(n, 3);
	near(total, 7200 + 5000 + 5000 + 100 + 50 + 999);
	assert_string_equal(ts_contrib_str(TS_K_SRCIP, &top[0], buf,
	    sizeof(buf)), "10.0.0.1");
	near(top[0].amount, 7200);
	assert_string_equal(ts_contrib_str(TS_K_SRCIP, &top[1], buf,
	    sizeof(buf)), "10.0.0.2");
	assert_string_equal(ts_contrib_str(TS_K_SRCIP, &top[2], buf,
	    sizeof(buf)), "10.0.0.3");
	ts_rank_free(rk);

	st = ts_stack_new(ts, TS_K_SRCIP, top, n);
	for (i = 0; i < 8; i++)
		ts_stack_add(st, &f[i]);
	/* per-bucket octets of each series */
	{
		static const double want[4][4] = {
			{ 6000, 600, 600, 0 },		/* 10.0.0.1 */
			{ 0, 0, 0, 3000 + 2000 },	/* 10.0.0.2 */
			{ 0, 0, 5000, 0 },		/* 10.0.0.3 */
			{ 50 + 999, 100, 0, 0 },	/* other */
		};

		for (unsigned s = 0; s < 4; s++)
			for (unsigned b = 0; b < 4; b++)
				near(st->series[s]->octets[b], want[s][b]);
	}
	near(ts_rate(st->series[0], 0, 0), 6000.0 * 8 / 60);
	ts_stack_free(st);

	/* destination ports by flows started: 80 has 3, 443 and 22 two */
	rk = ts_rank_new(ts, TS_K_DSTPORT, 2);
	for (i = 0; i < 8; i++)
		assert_int_equal(ts_rank_add(rk, &f[i]), 0);
	n = ts_rank_top(rk, 10, top, &total);
	assert_int_equal(n, 3);
	near(total, 7);			/* the family-less flow has no port */
	assert_int_equal(top[0].port, 80);
	near(top[0].amount, 3);
	assert_int_equal(top[1].port, 22);	/* tie: the smaller port */
	assert_int_equal(top[2].port, 443);
	assert_string_equal(ts_contrib_str(TS_K_DSTPORT, &top[2], buf,
	    sizeof(buf)), "443");
	ts_rank_free(rk);
	ts_free(ts);
}

/* Many keys: the table grows and keeps every amount. */
static void
test_rank_grows(void **state)
{
	struct timeseries *ts = ts_new(0, 60000, 60, 1);
	struct ts_rank *rk = ts_rank_new(ts, TS_K_DSTIP, 0);
	struct ts_contrib top[3];
	double total;

	(void)state;
	for (unsigned i = 0; i < 5000; i++) {
		struct flowrec r = tcp(1000, 1000, 10 + i, 1, 0, 1, 1);

		r.dst.v4 = 0xc6336400u + i;
		assert_int_equal(ts_rank_add(rk, &r), 0);
		assert_int_equal(ts_rank_add(rk, &r), 0);
	}
	assert_int_equal(ts_rank_top(rk, 3, top, &total), 3);
	near(top[0].amount, 2 * (10 + 4999));
	near(top[2].amount, 2 * (10 + 4997));
	near(total, 2 * (5000 * 10 + 4999.0 * 5000 / 2));
	ts_rank_free(rk);
	ts_free(ts);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spread_and_edges),
		cmocka_unit_test(test_stats_and_multiplier),
		cmocka_unit_test(test_share),
		cmocka_unit_test(test_top_flows),
		cmocka_unit_test(test_top_contributors),
		cmocka_unit_test(test_rank_grows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
