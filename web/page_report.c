/*
 * page_report.c - the Reports page (FlowViewer's report form): source,
 * time window, FlowViewer's filter fields and a free filter expression,
 * report type and reporting options; with a type, the report itself as
 * an HTML table (click-to-sort headings, drill-down key cells) or, with
 * output=csv|json, the same report as a download.
 *
 * Every parameter is checked before anything is read or written: the
 * whitelist (qs.h) for characters and ranges, then the meaning (report
 * type, device, times, filter); any failure is a 400 with the message.
 * The run is rptrun_run(), the one `flowkeep report` makes.
 */
#define _GNU_SOURCE	/* open_memstream */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pages.h"
#include "src/cmdsel.h"
#include "src/config.h"
#include "src/filter.h"
#include "src/htmlesc.h"
#include "src/report.h"
#include "src/rptrun.h"

#define LIST_MAX	2048	/* a FlowViewer list field */
#define EXPR_MAX	4096
#define MSGS_MAX	2048

static const char *const rules[] = { "any", "start", "end", "all", NULL };
static const char *const ranges[] = { "15m", "1h", "24h", "7d", NULL };
static const char *const sorts[] = { "none", "key", "key2", "flows",
    "octets", "packets", NULL };
static const char *const orders[] = { "desc", "asc", NULL };
static const char *const outputs[] = { "html", "csv", "json", NULL };
static const char *const resolves[] = { "no", "names", "dns", NULL };

/* FlowViewer's filter fields: form name, label. */
static const struct { const char *name, *label; } ffields[] = {
	{ "source_address", "Source IP addresses" },
	{ "dest_address", "Dest IP addresses" },
	{ "source_port", "Source ports" },
	{ "dest_port", "Dest ports" },
	{ "source_if", "Source interfaces" },
	{ "dest_if", "Dest interfaces" },
	{ "source_as", "Source AS" },
	{ "dest_as", "Dest AS" },
	{ "protocols", "Protocols" },
	{ "tos_fields", "ToS (value/mask)" },
	{ "tcp_flags", "TCP flags (value/mask)" },
	{ "nexthop_ip", "Next hop IPs" },
};
#define NFFIELDS	(sizeof(ffields) / sizeof(ffields[0]))

#define LISTKEY(n)	{ n, QS_LIST, LIST_MAX, 0, 0, NULL }

const struct qs_key page_report_keys[] = {
	{ "type", QS_NAME, 16, 0, 0, NULL },
	{ "device", QS_NAME, FK_NAME_MAX - 1, 0, 0, NULL },
	LISTKEY("exporter"),
	{ "from", QS_TIME, 40, 0, 0, NULL },
	{ "to", QS_TIME, 40, 0, 0, NULL },
	{ "range", QS_ENUM, 4, 0, 0, ranges },
	{ "rule", QS_ENUM, 5, 0, 0, rules },
	LISTKEY("source_address"), LISTKEY("dest_address"),
	LISTKEY("source_port"), LISTKEY("dest_port"),
	LISTKEY("source_if"), LISTKEY("dest_if"),
	LISTKEY("source_as"), LISTKEY("dest_as"),
	LISTKEY("protocols"), LISTKEY("tos_fields"), LISTKEY("tcp_flags"),
	LISTKEY("nexthop_ip"),
	{ "expr", QS_TEXT, EXPR_MAX, 0, 0, NULL },
	{ "sort", QS_ENUM, 8, 0, 0, sorts },
	{ "order", QS_ENUM, 4, 0, 0, orders },
	{ "lines", QS_UINT, 6, 1, 100000, NULL },
	{ "min_octets", QS_UINT, 20, 0, UINT64_MAX, NULL },
	{ "sampling", QS_UINT, 7, 1, 1000000, NULL },
	{ "units", QS_BOOL, 5, 0, 0, NULL },
	{ "percent", QS_BOOL, 5, 0, 0, NULL },
	{ "bps", QS_BOOL, 5, 0, 0, NULL },
	{ "resolve", QS_ENUM, 5, 0, 0, resolves },
	{ "output", QS_ENUM, 4, 0, 0, outputs },
	{ NULL, 0, 0, 0, 0, NULL },
};

/* One checked request. */
struct rq {
	const struct web_req	*r;
	const struct rpt_def	*d;		/* NULL: the form only */
	struct cmdsel		 cs;
	struct rptrun_opts	 ro;
	char			*expr;		/* form fields + free text */
	char			 err[1024];
	char			 msgs[MSGS_MAX];
	size_t			 mlen;
};

