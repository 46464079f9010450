/*
 * page_graph.c - the Graphs page (FlowGrapher): the flow selection
 * (websel.h) plus the graph's unit (bits, packets or flows started per
 * second), bucket size, picture size and, if asked, the top contributors
 * by address or port stacked; the page shows the PNG that /graph.png
 * draws from the same parameters and, under it, the top flows (or the
 * contributors) as a table.  The reading and drawing are graph.h's
 * graph_flows_*, the ones `flowkeep graph flows` runs.
 *
 * Caching: a graph of a window that ended more than 35 minutes ago (the
 * files' margin for late flows) does not change and is cacheable for a
 * day; any other for a minute.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pages.h"
#include "src/graph.h"
#include "src/htmlesc.h"
#include "src/render.h"
#include "src/timeseries.h"
#include "websel.h"

#define GRAPH_POINTS	200		/* default buckets in a window */
#define GRAPH_MAX_BUCKETS 100000
#define GRAPH_SETTLED_MS (35u * 60 * 1000)

static const char *const units[] = { "bits", "packets", "flows", NULL };
static const char *const stacks[] = { "srcip", "dstip", "srcport",
    "dstport", NULL };

const struct qs_key page_graph_keys[] = {
	WEBSEL_KEYS,
	{ "unit", QS_ENUM, 8, 0, 0, units },
	{ "bucket", QS_UINT, 5, 1, 86400, NULL },
	{ "width", QS_UINT, 4, 300, 4000, NULL },
	{ "height", QS_UINT, 4, 150, 3000, NULL },
	{ "sampling", QS_UINT, 7, 1, 1000000, NULL },
	{ "stack", QS_ENUM, 8, 0, 0, stacks },
	{ "stack_n", QS_UINT, 2, 3, TS_STACK_MAX, NULL },
	{ "top", QS_UINT, 3, 0, 100, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

/* The bucket in seconds: asked, or the window in GRAPH_POINTS. */
static int
bucket_s(const struct web_req *r, const struct websel *ws, unsigned *out,
    char *err, size_t errlen)
{
	uint64_t span = (ws->cs.so.to_ms - ws->cs.so.from_ms + 999) / 1000;
	uint64_t b = qs_num(&r->q, "bucket", 0);

	if (b == 0)
		b = span / GRAPH_POINTS > 0 ? (span + GRAPH_POINTS - 1) /
		    GRAPH_POINTS : 1;
	if (span / b > GRAPH_MAX_BUCKETS) {
		snprintf(err, errlen, "bucket: %llu s makes more than %d "
		    "buckets over the window", (unsigned long long)b,
		    GRAPH_MAX_BUCKETS);
		return -1;
	}
	*out = (unsigned)b;
	return 0;
}

/* The graph request of r; -1 with ws->err. */
static int
graph_req(const struct web_req *r, struct websel *ws,
    struct graph_flows_req *q, int table)
{
	const struct qs *p = &r->q;
	int unit = websel_enum(units, qs_get(p, "unit"));

	memset(q, 0, sizeof(*q));
	if (bucket_s(r, ws, &q->bucket_s, ws->err, sizeof(ws->err)) == -1)
		return -1;
	q->filter = ws->expr;
	q->paths = ws->cs.paths;
	q->npaths = ws->cs.npaths;
	q->ch_url = ws->cs.source;
	q->from_ms = ws->cs.so.from_ms;
	q->to_ms = ws->cs.so.to_ms;
	q->unit = unit < 0 ? 0 : unit;
	q->mult = (double)qs_num(p, "sampling", 1);
	q->width = (unsigned)qs_num(p, "width", 800);
	q->height = (unsigned)qs_num(p, "height", 300);
	q->stack_key = websel_enum(stacks, qs_get(p, "stack"));
	q->stack_n = (unsigned)qs_num(p, "stack_n", 5);
	q->top_n = table && q->stack_key < 0 ?
	    (unsigned)qs_num(p, "top", 10) : 0;
	q->warn = websel_msg;
	q->warn_arg = ws;
	return 0;
}

/* Read the flows; the HTTP status of a failure, or 0. */
static int
compute(struct web_out *o, const struct graph_flows_req *q,
    struct graph_flows_res *res)
{
	char err[512];
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = graph_flows_compute(q, res, err, sizeof(err))) == 0)
		return 0;
	return web_error(o, rc == -2 ? 400 : 500, "%s", err);
}

