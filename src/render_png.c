/*
 * render_png.c - graphs of stored flows with libgd (see render_png.h).
 */
#define _GNU_SOURCE	/* localtime_r, tm_gmtoff */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gd.h>
#include <gdfonts.h>

#include "render_png.h"

static const char *const unit_name[3] = { "b/s", "pkt/s", "flows/s" };

/* The plot and what every part of the drawing needs. */
struct canvas {
	gdImagePtr	 im;
	gdFontPtr	 font;
	int		 fg, grid, p95c;
	int		 px0, px1, py0, py1;	/* plot area */
	double		 ymax;
	const struct timeseries *ts;		/* the window and buckets */
};

void
render_fmt_rate(char *buf, size_t len, double v, int unit)
{
	static const char pre[] = " kMGTP";
	unsigned k = 0;

	if (unit < 0 || unit > 2)
		unit = 0;
	while (fabs(v) >= 1000 && k < 5) {
		v /= 1000;
		k++;
	}
	if (k == 0)
		snprintf(buf, len, "%.3g %s", v, unit_name[unit]);
	else
		snprintf(buf, len, "%.3g %c%s", v, pre[k], unit_name[unit]);
}

/* The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k at or above v
 * (v > 0): the top of the axis, a fifth of it a round grid step. */
static double
nice_ceil(double v)
{
	static const double steps[] = { 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 };
	double e = pow(10, floor(log10(v)));

	for (unsigned i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i] * e >= v * (1 - 1e-12))
			return steps[i] * e;
	return 10 * e;
}

static int
color(gdImagePtr im, uint32_t rgb)
{
	return gdImageColorAllocate(im, (int)(rgb >> 16) & 255,
	    (int)(rgb >> 8) & 255, (int)rgb & 255);
}

static void
text(struct canvas *c, int x, int y, const char *s, int col)
{
	gdImageString(c->im, c->font, x, y, (unsigned char *)(uintptr_t)s,
	    col);
}

static int
yof(const struct canvas *c, double v)
{
	int y = c->py1 - (int)(v / c->ymax * (c->py1 - c->py0));

	return y < c->py0 ? c->py0 : y;
}

static int
xof(const struct canvas *c, unsigned bucket)
{
	return c->px0 + (int)((double)bucket * (c->px1 - c->px0) /
	    c->ts->n);
}

/* Value grid and labels: 5 intervals up to ymax. */
static void
draw_yaxis(struct canvas *c, int unit)
{
	char buf[64];

	for (unsigned i = 0; i <= 5; i++) {
		int y = c->py1 - (c->py1 - c->py0) * (int)i / 5;

		gdImageLine(c->im, c->px0, y, c->px1, y, c->grid);
		render_fmt_rate(buf, sizeof(buf), c->ymax * i / 5, unit);
		text(c, c->px0 - 4 - (int)strlen(buf) * c->font->w,
		    y - c->font->h / 2, buf, c->fg);
	}
}

/* Time grid and labels in local time: the smallest tick that leaves
 * room for each label. */
static void
draw_xaxis(struct canvas *c)
{
	static const unsigned ticks[] = { 1, 2, 5, 10, 15, 30, 60, 120, 300,
	    600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800,
	    604800, 2419200 };
	double span = (double)c->ts->n * (double)c->ts->bucket_ms / 1000.0;
	long long t0 = (long long)(c->ts->from_ms / 1000), off;
	int room = ((int)strlen(span > 86400 ? "00-00 00:00" : span >= 600 ?
	    "00:00" : "00:00:00") + 3) * c->font->w;
	unsigned tick = ticks[20];
	time_t tt = (time_t)t0;
	struct tm tm;
	char buf[64];

	for (unsigned i = 0; i < sizeof(ticks) / sizeof(ticks[0]); i++)
		if ((double)(c->px1 - c->px0) / (span / ticks[i]) >= room) {
			tick = ticks[i];
			break;
		}
	localtime_r(&tt, &tm);
	off = tm.tm_gmtoff;	/* align ticks on local time */
	for (long long t = ((t0 + off) / tick + 1) * tick - off;
	    t < t0 + (long long)span; t += tick) {
		int x = c->px0 + (int)((double)(t - t0) / span *
		    (c->px1 - c->px0));

		tt = (time_t)t;
		localtime_r(&tt, &tm);
		if (span > 86400)
			strftime(buf, sizeof(buf), "%m-%d %H:%M", &tm);
		else if (span >= 600)
			strftime(buf, sizeof(buf), "%H:%M", &tm);
		else
			strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
		gdImageLine(c->im, x, c->py0, x, c->py1, c->grid);
		x -= (int)strlen(buf) * c->font->w / 2;
		if (x + (int)strlen(buf) * c->font->w > gdImageSX(c->im) - 2)
			x = gdImageSX(c->im) - 2 - (int)strlen(buf) *
			    c->font->w;
		text(c, x, c->py1 + 4, buf, c->fg);
	}
}

