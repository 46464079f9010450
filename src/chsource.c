/*
 * chsource.c - flows from a ClickHouse table (see chsource.h).
 */
#define _GNU_SOURCE	/* asprintf */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/chrow.h"

#include "chsource.h"
#include "filter_sql.h"
#include "source.h"

#define CHSRC_BUF	(256 * 1024)

struct chsrc {
	struct chc	*c;
	uint8_t		*buf;
	size_t		 off, len;
	int		 end;
};

int
chsrc_parse_url(const char *s, struct chsrc_url *u, char *err,
    size_t errlen)
{
	const char *p, *slash, *dot;
	char http[300], msg[256];
	size_t hl;

	memset(u, 0, sizeof(*u));
	if (strncmp(s, "clickhouse://", 13) != 0)
		goto bad;
	p = s + 13;
	if ((slash = strchr(p, '/')) == NULL)
		goto bad;
	hl = (size_t)(slash - p);
	if (hl == 0 || hl > 262)
		goto bad;
	/* the host part is checked by the http parser; the port is added
	 * when left out (a bracketed IPv6 address has its own colons) */
	if (p[hl - 1] == ']' || memchr(p, ':', hl) == NULL ||
	    (p[0] == '[' && (memchr(p, ']', hl) == NULL ||
	    ((const char *)memchr(p, ']', hl))[1] != ':')))
		snprintf(http, sizeof(http), "http://%.*s:8123/", (int)hl, p);
	else
		snprintf(http, sizeof(http), "http://%.*s/", (int)hl, p);
	if (chc_parse_http(http, &u->a, msg, sizeof(msg)) == -1)
		goto bad;
	p = slash + 1;
	if ((dot = strchr(p, '.')) == NULL || (size_t)(dot - p) >=
	    sizeof(u->db) || strlen(dot + 1) >= sizeof(u->table))
		goto bad;
	memcpy(u->db, p, (size_t)(dot - p));
	strcpy(u->table, dot + 1);
	if (!chrow_ident_ok(u->db) || !chrow_ident_ok(u->table))
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "--source: \"%s\" is not clickhouse://HOST"
	    "[:PORT]/DB.TABLE (DB and TABLE letters, digits and _)", s);
	memset(u, 0, sizeof(*u));
	return -1;
}

char *
chsrc_where(uint64_t from_ms, uint64_t to_ms, int rule,
    const struct filter *f, int *exact)
{
	unsigned long long from = from_ms, to = to_ms;
	char *fs, *w, win[256];
	int n;

	if ((fs = filter_sql(f, exact)) == NULL)
		return NULL;
	if (from_ms == 0 && to_ms == 0)
		snprintf(win, sizeof(win), "1");
	else {
		if (to_ms == 0)
			to = UINT64_MAX;
		switch (rule) {
		case SRC_START:
			snprintf(win, sizeof(win), "first_ms >= %llu AND "
			    "first_ms < %llu", from, to);
			break;
		case SRC_END:
			snprintf(win, sizeof(win), "last_ms >= %llu AND "
			    "last_ms < %llu", from, to);
			break;
		case SRC_ALL:
			snprintf(win, sizeof(win), "first_ms >= %llu AND "
			    "last_ms < %llu", from, to);
			break;
		default:
			snprintf(win, sizeof(win), "first_ms < %llu AND "
			    "last_ms >= %llu", to, from);
			break;
		}
	}
	n = asprintf(&w, "(%s) AND (%s)", win, fs);
	free(fs);
	return n == -1 ? NULL : w;
}

struct chsrc *
chsrc_open_sql(const struct chsrc_url *u, const char *sql, char *err,
    size_t errlen)
{
	struct chsrc *s;
	const char *log = getenv("FLOWKEEP_SQL_LOG");
	FILE *fp;

	/* for tests and for seeing what is pushed down */
	if (log != NULL && *log != '\0' && (fp = fopen(log, "a")) != NULL) {
		fprintf(fp, "%s\n", sql);
		fclose(fp);
	}
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->buf = malloc(CHSRC_BUF)) == NULL) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((s->c = chc_post(&u->a, NULL, sql, strlen(sql), CHSRC_TIMEOUT_MS,
	    err, errlen)) == NULL) {
		free(s->buf);
		free(s);
		return NULL;
	}
	return s;
}

struct chsrc *
chsrc_open(const struct chsrc_url *u, const char *where, char *err,
    size_t errlen)
{
	struct chsrc *s;
	char *sql;

	if (asprintf(&sql, "SELECT %s FROM %s.%s WHERE %s FORMAT RowBinary",
	    chrow_column_list(), u->db, u->table, where) == -1) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s = chsrc_open_sql(u, sql, err, errlen);
	free(sql);
	return s;
}

/* More bytes: 1, 0 at the end (nothing more came), -1 error. */
static int
more(struct chsrc *s, char *err, size_t errlen)
{
	long r;

	if (s->end)
		return 0;
	if (s->off > 0) {
		memmove(s->buf, s->buf + s->off, s->len - s->off);
		s->len -= s->off;
		s->off = 0;
	}
	r = chc_read(s->c, s->buf + s->len, CHSRC_BUF - s->len, err, errlen);
	if (r == -1)
		return -1;
	if (r == 0) {
		s->end = 1;
		return 0;
	}
	s->len += (size_t)r;
	return 1;
}

/* The server's text when a query fails after the answer began: it is
 * appended to the data, so show what is printable of what is left. */
static void
trailing_error(struct chsrc *s, char *err, size_t errlen)
{
	size_t i, n = s->len - s->off, k = 0;
	char msg[200];

	for (i = 0; i < n && k < sizeof(msg) - 1; i++) {
		char ch = (char)s->buf[s->off + i];

		if (ch >= ' ' && ch <= '~')
			msg[k++] = ch;
		else if (k > 0 && msg[k - 1] != ' ')
			msg[k++] = ' ';
	}
	msg[k] = '\0';
	snprintf(err, errlen, "the answer is not rows of flowkeep's layout "
	    "(%s)", k > 0 ? msg : "cut short");
}

/* More of the answer: 1 read, 0 at its end, -1 on an error or when the
 * answer ends inside a row. */
static int
refill(struct chsrc *s, char *err, size_t errlen)
{
	int rc;

	if ((rc = more(s, err, errlen)) == 0 && s->off < s->len) {
		trailing_error(s, err, errlen);
		return -1;
	}
	return rc;
}

int
chsrc_next(struct chsrc *s, struct flowrec *r, char *err, size_t errlen)
{
	long n;
	int rc;

	for (;;) {
		if (s->off < s->len) {
			n = chrow_decode(s->buf + s->off, s->len - s->off, r,
			    NULL, 0);
			if (n > 0) {
				s->off += (size_t)n;
				return 1;
			}
			if (n == -1) {
				trailing_error(s, err, errlen);
				return -1;
			}
		}
		if ((rc = refill(s, err, errlen)) <= 0)
			return rc;
	}
}

int
chsrc_raw_next(struct chsrc *s, const uint8_t **row, size_t rowlen,
    char *err, size_t errlen)
{
	int rc;

	for (;;) {
		if (s->len - s->off >= rowlen) {
			*row = s->buf + s->off;
			s->off += rowlen;
			return 1;
		}
		if ((rc = refill(s, err, errlen)) <= 0)
			return rc;
	}
}

void
chsrc_close(struct chsrc *s)
{
	if (s == NULL)
		return;
	chc_close(s->c);
	free(s->buf);
	free(s);
}
