/*
 * test_nf9.c - NetFlow v9 decoding with crafted datagrams: every edge case
 * of spec/netflow-v9-edge-cases.md that a datagram can show.
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
#define UPTIME	3600000u
#define EXP_MS	((uint64_t)SECS * 1000)

static struct flowrec got[512];
static unsigned ngot, nput;

static void
sink_put(void *arg, const struct flowrec *r, unsigned n)
{
	(void)arg;
	assert_true(ngot + n <= 512);
	memcpy(got + ngot, r, n * sizeof(*r));
	ngot += n;
	nput++;
}

static const struct fr_sink sink = { sink_put, NULL };

static int
dec(struct proto_ctx *ctx, uint32_t exporter, const struct pb *p,
    struct proto_result *res, const char *seed)
{
	struct proto_src src;

	memset(&src, 0, sizeof(src));
	src.af = FR_AF_INET;
	src.addr.v4 = exporter;
	src.recv_ms = EXP_MS + 10;
	ngot = nput = 0;
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

/* Template 300: a classic IPv4 record. */
static const uint16_t t300[][2] = {
	{ 8, 4 }, { 12, 4 }, { 15, 4 }, { 7, 2 }, { 11, 2 }, { 4, 1 },
	{ 5, 1 }, { 6, 1 }, { 9, 1 }, { 13, 1 }, { 10, 2 }, { 14, 2 },
	{ 16, 2 }, { 17, 2 }, { 1, 4 }, { 2, 4 }, { 22, 4 }, { 21, 4 },
};
#define T300_N		18
#define T300_LEN	46

static void
rec300(struct pb *p, uint32_t src, uint32_t pkts, uint32_t octets)
{
	pb_put(p, src, 4);
	pb_put(p, 0xc0a80002, 4);
	pb_put(p, 0x0a000001, 4);
	pb_put(p, 12345, 2);
	pb_put(p, 80, 2);
	pb_put(p, 6, 1);
	pb_put(p, 0x10, 1);
	pb_put(p, 0x1b, 1);
	pb_put(p, 24, 1);
	pb_put(p, 16, 1);
	pb_put(p, 3, 2);
	pb_put(p, 7, 2);
	pb_put(p, 64512, 2);
	pb_put(p, 65001, 2);
	pb_put(p, octets, 4);
	pb_put(p, pkts, 4);
	pb_put(p, UPTIME - 60000, 4);
	pb_put(p, UPTIME - 1000, 4);
}

static void
check300(const struct flowrec *r, uint32_t src, uint32_t pkts,
    uint32_t octets)
{
	assert_int_equal(r->version, 9);
	assert_int_equal(r->af, FR_AF_INET);
	assert_int_equal(r->src.v4, src);
	assert_int_equal(r->dst.v4, 0xc0a80002);
	assert_int_equal(r->nexthop.v4, 0x0a000001);
	assert_int_equal(r->sport, 12345);
	assert_int_equal(r->dport, 80);
	assert_int_equal(r->proto, 6);
	assert_int_equal(r->tos, 0x10);
	assert_int_equal(r->tcp_flags, 0x1b);
	assert_int_equal(r->src_mask, 24);
	assert_int_equal(r->dst_mask, 16);
	assert_int_equal(r->in_if, 3);
	assert_int_equal(r->out_if, 7);
	assert_int_equal(r->src_as, 64512);
	assert_int_equal(r->dst_as, 65001);
	assert_int_equal(r->packets, pkts);
	assert_int_equal(r->octets, octets);
	assert_int_equal(r->first_ms, EXP_MS - 60000);
	assert_int_equal(r->last_ms, EXP_MS - 1000);
	assert_int_equal(r->exporter.v4, 0x7f000001);
	assert_int_equal(r->exp_af, FR_AF_INET);
	assert_int_equal(r->sampling, 1);
	assert_false(r->fields & (FR_HAS_SAMPLING | FR_IS_EVENT));
	assert_true(r->fields & FR_HAS_TIMES);
	assert_true(r->fields & FR_HAS_AS);
}

static void
test_basic(void **state)
{
	struct proto_ctx *ctx = proto_new(NULL);
	struct proto_result res;
	struct pb p;

	(void)state;
	pb_v9(&p, 2, UPTIME, SECS, 1, 0);
	pb_tmpl_fs(&p, 300, T300_N, t300);
	pb_fs(&p, 300);
	rec300(&p, 0x0a000064, 10, 1500);
	rec300(&p, 0x0a000065, 20, 3000);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, &res, "basic"), 2);
	assert_int_equal(res.nrec, 2);
	assert_int_equal(res.version, 9);
	assert_int_equal(ngot, 2);
	check300(&got[0], 0x0a000064, 10, 1500);
	check300(&got[1], 0x0a000065, 20, 3000);
	assert_int_equal(got[0].uptime_ms, UPTIME);
	assert_int_equal(got[0].exp_secs, SECS);
	assert_int_equal(got[0].recv_ms, EXP_MS + 10);
	assert_int_equal(info(ctx).templates, 1);
	assert_int_equal(info(ctx).flows, 2);
	assert_int_equal(info(ctx).packets, 1);
	proto_free(ctx);
}

static void
test_short_header(void **state)
{
	struct proto_ctx *ctx = proto_new(NULL);
	struct pb p;

	(void)state;
	pb_v9(&p, 0, UPTIME, SECS, 1, 0);
	p.len = 19;
	assert_int_equal(dec(ctx, 1, &p, NULL, NULL), PROTO_E_SHORT);
	assert_int_equal(info(ctx).corrupt, 1);
	assert_int_equal(ngot, 0);
	proto_free(ctx);
}

