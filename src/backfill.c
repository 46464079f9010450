/*
 * backfill.c - a tracking's past steps from stored flow files (see
 * backfill.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/rrdstore.h"

#include "backfill.h"
#include "filter.h"
#include "source.h"
#include "timeseries.h"

int
backfill_run(const struct filter *f, double mult, const char *const *paths,
    unsigned npaths, time_t t0, time_t t1, unsigned step, const char *rrd,
    void (*warn)(void *, const char *), unsigned *steps, uint64_t *flows,
    char *err, size_t errlen)
{
	const struct flowrec *recs;
	struct rrd_sample *s;
	struct timeseries *ts;
	struct src_opts so;
	struct src *src;
	unsigned n;
	int rc;

	if ((ts = ts_new((uint64_t)t0 * 1000, (uint64_t)t1 * 1000, step,
	    mult)) == NULL) {
		snprintf(err, errlen, "the period is too long for this step");
		return -2;
	}
	memset(&so, 0, sizeof(so));
	/* flows that began up to a day earlier may still reach in */
	so.from_ms = ((uint64_t)t0 - 86400) * 1000;
	so.to_ms = (uint64_t)t1 * 1000;
	so.rule = SRC_ANY;
	so.warn = warn;
	if ((src = src_open(paths, npaths, &so, err, errlen)) == NULL) {
		ts_free(ts);
		return -1;
	}
	while (src_next_batch(src, &recs, &n))
		for (unsigned i = 0; i < n; i++)
			if (filter_match(f, &recs[i]))
				ts_add(ts, &recs[i]);
	src_close(src);
	if ((s = calloc(ts->n, sizeof(*s))) == NULL) {
		ts_free(ts);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (unsigned i = 0; i < ts->n; i++) {
		s[i].t = t0 + (time_t)(i + 1) * (time_t)step;
		s[i].bits = ts_rate(ts, i, 0);
		s[i].packets = ts_rate(ts, i, 1);
		s[i].flows = ts_rate(ts, i, 2);
	}
	*steps = ts->n;
	*flows = ts->added;
	if ((rc = rrdstore_ensure(rrd, step, t0, err, errlen)) >= 0)
		rc = rrdstore_update(rrd, s, ts->n, err, errlen);
	free(s);
	ts_free(ts);
	return rc < 0 ? -1 : 0;
}