/* The series stacked bucket by bucket, then the outline of the sum. */
static void
draw_stack(struct canvas *c, const struct render_series *s, unsigned n,
    int unit, const int *cols, const double *sum, int line)
{
	for (unsigned b = 0; b < c->ts->n; b++) {
		int xa = xof(c, b), xb = xof(c, b + 1);
		double acc = 0;

		for (unsigned i = 0; i < n; i++) {
			double v = ts_rate(s[i].ts, b, unit);
			int ya = yof(c, acc), yb = yof(c, acc + v);

			acc += v;
			if (yb < ya)
				gdImageFilledRectangle(c->im, xa, yb, xb,
				    ya - (i == 0), cols[i]);
		}
		gdImageLine(c->im, xa, yof(c, sum[b]), xb, yof(c, sum[b]),
		    line);
		if (b + 1 < c->ts->n)
			gdImageLine(c->im, xb, yof(c, sum[b]), xb,
			    yof(c, sum[b + 1]), line);
	}
}

/* Legend entries laid out in rows from y; returns the rows (drawing
 * only when draw is set). */
static int
draw_legend(struct canvas *c, const struct render_series *s, unsigned n,
    const int *cols, int y, int draw)
{
	int x = c->px0, rows = 1, fw = c->font->w;

	for (unsigned i = 0; i < n; i++) {
		int wid;

		if (s[i].label == NULL)
			continue;
		wid = 14 + (int)strlen(s[i].label) * fw + 2 * fw;
		if (x > c->px0 && x + wid > c->px1) {
			x = c->px0;
			y += c->font->h + 3;
			rows++;
		}
		if (draw) {
			gdImageFilledRectangle(c->im, x, y + 2, x + 9, y + 11,
			    cols[i]);
			gdImageRectangle(c->im, x, y + 2, x + 9, y + 11,
			    c->fg);
			text(c, x + 14, y, s[i].label, c->fg);
		}
		x += wid;
	}
	return rows;
}

/* max / 95th / avg / min of the sum, and the dashed 95th key, on one
 * line or, when narrow, two; returns the lines (drawing when draw). */
static int
draw_stats(struct canvas *c, const struct ts_stats *st, int unit, int y,
    int draw)
{
	char l1[128], l2[128], a[40], b[40], d[40], e[40];
	int x = c->px0 + 16, lines = 1;
	size_t n;

	render_fmt_rate(a, sizeof(a), st->max, unit);
	render_fmt_rate(b, sizeof(b), st->p95, unit);
	render_fmt_rate(d, sizeof(d), st->avg, unit);
	render_fmt_rate(e, sizeof(e), st->min, unit);
	snprintf(l1, sizeof(l1), "max %s   95th %s   ", a, b);
	snprintf(l2, sizeof(l2), "avg %s   min %s", d, e);
	n = strlen(l1);
	if (x + (int)(n + strlen(l2)) * c->font->w > gdImageSX(c->im) - 4)
		lines = 2;
	else
		snprintf(l1 + n, sizeof(l1) - n, "%s", l2);
	if (!draw)
		return lines;
	gdImageDashedLine(c->im, c->px0, y + 7, c->px0 + 10, y + 7, c->p95c);
	text(c, x, y, l1, c->fg);
	if (lines == 2)
		text(c, x, y + c->font->h + 3, l2, c->fg);
	return lines;
}

static int
write_png(gdImagePtr im, FILE *fp, char *err, size_t errlen)
{
	int size, rc = 0;
	void *png = gdImagePngPtr(im, &size);

	if (png == NULL) {
		snprintf(err, errlen, "PNG encoding failed");
		return -1;
	}
	if (fwrite(png, 1, (size_t)size, fp) != (size_t)size ||
	    fflush(fp) != 0) {
		snprintf(err, errlen, "write error: %s", strerror(errno));
		rc = -1;
	}
	gdFree(png);
	return rc;
}

