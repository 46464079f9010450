/*
 * timeseries.h - FlowGrapher's ad-hoc time series: flows from stored files
 * summed into fixed buckets over a window, each flow's bytes and packets
 * spread over its duration (the share of its time in each bucket), the
 * flow itself counted in the bucket where it started.
 */
#ifndef FLOWKEEP_TIMESERIES_H
#define FLOWKEEP_TIMESERIES_H

#include <stddef.h>
#include <stdint.h>

#include "proto/flowrec.h"

struct timeseries {
	uint64_t	 from_ms;	/* window [from, to) */
	uint64_t	 bucket_ms;
	unsigned	 n;		/* buckets */
	double		*octets, *packets, *flows;	/* per bucket */
	double		 mult;		/* sampling multiplier, >= 1 */
	uint64_t	 added;		/* flows that touched the window */
};

/* NULL on bad parameters (empty window, bucket < 1 s, > 100000 buckets)
 * or out of memory. */
struct timeseries *ts_new(uint64_t from_ms, uint64_t to_ms,
    unsigned bucket_s, double mult);
void ts_add(struct timeseries *ts, const struct flowrec *r);
void ts_free(struct timeseries *ts);

/* Rate of bucket i in unit 0 bits/s, 1 packets/s, 2 flows/s. */
double ts_rate(const struct timeseries *ts, unsigned i, int unit);

/* Over the buckets: max, 95th percentile, average and min rate. */
struct ts_stats {
	double	max, p95, avg, min;
};
void ts_stats(const struct timeseries *ts, int unit, struct ts_stats *out);

#endif /* FLOWKEEP_TIMESERIES_H */
