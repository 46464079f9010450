/*
 * web.h - the web front-end's request, response and routes: one set of
 * handlers served by flowkeep.cgi (web/cgi_main.c) and by flowkeepd's
 * built-in listener (web/httpd.c).
 *
 * A handler gets a request whose query string (GET) or form body (POST)
 * has already been checked against its route's whitelist (qs.h) and
 * writes a response: status, a few headers, a body.  The body is built in
 * memory (web_out.fp, an open_memstream) and sent whole by the front end
 * once the handler returns, so an error found half-way still becomes a
 * clean error page and nothing partial is ever written; the front ends
 * write it to stdout (CGI) or into an evbuffer (built-in listener).
 * Bodies are bounded by the pages (report rows, listing lines), and by
 * WEB_BODY_MAX: past it a page becomes a 500.
 *
 * Errors: web_error() drops what the handler wrote and makes a short page
 * with the HTML-escaped message; a bad parameter is a 400.
 *
 * State-changing requests (routes flagged WEB_POST) must be POST and carry
 * a CSRF token: the form field "csrf" must equal the "fk_csrf" cookie
 * (double submit: a random token the page sets as a SameSite=Strict
 * cookie; another site can neither read it nor send it).
 */
#ifndef FLOWKEEP_WEB_H
#define FLOWKEEP_WEB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "qs.h"

#define WEB_MAX_HEADERS	8
#define WEB_BODY_MAX	(64u * 1024 * 1024)
#define WEB_FORM_MAX	(64u * 1024)	/* POST bodies */

struct fk_config;

/* What the handlers need to know about the installation. */
struct web_conf {
	const struct fk_config *cfg;	/* devices, data trees, socket */
	const char	*script;	/* URL prefix of the pages: "" for the
					 * built-in listener, the CGI's
					 * SCRIPT_NAME */
	unsigned	 timeout_s;	/* longest request, shown on pages */
};

struct web_req {
	const char	*method;	/* "GET", "HEAD", "POST" */
	const char	*path;		/* "/report" (no query string) */
	const char	*query;		/* raw query string, "" if none */
	const char	*body;		/* POST body, NULL if none */
	size_t		 bodylen;
	const char	*content_type;	/* POST: must be a form */
	const char	*cookie;	/* the Cookie header, NULL if none */
	const struct web_conf *conf;
	uint64_t	 now_ms;
	struct qs	 q;		/* the parsed, checked parameters */
};

struct web_out {
	int		 status;
	const char	*ctype;		/* Content-Type */
	char		 headers[WEB_MAX_HEADERS][512];	/* a Location
						   with a long name */
	unsigned	 nheaders;
	FILE		*fp;		/* the body */
	char		*body;		/* after web_out_close */
	size_t		 len;
	const char	*filename;	/* Content-Disposition: attachment */
};

/* A new empty 200 text/html response; -1 if out of memory. */
int web_out_init(struct web_out *o);

/* Finish the body (o->body, o->len).  -1 if it could not be built. */
int web_out_close(struct web_out *o);
void web_out_free(struct web_out *o);

/* Add a header line "Name: value" (at most WEB_MAX_HEADERS). */
void web_out_header(struct web_out *o, const char *name, const char *value);

/* Drop the body so far and write an error page; returns status. */
int web_error(struct web_out *o, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Route the request and run its handler: 404 for an unknown path, 405 for
 * a method the route does not take, 400 when a parameter is not in the
 * route's whitelist or not of its type, 403 for a POST without the CSRF
 * token.  The response is closed (o->body) on return; the status.
 */
int web_dispatch(struct web_req *req, struct web_out *o);

/* Write the response as a CGI program's output (Status:, headers, blank
 * line, body; no body for HEAD) to fd; 0 or -1. */
int web_out_write_cgi(const struct web_out *o, int head_only, int fd);

/* The reason phrase of an HTTP status ("Bad Request"). */
const char *web_status_text(int status);

#define WEB_CSRF_LEN	32	/* hex digits */

/* The request's CSRF token (its fk_csrf cookie) or a new random one,
 * which is then set as a cookie on o; buf holds WEB_CSRF_LEN + 1.  -1 if
 * no random bytes could be had. */
int web_csrf_token(const struct web_req *r, struct web_out *o, char *buf);

/* 1 if the form's csrf field equals the fk_csrf cookie. */
int web_csrf_ok(const struct web_req *r);

/* A route: path, methods, parameter whitelist, handler. */
#define WEB_GET		1	/* GET and HEAD */
#define WEB_POST	2	/* POST with a CSRF token */

struct web_route {
	const char		*path;
	int			 methods;
	const struct qs_key	*keys;
	int			 (*handler)(const struct web_req *,
				    struct web_out *);
};

/* 1 if path is one of web_dispatch()'s routes. */
int web_route_known(const char *path);

/* web_dispatch() over another table (tests). */
int web_dispatch_table(struct web_req *req, struct web_out *o,
    const struct web_route *routes);

/* ---- pages (web/page_*.c): shared layout */

/* The page header (title escaped) with the navigation bar, reloading
 * itself every refresh_s seconds (0 = never), and the footer. */
void web_page_head(struct web_out *o, const struct web_req *r,
    const char *title, unsigned refresh_s);
void web_page_foot(struct web_out *o, const struct web_req *r);

/* The URL of a page: conf->script + path. */
void web_href(FILE *fp, const struct web_req *r, const char *path);

#endif /* FLOWKEEP_WEB_H */
