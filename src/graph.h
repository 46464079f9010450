/*
 * graph.h - the PNG graphs of trackings and groups, for the CLI (`flowkeep
 * graph track|group`) and the web front end: each call writes one PNG to
 * a FILE * (a file, standard output, or open_memstream() for a buffer).
 *
 * A tracking's graph (FlowTracker's) shows its RRD over a period: the
 * averages, the step maxima as a peak line, the 95th percentile, the
 * maximum / 95th / average / minimum in the legend, the above/below
 * alert thresholds of its definition in the graphed unit as lines, and
 * its last GRAPH_NOTES notes ("note EPOCH TEXT" lines) as vertical marks
 * with their text in the legend.  A group's graph stacks its members'
 * RRDs above and below the axis in their colours (group.h).
 *
 * Does not: draw flows from files (graph flows: render_png.h), create
 * RRDs.  Not thread safe (librrd's graph uses getopt).
 */
#ifndef FLOWKEEP_GRAPH_H
#define FLOWKEEP_GRAPH_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#define GRAPH_NOTES	3

/* The periods: day, week, month (4 weeks), year, 3y; seconds or 0. */
long graph_period(const char *name);

/* The period names, for messages: "day, week, month, year or 3y". */
extern const char graph_period_names[];

struct graph_req {
	const char	*name;		/* tracking or group */
	const char	*trackdir;	/* tracking definitions */
	const char	*groupdir;	/* group definitions (graph_group) */
	const char	*rrddir;	/* RRDDIR/NAME.rrd per tracking */
	const char	*period;	/* graph_period() name */
	time_t		 end;		/* 0 = now */
	unsigned	 width, height;	/* of the PNG */
	int		 unit;		/* 0 bits, 1 packets, 2 flows;
					   -1: the group's (bits for a
					   tracking) */
	double		 threshold;	/* one more alert line, 0 = none */
};

/*
 * Draw tracking q->name.  Returns 0, -1 with err set (missing RRD,
 * unreadable definition, librrd error, write error), or -2 when the
 * request itself is bad (name, period, size; err says which).
 */
int graph_track(const struct graph_req *q, FILE *out, char *err,
    size_t errlen);

/* Draw group q->name; as graph_track. */
int graph_group(const struct graph_req *q, FILE *out, char *err,
    size_t errlen);

#endif /* FLOWKEEP_GRAPH_H */
