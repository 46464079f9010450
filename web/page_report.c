/*
 * page_report.c - the Reports page (FlowViewer's report form): the flow
 * selection (websel.h), report type and reporting options; with a type,
 * the report itself as an HTML table (click-to-sort headings, drill-down
 * key cells) or, with output=csv|json, the same report as a download.
 *
 * Every parameter is checked before anything is read or written: the
 * whitelist (qs.h) for characters and ranges, then the meaning (report
 * type, device, times, filter); any failure is a 400 with the message.
 * The run is rptrun_run(), the one `flowkeep report` makes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pages.h"
#include "src/htmlesc.h"
#include "src/report.h"
#include "src/rptrun.h"
#include "websel.h"

static const char *const sorts[] = { "none", "key", "key2", "flows",
    "octets", "packets", NULL };
static const char *const orders[] = { "desc", "asc", NULL };
static const char *const outputs[] = { "html", "csv", "json", NULL };
static const char *const resolves[] = { "no", "names", "dns", NULL };

const struct qs_key page_report_keys[] = {
	{ "type", QS_NAME, 16, 0, 0, NULL },
	WEBSEL_KEYS,
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
	int			 flows;		/* type=flows: the listing */
	struct websel		 ws;
	struct rptrun_opts	 ro;
	char			 err[256];
};

/* Reporting options: rptrun_opts from the parameters. */
static int
rq_options(struct rq *q)
{
	const struct qs *p = &q->r->q;
	const char *type = qs_get(p, "type");
	int s = websel_enum(sorts, qs_get(p, "sort"));
	int res = websel_enum(resolves, qs_get(p, "resolve"));

	rptrun_init(&q->ro);
	if (type != NULL && strcmp(type, "flows") == 0)
		q->flows = 1;
	else if (type != NULL && (q->d = rpt_find(type)) == NULL) {
		snprintf(q->err, sizeof(q->err), "type: no report \"%s\"",
		    type);
		return -1;
	}
	q->ro.d = q->d;
	if (s >= 0)
		q->ro.sel.sort = (enum rpt_sort)s;
	q->ro.sel.ascending = websel_enum(orders, qs_get(p, "order")) == 1;
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
	q->ro.warn = websel_msg;
	q->ro.warn_arg = &q->ws;
	return 0;
}

static void
rq_free(struct rq *q)
{
	websel_free(&q->ws);
	free((char *)q->ro.href);
}

/* ---------------------------------------------------------------- form */

static void
in_check(FILE *fp, const struct web_req *r, const char *name,
    const char *label)
{
	fprintf(fp, "<label><input type=\"checkbox\" name=\"%s\" value=\"1\""
	    "%s> %s</label>\n", name, qs_num(&r->q, name, 0) ? " checked" :
	    "", label);
}

static int
q_flows(const struct web_req *r)
{
	const char *v = qs_get(&r->q, "type");

	return v != NULL && strcmp(v, "flows") == 0;
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
	fprintf(fp, "<option value=\"flows\"%s>Flow listing (flows, at most "
	    "%d)</option>", q_flows(r) ? " selected" : "", PAGE_FLOWS_MAX);
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
	websel_in_select(fp, r, "sort", "Sort", sv, svt);
	websel_in_select(fp, r, "order", "Order", orders, ot);
	websel_in_text(fp, r, "lines", "Cutoff lines", "100");
	websel_in_text(fp, r, "min_octets", "Cutoff octets", NULL);
	websel_in_text(fp, r, "sampling", "Sampling multiplier", "1");
	websel_in_select(fp, r, "resolve", "Resolve", resolves, rt);
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
	web_href(fp, r, "/report");
	fputs("\">\n", fp);
	websel_form(fp, r, &q->ws);
	form_options(fp, r);
	fputs("<p><button type=\"submit\">Generate report</button> "
	    "<a href=\"", fp);
	web_href(fp, r, "/report");
	fputs("\">reset</a></p>\n</form>\n", fp);
}

