/*
 * htmlesc.h - escaping for HTML pages and URLs: text and attribute values
 * (& < > " ' as character references) and query-string components
 * (percent-encoding of everything but unreserved characters).
 *
 * Used by the HTML renderer (render.c) and the web pages (web/), so that
 * every value shown on a page goes through one function.  Writes to a
 * FILE; no allocation, no limits.
 */
#ifndef FLOWKEEP_HTMLESC_H
#define FLOWKEEP_HTMLESC_H

#include <stdio.h>

/* Write s with & < > " ' escaped (safe in text and quoted attributes). */
void htmlesc_text(FILE *fp, const char *s);

/* Write s percent-encoded for a query-string value (space as %20). */
void htmlesc_url(FILE *fp, const char *s);

/* htmlesc_text of htmlesc_url of s: a query value inside an attribute. */
void htmlesc_url_attr(FILE *fp, const char *s);

#endif /* FLOWKEEP_HTMLESC_H */
