/*
 * report.h - the report engine: flows grouped by a key (an address, a
 * port, an AS, a prefix, a pair of them...) into flows/octets/packets
 * totals, sorted and cut to the top rows; plus flow-stat's overall summary
 * (format 0) and short summary (format 15).
 *
 * Every report type of flow-stat has a name and its flow-stat number
 * (`-f N`); the IPv6 variants of the address and prefix reports have our
 * own numbers, 100 + the number of the IPv4 report (doc/reports.md).  The
 * keyed reports count what flow-stat counts: the port reports only TCP and
 * UDP flows, "port" and "ip" each flow once for each of its two values,
 * the prefix reports the address masked with the flow's mask (flow-stat
 * leaves an address with mask 0 or a mask above 32 unmasked).  IPv4
 * reports skip IPv6 flows and the reverse.  A flow without a field the
 * report needs (FR_HAS_* clear, e.g. AS numbers from a NetFlow v1 file) is
 * not counted; rpt_missing() says how many there were.
 *
 * The keys live in one open-addressing hash table (linear probing, grown
 * by doubling at 70 % load); rpt_add() does not allocate except when the
 * table grows.  Keys are stored big-endian so that sorting on a key column
 * is a memcmp.
 *
 * Sampling: every flow's counters are multiplied by the manual multiplier
 * (FlowViewer's "Sampling Multi": flows, octets and packets), and, with
 * auto_sampling, its octets and packets also by the sampling interval the
 * exporter announced (flowrec.sampling when FR_HAS_SAMPLING).
 */
#ifndef FLOWKEEP_REPORT_H
#define FLOWKEEP_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "proto/flowrec.h"

/* What a key column holds. */
enum rpt_col {
	RPT_C_NUM,	/* a plain number */
	RPT_C_PROTO,	/* IP protocol */
	RPT_C_PORT,	/* TCP/UDP port */
	RPT_C_AS,	/* AS number */
	RPT_C_IF,	/* interface index */
	RPT_C_IP4,	/* IPv4 address */
	RPT_C_PFX4,	/* IPv4 prefix: address and length */
	RPT_C_IP6,	/* IPv6 address */
	RPT_C_PFX6,	/* IPv6 prefix */
	RPT_C_ADDR,	/* an address of either family (exporter) */
};

enum rpt_kind {
	RPT_SUMMARY,	/* flow-stat -f 0 */
	RPT_SHORT,	/* flow-stat -f 15 */
	RPT_TABLE,	/* keyed rows */
};

struct rpt_def {
	const char	*name;		/* "srcip" */
	int		 num;		/* flow-stat -f number, or ours */
	const char	*title;		/* flow-stat's "Name:" */
	enum rpt_kind	 kind;
	unsigned	 nkeys;		/* 1 or 2 */
	enum rpt_col	 col[2];
	const char	*colname[2];	/* column headings */
	int		 id;		/* internal: the key extractor */
};

/* The report types, in the order of their numbers. */
unsigned rpt_ndefs(void);
const struct rpt_def *rpt_def_at(unsigned i);

/* A report by name ("srcip") or number ("9"); NULL if unknown. */
const struct rpt_def *rpt_find(const char *s);

struct rpt_opts {
	uint32_t	 multiplier;	/* manual sampling multiplier, 0 = 1 */
	int		 auto_sampling;	/* multiply by flowrec.sampling */
};

struct rpt;

/* A new empty report; NULL if out of memory. */
struct rpt *rpt_new(const struct rpt_def *d, const struct rpt_opts *o);

/* Count n flows.  -1 if the table could not grow (out of memory; the
 * flows that did not fit are lost), else 0. */
int rpt_add(struct rpt *r, const struct flowrec *recs, unsigned n);

/*
 * Add everything src counted to dst (same report definition; the options
 * should be the same too): how a report counted in parallel, one table per
 * thread, is joined.  0, or -1 when out of memory (keys are missing).
 */
int rpt_merge(struct rpt *dst, const struct rpt *src);

void rpt_free(struct rpt *r);

const struct rpt_def *rpt_def(const struct rpt *r);

/* Totals over every counted key (a flow counted twice by "port" and "ip"
 * counts twice here, as in flow-stat's percentages). */
struct rpt_totals {
	uint64_t	 flows, octets, packets;
	uint64_t	 rows;		/* distinct keys */
	uint64_t	 first_ms;	/* earliest flow start, UINT64_MAX if none */
	uint64_t	 last_ms;	/* latest flow end */
};
void rpt_totals(const struct rpt *r, struct rpt_totals *t);

/* Flows not counted: lacking a needed field / of the other family /
 * without packets (summary and packet size only, like flow-stat). */
uint64_t rpt_missing(const struct rpt *r);
uint64_t rpt_other_family(const struct rpt *r);
uint64_t rpt_no_packets(const struct rpt *r);

/* One row; key points into the report (valid until rpt_free). */
struct rpt_row {
	uint64_t	 flows, octets, packets;
	const uint8_t	*key;
};

