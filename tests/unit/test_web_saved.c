/*
 * test_web_saved.c - the /saved routes: saving a report (its query
 * string) and a filter (its expression) with a CSRF token, listing them
 * with open links, deleting; and what must write nothing: a POST without
 * or with a wrong token, traversal and bad names, a query outside the
 * Reports whitelist, a filter that does not compile, GET on a POST
 * route.  Script in a saved text is shown escaped.  The Reports page
 * offers the save form for its result.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/saved.h"
#include "tests/unit/webtest.h"

#define TOKEN	"0123456789abcdef0123456789abcdef"
#define COOKIE	"a=b; fk_csrf=" TOKEN

static char dir[256];

/* The number of entries (besides . and ..) under dir/sub. */
static int
entries(const char *sub)
{
	char p[512];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	if ((d = opendir(p)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static char *
slurp(const char *sub)
{
	char p[512], *buf = calloc(1, 4096);
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	assert_non_null(buf);
	if ((fp = fopen(p, "r")) == NULL) {
		free(buf);
		return NULL;
	}
	(void)!fread(buf, 1, 4095, fp);
	fclose(fp);
	return buf;
}

static int
setup(void **state)
{
	char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/fk-saved.XXXXXX", tmp != NULL &&
	    tmp[0] != '\0' ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	wt_setup(dir, NULL);
	snprintf(wt_cfg.saveddir, sizeof(wt_cfg.saveddir), "%s/saved", dir);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_empty(void **state)
{
	struct web_out o;
	int cookie = 0;

	(void)state;
	assert_int_equal(wt_run("GET", "/saved", "", &o), 200);
	assert_non_null(strstr(wt_body(&o), "id=\"no-reports\""));
	assert_non_null(strstr(wt_body(&o), "id=\"no-filters\""));
	assert_non_null(strstr(wt_body(&o), "name=\"csrf\" value=\""));
	for (unsigned i = 0; i < o.nheaders; i++)
		if (strncmp(o.headers[i], "Set-Cookie: fk_csrf=", 20) == 0)
			cookie = 1;
	assert_true(cookie);
	web_out_free(&o);
}

static void
test_save_open_delete(void **state)
{
	struct web_out o;
	char *t;

	(void)state;
	assert_int_equal(wt_post("/saved/save", COOKIE, "csrf=" TOKEN
	    "&kind=report&name=top-1h&query=type%3Dip-pair%26range%3D1h",
	    &o), 200);
	assert_non_null(strstr(wt_body(&o), "Saved report top-1h."));
	assert_non_null(strstr(wt_body(&o), "<a class=\"open\" href=\""
	    "/report?type=ip-pair&amp;range=1h\">open</a>"));
	web_out_free(&o);
	t = slurp("saved/reports/top-1h");
	assert_non_null(t);
	assert_string_equal(t, "type=ip-pair&range=1h\n");
	free(t);

	assert_int_equal(wt_post("/saved/save", COOKIE, "kind=filter&csrf="
	    TOKEN "&name=web&expr=proto+tcp+and+port+80", &o), 200);
	assert_non_null(strstr(wt_body(&o), "href=\"/report?expr=proto%20tcp"
	    "%20and%20port%2080\">open</a>"));
	web_out_free(&o);
	/* the CLI's @NAME finds it: a second filter that includes it */
	assert_int_equal(wt_post("/saved/save", COOKIE, "kind=filter&csrf="
	    TOKEN "&name=web2&expr=%40web+or+port+443", &o), 200);
	web_out_free(&o);
	assert_int_equal(entries("saved/filters"), 2);

	assert_int_equal(wt_post("/saved/delete", COOKIE, "csrf=" TOKEN
	    "&kind=report&name=top-1h", &o), 200);
	assert_non_null(strstr(wt_body(&o), "Deleted report top-1h."));
	assert_non_null(strstr(wt_body(&o), "id=\"no-reports\""));
	web_out_free(&o);
	assert_int_equal(entries("saved/reports"), 0);
	assert_int_equal(wt_post("/saved/delete", COOKIE, "csrf=" TOKEN
	    "&kind=report&name=top-1h", &o), 404);
	assert_non_null(strstr(wt_body(&o), "no saved report"));
	web_out_free(&o);
}

/* A POST that must be refused with st, saying msg, writing nothing. */
static void
refused(const char *path, const char *cookie, const char *body, int st,
    const char *msg)
{
	struct web_out o;
	int nr = entries("saved/reports"), nf = entries("saved/filters");

	if (wt_post(path, cookie, body, &o) != st ||
	    strstr(wt_body(&o), msg) == NULL ||
	    strstr(wt_body(&o), "<table") != NULL) {
		print_error("%s %s: status %d, body:\n%.500s\n", path, body,
		    o.status, wt_body(&o));
		web_out_free(&o);
		fail();
	}
	web_out_free(&o);
	assert_int_equal(entries("saved/reports"), nr);
	assert_int_equal(entries("saved/filters"), nf);
}

static void
test_refused(void **state)
{
	struct stat st;
	char p[512];

	(void)state;
	refused("/saved/save", NULL, "csrf=" TOKEN "&kind=report&name=a"
	    "&query=type%3Dproto", 403, "CSRF token");
	refused("/saved/save", COOKIE, "kind=report&name=a"
	    "&query=type%3Dproto", 403, "CSRF token");
	refused("/saved/save", "fk_csrf=ffffffffffffffffffffffffffffffff",
	    "csrf=" TOKEN "&kind=report&name=a&query=type%3Dproto", 403,
	    "CSRF token");
	refused("/saved/delete", NULL, "kind=filter&name=web", 403,
	    "CSRF token");
	refused("/saved/save", COOKIE, "csrf=" TOKEN "&kind=report"
	    "&name=..%2Fevil&query=type%3Dproto", 400, "name: bad value");
	refused("/saved/save", COOKIE, "csrf=" TOKEN "&kind=report"
	    "&name=.hidden&query=type%3Dproto", 400, "name: bad value");
	refused("/saved/save", COOKIE, "csrf=" TOKEN "&kind=filter"
	    "&name=%2Fetc%2Fpasswd&expr=any", 400, "name: bad value");
	refused("/saved/save", COOKIE, "csrf=" TOKEN "&kind=report&name="
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "&query=type%3Dproto", 400, "name: bad value");
	refused("/saved/save", COOKIE, "csrf=" TOKEN "&kind=report"
	    "&query=type%3Dproto", 400, "name: required");
	refused("/saved/save", COOKIE, "csrf=" TOKEN "&name=x"
	    "&query=type%3Dproto", 400, "kind: required");
	refused("/saved/save", COOKIE, "csrf=" TOKEN "&kind=tracking&name=x",
	    400, "kind: bad value");
	refused("/saved/save", COOKIE, "csrf=" TOKEN "&kind=report&name=x",
	    400, "query: required");
	refused("/saved/save", COOKIE, "csrf=" TOKEN "&kind=report&name=x"
	    "&query=type%3Dproto%26shell%3Drm", 400, "query: unknown "
	    "parameter &quot;shell&quot;");
	refused("/saved/save", COOKIE, "csrf=" TOKEN "&kind=report&name=x"
	    "&query=lines%3D99999999999999999999", 400, "query: lines");
	refused("/saved/save", COOKIE, "csrf=" TOKEN "&kind=report&name=x"
	    "&query=type%3Dproto%26expr%3Da%0Ab", 400, "not a percent-encoded");
	refused("/saved/save", COOKIE, "csrf=" TOKEN "&kind=filter&name=x"
	    "&expr=proto+tcp+and+port+htp", 400, "expr: column");
	refused("/saved/save", COOKIE, "csrf=" TOKEN "&kind=filter&name=x"
	    "&expr=%40nosuch", 400, "unknown saved filter");
	refused("/saved/delete", COOKIE, "csrf=" TOKEN "&kind=filter"
	    "&name=..%2F..%2Fetc", 400, "name: bad value");
	refused("/saved/save", COOKIE, "csrf=" TOKEN "&kind=filter&name=x"
	    "&expr=any&extra=1", 400, "unknown parameter &quot;extra&quot;");
	/* nothing escaped the tree */
	snprintf(p, sizeof(p), "%s/saved/evil", dir);
	assert_int_equal(stat(p, &st), -1);
	assert_int_equal(entries("saved"), 2);	/* filters/ and reports/ */
	wt_refused("/saved/save", "csrf=" TOKEN "&kind=filter&name=x&expr=any",
	    405, "GET is not allowed");
	wt_refused("/saved", "name=x", 400,
	    "unknown parameter &quot;name&quot;");
}

static void
test_escaped(void **state)
{
	struct web_out o;

	(void)state;
	assert_int_equal(wt_post("/saved/save", COOKIE, "csrf=" TOKEN
	    "&kind=filter&name=xss&expr=port+80+%23+%3Cscript%3Ealert(1)"
	    "%3C%2Fscript%3E", &o), 200);
	assert_null(strstr(wt_body(&o), "<script>alert"));
	assert_non_null(strstr(wt_body(&o), "port 80 # &lt;script&gt;"
	    "alert(1)&lt;/script&gt;"));
	web_out_free(&o);
}

/* Files that are not saved names are not listed. */
static void
test_bad_files_skipped(void **state)
{
	char err[256];
	struct web_out o;
	FILE *fp;
	char p[1200];

	(void)state;
	assert_int_equal(saved_write(wt_cfg.saveddir, SAVED_REPORT, "good",
	    "type=proto", 10, err, sizeof(err)), 0);
	assert_int_equal(saved_write(wt_cfg.saveddir, SAVED_REPORT, "a b",
	    "type=proto", 10, err, sizeof(err)), -1);
	snprintf(p, sizeof(p), "%s/reports/.tmp.abc", wt_cfg.saveddir);
	assert_non_null(fp = fopen(p, "w"));
	fputs("type=proto\n", fp);
	fclose(fp);
	assert_int_equal(wt_run("GET", "/saved", "", &o), 200);
	assert_non_null(strstr(wt_body(&o), "<td>good</td>"));
	assert_null(strstr(wt_body(&o), ".tmp.abc"));
	web_out_free(&o);
}

/* The Reports page offers to save its result. */
static void
test_report_form(void **state)
{
	struct web_out o;

	(void)state;
	assert_int_equal(wt_run("GET", "/report", "type=proto&range=15m"
	    "&output=html&protocols=6", &o), 200);
	assert_non_null(strstr(wt_body(&o), "action=\"/saved/save\""));
	assert_non_null(strstr(wt_body(&o), "name=\"query\" value=\""
	    "type=proto&amp;range=15m&amp;protocols=6\""));
	assert_non_null(strstr(wt_body(&o), "value=\"filter\">Save filter"));
	web_out_free(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_save_open_delete),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_escaped),
		cmocka_unit_test(test_bad_files_skipped),
		cmocka_unit_test(test_report_form),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
