/*
 * test_nfenc.c - v5 and v9 encoders: encode -> proto_decode -> the same
 * records (the fields each format carries).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "proto/nfenc.h"
#include "proto/proto.h"

#define NOW	1700000000123ull
#define UPTIME	86400000u
#define N	100

static struct flowrec got[2 * N];
static unsigned ngot;

static void
sink_put(void *arg, const struct flowrec *r, unsigned n)
{
	(void)arg;
	assert_true(ngot + n <= 2 * N);
	memcpy(got + ngot, r, n * sizeof(*r));
	ngot += n;
}

static const struct fr_sink sink = { sink_put, NULL };

static void
make(struct flowrec *r, unsigned i, int v6)
{
	memset(r, 0, sizeof(*r));
	r->af = v6 ? FR_AF_INET6 : FR_AF_INET;
	if (v6) {
		r->src.v6[0] = 0x20;
		r->src.v6[15] = (uint8_t)i;
		r->dst.v6[0] = 0x20;
		r->dst.v6[14] = (uint8_t)i;
		r->nexthop.v6[0] = 0xfe;
		r->flow_label = 0x12345 + i;
	} else {
		r->src.v4 = 0x0a000000 + i;
		r->dst.v4 = 0xc0a80000 + i * 7;
		r->nexthop.v4 = 0x0a0000fe;
	}
	r->sport = (uint16_t)(1000 + i);
	r->dport = (uint16_t)(443 + i);
	r->proto = (uint8_t)(i % 2 ? 6 : 17);
	r->tos = (uint8_t)i;
	r->tcp_flags = 0x1b;
	r->src_mask = 24;
	r->dst_mask = (uint8_t)(i % 33);
	r->in_if = 3 + i;
	r->out_if = 700 + i;
	r->src_as = 64512 + i;
	r->dst_as = 3356;
	r->packets = 10 + i;
	r->octets = 1500 * (10 + (uint64_t)i);
	r->first_ms = NOW - 60000 - i;
	r->last_ms = NOW - 1000 + i;
	r->sampling = 1;
}

static int
decode(struct proto_ctx *ctx, const uint8_t *buf, size_t len)
{
	struct proto_src src;

	memset(&src, 0, sizeof(src));
	src.af = FR_AF_INET;
	src.addr.v4 = 0x7f000001;
	src.recv_ms = NOW;
	return proto_decode(ctx, &src, buf, len, &sink, NULL);
}

static void
same(const struct flowrec *a, const struct flowrec *b, int v9)
{
	assert_int_equal(a->af, b->af);
	assert_memory_equal(&a->src, &b->src, sizeof(a->src));
	assert_memory_equal(&a->dst, &b->dst, sizeof(a->dst));
	assert_memory_equal(&a->nexthop, &b->nexthop, sizeof(a->nexthop));
	assert_int_equal(a->sport, b->sport);
	assert_int_equal(a->dport, b->dport);
	assert_int_equal(a->proto, b->proto);
	assert_int_equal(a->tos, b->tos);
	assert_int_equal(a->tcp_flags, b->tcp_flags);
	assert_int_equal(a->src_mask, b->src_mask);
	assert_int_equal(a->dst_mask, b->dst_mask);
	assert_int_equal(a->in_if, b->in_if);
	assert_int_equal(a->out_if, b->out_if);
	assert_int_equal(a->src_as, b->src_as);
	assert_int_equal(a->dst_as, b->dst_as);
	assert_int_equal(a->packets, b->packets);
	assert_int_equal(a->octets, b->octets);
	assert_int_equal(a->first_ms, b->first_ms);
	assert_int_equal(a->last_ms, b->last_ms);
	assert_int_equal(a->sampling, b->sampling);
	if (v9 && a->af == FR_AF_INET6)
		assert_int_equal(a->flow_label, b->flow_label);
}

static void
test_v5_roundtrip(void **state)
{
	struct proto_ctx *ctx = proto_new(NULL);
	struct flowrec in[N];
	struct nfenc e;
	struct proto_exporter_info info;
	uint8_t buf[NFENC_MTU];
	size_t len;
	unsigned i, off = 0, used, sk, n6 = 0, k = 0;

	(void)state;
	for (i = 0; i < N; i++) {
		make(&in[i], i, i % 10 == 9);
		n6 += i % 10 == 9;
	}
	assert_int_equal(nfenc_init(&e, 5), 0);
	assert_int_equal(nfenc_init(&e, 7), -1);
	nfenc_init(&e, 5);
	ngot = 0;
	while (off < N) {
		used = nfenc_build(&e, in + off, N - off, NOW, UPTIME, buf,
		    &len, &sk);
		assert_true(used >= 1);
		assert_true(len <= NFENC_MTU);
		assert_true(decode(ctx, buf, len) >= 0);
		off += used;
		k += sk;
	}
	assert_int_equal(k, n6);
	assert_int_equal(ngot, N - n6);
	for (i = 0, k = 0; i < N; i++)
		if (in[i].af == FR_AF_INET)
			same(&in[i], &got[k++], 0);
	assert_int_equal(got[0].uptime_ms, UPTIME);
	assert_int_equal(got[0].exp_secs, NOW / 1000);
	assert_int_equal(e.sequence, N - n6);
	proto_exporter_get(ctx, 0, &info);
	assert_int_equal(info.lost, 0);
	assert_int_equal(info.seq_resets, 0);
	proto_free(ctx);
}

static void
test_v9_roundtrip(void **state)
{
	struct proto_ctx *ctx = proto_new(NULL);
	struct flowrec in[N];
	struct nfenc e;
	struct proto_exporter_info info;
	uint8_t buf[NFENC_MTU];
	size_t len;
	unsigned i, off = 0, used, sk;

	(void)state;
	for (i = 0; i < N; i++) {
		make(&in[i], i, i % 3 == 0);
		in[i].src_as = 4200000000u + i;		/* 4-byte AS */
		in[i].octets += 1ull << 33;		/* 8-byte counter */
		in[i].sampling = i < 50 ? 1 : 64;
	}
	assert_int_equal(nfenc_init(&e, 9), 0);
	e.source_id = 77;
	e.template_every = 3;
	ngot = 0;
	while (off < N) {
		used = nfenc_build(&e, in + off, N - off, NOW, UPTIME, buf,
		    &len, &sk);
		assert_true(used >= 1);
		assert_true(len <= NFENC_MTU);
		assert_int_equal(sk, 0);
		assert_true(decode(ctx, buf, len) >= 0);
		off += used;
	}
	assert_int_equal(ngot, N);
	for (i = 0; i < N; i++) {
		same(&in[i], &got[i], 1);
		assert_int_equal(got[i].source_id, 77);
		assert_int_equal(got[i].version, 9);
	}
	proto_exporter_get(ctx, 0, &info);
	assert_int_equal(info.lost_packets, 0);
	assert_int_equal(info.templates, 2);
	assert_true(e.sent > 3);
	proto_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v5_roundtrip),
		cmocka_unit_test(test_v9_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
