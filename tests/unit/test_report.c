/*
 * test_report.c - the report engine (report.h) against the real flow-stat:
 * for every flow file of the flow-tools vectors and every flow-stat -f N
 * output made from it (plain and -S 2), our report of the same type gives
 * the same rows (keys, flows, octets, packets; compared as sets, since
 * flow-stat prints in hash order) and, sorted like -S 2, the same column
 * in the same order; the overall summary (0) figure by figure, the short
 * summary (15) too.  Then the engine itself: top-N selection against a
 * full sort, minimum octets, sampling, IPv6 prefixes, names and numbers;
 * and its helpers: AS name files, the reverse DNS cache and its deadline,
 * the CSV and JSON renderers.
 */
#include "config.h"

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* nftw */
#endif

#include <arpa/inet.h>

#include <ftw.h>
#include <inttypes.h>
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

#include "storage/ftreader.h"
#include "src/names.h"
#include "src/render.h"
#include "src/report.h"

#define VEC	SHARED_DIR "/vectors/flow-tools"
#define MAXDIRS	64
#define MAXLINES 4096

/* expected/<name> directories found under VEC */
static char *dirs[MAXDIRS];
static unsigned ndirs;

static int
walk_cb(const char *path, const struct stat *st, int type, struct FTW *f)
{
	const char *p;

	(void)st;
	(void)f;
	if (type != FTW_D || ndirs >= MAXDIRS)
		return 0;
	p = strstr(path, "/expected/");
	if (p != NULL && strchr(p + 10, '/') == NULL)
		dirs[ndirs++] = strdup(path);
	return 0;
}

/* The flow file an expected/<name> dir is about: <scenario>/<...>/name. */
static char found[4096];
static const char *want_name;

static int
find_cb(const char *path, const struct stat *st, int type, struct FTW *f)
{
	const char *b = path + f->base;

	(void)st;
	if (type == FTW_F && strcmp(b, want_name) == 0 &&
	    strstr(path, "/expected/") == NULL) {
		snprintf(found, sizeof(found), "%s", path);
		return 1;
	}
	return 0;
}

static int
flow_file(const char *dir, char *out, size_t len)
{
	char scen[4096];
	char *e;

	snprintf(scen, sizeof(scen), "%s", dir);
	e = strstr(scen, "/expected/");
	want_name = e + 10;
	*e = '\0';
	found[0] = '\0';
	if (nftw(scen, find_cb, 16, FTW_PHYS) != 1)
		return -1;
	snprintf(out, len, "%s", found);
	return 0;
}

/* ---------------------------------------------------------------- ours */

static struct rpt *
run(const char *file, const struct rpt_def *d)
{
	struct flowrec buf[256];
	char err[256];
	struct ftr *fr;
	struct rpt *r;
	unsigned n = 0;
	int rc;

	fr = ftr_open(file, err, sizeof(err));
	if (fr == NULL)
		fail_msg("%s", err);
	r = rpt_new(d, NULL);
	assert_non_null(r);
	while ((rc = ftr_next(fr, &buf[n])) == 1)
		if (++n == 256) {
			assert_int_equal(rpt_add(r, buf, n), 0);
			n = 0;
		}
	assert_int_equal(rc, 0);
	assert_int_equal(rpt_add(r, buf, n), 0);
	ftr_close(fr);
	return r;
}

/* A key column as flow-stat prints it: numbers in decimal, addresses
 * dotted, prefixes with trailing zero octets left out and lengths above
 * 32 shown as 0. */
