/*
 * cmd_report.c - `flowkeep report TYPE|-f N [options] [SELECTION]`: one of
 * flow-stat's statistics reports (report.h) over a selection of flows
 * (cmdsel.h), as a text table, CSV or JSON (render.h).
 */
#include <arpa/inet.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmdsel.h"
#include "names.h"
#include "render.h"
#include "report.h"

#define CELL		80
#define NCELLS		RENDER_MAXCOLS
#define DNS_THREADS	8

struct ropts {
	const struct rpt_def	*d;
	const char		*type;
	struct rpt_select	 sel;
	struct rpt_opts		 ro;
	const struct render_ops	*out;
	int			 flowstat_col;	/* -S/-s N, or -1 */
	int			 percent, units, bps, names, resolve;
	const char		*as_file, *dns_cache;
	unsigned long		 dns_timeout_ms;
};

/* Everything a row needs to be formatted. */
struct rctx {
	struct ropts		*o;
	struct rpt		*r;
	struct rpt_totals	 t;
	struct names_as		*as;
	struct names_dns	*dns;
	uint64_t		 window_ms;
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
			o->sel.sort = t[i].s;
			return 0;
		}
	return -1;
}

/* Options without a value; 1 taken, 0 not one. */
static int
flag(struct ropts *o, const char *a)
{
	if (strcmp(a, "--percent") == 0 || strcmp(a, "-P") == 0)
		o->percent = 1;
	else if (strcmp(a, "--units") == 0)
		o->units = 1;
	else if (strcmp(a, "--bps") == 0)
		o->bps = 1;
	else if (strcmp(a, "--names") == 0 || strcmp(a, "-n") == 0)
		o->names = 1;
	else if (strcmp(a, "--resolve") == 0 || strcmp(a, "-r") == 0)
		o->resolve = o->names = 1;
	else if (strcmp(a, "--no-auto-sampling") == 0)
		o->ro.auto_sampling = 0;
	else if (strcmp(a, "--asc") == 0)
		o->sel.ascending = 1;
	else if (strcmp(a, "--desc") == 0)
		o->sel.ascending = 0;
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
		if (rc == -1 || (o->d = rpt_find(v)) == NULL) {
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
		o->sel.ascending = a[1] == 's';
	} else if (OPT("--lines") || OPT("--top")) {
		if (rc == -1 || num_arg(v, SIZE_MAX, &n) == -1)
			return bad("--lines", rc == -1 ? "" : v);
		o->sel.limit = (size_t)n;
	} else if (OPT("--min-octets")) {
		if (rc == -1 || num_arg(v, UINT64_MAX, &n) == -1)
			return bad("--min-octets", rc == -1 ? "" : v);
		o->sel.min_octets = n;
	} else if (OPT("--sampling") || OPT("-m")) {
		if (rc == -1 || num_arg(v, UINT32_MAX, &n) == -1 || n == 0)
			return bad("--sampling", rc == -1 ? "" : v);
		o->ro.multiplier = (uint32_t)n;
	} else if (OPT("--output")) {
		if (rc == -1 || (o->out = render_find(v)) == NULL)
			return bad("--output", rc == -1 ? "" : v);
	} else if (OPT("--as-names")) {
		if (rc == -1)
			return bad("--as-names", "");
		o->as_file = v;
		o->names = 1;
	} else if (OPT("--dns-cache")) {
		if (rc == -1)
			return bad("--dns-cache", "");
		o->dns_cache = v;
	} else if (OPT("--dns-timeout")) {
		if (rc == -1 || num_arg(v, 600000, &n) == -1)
			return bad("--dns-timeout", rc == -1 ? "" : v);
		o->dns_timeout_ms = (unsigned long)n;
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
	o->sel.sort = o->d->nkeys > 1 ? two[o->flowstat_col] :
	    one[o->flowstat_col];
}

static int
parse(struct ropts *o, struct cmdsel *cs, int argc, char **argv)
{
	int rc;

	for (int i = 1; i < argc; i++) {
		if (o->d == NULL && o->type == NULL && argv[i][0] != '-') {
			o->type = argv[i];
			if ((o->d = rpt_find(argv[i])) == NULL) {
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
	if (o->d == NULL) {
		fprintf(stderr, "flowkeep: which report? (a name or -f N)\n");
		return -1;
	}
	flowstat_sort(o);
	return 0;
}

/* ---------------------------------------------------------------- cells */

static void
u64_cell(char *b, uint64_t v)
{
	snprintf(b, CELL, "%" PRIu64, v);
}

/* 1024-based units with two decimals, FlowViewer's "Use Units". */
static void
unit_cell(char *b, uint64_t v)
{
	static const char *const u[] = { "KB", "MB", "GB", "TB", "PB", "EB" };
	double x = (double)v;
	int i = -1;

	while (x >= 1024 && i < 5) {
		x /= 1024;
		i++;
	}
	if (i < 0)
		u64_cell(b, v);
	else
		snprintf(b, CELL, "%.2f %s", x, u[i]);
}

static void
pct_cell(char *b, uint64_t v, uint64_t total)
{
	snprintf(b, CELL, "%.3f", total ? (double)v * 100 / (double)total : 0);
}

static void
addr_cell(char *b, uint8_t af, const fr_addr *a)
{
	struct in_addr in;

	if (af == FR_AF_INET6)
		inet_ntop(AF_INET6, a->v6, b, CELL);
	else {
		in.s_addr = htonl(a->v4);
		inet_ntop(AF_INET, &in, b, CELL);
	}
}

/* The key as flow-stat writes it (text) and its name, if any. */
static void
key_cells(struct rctx *c, const struct rpt_kv *kv, char *key, char *name)
{
	const char *n = NULL;

	name[0] = '\0';
	switch (kv->col) {
	case RPT_C_IP4:
	case RPT_C_IP6:
	case RPT_C_ADDR:
		addr_cell(key, kv->af, &kv->addr);
		if (c->dns != NULL)
			n = names_dns_find(c->dns, kv->af, &kv->addr);
		break;
	case RPT_C_PFX4:
	case RPT_C_PFX6:
		addr_cell(key, kv->af, &kv->addr);
		snprintf(key + strlen(key), CELL - strlen(key), "/%u",
		    kv->col == RPT_C_PFX4 && kv->len > 32 ? 0u : kv->len);
		break;
	case RPT_C_PROTO:
		u64_cell(key, kv->num);
		if (c->o->names)
			n = names_proto((unsigned)kv->num, name, CELL);
		break;
	case RPT_C_PORT:
		u64_cell(key, kv->num);
		if (c->o->names)
			n = names_port((unsigned)kv->num, name, CELL);
		break;
	case RPT_C_AS:
		u64_cell(key, kv->num);
		if (c->as != NULL)
			n = names_as_find(c->as, (uint32_t)kv->num);
		break;
	default:
		u64_cell(key, kv->num);
		break;
	}
	if (n != NULL && n != name)
		snprintf(name, CELL, "%s", n);
}

/* Columns: key text/data pairs, counters, extras (see add_cols). */
struct layout {
	int	 named;		/* names shown: key columns doubled */
	unsigned ncells;
};

static void
col(struct render_table *t, const char *name, int number, int text_only,
    int data_only)
{
	struct render_col *c = &t->cols[t->ncols++];

	memset(c, 0, sizeof(*c));
	c->name = name;
	c->number = number;
	c->text_only = text_only;
	c->data_only = data_only;
}

static void
add_cols(struct rctx *c, struct render_table *t, struct layout *l)
{
	const struct rpt_def *d = c->o->d;
	int m = c->o->ro.multiplier > 1;
	static const char *const names_[2] = { "name", "name2" };

	l->named = c->o->names;
	for (unsigned k = 0; k < d->nkeys; k++) {
		if (l->named) {
			col(t, d->colname[k], 0, 1, 0);	/* name or key */
			col(t, d->colname[k], 0, 0, 1);	/* key */
		} else
			col(t, d->colname[k], 0, 0, 0);
	}
	col(t, m ? "flows*" : "flows", 1, 0, 0);
	if (c->o->units) {
		col(t, m ? "octets*" : "octets", 1, 1, 0);
		col(t, m ? "octets*" : "octets", 1, 0, 1);
	} else
		col(t, m ? "octets*" : "octets", 1, 0, 0);
	col(t, m ? "packets*" : "packets", 1, 0, 0);
	if (c->o->percent) {
		col(t, "flows%", 1, 0, 0);
		col(t, "octets%", 1, 0, 0);
		col(t, "packets%", 1, 0, 0);
	}
	if (c->o->bps)
		col(t, m ? "bits/s*" : "bits/s", 1, 0, 0);
	if (l->named)
		for (unsigned k = 0; k < d->nkeys; k++)
			col(t, names_[k], 0, 0, 1);
	l->ncells = t->ncols;
}

static void
row_cells(struct rctx *c, const struct layout *l, const struct rpt_row *row,
    char cells[][CELL])
{
	const struct rpt_def *d = c->o->d;
	char key[2][CELL], name[2][CELL];
	unsigned i = 0;

	for (unsigned k = 0; k < d->nkeys; k++) {
		struct rpt_kv kv;

		rpt_key(c->r, row, k, &kv);
		key_cells(c, &kv, key[k], name[k]);
		if (l->named)
			snprintf(cells[i++], CELL, "%s",
			    name[k][0] ? name[k] : key[k]);
		snprintf(cells[i++], CELL, "%s", key[k]);
	}
	u64_cell(cells[i++], row->flows);
	if (c->o->units)
		unit_cell(cells[i++], row->octets);
	u64_cell(cells[i++], row->octets);
	u64_cell(cells[i++], row->packets);
	if (c->o->percent) {
		pct_cell(cells[i++], row->flows, c->t.flows);
		pct_cell(cells[i++], row->octets, c->t.octets);
		pct_cell(cells[i++], row->packets, c->t.packets);
	}
	if (c->o->bps) {
		if (c->window_ms == 0)
			cells[i++][0] = '\0';
		else
			snprintf(cells[i++], CELL, "%.0f",
			    (double)row->octets * 8000.0 /
			    (double)c->window_ms);
	}
	if (l->named)
		for (unsigned k = 0; k < d->nkeys; k++)
			snprintf(cells[i++], CELL, "%s", name[k]);
}

/* Look up the host names of the address columns of the rows. */
static void
resolve(struct rctx *c, const struct rpt_row *rows, size_t n)
{
	const struct rpt_def *d = c->o->d;
	uint8_t *af;
	fr_addr *a;
	unsigned m = 0;

	if ((af = calloc(n * 2 + 1, 1)) == NULL ||
	    (a = calloc(n * 2 + 1, sizeof(*a))) == NULL) {
		free(af);
		return;
	}
	for (size_t i = 0; i < n; i++)
		for (unsigned k = 0; k < d->nkeys; k++) {
			struct rpt_kv kv;

			rpt_key(c->r, &rows[i], k, &kv);
			if (kv.col != RPT_C_IP4 && kv.col != RPT_C_IP6 &&
			    kv.col != RPT_C_ADDR)
				continue;
			af[m] = kv.af;
			a[m++] = kv.addr;
		}
	if (m > 0) {
		names_dns_resolve(c->dns, af, a, m, DNS_THREADS,
		    (unsigned)c->o->dns_timeout_ms);
		if (names_dns_save(c->dns) == -1)
			fprintf(stderr, "flowkeep: cannot write the DNS cache "
			    "%s: %s\n", c->o->dns_cache, strerror(errno));
	}
	free(af);
	free(a);
}

static void
note(struct rctx *c, char *b, size_t len)
{
	uint64_t miss = rpt_missing(c->r), other = rpt_other_family(c->r);
	size_t o = 0;

	b[0] = '\0';
	if (miss > 0)
		o += (size_t)snprintf(b + o, len - o, "%" PRIu64 " flows lack "
		    "a field this report needs and are not counted. ", miss);
	if (other > 0 && o < len)
		o += (size_t)snprintf(b + o, len - o, "%" PRIu64 " flows of "
		    "the other address family are not counted. ", other);
	if (c->o->ro.multiplier > 1 && o < len)
		snprintf(b + o, len - o, "* multiplied by the sampling "
		    "multiplier %" PRIu32 ".", c->o->ro.multiplier);
}

static int
print_table(struct rctx *c)
{
	static char cells[NCELLS][CELL];
	const char *cp[NCELLS];
	struct render_table t;
	struct rpt_row *rows;
	struct layout l;
	char nb[512];
	size_t n;

	memset(&t, 0, sizeof(t));
	t.fp = stdout;
	t.title = c->o->d->title;
	add_cols(c, &t, &l);
	n = rpt_rows(c->r, &c->o->sel, &rows);
	if (n == (size_t)-1) {
		fprintf(stderr, "flowkeep: out of memory\n");
		return 1;
	}
	if (c->dns != NULL)
		resolve(c, rows, n);
	for (unsigned i = 0; i < NCELLS; i++)
		cp[i] = cells[i];
	render_fit(&t, NULL);
	if (c->o->out == render_find("text"))
		for (size_t i = 0; i < n; i++) {
			row_cells(c, &l, &rows[i], cells);
			render_fit(&t, cp);
		}
	c->o->out->head(&t);
	for (size_t i = 0; i < n; i++) {
		row_cells(c, &l, &rows[i], cells);
		c->o->out->row(&t, cp);
	}
	note(c, nb, sizeof(nb));
	c->o->out->tail(&t, nb);
	free(rows);
	return 0;
}

/* ---------------------------------------------------------------- summary */

static void
fig(struct render_table *t, const struct render_ops *out, const char *name,
    const char *value)
{
	const char *cells[2] = { name, value };

	out->row(t, cells);
}

static void
fig_u64(struct render_table *t, const struct render_ops *out,
    const char *name, uint64_t v)
{
	char b[CELL];

	u64_cell(b, v);
	fig(t, out, name, b);
}

static void
fig_f(struct render_table *t, const struct render_ops *out,
    const char *name, double v, int digits)
{
	char b[CELL];

	snprintf(b, sizeof(b), "%.*f", digits, v);
	fig(t, out, name, b);
}

static int
print_summary(struct rctx *c)
{
	static const char *const hname[4] = { "packet size", "packets per flow",
	    "octets per flow", "flow time (ms)" };
	const struct render_ops *out = c->o->out;
	struct render_table t;
	struct rpt_summary s;
	char nb[512];

	memset(&t, 0, sizeof(t));
	t.fp = stdout;
	t.title = c->o->d->title;
	col(&t, "figure", 0, 0, 0);
	col(&t, "value", 1, 0, 0);
	t.cols[0].width = 40;
	t.cols[1].width = 20;
	if (c->o->d->kind == RPT_SHORT) {
		out->head(&t);
		fig_u64(&t, out, "Total Flows", c->t.flows);
		fig_u64(&t, out, "Total Octets", c->t.octets);
		fig_u64(&t, out, "Total Packets", c->t.packets);
		fig_f(&t, out, "MBytes", (double)c->t.octets / 1e6, 3);
		out->tail(&t, NULL);
		return 0;
	}
	rpt_summary(c->r, &s);
	out->head(&t);
	fig_u64(&t, out, "Total Flows", s.flows);
	fig_u64(&t, out, "Total Octets", s.octets);
	fig_u64(&t, out, "Total Packets", s.packets);
	fig_u64(&t, out, "Total Time (1/1000 secs) (flows)", s.time_ms);
	fig_u64(&t, out, "Duration of data (realtime)", s.real_s);
	fig_u64(&t, out, "Duration of data (1/1000 secs)", s.dur_ms);
	fig_f(&t, out, "Average flow time (1/1000 secs)", s.avg_flow_time, 4);
	fig_f(&t, out, "Average packet size (octets)", s.avg_packet_size, 4);
	fig_f(&t, out, "Average flow size (octets)", s.avg_flow_size, 4);
	fig_f(&t, out, "Average packets per flow", s.avg_packets_per_flow, 4);
	fig_f(&t, out, "Average flows / second (flow)", s.flows_per_s, 4);
	fig_f(&t, out, "Average flows / second (real)", s.flows_per_s_real,
	    4);
	fig_f(&t, out, "Average Kbits / second (flow)", s.kbits_per_s, 4);
	fig_f(&t, out, "Average Kbits / second (real)", s.kbits_per_s_real, 4);
	for (unsigned h = 0; h < 4 && s.flows > 0; h++) {
		const uint32_t *lim = rpt_hist_limits(h);

		for (unsigned i = 0; i < RPT_HIST; i++) {
			char name[CELL];

			if (lim[i] == 0)
				snprintf(name, sizeof(name), "%s > %" PRIu32,
				    hname[h], lim[i - 1]);
			else
				snprintf(name, sizeof(name), "%s <= %" PRIu32,
				    hname[h], lim[i]);
			fig_f(&t, out, name, s.hist[h][i], 3);
		}
	}
	note(c, nb, sizeof(nb));
	out->tail(&t, nb);
	return 0;
}

/* ---------------------------------------------------------------- main */

/*
 * Counting happens in the reader threads (src_opts.each): each thread
 * filters its own batches into its own report, and the reports are joined
 * at the end.  No flow crosses threads, so both cores decode and count.
 */
struct pcount {
	const struct ropts	*o;
	const struct filter	*f;
	struct pthr {
		struct rpt	*r;
		struct flowrec	*pass;
		int		 rc;
	}			 t[SRC_MAXTHR];
};

static void
pcount_batch(void *arg, unsigned thr, const struct flowrec *recs,
    unsigned n)
{
	struct pcount *pc = arg;
	struct pthr *t = &pc->t[thr];
	unsigned np = 0;

	if (t->rc != 0)
		return;
	if (t->r == NULL) {
		t->r = rpt_new(pc->o->d, &pc->o->ro);
		t->pass = malloc(SRC_EACH_MAX * sizeof(*t->pass));
		if (t->r == NULL || t->pass == NULL) {
			t->rc = -1;
			return;
		}
	}
	if (pc->f == NULL) {
		t->rc = rpt_add(t->r, recs, n);
		return;
	}
	for (unsigned i = 0; i < n; i++)
		if (filter_match(pc->f, &recs[i]))
			t->pass[np++] = recs[i];
	t->rc = rpt_add(t->r, t->pass, np);
}

/* Join the threads' reports into the biggest one; NULL if out of memory. */
static struct rpt *
pcount_join(struct pcount *pc, int *failed)
{
	struct rpt_totals a, b;
	unsigned big = 0;
	struct rpt *r;

	for (unsigned i = 0; i < SRC_MAXTHR; i++) {
		*failed |= pc->t[i].rc != 0;
		if (pc->t[i].r == NULL || pc->t[big].r == NULL) {
			big = pc->t[big].r == NULL ? i : big;
			continue;
		}
		rpt_totals(pc->t[i].r, &a);
		rpt_totals(pc->t[big].r, &b);
		if (a.flows > b.flows)
			big = i;
	}
	r = pc->t[big].r;
	pc->t[big].r = NULL;
	if (r == NULL)
		r = rpt_new(pc->o->d, &pc->o->ro);
	for (unsigned i = 0; i < SRC_MAXTHR; i++) {
		if (r != NULL && pc->t[i].r != NULL &&
		    rpt_merge(r, pc->t[i].r) != 0)
			*failed = 1;
		rpt_free(pc->t[i].r);
		free(pc->t[i].pass);
	}
	return r;
}

/* Wait for the readers (warnings come out in file order), then join. */
static int
aggregate(struct rctx *c, struct pcount *pc, struct src *s)
{
	const struct flowrec *recs;
	unsigned n;
	int failed = 0;

	while (src_next_batch(s, &recs, &n))
		continue;
	if ((c->r = pcount_join(pc, &failed)) == NULL || failed) {
		fprintf(stderr, "flowkeep: out of memory: the report misses "
		    "flows\n");
		return 1;
	}
	return src_failed(s) > 0;
}

static int
open_names(struct rctx *c)
{
	char err[512];

	if (c->o->as_file != NULL &&
	    (c->as = names_as_load(c->o->as_file, err, sizeof(err))) == NULL) {
		fprintf(stderr, "flowkeep: %s\n", err);
		return -1;
	}
	if (c->o->resolve &&
	    (c->dns = names_dns_open(c->o->dns_cache, 65536)) == NULL) {
		fprintf(stderr, "flowkeep: out of memory\n");
		return -1;
	}
	return 0;
}

int
cmd_report(int argc, char **argv)
{
	static struct cmdsel cs;
	static struct pcount pc;
	static char obuf[1 << 16];
	struct ropts o;
	struct rctx c;
	struct src *s;
	int status;

	memset(&o, 0, sizeof(o));
	memset(&c, 0, sizeof(c));
	o.sel.sort = RPT_S_OCTETS;
	o.ro.auto_sampling = 1;
	o.out = render_find("text");
	o.flowstat_col = -1;
	o.dns_cache = "var/dns-cache";
	o.dns_timeout_ms = 2000;
	cmdsel_init(&cs);
	if (parse(&o, &cs, argc, argv) == -1 || cmdsel_finish(&cs) == -1) {
		cmdsel_free(&cs);
		return cmd_usage("report");
	}
	c.o = &o;
	pc.o = &o;
	pc.f = cs.filter;
	cs.so.each = pcount_batch;
	cs.so.each_arg = &pc;
	if (open_names(&c) == -1 || (s = cmdsel_open(&cs)) == NULL) {
		names_as_free(c.as);
		names_dns_close(c.dns);
		cmdsel_free(&cs);
		return 1;
	}
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	if ((status = aggregate(&c, &pc, s)) != 0 && c.r == NULL)
		goto out;
	rpt_totals(c.r, &c.t);
	if (cs.so.from_ms != 0 && cs.so.to_ms > cs.so.from_ms)
		c.window_ms = cs.so.to_ms - cs.so.from_ms;
	else if (c.t.last_ms > c.t.first_ms && c.t.first_ms != UINT64_MAX)
		c.window_ms = c.t.last_ms - c.t.first_ms;
	if (o.d->kind == RPT_TABLE && c.t.flows == 0 && rpt_missing(c.r) > 0) {
		fprintf(stderr, "flowkeep: report %s: the flows lack the "
		    "fields it needs (e.g. NetFlow v1 has no AS numbers, "
		    "masks or engine fields)\n", o.d->name);
		status = 1;
	} else if (o.d->kind == RPT_TABLE)
		status |= print_table(&c);
	else
		status |= print_summary(&c);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "flowkeep: write error: %s\n",
		    strerror(errno));
		status = 1;
	}
out:
	rpt_free(c.r);
	names_as_free(c.as);
	names_dns_close(c.dns);
	src_close(s);
	cmdsel_free(&cs);
	return status;
}
