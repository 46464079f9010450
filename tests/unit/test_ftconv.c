/*
 * test_ftconv.c - flowrec <-> flow-tools record conversions: exact v5
 * times, non-wrapping times for other records, counter splits, AS_TRANS,
 * ifIndex clamping, IPv6 records.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "storage/ftconv.h"

#define U32MAX	0xFFFFFFFFull

/* What a v5 decoder makes of a PDU record (the proto/ convention). */
static void
v5rec(struct flowrec *r, uint32_t secs, uint32_t nsecs, uint32_t up,
    uint32_t first, uint32_t last)
{
	uint64_t e = (uint64_t)secs * 1000 + nsecs / 1000000;

	memset(r, 0, sizeof(*r));
	r->version = 5;
	r->af = FR_AF_INET;
	r->exp_af = FR_AF_INET;
	r->exporter.v4 = 0x7f000001;
	r->src.v4 = 0x0a000001;
	r->dst.v4 = 0xc0a80001;
	r->exp_secs = secs;
	r->exp_nsecs = nsecs;
	r->uptime_ms = up;
	r->first_ms = e - (int64_t)(int32_t)(up - first);
	r->last_ms = e - (int64_t)(int32_t)(up - last);
	r->packets = 10;
	r->octets = 1000;
	r->engine_type = 1;
	r->engine_id = 7;
	r->sampling = 1;
	r->fields = FR_HAS_UPTIME | FR_HAS_TIMES | FR_HAS_PACKETS |
	    FR_HAS_OCTETS;
}

/* flow-tools' formula (spec 3.8). */
static uint64_t
ft_ms(const struct ftrec *f, uint32_t t)
{
	return (uint64_t)f->unix_secs * 1000 + f->unix_nsecs / 1000000 -
	    f->sysuptime + t;
}

static void
test_v5_times_exact(void **state)
{
	static const uint32_t cases[][5] = {
		{ 1700000000, 123456789, 3600000, 3540000, 3599000 },
		{ 1700000000, 999999999, 1000, 4294960000u, 500 },  /* wrap */
		{ 1700000000, 0, 4294967295u, 5, 4294967290u },
		{ 1700000000, 1, 100, 200, 300 },	/* in the future */
		{ 5, 0, 0, 0, 0 },
	};
	struct flowrec r, back;
	struct ftrec f[FTCONV_MAX_SPLIT];
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v5rec(&r, cases[i][0], cases[i][1], cases[i][2], cases[i][3],
		    cases[i][4]);
		assert_int_equal(ftconv_to_ft(&r, FT_VER_5, f, NULL), 1);
		assert_int_equal(f[0].unix_secs, cases[i][0]);
		assert_int_equal(f[0].unix_nsecs, cases[i][1]);
		assert_int_equal(f[0].sysuptime, cases[i][2]);
		assert_int_equal(f[0].first, cases[i][3]);
		assert_int_equal(f[0].last, cases[i][4]);
		assert_int_equal(f[0].exaddr, 0x7f000001);
		assert_int_equal(f[0].engine_id, 7);
		assert_int_equal(f[0].pad, 0);
		/* and back: flow-tools' absolute times, but the wrap case
		 * (which flow-tools puts 2^32 ms late) as the decoder had it */
		ftconv_from_ft(&f[0], FT_VER_5, &back);
		if (i == 1)
			assert_int_equal(back.first_ms, r.first_ms);
		else
			assert_int_equal(back.first_ms,
			    ft_ms(&f[0], f[0].first));
		assert_int_equal(back.last_ms, r.last_ms);
		assert_int_equal(back.exp_secs, cases[i][0]);
		assert_int_equal(back.uptime_ms, cases[i][2]);
	}
}

static void
v9rec(struct flowrec *r, uint32_t secs, uint64_t first, uint64_t last)
{
	memset(r, 0, sizeof(*r));
	r->version = 9;
	r->af = FR_AF_INET;
	r->exp_secs = secs;
	r->first_ms = first;
	r->last_ms = last;
	r->packets = 1;
	r->octets = 40;
	r->fields = FR_HAS_TIMES;
}

