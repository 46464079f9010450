/*
 * page_metrics.c - /metrics: the daemon's counters in Prometheus' text
 * format (the control socket's "metrics" answer, src/metrics.c), then the
 * built-in listener's request counts (webstats.h).  doc/metrics.md.
 */
#define _GNU_SOURCE	/* open_memstream */

#include <stdio.h>
#include <stdlib.h>

#include "pages.h"
#include "src/config.h"
#include "src/ctlclient.h"
#include "src/promtext.h"
#include "webstats.h"

const struct qs_key page_metrics_keys[] = {
	{ NULL, 0, 0, 0, 0, NULL },
};

int
page_metrics(const struct web_req *r, struct web_out *o)
{
	const struct fk_config *cfg = r->conf != NULL ? r->conf->cfg : NULL;
	const char *path = cfg == NULL ? "var/flowkeepd.sock" :
	    cfg->control_ro[0] != '\0' ? cfg->control_ro : cfg->control;
	char err[1024], *text = NULL;
	size_t len = 0;
	FILE *fp;
	int rc;

	if ((fp = open_memstream(&text, &len)) == NULL)
		return web_error(o, 500, "out of memory");
	rc = ctlclient_request(path, CTL_METRICS, fp, err, sizeof(err));
	fclose(fp);
	if (rc == -1) {
		free(text);
		return web_error(o, 503, "%s", err);
	}
	o->ctype = PROM_CONTENT_TYPE;
	web_out_header(o, "Cache-Control", "no-store");
	fwrite(text, 1, len, o->fp);
	webstats_write(o->fp);
	free(text);
	return 200;
}
