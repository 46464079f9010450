/*
 * fkmkday - write one day of synthetic flows as flowkeepd would store them,
 * for the analyzer benchmark.
 *
 *   fkmkday DIR [--flows N] [--day YYYY-MM-DD] [--zlevel Z] [--seed S]
 *
 * N flows (default 10 000 000) spread over 96 files of 15 minutes (nesting
 * 3, names in local time, v5 records, zlib level Z, default 6, deflated on
 * one thread per CPU) from four exporters.  The traffic is skewed the way
 * real traffic is: a few thousand inside hosts in 10.0.0.0/8 (10.1.0.0/16
 * the busiest), Zipf-like popularity of hosts and outside peers, a handful
 * of well-known server ports (443 the most common), heavy-tailed packet
 * counts, flows ordered by end time within each file.  Deterministic for a
 * given seed.  Prints the number of flows and files written.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "storage/ftwriter.h"
#include "storage/layout.h"
#include "storage/zpar.h"

#define FILES		96
#define INSIDE		8192		/* inside hosts */
#define OUTSIDE		200000		/* outside peers */
#define CHUNK		4096

static uint64_t rs = 0x243f6a8885a308d3ull;

static uint32_t
rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs >> 16);
}

static double
unif(void)
{
	return (rnd() + 0.5) / 4294967296.0;
}

/* Zipf-like rank in [0, n): inverse of a power law, exponent ~1. */
static uint32_t
zipf(uint32_t n)
{
	double u = unif();
	uint32_t k = (uint32_t)(exp(u * log((double)n + 1.0)) - 1.0);

	return k < n ? k : n - 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: fkmkday DIR [--flows N] [--day YYYY-MM-DD] "
	    "[--zlevel Z] [--seed S]\n");
	exit(2);
}

static uint32_t inside[INSIDE], outside[OUTSIDE];

static void
make_hosts(void)
{
	for (unsigned i = 0; i < INSIDE; i++)
		/* the first (busiest) ranks mostly in 10.1.0.0/16 */
		inside[i] = (i % 4 != 3 ? 0x0a010000u : 0x0a000000u |
		    (1 + i % 7) << 16) | (rnd() & 0xffff);
	for (unsigned i = 0; i < OUTSIDE; i++)
		outside[i] = 0x40000000u + (rnd() % 0x80000000u);
}

