/*
 * httpd.c - the built-in listener: evhttp in its own process, one forked
 * worker per request (see httpd.h).
 */
#define _GNU_SOURCE

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "httpd.h"
#include "src/config.h"
#include "src/timearg.h"
#include "web.h"
#include "webauth.h"
#include "webstats.h"

#define HTTPD_HEADERS_MAX	8192
#define HTTPD_IDLE_S		30
#define HTTPD_READ_MAX		(WEB_BODY_MAX + 65536)

struct httpd {
	struct event_base	*base;
	struct evhttp		*http;
	const struct fk_config	*cfg;
	struct web_conf		 conf;
	unsigned		 njobs;
	pid_t			 ppid;
};

/* The users of web-auth, read by httpd_prepare() before the fork. */
static struct webauth *auth;

struct job {
	struct httpd		*h;
	struct evhttp_request	*req;
	pid_t			 pid;
	int			 fd;
	struct evbuffer		*buf;
	struct event		*rd, *timer;
};

int
httpd_bind(const char *spec, char *err, size_t errlen)
{
	struct addrinfo hints, *res, *ai;
	char host[256], port_s[8];
	uint16_t port;
	int fd = -1, one = 1, rc;

	if (config_web_listen(spec, host, sizeof(host), &port) != 0) {
		snprintf(err, errlen, "bad web-listen \"%s\"", spec);
		return -1;
	}
	snprintf(port_s, sizeof(port_s), "%u", port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port_s, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL && fd == -1; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype, 0)) == -1)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
		    listen(fd, 64) == -1 ||
		    evutil_make_socket_nonblocking(fd) == -1) {
			snprintf(err, errlen, "%s: %s", spec, strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	return fd;
}

/* 1 if every address of host is a loopback one. */
static int
loopback_only(const char *host, char *err, size_t errlen)
{
	struct addrinfo hints, *res, *ai;
	int rc, lo = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((rc = getaddrinfo(host, "80", &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET) {
			const struct sockaddr_in *a = (const void *)ai->ai_addr;

			lo &= (ntohl(a->sin_addr.s_addr) >> 24) == 127;
		} else if (ai->ai_family == AF_INET6) {
			const struct sockaddr_in6 *a = (const void *)ai->ai_addr;

			lo &= IN6_IS_ADDR_LOOPBACK(&a->sin6_addr) ||
			    (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr) &&
			    a->sin6_addr.s6_addr[12] == 127);
		} else
			lo = 0;
	}
	freeaddrinfo(res);
	return lo;
}

int
httpd_prepare(const struct fk_config *cfg, char *err, size_t errlen)
{
	char host[256];
	uint16_t port;
	int lo;

	if (config_web_listen(cfg->web_listen, host, sizeof(host), &port) !=
	    0) {
		snprintf(err, errlen, "bad web-listen \"%s\"", cfg->web_listen);
		return -1;
	}
	if (cfg->web_auth[0] != '\0') {
		webauth_free(auth);
		auth = webauth_load(cfg->web_auth, err, errlen);
		return auth != NULL ? 0 : -1;
	}
	if ((lo = loopback_only(host, err, errlen)) == -1)
		return -1;
	if (!lo) {
		snprintf(err, errlen, "%s is not a loopback address and "
		    "web-auth is not set: give web-auth a user file (htpasswd "
		    "-B), or listen on 127.0.0.1 or [::1]", cfg->web_listen);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- worker */

/* The 401 answer: the browser asks for a user and password. */
static void
unauthorized(int fd)
{
	struct web_out o;

	if (web_out_init(&o) == -1)
		_exit(1);
	web_error(&o, 401, "this page needs a user name and password "
	    "(web-auth)");
	web_out_header(&o, "WWW-Authenticate", "Basic realm=\"" WEBAUTH_REALM
	    "\", charset=\"UTF-8\"");
	web_out_header(&o, "Cache-Control", "no-store");
	if (web_out_close(&o) == 0)
		(void)web_out_write_cgi(&o, 0, fd);
	_exit(0);
}

static const char *
method_name(enum evhttp_cmd_type c)
{
	switch (c) {
	case EVHTTP_REQ_GET:
		return "GET";
	case EVHTTP_REQ_HEAD:
		return "HEAD";
	case EVHTTP_REQ_POST:
		return "POST";
	case EVHTTP_REQ_PUT:
		return "PUT";
	case EVHTTP_REQ_DELETE:
		return "DELETE";
	case EVHTTP_REQ_OPTIONS:
		return "OPTIONS";
	case EVHTTP_REQ_PATCH:
		return "PATCH";
	default:
		return "OTHER";
	}
}

/* In the worker process: answer req in CGI form on fd, then exit. */
static void
worker(struct httpd *h, struct evhttp_request *req, int fd)
{
	static struct web_req r;
	const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);
	struct evkeyvalq *hd = evhttp_request_get_input_headers(req);
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	struct web_out o;

	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	alarm(h->cfg->web_timeout + 1);
	r.method = method_name(evhttp_request_get_command(req));
	r.path = u != NULL && evhttp_uri_get_path(u) != NULL &&
	    evhttp_uri_get_path(u)[0] != '\0' ? evhttp_uri_get_path(u) : "/";
	r.query = u != NULL && evhttp_uri_get_query(u) != NULL ?
	    evhttp_uri_get_query(u) : "";
	if (auth != NULL && !webauth_check(auth, evhttp_find_header(hd,
	    "Authorization")))
		unauthorized(fd);
	r.cookie = evhttp_find_header(hd, "Cookie");
	r.content_type = evhttp_find_header(hd, "Content-Type");
	r.bodylen = evbuffer_get_length(in);
	r.body = r.bodylen > 0 ? (const char *)evbuffer_pullup(in, -1) : NULL;
	r.conf = &h->conf;
	r.now_ms = timearg_now_ms();
	web_dispatch(&r, &o);
	(void)web_out_write_cgi(&o, strcmp(r.method, "HEAD") == 0, fd);
	_exit(0);
}

/* ---------------------------------------------------------------- replies */

/* Count the reply for /metrics (webstats.h). */
static void
count_reply(struct evhttp_request *req, int code)
{
	const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(req);

	webstats_count(u != NULL ? evhttp_uri_get_path(u) : NULL, code);
}

static void
reply_error(struct evhttp_request *req, int code, const char *msg)
{
	struct evbuffer *b = evbuffer_new();

	count_reply(req, code);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; charset=utf-8");
	if (b != NULL)
		evbuffer_add_printf(b, "%s\n", msg);
	evhttp_send_reply(req, code, web_status_text(code), b);
	if (b != NULL)
		evbuffer_free(b);
}

/* The worker's CGI output in buf -> the reply; -1 if it is not one. */
static int
reply_cgi(struct evhttp_request *req, struct evbuffer *buf)
{
	struct evkeyvalq *oh = evhttp_request_get_output_headers(req);
	char *line;
	int code = 0;

	while ((line = evbuffer_readln(buf, NULL, EVBUFFER_EOL_CRLF)) !=
	    NULL) {
		char *colon = strchr(line, ':');

		if (line[0] == '\0') {
			free(line);
			break;
		}
		if (colon != NULL) {
			*colon = '\0';
			colon += strspn(colon + 1, " ") + 1;
			if (strcmp(line, "Status") == 0)
				code = atoi(colon);
			else if (strcmp(line, "Content-Length") != 0)
				evhttp_add_header(oh, line, colon);
		}
		free(line);
	}
	if (line == NULL || code < 100 || code > 599)
		return -1;
	count_reply(req, code);
	evhttp_send_reply(req, code, web_status_text(code), buf);
	return 0;
}

static void
job_end(struct job *j, int timed_out)
{
	int st;

	event_free(j->rd);
	event_free(j->timer);
	close(j->fd);
	if (timed_out)
		kill(j->pid, SIGKILL);
	while (waitpid(j->pid, &st, 0) == -1 && errno == EINTR)
		;
	if (timed_out)
		reply_error(j->req, 503, "the request took too long "
		    "(web-timeout)");
	else if (reply_cgi(j->req, j->buf) == -1)
		reply_error(j->req, 500, "the page failed");
	evbuffer_free(j->buf);
	j->h->njobs--;
	free(j);
}

static void
on_job_read(evutil_socket_t fd, short what, void *arg)
{
	struct job *j = arg;
	int n;

	(void)what;
	n = evbuffer_read(j->buf, fd, 65536);
	if (n > 0 && evbuffer_get_length(j->buf) <= HTTPD_READ_MAX)
		return;
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	job_end(j, n > 0);
}

static void
on_job_timeout(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	job_end(arg, 1);
}

/* ---------------------------------------------------------------- listener */

static int
job_start(struct httpd *h, struct evhttp_request *req)
{
	struct timeval tv = { (time_t)h->cfg->web_timeout, 0 };
	struct job *j;
	int p[2];

	if ((j = calloc(1, sizeof(*j))) == NULL || pipe(p) == -1) {
		free(j);
		return -1;
	}
	if ((j->pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		free(j);
		return -1;
	}
	if (j->pid == 0) {
		close(p[0]);
		worker(h, req, p[1]);
	}
	close(p[1]);
	evutil_make_socket_nonblocking(p[0]);
	j->h = h;
	j->req = req;
	j->fd = p[0];
	j->buf = evbuffer_new();
	j->rd = event_new(h->base, p[0], EV_READ | EV_PERSIST, on_job_read, j);
	j->timer = evtimer_new(h->base, on_job_timeout, j);
	h->njobs++;
	if (j->buf == NULL || j->rd == NULL || j->timer == NULL ||
	    event_add(j->rd, NULL) == -1 || evtimer_add(j->timer, &tv) == -1)
		job_end(j, 1);
	return 0;
}

static void
on_request(struct evhttp_request *req, void *arg)
{
	struct httpd *h = arg;

	if (h->njobs >= h->cfg->web_workers) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Retry-After", "5");
		reply_error(req, 503, "busy: too many requests at once "
		    "(web-workers)");
		return;
	}
	if (job_start(h, req) == -1)
		reply_error(req, 503, "cannot start a worker");
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(((struct httpd *)arg)->base);
}

/* Leave when flowkeepd is gone. */
static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct httpd *h = arg;

	(void)fd;
	(void)what;
	if (getppid() != h->ppid)
		event_base_loopbreak(h->base);
}

static int
serve(int fd, const struct fk_config *cfg, pid_t ppid)
{
	static struct httpd h;
	struct timeval tv = { 1, 0 };
	struct event *sig[2], *tick;

	h.cfg = cfg;
	h.ppid = ppid;
	h.conf.cfg = cfg;
	h.conf.script = "";
	h.conf.timeout_s = cfg->web_timeout;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);	/* flowkeepd's reload is not ours */
	signal(SIGCHLD, SIG_DFL);
	if ((h.base = event_base_new()) == NULL ||
	    (h.http = evhttp_new(h.base)) == NULL)
		return 1;
	evhttp_set_max_headers_size(h.http, HTTPD_HEADERS_MAX);
	evhttp_set_max_body_size(h.http, WEB_FORM_MAX);
	evhttp_set_timeout(h.http, HTTPD_IDLE_S);
	/* the dispatcher answers 405 for the methods a page does not take */
	evhttp_set_allowed_methods(h.http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	evhttp_set_gencb(h.http, on_request, &h);
	if (evhttp_accept_socket(h.http, fd) != 0)
		return 1;
	sig[0] = evsignal_new(h.base, SIGTERM, on_signal, &h);
	sig[1] = evsignal_new(h.base, SIGINT, on_signal, &h);
	tick = event_new(h.base, -1, EV_PERSIST, on_tick, &h);
	if (sig[0] == NULL || sig[1] == NULL || tick == NULL ||
	    event_add(sig[0], NULL) || event_add(sig[1], NULL) ||
	    event_add(tick, &tv))
		return 1;
	event_base_dispatch(h.base);
	return 0;
}

pid_t
httpd_start(int fd, const struct fk_config *cfg)
{
	return httpd_start_as(fd, cfg, NULL, NULL);
}

pid_t
httpd_start_as(int fd, const struct fk_config *cfg,
    int (*child_init)(void *), void *arg)
{
	pid_t ppid = getpid(), pid;

	if ((pid = fork()) != 0) {
		close(fd);
		return pid;
	}
	if (child_init != NULL && child_init(arg) != 0)
		_exit(1);
	_exit(serve(fd, cfg, ppid));
}