/* Left margin: room for the widest value label. */
static int
left_margin(const struct canvas *c, int unit)
{
	char buf[64];
	size_t m = 0;

	for (unsigned i = 0; i <= 5; i++) {
		render_fmt_rate(buf, sizeof(buf), c->ymax * i / 5, unit);
		if (strlen(buf) > m)
			m = strlen(buf);
	}
	return (int)m * c->font->w + 10;
}

/* Canvas, colours and plot area; -1 when out of memory. */
static int
setup(struct canvas *c, const struct render_series *s, unsigned n,
    int unit, unsigned w, unsigned h, const double *sum, int *cols)
{
	struct ts_stats st;
	int rows;

	memset(c, 0, sizeof(*c));
	if ((c->im = gdImageCreateTrueColor((int)w, (int)h)) == NULL)
		return -1;
	c->font = gdFontGetSmall();
	c->ts = s[0].ts;
	gdImageFilledRectangle(c->im, 0, 0, (int)w - 1, (int)h - 1,
	    color(c->im, 0xffffff));
	c->fg = color(c->im, 0x282828);
	c->grid = color(c->im, 0xdedede);
	c->p95c = color(c->im, 0xd62728);
	for (unsigned i = 0; i < n; i++)
		cols[i] = color(c->im, s[i].color);
	ts_stats_of(sum, c->ts->n, &st);
	c->ymax = st.max > 0 ? nice_ceil(st.max * 1.05) : 1;
	c->px0 = left_margin(c, unit);
	c->px1 = (int)w - 16;
	c->py0 = 26;
	rows = draw_legend(c, s, n, cols, 0, 0) * (n > 1);
	rows += draw_stats(c, &st, unit, 0, 0);
	c->py1 = (int)h - 20 - (1 + rows) * (c->font->h + 3);
	if (c->py1 - c->py0 < 40) {
		gdImageDestroy(c->im);
		c->im = NULL;
		return -2;
	}
	return 0;
}

int
render_flows_png(const struct render_series *s, unsigned n, int unit,
    const char *title, unsigned w, unsigned h, FILE *fp, char *err,
    size_t errlen)
{
	struct canvas c;
	struct ts_stats st;
	int cols[RENDER_PNG_MAXSERIES], rc;
	double *sum;

	if (w < 300 || h < 150 || w > 4000 || h > 3000 || n == 0 ||
	    n > RENDER_PNG_MAXSERIES) {
		snprintf(err, errlen, "graph size %ux%u: 300x150 to 4000x3000, "
		    "1 to %d series", w, h, RENDER_PNG_MAXSERIES);
		return -1;
	}
	if ((sum = calloc(s[0].ts->n, sizeof(double))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (unsigned b = 0; b < s[0].ts->n; b++)
		for (unsigned i = 0; i < n; i++)
			sum[b] += ts_rate(s[i].ts, b, unit);
	if ((rc = setup(&c, s, n, unit, w, h, sum, cols)) != 0) {
		free(sum);
		snprintf(err, errlen, rc == -2 ? "graph size %ux%u: too small "
		    "for %u legend entries" : "out of memory", w, h, n);
		return -1;
	}
	ts_stats_of(sum, c.ts->n, &st);
	text(&c, (int)(w - strlen(title) * (size_t)c.font->w) / 2, 6, title,
	    c.fg);
	draw_yaxis(&c, unit);
	draw_xaxis(&c);
	draw_stack(&c, s, n, unit, cols, sum, color(c.im, 0x1f3f7a));
	if (st.p95 > 0)
		gdImageDashedLine(c.im, c.px0, yof(&c, st.p95), c.px1,
		    yof(&c, st.p95), c.p95c);
	gdImageRectangle(c.im, c.px0, c.py0, c.px1, c.py1, c.fg);
	rc = draw_stats(&c, &st, unit, c.py1 + c.font->h + 10, 1);
	if (n > 1)
		draw_legend(&c, s, n, cols, c.py1 + c.font->h + 10 +
		    rc * (c.font->h + 3), 1);
	free(sum);
	rc = write_png(c.im, fp, err, errlen);
	gdImageDestroy(c.im);
	return rc;
}

int
render_ts_png(const struct timeseries *ts, int unit, const char *title,
    unsigned w, unsigned h, FILE *fp, char *err, size_t errlen)
{
	struct render_series s = { ts, NULL, 0x96b9eb };

	return render_flows_png(&s, 1, unit, title, w, h, fp, err, errlen);
}