static void
fmt_key(const struct rpt_kv *kv, char *b, size_t len)
{
	uint32_t a = kv->addr.v4;
	size_t o = 0;
	int last = 3;

	switch (kv->col) {
	case RPT_C_IP4:
	case RPT_C_ADDR:
		snprintf(b, len, "%u.%u.%u.%u", a >> 24, a >> 16 & 255,
		    a >> 8 & 255, a & 255);
		return;
	case RPT_C_PFX4:
		while (last > 0 && (a & (0xffffffffu >> (8 * last))) == 0)
			last--;
		for (int i = 0; i <= last; i++)
			o += (size_t)snprintf(b + o, len - o, "%s%u",
			    i ? "." : "", a >> (24 - 8 * i) & 255);
		snprintf(b + o, len - o, "/%u", kv->len > 32 ? 0 : kv->len);
		return;
	default:
		snprintf(b, len, "%" PRIu64, kv->num);
		return;
	}
}

static void
fmt_row(const struct rpt *r, const struct rpt_row *row, char *b, size_t len)
{
	struct rpt_kv kv;
	char k[2][64];
	unsigned nk = rpt_def(r)->nkeys;

	for (unsigned i = 0; i < nk; i++) {
		rpt_key(r, row, i, &kv);
		fmt_key(&kv, k[i], sizeof(k[i]));
	}
	snprintf(b, len, "%s%s%s %" PRIu64 " %" PRIu64 " %" PRIu64, k[0],
	    nk > 1 ? " " : "", nk > 1 ? k[1] : "", row->flows, row->octets,
	    row->packets);
}

/* ---------------------------------------------------------------- theirs */

struct lines {
	char	*v[MAXLINES];
	unsigned n;
};

