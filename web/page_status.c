/*
 * page_status.c - the Status page: what `flowkeep status` shows, as
 * tables: the warnings first (the daemon's own, src/statuswarn.c: an
 * exporter silent, loss above warn-loss, a disk nearly full, kernel
 * drops), then exporters with packets, flows, loss and templates, the
 * listeners and their kernel drops, the directory trees with their open
 * files and disk use, trackings, totals.  The data is the daemon's
 * status-json answer over the control socket of the configuration, read
 * with jsonrd.h; the page reloads itself (meta refresh, refresh=0 stops
 * it).  output=json gives that answer as it is.
 */
#define _GNU_SOURCE	/* open_memstream */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonrd.h"
#include "pages.h"
#include "src/config.h"
#include "src/ctlclient.h"
#include "src/htmlesc.h"

#define STATUS_REFRESH_S	10

static const char *const outputs[] = { "html", "json", NULL };

const struct qs_key page_status_keys[] = {
	{ "refresh", QS_UINT, 4, 0, 3600, NULL },
	{ "output", QS_ENUM, 4, 0, 0, outputs },
	{ NULL, 0, 0, 0, 0, NULL },
};

/* How a cell is shown. */
enum cell {
	C_TEXT,		/* a string, escaped */
	C_NUM,		/* an integer, right-aligned */
	C_BYTES,	/* an integer of bytes, with a unit */
	C_AGO,		/* seconds: "12s ago", "3m05s ago" */
	C_LOSS,		/* an exporter's loss: lost / (seen + lost) */
	C_IDS,		/* an array of numbers, comma separated */
	C_RATE,		/* a number per second, one decimal; "-": not yet */
};

struct column {
	const char	*head;
	const char	*key;
	enum cell	 cell;
};

static const struct column exporter_cols[] = {
	{ "Exporter", "address", C_TEXT }, { "Version", "version", C_NUM },
	{ "Source IDs", "source_ids", C_IDS },
	{ "Packets", "packets", C_NUM }, { "Flows", "flows", C_NUM },
	{ "Flows/s", "flows_per_s", C_RATE },
	{ "Lost flows", "lost", C_NUM },
	{ "Lost packets", "lost_packets", C_NUM },
	{ "Loss", NULL, C_LOSS }, { "Corrupt", "corrupt", C_NUM },
	{ "Templates", "templates", C_NUM }, { "Pending", "pending", C_NUM },
	{ "Sampling 1:", "sampling", C_NUM },
	{ "Last seen", "last_seen_s_ago", C_AGO },
	{ NULL, NULL, 0 },
};

static const struct column listener_cols[] = {
	{ "Address", "address", C_TEXT }, { "Port", "port", C_NUM },
	{ "Datagrams", "datagrams", C_NUM },
	{ "Kernel drops", "kernel_drops", C_NUM },
	{ "Receive buffer", "rcvbuf", C_BYTES },
	{ NULL, NULL, 0 },
};

static const struct column tree_cols[] = {
	{ "Device", "name", C_TEXT }, { "Directory", "directory", C_TEXT },
	{ "Open file", "open_file", C_TEXT },
	{ "Flows in it", "flows_open", C_NUM },
	{ "Files closed", "files_closed", C_NUM },
	{ "Disk", "disk_bytes", C_BYTES },
	{ NULL, NULL, 0 },
};

static const struct column tracking_cols[] = {
	{ "Tracking", "name", C_TEXT }, { "Flows matched", "matched", C_NUM },
	{ "Late flows", "late", C_NUM }, { "Steps written", "steps", C_NUM },
	{ NULL, NULL, 0 },
};

static const char *
socket_path(const struct web_req *r)
{
	/* the status-only socket when there is one (doc/security.md) */
	if (r->conf != NULL && r->conf->cfg != NULL)
		return r->conf->cfg->control_ro[0] != '\0' ?
		    r->conf->cfg->control_ro : r->conf->cfg->control;
	return "var/flowkeepd.sock";
}

