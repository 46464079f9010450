/*
 * chclient.c - a blocking HTTP/1.1 client for ClickHouse (see chclient.h).
 *
 * The socket is non-blocking and every wait goes through poll() with the
 * time left, so nothing hangs on a server that stops answering.  The
 * answer is read through one buffer: the status line and headers first,
 * then the body, decoded from chunked transfer encoding when the server
 * uses it (ClickHouse does for HTTP/1.1), else up to Content-Length or
 * the end of the connection.
 */
#define _GNU_SOURCE	/* strcasestr, getaddrinfo */

#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "chclient.h"

#define CHC_BUF		65536
#define CHC_HEAD_MAX	16384

struct chc {
	int		 fd;
	unsigned	 timeout_ms;
	uint64_t	 deadline;	/* of the current wait, ms */
	uint8_t		 buf[CHC_BUF];
	size_t		 off, len;	/* unread bytes buf[off..len) */
	int		 eof;
	int		 chunked;
	int		 has_length;
	uint64_t	 left;		/* of the body or of the chunk */
	int		 done;		/* the body's end was seen */
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
chc_parse_http(const char *url, struct chc_addr *a, char *err,
    size_t errlen)
{
	const char *p, *h, *he, *c;
	unsigned long port;
	char *end;
	size_t n;

	memset(a, 0, sizeof(*a));
	if (strncmp(url, "http://", 7) != 0) {
		snprintf(err, errlen, "\"%s\" is not http://HOST:PORT/", url);
		return -1;
	}
	p = url + 7;
	if (*p == '[') {
		h = p + 1;
		if ((he = strchr(h, ']')) == NULL)
			goto bad;
		c = he + 1;
	} else {
		h = p;
		he = h + strcspn(h, ":/");
		c = he;
	}
	n = (size_t)(he - h);
	if (n == 0 || n >= sizeof(a->host))
		goto bad;
	for (size_t i = 0; i < n; i++) {
		char ch = h[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' ||
		    ch == ':' || ch == '_'))
			goto bad;
	}
	memcpy(a->host, h, n);
	if (*c != ':')
		goto bad;
	c++;
	if (*c < '0' || *c > '9')
		goto bad;
	errno = 0;
	port = strtoul(c, &end, 10);
	if (errno != 0 || port < 1 || port > 65535 || end - c > 5)
		goto bad;
	if (*end != '\0' && strcmp(end, "/") != 0)
		goto bad;
	a->port = (unsigned)port;
	return 0;
bad:
	snprintf(err, errlen, "\"%s\" is not http://HOST:PORT/ (a host name "
	    "or address, a port 1..65535, no path)", url);
	return -1;
}

/* Wait for fd to be ready for ev until the deadline: 0, or -1. */
static int
wait_fd(struct chc *c, short ev)
{
	struct pollfd pfd;
	uint64_t t;
	int rc;

	for (;;) {
		t = now_ms();
		if (t >= c->deadline)
			return -1;
		pfd.fd = c->fd;
		pfd.events = ev;
		pfd.revents = 0;
		rc = poll(&pfd, 1, (int)(c->deadline - t));
		if (rc > 0)
			return 0;
		if (rc == 0)
			return -1;
		if (errno != EINTR)
			return -1;
	}
}

static int
connect_to(struct chc *c, const struct chc_addr *a, char *err,
    size_t errlen)
{
	struct addrinfo hints, *res, *ai;
	char port[8];
	int rc, fd = -1, soerr;
	socklen_t sl;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof(port), "%u", a->port);
	if ((rc = getaddrinfo(a->host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", a->host, gai_strerror(rc));
		return -1;
	}
	snprintf(err, errlen, "%s:%u: cannot connect", a->host, a->port);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1)
			continue;
		c->fd = fd;
		c->deadline = now_ms() + c->timeout_ms;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS && wait_fd(c, POLLOUT) == 0) {
			sl = sizeof(soerr);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr,
			    &sl) == 0 && soerr == 0)
				break;
			snprintf(err, errlen, "%s:%u: %s", a->host, a->port,
			    strerror(soerr));
		} else
			snprintf(err, errlen, "%s:%u: %s", a->host, a->port,
			    errno == EINPROGRESS ? "connect timed out" :
			    strerror(errno));
		close(fd);
		fd = -1;
		c->fd = -1;
	}
	freeaddrinfo(res);
	return fd == -1 ? -1 : 0;
}

