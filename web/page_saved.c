/*
 * page_saved.c - the Saved page: saved reports (a Reports page query
 * string under a name) and saved filters (a filter expression under a
 * name), kept by saved.h in the configuration's saved-dir, where `@NAME`
 * and `flowkeep filter --named-dir` find the filters too.
 *
 *   GET  /saved          both lists; open links, delete buttons, a form
 *                        to save a filter
 *   POST /saved/save     kind=report&name=N&query=Q or
 *                        kind=filter&name=N&expr=E (CSRF token)
 *   POST /saved/delete   kind=report|filter&name=N (CSRF token)
 *
 * A saved report opens as /report?Q, a saved filter as /report?expr=E
 * (its text in the filter box).  What is saved is checked first: the
 * query against the Reports page's whitelist, the expression by
 * compiling it; a bad one is a 400 and nothing is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pages.h"
#include "src/config.h"
#include "src/filter.h"
#include "src/htmlesc.h"
#include "src/saved.h"

/* What a percent-encoded query string is made of. */
#define URLCHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789-._~%&=+"

static const char *const kinds[] = { "filter", "report", NULL };

const struct qs_key page_saved_keys[] = {
	{ NULL, 0, 0, 0, 0, NULL },
};

const struct qs_key page_saved_post_keys[] = {
	{ "csrf", QS_NAME, WEB_CSRF_LEN, 0, 0, NULL },
	{ "kind", QS_ENUM, 6, 0, 0, kinds },
	{ "name", QS_NAME, SAVED_NAME_MAX, 0, 0, NULL },
	{ "query", QS_TEXT, QS_MAX_LEN / 2, 0, 0, NULL },
	{ "expr", QS_TEXT, 8192, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const char *
saved_dir(const struct web_req *r)
{
	if (r->conf != NULL && r->conf->cfg != NULL &&
	    r->conf->cfg->saveddir[0] != '\0')
		return r->conf->cfg->saveddir;
	return "var/saved";
}

/* ---------------------------------------------------------------- list */

static void
delete_button(FILE *fp, const struct web_req *r, const char *csrf,
    const char *kind, const char *name)
{
	fputs("<form method=\"post\" class=\"inline\" action=\"", fp);
	web_href(fp, r, "/saved/delete");
	fprintf(fp, "\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"kind\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"name\" value=\"", csrf, kind);
	htmlesc_text(fp, name);
	fputs("\"><button type=\"submit\">delete</button></form>", fp);
}

/* One row: name, text, open link, delete button. */
static void
row(FILE *fp, const struct web_req *r, const char *csrf,
    enum saved_kind k, const char *name, const char *text)
{
	fputs("<tr><td>", fp);
	htmlesc_text(fp, name);
	fputs("</td><td><code class=\"expr\">", fp);
	htmlesc_text(fp, text);
	fputs("</code></td><td><a class=\"open\" href=\"", fp);
	web_href(fp, r, "/report");
	if (k == SAVED_REPORT) {
		fputc('?', fp);
		htmlesc_text(fp, text);
	} else {
		fputs("?expr=", fp);
		htmlesc_url_attr(fp, text);
	}
	fputs("\">open</a></td><td>", fp);
	delete_button(fp, r, csrf, kinds[k == SAVED_REPORT], name);
	fputs("</td></tr>\n", fp);
}

static void
list(FILE *fp, const struct web_req *r, const char *csrf, enum saved_kind k)
{
	const char *dir = saved_dir(r);
	char err[256], *text;
	size_t n;
	char **v = saved_list(dir, k, &n);

	fprintf(fp, "<h2>Saved %ss</h2>\n", kinds[k == SAVED_REPORT]);
	if (n == 0) {
		fprintf(fp, "<p class=\"note\" id=\"no-%ss\">None yet.</p>\n",
		    kinds[k == SAVED_REPORT]);
		saved_list_free(v, n);
		return;
	}
	fprintf(fp, "<table class=\"rpt saved\" id=\"saved-%ss\"><thead><tr>"
	    "<th>Name</th><th>%s</th><th></th><th></th></tr></thead>"
	    "<tbody>\n", kinds[k == SAVED_REPORT], k == SAVED_REPORT ?
	    "Parameters" : "Expression");
	for (size_t i = 0; i < n; i++) {
		if ((text = saved_read(dir, k, v[i], err, sizeof(err))) ==
		    NULL)
			continue;
		row(fp, r, csrf, k, v[i], text);
		free(text);
	}
	fputs("</tbody></table>\n", fp);
	saved_list_free(v, n);
}

static void
filter_form(FILE *fp, const struct web_req *r, const char *csrf)
{
	fputs("<h2>Save a filter</h2>\n<form method=\"post\" action=\"", fp);
	web_href(fp, r, "/saved/save");
	fprintf(fp, "\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"kind\" value=\"filter\">\n"
	    "<label>Name<br><input type=\"text\" name=\"name\" "
	    "maxlength=\"%d\" pattern=\"[A-Za-z0-9_-][A-Za-z0-9._-]*\">"
	    "</label><br>\n<label>Filter expression (doc/filters.md)<br>"
	    "<textarea name=\"expr\" rows=\"2\" cols=\"80\"></textarea>"
	    "</label>\n<p><button type=\"submit\">Save filter</button></p>"
	    "\n</form>\n", csrf, SAVED_NAME_MAX);
}

/* The page, with a line saying what was just done (msg, escaped). */
static int
list_page(const struct web_req *r, struct web_out *o, const char *msg)
{
	char csrf[WEB_CSRF_LEN + 1];

	if (web_csrf_token(r, o, csrf) == -1)
		return web_error(o, 500, "no random bytes for the form token");
	web_out_header(o, "Cache-Control", "no-store");
	web_page_head(o, r, "Saved reports and filters", 0);
	if (msg != NULL) {
		fputs("<p class=\"done\">", o->fp);
		htmlesc_text(o->fp, msg);
		fputs("</p>\n", o->fp);
	}
	list(o->fp, r, csrf, SAVED_REPORT);
	list(o->fp, r, csrf, SAVED_FILTER);
	filter_form(o->fp, r, csrf);
	fprintf(o->fp, "<p class=\"note\">Stored in <code>");
	htmlesc_text(o->fp, saved_dir(r));
	fputs("</code>; a saved filter is also <code>@NAME</code> in a "
	    "filter expression of the CLI (<code>--named-dir "
	    "SAVED-DIR/filters</code>).</p>\n", o->fp);
	web_page_foot(o, r);
	return 200;
}

int
page_saved(const struct web_req *r, struct web_out *o)
{
	return list_page(r, o, NULL);
}

/* ---------------------------------------------------------------- save */

/* The text to save for kind k, checked; NULL with a 400 on o. */
static const char *
checked_text(const struct web_req *r, struct web_out *o, enum saved_kind k,
    int *st)
{
	const char *t = qs_get(&r->q, k == SAVED_REPORT ? "query" : "expr");
	char err[512], dir[4096];
	struct qs *q;
	struct filter *f;

	if (t == NULL) {
		*st = web_error(o, 400, "%s: required to save a %s",
		    k == SAVED_REPORT ? "query" : "expr", kinds[k ==
		    SAVED_REPORT]);
		return NULL;
	}
	if (k == SAVED_REPORT) {
		if ((q = malloc(sizeof(*q))) == NULL) {
			*st = web_error(o, 500, "out of memory");
			return NULL;
		}
		if (qs_parse(q, t, strlen(t), page_report_keys, err,
		    sizeof(err)) == -1) {
			free(q);
			*st = web_error(o, 400, "query: %s", err);
			return NULL;
		}
		free(q);
		if (t[strspn(t, URLCHARS)] != '\0') {
			*st = web_error(o, 400, "query: not a percent-encoded "
			    "query string");
			return NULL;
		}
		return t;
	}
	if (saved_path(saved_dir(r), SAVED_FILTER, NULL, dir,
	    sizeof(dir)) == -1 ||
	    (f = filter_compile(t, dir, err, sizeof(err))) == NULL) {
		*st = web_error(o, 400, "expr: %s", err);
		return NULL;
	}
	filter_free(f);
	return t;
}

/* kind and name, both required. */
static int
kind_name(const struct web_req *r, struct web_out *o, enum saved_kind *k,
    const char **name)
{
	const char *kind = qs_get(&r->q, "kind");

	*name = qs_get(&r->q, "name");
	if (kind == NULL)
		return web_error(o, 400, "kind: required (report or filter)");
	if (*name == NULL || !saved_name_ok(*name))
		return web_error(o, 400, "name: required: letters, digits, "
		    "_ - . (not first), at most %d", SAVED_NAME_MAX);
	*k = strcmp(kind, "report") == 0 ? SAVED_REPORT : SAVED_FILTER;
	return 0;
}

int
page_saved_save(const struct web_req *r, struct web_out *o)
{
	char err[512], msg[160];
	const char *name, *text;
	enum saved_kind k;
	int st = 0;

	if ((st = kind_name(r, o, &k, &name)) != 0)
		return st;
	if ((text = checked_text(r, o, k, &st)) == NULL)
		return st;
	if (saved_write(saved_dir(r), k, name, text, strlen(text), err,
	    sizeof(err)) == -1)
		return web_error(o, 500, "%s", err);
	snprintf(msg, sizeof(msg), "Saved %s %s.", kinds[k == SAVED_REPORT],
	    name);
	return list_page(r, o, msg);
}

int
page_saved_delete(const struct web_req *r, struct web_out *o)
{
	char err[512], msg[160];
	const char *name;
	enum saved_kind k;
	int st;

	if ((st = kind_name(r, o, &k, &name)) != 0)
		return st;
	if (saved_remove(saved_dir(r), k, name, err, sizeof(err)) == -1)
		return web_error(o, 404, "%s", err);
	snprintf(msg, sizeof(msg), "Deleted %s %s.", kinds[k == SAVED_REPORT],
	    name);
	return list_page(r, o, msg);
}

/* ---------------------------------------------------------------- form */

void
page_saved_form(FILE *fp, const struct web_req *r, struct web_out *o,
    const char *query, const char *expr)
{
	char csrf[WEB_CSRF_LEN + 1];

	if (web_csrf_token(r, o, csrf) == -1)
		return;
	fputs("<form method=\"post\" class=\"save\" action=\"", fp);
	web_href(fp, r, "/saved/save");
	fprintf(fp, "\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"query\" value=\"", csrf);
	htmlesc_text(fp, query);
	fputs("\">", fp);
	if (expr != NULL && expr[0] != '\0') {
		fputs("<input type=\"hidden\" name=\"expr\" value=\"", fp);
		htmlesc_text(fp, expr);
		fputs("\">", fp);
	}
	fprintf(fp, "<label>Save as <input type=\"text\" name=\"name\" "
	    "maxlength=\"%d\" pattern=\"[A-Za-z0-9_-][A-Za-z0-9._-]*\" "
	    "required></label> <button type=\"submit\" name=\"kind\" "
	    "value=\"report\">Save report</button>", SAVED_NAME_MAX);
	if (expr != NULL && expr[0] != '\0')
		fputs(" <button type=\"submit\" name=\"kind\" "
		    "value=\"filter\">Save filter</button>", fp);
	fputs(" <a href=\"", fp);
	web_href(fp, r, "/saved");
	fputs("\">saved&hellip;</a></form>\n", fp);
}
