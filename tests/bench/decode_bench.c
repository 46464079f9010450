/*
 * decode_bench.c - nanoseconds per decoded flow for NetFlow v5 and v9.
 *
 * Not part of `make check`.  Build and run from a build directory:
 *	make tests/bench/decode_bench && ./tests/bench/decode_bench
 * (configure without --enable-asan for meaningful figures).  Datagrams are
 * made with the encoders (30 v5 records; v9 with templates 256/257, about
 * 19 IPv4 records each) and decoded over and over into a sink that only
 * sums a field.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "proto/nfenc.h"
#include "proto/proto.h"

#define NDGRAM	64
#define ROUNDS	20000

static uint64_t sum;

static void
sink_put(void *arg, const struct flowrec *r, unsigned n)
{
	unsigned i;

	(void)arg;
	for (i = 0; i < n; i++)
		sum += r[i].octets;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
make_recs(struct flowrec *r, unsigned n)
{
	unsigned i;

	memset(r, 0, n * sizeof(*r));
	for (i = 0; i < n; i++) {
		r[i].af = FR_AF_INET;
		r[i].src.v4 = 0x0a000000 + i;
		r[i].dst.v4 = 0xc0a80000 + i * 13;
		r[i].sport = (uint16_t)(1024 + i);
		r[i].dport = 443;
		r[i].proto = 6;
		r[i].packets = 10 + i;
		r[i].octets = 1500 * (10 + i);
		r[i].in_if = 1;
		r[i].out_if = 2;
		r[i].first_ms = 1700000000000ull - 5000;
		r[i].last_ms = 1700000000000ull - 100;
		r[i].sampling = 1;
	}
}

static void
bench(int version)
{
	static uint8_t dg[NDGRAM][NFENC_MTU];
	static size_t dlen[NDGRAM];
	struct flowrec recs[64];
	struct proto_ctx *ctx = proto_new(NULL);
	struct fr_sink sink = { sink_put, NULL };
	struct proto_src src;
	struct nfenc e;
	uint64_t flows = 0;
	unsigned i, r, sk;
	double t0, t1;
	int n;

	make_recs(recs, 64);
	nfenc_init(&e, version);
	e.template_every = 1000000;	/* templates only in the first */
	for (i = 0; i < NDGRAM; i++)
		nfenc_build(&e, recs, 64, 1700000000000ull, 3600000, dg[i],
		    &dlen[i], &sk);
	memset(&src, 0, sizeof(src));
	src.af = FR_AF_INET;
	src.addr.v4 = 0x7f000001;
	src.recv_ms = 1700000000000ull;
	proto_decode(ctx, &src, dg[0], dlen[0], &sink, NULL);
	t0 = now_s();
	for (r = 0; r < ROUNDS; r++) {
		for (i = 1; i < NDGRAM; i++) {
			n = proto_decode(ctx, &src, dg[i], dlen[i], &sink,
			    NULL);
			if (n > 0)
				flows += (unsigned)n;
		}
	}
	t1 = now_s();
	printf("v%d: %llu flows in %.3f s: %.1f ns per flow\n", version,
	    (unsigned long long)flows, t1 - t0, (t1 - t0) * 1e9 / flows);
	proto_free(ctx);
}

int
main(void)
{
	bench(5);
	bench(9);
	return sum == 0;
}