static void
make_flow(struct ftrec *r, uint32_t t_ms, uint32_t exp_idx, time_t base)
{
	static const uint16_t svc[] = { 443, 443, 443, 443, 80, 80, 53, 53,
	    123, 22, 25, 993, 8080, 3389, 5060 };
	uint32_t in = inside[zipf(INSIDE)], out = outside[zipf(OUTSIDE)];
	uint16_t port = svc[rnd() % 15], eph = (uint16_t)(32768 + rnd() %
	    28000);
	uint32_t pk, dur;
	int outbound = rnd() & 1;

	memset(r, 0, sizeof(*r));
	pk = (uint32_t)(1.0 / pow(unif(), 0.8));
	if (pk > 1000000)
		pk = 1000000;
	dur = pk == 1 ? 0 : (uint32_t)(unif() * 120000);
	r->unix_secs = (uint32_t)(base + t_ms / 1000);
	r->unix_nsecs = (t_ms % 1000) * 1000000u;
	r->sysuptime = 86400000u + t_ms;	/* router up a day earlier */
	r->exaddr = 0x7f000001u + exp_idx;
	r->srcaddr = outbound ? in : out;
	r->dstaddr = outbound ? out : in;
	r->srcport = outbound ? eph : port;
	r->dstport = outbound ? port : eph;
	r->prot = port == 53 || port == 123 || port == 5060 ? 17 : 6;
	r->tcp_flags = r->prot == 6 ? (pk > 2 ? 0x1b : 0x02) : 0;
	r->dpkts = pk;
	r->doctets = pk * (40 + (pk > 3 ? 1400 : rnd() % 200));
	r->last = r->sysuptime - (rnd() % 2000);
	r->first = r->last - dur;
	r->nexthop = 0x0a0000fe;
	r->input = (uint16_t)(1 + exp_idx * 4 + rnd() % 4);
	r->output = (uint16_t)(17 + rnd() % 8);
	r->src_as = outbound ? 64512 : (uint16_t)(1 + (out >> 20) % 4000);
	r->dst_as = outbound ? (uint16_t)(1 + (out >> 20) % 4000) : 64512;
	r->src_mask = outbound ? 16 : 24;
	r->dst_mask = outbound ? 24 : 16;
	r->engine_id = (uint8_t)exp_idx;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "flows", required_argument, NULL, 'n' },
		{ "day", required_argument, NULL, 'd' },
		{ "zlevel", required_argument, NULL, 'z' },
		{ "seed", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct ftrec *recs;
	struct tm tm;
	time_t day;
	char *end;
	const char *dir, *daystr = "2026-11-27";
	unsigned long long total = 10000000ull, done = 0;
	int c, z = 6;
	unsigned files = 0;
	long ncpu;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			total = strtoull(optarg, &end, 10);
			if (*end != '\0' || total == 0)
				usage();
			break;
		case 'd':
			daystr = optarg;
			break;
		case 'z':
			z = atoi(optarg);
			if (z < 0 || z > 9)
				usage();
			break;
		case 's':
			rs = strtoull(optarg, &end, 0) | 1;
			break;
		default:
			usage();
		}
	}
	if (optind + 1 != argc)
		usage();
	dir = argv[optind];
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "fkmkday: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	memset(&tm, 0, sizeof(tm));
	if (sscanf(daystr, "%d-%d-%d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday) != 3)
		usage();
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_isdst = -1;
	day = mktime(&tm);
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (z > 0 && zpar_pool_start(ncpu < 1 ? 1 : (unsigned)ncpu) != 0) {
		perror("fkmkday: threads");
		return 1;
	}
	if ((recs = malloc(CHUNK * sizeof(*recs))) == NULL)
		return 1;
	make_hosts();
	for (unsigned f = 0; f < FILES; f++) {
		struct ftw_opts o = { .version = FT_VER_5, .zlevel = z,
		    .hostname = "fkmkday" };
		time_t start = day + (time_t)f * 900;
		unsigned long long n = total * (f + 1) / FILES - done;
		char rel[256], tmp[1024], fin[1024], err[256];
		struct ftw *w;

		if (layout_path(rel, sizeof(rel), 3, FT_VER_5, start,
		    LAYOUT_TMP) != 0 || layout_mkdirs(dir, rel) != 0) {
			fprintf(stderr, "fkmkday: %s: %s\n", dir,
			    strerror(errno));
			return 1;
		}
		snprintf(tmp, sizeof(tmp), "%s/%s", dir, rel);
		layout_final_name(fin, sizeof(fin), tmp);
		w = ftw_open(tmp, &o, (uint32_t)start, NULL, err, sizeof(err));
		if (w == NULL) {
			fprintf(stderr, "fkmkday: %s\n", err);
			return 1;
		}
		for (unsigned long long i = 0; i < n; ) {
			unsigned k = n - i > CHUNK ? CHUNK : (unsigned)(n - i);

			for (unsigned j = 0; j < k; j++)
				make_flow(&recs[j], (uint32_t)((i + j) *
				    900000ull / n), (uint32_t)(rnd() % 4),
				    start);
			if (ftw_write(w, recs, k) != 0) {
				perror("fkmkday: write");
				return 1;
			}
			i += k;
		}
		if (ftw_close(w, (uint32_t)(start + 900), NULL, fin, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "fkmkday: %s\n", err);
			return 1;
		}
		done += n;
		files++;
	}
	if (z > 0)
		zpar_pool_stop();
	free(recs);
	printf("flows=%llu files=%u\n", done, files);
	return 0;
}
