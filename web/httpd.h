/*
 * httpd.h - flowkeepd's built-in web listener: the handlers of web.h over
 * HTTP/1.1 (libevent's evhttp), in a process of its own.
 *
 * Processes: flowkeepd binds the listening socket (httpd_bind), then forks
 * the listener (httpd_start) before it opens the collector's sockets, so
 * the collector's loop never runs a page and the listener holds nothing
 * of the collector's.  The listener forks one worker process per request:
 * the worker runs the handler and writes the response in CGI form into a
 * pipe, the listener copies it into the reply.  Bounds: at most
 * cfg->web_workers requests run at once (another gets 503 with
 * Retry-After), each for at most cfg->web_timeout seconds (then the
 * worker is killed and the answer is 503); request headers at most 8 KiB,
 * bodies at most WEB_FORM_MAX, idle connections closed after 30 s.  The
 * listener exits on SIGTERM/SIGINT or when flowkeepd is gone.
 *
 * Authentication: with web-auth set, every request needs a user of that
 * htpasswd-style file (webauth.h), checked in the worker (bcrypt is slow:
 * the listener's loop never runs it); otherwise the listener must be on
 * a loopback address, and httpd_prepare() refuses any other.  Not here:
 * TLS (put a web server in front for that).
 */
#ifndef FLOWKEEP_HTTPD_H
#define FLOWKEEP_HTTPD_H

#include <stddef.h>
#include <sys/types.h>

struct fk_config;

/* Before httpd_bind: read cfg->web_auth's user file, or, when it is not
 * set, check that web-listen names only loopback addresses.  0, or -1
 * with a message (the daemon must not start its pages). */
int httpd_prepare(const struct fk_config *cfg, char *err, size_t errlen);

/* Listen on spec ("HOST:PORT", "[V6]:PORT"); the socket, or -1 with a
 * message in err. */
int httpd_bind(const char *spec, char *err, size_t errlen);

/* Fork the listener serving fd with the pages of cfg; fd is closed in the
 * caller.  The listener's pid, or -1 (errno). */
pid_t httpd_start(int fd, const struct fk_config *cfg);

/* httpd_start(), running child_init(arg) in the child first (flowkeepd
 * drops its privileges there); a non-zero return ends the child. */
pid_t httpd_start_as(int fd, const struct fk_config *cfg,
    int (*child_init)(void *), void *arg);

#endif /* FLOWKEEP_HTTPD_H */
