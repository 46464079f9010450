/*
 * websel.h - the flow selection shared by the pages that read flows
 * (Reports, Graphs): device, exporters, time window or quick range,
 * inclusion rule, FlowViewer's filter fields and the free filter
 * expression; their whitelist entries (WEBSEL_KEYS), their checking into
 * a cmdsel (cmdsel.h) and their part of the form.
 *
 * The FlowViewer fields become one expression (filter_form_expr), and-ed
 * with the free one; errors name the field or the expression's column.
 */
#ifndef FLOWKEEP_WEBSEL_H
#define FLOWKEEP_WEBSEL_H

#include <stddef.h>
#include <stdio.h>

#include "src/cmdsel.h"
#include "src/config.h"
#include "web.h"

#define WEBSEL_LIST_MAX	2048	/* a FlowViewer list field */
#define WEBSEL_EXPR_MAX	4096
#define WEBSEL_MSGS_MAX	2048

extern const char *const websel_ranges[];
extern const char *const websel_rules[];

#define WEBSEL_LIST(n)	{ n, QS_LIST, WEBSEL_LIST_MAX, 0, 0, NULL }
/* The selection's entries of a page's whitelist. */
#define WEBSEL_KEYS \
	{ "device", QS_NAME, FK_NAME_MAX - 1, 0, 0, NULL }, \
	WEBSEL_LIST("exporter"), \
	{ "from", QS_TIME, 40, 0, 0, NULL }, \
	{ "to", QS_TIME, 40, 0, 0, NULL }, \
	{ "range", QS_ENUM, 4, 0, 0, websel_ranges }, \
	{ "rule", QS_ENUM, 5, 0, 0, websel_rules }, \
	WEBSEL_LIST("source_address"), WEBSEL_LIST("dest_address"), \
	WEBSEL_LIST("source_port"), WEBSEL_LIST("dest_port"), \
	WEBSEL_LIST("source_if"), WEBSEL_LIST("dest_if"), \
	WEBSEL_LIST("source_as"), WEBSEL_LIST("dest_as"), \
	WEBSEL_LIST("protocols"), WEBSEL_LIST("tos_fields"), \
	WEBSEL_LIST("tcp_flags"), WEBSEL_LIST("nexthop_ip"), \
	{ "expr", QS_TEXT, WEBSEL_EXPR_MAX, 0, 0, NULL }

struct websel {
	struct cmdsel	 cs;		/* resolved: window, trees, filter */
	char		*expr;		/* fields + free expression */
	char		 err[1024];
	char		 msgs[WEBSEL_MSGS_MAX];	/* warnings while reading */
	size_t		 mlen;
};

/* Check and resolve the selection of r.  0, or -1 with ws->err. */
int websel_resolve(struct websel *ws, const struct web_req *r);

/* Open the selection; NULL with a message in ws->msgs. */
struct src *websel_open(struct websel *ws);

void websel_free(struct websel *ws);

/* Append a line to ws->msgs (a warn callback: arg is the websel). */
void websel_msg(void *arg, const char *msg);

/* The form's "Flows" and "Filter" fieldsets, filled in from r (and the
 * compiled filter of ws when not NULL). */
void websel_form(FILE *fp, const struct web_req *r,
    const struct websel *ws);

/* Parameters, compiled filter and window of a result, as a small table. */
void websel_summary(FILE *fp, const struct web_req *r,
    const struct websel *ws);

/* Form inputs, values escaped. */
void websel_in_text(FILE *fp, const struct web_req *r, const char *name,
    const char *label, const char *hint);
void websel_in_select(FILE *fp, const struct web_req *r, const char *name,
    const char *label, const char *const *vals, const char *const *texts);

/* The index of v in the NULL-terminated vals, or -1. */
int websel_enum(const char *const *vals, const char *v);

/* The page's URL "SCRIPT/PATH?k=v&..." (percent-encoded, not
 * HTML-escaped) without the parameters named in skip (NULL-terminated);
 * malloc'ed, NULL if out of memory. */
char *websel_url(const struct web_req *r, const char *path,
    const char *const *skip);

#endif /* FLOWKEEP_WEBSEL_H */
