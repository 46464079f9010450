/*
 * graph.c - tracking and group graphs (see graph.h): reads the tracking
 * and group definitions, turns them into rrdstore_graph() requests.
 */
#define _GNU_SOURCE	/* localtime_r */

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "storage/rrdstore.h"

#include "alert.h"
#include "filter.h"
#include "graph.h"
#include "group.h"
#include "render_png.h"
#include "source.h"
#include "util.h"

static const struct {
	const char	*name;
	long		 secs;
	const char	*title;
} periods[] = {
	{ "day", 86400, "last 24 hours" },
	{ "week", 7 * 86400, "last 7 days" },
	{ "month", 28 * 86400, "last 4 weeks" },
	{ "year", 365 * 86400, "last 12 months" },
	{ "3y", 3 * 365 * 86400, "last 3 years" },
};
#define NPERIODS	(sizeof(periods) / sizeof(periods[0]))

const char graph_period_names[] = "day, week, month, year or 3y";

/* What a tracking definition adds to its graph. */
struct def_marks {
	struct rrd_graph_rule	 h[RRDSTORE_GRAPH_MAXRULES];
	struct rrd_graph_rule	 v[GRAPH_NOTES];
	char			 htext[RRDSTORE_GRAPH_MAXRULES][128];
	char			 vtext[GRAPH_NOTES][320];
	unsigned		 nh, nv;
};

