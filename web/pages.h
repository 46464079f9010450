/*
 * pages.h - the handlers of the web pages and their parameter whitelists
 * (one file each: page_report.c, page_graph.c, page_status.c,
 * page_static.c, page_saved.c), gathered
 * into the route table by routes.c.  Internal to web/.
 */
#ifndef FLOWKEEP_PAGES_H
#define FLOWKEEP_PAGES_H

#include "qs.h"
#include "web.h"

extern const struct qs_key page_report_keys[];
int page_report(const struct web_req *r, struct web_out *o);

/* The flow listing (page_flows.c) of a resolved selection: at most limit
 * flows as output "html" (a table, with a note when cut), "csv" or
 * "json"; 0, or -1 when the selection cannot be opened (ws->msgs). */
#define PAGE_FLOWS_MAX	10000
struct websel;
int page_flows_list(FILE *fp, struct websel *ws, uint64_t limit,
    const char *output);

extern const struct qs_key page_graph_keys[];
int page_graph(const struct web_req *r, struct web_out *o);
int page_graph_png(const struct web_req *r, struct web_out *o);

extern const struct qs_key page_status_keys[];
int page_status(const struct web_req *r, struct web_out *o);

extern const struct qs_key page_metrics_keys[];
int page_metrics(const struct web_req *r, struct web_out *o);

extern const struct qs_key page_saved_keys[];
extern const struct qs_key page_saved_post_keys[];
int page_saved(const struct web_req *r, struct web_out *o);
int page_saved_save(const struct web_req *r, struct web_out *o);
int page_saved_delete(const struct web_req *r, struct web_out *o);
/* The "save this report/filter" form of a result: query is the report's
 * query string, expr its filter expression (may be NULL). */
void page_saved_form(FILE *fp, const struct web_req *r, struct web_out *o,
    const char *query, const char *expr);

/* page_track.c: the Trackings pages */
extern const struct qs_key page_trackings_keys[];
extern const struct qs_key page_tracking_keys[];
extern const struct qs_key page_track_png_keys[];
extern const struct qs_key page_track_save_keys[];
extern const struct qs_key page_track_name_keys[];
extern const struct qs_key page_track_note_keys[];
extern const struct qs_key page_track_alerts_keys[];
extern const struct qs_key page_track_backfill_keys[];
int page_trackings(const struct web_req *r, struct web_out *o);
int page_tracking(const struct web_req *r, struct web_out *o);
int page_track_png(const struct web_req *r, struct web_out *o);
int page_track_save(const struct web_req *r, struct web_out *o);
int page_track_archive(const struct web_req *r, struct web_out *o);
int page_track_restore(const struct web_req *r, struct web_out *o);
int page_track_remove(const struct web_req *r, struct web_out *o);
int page_track_note(const struct web_req *r, struct web_out *o);
int page_track_alerts(const struct web_req *r, struct web_out *o);
int page_track_backfill(const struct web_req *r, struct web_out *o);

/* page_tgroup.c: tracking groups and the dashboard */
extern const struct qs_key page_group_keys[];
extern const struct qs_key page_group_save_keys[];
extern const struct qs_key page_group_name_keys[];
extern const struct qs_key page_dashboard_keys[];
extern const struct qs_key page_dashboard_post_keys[];
int page_group(const struct web_req *r, struct web_out *o);
int page_group_png(const struct web_req *r, struct web_out *o);
int page_group_save(const struct web_req *r, struct web_out *o);
int page_group_remove(const struct web_req *r, struct web_out *o);
int page_dashboard(const struct web_req *r, struct web_out *o);
int page_dashboard_add(const struct web_req *r, struct web_out *o);
int page_dashboard_remove(const struct web_req *r, struct web_out *o);

extern const struct qs_key page_static_keys[];
int page_css(const struct web_req *r, struct web_out *o);
int page_js(const struct web_req *r, struct web_out *o);

#endif /* FLOWKEEP_PAGES_H */
