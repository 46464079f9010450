/*
 * proto.h - NetFlow datagram decoding with per-exporter state.
 *
 * proto_decode() takes one UDP payload from one exporter and hands the flow
 * records it holds to a sink.  It accepts NetFlow v1, v5, v7 and v9.  The
 * only state is kept in the opaque proto_ctx: exporters, their v9 templates
 * (see tmpl.h), sampling rates, sequence accounting and the queue of v9 data
 * that arrived before its template.  Every piece of that state is bounded by
 * struct proto_limits; when a bound is hit the oldest (least recently used)
 * entry goes, and that is counted.
 *
 * This layer does no I/O, no logging and never exits: bad input yields a
 * negative PROTO_E_* code and counters, nothing else.
 */
#ifndef FLOWKEEP_PROTO_H
#define FLOWKEEP_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "flowrec.h"

/* Error codes returned by proto_decode (negative). */
#define PROTO_E_SHORT		(-1)	/* shorter than its header/count says */
#define PROTO_E_VERSION		(-2)	/* unknown NetFlow version */
#define PROTO_E_COUNT		(-3)	/* count above the version's maximum */
#define PROTO_E_MALFORMED	(-4)	/* v9 structure broken */
#define PROTO_E_LIMIT		(-5)	/* too many exporters, dropped */

/* Bounds on what peers can make us keep.  Zero fields take the defaults. */
struct proto_limits {
	unsigned	max_exporters;		/* default 4096 */
	unsigned	max_templates;		/* per exporter, default 512 */
	unsigned	max_template_fields;	/* per template, default 128 */
	unsigned	max_pending;		/* queued flowsets per exporter,
						 * default 256 */
	unsigned	max_pending_bytes;	/* per exporter, default 1 MiB */
	unsigned	max_pending_total;	/* all exporters together,
						 * default 64 MiB */
	unsigned	pending_ttl_ms;		/* default 600000 (10 min) */
	unsigned	max_samplers;		/* per exporter, default 64 */
};

/* Where a datagram came from. */
struct proto_src {
	uint8_t		af;		/* FR_AF_INET or FR_AF_INET6 */
	fr_addr		addr;		/* exporter (UDP source) address */
	uint16_t	port;		/* UDP source port */
	uint64_t	recv_ms;	/* receive time, ms since the epoch */
};

/* What one datagram did, for the file header counters (flow-capture's
 * FLOW_LOST / SEQ_RESET / PKT_CORRUPT semantics). */
struct proto_result {
	unsigned	nrec;		/* records handed to the sink */
	unsigned	lost;		/* v5/v7 flows lost by sequence gap */
	unsigned	resets;		/* sequence resets (gap >= 1000) */
	unsigned	queued;		/* v9 flowsets queued for a template */
	unsigned	released;	/* queued records decoded now */
	int		version;	/* NetFlow version of the datagram */
};

/* Per-exporter counters, as shown by `flowkeep status`. */
struct proto_exporter_info {
	uint8_t		af;
	fr_addr		addr;
	int		version;		/* last version seen */
	uint64_t	packets;		/* datagrams accepted */
	uint64_t	flows;			/* records decoded */
	uint64_t	lost;			/* v5/v7 flows lost (seq gaps) */
	uint64_t	lost_packets;		/* v9 packets lost (seq gaps) */
	uint64_t	corrupt;		/* datagrams rejected */
	uint64_t	bad_flowsets;		/* v9: flowset length that lies
						 * (past the end, or 1..3); the
						 * rest of the datagram is
						 * dropped, what came before
						 * kept */
	uint64_t	seq_resets;
	uint64_t	pending_expired;	/* queued data never matched */
	uint64_t	pending_dropped;	/* queue full */
	uint64_t	templates_evicted;
	unsigned	templates;		/* templates held now */
	unsigned	pending;		/* flowsets queued now */
	unsigned	nsource_ids;
	uint32_t	source_ids[8];		/* first few seen */
	uint32_t	sampling;		/* exporter-wide interval, 0 = n/a */
	unsigned	nsamplers;
	uint64_t	last_seen_ms;
	/* counters as they were at a mark taken at least one interval of
	 * proto_mark() calls ago (mark_ms 0: none yet): the recent rate is
	 * (flows - mark_flows) / (now - mark_ms) */
	uint64_t	mark_ms, mark_flows, mark_packets;
};

/* Context-wide figures, as shown by `flowkeep status`. */
struct proto_stats {
	unsigned	exporters;		/* held now */
	unsigned	max_exporters;		/* the limit in force */
	uint64_t	exporters_evicted;	/* pushed out by newcomers */
	uint64_t	pending_bytes;		/* queued v9 data now */
	uint64_t	pending_bytes_max;	/* its high-water mark */
	uint64_t	pending_total;		/* the limit in force */
	uint64_t	pending_refused;	/* flowsets refused for it */
};

struct proto_ctx;

/* Fill st with the context-wide figures. */
void proto_get_stats(const struct proto_ctx *ctx, struct proto_stats *st);

/* Create a decoder context; NULL only when out of memory. */
struct proto_ctx *proto_new(const struct proto_limits *limits);
void proto_free(struct proto_ctx *ctx);

/*
 * Decode one datagram.  Records go to sink->put (possibly in several calls);
 * res (may be NULL) says what happened.  Returns the number of records, or a
 * PROTO_E_* code when the datagram was rejected (it is then counted as
 * corrupt for its exporter and nothing reached the sink).
 */
int proto_decode(struct proto_ctx *ctx, const struct proto_src *src,
    const uint8_t *buf, size_t len, const struct fr_sink *sink,
    struct proto_result *res);

/* Drop queued data older than pending_ttl_ms; returns flowsets expired. */
unsigned proto_expire(struct proto_ctx *ctx, uint64_t now_ms);

/* Number of exporters known, and a copy of the info of the i-th. */
unsigned proto_exporter_count(const struct proto_ctx *ctx);
int proto_exporter_get(const struct proto_ctx *ctx, unsigned i,
    struct proto_exporter_info *out);

/* Take a mark of every exporter's counters (the daemon does it every
 * CONTROL_SAMPLE_S seconds) for proto_exporter_info's recent rates. */
void proto_mark(struct proto_ctx *ctx, uint64_t now_ms);

/* Count a datagram rejected before decoding (allow-list, size) against its
 * exporter when that exporter is already known; a source the allow-list
 * refuses never takes a slot in the exporter table (it would push an
 * accepted exporter and its templates out). */
void proto_count_corrupt(struct proto_ctx *ctx, const struct proto_src *src);

/*
 * Persist templates, options-derived sampling rates and sequence state so a
 * restart loses nothing.  proto_state_save returns a malloc'd buffer in a
 * versioned, self-describing binary format (see doc/state-file.md);
 * proto_state_load validates every byte of it (it is a parser: it has a
 * fuzz harness) and returns 0, or -1 leaving ctx unchanged.
 */
int proto_state_save(const struct proto_ctx *ctx, uint8_t **buf, size_t *len);
int proto_state_load(struct proto_ctx *ctx, const uint8_t *buf, size_t len);

/* A counter that changes whenever templates or sampling change, so the
 * daemon knows when to write the state file. */
uint64_t proto_state_generation(const struct proto_ctx *ctx);

/* Short text for a PROTO_E_* code. */
const char *proto_strerror(int code);

#endif /* FLOWKEEP_PROTO_H */
