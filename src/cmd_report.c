/*
 * cmd_report.c - `flowkeep report TYPE|-f N [options] [SELECTION]`: one of
 * flow-stat's statistics reports (report.h) over a selection of flows
 * (cmdsel.h), as a text table, CSV, JSON or HTML (render.h).  This file
 * turns the options into a run; the run itself is rptrun.h, which the web
 * pages share.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmdsel.h"
#include "render.h"
#include "report.h"
#include "rptrun.h"

struct ropts {
	struct rptrun_opts	 r;
	const char		*type;
	int			 flowstat_col;	/* -S/-s N, or -1 */
};

static int
num_arg(const char *v, unsigned long long max, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(v, &end, 10);
	return *v >= '0' && *v <= '9' && *end == '\0' && errno == 0 &&
	    *out <= max ? 0 : -1;
}

static int
bad(const char *opt, const char *v)
{
	fprintf(stderr, "flowkeep: %s: bad value \"%s\"\n", opt, v);
	return 2;
}

static int
sort_name(struct ropts *o, const char *v)
{
	static const struct { const char *n; enum rpt_sort s; } t[] = {
		{ "none", RPT_S_NONE }, { "key", RPT_S_KEY1 },
		{ "key1", RPT_S_KEY1 }, { "key2", RPT_S_KEY2 },
		{ "flows", RPT_S_FLOWS }, { "octets", RPT_S_OCTETS },
		{ "bytes", RPT_S_OCTETS }, { "packets", RPT_S_PACKETS },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].n, v) == 0) {
			o->r.sel.sort = t[i].s;
			return 0;
		}
	return -1;
}

/* Options without a value; 1 taken, 0 not one. */
static int
flag(struct ropts *o, const char *a)
{
	if (strcmp(a, "--percent") == 0 || strcmp(a, "-P") == 0)
		o->r.percent = 1;
	else if (strcmp(a, "--units") == 0)
		o->r.units = 1;
	else if (strcmp(a, "--bps") == 0)
		o->r.bps = 1;
	else if (strcmp(a, "--names") == 0 || strcmp(a, "-n") == 0)
		o->r.names = 1;
	else if (strcmp(a, "--resolve") == 0 || strcmp(a, "-r") == 0)
		o->r.resolve = o->r.names = 1;
	else if (strcmp(a, "--no-auto-sampling") == 0)
		o->r.ro.auto_sampling = 0;
	else if (strcmp(a, "--asc") == 0)
		o->r.sel.ascending = 1;
	else if (strcmp(a, "--desc") == 0)
		o->r.sel.ascending = 0;
	else
		return 0;
	return 1;
}

