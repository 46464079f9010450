/*
 * nfenc.h - NetFlow v5 and v9 datagram encoders (for `flowkeep replay` and
 * the benchmark generator).
 *
 * The encoders turn flow records back into datagrams an exporter would send.
 * They are pure: the caller owns every buffer.  v5 takes IPv4 records only
 * (the others are skipped and counted by the caller); v9 uses two fixed
 * templates, 256 for IPv4 and 257 for IPv6, which are sent in the first
 * datagram and again every `template_every` datagrams.
 */
#ifndef FLOWKEEP_NFENC_H
#define FLOWKEEP_NFENC_H

#include <stddef.h>
#include <stdint.h>

#include "flowrec.h"

#define NFENC_V5_MAX	30	/* records per v5 datagram */
#define NFENC_MTU	1464	/* largest datagram we build */

struct nfenc {
	int		version;	/* 5 or 9 */
	uint32_t	sequence;	/* next flow (v5) or packet (v9) seq */
	uint32_t	source_id;	/* v9 */
	uint8_t		engine_type, engine_id;	/* v5 */
	unsigned	template_every;	/* v9: resend templates; 0 = 20 */
	unsigned	sent;		/* datagrams built so far */
};

/* Initialise an encoder for version 5 or 9; -1 for another version. */
int nfenc_init(struct nfenc *e, int version);

/*
 * Build one datagram from recs[0..n) into out (at least NFENC_MTU bytes).
 * uptime_ms/now_ms give the header's sysUptime and export time.  Returns how
 * many records were consumed (>= 1 when n >= 1) and the datagram length in
 * *outlen.  Records that the version cannot carry (IPv6 in v5) are consumed
 * and not encoded; *skipped counts them.
 */
unsigned nfenc_build(struct nfenc *e, const struct flowrec *recs, unsigned n,
    uint64_t now_ms, uint32_t uptime_ms, uint8_t *out, size_t *outlen,
    unsigned *skipped);

#endif /* FLOWKEEP_NFENC_H */
