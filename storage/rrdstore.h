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
 * start) when missing; when it cannot be read as one, or has another step,
 * move it aside to path.broken-EPOCH and create a new one.  Returns 0 when
 * the file was fine, 1 when it was created or recreated (err says which),
 * -1 on error (err says why).
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

/* Last update time of the RRD, or -1 with err set. */
time_t rrdstore_last(const char *path, char *err, size_t errlen);

/* What a tracking graph shows. */
struct rrd_graph_opts {
	const char	*title;
	time_t		 start, end;	/* seconds since the epoch */
	unsigned	 width, height;	/* of the whole PNG, pixels */
	int		 unit;		/* 0 bits/s, 1 packets/s, 2 flows/s */
	double		 threshold;	/* alert line, 0 = none */
};

/*
 * Draw the RRD as a PNG (png "-" = standard output): the average as an
 * area, the step maxima as a line, the 95th percentile as a dashed line,
 * and average, 95th percentile and peak in the legend; the threshold as a
 * line when set.  Not thread safe (librrd's graph parses options with
 * getopt): for the CLI and the web handlers, not the daemon.  0 or -1
 * with err set.
 */
int rrdstore_graph(const char *rrd, const char *png,
    const struct rrd_graph_opts *o, char *err, size_t errlen);

#endif /* FLOWKEEP_RRDSTORE_H */
