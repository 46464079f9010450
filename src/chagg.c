/*
 * chagg.c - keyed reports counted by ClickHouse (see chagg.h).
 *
 * Two queries.  The groups: SELECT <the fields the report reads>,
 * count(), sum(octets * s), sum(packets * s) FROM t WHERE <window and
 * filter> AND <the report's family> AND <the FR_HAS_* bits it needs>
 * GROUP BY the fields, where s is the sampling interval (when the
 * exporter sent one above 1 and automatic sampling is on) or 1.  And one
 * row of what the report does not count (other family, missing fields:
 * the table's note) with the first start and last end of what it does
 * (the bits/s window when none is given).  UInt64 sums wrap as the file
 * engine's do, so the numbers are the same modulo 2^64 too.  Every
 * column is cast to a fixed width, so that a RowBinary row has one
 * length.
 */
#define _GNU_SOURCE	/* asprintf */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chagg.h"
#include "chsource.h"

struct agcol {
	uint32_t	 bit;		/* RPT_R_* */
	const char	*sql;
	unsigned	 width;		/* bytes in RowBinary */
	int		 id;		/* what it fills */
};

enum { A_PROTO, A_SPORT, A_DPORT, A_SRC, A_DST, A_NEXTHOP, A_EXPAF,
    A_EXPORTER, A_INIF, A_OUTIF, A_SRCAS, A_DSTAS, A_TOS, A_SRCMASK,
    A_DSTMASK, A_ENGTYPE, A_ENGID, A_SRCTAG, A_DSTTAG, A_PACKETS, A_OCTETS,
    A_PSPK, A_PSOC };

static const struct agcol cols[] = {
	{ RPT_R_PROTO, "toUInt8(proto)", 1, A_PROTO },
	{ RPT_R_SPORT, "toUInt16(sport)", 2, A_SPORT },
	{ RPT_R_DPORT, "toUInt16(dport)", 2, A_DPORT },
	{ RPT_R_SRC, "src", 16, A_SRC },
	{ RPT_R_DST, "dst", 16, A_DST },
	{ RPT_R_NEXTHOP, "nexthop", 16, A_NEXTHOP },
	{ RPT_R_EXPORTER, "toUInt8(exp_af)", 1, A_EXPAF },
	{ RPT_R_EXPORTER, "exporter", 16, A_EXPORTER },
	{ RPT_R_INIF, "toUInt32(in_if)", 4, A_INIF },
	{ RPT_R_OUTIF, "toUInt32(out_if)", 4, A_OUTIF },
	{ RPT_R_SRCAS, "toUInt32(src_as)", 4, A_SRCAS },
	{ RPT_R_DSTAS, "toUInt32(dst_as)", 4, A_DSTAS },
	{ RPT_R_TOS, "toUInt8(tos)", 1, A_TOS },
	{ RPT_R_SRCMASK, "toUInt8(src_mask)", 1, A_SRCMASK },
	{ RPT_R_DSTMASK, "toUInt8(dst_mask)", 1, A_DSTMASK },
	{ RPT_R_ENGTYPE, "toUInt8(engine_type)", 1, A_ENGTYPE },
	{ RPT_R_ENGID, "toUInt8(engine_id)", 1, A_ENGID },
	{ RPT_R_SRCTAG, "toUInt32(src_tag)", 4, A_SRCTAG },
	{ RPT_R_DSTTAG, "toUInt32(dst_tag)", 4, A_DSTTAG },
	{ RPT_R_PACKETS, "toUInt64(packets)", 8, A_PACKETS },
	{ RPT_R_OCTETS, "toUInt64(octets)", 8, A_OCTETS },
	{ RPT_R_PKTSIZE, "toUInt8(packets != 0)", 1, A_PSPK },
	/* octets / packets without dividing by 0 (if() computes both) */
	{ RPT_R_PKTSIZE, "toUInt64(if(packets = 0, 0, intDiv(octets, "
	    "greatest(packets, toUInt64(1)))))", 8, A_PSOC },
};

#define NCOLS	(sizeof(cols) / sizeof(cols[0]))

static uint64_t
rd(const uint8_t *p, unsigned w)
{
	uint64_t v = 0;

	for (unsigned i = w; i > 0; i--)	/* little-endian */
		v = v << 8 | p[i - 1];
	return v;
}

/* A stored FixedString(16) address back into the record's form. */
static void
addr(uint8_t af, const uint8_t *p, fr_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (af == FR_AF_INET)
		a->v4 = (uint32_t)p[12] << 24 | (uint32_t)p[13] << 16 |
		    (uint32_t)p[14] << 8 | p[15];
	else
		memcpy(a->v6, p, 16);
}

static void
fill(struct flowrec *f, int id, const uint8_t *p, unsigned w)
{
	uint64_t v = w == 16 ? 0 : rd(p, w);

	switch (id) {
	case A_PROTO: f->proto = (uint8_t)v; break;
	case A_SPORT: f->sport = (uint16_t)v; break;
	case A_DPORT: f->dport = (uint16_t)v; break;
	case A_SRC: addr(f->af, p, &f->src); break;
	case A_DST: addr(f->af, p, &f->dst); break;
	case A_NEXTHOP: addr(f->af, p, &f->nexthop); break;
	case A_EXPAF: f->exp_af = (uint8_t)v; break;
	case A_EXPORTER: addr(f->exp_af, p, &f->exporter); break;
	case A_INIF: f->in_if = (uint32_t)v; break;
	case A_OUTIF: f->out_if = (uint32_t)v; break;
	case A_SRCAS: f->src_as = (uint32_t)v; break;
	case A_DSTAS: f->dst_as = (uint32_t)v; break;
	case A_TOS: f->tos = (uint8_t)v; break;
	case A_SRCMASK: f->src_mask = (uint8_t)v; break;
	case A_DSTMASK: f->dst_mask = (uint8_t)v; break;
	case A_ENGTYPE: f->engine_type = (uint8_t)v; break;
	case A_ENGID: f->engine_id = (uint8_t)v; break;
	case A_SRCTAG: f->src_tag = (uint32_t)v; break;
	case A_DSTTAG: f->dst_tag = (uint32_t)v; break;
	case A_PACKETS: f->packets = v; break;
	case A_OCTETS: f->octets = v; break;
	case A_PSPK: f->packets = v; break;
	default: f->octets = v; break;
	}
}

