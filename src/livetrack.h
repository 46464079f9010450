/*
 * livetrack.h - the daemon's live trackings: definitions read from a
 * directory, counted by the tracker as flows arrive, final steps written
 * to one RRD per tracking by a worker thread (never on the UDP loop).
 *
 * A tracking is a file NAME in the trackings directory (names of letters,
 * digits, '-', '_' and '.', not starting with '.'), lines of "key value":
 *
 *	filter dst port 443 and dst net 192.0.2.0/24
 *	multiplier 100		(optional: sampling 1:100)
 *	note 1764300000 new uplink	(graph notes: a time, a text; graph.h)
 *	# comments and blank lines are ignored
 *
 * Its RRD is RRDDIR/NAME.rrd (see storage/rrdstore.h), written by the
 * worker with librrd's thread-safe calls or, when configured, through
 * rrdcached (the worker still creates missing RRDs itself).
 */
#ifndef FLOWKEEP_LIVETRACK_H
#define FLOWKEEP_LIVETRACK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "proto/flowrec.h"

struct livetrack;

struct livetrack_info {
	char		name[128];
	uint64_t	matched;
	uint64_t	late_flows;
	uint64_t	buckets;
};

/* NULL on bad parameters or out of memory (err says which). */
struct livetrack *livetrack_new(const char *trackdir, const char *rrddir,
    unsigned step, unsigned lateness, char *err, size_t errlen);

/*
 * Send RRD updates through rrdcached at addr ("" = write the files, the
 * default); call before livetrack_load().  The RRD directory is made
 * absolute for rrdcached.  -1 with err set when it cannot be.
 */
int livetrack_set_rrdcached(struct livetrack *lt, const char *addr,
    char *err, size_t errlen);

/*
 * (Re)read the definitions.  Counting restarts for every tracking (the
 * open buckets of the previous definitions are written first).  Returns
 * the number of trackings, or -1 with err set; a tracking file with an
 * error is skipped and named in err, the others still load.
 */
int livetrack_load(struct livetrack *lt, uint64_t now_ms, char *err,
    size_t errlen);

/* Read one definition file: its compiled filter (free with filter_free)
 * and multiplier; NULL with err set. */
struct filter;
struct filter *livetrack_read_def(const char *path, double *mult,
    char *err, size_t errlen);

/* The collector's sink: count these flows. */
void livetrack_put(void *arg, const struct flowrec *recs, unsigned n);

/* Once a second: hand the final steps to the RRD worker. */
void livetrack_tick(struct livetrack *lt, uint64_t now_ms);

unsigned livetrack_count(const struct livetrack *lt);
void livetrack_get(const struct livetrack *lt, unsigned i,
    struct livetrack_info *out);

/* RRD writes that failed (logged by the worker), and samples queued. */
uint64_t livetrack_rrd_errors(const struct livetrack *lt);

/* RRDs found broken (not an RRD, cut short, another step), moved aside to
 * NAME.rrd.broken-EPOCH and recreated (logged). */
uint64_t livetrack_rrd_recreated(const struct livetrack *lt);

/* The last step written to the RRDs: how many, and the wall time from
 * its first sample queued to its last one written. */
struct livetrack_flush {
	time_t		t;		/* the step's end; 0: none yet */
	unsigned	rrds;
	uint64_t	wall_us;
	uint64_t	steps;		/* steps written since the start */
};
void livetrack_get_flush(const struct livetrack *lt,
    struct livetrack_flush *out);

/* How the trackings are indexed (see trkindex.h). */
struct trkindex_stats;
void livetrack_get_index(const struct livetrack *lt,
    struct trkindex_stats *out);

/* Write what is queued, stop the worker, free. */
void livetrack_free(struct livetrack *lt);

#endif /* FLOWKEEP_LIVETRACK_H */
