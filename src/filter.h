/*
 * filter.h - the filter language (see doc/filters.md when written):
 * compiled once into a predicate over struct flowrec.
 */
#ifndef FLOWKEEP_FILTER_H
#define FLOWKEEP_FILTER_H

#include <stddef.h>

#include "proto/flowrec.h"

struct filter;

/*
 * Compile expr (NULL or blank = every flow).  named_dir holds saved
 * filters usable by name (NULL = none).  NULL on error with a message in
 * err that names the column: "column 17: expected a port number, got
 * \"htp\"".
 */
struct filter *filter_compile(const char *expr, const char *named_dir,
    char *err, size_t errlen);

/* 1 if r passes, else 0.  No allocation, no parsing. */
int filter_match(const struct filter *f, const struct flowrec *r);

void filter_free(struct filter *f);

#endif /* FLOWKEEP_FILTER_H */
