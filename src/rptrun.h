/*
 * rptrun.h - one statistics report run, shared by `flowkeep report` and
 * the web pages: count the flows of a selection that pass a filter, then
 * write the report's table (or flow-stat's summary figures) through one
 * of the renderers (render.h) - cells formatted once for every format.
 *
 * It does not parse options or resolve the selection (the callers do:
 * cmd_report.c from argv, web/page_report.c from a query string), and it
 * does not print errors itself: messages go to opts->warn.  Counting
 * happens in the reader threads (src_opts.each), one table per thread,
 * joined at the end.
 *
 * Limits: the rows kept are those of rpt_rows() (sel.limit); cells are cut
 * to RPTRUN_CELL - 1 characters.
 */
#ifndef FLOWKEEP_RPTRUN_H
#define FLOWKEEP_RPTRUN_H

#include <stdint.h>
#include <stdio.h>

#include "cmdsel.h"
#include "render.h"
#include "report.h"

#define RPTRUN_CELL	80

struct rptrun_opts {
	const struct rpt_def	*d;
	struct rpt_select	 sel;
	struct rpt_opts		 ro;
	const struct render_ops	*out;
	int			 percent, units, bps;
	int			 names;		/* protocol/port/AS names */
	int			 resolve;	/* reverse DNS */
	const char		*as_file, *dns_cache;
	unsigned long		 dns_timeout_ms;
	/* messages (errors and warnings), one line each, no newline */
	void			(*warn)(void *arg, const char *msg);
	void			*warn_arg;
	/* HTML links (render_table.href/expr), NULL = none */
	const char		*href, *expr;
};

/* The defaults of `flowkeep report`: sort by octets descending, all
 * rows, text, auto sampling, DNS cache var/dns-cache, 2 s timeout. */
void rptrun_init(struct rptrun_opts *o);

/*
 * Open the resolved selection cs (its so.each is taken), count the flows
 * that pass cs->filter and write the report to fp; the window of cs is
 * the one of the bits/s column.  0 done, 1 failed or incomplete (messages
 * to o->warn; a report that no flow has the fields for writes nothing).
 */
int rptrun_run(const struct rptrun_opts *o, struct cmdsel *cs, FILE *fp);

/* The filter keyword for key column k of report d ("src ip"), or NULL
 * when the filter language has no term for it. */
const char *rptrun_filter_kw(const struct rpt_def *d, unsigned k);

#endif /* FLOWKEEP_RPTRUN_H */