static void
test_other_times_do_not_wrap(void **state)
{
	static const uint64_t cases[][3] = {
		{ 1700000100, 1700000000123ull, 1700000050456ull },
		{ 1700000100, 1700000200000ull, 1700000300000ull }, /* future */
		{ 1700000100, 1700000050000ull, 1700000040000ull }, /* L < F */
		{ 1700000100, 1000ull, 2000ull },	/* decades before */
		{ 0, 1700000000000ull, 1700000001000ull },	/* no export */
	};
	struct flowrec r, back;
	struct ftrec f[FTCONV_MAX_SPLIT];
	unsigned i;
	int exact;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v9rec(&r, (uint32_t)cases[i][0], cases[i][1], cases[i][2]);
		assert_int_equal(ftconv_to_ft(&r, FT_VER_5, f, NULL), 1);
		exact = i != 3;
		ftconv_from_ft(&f[0], FT_VER_5, &back);
		if (exact) {
			assert_int_equal(back.first_ms, cases[i][1]);
			assert_int_equal(back.last_ms, cases[i][2]);
		}
		/* no wrap: both are offsets from one base below them */
		assert_true(ft_ms(&f[0], f[0].first) <= ft_ms(&f[0], f[0].last)
		    || cases[i][1] > cases[i][2]);
		assert_true(ft_ms(&f[0], 0) <= cases[i][1] || !exact);
	}
	/* the exporter's own uptime is kept when it fits */
	v9rec(&r, 1700000100, 1700000000000ull, 1700000050000ull);
	r.fields |= FR_HAS_UPTIME;
	r.uptime_ms = 200000;		/* booted at 1699999900000 */
	assert_int_equal(ftconv_to_ft(&r, FT_VER_5, f, NULL), 1);
	assert_int_equal(f[0].sysuptime, 200000);
	assert_int_equal(f[0].first, 100000);
	assert_int_equal(f[0].last, 150000);
}

static void
test_split_counters(void **state)
{
	struct flowrec r;
	struct ftrec f[FTCONV_MAX_SPLIT];
	struct ftconv_stats st;
	uint64_t sp = 0, so = 0;
	unsigned i, n;

	(void)state;
	memset(&st, 0, sizeof(st));
	v9rec(&r, 1700000000, 1699999990000ull, 1699999999000ull);
	r.packets = 9000000000ull;	/* 3 records by packets */
	r.octets = 20000000000ull;	/* 5 records by octets */
	n = ftconv_to_ft(&r, FT_VER_1005, f, &st);
	assert_int_equal(n, 5);
	assert_int_equal(st.split_records, 4);
	for (i = 0; i < n; i++) {
		assert_true(f[i].dpkts <= U32MAX && f[i].dpkts > 0);
		sp += f[i].dpkts;
		so += f[i].doctets;
		assert_int_equal(f[i].first, f[0].first);
	}
	assert_int_equal(sp, r.packets);
	assert_int_equal(so, r.octets);
	/* exactly 2^32-1 needs no split */
	r.packets = U32MAX;
	r.octets = U32MAX;
	assert_int_equal(ftconv_to_ft(&r, FT_VER_5, f, &st), 1);
	assert_int_equal(f[0].doctets, U32MAX);
	assert_int_equal(st.split_records, 4);
	r.octets = U32MAX + 1;
	assert_int_equal(ftconv_to_ft(&r, FT_VER_5, f, &st), 2);
	assert_int_equal((uint64_t)f[0].doctets + f[1].doctets, U32MAX + 1);
	assert_int_equal(st.split_records, 5);
}

static void
test_as_trans_ifindex_family(void **state)
{
	struct flowrec r;
	struct ftrec f[FTCONV_MAX_SPLIT];
	struct ftconv_stats st;

	(void)state;
	memset(&st, 0, sizeof(st));
	v9rec(&r, 1700000000, 1699999990000ull, 1699999999000ull);
	r.src_as = 4200000000u;
	r.dst_as = 65535;
	r.in_if = 70000;
	r.out_if = 65535;
	r.src_tag = 5;
	r.dst_tag = 6;
	r.exp_af = FR_AF_INET;
	r.exporter.v4 = 0x0a0b0c0d;
	assert_int_equal(ftconv_to_ft(&r, FT_VER_1005, f, &st), 1);
	assert_int_equal(f[0].src_as, FT_AS_TRANS);
	assert_int_equal(f[0].dst_as, 65535);
	assert_int_equal(f[0].input, 65535);
	assert_int_equal(f[0].output, 65535);
	assert_int_equal(f[0].src_tag, 5);
	assert_int_equal(f[0].dst_tag, 6);
	assert_int_equal(f[0].exaddr, 0x0a0b0c0d);
	assert_int_equal(st.as_trans, 1);
	assert_int_equal(st.ifindex_clamped, 1);
	r.dst_as = 65536;
	assert_int_equal(ftconv_to_ft(&r, FT_VER_5, f, &st), 1);
	assert_int_equal(st.as_trans, 3);
	assert_int_equal(f[0].src_tag, 0);	/* v5 has no tags */
	/* v1 has no AS fields: nothing to translate */
	assert_int_equal(ftconv_to_ft(&r, FT_VER_1, f, &st), 1);
	assert_int_equal(st.as_trans, 3);
	assert_int_equal(f[0].src_as, 0);
	r.af = FR_AF_INET6;
	assert_int_equal(ftconv_to_ft(&r, FT_VER_5, f, &st), 0);
	assert_int_equal(st.wrong_family, 1);
	r.af = FR_AF_INET;
	assert_int_equal(ftconv_to_ft(&r, FT_VER_IP6, f, &st), 0);
	assert_int_equal(ftconv_to_ft(&r, FT_VER_7, f, &st), 0);
	assert_int_equal(st.wrong_family, 3);
}

