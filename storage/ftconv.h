/*
 * ftconv.h - conversions between struct flowrec and flow-tools records.
 *
 * ftconv_to_ft() maps one flowrec to one or more ftrec in a given record
 * version.  IPv4 flows map to v1/v5/v1005 records; IPv6 flows only to
 * FT_VER_IP6.  Where a v5 record cannot hold a value the totals are kept:
 * packet or octet counts above 2^32-1 are split over several records, a
 * 4-byte AS becomes 23456 (AS_TRANS), an ifIndex above 65535 becomes 65535.
 * Every such conversion is counted in struct ftconv_stats.
 *
 * Times: for a record that came from a v5 PDU the original unix_secs,
 * unix_nsecs, sysUpTime, First and Last are reproduced exactly.  For v9
 * records sysUpTime is chosen so that First and Last do not wrap, so that
 * flow-tools readers compute the right absolute times.
 */
#ifndef FLOWKEEP_FTCONV_H
#define FLOWKEEP_FTCONV_H

#include <stdint.h>

#include "ftfmt.h"
#include "../proto/flowrec.h"

#define FTCONV_MAX_SPLIT	16	/* records one flowrec can become */
#define FT_AS_TRANS		23456

struct ftconv_stats {
	uint64_t	split_records;	/* extra records from counter splits */
	uint64_t	as_trans;	/* AS numbers mapped to AS_TRANS */
	uint64_t	ifindex_clamped;
	uint64_t	wrong_family;	/* IPv6 to a v4 format or the reverse */
};

/*
 * Convert rec to records of version ver (FT_VER_1, 5, 1005 or FT_VER_IP6).
 * Writes up to FTCONV_MAX_SPLIT records to out and returns how many (0 when
 * the family does not fit the version).  Counts go to st (may be NULL).
 */
unsigned ftconv_to_ft(const struct flowrec *rec, int ver, struct ftrec *out,
    struct ftconv_stats *st);

/*
 * Absolute time (ms) of uptime value t in a v1/v5/v7 record exported at
 * exp_ms with that sysUptime.  flow-tools adds the unsigned values (export
 * - sysUptime + t); that is kept, except where it puts t more than 2^31 ms
 * (24.8 days) after the export, which no flow can be: there the exporter's
 * uptime wrapped past 2^32 between t and the export (First before the
 * wrap, sysUptime after it), and t is 2^32 ms earlier, as the decoder
 * took it.
 */
static inline uint64_t
ftconv_uptime_ms(uint64_t exp_ms, uint32_t uptime, uint32_t t)
{
	int64_t d = (int64_t)t - (int64_t)uptime;

	if (d > (int64_t)INT32_MAX)
		d -= (int64_t)1 << 32;
	return (uint64_t)((int64_t)exp_ms + d);
}

/* Convert a record read from a file of version ver back to a flowrec. */
void ftconv_from_ft(const struct ftrec *fr, int ver, struct flowrec *out);

#endif /* FLOWKEEP_FTCONV_H */
