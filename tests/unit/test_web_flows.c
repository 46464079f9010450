/*
 * test_web_flows.c - the flow listing of the Reports page (type=flows)
 * over the shared vector v5_basic_z0: the row limit with its note, HTML
 * rows equal to the CSV download's, JSON marked truncated, a filter
 * field applied to every row, and bad input refused with 400.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/webtest.h"

#define DATA	SHARED_DIR "/vectors/flow-tools/v5_basic_z0/capture"
#define WIDE	"from=2000-01-01&to=2030-01-01"

static int
setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	wt_setup(DATA, NULL);
	return 0;
}

static unsigned
count(const char *s, const char *what)
{
	unsigned n = 0;

	for (; (s = strstr(s, what)) != NULL; s += strlen(what))
		n++;
	return n;
}

static void
test_cut(void **state)
{
	struct web_out o;

	(void)state;
	assert_int_equal(wt_run("GET", "/report", "type=flows&" WIDE
	    "&lines=3", &o), 200);
	assert_non_null(strstr(wt_body(&o), "<h2>Flow listing</h2>"));
	assert_non_null(strstr(wt_body(&o), "<option value=\"flows\" "
	    "selected>"));
	assert_non_null(strstr(wt_body(&o), "<p class=\"warn\" id=\"cut\">"
	    "Only the first 3 flows are shown: more match."));
	assert_int_equal(count(strstr(wt_body(&o), "id=\"flows\""),
	    "<tr><td>"), 3);
	web_out_free(&o);
	assert_int_equal(wt_run("GET", "/report", "type=flows&" WIDE
	    "&lines=2&output=json", &o), 200);
	assert_string_equal(o.ctype, "application/json; charset=utf-8");
	assert_int_equal(count(wt_body(&o), "{\"start\": \""), 2);
	assert_non_null(strstr(wt_body(&o), "\"truncated\": true}"));
	web_out_free(&o);
}

static void
test_all_equal_csv(void **state)
{
	struct web_out o;
	unsigned rows, lines;

	(void)state;
	assert_int_equal(wt_run("GET", "/report", "type=flows&" WIDE
	    "&lines=10000", &o), 200);
	assert_null(strstr(wt_body(&o), "id=\"cut\""));
	rows = count(strstr(wt_body(&o), "id=\"flows\""), "<tr><td>");
	web_out_free(&o);
	assert_true(rows > 3);
	assert_int_equal(wt_run("GET", "/report", "type=flows&" WIDE
	    "&lines=10000&output=csv", &o), 200);
	assert_string_equal(o.filename, "flowkeep-flows.csv");
	assert_int_equal(strncmp(wt_body(&o), "start,end,exporter,src_ip,", 26),
	    0);
	lines = count(wt_body(&o), "\n");
	assert_int_equal(lines, rows + 1);
	web_out_free(&o);
}

static void
test_filtered(void **state)
{
	struct web_out o;
	const char *t;
	unsigned rows;

	(void)state;
	assert_int_equal(wt_run("GET", "/report", "type=flows&" WIDE
	    "&lines=10000&protocols=17&output=csv", &o), 200);
	rows = count(wt_body(&o), "\n") - 1;
	assert_true(rows > 0);
	/* proto is the 8th column: 7 commas before it */
	for (t = strchr(wt_body(&o), '\n') + 1; *t != '\0';
	    t = strchr(t, '\n') + 1) {
		const char *c = t;

		for (int i = 0; i < 7; i++)
			c = strchr(c, ',') + 1;
		assert_int_equal(strncmp(c, "17,", 3), 0);
	}
	web_out_free(&o);
}

static void
test_bad(void **state)
{
	(void)state;
	wt_refused("/report", "type=flows&lines=0", 400, "lines: bad value");
	wt_refused("/report", "type=flows&lines=1e9", 400, "lines: bad value");
	wt_refused("/report", "type=flows&expr=%3Cscript%3E", 400,
	    "&quot;&lt;&quot;");
	wt_refused("/report", "type=flows%2F..", 400, "type: bad value");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_all_equal_csv),
		cmocka_unit_test(test_filtered),
		cmocka_unit_test(test_bad),
	};

	if (access(DATA, R_OK) != 0) {
		printf("SKIP: %s missing\n", DATA);
		return 77;
	}
	return cmocka_run_group_tests(tests, setup, NULL);
}
