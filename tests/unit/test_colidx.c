/*
 * test_colidx.c - column index sidecars (storage/colidx.h): records
 * written and read back equal field for field over several groups (IPv4
 * and IPv6, constant and varying columns, 64-bit counters); a need mask
 * loads only its columns and leaves the others alone; a stale stamp,
 * truncation at every length and flipped bytes are refused; a sidecar
 * built from a flow file gives what ftr_next() gives; pruning removes
 * exactly the sidecars whose flow file is gone, never a link, a file of
 * another name or anything a link leads to.
 */
#include "config.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "storage/colidx.h"
#include "storage/ftreader.h"
#include "storage/ftwriter.h"

#define NREC	(2 * COLIDX_GROUP + 1234)	/* three groups */

static uint64_t rs = 12345;

static uint32_t
rnd(void)
{
	rs = rs * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rs >> 33);
}

static void
mkrec(struct flowrec *r, unsigned i)
{
	memset(r, 0, sizeof(*r));
	r->first_ms = 1700000000000ull + i * 7 + rnd() % 1000;
	r->last_ms = r->first_ms + rnd() % 60000;
	r->recv_ms = r->last_ms + 5;
	r->packets = rnd() % 3 == 0 ? (uint64_t)rnd() << 20 : rnd() % 100;
	r->octets = r->packets * 40 + rnd() % 1500;
	r->exp_secs = 1700000000 + i / 1000;
	r->uptime_ms = 12345;
	r->sampling = 1;
	r->in_if = rnd() % 8;
	r->out_if = 70000;		/* above 16 bits, constant */
	r->src_as = rnd() % 2 ? 4200000000u : 65000;
	r->fields = FR_HAS_PACKETS | FR_HAS_OCTETS | FR_HAS_SRCADDR;
	r->version = 9;
	r->sport = (uint16_t)rnd();
	r->dport = 443;
	r->proto = 6;
	r->tcp_flags = (uint8_t)rnd();
	if (i % 5 == 0) {		/* some IPv6 flows */
		r->af = FR_AF_INET6;
		for (unsigned k = 0; k < 16; k++)
			r->src.v6[k] = (uint8_t)rnd();
		r->dst.v6[0] = 0x20;
		r->dst.v6[15] = (uint8_t)i;
	} else {
		r->af = FR_AF_INET;
		r->src.v4 = 0x0a010000u | (rnd() & 0xffff);
		r->dst.v4 = 0xc0000200u | (i & 0xff);
	}
	r->exp_af = FR_AF_INET;
	r->exporter.v4 = 0x7f000001u;
}

static uint8_t *
build(struct flowrec *recs, size_t n, const struct colidx_stamp *st,
    size_t *len)
{
	char path[] = "/tmp/test_colidx.XXXXXX";
	int fd = mkstemp(path);
	struct colidx_w *w;
	struct stat sb;
	uint8_t *buf;

	assert_true(fd >= 0);
	unlink(path);
	assert_non_null(w = colidx_wnew(fd));
	/* in uneven pieces */
	for (size_t i = 0; i < n;) {
		size_t k = 1 + rnd() % 5000;

		k = k < n - i ? k : n - i;
		assert_int_equal(colidx_wadd(w, recs + i, k), 0);
		i += k;
	}
	assert_int_equal(colidx_wfinish(w, st), 0);
	colidx_wfree(w);
	assert_int_equal(fstat(fd, &sb), 0);
	*len = (size_t)sb.st_size;
	assert_non_null(buf = malloc(*len));
	assert_int_equal(pread(fd, buf, *len, 0), (ssize_t)*len);
	close(fd);
	return buf;
}

static const struct colidx_stamp stamp = { 123456, 987654321 };

static void
read_all(struct colidx *x, struct flowrec *out, size_t n)
{
	size_t got = 0;
	int k;

	memset(out, 0, n * sizeof(*out));
	while ((k = colidx_read(x, out + got, 1000)) > 0) {
		got += (size_t)k;
		assert_true(got <= n);
	}
	assert_int_equal(k, 0);
	assert_int_equal(got, n);
}

