/*
 * source.h - the flows of a selection: explicit files and directories
 * (like flow-cat; "-" = a flow-tools stream on standard input) or a time
 * range over data trees (the -N nesting layouts, devices), in file order.
 *
 * Corrupt or truncated files are reported through opts->warn with the file
 * and offset, and reading goes on with the next file.
 */
#ifndef FLOWKEEP_SOURCE_H
#define FLOWKEEP_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "proto/flowrec.h"

struct filter;

/* Which flows of a time window count (FlowViewer's inclusion rules). */
enum src_rule {
	SRC_ANY,	/* any part of the flow inside the window */
	SRC_START,	/* starts inside */
	SRC_END,	/* ends inside */
	SRC_ALL,	/* entirely inside */
};

struct src_opts {
	uint64_t	 from_ms;	/* window [from, to); 0 and 0 = none */
	uint64_t	 to_ms;
	enum src_rule	 rule;
	int		 include_tmp;	/* also the open tmp-/fk6tmp- files */
	unsigned	 threads;	/* reader threads, 0 = one per CPU */
	void		(*warn)(void *arg, const char *msg);
	void		*warn_arg;
	unsigned	 period_s;	/* rotation period of the trees, for
					 * the end of the last file and the
					 * margin; 0 = unknown: margin 900 s
					 * (flow-capture's default), the last
					 * file as long as the gap before it,
					 * or a day */
	int		 list_only;	/* select files only (src_selected),
					 * read nothing */
	unsigned	 late_s;	/* files starting this long after the
					 * window may hold its flows (export
					 * delay); 0 = 2100 (FlowViewer's 35
					 * minutes), at least one period */
	/*
	 * Unordered mode, for work that does not care about order (reports):
	 * with each set, every reader thread hands its batches (of at most
	 * SRC_EACH_MAX flows) to each() itself instead of queuing them for
	 * the consumer, so nothing crosses threads and every core counts.
	 * thread is the reader's number, below SRC_MAXTHR; calls with the
	 * same number never overlap.  src_next_batch() then delivers no
	 * flows: it waits for the end and gives the warnings in file order.
	 */
	void		(*each)(void *arg, unsigned thread,
			    const struct flowrec *recs, unsigned n);
	void		*each_arg;
	/*
	 * Column index sidecars (storage/colidx.h): with index_dir set, a
	 * closed file with a valid sidecar there is read from it, only the
	 * columns in need (a colidx_need() mask, 0 = all; fields outside it
	 * are zero in the flows given).  A stale sidecar is passed over; a
	 * damaged one is reported through warn and the file read instead.
	 */
	const char	*index_dir;
	uint64_t	 need;
	/*
	 * A ClickHouse table instead of files (src/chsource.h): with ch_url
	 * set ("clickhouse://HOST:PORT/DB.TABLE", already checked), paths
	 * are ignored and the rows of the window come from the server; the
	 * window and ch_filter (the caller's filter, which it still applies)
	 * are pushed into the query's WHERE clause.  Errors of the server
	 * go through warn and count as a failed file.
	 */
	const char	*ch_url;
	const struct filter *ch_filter;
	/*
	 * With each(): a test the sidecar reader applies first, reading
	 * only the columns pre_need (colidx_cols(); the field mask and the
	 * families are added), then decoding the other columns of the
	 * flows that pass it only.  each() still gets flows only (and may
	 * test them again).  NULL = none.
	 */
	int		(*pre)(void *arg, const struct flowrec *r);
	void		*pre_arg;
	uint64_t	 pre_need;
};

#define SRC_MAXTHR	16	/* reader threads at most */
#define SRC_EACH_MAX	256	/* flows per each() call at most */

struct src;

/*
 * paths: files or directories (searched recursively for ft-, fk6- and,
 * with include_tmp, tmp- files); with npaths == 0 nothing is read.  With a
 * window, files wholly outside it (by their names) are skipped and records
 * are filtered by the rule.  NULL with a message in err on a usage error
 * (nothing to read at a path is not an error: warn says so).
 */
struct src *src_open(const char *const *paths, unsigned npaths,
    const struct src_opts *o, char *err, size_t errlen);

/* Next flow: 1, or 0 at the end. */
int src_next(struct src *s, struct flowrec *out);

/* Next batch (faster): *n records at *recs, valid until the next call;
 * returns 1, or 0 at the end. */
int src_next_batch(struct src *s, const struct flowrec **recs, unsigned *n);

/*
 * Order: the paths in the order given; the files found below one directory
 * sorted by the start time in their names.  Files are read in parallel
 * (o.threads) but flows and warnings come out in that file order.
 */

/* 1 if r passes the window and rule of o (ignores a zero window). */
int src_match(const struct src_opts *o, const struct flowrec *r);

/* The files selected (after the window by names), in reading order. */
unsigned src_nselected(const struct src *s);
const char *src_selected(const struct src *s, unsigned i);

/* Decode one stored v5 record (64 bytes; be: byte-swapped) as ftr_next()
 * would; the readers' fast path, exposed for tests. */
void src_decode_v5(const uint8_t *p, int be, struct flowrec *o);

/* Files read, and files that failed (reported through warn). */
unsigned src_files(const struct src *s);
unsigned src_failed(const struct src *s);

/* Files of those read that were read from their column index. */
unsigned src_indexed(const struct src *s);

void src_close(struct src *s);

#endif /* FLOWKEEP_SOURCE_H */
