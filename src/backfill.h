/*
 * backfill.h - a tracking's past steps computed from stored flow files:
 * the reading, counting and RRD writes that `flowkeep track backfill`
 * and the web's back-fill form share.
 */
#ifndef FLOWKEEP_BACKFILL_H
#define FLOWKEEP_BACKFILL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct filter;

/*
 * Count the flows passing f (volumes times mult) in the files under
 * paths into steps of step seconds over [t0, t1) (both multiples of
 * step) and write them as rates to the RRD at rrd, created if missing
 * (its directory must exist).  Flows that began up to a day before t0
 * are read too.  warn (may be NULL) gets a message per damaged file,
 * which is skipped.  0, with *steps and *flows; -1 with err; -2 when
 * the period has too many steps.
 */
int backfill_run(const struct filter *f, double mult,
    const char *const *paths, unsigned npaths, time_t t0, time_t t1,
    unsigned step, const char *rrd, void (*warn)(void *, const char *),
    unsigned *steps, uint64_t *flows, char *err, size_t errlen);

#endif /* FLOWKEEP_BACKFILL_H */