static void
rq_msg(void *arg, const char *msg)
{
	struct rq *q = arg;
	int n;

	if (q->mlen + 1 >= sizeof(q->msgs))
		return;
	n = snprintf(q->msgs + q->mlen, sizeof(q->msgs) - q->mlen, "%s\n",
	    msg);
	if (n > 0)
		q->mlen += (size_t)n;
	if (q->mlen >= sizeof(q->msgs))
		q->mlen = sizeof(q->msgs) - 1;
}

static int
enum_index(const char *const *vals, const char *v)
{
	for (int i = 0; v != NULL && vals[i] != NULL; i++)
		if (strcmp(vals[i], v) == 0)
			return i;
	return -1;
}

/* The combined filter expression: FlowViewer fields and the free box. */
static int
rq_filter(struct rq *q)
{
	const struct qs *p = &q->r->q;
	const char *free_ = qs_get(p, "expr");
	struct filter_form form;
	struct filter *f;
	char *fe;
	size_t n;

	memset(&form, 0, sizeof(form));
	for (size_t i = 0; i < NFFIELDS; i++)
		filter_form_set(&form, ffields[i].name,
		    qs_get(p, ffields[i].name));
	filter_form_set(&form, "exporter", qs_get(p, "exporter"));
	if ((fe = filter_form_expr(&form, q->err, sizeof(q->err))) == NULL)
		return -1;
	if (free_ != NULL) {
		char msg[512];

		if ((f = filter_compile(free_, NULL, msg, sizeof(msg))) ==
		    NULL) {
			snprintf(q->err, sizeof(q->err), "filter expression: "
			    "%s", msg);
			free(fe);
			return -1;
		}
		filter_free(f);
	}
	n = strlen(fe) + (free_ != NULL ? strlen(free_) : 0) + 16;
	if ((q->expr = malloc(n)) == NULL) {
		free(fe);
		snprintf(q->err, sizeof(q->err), "out of memory");
		return -1;
	}
	if (fe[0] != '\0' && free_ != NULL)
		snprintf(q->expr, n, "(%s) and (%s)", fe, free_);
	else
		snprintf(q->expr, n, "%s", fe[0] != '\0' ? fe : free_ != NULL ?
		    free_ : "");
	free(fe);
	return 0;
}

/* The selection: device, window, rule, filter. */
static int
rq_select(struct rq *q)
{
	static const char *const rel[] = { "-15m", "-1h", "-24h", "-7d" };
	const struct qs *p = &q->r->q;
	int ri = enum_index(ranges, qs_get(p, "range"));
	const char *dev = qs_get(p, "device");

	cmdsel_init(&q->cs);
	q->cs.cfg = q->r->conf != NULL ? q->r->conf->cfg : NULL;
	if (ri >= 0)
		q->cs.from = rel[ri];
	else {
		q->cs.from = qs_get(p, "from");
		q->cs.to = qs_get(p, "to");
		if (q->cs.from == NULL && q->cs.to == NULL)
			q->cs.from = "-1h";
	}
	if (dev != NULL)
		q->cs.devices[q->cs.ndevices++] = dev;
	q->cs.so.rule = (enum src_rule)(enum_index(rules, qs_get(p, "rule")) <
	    0 ? 0 : enum_index(rules, qs_get(p, "rule")));
	q->cs.so.warn = rq_msg;
	q->cs.so.warn_arg = q;
	if (rq_filter(q) == -1)
		return -1;
	q->cs.filter_expr = q->expr[0] != '\0' ? q->expr : NULL;
	return cmdsel_resolve(&q->cs, q->err, sizeof(q->err));
}

/* Reporting options: rptrun_opts from the parameters. */
static int
rq_options(struct rq *q)
{
	const struct qs *p = &q->r->q;
	const char *type = qs_get(p, "type");
	int s = enum_index(sorts, qs_get(p, "sort"));
	int res = enum_index(resolves, qs_get(p, "resolve"));

	rptrun_init(&q->ro);
	if (type != NULL && (q->d = rpt_find(type)) == NULL) {
		snprintf(q->err, sizeof(q->err), "type: no report \"%s\"",
		    type);
		return -1;
	}
	q->ro.d = q->d;
	if (s >= 0)
		q->ro.sel.sort = (enum rpt_sort)s;
	q->ro.sel.ascending = enum_index(orders, qs_get(p, "order")) == 1;
	q->ro.sel.limit = (size_t)qs_num(p, "lines", 100);
	q->ro.sel.min_octets = qs_num(p, "min_octets", 0);
	q->ro.ro.multiplier = (uint32_t)qs_num(p, "sampling", 1);
	q->ro.units = (int)qs_num(p, "units", 0);
	q->ro.percent = (int)qs_num(p, "percent", 0);
	q->ro.bps = (int)qs_num(p, "bps", 0);
	q->ro.names = res >= 1;
	q->ro.resolve = res == 2;
	q->ro.dns_cache = NULL;		/* the web never writes the cache */
	q->ro.out = render_find(qs_get(p, "output") != NULL ?
	    qs_get(p, "output") : "html");
	q->ro.warn = rq_msg;
	q->ro.warn_arg = q;
	return 0;
}

