/*
 * track_bench.c - ns per flow that live trackings cost the collector's
 * thread (filters and counting, tracker_put), with the tracking index and
 * with every filter tested, against no trackings, on flows shaped like
 * fkgen's (tests/bench/fkgen.c).
 *
 *   track_bench DIR [ROUNDS [index]]
 *
 * DIR holds tracking definitions (only their "filter" lines are read;
 * tests/bench/tracking.sh writes 1,000 of them).  Prints the median of
 * ROUNDS (5) runs over 1 M flows (16 K distinct ones, cycled: the
 * collector counts records it has just decoded, in cache; 32 K flows for
 * "every filter") ("index": skip testing every filter, for
 * profiling).  Not part of `make check`.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/filter.h"
#include "src/tracker.h"

#define NRECS	(1u << 14)	/* records, decoded and hot in cache */
#define PASSES	64		/* over them: 1 M flows */
#define MAXTRK	8192

static struct flowrec *recs;
static struct filter *flt[MAXTRK];
static unsigned nflt;

static uint32_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 11);
}

/* fkgen's flows: sources 10.E.x.y, destinations 192.168.x.y. */
static void
make_records(uint64_t now_ms)
{
	static const uint16_t ports[] = { 443, 80, 53, 22, 123, 8080, 25 };
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	for (unsigned i = 0; i < NRECS; i++) {
		struct flowrec *r = &recs[i];
		uint32_t x = rnd(&seed);

		memset(r, 0, sizeof(*r));
		r->af = FR_AF_INET;
		r->exp_af = FR_AF_INET;
		r->exporter.v4 = 0x7f006401u + i / 32 % 4;
		r->src.v4 = 0x0a000000u | (i / 32 % 4) << 16 | (x & 0xffff);
		r->dst.v4 = 0xc0a80000u | (rnd(&seed) & 0xffff);
		r->sport = (uint16_t)(1024 + (x >> 16) % 60000);
		r->dport = ports[x % 7];
		r->proto = (x & 7) ? 6 : 17;
		r->packets = 1 + rnd(&seed) % 100;
		r->octets = r->packets * (40 + rnd(&seed) % 1400);
		r->in_if = 1 + x % 8;
		r->out_if = 9 + x % 8;
		r->last_ms = now_ms - rnd(&seed) % 30000;
		r->first_ms = r->last_ms - rnd(&seed) % 60000;
		r->fields = FR_HAS_PACKETS | FR_HAS_OCTETS | FR_HAS_PORTS |
		    FR_HAS_PROTO | FR_HAS_TIMES | FR_HAS_IFINDEX |
		    FR_HAS_SRCADDR | FR_HAS_DSTADDR;
	}
}

static void
load(const char *dir)
{
	char path[4096], line[4096], err[256];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		perror(dir);
		exit(1);
	}
	while ((de = readdir(d)) != NULL && nflt < MAXTRK) {
		FILE *fp;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((fp = fopen(path, "r")) == NULL)
			continue;
		while (fgets(line, sizeof(line), fp) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			if (strncmp(line, "filter ", 7) != 0)
				continue;
			if ((flt[nflt] = filter_compile(line + 7, NULL, err,
			    sizeof(err))) == NULL) {
				fprintf(stderr, "%s: %s\n", path, err);
				exit(1);
			}
			nflt++;
		}
		fclose(fp);
	}
	closedir(d);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ns per flow through a tracker with n trackings. */
static double
run(unsigned n, int index, unsigned passes, uint64_t now_ms,
    uint64_t *matched)
{
	struct tracker *t = tracker_new(300, 2);
	struct tracker_stats st;
	double t0, t1;

	for (unsigned i = 0; i < n; i++)
		tracker_add(t, flt[i], 1, now_ms);
	tracker_use_index(t, index);
	t0 = now_s();
	for (unsigned p = 0; p < passes; p++)
		for (unsigned i = 0; i < NRECS; i += 32)
			tracker_put(t, recs + i, 32);
	t1 = now_s();
	*matched = 0;
	for (unsigned i = 0; i < n; i++) {
		tracker_get_stats(t, (int)i, &st);
		*matched += st.matched;
	}
	tracker_free(t);
	return (t1 - t0) * 1e9 / NRECS / passes;
}

static int
cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	static const char *const name[3] = { "no trackings", "index",
	    "every filter" };
	uint64_t now_ms = (uint64_t)time(NULL) * 1000, m[3] = { 0 };
	unsigned rounds = argc > 2 ? (unsigned)atoi(argv[2]) : 5;
	int only_index = argc > 3 && strcmp(argv[3], "index") == 0;
	double ns[3][64], med[3];

	if (argc < 2 || rounds < 1 || rounds > 64) {
		fprintf(stderr, "usage: track_bench DIR [ROUNDS]\n");
		return 2;
	}
	if ((recs = calloc(NRECS, sizeof(*recs))) == NULL)
		return 1;
	load(argv[1]);
	make_records(now_ms);
	for (unsigned r = 0; r < rounds; r++)
		for (int k = 0; k < 3; k++)
			ns[k][r] = k == 2 && only_index ? 0 : run(k == 0 ?
			    0 : nflt, k == 1, k == 2 ? 2 : PASSES, now_ms,
			    &m[k]);
	printf("# track_bench: %u trackings, %u flows (%u distinct), median "
	    "of %u\n", nflt, NRECS * PASSES, NRECS, rounds);
	for (int k = 0; k < 3; k++) {
		qsort(ns[k], rounds, sizeof(double), cmpd);
		med[k] = ns[k][rounds / 2];
		printf("%-14s %9.1f ns/flow  %.2f matches/flow\n", name[k],
		    med[k], (double)m[k] / NRECS / (k == 2 ? 2 : PASSES));
	}
	printf("RESULT index_added_ns=%.1f linear_added_ns=%.1f "
	    "speedup=%.1f\n", med[1] - med[0], med[2] - med[0],
	    (med[2] - med[0]) / (med[1] - med[0] > 0 ? med[1] - med[0] : 1));
	for (unsigned i = 0; i < nflt; i++)
		filter_free(flt[i]);
	free(recs);
	return only_index || m[1] == m[2] * PASSES / 2 ? 0 : 1;
}
