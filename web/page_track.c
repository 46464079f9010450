/*
 * page_track.c - the Trackings pages (FlowTracker's): the list of
 * trackings with thumbnail graphs, a tracking's page with its period
 * graphs, definition, alert rules and history and notes, and the forms
 * that change them.  Trackings are the definition files of the tracking
 * directory (livetrack.h), the ones `flowkeep track` writes; this page
 * writes them the same way (a temporary file renamed over the old one)
 * and then asks flowkeepd to reload through its control socket, as the
 * CLI does.  Groups and the dashboard are in page_tgroup.c.
 *
 *   GET  /trackings            list (active, groups, archived), new form
 *   GET  /tracking?name=N      one tracking ([&archived=1] from .archive)
 *   GET  /track.png?name=N     its graph: period, width, height, unit
 *   POST /tracking/save        name, filter, multiplier, notes, create
 *   POST /tracking/archive     name
 *   POST /tracking/restore     name
 *   POST /tracking/remove      name (an archived one: its definition)
 *   POST /tracking/note        name, text, at
 *   POST /tracking/alerts      name, alert1..alert4
 *
 * Every POST carries the CSRF token (web.h) and answers 303 to the page
 * to look at next; a bad field is a 400 and nothing is written.  Names
 * are grp_name_ok() names (letters, digits, - _ ., not starting with
 * '.'), so no path leaves the tracking directory; the web never writes
 * an alert-command line (it runs a shell command) and keeps the ones a
 * definition has.
 */
#define _GNU_SOURCE

#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gd.h>
#include <gdfontmb.h>
#include <gdfonts.h>

#include "pages.h"
#include "ptrack.h"
#include "src/alert.h"
#include "src/backfill.h"
#include "src/config.h"
#include "src/ctlclient.h"
#include "src/filter.h"
#include "src/graph.h"
#include "src/group.h"
#include "src/htmlesc.h"
#include "src/timearg.h"

#define TRK_LINE	4096
#define TRK_ALERTS	4		/* livetrack.c's LT_ALERTS */
#define TRK_HISTORY	50		/* alert history lines shown */
#define PTRACK_BACKFILL_MAX (2 * 86400)	/* longer: the CLI */

static const char *const periods[] = { "day", "week", "month", "year", "3y",
    NULL };
static const char *const period_titles[] = { "24 hours", "7 days",
    "4 weeks", "12 months", "3 years" };
static const char *const units[] = { "bits", "packets", "flows", NULL };
const char *const ptrack_dones[] = { "created", "changed", "archived",
    "restored", "removed", "note", "alerts", "group", "grouprm", "added",
    "dropped", "backfill", NULL };
static const char *const done_text[] = { "Tracking created.",
    "Tracking changed.", "Tracking archived (its RRD is kept).",
    "Tracking restored.", "Archived tracking removed (its RRD is kept).",
    "Note added.", "Alert rules saved.", "Group saved.", "Group removed.",
    "Added to the dashboard.", "Removed from the dashboard.",
    "Back-fill written: the graphs show the steps computed from the "
    "stored flows." };
const char *const ptrack_reloads[] = { "ok", "down", "failed", NULL };

#define NAME_KEY	{ "name", QS_NAME, GRP_NAMELEN - 1, 0, 0, NULL }
#define CSRF_KEY	{ "csrf", QS_NAME, WEB_CSRF_LEN, 0, 0, NULL }
#define DONE_KEYS	{ "done", QS_ENUM, 10, 0, 0, ptrack_dones }, \
			{ "reload", QS_ENUM, 8, 0, 0, ptrack_reloads }

const struct qs_key page_trackings_keys[] = {
	DONE_KEYS,
	{ NULL, 0, 0, 0, 0, NULL },
};

const struct qs_key page_tracking_keys[] = {
	NAME_KEY,
	{ "archived", QS_BOOL, 5, 0, 0, NULL },
	DONE_KEYS,
	{ NULL, 0, 0, 0, 0, NULL },
};

const struct qs_key page_track_png_keys[] = {
	NAME_KEY,
	{ "archived", QS_BOOL, 5, 0, 0, NULL },
	{ "period", QS_ENUM, 6, 0, 0, periods },
	{ "width", QS_UINT, 4, 200, 4000, NULL },
	{ "height", QS_UINT, 4, 100, 3000, NULL },
	{ "unit", QS_ENUM, 8, 0, 0, units },
	{ NULL, 0, 0, 0, 0, NULL },
};

