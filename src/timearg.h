/*
 * timearg.h - time arguments of the CLI (--from, --to).
 *
 * Accepted spellings:
 *   "2026-11-28 10:00", "2026-11-28 10:00:30", "2026-11-28"  local time
 *   "2026-11-28T10:00:30", with ".mmm", "Z", "+05:30" or "+0530"  ISO 8601
 *     (local time when no zone is given)
 *   "1700000000", "@1700000000", "1700000000.250"  seconds since the epoch
 *   "now", "-1h", "-30m", "-90s", "-2d", "-1w", "+10m"  relative to now
 */
#ifndef FLOWKEEP_TIMEARG_H
#define FLOWKEEP_TIMEARG_H

#include <stddef.h>
#include <stdint.h>

/* Parse s into milliseconds since the epoch; now_ms anchors relative
 * times.  0, or -1 with a message in err. */
int timearg_parse(const char *s, uint64_t now_ms, uint64_t *out_ms,
    char *err, size_t errlen);

/* Milliseconds since the epoch, from the real-time clock. */
uint64_t timearg_now_ms(void);

#endif /* FLOWKEEP_TIMEARG_H */
