/*
 * mkseeds.c - writes the fuzz_ftreader seed files that come from the
 * writer (small files of each record version, both byte orders,
 * compressed or not).  Built by hand, not by make:
 *   cc -I. -Ibuild-storage tests/data/storage/mkseeds.c \
 *       build-storage/storage/libfkstorage.a -lz -o /tmp/mkseeds
 *   /tmp/mkseeds tests/fuzz/corpus/ftreader
 */
#include <stdio.h>
#include <string.h>

#include "storage/ftwriter.h"

static void
one(const char *dir, const char *name, int ver, int bo, int z, unsigned n)
{
	struct ftw_opts o = { ver, z, bo, "seed", z ? NULL : "c" };
	struct ftrec r[4];
	char path[512], err[256];
	struct ftw *w;
	unsigned i;

	memset(r, 0, sizeof(r));
	for (i = 0; i < 4; i++) {
		r[i].unix_secs = 1700000000;
		r[i].sysuptime = 3600000;
		r[i].first = 3500000 + i;
		r[i].last = 3600000;
		r[i].srcaddr = 0x0a000001 + i;
		r[i].dpkts = 1 + i;
		r[i].doctets = 40;
		r[i].prot = 6;
		r[i].src_as = 65000;
		r[i].src_tag = 7;
		r[i].exp_af = 6;
		r[i].srcaddr6[0] = 0x20;
		r[i].dpkts64 = 1ull << 33;
		r[i].first_ms = 1700000000000ull;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	w = ftw_open(path, &o, 1700000000, NULL, err, sizeof(err));
	if (w == NULL || ftw_write(w, r, n) == -1 ||
	    ftw_close(w, 1700000060, NULL, NULL, err, sizeof(err)) == -1)
		fprintf(stderr, "%s\n", err);
}

int
main(int argc, char **argv)
{
	const char *d = argc > 1 ? argv[1] : ".";

	one(d, "v5-le-z0", 5, 1, 0, 3);
	one(d, "v5-be-z6", 5, 2, 6, 3);
	one(d, "v1-le-z0", 1, 1, 0, 2);
	one(d, "v1005-be-z0", 1005, 2, 0, 2);
	one(d, "v1005-le-z9", 1005, 1, 9, 4);
	one(d, "ip6-le-z1", 6000, 1, 1, 2);
	one(d, "ip6-be-z0", 6000, 2, 0, 1);
	one(d, "v5-empty", 5, 1, 0, 0);
	return 0;
}
