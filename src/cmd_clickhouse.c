/*
 * cmd_clickhouse.c - `flowkeep clickhouse SUBCOMMAND`: the ClickHouse side
 * of flowkeep (doc/clickhouse.md).
 *
 *   flowkeep clickhouse schema [--cluster NAME] [--on-cluster] [--db DB]
 *       [--table LOCAL] [--dist-table DIST] [--ttl-days N | --no-ttl]
 *
 *   flowkeep clickhouse load --url http://HOST:PORT/ ... SELECTION
 *       (cmd_chload.c: flow files into the tables)
 *
 * schema prints the DDL of storage/chrow.c: the database, the MergeTree
 * table of one shard and, with --cluster, the Distributed table over the
 * cluster's shards.  The statements are separated by an empty line; the
 * HTTP interface takes one statement per request, clickhouse-client
 * --multiquery takes them all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "storage/chrow.h"

#define CH_TTL_DEFAULT	90	/* days */
#define CH_TTL_MAX	36500

static int ch_schema(int, char **);

/* The subcommands; the usage line of `clickhouse` in flowkeep.c names
 * them all. */
static const struct {
	const char	*name;
	int		(*fn)(int, char **);
} ch_cmds[] = {
	{ "schema", ch_schema },
	{ "load", cmd_clickhouse_load },	/* cmd_chload.c */
};

#define NCH_CMDS	(sizeof(ch_cmds) / sizeof(ch_cmds[0]))

static int
ch_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "flowkeep clickhouse: %s\n", why);
	return cmd_usage("clickhouse");
}

static int
ch_schema(int argc, char **argv)
{
	struct chrow_schema_opts o;
	const char *ttl = NULL, *v;
	char *ddl, *end;
	unsigned long n;
	int rc, nottl = 0;

	memset(&o, 0, sizeof(o));
	o.ttl_days = CH_TTL_DEFAULT;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--on-cluster") == 0) {
			o.on_cluster = 1;
			continue;
		}
		if (strcmp(argv[i], "--no-ttl") == 0) {
			nottl = 1;
			continue;
		}
		if ((rc = cmd_optval(argc, argv, &i, "--cluster", &v)) == 1)
			o.cluster = v;
		else if (rc == 0 && (rc = cmd_optval(argc, argv, &i, "--db",
		    &v)) == 1)
			o.db = v;
		else if (rc == 0 && (rc = cmd_optval(argc, argv, &i,
		    "--table", &v)) == 1)
			o.local = v;
		else if (rc == 0 && (rc = cmd_optval(argc, argv, &i,
		    "--dist-table", &v)) == 1)
			o.dist = v;
		else if (rc == 0 && (rc = cmd_optval(argc, argv, &i,
		    "--ttl-days", &v)) == 1)
			ttl = v;
		if (rc == -1)
			return ch_usage("an option needs a value");
		if (rc == 0) {
			fprintf(stderr, "flowkeep clickhouse: unknown argument "
			    "\"%s\"\n", argv[i]);
			return ch_usage(NULL);
		}
	}
	if (ttl != NULL && nottl)
		return ch_usage("--ttl-days and --no-ttl exclude each other");
	if (ttl != NULL) {
		errno = 0;
		n = strtoul(ttl, &end, 10);
		if (ttl[0] < '0' || ttl[0] > '9' || *end != '\0' ||
		    errno != 0 || n < 1 || n > CH_TTL_MAX)
			return ch_usage("--ttl-days wants a number of days "
			    "from 1 to 36500");
		o.ttl_days = (unsigned)n;
	}
	if (nottl)
		o.ttl_days = 0;
	if (o.on_cluster && o.cluster == NULL)
		return ch_usage("--on-cluster needs --cluster NAME");
	if ((o.db != NULL && !chrow_ident_ok(o.db)) ||
	    (o.local != NULL && !chrow_ident_ok(o.local)) ||
	    (o.dist != NULL && !chrow_ident_ok(o.dist)) ||
	    (o.cluster != NULL && !chrow_ident_ok(o.cluster)))
		return ch_usage("names are plain identifiers "
		    "([A-Za-z_][A-Za-z0-9_]*, at most 64 bytes)");
	if ((ddl = chrow_schema(&o)) == NULL) {
		if (o.cluster != NULL)
			return ch_usage("the local and the distributed table "
			    "need different names");
		fprintf(stderr, "flowkeep clickhouse: out of memory\n");
		return 1;
	}
	fputs(ddl, stdout);
	free(ddl);
	return fflush(stdout) == 0 ? 0 : 1;
}

int
cmd_clickhouse(int argc, char **argv)
{
	if (argc < 2)
		return ch_usage(NULL);
	for (size_t i = 0; i < NCH_CMDS; i++)
		if (strcmp(argv[1], ch_cmds[i].name) == 0)
			return ch_cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "flowkeep clickhouse: unknown subcommand \"%s\"\n",
	    argv[1]);
	return ch_usage(NULL);
}