static void
test_data_before_template_across(void **state)
{
	struct proto_ctx *ctx = proto_new(NULL);
	struct proto_result res;
	struct pb p;

	(void)state;
	/* packet 1: data only, older header time */
	pb_v9(&p, 1, UPTIME - 5000, SECS - 5, 1, 0);
	pb_fs(&p, 300);
	rec300(&p, 0x0a000001, 1, 100);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, &res, "before1"), 0);
	assert_int_equal(res.queued, 1);
	assert_int_equal(info(ctx).pending, 1);
	/* packet 2: the template, then new data */
	pb_v9(&p, 2, UPTIME, SECS, 2, 0);
	pb_tmpl_fs(&p, 300, T300_N, t300);
	pb_fs(&p, 300);
	rec300(&p, 0x0a000002, 2, 200);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, &res, "before2"), 2);
	assert_int_equal(res.released, 1);
	assert_int_equal(info(ctx).pending, 0);
	/* arrival order: the queued record first, with its own header */
	assert_int_equal(got[0].src.v4, 0x0a000001);
	assert_int_equal(got[0].exp_secs, SECS - 5);
	assert_int_equal(got[0].uptime_ms, UPTIME - 5000);
	/* First = UPTIME-60000 relative to uptime UPTIME-5000 at SECS-5 */
	assert_int_equal(got[0].first_ms, EXP_MS - 5000 - 55000);
	assert_int_equal(got[1].src.v4, 0x0a000002);
	check300(&got[1], 0x0a000002, 2, 200);
	proto_free(ctx);
}

static void
test_data_before_template_same(void **state)
{
	struct proto_ctx *ctx = proto_new(NULL);
	struct proto_result res;
	struct pb p;

	(void)state;
	/* Juniper MS-DPC order: data, template, data */
	pb_v9(&p, 3, UPTIME, SECS, 1, 0);
	pb_fs(&p, 300);
	rec300(&p, 0x0a000001, 1, 100);
	pb_fs_end(&p, 0);
	pb_tmpl_fs(&p, 300, T300_N, t300);
	pb_fs(&p, 300);
	rec300(&p, 0x0a000002, 2, 200);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, &res, "same"), 2);
	assert_int_equal(res.queued, 1);
	assert_int_equal(res.released, 1);
	check300(&got[0], 0x0a000001, 1, 100);
	check300(&got[1], 0x0a000002, 2, 200);
	assert_int_equal(info(ctx).pending, 0);
	proto_free(ctx);
}

/* Options template 400 (scope system) with sampler id 48, mode 49,
 * interval 50; data template 301 = t300 + sampler id. */
static const uint16_t optscope[][2] = { { 1, 4 } };
static const uint16_t optfields[][2] = { { 48, 2 }, { 49, 1 }, { 50, 4 } };
static const uint16_t t301[][2] = {
	{ 8, 4 }, { 12, 4 }, { 1, 4 }, { 2, 4 }, { 48, 2 },
};

static void
sampler_opts(struct pb *p, unsigned id1, uint32_t r1, unsigned id2,
    uint32_t r2)
{
	pb_opt_tmpl_fs(p, 400, 1, optscope, 3, optfields);
	pb_fs(p, 400);
	pb_put(p, 0x01020304, 4);
	pb_put(p, id1, 2);
	pb_put(p, 2, 1);
	pb_put(p, r1, 4);
	pb_put(p, 0x01020304, 4);
	pb_put(p, id2, 2);
	pb_put(p, 2, 1);
	pb_put(p, r2, 4);
	pb_fs_end(p, 2);
}

static void
rec301(struct pb *p, uint32_t src, unsigned sampler)
{
	pb_put(p, src, 4);
	pb_put(p, 0x0a0000fe, 4);
	pb_put(p, 1000, 4);
	pb_put(p, 10, 4);
	pb_put(p, sampler, 2);
}

static void
test_sampler_options(void **state)
{
	struct proto_ctx *ctx = proto_new(NULL);
	uint64_t gen = proto_state_generation(ctx);
	struct pb p;

	(void)state;
	pb_v9(&p, 3, UPTIME, SECS, 1, 0);
	sampler_opts(&p, 1, 2000, 2, 4000);
	pb_tmpl_fs(&p, 301, 5, t301);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "samplers"), 0);
	assert_int_equal(info(ctx).nsamplers, 2);
	assert_true(proto_state_generation(ctx) > gen);
	pb_v9(&p, 3, UPTIME, SECS, 2, 0);
	pb_fs(&p, 301);
	rec301(&p, 0x0a000001, 2);
	rec301(&p, 0x0a000002, 1);
	rec301(&p, 0x0a000003, 9);	/* unknown sampler */
	pb_fs_end(&p, 2);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "samplers2"), 3);
	assert_int_equal(got[0].sampling, 4000);
	assert_true(got[0].fields & FR_HAS_SAMPLING);
	assert_int_equal(got[1].sampling, 2000);
	assert_int_equal(got[2].sampling, 1);
	assert_false(got[2].fields & FR_HAS_SAMPLING);
	proto_free(ctx);
}

static void
test_exporter_wide_sampling(void **state)
{
	static const uint16_t o34[][2] = { { 34, 4 }, { 35, 1 } };
	struct proto_ctx *ctx = proto_new(NULL);
	struct pb p;

	(void)state;
	pb_v9(&p, 3, UPTIME, SECS, 1, 0);
	pb_opt_tmpl_fs(&p, 401, 1, optscope, 2, o34);
	pb_fs(&p, 401);
	pb_put(&p, 0, 4);
	pb_put(&p, 512, 4);
	pb_put(&p, 2, 1);
	pb_fs_end(&p, 3);
	pb_tmpl_fs(&p, 300, T300_N, t300);
	pb_fs(&p, 300);
	rec300(&p, 0x0a000001, 1, 100);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "wide"), 1);
	assert_int_equal(got[0].sampling, 512);
	assert_true(got[0].fields & FR_HAS_SAMPLING);
	assert_int_equal(info(ctx).sampling, 512);
	proto_free(ctx);
}