/* ---------------------------------------------------------------- result */

static void
downloads(FILE *fp, const struct web_req *r)
{
	static const char *const skip[] = { "output", NULL };
	char *u = websel_url(r, "/report", skip);

	if (u == NULL)
		return;
	fputs("<p>Download: <a href=\"", fp);
	htmlesc_text(fp, u);
	fputs("&amp;output=csv\">CSV</a> <a href=\"", fp);
	htmlesc_text(fp, u);
	fputs("&amp;output=json\">JSON</a></p>\n", fp);
	free(u);
}

/* Save this report (its query string) or its filter (page_saved.c). */
static void
save_form(struct web_out *o, const struct web_req *r, const struct rq *q)
{
	static const char *const skip[] = { "output", NULL };
	char *u = websel_url(r, "", skip);
	const char *qm;

	if (u == NULL)
		return;
	qm = strchr(u, '?');
	page_saved_form(o->fp, r, o, qm != NULL ? qm + 1 : "", q->ws.expr);
	free(u);
}

static void
messages(FILE *fp, const struct websel *ws)
{
	if (ws->mlen == 0)
		return;
	fputs("<pre class=\"warn\">", fp);
	htmlesc_text(fp, ws->msgs);
	fputs("</pre>\n", fp);
}

static int
run(struct rq *q, FILE *fp)
{
	return rptrun_run(&q->ro, &q->ws.cs, fp);
}

static uint64_t
flows_limit(const struct rq *q)
{
	return q->ro.sel.limit < PAGE_FLOWS_MAX ? q->ro.sel.limit :
	    PAGE_FLOWS_MAX;
}

static int
html_page(const struct web_req *r, struct web_out *o, struct rq *q)
{
	static const char *const skip[] = { "output", "sort", "order",
	    "expr", NULL };

	web_page_head(o, r, "Reports", 0);
	form(o->fp, r, q);
	if (q->flows) {
		fputs("<h2>Flow listing</h2>\n", o->fp);
		websel_summary(o->fp, r, &q->ws);
		downloads(o->fp, r);
		save_form(o, r, q);
		(void)page_flows_list(o->fp, &q->ws, flows_limit(q), "html");
		messages(o->fp, &q->ws);
	} else if (q->d != NULL) {
		fputs("<h2>", o->fp);
		htmlesc_text(o->fp, q->d->title);
		fputs("</h2>\n", o->fp);
		websel_summary(o->fp, r, &q->ws);
		downloads(o->fp, r);
		save_form(o, r, q);
		q->ro.href = websel_url(r, "/report", skip);
		q->ro.expr = qs_get(&r->q, "expr");
		(void)run(q, o->fp);
		messages(o->fp, &q->ws);
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

	if (q->flows) {
		if (page_flows_list(o->fp, &q->ws, flows_limit(q),
		    csv ? "csv" : "json") == -1)
			return web_error(o, 500, "%s", q->ws.msgs);
		o->ctype = csv ? "text/csv; charset=utf-8" :
		    "application/json; charset=utf-8";
		o->filename = csv ? "flowkeep-flows.csv" :
		    "flowkeep-flows.json";
		return 200;
	}
	if (q->d == NULL)
		return web_error(o, 400, "output: needs a report type");
	if (run(q, o->fp) != 0 && ftell(o->fp) == 0)
		return web_error(o, 500, "%s", q->ws.mlen ? q->ws.msgs :
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
	if (rq_options(&q) == -1)
		st = web_error(o, 400, "%s", q.err);
	else if (websel_resolve(&q.ws, r) == -1)
		st = web_error(o, 400, "%s", q.ws.err);
	else if (qs_get(&r->q, "output") != NULL &&
	    strcmp(qs_get(&r->q, "output"), "html") != 0)
		st = data_page(r, o, &q);
	else
		st = html_page(r, o, &q);
	rq_free(&q);
	return st;
}
