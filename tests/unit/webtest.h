/*
 * webtest.h - helpers for the web handler tests (test_web_*.c): build a
 * request, run it through web_dispatch(), look at status and body.
 */
#ifndef FLOWKEEP_WEBTEST_H
#define FLOWKEEP_WEBTEST_H

#include <string.h>

#include "src/config.h"
#include "src/timearg.h"
#include "web/web.h"

static struct fk_config wt_cfg;
static struct web_conf wt_conf;

/* The configuration the pages see: data under dir. */
static void
wt_setup(const char *workdir, const char *control)
{
	config_defaults(&wt_cfg);
	if (workdir != NULL)
		snprintf(wt_cfg.workdir, sizeof(wt_cfg.workdir), "%s", workdir);
	if (control != NULL)
		snprintf(wt_cfg.control, sizeof(wt_cfg.control), "%s", control);
	memset(&wt_conf, 0, sizeof(wt_conf));
	wt_conf.cfg = &wt_cfg;
	wt_conf.script = "";
	wt_conf.timeout_s = 60;
}

/* Run one request; the status.  o must be freed (web_out_free). */
static int
wt_run(const char *method, const char *path, const char *query,
    struct web_out *o)
{
	static struct web_req r;

	memset(&r, 0, sizeof(r));
	r.method = method;
	r.path = path;
	r.query = query;
	r.conf = &wt_conf;
	r.now_ms = timearg_now_ms();
	return web_dispatch(&r, o);
}

/* Run one form POST with cookie (NULL: none); the status.  o must be
 * freed (web_out_free). */
static inline int
wt_post(const char *path, const char *cookie, const char *body,
    struct web_out *o)
{
	static struct web_req r;

	memset(&r, 0, sizeof(r));
	r.method = "POST";
	r.path = path;
	r.query = "";
	r.body = body;
	r.bodylen = strlen(body);
	r.content_type = "application/x-www-form-urlencoded";
	r.cookie = cookie;
	r.conf = &wt_conf;
	r.now_ms = timearg_now_ms();
	return web_dispatch(&r, o);
}

/* The body as a NUL-terminated string (it is built with one). */
static const char *
wt_body(const struct web_out *o)
{
	return o->body != NULL ? o->body : "";
}

/* A request that must be refused with status st and an error page that
 * says msg and holds nothing of a real page. */
static void
wt_refused(const char *path, const char *query, int st, const char *msg)
{
	struct web_out o;

	if (wt_run("GET", path, query, &o) != st || strstr(wt_body(&o),
	    msg) == NULL || strstr(wt_body(&o), "<form") != NULL ||
	    strstr(wt_body(&o), "<table") != NULL ||
	    strstr(wt_body(&o), "<script") != NULL) {
		print_error("%s?%.200s: status %d, body:\n%.500s\n", path,
		    query, o.status, wt_body(&o));
		web_out_free(&o);
		fail();
	}
	web_out_free(&o);
}

#endif /* FLOWKEEP_WEBTEST_H */
