/*
 * test_source.c - selection of flow files and flows (source.h): time
 * windows across the -N nesting layouts and time zones, the four
 * inclusion rules, tmp- files, several roots, a corrupt file in the middle
 * of a selection, parallel reading equal to sequential reading; and the
 * time arguments of timearg.h.
 */
#include "config.h"

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* setenv, mkdtemp */
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "storage/ftconv.h"
#include "storage/ftreader.h"
#include "storage/ftwriter.h"
#include "storage/layout.h"
#include "src/source.h"
#include "src/timearg.h"

#define T0	1764316800u	/* 2025-11-28 08:00:00 UTC */
#define UPTIME	10000000u

static char root[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/fksrc.XXXXXX");
	assert_non_null(mkdtemp(root));
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* A v5 record with absolute first/last ms and an id in srcport/dstport. */
static void
mkrec(struct ftrec *r, uint64_t first_ms, uint64_t last_ms, unsigned id)
{
	uint32_t secs = (uint32_t)(last_ms / 1000) + 5;
	uint64_t base = (uint64_t)secs * 1000;

	memset(r, 0, sizeof(*r));
	r->unix_secs = secs;
	r->sysuptime = UPTIME;
	r->first = (uint32_t)(first_ms - base + UPTIME);
	r->last = (uint32_t)(last_ms - base + UPTIME);
	r->srcaddr = 0x0a000001;
	r->dstaddr = 0xc0a80001;
	r->srcport = (uint16_t)(id & 0xffff);
	r->dstport = (uint16_t)(id >> 16);
	r->dpkts = 1;
	r->doctets = 40;
	r->prot = 6;
}

/*
 * Write a file created at t in layout nest below dir (relative to root),
 * closed unless tmp, holding n records; rec[i] from the callback values.
 */
static void
mkfile(const char *dir, int nest, time_t t, int tmp, const struct ftrec *r,
    unsigned n, int zlevel)
{
	struct ftw_opts o = { 5, zlevel, 0, "h", NULL };
	char rel[LAYOUT_PATH_MAX], fin[LAYOUT_PATH_MAX], base[256];
	char path[1400], fpath[1400], err[256];
	struct ftw *w;

	snprintf(base, sizeof(base), "%s/%s", root, dir);
	mkdir(base, 0755);
	assert_int_equal(layout_path(rel, sizeof(rel), nest, 5, t,
	    LAYOUT_TMP), 0);
	assert_int_equal(layout_path(fin, sizeof(fin), nest, 5, t,
	    LAYOUT_FINAL), 0);
	assert_int_equal(layout_mkdirs(base, rel), 0);
	snprintf(path, sizeof(path), "%s/%s", base, rel);
	snprintf(fpath, sizeof(fpath), "%s/%s", base, fin);
	w = ftw_open(path, &o, (uint32_t)t, NULL, err, sizeof(err));
	assert_non_null(w);
	if (n > 0)
		assert_int_equal(ftw_write(w, r, n), 0);
	assert_int_equal(ftw_close(w, (uint32_t)t + 900, NULL,
	    tmp ? NULL : fpath, err, sizeof(err)), 0);
}

struct got {
	unsigned	ids[200000];
	unsigned	n;
	char		warn[4096];
	unsigned	nwarn;
};

static struct got got;

static void
warn_cb(void *arg, const char *msg)
{
	struct got *g = arg;

	g->nwarn++;
	strncat(g->warn, msg, sizeof(g->warn) - strlen(g->warn) - 2);
	strcat(g->warn, "\n");
}

/* Read everything of paths with o into got; returns the src counts. */
static void
readall(const char *const *paths, unsigned n, struct src_opts *o,
    unsigned *files, unsigned *failed, unsigned *nsel)
{
	char err[256];
	struct src *s;
	const struct flowrec *recs;
	unsigned k;

	memset(&got, 0, sizeof(got));
	o->warn = warn_cb;
	o->warn_arg = &got;
	s = src_open(paths, n, o, err, sizeof(err));
	assert_non_null(s);
	while (src_next_batch(s, &recs, &k))
		for (unsigned i = 0; i < k; i++) {
			assert_true(got.n < 200000);
			got.ids[got.n++] = recs[i].sport |
			    (unsigned)recs[i].dport << 16;
		}
	if (files != NULL)
		*files = src_files(s);
	if (failed != NULL)
		*failed = src_failed(s);
	if (nsel != NULL)
		*nsel = src_nselected(s);
	src_close(s);
}

static int
has_id(unsigned id)
{
	for (unsigned i = 0; i < got.n; i++)
		if (got.ids[i] == id)
			return 1;
	return 0;
}

/*
 * Four 15-minute files per layout; flows of file k lie inside its own
 * quarter hour.  The window of quarter 1 selects files 0..3 by name (one
 * period before, 35 minutes after: 0..2 when flows are known to be
 * exported within 10 minutes) and exactly the flows of file 1.
 */
static void
window_in_layouts(const char *tz)
{
	struct ftrec r[10];
	char dir[32], path[128];
	const char *p[1];
	struct src_opts o;
	unsigned files, failed, nsel;

	setenv("TZ", tz, 1);
	tzset();
	for (int nest = -3; nest <= 3; nest++) {
		snprintf(dir, sizeof(dir), "n%d-%s", nest + 3, tz[0] == 'U' ?
		    "u" : "k");
		for (unsigned k = 0; k < 4; k++) {
			time_t t = T0 + k * 900;

			for (unsigned i = 0; i < 10; i++)
				mkrec(&r[i], (uint64_t)(t + 30 + i) * 1000,
				    (uint64_t)(t + 60 + i * 60) * 1000,
				    k * 100 + i);
			mkfile(dir, nest, t, 0, r, 10, nest & 1);
		}
		snprintf(path, sizeof(path), "%s/%s", root, dir);
		p[0] = path;
		memset(&o, 0, sizeof(o));
		o.from_ms = (uint64_t)(T0 + 900) * 1000;
		o.to_ms = (uint64_t)(T0 + 1800) * 1000;
		o.period_s = 900;
		readall(p, 1, &o, &files, &failed, &nsel);
		/* files 0..3: 3 starts within 35 minutes after the window */
		assert_int_equal(nsel, 4);
		assert_int_equal(files, 4);
		assert_int_equal(failed, 0);
		assert_int_equal(got.n, 10);
		/* told flows are exported within 10 minutes: files 0..2 */
		o.late_s = 600;
		readall(p, 1, &o, &files, &failed, &nsel);
		assert_int_equal(nsel, 3);
		assert_int_equal(files, 3);
		assert_int_equal(failed, 0);
		assert_int_equal(got.n, 10);
		for (unsigned i = 0; i < 10; i++)
			assert_int_equal(got.ids[i], 100 + i);

		/* no window: all four files, in time order */
		memset(&o, 0, sizeof(o));
		readall(p, 1, &o, &files, &failed, &nsel);
		assert_int_equal(nsel, 4);
		assert_int_equal(got.n, 40);
		for (unsigned i = 0; i < 40; i++)
			assert_int_equal(got.ids[i], (i / 10) * 100 + i % 10);
	}
}

static void
test_window_layouts_utc(void **state)
{
	(void)state;
	window_in_layouts("UTC");
}

static void
test_window_layouts_kolkata(void **state)
{
	(void)state;
	window_in_layouts("Asia/Kolkata");
}

/* Ids: 1 inside, 2 starts before, 3 ends after, 4 spans, 5 before,
 * 6 after the window [T0+300, T0+600). */
static void
test_rules(void **state)
{
	static const struct { unsigned id; int any, start, end, all; } want[] =
	    { { 1, 1, 1, 1, 1 }, { 2, 1, 0, 1, 0 }, { 3, 1, 1, 0, 0 },
	      { 4, 1, 0, 0, 0 }, { 5, 0, 0, 0, 0 }, { 6, 0, 0, 0, 0 } };
	struct ftrec r[6];
	char path[128];
	const char *p[1] = { path };
	struct src_opts o;
	uint64_t b = (uint64_t)T0 * 1000;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	mkrec(&r[0], b + 350000, b + 400000, 1);
	mkrec(&r[1], b + 200000, b + 400000, 2);
	mkrec(&r[2], b + 400000, b + 700000, 3);
	mkrec(&r[3], b + 100000, b + 800000, 4);
	mkrec(&r[4], b + 100000, b + 299999, 5);
	mkrec(&r[5], b + 600000, b + 700000, 6);
	mkfile("rules", 0, T0, 0, r, 6, 0);
	snprintf(path, sizeof(path), "%s/rules", root);
	for (int rule = SRC_ANY; rule <= SRC_ALL; rule++) {
		memset(&o, 0, sizeof(o));
		o.from_ms = b + 300000;
		o.to_ms = b + 600000;
		o.rule = (enum src_rule)rule;
		readall(p, 1, &o, NULL, NULL, NULL);
		for (unsigned i = 0; i < 6; i++) {
			int w = rule == SRC_ANY ? want[i].any :
			    rule == SRC_START ? want[i].start :
			    rule == SRC_END ? want[i].end : want[i].all;

			assert_int_equal(has_id(want[i].id), w);
		}
	}
	/* a window that ends before it starts is a usage error */
	{
		char err[128];

		memset(&o, 0, sizeof(o));
		o.from_ms = b + 600000;
		o.to_ms = b + 300000;
		assert_null(src_open(p, 1, &o, err, sizeof(err)));
		assert_non_null(strstr(err, "window"));
	}
}

/* Daily files and no period given: the last file runs as long as the
 * gap before it (a day), so a window late in its day still finds it. */
static void
test_last_file_span(void **state)
{
	struct ftrec r[2];
	char path[128];
	const char *p[1] = { path };
	struct src_opts o;
	unsigned nsel;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	for (unsigned k = 0; k < 2; k++) {
		time_t t = T0 + k * 86400;

		mkrec(&r[0], (uint64_t)(t + 36000) * 1000,
		    (uint64_t)(t + 36010) * 1000, k * 2);
		mkrec(&r[1], (uint64_t)(t + 80000) * 1000,
		    (uint64_t)(t + 80010) * 1000, k * 2 + 1);
		mkfile("daily", 0, t, 0, r, 2, 0);
	}
	snprintf(path, sizeof(path), "%s/daily", root);
	memset(&o, 0, sizeof(o));
	o.from_ms = (uint64_t)(T0 + 86400 + 79000) * 1000;
	o.to_ms = (uint64_t)(T0 + 86400 + 81000) * 1000;
	readall(p, 1, &o, NULL, NULL, &nsel);
	assert_int_equal(nsel, 1);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.ids[0], 3);
	/* told the period is 15 minutes, the file is not opened at all */
	o.period_s = 900;
	readall(p, 1, &o, NULL, NULL, &nsel);
	assert_int_equal(nsel, 0);
	assert_int_equal(got.n, 0);
}

