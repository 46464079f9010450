/*
 * cmd_chload.c - `flowkeep clickhouse load`: flows read with the file
 * engine (cmdsel.h: files, directories, a window over the data trees, a
 * filter) inserted into a ClickHouse table of flowkeep's layout
 * (storage/chrow.h) as RowBinary batches over HTTP.  With several --url
 * values the batches go round-robin to them (one per shard).
 *
 * For importing old archives, and how the tests fill their servers.  A
 * batch the server refuses stops the load; what went in before stays in,
 * and the message says how many flows that was.
 */
#define _GNU_SOURCE	/* asprintf */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "storage/chrow.h"

#include "chclient.h"
#include "cmd.h"
#include "cmdsel.h"

#define LOAD_URLS	16
#define LOAD_BATCH	65536		/* rows per INSERT, default */
#define LOAD_TIMEOUT	120000		/* ms */

struct load {
	struct chc_addr	 urls[LOAD_URLS];
	unsigned	 nurls, next;
	char		*insert;	/* the INSERT statement */
	uint8_t		*buf;
	size_t		 len, rows, batch;
	unsigned long long loaded, batches;
};

static int
load_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "flowkeep clickhouse load: %s\n", why);
	fprintf(stderr, "usage: flowkeep clickhouse load --url "
	    "http://HOST:PORT/ [--url ...] [--table DB.TABLE] "
	    "[--collector NAME] [--batch N] [FILE|DIR|-]... [--from T] "
	    "[--to T] [--rule any|start|end|all] [--device NAME] "
	    "[--config FILE] [--tmp] [--threads N] [--filter EXPR]\n");
	return 2;
}

static int
flush_batch(struct load *l)
{
	const struct chc_addr *a;
	struct chc *c;
	char err[1024], tmp[256];
	long r;

	if (l->rows == 0)
		return 0;
	a = &l->urls[l->next++ % l->nurls];
	c = chc_post(a, l->insert, l->buf, l->len, LOAD_TIMEOUT, err,
	    sizeof(err));
	if (c != NULL) {
		while ((r = chc_read(c, tmp, sizeof(tmp), err,
		    sizeof(err))) > 0)
			;
		chc_close(c);
		if (r == 0) {
			l->loaded += l->rows;
			l->batches++;
			l->rows = 0;
			l->len = 0;
			return 0;
		}
	}
	fprintf(stderr, "flowkeep clickhouse load: %s (%llu flows loaded "
	    "before this batch of %zu)\n", err, l->loaded, l->rows);
	return -1;
}

/* "db.table" checked into db and table; 0 or -1. */
static int
split_table(const char *s, char *db, char *table)
{
	const char *dot = strchr(s, '.');

	if (dot == NULL || (size_t)(dot - s) > 64 || strlen(dot + 1) > 64)
		return -1;
	memcpy(db, s, (size_t)(dot - s));
	db[dot - s] = '\0';
	strcpy(table, dot + 1);
	return chrow_ident_ok(db) && chrow_ident_ok(table) ? 0 : -1;
}

int
cmd_clickhouse_load(int argc, char **argv)
{
	static struct cmdsel cs;
	static struct load l;
	const char *table = "flowkeep.flows", *name = NULL, *v;
	char host[256], db[65], tb[65], err[512], *end;
	const struct flowrec *recs;
	struct src *s;
	unsigned n;
	unsigned long long bn;
	int i, rc, status = 0;

	memset(&l, 0, sizeof(l));
	l.batch = LOAD_BATCH;
	cmdsel_init(&cs);
	for (i = 1; i < argc; i++) {
		if ((rc = cmd_optval(argc, argv, &i, "--url", &v)) != 0) {
			if (rc == -1)
				return load_usage("--url needs a value");
			if (l.nurls == LOAD_URLS)
				return load_usage("at most 16 --url");
			if (chc_parse_http(v, &l.urls[l.nurls], err,
			    sizeof(err)) == -1)
				return load_usage(err);
			l.nurls++;
			continue;
		}
		if ((rc = cmd_optval(argc, argv, &i, "--table", &v)) != 0) {
			if (rc == -1)
				return load_usage("--table needs a value");
			table = v;
			continue;
		}
		if ((rc = cmd_optval(argc, argv, &i, "--collector",
		    &v)) != 0) {
			if (rc == -1)
				return load_usage("--collector needs a value");
			name = v;
			continue;
		}
		if ((rc = cmd_optval(argc, argv, &i, "--batch", &v)) != 0) {
			if (rc == -1)
				return load_usage("--batch needs a value");
			errno = 0;
			bn = strtoull(v, &end, 10);
			if (*v < '0' || *v > '9' || *end != '\0' ||
			    errno != 0 || bn < 1 || bn > 1000000)
				return load_usage("--batch is 1..1000000 "
				    "rows");
			l.batch = (size_t)bn;
			continue;
		}
		if ((rc = cmdsel_arg(&cs, argc, argv, &i)) != 1) {
			if (rc == 0)
				fprintf(stderr, "flowkeep: unknown option "
				    "\"%s\"\n", argv[i]);
			return load_usage(NULL);
		}
	}
	if (l.nurls == 0)
		return load_usage("where to? (--url http://HOST:PORT/)");
	if (split_table(table, db, tb) == -1)
		return load_usage("--table is DB.TABLE (letters, digits, _)");
	if (cs.source != NULL)
		return load_usage("--source: load reads files");
	if (name == NULL) {
		if (gethostname(host, sizeof(host)) != 0)
			snprintf(host, sizeof(host), "flowkeep");
		host[sizeof(host) - 1] = '\0';
		name = host;
	}
	if (strlen(name) > CHROW_NAME_MAX)
		return load_usage("--collector is at most 255 bytes");
	if (cmdsel_finish(&cs) == -1) {
		cmdsel_free(&cs);
		return load_usage(NULL);
	}
	if (asprintf(&l.insert, "INSERT INTO %s.%s (%s) FORMAT RowBinary",
	    db, tb, chrow_column_list()) == -1 ||
	    (l.buf = malloc(l.batch * CHROW_MAX)) == NULL) {
		fprintf(stderr, "flowkeep clickhouse load: out of memory\n");
		free(l.insert);
		cmdsel_free(&cs);
		return 1;
	}
	if ((s = cmdsel_open(&cs)) == NULL) {
		free(l.insert);
		free(l.buf);
		cmdsel_free(&cs);
		return 1;
	}
	while (status == 0 && src_next_batch(s, &recs, &n))
		for (unsigned k = 0; k < n && status == 0; k++) {
			if (cs.filter != NULL &&
			    !filter_match(cs.filter, &recs[k]))
				continue;
			l.len += chrow_encode(&recs[k], name, l.buf + l.len);
			if (++l.rows == l.batch && flush_batch(&l) == -1)
				status = 1;
		}
	if (status == 0 && flush_batch(&l) == -1)
		status = 1;
	if (src_failed(s) > 0)
		status = 1;
	src_close(s);
	if (status == 0)
		fprintf(stderr, "flowkeep clickhouse load: %llu flows in %llu "
		    "batches into %s.%s\n", l.loaded, l.batches, db, tb);
	free(l.insert);
	free(l.buf);
	cmdsel_free(&cs);
	return status;
}