static void
lines_free(struct lines *l)
{
	for (unsigned i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

/* The data lines of a flow-stat output, whitespace collapsed. */
static void
read_lines(const char *path, struct lines *l)
{
	char buf[1024];
	FILE *fp;

	l->n = 0;
	fp = fopen(path, "r");
	if (fp == NULL)
		fail_msg("cannot open %s", path);
	while (fgets(buf, sizeof(buf), fp) != NULL) {
		char out[1024], *tok, *save = NULL;
		size_t o = 0;

		if (buf[0] == '#')
			continue;
		for (tok = strtok_r(buf, " \t\n", &save); tok != NULL;
		    tok = strtok_r(NULL, " \t\n", &save))
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s",
			    o ? " " : "", tok);
		if (o == 0)
			continue;
		assert_true(l->n < MAXLINES);
		l->v[l->n++] = strdup(out);
	}
	fclose(fp);
}

static int
strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The n-th space-separated field of s as a number. */
static uint64_t
field(const char *s, unsigned n)
{
	while (n-- > 0) {
		s = strchr(s, ' ');
		assert_non_null(s);
		s++;
	}
	return strtoull(s, NULL, 10);
}

/* ---------------------------------------------------------------- compare */

static unsigned nchecked, nfiles;
static unsigned matched[200];

static void
check_table(const char *file, const char *out, const struct rpt_def *d,
    int sorted)
{
	struct rpt_select sel = { RPT_S_NONE, 0, 0, 0 };
	struct lines exp, got;
	struct rpt_row *rows;
	struct rpt *r = run(file, d);
	size_t n;
	char b[256];

	read_lines(out, &exp);
	if (sorted) {
		sel.sort = d->nkeys == 1 ? RPT_S_OCTETS : RPT_S_FLOWS;
		sel.ascending = 0;
	}
	n = rpt_rows(r, &sel, &rows);
	assert_true(n != (size_t)-1);
	got.n = 0;
	for (size_t i = 0; i < n; i++) {
		fmt_row(r, &rows[i], b, sizeof(b));
		assert_true(got.n < MAXLINES);
		got.v[got.n++] = strdup(b);
	}
	if (got.n != exp.n)
		fail_msg("%s: %s: %u rows, flow-stat has %u", file, out, got.n,
		    exp.n);
	if (sorted) {
		/* the sort column, row by row (ties may be in any order) */
		unsigned col = 2;	/* -S 2: counted from 0 */

		for (unsigned i = 0; i < n; i++)
			if (field(got.v[i], col) != field(exp.v[i], col))
				fail_msg("%s: %s: row %u sorted differently: "
				    "\"%s\" vs \"%s\"", file, out, i,
				    got.v[i], exp.v[i]);
	}
	qsort(got.v, got.n, sizeof(char *), strp_cmp);
	qsort(exp.v, exp.n, sizeof(char *), strp_cmp);
	for (unsigned i = 0; i < n; i++)
		if (strcmp(got.v[i], exp.v[i]) != 0)
			fail_msg("%s: %s: \"%s\" vs flow-stat \"%s\"", file,
			    out, got.v[i], exp.v[i]);
	free(rows);
	lines_free(&exp);
	lines_free(&got);
	rpt_free(r);
}

/* "Label : value" of the summary, or NULL. */
static const char *
figure(const struct lines *l, const char *label)
{
	size_t n = strlen(label);

	for (unsigned i = 0; i < l->n; i++)
		if (strncmp(l->v[i], label, n) == 0) {
			const char *p = l->v[i] + n;

			p += *p == ' ';
			if (*p++ != ':')
				continue;
			return p + (*p == ' ');
		}
	return NULL;
}

static void
check_float(const char *file, const char *label, const char *exp, double v,
    int digits)
{
	char b[64];

	snprintf(b, sizeof(b), "%.*f", digits, v);
	if (digits == 3 && b[0] == '0' && b[1] == '.')
		memmove(b, b + 1, strlen(b));	/* ".043" */
	if (strcmp(b, exp) != 0)
		fail_msg("%s: %s: %s, flow-stat %s", file, label, b, exp);
}

static void
check_u64(const char *file, const char *label, const char *exp, uint64_t v)
{
	if (exp == NULL)
		fail_msg("%s: flow-stat has no \"%s\"", file, label);
	if (strtoull(exp, NULL, 10) != v)
		fail_msg("%s: %s: %" PRIu64 ", flow-stat %s", file, label, v,
		    exp);
}

static void
check_summary(const char *file, const char *out, const struct rpt_def *d)
{
	static const char *const fl[8] = {
	    "Average flow time (1/1000 secs)", "Average packet size (octets)",
	    "Average flow size (octets)", "Average packets per flow",
	    "Average flows / second (flow)", "Average flows / second (real)",
	    "Average Kbits / second (flow)", "Average Kbits / second (real)" };
	struct rpt_summary s;
	struct rpt *r = run(file, d);
	struct lines exp;
	unsigned h = 0;
	double fv[8];

	read_lines(out, &exp);
	assert_int_equal(rpt_summary(r, &s), 0);
	if (exp.n == 0) {
		/* flow-stat prints nothing without flows */
		assert_int_equal(s.flows, 0);
		goto out;
	}
	check_u64(file, "flows", figure(&exp, "Total Flows"), s.flows);
	check_u64(file, "octets", figure(&exp, "Total Octets"), s.octets);
	check_u64(file, "packets", figure(&exp, "Total Packets"), s.packets);
	check_u64(file, "time", figure(&exp, "Total Time (1/1000 secs) "
	    "(flows)"), s.time_ms);
	check_u64(file, "realtime", figure(&exp, "Duration of data "
	    "(realtime)"), s.real_s);
	check_u64(file, "duration", figure(&exp, "Duration of data (1/1000 "
	    "secs)"), s.dur_ms);
	fv[0] = s.avg_flow_time;
	fv[1] = s.avg_packet_size;
	fv[2] = s.avg_flow_size;
	fv[3] = s.avg_packets_per_flow;
	fv[4] = s.flows_per_s;
	fv[5] = s.flows_per_s_real;
	fv[6] = s.kbits_per_s;
	fv[7] = s.kbits_per_s_real;
	for (unsigned i = 0; i < 8; i++) {
		const char *e = figure(&exp, fl[i]);

		if (e == NULL)
			fail_msg("%s: no \"%s\"", out, fl[i]);
		check_float(file, fl[i], e, fv[i], 4);
	}
	/* the histograms: every line made of fractions only */
	for (unsigned i = 0; i < exp.n; i++) {
		char *copy, *tok, *save = NULL;

		if (strchr(exp.v[i], ':') != NULL ||
		    strchr(exp.v[i], '-') != NULL ||
		    strchr(exp.v[i], '.') == NULL)
			continue;
		copy = strdup(exp.v[i]);
		for (tok = strtok_r(copy, " ", &save); tok != NULL;
		    tok = strtok_r(NULL, " ", &save)) {
			assert_true(h < 4 * RPT_HIST);
			check_float(file, "histogram", tok,
			    s.hist[h / RPT_HIST][h % RPT_HIST], 3);
			h++;
		}
		free(copy);
	}
	assert_int_equal(h, 4 * RPT_HIST);
out:
	lines_free(&exp);
	rpt_free(r);
}

static void
check_short(const char *file, const char *out, const struct rpt_def *d)
{
	struct rpt *r = run(file, d);
	struct rpt_totals t;
	struct lines exp;
	char b[128];

	read_lines(out, &exp);
	rpt_totals(r, &t);
	assert_int_equal(exp.n, 1);
	snprintf(b, sizeof(b), "%" PRIu64 " %" PRIu64 " %.3f", t.octets,
	    t.packets, (double)t.octets / 1000000.0);
	if (strcmp(b, exp.v[0]) != 0)
		fail_msg("%s: short summary \"%s\", flow-stat \"%s\"", file, b,
		    exp.v[0]);
	lines_free(&exp);
	rpt_free(r);
}

static void
check_dir(const char *dir)
{
	char file[4096], out[4096];

	if (flow_file(dir, file, sizeof(file)) == -1)
		fail_msg("no flow file for %s", dir);
	nfiles++;
	for (int f = 0; f <= 32; f++) {
		const struct rpt_def *d;
		char num[8];

		snprintf(num, sizeof(num), "%d", f);
		d = rpt_find(num);
		for (int sorted = 0; sorted <= 1; sorted++) {
			struct stat st;

			snprintf(out, sizeof(out), "%s/flow-stat-f%d%s.txt",
			    dir, f, sorted ? "-S2" : "");
			if (stat(out, &st) == -1)
				continue;
			if (d == NULL) {
				/* 4 "Not implemented", 13/14 plot data */
				assert_true(f == 4 || f == 13 || f == 14);
				continue;
			}
			if (d->kind == RPT_SUMMARY)
				check_summary(file, out, d);
			else if (d->kind == RPT_SHORT)
				check_short(file, out, d);
			else
				check_table(file, out, d, sorted);
			matched[f]++;
			nchecked++;
		}
	}
}

static void
test_flowstat_vectors(void **state)
{
	struct stat st;

	(void)state;
	if (stat(VEC, &st) == -1) {
		skip();
		return;
	}
	assert_int_equal(nftw(VEC, walk_cb, 16, FTW_PHYS), 0);
	assert_true(ndirs >= 10);
	for (unsigned i = 0; i < ndirs; i++) {
		check_dir(dirs[i]);
		free(dirs[i]);
	}
	print_message("flow-stat outputs matched: %u (%u flow files); "
	    "types:", nchecked, nfiles);
	for (int f = 0; f <= 32; f++)
		if (matched[f])
			print_message(" %d", f);
	print_message("\n");
	/* every type the vectors cover was checked */
	for (int f = 0; f <= 32; f++)
		if (f != 4 && f != 13 && f != 14)
			assert_true(matched[f] > 0);
}

/* ---------------------------------------------------------------- engine */

static void
mkflow(struct flowrec *f, uint32_t src, uint32_t dst, uint64_t oct)
{
	memset(f, 0, sizeof(*f));
	f->af = FR_AF_INET;
	f->src.v4 = src;
	f->dst.v4 = dst;
	f->packets = 1 + oct / 1000;
	f->octets = oct;
	f->proto = 6;
	f->sport = (uint16_t)src;
	f->dport = 80;
	f->first_ms = 1000;
	f->last_ms = 2000;
	f->fields = FR_HAS_PACKETS | FR_HAS_OCTETS | FR_HAS_SRCADDR |
	    FR_HAS_DSTADDR | FR_HAS_PORTS | FR_HAS_PROTO | FR_HAS_TIMES;
}

static int
cmp_desc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* Top N by partial selection equals the head of a full sort. */
static void
test_topn(void **state)
{
	static struct flowrec f[5000];
	static uint64_t all[5000];
	struct rpt_select sel = { RPT_S_OCTETS, 0, 0, 0 };
	struct rpt_row *rows;
	struct rpt *r;
	uint32_t x = 12345;
	size_t n;

	(void)state;
	r = rpt_new(rpt_find("srcip"), NULL);
	for (unsigned i = 0; i < 5000; i++) {
		x = x * 1103515245u + 12345u;
		/* distinct sources, octets with many ties */
		mkflow(&f[i], 0x0a000000u + i, 1, (x >> 8) % 700);
		all[i] = f[i].octets;
	}
	assert_int_equal(rpt_add(r, f, 5000), 0);
	qsort(all, 5000, sizeof(all[0]), cmp_desc);
	for (size_t lim = 1; lim <= 5000; lim = lim * 3 + 1) {
		sel.limit = lim;
		n = rpt_rows(r, &sel, &rows);
		assert_int_equal(n, lim);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(rows[i].octets, all[i]);
			if (i > 0 && rows[i].octets == rows[i - 1].octets)
				assert_true(memcmp(rows[i - 1].key,
				    rows[i].key, 4) < 0);
		}
		free(rows);
	}
	/* ascending, by key */
	sel.sort = RPT_S_KEY1;
	sel.ascending = 1;
	sel.limit = 3;
	n = rpt_rows(r, &sel, &rows);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		struct rpt_kv kv;

		rpt_key(r, &rows[i], 0, &kv);
		assert_int_equal(kv.addr.v4, 0x0a000000u + i);
	}
	free(rows);
	/* minimum octets */
	sel.limit = 0;
	sel.min_octets = 600;
	n = rpt_rows(r, &sel, &rows);
	for (size_t i = 0; i < n; i++)
		assert_true(rows[i].octets >= 600);
	free(rows);
	rpt_free(r);
}