static void
test_sampling_in_record(void **state)
{
	static const uint16_t t[][2] = { { 8, 4 }, { 12, 4 }, { 2, 4 },
	    { 1, 4 }, { 34, 4 } };
	struct proto_ctx *ctx = proto_new(NULL);
	struct pb p;

	(void)state;
	pb_v9(&p, 2, UPTIME, SECS, 1, 0);
	pb_tmpl_fs(&p, 302, 5, t);
	pb_fs(&p, 302);
	pb_put(&p, 1, 4);
	pb_put(&p, 2, 4);
	pb_put(&p, 3, 4);
	pb_put(&p, 4, 4);
	pb_put(&p, 1000, 4);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "samp34"), 1);
	assert_int_equal(got[0].sampling, 1000);
	assert_true(got[0].fields & FR_HAS_SAMPLING);
	assert_int_equal(got[0].packets, 3);
	assert_int_equal(got[0].octets, 4);
	proto_free(ctx);
}

static void
test_redefinition(void **state)
{
	static const uint16_t a[][2] = { { 8, 4 }, { 12, 4 }, { 2, 4 } };
	static const uint16_t b[][2] = { { 2, 8 }, { 12, 4 }, { 8, 4 },
	    { 7, 2 } };
	struct proto_ctx *ctx = proto_new(NULL);
	struct pb p;

	(void)state;
	pb_v9(&p, 2, UPTIME, SECS, 1, 0);
	pb_tmpl_fs(&p, 310, 3, a);
	pb_fs(&p, 310);
	pb_put(&p, 0x01010101, 4);
	pb_put(&p, 0x02020202, 4);
	pb_put(&p, 5, 4);
	pb_fs_end(&p, 0);
	pb_tmpl_fs(&p, 310, 4, b);
	pb_fs(&p, 310);
	pb_put(&p, 77, 8);
	pb_put(&p, 0x03030303, 4);
	pb_put(&p, 0x04040404, 4);
	pb_put(&p, 443, 2);
	pb_fs_end(&p, 2);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "redef"), 2);
	assert_int_equal(got[0].src.v4, 0x01010101);
	assert_int_equal(got[0].packets, 5);
	assert_int_equal(got[1].src.v4, 0x04040404);
	assert_int_equal(got[1].dst.v4, 0x03030303);
	assert_int_equal(got[1].packets, 77);
	assert_int_equal(got[1].sport, 443);
	assert_int_equal(info(ctx).templates, 1);
	/* now the same ID becomes an options template: data gives nothing */
	pb_v9(&p, 2, UPTIME, SECS, 2, 0);
	pb_opt_tmpl_fs(&p, 310, 1, optscope, 3, optfields);
	pb_fs(&p, 310);
	pb_put(&p, 0, 4);
	pb_put(&p, 7, 2);
	pb_put(&p, 0, 1);
	pb_put(&p, 100, 4);
	pb_fs_end(&p, 1);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "kind"), 0);
	assert_int_equal(info(ctx).templates, 1);
	assert_int_equal(info(ctx).nsamplers, 1);
	proto_free(ctx);
}

static void
test_as_sizes(void **state)
{
	static const uint16_t a2[][2] = { { 8, 4 }, { 16, 2 }, { 17, 2 } };
	static const uint16_t a4[][2] = { { 8, 4 }, { 16, 4 }, { 17, 4 } };
	struct proto_ctx *ctx = proto_new(NULL);
	struct pb p;

	(void)state;
	pb_v9(&p, 4, UPTIME, SECS, 1, 0);
	pb_tmpl_fs(&p, 320, 3, a2);
	pb_tmpl_fs(&p, 321, 3, a4);
	pb_fs(&p, 320);
	pb_put(&p, 1, 4);
	pb_put(&p, 65001, 2);
	pb_put(&p, 65002, 2);
	pb_fs_end(&p, 0);
	pb_fs(&p, 321);
	pb_put(&p, 2, 4);
	pb_put(&p, 4200000001u, 4);
	pb_put(&p, 70000, 4);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "as"), 2);
	assert_int_equal(got[0].src_as, 65001);
	assert_int_equal(got[0].dst_as, 65002);
	assert_int_equal(got[1].src_as, 4200000001u);
	assert_int_equal(got[1].dst_as, 70000);
	proto_free(ctx);
}

static void
test_counter_sizes(void **state)
{
	struct proto_ctx *ctx = proto_new(NULL);
	uint16_t t[2][2];
	static const unsigned lens[] = { 1, 2, 3, 4, 8 };
	static const uint64_t vals[] = { 200, 60000, 0x123456, 4000000000u,
	    0x123456789abull };
	struct pb p;
	unsigned i;

	(void)state;
	for (i = 0; i < 5; i++) {
		t[0][0] = 1;
		t[0][1] = (uint16_t)lens[i];
		t[1][0] = 2;
		t[1][1] = (uint16_t)lens[i];
		pb_v9(&p, 2, UPTIME, SECS, i, 0);
		pb_tmpl_fs(&p, 330 + i, 2, (const uint16_t (*)[2])t);
		pb_fs(&p, 330 + i);
		pb_put(&p, vals[i], lens[i]);
		pb_put(&p, vals[i] - 1, lens[i]);
		pb_fs_end(&p, 0);
		assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "ctr"), 1);
		assert_int_equal(got[0].octets, vals[i]);
		assert_int_equal(got[0].packets, vals[i] - 1);
		assert_int_equal(got[0].af, FR_AF_NONE);
	}
	proto_free(ctx);
}

