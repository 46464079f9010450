/*
 * test_nf5.c - NetFlow v1/v5/v7 decoding, validation (spec 5.3), sequence
 * accounting (spec 5.5 with quirk Q7) and the time round trip of spec 3.8.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "proto/proto.h"
#include "nfbuild.h"

#define SECS	1700000000u
#define NSECS	123456789u
#define UPTIME	3600000u
#define EXP_MS	((uint64_t)SECS * 1000 + 123)

static struct flowrec got[64];
static unsigned ngot;

static void
sink_put(void *arg, const struct flowrec *r, unsigned n)
{
	(void)arg;
	assert_true(ngot + n <= 64);
	memcpy(got + ngot, r, n * sizeof(*r));
	ngot += n;
}

static const struct fr_sink sink = { sink_put, NULL };

static void
v5_hdr(struct pb *p, int version, unsigned count, uint32_t uptime,
    uint32_t seq, unsigned engine_type, unsigned engine_id, unsigned samp)
{
	p->len = 0;
	pb_put(p, (unsigned)version, 2);
	pb_put(p, count, 2);
	pb_put(p, uptime, 4);
	pb_put(p, SECS, 4);
	pb_put(p, NSECS, 4);
	if (version == 1)
		return;
	pb_put(p, seq, 4);
	pb_put(p, engine_type, 1);
	pb_put(p, engine_id, 1);
	pb_put(p, samp, 2);
}

static void
v5_rec(struct pb *p, int version, uint32_t src, uint32_t first,
    uint32_t last)
{
	pb_put(p, src, 4);
	pb_put(p, 0xc0a80101, 4);
	pb_put(p, 0x0a0000fe, 4);
	pb_put(p, 5, 2);
	pb_put(p, 6, 2);
	pb_put(p, 12, 4);
	pb_put(p, 3400, 4);
	pb_put(p, first, 4);
	pb_put(p, last, 4);
	pb_put(p, 1234, 2);
	pb_put(p, 53, 2);
	if (version == 1) {
		pb_put(p, 0, 2);
		pb_put(p, 17, 1);	/* prot */
		pb_put(p, 0x20, 1);	/* tos */
		pb_put(p, 0x12, 1);	/* flags */
		pb_zero(p, 7);
		return;
	}
	pb_put(p, 0, 1);
	pb_put(p, 0x12, 1);
	pb_put(p, 17, 1);
	pb_put(p, 0x20, 1);
	pb_put(p, 65100, 2);
	pb_put(p, 3356, 2);
	pb_put(p, 22, 1);
	pb_put(p, 23, 1);
	pb_put(p, 0, 2);
	if (version == 7)
		pb_put(p, 0x0a0a0a0a, 4);
}

static int
dec(struct proto_ctx *ctx, const struct pb *p, struct proto_result *res,
    const char *seed)
{
	struct proto_src src;

	memset(&src, 0, sizeof(src));
	src.af = FR_AF_INET;
	src.addr.v4 = 0x7f000001;
	src.recv_ms = EXP_MS + 1;
	ngot = 0;
	if (seed != NULL)
		pb_dump(p, seed);
	return proto_decode(ctx, &src, p->b, p->len, &sink, res);
}

static struct proto_exporter_info
info(struct proto_ctx *ctx)
{
	struct proto_exporter_info in;

	assert_int_equal(proto_exporter_get(ctx, 0, &in), 0);
	return in;
}

