/*
 * filter_sql.h - a compiled filter as a ClickHouse WHERE condition over
 * the flowkeep table (storage/chrow.h, doc/clickhouse.md).
 *
 * The SQL is written from the compiled program only: numbers printed from
 * their parsed values, addresses as unhex('...') of the 16 bytes our own
 * code builds, column names from a fixed table.  No text of the
 * expression (a saved filter's name, a protocol name, anything a user
 * typed) is ever copied into it, so nothing a user writes can change the
 * query's structure.
 *
 * A construct the translation does not cover (rates in bits or packets
 * per second; address lists too long for one query) becomes a condition
 * that is true for every flow it could pass, and *exact is cleared: the
 * query then selects a superset, and the caller must still run
 * filter_match() on the rows (a `not` over such a part is dropped whole,
 * since the negation of a superset is not one).
 */
#ifndef FLOWKEEP_FILTER_SQL_H
#define FLOWKEEP_FILTER_SQL_H

#include "filter.h"

/*
 * The condition for f (NULL = every flow: "1") in a malloc'ed string;
 * *exact is 1 when the condition selects exactly the flows f passes.
 * NULL when out of memory.
 */
char *filter_sql(const struct filter *f, int *exact);

#endif /* FLOWKEEP_FILTER_SQL_H */