/* Rows of r sorted by key (ascending), for comparing two reports. */
static size_t
by_key(const struct rpt *r, struct rpt_row **rows)
{
	struct rpt_select sel = { RPT_S_KEY1, 1, 0, 0 };

	return rpt_rows(r, &sel, rows);
}

/* Counting in parts and merging (one report per reader thread) gives
 * what counting everything in one report gives, for tables and summary. */
static void
test_merge(void **state)
{
	static struct flowrec f[6000];
	static const char *const names[] = { "srcip", "ip", "ip-pair",
	    "srcport", "summary" };
	struct rpt_row *ra, *rb;
	struct rpt_totals ta, tb;
	struct rpt_summary sa, sb;
	uint32_t x = 777;

	(void)state;
	for (unsigned i = 0; i < 6000; i++) {
		x = x * 1103515245u + 12345u;
		mkflow(&f[i], 0x0a000000u + (x >> 20) % 300, 0xc0000000u +
		    (x >> 9) % 50, 40 + (x >> 4) % 9000);
		f[i].first_ms = 1000 + (x >> 3) % 5000;
		f[i].last_ms = f[i].first_ms + (x >> 11) % 3000;
	}
	for (unsigned k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		const struct rpt_def *d = rpt_find(names[k]);
		struct rpt *all = rpt_new(d, NULL), *p1 = rpt_new(d, NULL),
		    *p2 = rpt_new(d, NULL);
		size_t na, nb;

		assert_int_equal(rpt_add(all, f, 6000), 0);
		assert_int_equal(rpt_add(p1, f, 2500), 0);
		assert_int_equal(rpt_add(p2, f + 2500, 3500), 0);
		assert_int_equal(rpt_merge(p1, p2), 0);
		rpt_totals(all, &ta);
		rpt_totals(p1, &tb);
		assert_memory_equal(&ta, &tb, sizeof(ta));
		if (d->kind != RPT_TABLE) {
			assert_int_equal(rpt_summary(all, &sa), 0);
			assert_int_equal(rpt_summary(p1, &sb), 0);
			assert_memory_equal(&sa, &sb, sizeof(sa));
		} else {
			na = by_key(all, &ra);
			nb = by_key(p1, &rb);
			assert_true(na > 10);
			assert_int_equal(na, nb);
			for (size_t i = 0; i < na; i++) {
				assert_int_equal(ra[i].flows, rb[i].flows);
				assert_int_equal(ra[i].octets, rb[i].octets);
				assert_int_equal(ra[i].packets, rb[i].packets);
				assert_memory_equal(ra[i].key, rb[i].key, 4);
			}
			free(ra);
			free(rb);
		}
		rpt_free(all);
		rpt_free(p1);
		rpt_free(p2);
	}
	/* reports of different types are not merged */
	{
		struct rpt *a = rpt_new(rpt_find("srcip"), NULL);
		struct rpt *b = rpt_new(rpt_find("dstport"), NULL);

		assert_int_equal(rpt_add(b, f, 100), 0);
		assert_int_equal(rpt_merge(a, b), -1);
		rpt_totals(a, &ta);
		assert_int_equal(ta.flows, 0);
		rpt_free(a);
		rpt_free(b);
	}
}