static int
send_all(struct chc *c, const void *p, size_t n, char *err, size_t errlen)
{
	const uint8_t *b = p;
	ssize_t w;

	while (n > 0) {
		w = send(c->fd, b, n, MSG_NOSIGNAL);
		if (w > 0) {
			b += w;
			n -= (size_t)w;
			c->deadline = now_ms() + c->timeout_ms;
			continue;
		}
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
		    wait_fd(c, POLLOUT) == 0)
			continue;
		snprintf(err, errlen, "sending: %s", w == -1 &&
		    errno != EAGAIN ? strerror(errno) : "timed out");
		return -1;
	}
	return 0;
}

/* More bytes into buf (moving the unread part to the front): 1 some, 0
 * at the end of the connection, -1 error. */
static int
fill(struct chc *c, char *err, size_t errlen)
{
	ssize_t r;

	if (c->off > 0) {
		memmove(c->buf, c->buf + c->off, c->len - c->off);
		c->len -= c->off;
		c->off = 0;
	}
	if (c->len == sizeof(c->buf)) {
		snprintf(err, errlen, "answer line too long");
		return -1;
	}
	c->deadline = now_ms() + c->timeout_ms;
	for (;;) {
		r = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
		if (r > 0) {
			c->len += (size_t)r;
			return 1;
		}
		if (r == 0) {
			c->eof = 1;
			return 0;
		}
		if (errno == EINTR)
			continue;
		if ((errno == EAGAIN || errno == EWOULDBLOCK) &&
		    wait_fd(c, POLLIN) == 0)
			continue;
		snprintf(err, errlen, "receiving: %s", errno == EAGAIN ||
		    errno == EWOULDBLOCK ? "timed out" : strerror(errno));
		return -1;
	}
}

/* One line (CRLF or LF ended) into line, NUL-terminated: 0 or -1. */
static int
read_line(struct chc *c, char *line, size_t max, char *err, size_t errlen)
{
	uint8_t *nl;
	size_t n;
	int rc;

	for (;;) {
		nl = memchr(c->buf + c->off, '\n', c->len - c->off);
		if (nl != NULL)
			break;
		if ((rc = fill(c, err, errlen)) <= 0) {
			if (rc == 0)
				snprintf(err, errlen, "connection closed in "
				    "the answer's header");
			return -1;
		}
	}
	n = (size_t)(nl - (c->buf + c->off));
	if (n > 0 && c->buf[c->off + n - 1] == '\r')
		n--;
	if (n >= max) {
		snprintf(err, errlen, "answer line too long");
		return -1;
	}
	memcpy(line, c->buf + c->off, n);
	line[n] = '\0';
	c->off = (size_t)(nl - c->buf) + 1;
	return 0;
}

static void
urlencode(const char *s, char *out)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		    ch == '.' || ch == '~')
			*out++ = (char)ch;
		else {
			*out++ = '%';
			*out++ = hex[ch >> 4];
			*out++ = hex[ch & 15];
		}
	}
	*out = '\0';
}

/* Start of the next chunk: its size into c->left; 0 or -1. */
static int
next_chunk(struct chc *c, int first, char *err, size_t errlen)
{
	char line[128], *end;

	if (!first && (read_line(c, line, sizeof(line), err, errlen) == -1 ||
	    line[0] != '\0')) {
		snprintf(err, errlen, "bad chunked encoding");
		return -1;
	}
	if (read_line(c, line, sizeof(line), err, errlen) == -1)
		return -1;
	errno = 0;
	c->left = strtoull(line, &end, 16);
	if (end == line || errno != 0 || (*end != '\0' && *end != ';')) {
		snprintf(err, errlen, "bad chunk size");
		return -1;
	}
	if (c->left == 0) {
		/* trailers up to the empty line */
		do {
			if (read_line(c, line, sizeof(line), err,
			    errlen) == -1)
				return -1;
		} while (line[0] != '\0');
		c->done = 1;
	}
	return 0;
}

