/*
 * web.c - responses, error pages, CSRF tokens and the route dispatcher
 * (see web.h).  The route table itself is in routes.c.
 */
#define _GNU_SOURCE	/* open_memstream on older libcs, getentropy */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/htmlesc.h"
#include "web.h"

int
web_out_init(struct web_out *o)
{
	memset(o, 0, sizeof(*o));
	o->status = 200;
	o->ctype = "text/html; charset=utf-8";
	o->fp = open_memstream(&o->body, &o->len);
	return o->fp != NULL ? 0 : -1;
}

int
web_out_close(struct web_out *o)
{
	int rc = 0;

	if (o->fp != NULL) {
		rc = ferror(o->fp) ? -1 : 0;
		if (fclose(o->fp) != 0)
			rc = -1;
		o->fp = NULL;
	}
	return rc;
}

void
web_out_free(struct web_out *o)
{
	web_out_close(o);
	free(o->body);
	o->body = NULL;
	o->len = 0;
}

void
web_out_header(struct web_out *o, const char *name, const char *value)
{
	size_t nl = strlen(name), vl = strlen(value);
	char *h;

	if (o->nheaders >= WEB_MAX_HEADERS ||
	    nl + vl + 3 > sizeof(o->headers[0]))
		return;
	h = o->headers[o->nheaders++];
	memcpy(h, name, nl);
	memcpy(h + nl, ": ", 2);
	memcpy(h + nl + 2, value, vl + 1);
}

int
web_error(struct web_out *o, int status, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	web_out_close(o);
	free(o->body);
	if (web_out_init(o) == -1)
		return o->status = 500;
	o->status = status;
	fprintf(o->fp, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>%d %s</title></head>\n<body>"
	    "<h1>%d %s</h1>\n<p class=\"error\">", status,
	    web_status_text(status), status, web_status_text(status));
	htmlesc_text(o->fp, msg);
	fputs("</p>\n</body></html>\n", o->fp);
	return status;
}

const char *
web_status_text(int status)
{
	static const struct { int code; const char *text; } t[] = {
		{ 200, "OK" }, { 301, "Moved Permanently" },
		{ 302, "Found" }, { 303, "See Other" },
		{ 304, "Not Modified" },
		{ 400, "Bad Request" }, { 401, "Unauthorized" },
		{ 403, "Forbidden" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 413, "Payload Too Large" }, { 500, "Internal Server Error" },
		{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].code == status)
			return t[i].text;
	return "Error";
}

/* ---------------------------------------------------------------- CSRF */

/* The value of cookie name in a Cookie header into buf; 0 or -1. */
static int
cookie_get(const char *hdr, const char *name, char *buf, size_t len)
{
	size_t nl = strlen(name);

	for (const char *p = hdr; p != NULL && *p != '\0'; ) {
		while (*p == ' ' || *p == ';')
			p++;
		if (strncmp(p, name, nl) == 0 && p[nl] == '=') {
			size_t vl = strcspn(p + nl + 1, "; ");

			if (vl == 0 || vl >= len)
				return -1;
			memcpy(buf, p + nl + 1, vl);
			buf[vl] = '\0';
			return 0;
		}
		p = strchr(p, ';');
	}
	return -1;
}

static int
token_ok(const char *t)
{
	if (strlen(t) != WEB_CSRF_LEN)
		return 0;
	return strspn(t, "0123456789abcdef") == WEB_CSRF_LEN;
}

int
web_csrf_token(const struct web_req *r, struct web_out *o, char *buf)
{
	unsigned char rnd[WEB_CSRF_LEN / 2];
	char hdr[128];

	if (r->cookie != NULL && cookie_get(r->cookie, "fk_csrf", buf,
	    WEB_CSRF_LEN + 1) == 0 && token_ok(buf))
		return 0;
	if (getentropy(rnd, sizeof(rnd)) != 0)
		return -1;
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(buf + 2 * i, 3, "%02x", rnd[i]);
	snprintf(hdr, sizeof(hdr), "fk_csrf=%s; Path=/; SameSite=Strict; "
	    "HttpOnly", buf);
	web_out_header(o, "Set-Cookie", hdr);
	return 0;
}

int
web_csrf_ok(const struct web_req *r)
{
	char c[WEB_CSRF_LEN + 1];
	const char *f = qs_get(&r->q, "csrf");

	return r->cookie != NULL && f != NULL && cookie_get(r->cookie,
	    "fk_csrf", c, sizeof(c)) == 0 && token_ok(c) && strcmp(c, f) == 0;
}

/* ---------------------------------------------------------------- dispatch */

static const struct web_route *
route_find(const struct web_route *routes, const char *path)
{
	for (; routes->path != NULL; routes++)
		if (strcmp(routes->path, path) == 0)
			return routes;
	return NULL;
}