static void
check_common(const struct flowrec *r, int version)
{
	assert_int_equal(r->version, version);
	assert_int_equal(r->af, FR_AF_INET);
	assert_int_equal(r->dst.v4, 0xc0a80101);
	assert_int_equal(r->nexthop.v4, 0x0a0000fe);
	assert_int_equal(r->in_if, 5);
	assert_int_equal(r->out_if, 6);
	assert_int_equal(r->packets, 12);
	assert_int_equal(r->octets, 3400);
	assert_int_equal(r->sport, 1234);
	assert_int_equal(r->dport, 53);
	assert_int_equal(r->proto, 17);
	assert_int_equal(r->tos, 0x20);
	assert_int_equal(r->tcp_flags, 0x12);
	assert_int_equal(r->exp_secs, SECS);
	assert_int_equal(r->exp_nsecs, NSECS);
	assert_int_equal(r->uptime_ms, UPTIME);
	assert_int_equal(r->first_ms, EXP_MS - 60000);
	assert_int_equal(r->last_ms, EXP_MS - 1000);
	assert_int_equal(r->recv_ms, EXP_MS + 1);
	assert_int_equal(r->exporter.v4, 0x7f000001);
}

static void
test_v5_fields(void **state)
{
	struct proto_ctx *ctx = proto_new(NULL);
	struct proto_result res;
	struct pb p;

	(void)state;
	v5_hdr(&p, 5, 2, UPTIME, 100, 1, 2, 0);
	v5_rec(&p, 5, 0x0a000001, UPTIME - 60000, UPTIME - 1000);
	v5_rec(&p, 5, 0x0a000002, UPTIME - 60000, UPTIME - 1000);
	assert_int_equal(dec(ctx, &p, &res, "v5"), 2);
	assert_int_equal(res.nrec, 2);
	assert_int_equal(res.version, 5);
	check_common(&got[0], 5);
	assert_int_equal(got[0].src.v4, 0x0a000001);
	assert_int_equal(got[1].src.v4, 0x0a000002);
	assert_int_equal(got[0].src_as, 65100);
	assert_int_equal(got[0].dst_as, 3356);
	assert_int_equal(got[0].src_mask, 22);
	assert_int_equal(got[0].dst_mask, 23);
	assert_int_equal(got[0].engine_type, 1);
	assert_int_equal(got[0].engine_id, 2);
	assert_int_equal(got[0].source_id, 0x0102);
	assert_int_equal(got[0].sampling, 1);
	assert_false(got[0].fields & FR_HAS_SAMPLING);
	assert_true(got[0].fields & FR_HAS_ENGINE);
	assert_true(got[0].fields & FR_HAS_UPTIME);
	assert_int_equal(info(ctx).flows, 2);
	proto_free(ctx);
}

static void
test_v1_v7(void **state)
{
	struct proto_ctx *ctx = proto_new(NULL);
	struct pb p;

	(void)state;
	v5_hdr(&p, 1, 1, UPTIME, 0, 0, 0, 0);
	v5_rec(&p, 1, 0x0a000001, UPTIME - 60000, UPTIME - 1000);
	assert_int_equal(p.len, 16 + 48);
	assert_int_equal(dec(ctx, &p, NULL, "v1"), 1);
	check_common(&got[0], 1);
	assert_int_equal(got[0].src_as, 0);
	assert_false(got[0].fields & (FR_HAS_AS | FR_HAS_ENGINE));
	v5_hdr(&p, 7, 1, UPTIME, 0, 0, 0, 0);
	v5_rec(&p, 7, 0x0a000001, UPTIME - 60000, UPTIME - 1000);
	assert_int_equal(p.len, 24 + 52);
	assert_int_equal(dec(ctx, &p, NULL, "v7"), 1);
	check_common(&got[0], 7);
	assert_int_equal(got[0].src_as, 65100);
	assert_int_equal(got[0].dst_mask, 23);
	proto_free(ctx);
}

static void
test_sampling(void **state)
{
	struct proto_ctx *ctx = proto_new(NULL);
	struct pb p;

	(void)state;
	v5_hdr(&p, 5, 1, UPTIME, 0, 0, 0, 0x4000 | 100);
	v5_rec(&p, 5, 1, UPTIME, UPTIME);
	assert_int_equal(dec(ctx, &p, NULL, "v5samp"), 1);
	assert_int_equal(got[0].sampling, 100);
	assert_true(got[0].fields & FR_HAS_SAMPLING);
	proto_free(ctx);
}