static int
png(const struct web_req *r, struct web_out *o, struct websel *ws)
{
	struct graph_flows_req q;
	struct graph_flows_res res;
	char err[512];
	int st;

	if (graph_req(r, ws, &q, 0) == -1)
		return web_error(o, 400, "%s", ws->err);
	if ((st = compute(o, &q, &res)) != 0)
		return st;
	st = graph_flows_png(&q, &res, o->fp, err, sizeof(err));
	graph_flows_free(&res);
	if (st != 0)
		return web_error(o, 500, "%s", err);
	o->ctype = "image/png";
	web_out_header(o, "Cache-Control", q.to_ms + GRAPH_SETTLED_MS <
	    r->now_ms ? "public, max-age=86400" : "max-age=60");
	return 200;
}

int
page_graph_png(const struct web_req *r, struct web_out *o)
{
	struct websel ws;
	int st;

	memset(&ws, 0, sizeof(ws));
	if (websel_resolve(&ws, r) == -1)
		st = web_error(o, 400, "%s", ws.err);
	else
		st = png(r, o, &ws);
	websel_free(&ws);
	return st;
}

/* ---------------------------------------------------------------- page */

static void
form(FILE *fp, const struct web_req *r, const struct websel *ws)
{
	static const char *const ut[] = { "bits per second",
	    "packets per second", "flows started per second" };
	static const char *const sv[] = { "", "srcip", "dstip", "srcport",
	    "dstport", NULL };
	static const char *const st[] = { "no", "source addresses",
	    "destination addresses", "source ports", "destination ports" };

	fputs("<form method=\"get\" action=\"", fp);
	web_href(fp, r, "/graph");
	fputs("\">\n", fp);
	websel_form(fp, r, ws);
	fputs("<fieldset><legend>Graph</legend>\n", fp);
	websel_in_select(fp, r, "unit", "Graph", units, ut);
	websel_in_text(fp, r, "bucket", "Bucket (seconds)", "auto");
	websel_in_text(fp, r, "width", "Width", "800");
	websel_in_text(fp, r, "height", "Height", "300");
	websel_in_text(fp, r, "sampling", "Sampling multiplier", "1");
	websel_in_select(fp, r, "stack", "Stack top contributors", sv, st);
	websel_in_text(fp, r, "stack_n", "Contributors", "5");
	websel_in_text(fp, r, "top", "Top flows listed", "10");
	fputs("</fieldset>\n<p><button type=\"submit\">Draw graph</button> "
	    "<a href=\"", fp);
	web_href(fp, r, "/graph");
	fputs("\">reset</a></p>\n</form>\n", fp);
}

static void
picture(FILE *fp, const struct web_req *r, const struct graph_flows_req *q)
{
	char *u = websel_url(r, "/graph.png", NULL);

	if (u == NULL)
		return;
	fputs("<p><img src=\"", fp);
	htmlesc_text(fp, u);
	fprintf(fp, "\" width=\"%u\" height=\"%u\" alt=\"graph\"></p>\n"
	    "<p class=\"note\">Bucket %u s.</p>\n", q->width, q->height,
	    q->bucket_s);
	free(u);
}

/* The graph's part of the page; the status. */
static int
result(const struct web_req *r, struct web_out *o, struct websel *ws)
{
	struct graph_flows_req q;
	struct graph_flows_res res;
	int st;

	if (graph_req(r, ws, &q, 1) == -1)
		return web_error(o, 400, "%s", ws->err);
	if ((st = compute(o, &q, &res)) != 0)
		return st;
	websel_summary(o->fp, r, ws);
	picture(o->fp, r, &q);
	if (q.top_n > 0 || q.stack_key >= 0)
		graph_flows_table(&q, &res, render_find("html"), o->fp);
	graph_flows_free(&res);
	if (ws->mlen > 0) {
		fputs("<pre class=\"warn\">", o->fp);
		htmlesc_text(o->fp, ws->msgs);
		fputs("</pre>\n", o->fp);
	}
	return 200;
}

int
page_graph(const struct web_req *r, struct web_out *o)
{
	struct websel ws;
	int st = 200;

	memset(&ws, 0, sizeof(ws));
	if (websel_resolve(&ws, r) == -1) {
		websel_free(&ws);
		return web_error(o, 400, "%s", ws.err);
	}
	web_page_head(o, r, "Graphs", 0);
	form(o->fp, r, &ws);
	if (qs_get(&r->q, "unit") != NULL)
		st = result(r, o, &ws);
	if (st == 200)
		web_page_foot(o, r);
	websel_free(&ws);
	return st;
}