static void
test_times(void **state)
{
	static const uint16_t t8[][2] = { { 8, 4 }, { 2, 4 }, { 22, 8 },
	    { 21, 8 } };
	static const uint16_t ts[][2] = { { 8, 4 }, { 2, 4 }, { 150, 4 },
	    { 151, 4 } };
	static const uint16_t tm[][2] = { { 8, 4 }, { 2, 4 }, { 152, 8 },
	    { 153, 8 }, { 22, 4 }, { 21, 4 } };
	struct proto_ctx *ctx = proto_new(NULL);
	struct pb p;

	(void)state;
	pb_v9(&p, 6, UPTIME, SECS, 1, 0);
	pb_tmpl_fs(&p, 340, 4, t8);
	pb_tmpl_fs(&p, 341, 4, ts);
	pb_tmpl_fs(&p, 342, 6, tm);
	pb_fs(&p, 340);			/* NX-OS: 8-byte 21/22 are epoch ms */
	pb_put(&p, 1, 4);
	pb_put(&p, 1, 4);
	pb_put(&p, EXP_MS - 3000, 8);
	pb_put(&p, EXP_MS - 2000, 8);
	pb_fs_end(&p, 0);
	pb_fs(&p, 341);
	pb_put(&p, 2, 4);
	pb_put(&p, 1, 4);
	pb_put(&p, SECS - 30, 4);
	pb_put(&p, SECS - 20, 4);
	pb_fs_end(&p, 0);
	pb_fs(&p, 342);			/* absolute ms win over 21/22 */
	pb_put(&p, 3, 4);
	pb_put(&p, 1, 4);
	pb_put(&p, EXP_MS - 7, 8);
	pb_put(&p, EXP_MS - 5, 8);
	pb_put(&p, 0, 4);
	pb_put(&p, 0, 4);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "times"), 3);
	assert_int_equal(got[0].first_ms, EXP_MS - 3000);
	assert_int_equal(got[0].last_ms, EXP_MS - 2000);
	assert_int_equal(got[1].first_ms, EXP_MS - 30000);
	assert_int_equal(got[1].last_ms, EXP_MS - 20000);
	assert_int_equal(got[2].first_ms, EXP_MS - 7);
	assert_int_equal(got[2].last_ms, EXP_MS - 5);
	assert_true(got[2].fields & FR_HAS_TIMES);
	proto_free(ctx);
}

static void
test_uptime_wrap(void **state)
{
	static const uint16_t t[][2] = { { 8, 4 }, { 2, 4 }, { 22, 4 },
	    { 21, 4 } };
	struct proto_ctx *ctx = proto_new(NULL);
	struct pb p;

	(void)state;
	/* uptime wrapped 1 s ago; the flow started 4096 ms before the wrap */
	pb_v9(&p, 2, 1000, SECS, 1, 0);
	pb_tmpl_fs(&p, 350, 4, t);
	pb_fs(&p, 350);
	pb_put(&p, 1, 4);
	pb_put(&p, 1, 4);
	pb_put(&p, 0xFFFFF000u, 4);
	pb_put(&p, 500, 4);
	pb_fs_end(&p, 0);
	/* a flow "in the future" (First > uptime, no wrap): after export */
	pb_fs(&p, 350);
	pb_put(&p, 2, 4);
	pb_put(&p, 1, 4);
	pb_put(&p, 1500, 4);
	pb_put(&p, 1600, 4);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "wrap"), 2);
	assert_int_equal(got[0].first_ms, EXP_MS - 1000 - 4096);
	assert_int_equal(got[0].last_ms, EXP_MS - 500);
	assert_int_equal(got[1].first_ms, EXP_MS + 500);
	assert_int_equal(got[1].last_ms, EXP_MS + 600);
	proto_free(ctx);
}

static void
test_zero_padding(void **state)
{
	struct proto_ctx *ctx = proto_new(NULL);
	struct pb p;

	(void)state;
	/* Palo Alto: ~1400 zero bytes after the last flowset */
	pb_v9(&p, 2, UPTIME, SECS, 1, 0);
	pb_tmpl_fs(&p, 300, T300_N, t300);
	pb_fs(&p, 300);
	rec300(&p, 0x0a000001, 1, 100);
	pb_fs_end(&p, 2);
	pb_zero(&p, 1400 - p.len);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "zeropad"), 1);
	assert_int_equal(info(ctx).corrupt, 0);
	assert_int_equal(info(ctx).bad_flowsets, 0);	/* padding is fine */
	/* Cisco ACI: 64 zero bytes, then garbage the walk never reaches */
	pb_v9(&p, 1, UPTIME, SECS, 2, 0);
	pb_fs(&p, 300);
	rec300(&p, 0x0a000002, 1, 100);
	pb_fs_end(&p, 0);
	pb_zero(&p, 64);
	pb_put(&p, 0x0100ffff, 4);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "aci"), 1);
	proto_free(ctx);
}

static void
test_zero_length_flowset(void **state)
{
	struct proto_ctx *ctx = proto_new(NULL);
	struct pb p;

	(void)state;
	pb_v9(&p, 2, UPTIME, SECS, 1, 0);
	pb_tmpl_fs(&p, 300, T300_N, t300);
	pb_fs(&p, 300);			/* empty flowset (length 4): fine */
	pb_fs_end(&p, 0);
	pb_fs(&p, 300);
	rec300(&p, 0x0a000001, 1, 100);
	pb_fs_end(&p, 0);
	pb_put(&p, 300, 2);		/* length 0: the walk ends here */
	pb_put(&p, 0, 2);
	rec300(&p, 0x0a000002, 1, 100);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "zerolen"), 1);
	assert_int_equal(got[0].src.v4, 0x0a000001);
	proto_free(ctx);
}

