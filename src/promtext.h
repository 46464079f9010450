/*
 * promtext.h - writing Prometheus' text exposition format (version 0.0.4):
 * a "# HELP" and "# TYPE" line per metric family, then one line per
 * sample, "name{label="value",...} number".  Label values are escaped as
 * the format wants (backslash, double quote and line feed); HELP text
 * escapes backslash and line feed.  Used by flowkeepd's metrics answer
 * (src/metrics.c) and the web /metrics page (request counts).
 */
#ifndef FLOWKEEP_PROMTEXT_H
#define FLOWKEEP_PROMTEXT_H

#include <stdint.h>
#include <stdio.h>

#define PROM_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/* "# HELP name help\n# TYPE name type\n"; type "counter" or "gauge". */
void prom_family(FILE *fp, const char *name, const char *type,
    const char *help);

/* One label value, escaped, with its quotes. */
void prom_label_value(FILE *fp, const char *s);

/*
 * One sample: name, then labels given as nlabels pairs of (name, value)
 * in kv[], then the value.  No labels: kv may be NULL.
 */
void prom_sample(FILE *fp, const char *name, const char *const *kv,
    unsigned nlabels, uint64_t value);

#endif /* FLOWKEEP_PROMTEXT_H */
