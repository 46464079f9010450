/*
 * webstats.h - request counts of the built-in listener by route and
 * status, for /metrics.
 *
 * The listener process counts each reply it sends (webstats_count); the
 * worker it forks for a request inherits the counts as they were, so the
 * /metrics page shows every request answered before its own.  Paths that
 * are not a route are counted as route "other", so a scan of random URLs
 * cannot grow the table; at most WEBSTATS_MAX (route, status) pairs are
 * kept, further pairs go to route "other", status 0.  flowkeep.cgi has no
 * process that outlives a request: its /metrics has no request counts.
 */
#ifndef FLOWKEEP_WEBSTATS_H
#define FLOWKEEP_WEBSTATS_H

#include <stdint.h>
#include <stdio.h>

#define WEBSTATS_MAX	128

/* Count one reply for path (a route or anything else) with status. */
void webstats_count(const char *path, int status);

/* The counts as the family flowkeep_http_requests_total. */
void webstats_write(FILE *fp);

/* Forget every count (tests). */
void webstats_reset(void);

#endif /* FLOWKEEP_WEBSTATS_H */
