/*
 * cgi_main.c - flowkeep.cgi: the web pages as a CGI program for any web
 * server (Apache mod_cgi, lighttpd mod_cgi, nginx + fcgiwrap, OpenBSD
 * httpd + slowcgi).
 *
 * Reads the CGI variables REQUEST_METHOD, PATH_INFO, QUERY_STRING,
 * SCRIPT_NAME, CONTENT_TYPE, CONTENT_LENGTH (a POST body of at most
 * WEB_FORM_MAX bytes) and HTTP_COOKIE, runs the same handlers as the
 * built-in listener and writes the response to standard output.
 *
 * Configuration: $FLOWKEEP_CONFIG, else SYSCONFDIR/flowkeep.conf when it
 * exists, else the built-in defaults (data under var/ of the current
 * directory: use absolute paths in a configuration for a web server).  A
 * request runs at most web-timeout seconds; then the program answers 503
 * and exits.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/config.h"
#include "src/timearg.h"
#include "web.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif

static void
on_alarm(int sig)
{
	static const char msg[] = "Status: 503 Service Unavailable\r\n"
	    "Content-Type: text/plain\r\n\r\n"
	    "the request took too long (web-timeout)\n";

	(void)sig;
	(void)!write(1, msg, sizeof(msg) - 1);
	_exit(1);
}

static const char *
env(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v != NULL ? v : def;
}

/* The configuration; -1 with a message. */
static int
load_config(struct fk_config *c, char *err, size_t errlen)
{
	const char *path = getenv("FLOWKEEP_CONFIG");

	config_defaults(c);
	if (path == NULL && access(SYSCONFDIR "/flowkeep.conf", R_OK) == 0)
		path = SYSCONFDIR "/flowkeep.conf";
	if (path == NULL || path[0] == '\0')
		return 0;
	if (config_parse_file(c, path, err, errlen) == -1 ||
	    config_validate(c, err, errlen) == -1)
		return -1;
	return 0;
}

/* The POST body: exactly CONTENT_LENGTH bytes; NULL with *st set. */
static char *
read_body(size_t *len, int *st)
{
	const char *cl = env("CONTENT_LENGTH", "0");
	char *end, *b;
	unsigned long n;
	size_t got = 0;

	errno = 0;
	n = strtoul(cl, &end, 10);
	if (*cl == '\0' || *end != '\0' || errno != 0 || n > WEB_FORM_MAX) {
		*st = 413;
		return NULL;
	}
	if ((b = malloc(n + 1)) == NULL) {
		*st = 500;
		return NULL;
	}
	while (got < n) {
		ssize_t r = read(0, b + got, n - got);

		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	b[got] = '\0';
	*len = got;
	return b;
}

int
main(void)
{
	static struct fk_config cfg;
	static struct web_req req;
	struct web_conf conf;
	struct web_out out;
	char err[1024], *body = NULL;
	int st = 0, head;

	memset(&conf, 0, sizeof(conf));
	memset(&out, 0, sizeof(out));
	req.method = env("REQUEST_METHOD", "");
	req.path = env("PATH_INFO", "");
	if (req.path[0] == '\0')
		req.path = "/";
	req.query = env("QUERY_STRING", "");
	req.content_type = getenv("CONTENT_TYPE");
	req.cookie = getenv("HTTP_COOKIE");
	req.now_ms = timearg_now_ms();
	req.conf = &conf;
	conf.script = env("SCRIPT_NAME", "");
	conf.cfg = &cfg;
	head = strcmp(req.method, "HEAD") == 0;
	if (req.method[0] == '\0') {
		fprintf(stderr, "flowkeep.cgi: run me from a web server (no "
		    "REQUEST_METHOD)\n");
		return 2;
	}
	if (load_config(&cfg, err, sizeof(err)) == -1) {
		if (web_out_init(&out) == 0)
			web_error(&out, 500, "configuration: %s", err);
		web_out_close(&out);
	} else {
		conf.timeout_s = cfg.web_timeout;
		signal(SIGALRM, on_alarm);
		alarm(cfg.web_timeout);
		if (strcmp(req.method, "POST") == 0 &&
		    (body = read_body(&req.bodylen, &st)) == NULL) {
			if (web_out_init(&out) == 0)
				web_error(&out, st, "the form is too large");
			web_out_close(&out);
		} else {
			req.body = body;
			web_dispatch(&req, &out);
		}
	}
	st = web_out_write_cgi(&out, head, 1);
	web_out_free(&out);
	free(body);
	return st == 0 ? 0 : 1;
}