/* An IPv6 sibling file (fk6-) beside an ft- file of the same start: both
 * are selected and the IPv6 flow comes through. */
static void
test_ipv6_sibling(void **state)
{
	struct ftw_opts o6 = { FT_VER_IP6, 6, 0, "h", NULL };
	struct ftrec r[FTCONV_MAX_SPLIT], r4;
	struct flowrec f;
	char rel[LAYOUT_PATH_MAX], path[1400], err[256], dir[128];
	const char *p[1] = { dir };
	struct src_opts o;
	struct src *s;
	struct ftw *w;
	unsigned n, nsel, v6 = 0, v4 = 0;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	mkrec(&r4, (uint64_t)(T0 + 10) * 1000, (uint64_t)(T0 + 20) * 1000, 4);
	mkfile("six", 1, T0, 0, &r4, 1, 0);
	memset(&f, 0, sizeof(f));
	f.af = FR_AF_INET6;
	f.exp_af = FR_AF_INET;
	f.src.v6[0] = 0x20;
	f.src.v6[1] = 0x01;
	f.src.v6[15] = 6;
	f.first_ms = (uint64_t)(T0 + 30) * 1000;
	f.last_ms = (uint64_t)(T0 + 40) * 1000;
	f.packets = 1;
	f.octets = 60;
	f.sampling = 1;
	f.fields = FR_HAS_PACKETS | FR_HAS_OCTETS | FR_HAS_TIMES |
	    FR_HAS_SRCADDR | FR_HAS_DSTADDR;
	n = ftconv_to_ft(&f, FT_VER_IP6, r, NULL);
	assert_int_equal(n, 1);
	assert_int_equal(layout_path(rel, sizeof(rel), 1, FT_VER_IP6, T0,
	    LAYOUT_FINAL6), 0);
	snprintf(path, sizeof(path), "%s/six/%s", root, rel);
	w = ftw_open(path, &o6, T0, NULL, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(ftw_write(w, r, n), 0);
	assert_int_equal(ftw_close(w, T0 + 900, NULL, NULL, err,
	    sizeof(err)), 0);
	snprintf(dir, sizeof(dir), "%s/six", root);
	memset(&o, 0, sizeof(o));
	o.from_ms = (uint64_t)T0 * 1000;
	o.to_ms = (uint64_t)(T0 + 60) * 1000;
	s = src_open(p, 1, &o, err, sizeof(err));
	assert_non_null(s);
	nsel = src_nselected(s);
	assert_int_equal(nsel, 2);
	while (src_next(s, &f) == 1) {
		if (f.af == FR_AF_INET6) {
			assert_int_equal(f.src.v6[15], 6);
			v6++;
		} else
			v4++;
	}
	src_close(s);
	assert_int_equal(v6, 1);
	assert_int_equal(v4, 1);
}

static void
test_tmp_files(void **state)
{
	struct ftrec r[3];
	char path[128];
	const char *p[1] = { path };
	struct src_opts o;
	unsigned nsel;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	for (unsigned i = 0; i < 3; i++)
		mkrec(&r[i], (uint64_t)(T0 + 10) * 1000,
		    (uint64_t)(T0 + 20) * 1000, 10 + i);
	mkfile("tmp", 3, T0, 0, r, 3, 0);
	for (unsigned i = 0; i < 3; i++)
		mkrec(&r[i], (uint64_t)(T0 + 910) * 1000,
		    (uint64_t)(T0 + 920) * 1000, 20 + i);
	mkfile("tmp", 3, T0 + 900, 1, r, 3, 6);
	snprintf(path, sizeof(path), "%s/tmp", root);

	memset(&o, 0, sizeof(o));
	readall(p, 1, &o, NULL, NULL, &nsel);
	assert_int_equal(nsel, 1);
	assert_int_equal(got.n, 3);
	assert_false(has_id(20));

	memset(&o, 0, sizeof(o));
	o.include_tmp = 1;
	readall(p, 1, &o, NULL, NULL, &nsel);
	assert_int_equal(nsel, 2);
	assert_int_equal(got.n, 6);
	assert_int_equal(got.ids[0], 10);
	assert_int_equal(got.ids[3], 20);

	/* seen under both names (renamed during the scan): read once */
	{
		char rel[LAYOUT_PATH_MAX], a[1400], b[1400];

		assert_int_equal(layout_path(rel, sizeof(rel), 3, 5, T0,
		    LAYOUT_FINAL), 0);
		snprintf(a, sizeof(a), "%s/tmp/%s", root, rel);
		assert_int_equal(layout_path(rel, sizeof(rel), 3, 5, T0,
		    LAYOUT_TMP), 0);
		snprintf(b, sizeof(b), "%s/tmp/%s", root, rel);
		assert_int_equal(link(a, b), 0);
		readall(p, 1, &o, NULL, NULL, &nsel);
		assert_int_equal(nsel, 2);
		assert_int_equal(got.n, 6);
	}
}

/* Three files, the middle one's zlib stream damaged: its flows may be
 * partly read, the others fully, and the warning names file and offset. */
static void
test_corrupt_middle(void **state)
{
	struct ftrec r[2000];
	char path[128], bad[LAYOUT_PATH_MAX + 200], rel[LAYOUT_PATH_MAX];
	const char *p[1] = { path };
	struct src_opts o;
	unsigned files, failed;
	FILE *fp;
	long size;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	for (unsigned k = 0; k < 3; k++) {
		for (unsigned i = 0; i < 2000; i++)
			mkrec(&r[i], (uint64_t)(T0 + k * 900 + 1) * 1000,
			    (uint64_t)(T0 + k * 900 + 2 + i % 700) * 1000,
			    k * 10000 + i);
		mkfile("bad", 0, T0 + k * 900, 0, r, 2000, 6);
	}
	assert_int_equal(layout_path(rel, sizeof(rel), 0, 5, T0 + 900,
	    LAYOUT_FINAL), 0);
	snprintf(bad, sizeof(bad), "%s/bad/%s", root, rel);
	fp = fopen(bad, "r+b");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fseek(fp, size / 2, SEEK_SET);
	for (int i = 0; i < 64; i++)
		fputc(0xff, fp);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/bad", root);

	for (unsigned thr = 1; thr <= 2; thr++) {
		memset(&o, 0, sizeof(o));
		o.threads = thr;
		readall(p, 1, &o, &files, &failed, NULL);
		assert_int_equal(files, 2);
		assert_int_equal(failed, 1);
		assert_true(has_id(0) && has_id(1999));
		assert_true(has_id(20000) && has_id(21999));
		assert_false(has_id(11999));
		assert_true(got.nwarn >= 1);
		assert_non_null(strstr(got.warn, rel));
		assert_non_null(strstr(got.warn, "offset"));
	}
}

/* Many files over two roots: one thread and four give the same flows in
 * the same order (roots in argument order, files by time). */
static void
test_parallel_equals_sequential(void **state)
{
	static struct ftrec r[5000];
	static unsigned seq[200000];
	char p1[128], p2[128];
	const char *p[2] = { p1, p2 };
	struct src_opts o;
	unsigned nseq, files;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	/* 40 files of 1 to 2 batches: more than SRC_QUEUED batches */
	for (unsigned k = 0; k < 40; k++) {
		for (unsigned i = 0; i < 5000; i++)
			mkrec(&r[i], (uint64_t)(T0 + k * 900 + 1) * 1000,
			    (uint64_t)(T0 + k * 900 + 2 + i % 800) * 1000,
			    k * 5000 + i);
		mkfile(k % 2 ? "devB" : "devA", 3, T0 + k * 900, 0, r,
		    1000 + (k % 14) * 300, (int)(k % 3) * 3);
	}
	snprintf(p1, sizeof(p1), "%s/devA", root);
	snprintf(p2, sizeof(p2), "%s/devB", root);
	memset(&o, 0, sizeof(o));
	o.threads = 1;
	readall(p, 2, &o, &files, NULL, NULL);
	assert_int_equal(files, 40);
	nseq = got.n;
	memcpy(seq, got.ids, nseq * sizeof(seq[0]));
	/* devA's files (even k) first, each in time order */
	assert_int_equal(seq[0], 0);
	assert_int_equal(seq[1000], 2 * 5000);
	for (unsigned thr = 2; thr <= 4; thr += 2) {
		memset(&o, 0, sizeof(o));
		o.threads = thr;
		readall(p, 2, &o, &files, NULL, NULL);
		assert_int_equal(got.n, nseq);
		assert_memory_equal(got.ids, seq, nseq * sizeof(seq[0]));
	}
	/* stopping early (closing mid-way) must not hang or leak */
	{
		char err[128];
		const struct flowrec *recs;
		unsigned k;
		struct src *s;

		memset(&o, 0, sizeof(o));
		o.threads = 2;
		s = src_open(p, 2, &o, err, sizeof(err));
		assert_non_null(s);
		assert_int_equal(src_next_batch(s, &recs, &k), 1);
		src_close(s);
	}
}

static void
test_missing_and_empty(void **state)
{
	char path[128], empty[128];
	const char *p[2] = { path, empty };
	struct src_opts o;
	unsigned files, failed;

	(void)state;
	snprintf(path, sizeof(path), "%s/nonexistent-file", root);
	snprintf(empty, sizeof(empty), "%s/emptydir", root);
	mkdir(empty, 0755);
	memset(&o, 0, sizeof(o));
	readall(p, 2, &o, &files, &failed, NULL);
	assert_int_equal(got.n, 0);
	assert_int_equal(failed, 1);
	assert_int_equal(got.nwarn, 2);
	assert_non_null(strstr(got.warn, "nonexistent-file"));
	assert_non_null(strstr(got.warn, "no flow files"));
}

/* Unordered mode: what each reader thread hands over itself. */
struct each_got {
	unsigned	 ids[SRC_MAXTHR][6000];
	unsigned	 n[SRC_MAXTHR];
	unsigned	 calls, too_big;
};

static void
each_cb(void *arg, unsigned thr, const struct flowrec *recs, unsigned n)
{
	struct each_got *g = arg;

	assert_true(thr < SRC_MAXTHR);
	if (n > SRC_EACH_MAX)
		g->too_big++;
	for (unsigned i = 0; i < n && g->n[thr] < 6000; i++)
		g->ids[thr][g->n[thr]++] = recs[i].sport |
		    (unsigned)recs[i].dport << 16;
	__atomic_add_fetch(&g->calls, 1, __ATOMIC_RELAXED);
}

/* Every flow of six files reaches each() exactly once, in batches of at
 * most SRC_EACH_MAX, and none comes out of src_next_batch. */
static void
test_each(void **state)
{
	static struct each_got g;
	static struct ftrec r[1000];
	static unsigned char seen[6000];
	const char *p[1];
	char dir[128], err[256];
	const struct flowrec *recs;
	struct src_opts o;
	struct src *s;
	unsigned k, total = 0;

	(void)state;
	for (unsigned f = 0; f < 6; f++) {
		for (unsigned i = 0; i < 1000; i++)
			mkrec(&r[i], (uint64_t)(T0 + f * 900) * 1000 + i,
			    (uint64_t)(T0 + f * 900) * 1000 + i + 10,
			    f * 1000 + i);
		mkfile("each", 3, (time_t)(T0 + f * 900), 0, r, 1000,
		    (int)(f % 2) * 6);
	}
	snprintf(dir, sizeof(dir), "%s/each", root);
	p[0] = dir;
	memset(&o, 0, sizeof(o));
	o.threads = 3;
	o.each = each_cb;
	o.each_arg = &g;
	s = src_open(p, 1, &o, err, sizeof(err));
	assert_non_null(s);
	while (src_next_batch(s, &recs, &k))
		assert_int_equal(k, 0);
	assert_int_equal(src_files(s), 6);
	src_close(s);
	assert_int_equal(g.too_big, 0);
	assert_true(g.calls >= 6 * (1000 / SRC_EACH_MAX));
	for (unsigned t = 0; t < SRC_MAXTHR; t++)
		for (unsigned i = 0; i < g.n[t]; i++) {
			assert_true(g.ids[t][i] < 6000);
			assert_int_equal(seen[g.ids[t][i]]++, 0);
			total++;
		}
	assert_int_equal(total, 6000);
}

/* Both readers of one file agree record by record; the count. */
static unsigned
same_as_ftr_next(const char *path)
{
	char err[256];
	struct ftr *a, *b;
	struct flowrec x, y;
	const uint8_t *p;
	const uint32_t one = 1;
	unsigned n = 0;
	int be;

	a = ftr_open(path, err, sizeof(err));
	b = ftr_open(path, err, sizeof(err));
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(ftr_header(a)->d_version, 5);
	be = ftr_header(a)->byte_order != (*(const uint8_t *)&one == 1 ?
	    FT_LITTLE_ENDIAN : FT_BIG_ENDIAN);
	while (ftr_next(a, &x) == 1) {
		assert_int_equal(ftr_next_bytes(b, &p), 64);
		src_decode_v5(p, be, &y);
		assert_memory_equal(&x, &y, sizeof(x));
		n++;
	}
	assert_int_equal(ftr_next_bytes(b, &p), 0);
	ftr_close(a);
	ftr_close(b);
	return n;
}

/* The v5 fast path gives what ftr_next gives: both byte orders, and every
 * v5 vector file of the real flow-capture. */
static void
test_fast_v5(void **state)
{
	static const char *const vec[] = {
	    "v5_basic_z0/capture/2026/2026-11/2026-11-28/"
	    "ft-v05.2026-11-28.032912+0000",
	    "v5_basic_z9/capture/2026/2026-11/2026-11-28/"
	    "ft-v05.2026-11-28.032925+0000",
	    "v5_comment_N0/capture/ft-v05.2026-11-28.032938+0000",
	};
	struct ftw_opts o = { 5, 0, FT_BIG_ENDIAN, "h", NULL };
	struct ftrec r[300];
	char path[1024], err[256];
	struct ftw *w;
	unsigned n = 0;

	(void)state;
	for (unsigned i = 0; i < 300; i++) {
		mkrec(&r[i], (uint64_t)T0 * 1000 + i * 7, (uint64_t)T0 *
		    1000 + i * 977, i * 4099);
		r[i].exaddr = 0x7f000001 + i;
		r[i].input = (uint16_t)(i * 211);
		r[i].output = (uint16_t)(65535 - i);
		r[i].src_as = (uint16_t)(i * 131);
		r[i].dst_as = (uint16_t)(i * 257);
		r[i].engine_type = (uint8_t)i;
		r[i].engine_id = (uint8_t)(i * 3);
		r[i].src_mask = (uint8_t)(i % 33);
		r[i].dst_mask = (uint8_t)(32 - i % 33);
		r[i].tos = (uint8_t)(i * 5);
		r[i].tcp_flags = (uint8_t)(i * 7);
		r[i].unix_nsecs = i * 3333333u;
		r[i].dpkts = 0xffffff00u + i;
		r[i].doctets = 0xfffff000u + i;
	}
	for (int bo = FT_LITTLE_ENDIAN; bo <= FT_BIG_ENDIAN; bo++) {
		o.byte_order = bo;
		o.zlevel = bo == FT_BIG_ENDIAN ? 6 : 0;
		snprintf(path, sizeof(path), "%s/ft-v05.bo%d", root, bo);
		w = ftw_open(path, &o, T0, NULL, err, sizeof(err));
		assert_non_null(w);
		assert_int_equal(ftw_write(w, r, 300), 0);
		assert_int_equal(ftw_close(w, T0 + 60, NULL, NULL, err,
		    sizeof(err)), 0);
		assert_int_equal(same_as_ftr_next(path), 300);
	}
	if (access(SHARED_DIR "/vectors/flow-tools", R_OK) != 0) {
		print_message("vectors absent: synthetic files only\n");
		return;
	}
	for (unsigned i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		snprintf(path, sizeof(path), "%s/vectors/flow-tools/%s",
		    SHARED_DIR, vec[i]);
		n += same_as_ftr_next(path);
	}
	assert_int_equal(n, 70 + 70 + 45);
}

static void
test_timearg(void **state)
{
	uint64_t v, now = 1800000000000ull;
	char err[256];

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(timearg_parse("2026-11-28 10:00", now, &v, err,
	    sizeof(err)), 0);
	assert_int_equal(v, 1795860000000ull);
	assert_int_equal(timearg_parse("2026-11-28T10:00:30.5Z", now, &v,
	    err, sizeof(err)), 0);
	assert_int_equal(v, 1795860030500ull);
	assert_int_equal(timearg_parse("2026-11-28T15:30:00+05:30", now, &v,
	    err, sizeof(err)), 0);
	assert_int_equal(v, 1795860000000ull);
	assert_int_equal(timearg_parse("2026-11-28", now, &v, err,
	    sizeof(err)), 0);
	assert_int_equal(v, 1795824000000ull);
	assert_int_equal(timearg_parse("1700000000", now, &v, err,
	    sizeof(err)), 0);
	assert_int_equal(v, 1700000000000ull);
	assert_int_equal(timearg_parse("-1h", now, &v, err, sizeof(err)), 0);
	assert_int_equal(v, now - 3600000);
	assert_int_equal(timearg_parse("now", now, &v, err, sizeof(err)), 0);
	assert_int_equal(v, now);
	setenv("TZ", "Asia/Kolkata", 1);
	tzset();
	assert_int_equal(timearg_parse("2026-11-28 15:30", now, &v, err,
	    sizeof(err)), 0);
	assert_int_equal(v, 1795860000000ull);
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(timearg_parse("2026-02-30 10:00", now, &v, err,
	    sizeof(err)), -1);
	assert_int_equal(timearg_parse("yesterday", now, &v, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "yesterday"));
	assert_int_equal(timearg_parse("-1x", now, &v, err, sizeof(err)), -1);
	assert_int_equal(timearg_parse("", now, &v, err, sizeof(err)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_window_layouts_utc,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_layouts_kolkata,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_file_span, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_sibling, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tmp_files, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_middle, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_parallel_equals_sequential, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_and_empty, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_each, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fast_v5, setup,
		    teardown),
		cmocka_unit_test(test_timearg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
