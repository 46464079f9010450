/*
 * page_tgroup.c - tracking groups (group.h) and the dashboard on the web:
 *
 *   GET  /group[?name=N]       a group's period graphs and its editor; a
 *                              new group's form without a name
 *   GET  /group.png?name=N     its graph: period, width, height, unit
 *   POST /group/save           name, title, unit, m1..m16 (members, in
 *                              stacking order), s1..s16 (above|below),
 *                              create
 *   POST /group/remove         name
 *   GET  /dashboard            the chosen graphs
 *   POST /dashboard/add        kind=track|group, name
 *   POST /dashboard/remove     kind=track|group, name
 *
 * Groups are the files `flowkeep group` writes (grp_save: a temporary
 * file and a rename); members must be active trackings.  The dashboard
 * is TRACKDIR/.dashboard, a line "track NAME" or "group NAME" per graph
 * (a dot name: never taken for a tracking).  flowkeepd does not read
 * either, so no reload is asked.
 */
#define _GNU_SOURCE

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pages.h"
#include "ptrack.h"
#include "src/group.h"
#include "src/htmlesc.h"

#define DASH_MAX	64
#define FORM_ROWS	8

static const char *const units[] = { "bits", "packets", "flows", NULL };
static const char *const sides[] = { "above", "below", NULL };
static const char *const kinds[] = { "track", "group", NULL };