static void
test_validation(void **state)
{
	struct proto_ctx *ctx = proto_new(NULL);
	struct proto_result res;
	struct pb p;
	unsigned i;

	(void)state;
	v5_hdr(&p, 5, 1, UPTIME, 0, 0, 0, 0);
	v5_rec(&p, 5, 1, UPTIME, UPTIME);
	p.len = 3;
	assert_int_equal(dec(ctx, &p, &res, NULL), PROTO_E_SHORT);
	p.len = 24 + 47;		/* one byte short */
	assert_int_equal(dec(ctx, &p, &res, NULL), PROTO_E_SHORT);
	p.len = 20;			/* short header */
	assert_int_equal(dec(ctx, &p, &res, NULL), PROTO_E_SHORT);
	v5_hdr(&p, 5, 31, UPTIME, 0, 0, 0, 0);
	for (i = 0; i < 31; i++)
		v5_rec(&p, 5, i, UPTIME, UPTIME);
	assert_int_equal(dec(ctx, &p, &res, NULL), PROTO_E_COUNT);
	v5_hdr(&p, 1, 25, UPTIME, 0, 0, 0, 0);
	assert_int_equal(dec(ctx, &p, &res, NULL), PROTO_E_COUNT);
	v5_hdr(&p, 7, 28, UPTIME, 0, 0, 0, 0);
	assert_int_equal(dec(ctx, &p, &res, NULL), PROTO_E_COUNT);
	/* 55 582 records claimed in 1 464 bytes */
	v5_hdr(&p, 5, 55582, UPTIME, 0, 0, 0, 0);
	pb_zero(&p, 1440);
	assert_int_equal(dec(ctx, &p, &res, NULL), PROTO_E_COUNT);
	v5_hdr(&p, 6, 0, UPTIME, 0, 0, 0, 0);
	assert_int_equal(dec(ctx, &p, &res, NULL), PROTO_E_VERSION);
	v5_hdr(&p, 10, 0, UPTIME, 0, 0, 0, 0);
	assert_int_equal(dec(ctx, &p, &res, NULL), PROTO_E_VERSION);
	assert_int_equal(ngot, 0);
	assert_int_equal(info(ctx).corrupt, 9);
	assert_int_equal(info(ctx).packets, 0);
	/* count 0 with the exact header is valid */
	v5_hdr(&p, 5, 0, UPTIME, 0, 0, 0, 0);
	assert_int_equal(dec(ctx, &p, &res, "v5empty"), 0);
	/* trailing bytes are padding (flow-capture would reject) */
	v5_hdr(&p, 5, 1, UPTIME, 1, 0, 0, 0);
	v5_rec(&p, 5, 1, UPTIME, UPTIME);
	pb_zero(&p, 13);
	assert_int_equal(dec(ctx, &p, &res, "v5pad"), 1);
	assert_int_equal(info(ctx).corrupt, 9);
	assert_int_equal(info(ctx).packets, 2);
	proto_free(ctx);
}

struct seqcase {
	uint32_t	seq;
	unsigned	count;
	unsigned	lost, resets;
};

static void
run_seq(struct proto_ctx *ctx, const struct seqcase *c, size_t n,
    unsigned engine)
{
	struct proto_result res;
	struct pb p;
	size_t i;
	unsigned k;

	for (i = 0; i < n; i++) {
		v5_hdr(&p, 5, c[i].count, UPTIME, c[i].seq, 0, engine, 0);
		for (k = 0; k < c[i].count; k++)
			v5_rec(&p, 5, k, UPTIME, UPTIME);
		assert_int_equal(dec(ctx, &p, &res, NULL), (int)c[i].count);
		assert_int_equal(res.lost, c[i].lost);
		assert_int_equal(res.resets, c[i].resets);
	}
}

