/*
 * fuzz_chquery.c - libFuzzer harness for the query side of ClickHouse
 * (src/chsource.h, src/filter_sql.h).  First byte even: the rest is a
 * --source URL; one that parses has a port 1..65535, a host of name
 * characters and plain identifiers for the database and table.  Odd: the
 * rest is a filter expression; one that compiles gives SQL made only of
 * our words, numbers, operators and unhex('<32 hex digits>'), with
 * balanced parentheses.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/chrow.h"

#include "src/chsource.h"
#include "src/filter.h"
#include "src/filter_sql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_url(const char *s)
{
	struct chsrc_url u;
	char err[512];

	if (chsrc_parse_url(s, &u, err, sizeof(err)) == -1)
		return;
	if (u.a.port < 1 || u.a.port > 65535 || u.a.host[0] == '\0' ||
	    !chrow_ident_ok(u.db) || !chrow_ident_ok(u.table))
		abort();
	for (const char *p = u.a.host; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr(".-:_", *p) == NULL)
			abort();
}

static void
check_sql(const char *s)
{
	int depth = 0;

	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')') {
			if (--depth < 0)
				abort();
		} else if (*p == '\'') {
			if (p - s < 6 || strncmp(p - 6, "unhex(", 6) != 0)
				abort();
			for (int k = 1; k <= 32; k++)
				if (!isxdigit((unsigned char)p[k]))
					abort();
			if (p[33] != '\'')
				abort();
			p += 33;
		} else if (!isalnum((unsigned char)*p) &&
		    strchr("_ ,=<>!-", *p) == NULL)
			abort();
	}
	if (depth != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct filter *f;
	char err[256], *text, *sql;
	int exact;

	if (size < 1 || size > 16384)
		return 0;
	if ((text = malloc(size)) == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (!(data[0] & 1)) {
		check_url(text);
		free(text);
		return 0;
	}
	f = filter_compile(text, NULL, err, sizeof(err));
	free(text);
	if (f == NULL)
		return 0;
	if ((sql = filter_sql(f, &exact)) != NULL) {
		check_sql(sql);
		free(sql);
	}
	filter_free(f);
	return 0;
}
