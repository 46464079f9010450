/*
 * rrdstore.c - one RRD per tracking (see rrdstore.h).
 */
#include "config.h"	/* _GNU_SOURCE: vasprintf */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rrd.h>
#include <rrd_client.h>

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
	int fd;

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
	if (!S_ISREG(st.st_mode)) {
		seterr(err, errlen, "%s: not a regular file; left as it is",
		    path);
		return -1;
	}
	if ((fd = open(path, O_RDWR)) == -1) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	close(fd);
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
	return 2;
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

/* Format the next samples of s later than *last into buf/argv, at most
 * UPD_BATCH, from *i on; returns how many. */
static int
fmt_batch(const struct rrd_sample *s, size_t n, size_t *i, time_t *last,
    char buf[][128], const char **argv)
{
	int k;

	for (k = 0; *i < n && k < UPD_BATCH; (*i)++) {
		if (s[*i].t <= *last)
			continue;
		snprintf(buf[k], sizeof(buf[k]), "%lld:%.6f:%.6f:%.6f",
		    (long long)s[*i].t, s[*i].bits, s[*i].packets,
		    s[*i].flows);
		argv[k] = buf[k];
		k++;
		*last = s[*i].t;
	}
	return k;
}

int
rrdstore_update(const char *path, const struct rrd_sample *s, size_t n,
    char *err, size_t errlen)
{
	char buf[UPD_BATCH][128];
	const char *argv[UPD_BATCH];
	time_t last;
	size_t i = 0;
	int written = 0, k;

	if ((last = rrdstore_last(path, err, errlen)) == -1)
		return -1;
	while ((k = fmt_batch(s, n, &i, &last, buf, argv)) > 0) {
		rrd_clear_error();
		if (rrd_update_r(path, "bits:packets:flows", k, argv) != 0) {
			seterr(err, errlen, "%s: update: %s", path, rrd_msg());
			return -1;
		}
		written += k;
	}
	return written;
}

int
rrdstore_update_cached(const char *daemon, const char *path,
    const struct rrd_sample *s, size_t n, char *err, size_t errlen)
{
	char buf[UPD_BATCH][128];
	const char *argv[UPD_BATCH];
	time_t last;
	size_t i = 0;
	int written = 0, k;

	rrd_clear_error();
	if (rrdc_connect(daemon) != 0) {
		seterr(err, errlen, "rrdcached %s: %s", daemon, rrd_msg());
		return -1;
	}
	rrd_clear_error();
	if ((last = rrdc_last(path)) == -1) {
		seterr(err, errlen, "%s: rrdcached %s: %s", path, daemon,
		    rrd_msg());
		return -1;
	}
	while ((k = fmt_batch(s, n, &i, &last, buf, argv)) > 0) {
		rrd_clear_error();
		if (rrdc_update(path, k, argv) != 0) {
			seterr(err, errlen, "%s: update through rrdcached "
			    "%s: %s", path, daemon, rrd_msg());
			return -1;
		}
		written += k;
	}
	return written;
}

/* ------------------------------------------------------------ graphs */

#define GA_MAX	(64 + RRDSTORE_GRAPH_MAXSERIES * 12 + \
		    4 * RRDSTORE_GRAPH_MAXRULES)

/* The arguments of one rrd_graph_v call, each malloc'ed. */
struct gargs {
	char	*v[GA_MAX];
	int	 n;
	int	 oom;
};