static void
test_sampling(void **state)
{
	struct rpt_opts o = { 10, 1 };
	struct flowrec f[2];
	struct rpt_totals t;
	struct rpt *r;

	(void)state;
	mkflow(&f[0], 1, 2, 1000);
	mkflow(&f[1], 1, 2, 1000);
	f[1].sampling = 100;
	f[1].fields |= FR_HAS_SAMPLING;
	r = rpt_new(rpt_find("dstport"), &o);
	assert_int_equal(rpt_add(r, f, 2), 0);
	rpt_totals(r, &t);
	assert_int_equal(t.flows, 20);
	assert_int_equal(t.octets, 10 * 1000 + 10 * 100 * 1000);
	assert_int_equal(t.packets, 10 * 2 + 10 * 100 * 2);
	assert_int_equal(t.rows, 1);
	rpt_free(r);
	o.auto_sampling = 0;
	r = rpt_new(rpt_find("dstport"), &o);
	assert_int_equal(rpt_add(r, f, 2), 0);
	rpt_totals(r, &t);
	assert_int_equal(t.octets, 20000);
	rpt_free(r);
}

static void
test_ipv6_prefix(void **state)
{
	struct rpt_select sel = { RPT_S_KEY1, 1, 0, 0 };
	struct flowrec f[3];
	struct rpt_row *rows;
	struct rpt_kv kv;
	struct rpt *r;
	size_t n;

	(void)state;
	for (int i = 0; i < 3; i++) {
		mkflow(&f[i], 0, 0, 100);
		f[i].af = FR_AF_INET6;
		f[i].fields |= FR_HAS_MASK;
		inet_pton(AF_INET6, i == 2 ? "2001:db8:1::1" :
		    "2001:db8::1", f[i].src.v6);
		f[i].src_mask = 33;
		f[i].src.v6[15] = (uint8_t)i;
	}
	f[2].src_mask = 48;
	r = rpt_new(rpt_find("srcprefix6"), NULL);
	assert_int_equal(rpt_add(r, f, 3), 0);
	n = rpt_rows(r, &sel, &rows);
	assert_int_equal(n, 2);
	rpt_key(r, &rows[0], 0, &kv);
	assert_int_equal(kv.af, FR_AF_INET6);
	assert_int_equal(kv.len, 33);
	assert_int_equal(kv.addr.v6[15], 0);
	assert_int_equal(rows[0].flows, 2);
	rpt_key(r, &rows[1], 0, &kv);
	assert_int_equal(kv.len, 48);
	assert_int_equal(kv.addr.v6[5], 1);
	free(rows);
	/* an IPv4 report skips IPv6 flows */
	rpt_free(r);
	r = rpt_new(rpt_find("srcip"), NULL);
	assert_int_equal(rpt_add(r, f, 3), 0);
	assert_int_equal(rpt_other_family(r), 3);
	rpt_free(r);
}