static void
test_ip6_roundtrip(void **state)
{
	struct flowrec r, back;
	struct ftrec f[FTCONV_MAX_SPLIT];
	struct ftconv_stats st;

	(void)state;
	memset(&st, 0, sizeof(st));
	memset(&r, 0, sizeof(r));
	r.version = 9;
	r.af = FR_AF_INET6;
	r.exp_af = FR_AF_INET;
	r.exporter.v4 = 0xc0000201;
	memset(r.src.v6, 0x20, 16);
	memset(r.dst.v6, 0x30, 16);
	memset(r.nexthop.v6, 0xfe, 16);
	r.first_ms = 1700000000001ull;
	r.last_ms = 1700000009999ull;
	r.exp_secs = 1700000010;
	r.uptime_ms = 77;
	r.packets = 1ull << 40;
	r.octets = 1ull << 50;
	r.in_if = 100000;
	r.out_if = 3;
	r.src_as = 4200000000u;
	r.dst_as = 1;
	r.sport = 443;
	r.dport = 50000;
	r.proto = 6;
	r.tos = 0xb8;
	r.tcp_flags = 0x1b;
	r.src_mask = 48;
	r.dst_mask = 64;
	r.engine_type = 2;
	r.engine_id = 3;
	r.sampling = 100;
	r.flow_label = 0xabcde;
	assert_int_equal(ftconv_to_ft(&r, FT_VER_IP6, f, &st), 1);
	assert_int_equal(st.split_records + st.as_trans + st.ifindex_clamped,
	    0);
	assert_int_equal(f[0].exaddr6[10], 0xff);
	assert_int_equal(f[0].exaddr6[12], 0xc0);
	ftconv_from_ft(&f[0], FT_VER_IP6, &back);
	assert_int_equal(back.af, FR_AF_INET6);
	assert_int_equal(back.exp_af, FR_AF_INET);
	assert_int_equal(back.exporter.v4, 0xc0000201);
	assert_memory_equal(back.src.v6, r.src.v6, 16);
	assert_memory_equal(back.dst.v6, r.dst.v6, 16);
	assert_memory_equal(back.nexthop.v6, r.nexthop.v6, 16);
	assert_int_equal(back.first_ms, r.first_ms);
	assert_int_equal(back.last_ms, r.last_ms);
	assert_int_equal(back.packets, r.packets);
	assert_int_equal(back.octets, r.octets);
	assert_int_equal(back.in_if, 100000);
	assert_int_equal(back.src_as, 4200000000u);
	assert_int_equal(back.sport, 443);
	assert_int_equal(back.dport, 50000);
	assert_int_equal(back.tos, 0xb8);
	assert_int_equal(back.dst_mask, 64);
	assert_int_equal(back.engine_id, 3);
	assert_int_equal(back.sampling, 100);
	assert_int_equal(back.flow_label, 0xabcde);
	assert_int_equal(back.exp_secs, 1700000010);
	assert_int_equal(back.uptime_ms, 77);
}

static void
test_from_ft_fields(void **state)
{
	struct ftrec f;
	struct flowrec r;

	(void)state;
	memset(&f, 0, sizeof(f));
	/* the spec 3.8 example: 2023-11-14 22:12:20.123 UTC */
	f.unix_secs = 1700000000;
	f.unix_nsecs = 123456789;
	f.sysuptime = 3600000;
	f.first = 3540000;
	f.last = 3600001;
	f.exaddr = 0x7f000001;
	f.src_tag = 0x12345678;
	f.engine_type = 1;
	f.engine_id = 7;
	ftconv_from_ft(&f, FT_VER_1005, &r);
	assert_int_equal(r.first_ms, 1699999940123ull);
	assert_int_equal(r.last_ms, 1700000000124ull);
	assert_int_equal(r.exporter.v4, 0x7f000001);
	assert_int_equal(r.exp_af, FR_AF_INET);
	assert_int_equal(r.src_tag, 0x12345678);
	assert_int_equal(r.source_id, 0x107);
	assert_true(r.fields & FR_HAS_TAGS);
	assert_true(r.fields & FR_HAS_AS);
	assert_int_equal(r.version, 5);
	ftconv_from_ft(&f, FT_VER_1, &r);
	assert_false(r.fields & (FR_HAS_AS | FR_HAS_TAGS));
	assert_int_equal(r.src_tag, 0);
	assert_int_equal(r.version, 1);
	/* Last < First stays as flow-tools computes it */
	f.first = 10;
	f.last = 5;
	ftconv_from_ft(&f, FT_VER_5, &r);
	assert_true(r.last_ms < r.first_ms);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v5_times_exact),
		cmocka_unit_test(test_other_times_do_not_wrap),
		cmocka_unit_test(test_split_counters),
		cmocka_unit_test(test_as_trans_ifindex_family),
		cmocka_unit_test(test_ip6_roundtrip),
		cmocka_unit_test(test_from_ft_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