/* Options with a value: 1 taken, 0 not one, 2 usage error (printed). */
static int
valopt(struct ropts *o, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *v;
	unsigned long long n;
	int rc;

#define OPT(name) ((rc = cmd_optval(argc, argv, i, name, &v)) != 0)
	if (OPT("-f") || OPT("--type")) {
		if (rc == -1 || (o->r.d = rpt_find(v)) == NULL) {
			fprintf(stderr, "flowkeep: no report type \"%s\" "
			    "(see doc/reports.md)\n", rc == -1 ? "" : v);
			return 2;
		}
	} else if (OPT("--sort")) {
		if (rc == -1 || sort_name(o, v) == -1)
			return bad("--sort", rc == -1 ? "" : v);
	} else if (OPT("-S") || OPT("-s")) {
		if (rc == -1 || num_arg(v, 4, &n) == -1)
			return bad("-S/-s", rc == -1 ? "" : v);
		o->flowstat_col = (int)n;
		o->r.sel.ascending = a[1] == 's';
	} else if (OPT("--lines") || OPT("--top")) {
		if (rc == -1 || num_arg(v, SIZE_MAX, &n) == -1)
			return bad("--lines", rc == -1 ? "" : v);
		o->r.sel.limit = (size_t)n;
	} else if (OPT("--min-octets")) {
		if (rc == -1 || num_arg(v, UINT64_MAX, &n) == -1)
			return bad("--min-octets", rc == -1 ? "" : v);
		o->r.sel.min_octets = n;
	} else if (OPT("--sampling") || OPT("-m")) {
		if (rc == -1 || num_arg(v, UINT32_MAX, &n) == -1 || n == 0)
			return bad("--sampling", rc == -1 ? "" : v);
		o->r.ro.multiplier = (uint32_t)n;
	} else if (OPT("--output")) {
		if (rc == -1 || (o->r.out = render_find(v)) == NULL)
			return bad("--output", rc == -1 ? "" : v);
	} else if (OPT("--as-names")) {
		if (rc == -1)
			return bad("--as-names", "");
		o->r.as_file = v;
		o->r.names = 1;
	} else if (OPT("--dns-cache")) {
		if (rc == -1)
			return bad("--dns-cache", "");
		o->r.dns_cache = v;
	} else if (OPT("--dns-timeout")) {
		if (rc == -1 || num_arg(v, 600000, &n) == -1)
			return bad("--dns-timeout", rc == -1 ? "" : v);
		o->r.dns_timeout_ms = (unsigned long)n;
	} else
		return 0;
#undef OPT
	return 1;
}

/* flow-stat's -S/-s column numbers. */
static void
flowstat_sort(struct ropts *o)
{
	static const enum rpt_sort one[] = { RPT_S_KEY1, RPT_S_FLOWS,
	    RPT_S_OCTETS, RPT_S_PACKETS, RPT_S_PACKETS };
	static const enum rpt_sort two[] = { RPT_S_KEY1, RPT_S_KEY2,
	    RPT_S_FLOWS, RPT_S_OCTETS, RPT_S_PACKETS };

	if (o->flowstat_col < 0)
		return;
	o->r.sel.sort = o->r.d->nkeys > 1 ? two[o->flowstat_col] :
	    one[o->flowstat_col];
}

static int
parse(struct ropts *o, struct cmdsel *cs, int argc, char **argv)
{
	int rc;

	for (int i = 1; i < argc; i++) {
		if (o->r.d == NULL && o->type == NULL && argv[i][0] != '-') {
			o->type = argv[i];
			if ((o->r.d = rpt_find(argv[i])) == NULL) {
				fprintf(stderr, "flowkeep: no report type "
				    "\"%s\" (see doc/reports.md)\n", argv[i]);
				return -1;
			}
			continue;
		}
		if (flag(o, argv[i]))
			continue;
		if ((rc = valopt(o, argc, argv, &i)) == 2)
			return -1;
		if (rc == 1)
			continue;
		if ((rc = cmdsel_arg(cs, argc, argv, &i)) != 1) {
			if (rc == 0)
				fprintf(stderr, "flowkeep: unknown option "
				    "\"%s\"\n", argv[i]);
			return -1;
		}
	}
	if (o->r.d == NULL) {
		fprintf(stderr, "flowkeep: which report? (a name or -f N)\n");
		return -1;
	}
	flowstat_sort(o);
	return 0;
}

static void
report_warn(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "flowkeep: %s\n", msg);
}

int
cmd_report(int argc, char **argv)
{
	static struct cmdsel cs;
	static char obuf[1 << 16];
	struct ropts o;
	int status;

	memset(&o, 0, sizeof(o));
	rptrun_init(&o.r);
	o.r.warn = report_warn;
	o.flowstat_col = -1;
	cmdsel_init(&cs);
	if (parse(&o, &cs, argc, argv) == -1 || cmdsel_finish(&cs) == -1) {
		cmdsel_free(&cs);
		return cmd_usage("report");
	}
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	status = rptrun_run(&o.r, &cs, stdout);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "flowkeep: write error: %s\n",
		    strerror(errno));
		status = 1;
	}
	cmdsel_free(&cs);
	return status;
}
