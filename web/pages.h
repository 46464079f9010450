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

extern const struct qs_key page_static_keys[];
int page_css(const struct web_req *r, struct web_out *o);
int page_js(const struct web_req *r, struct web_out *o);

#endif /* FLOWKEEP_PAGES_H */