static void
test_lying_lengths(void **state)
{
	struct proto_ctx *ctx = proto_new(NULL);
	struct pb p;
	size_t fs;

	(void)state;
	/* header count says 200, one record follows; the last flowset
	 * claims more bytes than the datagram has */
	pb_v9(&p, 200, UPTIME, SECS, 1, 0);
	pb_tmpl_fs(&p, 300, T300_N, t300);
	pb_fs(&p, 300);
	rec300(&p, 0x0a000001, 1, 100);
	pb_fs_end(&p, 0);
	fs = p.len;
	pb_fs(&p, 300);
	rec300(&p, 0x0a000002, 1, 100);
	pb_fs_end(&p, 0);
	p.b[fs + 2] = 0x7f;
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "lying"), 1);
	assert_int_equal(info(ctx).bad_flowsets, 1);	/* counted */
	/* header count 1 for five records (softflowd bug): all five */
	pb_v9(&p, 1, UPTIME, SECS, 2, 0);
	pb_fs(&p, 300);
	rec300(&p, 1, 1, 1);
	rec300(&p, 2, 1, 1);
	rec300(&p, 3, 1, 1);
	rec300(&p, 4, 1, 1);
	rec300(&p, 5, 1, 1);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "count"), 5);
	/* a template flowset whose field count runs past its end */
	pb_v9(&p, 1, UPTIME, SECS, 3, 0);
	pb_fs(&p, 0);
	pb_put(&p, 360, 2);
	pb_put(&p, 1000, 2);
	pb_put(&p, 8, 2);
	pb_put(&p, 4, 2);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "tmpllie"), 0);
	assert_int_equal(info(ctx).templates, 1);
	proto_free(ctx);
}

static void
test_padding_17(void **state)
{
	struct proto_ctx *ctx = proto_new(NULL);
	struct pb p;

	(void)state;
	/* nProbe: 17 bytes after one record; 46 + 17 < 2 * 46 */
	pb_v9(&p, 2, UPTIME, SECS, 1, 0);
	pb_tmpl_fs(&p, 300, T300_N, t300);
	pb_fs(&p, 300);
	rec300(&p, 0x0a000001, 1, 100);
	pb_fs_end(&p, 17);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "pad17"), 1);
	/* and no padding at all, odd length (softflowd) */
	pb_v9(&p, 2, UPTIME, SECS, 2, 0);
	pb_fs(&p, 0);
	pb_tmpl(&p, 370, 2, (const uint16_t[][2]){ { 8, 4 }, { 4, 1 } });
	pb_fs_end(&p, 0);
	pb_fs(&p, 370);
	pb_put(&p, 9, 4);
	pb_put(&p, 17, 1);
	pb_put(&p, 10, 4);
	pb_put(&p, 6, 1);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "nopad"), 2);
	assert_int_equal(got[1].src.v4, 10);
	assert_int_equal(got[1].proto, 6);
	proto_free(ctx);
}

static void
test_varlen(void **state)
{
	static const uint16_t t[][2] = { { 8, 4 }, { 236, 65535 },
	    { 2, 4 }, { 95, 65535 }, { 7, 2 } };
	struct proto_ctx *ctx = proto_new(NULL);
	uint8_t name[300];
	struct pb p;

	(void)state;
	memset(name, 'x', sizeof(name));
	pb_v9(&p, 2, UPTIME, SECS, 1, 0);
	pb_tmpl_fs(&p, 380, 5, t);
	pb_fs(&p, 380);
	pb_put(&p, 1, 4);
	pb_put(&p, 3, 1);		/* short form */
	pb_raw(&p, "vrf", 3);
	pb_put(&p, 11, 4);
	pb_put(&p, 0, 1);		/* empty */
	pb_put(&p, 22, 2);
	pb_put(&p, 2, 4);
	pb_put(&p, 255, 1);		/* long form: 255 + 2-byte length */
	pb_put(&p, 300, 2);
	pb_raw(&p, name, 300);
	pb_put(&p, 12, 4);
	pb_put(&p, 1, 1);
	pb_raw(&p, "y", 1);
	pb_put(&p, 23, 2);
	pb_fs_end(&p, 3);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "varlen"), 2);
	assert_int_equal(got[0].src.v4, 1);
	assert_int_equal(got[0].packets, 11);
	assert_int_equal(got[0].sport, 22);
	assert_int_equal(got[1].src.v4, 2);
	assert_int_equal(got[1].packets, 12);
	assert_int_equal(got[1].sport, 23);
	proto_free(ctx);
}

static void
test_zero_length_field(void **state)
{
	static const uint16_t t[][2] = { { 8, 4 }, { 12, 0 }, { 2, 4 },
	    { 1, 0 } };
	static const uint16_t z[][2] = { { 8, 0 }, { 2, 0 } };
	struct proto_ctx *ctx = proto_new(NULL);
	struct pb p;

	(void)state;
	pb_v9(&p, 3, UPTIME, SECS, 1, 0);
	pb_tmpl_fs(&p, 390, 4, t);
	pb_tmpl_fs(&p, 391, 2, z);	/* record length 0 */
	pb_fs(&p, 390);
	pb_put(&p, 5, 4);
	pb_put(&p, 6, 4);
	pb_fs_end(&p, 0);
	pb_fs(&p, 391);
	pb_zero(&p, 8);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "zerofield"), 1);
	assert_int_equal(got[0].src.v4, 5);
	assert_int_equal(got[0].packets, 6);
	assert_false(got[0].fields & FR_HAS_DSTADDR);
	assert_false(got[0].fields & FR_HAS_OCTETS);
	proto_free(ctx);
}

static void
test_unknown_fields(void **state)
{
	static const uint16_t t[][2] = { { 40000, 6 }, { 8, 4 },
	    { 57000, 3 }, { 2, 4 }, { 12, 5 }, { 225, 4 }, { 226, 4 },
	    { 56701, 32 }, { 1, 4 } };
	struct proto_ctx *ctx = proto_new(NULL);
	uint8_t junk[32];
	struct pb p;

	(void)state;
	memset(junk, 0xee, sizeof(junk));
	pb_v9(&p, 2, UPTIME, SECS, 1, 0);
	pb_tmpl_fs(&p, 400, 9, t);
	pb_fs(&p, 400);
	pb_raw(&p, junk, 6);
	pb_put(&p, 0x0a000001, 4);
	pb_raw(&p, junk, 3);
	pb_put(&p, 9, 4);
	pb_raw(&p, junk, 5);		/* dst address of a wrong size */
	pb_put(&p, 0x01010101, 4);	/* post-NAT: ignored */
	pb_put(&p, 0x02020202, 4);
	pb_raw(&p, junk, 32);
	pb_put(&p, 999, 4);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "unknown"), 1);
	assert_int_equal(got[0].src.v4, 0x0a000001);
	assert_int_equal(got[0].dst.v4, 0);
	assert_int_equal(got[0].packets, 9);
	assert_int_equal(got[0].octets, 999);
	proto_free(ctx);
}

