/*
 * websel.c - the selection part of the pages that read flows (websel.h).
 */
#define _GNU_SOURCE	/* open_memstream */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/filter.h"
#include "src/htmlesc.h"
#include "websel.h"

const char *const websel_ranges[] = { "15m", "1h", "24h", "7d", NULL };
const char *const websel_rules[] = { "any", "start", "end", "all", NULL };

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

void
websel_msg(void *arg, const char *msg)
{
	struct websel *ws = arg;
	int n;

	if (ws->mlen + 1 >= sizeof(ws->msgs))
		return;
	n = snprintf(ws->msgs + ws->mlen, sizeof(ws->msgs) - ws->mlen,
	    "%s\n", msg);
	if (n > 0)
		ws->mlen += (size_t)n;
	if (ws->mlen >= sizeof(ws->msgs))
		ws->mlen = sizeof(ws->msgs) - 1;
}

int
websel_enum(const char *const *vals, const char *v)
{
	for (int i = 0; v != NULL && vals[i] != NULL; i++)
		if (strcmp(vals[i], v) == 0)
			return i;
	return -1;
}

/* The free expression alone must compile (its own column numbers). */
static int
free_ok(struct websel *ws, const char *free_)
{
	struct filter *f;
	char msg[512];

	if (free_ == NULL)
		return 0;
	if ((f = filter_compile(free_, NULL, msg, sizeof(msg))) == NULL) {
		snprintf(ws->err, sizeof(ws->err), "filter expression: %s",
		    msg);
		return -1;
	}
	filter_free(f);
	return 0;
}

/* The combined filter expression: FlowViewer fields and the free box. */
static int
combine(struct websel *ws, const struct qs *p)
{
	const char *free_ = qs_get(p, "expr");
	struct filter_form form;
	char *fe;
	size_t n;

	memset(&form, 0, sizeof(form));
	for (size_t i = 0; i < NFFIELDS; i++)
		filter_form_set(&form, ffields[i].name,
		    qs_get(p, ffields[i].name));
	filter_form_set(&form, "exporter", qs_get(p, "exporter"));
	if ((fe = filter_form_expr(&form, ws->err, sizeof(ws->err))) == NULL)
		return -1;
	n = strlen(fe) + (free_ != NULL ? strlen(free_) : 0) + 16;
	if (free_ok(ws, free_) == -1 || (ws->expr = malloc(n)) == NULL) {
		if (ws->err[0] == '\0')
			snprintf(ws->err, sizeof(ws->err), "out of memory");
		free(fe);
		return -1;
	}
	if (fe[0] != '\0' && free_ != NULL)
		snprintf(ws->expr, n, "(%s) and (%s)", fe, free_);
	else
		snprintf(ws->expr, n, "%s", fe[0] != '\0' ? fe :
		    free_ != NULL ? free_ : "");
	free(fe);
	return 0;
}

int
websel_resolve(struct websel *ws, const struct web_req *r)
{
	static const char *const rel[] = { "-15m", "-1h", "-24h", "-7d" };
	const struct qs *p = &r->q;
	int ri = websel_enum(websel_ranges, qs_get(p, "range"));
	int rule = websel_enum(websel_rules, qs_get(p, "rule"));
	const char *dev = qs_get(p, "device");

	cmdsel_init(&ws->cs);
	ws->cs.cfg = r->conf != NULL ? r->conf->cfg : NULL;
	if (ri >= 0)
		ws->cs.from = rel[ri];
	else {
		ws->cs.from = qs_get(p, "from");
		ws->cs.to = qs_get(p, "to");
		if (ws->cs.from == NULL && ws->cs.to == NULL)
			ws->cs.from = "-1h";
	}
	if (dev != NULL)
		ws->cs.devices[ws->cs.ndevices++] = dev;
	/* the configuration's source: ClickHouse instead of the trees */
	if (ws->cs.cfg != NULL && ws->cs.cfg->source[0] != '\0' &&
	    cmdsel_set_source(&ws->cs, ws->cs.cfg->source, ws->err,
	    sizeof(ws->err)) == -1)
		return -1;
	ws->cs.so.rule = (enum src_rule)(rule < 0 ? 0 : rule);
	ws->cs.so.warn = websel_msg;
	ws->cs.so.warn_arg = ws;
	if (combine(ws, p) == -1)
		return -1;
	ws->cs.filter_expr = ws->expr[0] != '\0' ? ws->expr : NULL;
	return cmdsel_resolve(&ws->cs, ws->err, sizeof(ws->err));
}

struct src *
websel_open(struct websel *ws)
{
	char err[512];
	struct src *s;

	if ((s = cmdsel_open_err(&ws->cs, err, sizeof(err))) == NULL)
		websel_msg(ws, err);
	return s;
}