struct chc *
chc_post(const struct chc_addr *a, const char *query, const void *body,
    size_t len, unsigned timeout_ms, char *err, size_t errlen)
{
	struct chc *c;
	char *head, line[1024], *enc = NULL, *e;
	int status, n;
	long r;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->fd = -1;
	c->timeout_ms = timeout_ms != 0 ? timeout_ms : 30000;
	if (query != NULL && (enc = malloc(strlen(query) * 3 + 1)) == NULL) {
		free(c);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (enc != NULL)
		urlencode(query, enc);
	n = asprintf(&head, "POST /%s%s HTTP/1.1\r\nHost: %s:%u\r\n"
	    "Content-Length: %zu\r\nContent-Type: application/octet-stream"
	    "\r\nConnection: close\r\n\r\n", enc != NULL ? "?query=" : "",
	    enc != NULL ? enc : "", a->host, a->port, len);
	free(enc);
	if (n == -1) {
		free(c);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (connect_to(c, a, err, errlen) == -1 ||
	    send_all(c, head, (size_t)n, err, errlen) == -1 ||
	    (len > 0 && send_all(c, body, len, err, errlen) == -1)) {
		free(head);
		chc_close(c);
		return NULL;
	}
	free(head);
	if (read_line(c, line, sizeof(line), err, errlen) == -1)
		goto fail;
	if (sscanf(line, "HTTP/%*d.%*d %d", &status) != 1) {
		snprintf(err, errlen, "not an HTTP answer");
		goto fail;
	}
	for (;;) {
		if (read_line(c, line, sizeof(line), err, errlen) == -1)
			goto fail;
		if (line[0] == '\0')
			break;
		if (strncasecmp(line, "Transfer-Encoding:", 18) == 0 &&
		    strcasestr(line + 18, "chunked") != NULL)
			c->chunked = 1;
		else if (strncasecmp(line, "Content-Length:", 15) == 0) {
			c->has_length = 1;
			c->left = strtoull(line + 15, NULL, 10);
		}
	}
	if (c->chunked) {
		c->has_length = 0;
		if (next_chunk(c, 1, err, errlen) == -1)
			goto fail;
	} else if (c->has_length && c->left == 0)
		c->done = 1;
	if (status != 200) {
		char msg[512];
		size_t k = 0;

		while (k < sizeof(msg) - 1 && (r = chc_read(c, msg + k,
		    sizeof(msg) - 1 - k, line, sizeof(line))) > 0)
			k += (size_t)r;
		msg[k] = '\0';
		for (e = msg; *e != '\0'; e++)
			if (*e == '\n' || *e == '\r' || *e == '\t')
				*e = ' ';
		while (k > 0 && msg[k - 1] == ' ')
			msg[--k] = '\0';
		snprintf(err, errlen, "%s:%u: HTTP %d: %s", a->host, a->port,
		    status, msg);
		goto fail;
	}
	return c;
fail:
	chc_close(c);
	return NULL;
}

long
chc_read(struct chc *c, void *buf, size_t len, char *err, size_t errlen)
{
	size_t n;
	int rc;

	for (;;) {
		if (c->done || len == 0)
			return 0;
		if (c->chunked && c->left == 0) {
			if (next_chunk(c, 0, err, errlen) == -1)
				return -1;
			continue;
		}
		if (c->off == c->len) {
			if ((rc = fill(c, err, errlen)) == -1)
				return -1;
			if (rc == 0) {
				if (c->chunked || c->has_length) {
					snprintf(err, errlen, "connection "
					    "closed before the end of the "
					    "answer");
					return -1;
				}
				c->done = 1;
				return 0;
			}
		}
		n = c->len - c->off;
		if (n > len)
			n = len;
		if ((c->chunked || c->has_length) && n > c->left)
			n = (size_t)c->left;
		memcpy(buf, c->buf + c->off, n);
		c->off += n;
		if (c->chunked || c->has_length) {
			c->left -= n;
			if (c->has_length && c->left == 0)
				c->done = 1;
		}
		return (long)n;
	}
}

void
chc_close(struct chc *c)
{
	if (c == NULL)
		return;
	if (c->fd != -1)
		close(c->fd);
	free(c);
}

char *
chc_query(const struct chc_addr *a, const char *sql, size_t max,
    unsigned timeout_ms, char *err, size_t errlen)
{
	struct chc *c;
	char *out, *p;
	size_t n = 0, cap = 4096;
	long r;

	if ((c = chc_post(a, NULL, sql, strlen(sql), timeout_ms, err,
	    errlen)) == NULL)
		return NULL;
	if ((out = malloc(cap)) == NULL)
		goto oom;
	for (;;) {
		if (n + 1 >= cap) {
			if (cap >= max) {
				snprintf(err, errlen, "answer longer than %zu "
				    "bytes", max);
				goto fail;
			}
			cap *= 2;
			if ((p = realloc(out, cap)) == NULL)
				goto oom;
			out = p;
		}
		r = chc_read(c, out + n, cap - 1 - n, err, errlen);
		if (r == -1)
			goto fail;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	out[n] = '\0';
	chc_close(c);
	return out;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	free(out);
	chc_close(c);
	return NULL;
}