static void
test_ipv6(void **state)
{
	static const uint16_t t[][2] = { { 27, 16 }, { 28, 16 }, { 62, 16 },
	    { 29, 1 }, { 30, 1 }, { 31, 3 }, { 2, 4 }, { 1, 4 }, { 4, 1 },
	    { 32, 2 } };
	static const uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t b[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	static const uint8_t nh[16] = { 0xfe, 0x80, [15] = 9 };
	struct proto_ctx *ctx = proto_new(NULL);
	struct pb p;

	(void)state;
	pb_v9(&p, 2, UPTIME, SECS, 1, 7);
	pb_tmpl_fs(&p, 410, 10, t);
	pb_fs(&p, 410);
	pb_raw(&p, a, 16);
	pb_raw(&p, b, 16);
	pb_raw(&p, nh, 16);
	pb_put(&p, 48, 1);
	pb_put(&p, 64, 1);
	pb_put(&p, 0xf12345, 3);
	pb_put(&p, 4, 4);
	pb_put(&p, 400, 4);
	pb_put(&p, 58, 1);
	pb_put(&p, 0x8000, 2);		/* echo request */
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "ipv6"), 1);
	assert_int_equal(got[0].af, FR_AF_INET6);
	assert_memory_equal(got[0].src.v6, a, 16);
	assert_memory_equal(got[0].dst.v6, b, 16);
	assert_memory_equal(got[0].nexthop.v6, nh, 16);
	assert_int_equal(got[0].src_mask, 48);
	assert_int_equal(got[0].dst_mask, 64);
	assert_int_equal(got[0].flow_label, 0x12345);
	assert_true(got[0].fields & FR_HAS_FLOWLABEL);
	assert_int_equal(got[0].dport, 0x8000);
	assert_int_equal(got[0].source_id, 7);
	proto_free(ctx);
}

static void
test_asa_event(void **state)
{
	static const uint16_t t[][2] = { { 8, 4 }, { 12, 4 }, { 4, 1 },
	    { 231, 4 }, { 232, 4 }, { 85, 4 }, { 40005, 1 } };
	struct proto_ctx *ctx = proto_new(NULL);
	struct pb p;

	(void)state;
	pb_v9(&p, 2, UPTIME, SECS, 1, 0);
	pb_tmpl_fs(&p, 263, 7, t);
	pb_fs(&p, 263);
	pb_put(&p, 1, 4);
	pb_put(&p, 2, 4);
	pb_put(&p, 6, 1);
	pb_put(&p, 100, 4);
	pb_put(&p, 50, 4);
	pb_put(&p, 9999, 4);
	pb_put(&p, 2, 1);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "asa"), 1);
	assert_true(got[0].fields & FR_IS_EVENT);
	assert_false(got[0].fields & FR_HAS_PACKETS);
	assert_int_equal(got[0].octets, 150);
	assert_int_equal(got[0].packets, 0);
	proto_free(ctx);
}

static void
test_scoping(void **state)
{
	static const uint16_t ta[][2] = { { 8, 4 }, { 2, 4 } };
	static const uint16_t tb[][2] = { { 2, 4 }, { 8, 4 } };
	struct proto_ctx *ctx = proto_new(NULL);
	struct pb p;

	(void)state;
	/* the same template ID under two source IDs and two exporters */
	pb_v9(&p, 1, UPTIME, SECS, 1, 1);
	pb_tmpl_fs(&p, 259, 2, ta);
	dec(ctx, 0x7f000001, &p, NULL, "scope1");
	pb_v9(&p, 1, UPTIME, SECS, 1, 2);
	pb_tmpl_fs(&p, 259, 2, tb);
	dec(ctx, 0x7f000001, &p, NULL, "scope2");
	pb_v9(&p, 1, UPTIME, SECS, 2, 1);
	pb_fs(&p, 259);
	pb_put(&p, 0x0a000001, 4);
	pb_put(&p, 5, 4);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "scope3"), 1);
	assert_int_equal(got[0].src.v4, 0x0a000001);
	pb_v9(&p, 1, UPTIME, SECS, 2, 2);
	pb_fs(&p, 259);
	pb_put(&p, 5, 4);
	pb_put(&p, 0x0a000001, 4);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "scope4"), 1);
	assert_int_equal(got[0].src.v4, 0x0a000001);
	assert_int_equal(got[0].packets, 5);
	/* another exporter does not see these templates */
	assert_int_equal(dec(ctx, 0x7f000002, &p, NULL, NULL), 0);
	assert_int_equal(proto_exporter_count(ctx), 2);
	assert_int_equal(info(ctx).nsource_ids, 2);
	proto_free(ctx);
}

static void
test_sequence(void **state)
{
	struct proto_ctx *ctx = proto_new(NULL);
	struct proto_result res;
	struct pb p;

	(void)state;
	pb_v9(&p, 0, UPTIME, SECS, 10, 0);
	dec(ctx, 0x7f000001, &p, &res, NULL);
	pb_v9(&p, 0, UPTIME, SECS, 11, 0);
	dec(ctx, 0x7f000001, &p, &res, NULL);
	pb_v9(&p, 0, UPTIME, SECS, 15, 0);	/* 12..14 lost */
	dec(ctx, 0x7f000001, &p, &res, NULL);
	pb_v9(&p, 0, UPTIME, SECS, 100, 5);	/* other source: own state */
	dec(ctx, 0x7f000001, &p, &res, NULL);
	assert_int_equal(info(ctx).lost_packets, 3);
	pb_v9(&p, 0, UPTIME, SECS, 5000, 0);
	dec(ctx, 0x7f000001, &p, &res, NULL);
	assert_int_equal(res.resets, 1);
	assert_int_equal(info(ctx).seq_resets, 1);
	assert_int_equal(info(ctx).lost_packets, 3);
	proto_free(ctx);
}