/* The examples of spec 5.5. */
static void
test_sequence(void **state)
{
	static const struct seqcase c[] = {
		{ 1000, 30, 0, 0 },	/* first: expected 1030 */
		{ 1030, 30, 0, 0 },	/* expected 1060 */
		{ 1085, 30, 25, 0 },	/* lost 25, expected 1115 */
		{ 5000, 9, 0, 1 },	/* gap 3885: reset, exp 5009 */
		{ 6008, 10, 999, 0 },	/* lost 999, exp 6018 */
		{ 7018, 1, 0, 1 },	/* gap 1000: reset, exp 7019 */
		{ 5010, 1, 0, 1 },	/* backwards: reset */
		{ 0xFFFFFFF0u, 30, 0, 1 },
		{ 0x0E, 1, 0, 0 },	/* in-order wrap */
	};
	static const struct seqcase q7[] = {
		{ 10, 1, 0, 0 },	/* expected 11 */
		{ 5, 1, 0, 1 },		/* (0xFFFFFFFF - 11) + 5: reset */
		{ 0xFFFFFFFEu, 1, 0, 1 },
		/* expected 0xFFFFFFFF, seq 2: (0xFFFFFFFF - 0xFFFFFFFF) + 2 */
		{ 2, 1, 2, 0 },
	};
	struct proto_ctx *ctx = proto_new(NULL);
	struct pb p;

	(void)state;
	run_seq(ctx, c, sizeof(c) / sizeof(c[0]), 0);
	assert_int_equal(info(ctx).lost, 25 + 999);
	assert_int_equal(info(ctx).seq_resets, 4);
	/* another engine key has its own state */
	run_seq(ctx, q7, sizeof(q7) / sizeof(q7[0]), 9);
	assert_int_equal(info(ctx).lost, 25 + 999 + 2);
	/* v1 has no sequence: never counted */
	v5_hdr(&p, 1, 0, UPTIME, 0, 0, 0, 0);
	assert_int_equal(dec(ctx, &p, NULL, NULL), 0);
	assert_int_equal(info(ctx).seq_resets, 6);
	proto_free(ctx);
}

/* storage's ftconv recovers First as (uint32)(uptime - (E - first_ms)). */
static void
test_time_roundtrip(void **state)
{
	static const uint32_t up[] = { UPTIME, 1000, 0xFFFFFF00u, 5 };
	static const uint32_t first[] = { UPTIME - 60000, 0xFFFFF000u,
	    0x00000010u, 0xFFFFFFFFu, 3000 };
	struct proto_ctx *ctx = proto_new(NULL);
	struct pb p;
	size_t i, k;
	uint32_t raw;

	(void)state;
	for (i = 0; i < 4; i++) {
		for (k = 0; k < 5; k++) {
			v5_hdr(&p, 5, 1, up[i], (uint32_t)(i * 5 + k), 0, 0, 0);
			v5_rec(&p, 5, 1, first[k], first[k] + 7);
			assert_int_equal(dec(ctx, &p, NULL, NULL), 1);
			raw = (uint32_t)(up[i] - (EXP_MS - got[0].first_ms));
			assert_int_equal(raw, first[k]);
			raw = (uint32_t)(up[i] - (EXP_MS - got[0].last_ms));
			assert_int_equal(raw, first[k] + 7);
			/* never more than 2^31 ms from the export time */
			assert_true(got[0].first_ms + 0x80000000ull >= EXP_MS);
			assert_true(got[0].first_ms <= EXP_MS + 0x80000000ull);
		}
	}
	/* softflowd: First 0xFFFFFFFF with uptime 3381 is 3382 ms ago */
	v5_hdr(&p, 5, 1, 3381, 100, 0, 0, 0);
	v5_rec(&p, 5, 1, 0xFFFFFFFFu, 3000);
	assert_int_equal(dec(ctx, &p, NULL, NULL), 1);
	assert_int_equal(got[0].first_ms, EXP_MS - 3382);
	assert_int_equal(got[0].last_ms, EXP_MS - 381);
	proto_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v5_fields),
		cmocka_unit_test(test_v1_v7),
		cmocka_unit_test(test_sampling),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_sequence),
		cmocka_unit_test(test_time_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