/* The parameters: the query string, and for POST the form body. */
static int
params(struct web_req *req, const struct web_route *rt, struct web_out *o)
{
	char err[256];
	const char *s = req->query != NULL ? req->query : "";
	size_t len = strlen(s);

	if (strcmp(req->method, "POST") == 0) {
		if (req->content_type == NULL || strncmp(req->content_type,
		    "application/x-www-form-urlencoded", 33) != 0)
			return web_error(o, 400, "a form must be sent as "
			    "application/x-www-form-urlencoded");
		if (len > 0)
			return web_error(o, 400, "a POST takes no query "
			    "string");
		s = req->body != NULL ? req->body : "";
		len = req->body != NULL ? req->bodylen : 0;
	}
	if (qs_parse(&req->q, s, len, rt->keys, err, sizeof(err)) == -1)
		return web_error(o, 400, "%s", err);
	return 0;
}

static int
method_ok(const struct web_route *rt, const char *m)
{
	if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0)
		return (rt->methods & WEB_GET) != 0;
	if (strcmp(m, "POST") == 0)
		return (rt->methods & WEB_POST) != 0;
	return 0;
}

static int
run(struct web_req *req, struct web_out *o,
    const struct web_route *routes)
{
	const struct web_route *rt = route_find(routes, req->path);
	int st;

	if (rt == NULL)
		return web_error(o, 404, "no page %s", req->path);
	if (!method_ok(rt, req->method)) {
		web_error(o, 405, "%s is not allowed here", req->method);
		web_out_header(o, "Allow", rt->methods & WEB_POST ? "POST" :
		    "GET, HEAD");
		return 405;
	}
	if ((st = params(req, rt, o)) != 0)
		return st;
	if (strcmp(req->method, "POST") == 0 && !web_csrf_ok(req))
		return web_error(o, 403, "the form's CSRF token is missing or "
		    "stale: reload the page and send it again");
	return rt->handler(req, o);
}

int
web_dispatch_table(struct web_req *req, struct web_out *o,
    const struct web_route *routes)
{
	int st;

	if (web_out_init(o) == -1)
		return o->status = 500;
	st = run(req, o, routes);
	o->status = st;
	if (o->fp != NULL && ftell(o->fp) > (long)WEB_BODY_MAX)
		web_error(o, 500, "the page is too large");
	if (web_out_close(o) == -1) {
		web_error(o, 500, "out of memory");
		web_out_close(o);
	}
	return o->status;
}

/* ---------------------------------------------------------------- CGI */

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
web_out_write_cgi(const struct web_out *o, int head_only, int fd)
{
	char *h = NULL;
	size_t hl = 0;
	FILE *fp;
	int rc;

	if ((fp = open_memstream(&h, &hl)) == NULL)
		return -1;
	fprintf(fp, "Status: %d %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\n", o->status, web_status_text(o->status),
	    o->ctype, o->len);
	if (o->filename != NULL)
		fprintf(fp, "Content-Disposition: attachment; "
		    "filename=\"%s\"\r\n", o->filename);
	for (unsigned i = 0; i < o->nheaders; i++)
		fprintf(fp, "%s\r\n", o->headers[i]);
	fputs("X-Content-Type-Options: nosniff\r\n"
	    "Content-Security-Policy: default-src 'self'; "
	    "frame-ancestors 'none'\r\n", fp);
	fputs("\r\n", fp);
	if (fclose(fp) != 0) {
		free(h);
		return -1;
	}
	rc = write_all(fd, h, hl);
	if (rc == 0 && !head_only && o->len > 0)
		rc = write_all(fd, o->body, o->len);
	free(h);
	return rc;
}

/* ---------------------------------------------------------------- pages */

void
web_href(FILE *fp, const struct web_req *r, const char *path)
{
	htmlesc_text(fp, r->conf != NULL && r->conf->script != NULL ?
	    r->conf->script : "");
	htmlesc_text(fp, path);
}

void
web_page_head(struct web_out *o, const struct web_req *r, const char *title,
    unsigned refresh_s)
{
	static const struct { const char *path, *name; } nav[] = {
		{ "/report", "Reports" }, { "/graph", "Graphs" },
		{ "/saved", "Saved" }, { "/trackings", "Trackings" },
		{ "/dashboard", "Dashboard" }, { "/status", "Status" },
	};
	FILE *fp = o->fp;

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n", fp);
	if (refresh_s > 0)
		fprintf(fp, "<meta http-equiv=\"refresh\" content=\"%u\">\n",
		    refresh_s);
	fputs("<title>", fp);
	htmlesc_text(fp, title);
	fputs(" - flowkeep</title>\n<link rel=\"stylesheet\" href=\"", fp);
	web_href(fp, r, "/static/flowkeep.css");
	fputs("\">\n</head>\n<body>\n<nav><b>flowkeep</b>", fp);
	for (size_t i = 0; i < sizeof(nav) / sizeof(nav[0]); i++) {
		fputs(" <a href=\"", fp);
		web_href(fp, r, nav[i].path);
		fprintf(fp, "\"%s>%s</a>", strcmp(r->path, nav[i].path) == 0 ?
		    " class=\"cur\"" : "", nav[i].name);
	}
	fputs("</nav>\n<main>\n<h1>", fp);
	htmlesc_text(fp, title);
	fputs("</h1>\n", fp);
}

void
web_page_foot(struct web_out *o, const struct web_req *r)
{
	fputs("</main>\n<script src=\"", o->fp);
	web_href(o->fp, r, "/static/flowkeep.js");
	fputs("\" defer></script>\n</body></html>\n", o->fp);
}
