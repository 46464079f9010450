/*
 * cmd_graph.c - `flowkeep graph`: PNG graphs (doc/graphs.md).
 *
 *   flowkeep graph track|group NAME [--period day|week|month|year|3y]
 *       [--unit bits|packets|flows] [--size WxH] [--png FILE|-]
 *       [--threshold N] [--rrd-dir DIR] [--dir DIR] [--group-dir DIR]
 *       [--config FILE]
 *
 * draws a tracking's RRD (RRDDIR/NAME.rrd) or a group of them (graph.h)
 * to NAME-PERIOD.png unless --png (or --output) says otherwise.
 *
 *   flowkeep graph flows [FILTER] --from TIME --to TIME [--bucket SECONDS]
 *       [--unit bits|packets|flows] [--multiplier N] [--size WxH]
 *       [--png FILE|-] [--top N] [--stack srcip|dstip|srcport|dstport]
 *       [--output text|csv|json] [--config FILE] [FILE|DIR]...
 *
 * is FlowGrapher: the flows of stored files (default: the data tree of
 * the configuration) that pass FILTER, summed into buckets, each flow
 * spread over its duration; it prints max, 95th percentile, average and
 * min, draws them with the series (flows.png unless --png), and with
 * --top N prints the N biggest flows as a table (--output).  With --stack
 * the graph stacks the top N (3..10, default 5) source or destination
 * addresses or ports and "other", and the table lists them.  TIME is as
 * timearg.h takes it (local time, ISO 8601, epoch seconds, or relative to
 * now: -90m, -2h, -1d).
 */
#define _GNU_SOURCE

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "storage/rrdstore.h"

#include "chsource.h"
#include "cmd.h"
#include "config.h"
#include "graph.h"
#include "render.h"
#include "group.h"
#include "timearg.h"
#include "timeseries.h"

static int
graph_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "flowkeep graph: %s\n", why);
	return cmd_usage("graph");
}

static int
valid_name(const char *s)
{
	if (*s == '\0' || *s == '.' || strlen(s) >= 128)
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		    *s == '.'))
			return 0;
	return 1;
}

/* A time argument (timearg.h) in whole seconds; 0 or -1. */
static int
parse_time(const char *s, time_t now, time_t *out)
{
	char err[256];
	uint64_t ms;

	if (timearg_parse(s, (uint64_t)now * 1000, &ms, err,
	    sizeof(err)) != 0)
		return -1;
	*out = (time_t)(ms / 1000);
	return 0;
}

static int
unit_of(const char *unit)
{
	if (strcmp(unit, "bits") == 0)
		return 0;
	if (strcmp(unit, "packets") == 0)
		return 1;
	if (strcmp(unit, "flows") == 0)
		return 2;
	return -1;
}

static void
src_warn_print(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "flowkeep graph: %s\n", msg);
}

/* Open the PNG output: "-" is standard output. */
static FILE *
open_png(const char *path)
{
	FILE *fp;

	if (strcmp(path, "-") == 0)
		return stdout;
	if ((fp = fopen(path, "wb")) == NULL)
		fprintf(stderr, "flowkeep graph: %s: %s\n", path,
		    strerror(errno));
	return fp;
}

/* Close it; a failed graph leaves no partial file.  The exit status. */
static int
close_png(FILE *fp, const char *path, int rc, int say)
{
	if (fp != stdout && fclose(fp) != 0 && rc == 0) {
		fprintf(stderr, "flowkeep graph: %s: %s\n", path,
		    strerror(errno));
		rc = 1;
	}
	if (rc != 0 && fp != stdout)
		unlink(path);
	else if (fp != stdout && say)
		printf("%s\n", path);
	return rc;
}

struct flows_args {
	const char	*from, *to, *bucket, *unit, *size, *png, *config;
	const char	*mult, *expr, *output, *top, *stack, *source;
	const char	*paths[256];
	unsigned	 npaths;
};

