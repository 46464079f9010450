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
 * FlowGrapher's graph of stored flows (`flowkeep graph flows`) is here
 * too: graph_flows_compute() reads the flows that pass a filter in a
 * window into buckets (and, when asked, the top N flows, and the top
 * contributors by address or port with a series each plus "other", a
 * second pass over the files); graph_flows_png() draws it with libgd
 * (render_png.h) and graph_flows_table() prints the top flows or the
 * contributors through a render.h table format.
 *
 * Does not: create RRDs.  Not thread safe (librrd's graph uses getopt).
 */
#ifndef FLOWKEEP_GRAPH_H
#define FLOWKEEP_GRAPH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "render.h"
#include "timeseries.h"

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

/* ------------------------------------------------------- graph flows */

struct graph_flows_req {
	const char	*filter;	/* expression; NULL or "" = all */
	const char *const *paths;	/* files or directories */
	unsigned	 npaths;
	const char	*ch_url;	/* clickhouse://... instead of paths
					 * (src/chsource.h), or NULL */
	uint64_t	 from_ms, to_ms;	/* the window */
	unsigned	 bucket_s;
	int		 unit;		/* 0 bits, 1 packets, 2 flows */
	double		 mult;		/* sampling multiplier, >= 1 */
	unsigned	 width, height;
	int		 stack_key;	/* enum ts_key, or -1: no stack */
	unsigned	 stack_n;	/* contributors: 3..TS_STACK_MAX */
	unsigned	 top_n;		/* top flows to keep, 0 = none */
	void		(*warn)(void *arg, const char *msg);
	void		*warn_arg;
};

struct graph_flows_res {
	struct timeseries *ts;		/* every flow that passed */
	struct ts_stats	 st;		/* of ts in the unit */
	struct ts_stack	*stack;		/* stack_key >= 0 */
	double		 stack_total;	/* the amount of all flows graphed */
	struct ts_top	*top;		/* top_n > 0 */
	const struct flowrec *topv;	/* the top flows, biggest first */
	unsigned	 ntop;
};

/*
 * Read the flows.  0; -1 with err set (files, memory); -2 when the
 * request is bad (filter, window, bucket, stack), err says why.  On 0
 * free res with graph_flows_free().
 */
int graph_flows_compute(const struct graph_flows_req *q,
    struct graph_flows_res *res, char *err, size_t errlen);

/* Draw res as a q->width x q->height PNG to out; 0 or -1 with err. */
int graph_flows_png(const struct graph_flows_req *q,
    const struct graph_flows_res *res, FILE *out, char *err,
    size_t errlen);

/* The top flows (or, with a stack, the contributors and "other") as a
 * table in format ops to fp. */
void graph_flows_table(const struct graph_flows_req *q,
    const struct graph_flows_res *res, const struct render_ops *ops,
    FILE *fp);

void graph_flows_free(struct graph_flows_res *res);

#endif /* FLOWKEEP_GRAPH_H */
