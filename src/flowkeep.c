/*
 * flowkeep.c - the operator CLI: a table of commands, each with its usage
 * line; main() only finds the command and runs it.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

static int cmd_help(int, char **);
static int cmd_version(int, char **);

struct command {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*usage;
	const char	*what;
};

/* The selection options of the listing commands (cmdsel.h). */
#define SEL_USAGE	"[FILE|DIR|-]... [--from T] [--to T] " \
	"[--rule any|start|end|all] [--device NAME] [--config FILE] [--tmp] " \
	"[--threads N] [--filter EXPR] [--index-dir DIR] [--no-index] " \
	"[--source clickhouse://HOST:PORT/DB.TABLE]"

static const struct command commands[] = {
	{ "status", cmd_status, "status [--json] [--watch [SECONDS]] [--socket PATH]",
	    "show the running daemon's exporters and counters" },
	{ "replay", cmd_replay, "replay FILE... --to HOST:PORT --version 5|9 "
	    "[--rate N] [--from ADDR] [--loop N]",
	    "send flow files as NetFlow datagrams" },
	{ "check", cmd_check, "check [--config FILE]",
	    "validate a configuration and print it in full" },
	{ "filter", cmd_filter, "filter EXPR... [--named-dir DIR] "
	    "[--form FIELD=VALUE]... [--program]",
	    "check a filter and print its canonical form" },
	{ "report", cmd_report, "report TYPE|-f N [--sort COL] [--asc] "
	    "[-S N|-s N] [--lines N] [--min-octets N] [--percent] [--units] "
	    "[--bps] [--sampling N] [--no-auto-sampling] [--names] [--resolve] "
	    "[--as-names FILE] [--dns-cache FILE] [--dns-timeout MS] "
	    "[--output text|csv|json] " SEL_USAGE,
	    "flow-stat's statistics reports (doc/reports.md)" },
	{ "print", cmd_print, "print [-f N] [-w] [-p] [--output text|csv|json]"
	    " [--fields LIST] " SEL_USAGE,
	    "list flows (flow-print formats, CSV, JSON)" },
	{ "cat", cmd_cat, "cat [-o FILE] [-z N] [-p] [-C COMMENT] [--ipv6] "
	    SEL_USAGE,
	    "merge flows into one flow-tools stream (like flow-cat)" },
	{ "header", cmd_header, "header [FILE|-]...",
	    "print flow file headers (like flow-header)" },
	{ "index", cmd_index, "index [FILE|DIR]... [--from T] [--to T] "
	    "[--device NAME] [--config FILE] [--index-dir DIR] [--threads N] "
	    "[--force] [-v] | index --prune [--config FILE] [--index-dir DIR]",
	    "build column index sidecars for fast reports, or remove those of "
	    "deleted flow files "
	    "(doc/column-index.md)" },
	{ "recover", cmd_recover, "recover FILE...",
	    "finish flow files left open by a crash (doc/faults.md)" },
	{ "reload", cmd_reload, "reload [--socket PATH]",
	    "make the daemon reread its configuration and trackings" },
	{ "track", cmd_track,
	    "track list|show|add|edit|rm|archive|restore|alerts|backfill|"
	    "note [NAME] [TEXT] [--at T] [--filter EXPR] [--multiplier N] "
	    "[--notes TEXT] "
	    "[--from T --to T [--replace] [FILE|DIR]...] [--dir DIR] "
	    "[--rrd-dir DIR] [--config FILE] [--socket PATH]",
	    "manage live trackings" },
	{ "group", cmd_group, "group list|show|add|edit|rm [NAME] "
	    "[TRACKING[:above|:below][:#RRGGBB]]... [--title TEXT] "
	    "[--unit bits|packets|flows] [--group-dir DIR] [--dir DIR] "
	    "[--config FILE]",
	    "manage groups of trackings drawn stacked in one graph" },
	{ "graph", cmd_graph, "graph track|group NAME "
	    "[--period day|week|month|year|3y] [--unit bits|packets|flows] "
	    "[--size WxH] [--png FILE|-] [--threshold N] [--rrd-dir DIR] "
	    "[--dir DIR] [--group-dir DIR] [--config FILE] | "
	    "graph flows [FILTER] --from T --to T [--bucket S] "
	    "[--unit bits|packets|flows] [--multiplier N] [--size WxH] "
	    "[--png FILE|-] [--top N] [--stack srcip|dstip|srcport|dstport] "
	    "[--output text|csv|json] [--config FILE] "
	    "[--source clickhouse://HOST:PORT/DB.TABLE | FILE|DIR...]",
	    "draw a tracking, a group, or stored flows over time as a PNG "
	    "(doc/graphs.md)" },
	{ "clickhouse", cmd_clickhouse, "clickhouse schema [--cluster NAME] "
	    "[--on-cluster] [--db DB] [--table LOCAL] [--dist-table DIST] "
	    "[--ttl-days N | --no-ttl] | clickhouse load --url "
	    "http://HOST:PORT/ [--url ...] [--table DB.TABLE] "
	    "[--collector NAME] [--batch N] " SEL_USAGE,
	    "print the ClickHouse tables' DDL; load flow files into them "
	    "(doc/clickhouse.md)" },
	{ "help", cmd_help, "help", "this list" },
	{ "version", cmd_version, "version", "print the version" },
};

#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static const struct command *
find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int
cmd_usage(const char *cmd)
{
	const struct command *c = cmd != NULL ? find_command(cmd) : NULL;

	if (c != NULL)
		fprintf(stderr, "usage: flowkeep %s\n", c->usage);
	else
		fprintf(stderr, "usage: flowkeep [--version] command [arg ...]"
		    " (flowkeep help lists the commands)\n");
	return 2;
}

int
cmd_optval(int argc, char **argv, int *i, const char *name,
    const char **val)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*val = argv[++*i];
	return 1;
}

static int
cmd_help(int argc, char **argv)
{
	if (argc > 1)
		return cmd_usage("help");
	printf("usage: flowkeep command [arg ...]\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		printf("  %-8s %s\n", commands[i].name, commands[i].what);
	printf("\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		printf("  flowkeep %s\n", commands[i].usage);
	return 0;
}

static int
cmd_version(int argc, char **argv)
{
	if (argc > 1)
		return cmd_usage("version");
	printf("flowkeep %s\n", PACKAGE_VERSION);
	return 0;
}

/* The same check as `flowkeepd --check [--config FILE]`. */
int
cmd_check(int argc, char **argv)
{
	static struct fk_config c;
	const char *path = NULL;
	char err[1024];
	int rc;

	for (int i = 1; i < argc; i++)
		if ((rc = cmd_optval(argc, argv, &i, "--config", &path)) != 1)
			return cmd_usage("check");
	config_defaults(&c);
	if ((path != NULL &&
	    config_parse_file(&c, path, err, sizeof(err)) == -1) ||
	    config_validate(&c, err, sizeof(err)) == -1) {
		fprintf(stderr, "flowkeep: %s\n", err);
		return 2;	/* like flowkeepd --check */
	}
	config_print(&c, stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2)
		return cmd_usage(NULL);
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
		return cmd_version(1, argv + 1);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cmd_help(1, argv + 1);
	if ((c = find_command(argv[1])) == NULL) {
		fprintf(stderr, "flowkeep: unknown command \"%s\"\n", argv[1]);
		return cmd_usage(NULL);
	}
	return c->fn(argc - 1, argv + 1);
}
