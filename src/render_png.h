/*
 * render_png.h - FlowGrapher's graphs of stored flows as PNG, drawn with
 * libgd: one series as a filled area with its outline, or several
 * stacked (the top contributors and "other"), a grid with value labels
 * carrying their unit (b/s, kb/s, Mb/s, Gb/s: powers of 1000 as network
 * rates are), local-time labels, a title, a legend with the series'
 * colours, and max / 95th percentile / average / min of the (summed)
 * rates printed on the graph, the 95th percentile also as a dashed line.
 *
 * Does not: read flows (timeseries.h), draw RRDs (graph.h).  Limits: 300x150
 * to 4000x3000 pixels; RENDER_PNG_MAXSERIES series; libgd's built-in
 * font (labels in ASCII).
 */
#ifndef FLOWKEEP_RENDER_PNG_H
#define FLOWKEEP_RENDER_PNG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "timeseries.h"

#define RENDER_PNG_MAXSERIES	16

/* One series: its buckets, its legend (NULL: none), its colour. */
struct render_series {
	const struct timeseries	*ts;
	const char		*label;
	uint32_t		 color;		/* 0xRRGGBB */
};

/*
 * Draw n series (same window and buckets) stacked in unit (0 bits/s,
 * 1 packets/s, 2 flows/s) into a w x h PNG written to fp.  0, or -1 with
 * err set.
 */
int render_flows_png(const struct render_series *s, unsigned n, int unit,
    const char *title, unsigned w, unsigned h, FILE *fp, char *err,
    size_t errlen);

/* One series in FlowGrapher's colours; as render_flows_png. */
int render_ts_png(const struct timeseries *ts, int unit, const char *title,
    unsigned w, unsigned h, FILE *fp, char *err, size_t errlen);

/* A rate with a power of 1000 prefix and its unit: "12.5 Mb/s". */
void render_fmt_rate(char *buf, size_t len, double v, int unit);

#endif /* FLOWKEEP_RENDER_PNG_H */
