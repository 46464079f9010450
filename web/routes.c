/*
 * routes.c - the route table of the web front-end: path, methods,
 * parameter whitelist, handler.  Paths are exact (no patterns, no
 * directories): doc/http-api.md lists them.
 */
#include <stddef.h>
#include <string.h>

#include "pages.h"
#include "web.h"

static const struct web_route routes[] = {
	{ "/", WEB_GET, page_report_keys, page_report },
	{ "/report", WEB_GET, page_report_keys, page_report },
	{ "/graph", WEB_GET, page_graph_keys, page_graph },
	{ "/graph.png", WEB_GET, page_graph_keys, page_graph_png },
	{ "/status", WEB_GET, page_status_keys, page_status },
	{ "/metrics", WEB_GET, page_metrics_keys, page_metrics },
	{ "/saved", WEB_GET, page_saved_keys, page_saved },
	{ "/saved/save", WEB_POST, page_saved_post_keys, page_saved_save },
	{ "/saved/delete", WEB_POST, page_saved_post_keys,
	    page_saved_delete },
	{ "/trackings", WEB_GET, page_trackings_keys, page_trackings },
	{ "/tracking", WEB_GET, page_tracking_keys, page_tracking },
	{ "/track.png", WEB_GET, page_track_png_keys, page_track_png },
	{ "/tracking/save", WEB_POST, page_track_save_keys, page_track_save },
	{ "/tracking/archive", WEB_POST, page_track_name_keys,
	    page_track_archive },
	{ "/tracking/restore", WEB_POST, page_track_name_keys,
	    page_track_restore },
	{ "/tracking/remove", WEB_POST, page_track_name_keys,
	    page_track_remove },
	{ "/tracking/note", WEB_POST, page_track_note_keys, page_track_note },
	{ "/tracking/alerts", WEB_POST, page_track_alerts_keys,
	    page_track_alerts },
	{ "/tracking/backfill", WEB_POST, page_track_backfill_keys,
	    page_track_backfill },
	{ "/group", WEB_GET, page_group_keys, page_group },
	{ "/group.png", WEB_GET, page_track_png_keys, page_group_png },
	{ "/group/save", WEB_POST, page_group_save_keys, page_group_save },
	{ "/group/remove", WEB_POST, page_group_name_keys, page_group_remove },
	{ "/dashboard", WEB_GET, page_dashboard_keys, page_dashboard },
	{ "/dashboard/add", WEB_POST, page_dashboard_post_keys,
	    page_dashboard_add },
	{ "/dashboard/remove", WEB_POST, page_dashboard_post_keys,
	    page_dashboard_remove },
	{ "/static/flowkeep.css", WEB_GET, page_static_keys, page_css },
	{ "/static/flowkeep.js", WEB_GET, page_static_keys, page_js },
	{ NULL, 0, NULL, NULL },
};

int
web_dispatch(struct web_req *req, struct web_out *o)
{
	return web_dispatch_table(req, o, routes);
}

int
web_route_known(const char *path)
{
	const struct web_route *rt;

	for (rt = routes; rt->path != NULL; rt++)
		if (strcmp(rt->path, path) == 0)
			return 1;
	return 0;
}
