/*
 * webstats.c - request counts by route and status (see webstats.h).
 */
#include <stdio.h>
#include <string.h>

#include "src/promtext.h"
#include "src/util.h"
#include "web.h"
#include "webstats.h"

struct wstat {
	char		route[64];
	int		status;
	uint64_t	n;
};

static struct wstat	stats[WEBSTATS_MAX];
static unsigned		nstats;

void
webstats_reset(void)
{
	memset(stats, 0, sizeof(stats));
	nstats = 0;
}

static struct wstat *
slot(const char *route, int status)
{
	unsigned i;

	for (i = 0; i < nstats; i++)
		if (stats[i].status == status &&
		    strcmp(stats[i].route, route) == 0)
			return &stats[i];
	if (nstats + 1 >= WEBSTATS_MAX) {
		/* the last slot is the overflow one */
		route = "other";
		status = 0;
		if (nstats == WEBSTATS_MAX - 1 && stats[nstats].n > 0)
			return &stats[nstats];
		i = WEBSTATS_MAX - 1;
	} else
		i = nstats++;
	util_strlcpy(stats[i].route, route, sizeof(stats[i].route));
	stats[i].status = status;
	return &stats[i];
}

void
webstats_count(const char *path, int status)
{
	const char *route = path != NULL && web_route_known(path) ? path :
	    "other";

	slot(route, status)->n++;
}

void
webstats_write(FILE *fp)
{
	const char	*kv[4] = { "route", NULL, "code", NULL };
	char		 code[16];
	unsigned	 i;

	prom_family(fp, "flowkeep_http_requests_total", "counter",
	    "Requests the built-in web listener answered, by route and "
	    "status.");
	for (i = 0; i < WEBSTATS_MAX; i++) {
		if (stats[i].n == 0)
			continue;
		kv[1] = stats[i].route;
		snprintf(code, sizeof(code), "%d", stats[i].status);
		kv[3] = code;
		prom_sample(fp, "flowkeep_http_requests_total", kv, 2,
		    stats[i].n);
	}
}