static void
test_find(void **state)
{
	(void)state;
	assert_string_equal(rpt_find("9")->name, "srcip");
	assert_string_equal(rpt_find("ip-pair")->name, "ip-pair");
	assert_int_equal(rpt_find("ip-pair")->num, 10);
	assert_int_equal(rpt_find("srcprefix6")->num, 124);
	assert_null(rpt_find("4"));
	assert_null(rpt_find("bogus"));
	assert_null(rpt_find(""));
	for (unsigned i = 0; i < rpt_ndefs(); i++) {
		const struct rpt_def *d = rpt_def_at(i);
		char num[8];

		snprintf(num, sizeof(num), "%d", d->num);
		assert_ptr_equal(rpt_find(d->name), d);
		assert_ptr_equal(rpt_find(num), d);
	}
}

/* A field the exporter did not send is not counted. */
static void
test_missing(void **state)
{
	struct flowrec f;
	struct rpt_totals t;
	struct rpt *r;

	(void)state;
	mkflow(&f, 1, 2, 10);
	r = rpt_new(rpt_find("srcas"), NULL);
	assert_int_equal(rpt_add(r, &f, 1), 0);
	rpt_totals(r, &t);
	assert_int_equal(t.flows, 0);
	assert_int_equal(rpt_missing(r), 1);
	rpt_free(r);
}