static void
test_roundtrip(void **state)
{
	struct flowrec *in = calloc(NREC, sizeof(*in));
	struct flowrec *out = calloc(NREC, sizeof(*out));
	struct colidx *x;
	char err[256];
	uint8_t *buf;
	size_t len;

	(void)state;
	for (unsigned i = 0; i < NREC; i++)
		mkrec(&in[i], i);
	buf = build(in, NREC, &stamp, &len);
	/* smaller than the records: most columns are narrow or constant */
	assert_true(len < NREC * sizeof(struct flowrec) / 3);
	assert_int_equal(colidx_open_mem(buf, len, &stamp, 0, &x, err,
	    sizeof(err)), COLIDX_OK);
	assert_int_equal(colidx_nrec(x), NREC);
	read_all(x, out, NREC);
	for (unsigned i = 0; i < NREC; i++)
		if (memcmp(&in[i], &out[i], sizeof(in[i])) != 0)
			fail_msg("record %u differs", i);
	colidx_close(x);

	/* only src and the always-loaded columns: nothing else written */
	assert_int_equal(colidx_open_mem(buf, len, &stamp,
	    colidx_need(FR_HAS_SRCADDR), &x, err, sizeof(err)), COLIDX_OK);
	read_all(x, out, NREC);
	for (unsigned i = 0; i < NREC; i++) {
		assert_memory_equal(&in[i].src, &out[i].src, 16);
		assert_int_equal(in[i].octets, out[i].octets);
		assert_int_equal(in[i].first_ms, out[i].first_ms);
		assert_int_equal(out[i].sport, 0);
		assert_int_equal(out[i].dst.v4, 0);
		assert_int_equal(out[i].src_as, 0);
	}
	colidx_close(x);
	free(buf);
	free(in);
	free(out);
}

/*
 * A kept buffer (colidx_keep) across groups whose constant columns change,
 * and the two-step read (a filter's columns, then the rest of some rows).
 */
static void
test_keep_and_select(void **state)
{
	size_t n = COLIDX_GROUP + 5000;
	struct flowrec *in = calloc(n, sizeof(*in));
	struct flowrec buf[700], tmp[700];
	struct colidx *x;
	uint16_t sel[700];
	char err[256];
	uint8_t *bytes;
	size_t len, got = 0;
	int k;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		mkrec(&in[i], (unsigned)i);
		in[i].version = i < COLIDX_GROUP ? 9 : 5;	/* const per group */
		in[i].sampling = i < COLIDX_GROUP ? 1 : 100;
	}
	bytes = build(in, n, &stamp, &len);
	assert_int_equal(colidx_open_mem(bytes, len, &stamp, 0, &x, err,
	    sizeof(err)), COLIDX_OK);
	memset(buf, 0, sizeof(buf));
	colidx_keep(x, buf);
	while ((k = colidx_read(x, buf, 700)) > 0) {
		for (int j = 0; j < k; j++)
			if (memcmp(&buf[j], &in[got + (size_t)j],
			    sizeof(buf[j])) != 0)
				fail_msg("kept buffer: row %zu differs",
				    got + (size_t)j);
		got += (size_t)k;
	}
	assert_int_equal(got, n);
	colidx_close(x);

	/* every third row, by the two steps */
	assert_int_equal(colidx_open_mem(bytes, len, &stamp, 0, &x, err,
	    sizeof(err)), COLIDX_OK);
	memset(tmp, 0, sizeof(tmp));
	memset(buf, 0, sizeof(buf));
	colidx_keep(x, tmp);
	colidx_keep(x, buf);
	got = 0;
	while ((k = colidx_next(x, 700)) > 0) {
		unsigned m = 0;

		colidx_fill(x, tmp, COLIDX_BIT(COLIDX_SPORT));
		for (int j = 0; j < k; j++) {
			assert_int_equal(tmp[j].sport,
			    in[got + (size_t)j].sport);
			if ((got + (size_t)j) % 3 == 0)
				sel[m++] = (uint16_t)j;
		}
		colidx_fill_rows(x, buf, COLIDX_ALL, sel, m);
		for (unsigned j = 0; j < m; j++)
			if (memcmp(&buf[j], &in[got + sel[j]],
			    sizeof(buf[j])) != 0)
				fail_msg("selected row %zu differs",
				    got + sel[j]);
		got += (size_t)k;
	}
	assert_int_equal(got, n);
	colidx_close(x);
	free(bytes);
	free(in);
}

static void
test_damage(void **state)
{
	struct flowrec *in = calloc(3000, sizeof(*in));
	struct colidx_stamp other = stamp;
	struct colidx *x;
	char err[256];
	uint8_t *buf;
	size_t len;

	(void)state;
	for (unsigned i = 0; i < 3000; i++)
		mkrec(&in[i], i);
	buf = build(in, 3000, &stamp, &len);
	other.mtime_ns++;
	assert_int_equal(colidx_open_mem(buf, len, &other, 0, &x, err,
	    sizeof(err)), COLIDX_ABSENT);
	assert_null(x);
	other = stamp;
	other.size++;
	assert_int_equal(colidx_open_mem(buf, len, &other, 0, &x, err,
	    sizeof(err)), COLIDX_ABSENT);
	for (size_t cut = 0; cut < len; cut++) {
		enum colidx_status rc = colidx_open_mem(buf, cut, &stamp, 0,
		    &x, err, sizeof(err));

		if (rc != COLIDX_BAD)
			fail_msg("truncated to %zu: %d", cut, (int)rc);
	}
	/* every byte flipped in turn: refused at open, or (the directory's
	 * reserved bytes aside) never a silent difference */
	for (size_t i = 0; i < len; i++) {
		enum colidx_status rc;

		buf[i] ^= 0x20;
		rc = colidx_open_mem(buf, len, &stamp, 0, &x, err,
		    sizeof(err));
		if (rc == COLIDX_OK) {
			struct flowrec out[100];
			int k;

			while ((k = colidx_read(x, out, 100)) > 0)
				;
			colidx_close(x);
			fail_msg("byte %zu flipped: accepted", i);
		}
		buf[i] ^= 0x20;
	}
	assert_int_equal(colidx_open_mem(buf, len, &stamp, 0, &x, err,
	    sizeof(err)), COLIDX_OK);
	colidx_close(x);
	free(buf);
	free(in);
}

