/*
 * test_web_report.c - the /report route: the form, a report over the
 * shared vector v5_basic_z0 as HTML, CSV and JSON (numbers equal to the
 * real flow-stat -f 12 output of that file), sort and drill-down links,
 * and bad input refused with 400 and nothing of the page written.
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

static void
test_form(void **state)
{
	struct web_out o;

	(void)state;
	assert_int_equal(wt_run("GET", "/report", "", &o), 200);
	assert_string_equal(o.ctype, "text/html; charset=utf-8");
	assert_non_null(strstr(wt_body(&o), "<form method=\"get\" "
	    "action=\"/report\">"));
	/* every report type is offered, and the FlowViewer fields */
	assert_non_null(strstr(wt_body(&o), "<option value=\"prefix6-pair\""));
	assert_non_null(strstr(wt_body(&o), "name=\"tcp_flags\""));
	assert_non_null(strstr(wt_body(&o), "type=\"datetime-local\""));
	assert_null(strstr(wt_body(&o), "<table class=\"rpt\""));
	web_out_free(&o);
	assert_int_equal(wt_run("GET", "/", "", &o), 200);
	assert_non_null(strstr(wt_body(&o), "Generate report"));
	web_out_free(&o);
}

/* flow-stat -f 12 of the vector, sorted by octets, descending */
static const char proto_csv[] =
    "Protocol,flows,octets,packets\n"
    "6,28,4314329057,4294989769\n"
    "17,21,4308840701,4294984364\n"
    "47,7,4299150205,4294972181\n"
    "1,7,5566620,6295\n"
    "50,7,5112990,5590\n";

static void
test_csv_json(void **state)
{
	struct web_out o;

	(void)state;
	assert_int_equal(wt_run("GET", "/report", "type=proto&" WIDE
	    "&output=csv", &o), 200);
	assert_string_equal(o.ctype, "text/csv; charset=utf-8");
	assert_string_equal(o.filename, "flowkeep-proto.csv");
	assert_string_equal(wt_body(&o), proto_csv);
	web_out_free(&o);
	assert_int_equal(wt_run("GET", "/report", "type=12&" WIDE
	    "&output=json&lines=2&expr=proto+in+%5B6%2C+17%2C+1%5D", &o), 200);
	assert_string_equal(o.ctype, "application/json; charset=utf-8");
	assert_string_equal(wt_body(&o), "{\"report\": \"IP protocol\", "
	    "\"rows\": [\n"
	    "  {\"Protocol\": \"6\", \"flows\": 28, \"octets\": 4314329057, "
	    "\"packets\": 4294989769},\n"
	    "  {\"Protocol\": \"17\", \"flows\": 21, \"octets\": 4308840701, "
	    "\"packets\": 4294984364}\n]}\n");
	web_out_free(&o);
}

static void
test_html(void **state)
{
	struct web_out o;
	const char *b;

	(void)state;
	assert_int_equal(wt_run("GET", "/report", "type=proto&" WIDE
	    "&protocols=6%2C17%2C-47&sort=flows&order=asc", &o), 200);
	b = wt_body(&o);
	/* the form fields are AND-ed and shown compiled */
	assert_non_null(strstr(b, "<code class=\"expr\">proto in [tcp, udp, "
	    "-gre]</code>"));
	/* rows in ascending flows order */
	assert_non_null(strstr(b, "<td class=\"num\">21</td><td class=\"num\">"
	    "4308840701</td>"));
	assert_true(strstr(b, ">17</a>") < strstr(b, ">6</a>"));
	assert_null(strstr(b, ">47</a>"));
	/* a key cell adds itself to the filter, keeping the sort */
	assert_non_null(strstr(b, "<a href=\"/report?type=proto&amp;"
	    "from=2000-01-01&amp;to=2030-01-01&amp;protocols=6%2C17%2C-47"
	    "&amp;sort=flows&amp;order=asc&amp;expr=proto%206\""));
	/* the current sort column flips its order */
	assert_non_null(strstr(b, "&amp;sort=flows&amp;order=desc\">flows "
	    "&#9650;</a>"));
	/* the downloads carry the same parameters */
	assert_non_null(strstr(b, "protocols=6%2C17%2C-47&amp;sort=flows&amp;"
	    "order=asc&amp;output=csv\">CSV</a>"));
	web_out_free(&o);
}