/*
 * Bug: after an exporter restart, data for a reused template ID that came
 * before the new definition was read with the old layout (garbage flows,
 * nothing counted).  A sequence reset with sysUptime going back over a
 * minute forgets the source's templates, so that data waits for its own
 * template; a reset without it (a jump of the sequence alone, or a
 * reordered datagram a little older) keeps them.
 */
static void
test_restart_forgets_templates(void **state)
{
	static const uint16_t a[][2] = { { 8, 4 }, { 12, 4 }, { 2, 4 } };
	static const uint16_t b[][2] = { { 2, 8 }, { 12, 4 }, { 8, 4 } };
	struct proto_ctx *ctx = proto_new(NULL);
	struct pb p;

	(void)state;
	pb_v9(&p, 2, UPTIME, SECS, 100, 3);
	pb_tmpl_fs(&p, 310, 3, a);
	pb_fs(&p, 310);
	pb_put(&p, 0x01010101, 4);
	pb_put(&p, 0x02020202, 4);
	pb_put(&p, 5, 4);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, NULL), 1);
	/* the sequence jumps, the uptime goes on: same templates */
	pb_v9(&p, 1, UPTIME + 1000, SECS + 1, 90000, 3);
	pb_fs(&p, 310);
	pb_put(&p, 0x01010101, 4);
	pb_put(&p, 0x02020202, 4);
	pb_put(&p, 6, 4);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, NULL), 1);
	assert_int_equal(got[0].packets, 6);
	assert_int_equal(info(ctx).seq_resets, 1);
	/* reordered: sequence and uptime a little back, same templates */
	pb_v9(&p, 1, UPTIME - 2000, SECS - 1, 89000, 3);
	pb_fs(&p, 310);
	pb_put(&p, 0x01010101, 4);
	pb_put(&p, 0x02020202, 4);
	pb_put(&p, 7, 4);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, NULL), 1);
	assert_int_equal(got[0].packets, 7);
	assert_int_equal(info(ctx).seq_resets, 2);
	/* restart: data in layout b before its template */
	pb_v9(&p, 1, 5000, SECS + 60, 0, 3);
	pb_fs(&p, 310);
	pb_put(&p, 77, 8);
	pb_put(&p, 0x03030303, 4);
	pb_put(&p, 0x04040404, 4);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, NULL), 0);
	assert_int_equal(info(ctx).seq_resets, 3);
	assert_int_equal(info(ctx).templates, 0);
	assert_int_equal(info(ctx).pending, 1);
	pb_v9(&p, 1, 6000, SECS + 61, 1, 3);
	pb_tmpl_fs(&p, 310, 3, b);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, NULL), 1);
	assert_int_equal(got[0].packets, 77);
	assert_int_equal(got[0].src.v4, 0x04040404);
	assert_int_equal(got[0].dst.v4, 0x03030303);
	assert_int_equal(info(ctx).pending, 0);
	proto_free(ctx);
}

static void
test_limits_templates(void **state)
{
	struct proto_limits lim = { .max_templates = 4,
	    .max_template_fields = 8 };
	static const uint16_t t[][2] = { { 8, 4 }, { 2, 4 } };
	static const uint16_t big[9][2];
	struct proto_ctx *ctx = proto_new(&lim);
	struct pb p;
	unsigned i;

	(void)state;
	for (i = 0; i < 4; i++) {
		pb_v9(&p, 1, UPTIME, SECS, i, 0);
		pb_tmpl_fs(&p, 500 + i, 2, t);
		dec(ctx, 0x7f000001, &p, NULL, NULL);
	}
	/* use 500 so that 501 is the least recently used */
	pb_v9(&p, 1, UPTIME, SECS, 4, 0);
	pb_fs(&p, 500);
	pb_put(&p, 1, 4);
	pb_put(&p, 1, 4);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, NULL), 1);
	pb_v9(&p, 1, UPTIME, SECS, 5, 0);
	pb_tmpl_fs(&p, 600, 2, t);
	pb_tmpl_fs(&p, 601, 9, big);	/* too many fields: refused */
	pb_fs(&p, 501);
	pb_put(&p, 1, 4);
	pb_put(&p, 1, 4);
	pb_fs_end(&p, 0);
	pb_fs(&p, 500);
	pb_put(&p, 1, 4);
	pb_put(&p, 1, 4);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, "flood"), 1);
	assert_int_equal(info(ctx).templates, 4);
	assert_int_equal(info(ctx).templates_evicted, 1);
	assert_int_equal(info(ctx).pending, 1);	/* 501 data queued */
	proto_free(ctx);
}

static void
test_limits_pending(void **state)
{
	struct proto_limits lim = { .max_pending = 2, .pending_ttl_ms = 1000 };
	struct proto_ctx *ctx = proto_new(&lim);
	struct pb p;
	unsigned i;

	(void)state;
	for (i = 0; i < 3; i++) {
		pb_v9(&p, 1, UPTIME, SECS, i, 0);
		pb_fs(&p, 700 + i);
		pb_put(&p, i, 4);
		pb_fs_end(&p, 0);
		dec(ctx, 0x7f000001, &p, NULL, NULL);
	}
	assert_int_equal(info(ctx).pending, 2);
	assert_int_equal(info(ctx).pending_dropped, 1);
	assert_int_equal(proto_expire(ctx, EXP_MS + 10 + 500), 0);
	assert_int_equal(proto_expire(ctx, EXP_MS + 10 + 1001), 2);
	assert_int_equal(info(ctx).pending, 0);
	assert_int_equal(info(ctx).pending_expired, 2);
	/* a template now finds nothing to release */
	pb_v9(&p, 1, UPTIME, SECS, 9, 0);
	pb_tmpl_fs(&p, 702, 1, (const uint16_t[][2]){ { 2, 4 } });
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, NULL), 0);
	proto_free(ctx);
}