/* A sidecar built from a flow file reads back as ftr_next() reads it. */
static void
test_build(void **state)
{
	char ft[] = "/tmp/test_colidx_ft.XXXXXX", ip[600], err[512];
	struct ftw_opts o = { 5, 6, 0, "h", NULL };
	struct ftrec r[100];
	struct flowrec a, b;
	struct colidx_stamp st;
	struct colidx *x;
	struct ftr *rd;
	struct ftw *w;
	int fd = mkstemp(ft), n = 0;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	unlink(ft);
	memset(r, 0, sizeof(r));
	for (unsigned i = 0; i < 100; i++) {
		r[i].srcaddr = 0x0a000000u + i;
		r[i].dstaddr = 0xc0000201u;
		r[i].dpkts = i + 1;
		r[i].doctets = 100 * (i + 1);
		r[i].unix_secs = 1700000000;
		r[i].sysuptime = 5000;
		r[i].first = 1000 + i;
		r[i].last = 2000 + i;
		r[i].prot = 17;
		r[i].dstport = 53;
	}
	w = ftw_open(ft, &o, 1700000000, NULL, err, sizeof(err));
	if (w == NULL)
		fail_msg("%s", err);
	assert_int_equal(ftw_write(w, r, 100), 0);
	assert_int_equal(ftw_close(w, 1700000900, NULL, NULL, err,
	    sizeof(err)), 0);
	snprintf(ip, sizeof(ip), "%s.idx/sub/dir/x.fkci", ft);
	assert_int_equal(colidx_build(ft, ip, err, sizeof(err)), 100);
	assert_int_equal(colidx_stamp_of(ft, &st), 0);
	assert_int_equal(colidx_open(ip, &st, 0, &x, err, sizeof(err)),
	    COLIDX_OK);
	assert_non_null(rd = ftr_open(ft, err, sizeof(err)));
	memset(&b, 0, sizeof(b));
	while (ftr_next(rd, &a) == 1) {
		assert_int_equal(colidx_read(x, &b, 1), 1);
		assert_memory_equal(&a, &b, sizeof(a));
		n++;
	}
	assert_int_equal(n, 100);
	assert_int_equal(colidx_read(x, &b, 1), 0);
	ftr_close(rd);
	colidx_close(x);
	/* a file that is not a flow file gets no sidecar */
	assert_int_equal(truncate(ft, 10), 0);
	assert_true(colidx_build(ft, ip, err, sizeof(err)) < 0);
	unlink(ft);
	unlink(ip);
	snprintf(ip, sizeof(ip), "%s.idx/sub/dir", ft);
	rmdir(ip);
	snprintf(ip, sizeof(ip), "%s.idx/sub", ft);
	rmdir(ip);
	snprintf(ip, sizeof(ip), "%s.idx", ft);
	rmdir(ip);
}

static void
test_dir_inside(void **state)
{
	(void)state;
	assert_int_equal(colidx_dir_inside("/nonexist/a/index",
	    "/nonexist/a"), 1);
	assert_int_equal(colidx_dir_inside("/nonexist/a/index",
	    "/nonexist/a/"), 1);
	assert_int_equal(colidx_dir_inside("/nonexist/a", "/nonexist/a"), 1);
	assert_int_equal(colidx_dir_inside("/nonexist/ab/index",
	    "/nonexist/a"), 0);
	assert_int_equal(colidx_dir_inside("/nonexist/var/index",
	    "/nonexist/var/flows"), 0);
	assert_int_equal(colidx_dir_inside("/x/index", "/"), 1);
	/* relative to the working directory */
	assert_int_equal(colidx_dir_inside("w/index", "w"), 1);
	assert_int_equal(colidx_dir_inside("var/index", "var/flows"), 0);
}

static void
touch(const char *dir, const char *rel, const char *data)
{
	char path[PATH_MAX];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_non_null(fp = fopen(path, "w"));
	fputs(data, fp);
	fclose(fp);
}