/* ---------------------------------------------------------------- names */

static void
test_as_names(void **state)
{
	char path[] = "/tmp/fkasXXXXXX", err[256];
	struct names_as *a;
	FILE *fp;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) != -1);
	fp = fdopen(fd, "w");
	fputs("# AS names\nAS15169 GOOGLE\n3356\tLEVEL3 Parent\n\n", fp);
	fclose(fp);
	a = names_as_load(path, err, sizeof(err));
	assert_non_null(a);
	assert_string_equal(names_as_find(a, 15169), "GOOGLE");
	assert_string_equal(names_as_find(a, 3356), "LEVEL3 Parent");
	assert_null(names_as_find(a, 1));
	names_as_free(a);
	fp = fopen(path, "a");
	fputs("nonsense\n", fp);
	fclose(fp);
	assert_null(names_as_load(path, err, sizeof(err)));
	assert_non_null(strstr(err, ":5:"));
	unlink(path);
	assert_null(names_as_load(path, err, sizeof(err)));
}

static void
test_system_names(void **state)
{
	char b[NAMES_MAX];
	struct stat st;

	(void)state;
	if (stat("/etc/services", &st) == -1 ||
	    stat("/etc/protocols", &st) == -1) {
		skip();
		return;
	}
	assert_string_equal(names_proto(6, b, sizeof(b)), "tcp");
	assert_string_equal(names_port(22, b, sizeof(b)), "ssh");
	assert_null(names_proto(255, b, sizeof(b)));
}

/* The cache keeps at most max entries (the oldest go), survives a save
 * and a reopen, and a lookup returns by its deadline. */
