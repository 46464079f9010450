/*
 * page_status.c - the Status page: what `flowkeep status` shows (the
 * daemon's listeners, exporters with rates, loss and drops, templates,
 * directory trees, trackings), asked over the control socket of the
 * configuration, refreshing itself (meta refresh).  output=json gives the
 * daemon's status-json answer as it is.
 */
#define _GNU_SOURCE	/* open_memstream */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pages.h"
#include "src/config.h"
#include "src/ctlclient.h"
#include "src/htmlesc.h"

static const char *const outputs[] = { "html", "json", NULL };

const struct qs_key page_status_keys[] = {
	{ "refresh", QS_UINT, 4, 0, 3600, NULL },
	{ "output", QS_ENUM, 4, 0, 0, outputs },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const char *
socket_path(const struct web_req *r)
{
	/* the status-only socket when there is one (doc/security.md) */
	if (r->conf != NULL && r->conf->cfg != NULL)
		return r->conf->cfg->control_ro[0] != '\0' ?
		    r->conf->cfg->control_ro : r->conf->cfg->control;
	return "var/flowkeepd.sock";
}

int
page_status(const struct web_req *r, struct web_out *o)
{
	const char *out = qs_get(&r->q, "output");
	int json = out != NULL && strcmp(out, "json") == 0;
	char err[1024], *text = NULL;
	size_t len = 0;
	FILE *fp;
	int rc;

	if ((fp = open_memstream(&text, &len)) == NULL)
		return web_error(o, 500, "out of memory");
	rc = ctlclient_request(socket_path(r), json ? CTL_STATUS_JSON :
	    CTL_STATUS, fp, err, sizeof(err));
	fclose(fp);
	if (rc == -1) {
		free(text);
		return web_error(o, 503, "%s", err);
	}
	web_out_header(o, "Cache-Control", "no-store");
	if (json) {
		o->ctype = "application/json; charset=utf-8";
		fwrite(text, 1, len, o->fp);
	} else {
		web_page_head(o, r, "Status",
		    (unsigned)qs_num(&r->q, "refresh", 10));
		fputs("<pre>", o->fp);
		htmlesc_text(o->fp, text != NULL ? text : "");
		fputs("</pre>\n", o->fp);
		web_page_foot(o, r);
	}
	free(text);
	return 200;
}
