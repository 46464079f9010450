/*
 * chsink.h - flowkeepd's ClickHouse output (doc/clickhouse.md).
 *
 * The UDP thread only encodes each decoded flow as a RowBinary row
 * (storage/chrow.h) into the current batch; a batch full (batch_rows) or
 * old enough (batch_age_ms) is handed to the sender thread through a queue
 * guarded by a mutex, never waiting on the network or the disk.
 *
 * The sender thread runs its own event_base and libevent HTTP client.  It
 * POSTs each batch, whole, to one server at a time ("INSERT INTO db.table
 * (...) FORMAT RowBinary"), round-robin over the servers that are up, at
 * most one request per server in flight.  A failed POST (no connection,
 * timeout, an answer other than 200) marks that server down; it is asked
 * again (GET /ping) after a back-off (1 s, doubling up to 30 s), and is up
 * again when it answers 200.  The failed batch goes back to the head of
 * the queue and from there to another server that is up: a batch is on
 * one server at a time, and sent again only after its POST failed.
 *
 * When no server is up, or the queue holds more than queue_max bytes, the
 * sender writes batches to the spool directory (chspool.h), one file each,
 * and replays them, oldest first, before newer batches once a server is
 * up; a file is deleted only after an HTTP 200 for it.  Rows that cannot be
 * kept (spool over spool_max, a disk error, the queue at twice its bound
 * because the sender cannot keep up) are counted as dropped and logged.
 *
 * chsink_free() flushes the current batch: the sender sends what is queued
 * to servers that are up for up to CHSINK_STOP_MS, then spools the rest.
 */
#ifndef FLOWKEEP_CHSINK_H
#define FLOWKEEP_CHSINK_H

#include <stdint.h>
#include <stdio.h>

#include "proto/flowrec.h"

#define CHSINK_MAX_SERVERS	16
#define CHSINK_STOP_MS		5000
#define CHSINK_TIMEOUT_S	30	/* per HTTP request */
#define CHSINK_RETRY_MIN_MS	1000
#define CHSINK_RETRY_MAX_MS	30000

struct event_base;
struct chsink;

struct chsink_opts {
	const char	*urls[CHSINK_MAX_SERVERS];	/* http://HOST:PORT/ */
	unsigned	 nurls;
	const char	*table;		/* "db.table" */
	const char	*collector;	/* the name in every row */
	unsigned	 batch_rows;
	unsigned	 batch_age_ms;
	uint64_t	 queue_max;	/* bytes in memory */
	const char	*spool_dir;
	uint64_t	 spool_max;	/* bytes on disk */
	unsigned	 timeout_s;	/* 0 = CHSINK_TIMEOUT_S */
	unsigned	 retry_min_ms;	/* 0 = CHSINK_RETRY_MIN_MS */
};

struct chsink_server_info {
	char		name[300];	/* host:port */
	int		up;
	uint64_t	down_ms;	/* wall time it went down, 0 = up */
	uint64_t	batches, rows, bytes, errors;
	char		last_error[160];
};

struct chsink_stats {
	uint64_t	rows_in;	/* flows handed to the sink */
	uint64_t	rows_sent, batches_sent, bytes_sent;
	uint64_t	batch_rows;	/* in the current batch */
	uint64_t	queued_rows, queued_bytes;	/* in memory, sender's */
	uint64_t	spool_files, spool_bytes;	/* on disk now */
	uint64_t	spooled_batches, spooled_rows;	/* written, ever */
	uint64_t	replayed_batches, replayed_rows; /* sent from disk */
	uint64_t	dropped_rows, dropped_batches;
	uint64_t	send_errors;
	uint64_t	spool_bad;	/* files set aside as corrupt */
	uint64_t	spool_errors;	/* spool writes that failed */
	unsigned	nservers;
	unsigned	servers_up;
};

/*
 * Check the options, scan the spool directory (creating it), start the
 * sender thread and a batch-age timer on base (the UDP thread's loop).
 * NULL with err set on a bad option or a failure.
 */
struct chsink *chsink_new(const struct chsink_opts *o, struct event_base *base,
    char *err, size_t errlen);

/* The collector's tap (fr_sink_fn): encode n flows into the batch. */
void chsink_put(void *arg, const struct flowrec *recs, unsigned n);

/* Hand the current batch over when it is at least batch_age_ms old (the
 * timer does this; tests call it). */
void chsink_tick(struct chsink *ch);

void chsink_get_stats(struct chsink *ch, struct chsink_stats *out);
void chsink_get_server(struct chsink *ch, unsigned i,
    struct chsink_server_info *out);

/* Status text ("clickhouse: ..." lines), a JSON member
 * (,"clickhouse":{...}) and Prometheus metrics. */
void chsink_status_text(struct chsink *ch, FILE *fp);
void chsink_status_json(struct chsink *ch, FILE *fp);
void chsink_metrics(struct chsink *ch, FILE *fp);

/* Flush the current batch to a server or the spool, stop the sender,
 * free everything.  NULL is fine. */
void chsink_free(struct chsink *ch);

#endif /* FLOWKEEP_CHSINK_H */
