/*
 * rptrun.c - one report run: aggregate, then cells through a renderer
 * (see rptrun.h).  Moved out of cmd_report.c so that the CLI and the web
 * share it.
 */
#include <arpa/inet.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/colidx.h"

#include "cmdsel.h"
#include "names.h"
#include "render.h"
#include "report.h"
#include "chagg.h"
#include "rptrun.h"

#define CELL		RPTRUN_CELL
#define NCELLS		RENDER_MAXCOLS
#define DNS_THREADS	8

/* Everything a row needs to be formatted. */
struct rctx {
	const struct rptrun_opts *o;
	struct rpt		*r;
	struct rpt_totals	 t;
	struct names_as		*as;
	struct names_dns	*dns;
	uint64_t		 window_ms;
	FILE			*fp;
};

static void
say(const struct rptrun_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
say(const struct rptrun_opts *o, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (o->warn != NULL)
		o->warn(o->warn_arg, msg);
}

void
rptrun_init(struct rptrun_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sel.sort = RPT_S_OCTETS;
	o->ro.auto_sampling = 1;
	o->out = render_find("text");
	o->dns_cache = "var/dns-cache";
	o->dns_timeout_ms = 2000;
}

/* The filter term of each report's key columns (drill-down links). */
static const struct {
	const char	*name;
	const char	*kw[2];
} filter_kws[] = {
	{ "dstport", { "dst port" } }, { "srcport", { "src port" } },
	{ "port", { "port" } },
	{ "dstip", { "dst ip" } }, { "srcip", { "src ip" } },
	{ "ip-pair", { "src ip", "dst ip" } }, { "ip", { "ip" } },
	{ "proto", { "proto" } }, { "nexthop", { "nexthop" } },
	{ "inif", { "in if" } }, { "outif", { "out if" } },
	{ "srcas", { "src as" } }, { "dstas", { "dst as" } },
	{ "as-pair", { "src as", "dst as" } }, { "tos", { "tos" } },
	{ "if-pair", { "in if", "out if" } },
	{ "srcprefix", { "src ip" } }, { "dstprefix", { "dst ip" } },
	{ "prefix-pair", { "src ip", "dst ip" } },
	{ "exporter", { "exporter" } },
	{ "engine-id", { "engine id" } }, { "engine-type", { "engine type" } },
	{ "dstip6", { "dst ip" } }, { "srcip6", { "src ip" } },
	{ "ip6-pair", { "src ip", "dst ip" } }, { "ip6", { "ip" } },
	{ "nexthop6", { "nexthop" } },
	{ "srcprefix6", { "src ip" } }, { "dstprefix6", { "dst ip" } },
	{ "prefix6-pair", { "src ip", "dst ip" } },
};

const char *
rptrun_filter_kw(const struct rpt_def *d, unsigned k)
{
	if (k >= 2)
		return NULL;
	for (size_t i = 0; i < sizeof(filter_kws) / sizeof(filter_kws[0]);
	    i++)
		if (strcmp(filter_kws[i].name, d->name) == 0)
			return filter_kws[i].kw[k];
	return NULL;
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

/* HTML: the last column's sort name, drill-down keyword and plain value
 * (raw: 1 + the index of the column holding it, 0 = itself). */
static void
col_html(struct render_table *t, const char *sort, const char *kw,
    unsigned raw)
{
	struct render_col *c = &t->cols[t->ncols - 1];

	c->sort = sort;
	c->filter_kw = kw;
	c->raw = raw;
}

static void
add_cols(struct rctx *c, struct render_table *t, struct layout *l)
{
	const struct rpt_def *d = c->o->d;
	int m = c->o->ro.multiplier > 1;
	static const char *const names_[2] = { "name", "name2" };

	l->named = c->o->names;
	for (unsigned k = 0; k < d->nkeys; k++) {
		const char *kw = rptrun_filter_kw(d, k);

		if (l->named) {
			col(t, d->colname[k], 0, 1, 0);	/* name or key */
			col_html(t, k ? "key2" : "key", kw, t->ncols + 1);
			col(t, d->colname[k], 0, 0, 1);	/* key */
		} else {
			col(t, d->colname[k], 0, 0, 0);
			col_html(t, k ? "key2" : "key", kw, 0);
		}
	}
	col(t, m ? "flows*" : "flows", 1, 0, 0);
	col_html(t, "flows", NULL, 0);
	if (c->o->units) {
		col(t, m ? "octets*" : "octets", 1, 1, 0);
		col_html(t, "octets", NULL, t->ncols + 1);
		col(t, m ? "octets*" : "octets", 1, 0, 1);
	} else {
		col(t, m ? "octets*" : "octets", 1, 0, 0);
		col_html(t, "octets", NULL, 0);
	}
	col(t, m ? "packets*" : "packets", 1, 0, 0);
	col_html(t, "packets", NULL, 0);
	if (c->o->percent) {
		col(t, "flows%", 1, 0, 0);
		col_html(t, "flows", NULL, 0);
		col(t, "octets%", 1, 0, 0);
		col_html(t, "octets", NULL, 0);
		col(t, "packets%", 1, 0, 0);
		col_html(t, "packets", NULL, 0);
	}
	if (c->o->bps) {
		col(t, m ? "bits/s*" : "bits/s", 1, 0, 0);
		col_html(t, "octets", NULL, 0);
	}
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
			say(c->o, "cannot write the DNS cache %s: %s",
			    c->o->dns_cache, strerror(errno));
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

static void
table_links(const struct rctx *c, struct render_table *t)
{
	static const char *const sorts[] = { "none", "key", "key2", "flows",
	    "octets", "packets" };

	t->href = c->o->href;
	t->expr = c->o->expr;
	if ((unsigned)c->o->sel.sort < sizeof(sorts) / sizeof(sorts[0]))
		t->cur_sort = sorts[c->o->sel.sort];
	t->cur_asc = c->o->sel.ascending;
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
	t.fp = c->fp;
	t.title = c->o->d->title;
	table_links(c, &t);
	add_cols(c, &t, &l);
	n = rpt_rows(c->r, &c->o->sel, &rows);
	if (n == (size_t)-1) {
		say(c->o, "out of memory");
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
	t.fp = c->fp;
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

/* ---------------------------------------------------------------- run */

/*
 * Counting happens in the reader threads (src_opts.each): each thread
 * filters its own batches into its own report, and the reports are joined
 * at the end.  No flow crosses threads, so both cores decode and count.
 */
struct pcount {
	const struct rptrun_opts *o;
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
		say(c->o, "out of memory: the report misses flows");
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
		say(c->o, "%s", err);
		return -1;
	}
	if (c->o->resolve &&
	    (c->dns = names_dns_open(c->o->dns_cache, 65536)) == NULL) {
		say(c->o, "out of memory");
		return -1;
	}
	return 0;
}

static void
close_names(struct rctx *c)
{
	names_as_free(c->as);
	names_dns_close(c->dns);
}

static uint64_t
window(const struct rctx *c, uint64_t from_ms, uint64_t to_ms);

/* The table or the summary of the counted report. */
static int
report(struct rctx *c, uint64_t from_ms, uint64_t to_ms)
{
	const struct rptrun_opts *o = c->o;

	rpt_totals(c->r, &c->t);
	c->window_ms = window(c, from_ms, to_ms);
	if (o->d->kind == RPT_TABLE && c->t.flows == 0 &&
	    rpt_missing(c->r) > 0) {
		say(o, "report %s: the flows lack the fields it needs (e.g. "
		    "NetFlow v1 has no AS numbers, masks or engine fields)",
		    o->d->name);
		return 1;
	}
	if (o->d->kind == RPT_TABLE)
		return print_table(c);
	return print_summary(c);
}

static uint64_t
window(const struct rctx *c, uint64_t from_ms, uint64_t to_ms)
{
	if (from_ms != 0 && to_ms > from_ms)
		return to_ms - from_ms;
	if (c->t.last_ms > c->t.first_ms && c->t.first_ms != UINT64_MAX)
		return c->t.last_ms - c->t.first_ms;
	return 0;
}

/*
 * The fields report d reads beside the times, counters, families and
 * sampling (colidx_need() adds those), as FR_HAS_* bits and COLIDX_U_*:
 * a column index then loads only these.  test_colidx_reports.sh checks
 * every report both ways.
 */
static uint32_t
report_uses(const struct rpt_def *d)
{
	static const struct {
		const char	*name;
		uint32_t	 uses;
	} t[] = {
		{ "summary", COLIDX_U_EXPORT }, { "short", COLIDX_U_EXPORT },
		{ "pktsize", 0 }, { "packets", 0 }, { "octets", 0 },
		{ "dstport", FR_HAS_PORTS | FR_HAS_PROTO },
		{ "srcport", FR_HAS_PORTS | FR_HAS_PROTO },
		{ "port", FR_HAS_PORTS | FR_HAS_PROTO },
		{ "dstip", FR_HAS_DSTADDR }, { "srcip", FR_HAS_SRCADDR },
		{ "dstip6", FR_HAS_DSTADDR }, { "srcip6", FR_HAS_SRCADDR },
		{ "proto", FR_HAS_PROTO }, { "tos", FR_HAS_TOS },
		{ "nexthop", FR_HAS_NEXTHOP }, { "nexthop6", FR_HAS_NEXTHOP },
		{ "inif", FR_HAS_IFINDEX }, { "outif", FR_HAS_IFINDEX },
		{ "if-pair", FR_HAS_IFINDEX },
		{ "srcas", FR_HAS_AS }, { "dstas", FR_HAS_AS },
		{ "as-pair", FR_HAS_AS },
		{ "exporter", COLIDX_U_EXPORTER },
		{ "engine-id", FR_HAS_ENGINE }, { "engine-type", FR_HAS_ENGINE },
		{ "srctag", FR_HAS_TAGS }, { "dsttag", FR_HAS_TAGS },
		{ "tag-pair", FR_HAS_TAGS },
	};
	const uint32_t both = FR_HAS_SRCADDR | FR_HAS_DSTADDR;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].name, d->name) == 0)
			return t[i].uses;
	if (d->col[0] == RPT_C_IP4 || d->col[0] == RPT_C_IP6)
		return both;		/* the pairs, "ip", "ip6" */
	if (d->col[0] == RPT_C_PFX4 || d->col[0] == RPT_C_PFX6)
		return both | FR_HAS_MASK;
	return UINT32_MAX;		/* not known: every column */
}

static int
pre_match(void *arg, const struct flowrec *r)
{
	return filter_match(arg, r);
}

int
rptrun_run(const struct rptrun_opts *o, struct cmdsel *cs, FILE *fp)
{
	static struct pcount pc;
	char err[512];
	struct rctx c;
	struct src *s;
	int status;

	memset(&c, 0, sizeof(c));
	memset(&pc, 0, sizeof(pc));
	c.o = o;
	c.fp = fp;
	pc.o = o;
	pc.f = cs->filter;
	cs->so.each = pcount_batch;
	cs->so.each_arg = &pc;
	if (cs->filter != NULL) {	/* test it before decoding the rest */
		cs->so.pre = pre_match;
		cs->so.pre_arg = cs->filter;
		cs->so.pre_need = colidx_cols(filter_uses(cs->filter) &
		    ~FILTER_USES_EXPORTER) | (filter_uses(cs->filter) &
		    FILTER_USES_EXPORTER ? colidx_cols(COLIDX_U_EXPORTER) : 0);
	}
	cs->so.need = colidx_need(report_uses(o->d) |
	    (filter_uses(cs->filter) & ~FILTER_USES_EXPORTER) |
	    (filter_uses(cs->filter) & FILTER_USES_EXPORTER ?
	    COLIDX_U_EXPORTER : 0));
	if (open_names(&c) == -1) {
		close_names(&c);
		return 1;
	}
	/* ClickHouse: a GROUP BY on the server where the report allows */
	if (cs->source != NULL && (status = chagg_count(o->d, &o->ro, cs,
	    &c.r, err, sizeof(err))) != 0) {
		if (status == -1)
			say(o, "%s", err);
		else
			status = report(&c, cs->so.from_ms, cs->so.to_ms);
		rpt_free(c.r);
		close_names(&c);
		return status == -1 ? 1 : status;
	}
	if ((s = cmdsel_open_err(cs, err, sizeof(err))) == NULL) {
		say(o, "%s", err);
		close_names(&c);
		return 1;
	}
	if ((status = aggregate(&c, &pc, s)) == 0 || c.r != NULL)
		status |= report(&c, cs->so.from_ms, cs->so.to_ms);
	rpt_free(c.r);
	src_close(s);
	close_names(&c);
	return status;
}
