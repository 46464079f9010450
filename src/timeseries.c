/*
 * timeseries.c - ad-hoc time series from stored flows (see timeseries.h).
 */
#include <stdlib.h>
#include <string.h>

#include "timeseries.h"

struct timeseries *
ts_new(uint64_t from_ms, uint64_t to_ms, unsigned bucket_s, double mult)
{
	struct timeseries *ts;
	uint64_t n;

	if (to_ms <= from_ms || bucket_s == 0)
		return NULL;
	n = (to_ms - from_ms + bucket_s * 1000ull - 1) / (bucket_s * 1000ull);
	if (n == 0 || n > 100000)
		return NULL;
	if ((ts = calloc(1, sizeof(*ts))) == NULL)
		return NULL;
	if ((ts->octets = calloc(3 * n, sizeof(double))) == NULL) {
		free(ts);
		return NULL;
	}
	ts->packets = ts->octets + n;
	ts->flows = ts->packets + n;
	ts->from_ms = from_ms;
	ts->bucket_ms = bucket_s * 1000ull;
	ts->n = (unsigned)n;
	ts->mult = mult >= 1 ? mult : 1;
	return ts;
}

void
ts_free(struct timeseries *ts)
{
	if (ts == NULL)
		return;
	free(ts->octets);
	free(ts);
}

void
ts_add(struct timeseries *ts, const struct flowrec *r)
{
	uint64_t first = r->first_ms, last = r->last_ms, end, b, b0, b1;
	double oct = (double)r->octets * ts->mult;
	double pkt = (double)r->packets * ts->mult;

	if (last < first)
		last = first;
	end = ts->from_ms + ts->n * ts->bucket_ms;
	if (last < ts->from_ms || first >= end)
		return;
	ts->added++;
	if (first >= ts->from_ms)
		ts->flows[(first - ts->from_ms) / ts->bucket_ms] += 1;
	if (last == first) {
		b = (last - ts->from_ms) / ts->bucket_ms;
		ts->octets[b] += oct;
		ts->packets[b] += pkt;
		return;
	}
	b0 = first < ts->from_ms ? 0 : (first - ts->from_ms) / ts->bucket_ms;
	b1 = last >= end ? ts->n - 1 :
	    (last - 1 - ts->from_ms) / ts->bucket_ms;
	for (b = b0; b <= b1; b++) {
		uint64_t lo = ts->from_ms + b * ts->bucket_ms;
		uint64_t hi = lo + ts->bucket_ms;
		double sh;

		if (lo < first)
			lo = first;
		if (hi > last)
			hi = last;
		if (hi <= lo)
			continue;
		sh = (double)(hi - lo) / (double)(last - first);
		ts->octets[b] += oct * sh;
		ts->packets[b] += pkt * sh;
	}
}

double
ts_rate(const struct timeseries *ts, unsigned i, int unit)
{
	double secs = (double)ts->bucket_ms / 1000.0;

	if (i >= ts->n)
		return 0;
	switch (unit) {
	case 1:
		return ts->packets[i] / secs;
	case 2:
		return ts->flows[i] / secs;
	default:
		return ts->octets[i] * 8 / secs;
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void
ts_stats(const struct timeseries *ts, int unit, struct ts_stats *out)
{
	double *v, sum = 0;
	unsigned i;

	memset(out, 0, sizeof(*out));
	if ((v = malloc(ts->n * sizeof(double))) == NULL)
		return;
	for (i = 0; i < ts->n; i++) {
		v[i] = ts_rate(ts, i, unit);
		sum += v[i];
	}
	qsort(v, ts->n, sizeof(double), cmp_double);
	out->min = v[0];
	out->max = v[ts->n - 1];
	out->avg = sum / ts->n;
	/* nearest rank: the smallest value with 95 % at or below it */
	i = (unsigned)((ts->n * 95 + 99) / 100);
	out->p95 = v[i > 0 ? i - 1 : 0];
	free(v);
}
