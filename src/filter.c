/*
 * filter.c - the filter language (see filter.h).
 *
 * FIRST VERSION: only the empty filter (every flow).  To be replaced by
 * the compiler.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "filter.h"

struct filter {
	int	all;
};

struct filter *
filter_compile(const char *expr, const char *named_dir, char *err,
    size_t errlen)
{
	struct filter *f;

	(void)named_dir;
	if (expr != NULL)
		for (const char *p = expr; *p != '\0'; p++)
			if (!isspace((unsigned char)*p)) {
				snprintf(err, errlen, "column %d: filters are "
				    "not implemented yet", (int)(p - expr) + 1);
				return NULL;
			}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->all = 1;
	return f;
}

int
filter_match(const struct filter *f, const struct flowrec *r)
{
	(void)r;
	return f->all;
}

void
filter_free(struct filter *f)
{
	free(f);
}
