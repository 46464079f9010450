/*
 * proto_int.h - internals shared by proto.c, nf5.c, nf9.c and state.c.
 *
 * Not an interface for other modules.  The context holds a bounded table of
 * exporters (hash by address + LRU list); each exporter holds its v9
 * template cache, sampler rates, sequence state and the queue of v9 data
 * flowsets waiting for their template.
 */
#ifndef FLOWKEEP_PROTO_INT_H
#define FLOWKEEP_PROTO_INT_H

#include <stddef.h>
#include <stdint.h>

#include "flowrec.h"
#include "proto.h"
#include "tmpl.h"

#define PROTO_NSEQ		16	/* sequence keys per exporter */
#define PROTO_BATCH		64	/* records per sink call */
#define PROTO_EXP_NBUCKET	1024

#define SEQ_KIND_V5		5	/* v5/v7 flows per engine key */
#define SEQ_KIND_V9		9	/* v9 packets per source_id */

struct proto_seq {
	uint32_t	key;		/* version<<16|engine key, or source id */
	uint32_t	expected;
	uint32_t	uptime;		/* v9: the last sysUptime */
	uint8_t		kind;		/* SEQ_KIND_* */
	uint8_t		valid;
	uint64_t	used;
};

struct proto_sampler {
	uint32_t	id;
	uint32_t	rate;
};

/* One v9 data flowset waiting for its template. */
struct proto_pending {
	struct proto_pending *next;
	uint64_t	recv_ms;
	uint32_t	source_id;
	uint32_t	uptime;
	uint32_t	secs;
	uint16_t	tmpl_id;
	uint16_t	len;
	uint8_t		data[];
};

struct proto_exporter {
	struct proto_exporter_info info;	/* counters, address */
	struct proto_exporter *hnext;
	struct proto_exporter *lru_prev, *lru_next;
	struct tmpl_cache *tc;
	struct proto_seq seq[PROTO_NSEQ];
	uint64_t	seq_tick;
	struct proto_sampler *samplers;		/* max_samplers entries */
	struct proto_pending *pend_head, *pend_tail;
	size_t		pend_bytes;
	size_t		*pend_total;		/* the context's sum */
	/* the newest mark (proto_mark); info.mark_* holds the one before */
	uint64_t	last_mark_ms, last_mark_flows, last_mark_packets;
};

struct proto_ctx {
	struct proto_limits lim;
	uint64_t	generation;
	unsigned	nexp;
	struct proto_exporter **exps;		/* nexp entries */
	struct proto_exporter *bucket[PROTO_EXP_NBUCKET];
	struct proto_exporter *lru_head, *lru_tail;	/* head = newest */
	size_t		pend_total;	/* queued bytes, all exporters */
	size_t		pend_total_max;	/* its high-water mark */
	uint64_t	pend_refused;	/* refused for pend_total */
	uint64_t	exp_evicted;	/* exporters pushed out (LRU) */
};

/* Records gathered for the sink, flushed in batches. */
struct proto_batch {
	const struct fr_sink *sink;
	unsigned	n;
	unsigned	total;
	struct flowrec	recs[PROTO_BATCH];
};

/* What every record of one datagram shares. */
struct proto_hdr {
	struct proto_ctx *ctx;
	struct proto_exporter *exp;
	struct proto_result *res;
	struct flowrec	proto;		/* prototype record */
	uint64_t	exp_ms;		/* export time, ms */
	uint32_t	uptime;
};

/* proto.c */
struct proto_exporter *proto_exporter_lookup(struct proto_ctx *,
    const struct proto_src *, int create);
struct proto_exporter *proto_exporter_new(struct proto_ctx *, uint8_t af,
    const fr_addr *addr);
void proto_exporter_free(struct proto_exporter *);
void proto_exporter_insert(struct proto_ctx *, struct proto_exporter *);
void proto_batch_flush(struct proto_batch *);
struct proto_seq *proto_seq_get(struct proto_exporter *, uint8_t kind,
    uint32_t key);
void proto_hdr_init(struct proto_hdr *, struct proto_ctx *,
    struct proto_exporter *, const struct proto_src *, int version);
void proto_src_id_note(struct proto_exporter *, uint32_t source_id);

/*
 * Absolute time of uptime value t: the signed 32-bit distance to the
 * header's uptime, so a flow that straddles the 49.7-day wrap stays near
 * the export time.
 */
static inline int64_t
proto_uptime_to_ms(uint64_t exp_ms, uint32_t uptime, uint32_t t)
{
	return (int64_t)exp_ms - (int64_t)(int32_t)(uptime - t);
}

static inline struct flowrec *
proto_batch_slot(struct proto_batch *b)
{
	if (b->n == PROTO_BATCH)
		proto_batch_flush(b);
	return &b->recs[b->n];
}

static inline void
proto_batch_commit(struct proto_batch *b)
{
	b->n++;
	b->total++;
}

/* nf5.c */
int nf5_decode(struct proto_hdr *, const uint8_t *, size_t,
    struct proto_batch *);

/* nf9.c */
int nf9_decode(struct proto_hdr *, const uint8_t *, size_t,
    struct proto_batch *);
void nf9_pending_free(struct proto_exporter *);
unsigned nf9_pending_expire(struct proto_exporter *, uint64_t now_ms,
    uint64_t ttl_ms);

#endif /* FLOWKEEP_PROTO_INT_H */
