/*
 * graph.c - tracking and group graphs (see graph.h): reads the tracking
 * and group definitions, turns them into rrdstore_graph() requests.
 */
#define _GNU_SOURCE	/* localtime_r */

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "storage/rrdstore.h"

#include "alert.h"
#include "graph.h"
#include "group.h"

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

static const char *const unit_name[3] = { "b/s", "pkt/s", "flows/s" };

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

/* "7.5 Mb/s" */
static void
fmt_si(char *buf, size_t len, double v, int unit)
{
	static const char pre[] = " kMGTP";
	unsigned k = 0;

	while (fabs(v) >= 1000 && k < 5) {
		v /= 1000;
		k++;
	}
	if (k == 0)
		snprintf(buf, len, "%g %s", v, unit_name[unit]);
	else
		snprintf(buf, len, "%g %c%s", v, pre[k], unit_name[unit]);
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
	fmt_si(v, sizeof(v), r.value, unit);
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
		fmt_si(extra, sizeof(extra), q->threshold, o.unit);
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
