/*
 * test_web_static.c - the static assets (types, caching headers), the
 * dispatcher's refusals (404, 405, 400) and the CSRF check of POST routes
 * (a route table of the test's own: no state-changing route exists yet).
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

static int
has_header(const struct web_out *o, const char *h)
{
	for (unsigned i = 0; i < o->nheaders; i++)
		if (strcmp(o->headers[i], h) == 0)
			return 1;
	return 0;
}

static void
test_assets(void **state)
{
	struct web_out o;

	(void)state;
	wt_setup(NULL, NULL);
	assert_int_equal(wt_run("GET", "/static/flowkeep.css", "", &o), 200);
	assert_string_equal(o.ctype, "text/css; charset=utf-8");
	assert_true(has_header(&o, "Cache-Control: public, max-age=86400"));
	assert_non_null(strstr(wt_body(&o), "table.rpt"));
	web_out_free(&o);
	assert_int_equal(wt_run("HEAD", "/static/flowkeep.js", "v=2", &o),
	    200);
	assert_string_equal(o.ctype, "text/javascript; charset=utf-8");
	assert_non_null(strstr(wt_body(&o), "querySelectorAll('table.rpt')"));
	web_out_free(&o);
	wt_refused("/static/flowkeep.css", "v=..%2F", 400, "v: bad value");
	wt_refused("/static/../web.c", "", 404, "no page");
	assert_int_equal(wt_run("POST", "/static/flowkeep.css", "", &o), 405);
	assert_true(has_header(&o, "Allow: GET, HEAD"));
	web_out_free(&o);
}

/* CGI form of a response. */
static void
test_cgi_output(void **state)
{
	struct web_out o;
	char buf[4096];
	FILE *fp = tmpfile();
	size_t n;

	(void)state;
	assert_non_null(fp);
	wt_setup(NULL, NULL);
	assert_int_equal(wt_run("GET", "/nosuch", "", &o), 404);
	assert_int_equal(web_out_write_cgi(&o, 0, fileno(fp)), 0);
	rewind(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	assert_true(strncmp(buf, "Status: 404 Not Found\r\nContent-Type: "
	    "text/html; charset=utf-8\r\nContent-Length: ", 64) == 0);
	assert_non_null(strstr(buf, "\r\nX-Content-Type-Options: nosniff\r\n"));
	assert_non_null(strstr(buf, "\r\n\r\n<!DOCTYPE html>"));
	web_out_free(&o);
	fclose(fp);
}

static int
saved(const struct web_req *r, struct web_out *o)
{
	fprintf(o->fp, "saved %s", qs_get(&r->q, "name"));
	return 200;
}

static const struct qs_key post_keys[] = {
	{ "name", QS_NAME, 32, 0, 0, NULL },
	{ "csrf", QS_NAME, WEB_CSRF_LEN, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct web_route post_routes[] = {
	{ "/save", WEB_POST, post_keys, saved },
	{ NULL, 0, NULL, NULL },
};

static int
post(const char *cookie, const char *ctype, const char *body,
    struct web_out *o)
{
	static struct web_req r;

	memset(&r, 0, sizeof(r));
	r.method = "POST";
	r.path = "/save";
	r.query = "";
	r.cookie = cookie;
	r.content_type = ctype;
	r.body = body;
	r.bodylen = strlen(body);
	r.conf = &wt_conf;
	return web_dispatch_table(&r, o, post_routes);
}

static void
test_csrf(void **state)
{
	static const char form[] = "application/x-www-form-urlencoded";
	struct web_out o;
	struct web_req r;
	char tok[WEB_CSRF_LEN + 1], tok2[WEB_CSRF_LEN + 1], cookie[160],
	    body[120];

	(void)state;
	wt_setup(NULL, NULL);
	memset(&r, 0, sizeof(r));
	assert_int_equal(web_out_init(&o), 0);
	assert_int_equal(web_csrf_token(&r, &o, tok), 0);
	assert_int_equal(strlen(tok), WEB_CSRF_LEN);
	assert_int_equal(o.nheaders, 1);
	snprintf(cookie, sizeof(cookie), "Set-Cookie: fk_csrf=%s; Path=/; "
	    "SameSite=Strict; HttpOnly", tok);
	assert_string_equal(o.headers[0], cookie);
	web_out_free(&o);
	/* a request that has the cookie keeps it */
	snprintf(cookie, sizeof(cookie), "a=b; fk_csrf=%s", tok);
	r.cookie = cookie;
	assert_int_equal(web_out_init(&o), 0);
	assert_int_equal(web_csrf_token(&r, &o, tok2), 0);
	assert_string_equal(tok, tok2);
	assert_int_equal(o.nheaders, 0);
	web_out_free(&o);

	snprintf(body, sizeof(body), "name=x1&csrf=%s", tok);
	assert_int_equal(post(cookie, form, body, &o), 200);
	assert_string_equal(wt_body(&o), "saved x1");
	web_out_free(&o);
	assert_int_equal(post(NULL, form, body, &o), 403);
	web_out_free(&o);
	assert_int_equal(post("fk_csrf=0123456789abcdef0123456789abcdef", form,
	    body, &o), 403);
	web_out_free(&o);
	assert_int_equal(post(cookie, form, "name=x1", &o), 403);
	web_out_free(&o);
	assert_int_equal(post(cookie, "text/plain", body, &o), 400);
	web_out_free(&o);
	assert_int_equal(post(cookie, form, "name=..%2Fx", &o), 400);
	assert_null(strstr(wt_body(&o), "saved"));
	web_out_free(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_assets),
		cmocka_unit_test(test_cgi_output),
		cmocka_unit_test(test_csrf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
