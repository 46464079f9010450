/*
 * rrdstore.h - one RRD per tracking: the only code that includes rrd.h.
 *
 * Each RRD has three GAUGE data sources holding per-second rates over a
 * step: "bits", "packets" and "flows", and AVERAGE and MAX archives that
 * cover at least FlowTracker's (1 step x 600, 6 x 700, 24 x 775,
 * 288 x 1100).  Values are written for whole steps, at the step's end, so
 * `rrdtool fetch` returns exactly the rates written.  Calls use librrd's
 * thread-safe entry points; they block on disk and belong on a worker
 * thread, never on the UDP loop.
 */
#ifndef FLOWKEEP_RRDSTORE_H
#define FLOWKEEP_RRDSTORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* One step's rates, for the step ending at t (a multiple of the step). */
struct rrd_sample {
	time_t	t;
	double	bits;		/* bits per second */
	double	packets;	/* packets per second */
	double	flows;		/* flows per second */
};

/*
 * Make sure path is an RRD with this step: create it (starting before
 * start) when missing; when it is a file we may read and write but not an
 * RRD (garbage, cut short) or has another step, move it aside to
 * path.broken-EPOCH and create a new one.  A file we may not open (its
 * mode) or something other than a file (a directory) is left as it is: an
 * error, until fixed.  Returns 0 when the file was fine, 1 when it was
 * created, 2 when it was moved aside and recreated (err says which), -1 on
 * error (err says why).
 */
int rrdstore_ensure(const char *path, unsigned step, time_t start,
    char *err, size_t errlen);

/*
 * Write n samples in time order.  Samples not later than the RRD's last
 * update are skipped (a restart or back-fill may offer them again).
 * Returns the number written, or -1 with err set.
 */
int rrdstore_update(const char *path, const struct rrd_sample *s, size_t n,
    char *err, size_t errlen);

/*
 * The same through rrdcached at daemon (librrd's address syntax:
 * "unix:/path/sock", "/path/sock" or "host:port"), connecting when not
 * connected.  path must be absolute or relative to rrdcached's base
 * directory, and the RRD must exist (rrdstore_ensure()).  The values
 * reach the file when rrdcached writes them; `rrdtool fetch --daemon`
 * flushes first.  librrd has one rrdcached connection per process: call
 * from one thread.
 */
int rrdstore_update_cached(const char *daemon, const char *path,
    const struct rrd_sample *s, size_t n, char *err, size_t errlen);

/* Last update time of the RRD, or -1 with err set. */
time_t rrdstore_last(const char *path, char *err, size_t errlen);

/* One series of a graph: a tracking's RRD. */
struct rrd_graph_series {
	const char	*rrd;		/* path */
	const char	*label;		/* legend */
	uint32_t	 color;		/* 0xRRGGBB */
	int		 below;		/* stacked: drawn below the axis */
};

/* A horizontal line at value (alert threshold) or a vertical mark at t
 * (a note), with its legend. */
struct rrd_graph_rule {
	double		 value;
	time_t		 t;
	const char	*label;
};

/* What a graph shows. */
struct rrd_graph_opts {
	const char	*title;
	time_t		 start, end;	/* seconds since the epoch */
	unsigned	 width, height;	/* of the whole PNG, pixels */
	int		 unit;		/* 0 bits/s, 1 packets/s, 2 flows/s */
	const struct rrd_graph_series *series;
	unsigned	 nseries;
	int		 stacked;	/* a group: series stacked */
	const struct rrd_graph_rule *hrules, *vrules;
	unsigned	 nhrules, nvrules;
	const char	*footer;	/* bottom right line, or NULL */
	/* when not NULL: the legend's lines as drawn (statistics filled
	 * in), each ended by '\n', cut to legend_len - 1 bytes */
	char		*legend;
	size_t		 legend_len;
};

#define RRDSTORE_GRAPH_MAXSERIES	32
#define RRDSTORE_GRAPH_MAXRULES		8

/*
 * Draw a PNG of o->width x o->height pixels and write it to out.
 *
 * One series, not stacked (a tracking): its averages as an area, its step
 * maxima as a "peak" line, the 95th percentile of the averages as a dashed
 * line, and maximum, 95th percentile, average and minimum in the legend.
 * Stacked (a group): the series as areas stacked upwards from the axis in
 * order, those marked below stacked downwards (negated), each with its
 * average, 95th percentile and maximum in the legend.  Either way: the
 * hrules as lines, the vrules as vertical marks, a legend, time labels in
 * local time (TZ), and value labels carrying their unit with a power of
 * 1000 prefix (b/s, kb/s, Mb/s, Gb/s).
 *
 * Not thread safe (librrd's graph parses options with getopt): for the
 * CLI and web handlers, not the daemon.  0 or -1 with err set.
 */
int rrdstore_graph(const struct rrd_graph_opts *o, FILE *out, char *err,
    size_t errlen);

#endif /* FLOWKEEP_RRDSTORE_H */
