/*
 * chclient.h - a small blocking HTTP/1.1 client for ClickHouse's HTTP
 * interface, for the CLI and the web pages (doc/clickhouse.md).
 *
 * One request per connection (Connection: close): POST with a body, then
 * the answer's body is read as a stream (chunked or not), so that a large
 * RowBinary result never has to fit in memory.  Every connect, send and
 * receive waits at most the timeout given.  A status other than 200 is
 * an error whose message is the start of ClickHouse's answer.
 *
 * Not thread-safe per connection; no TLS, no authentication (a server on
 * the local network, as the sink assumes too).
 */
#ifndef FLOWKEEP_CHCLIENT_H
#define FLOWKEEP_CHCLIENT_H

#include <stddef.h>
#include <stdint.h>

struct chc;

/* The parts of http://HOST:PORT/ (the path must be "/" or empty). */
struct chc_addr {
	char		host[256];
	unsigned	port;
};

/* Parse "http://HOST:PORT/" (HOST a name, an IPv4 address or an IPv6
 * address in brackets; PORT 1..65535).  0, or -1 with a message. */
int chc_parse_http(const char *url, struct chc_addr *a, char *err,
    size_t errlen);

/*
 * Send POST /?query=<query, URL-encoded> with body[0..len) (query NULL:
 * the body is the query) and read the status and headers.  NULL with a
 * message in err (cannot connect, timeout, a status other than 200: then
 * the message holds the server's text).
 */
struct chc *chc_post(const struct chc_addr *a, const char *query,
    const void *body, size_t len, unsigned timeout_ms, char *err,
    size_t errlen);

/*
 * Read up to len bytes of the answer's body: the count, 0 at its proper
 * end, -1 on an error (message in err: timeout, connection cut before the
 * end of a chunked body).
 */
long chc_read(struct chc *c, void *buf, size_t len, char *err,
    size_t errlen);

void chc_close(struct chc *c);

/*
 * The whole answer of a query as a NUL-terminated malloc'ed string (at
 * most max bytes); NULL with a message in err.  For DDL and small
 * results.
 */
char *chc_query(const struct chc_addr *a, const char *sql, size_t max,
    unsigned timeout_ms, char *err, size_t errlen);

#endif /* FLOWKEEP_CHCLIENT_H */
