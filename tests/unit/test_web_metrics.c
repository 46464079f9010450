/*
 * test_web_metrics.c - the /metrics route against a fake flowkeepd (a
 * thread answering one control request): the request sent is "metrics",
 * the daemon's text comes first and unchanged, the request counts of
 * webstats follow (route and status labels, unknown paths as "other",
 * the table bounded), the type is Prometheus' 0.0.4 text; a daemon that
 * is not running gives 503 and an unknown parameter 400.  Also the label
 * escaping of promtext.
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

#include "src/promtext.h"
#include "tests/unit/fakectl.h"
#include "tests/unit/webtest.h"
#include "web/webstats.h"

#define DAEMON_TEXT	"# HELP flowkeep_flows_total Flow records decoded.\n" \
			"# TYPE flowkeep_flows_total counter\n" \
			"flowkeep_flows_total 42\n"

static char sockpath[108];
static void
scrape(void)
{
	struct web_out o;
	const char *b;

	assert_int_equal(wt_run("GET", "/metrics", "", &o), 200);
	assert_string_equal(fc_request, "FLOWKEEP/1 metrics\n");
	assert_string_equal(o.ctype,
	    "text/plain; version=0.0.4; charset=utf-8");
	b = wt_body(&o);
	assert_memory_equal(b, DAEMON_TEXT, strlen(DAEMON_TEXT));
	b += strlen(DAEMON_TEXT);
	assert_string_equal(b,
	    "# HELP flowkeep_http_requests_total Requests the built-in web "
	    "listener answered, by route and status.\n"
	    "# TYPE flowkeep_http_requests_total counter\n"
	    "flowkeep_http_requests_total{route=\"/status\",code=\"200\"} 2\n"
	    "flowkeep_http_requests_total{route=\"other\",code=\"404\"} 1\n"
	    "flowkeep_http_requests_total{route=\"/report\",code=\"400\"} 1\n");
	web_out_free(&o);
}

static void
test_scrape(void **state)
{
	(void)state;
	snprintf(sockpath, sizeof(sockpath), "/tmp/fk-webm.%ld.sock",
	    (long)getpid());
	wt_setup(NULL, sockpath);
	webstats_reset();
	webstats_count("/status", 200);
	webstats_count("/no/such\"page", 404);
	webstats_count("/status", 200);
	webstats_count("/report", 400);
	fc_serve(sockpath, DAEMON_TEXT, scrape);
}

static void
test_bounded(void **state)
{
	char path[32], *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int i;

	(void)state;
	webstats_reset();
	/* every status a distinct pair: the table must not grow past its
	 * size, the rest lands in the overflow entry */
	for (i = 0; i < 3 * WEBSTATS_MAX; i++) {
		snprintf(path, sizeof(path), "/x%d", i);
		webstats_count(i % 2 ? "/status" : path, 100 + i);
	}
	assert_non_null(fp = open_memstream(&buf, &len));
	webstats_write(fp);
	fclose(fp);
	assert_non_null(strstr(buf, "{route=\"other\",code=\"0\"} "));
	i = 0;
	for (char *p = buf; (p = strchr(p, '\n')) != NULL; p++)
		i++;
	assert_int_equal(i, 2 + WEBSTATS_MAX);
	free(buf);
}

static void
test_escape(void **state)
{
	const char *kv[4] = { "a", "x\\y\"z\nw", "b", "" };
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	assert_non_null(fp = open_memstream(&buf, &len));
	prom_family(fp, "m_total", "counter", "help \\ with\nnewline \"q\"");
	prom_sample(fp, "m_total", kv, 2, 18446744073709551615ull);
	prom_sample(fp, "g", NULL, 0, 0);
	fclose(fp);
	assert_string_equal(buf,
	    "# HELP m_total help \\\\ with\\nnewline \"q\"\n"
	    "# TYPE m_total counter\n"
	    "m_total{a=\"x\\\\y\\\"z\\nw\",b=\"\"} 18446744073709551615\n"
	    "g 0\n");
	free(buf);
}

static void
test_down(void **state)
{
	(void)state;
	wt_setup(NULL, "/nonexistent/flowkeepd.sock");
	wt_refused("/metrics", "", 503, "cannot reach flowkeepd at "
	    "/nonexistent/flowkeepd.sock");
	wt_refused("/metrics", "name=x", 400, "name");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scrape),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