void
websel_free(struct websel *ws)
{
	cmdsel_free(&ws->cs);
	free(ws->expr);
	ws->expr = NULL;
}

/* ---------------------------------------------------------------- URLs */

static int
skipped(const char *name, const char *const *skip)
{
	for (; skip != NULL && *skip != NULL; skip++)
		if (strcmp(*skip, name) == 0)
			return 1;
	return 0;
}

char *
websel_url(const struct web_req *r, const char *path,
    const char *const *skip)
{
	char *s = NULL;
	size_t len = 0;
	FILE *fp;
	int first = 1;

	if ((fp = open_memstream(&s, &len)) == NULL)
		return NULL;
	fprintf(fp, "%s%s?", r->conf != NULL && r->conf->script ?
	    r->conf->script : "", path);
	for (unsigned i = 0; i < r->q.n; i++) {
		const struct qs_param *pp = &r->q.p[i];

		if (skipped(pp->key->name, skip))
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

void
websel_in_text(FILE *fp, const struct web_req *r, const char *name,
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

void
websel_in_select(FILE *fp, const struct web_req *r, const char *name,
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
form_devices(FILE *fp, const struct web_req *r)
{
	const struct fk_config *c = r->conf != NULL ? r->conf->cfg : NULL;
	const char *dev = qs_get(&r->q, "device");

	fputs("<label>Device<br><select name=\"device\"><option value=\"\">"
	    "main tree</option>", fp);
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
}

static void
form_source(FILE *fp, const struct web_req *r)
{
	static const char *const rv[] = { "", "15m", "1h", "24h", "7d",
	    NULL };
	static const char *const rt[] = { "from/to (default: last hour)",
	    "last 15 minutes", "last hour", "last 24 hours", "last 7 days" };
	static const char *const ut[] = { "any part in the window",
	    "starts in it", "ends in it", "entirely in it" };

	fputs("<fieldset><legend>Flows</legend>\n", fp);
	form_devices(fp, r);
	websel_in_text(fp, r, "exporter", "Exporters",
	    "192.0.2.1, -192.0.2.9");
	in_time(fp, r, "from", "From");
	in_time(fp, r, "to", "To");
	websel_in_select(fp, r, "range", "Quick range", rv, rt);
	websel_in_select(fp, r, "rule", "Include flow if", websel_rules, ut);
	fputs("</fieldset>\n", fp);
}

void
websel_form(FILE *fp, const struct web_req *r, const struct websel *ws)
{
	const char *e = qs_get(&r->q, "expr");

	form_source(fp, r);
	fputs("<fieldset><legend>Filter</legend>\n<p class=\"note\">Comma "
	    "lists; a leading <code>-</code> excludes; ports take "
	    "<code>a:b</code> ranges.</p>\n", fp);
	for (size_t i = 0; i < NFFIELDS; i++)
		websel_in_text(fp, r, ffields[i].name, ffields[i].label, NULL);
	fputs("<br><label>Filter expression (doc/filters.md), and-ed with "
	    "the fields<br><textarea name=\"expr\" rows=\"2\" cols=\"80\">",
	    fp);
	htmlesc_text(fp, e != NULL ? e : "");
	fputs("</textarea></label>\n", fp);
	if (ws != NULL && ws->cs.filter != NULL) {
		fputs("<p>Compiled filter: <code class=\"expr\">", fp);
		htmlesc_text(fp, filter_text(ws->cs.filter));
		fputs("</code></p>\n", fp);
	}
	fputs("</fieldset>\n", fp);
}

/* ---------------------------------------------------------------- summary */

static void
time_str(uint64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S %Z", &tm) == 0)
		snprintf(buf, len, "@%llu", (unsigned long long)(ms / 1000));
}

void
websel_summary(FILE *fp, const struct web_req *r, const struct websel *ws)
{
	char a[64], b[64];
	const char *dev = qs_get(&r->q, "device");
	unsigned rule = ws->cs.so.rule <= SRC_ALL ? ws->cs.so.rule : 0;

	time_str(ws->cs.so.from_ms, a, sizeof(a));
	time_str(ws->cs.so.to_ms, b, sizeof(b));
	fputs("<table class=\"params\"><tr><td>Device</td><td>", fp);
	htmlesc_text(fp, dev != NULL ? dev : "main tree");
	fprintf(fp, "</td></tr>\n<tr><td>Window</td><td>%s &ndash; %s "
	    "(flows: %s)</td></tr>\n", a, b, websel_rules[rule]);
	fputs("<tr><td>Filter</td><td><code class=\"expr\">", fp);
	htmlesc_text(fp, ws->cs.filter != NULL ? filter_text(ws->cs.filter) :
	    "any");
	fputs("</code></td></tr></table>\n", fp);
}