const struct qs_key page_track_save_keys[] = {
	CSRF_KEY,
	NAME_KEY,
	{ "filter", QS_TEXT, 2000, 0, 0, NULL },
	{ "multiplier", QS_UINT, 7, 1, 1000000, NULL },
	{ "notes", QS_TEXT, 500, 0, 0, NULL },
	{ "create", QS_BOOL, 5, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

const struct qs_key page_track_name_keys[] = {
	CSRF_KEY,
	NAME_KEY,
	{ NULL, 0, 0, 0, 0, NULL },
};

const struct qs_key page_track_note_keys[] = {
	CSRF_KEY,
	NAME_KEY,
	{ "text", QS_TEXT, 500, 0, 0, NULL },
	{ "at", QS_TIME, 64, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

const struct qs_key page_track_backfill_keys[] = {
	CSRF_KEY,
	NAME_KEY,
	{ "from", QS_TIME, 64, 0, 0, NULL },
	{ "to", QS_TIME, 64, 0, 0, NULL },
	{ "replace", QS_BOOL, 5, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

const struct qs_key page_track_alerts_keys[] = {
	CSRF_KEY,
	NAME_KEY,
	{ "alert1", QS_TEXT, 120, 0, 0, NULL },
	{ "alert2", QS_TEXT, 120, 0, 0, NULL },
	{ "alert3", QS_TEXT, 120, 0, 0, NULL },
	{ "alert4", QS_TEXT, 120, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

/* ---------------------------------------------------------------- paths */

const char *
ptrack_dir(const struct web_req *r)
{
	if (r->conf != NULL && r->conf->cfg != NULL &&
	    r->conf->cfg->trackdir[0] != '\0')
		return r->conf->cfg->trackdir;
	return "var/trackings";
}

static const char *
rrd_dir(const struct web_req *r)
{
	if (r->conf != NULL && r->conf->cfg != NULL &&
	    r->conf->cfg->rrddir[0] != '\0')
		return r->conf->cfg->rrddir;
	return "var/rrd";
}

void
ptrack_path(const struct web_req *r, int archived, const char *name,
    char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", ptrack_dir(r), archived ?
	    "/.archive" : "", name != NULL ? "/" : "", name != NULL ? name :
	    "");
}

void
ptrack_group_dir(const struct web_req *r, char *buf, size_t len)
{
	grp_default_dir(ptrack_dir(r), buf, len);
}

int
ptrack_exists(const struct web_req *r, int archived, const char *name)
{
	char p[4096];
	struct stat st;

	ptrack_path(r, archived, name, p, sizeof(p));
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
ptrack_names(const char *dir, size_t *n)
{
	char **v = NULL, **nv, p[4096];
	struct dirent *de;
	struct stat st;
	size_t cap = 0;
	DIR *d;

	*n = 0;
	if ((d = opendir(dir)) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL && *n < 4096) {
		if (!grp_name_ok(de->d_name))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (stat(p, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
				break;
			v = nv;
		}
		if ((v[*n] = strdup(de->d_name)) == NULL)
			break;
		(*n)++;
	}
	closedir(d);
	if (*n > 0)
		qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

void
ptrack_names_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int
ptrack_one_line(const char *s)
{
	return s == NULL || strpbrk(s, "\r\n") == NULL;
}

/* The first "key value" line of key in a definition ("" if none). */
static void
def_value(const char *path, const char *key, char *out, size_t len)
{
	char line[TRK_LINE], *p;
	size_t kl = strlen(key);
	FILE *fp = fopen(path, "r");

	out[0] = '\0';
	if (fp == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (strncmp(p, key, kl) == 0 && (p[kl] == '\0' ||
		    isspace((unsigned char)p[kl]))) {
			for (p += kl; isspace((unsigned char)*p); p++)
				;
			snprintf(out, len, "%s", p);
			break;
		}
	}
	fclose(fp);
}

/* ---------------------------------------------------------------- output */

void
ptrack_redirect(const struct web_req *r, struct web_out *o, const char *path,
    const char *name, int archived, const char *done, const char *reload)
{
	char loc[128 + GRP_NAMELEN + 200];
	const char *sep = "?";

	snprintf(loc, sizeof(loc), "%s%s", r->conf != NULL &&
	    r->conf->script != NULL ? r->conf->script : "", path);
	if (name != NULL) {
		strncat(loc, "?name=", sizeof(loc) - strlen(loc) - 1);
		strncat(loc, name, sizeof(loc) - strlen(loc) - 1);
		sep = "&";
	}
	if (archived) {
		strncat(loc, sep, sizeof(loc) - strlen(loc) - 1);
		strncat(loc, "archived=1", sizeof(loc) - strlen(loc) - 1);
		sep = "&";
	}
	if (done != NULL) {
		strncat(loc, sep, sizeof(loc) - strlen(loc) - 1);
		strncat(loc, "done=", sizeof(loc) - strlen(loc) - 1);
		strncat(loc, done, sizeof(loc) - strlen(loc) - 1);
		sep = "&";
	}
	if (reload != NULL) {
		strncat(loc, sep, sizeof(loc) - strlen(loc) - 1);
		strncat(loc, "reload=", sizeof(loc) - strlen(loc) - 1);
		strncat(loc, reload, sizeof(loc) - strlen(loc) - 1);
	}
	o->status = 303;
	web_out_header(o, "Location", loc);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<title>See Other</title></head><body><p><a href=\"", o->fp);
	htmlesc_text(o->fp, loc);
	fputs("\">Continue</a></p></body></html>\n", o->fp);
}

/* The line saying what the last POST did (fixed texts only). */
void
ptrack_done_line(FILE *fp, const struct web_req *r)
{
	const char *d = qs_get(&r->q, "done"), *rl = qs_get(&r->q, "reload");

	if (d == NULL)
		return;
	for (size_t i = 0; ptrack_dones[i] != NULL; i++)
		if (strcmp(d, ptrack_dones[i]) == 0)
			fprintf(fp, "<p class=\"done\">%s", done_text[i]);
	if (rl == NULL)
		fputs("</p>\n", fp);
	else if (strcmp(rl, "ok") == 0)
		fputs(" flowkeepd reloaded its trackings.</p>\n", fp);
	else if (strcmp(rl, "down") == 0)
		fputs(" flowkeepd is not running: the change applies at its "
		    "next start.</p>\n", fp);
	else
		fputs(" flowkeepd could not be asked to reload: send it "
		    "SIGHUP.</p>\n", fp);
}

void
ptrack_hidden(FILE *fp, const char *csrf, const char *name)
{
	fprintf(fp, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
	    csrf);
	if (name != NULL) {
		fputs("<input type=\"hidden\" name=\"name\" value=\"", fp);
		htmlesc_text(fp, name);
		fputs("\">", fp);
	}
}

/* A form of one button posting name to path. */
void
ptrack_button(FILE *fp, const struct web_req *r, const char *csrf,
    const char *path, const char *name, const char *extra, const char *label,
    const char *confirm)
{
	fputs("<form method=\"post\" class=\"inline\" action=\"", fp);
	web_href(fp, r, path);
	fputs("\"", fp);
	if (confirm != NULL)
		fprintf(fp, " data-confirm=\"%s\"", confirm);
	fputs(">", fp);
	ptrack_hidden(fp, csrf, name);
	if (extra != NULL)
		fputs(extra, fp);
	fprintf(fp, "<button type=\"submit\">%s</button></form>", label);
}

int
ptrack_readonly(const struct web_req *r)
{
	char gdir[4096];

	ptrack_group_dir(r, gdir, sizeof(gdir));
	return (access(ptrack_dir(r), F_OK) == 0 &&
	    access(ptrack_dir(r), W_OK) != 0) || (access(gdir, F_OK) == 0 &&
	    access(gdir, W_OK) != 0);
}

int
ptrack_refuse_ro(const struct web_req *r, struct web_out *o)
{
	if (!ptrack_readonly(r))
		return 0;
	return web_error(o, 403, "the tracking directory is not writable by "
	    "the web server's user (privilege separation, doc/security.md): "
	    "change trackings with flowkeep track and flowkeep group");
}

void
ptrack_ro_note(FILE *fp, const struct web_req *r)
{
	if (ptrack_readonly(r))
		fputs("<p class=\"warn\" id=\"readonly\">The tracking "
		    "directory is read-only for the web server (privilege "
		    "separation, doc/security.md): the forms cannot save; use "
		    "<code>flowkeep track</code> and <code>flowkeep group</code>."
		    "</p>\n", fp);
}

/* Ask flowkeepd to reload, as `flowkeep track` does: "ok", "down" (no
 * socket: it applies at the next start) or "failed". */
const char *
ptrack_reload(const struct web_req *r)
{
	const char *sock = r->conf != NULL && r->conf->cfg != NULL ?
	    r->conf->cfg->control : "";
	char err[1024], *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int rc;

	if (sock[0] == '\0' || access(sock, F_OK) != 0)
		return "down";
	if ((fp = open_memstream(&buf, &len)) == NULL)
		return "failed";
	rc = ctlclient_request(sock, CTL_RELOAD, fp, err, sizeof(err));
	fclose(fp);
	free(buf);
	return rc == 0 ? "ok" : "failed";
}

/* ---------------------------------------------------------------- PNG */

/* A picture for a graph with no data yet (no RRD written, or none of a
 * group's members'): a framed box saying so, at the asked size. */
static int
empty_png(struct web_out *o, const char *name, unsigned w, unsigned h,
    char *err, size_t errlen)
{
	char line[GRP_NAMELEN + 40];
	gdImagePtr im;
	gdFontPtr f = gdFontGetSmall(), fb = gdFontGetMediumBold();
	int bg, fg, grey;

	if ((im = gdImageCreate((int)w, (int)h)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	bg = gdImageColorAllocate(im, 255, 255, 255);
	fg = gdImageColorAllocate(im, 34, 34, 34);
	grey = gdImageColorAllocate(im, 170, 170, 170);
	gdImageFilledRectangle(im, 0, 0, (int)w - 1, (int)h - 1, bg);
	gdImageRectangle(im, 0, 0, (int)w - 1, (int)h - 1, grey);
	snprintf(line, sizeof(line), "%s", name);
	gdImageString(im, fb, ((int)w - (int)strlen(line) * fb->w) / 2,
	    (int)h / 2 - fb->h - 2, (unsigned char *)line, fg);
	snprintf(line, sizeof(line), "no data yet");
	gdImageString(im, f, ((int)w - (int)strlen(line) * f->w) / 2,
	    (int)h / 2 + 2, (unsigned char *)line, grey);
	gdImagePng(im, o->fp);
	gdImageDestroy(im);
	return 0;
}

int
ptrack_png(const struct web_req *r, struct web_out *o, int group)
{
	const char *name = qs_get(&r->q, "name"), *u = qs_get(&r->q, "unit");
	const char *period = qs_get(&r->q, "period");
	char tdir[4096], gdir[4096], rrd[4200], err[1024];
	struct graph_req q;
	int rc, unit = -1, empty = 0;

	if (name == NULL || !grp_name_ok(name))
		return web_error(o, 400, "name: required: a tracking or group "
		    "name");
	for (int i = 0; u != NULL && units[i] != NULL; i++)
		if (strcmp(u, units[i]) == 0)
			unit = i;
	ptrack_path(r, !group && qs_num(&r->q, "archived", 0), NULL, tdir,
	    sizeof(tdir));
	ptrack_group_dir(r, gdir, sizeof(gdir));
	memset(&q, 0, sizeof(q));
	q.name = name;
	q.trackdir = tdir;
	q.groupdir = gdir;
	q.rrddir = rrd_dir(r);
	q.period = period != NULL ? period : "day";
	q.width = (unsigned)qs_num(&r->q, "width", 700);
	q.height = (unsigned)qs_num(&r->q, "height", 200);
	q.unit = group ? unit : (unit < 0 ? 0 : unit);
	if (group) {
		char gp[4300];

		snprintf(gp, sizeof(gp), "%s/%s", gdir, name);
		if (access(gp, F_OK) != 0)
			return web_error(o, 404, "no group %s", name);
		rc = graph_group(&q, o->fp, err, sizeof(err));
	} else {
		snprintf(rrd, sizeof(rrd), "%s/%s", tdir, name);
		if (access(rrd, F_OK) != 0)
			return web_error(o, 404, "no tracking %s", name);
		snprintf(rrd, sizeof(rrd), "%s/%s.rrd", q.rrddir, name);
		if (access(rrd, F_OK) != 0) {
			rc = empty_png(o, name, q.width, q.height, err,
			    sizeof(err));
			empty = 1;
			goto done;
		}
		rc = graph_track(&q, o->fp, err, sizeof(err));
	}
	if (rc == -1 && group) {
		/* members without RRDs yet: start the body anew */
		web_out_close(o);
		free(o->body);
		if (web_out_init(o) == -1)
			return 500;
		rc = empty_png(o, name, q.width, q.height, err,
		    sizeof(err));
		empty = 1;
	}
done:
	if (rc == -2)
		return web_error(o, 400, "%s", err);
	if (rc != 0)
		return web_error(o, 500, "%s", err);
	o->ctype = "image/png";
	/* the "no data yet" frame must not outlive the first step or a
	 * back-fill */
	web_out_header(o, "Cache-Control", empty ? "no-store" :
	    "max-age=60");
	return 200;
}

int
page_track_png(const struct web_req *r, struct web_out *o)
{
	return ptrack_png(r, o, 0);
}

/* ---------------------------------------------------------------- list */

void
ptrack_img(FILE *fp, const struct web_req *r, const char *png,
    const char *name, int archived, const char *period, unsigned w,
    unsigned h)
{
	int thumb = w <= 300;

	fputs("<img class=\"g\" src=\"", fp);
	web_href(fp, r, png);
	fputs("?name=", fp);
	htmlesc_url_attr(fp, name);
	/* a thumbnail is drawn at twice its size and shown halved: the
	 * graph's legend then leaves room for the graph */
	fprintf(fp, "%s&amp;period=%s&amp;width=%u&amp;height=%u\" width=\"%u\" "
	    "height=\"%u\" alt=\"", archived ? "&amp;archived=1" : "", period,
	    thumb ? 2 * w : w, thumb ? 2 * h : h, w, h);
	htmlesc_text(fp, name);
	fprintf(fp, ", %s\"%s>", period, thumb ? " loading=\"lazy\"" : "");
}

static void
new_form(FILE *fp, const struct web_req *r, const char *csrf)
{
	fputs("<h2 id=\"new\">New tracking</h2>\n<form method=\"post\" "
	    "class=\"trk\" id=\"track-new\" action=\"", fp);
	web_href(fp, r, "/tracking/save");
	fputs("\">", fp);
	ptrack_hidden(fp, csrf, NULL);
	fprintf(fp, "<input type=\"hidden\" name=\"create\" value=\"1\">\n"
	    "<label>Name <input type=\"text\" name=\"name\" required "
	    "maxlength=\"%d\" pattern=\"[A-Za-z0-9_-][A-Za-z0-9._-]*\">"
	    "</label>\n<label>Filter (doc/filters.md; empty: every flow) "
	    "<input type=\"text\" name=\"filter\" size=\"60\" "
	    "maxlength=\"2000\"></label>\n<label>Sampling multiplier "
	    "<input type=\"number\" name=\"multiplier\" min=\"1\" "
	    "max=\"1000000\"></label>\n<label>Description <input "
	    "type=\"text\" name=\"notes\" size=\"60\" maxlength=\"500\">"
	    "</label>\n<p><button type=\"submit\">Create tracking</button>"
	    "</p>\n</form>\n", GRP_NAMELEN - 1);
}

int
page_trackings(const struct web_req *r, struct web_out *o)
{
	char csrf[WEB_CSRF_LEN + 1], dir[4096], p[4300], expr[TRK_LINE];
	char **v;
	size_t n;
	FILE *fp = o->fp;

	if (web_csrf_token(r, o, csrf) == -1)
		return web_error(o, 500, "no random bytes for the form token");
	web_out_header(o, "Cache-Control", "no-store");
	web_page_head(o, r, "Trackings", 0);
	ptrack_done_line(fp, r);
	ptrack_ro_note(fp, r);
	fputs("<p class=\"note\"><a href=\"#new\">New tracking</a> &middot; "
	    "<a href=\"", fp);
	web_href(fp, r, "/group");
	fputs("\">New group</a> &middot; <a href=\"", fp);
	web_href(fp, r, "/dashboard");
	fputs("\">Dashboard</a></p>\n", fp);

	ptrack_path(r, 0, NULL, dir, sizeof(dir));
	v = ptrack_names(dir, &n);
	fputs("<h2>Active</h2>\n", fp);
	if (n == 0)
		fputs("<p class=\"note\" id=\"no-trackings\">None yet.</p>\n",
		    fp);
	else
		fputs("<div class=\"thumbs\" id=\"trackings\">\n", fp);
	for (size_t i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, v[i]);
		def_value(p, "filter", expr, sizeof(expr));
		fputs("<figure class=\"thumb\"><a href=\"", fp);
		web_href(fp, r, "/tracking");
		fputs("?name=", fp);
		htmlesc_url_attr(fp, v[i]);
		fputs("\">", fp);
		ptrack_img(fp, r, "/track.png", v[i], 0, "day", 300, 150);
		fputs("</a><figcaption><a class=\"tname\" href=\"", fp);
		web_href(fp, r, "/tracking");
		fputs("?name=", fp);
		htmlesc_url_attr(fp, v[i]);
		fputs("\">", fp);
		htmlesc_text(fp, v[i]);
		fputs("</a><br><code>", fp);
		htmlesc_text(fp, expr[0] != '\0' ? expr : "(every flow)");
		fputs("</code></figcaption></figure>\n", fp);
	}
	if (n > 0)
		fputs("</div>\n", fp);
	ptrack_names_free(v, n);

	ptrack_group_dir(r, dir, sizeof(dir));
	v = ptrack_names(dir, &n);
	fputs("<h2>Groups</h2>\n", fp);
	if (n == 0)
		fputs("<p class=\"note\">None yet.</p>\n", fp);
	else
		fputs("<div class=\"thumbs\" id=\"groups\">\n", fp);
	for (size_t i = 0; i < n; i++) {
		fputs("<figure class=\"thumb\"><a href=\"", fp);
		web_href(fp, r, "/group");
		fputs("?name=", fp);
		htmlesc_url_attr(fp, v[i]);
		fputs("\">", fp);
		ptrack_img(fp, r, "/group.png", v[i], 0, "day", 300, 150);
		fputs("</a><figcaption><a href=\"", fp);
		web_href(fp, r, "/group");
		fputs("?name=", fp);
		htmlesc_url_attr(fp, v[i]);
		fputs("\">", fp);
		htmlesc_text(fp, v[i]);
		fputs("</a></figcaption></figure>\n", fp);
	}
	if (n > 0)
		fputs("</div>\n", fp);
	ptrack_names_free(v, n);

	ptrack_path(r, 1, NULL, dir, sizeof(dir));
	v = ptrack_names(dir, &n);
	if (n > 0) {
		fputs("<h2>Archived</h2>\n<table class=\"rpt\" "
		    "id=\"archived\"><thead><tr><th>Name</th><th>Filter</th>"
		    "<th></th><th></th></tr></thead><tbody>\n", fp);
		for (size_t i = 0; i < n; i++) {
			snprintf(p, sizeof(p), "%s/%s", dir, v[i]);
			def_value(p, "filter", expr, sizeof(expr));
			fputs("<tr><td><a href=\"", fp);
			web_href(fp, r, "/tracking");
			fputs("?name=", fp);
			htmlesc_url_attr(fp, v[i]);
			fputs("&amp;archived=1\">", fp);
			htmlesc_text(fp, v[i]);
			fputs("</a></td><td><code>", fp);
			htmlesc_text(fp, expr);
			fputs("</code></td><td>", fp);
			ptrack_button(fp, r, csrf, "/tracking/restore", v[i],
			    NULL, "restore", NULL);
			fputs("</td><td>", fp);
			ptrack_button(fp, r, csrf, "/tracking/remove", v[i],
			    NULL, "remove", "Remove this archived tracking's "
			    "definition?");
			fputs("</td></tr>\n", fp);
		}
		fputs("</tbody></table>\n", fp);
	}
	ptrack_names_free(v, n);
	new_form(fp, r, csrf);
	fputs("<p class=\"note\">Definitions in <code>", fp);
	htmlesc_text(fp, ptrack_dir(r));
	fputs("</code>, the same files as <code>flowkeep track</code>; "
	    "a graph shows data once flowkeepd has counted a step.</p>\n", fp);
	web_page_foot(o, r);
	return 200;
}

/* ---------------------------------------------------------------- detail */

/* The definition as text, with its lines of key k (or all: NULL). */
static void
def_print(FILE *fp, const char *path)
{
	char line[TRK_LINE];
	FILE *in = fopen(path, "r");

	fputs("<pre class=\"def\" id=\"definition\">", fp);
	if (in != NULL) {
		while (fgets(line, sizeof(line), in) != NULL)
			htmlesc_text(fp, line);
		fclose(in);
	}
	fputs("</pre>\n", fp);
}

/* The notes ("note EPOCH TEXT") and alert rules of a definition. */
static void
def_lists(const char *path, char alerts[TRK_ALERTS][128], unsigned *na,
    FILE *notes, unsigned *nn, int *has_cmd)
{
	char line[TRK_LINE], when[64], *p;
	FILE *in = fopen(path, "r");
	struct tm tm;
	time_t t;

	*na = *nn = 0;
	*has_cmd = 0;
	if (in == NULL)
		return;
	while (fgets(line, sizeof(line), in) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (strncmp(p, "alert", 5) == 0 && isspace((unsigned char)p[5])) {
			if (*na < TRK_ALERTS)
				snprintf(alerts[(*na)++], 128, "%s", p + 6);
		} else if (strncmp(p, "alert-command", 13) == 0)
			*has_cmd = 1;
		else if (strncmp(p, "note", 4) == 0 &&
		    isspace((unsigned char)p[4])) {
			char *end;

			t = (time_t)strtoll(p + 5, &end, 10);
			localtime_r(&t, &tm);
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
			while (isspace((unsigned char)*end))
				end++;
			fprintf(notes, "<tr><td>%s</td><td>", when);
			htmlesc_text(notes, end);
			fputs("</td></tr>\n", notes);
			(*nn)++;
		}
	}
	fclose(in);
}

/* The alert history of name: RRDDIR/alerts.log, newest first. */
static void
history(FILE *fp, const struct web_req *r, const char *name)
{
	char path[4200], line[TRK_LINE], *hist[TRK_HISTORY];
	unsigned n = 0, k = 0;
	size_t nl = strlen(name);
	FILE *in;

	memset(hist, 0, sizeof(hist));
	snprintf(path, sizeof(path), "%s/alerts.log", rrd_dir(r));
	fputs("<h2>Alert history</h2>\n", fp);
	if ((in = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof(line), in) != NULL) {
			char *tab = strchr(line, '\t');

			if (tab == NULL || strncmp(tab + 1, name, nl) != 0 ||
			    tab[1 + nl] != '\t')
				continue;
			free(hist[k]);
			hist[k] = strdup(line);
			k = (k + 1) % TRK_HISTORY;
			n++;
		}
		fclose(in);
	}
	if (n == 0) {
		fputs("<p class=\"note\" id=\"no-alerts\">No alert has fired."
		    "</p>\n", fp);
		return;
	}
	fputs("<table class=\"rpt\" id=\"alert-history\"><thead><tr>"
	    "<th>Step ending</th><th>Rule</th><th>Value</th><th>Limit</th>"
	    "<th>Unit</th></tr></thead><tbody>\n", fp);
	for (unsigned i = 0; i < TRK_HISTORY && i < n; i++) {
		unsigned j = (k + TRK_HISTORY - 1 - i) % TRK_HISTORY;
		char *f[6], *s = hist[j];
		int nf = 0;

		if (s == NULL)
			continue;
		s[strcspn(s, "\r\n")] = '\0';
		while (nf < 6 && s != NULL) {
			f[nf++] = s;
			if ((s = strchr(s, '\t')) != NULL)
				*s++ = '\0';
		}
		if (nf < 6)
			continue;
		fputs("<tr>", fp);
		for (int c = 0; c < 6; c++) {
			if (c == 1)
				continue;
			fputs(c >= 3 && c <= 4 ? "<td class=\"num\">" : "<td>",
			    fp);
			htmlesc_text(fp, f[c]);
			fputs("</td>", fp);
		}
		fputs("</tr>\n", fp);
	}
	fputs("</tbody></table>\n", fp);
	for (unsigned i = 0; i < TRK_HISTORY; i++)
		free(hist[i]);
}

static void
edit_forms(FILE *fp, const struct web_req *r, const char *csrf,
    const char *name, const char *path, char alerts[TRK_ALERTS][128],
    unsigned na, int has_cmd)
{
	char v[TRK_LINE];

	fputs("<h2>Edit</h2>\n<form method=\"post\" class=\"trk\" "
	    "id=\"track-edit\" action=\"", fp);
	web_href(fp, r, "/tracking/save");
	fputs("\">", fp);
	ptrack_hidden(fp, csrf, name);
	def_value(path, "filter", v, sizeof(v));
	fputs("\n<label>Filter <input type=\"text\" name=\"filter\" "
	    "size=\"60\" maxlength=\"2000\" value=\"", fp);
	htmlesc_text(fp, v);
	def_value(path, "multiplier", v, sizeof(v));
	fputs("\"></label>\n<label>Sampling multiplier <input type=\"number\" "
	    "name=\"multiplier\" min=\"1\" max=\"1000000\" value=\"", fp);
	htmlesc_text(fp, v);
	def_value(path, "notes", v, sizeof(v));
	fputs("\"></label>\n<label>Description <input type=\"text\" "
	    "name=\"notes\" size=\"60\" maxlength=\"500\" value=\"", fp);
	htmlesc_text(fp, v);
	fputs("\"></label>\n<p><button type=\"submit\">Save</button></p>"
	    "\n</form>\n", fp);

	fputs("<h2>Alert rules</h2>\n<form method=\"post\" class=\"trk\" "
	    "id=\"track-alerts\" action=\"", fp);
	web_href(fp, r, "/tracking/alerts");
	fputs("\">", fp);
	ptrack_hidden(fp, csrf, name);
	fputs("\n<p class=\"note\">One rule a line: <code>above 50M "
	    "[bits|packets|flows] [for N] [every]</code>, <code>below "
	    "1k packets for 3</code>, <code>sigma 3 [unit] [for N] "
	    "[window 12..288]</code> (doc/trackings.md); empty lines are "
	    "dropped.</p>\n", fp);
	for (unsigned i = 0; i < TRK_ALERTS; i++) {
		fprintf(fp, "<label>Rule %u <input type=\"text\" "
		    "name=\"alert%u\" size=\"50\" maxlength=\"120\" value=\"",
		    i + 1, i + 1);
		if (i < na)
			htmlesc_text(fp, alerts[i]);
		fputs("\"></label>\n", fp);
	}
	if (has_cmd)
		fputs("<p class=\"note\">The definition's alert-command is "
		    "kept; it is set with the CLI only.</p>\n", fp);
	fputs("<p><button type=\"submit\">Save alert rules</button></p>\n"
	    "</form>\n", fp);
}

static void
backfill_form(FILE *fp, const struct web_req *r, const char *csrf,
    const char *name)
{
	fputs("<h2>Back-fill</h2>\n<form method=\"post\" class=\"trk\" "
	    "id=\"track-backfill\" action=\"", fp);
	web_href(fp, r, "/tracking/backfill");
	fputs("\">", fp);
	ptrack_hidden(fp, csrf, name);
	fprintf(fp, "\n<p class=\"note\">Computes the steps of a past "
	    "window from the stored flow files, as flowkeepd would have "
	    "counted them, into a new RRD.  Up to %d days here; a longer "
	    "one runs on the server: <code>flowkeep track backfill ",
	    PTRACK_BACKFILL_MAX / 86400);
	htmlesc_text(fp, name);
	fputs(" --from TIME --to TIME [--replace]</code>.</p>\n"
	    "<label>From <input type=\"text\" name=\"from\" "
	    "placeholder=\"-1d\" required></label>\n<label>To <input "
	    "type=\"text\" name=\"to\" placeholder=\"now\" required>"
	    "</label>\n<label>Replace <input type=\"checkbox\" "
	    "name=\"replace\" value=\"1\"></label>\n<p class=\"note\">"
	    "Replace: a tracking with steps already gets a fresh RRD, the old "
	    "one is moved aside.</p>\n<p><button type=\"submit\">"
	    "Back-fill</button></p>\n</form>\n", fp);
}

int
page_tracking(const struct web_req *r, struct web_out *o)
{
	const char *name = qs_get(&r->q, "name");
	int arch = (int)qs_num(&r->q, "archived", 0), has_cmd;
	char csrf[WEB_CSRF_LEN + 1], path[4300], alerts[TRK_ALERTS][128];
	char *notes = NULL, title[GRP_NAMELEN + 16];
	size_t nlen = 0;
	unsigned na, nn;
	FILE *fp = o->fp, *nf;

	if (name == NULL || !grp_name_ok(name))
		return web_error(o, 400, "name: required: letters, digits, "
		    "- _ . (not first)");
	if (!ptrack_exists(r, arch, name))
		return web_error(o, 404, "no %stracking %s", arch ?
		    "archived " : "", name);
	if (web_csrf_token(r, o, csrf) == -1)
		return web_error(o, 500, "no random bytes for the form token");
	ptrack_path(r, arch, name, path, sizeof(path));
	if ((nf = open_memstream(&notes, &nlen)) == NULL)
		return web_error(o, 500, "out of memory");
	def_lists(path, alerts, &na, nf, &nn, &has_cmd);
	fclose(nf);
	web_out_header(o, "Cache-Control", "no-store");
	snprintf(title, sizeof(title), "Tracking %s%s", name, arch ?
	    " (archived)" : "");
	web_page_head(o, r, title, 0);
	ptrack_done_line(fp, r);
	if (!arch)
		ptrack_ro_note(fp, r);
	fputs("<p class=\"note\"><a href=\"", fp);
	web_href(fp, r, "/trackings");
	fputs("\">&larr; all trackings</a></p>\n<div class=\"graphs\">\n", fp);
	for (int i = 0; periods[i] != NULL; i++) {
		fprintf(fp, "<figure class=\"period\"><figcaption>%s"
		    "</figcaption>", period_titles[i]);
		ptrack_img(fp, r, "/track.png", name, arch, periods[i], 700,
		    200);
		fputs("</figure>\n", fp);
	}
	fputs("</div>\n<h2>Definition</h2>\n", fp);
	def_print(fp, path);
	fputs("<h2>Notes</h2>\n", fp);
	if (nn == 0)
		fputs("<p class=\"note\">No notes.</p>\n", fp);
	else {
		fputs("<table class=\"rpt\" id=\"notes\"><thead><tr><th>Time"
		    "</th><th>Note</th></tr></thead><tbody>\n", fp);
		fputs(notes, fp);
		fputs("</tbody></table>\n", fp);
	}
	free(notes);
	if (!arch) {
		fputs("<form method=\"post\" class=\"trk\" id=\"track-note\" "
		    "action=\"", fp);
		web_href(fp, r, "/tracking/note");
		fputs("\">", fp);
		ptrack_hidden(fp, csrf, name);
		fputs("<label>Note <input type=\"text\" name=\"text\" "
		    "size=\"50\" maxlength=\"500\" required></label>\n"
		    "<label>At (time; empty: now) <input type=\"text\" "
		    "name=\"at\" size=\"16\" placeholder=\"now\"></label>\n"
		    "<p><button type=\"submit\">Add note</button></p>"
		    "</form>\n", fp);
	}
	history(fp, r, name);
	if (!arch) {
		edit_forms(fp, r, csrf, name, path, alerts, na, has_cmd);
		fputs("<h2>More</h2>\n<p>", fp);
		ptrack_button(fp, r, csrf, "/dashboard/add", name,
		    "<input type=\"hidden\" name=\"kind\" value=\"track\">",
		    "Add to dashboard", NULL);
		fputs(" ", fp);
		ptrack_button(fp, r, csrf, "/tracking/archive", name, NULL,
		    "Archive", "Archive this tracking? Counting stops; its "
		    "RRD is kept.");
		fputs("</p>\n", fp);
		backfill_form(fp, r, csrf, name);
	} else {
		fputs("<p>", fp);
		ptrack_button(fp, r, csrf, "/tracking/restore", name, NULL,
		    "Restore", NULL);
		fputs(" ", fp);
		ptrack_button(fp, r, csrf, "/tracking/remove", name, NULL,
		    "Remove", "Remove this archived tracking's definition?");
		fputs("</p>\n", fp);
	}
	web_page_foot(o, r);
	return 200;
}

/* ---------------------------------------------------------------- writes */

/*
 * Write the definition path from in (NULL: a new one), with the lines of
 * the keys set in repl replaced (the first line of each; others of those
 * keys dropped, missing ones appended; a NULL value keeps the old lines,
 * "" drops them).  Keys "alert" take up to TRK_ALERTS lines (alerts[]).
 * Through path's ".NAME.new" and a rename; 0, or -1 with err.
 */
struct def_edit {
	const char	*filter, *mult, *notes;
	int		 set_alerts;
	const char	*alerts[TRK_ALERTS];
	const char	*note;		/* "EPOCH TEXT" to append */
};

static const char *
edit_val(const struct def_edit *e, const char *key, int *set)
{
	*set = 1;
	if (strcmp(key, "filter") == 0 && e->filter != NULL)
		return e->filter;
	if (strcmp(key, "multiplier") == 0 && e->mult != NULL)
		return e->mult;
	if (strcmp(key, "notes") == 0 && e->notes != NULL)
		return e->notes;
	*set = 0;
	return NULL;
}

static int
def_write(const struct web_req *r, const char *name, const struct def_edit *e,
    int create, char *err, size_t errlen)
{
	static const char *const keys[3] = { "filter", "multiplier", "notes" };
	char path[4300], tmp[4400], line[TRK_LINE], key[32];
	int done[3] = { 0, 0, 0 }, set;
	const char *v;
	FILE *in = NULL, *out;

	ptrack_path(r, 0, NULL, path, sizeof(path));
	if (create && mkdir(path, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%.900s: %s", path, strerror(errno));
		return -1;
	}
	ptrack_path(r, 0, name, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s/.%s.new", ptrack_dir(r), name);
	if (!create && (in = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%.900s: %s", path, strerror(errno));
		return -1;
	}
	if ((out = fopen(tmp, "w")) == NULL) {
		snprintf(err, errlen, "%.900s: %s", tmp, strerror(errno));
		if (in != NULL)
			fclose(in);
		return -1;
	}
	while (in != NULL && fgets(line, sizeof(line), in) != NULL) {
		if (sscanf(line, " %31s", key) == 1 && e->set_alerts &&
		    strcmp(key, "alert") == 0)
			continue;
		if (sscanf(line, " %31s", key) != 1 ||
		    (v = edit_val(e, key, &set)) == NULL) {
			fputs(line, out);
			continue;
		}
		for (int k = 0; k < 3; k++)
			if (strcmp(keys[k], key) == 0 && !done[k]++ &&
			    v[0] != '\0')
				fprintf(out, "%s %s\n", key, v);
	}
	if (in != NULL)
		fclose(in);
	for (int k = 0; k < 3; k++)
		if (!done[k] && (v = edit_val(e, keys[k], &set)) != NULL &&
		    (v[0] != '\0' || k == 0))
			fprintf(out, "%s %s\n", keys[k], v);
	for (int k = 0; e->set_alerts && k < TRK_ALERTS; k++)
		if (e->alerts[k] != NULL)
			fprintf(out, "alert %s\n", e->alerts[k]);
	if (e->note != NULL)
		fprintf(out, "note %s\n", e->note);
	if (fclose(out) != 0 || (create && access(path, F_OK) == 0) ||
	    rename(tmp, path) != 0) {
		if (create && access(path, F_OK) == 0)
			snprintf(err, errlen, "a tracking %s exists already",
			    name);
		else
			snprintf(err, errlen, "%.900s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* The name of a POST, checked; NULL after a 400 on o. */
static const char *
post_name(const struct web_req *r, struct web_out *o, int *st)
{
	const char *name = qs_get(&r->q, "name");

	if (name == NULL || !grp_name_ok(name)) {
		*st = web_error(o, 400, "name: required: letters, digits, "
		    "- _ . (not first), under %d bytes", GRP_NAMELEN);
		return NULL;
	}
	return name;
}

int
page_track_save(const struct web_req *r, struct web_out *o)
{
	const char *name, *filter = qs_get(&r->q, "filter");
	const char *notes = qs_get(&r->q, "notes");
	int create = (int)qs_num(&r->q, "create", 0), st = 0;
	char err[1024], mult[24];
	struct def_edit e;
	struct filter *f;

	if ((st = ptrack_refuse_ro(r, o)) != 0)
		return st;
	if ((name = post_name(r, o, &st)) == NULL)
		return st;
	if (!ptrack_one_line(filter) || !ptrack_one_line(notes))
		return web_error(o, 400, "filter, notes: one line each");
	if ((f = filter_compile(filter != NULL ? filter : "", NULL, err,
	    sizeof(err))) == NULL)
		return web_error(o, 400, "filter: %s", err);
	filter_free(f);
	if (create && (ptrack_exists(r, 0, name) ||
	    ptrack_exists(r, 1, name)))
		return web_error(o, 400, "name: a tracking %s exists already%s",
		    name, ptrack_exists(r, 1, name) ? " (archived)" : "");
	if (!create && !ptrack_exists(r, 0, name))
		return web_error(o, 404, "no tracking %s", name);
	memset(&e, 0, sizeof(e));
	e.filter = filter != NULL ? filter : "";
	snprintf(mult, sizeof(mult), "%llu", (unsigned long long)qs_num(&r->q,
	    "multiplier", 1));
	e.mult = qs_get(&r->q, "multiplier") != NULL ? mult : "";
	e.notes = notes != NULL ? notes : "";
	if (def_write(r, name, &e, create, err, sizeof(err)) == -1)
		return web_error(o, 500, "%s", err);
	ptrack_redirect(r, o, "/tracking", name, 0, create ? "created" :
	    "changed", ptrack_reload(r));
	return 303;
}

int
page_track_note(const struct web_req *r, struct web_out *o)
{
	const char *name, *text = qs_get(&r->q, "text");
	const char *at = qs_get(&r->q, "at");
	char err[1024], note[600];
	struct def_edit e;
	uint64_t ms;
	int st = 0;

	if ((st = ptrack_refuse_ro(r, o)) != 0)
		return st;
	if ((name = post_name(r, o, &st)) == NULL)
		return st;
	if (text == NULL || !ptrack_one_line(text))
		return web_error(o, 400, "text: required, one line");
	if (timearg_parse(at != NULL ? at : "now", r->now_ms, &ms, err,
	    sizeof(err)) != 0)
		return web_error(o, 400, "at: %s", err);
	if (!ptrack_exists(r, 0, name))
		return web_error(o, 404, "no tracking %s", name);
	memset(&e, 0, sizeof(e));
	snprintf(note, sizeof(note), "%llu %s", (unsigned long long)(ms /
	    1000), text);
	e.note = note;
	if (def_write(r, name, &e, 0, err, sizeof(err)) == -1)
		return web_error(o, 500, "%s", err);
	/* the daemon ignores notes: no reload */
	ptrack_redirect(r, o, "/tracking", name, 0, "note", NULL);
	return 303;
}

int
page_track_alerts(const struct web_req *r, struct web_out *o)
{
	static const char *const keys[TRK_ALERTS] = { "alert1", "alert2",
	    "alert3", "alert4" };
	char err[256];
	struct alert_rule rule;
	struct def_edit e;
	const char *name, *v;
	int st = 0, n = 0;

	if ((st = ptrack_refuse_ro(r, o)) != 0)
		return st;
	if ((name = post_name(r, o, &st)) == NULL)
		return st;
	memset(&e, 0, sizeof(e));
	e.set_alerts = 1;
	for (int i = 0; i < TRK_ALERTS; i++) {
		if ((v = qs_get(&r->q, keys[i])) == NULL ||
		    v[strspn(v, " \t")] == '\0')
			continue;
		if (!ptrack_one_line(v) || alert_parse(v, &rule, err,
		    sizeof(err)) == -1)
			return web_error(o, 400, "%s: %s", keys[i],
			    ptrack_one_line(v) ? err : "one line");
		e.alerts[n++] = v + strspn(v, " \t");
	}
	if (!ptrack_exists(r, 0, name))
		return web_error(o, 404, "no tracking %s", name);
	if (def_write(r, name, &e, 0, err, sizeof(err)) == -1)
		return web_error(o, 500, "%s", err);
	ptrack_redirect(r, o, "/tracking", name, 0, "alerts",
	    ptrack_reload(r));
	return 303;
}

/* Move name between the directory and its .archive, as `flowkeep track
 * archive|restore` does. */
static int
track_move(const struct web_req *r, struct web_out *o, int to_archive)
{
	char arch[4300], from[4300], to[4300];
	const char *name;
	int st = 0;

	if ((st = ptrack_refuse_ro(r, o)) != 0)
		return st;
	if ((name = post_name(r, o, &st)) == NULL)
		return st;
	if (!ptrack_exists(r, !to_archive, name))
		return web_error(o, 404, "no %stracking %s", to_archive ? "" :
		    "archived ", name);
	if (ptrack_exists(r, to_archive, name))
		return web_error(o, 400, "name: a%s tracking %s exists "
		    "already", to_archive ? "n archived" : "n active", name);
	ptrack_path(r, 1, NULL, arch, sizeof(arch));
	if (to_archive && mkdir(arch, 0755) != 0 && errno != EEXIST)
		return web_error(o, 500, "%s: %s", arch, strerror(errno));
	ptrack_path(r, !to_archive, name, from, sizeof(from));
	ptrack_path(r, to_archive, name, to, sizeof(to));
	if (rename(from, to) != 0)
		return web_error(o, 500, "%s: %s", from, strerror(errno));
	if (to_archive)
		ptrack_redirect(r, o, "/trackings", NULL, 0, "archived",
		    ptrack_reload(r));
	else
		ptrack_redirect(r, o, "/tracking", name, 0, "restored",
		    ptrack_reload(r));
	return 303;
}

int
page_track_archive(const struct web_req *r, struct web_out *o)
{
	return track_move(r, o, 1);
}

int
page_track_restore(const struct web_req *r, struct web_out *o)
{
	return track_move(r, o, 0);
}

/* Remove an archived tracking's definition (its RRD stays). */
int
page_track_remove(const struct web_req *r, struct web_out *o)
{
	char path[4300];
	const char *name;
	int st = 0;

	if ((st = ptrack_refuse_ro(r, o)) != 0)
		return st;
	if ((name = post_name(r, o, &st)) == NULL)
		return st;
	if (ptrack_exists(r, 0, name))
		return web_error(o, 400, "name: %s is active: archive it "
		    "first", name);
	if (!ptrack_exists(r, 1, name))
		return web_error(o, 404, "no archived tracking %s", name);
	ptrack_path(r, 1, name, path, sizeof(path));
	if (unlink(path) != 0)
		return web_error(o, 500, "%s: %s", path, strerror(errno));
	ptrack_redirect(r, o, "/trackings", NULL, 0, "removed", NULL);
	return 303;
}

/* ---------------------------------------------------------------- backfill */

static void
bf_warn(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;	/* a damaged file is skipped, as the CLI does */
}

/*
 * Back-fill [t0, t1) of tracking name from the stored flow files, as
 * `flowkeep track backfill` does (backfill_run): the steps go to a new
 * RRD (with replace the old one is moved aside first).  0, or -1 with
 * err; *steps and *flows say what was done.
 */
static int
backfill(const struct web_req *r, const char *name, time_t t0, time_t t1,
    unsigned step, int replace, unsigned *steps, uint64_t *flows,
    char *err, size_t errlen)
{
	const struct fk_config *cfg = r->conf->cfg;
	char def[4300], rrd[4200], aside[4300], expr[TRK_LINE], m[64];
	const char *paths[1] = { cfg->workdir };
	struct filter *f;
	double mult = 1;
	int rc;

	ptrack_path(r, 0, name, def, sizeof(def));
	def_value(def, "filter", expr, sizeof(expr));
	def_value(def, "multiplier", m, sizeof(m));
	if (m[0] != '\0' && !((mult = strtod(m, NULL)) > 0))
		mult = 1;
	if ((f = filter_compile(expr, NULL, err, errlen)) == NULL)
		return -1;
	snprintf(rrd, sizeof(rrd), "%s/%s.rrd", rrd_dir(r), name);
	if (replace && access(rrd, F_OK) == 0) {
		snprintf(aside, sizeof(aside), "%s.before-backfill-%lld", rrd,
		    (long long)(r->now_ms / 1000));
		if (rename(rrd, aside) != 0) {
			snprintf(err, errlen, "%.900s: %s", rrd,
			    strerror(errno));
			filter_free(f);
			return -1;
		}
	}
	if (mkdir(rrd_dir(r), 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%.900s: %s", rrd_dir(r),
		    strerror(errno));
		filter_free(f);
		return -1;
	}
	rc = backfill_run(f, mult, paths, 1, t0, t1, step, rrd, bf_warn,
	    steps, flows, err, errlen);
	filter_free(f);
	return rc < 0 ? -1 : 0;
}

int
page_track_backfill(const struct web_req *r, struct web_out *o)
{
	const char *name, *from = qs_get(&r->q, "from");
	const char *to = qs_get(&r->q, "to");
	int replace = (int)qs_num(&r->q, "replace", 0), st = 0;
	unsigned step = r->conf != NULL && r->conf->cfg != NULL &&
	    r->conf->cfg->track_step > 0 ? r->conf->cfg->track_step : 300;
	char err[1024], rrd[4200];
	uint64_t m0, m1, flows = 0;
	unsigned steps = 0;
	time_t t0, t1;

	if ((st = ptrack_refuse_ro(r, o)) != 0)
		return st;
	if ((name = post_name(r, o, &st)) == NULL)
		return st;
	if (from == NULL || to == NULL)
		return web_error(o, 400, "from, to: both required");
	if (timearg_parse(from, r->now_ms, &m0, err, sizeof(err)) != 0)
		return web_error(o, 400, "from: %s", err);
	if (timearg_parse(to, r->now_ms, &m1, err, sizeof(err)) != 0)
		return web_error(o, 400, "to: %s", err);
	t0 = (time_t)(m0 / 1000);
	t1 = (time_t)(m1 / 1000);
	t0 -= t0 % (time_t)step;
	t1 -= t1 % (time_t)step;
	if (t1 <= t0)
		return web_error(o, 400, "to: at least one step (%u s) after "
		    "from", step);
	if (m1 > r->now_ms + 1000)
		return web_error(o, 400, "to: in the future");
	if (!ptrack_exists(r, 0, name))
		return web_error(o, 404, "no tracking %s", name);
	if (t1 - t0 > PTRACK_BACKFILL_MAX)
		return web_error(o, 400, "from, to: a back-fill over more than "
		    "%d days reads too many files for a page; run it on the "
		    "server: flowkeep track backfill %s --from @%lld --to @%lld"
		    "%s", PTRACK_BACKFILL_MAX / 86400, name, (long long)t0,
		    (long long)t1, replace ? " --replace" : "");
	snprintf(rrd, sizeof(rrd), "%s/%s.rrd", rrd_dir(r), name);
	if (!replace && access(rrd, F_OK) == 0)
		return web_error(o, 400, "replace: %s has steps already and an "
		    "RRD cannot take older ones; ask to replace it (the old "
		    "one is moved aside)", name);
	if (backfill(r, name, t0, t1, step, replace, &steps, &flows, err,
	    sizeof(err)) == -1)
		return web_error(o, 500, "back-fill: %s", err);
	ptrack_redirect(r, o, "/tracking", name, 0, "backfill", NULL);
	return 303;
}