/* A decoded key column. */
struct rpt_kv {
	enum rpt_col	 col;
	uint64_t	 num;		/* numbers */
	uint8_t		 af;		/* FR_AF_INET / FR_AF_INET6: addresses */
	uint8_t		 len;		/* prefix length */
	fr_addr		 addr;		/* v4 in host order, v6 as bytes */
};
void rpt_key(const struct rpt *r, const struct rpt_row *row, unsigned i,
    struct rpt_kv *kv);

enum rpt_sort {
	RPT_S_NONE,	/* table order */
	RPT_S_KEY1,
	RPT_S_KEY2,
	RPT_S_FLOWS,
	RPT_S_OCTETS,
	RPT_S_PACKETS,
};

struct rpt_select {
	enum rpt_sort	 sort;
	int		 ascending;
	size_t		 limit;		/* top rows, 0 = all */
	uint64_t	 min_octets;	/* rows below are left out */
};

/*
 * The rows passing sel, sorted (ties broken by the keys), at most
 * sel->limit of them, picked without a full sort: a heap of sel->limit
 * rows when that is small against the number of keys, else quickselect.
 * *out is malloc'ed (caller frees); the count, or (size_t)-1 if out of
 * memory.
 */
size_t rpt_rows(const struct rpt *r, const struct rpt_select *sel,
    struct rpt_row **out);

/*
 * Counting rows aggregated elsewhere (a ClickHouse GROUP BY, chagg.h):
 * rpt_reads() says which fields of a flow the report's keys are made
 * from (RPT_R_*; the family and the FR_HAS_* bits of rpt_needs() are
 * always read), rpt_add_sum() counts n flows that agree on those fields,
 * as f holds them, whose octets and packets (automatic sampling already
 * applied, not the multiplier) sum to octets and packets, first_ms and
 * last_ms the earliest start and latest end among them.  The same sums
 * as rpt_add() of the n flows one by one.  -1 (nothing counted) for the
 * summary, which needs every flow, or when out of memory.
 */
#define RPT_R_PROTO	0x000001u
#define RPT_R_SPORT	0x000002u
#define RPT_R_DPORT	0x000004u
#define RPT_R_SRC	0x000008u
#define RPT_R_DST	0x000010u
#define RPT_R_NEXTHOP	0x000020u
#define RPT_R_EXPORTER	0x000040u	/* exp_af and exporter */
#define RPT_R_INIF	0x000080u
#define RPT_R_OUTIF	0x000100u
#define RPT_R_SRCAS	0x000200u
#define RPT_R_DSTAS	0x000400u
#define RPT_R_TOS	0x000800u
#define RPT_R_SRCMASK	0x001000u
#define RPT_R_DSTMASK	0x002000u
#define RPT_R_ENGTYPE	0x004000u
#define RPT_R_ENGID	0x008000u
#define RPT_R_SRCTAG	0x010000u
#define RPT_R_DSTTAG	0x020000u
#define RPT_R_PACKETS	0x040000u
#define RPT_R_OCTETS	0x080000u
#define RPT_R_PKTSIZE	0x100000u	/* octets / packets into octets,
					 * packets 0 or 1 */
uint32_t rpt_reads(const struct rpt_def *d);
uint32_t rpt_needs(const struct rpt_def *d);
/* The address family a report counts (FR_AF_*), 0 for both. */
int rpt_family(const struct rpt_def *d);
/* Flows that were not given to rpt_add_sum(): missing lacked a needed
 * field, other_af were of the other family; first_ms and last_ms the
 * earliest start and latest end of those that were (UINT64_MAX and 0
 * when none). */
void rpt_add_skipped(struct rpt *r, uint64_t missing, uint64_t other_af,
    uint64_t first_ms, uint64_t last_ms);
int rpt_add_sum(struct rpt *r, const struct flowrec *f, uint64_t n,
    uint64_t octets, uint64_t packets, uint64_t first_ms, uint64_t last_ms);

/* flow-stat -f 0, figure by figure (floats computed as flow-stat does). */
#define RPT_HIST	26
struct rpt_summary {
	uint64_t	 flows, octets, packets;
	uint64_t	 time_ms;	/* sum of flow durations */
	uint32_t	 real_s;	/* max - min export seconds */
	uint64_t	 dur_ms;	/* max(last) - min(first) */
	double		 avg_flow_time, avg_packet_size, avg_flow_size,
			 avg_packets_per_flow, flows_per_s, flows_per_s_real,
			 kbits_per_s, kbits_per_s_real;
	/* fractions of flows: packet size, packets per flow, octets per
	 * flow, flow time (bucket limits: rpt_hist_limits) */
	double		 hist[4][RPT_HIST];
};
int rpt_summary(const struct rpt *r, struct rpt_summary *s);

/* The upper limits of the buckets of histogram h (0..3); 0 = "more". */
const uint32_t *rpt_hist_limits(unsigned h);

#endif /* FLOWKEEP_REPORT_H */
