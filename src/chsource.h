/*
 * chsource.h - flows read from a ClickHouse table of flowkeep's layout
 * (storage/chrow.h) instead of files: what `--source clickhouse://...`
 * of report, print and graph flows reads (doc/clickhouse.md).
 *
 * The time window and the filter become the query's WHERE clause
 * (filter_sql.h: only values of the compiled program are written into
 * SQL); rows come back as RowBinary and are decoded into struct flowrec
 * as they arrive, so memory does not grow with the result.
 */
#ifndef FLOWKEEP_CHSOURCE_H
#define FLOWKEEP_CHSOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "proto/flowrec.h"

#include "chclient.h"
#include "filter.h"

/* Waits on the server (connect, each read) at most this long. */
#define CHSRC_TIMEOUT_MS	300000

struct chsrc_url {
	struct chc_addr	 a;
	char		 db[65], table[65];
};

/*
 * Parse clickhouse://HOST[:PORT]/DB.TABLE (port 8123 when left out; DB
 * and TABLE plain identifiers as chrow_ident_ok() takes them).  0, or -1
 * with a message in err.
 */
int chsrc_parse_url(const char *s, struct chsrc_url *u, char *err,
    size_t errlen);

/*
 * The WHERE condition for the window [from_ms, to_ms) under rule (enum
 * src_rule; no window when both are 0) and filter f (NULL = all), in a
 * malloc'ed string; *exact is 0 when f could only be written as a
 * superset (then the rows must still pass filter_match).  NULL: out of
 * memory.
 */
char *chsrc_where(uint64_t from_ms, uint64_t to_ms, int rule,
    const struct filter *f, int *exact);

struct chsrc;

/* Start SELECT <every column> FROM db.table WHERE where.  NULL with a
 * message in err. */
struct chsrc *chsrc_open(const struct chsrc_url *u, const char *where,
    char *err, size_t errlen);

/* The next row: 1, 0 at the end, -1 with a message in err. */
int chsrc_next(struct chsrc *s, struct flowrec *r, char *err,
    size_t errlen);

void chsrc_close(struct chsrc *s);

/*
 * With FLOWKEEP_SQL_LOG set to a file name, every query is appended to
 * that file, one a line (to see what is pushed down).
 *
 * A stream of rows of any fixed-width layout (aggregates): start sql
 * (which must end in FORMAT RowBinary), then chsrc_raw_next() hands out
 * rows of exactly rowlen bytes.
 */
struct chsrc *chsrc_open_sql(const struct chsrc_url *u, const char *sql,
    char *err, size_t errlen);
int chsrc_raw_next(struct chsrc *s, const uint8_t **row, size_t rowlen,
    char *err, size_t errlen);

#endif /* FLOWKEEP_CHSOURCE_H */
