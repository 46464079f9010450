/*
 * trkindex.h - the tracking index: which trackings a flow may match,
 * found without testing every tracking's filter.
 *
 * Each tracking is filed under one field its filter pins (see
 * filter_pins() in filter.h), the narrowest of: IPv4/IPv6 source or
 * destination prefixes, source or destination ports, input or output
 * interfaces, exporter prefixes, IP protocols.  A flow's candidates are
 * the trackings filed under a value the flow carries in that field (both
 * sides are looked up) plus the trackings with no usable pin, which are
 * candidates for every flow.  The caller still runs each candidate's
 * filter: the index only leaves out trackings that cannot match, so the
 * counts are the same with and without it; except that a tracking whose
 * filter is exactly its pin ("dst port 443", "host 192.0.2.1") is marked
 * as passing, so its filter need not be run at all.
 *
 * Counting once per combination: most flows at a site meet the same few
 * cells ("dst port 443" on one side, "in if 3" on the other), so the
 * index remembers, per set of cells a flow meets (one per side of each
 * table), the union of their trackings, each once (a tracking filed on
 * both sides is met twice by a flow whose source and destination both
 * match).  The caller adds the flow to that combination's sums, and the
 * sums to each of its trackings when a step closes: a flow costs one
 * addition instead of one per tracking it passes.  Half the room is for
 * whole flows' combinations; past that a flow gets one combination per
 * table, and with no room left its trackings come one by one.
 *
 * Structures: IPv4 prefixes in a 16-8-8 stride trie per side (a hash of
 * the /16 at the root, 256-slot nodes below, each prefix spread over the
 * slots it covers, so a lookup is at most three steps); IPv6 and exporter
 * prefixes in arrays sorted by length and address, one binary search per
 * length present; ports, interfaces and protocols in open-addressing
 * hashes of the value.
 *
 * Bounds: a tracking fills at most TRKINDEX_MAX_KEYS slots (one per port
 * or interface of a range, 2^(16-len), 2^(24-len) or 2^(32-len) per IPv4
 * prefix, one per other prefix); IPv4 prefixes shorter than /8 and pins
 * that would pass more keys, or that let through a large share of the
 * traffic (a wide port range, several protocols) are not used: the
 * tracking is filed under another field or tested for every flow.
 * Not thread safe.
 */
#ifndef FLOWKEEP_TRKINDEX_H
#define FLOWKEEP_TRKINDEX_H

#include <stdint.h>

#include "proto/flowrec.h"

#define TRKINDEX_MAX_KEYS	4096
#define TRKINDEX_ALWAYS		(-2)	/* trkindex_add: tested always */
#define TRKINDEX_EXACT		0x80000000u	/* see trkindex_lookup */

struct filter;
struct trkindex;

struct trkindex *trkindex_new(void);
void trkindex_free(struct trkindex *x);

/*
 * File the next tracking (numbered 0, 1, ... in the order added), whose
 * filter is f (NULL: every flow).  Returns the FILTER_PIN_* kind it was
 * filed under, TRKINDEX_ALWAYS, or -1 when out of memory.
 */
int trkindex_add(struct trkindex *x, const struct filter *f);

/*
 * The trackings r may pass, each once, in two forms:
 *  - combinations, into co (room for TRKINDEX_TABLES), their number in
 *    *nco: what the cells r meets (on both sides of addresses, ports,
 *    interfaces, and the protocol) give together, one for the flow or,
 *    when room runs short, one per table.  Every tracking of a
 *    combination's exact list (trkindex_combo_ids) passes for sure (its
 *    filter is exactly the condition it was filed under: filter_pin.exact),
 *    so a caller counts r once per combination, not once per tracking, and
 *    hands the sums to those trackings later.  Flows meeting the same cells
 *    get the same combination, made on first use;
 *  - candidates, into out (room for every tracking added), their number
 *    returned, in no particular order: trackings whose filter must still
 *    be run, and, with TRKINDEX_EXACT or-ed in, ones that pass for sure
 *    but are in no combination (IPv6 and exporter prefixes, or no room
 *    for another combination).
 * No tracking is both in a combination and a candidate.
 */
#define TRKINDEX_TABLES		4	/* combinations of one flow, at most */
#define TRKINDEX_COMBOS		16384	/* combinations kept, at most */

unsigned trkindex_lookup(struct trkindex *x, const struct flowrec *r,
    uint32_t *out, uint32_t *co, unsigned *nco);

/*
 * The same in two steps, for a batch of flows: trkindex_prepare() finds
 * the cells r meets and asks for the memory the second step reads, so
 * that preparing the next flows of a batch hides its latency;
 * trkindex_lookup_pre() then gives what trkindex_lookup() gives.
 */
#define TRKINDEX_GROUPS		2
struct trkindex_pre {
	uint32_t	 k[7];		/* cells met */
	uint64_t	 hh[TRKINDEX_GROUPS];	/* hashes of their keys */
};

void trkindex_prepare(struct trkindex *x, const struct flowrec *r,
    struct trkindex_pre *pre);
unsigned trkindex_lookup_pre(struct trkindex *x, const struct flowrec *r,
    const struct trkindex_pre *pre, uint32_t *out, uint32_t *co,
    unsigned *nco);

/* Combinations made so far: they are numbered 0 .. this - 1. */
uint32_t trkindex_combos(const struct trkindex *x);

/* The trackings combination c passes for sure, their number. */
unsigned trkindex_combo_ids(const struct trkindex *x, uint32_t c,
    const uint32_t **ids);

/* Drop every combination (numbers are given again from 0): when the
 * caller holds no sums of them, to make room for the flows of now. */
void trkindex_forget(struct trkindex *x);

struct trkindex_stats {
	unsigned	by_kind[5];	/* trackings per FILTER_PIN_* kind */
	unsigned	always;		/* tested for every flow */
	unsigned	never;		/* filters no flow can pass */
	unsigned	exact;		/* found by the index alone */
	size_t		keys;		/* slots filled */
	unsigned	combos;		/* combinations kept now */
};

void trkindex_get_stats(const struct trkindex *x, struct trkindex_stats *out);

#endif /* FLOWKEEP_TRKINDEX_H */