static void
test_dns_cache(void **state)
{
	char path[] = "/tmp/fkdnsXXXXXX";
	struct names_dns *d;
	fr_addr a[3];
	uint8_t af[3] = { FR_AF_INET, FR_AF_INET, FR_AF_INET };
	long long now = (long long)time(NULL);
	FILE *fp;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) != -1);
	fp = fdopen(fd, "w");
	fprintf(fp, "%lld 192.0.2.1 one.example\n", now - 20);
	fprintf(fp, "%lld 192.0.2.2 two.example\n", now - 10);
	fprintf(fp, "broken line\n");
	fprintf(fp, "%lld 192.0.2.3 -\n", now);
	fclose(fp);
	d = names_dns_open(path, 2);
	assert_non_null(d);
	a[0].v4 = 0xc0000201;
	a[1].v4 = 0xc0000202;
	a[2].v4 = 0xc0000203;
	assert_null(names_dns_find(d, af[0], &a[0]));	/* evicted */
	assert_string_equal(names_dns_find(d, af[1], &a[1]), "two.example");
	assert_null(names_dns_find(d, af[2], &a[2]));	/* no name */
	/* all three are cached (.1 is not, but resolving it is bounded) */
	{
		time_t t0 = time(NULL);

		names_dns_resolve(d, af, a, 3, 2, 300);
		assert_true(time(NULL) - t0 <= 3);
	}
	/* what it holds now comes back from the file */
	{
		const char *before[3];
		char keep[3][NAMES_MAX];

		for (int i = 0; i < 3; i++) {
			before[i] = names_dns_find(d, af[i], &a[i]);
			snprintf(keep[i], sizeof(keep[i]), "%s",
			    before[i] ? before[i] : "");
		}
		assert_int_equal(names_dns_save(d), 0);
		names_dns_close(d);
		d = names_dns_open(path, 2);
		for (int i = 0; i < 3; i++) {
			const char *after = names_dns_find(d, af[i], &a[i]);

			assert_string_equal(after ? after : "", keep[i]);
		}
		names_dns_close(d);
	}
	/* loopback has a name in /etc/hosts */
	d = names_dns_open(NULL, 8);
	a[0].v4 = 0x7f000001;
	assert_int_equal(names_dns_resolve(d, af, a, 1, 2, 5000), 1);
	assert_non_null(names_dns_find(d, FR_AF_INET, &a[0]));
	names_dns_close(d);
	unlink(path);
}

/* ---------------------------------------------------------------- render */

static void
render_to(const char *fmt, char *buf, size_t len)
{
	const char *cells[3] = { "a,\"b\"", "12", "x\ty" };
	struct render_table t;
	FILE *fp = fmemopen(buf, len, "w");

	assert_non_null(fp);
	memset(&t, 0, sizeof(t));
	t.fp = fp;
	t.title = "T";
	t.ncols = 3;
	t.cols[0].name = "key";
	t.cols[1].name = "flows";
	t.cols[1].number = 1;
	t.cols[2].name = "note";
	render_fit(&t, cells);
	render_find(fmt)->head(&t);
	render_find(fmt)->row(&t, cells);
	render_find(fmt)->tail(&t, NULL);
	fclose(fp);
}

static void
test_render(void **state)
{
	char b[512];

	(void)state;
	assert_null(render_find("xml"));
	render_to("csv", b, sizeof(b));
	assert_string_equal(b, "key,flows,note\n\"a,\"\"b\"\"\",12,x\ty\n");
	render_to("json", b, sizeof(b));
	assert_string_equal(b, "{\"report\": \"T\", \"rows\": [\n  "
	    "{\"key\": \"a,\\\"b\\\"\", \"flows\": 12, \"note\": "
	    "\"x\\u0009y\"}\n]}\n");
	render_to("text", b, sizeof(b));
	assert_string_equal(b, "T\n\nkey    flows  note\na,\"b\"     12  "
	    "x\ty\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flowstat_vectors),
		cmocka_unit_test(test_topn),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_sampling),
		cmocka_unit_test(test_ipv6_prefix),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_as_names),
		cmocka_unit_test(test_system_names),
		cmocka_unit_test(test_dns_cache),
		cmocka_unit_test(test_render),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