static void
ga(struct gargs *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
ga(struct gargs *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (a->n == GA_MAX) {
		a->oom = 1;
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		a->oom = 1;
	else
		a->v[a->n++] = s;
	va_end(ap);
}

static void
ga_free(struct gargs *a)
{
	for (int i = 0; i < a->n; i++)
		free(a->v[i]);
	a->n = 0;
}

/* Run librrd's graph on the arguments (freed); NULL with err set. */
static rrd_info_t *
ga_run(struct gargs *a, char *err, size_t errlen)
{
	rrd_info_t *info;

	if (a->oom) {
		ga_free(a);
		seterr(err, errlen, "out of memory");
		return NULL;
	}
	rrd_clear_error();
	info = rrd_graph_v(a->n, a->v);
	ga_free(a);
	if (info == NULL || rrd_test_error()) {
		seterr(err, errlen, "graph: %s", rrd_msg());
		if (info != NULL)
			rrd_info_free(info);
		return NULL;
	}
	return info;
}

/* Legend text as rrdtool reads it: ':' escaped, no backslashes or '%'. */
static void
esc(char *buf, size_t len, const char *s)
{
	size_t k = 0;

	for (; s != NULL && *s != '\0' && k + 3 < len; s++) {
		if (*s == ':')
			buf[k++] = '\\';
		buf[k++] = *s == '\\' || *s == '%' ? '/' : *s;
	}
	buf[k] = '\0';
}

static const char *const g_ds[3] = { "bits", "packets", "flows" };
static const char *const g_unit[3] = { "b/s", "pkt/s", "flows/s" };

/* DEFs, with unknown as 0 for stacking (z<i>), and the totals above
 * (up) and below (dn) the axis. */
static void
ga_defs(struct gargs *a, const struct rrd_graph_opts *o, int u)
{
	char rrd[4200], up[GA_MAX * 8] = "z0,0,*", dn[GA_MAX * 8] = "z0,0,*";
	size_t lu = strlen(up), ld = strlen(dn);
	unsigned i;

	for (i = 0; i < o->nseries; i++) {
		esc(rrd, sizeof(rrd), o->series[i].rrd);
		ga(a, "DEF:d%u=%s:%s:AVERAGE", i, rrd, g_ds[u]);
		ga(a, "DEF:m%u=%s:%s:MAX", i, rrd, g_ds[u]);
		ga(a, "CDEF:z%u=d%u,UN,0,d%u,IF", i, i, i);
		if (o->stacked && o->series[i].below)
			ld += (size_t)snprintf(dn + ld, sizeof(dn) - ld,
			    ",z%u,+", i);
		else if (o->stacked)
			lu += (size_t)snprintf(up + lu, sizeof(up) - lu,
			    ",z%u,+", i);
	}
	if (!o->stacked)
		snprintf(up, sizeof(up), "m0,UN,z0,m0,IF");
	ga(a, "CDEF:up=%s", up);
	ga(a, "CDEF:dn=%s", dn);
}

/* 0, 3, 6, ... so that the largest label is 1 to 1000 of its unit. */
static int
exponent_of(double v)
{
	int e = 0;

	while (v >= 1000 * (1 - 1e-9) && e < 15) {
		v /= 1000;
		e += 3;
	}
	return e;
}

/* The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k at or above
 * v (v > 0): an axis end close above the data. */
static double
nice_ceil(double v)
{
	static const double steps[] = { 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 };
	double e = pow(10, floor(log10(v)));

	for (unsigned i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i] * e >= v * (1 - 1e-12))
			return steps[i] * e;
	return 10 * e;
}

/* Common options; ext: the largest values above and below the axis,
 * NULL in the first, measuring pass. */
static void
ga_head(struct gargs *a, const struct rrd_graph_opts *o, int u,
    const double *ext)
{
	static const char pre[] = " kMGTP";
	char title[512];

	ga(a, "graph");
	ga(a, "-");
	ga(a, "--imgformat=PNG");
	ga(a, "--full-size-mode");
	ga(a, "--width=%u", o->width);
	ga(a, "--height=%u", o->height);
	ga(a, "--start=%lld", (long long)o->start);
	ga(a, "--end=%lld", (long long)o->end);
	snprintf(title, sizeof(title), "%s", o->title != NULL ? o->title : "");
	ga(a, "--title=%s", title);
	ga(a, "--disable-rrdtool-tag");
	ga(a, "--slope-mode");
	ga(a, "--base=1000");
	ga(a, "--vertical-label=%s per second", g_ds[u]);
	ga(a, "--color=BACK#ffffff");
	ga(a, "--color=CANVAS#ffffff");
	ga(a, "--color=SHADEA#ffffff");
	ga(a, "--color=SHADEB#ffffff");
	if (!o->stacked || (ext != NULL && ext[1] <= 0))
		ga(a, "--lower-limit=0");
	if (ext != NULL) {
		int e = exponent_of(ext[0] > ext[1] ? ext[0] : ext[1]);

		/* the scale the exponent was chosen for, even when librrd
		 * would see too little data to grow it */
		if (ext[0] > 0)
			ga(a, "--upper-limit=%.17g", nice_ceil(ext[0] * 1.02));
		if (ext[1] > 0)
			ga(a, "--lower-limit=%.17g", -nice_ceil(ext[1] * 1.02));
		if (ext[0] > 0 || ext[1] > 0)
			ga(a, "--rigid");
		ga(a, "--units-exponent=%d", e);
		ga(a, "--units-length=%d", (int)strlen(g_unit[u]) + 7 +
		    (ext[1] > 0));
		if (e == 0)
			ga(a, "--left-axis-format=%%lg %s", g_unit[u]);
		else
			ga(a, "--left-axis-format=%%lg %c%s", pre[e / 3],
			    g_unit[u]);
	}
}

/* The largest values drawn above and below the axis (ext[0], ext[1]),
 * from a first pass; 0 or -1 with err set. */
static int
graph_extent(const struct rrd_graph_opts *o, int u, double *ext,
    uint8_t *known, char *err, size_t errlen)
{
	struct gargs a = { .n = 0 };
	rrd_info_t *info, *i;
	double up = 0, dn = 0, v;
	unsigned k;

	ga_head(&a, o, u, NULL);
	ga_defs(&a, o, u);
	ga(&a, "VDEF:upx=up,MAXIMUM");
	ga(&a, "VDEF:dnx=dn,MAXIMUM");
	ga(&a, "PRINT:upx:%%le");
	ga(&a, "PRINT:dnx:%%le");
	/* whether each series has a known value in the period at all: its
	 * statistics are "nan" otherwise */
	for (k = 0; k < o->nseries; k++) {
		ga(&a, "CDEF:k%u=d%u,UN,0,1,IF", k, k);
		ga(&a, "VDEF:kt%u=k%u,TOTAL", k, k);
		ga(&a, "PRINT:kt%u:%%le", k);
		known[k] = 0;
	}
	if ((info = ga_run(&a, err, errlen)) == NULL)
		return -1;
	for (i = info; i != NULL; i = i->next)
		if (i->type == RD_I_STR &&
		    sscanf(i->key, "print[%u]", &k) == 1 &&
		    sscanf(i->value.u_str, "%le", &v) == 1 && isfinite(v)) {
			if (k == 0)
				up = v;
			else if (k == 1)
				dn = v;
			else if (k - 2 < o->nseries)
				known[k - 2] = v > 0;
		}
	rrd_info_free(info);
	for (k = 0; k < o->nhrules; k++)
		if (fabs(o->hrules[k].value) > up)
			up = fabs(o->hrules[k].value);
	ext[0] = up;
	ext[1] = dn;
	return 0;
}

/* One tracking: average area, peak line, 95th percentile, statistics. */
static void
ga_single(struct gargs *a, const struct rrd_graph_opts *o, int u,
    const uint8_t *known)
{
	char label[512];
	uint32_t c = o->series[0].color != 0 ? o->series[0].color : 0x4e79a7;

	esc(label, sizeof(label), o->series[0].label);
	ga(a, "VDEF:avg=d0,AVERAGE");
	ga(a, "VDEF:p95=d0,95,PERCENTNAN");
	ga(a, "VDEF:min=d0,MINIMUM");
	ga(a, "VDEF:peak=m0,MAXIMUM");
	ga(a, "AREA:d0#%06x:%s, average", (unsigned)c, label);
	ga(a, "LINE1:m0#1a2f5a:peak (step maximum)%s",
	    o->width < 640 ? "\\n" : "");
	ga(a, "LINE2:p95#d62728:95th percentile\\n:dashes=6,3");
	if (!known[0]) {
		ga(a, "COMMENT:No data in this period\\n");
		return;
	}
	ga(a, "GPRINT:peak:Maximum %%.2lf %%s%s", g_unit[u]);
	ga(a, "GPRINT:p95:  95th percentile %%.2lf %%s%s", g_unit[u]);
	ga(a, "GPRINT:avg:  Average %%.2lf %%s%s", g_unit[u]);
	ga(a, "GPRINT:min:  Minimum %%.2lf %%s%s\\n", g_unit[u]);
}

/* A group: stacked areas, above first, then below (negated). */
static void
ga_stacked(struct gargs *a, const struct rrd_graph_opts *o, int u,
    const uint8_t *known)
{
	char label[512];
	size_t w = 0;
	int first[2] = { 1, 1 }, narrow;

	for (unsigned i = 0; i < o->nseries; i++)
		if (o->series[i].label != NULL &&
		    strlen(o->series[i].label) > w)
			w = strlen(o->series[i].label);
	if (w > 40)
		w = 40;
	/* about 7.2 pixels a character: statistics on a line of their own
	 * when they do not fit beside the name */
	narrow = o->width < 20 + 36 * (w + 66) / 5;
	for (int side = 0; side < 2; side++)
		for (unsigned i = 0; i < o->nseries; i++) {
			if (o->series[i].below != side)
				continue;
			esc(label, sizeof(label), o->series[i].label);
			if (side)
				ga(a, "CDEF:n%u=z%u,-1,*", i, i);
			ga(a, "VDEF:a%u=d%u,AVERAGE", i, i);
			ga(a, "VDEF:p%u=d%u,95,PERCENTNAN", i, i);
			ga(a, "VDEF:x%u=d%u,MAXIMUM", i, i);
			ga(a, "AREA:%c%u#%06x:%-*s %s%s%s", side ? 'n' : 'z',
			    i, (unsigned)o->series[i].color, (int)w, label,
			    side ? "(below)" : "(above)", narrow ? "\\n" : "",
			    first[side] ? "" : ":STACK");
			first[side] = 0;
			if (!known[i]) {
				ga(a, "COMMENT:  no data in this period\\n");
				continue;
			}
			/* aligned columns, or as short as can be */
			ga(a, "GPRINT:a%u:  avg %s %%s%s", i, narrow ?
			    "%.2lf" : "%6.2lf", g_unit[u]);
			ga(a, "GPRINT:p%u: 95th %s %%s%s", i, narrow ?
			    "%.2lf" : "%6.2lf", g_unit[u]);
			ga(a, "GPRINT:x%u: max %s %%s%s\\n", i, narrow ?
			    "%.2lf" : "%6.2lf", g_unit[u]);
		}
	if (!first[1])
		ga(a, "HRULE:0#333333");
}

/* Alert lines, note marks, footer. */
static void
ga_rules(struct gargs *a, const struct rrd_graph_opts *o)
{
	static const uint32_t hc[] = { 0xff7f0e, 0x9467bd, 0x8c564b };
	char label[512];
	unsigned i;

	for (i = 0; i < o->nhrules && i < RRDSTORE_GRAPH_MAXRULES; i++) {
		esc(label, sizeof(label), o->hrules[i].label);
		ga(a, "HRULE:%.17g#%06x:%s\\n", o->hrules[i].value,
		    (unsigned)hc[i % 3], label);
	}
	for (i = 0; i < o->nvrules && i < RRDSTORE_GRAPH_MAXRULES; i++) {
		esc(label, sizeof(label), o->vrules[i].label);
		ga(a, "VRULE:%lld#cc0000:%s\\n", (long long)o->vrules[i].t,
		    label);
	}
	if (o->footer != NULL) {
		esc(label, sizeof(label), o->footer);
		ga(a, "COMMENT:%s\\r", label);
	}
}

/* Write the image blob of info to out. */
static int
write_image(rrd_info_t *info, FILE *out, char *err, size_t errlen)
{
	for (rrd_info_t *i = info; i != NULL; i = i->next)
		if (i->type == RD_I_BLO && strcmp(i->key, "image") == 0) {
			if (fwrite(i->value.u_blo.ptr, 1, i->value.u_blo.size,
			    out) != i->value.u_blo.size || fflush(out) != 0) {
				seterr(err, errlen, "write error: %s",
				    strerror(errno));
				return -1;
			}
			return 0;
		}
	seterr(err, errlen, "graph: librrd returned no image");
	return -1;
}

/* librrd's legend[N] strings, in order, a line each. */
static void
copy_legend(rrd_info_t *info, char *buf, size_t len)
{
	size_t off = 0;
	unsigned want = 0, k;
	int found = 1;

	buf[0] = '\0';
	/* the entries come in order, but do not rely on it */
	while (found) {
		found = 0;
		for (rrd_info_t *i = info; i != NULL; i = i->next)
			if (i->type == RD_I_STR &&
			    sscanf(i->key, "legend[%u]", &k) == 1 &&
			    k == want) {
				int n = snprintf(buf + off, len - off, "%s\n",
				    i->value.u_str);

				if (n < 0 || (size_t)n >= len - off) {
					buf[off] = '\0';
					return;
				}
				off += (size_t)n;
				want++;
				found = 1;
				break;
			}
	}
}

int
rrdstore_graph(const struct rrd_graph_opts *o, FILE *out, char *err,
    size_t errlen)
{
	struct gargs a = { .n = 0 };
	rrd_info_t *info;
	double ext[2];
	uint8_t known[RRDSTORE_GRAPH_MAXSERIES];
	int u = o->unit >= 0 && o->unit <= 2 ? o->unit : 0, rc;

	if (o->nseries == 0 || o->nseries > RRDSTORE_GRAPH_MAXSERIES ||
	    (!o->stacked && o->nseries != 1)) {
		seterr(err, errlen, "graph: 1 to %d series, one unstacked",
		    RRDSTORE_GRAPH_MAXSERIES);
		return -1;
	}
	if (graph_extent(o, u, ext, known, err, errlen) == -1)
		return -1;
	ga_head(&a, o, u, ext);
	ga_defs(&a, o, u);
	if (o->stacked)
		ga_stacked(&a, o, u, known);
	else
		ga_single(&a, o, u, known);
	ga_rules(&a, o);
	if ((info = ga_run(&a, err, errlen)) == NULL)
		return -1;
	rc = write_image(info, out, err, errlen);
	if (o->legend != NULL && o->legend_len > 0)
		copy_legend(info, o->legend, o->legend_len);
	rrd_info_free(info);
	return rc;
}