/* Run sql and hand its rows of rowlen bytes to fn; 0 or -1 (err). */
static int
rows(const struct chsrc_url *u, const char *sql, size_t rowlen,
    int (*fn)(void *, const uint8_t *), void *arg, char *err, size_t errlen)
{
	struct chsrc *s;
	const uint8_t *row;
	int rc;

	if ((s = chsrc_open_sql(u, sql, err, errlen)) == NULL)
		return -1;
	while ((rc = chsrc_raw_next(s, &row, rowlen, err, errlen)) == 1)
		if (fn(arg, row) == -1) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
			break;
		}
	chsrc_close(s);
	return rc;
}

struct grp {
	struct rpt	*r;
	uint32_t	 reads, need;
	int		 fam;
};

static int
grp_row(void *arg, const uint8_t *row)
{
	struct grp *g = arg;
	struct flowrec f;

	memset(&f, 0, sizeof(f));
	f.af = (uint8_t)g->fam;
	f.fields = g->need;
	for (size_t i = 0; i < NCOLS; i++)
		if (g->reads & cols[i].bit) {
			fill(&f, cols[i].id, row, cols[i].width);
			row += cols[i].width;
		}
	return rpt_add_sum(g->r, &f, rd(row, 8), rd(row + 8, 8),
	    rd(row + 16, 8), UINT64_MAX, 0);
}

static int
stats_row(void *arg, const uint8_t *row)
{
	struct grp *g = arg;
	int some = rd(row + 16, 8) > 0;

	rpt_add_skipped(g->r, rd(row + 8, 8), rd(row, 8),
	    some ? rd(row + 24, 8) : UINT64_MAX, some ? rd(row + 32, 8) : 0);
	return 0;
}

int
chagg_count(const struct rpt_def *d, const struct rpt_opts *ro,
    const struct cmdsel *cs, struct rpt **out, char *err, size_t errlen)
{
	struct chsrc_url u;
	struct grp g;
	char *where = NULL, *sql = NULL, list[2048], fam[32], need[64];
	const char *samp;
	size_t rowlen = 3 * 8, ll = 0;
	int exact, rc;

	*out = NULL;
	if (d->kind == RPT_SUMMARY)
		return 0;
	if (chsrc_parse_url(cs->source, &u, err, errlen) == -1)
		return -1;
	if ((where = chsrc_where(cs->so.from_ms, cs->so.to_ms,
	    (int)cs->so.rule, cs->filter, &exact)) == NULL)
		goto oom;
	if (!exact) {
		free(where);
		return 0;
	}
	g.reads = rpt_reads(d);
	g.need = rpt_needs(d);
	g.fam = rpt_family(d);
	/* the flows the report counts: its family, the fields it needs */
	snprintf(fam, sizeof(fam), g.fam != 0 ? "af = %d" : "1", g.fam);
	snprintf(need, sizeof(need), g.need != 0 ? "bitAnd(fields, %lu) = "
	    "%lu" : "1", (unsigned long)g.need, (unsigned long)g.need);
	list[0] = '\0';
	for (size_t i = 0; i < NCOLS; i++)
		if (g.reads & cols[i].bit) {
			ll += (size_t)snprintf(list + ll, sizeof(list) - ll,
			    "%s%s", ll > 0 ? ", " : "", cols[i].sql);
			rowlen += cols[i].width;
		}
	if ((*out = rpt_new(d, ro)) == NULL)
		goto oom;
	g.r = *out;
	/* what is not counted (the table's note), and the time span */
	if (asprintf(&sql, "SELECT countIf(NOT (%s)), countIf((%s) AND NOT "
	    "(%s)), countIf((%s) AND (%s)), minIf(first_ms, (%s) AND (%s)), "
	    "maxIf(last_ms, (%s) AND (%s)) FROM %s.%s WHERE %s FORMAT "
	    "RowBinary", fam, fam, need, fam, need, fam, need, fam, need,
	    u.db, u.table, where) == -1) {
		sql = NULL;
		goto oom;
	}
	if (rows(&u, sql, 5 * 8, stats_row, &g, err, errlen) == -1)
		goto fail;
	free(sql);
	/* the groups; a sampled flow's counters times its interval */
	samp = ro->auto_sampling ? " * if(bitAnd(fields, 4096) != 0 AND "
	    "sampling > 1, toUInt64(sampling), toUInt64(1))" : "";
	if (asprintf(&sql, "SELECT %s%scount(), sum(octets%s), sum(packets%s) "
	    "FROM %s.%s WHERE (%s) AND (%s) AND (%s)%s%s FORMAT RowBinary",
	    list, ll > 0 ? ", " : "", samp, samp, u.db, u.table, where, fam,
	    need, ll > 0 ? " GROUP BY " : "", list) == -1) {
		sql = NULL;
		goto oom;
	}
	rc = rows(&u, sql, rowlen, grp_row, &g, err, errlen);
	free(sql);
	free(where);
	if (rc == -1) {
		rpt_free(*out);
		*out = NULL;
		return -1;
	}
	return 1;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	free(sql);
	free(where);
	rpt_free(*out);
	*out = NULL;
	return -1;
}
