/*
 * render_png.c - a time series as a PNG with libgd (see render_png.h):
 * filled area and line, a grid with unit labels (b/s, Kb/s, Mb/s, Gb/s,
 * powers of 1000 as network rates are), local-time labels, a title, and a
 * legend with max, 95th percentile, average and min.
 */
#define _GNU_SOURCE	/* localtime_r */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <gd.h>
#include <gdfonts.h>

#include "render_png.h"

static const char *const unit_name[3] = { "b/s", "packets/s", "flows/s" };

/* value with a 1000-based prefix and the unit: "12.5 Mb/s" */
static void
fmt_rate(char *buf, size_t len, double v, int unit)
{
	static const char pre[] = " kMGTP";
	unsigned k = 0;

	while (fabs(v) >= 1000 && k < 5) {
		v /= 1000;
		k++;
	}
	if (k == 0)
		snprintf(buf, len, "%.3g %s", v, unit_name[unit]);
	else
		snprintf(buf, len, "%.3g %c%s", v, pre[k], unit_name[unit]);
}

/* The smallest of 1, 2, 2.5, 5 x 10^k at or above v (v > 0). */
static double
nice_ceil(double v)
{
	static const double steps[] = { 1, 2, 2.5, 5, 10 };
	double e = pow(10, floor(log10(v)));

	for (unsigned i = 0; i < 5; i++)
		if (steps[i] * e >= v * (1 - 1e-12))
			return steps[i] * e;
	return 10 * e;
}

int
render_ts_png(const struct timeseries *ts, int unit, const char *title,
    unsigned w, unsigned h, const char *path, char *err, size_t errlen)
{
	static const unsigned ticks[] = { 60, 300, 600, 900, 1800, 3600,
	    7200, 10800, 21600, 43200, 86400, 172800, 604800 };
	gdFontPtr font = gdFontGetSmall();
	gdImagePtr im;
	struct ts_stats st;
	int bg, fg, grid, fill, line, p95c;
	int left = 78, right = 16, top = 26, bottom = 58;
	int px0, px1, py0, py1;
	double ymax, span_s;
	uint64_t t0 = ts->from_ms / 1000, t1;
	unsigned i, tick = ticks[12];
	char buf[256], a[40], b[40], c[40], d[40];
	FILE *fp;

	if (w < 300 || h < 150 || w > 4000 || h > 3000) {
		snprintf(err, errlen, "graph size %ux%u: 300x150 to 4000x3000",
		    w, h);
		return -1;
	}
	if ((im = gdImageCreateTrueColor((int)w, (int)h)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	bg = gdImageColorAllocate(im, 255, 255, 255);
	fg = gdImageColorAllocate(im, 40, 40, 40);
	grid = gdImageColorAllocate(im, 222, 222, 222);
	fill = gdImageColorAllocate(im, 150, 185, 235);
	line = gdImageColorAllocate(im, 31, 63, 122);
	p95c = gdImageColorAllocate(im, 217, 83, 79);
	gdImageFilledRectangle(im, 0, 0, (int)w - 1, (int)h - 1, bg);
	px0 = left;
	px1 = (int)w - right;
	py0 = top;
	py1 = (int)h - bottom;

	ts_stats(ts, unit, &st);
	ymax = st.max > 0 ? nice_ceil(st.max * 1.05) : 1;

	/* title */
	gdImageString(im, font, (int)(w - strlen(title) * font->w) / 2, 6,
	    (unsigned char *)title, fg);
	/* y grid and labels: 5 intervals */
	for (i = 0; i <= 5; i++) {
		int y = py1 - (int)((py1 - py0) * i / 5);

		gdImageLine(im, px0, y, px1, y, grid);
		fmt_rate(buf, sizeof(buf), ymax * i / 5, unit);
		gdImageString(im, font, px0 - 4 - (int)strlen(buf) * font->w,
		    y - font->h / 2, (unsigned char *)buf, fg);
	}
	/* x grid: the smallest tick giving at most 8 labels */
	span_s = (double)ts->n * (double)ts->bucket_ms / 1000.0;
	for (i = 0; i < sizeof(ticks) / sizeof(ticks[0]); i++)
		if (span_s / ticks[i] <= 8) {
			tick = ticks[i];
			break;
		}
	t1 = t0 + (uint64_t)span_s;
	for (uint64_t t = (t0 / tick + 1) * tick; t < t1; t += tick) {
		int x = px0 + (int)((double)(t - t0) / span_s * (px1 - px0));
		time_t tt = (time_t)t;
		struct tm tm;

		/* align to local midnight-based ticks for days */
		localtime_r(&tt, &tm);
		strftime(buf, sizeof(buf), span_s > 86400 ? "%m-%d %H:%M" :
		    "%H:%M", &tm);
		gdImageLine(im, x, py0, x, py1, grid);
		gdImageString(im, font, x - (int)strlen(buf) * font->w / 2,
		    py1 + 4, (unsigned char *)buf, fg);
	}
	/* the series: filled area, then its outline */
	for (i = 0; i < ts->n; i++) {
		double v = ts_rate(ts, i, unit);
		int xa = px0 + (int)((double)i * (px1 - px0) / ts->n);
		int xb = px0 + (int)((double)(i + 1) * (px1 - px0) / ts->n);
		int y = py1 - (int)(v / ymax * (py1 - py0));

		if (y < py1)
			gdImageFilledRectangle(im, xa, y, xb, py1 - 1, fill);
		gdImageLine(im, xa, y, xb, y, line);
		if (i + 1 < ts->n) {
			double v2 = ts_rate(ts, i + 1, unit);
			int y2 = py1 - (int)(v2 / ymax * (py1 - py0));

			gdImageLine(im, xb, y, xb, y2, line);
		}
	}
	/* 95th percentile, dashed */
	if (st.p95 > 0) {
		int y = py1 - (int)(st.p95 / ymax * (py1 - py0));

		gdImageDashedLine(im, px0, y, px1, y, p95c);
	}
	gdImageRectangle(im, px0, py0, px1, py1, fg);
	/* legend */
	fmt_rate(a, sizeof(a), st.max, unit);
	fmt_rate(b, sizeof(b), st.p95, unit);
	fmt_rate(c, sizeof(c), st.avg, unit);
	fmt_rate(d, sizeof(d), st.min, unit);
	snprintf(buf, sizeof(buf), "max %s   95th %s   avg %s   min %s", a, b,
	    c, d);
	gdImageFilledRectangle(im, px0, (int)h - 22, px0 + 10, (int)h - 14,
	    fill);
	gdImageLine(im, px0 + 16, (int)h - 18, px0 + 26, (int)h - 18, p95c);
	gdImageString(im, font, px0 + 32, (int)h - 24, (unsigned char *)buf,
	    fg);

	if (strcmp(path, "-") == 0)
		fp = stdout;
	else if ((fp = fopen(path, "wb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		gdImageDestroy(im);
		return -1;
	}
	gdImagePng(im, fp);
	gdImageDestroy(im);
	if ((fp == stdout ? fflush(fp) : fclose(fp)) != 0) {
		snprintf(err, errlen, "%s: write error", path);
		return -1;
	}
	return 0;
}
