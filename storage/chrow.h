/*
 * chrow.h - struct flowrec as a ClickHouse row (doc/clickhouse.md).
 *
 * One table layout serves the collector's sink (rows sent in ClickHouse's
 * RowBinary format) and the query side (rows read back in the same
 * format), so that a flow read back from ClickHouse is the record that was
 * sent, byte for byte.  Addresses are FixedString(16): IPv6 as is, IPv4 in
 * the IPv4-mapped form ::ffff:a.b.c.d, so that one column holds both
 * families and a prefix is a range of byte strings.  Times are UInt64
 * milliseconds since the epoch; `day` (the partition key) is the UTC day
 * of first_ms.
 *
 * Pure: no I/O, no allocation except chrow_schema's output buffer.
 */
#ifndef FLOWKEEP_CHROW_H
#define FLOWKEEP_CHROW_H

#include <stddef.h>
#include <stdint.h>

#include "proto/flowrec.h"

/* The longest collector name a row carries. */
#define CHROW_NAME_MAX		255
/* Bytes of a row without the collector name and its length prefix. */
#define CHROW_FIXED		172
/* Upper bound of one encoded row. */
#define CHROW_MAX		(CHROW_FIXED + 2 + CHROW_NAME_MAX)

struct chrow_col {
	const char	*name;
	const char	*type;		/* ClickHouse type */
};

/* The columns in table (and RowBinary) order, NULL-terminated. */
extern const struct chrow_col chrow_cols[];

/* "day, first_ms, ..., uptime_ms": for INSERT and SELECT lists. */
const char *chrow_column_list(void);

/*
 * Encode r as one RowBinary row into out (room for CHROW_MAX bytes).
 * name is the collector's name (names longer than CHROW_NAME_MAX are cut).
 * Returns the number of bytes written.
 */
size_t chrow_encode(const struct flowrec *r, const char *name, uint8_t *out);

/*
 * Decode one RowBinary row from p[0..len).  On success fills *r (and the
 * collector name, NUL-terminated and cut to namelen - 1, when name is not
 * NULL) and returns the bytes used; 0 when len ends inside the row (read
 * more); -1 when the bytes cannot be a row of this layout (an unknown
 * address family, a name longer than CHROW_NAME_MAX): the stream is not
 * ours or is out of step.
 */
long chrow_decode(const uint8_t *p, size_t len, struct flowrec *r,
    char *name, size_t namelen);

/* The IPv4-mapped or IPv6 form of an address of family af, as stored. */
void chrow_addr16(uint8_t af, const fr_addr *a, uint8_t out[16]);

struct chrow_schema_opts {
	const char	*db;		/* default "flowkeep" */
	const char	*local;		/* default "flows_local" */
	const char	*dist;		/* default "flows" */
	const char	*cluster;	/* NULL: one server, no Distributed table */
	int		on_cluster;	/* ON CLUSTER (needs distributed DDL) */
	unsigned	ttl_days;	/* 0: no TTL clause (servers before 19.6) */
};

/*
 * The DDL: CREATE DATABASE, the MergeTree table and, with a cluster, the
 * Distributed table over it (all ON CLUSTER when on_cluster is set, which
 * needs the server's distributed DDL; else run it on every shard); statements
 * separated by ";\n\n".  Returns a malloc'ed string, NULL when a name is
 * not a plain identifier ([A-Za-z_][A-Za-z0-9_]*, at most 64 bytes) or
 * memory is short.
 */
char *chrow_schema(const struct chrow_schema_opts *o);

/* 1 if s is a plain identifier as chrow_schema accepts it. */
int chrow_ident_ok(const char *s);

#endif /* FLOWKEEP_CHROW_H */
