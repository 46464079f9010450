/*
 * test_web_status.c - the /status route against a fake flowkeepd (a
 * thread answering one control request on a unix socket with a
 * status-json document): warnings first and escaped, the exporters,
 * listeners, trees and totals as tables with the loss computed, the
 * meta refresh (default, chosen, off), the JSON passed through, an
 * answer that is not JSON (502), a daemon that is not running (503), and
 * bad parameters (400).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tests/unit/fakectl.h"
#include "tests/unit/webtest.h"

#define STATUS_JSON \
	"{\"daemon\":{\"version\":\"0.1.0\",\"pid\":4242,\"uptime_s\":3725}," \
	"\"warnings\":[{\"kind\":\"silent\",\"subject\":\"192.0.2.9\"," \
	"\"text\":\"exporter 192.0.2.9 <script>alert(1)</script> silent " \
	"for 12 minutes\"},{\"kind\":\"disk\",\"subject\":\"\",\"text\":" \
	"\"disk of var/flows 95% full\"}]," \
	"\"listeners\":[{\"address\":\"127.0.0.1\",\"port\":2055," \
	"\"datagrams\":10,\"kernel_drops\":3,\"rcvbuf\":16777216}]," \
	"\"exporters\":[{\"address\":\"127.0.7.1\",\"version\":5," \
	"\"source_ids\":[0,7],\"packets\":10,\"flows\":99,\"lost\":1," \
	"\"lost_packets\":0,\"corrupt\":0,\"bad_flowsets\":0," \
	"\"seq_resets\":0,\"templates\":0,\"pending\":0,\"sampling\":0," \
	"\"samplers\":0,\"last_seen_s_ago\":65,\"flows_per_s\":12.345," \
	"\"datagrams_per_s\":0.5,\"rate_span_s\":31}]," \
	"\"devices\":[{\"name\":\"\",\"directory\":\"var/flows\"," \
	"\"open_file\":\"tmp-v05.2026-11-29.0500\",\"open_file6\":\"\"," \
	"\"version\":5,\"flows_open\":70,\"flows_open6\":0," \
	"\"files_closed\":2,\"disk_bytes\":3145728,\"lossy\":{}}]," \
	"\"trackings\":[],\"rrd_errors\":0," \
	"\"totals\":{\"datagrams\":10,\"bytes\":4000,\"flows\":99," \
	"\"corrupt\":0,\"refused\":0,\"kernel_drops\":3," \
	"\"disk_bytes\":3145728,\"flows_per_s\":null," \
	"\"datagrams_per_s\":null,\"rate_span_s\":null}}\n"

static char sockpath[108];

static int
has_cache_off(const struct web_out *o)
{
	for (unsigned i = 0; i < o->nheaders; i++)
		if (strcmp(o->headers[i], "Cache-Control: no-store") == 0)
			return 1;
	return 0;
}
static void
has(const struct web_out *o, const char *s)
{
	if (strstr(wt_body(o), s) == NULL) {
		print_error("missing: %s\nin:\n%s\n", s, wt_body(o));
		fail();
	}
}

static void
status_tables(void)
{
	struct web_out o;
	const char *b, *w, *e;

	assert_int_equal(wt_run("GET", "/status", "refresh=30", &o), 200);
	assert_string_equal(fc_request, "FLOWKEEP/1 status-json\n");
	b = wt_body(&o);
	has(&o, "<meta http-equiv=\"refresh\" content=\"30\">");
	has(&o, "flowkeepd 0.1.0, pid 4242, up 1h02m. Reloads every 30 s "
	    "(<a id=\"stop-refresh\" href=\"/status?refresh=0\">stop</a>)");
	/* the warnings, escaped, before any table */
	has(&o, "<div class=\"warnbox\" id=\"warnings\"><b>2 warnings</b>");
	has(&o, "<li>exporter 192.0.2.9 &lt;script&gt;alert(1)&lt;/script&gt;"
	    " silent for 12 minutes</li>");
	has(&o, "<li>disk of var/flows 95% full</li>");
	assert_null(strstr(b, "<script>alert"));
	w = strstr(b, "id=\"warnings\"");
	e = strstr(b, "<table");
	assert_true(w != NULL && e != NULL && w < e);
	/* v5: 1 lost of 100 flows */
	has(&o, "<table class=\"rpt status\" id=\"exporters\">");
	has(&o, "<tr><td>127.0.7.1</td><td class=\"num\">5</td><td>0,7</td>"
	    "<td class=\"num\">10</td><td class=\"num\">99</td>"
	    "<td class=\"num\">12.3</td>"
	    "<td class=\"num\">1</td><td class=\"num\">0</td>"
	    "<td class=\"num\">1.00 %</td>");
	has(&o, "<td class=\"num\">1m05s ago</td>");
	has(&o, "<td class=\"num\">3</td><td class=\"num\">16.0 MiB</td>");
	has(&o, "<td>-</td><td>var/flows</td><td>tmp-v05.2026-11-29.0500"
	    "</td><td class=\"num\">70</td><td class=\"num\">2</td>"
	    "<td class=\"num\">3.0 MiB</td>");
	has(&o, "<p class=\"note\" id=\"no-trackings\">None.</p>");
	has(&o, "id=\"totals\"");
	/* rates not known yet: a dash, not 0 */
	has(&o, "<td class=\"num\">99</td><td class=\"num\">-</td>"
	    "<td class=\"num\">-</td>");
	web_out_free(&o);
}