/* One data flowset for template 700 that nobody announced, from exporter. */
static void
queue_one(struct proto_ctx *ctx, uint32_t exporter)
{
	struct pb p;

	pb_v9(&p, 1, UPTIME, SECS, 1, 0);
	pb_fs(&p, 700);
	pb_put(&p, exporter, 4);
	pb_fs_end(&p, 0);
	dec(ctx, exporter, &p, NULL, NULL);
}

/* pending-total: the sum over all exporters is bounded, newcomers are
 * refused and counted, and what leaves (expiry, eviction) leaves the sum. */
static void
test_limits_pending_total(void **state)
{
	struct proto_limits lim = { .pending_ttl_ms = 1000 };
	struct proto_ctx *ctx = proto_new(&lim);
	struct proto_stats st;
	struct proto_exporter_info in;
	uint64_t one;

	(void)state;
	queue_one(ctx, 1);
	proto_get_stats(ctx, &st);
	one = st.pending_bytes;
	assert_true(one > 0);
	assert_int_equal(st.pending_total, 64 * 1024 * 1024);
	proto_free(ctx);

	lim.max_pending_total = (unsigned)(2 * one);
	lim.max_exporters = 3;
	ctx = proto_new(&lim);
	queue_one(ctx, 1);
	queue_one(ctx, 2);
	queue_one(ctx, 3);		/* over the sum: refused */
	proto_get_stats(ctx, &st);
	assert_int_equal(st.pending_bytes, 2 * one);
	assert_int_equal(st.pending_bytes_max, 2 * one);
	assert_int_equal(st.pending_refused, 1);
	assert_int_equal(proto_exporter_get(ctx, 2, &in), 0);
	assert_int_equal(in.addr.v4, 3);
	assert_int_equal(in.pending, 0);
	assert_int_equal(in.pending_dropped, 1);
	/* exporter 4 pushes exporter 1 (the LRU) out with its queue */
	queue_one(ctx, 4);
	proto_get_stats(ctx, &st);
	assert_int_equal(st.exporters_evicted, 1);
	assert_int_equal(st.exporters, 3);
	assert_int_equal(st.pending_bytes, 2 * one);
	assert_int_equal(st.pending_refused, 1);
	/* expiry empties the sum */
	assert_int_equal(proto_expire(ctx, EXP_MS + 10 + 1001), 2);
	proto_get_stats(ctx, &st);
	assert_int_equal(st.pending_bytes, 0);
	assert_int_equal(st.pending_bytes_max, 2 * one);
	proto_free(ctx);
}

static void
test_limits_exporters(void **state)
{
	struct proto_limits lim = { .max_exporters = 2 };
	struct proto_ctx *ctx = proto_new(&lim);
	struct proto_exporter_info in;
	struct pb p;

	(void)state;
	pb_v9(&p, 0, UPTIME, SECS, 1, 0);
	dec(ctx, 1, &p, NULL, NULL);
	dec(ctx, 2, &p, NULL, NULL);
	dec(ctx, 1, &p, NULL, NULL);
	dec(ctx, 3, &p, NULL, NULL);	/* evicts 2, the LRU */
	assert_int_equal(proto_exporter_count(ctx), 2);
	assert_int_equal(proto_exporter_get(ctx, 0, &in), 0);
	assert_true(in.addr.v4 == 1 || in.addr.v4 == 3);
	assert_int_equal(proto_exporter_get(ctx, 1, &in), 0);
	assert_true(in.addr.v4 == 1 || in.addr.v4 == 3);
	assert_int_equal(proto_exporter_get(ctx, 2, &in), -1);
	proto_free(ctx);
}

static void
test_batching(void **state)
{
	struct proto_ctx *ctx = proto_new(NULL);
	static const uint16_t t[][2] = { { 8, 4 } };
	struct pb p;
	unsigned i;

	(void)state;
	pb_v9(&p, 1, UPTIME, SECS, 1, 0);
	pb_tmpl_fs(&p, 800, 1, t);
	pb_fs(&p, 800);
	for (i = 0; i < 200; i++)
		pb_put(&p, i, 4);
	pb_fs_end(&p, 0);
	assert_int_equal(dec(ctx, 0x7f000001, &p, NULL, NULL), 200);
	assert_int_equal(ngot, 200);
	assert_true(nput >= 4);
	for (i = 0; i < 200; i++)
		assert_int_equal(got[i].src.v4, i);
	proto_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_limits_pending_total),
		cmocka_unit_test(test_short_header),
		cmocka_unit_test(test_data_before_template_across),
		cmocka_unit_test(test_data_before_template_same),
		cmocka_unit_test(test_sampler_options),
		cmocka_unit_test(test_exporter_wide_sampling),
		cmocka_unit_test(test_sampling_in_record),
		cmocka_unit_test(test_redefinition),
		cmocka_unit_test(test_as_sizes),
		cmocka_unit_test(test_counter_sizes),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_uptime_wrap),
		cmocka_unit_test(test_zero_padding),
		cmocka_unit_test(test_zero_length_flowset),
		cmocka_unit_test(test_lying_lengths),
		cmocka_unit_test(test_padding_17),
		cmocka_unit_test(test_varlen),
		cmocka_unit_test(test_zero_length_field),
		cmocka_unit_test(test_unknown_fields),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_asa_event),
		cmocka_unit_test(test_scoping),
		cmocka_unit_test(test_sequence),
		cmocka_unit_test(test_restart_forgets_templates),
		cmocka_unit_test(test_limits_templates),
		cmocka_unit_test(test_limits_pending),
		cmocka_unit_test(test_limits_exporters),
		cmocka_unit_test(test_batching),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
