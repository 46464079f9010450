/*
 * filter_bench.c - ns per record of compiled filters over 4096 varied
 * records, cycled: `make tests/bench/filter_bench &&
 * ./tests/bench/filter_bench [rounds]`.  Not part of `make check`.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/filter.h"

#define NRECS	4096

static const char *const exprs[] = {
	"any",
	"port 80",
	"src net 10.0.0.0/8 and dst port in [80, 443, 8000-9000]",
	"proto tcp and (port 80 or port 443) and bytes > 10k and not "
	    "flags R",
	"src ip in [LIST]",		/* 1000 prefixes, filled in below */
};

static struct flowrec recs[NRECS];

static uint32_t
rnd(void)
{
	static uint32_t s = 2463534242u;

	s ^= s << 13;
	s ^= s >> 17;
	s ^= s << 5;
	return s;
}

static void
make_records(void)
{
	for (int i = 0; i < NRECS; i++) {
		struct flowrec *r = &recs[i];

		memset(r, 0, sizeof(*r));
		r->af = r->exp_af = FR_AF_INET;
		r->src.v4 = (rnd() % 4 == 0 ? 0x0a000000 : 0xc0000000) |
		    (rnd() & 0x00ffffff);
		r->dst.v4 = rnd();
		r->sport = (uint16_t)rnd();
		r->dport = (uint16_t)(rnd() % 3 == 0 ? 80 : rnd());
		r->proto = rnd() % 4 == 0 ? 17 : 6;
		r->tcp_flags = (uint8_t)rnd();
		r->octets = rnd() % 100000;
		r->packets = 1 + r->octets / 500;
		r->last_ms = rnd() % 60000;
		r->fields = 0x0000ffffu;
	}
}

static char *
long_list(void)
{
	char *s = malloc(1000 * 24 + 32);
	size_t n;

	if (s == NULL)
		exit(1);
	n = (size_t)sprintf(s, "src ip in [");
	for (int i = 0; i < 1000; i++) {
		uint32_t a = 0x0a000000 | (rnd() & 0x00ffff00);

		n += (size_t)sprintf(s + n, "%s%s%u.%u.%u.0/%u", i ? ", " : "",
		    i % 5 == 0 ? "-" : "", a >> 24, (a >> 16) & 255,
		    (a >> 8) & 255, 16 + rnd() % 9);
	}
	sprintf(s + n, "]");
	return s;
}

int
main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 2000;
	char err[256];

	make_records();
	for (size_t e = 0; e < sizeof(exprs) / sizeof(exprs[0]); e++) {
		char *text = strstr(exprs[e], "LIST") ? long_list() : NULL;
		struct filter *f = filter_compile(text ? text : exprs[e], NULL,
		    err, sizeof(err));
		struct timespec t0, t1;
		unsigned long hits = 0;
		double ns;

		if (f == NULL) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (long r = 0; r < rounds; r++)
			for (int i = 0; i < NRECS; i++)
				hits += (unsigned long)filter_match(f,
				    &recs[i]);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ns = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 +
		    (double)(t1.tv_nsec - t0.tv_nsec)) /
		    ((double)rounds * NRECS);
		printf("%6.1f ns/record  %5.1f%% pass  %.60s%s\n", ns,
		    100.0 * (double)hits / ((double)rounds * NRECS),
		    text ? "src ip in [1000 prefixes, 1 in 5 excluded]" :
		    exprs[e], "");
		filter_free(f);
		free(text);
	}
	return 0;
}