static void
put_duration(FILE *fp, uint64_t s)
{
	if (s >= 86400)
		fprintf(fp, "%" PRIu64 "d%02" PRIu64 "h", s / 86400,
		    s % 86400 / 3600);
	else if (s >= 3600)
		fprintf(fp, "%" PRIu64 "h%02" PRIu64 "m", s / 3600,
		    s % 3600 / 60);
	else if (s >= 60)
		fprintf(fp, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
	else
		fprintf(fp, "%" PRIu64 "s", s);
}

static void
put_bytes(FILE *fp, uint64_t b)
{
	static const char *const u[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)b;
	unsigned i = 0;

	while (v >= 1024 && i < 4) {
		v /= 1024;
		i++;
	}
	if (i == 0)
		fprintf(fp, "%" PRIu64 " B", b);
	else
		fprintf(fp, "%.1f %s", v, u[i]);
}

/* v5 counts lost flows, v9 lost packets (sequence gaps). */
static void
put_loss(FILE *fp, const struct jsonrd_val *e)
{
	int v9 = jsonrd_getu(e, "version") >= 9;
	uint64_t seen = jsonrd_getu(e, v9 ? "packets" : "flows");
	uint64_t lost = jsonrd_getu(e, v9 ? "lost_packets" : "lost");

	if (seen + lost == 0)
		fputs("-", fp);
	else
		fprintf(fp, "%.2f %%", 100.0 * (double)lost /
		    (double)(seen + lost));
}

static void
put_cell(FILE *fp, const struct jsonrd_val *row, const struct column *c)
{
	const struct jsonrd_val *v = c->key != NULL ?
	    jsonrd_get(row, c->key) : NULL;
	const char *s = jsonrd_str(v);

	fputs(c->cell == C_TEXT || c->cell == C_IDS ? "<td>" :
	    "<td class=\"num\">", fp);
	switch (c->cell) {
	case C_TEXT:
		htmlesc_text(fp, s != NULL && s[0] != '\0' ? s : "-");
		break;
	case C_NUM:
		htmlesc_text(fp, s != NULL ? s : "-");
		break;
	case C_BYTES:
		put_bytes(fp, jsonrd_u64(v, 0));
		break;
	case C_AGO:
		put_duration(fp, jsonrd_u64(v, 0));
		fputs(" ago", fp);
		break;
	case C_LOSS:
		put_loss(fp, row);
		break;
	case C_RATE:
		if (s != NULL && s[0] >= '0' && s[0] <= '9')
			fprintf(fp, "%.1f", strtod(s, NULL));
		else
			fputs("-", fp);
		break;
	case C_IDS:
		if (jsonrd_len(v) == 0)
			fputs("-", fp);
		for (size_t i = 0; i < jsonrd_len(v); i++) {
			fputs(i > 0 ? "," : "", fp);
			htmlesc_text(fp, jsonrd_str(jsonrd_at(v, i)));
		}
		break;
	}
	fputs("</td>", fp);
}

/* The rows of array a as a table with id, or a line saying none. */
static void
table(FILE *fp, const char *id, const char *title,
    const struct jsonrd_val *a, const struct column *cols)
{
	fprintf(fp, "<h2>%s</h2>\n", title);
	if (jsonrd_len(a) == 0) {
		fprintf(fp, "<p class=\"note\" id=\"no-%s\">None.</p>\n", id);
		return;
	}
	fprintf(fp, "<table class=\"rpt status\" id=\"%s\"><thead><tr>", id);
	for (const struct column *c = cols; c->head != NULL; c++)
		fprintf(fp, "<th%s>%s</th>", c->cell == C_TEXT ||
		    c->cell == C_IDS ? "" : " class=\"num\"", c->head);
	fputs("</tr></thead><tbody>\n", fp);
	for (size_t i = 0; i < jsonrd_len(a); i++) {
		fputs("<tr>", fp);
		for (const struct column *c = cols; c->head != NULL; c++)
			put_cell(fp, jsonrd_at(a, i), c);
		fputs("</tr>\n", fp);
	}
	fputs("</tbody></table>\n", fp);
}

static void
warnings(FILE *fp, const struct jsonrd_val *w)
{
	size_t n = jsonrd_len(w);

	if (n == 0) {
		fputs("<p class=\"ok\" id=\"no-warnings\">No warnings.</p>\n",
		    fp);
		return;
	}
	fprintf(fp, "<div class=\"warnbox\" id=\"warnings\"><b>%zu "
	    "warning%s</b><ul>\n", n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		fputs("<li>", fp);
		htmlesc_text(fp, jsonrd_gets(jsonrd_at(w, i), "text"));
		fputs("</li>\n", fp);
	}
	fputs("</ul></div>\n", fp);
}

/* The daemon line and the refresh switch. */
static void
header(FILE *fp, const struct web_req *r, const struct jsonrd_val *d,
    unsigned refresh)
{
	fputs("<p class=\"note\">flowkeepd ", fp);
	htmlesc_text(fp, jsonrd_gets(d, "version") != NULL ?
	    jsonrd_gets(d, "version") : "?");
	fprintf(fp, ", pid %" PRIu64 ", up ", jsonrd_getu(d, "pid"));
	put_duration(fp, jsonrd_getu(d, "uptime_s"));
	if (refresh > 0) {
		fprintf(fp, ". Reloads every %u s (<a id=\"stop-refresh\" "
		    "href=\"", refresh);
		web_href(fp, r, "/status");
		fputs("?refresh=0\">stop</a>)", fp);
	} else {
		fputs(". Not reloading (<a href=\"", fp);
		web_href(fp, r, "/status");
		fprintf(fp, "\">reload every %u s</a>)", STATUS_REFRESH_S);
	}
	fputs(". <a href=\"", fp);
	web_href(fp, r, "/status");
	fputs("?output=json\">JSON</a></p>\n", fp);
}

static void
totals(FILE *fp, const struct jsonrd_val *root)
{
	static const struct column cols[] = {
		{ "Datagrams", "datagrams", C_NUM }, { "Bytes", "bytes", C_NUM },
		{ "Flows", "flows", C_NUM },
		{ "Flows/s", "flows_per_s", C_RATE },
		{ "Datagrams/s", "datagrams_per_s", C_RATE },
		{ "Corrupt", "corrupt", C_NUM },
		{ "Refused", "refused", C_NUM },
		{ "Kernel drops", "kernel_drops", C_NUM },
		{ "Disk", "disk_bytes", C_BYTES }, { NULL, NULL, 0 },
	};
	const struct jsonrd_val *t = jsonrd_get(root, "totals");

	fputs("<h2>Totals</h2>\n<table class=\"rpt status\" id=\"totals\">"
	    "<thead><tr>", fp);
	for (const struct column *c = cols; c->head != NULL; c++)
		fprintf(fp, "<th class=\"num\">%s</th>", c->head);
	fputs("</tr></thead><tbody><tr>", fp);
	for (const struct column *c = cols; c->head != NULL; c++)
		put_cell(fp, t, c);
	fputs("</tr></tbody></table>\n", fp);
}

static int
html_page(const struct web_req *r, struct web_out *o, const char *text,
    size_t len)
{
	unsigned refresh = (unsigned)qs_num(&r->q, "refresh",
	    STATUS_REFRESH_S);
	const struct jsonrd_val *root;
	struct jsonrd *j;
	char err[256];

	if ((j = jsonrd_parse(text, len, err, sizeof(err))) == NULL)
		return web_error(o, 502, "flowkeepd's status answer is not "
		    "JSON: %s", err);
	root = jsonrd_root(j);
	web_page_head(o, r, "Status", refresh);
	header(o->fp, r, jsonrd_get(root, "daemon"), refresh);
	warnings(o->fp, jsonrd_get(root, "warnings"));
	table(o->fp, "exporters", "Exporters", jsonrd_get(root, "exporters"),
	    exporter_cols);
	table(o->fp, "listeners", "Listeners", jsonrd_get(root, "listeners"),
	    listener_cols);
	table(o->fp, "trees", "Directory trees", jsonrd_get(root, "devices"),
	    tree_cols);
	table(o->fp, "trackings", "Trackings", jsonrd_get(root, "trackings"),
	    tracking_cols);
	if (jsonrd_getu(root, "rrd_errors") > 0)
		fprintf(o->fp, "<p class=\"warn\">%" PRIu64 " RRD writes "
		    "failed (see the log)</p>\n", jsonrd_getu(root,
		    "rrd_errors"));
	totals(o->fp, root);
	web_page_foot(o, r);
	jsonrd_free(j);
	return 200;
}

int
page_status(const struct web_req *r, struct web_out *o)
{
	const char *out = qs_get(&r->q, "output");
	int json = out != NULL && strcmp(out, "json") == 0;
	char err[1024], *text = NULL;
	size_t len = 0;
	FILE *fp;
	int rc;

	if ((fp = open_memstream(&text, &len)) == NULL)
		return web_error(o, 500, "out of memory");
	rc = ctlclient_request(socket_path(r), CTL_STATUS_JSON, fp, err,
	    sizeof(err));
	fclose(fp);
	if (rc == -1) {
		free(text);
		return web_error(o, 503, "%s", err);
	}
	web_out_header(o, "Cache-Control", "no-store");
	if (json) {
		o->ctype = "application/json; charset=utf-8";
		fwrite(text, 1, len, o->fp);
		rc = 200;
	} else
		rc = html_page(r, o, text != NULL ? text : "", len);
	free(text);
	return rc;
}
