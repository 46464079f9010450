/*
 * timeseries.h - FlowGrapher's ad-hoc time series: flows from stored files
 * summed into fixed buckets over a window, each flow's bytes and packets
 * spread over its duration (the share of its time in each bucket), the
 * flow itself counted in the bucket where it started.
 *
 * Also what goes with the graph: the top N flows by volume (ts_top), and
 * the "top contributors" (FlowGrapher Analysis): the source or
 * destination addresses or ports with the most volume inside the window
 * (ts_rank, a first pass), then one series per such key plus one for all
 * others (ts_stack, a second pass over the same flows).
 *
 * Pure: no I/O.  Limits: 100000 buckets; TS_STACK_MAX keys in a stack;
 * ts_rank's hash table grows with the distinct keys (about 40 bytes a
 * key, doubled at 70 % load) until memory runs out (ts_rank_add then says
 * so); ts_top keeps n flows.
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
/* The same over n rates. */
void ts_stats_of(const double *rates, unsigned n, struct ts_stats *out);

/* The amounts of one flow inside the window: its octets and packets
 * times the share of its duration inside (all of them for a zero-length
 * flow inside), and 1 flow when it starts inside; times the multiplier. */
void ts_share(const struct timeseries *ts, const struct flowrec *r,
    double out[3]);

/* ---------------------------------------------------------- top flows */

/* The n biggest flows (octets, or packets for unit 1) of those added. */
struct ts_top;
struct ts_top *ts_top_new(unsigned n, int unit);
void ts_top_add(struct ts_top *t, const struct flowrec *r);
/* The flows kept, biggest first (ties: earlier start first); *n set. */
const struct flowrec *ts_top_sorted(struct ts_top *t, unsigned *n);
void ts_top_free(struct ts_top *t);

/* ---------------------------------------------------- top contributors */

enum ts_key { TS_K_SRCIP, TS_K_DSTIP, TS_K_SRCPORT, TS_K_DSTPORT };

#define TS_STACK_MAX	10

/* A key's value: an address (af, addr) or a port. */
struct ts_contrib {
	uint8_t		 af;		/* FR_AF_* for addresses, else 0 */
	fr_addr		 addr;
	uint16_t	 port;
	double		 amount;	/* in the window, in the unit */
};

/* "srcip", "dstip", "srcport", "dstport" -> enum ts_key; -1 if none. */
int ts_key_parse(const char *s);
const char *ts_key_name(int key);

/* The key of c as text ("192.0.2.1", "443"); buf >= 48 bytes. */
const char *ts_contrib_str(int key, const struct ts_contrib *c, char *buf,
    size_t len);

/* First pass: the amount in ts's window per key. */
struct ts_rank;
struct ts_rank *ts_rank_new(const struct timeseries *ts, int key, int unit);
/* 0, or -1 when the table could not grow (this flow is not counted). */
int ts_rank_add(struct ts_rank *r, const struct flowrec *f);
/* The k keys with the largest amounts, largest first (ties: the smaller
 * key first), into out[k]; their number.  *total: all keys' sum. */
unsigned ts_rank_top(const struct ts_rank *r, unsigned k,
    struct ts_contrib *out, double *total);
void ts_rank_free(struct ts_rank *r);

/* Second pass: series[i] for top[i], series[k] for every other flow; the
 * same window, buckets and multiplier as shape. */
struct ts_stack {
	int		 key;
	unsigned	 k;
	struct ts_contrib top[TS_STACK_MAX];
	struct timeseries *series[TS_STACK_MAX + 1];
};
struct ts_stack *ts_stack_new(const struct timeseries *shape, int key,
    const struct ts_contrib *top, unsigned k);
void ts_stack_add(struct ts_stack *s, const struct flowrec *f);
void ts_stack_free(struct ts_stack *s);

#endif /* FLOWKEEP_TIMESERIES_H */
