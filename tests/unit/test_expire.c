/*
 * test_expire.c - expiry by count and size (spec 6.5): scan, CAP_START
 * order, ignored files, the open file's bytes, dry run, -E sizes.
 */
#include "config.h"

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
#include "storage/expire.h"
#include "storage/ftwriter.h"
#include "storage/layout.h"

#define H	76		/* header with hostname "h" */

static char root[64];

struct log {
	char	paths[16][256];
	int	why[16];
	int	n;
};

static void
record(void *arg, const char *path, int why)
{
	struct log *l = arg;

	assert_true(l->n < 16);
	snprintf(l->paths[l->n], sizeof(l->paths[0]), "%s", path);
	l->why[l->n++] = why;
}

/* A closed file of n v5 records created at cap_start. */
static void
mkflow(const char *rel, uint32_t cap_start, unsigned n)
{
	struct ftw_opts o = { 5, 0, 0, "h", NULL };
	char path[512], err[256];
	struct ftrec r[64];
	struct ftw *w;

	memset(r, 0, sizeof(r));
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(layout_mkdirs(root, rel), 0);
	w = ftw_open(path, &o, cap_start, NULL, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(ftw_write(w, r, n), 0);
	assert_int_equal(ftw_close(w, cap_start + 60, NULL, NULL, err,
	    sizeof(err)), 0);
}

static void
mkjunk(const char *rel, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int
exists(const char *rel)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return stat(path, &st) == 0;
}

static int
setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/fk-expire-XXXXXX");
	if (mkdtemp(root) == NULL)
		return -1;
	/* names deliberately not in CAP_START order */
	mkflow("2026/2026-11/2026-11-28/ft-v05.c", 3000, 10);
	mkflow("2026/2026-11/2026-11-27/ft-v05.a", 1000, 1);
	mkflow("ft-v05.b", 2000, 0);
	mkflow("tmp-v05.stale", 1500, 2);
	mkflow("fk6-v6000.x", 2500, 0);
	mkjunk("ft-broken", "not a flow file");
	mkjunk("notes.txt", "hello");
	mkflow("other-name", 500, 0);		/* valid, wrong prefix */
	/* A device tree inside this one (oldest of all): not ours. */
	mkflow("edge/2026/2026-11/2026-11-28/ft-v05.dev", 100, 3);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_scan_and_count_limit(void **state)
{
	struct expire *e;
	struct log l;

	(void)state;
	memset(&l, 0, sizeof(l));
	e = expire_new(root, 2, 0, 1);		/* dry run */
	assert_non_null(e);
	assert_int_equal(expire_scan(e), 5);
	assert_int_equal(expire_total_files(e), 5);
	assert_int_equal(expire_total_bytes(e),
	    (H + 640) + (H + 64) + H + (H + 128) + H);
	assert_int_equal(expire_run(e, 1000000, record, &l), 3);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.paths[0], "2026/2026-11/2026-11-27/ft-v05.a");
	assert_string_equal(l.paths[1], "tmp-v05.stale");
	assert_string_equal(l.paths[2], "ft-v05.b");
	assert_int_equal(l.why[0], 1);
	assert_int_equal(expire_total_files(e), 2);
	/* dry run: nothing unlinked */
	assert_true(exists("2026/2026-11/2026-11-27/ft-v05.a"));
	assert_true(exists("edge/2026/2026-11/2026-11-28/ft-v05.dev"));
	expire_free(e);
}

static void
test_size_limit_open_file(void **state)
{
	struct expire *e;
	struct log l;

	(void)state;
	memset(&l, 0, sizeof(l));
	e = expire_new(root, 0, 1000, 0);
	assert_non_null(e);
	assert_int_equal(expire_scan(e), 5);
	/* 1212 listed bytes: over the limit with the open file's 100 */
	assert_int_equal(expire_add(e, "ft-v05.new", 4000, 0), 0);
	/* drop a (140) and the stale tmp- file (204): 868 + 100 */
	assert_int_equal(expire_run(e, 100, record, &l), 2);
	assert_int_equal(l.why[0], 2);
	assert_int_equal(l.why[1], 2);
	assert_false(exists("2026/2026-11/2026-11-27/ft-v05.a"));
	assert_false(exists("tmp-v05.stale"));
	assert_true(exists("ft-v05.b"));
	assert_true(exists("ft-broken"));
	assert_true(exists("notes.txt"));
	assert_true(exists("other-name"));
	assert_int_equal(expire_total_bytes(e), H + H + H + 640);
	assert_int_equal(expire_run(e, 100, record, &l), 0);
	/* no limit */
	assert_int_equal(expire_run(e, 0, NULL, NULL), 0);
	expire_free(e);
}

