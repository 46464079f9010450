/*
 * rrdstore.c - one RRD per tracking (see rrdstore.h).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rrd.h>

#include "rrdstore.h"

/* Archives: FlowTracker's, AVERAGE and MAX each. */
static const unsigned rra_spec[][2] = {
	{ 1, 600 }, { 6, 700 }, { 24, 775 }, { 288, 1100 },
};
#define NRRA	(sizeof(rra_spec) / sizeof(rra_spec[0]))

static void
seterr(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

static const char *
rrd_msg(void)
{
	const char *m = rrd_get_error();

	return m != NULL && *m != '\0' ? m : "librrd error";
}

/* Step of an existing RRD, or 0 when it cannot be read as one. */
static unsigned long
rrd_step_of(const char *path)
{
	rrd_info_t *info, *i;
	unsigned long step = 0;
	int ds = 0;

	rrd_clear_error();
	if ((info = rrd_info_r(path)) == NULL)
		return 0;
	for (i = info; i != NULL; i = i->next) {
		if (strcmp(i->key, "step") == 0 && i->type == RD_I_CNT)
			step = i->value.u_cnt;
		else if (strncmp(i->key, "ds[", 3) == 0 &&
		    strstr(i->key, "].index") != NULL)
			ds++;
	}
	rrd_info_free(info);
	return ds == 3 ? step : 0;
}

static int
create(const char *path, unsigned step, time_t start, char *err,
    size_t errlen)
{
	char ds[3][64], rra[2 * NRRA][64];
	const char *argv[3 + 2 * NRRA];
	static const char *const names[3] = { "bits", "packets", "flows" };
	unsigned i, k = 0;

	for (i = 0; i < 3; i++) {
		snprintf(ds[i], sizeof(ds[i]), "DS:%s:GAUGE:%u:0:U", names[i],
		    2 * step);
		argv[k++] = ds[i];
	}
	for (i = 0; i < NRRA; i++) {
		snprintf(rra[2 * i], sizeof(rra[0]), "RRA:AVERAGE:0.5:%u:%u",
		    rra_spec[i][0], rra_spec[i][1]);
		snprintf(rra[2 * i + 1], sizeof(rra[0]), "RRA:MAX:0.5:%u:%u",
		    rra_spec[i][0], rra_spec[i][1]);
		argv[k++] = rra[2 * i];
		argv[k++] = rra[2 * i + 1];
	}
	rrd_clear_error();
	if (rrd_create_r(path, step, start - (time_t)step, (int)k, argv) != 0) {
		seterr(err, errlen, "%s: cannot create: %s", path, rrd_msg());
		return -1;
	}
	return 0;
}

int
rrdstore_ensure(const char *path, unsigned step, time_t start, char *err,
    size_t errlen)
{
	struct stat st;
	unsigned long have;
	char aside[4096];

	if (step == 0) {
		seterr(err, errlen, "%s: step must be above 0", path);
		return -1;
	}
	start -= start % (time_t)step;
	if (stat(path, &st) == -1) {
		if (errno != ENOENT) {
			seterr(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		if (create(path, step, start, err, errlen) == -1)
			return -1;
		seterr(err, errlen, "%s: created", path);
		return 1;
	}
	if ((have = rrd_step_of(path)) == step)
		return 0;
	snprintf(aside, sizeof(aside), "%s.broken-%lld", path,
	    (long long)time(NULL));
	if (rename(path, aside) == -1) {
		seterr(err, errlen, "%s: unusable, and cannot move it aside: "
		    "%s", path, strerror(errno));
		return -1;
	}
	if (create(path, step, start, err, errlen) == -1)
		return -1;
	if (have == 0)
		seterr(err, errlen, "%s: not a tracking RRD; moved to %s and "
		    "recreated", path, aside);
	else
		seterr(err, errlen, "%s: step %lu instead of %u; moved to %s "
		    "and recreated", path, have, step, aside);
	return 1;
}

time_t
rrdstore_last(const char *path, char *err, size_t errlen)
{
	time_t t;

	rrd_clear_error();
	t = rrd_last_r(path);
	if (t == -1 || rrd_test_error()) {
		seterr(err, errlen, "%s: %s", path, rrd_msg());
		return -1;
	}
	return t;
}

#define UPD_BATCH	64

int
rrdstore_update(const char *path, const struct rrd_sample *s, size_t n,
    char *err, size_t errlen)
{
	char buf[UPD_BATCH][128];
	const char *argv[UPD_BATCH];
	time_t last;
	size_t i = 0, k;
	int written = 0;

	if ((last = rrdstore_last(path, err, errlen)) == -1)
		return -1;
	while (i < n) {
		for (k = 0; i < n && k < UPD_BATCH; i++) {
			if (s[i].t <= last)
				continue;
			snprintf(buf[k], sizeof(buf[k]), "%lld:%.6f:%.6f:%.6f",
			    (long long)s[i].t, s[i].bits, s[i].packets,
			    s[i].flows);
			argv[k] = buf[k];
			last = s[i].t;
			k++;
		}
		if (k == 0)
			continue;
		rrd_clear_error();
		if (rrd_update_r(path, "bits:packets:flows", (int)k,
		    argv) != 0) {
			seterr(err, errlen, "%s: update: %s", path, rrd_msg());
			return -1;
		}
		written += (int)k;
	}
	return written;
}

int
rrdstore_graph(const char *rrd, const char *png,
    const struct rrd_graph_opts *o, char *err, size_t errlen)
{
	static const char *const ds[3] = { "bits", "packets", "flows" };
	static const char *const unit[3] = { "b/s", "packets/s", "flows/s" };
	char a[32][512];
	char *argv[32];
	rrd_info_t *info;
	int k = 0, u = o->unit >= 0 && o->unit <= 2 ? o->unit : 0;

#define ARG(...)	(snprintf(a[k], sizeof(a[k]), __VA_ARGS__), \
			    argv[k] = a[k], k++)
	ARG("graph");
	ARG("%s", png);
	ARG("--imgformat=PNG");
	ARG("--full-size-mode");
	ARG("--width=%u", o->width);
	ARG("--height=%u", o->height);
	ARG("--start=%lld", (long long)o->start);
	ARG("--end=%lld", (long long)o->end);
	ARG("--title=%s", o->title != NULL ? o->title : "");
	ARG("--vertical-label=%s", unit[u]);
	ARG("--lower-limit=0");
	ARG("--slope-mode");
	ARG("DEF:v=%s:%s:AVERAGE", rrd, ds[u]);
	ARG("DEF:m=%s:%s:MAX", rrd, ds[u]);
	ARG("VDEF:avg=v,AVERAGE");
	ARG("VDEF:p95=v,95,PERCENT");
	ARG("VDEF:peak=m,MAXIMUM");
	ARG("AREA:v#7aa6e8:average");
	ARG("LINE1:m#1f3f7a:step maximum\\n");
	ARG("LINE2:p95#d9534f:95th percentile:dashes");
	ARG("GPRINT:avg:avg %%.2lf %%s%s", unit[u]);
	ARG("GPRINT:p95:95th %%.2lf %%s%s", unit[u]);
	ARG("GPRINT:peak:peak %%.2lf %%s%s", unit[u]);
	if (o->threshold > 0)
		ARG("HRULE:%f#ff8800:alert threshold", o->threshold);
#undef ARG
	rrd_clear_error();
	info = rrd_graph_v(k, argv);
	if (info == NULL || rrd_test_error()) {
		seterr(err, errlen, "%s: graph: %s", rrd, rrd_msg());
		if (info != NULL)
			rrd_info_free(info);
		return -1;
	}
	rrd_info_free(info);
	return 0;
}
