/*
 * test_rrdstore.c - RRDs for trackings: created with the right step, the
 * rates written come back from rrd_fetch exactly, old samples are
 * skipped, broken files are moved aside and recreated, errors are clear.
 */
#include "config.h"

#include <sys/stat.h>

#include <glob.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <rrd.h>

#include "storage/rrdstore.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/fk-rrd-XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#define STEP	300
#define T0	((time_t)1764000000 - (time_t)1764000000 % STEP)

/* Fetch AVERAGE rows (t0, t1] of ds index k into out; returns rows. */
static unsigned
fetch(const char *path, time_t t0, time_t t1, unsigned k, double *out,
    unsigned max)
{
	unsigned long step = STEP, nds = 0;
	char **names = NULL;
	rrd_value_t *data = NULL;
	time_t s = t0, e = t1;
	unsigned rows, i;

	assert_int_equal(rrd_fetch_r(path, "AVERAGE", &s, &e, &step, &nds,
	    &names, &data), 0);
	assert_int_equal(step, STEP);
	assert_int_equal(nds, 3);
	assert_string_equal(names[0], "bits");
	assert_string_equal(names[1], "packets");
	assert_string_equal(names[2], "flows");
	rows = (unsigned)((e - s) / (time_t)step);
	for (i = 0; i < rows && i < max; i++)
		out[i] = data[i * nds + k];
	for (i = 0; i < nds; i++)
		rrd_freemem(names[i]);
	rrd_freemem(names);
	rrd_freemem(data);
	return rows;
}

static void
test_create_update_fetch(void **state)
{
	char path[128], err[256];
	struct rrd_sample s[12];
	double got[64];
	unsigned i, rows;

	(void)state;
	snprintf(path, sizeof(path), "%s/t1.rrd", dir);
	assert_int_equal(rrdstore_ensure(path, STEP, T0, err, sizeof(err)), 1);
	assert_non_null(strstr(err, "created"));
	assert_int_equal(rrdstore_ensure(path, STEP, T0, err, sizeof(err)), 0);
	for (i = 0; i < 12; i++) {
		s[i].t = T0 + (time_t)(i + 1) * STEP;
		s[i].bits = 1000.0 * (i + 1) + 0.5;
		s[i].packets = 10.25 * i;
		s[i].flows = i % 3;
	}
	assert_int_equal(rrdstore_update(path, s, 12, err, sizeof(err)), 12);
	assert_int_equal(rrdstore_last(path, err, sizeof(err)), s[11].t);
	rows = fetch(path, T0, s[11].t, 0, got, 64);
	assert_true(rows >= 12);
	for (i = 0; i < 12; i++)
		assert_true(fabs(got[i] - s[i].bits) < 1e-6);
	fetch(path, T0, s[11].t, 1, got, 64);
	for (i = 0; i < 12; i++)
		assert_true(fabs(got[i] - s[i].packets) < 1e-6);
	fetch(path, T0, s[11].t, 2, got, 64);
	for (i = 0; i < 12; i++)
		assert_true(fabs(got[i] - s[i].flows) < 1e-6);
	/* Offered again (restart, back-fill): nothing written, no error. */
	assert_int_equal(rrdstore_update(path, s, 12, err, sizeof(err)), 0);
	/* Partly new: only the new ones. */
	s[0].t = s[11].t + STEP;
	assert_int_equal(rrdstore_update(path, s, 1, err, sizeof(err)), 1);
}