static int
there(const char *dir, const char *rel)
{
	char path[PATH_MAX];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return lstat(path, &sb) == 0;
}

static char cmd[2048];

static void
sh(void)
{
	assert_int_equal(system(cmd), 0);
}

static void
test_prune(void **state)
{
	char top[] = "/tmp/test_colidx_pruneXXXXXX", idx[128];
	char flows[128], rel[512], err[256];
	struct colidx_pruned pr;

	(void)state;
	assert_non_null(mkdtemp(top));
	snprintf(idx, sizeof(idx), "%s/index", top);
	snprintf(flows, sizeof(flows), "%s/flows", top);
	/* flows/a and flows/d/c exist, flows/b and flows/e/f are gone */
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/d %s/outside/deep %s%s/d "
	    "%s%s/e", flows, top, idx, flows, idx, flows);
	sh();
	touch(flows, "a", "x");
	touch(flows, "d/c", "x");
	snprintf(rel, sizeof(rel), "%s/a.fkci", flows);
	touch(idx, rel, "1");
	snprintf(rel, sizeof(rel), "%s/b.fkci", flows);
	touch(idx, rel, "22");
	snprintf(rel, sizeof(rel), "%s/d/c.fkci", flows);
	touch(idx, rel, "1");
	snprintf(rel, sizeof(rel), "%s/e/f.fkci", flows);
	touch(idx, rel, "4444");
	/* not sidecars: a temporary file, another name */
	snprintf(rel, sizeof(rel), "%s/b.fkci.tmp1", flows);
	touch(idx, rel, "1");
	snprintf(rel, sizeof(rel), "%s/b", flows);
	touch(idx, rel, "1");
	/* links: to an orphan-looking file and to a directory outside */
	touch(top, "outside/z.fkci", "1");
	touch(top, "outside/deep/y.fkci", "1");
	snprintf(cmd, sizeof(cmd), "ln -s %s/outside/z.fkci %s%s/l.fkci && "
	    "ln -s %s/outside %s%s/ld", top, idx, flows, top, idx, flows);
	sh();

	/* only below flows/d first: nothing there is gone */
	snprintf(rel, sizeof(rel), "%s/d", flows);
	assert_int_equal(colidx_prune(idx, rel, NULL, &pr, err, sizeof(err)),
	    0);
	assert_int_equal(pr.removed, 0);
	assert_int_equal(pr.kept, 1);
	assert_int_equal(colidx_prune(idx, "/", NULL, &pr, err, sizeof(err)),
	    0);
	assert_int_equal(pr.removed, 2);
	assert_int_equal(pr.bytes, 6);
	assert_int_equal(pr.kept, 2);
	snprintf(rel, sizeof(rel), "%s/b.fkci", flows);
	assert_false(there(idx, rel));
	snprintf(rel, sizeof(rel), "%s/e", flows);
	assert_false(there(idx, rel));		/* emptied: removed */
	snprintf(rel, sizeof(rel), "%s/a.fkci", flows);
	assert_true(there(idx, rel));
	snprintf(rel, sizeof(rel), "%s/d/c.fkci", flows);
	assert_true(there(idx, rel));
	snprintf(rel, sizeof(rel), "%s/b.fkci.tmp1", flows);
	assert_true(there(idx, rel));
	snprintf(rel, sizeof(rel), "%s/b", flows);
	assert_true(there(idx, rel));
	snprintf(rel, sizeof(rel), "%s/l.fkci", flows);
	assert_true(there(idx, rel));
	assert_true(there(top, "outside/z.fkci"));
	assert_true(there(top, "outside/deep/y.fkci"));
	/* a missing index directory or part prunes nothing; ".." refused */
	assert_int_equal(colidx_prune("/nonexistent/idx", "/", NULL, &pr, err,
	    sizeof(err)), 0);
	assert_int_equal(pr.removed + pr.kept, 0);
	assert_int_equal(colidx_prune(idx, "/no/such", NULL, &pr, err,
	    sizeof(err)), 0);
	assert_int_equal(colidx_prune(idx, "/a/../b", NULL, &pr, err,
	    sizeof(err)), -1);
	/* once the flow files go, so do the rest */
	snprintf(cmd, sizeof(cmd), "rm -r %s", flows);
	sh();
	assert_int_equal(colidx_prune(idx, "", NULL, &pr, err, sizeof(err)),
	    0);
	assert_int_equal(pr.removed, 2);
	assert_int_equal(pr.kept, 0);
	snprintf(cmd, sizeof(cmd), "rm -r %s", top);
	sh();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_keep_and_select),
		cmocka_unit_test(test_damage),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_dir_inside),
		cmocka_unit_test(test_prune),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
