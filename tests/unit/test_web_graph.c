/*
 * test_web_graph.c - the /graph and /graph.png routes over the shared
 * vector v5_basic_z0: the form, the page's image link and top-flows
 * table, a PNG (single and stacked) with its type and caching header (a
 * window long past: a day), the bucket bounds, and bad input refused
 * with 400.
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
#define WIN	"from=2026-11-28T03%3A00&to=2026-11-28T04%3A00"

static int
setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	wt_setup(DATA, NULL);
	return 0;
}

static int
has_header(const struct web_out *o, const char *h)
{
	for (unsigned i = 0; i < o->nheaders; i++)
		if (strcmp(o->headers[i], h) == 0)
			return 1;
	return 0;
}

static void
test_page(void **state)
{
	struct web_out o;
	const char *b;

	(void)state;
	assert_int_equal(wt_run("GET", "/graph", "", &o), 200);
	b = wt_body(&o);
	assert_non_null(strstr(b, "<form method=\"get\" action=\"/graph\">"));
	assert_non_null(strstr(b, "name=\"source_address\""));
	assert_null(strstr(b, "<img"));
	web_out_free(&o);
	assert_int_equal(wt_run("GET", "/graph", WIN "&unit=packets"
	    "&protocols=tcp&width=640", &o), 200);
	b = wt_body(&o);
	assert_non_null(strstr(b, "<img src=\"/graph.png?from=2026-11-28T03%"
	    "3A00&amp;to=2026-11-28T04%3A00&amp;unit=packets&amp;"
	    "protocols=tcp&amp;width=640\" width=\"640\" height=\"300\""));
	/* an hour in 200 points: 18 s buckets */
	assert_non_null(strstr(b, "Bucket 18 s."));
	assert_non_null(strstr(b, "<code class=\"expr\">proto tcp</code>"));
	web_out_free(&o);
	/* the top flows under the graph (the vector's flows are of
	 * 2023-11-14 in a file named 2026-11-28; three of them have
	 * 2^32-1 octets) */
	assert_int_equal(wt_run("GET", "/graph", "from=2000-01-01&"
	    "to=2030-01-01&bucket=86400&unit=bits&top=3", &o), 200);
	b = wt_body(&o);
	assert_non_null(strstr(b, "<caption>top 3 flows by octets</caption>"));
	assert_non_null(strstr(b, "<td>10.1.35.6</td><td class=\"num\">0"
	    "</td><td>192.168.15.56</td>"));
	web_out_free(&o);
}

static void
test_png(void **state)
{
	struct web_out o;

	(void)state;
	assert_int_equal(wt_run("GET", "/graph.png", WIN "&unit=bits"
	    "&bucket=60", &o), 200);
	assert_string_equal(o.ctype, "image/png");
	assert_true(o.len > 1000);
	assert_memory_equal(o.body, "\x89PNG\r\n\x1a\n", 8);
	assert_true(has_header(&o, "Cache-Control: public, max-age=86400"));
	web_out_free(&o);
	/* the top contributors stacked */
	assert_int_equal(wt_run("GET", "/graph.png", "from=2000-01-01"
	    "&to=2030-01-01&bucket=86400&stack=srcip&stack_n=4", &o), 200);
	assert_memory_equal(o.body, "\x89PNG\r\n\x1a\n", 8);
	web_out_free(&o);
	/* a window up to now may still grow */
	assert_int_equal(wt_run("GET", "/graph.png", "range=15m&width=300"
	    "&height=150", &o), 200);
	assert_true(has_header(&o, "Cache-Control: max-age=60"));
	web_out_free(&o);
}

static void
test_bad_input(void **state)
{
	(void)state;
	wt_refused("/graph.png", WIN "&width=99999", 400, "width: bad value");
	wt_refused("/graph.png", WIN "&width=10", 400, "width: bad value");
	wt_refused("/graph.png", WIN "&bucket=0", 400, "bucket: bad value");
	wt_refused("/graph.png", "from=2000-01-01&to=2030-01-01&bucket=1",
	    400, "more than 100000 buckets");
	wt_refused("/graph.png", WIN "&unit=%3Cscript%3E", 400,
	    "unit: bad value");
	wt_refused("/graph", WIN "&type=srcip", 400,
	    "unknown parameter &quot;type&quot;");
	wt_refused("/graph", "device=..%2F..", 400, "device: bad value");
	wt_refused("/graph.png", "expr=port+%3E", 400, "filter expression");
	wt_refused("/graph.png", WIN "&stack=proto", 400, "stack: bad value");
	wt_refused("/graph.png", WIN "&stack_n=11", 400, "stack_n: bad value");
	wt_refused("/graph", WIN "&top=101", 400, "top: bad value");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page),
		cmocka_unit_test(test_png),
		cmocka_unit_test(test_bad_input),
	};

	/* the flows come from ../shared: skip where it is absent (distcheck) */
	if (access(DATA, R_OK) != 0) {
		printf("SKIP: %s missing\n", DATA);
		return 77;
	}

	return cmocka_run_group_tests(tests, setup, NULL);
}