static int
flows_parse(int argc, char **argv, struct flows_args *a)
{
	int i, rc;

	for (i = 2; i < argc; i++) {
		if ((rc = cmd_optval(argc, argv, &i, "--from", &a->from)) ||
		    (rc = cmd_optval(argc, argv, &i, "--to", &a->to)) ||
		    (rc = cmd_optval(argc, argv, &i, "--bucket", &a->bucket)) ||
		    (rc = cmd_optval(argc, argv, &i, "--unit", &a->unit)) ||
		    (rc = cmd_optval(argc, argv, &i, "--size", &a->size)) ||
		    (rc = cmd_optval(argc, argv, &i, "--png", &a->png)) ||
		    (rc = cmd_optval(argc, argv, &i, "--output", &a->output)) ||
		    (rc = cmd_optval(argc, argv, &i, "--top", &a->top)) ||
		    (rc = cmd_optval(argc, argv, &i, "--stack", &a->stack)) ||
		    (rc = cmd_optval(argc, argv, &i, "--source",
		    &a->source)) ||
		    (rc = cmd_optval(argc, argv, &i, "--multiplier",
		    &a->mult)) ||
		    (rc = cmd_optval(argc, argv, &i, "--config", &a->config))) {
			if (rc == -1)
				return graph_usage("an option needs a value");
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			return graph_usage(NULL);
		if (a->expr == NULL)
			a->expr = argv[i];
		else if (a->npaths < 256)
			a->paths[a->npaths++] = argv[i];
		else
			return graph_usage("at most 256 files and directories");
	}
	return 0;
}

/* --output: a table format, or (the older spelling) the PNG file. */
static int
flows_output(struct flows_args *a, const struct render_ops **ops)
{
	*ops = render_find("text");
	if (a->output == NULL)
		return 0;
	if ((*ops = render_find(a->output)) != NULL)
		return 0;
	if (a->png != NULL)
		return graph_usage("--output is text, csv or json (the PNG "
		    "file is --png)");
	a->png = a->output;
	*ops = render_find("text");
	return 0;
}

/* The numbers of the request; 0 or the exit status. */
static int
flows_numbers(const struct flows_args *a, struct graph_flows_req *q)
{
	time_t now = time(NULL), t0, t1;
	char *end;
	unsigned long v;

	if (a->from == NULL || a->to == NULL)
		return graph_usage("graph flows needs --from and --to");
	if (parse_time(a->from, now, &t0) == -1 ||
	    parse_time(a->to, now, &t1) == -1)
		return graph_usage("a time is epoch seconds, \"YYYY-MM-DD "
		    "HH:MM[:SS]\", now, or -90m, -2h, -1d");
	if (t1 <= t0)
		return graph_usage("--to must be after --from");
	q->from_ms = (uint64_t)t0 * 1000;
	q->to_ms = (uint64_t)t1 * 1000;
	v = strtoul(a->bucket, &end, 10);
	if (*end != '\0' || v < 1 || v > 86400 ||
	    (uint64_t)(t1 - t0) / v > 100000)
		return graph_usage("--bucket is 1..86400 seconds, at most "
		    "100000 buckets");
	q->bucket_s = (unsigned)v;
	if ((q->unit = unit_of(a->unit)) < 0)
		return graph_usage("--unit is bits, packets or flows");
	q->mult = strtod(a->mult, &end);
	if (*end != '\0' || !(q->mult >= 1))
		return graph_usage("--multiplier is a number, at least 1");
	if (sscanf(a->size, "%ux%u", &q->width, &q->height) != 2 ||
	    q->width < 300 || q->height < 150 || q->width > 4000 ||
	    q->height > 3000)
		return graph_usage("--size is WIDTHxHEIGHT, 300x150 to "
		    "4000x3000");
	return 0;
}

/* --top and --stack; 0 or the exit status. */
static int
flows_top(const struct flows_args *a, struct graph_flows_req *q)
{
	unsigned long n = 0;
	char *end = NULL;

	q->stack_key = -1;
	if (a->top != NULL && ((n = strtoul(a->top, &end, 10)) < 1 ||
	    *end != '\0' || n > 100000))
		return graph_usage("--top is a number, 1 to 100000");
	if (a->stack == NULL) {
		q->top_n = (unsigned)n;
		return 0;
	}
	if ((q->stack_key = ts_key_parse(a->stack)) < 0)
		return graph_usage("--stack is srcip, dstip, srcport or "
		    "dstport");
	q->stack_n = a->top != NULL ? (unsigned)n : 5;
	if (q->stack_n < 3 || q->stack_n > TS_STACK_MAX)
		return graph_usage("with --stack, --top is 3 to 10");
	return 0;
}

static void
print_stats(FILE *fp, const struct graph_flows_req *q,
    const struct graph_flows_res *r)
{
	fprintf(fp, "buckets %u flows %llu max %.6g p95 %.6g avg %.6g min "
	    "%.6g %s\n", r->ts->n, (unsigned long long)r->ts->added,
	    r->st.max, r->st.p95, r->st.avg, r->st.min, q->unit == 0 ?
	    "b/s" : q->unit == 1 ? "packets/s" : "flows/s");
}

/* Compute, draw, print; the exit status. */
static int
flows_run(struct graph_flows_req *q, const char *png,
    const struct render_ops *ops)
{
	struct graph_flows_res res;
	char err[1024];
	int rc, table = q->top_n > 0 || q->stack_key >= 0;
	FILE *fp;

	if ((rc = graph_flows_compute(q, &res, err, sizeof(err))) != 0) {
		fprintf(stderr, "flowkeep graph: %s\n", err);
		return rc == -2 ? 2 : 1;
	}
	/* standard output holds only the table or the PNG when they are
	 * data */
	print_stats(ops == render_find("text") && strcmp(png, "-") != 0 ?
	    stdout : stderr, q, &res);
	if ((fp = open_png(png)) == NULL) {
		graph_flows_free(&res);
		return 1;
	}
	rc = graph_flows_png(q, &res, fp, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "flowkeep graph: %s\n", err);
	rc = close_png(fp, png, rc == 0 ? 0 : 1, 0);
	if (rc == 0 && table) {
		if (ops == render_find("text"))
			printf("\n");
		graph_flows_table(q, &res, ops, stdout);
		if (fflush(stdout) != 0)
			rc = 1;
	}
	graph_flows_free(&res);
	return rc;
}

static int
graph_flows(int argc, char **argv, int unused)
{
	static struct fk_config c;
	struct flows_args a;
	struct graph_flows_req q;
	const struct render_ops *ops;
	char err[1024];
	int rc;

	(void)unused;
	memset(&a, 0, sizeof(a));
	memset(&q, 0, sizeof(q));
	a.bucket = "300";
	a.unit = "bits";
	a.size = "900x320";
	a.mult = "1";
	if ((rc = flows_parse(argc, argv, &a)) != 0 ||
	    (rc = flows_output(&a, &ops)) != 0 ||
	    (rc = flows_numbers(&a, &q)) != 0 || (rc = flows_top(&a, &q)) != 0)
		return rc;
	if (a.png == NULL)
		a.png = "flows.png";
	if (strcmp(a.png, "-") == 0 && (q.top_n > 0 || q.stack_key >= 0))
		return graph_usage("the PNG on standard output leaves no room "
		    "for the table: --png FILE");
	config_defaults(&c);
	if (a.config != NULL &&
	    config_parse_file(&c, a.config, err, sizeof(err)) == -1) {
		fprintf(stderr, "flowkeep: %s\n", err);
		return 2;
	}
	if (a.source != NULL) {
		struct chsrc_url u;

		if (chsrc_parse_url(a.source, &u, err, sizeof(err)) == -1)
			return graph_usage(err);
		if (a.npaths > 0)
			return graph_usage("--source reads ClickHouse: no files "
			    "or directories with it");
		q.ch_url = a.source;
	} else if (a.npaths == 0)
		a.paths[a.npaths++] = c.workdir;
	q.filter = a.expr;
	q.paths = a.paths;
	q.npaths = a.npaths;
	q.warn = src_warn_print;
	return flows_run(&q, a.png, ops);
}

struct rrd_args {
	const char	*period, *unit, *size, *out, *dir, *config, *thr;
	const char	*tdir, *gdir, *name;
};

static int
rrd_parse(int argc, char **argv, struct rrd_args *a)
{
	int i, rc;

	for (i = 2; i < argc; i++) {
		if ((rc = cmd_optval(argc, argv, &i, "--period", &a->period)) ||
		    (rc = cmd_optval(argc, argv, &i, "--unit", &a->unit)) ||
		    (rc = cmd_optval(argc, argv, &i, "--size", &a->size)) ||
		    (rc = cmd_optval(argc, argv, &i, "--output", &a->out)) ||
		    (rc = cmd_optval(argc, argv, &i, "--png", &a->out)) ||
		    (rc = cmd_optval(argc, argv, &i, "--threshold", &a->thr)) ||
		    (rc = cmd_optval(argc, argv, &i, "--rrd-dir", &a->dir)) ||
		    (rc = cmd_optval(argc, argv, &i, "--dir", &a->tdir)) ||
		    (rc = cmd_optval(argc, argv, &i, "--group-dir",
		    &a->gdir)) ||
		    (rc = cmd_optval(argc, argv, &i, "--config", &a->config))) {
			if (rc == -1)
				return graph_usage("an option needs a value");
			continue;
		}
		if (argv[i][0] == '-' || a->name != NULL)
			return graph_usage(NULL);
		a->name = argv[i];
	}
	return 0;
}

/* The request from the arguments; 0 or the exit status. */
static int
rrd_request(struct rrd_args *a, struct graph_req *q, int is_group)
{
	static struct fk_config c;
	static char gbuf[4096];
	char err[1024], *end;

	memset(q, 0, sizeof(*q));
	if (a->name == NULL || !valid_name(a->name))
		return graph_usage(is_group ? "which group? (letters, digits, "
		    "'-', '_' and '.')" : "which tracking? (letters, digits, "
		    "'-', '_' and '.')");
	if (graph_period(a->period) == 0) {
		fprintf(stderr, "flowkeep graph: --period is %s\n",
		    graph_period_names);
		return cmd_usage("graph");
	}
	q->unit = a->unit == NULL ? -1 : unit_of(a->unit);
	if (a->unit != NULL && q->unit < 0)
		return graph_usage("--unit is bits, packets or flows");
	if (sscanf(a->size, "%ux%u", &q->width, &q->height) != 2 ||
	    q->width < 200 || q->width > 4000 || q->height < 100 ||
	    q->height > 3000)
		return graph_usage("--size is WIDTHxHEIGHT, 200x100 to "
		    "4000x3000");
	if (a->thr != NULL && ((q->threshold = strtod(a->thr, &end)) <= 0 ||
	    *end != '\0'))
		return graph_usage("--threshold is a number above 0");
	config_defaults(&c);
	if (a->config != NULL &&
	    config_parse_file(&c, a->config, err, sizeof(err)) == -1) {
		fprintf(stderr, "flowkeep: %s\n", err);
		return 2;
	}
	q->name = a->name;
	q->period = a->period;
	q->rrddir = a->dir != NULL ? a->dir : c.rrddir;
	q->trackdir = a->tdir != NULL ? a->tdir : c.trackdir;
	if (a->gdir == NULL) {
		grp_default_dir(q->trackdir, gbuf, sizeof(gbuf));
		a->gdir = gbuf;
	}
	q->groupdir = a->gdir;
	return 0;
}

/* graph track|group NAME ... */
static int
graph_rrd(int argc, char **argv, int is_group)
{
	struct rrd_args a;
	struct graph_req q;
	char png[512], err[4600];
	FILE *fp;
	int rc;

	memset(&a, 0, sizeof(a));
	a.period = "day";
	a.size = "800x320";
	if ((rc = rrd_parse(argc, argv, &a)) != 0 ||
	    (rc = rrd_request(&a, &q, is_group)) != 0)
		return rc;
	if (a.out == NULL) {
		snprintf(png, sizeof(png), "%s-%s.png", a.name, a.period);
		a.out = png;
	}
	if ((fp = open_png(a.out)) == NULL)
		return 1;
	rc = is_group ? graph_group(&q, fp, err, sizeof(err)) :
	    graph_track(&q, fp, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "flowkeep graph: %s\n", err);
	if (rc == -2)
		cmd_usage("graph");
	return close_png(fp, a.out, rc == 0 ? 0 : rc == -2 ? 2 : 1, 1);
}

static const struct {
	const char	*what;
	int		(*fn)(int, char **, int);
	int		 arg;
} graph_cmds[] = {
	{ "track", graph_rrd, 0 },
	{ "group", graph_rrd, 1 },
	{ "flows", graph_flows, 0 },
};

int
cmd_graph(int argc, char **argv)
{
	for (size_t i = 0; argc >= 2 &&
	    i < sizeof(graph_cmds) / sizeof(graph_cmds[0]); i++)
		if (strcmp(argv[1], graph_cmds[i].what) == 0)
			return graph_cmds[i].fn(argc, argv, graph_cmds[i].arg);
	return graph_usage(NULL);
}
