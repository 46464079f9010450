/*
 * chagg.h - a keyed report counted by ClickHouse: the flows of the window
 * that pass the filter are grouped on the server by the fields the
 * report's keys are made from (rpt_reads()), with their counts and sums,
 * and only the groups travel; rpt_add_sum() turns each group into the
 * report's rows, so keys, families, missing fields, sampling and the
 * multiplier are decided by the same code as for files.
 */
#ifndef FLOWKEEP_CHAGG_H
#define FLOWKEEP_CHAGG_H

#include <stddef.h>

#include "cmdsel.h"
#include "report.h"

/*
 * Count report d (options ro) over cs's ClickHouse source (cs->source,
 * window cs->so, filter cs->filter).  1: done, *out is the report; 0:
 * not done this way (the summary, or a filter that SQL cannot express
 * exactly): read the rows instead; -1: failed, message in err.
 */
int chagg_count(const struct rpt_def *d, const struct rpt_opts *ro,
    const struct cmdsel *cs, struct rpt **out, char *err, size_t errlen);

#endif /* FLOWKEEP_CHAGG_H */
