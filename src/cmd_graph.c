/*
 * cmd_graph.c - `flowkeep graph`: PNG graphs.
 *
 *   flowkeep graph track NAME [--period day|week|month|year|3y]
 *       [--unit bits|packets|flows] [--size WxH] [--output FILE|-]
 *       [--threshold N] [--rrd-dir DIR] [--config FILE]
 *
 * draws a tracking's RRD: RRDDIR/NAME.rrd (--rrd-dir, else the rrd-dir of
 * --config FILE, else var/rrd), to NAME-PERIOD.png unless --output says
 * otherwise.
 *
 *   flowkeep graph flows [FILTER] --from TIME --to TIME [--bucket SECONDS]
 *       [--unit bits|packets|flows] [--multiplier N] [--size WxH]
 *       [--output FILE|-] [--config FILE] [FILE|DIR]...
 *
 * is FlowGrapher: the flows of stored files (default: the data tree of
 * the configuration) that pass FILTER, summed into buckets, each flow
 * spread over its duration; it prints max, 95th percentile, average and
 * min, and draws them with the series (flows.png unless --output).  TIME
 * is as timearg.h takes it (local time, ISO 8601, epoch seconds, or
 * relative to now: -90m, -2h, -1d).
 */
#define _GNU_SOURCE

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "storage/rrdstore.h"

#include "cmd.h"
#include "config.h"
#include "filter.h"
#include "graph.h"
#include "group.h"
#include "render_png.h"
#include "source.h"
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

static int
graph_flows(int argc, char **argv, int unused)
{
	static struct fk_config c;
	const char *from = NULL, *to = NULL, *bucket = "300", *unit = "bits";
	const char *size = "900x320", *out = "flows.png", *config = NULL;
	const char *mult = "1", *expr = NULL;
	const char *paths[256];
	unsigned npaths = 0, w, h;
	struct src_opts so;
	struct timeseries *ts;
	struct ts_stats st;
	struct filter *f;
	struct src *src;
	const struct flowrec *recs;
	unsigned n, bs;
	time_t now = time(NULL), t0, t1;
	double m;
	char err[1024], title[512], *end;
	int i, rc, u;

	(void)unused;
	for (i = 2; i < argc; i++) {
		if ((rc = cmd_optval(argc, argv, &i, "--from", &from)) ||
		    (rc = cmd_optval(argc, argv, &i, "--to", &to)) ||
		    (rc = cmd_optval(argc, argv, &i, "--bucket", &bucket)) ||
		    (rc = cmd_optval(argc, argv, &i, "--unit", &unit)) ||
		    (rc = cmd_optval(argc, argv, &i, "--size", &size)) ||
		    (rc = cmd_optval(argc, argv, &i, "--output", &out)) ||
		    (rc = cmd_optval(argc, argv, &i, "--multiplier", &mult)) ||
		    (rc = cmd_optval(argc, argv, &i, "--config", &config))) {
			if (rc == -1)
				return graph_usage("an option needs a value");
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			return graph_usage(NULL);
		if (expr == NULL)
			expr = argv[i];
		else if (npaths < 256)
			paths[npaths++] = argv[i];
		else
			return graph_usage("at most 256 files and directories");
	}
	if (from == NULL || to == NULL)
		return graph_usage("graph flows needs --from and --to");
	if (parse_time(from, now, &t0) == -1 || parse_time(to, now, &t1) == -1)
		return graph_usage("a time is epoch seconds, \"YYYY-MM-DD "
		    "HH:MM[:SS]\", now, or -90m, -2h, -1d");
	if (t1 <= t0)
		return graph_usage("--to must be after --from");
	bs = (unsigned)strtoul(bucket, &end, 10);
	if (*end != '\0' || bs < 1 || bs > 86400 ||
	    (uint64_t)(t1 - t0) / bs > 100000)
		return graph_usage("--bucket is 1..86400 seconds, at most "
		    "100000 buckets");
	if ((u = unit_of(unit)) < 0)
		return graph_usage("--unit is bits, packets or flows");
	m = strtod(mult, &end);
	if (*end != '\0' || !(m >= 1))
		return graph_usage("--multiplier is a number, at least 1");
	if (sscanf(size, "%ux%u", &w, &h) != 2 || w < 300 || h < 150 ||
	    w > 4000 || h > 3000)
		return graph_usage("--size is WIDTHxHEIGHT, 300x150 to "
		    "4000x3000");
	config_defaults(&c);
	if (config != NULL &&
	    config_parse_file(&c, config, err, sizeof(err)) == -1) {
		fprintf(stderr, "flowkeep: %s\n", err);
		return 2;
	}
	if (npaths == 0)
		paths[npaths++] = c.workdir;
	if ((f = filter_compile(expr, NULL, err, sizeof(err))) == NULL) {
		fprintf(stderr, "flowkeep: filter: %s\n", err);
		return 2;
	}
	if ((ts = ts_new((uint64_t)t0 * 1000, (uint64_t)t1 * 1000, bs,
	    m)) == NULL) {
		filter_free(f);
		fprintf(stderr, "flowkeep graph: out of memory\n");
		return 1;
	}
	memset(&so, 0, sizeof(so));
	so.from_ms = (uint64_t)t0 * 1000;
	so.to_ms = (uint64_t)t1 * 1000;
	so.rule = SRC_ANY;
	so.warn = src_warn_print;
	if ((src = src_open(paths, npaths, &so, err, sizeof(err))) == NULL) {
		fprintf(stderr, "flowkeep graph: %s\n", err);
		filter_free(f);
		ts_free(ts);
		return 1;
	}
	while (src_next_batch(src, &recs, &n))
		for (unsigned k = 0; k < n; k++)
			if (filter_match(f, &recs[k]))
				ts_add(ts, &recs[k]);
	src_close(src);
	filter_free(f);
	ts_stats(ts, u, &st);
	snprintf(title, sizeof(title), "%s  (%u s buckets, %llu flows)",
	    expr != NULL && expr[0] != '\0' ? expr : "all flows", bs,
	    (unsigned long long)ts->added);
	printf("buckets %u flows %llu max %.6g p95 %.6g avg %.6g min %.6g "
	    "%s\n", ts->n, (unsigned long long)ts->added, st.max, st.p95,
	    st.avg, st.min, u == 0 ? "b/s" : u == 1 ? "packets/s" :
	    "flows/s");
	rc = render_ts_png(ts, u, title, w, h, out, err, sizeof(err));
	ts_free(ts);
	if (rc != 0) {
		fprintf(stderr, "flowkeep graph: %s\n", err);
		return 1;
	}
	return 0;
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
close_png(FILE *fp, const char *path, int rc)
{
	if (fp != stdout && fclose(fp) != 0 && rc == 0) {
		fprintf(stderr, "flowkeep graph: %s: %s\n", path,
		    strerror(errno));
		rc = 1;
	}
	if (rc != 0 && fp != stdout)
		unlink(path);
	else if (fp != stdout)
		printf("%s\n", path);
	return rc;
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
	return close_png(fp, a.out, rc == 0 ? 0 : rc == -2 ? 2 : 1);
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