static void
gerr(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
gerr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

static int
period_index(const char *name)
{
	for (unsigned i = 0; i < NPERIODS; i++)
		if (name != NULL && strcmp(name, periods[i].name) == 0)
			return (int)i;
	return -1;
}

long
graph_period(const char *name)
{
	int i = period_index(name);

	return i < 0 ? 0 : periods[i].secs;
}

/* The request's common checks; 0 or -2 with err. */
static int
check_req(const struct graph_req *q, char *err, size_t errlen)
{
	if (q->name == NULL || !grp_name_ok(q->name)) {
		gerr(err, errlen, "a name is letters, digits, '-', '_' and "
		    "'.', not starting with '.'");
		return -2;
	}
	if (period_index(q->period) < 0) {
		gerr(err, errlen, "the period is %s", graph_period_names);
		return -2;
	}
	if (q->width < 200 || q->width > 4000 || q->height < 100 ||
	    q->height > 3000) {
		gerr(err, errlen, "the size is 200x100 to 4000x3000");
		return -2;
	}
	if (q->unit < -1 || q->unit > 2) {
		gerr(err, errlen, "the unit is bits, packets or flows");
		return -2;
	}
	return 0;
}

/* An "alert" line: a threshold line when it is one in this unit. */
static void
def_alert(struct def_marks *dm, const char *text, int unit)
{
	struct alert_rule r;
	char err[256], v[64];

	if (alert_parse(text, &r, err, sizeof(err)) == -1 ||
	    r.kind == ALERT_SIGMA || r.unit != unit ||
	    dm->nh == RRDSTORE_GRAPH_MAXRULES)
		return;
	render_fmt_rate(v, sizeof(v), r.value, unit);
	snprintf(dm->htext[dm->nh], sizeof(dm->htext[0]), "alert when %s %s",
	    r.kind == ALERT_ABOVE ? "above" : "below", v);
	dm->h[dm->nh].value = r.value;
	dm->h[dm->nh].label = dm->htext[dm->nh];
	dm->nh++;
}

/* A "note EPOCH TEXT" line: kept when among the last GRAPH_NOTES. */
static void
def_note(struct def_marks *dm, const char *text)
{
	char *end, when[64];
	long long t = strtoll(text, &end, 10);
	time_t tt = (time_t)t;
	struct tm tm;
	unsigned i, k;

	if (end == text || !isspace((unsigned char)*end) || t <= 0)
		return;
	while (isspace((unsigned char)*end))
		end++;
	/* keep them sorted by time; drop the oldest when full */
	for (i = 0; i < dm->nv && dm->v[i].t <= tt; i++)
		;
	if (dm->nv == GRAPH_NOTES) {
		if (i == 0)
			return;
		memmove(&dm->vtext[0], &dm->vtext[1], (i - 1) *
		    sizeof(dm->vtext[0]));
		memmove(&dm->v[0], &dm->v[1], (i - 1) * sizeof(dm->v[0]));
		i--;
	} else {
		memmove(&dm->vtext[i + 1], &dm->vtext[i], (dm->nv - i) *
		    sizeof(dm->vtext[0]));
		memmove(&dm->v[i + 1], &dm->v[i], (dm->nv - i) *
		    sizeof(dm->v[0]));
		dm->nv++;
	}
	localtime_r(&tt, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	snprintf(dm->vtext[i], sizeof(dm->vtext[0]), "%s  %.250s", when, end);
	dm->v[i].t = tt;
	for (k = 0; k < dm->nv; k++)
		dm->v[k].label = dm->vtext[k];
}

/* Alerts and notes of a tracking definition; 0 or -1 with err. */
static int
read_marks(const char *path, int unit, struct def_marks *dm, char *err,
    size_t errlen)
{
	char line[4096], *p, *v;
	FILE *fp;

	memset(dm, 0, sizeof(*dm));
	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;	/* an archived or removed tracking */
		gerr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		for (p = line; isspace((unsigned char)*p); p++)
			;
		v = p + strcspn(p, " \t");
		if (*v != '\0')
			*v++ = '\0';
		while (isspace((unsigned char)*v))
			v++;
		if (strcmp(p, "alert") == 0)
			def_alert(dm, v, unit);
		else if (strcmp(p, "note") == 0)
			def_note(dm, v);
	}
	fclose(fp);
	return 0;
}

static int
rrd_path(const struct graph_req *q, const char *name, char *buf,
    size_t len, char *err, size_t errlen)
{
	snprintf(buf, len, "%s/%s.rrd", q->rrddir, name);
	if (access(buf, R_OK) != 0) {
		gerr(err, errlen, "%s: %s (has flowkeepd written a step of "
		    "tracking %s yet?)", buf, strerror(errno), name);
		return -1;
	}
	return 0;
}

/* Title, times and footer shared by both graphs. */
static void
fill_opts(const struct graph_req *q, struct rrd_graph_opts *o,
    const char *label, char *title, size_t tlen, char *foot, size_t flen)
{
	int p = period_index(q->period);
	struct tm tm;
	char when[64];

	o->end = q->end != 0 ? q->end : time(NULL);
	o->start = o->end - periods[p].secs;
	o->width = q->width;
	o->height = q->height;
	snprintf(title, tlen, "%s, %s", label, periods[p].title);
	o->title = title;
	localtime_r(&o->end, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M %Z", &tm);
	snprintf(foot, flen, "times are local (%s)", when);
	o->footer = foot;
}

int
graph_track(const struct graph_req *q, FILE *out, char *err, size_t errlen)
{
	struct rrd_graph_opts o;
	struct rrd_graph_series s;
	struct def_marks dm;
	char rrd[4200], def[4200], title[256], foot[128], extra[64];
	int rc;

	if ((rc = check_req(q, err, errlen)) != 0)
		return rc;
	memset(&o, 0, sizeof(o));
	o.unit = q->unit < 0 ? 0 : q->unit;
	if (rrd_path(q, q->name, rrd, sizeof(rrd), err, errlen) == -1)
		return -1;
	snprintf(def, sizeof(def), "%s/%s", q->trackdir != NULL ?
	    q->trackdir : ".", q->name);
	if (q->trackdir != NULL &&
	    read_marks(def, o.unit, &dm, err, errlen) == -1)
		return -1;
	if (q->trackdir == NULL)
		memset(&dm, 0, sizeof(dm));
	if (q->threshold > 0 && dm.nh < RRDSTORE_GRAPH_MAXRULES) {
		render_fmt_rate(extra, sizeof(extra), q->threshold, o.unit);
		snprintf(dm.htext[dm.nh], sizeof(dm.htext[0]),
		    "threshold %s", extra);
		dm.h[dm.nh].value = q->threshold;
		dm.h[dm.nh].label = dm.htext[dm.nh];
		dm.nh++;
	}
	memset(&s, 0, sizeof(s));
	s.rrd = rrd;
	s.label = q->name;
	s.color = 0x7aa6e8;
	o.series = &s;
	o.nseries = 1;
	o.hrules = dm.h;
	o.nhrules = dm.nh;
	o.vrules = dm.v;
	o.nvrules = dm.nv;
	fill_opts(q, &o, q->name, title, sizeof(title), foot, sizeof(foot));
	return rrdstore_graph(&o, out, err, errlen);
}

int
graph_group(const struct graph_req *q, FILE *out, char *err, size_t errlen)
{
	struct rrd_graph_opts o;
	struct rrd_graph_series s[GRP_MAX];
	static char rrd[GRP_MAX][4200];
	struct grp g;
	char path[4200], title[512], foot[128];
	int rc;

	if ((rc = check_req(q, err, errlen)) != 0)
		return rc;
	snprintf(path, sizeof(path), "%s/%s", q->groupdir, q->name);
	if (grp_load(path, &g, err, errlen) == -1)
		return -1;
	memset(&o, 0, sizeof(o));
	memset(s, 0, sizeof(s));
	o.unit = q->unit < 0 ? g.unit : q->unit;
	for (unsigned i = 0; i < g.n; i++) {
		if (rrd_path(q, g.m[i].name, rrd[i], sizeof(rrd[i]), err,
		    errlen) == -1)
			return -1;
		s[i].rrd = rrd[i];
		s[i].label = g.m[i].name;
		s[i].color = grp_color(&g, i);
		s[i].below = g.m[i].below;
	}
	o.series = s;
	o.nseries = g.n;
	o.stacked = 1;
	fill_opts(q, &o, g.title[0] != '\0' ? g.title : q->name, title,
	    sizeof(title), foot, sizeof(foot));
	return rrdstore_graph(&o, out, err, errlen);
}

/* ------------------------------------------------------- graph flows */

static const char *const unit_words[3] = { "bits", "packets", "flows" };

static int
flows_check(const struct graph_flows_req *q, char *err, size_t errlen)
{
	if (q->to_ms <= q->from_ms || q->bucket_s < 1 ||
	    q->bucket_s > 86400 ||
	    (q->to_ms - q->from_ms) / 1000 / q->bucket_s > 100000) {
		gerr(err, errlen, "the window must end after it starts, with "
		    "buckets of 1..86400 seconds, at most 100000 of them");
		return -2;
	}
	if (q->unit < 0 || q->unit > 2) {
		gerr(err, errlen, "the unit is bits, packets or flows");
		return -2;
	}
	if (q->stack_key >= 0 && (q->stack_key > 3 || q->stack_n < 3 ||
	    q->stack_n > TS_STACK_MAX)) {
		gerr(err, errlen, "a stack shows 3 to %d contributors by "
		    "srcip, dstip, srcport or dstport", TS_STACK_MAX);
		return -2;
	}
	return 0;
}

/* One pass over the files: each flow that passes f to fn. */
static int
flows_pass(const struct graph_flows_req *q, const struct filter *f,
    void (*fn)(void *, const struct flowrec *), void *arg, char *err,
    size_t errlen)
{
	struct src_opts so;
	struct src *src;
	const struct flowrec *recs;
	unsigned n;

	memset(&so, 0, sizeof(so));
	so.from_ms = q->from_ms;
	so.to_ms = q->to_ms;
	so.rule = SRC_ANY;
	so.warn = q->warn;
	so.warn_arg = q->warn_arg;
	so.ch_url = q->ch_url;
	so.ch_filter = f;
	if ((src = src_open((const char **)(uintptr_t)q->paths, q->npaths,
	    &so, err, errlen)) == NULL)
		return -1;
	while (src_next_batch(src, &recs, &n))
		for (unsigned k = 0; k < n; k++)
			if (filter_match(f, &recs[k]))
				fn(arg, &recs[k]);
	src_close(src);
	return 0;
}

struct pass1 {
	struct graph_flows_res	*res;
	struct ts_rank		*rank;
	int			 oom;
};

static void
pass1_fn(void *arg, const struct flowrec *r)
{
	struct pass1 *p = arg;
	uint64_t before = p->res->ts->added;

	ts_add(p->res->ts, r);
	if (p->res->ts->added == before)
		return;		/* not in the window */
	if (p->res->top != NULL)
		ts_top_add(p->res->top, r);
	if (p->rank != NULL && ts_rank_add(p->rank, r) == -1)
		p->oom = 1;
}

static void
pass2_fn(void *arg, const struct flowrec *r)
{
	ts_stack_add(arg, r);
}

/* The octets (unit 0), packets or flows of a series in its window. */
static double
series_amount(const struct timeseries *t, int unit)
{
	double sum = 0;

	for (unsigned b = 0; b < t->n; b++)
		sum += unit == 0 ? t->octets[b] : unit == 1 ? t->packets[b] :
		    t->flows[b];
	return sum;
}

/* The second pass: the contributors' series. */
static int
flows_stack(const struct graph_flows_req *q, const struct filter *f,
    struct ts_rank *rank, struct graph_flows_res *res, char *err,
    size_t errlen)
{
	struct ts_contrib top[TS_STACK_MAX];
	double ranked;
	unsigned k = ts_rank_top(rank, q->stack_n, top, &ranked);

	/* shares are of everything graphed, keyed or not ("other") */
	res->stack_total = series_amount(res->ts, q->unit);

	if ((res->stack = ts_stack_new(res->ts, q->stack_key, top,
	    k)) == NULL) {
		gerr(err, errlen, "out of memory");
		return -1;
	}
	return flows_pass(q, f, pass2_fn, res->stack, err, errlen);
}

int
graph_flows_compute(const struct graph_flows_req *q,
    struct graph_flows_res *res, char *err, size_t errlen)
{
	struct pass1 p;
	struct filter *f;
	char fe[512];
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&p, 0, sizeof(p));
	if ((rc = flows_check(q, err, errlen)) != 0)
		return rc;
	if ((f = filter_compile(q->filter, NULL, fe, sizeof(fe))) == NULL) {
		gerr(err, errlen, "filter: %s", fe);
		return -2;
	}
	p.res = res;
	res->ts = ts_new(q->from_ms, q->to_ms, q->bucket_s, q->mult);
	if (q->top_n > 0)
		res->top = ts_top_new(q->top_n, q->unit);
	if (q->stack_key >= 0)
		p.rank = ts_rank_new(res->ts, q->stack_key, q->unit);
	rc = -1;
	if (res->ts == NULL || (q->top_n > 0 && res->top == NULL) ||
	    (q->stack_key >= 0 && p.rank == NULL))
		gerr(err, errlen, "out of memory");
	else if (flows_pass(q, f, pass1_fn, &p, err, errlen) == 0 &&
	    !(p.oom && (gerr(err, errlen, "out of memory counting the "
	    "contributors"), 1)) && (p.rank == NULL ||
	    flows_stack(q, f, p.rank, res, err, errlen) == 0))
		rc = 0;
	ts_rank_free(p.rank);
	filter_free(f);
	if (rc != 0) {
		graph_flows_free(res);
		return rc;
	}
	ts_stats(res->ts, q->unit, &res->st);
	if (res->top != NULL)
		res->topv = ts_top_sorted(res->top, &res->ntop);
	return 0;
}

void
graph_flows_free(struct graph_flows_res *res)
{
	ts_free(res->ts);
	ts_stack_free(res->stack);
	ts_top_free(res->top);
	memset(res, 0, sizeof(*res));
}

int
graph_flows_png(const struct graph_flows_req *q,
    const struct graph_flows_res *res, FILE *out, char *err, size_t errlen)
{
	struct render_series s[TS_STACK_MAX + 1];
	char title[512], labels[TS_STACK_MAX + 1][96], key[64];
	const char *what = q->filter != NULL && q->filter[0] != '\0' ?
	    q->filter : "all flows";
	unsigned n = 0;

	if (res->stack == NULL) {
		snprintf(title, sizeof(title), "%.300s  (%u s buckets, %llu "
		    "flows)", what, q->bucket_s,
		    (unsigned long long)res->ts->added);
		return render_ts_png(res->ts, q->unit, title, q->width,
		    q->height, out, err, errlen);
	}
	snprintf(title, sizeof(title), "%.300s: top %s by %s  (%u s buckets)",
	    what, ts_key_name(res->stack->key), unit_words[q->unit],
	    q->bucket_s);
	for (; n < res->stack->k; n++) {
		const struct ts_contrib *c = &res->stack->top[n];

		snprintf(labels[n], sizeof(labels[n]), "%s %.1f%%",
		    ts_contrib_str(res->stack->key, c, key, sizeof(key)),
		    res->stack_total > 0 ? 100 * c->amount /
		    res->stack_total : 0.0);
		s[n].ts = res->stack->series[n];
		s[n].label = labels[n];
		s[n].color = grp_palette(n);
	}
	s[n].ts = res->stack->series[n];
	snprintf(labels[n], sizeof(labels[n]), "other %.1f%%",
	    res->stack_total > 0 ? 100 * series_amount(s[n].ts, q->unit) /
	    res->stack_total : 0.0);
	s[n].label = labels[n];
	s[n].color = 0xc7c7c7;
	return render_flows_png(s, n + 1, q->unit, title, q->width,
	    q->height, out, err, errlen);
}

/* Cells of one top flow (cells[11] point into buf). */
static void
flow_cells(const struct graph_flows_req *q, const struct flowrec *r,
    char buf[11][64], const char **cells)
{
	time_t t0 = (time_t)(r->first_ms / 1000), t1 = (time_t)(r->last_ms /
	    1000);
	double secs = r->last_ms > r->first_ms ?
	    (double)(r->last_ms - r->first_ms) / 1000 : 0;
	double amount = (double)(q->unit == 1 ? r->packets : r->octets) *
	    q->mult, rate;
	struct tm tm;

	strftime(buf[0], 64, "%Y-%m-%d %H:%M:%S", localtime_r(&t0, &tm));
	strftime(buf[1], 64, "%Y-%m-%d %H:%M:%S", localtime_r(&t1, &tm));
	snprintf(buf[2], 64, "%.3f", secs);
	util_addr_str(r->af, &r->src, buf[3], 64);
	snprintf(buf[4], 64, "%u", r->sport);
	util_addr_str(r->af, &r->dst, buf[5], 64);
	snprintf(buf[6], 64, "%u", r->dport);
	snprintf(buf[7], 64, "%u", r->proto);
	snprintf(buf[8], 64, "%.0f", amount);
	rate = (q->unit == 1 ? amount : amount * 8) /
	    (secs > 0.001 ? secs : 0.001);
	render_fmt_rate(buf[9], 64, rate, q->unit == 1 ? 1 : 0);
	snprintf(buf[10], 64, "%.6g", rate);
	for (int i = 0; i < 11; i++)
		cells[i] = buf[i];
}

/* A column; only: 1 text table only, 2 CSV and JSON only. */
static void
table_col(struct render_table *t, const char *name, int number, int only)
{
	t->cols[t->ncols].name = name;
	t->cols[t->ncols].number = number;
	t->cols[t->ncols].text_only = only == 1;
	t->cols[t->ncols].data_only = only == 2;
	t->ncols++;
}

static void
top_flows_table(const struct graph_flows_req *q,
    const struct graph_flows_res *res, const struct render_ops *ops,
    struct render_table *t)
{
	static const char *const names[11] = { "start", "end", "seconds",
	    "src", "sport", "dst", "dport", "proto", "octets", "rate",
	    "bits_per_s" };
	char buf[11][64], title[128];
	const char *cells[11];

	for (int i = 0; i < 11; i++)
		table_col(t, i == 8 && q->unit == 1 ? "packets" : i == 10 &&
		    q->unit == 1 ? "packets_per_s" : names[i],
		    i == 2 || i == 4 || i >= 6, i == 9 ? 1 : i == 10 ? 2 : 0);
	snprintf(title, sizeof(title), "top %u flows by %s", res->ntop,
	    q->unit == 1 ? "packets" : "octets");
	t->title = title;
	for (unsigned i = 0; i < res->ntop; i++) {
		flow_cells(q, &res->topv[i], buf, cells);
		render_fit(t, cells);
	}
	ops->head(t);
	for (unsigned i = 0; i < res->ntop; i++) {
		flow_cells(q, &res->topv[i], buf, cells);
		ops->row(t, cells);
	}
	ops->tail(t, NULL);
}

/* Cells of contributor i (i == k: "other"). */
static void
contrib_cells(const struct graph_flows_req *q,
    const struct graph_flows_res *res, unsigned i, char buf[6][64],
    const char **cells)
{
	const struct ts_stack *s = res->stack;
	double amount = 0, secs = (double)(q->to_ms - q->from_ms) / 1000, rate;

	if (i < s->k) {
		amount = s->top[i].amount;
		ts_contrib_str(s->key, &s->top[i], buf[1], 64);
	} else {
		amount = series_amount(s->series[i], q->unit);
		snprintf(buf[1], 64, "other");
	}
	snprintf(buf[0], 64, "%u", i + 1);
	snprintf(buf[2], 64, "%.0f", amount);
	snprintf(buf[3], 64, "%.1f", res->stack_total > 0 ? 100 * amount /
	    res->stack_total : 0.0);
	rate = (q->unit == 0 ? amount * 8 : amount) / (secs > 0 ? secs : 1);
	render_fmt_rate(buf[4], 64, rate, q->unit);
	snprintf(buf[5], 64, "%.6g", rate);
	for (int k = 0; k < 6; k++)
		cells[k] = buf[k];
}

static void
contrib_table(const struct graph_flows_req *q,
    const struct graph_flows_res *res, const struct render_ops *ops,
    struct render_table *t)
{
	static const char *const per_s[3] = { "bits_per_s", "packets_per_s",
	    "flows_per_s" };
	char buf[6][64], title[128];
	const char *cells[6];
	unsigned n = res->stack->k + 1;

	table_col(t, "rank", 1, 0);
	table_col(t, ts_key_name(res->stack->key), 0, 0);
	table_col(t, q->unit == 0 ? "octets" : unit_words[q->unit], 1, 0);
	table_col(t, "percent", 1, 0);
	table_col(t, "average", 1, 1);
	table_col(t, per_s[q->unit], 1, 2);
	snprintf(title, sizeof(title), "top %u %s by %s in the window",
	    res->stack->k, ts_key_name(res->stack->key),
	    q->unit == 0 ? "octets" : unit_words[q->unit]);
	t->title = title;
	for (unsigned i = 0; i < n; i++) {
		contrib_cells(q, res, i, buf, cells);
		render_fit(t, cells);
	}
	ops->head(t);
	for (unsigned i = 0; i < n; i++) {
		contrib_cells(q, res, i, buf, cells);
		ops->row(t, cells);
	}
	ops->tail(t, NULL);
}

void
graph_flows_table(const struct graph_flows_req *q,
    const struct graph_flows_res *res, const struct render_ops *ops,
    FILE *fp)
{
	struct render_table t;

	memset(&t, 0, sizeof(t));
	t.fp = fp;
	if (res->stack != NULL)
		contrib_table(q, res, ops, &t);
	else if (res->top != NULL)
		top_flows_table(q, res, ops, &t);
}