static void
status_no_refresh(void)
{
	struct web_out o;

	assert_int_equal(wt_run("GET", "/status", "refresh=0", &o), 200);
	assert_null(strstr(wt_body(&o), "http-equiv=\"refresh\""));
	has(&o, "Not reloading (<a href=\"/status\">reload every 10 s</a>)");
	web_out_free(&o);
}

static void
status_json(void)
{
	struct web_out o;

	assert_int_equal(wt_run("GET", "/status", "output=json", &o), 200);
	assert_string_equal(o.ctype, "application/json; charset=utf-8");
	assert_string_equal(wt_body(&o), STATUS_JSON);
	web_out_free(&o);
}

static void
status_default(void)
{
	struct web_out o;

	assert_int_equal(wt_run("GET", "/status", "", &o), 200);
	has(&o, "<meta http-equiv=\"refresh\" content=\"10\">");
	assert_true(has_cache_off(&o));
	web_out_free(&o);
}

static void
status_quiet(void)
{
	struct web_out o;

	assert_int_equal(wt_run("GET", "/status", "", &o), 200);
	has(&o, "<p class=\"ok\" id=\"no-warnings\">No warnings.</p>");
	has(&o, "<p class=\"note\" id=\"no-exporters\">None.</p>");
	web_out_free(&o);
}

static void
status_garbage(void)
{
	wt_refused("/status", "", 502, "flowkeepd&#39;s status answer is not "
	    "JSON: offset 11: expected &#39;:&#39;");
}

static void
test_status(void **state)
{
	(void)state;
	snprintf(sockpath, sizeof(sockpath), "/tmp/fk-webst.%ld.sock",
	    (long)getpid());
	wt_setup(NULL, sockpath);
	fc_serve(sockpath, STATUS_JSON, status_tables);
	fc_serve(sockpath, STATUS_JSON, status_no_refresh);
	fc_serve(sockpath, STATUS_JSON, status_json);
	fc_serve(sockpath, STATUS_JSON, status_default);
	fc_serve(sockpath, "{\"daemon\":{},\"warnings\":[],\"exporters\":[]}\n",
	    status_quiet);
	fc_serve(sockpath, "{\"daemon\" <b>not json</b>\n", status_garbage);
}

static void
test_down(void **state)
{
	(void)state;
	wt_setup(NULL, "/nonexistent/flowkeepd.sock");
	wt_refused("/status", "", 503, "cannot reach flowkeepd at "
	    "/nonexistent/flowkeepd.sock");
	wt_refused("/status", "refresh=abc", 400, "refresh: bad value");
	wt_refused("/status", "refresh=3601", 400, "refresh: bad value");
	wt_refused("/status", "output=%3Cscript%3E", 400, "output: bad value");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
