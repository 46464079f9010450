/*
 * tracker.h - live trackings: per-step counters fed by every decoded flow.
 *
 * A tracking has a compiled filter; each flow that passes adds its volume
 * to per-step buckets, its bytes and packets spread over its duration
 * (each bucket gets the share of the flow's time that falls in it; a flow
 * of no duration lands in the bucket of its end) and one flow in the
 * bucket where it started.  A bucket becomes final, and is handed to the
 * caller as per-second rates, once the clock has passed its end by the
 * lateness allowance (export delay plus active timeout).  The part of a
 * flow that falls in a bucket already final is counted as late for that
 * tracking, never added silently to another bucket.
 *
 * Not thread safe: the daemon owns it on one thread and hands finished
 * samples to the RRD worker.
 */
#ifndef FLOWKEEP_TRACKER_H
#define FLOWKEEP_TRACKER_H

#include <stddef.h>
#include <stdint.h>

#include "proto/flowrec.h"
#include "storage/rrdstore.h"

struct filter;
struct tracker;

struct tracker_stats {
	uint64_t	matched;	/* flows that passed the filter */
	uint64_t	late_flows;	/* flows with a part in a final bucket */
	double		late_octets;	/* the octets of those parts */
	uint64_t	buckets;	/* final buckets handed out */
};

/* step seconds (60..3600), lateness in steps (>= 1). */
struct tracker *tracker_new(unsigned step, unsigned lateness);
void tracker_free(struct tracker *t);

/*
 * Add a tracking counting the flows that pass f (NULL = every flow),
 * volumes multiplied by mult (sampling; 0 = 1).  The tracker does not own
 * f.  Counting starts with the bucket holding now_ms.  Returns its index,
 * or -1 when out of memory.
 */
int tracker_add(struct tracker *t, const struct filter *f, double mult,
    uint64_t now_ms);

/* Test flows only against the index's candidates (on, the default) or
 * against every tracking (off: for tests and benchmarks). */
void tracker_use_index(struct tracker *t, int on);

/* Count n flows. */
void tracker_put(struct tracker *t, const struct flowrec *recs, unsigned n);

/*
 * Finish every bucket whose end is at least lateness steps before now_ms:
 * cb is called once per tracking and bucket, in time order, with the
 * rates of the step ending at s->t.  Returns the number of samples.
 */
typedef void (*tracker_cb)(void *arg, int tracking,
    const struct rrd_sample *s);
unsigned tracker_advance(struct tracker *t, uint64_t now_ms, tracker_cb cb,
    void *arg);

/*
 * Carry counting over to a new tracker (a reload): dst takes src's window
 * (call before dst's first tracker_add), and tracking di of dst takes the
 * open buckets and statistics of tracking si of src.
 */
void tracker_take_window(struct tracker *dst, const struct tracker *src);
void tracker_adopt(struct tracker *dst, int di, struct tracker *src,
    int si);

/* How the trackings are indexed. */
struct trkindex_stats;
void tracker_get_index(const struct tracker *t, struct trkindex_stats *out);

void tracker_get_stats(struct tracker *t, int tracking,
    struct tracker_stats *out);
unsigned tracker_count(const struct tracker *t);

#endif /* FLOWKEEP_TRACKER_H */
