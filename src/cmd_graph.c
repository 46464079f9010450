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
#include "render_png.h"
#include "source.h"
#include "timearg.h"
#include "timeseries.h"

static const struct {
	const char	*name;
	long		 secs;
} periods[] = {
	{ "day", 86400 }, { "week", 7 * 86400 }, { "month", 31 * 86400 },
	{ "year", 366 * 86400 }, { "3y", 3 * 366 * 86400 },
};

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
graph_flows(int argc, char **argv)
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

int
cmd_graph(int argc, char **argv)
{
	static struct fk_config c;
	struct rrd_graph_opts o;
	const char *period = "day", *unit = "bits", *size = "800x300";
	const char *out = NULL, *dir = NULL, *config = NULL, *thr = NULL;
	const char *name = NULL;
	char rrd[4096], png[512], title[256], err[1024], *end;
	long secs = 0;
	int i, rc;

	if (argc >= 2 && strcmp(argv[1], "flows") == 0)
		return graph_flows(argc, argv);
	if (argc < 2 || strcmp(argv[1], "track") != 0)
		return graph_usage(NULL);
	for (i = 2; i < argc; i++) {
		if ((rc = cmd_optval(argc, argv, &i, "--period", &period)) ||
		    (rc = cmd_optval(argc, argv, &i, "--unit", &unit)) ||
		    (rc = cmd_optval(argc, argv, &i, "--size", &size)) ||
		    (rc = cmd_optval(argc, argv, &i, "--output", &out)) ||
		    (rc = cmd_optval(argc, argv, &i, "--threshold", &thr)) ||
		    (rc = cmd_optval(argc, argv, &i, "--rrd-dir", &dir)) ||
		    (rc = cmd_optval(argc, argv, &i, "--config", &config))) {
			if (rc == -1)
				return graph_usage("an option needs a value");
			continue;
		}
		if (argv[i][0] == '-' || name != NULL)
			return graph_usage(NULL);
		name = argv[i];
	}
	if (name == NULL || !valid_name(name))
		return graph_usage("which tracking? (letters, digits, '-', '_' "
		    "and '.')");
	memset(&o, 0, sizeof(o));
	for (size_t k = 0; k < sizeof(periods) / sizeof(periods[0]); k++)
		if (strcmp(period, periods[k].name) == 0)
			secs = periods[k].secs;
	if (secs == 0)
		return graph_usage("--period is day, week, month, year or 3y");
	if (strcmp(unit, "bits") == 0)
		o.unit = 0;
	else if (strcmp(unit, "packets") == 0)
		o.unit = 1;
	else if (strcmp(unit, "flows") == 0)
		o.unit = 2;
	else
		return graph_usage("--unit is bits, packets or flows");
	if (sscanf(size, "%ux%u", &o.width, &o.height) != 2 ||
	    o.width < 200 || o.width > 4000 || o.height < 100 ||
	    o.height > 3000)
		return graph_usage("--size is WIDTHxHEIGHT, 200x100 to "
		    "4000x3000");
	if (thr != NULL && ((o.threshold = strtod(thr, &end)) <= 0 ||
	    *end != '\0'))
		return graph_usage("--threshold is a number above 0");
	if (dir == NULL) {
		config_defaults(&c);
		if (config != NULL &&
		    config_parse_file(&c, config, err, sizeof(err)) == -1) {
			fprintf(stderr, "flowkeep: %s\n", err);
			return 2;
		}
		dir = c.rrddir;
	}
	snprintf(rrd, sizeof(rrd), "%s/%s.rrd", dir, name);
	if (access(rrd, R_OK) != 0) {
		fprintf(stderr, "flowkeep graph: %s: %s (has flowkeepd written "
		    "a step of this tracking yet?)\n", rrd, strerror(errno));
		return 1;
	}
	if (out == NULL) {
		snprintf(png, sizeof(png), "%s-%s.png", name, period);
		out = png;
	}
	o.end = time(NULL);
	o.start = o.end - secs;
	snprintf(title, sizeof(title), "%s, last %s", name, period);
	o.title = title;
	if (rrdstore_graph(rrd, out, &o, err, sizeof(err)) != 0) {
		fprintf(stderr, "flowkeep: %s\n", err);
		return 1;
	}
	if (strcmp(out, "-") != 0)
		printf("%s\n", out);
	return 0;
}