#define NAME_KEY	{ "name", QS_NAME, GRP_NAMELEN - 1, 0, 0, NULL }
#define CSRF_KEY	{ "csrf", QS_NAME, WEB_CSRF_LEN, 0, 0, NULL }
#define MEMBER(n)	{ "m" #n, QS_NAME, GRP_NAMELEN - 1, 0, 0, NULL }, \
			{ "s" #n, QS_ENUM, 5, 0, 0, sides }

const struct qs_key page_group_keys[] = {
	NAME_KEY,
	{ "done", QS_ENUM, 10, 0, 0, ptrack_dones },
	{ NULL, 0, 0, 0, 0, NULL },
};

const struct qs_key page_group_save_keys[] = {
	CSRF_KEY,
	NAME_KEY,
	{ "title", QS_TEXT, 200, 0, 0, NULL },
	{ "unit", QS_ENUM, 8, 0, 0, units },
	{ "create", QS_BOOL, 5, 0, 0, NULL },
	MEMBER(1), MEMBER(2), MEMBER(3), MEMBER(4), MEMBER(5), MEMBER(6),
	MEMBER(7), MEMBER(8), MEMBER(9), MEMBER(10), MEMBER(11), MEMBER(12),
	MEMBER(13), MEMBER(14), MEMBER(15), MEMBER(16),
	{ NULL, 0, 0, 0, 0, NULL },
};

const struct qs_key page_group_name_keys[] = {
	CSRF_KEY,
	NAME_KEY,
	{ NULL, 0, 0, 0, 0, NULL },
};

const struct qs_key page_dashboard_keys[] = {
	{ "done", QS_ENUM, 10, 0, 0, ptrack_dones },
	{ NULL, 0, 0, 0, 0, NULL },
};

const struct qs_key page_dashboard_post_keys[] = {
	CSRF_KEY,
	NAME_KEY,
	{ "kind", QS_ENUM, 5, 0, 0, kinds },
	{ NULL, 0, 0, 0, 0, NULL },
};

static void
group_path(const struct web_req *r, const char *name, char *buf, size_t len)
{
	char dir[4096];

	ptrack_group_dir(r, dir, sizeof(dir));
	snprintf(buf, len, "%s/%s", dir, name);
}

static int
group_exists(const struct web_req *r, const char *name)
{
	char p[4300];

	group_path(r, name, p, sizeof(p));
	return access(p, F_OK) == 0;
}

int
page_group_png(const struct web_req *r, struct web_out *o)
{
	return ptrack_png(r, o, 1);
}

/* ---------------------------------------------------------------- group */

static void
member_row(FILE *fp, unsigned i, char **names, size_t n,
    const struct grp_member *m)
{
	fprintf(fp, "<tr><td>%u</td><td><select name=\"m%u\" aria-label="
	    "\"member %u\"><option value=\"\">&mdash;</option>", i, i, i);
	for (size_t k = 0; k < n; k++) {
		fputs("<option value=\"", fp);
		htmlesc_text(fp, names[k]);
		fprintf(fp, "\"%s>", m != NULL && strcmp(m->name, names[k]) ==
		    0 ? " selected" : "");
		htmlesc_text(fp, names[k]);
		fputs("</option>", fp);
	}
	fprintf(fp, "</select></td><td><select name=\"s%u\" aria-label="
	    "\"side %u\"><option value=\"above\">above</option><option "
	    "value=\"below\"%s>below</option></select></td></tr>\n", i, i,
	    m != NULL && m->below ? " selected" : "");
}

static void
group_form(FILE *fp, const struct web_req *r, const char *csrf,
    const char *name, const struct grp *g)
{
	char dir[4096];
	char **names;
	size_t n;
	unsigned rows = g != NULL && g->n + 3 > FORM_ROWS ? g->n + 3 :
	    FORM_ROWS;

	if (rows > GRP_MAX)
		rows = GRP_MAX;
	ptrack_path(r, 0, NULL, dir, sizeof(dir));
	names = ptrack_names(dir, &n);
	if (name != NULL)
		fputs("<h2>Edit</h2>\n", fp);
	fputs("<form method=\"post\" class=\"trk\" id=\"group-edit\" "
	    "action=\"", fp);
	web_href(fp, r, "/group/save");
	fputs("\">", fp);
	ptrack_hidden(fp, csrf, name);
	if (name == NULL)
		fprintf(fp, "<input type=\"hidden\" name=\"create\" "
		    "value=\"1\">\n<label>Name <input type=\"text\" "
		    "name=\"name\" required maxlength=\"%d\" pattern="
		    "\"[A-Za-z0-9_-][A-Za-z0-9._-]*\"></label>\n",
		    GRP_NAMELEN - 1);
	fputs("<label>Title <input type=\"text\" name=\"title\" size=\"50\" "
	    "maxlength=\"200\" value=\"", fp);
	if (g != NULL)
		htmlesc_text(fp, g->title);
	fputs("\"></label>\n<label>Unit <select name=\"unit\">", fp);
	for (int i = 0; units[i] != NULL; i++)
		fprintf(fp, "<option%s>%s</option>", g != NULL && g->unit == i ?
		    " selected" : "", units[i]);
	fputs("</select></label>\n<table class=\"rpt members\"><thead><tr>"
	    "<th>#</th><th>Tracking</th><th>Side</th></tr></thead><tbody>\n",
	    fp);
	for (unsigned i = 0; i < rows; i++)
		member_row(fp, i + 1, names, n, g != NULL && i < g->n ?
		    &g->m[i] : NULL);
	fputs("</tbody></table>\n<p class=\"note\">Members stack in this "
	    "order away from the axis, above or below it.</p>\n"
	    "<p><button type=\"submit\">Save group</button></p>\n</form>\n",
	    fp);
	ptrack_names_free(names, n);
}

int
page_group(const struct web_req *r, struct web_out *o)
{
	static const char *const periods[] = { "day", "week", "month",
	    "year", "3y" };
	static const char *const titles[] = { "24 hours", "7 days",
	    "4 weeks", "12 months", "3 years" };
	const char *name = qs_get(&r->q, "name");
	char csrf[WEB_CSRF_LEN + 1], path[4300], err[1024];
	char title[GRP_NAMELEN + 16];
	struct grp g;
	FILE *fp = o->fp;

	if (name != NULL && !grp_name_ok(name))
		return web_error(o, 400, "name: letters, digits, - _ . (not "
		    "first)");
	memset(&g, 0, sizeof(g));
	if (name != NULL) {
		group_path(r, name, path, sizeof(path));
		if (access(path, F_OK) != 0)
			return web_error(o, 404, "no group %s", name);
		if (grp_load(path, &g, err, sizeof(err)) == -1)
			return web_error(o, 500, "%s", err);
	}
	if (web_csrf_token(r, o, csrf) == -1)
		return web_error(o, 500, "no random bytes for the form token");
	web_out_header(o, "Cache-Control", "no-store");
	snprintf(title, sizeof(title), "Group %s", name != NULL ? name : "");
	web_page_head(o, r, name != NULL ? title : "New group", 0);
	ptrack_done_line(fp, r);
	ptrack_ro_note(fp, r);
	fputs("<p class=\"note\"><a href=\"", fp);
	web_href(fp, r, "/trackings");
	fputs("\">&larr; all trackings</a></p>\n", fp);
	if (name == NULL) {
		group_form(fp, r, csrf, NULL, NULL);
		web_page_foot(o, r);
		return 200;
	}
	if (g.title[0] != '\0') {
		fputs("<p>", fp);
		htmlesc_text(fp, g.title);
		fputs("</p>\n", fp);
	}
	fputs("<div class=\"graphs\">\n", fp);
	for (int i = 0; i < 5; i++) {
		fprintf(fp, "<figure class=\"period\"><figcaption>%s"
		    "</figcaption>", titles[i]);
		ptrack_img(fp, r, "/group.png", name, 0, periods[i], 700, 200);
		fputs("</figure>\n", fp);
	}
	fputs("</div>\n", fp);
	group_form(fp, r, csrf, name, &g);
	fputs("<h2>More</h2>\n<p>", fp);
	ptrack_button(fp, r, csrf, "/dashboard/add", name,
	    "<input type=\"hidden\" name=\"kind\" value=\"group\">",
	    "Add to dashboard", NULL);
	fputs(" ", fp);
	ptrack_button(fp, r, csrf, "/group/remove", name, NULL,
	    "Remove group", "Remove this group? Its trackings stay.");
	fputs("</p>\n", fp);
	web_page_foot(o, r);
	return 200;
}

int
page_group_save(const struct web_req *r, struct web_out *o)
{
	const char *name = qs_get(&r->q, "name");
	const char *title = qs_get(&r->q, "title"), *u = qs_get(&r->q, "unit");
	int create = (int)qs_num(&r->q, "create", 0), st;
	char path[4300], dir[4096], err[1024], key[8];
	struct grp_member m;
	struct grp g;

	if ((st = ptrack_refuse_ro(r, o)) != 0)
		return st;
	if (name == NULL || !grp_name_ok(name))
		return web_error(o, 400, "name: required: letters, digits, "
		    "- _ . (not first)");
	if (!ptrack_one_line(title))
		return web_error(o, 400, "title: one line");
	if (create && group_exists(r, name))
		return web_error(o, 400, "name: a group %s exists already",
		    name);
	if (!create && !group_exists(r, name))
		return web_error(o, 404, "no group %s", name);
	memset(&g, 0, sizeof(g));
	if (title != NULL)
		snprintf(g.title, sizeof(g.title), "%s", title);
	for (int i = 0; u != NULL && units[i] != NULL; i++)
		if (strcmp(u, units[i]) == 0)
			g.unit = i;
	for (int i = 1; i <= GRP_MAX; i++) {
		const char *mn, *side;

		snprintf(key, sizeof(key), "m%d", i);
		if ((mn = qs_get(&r->q, key)) == NULL)
			continue;
		snprintf(key, sizeof(key), "s%d", i);
		side = qs_get(&r->q, key);
		if (!grp_name_ok(mn) || !ptrack_exists(r, 0, mn))
			return web_error(o, 400, "m%d: no tracking %s", i, mn);
		memset(&m, 0, sizeof(m));
		snprintf(m.name, sizeof(m.name), "%s", mn);
		m.below = side != NULL && strcmp(side, "below") == 0;
		if (grp_member_add(&g, &m, err, sizeof(err)) == -1)
			return web_error(o, 400, "m%d: %s", i, err);
	}
	if (g.n == 0)
		return web_error(o, 400, "m1: a group needs a member");
	ptrack_group_dir(r, dir, sizeof(dir));
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return web_error(o, 500, "%s: %s", dir, strerror(errno));
	group_path(r, name, path, sizeof(path));
	if (grp_save(path, &g, err, sizeof(err)) == -1)
		return web_error(o, 500, "%s", err);
	ptrack_redirect(r, o, "/group", name, 0, "group", NULL);
	return 303;
}

int
page_group_remove(const struct web_req *r, struct web_out *o)
{
	const char *name = qs_get(&r->q, "name");
	char path[4300];
	int st;

	if ((st = ptrack_refuse_ro(r, o)) != 0)
		return st;
	if (name == NULL || !grp_name_ok(name))
		return web_error(o, 400, "name: required");
	if (!group_exists(r, name))
		return web_error(o, 404, "no group %s", name);
	group_path(r, name, path, sizeof(path));
	if (unlink(path) != 0)
		return web_error(o, 500, "%s: %s", path, strerror(errno));
	ptrack_redirect(r, o, "/trackings", NULL, 0, "grouprm", NULL);
	return 303;
}

/* ---------------------------------------------------------------- dashboard */

struct dash {
	int		 n;
	int		 group[DASH_MAX];
	char		 name[DASH_MAX][GRP_NAMELEN];
};

static void
dash_path(const struct web_req *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s/.dashboard", ptrack_dir(r));
}

/* Read the dashboard; lines that are not "track|group NAME" are skipped. */
static void
dash_read(const struct web_req *r, struct dash *d)
{
	char path[4200], line[512], kind[8], name[GRP_NAMELEN + 1];
	FILE *fp;

	d->n = 0;
	dash_path(r, path, sizeof(path));
	if ((fp = fopen(path, "r")) == NULL)
		return;
	while (d->n < DASH_MAX && fgets(line, sizeof(line), fp) != NULL) {
		if (sscanf(line, "%7s %128s", kind, name) != 2 ||
		    !grp_name_ok(name) || (strcmp(kind, "track") != 0 &&
		    strcmp(kind, "group") != 0))
			continue;
		d->group[d->n] = strcmp(kind, "group") == 0;
		snprintf(d->name[d->n], GRP_NAMELEN, "%.127s", name);
		d->n++;
	}
	fclose(fp);
}

static int
dash_write(const struct web_req *r, const struct dash *d, char *err,
    size_t errlen)
{
	char path[4200], tmp[4300];
	FILE *fp;

	dash_path(r, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	if (mkdir(ptrack_dir(r), 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%.900s: %s", ptrack_dir(r),
		    strerror(errno));
		return -1;
	}
	if ((fp = fopen(tmp, "w")) == NULL) {
		snprintf(err, errlen, "%.900s: %s", tmp, strerror(errno));
		return -1;
	}
	for (int i = 0; i < d->n; i++)
		fprintf(fp, "%s %s\n", kinds[d->group[i]], d->name[i]);
	if (fclose(fp) != 0 || rename(tmp, path) != 0) {
		snprintf(err, errlen, "%.900s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
dash_find(const struct dash *d, int group, const char *name)
{
	for (int i = 0; i < d->n; i++)
		if (d->group[i] == group && strcmp(d->name[i], name) == 0)
			return i;
	return -1;
}

int
page_dashboard(const struct web_req *r, struct web_out *o)
{
	char csrf[WEB_CSRF_LEN + 1];
	struct dash *d;
	FILE *fp = o->fp;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return web_error(o, 500, "out of memory");
	if (web_csrf_token(r, o, csrf) == -1) {
		free(d);
		return web_error(o, 500, "no random bytes for the form token");
	}
	dash_read(r, d);
	web_out_header(o, "Cache-Control", "no-store");
	web_page_head(o, r, "Dashboard", 300);
	ptrack_done_line(fp, r);
	ptrack_ro_note(fp, r);
	if (d->n == 0)
		fputs("<p class=\"note\" id=\"no-dashboard\">No graphs yet: "
		    "add them with <em>Add to dashboard</em> on a tracking's "
		    "or a group's page.</p>\n", fp);
	else
		fputs("<div class=\"graphs\" id=\"dashboard\">\n", fp);
	for (int i = 0; i < d->n; i++) {
		const char *page = d->group[i] ? "/group" : "/tracking";
		int ok = d->group[i] ? group_exists(r, d->name[i]) :
		    ptrack_exists(r, 0, d->name[i]);

		fputs("<figure class=\"period\"><figcaption><a href=\"", fp);
		web_href(fp, r, page);
		fputs("?name=", fp);
		htmlesc_url_attr(fp, d->name[i]);
		fprintf(fp, "\">%s ", d->group[i] ? "group" : "tracking");
		htmlesc_text(fp, d->name[i]);
		fputs("</a> ", fp);
		ptrack_button(fp, r, csrf, "/dashboard/remove", d->name[i],
		    d->group[i] ? "<input type=\"hidden\" name=\"kind\" "
		    "value=\"group\">" : "<input type=\"hidden\" name=\"kind\" "
		    "value=\"track\">", "remove", NULL);
		fputs("</figcaption>", fp);
		if (ok)
			ptrack_img(fp, r, d->group[i] ? "/group.png" :
			    "/track.png", d->name[i], 0, "day", 700, 200);
		else
			fputs("<p class=\"error\">gone (archived or "
			    "removed)</p>", fp);
		fputs("</figure>\n", fp);
	}
	if (d->n > 0)
		fputs("</div>\n", fp);
	free(d);
	web_page_foot(o, r);
	return 200;
}

static int
dash_change(const struct web_req *r, struct web_out *o, int add)
{
	const char *name = qs_get(&r->q, "name"), *kind = qs_get(&r->q, "kind");
	char err[1024];
	struct dash *d;
	int group, i, st;

	if ((st = ptrack_refuse_ro(r, o)) != 0)
		return st;
	if (name == NULL || !grp_name_ok(name))
		return web_error(o, 400, "name: required");
	if (kind == NULL)
		return web_error(o, 400, "kind: required (track or group)");
	group = strcmp(kind, "group") == 0;
	if (add && !(group ? group_exists(r, name) : ptrack_exists(r, 0,
	    name)))
		return web_error(o, 404, "no %s %s", group ? "group" :
		    "tracking", name);
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return web_error(o, 500, "out of memory");
	dash_read(r, d);
	i = dash_find(d, group, name);
	if (add && i < 0) {
		if (d->n == DASH_MAX) {
			free(d);
			return web_error(o, 400, "the dashboard holds %d "
			    "graphs at most", DASH_MAX);
		}
		d->group[d->n] = group;
		snprintf(d->name[d->n], GRP_NAMELEN, "%.127s", name);
		d->n++;
	} else if (!add && i >= 0) {
		memmove(&d->group[i], &d->group[i + 1], (size_t)(d->n - i - 1) *
		    sizeof(d->group[0]));
		memmove(d->name[i], d->name[i + 1], (size_t)(d->n - i - 1) *
		    sizeof(d->name[0]));
		d->n--;
	} else if (!add) {
		free(d);
		return web_error(o, 404, "%s is not on the dashboard", name);
	}
	st = dash_write(r, d, err, sizeof(err));
	free(d);
	if (st == -1)
		return web_error(o, 500, "%s", err);
	ptrack_redirect(r, o, "/dashboard", NULL, 0, add ? "added" :
	    "dropped", NULL);
	return 303;
}

int
page_dashboard_add(const struct web_req *r, struct web_out *o)
{
	return dash_change(r, o, 1);
}

int
page_dashboard_remove(const struct web_req *r, struct web_out *o)
{
	return dash_change(r, o, 0);
}