static void
rq_free(struct rq *q)
{
	cmdsel_free(&q->cs);
	free(q->expr);
	free((char *)q->ro.href);
}

/* ---------------------------------------------------------------- links */

static int
skip_param(const char *name, int keep_view)
{
	if (strcmp(name, "output") == 0)
		return 1;
	return !keep_view && (strcmp(name, "sort") == 0 ||
	    strcmp(name, "order") == 0 || strcmp(name, "expr") == 0);
}

/* The page's URL (raw: percent-encoded, not HTML-escaped) with its
 * parameters, without output (and without sort, order and expr unless
 * keep_view); malloc'ed, NULL if out of memory. */
static char *
page_url(const struct web_req *r, int keep_view)
{
	char *s = NULL;
	size_t len = 0;
	FILE *fp;
	int first = 1;

	if ((fp = open_memstream(&s, &len)) == NULL)
		return NULL;
	fprintf(fp, "%s/report?", r->conf != NULL && r->conf->script ?
	    r->conf->script : "");
	for (unsigned i = 0; i < r->q.n; i++) {
		const struct qs_param *pp = &r->q.p[i];

		if (skip_param(pp->key->name, keep_view))
			continue;
		fprintf(fp, "%s%s=", first ? "" : "&", pp->key->name);
		htmlesc_url(fp, pp->val);
		first = 0;
	}
	if (fclose(fp) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

/* ---------------------------------------------------------------- form */

static void
in_text(FILE *fp, const struct web_req *r, const char *name,
    const char *label, const char *hint)
{
	const char *v = qs_get(&r->q, name);

	fprintf(fp, "<label>%s<br><input type=\"text\" name=\"%s\" "
	    "value=\"", label, name);
	htmlesc_text(fp, v != NULL ? v : "");
	fputs("\"", fp);
	if (hint != NULL)
		fprintf(fp, " placeholder=\"%s\"", hint);
	fputs("></label>\n", fp);
}

static void
in_select(FILE *fp, const struct web_req *r, const char *name,
    const char *label, const char *const *vals, const char *const *texts)
{
	const char *v = qs_get(&r->q, name);

	fprintf(fp, "<label>%s<br><select name=\"%s\">", label, name);
	for (size_t i = 0; vals[i] != NULL; i++)
		fprintf(fp, "<option value=\"%s\"%s>%s</option>", vals[i],
		    v != NULL && strcmp(v, vals[i]) == 0 ? " selected" : "",
		    texts[i]);
	fputs("</select></label>\n", fp);
}

static void
in_check(FILE *fp, const struct web_req *r, const char *name,
    const char *label)
{
	fprintf(fp, "<label><input type=\"checkbox\" name=\"%s\" value=\"1\""
	    "%s> %s</label>\n", name, qs_num(&r->q, name, 0) ? " checked" :
	    "", label);
}

/* A time input: datetime-local, prefilled with what was asked. */
static void
in_time(FILE *fp, const struct web_req *r, const char *name,
    const char *label)
{
	const char *v = qs_get(&r->q, name);

	fprintf(fp, "<label>%s<br><input type=\"datetime-local\" step=\"1\" "
	    "name=\"%s\" value=\"", label, name);
	htmlesc_text(fp, v != NULL ? v : "");
	fputs("\"></label>\n", fp);
}

static void
form_source(FILE *fp, const struct web_req *r)
{
	const struct fk_config *c = r->conf != NULL ? r->conf->cfg : NULL;
	const char *dev = qs_get(&r->q, "device");

	fputs("<fieldset><legend>Flows</legend>\n<label>Device<br>"
	    "<select name=\"device\"><option value=\"\">main tree</option>",
	    fp);
	for (unsigned i = 0; c != NULL && i < c->ndevices; i++) {
		fputs("<option value=\"", fp);
		htmlesc_text(fp, c->devices[i].name);
		fprintf(fp, "\"%s>", dev != NULL && strcmp(dev,
		    c->devices[i].name) == 0 ? " selected" : "");
		htmlesc_text(fp, c->devices[i].name);
		fputs("</option>", fp);
	}
	fprintf(fp, "<option value=\"all\"%s>all devices</option></select>"
	    "</label>\n", dev != NULL && strcmp(dev, "all") == 0 ?
	    " selected" : "");
	in_text(fp, r, "exporter", "Exporters", "192.0.2.1, -192.0.2.9");
	in_time(fp, r, "from", "From");
	in_time(fp, r, "to", "To");
	{
		static const char *const v[] = { "", "15m", "1h", "24h", "7d",
		    NULL };
		static const char *const t[] = { "from/to (default: last hour)",
		    "last 15 minutes", "last hour", "last 24 hours",
		    "last 7 days" };

		in_select(fp, r, "range", "Quick range", v, t);
	}
	{
		static const char *const t[] = { "any part in the window",
		    "starts in it", "ends in it", "entirely in it" };

		in_select(fp, r, "rule", "Include flow if", rules, t);
	}
	fputs("</fieldset>\n", fp);
}

static void
form_filter(FILE *fp, const struct web_req *r, const struct rq *q)
{
	const char *e = qs_get(&r->q, "expr");

	fputs("<fieldset><legend>Filter</legend>\n<p class=\"note\">Comma "
	    "lists; a leading <code>-</code> excludes; ports take "
	    "<code>a:b</code> ranges.</p>\n", fp);
	for (size_t i = 0; i < NFFIELDS; i++)
		in_text(fp, r, ffields[i].name, ffields[i].label, NULL);
	fputs("<br><label>Filter expression (doc/filters.md), and-ed with "
	    "the fields<br><textarea name=\"expr\" rows=\"2\" cols=\"80\">",
	    fp);
	htmlesc_text(fp, e != NULL ? e : "");
	fputs("</textarea></label>\n", fp);
	if (q != NULL && q->cs.filter != NULL) {
		fputs("<p>Compiled filter: <code class=\"expr\">", fp);
		htmlesc_text(fp, filter_text(q->cs.filter));
		fputs("</code></p>\n", fp);
	}
	fputs("</fieldset>\n", fp);
}

static void
form_types(FILE *fp, const struct web_req *r)
{
	const char *v = qs_get(&r->q, "type");
	const struct rpt_def *cur = v != NULL ? rpt_find(v) : NULL;

	fputs("<label>Report<br><select name=\"type\">", fp);
	for (unsigned i = 0; i < rpt_ndefs(); i++) {
		const struct rpt_def *d = rpt_def_at(i);

		fprintf(fp, "<option value=\"%s\"%s>", d->name, d == cur ||
		    (cur == NULL && strcmp(d->name, "ip-pair") == 0) ?
		    " selected" : "");
		htmlesc_text(fp, d->title);
		fprintf(fp, " (%s, %d)</option>", d->name, d->num);
	}
	fputs("</select></label>\n", fp);
}

static void
form_options(FILE *fp, const struct web_req *r)
{
	static const char *const ot[] = { "descending", "ascending" };
	static const char *const rt[] = { "addresses and numbers",
	    "protocol and port names", "names and reverse DNS" };
	static const char *const sv[] = { "octets", "flows", "packets",
	    "key", "key2", "none", NULL };
	static const char *const svt[] = { "octets", "flows", "packets",
	    "key", "second key", "table order" };

	fputs("<fieldset><legend>Report</legend>\n", fp);
	form_types(fp, r);
	in_select(fp, r, "sort", "Sort", sv, svt);
	in_select(fp, r, "order", "Order", orders, ot);
	in_text(fp, r, "lines", "Cutoff lines", "100");
	in_text(fp, r, "min_octets", "Cutoff octets", NULL);
	in_text(fp, r, "sampling", "Sampling multiplier", "1");
	in_select(fp, r, "resolve", "Resolve", resolves, rt);
	fputs("<br>", fp);
	in_check(fp, r, "units", "octets in KB/MB/GB");
	in_check(fp, r, "percent", "percentages");
	in_check(fp, r, "bps", "bits/s");
	fputs("</fieldset>\n", fp);
}

static void
form(FILE *fp, const struct web_req *r, const struct rq *q)
{
	fputs("<form method=\"get\" action=\"", fp);
	htmlesc_text(fp, r->conf != NULL && r->conf->script ?
	    r->conf->script : "");
	fputs("/report\">\n", fp);
	form_source(fp, r);
	form_filter(fp, r, q);
	form_options(fp, r);
	fputs("<p><button type=\"submit\">Generate report</button> "
	    "<a href=\"", fp);
	web_href(fp, r, "/report");
	fputs("\">reset</a></p>\n</form>\n", fp);
}

/* ---------------------------------------------------------------- result */

static void
time_str(uint64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S %Z", &tm) == 0)
		snprintf(buf, len, "@%llu", (unsigned long long)(ms / 1000));
}

static void
result_head(FILE *fp, const struct rq *q)
{
	char a[64], b[64];
	const char *dev = qs_get(&q->r->q, "device");

	time_str(q->cs.so.from_ms, a, sizeof(a));
	time_str(q->cs.so.to_ms, b, sizeof(b));
	fputs("<h2>", fp);
	htmlesc_text(fp, q->d->title);
	fputs("</h2>\n<table class=\"params\"><tr><td>Device</td><td>", fp);
	htmlesc_text(fp, dev != NULL ? dev : "main tree");
	fprintf(fp, "</td></tr>\n<tr><td>Window</td><td>%s &ndash; %s "
	    "(flows: %s)</td></tr>\n", a, b,
	    rules[q->cs.so.rule <= SRC_ALL ? q->cs.so.rule : 0]);
	fputs("<tr><td>Filter</td><td><code class=\"expr\">", fp);
	htmlesc_text(fp, q->cs.filter != NULL ? filter_text(q->cs.filter) :
	    "any");
	fputs("</code></td></tr></table>\n", fp);
}

static void
downloads(FILE *fp, const struct web_req *r)
{
	char *u = page_url(r, 1);

	if (u == NULL)
		return;
	fputs("<p>Download: <a href=\"", fp);
	htmlesc_text(fp, u);
	fputs("&amp;output=csv\">CSV</a> <a href=\"", fp);
	htmlesc_text(fp, u);
	fputs("&amp;output=json\">JSON</a></p>\n", fp);
	free(u);
}

static void
messages(FILE *fp, const struct rq *q)
{
	if (q->mlen == 0)
		return;
	fputs("<pre class=\"warn\">", fp);
	htmlesc_text(fp, q->msgs);
	fputs("</pre>\n", fp);
}

static int
run(struct rq *q, FILE *fp)
{
	return rptrun_run(&q->ro, &q->cs, fp);
}

static int
html_page(const struct web_req *r, struct web_out *o, struct rq *q)
{
	web_page_head(o, r, "Reports", 0);
	form(o->fp, r, q);
	if (q->d != NULL) {
		result_head(o->fp, q);
		downloads(o->fp, r);
		q->ro.href = page_url(r, 0);
		q->ro.expr = qs_get(&r->q, "expr");
		(void)run(q, o->fp);
		messages(o->fp, q);
	}
	web_page_foot(o, r);
	return 200;
}

/* CSV or JSON: the body is the report alone. */
static int
data_page(const struct web_req *r, struct web_out *o, struct rq *q)
{
	static char fname[64];
	int csv = strcmp(qs_get(&r->q, "output"), "csv") == 0;

	if (q->d == NULL)
		return web_error(o, 400, "output: needs a report type");
	if (run(q, o->fp) != 0 && ftell(o->fp) == 0)
		return web_error(o, 500, "%s", q->mlen ? q->msgs :
		    "the report failed");
	o->ctype = csv ? "text/csv; charset=utf-8" :
	    "application/json; charset=utf-8";
	snprintf(fname, sizeof(fname), "flowkeep-%s.%s", q->d->name,
	    csv ? "csv" : "json");
	o->filename = fname;
	return 200;
}

int
page_report(const struct web_req *r, struct web_out *o)
{
	struct rq q;
	int st;

	memset(&q, 0, sizeof(q));
	q.r = r;
	if (rq_options(&q) == -1 || rq_select(&q) == -1) {
		st = web_error(o, 400, "%s", q.err);
		rq_free(&q);
		return st;
	}
	if (qs_get(&r->q, "output") != NULL &&
	    strcmp(qs_get(&r->q, "output"), "html") != 0)
		st = data_page(r, o, &q);
	else
		st = html_page(r, o, &q);
	rq_free(&q);
	return st;
}