static void
test_drill_expr(void **state)
{
	struct web_out o;
	const char *b;

	(void)state;
	assert_int_equal(wt_run("GET", "/report", "type=srcport&" WIDE
	    "&lines=1&expr=proto+udp+%26%26+1", &o), 400);
	web_out_free(&o);
	assert_int_equal(wt_run("GET", "/report", "type=srcport&" WIDE
	    "&lines=1&expr=proto+udp", &o), 200);
	b = wt_body(&o);
	assert_non_null(strstr(b, "expr=%28proto%20udp%29%20and%20"
	    "src%20port%20"));
	web_out_free(&o);
}

static void
test_summary(void **state)
{
	struct web_out o;

	(void)state;
	assert_int_equal(wt_run("GET", "/report", "type=short&" WIDE, &o),
	    200);
	assert_non_null(strstr(wt_body(&o), "<td>Total Flows</td><td "
	    "class=\"num\">70</td>"));
	web_out_free(&o);
}

static void
test_bad_input(void **state)
{
	(void)state;
	wt_refused("/report", "type=proto&lines=abc", 400, "lines: bad value");
	wt_refused("/report", "type=proto&lines=99999999999999999999999", 400,
	    "lines: bad value");
	wt_refused("/report", "type=proto&lines=0", 400, "lines: bad value");
	wt_refused("/report", "type=nosuch", 400,
	    "type: no report &quot;nosuch&quot;");
	wt_refused("/report", "type=..%2F..%2Fetc%2Fpasswd", 400,
	    "type: bad value");
	wt_refused("/report", "device=..%2Fetc", 400, "device: bad value");
	wt_refused("/report", "type=proto&device=nosuch", 400,
	    "no device &quot;nosuch&quot;");
	wt_refused("/report", "type=proto&from=yesterday", 400, "--from:");
	wt_refused("/report", "type=proto&from=2026-01-02&to=2026-01-01",
	    400, "--to is not after --from");
	wt_refused("/report", "type=proto&sort=bogus", 400, "sort: bad value");
	wt_refused("/report", "type=proto&type=srcip", 400,
	    "type: given twice");
	wt_refused("/report", "type=proto&foo=1", 400,
	    "unknown parameter &quot;foo&quot;");
	wt_refused("/report", "type=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
	    400, "type: bad value");
	wt_refused("/report", "source_address=%3Cscript%3E", 400,
	    "source_address: bad value");
	wt_refused("/report", "source_port=htp", 400,
	    "source port: &quot;htp&quot; is not a port");
	wt_refused("/report", "expr=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
	    400, "filter expression: column 1");
	wt_refused("/report", "type=proto&output=csv&expr=port+htp", 400,
	    "filter expression: column 6");
	wt_refused("/report", "output=csv", 400, "output: needs a report");
	wt_refused("/report", "sampling=0", 400, "sampling: bad value");
	wt_refused("/report", "x=%ZZ", 400, "unknown parameter");
}

static void
test_routes(void **state)
{
	(void)state;
	wt_refused("/report/../../etc/passwd", "", 404, "no page");
	wt_refused("/nosuch", "", 404, "no page /nosuch");
	wt_refused("/%3Cscript%3E", "", 404, "no page /%3Cscript%3E");
	{
		struct web_out o;

		assert_int_equal(wt_run("DELETE", "/report", "", &o), 405);
		web_out_free(&o);
		assert_int_equal(wt_run("POST", "/report", "", &o), 405);
		web_out_free(&o);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form),
		cmocka_unit_test(test_csv_json),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_drill_expr),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_routes),
	};

	/* the flows come from ../shared: skip where it is absent (distcheck) */
	if (access(DATA, R_OK) != 0) {
		printf("SKIP: %s missing\n", DATA);
		return 77;
	}

	return cmocka_run_group_tests(tests, setup, NULL);
}