static void
test_broken_recreated(void **state)
{
	char path[128], err[256], pat[160];
	FILE *fp;
	glob_t g;

	(void)state;
	snprintf(path, sizeof(path), "%s/junk.rrd", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("this is not an RRD\n", fp);
	fclose(fp);
	assert_int_equal(rrdstore_ensure(path, STEP, T0, err, sizeof(err)), 2);
	if (strstr(err, "not a tracking RRD") == NULL)
		fail_msg("message: %s", err);
	snprintf(pat, sizeof(pat), "%s.broken-*", path);
	assert_int_equal(glob(pat, 0, NULL, &g), 0);
	assert_int_equal(g.gl_pathc, 1);
	globfree(&g);
	assert_int_equal(rrdstore_ensure(path, STEP, T0, err, sizeof(err)), 0);

	/* Another step: recreated too. */
	assert_int_equal(rrdstore_ensure(path, 60, T0, err, sizeof(err)), 2);
	if (strstr(err, "step 300 instead of 60") == NULL)
		fail_msg("message: %s", err);
}

/* Graph path into legend; returns the PNG's size. */
static long
graph_legend(const struct rrd_graph_opts *o0, char *legend, size_t len)
{
	struct rrd_graph_opts o = *o0;
	char err[256], png[160];
	FILE *fp;
	long sz;

	snprintf(png, sizeof(png), "%s/g.png", dir);
	o.legend = legend;
	o.legend_len = len;
	assert_non_null(fp = fopen(png, "w+"));
	assert_int_equal(rrdstore_graph(&o, fp, err, sizeof(err)), 0);
	sz = ftell(fp);
	fclose(fp);
	return sz;
}

/*
 * A period without data says so in the legend instead of librrd's "nan"
 * statistics; with data the statistics are there, and a group says it per
 * series.
 */
static void
test_graph_no_data(void **state)
{
	char full[128], empty[128], err[256], leg[4096];
	struct rrd_sample s[24];
	struct rrd_graph_series ser[2];
	struct rrd_graph_opts o;
	unsigned i;

	(void)state;
	snprintf(full, sizeof(full), "%s/full.rrd", dir);
	snprintf(empty, sizeof(empty), "%s/empty.rrd", dir);
	assert_true(rrdstore_ensure(full, STEP, T0, err, sizeof(err)) >= 0);
	assert_true(rrdstore_ensure(empty, STEP, T0, err, sizeof(err)) >= 0);
	for (i = 0; i < 24; i++) {
		s[i].t = T0 + (time_t)(i + 1) * STEP;
		s[i].bits = 2e6 + 1e5 * i;
		s[i].packets = 100;
		s[i].flows = 3;
	}
	assert_int_equal(rrdstore_update(full, s, 24, err, sizeof(err)), 24);

	memset(&o, 0, sizeof(o));
	memset(ser, 0, sizeof(ser));
	o.title = "t";
	o.width = 600;
	o.height = 250;
	o.series = ser;
	o.nseries = 1;
	ser[0].rrd = empty;
	ser[0].label = "quiet";
	o.start = T0;
	o.end = T0 + 24 * STEP;
	assert_true(graph_legend(&o, leg, sizeof(leg)) > 1000);
	assert_non_null(strstr(leg, "No data in this period"));
	assert_null(strstr(leg, "nan"));

	ser[0].rrd = full;
	assert_true(graph_legend(&o, leg, sizeof(leg)) > 1000);
	assert_null(strstr(leg, "No data"));
	assert_null(strstr(leg, "nan"));
	assert_non_null(strstr(leg, "Maximum 4.30 Mb/s"));

	/* a group: one series with data, one without */
	o.stacked = 1;
	o.nseries = 2;
	ser[1].rrd = empty;
	ser[1].label = "quiet";
	ser[1].color = 0x59a14f;
	ser[0].color = 0x4e79a7;
	ser[0].label = "busy";
	assert_true(graph_legend(&o, leg, sizeof(leg)) > 1000);
	assert_null(strstr(leg, "nan"));
	assert_non_null(strstr(leg, "no data in this period"));
	assert_non_null(strstr(leg, "busy"));
	assert_non_null(strstr(leg, "max"));
}

/* Cut short: librrd's info fails ("too small"), so it is broken too. */
static void
test_truncated_recreated(void **state)
{
	char path[128], err[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/cut.rrd", dir);
	assert_int_equal(rrdstore_ensure(path, STEP, T0, err, sizeof(err)), 1);
	assert_int_equal(truncate(path, 600), 0);
	assert_int_equal(rrdstore_ensure(path, STEP, T0, err, sizeof(err)), 2);
	assert_int_equal(rrdstore_ensure(path, STEP, T0, err, sizeof(err)), 0);
}

/* A directory where the RRD should be is not moved: an error each time. */
static void
test_directory_left(void **state)
{
	char path[128], err[256];
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/dir.rrd", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(rrdstore_ensure(path, STEP, T0, err, sizeof(err)),
	    -1);
	if (strstr(err, "not a regular file") == NULL)
		fail_msg("message: %s", err);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(rmdir(path), 0);
}

static void
test_errors(void **state)
{
	char err[256];
	struct rrd_sample s = { T0 + STEP, 1, 1, 1 };

	(void)state;
	assert_int_equal(rrdstore_ensure("/nonexistent-dir/x.rrd", STEP, T0,
	    err, sizeof(err)), -1);
	if (strstr(err, "/nonexistent-dir/x.rrd") == NULL)
		fail_msg("message: %s", err);
	assert_int_equal(rrdstore_update("/nonexistent-dir/x.rrd", &s, 1,
	    err, sizeof(err)), -1);
	if (strstr(err, "/nonexistent-dir/x.rrd") == NULL)
		fail_msg("message: %s", err);
	assert_int_equal(rrdstore_ensure("/tmp/y.rrd", 0, T0, err,
	    sizeof(err)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_update_fetch),
		cmocka_unit_test(test_broken_recreated),
		cmocka_unit_test(test_truncated_recreated),
		cmocka_unit_test(test_directory_left),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_graph_no_data),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