struct order {
	char	last[32];
	int	n;
};

/* Deleted files must come oldest first: names are their CAP_START. */
static void
in_order(void *arg, const char *path, int why)
{
	struct order *o = arg;

	assert_int_equal(why, 1);
	assert_true(strcmp(o->last, path) <= 0);
	snprintf(o->last, sizeof(o->last), "%s", path);
	o->n++;
}

static void
test_add_keeps_order(void **state)
{
	struct expire *e;
	struct order o;
	char name[32];
	uint32_t cs;
	int i;

	(void)state;
	memset(&o, 0, sizeof(o));
	e = expire_new("/nonexistent-root", 3, 0, 1);
	assert_int_equal(expire_scan(e), -1);
	for (i = 0; i < 200; i++) {
		cs = (uint32_t)((i * 7919) % 1000 + 10000);
		snprintf(name, sizeof(name), "%05u", cs);
		assert_int_equal(expire_add(e, name, cs, 10), 0);
		if (i == 100) {
			assert_int_equal(expire_run(e, 0, in_order, &o), 98);
			memset(&o, 0, sizeof(o));
		}
	}
	assert_int_equal(expire_total_files(e), 102);
	assert_int_equal(expire_run(e, 0, in_order, &o), 99);
	assert_int_equal(o.n, 99);
	assert_int_equal(expire_total_files(e), 3);
	assert_int_equal(expire_total_bytes(e), 30);
	expire_free(e);
}

static void
test_parse_size(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(expire_parse_size("1000", &v), 0);
	assert_int_equal(v, 1000);
	assert_int_equal(expire_parse_size("0x1000", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(expire_parse_size("010", &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(expire_parse_size("8b", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(expire_parse_size("10K", &v), 0);
	assert_int_equal(v, 10240);
	assert_int_equal(expire_parse_size("512M", &v), 0);
	assert_int_equal(v, 512ull << 20);
	assert_int_equal(expire_parse_size("10G", &v), 0);
	assert_int_equal(v, 10ull << 30);
	assert_int_equal(expire_parse_size("10k", &v), -1);
	assert_int_equal(expire_parse_size("10KB", &v), -1);
	assert_int_equal(expire_parse_size("", &v), -1);
	assert_int_equal(expire_parse_size("-5", &v), -1);
	assert_int_equal(expire_parse_size("G", &v), -1);
	assert_int_equal(expire_parse_size("99999999999999999999", &v), -1);
	assert_int_equal(expire_parse_size("18446744073709551615G", &v), -1);
}

/* Expiry deletes a file's column index sidecar with it, and only its. */
static void
test_sidecars_go_too(void **state)
{
	char idx[600], a[600], c[600], pa[1400], pc[1400], err[256];
	struct expire *e;
	struct stat st;

	(void)state;
	snprintf(idx, sizeof(idx), "%s/index", root);
	snprintf(a, sizeof(a), "%s/2026/2026-11/2026-11-27/ft-v05.a", root);
	snprintf(c, sizeof(c), "%s/2026/2026-11/2026-11-28/ft-v05.c", root);
	assert_int_equal(colidx_path(pa, sizeof(pa), idx, a), 0);
	assert_int_equal(colidx_path(pc, sizeof(pc), idx, c), 0);
	assert_int_equal(colidx_build(a, pa, err, sizeof(err)), 1);
	assert_int_equal(colidx_build(c, pc, err, sizeof(err)), 10);
	e = expire_new(root, 4, 0, 0);
	assert_non_null(e);
	assert_int_equal(expire_set_index(e, idx), 0);
	assert_int_equal(expire_scan(e), 5);
	assert_int_equal(expire_run(e, 0, NULL, NULL), 1);
	assert_false(exists("2026/2026-11/2026-11-27/ft-v05.a"));
	assert_int_equal(stat(pa, &st), -1);	/* gone with its file */
	assert_int_equal(stat(pc, &st), 0);	/* the kept file's stays */
	expire_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scan_and_count_limit,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_size_limit_open_file,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_sidecars_go_too,
		    setup, teardown),
		cmocka_unit_test(test_add_keeps_order),
		cmocka_unit_test(test_parse_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
