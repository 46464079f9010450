/*
 * report.c - the report engine (see report.h).
 */
#define _DEFAULT_SOURCE	/* MADV_HUGEPAGE */

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "report.h"

/* Key extractors (rpt_def.id). */
enum {
	X_SUMMARY, X_SHORT, X_PKTSIZE, X_PACKETS, X_OCTETS,
	X_DSTPORT, X_SRCPORT, X_PORT,
	X_DSTIP, X_SRCIP, X_IPPAIR, X_IP,
	X_PROTO, X_NEXTHOP, X_INIF, X_OUTIF, X_SRCAS, X_DSTAS, X_ASPAIR,
	X_TOS, X_IFPAIR, X_SRCPFX, X_DSTPFX, X_PFXPAIR, X_EXPORTER,
	X_ENGID, X_ENGTYPE, X_SRCTAG, X_DSTTAG, X_TAGPAIR,
	X_DSTIP6, X_SRCIP6, X_IPPAIR6, X_IP6, X_NEXTHOP6,
	X_SRCPFX6, X_DSTPFX6, X_PFXPAIR6,
};

#define T1(n, num, title, x, c, cn) \
	{ n, num, title, RPT_TABLE, 1, { c, RPT_C_NUM }, { cn, NULL }, x }
#define T2(n, num, title, x, c1, n1, c2, n2) \
	{ n, num, title, RPT_TABLE, 2, { c1, c2 }, { n1, n2 }, x }

static const struct rpt_def defs[] = {
	{ "summary", 0, "Overall Summary", RPT_SUMMARY, 0,
	    { RPT_C_NUM, RPT_C_NUM }, { NULL, NULL }, X_SUMMARY },
	T1("pktsize", 1, "Average packet size distribution", X_PKTSIZE,
	    RPT_C_NUM, "Pkt Size"),
	T1("packets", 2, "Packets per flow distribution", X_PACKETS,
	    RPT_C_NUM, "Packets"),
	T1("octets", 3, "Octets per flow distribution", X_OCTETS,
	    RPT_C_NUM, "Octets"),
	T1("dstport", 5, "UDP/TCP destination port", X_DSTPORT,
	    RPT_C_PORT, "Dst Port"),
	T1("srcport", 6, "UDP/TCP source port", X_SRCPORT,
	    RPT_C_PORT, "Src Port"),
	T1("port", 7, "UDP/TCP port", X_PORT, RPT_C_PORT, "Port"),
	T1("dstip", 8, "Destination IP", X_DSTIP, RPT_C_IP4, "Dst Host"),
	T1("srcip", 9, "Source IP", X_SRCIP, RPT_C_IP4, "Src Host"),
	T2("ip-pair", 10, "Source/Destination IP", X_IPPAIR,
	    RPT_C_IP4, "Src Host", RPT_C_IP4, "Dst Host"),
	T1("ip", 11, "Source or Destination IP", X_IP, RPT_C_IP4, "Host"),
	T1("proto", 12, "IP protocol", X_PROTO, RPT_C_PROTO, "Protocol"),
	{ "short", 15, "short summary", RPT_SHORT, 0,
	    { RPT_C_NUM, RPT_C_NUM }, { NULL, NULL }, X_SHORT },
	T1("nexthop", 16, "IP Next Hop", X_NEXTHOP, RPT_C_IP4, "Next Hop"),
	T1("inif", 17, "Input interface", X_INIF, RPT_C_IF, "In I/F"),
	T1("outif", 18, "Output interface", X_OUTIF, RPT_C_IF, "Out I/F"),
	T1("srcas", 19, "Source AS", X_SRCAS, RPT_C_AS, "Src AS"),
	T1("dstas", 20, "Destination AS", X_DSTAS, RPT_C_AS, "Dst AS"),
	T2("as-pair", 21, "Source/Destination AS", X_ASPAIR,
	    RPT_C_AS, "Src AS", RPT_C_AS, "Dst AS"),
	T1("tos", 22, "IP ToS", X_TOS, RPT_C_NUM, "ToS"),
	T2("if-pair", 23, "Input/Output Interface", X_IFPAIR,
	    RPT_C_IF, "In I/F", RPT_C_IF, "Out I/F"),
	T1("srcprefix", 24, "Source Prefix", X_SRCPFX, RPT_C_PFX4,
	    "Src Prefix"),
	T1("dstprefix", 25, "Destination Prefix", X_DSTPFX, RPT_C_PFX4,
	    "Dst Prefix"),
	T2("prefix-pair", 26, "Source/Destination Prefix", X_PFXPAIR,
	    RPT_C_PFX4, "Src Prefix", RPT_C_PFX4, "Dst Prefix"),
	T1("exporter", 27, "Exporter IP", X_EXPORTER, RPT_C_ADDR,
	    "Exporter"),
	T1("engine-id", 28, "Engine Id", X_ENGID, RPT_C_NUM, "Engine Id"),
	T1("engine-type", 29, "Engine Type", X_ENGTYPE, RPT_C_NUM,
	    "Engine Type"),
	T1("srctag", 30, "Source Tag", X_SRCTAG, RPT_C_NUM, "Src Tag"),
	T1("dsttag", 31, "Destination Tag", X_DSTTAG, RPT_C_NUM, "Dst Tag"),
	T2("tag-pair", 32, "Source/Destination Tag", X_TAGPAIR,
	    RPT_C_NUM, "Src Tag", RPT_C_NUM, "Dst Tag"),
	T1("dstip6", 108, "Destination IPv6", X_DSTIP6, RPT_C_IP6,
	    "Dst Host"),
	T1("srcip6", 109, "Source IPv6", X_SRCIP6, RPT_C_IP6, "Src Host"),
	T2("ip6-pair", 110, "Source/Destination IPv6", X_IPPAIR6,
	    RPT_C_IP6, "Src Host", RPT_C_IP6, "Dst Host"),
	T1("ip6", 111, "Source or Destination IPv6", X_IP6, RPT_C_IP6,
	    "Host"),
	T1("nexthop6", 116, "IPv6 Next Hop", X_NEXTHOP6, RPT_C_IP6,
	    "Next Hop"),
	T1("srcprefix6", 124, "Source IPv6 Prefix", X_SRCPFX6, RPT_C_PFX6,
	    "Src Prefix"),
	T1("dstprefix6", 125, "Destination IPv6 Prefix", X_DSTPFX6,
	    RPT_C_PFX6, "Dst Prefix"),
	T2("prefix6-pair", 126, "Source/Destination IPv6 Prefix",
	    X_PFXPAIR6, RPT_C_PFX6, "Src Prefix", RPT_C_PFX6, "Dst Prefix"),
};

#define NDEFS	(sizeof(defs) / sizeof(defs[0]))

unsigned
rpt_ndefs(void)
{
	return NDEFS;
}

const struct rpt_def *
rpt_def_at(unsigned i)
{
	return i < NDEFS ? &defs[i] : NULL;
}

const struct rpt_def *
rpt_find(const char *s)
{
	char *end;
	long n;

	if (s == NULL || *s == '\0')
		return NULL;
	n = strtol(s, &end, 10);
	for (unsigned i = 0; i < NDEFS; i++) {
		if (*end == '\0' ? defs[i].num == n :
		    strcmp(defs[i].name, s) == 0)
			return &defs[i];
	}
	return NULL;
}

/* ---------------------------------------------------------------- keys */

#define KEYBUF		40	/* RPT_KEYMAX rounded up to 8 */
#define SLOT_HDR	24	/* flows, octets, packets */

/* Bytes a key column takes in the key. */
static unsigned
col_size(enum rpt_col c)
{
	switch (c) {
	case RPT_C_IP4:
		return 4;
	case RPT_C_PFX4:
		return 5;
	case RPT_C_IP6:
		return 16;
	case RPT_C_PFX6:
	case RPT_C_ADDR:
		return 17;
	default:
		return 8;
	}
}

static void
put_num(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

static void
put_v4(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* flow-stat masks with a table whose entry 0 (also used above 32) is all
 * ones: such addresses stay whole. */
static void
put_pfx4(uint8_t *p, uint32_t a, uint8_t len)
{
	if (len >= 1 && len <= 32)
		a &= 0xffffffffu << (32 - len);
	put_v4(p, a);
	p[4] = len;
}

static void
put_pfx6(uint8_t *p, const uint8_t *a, uint8_t len)
{
	if (len > 128)
		len = 128;
	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = len > i * 8 ? len - i * 8 : 0;

		p[i] = bits >= 8 ? a[i] :
		    (uint8_t)(a[i] & (0xff00u >> bits));
	}
	p[16] = len;
}

static void
put_addr(uint8_t *p, uint8_t af, const fr_addr *a)
{
	p[0] = af;
	if (af == FR_AF_INET6)
		memcpy(p + 1, a->v6, 16);
	else {
		memset(p + 1, 0, 12);
		put_v4(p + 13, a->v4);
	}
}

/* ---------------------------------------------------------------- table */

struct rpt {
	const struct rpt_def *d;
	struct rpt_opts	 o;
	unsigned	 keylen, stride;
	unsigned	 kwords;	/* key length in 8-byte words */
	unsigned	 off[2];	/* key column offsets */
	uint8_t		*slots;
	size_t		 nslots, used;	/* nslots: a power of two */
	uint64_t	 tflows, toctets, tpackets;
	uint64_t	 missing, other_af, no_packets;
	uint64_t	 first_ms, last_ms;
	/* summary */
	uint64_t	 s_time, s_start, s_end, s_astart, s_aend;
	uint64_t	 s_noup;
	uint32_t	 s_rstart, s_rend;
	uint64_t	 s_hist[4][RPT_HIST];
};

static const uint32_t lim_psize[RPT_HIST] = { 32, 64, 96, 128, 160, 192,
	224, 256, 288, 320, 352, 384, 416, 448, 480, 512, 544, 576, 1024, 1536,
	2048, 2560, 3072, 3584, 4096, 4608 };
static const uint32_t lim_pkts[RPT_HIST] = { 1, 2, 4, 8, 12, 16, 20, 24,
	28, 32, 36, 40, 44, 48, 52, 60, 100, 200, 300, 400, 500, 600, 700, 800,
	900, 0 };
static const uint32_t lim_octs[RPT_HIST] = { 32, 64, 128, 256, 512, 1280,
	2048, 2816, 3584, 4352, 5120, 5888, 6656, 7424, 8192, 8960, 9728,
	10496, 11264, 12032, 12800, 13568, 14336, 15104, 15872, 0 };
static const uint32_t lim_time[RPT_HIST] = { 10, 50, 100, 200, 500, 1000,
	2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000, 12000, 14000,
	16000, 18000, 20000, 22000, 24000, 26000, 28000, 30000, 0 };

const uint32_t *
rpt_hist_limits(unsigned h)
{
	static const uint32_t *const all[4] = { lim_psize, lim_pkts, lim_octs,
	    lim_time };

	return h < 4 ? all[h] : NULL;
}

/*
 * A zeroed slot array.  Large ones are aligned to 2 MiB and offered to the
 * kernel as transparent huge pages: a report over millions of keys touches
 * its table at random, and with 4 KiB pages nearly every probe is a TLB
 * miss.
 */
#define HUGE_SZ		(2u << 20)

static uint8_t *
slots_alloc(size_t n, size_t stride)
{
	size_t len = n * stride;
	void *p;

	if (len < HUGE_SZ)
		return calloc(n, stride);
	len = (len + HUGE_SZ - 1) & ~(size_t)(HUGE_SZ - 1);
	if ((p = aligned_alloc(HUGE_SZ, len)) == NULL)
		return NULL;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, len, MADV_HUGEPAGE);
#endif
	memset(p, 0, len);
	return p;
}

/* The bucket of v in histogram h, or -1 (beyond the last limit). */
static int
bucket(const uint32_t *lim, uint64_t v)
{
	for (int i = 0; i < RPT_HIST; i++)
		if (lim[i] == 0 || v <= lim[i])
			return i;
	return -1;
}

/*
 * The buckets of every value up to the last finite limit, one byte each
 * (52 KB for the four histograms), made once: the summary looks up four
 * values for every flow, and a scan of 26 limits each was most of its
 * time.  Above the last limit: the open-ended bucket, or none (-1).
 */
#define HIST_TOP_MAX	30000

static struct {
	uint32_t	 top;		/* the last finite limit */
	int		 above;		/* bucket beyond it, or -1 */
	uint8_t		*b;		/* top + 1 entries */
} htab[4];
static pthread_once_t htab_once = PTHREAD_ONCE_INIT;
static uint8_t htab_mem[4 * (HIST_TOP_MAX + 1)];

static void
htab_make(void)
{
	for (unsigned h = 0; h < 4; h++) {
		const uint32_t *lim = rpt_hist_limits(h);
		uint32_t top = 0;

		for (int i = 0; i < RPT_HIST && lim[i] != 0; i++)
			top = lim[i];
		htab[h].top = top;
		htab[h].above = bucket(lim, (uint64_t)top + 1);
		htab[h].b = htab_mem + h * (HIST_TOP_MAX + 1);
		/* the limits rise: one pass, as bucket() would place each */
		for (uint32_t v = 0, i = 0; v <= top; v++) {
			while (lim[i] != 0 && v > lim[i])
				i++;
			htab[h].b[v] = (uint8_t)i;
		}
	}
}

static inline void
hist(struct rpt *r, unsigned h, uint64_t v)
{
	int b = v <= htab[h].top ? htab[h].b[v] : htab[h].above;

	if (b >= 0)
		r->s_hist[h][b]++;
}

struct rpt *
rpt_new(const struct rpt_def *d, const struct rpt_opts *o)
{
	struct rpt *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->d = d;
	if (o != NULL)
		r->o = *o;
	if (r->o.multiplier == 0)
		r->o.multiplier = 1;
	(void)pthread_once(&htab_once, htab_make);
	r->first_ms = UINT64_MAX;
	r->s_start = r->s_astart = UINT64_MAX;
	r->s_rstart = UINT32_MAX;
	if (d->kind != RPT_TABLE)
		return r;
	r->off[0] = 0;
	r->off[1] = col_size(d->col[0]);
	r->keylen = r->off[1] + (d->nkeys > 1 ? col_size(d->col[1]) : 0);
	r->kwords = (r->keylen + 7) / 8;
	r->stride = SLOT_HDR + r->kwords * 8;
	r->nslots = 1024;
	if ((r->slots = slots_alloc(r->nslots, r->stride)) == NULL) {
		free(r);
		return NULL;
	}
	return r;
}

void
rpt_free(struct rpt *r)
{
	if (r == NULL)
		return;
	free(r->slots);
	free(r);
}

const struct rpt_def *
rpt_def(const struct rpt *r)
{
	return r->d;
}

static uint64_t
load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* The key bytes are zero-padded to a multiple of 8 (KEYBUF). */
static size_t
key_hash(const uint8_t *k, unsigned keylen)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;

	for (unsigned i = 0; i < keylen; i += 8) {
		h ^= load64(k + i);
		h *= 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return (size_t)h;
}

static uint64_t *
slot_at(const struct rpt *r, size_t i)
{
	return (uint64_t *)(void *)(r->slots + i * r->stride);
}

static int
grow(struct rpt *r)
{
	size_t n = r->nslots * 2, mask = n - 1;
	uint8_t *ns;

	if ((ns = slots_alloc(n, r->stride)) == NULL)
		return -1;
	for (size_t i = 0; i < r->nslots; i++) {
		uint8_t *s = r->slots + i * r->stride;
		size_t j;

		if (load64(s) == 0)
			continue;
		j = key_hash(s + SLOT_HDR, r->keylen) & mask;
		while (load64(ns + j * r->stride) != 0)
			j = (j + 1) & mask;
		memcpy(ns + j * r->stride, s, r->stride);
	}
	free(r->slots);
	r->slots = ns;
	r->nslots = n;
	return 0;
}

/* A key waiting to be counted: its slot is prefetched meanwhile. */
struct pend {
	uint8_t		 key[KEYBUF];
	size_t		 h;
	uint64_t	 fl, oc, pk;
};

#define PEND	16

/* Keys are zero-padded to whole words, in the slots as in struct pend. */
static int
key_eq(const uint64_t *s, const uint8_t *k, unsigned words)
{
	uint64_t d = s[0] ^ load64(k);

	for (unsigned i = 1; i < words; i++)
		d |= s[i] ^ load64(k + 8 * i);
	return d == 0;
}

static int
count(struct rpt *r, const struct pend *p)
{
	const uint8_t *key = p->key;
	uint64_t fl = p->fl, oc = p->oc, pk = p->pk;
	size_t mask, i;
	uint64_t *s;

	if ((r->used + 1) * 10 > r->nslots * 7 && grow(r) == -1)
		return -1;
	mask = r->nslots - 1;
	i = p->h & mask;
	for (;;) {
		s = slot_at(r, i);
		if (s[0] == 0) {
			memcpy(s + 3, key, r->kwords * 8);
			r->used++;
			break;
		}
		if (key_eq(s + 3, key, r->kwords))
			break;
		i = (i + 1) & mask;
	}
	s[0] += fl;
	s[1] += oc;
	s[2] += pk;
	r->tflows += fl;
	r->toctets += oc;
	r->tpackets += pk;
	return 0;
}

/* Fields a report needs. */
static uint32_t
needs(int x)
{
	switch (x) {
	case X_DSTPORT:
	case X_SRCPORT:
	case X_PORT:
		return FR_HAS_PORTS | FR_HAS_PROTO;
	case X_DSTIP: case X_DSTIP6:
		return FR_HAS_DSTADDR;
	case X_SRCIP: case X_SRCIP6:
		return FR_HAS_SRCADDR;
	case X_IPPAIR: case X_IP: case X_IPPAIR6: case X_IP6:
		return FR_HAS_SRCADDR | FR_HAS_DSTADDR;
	case X_PROTO:
		return FR_HAS_PROTO;
	case X_NEXTHOP: case X_NEXTHOP6:
		return FR_HAS_NEXTHOP;
	case X_INIF: case X_OUTIF: case X_IFPAIR:
		return FR_HAS_IFINDEX;
	case X_SRCAS: case X_DSTAS: case X_ASPAIR:
		return FR_HAS_AS;
	case X_TOS:
		return FR_HAS_TOS;
	case X_SRCPFX: case X_SRCPFX6:
		return FR_HAS_SRCADDR | FR_HAS_MASK;
	case X_DSTPFX: case X_DSTPFX6:
		return FR_HAS_DSTADDR | FR_HAS_MASK;
	case X_PFXPAIR: case X_PFXPAIR6:
		return FR_HAS_SRCADDR | FR_HAS_DSTADDR | FR_HAS_MASK;
	case X_ENGID: case X_ENGTYPE:
		return FR_HAS_ENGINE;
	case X_SRCTAG: case X_DSTTAG: case X_TAGPAIR:
		return FR_HAS_TAGS;
	default:
		return 0;
	}
}

/* The family a report is about (0 = any). */
static int
family(int x)
{
	switch (x) {
	case X_DSTIP: case X_SRCIP: case X_IPPAIR: case X_IP: case X_NEXTHOP:
	case X_SRCPFX: case X_DSTPFX: case X_PFXPAIR:
		return FR_AF_INET;
	case X_DSTIP6: case X_SRCIP6: case X_IPPAIR6: case X_IP6:
	case X_NEXTHOP6: case X_SRCPFX6: case X_DSTPFX6: case X_PFXPAIR6:
		return FR_AF_INET6;
	default:
		return 0;
	}
}

/* Fill k1 (and k2 for the two-value reports); the number of keys. */
static int
extract(const struct rpt *r, const struct flowrec *f, uint8_t *k1,
    uint8_t *k2)
{
	uint8_t *b = k1 + r->off[1];

	switch (r->d->id) {
	case X_PKTSIZE:
		put_num(k1, f->octets / f->packets);
		return 1;
	case X_PACKETS:
		put_num(k1, f->packets);
		return 1;
	case X_OCTETS:
		put_num(k1, f->octets);
		return 1;
	case X_DSTPORT:
	case X_SRCPORT:
	case X_PORT:
		if (f->proto != 6 && f->proto != 17)
			return 0;
		if (r->d->id == X_PORT) {
			put_num(k1, f->sport);
			put_num(k2, f->dport);
			return 2;
		}
		put_num(k1, r->d->id == X_DSTPORT ? f->dport : f->sport);
		return 1;
	case X_DSTIP:
		put_v4(k1, f->dst.v4);
		return 1;
	case X_SRCIP:
		put_v4(k1, f->src.v4);
		return 1;
	case X_IPPAIR:
		put_v4(k1, f->src.v4);
		put_v4(b, f->dst.v4);
		return 1;
	case X_IP:
		put_v4(k1, f->src.v4);
		put_v4(k2, f->dst.v4);
		return 2;
	case X_PROTO:
		put_num(k1, f->proto);
		return 1;
	case X_NEXTHOP:
		put_v4(k1, f->nexthop.v4);
		return 1;
	case X_INIF:
		put_num(k1, f->in_if);
		return 1;
	case X_OUTIF:
		put_num(k1, f->out_if);
		return 1;
	case X_SRCAS:
		put_num(k1, f->src_as);
		return 1;
	case X_DSTAS:
		put_num(k1, f->dst_as);
		return 1;
	case X_ASPAIR:
		put_num(k1, f->src_as);
		put_num(b, f->dst_as);
		return 1;
	case X_TOS:
		put_num(k1, f->tos);
		return 1;
	case X_IFPAIR:
		put_num(k1, f->in_if);
		put_num(b, f->out_if);
		return 1;
	case X_SRCPFX:
		put_pfx4(k1, f->src.v4, f->src_mask);
		return 1;
	case X_DSTPFX:
		put_pfx4(k1, f->dst.v4, f->dst_mask);
		return 1;
	case X_PFXPAIR:
		put_pfx4(k1, f->src.v4, f->src_mask);
		put_pfx4(b, f->dst.v4, f->dst_mask);
		return 1;
	case X_EXPORTER:
		put_addr(k1, f->exp_af, &f->exporter);
		return 1;
	case X_ENGID:
		put_num(k1, f->engine_id);
		return 1;
	case X_ENGTYPE:
		put_num(k1, f->engine_type);
		return 1;
	case X_SRCTAG:
		put_num(k1, f->src_tag);
		return 1;
	case X_DSTTAG:
		put_num(k1, f->dst_tag);
		return 1;
	case X_TAGPAIR:
		put_num(k1, f->src_tag);
		put_num(b, f->dst_tag);
		return 1;
	case X_DSTIP6:
		memcpy(k1, f->dst.v6, 16);
		return 1;
	case X_SRCIP6:
		memcpy(k1, f->src.v6, 16);
		return 1;
	case X_IPPAIR6:
		memcpy(k1, f->src.v6, 16);
		memcpy(b, f->dst.v6, 16);
		return 1;
	case X_IP6:
		memcpy(k1, f->src.v6, 16);
		memcpy(k2, f->dst.v6, 16);
		return 2;
	case X_NEXTHOP6:
		memcpy(k1, f->nexthop.v6, 16);
		return 1;
	case X_SRCPFX6:
		put_pfx6(k1, f->src.v6, f->src_mask);
		return 1;
	case X_DSTPFX6:
		put_pfx6(k1, f->dst.v6, f->dst_mask);
		return 1;
	case X_PFXPAIR6:
		put_pfx6(k1, f->src.v6, f->src_mask);
		put_pfx6(b, f->dst.v6, f->dst_mask);
		return 1;
	default:
		return 0;
	}
}

/* exporter uptime at a flow time t, when the record has it */
static uint32_t
uptime_of(const struct flowrec *f, uint64_t t)
{
	uint64_t base = (uint64_t)f->exp_secs * 1000 + f->exp_nsecs / 1000000 -
	    f->uptime_ms;

	return (uint32_t)(t - base);
}

/* flow-stat -f 0: one flow (packets > 0). */
static void
summary_add(struct rpt *r, const struct flowrec *f, uint64_t fl,
    uint64_t oc, uint64_t pk)
{
	uint64_t d;

	r->tflows += fl;
	r->toctets += oc;
	r->tpackets += pk;
	if (f->exp_secs < r->s_rstart)
		r->s_rstart = f->exp_secs;
	if (f->exp_secs > r->s_rend)
		r->s_rend = f->exp_secs;
	if (f->fields & FR_HAS_UPTIME) {
		uint32_t a = uptime_of(f, f->first_ms);
		uint32_t b = uptime_of(f, f->last_ms);

		if (a < r->s_start)
			r->s_start = a;
		if (b > r->s_end)
			r->s_end = b;
		d = (uint32_t)(b - a);
	} else {
		r->s_noup++;
		d = f->last_ms - f->first_ms;
	}
	if (f->first_ms < r->s_astart)
		r->s_astart = f->first_ms;
	if (f->last_ms > r->s_aend)
		r->s_aend = f->last_ms;
	r->s_time += d;
	hist(r, 0, f->octets / f->packets);
	hist(r, 1, f->packets);
	hist(r, 2, f->octets);
	hist(r, 3, d);
}

static void
pend_key(struct rpt *r, struct pend *p, uint64_t fl, uint64_t oc,
    uint64_t pk)
{
	p->h = key_hash(p->key, r->keylen);
	p->fl = fl;
	p->oc = oc;
	p->pk = pk;
	__builtin_prefetch(r->slots + (p->h & (r->nslots - 1)) * r->stride,
	    1);
}

/* Count one flow, or queue its keys in p (the number queued). */
static unsigned
add_one(struct rpt *r, const struct flowrec *f, struct pend *p)
{
	uint64_t fl, oc, pk, m = r->o.multiplier;
	int x = r->d->id, fam = family(x), nk;
	uint32_t need = needs(x);

	if (fam != 0 && f->af != fam) {
		r->other_af++;
		return 0;
	}
	if ((f->fields & need) != need) {
		r->missing++;
		return 0;
	}
	fl = m;
	oc = f->octets * m;
	pk = f->packets * m;
	if (r->o.auto_sampling && (f->fields & FR_HAS_SAMPLING) &&
	    f->sampling > 1) {
		oc *= f->sampling;
		pk *= f->sampling;
	}
	if (f->first_ms < r->first_ms)
		r->first_ms = f->first_ms;
	if (f->last_ms > r->last_ms)
		r->last_ms = f->last_ms;
	if ((x == X_SUMMARY || x == X_PKTSIZE) && f->packets == 0) {
		r->no_packets++;
		return 0;
	}
	if (x == X_SUMMARY) {
		summary_add(r, f, fl, oc, pk);
		return 0;
	}
	if (x == X_SHORT) {
		r->tflows += fl;
		r->toctets += oc;
		r->tpackets += pk;
		return 0;
	}
	memset(p[0].key, 0, KEYBUF);
	if (r->d->nkeys == 1 && (x == X_PORT || x == X_IP || x == X_IP6))
		memset(p[1].key, 0, KEYBUF);
	if ((nk = extract(r, f, p[0].key, p[1].key)) == 0)
		return 0;
	pend_key(r, &p[0], fl, oc, pk);
	if (nk == 2)
		pend_key(r, &p[1], fl, oc, pk);
	return (unsigned)nk;
}

uint32_t
rpt_needs(const struct rpt_def *d)
{
	return needs(d->id);
}

int
rpt_family(const struct rpt_def *d)
{
	return family(d->id);
}

void
rpt_add_skipped(struct rpt *r, uint64_t missing, uint64_t other_af,
    uint64_t first_ms, uint64_t last_ms)
{
	r->missing += missing;
	r->other_af += other_af;
	if (first_ms < r->first_ms)
		r->first_ms = first_ms;
	if (last_ms > r->last_ms)
		r->last_ms = last_ms;
}

uint32_t
rpt_reads(const struct rpt_def *d)
{
	switch (d->id) {
	case X_PKTSIZE:
		return RPT_R_PKTSIZE;
	case X_PACKETS:
		return RPT_R_PACKETS;
	case X_OCTETS:
		return RPT_R_OCTETS;
	case X_DSTPORT:
		return RPT_R_PROTO | RPT_R_DPORT;
	case X_SRCPORT:
		return RPT_R_PROTO | RPT_R_SPORT;
	case X_PORT:
		return RPT_R_PROTO | RPT_R_SPORT | RPT_R_DPORT;
	case X_DSTIP: case X_DSTIP6:
		return RPT_R_DST;
	case X_SRCIP: case X_SRCIP6:
		return RPT_R_SRC;
	case X_IPPAIR: case X_IP: case X_IPPAIR6: case X_IP6:
		return RPT_R_SRC | RPT_R_DST;
	case X_PROTO:
		return RPT_R_PROTO;
	case X_NEXTHOP: case X_NEXTHOP6:
		return RPT_R_NEXTHOP;
	case X_INIF:
		return RPT_R_INIF;
	case X_OUTIF:
		return RPT_R_OUTIF;
	case X_IFPAIR:
		return RPT_R_INIF | RPT_R_OUTIF;
	case X_SRCAS:
		return RPT_R_SRCAS;
	case X_DSTAS:
		return RPT_R_DSTAS;
	case X_ASPAIR:
		return RPT_R_SRCAS | RPT_R_DSTAS;
	case X_TOS:
		return RPT_R_TOS;
	case X_SRCPFX: case X_SRCPFX6:
		return RPT_R_SRC | RPT_R_SRCMASK;
	case X_DSTPFX: case X_DSTPFX6:
		return RPT_R_DST | RPT_R_DSTMASK;
	case X_PFXPAIR: case X_PFXPAIR6:
		return RPT_R_SRC | RPT_R_SRCMASK | RPT_R_DST | RPT_R_DSTMASK;
	case X_EXPORTER:
		return RPT_R_EXPORTER;
	case X_ENGID:
		return RPT_R_ENGID;
	case X_ENGTYPE:
		return RPT_R_ENGTYPE;
	case X_SRCTAG:
		return RPT_R_SRCTAG;
	case X_DSTTAG:
		return RPT_R_DSTTAG;
	case X_TAGPAIR:
		return RPT_R_SRCTAG | RPT_R_DSTTAG;
	default:
		return 0;
	}
}

/* add_one() for n flows that agree on what the report reads. */
int
rpt_add_sum(struct rpt *r, const struct flowrec *f, uint64_t n,
    uint64_t octets, uint64_t packets, uint64_t first_ms, uint64_t last_ms)
{
	struct pend p[2];
	uint64_t m = r->o.multiplier;
	int x = r->d->id, fam = family(x), nk, rc = 0;
	uint32_t need = needs(x);

	if (x == X_SUMMARY)
		return -1;
	if (fam != 0 && f->af != fam) {
		r->other_af += n;
		return 0;
	}
	if ((f->fields & need) != need) {
		r->missing += n;
		return 0;
	}
	if (first_ms < r->first_ms)
		r->first_ms = first_ms;
	if (last_ms > r->last_ms)
		r->last_ms = last_ms;
	if (x == X_PKTSIZE && f->packets == 0) {
		r->no_packets += n;
		return 0;
	}
	if (x == X_SHORT) {
		r->tflows += n * m;
		r->toctets += octets * m;
		r->tpackets += packets * m;
		return 0;
	}
	memset(p[0].key, 0, KEYBUF);
	memset(p[1].key, 0, KEYBUF);
	if ((nk = extract(r, f, p[0].key, p[1].key)) == 0)
		return 0;
	pend_key(r, &p[0], n * m, octets * m, packets * m);
	if (nk == 2)
		pend_key(r, &p[1], n * m, octets * m, packets * m);
	for (int i = 0; i < nk; i++)
		if (count(r, &p[i]) == -1)
			rc = -1;
	return rc;
}

static int
flush(struct rpt *r, const struct pend *p, unsigned n)
{
	int rc = 0;

	for (unsigned i = 0; i < n; i++)
		if (count(r, &p[i]) == -1)
			rc = -1;
	return rc;
}

int
rpt_add(struct rpt *r, const struct flowrec *recs, unsigned n)
{
	struct pend p[PEND + 2];
	unsigned np = 0;
	int rc = 0;

	for (unsigned i = 0; i < n; i++) {
		np += add_one(r, &recs[i], &p[np]);
		if (np >= PEND) {
			rc |= flush(r, p, np);
			np = 0;
		}
	}
	return flush(r, p, np) | rc;
}

static uint64_t
min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t
max64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* The summary's figures of src into dst. */
static void
merge_summary(struct rpt *dst, const struct rpt *src)
{
	dst->s_time += src->s_time;
	dst->s_noup += src->s_noup;
	dst->s_start = min64(dst->s_start, src->s_start);
	dst->s_end = max64(dst->s_end, src->s_end);
	dst->s_astart = min64(dst->s_astart, src->s_astart);
	dst->s_aend = max64(dst->s_aend, src->s_aend);
	dst->s_rstart = (uint32_t)min64(dst->s_rstart, src->s_rstart);
	dst->s_rend = (uint32_t)max64(dst->s_rend, src->s_rend);
	for (unsigned h = 0; h < 4; h++)
		for (unsigned i = 0; i < RPT_HIST; i++)
			dst->s_hist[h][i] += src->s_hist[h][i];
}

int
rpt_merge(struct rpt *dst, const struct rpt *src)
{
	uint64_t fl = dst->tflows + src->tflows;
	uint64_t oc = dst->toctets + src->toctets;
	uint64_t pk = dst->tpackets + src->tpackets;
	struct pend p;
	int rc = 0;

	if (dst->d != src->d)
		return -1;
	for (size_t i = 0; src->slots != NULL && i < src->nslots; i++) {
		const uint64_t *s = slot_at(src, i);

		if (s[0] == 0)
			continue;
		memset(p.key, 0, sizeof(p.key));
		memcpy(p.key, s + 3, src->kwords * 8);
		p.h = key_hash(p.key, src->keylen);
		p.fl = s[0];
		p.oc = s[1];
		p.pk = s[2];
		if (count(dst, &p) == -1)
			rc = -1;
	}
	dst->tflows = fl;
	dst->toctets = oc;
	dst->tpackets = pk;
	dst->missing += src->missing;
	dst->other_af += src->other_af;
	dst->no_packets += src->no_packets;
	dst->first_ms = min64(dst->first_ms, src->first_ms);
	dst->last_ms = max64(dst->last_ms, src->last_ms);
	merge_summary(dst, src);
	return rc;
}

void
rpt_totals(const struct rpt *r, struct rpt_totals *t)
{
	t->flows = r->tflows;
	t->octets = r->toctets;
	t->packets = r->tpackets;
	t->rows = r->used;
	t->first_ms = r->first_ms;
	t->last_ms = r->last_ms;
}

uint64_t
rpt_missing(const struct rpt *r)
{
	return r->missing;
}

uint64_t
rpt_other_family(const struct rpt *r)
{
	return r->other_af;
}

uint64_t
rpt_no_packets(const struct rpt *r)
{
	return r->no_packets;
}

static uint64_t
get_num(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint32_t
get_v4(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

void
rpt_key(const struct rpt *r, const struct rpt_row *row, unsigned i,
    struct rpt_kv *kv)
{
	const uint8_t *p = row->key + r->off[i];

	memset(kv, 0, sizeof(*kv));
	kv->col = r->d->col[i];
	switch (kv->col) {
	case RPT_C_IP4:
	case RPT_C_PFX4:
		kv->af = FR_AF_INET;
		kv->addr.v4 = get_v4(p);
		kv->len = kv->col == RPT_C_PFX4 ? p[4] : 32;
		break;
	case RPT_C_IP6:
	case RPT_C_PFX6:
		kv->af = FR_AF_INET6;
		memcpy(kv->addr.v6, p, 16);
		kv->len = kv->col == RPT_C_PFX6 ? p[16] : 128;
		break;
	case RPT_C_ADDR:
		kv->af = p[0];
		if (p[0] == FR_AF_INET6) {
			memcpy(kv->addr.v6, p + 1, 16);
			kv->len = 128;
		} else {
			kv->addr.v4 = get_v4(p + 13);
			kv->len = 32;
		}
		break;
	default:
		kv->num = get_num(p);
		break;
	}
}

/* ---------------------------------------------------------------- rows */

struct order {
	enum rpt_sort	 sort;
	int		 asc;
	unsigned	 off[2], len[2], keylen;
};

static int
cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

/* <0 if a comes before b in the output. */
static int
row_cmp(const struct order *o, const struct rpt_row *a,
    const struct rpt_row *b)
{
	int c = 0;

	switch (o->sort) {
	case RPT_S_FLOWS:
		c = cmp_u64(a->flows, b->flows);
		break;
	case RPT_S_OCTETS:
		c = cmp_u64(a->octets, b->octets);
		break;
	case RPT_S_PACKETS:
		c = cmp_u64(a->packets, b->packets);
		break;
	case RPT_S_KEY1:
	case RPT_S_KEY2: {
		unsigned k = o->sort == RPT_S_KEY2;

		c = memcmp(a->key + o->off[k], b->key + o->off[k], o->len[k]);
		break;
	}
	default:
		break;
	}
	if (!o->asc)
		c = -c;
	if (c == 0)
		c = memcmp(a->key, b->key, o->keylen);
	return c;
}

static void
swap_rows(struct rpt_row *a, struct rpt_row *b)
{
	struct rpt_row t = *a;

	*a = *b;
	*b = t;
}

/* Put the k first rows of v[0..n) (in order o) before the others:
 * quickselect with Lomuto partitions around a median of three (the keys
 * are distinct, so the order is total). */
static void
select_top(const struct order *o, struct rpt_row *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2, m = lo;

		if (row_cmp(o, &v[mid], &v[lo]) < 0)
			swap_rows(&v[mid], &v[lo]);
		if (row_cmp(o, &v[hi - 1], &v[lo]) < 0)
			swap_rows(&v[hi - 1], &v[lo]);
		if (row_cmp(o, &v[mid], &v[hi - 1]) < 0)
			swap_rows(&v[mid], &v[hi - 1]);
		/* the median is now at hi - 1: the pivot */
		for (size_t i = lo; i < hi - 1; i++)
			if (row_cmp(o, &v[i], &v[hi - 1]) < 0)
				swap_rows(&v[i], &v[m++]);
		swap_rows(&v[m], &v[hi - 1]);
		if (m == k || m + 1 == k)
			return;
		if (k < m)
			hi = m;
		else
			lo = m + 1;
	}
}

/* Keep the k first rows in a heap whose root is the last of them: memory
 * for k rows only, whatever the number of keys. */
static void
heap_down(const struct order *o, struct rpt_row *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < n && row_cmp(o, &h[m], &h[l]) < 0)
			m = l;
		if (r < n && row_cmp(o, &h[m], &h[r]) < 0)
			m = r;
		if (m == i)
			return;
		swap_rows(&h[i], &h[m]);
		i = m;
	}
}

static void
heap_up(const struct order *o, struct rpt_row *h, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (row_cmp(o, &h[p], &h[i]) >= 0)
			return;
		swap_rows(&h[p], &h[i]);
		i = p;
	}
}

static size_t
heap_top(const struct rpt *r, const struct order *o, uint64_t min_octets,
    struct rpt_row *h, size_t k)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nslots; i++) {
		const uint64_t *s = slot_at(r, i);
		struct rpt_row row;

		if (s[0] == 0 || s[1] < min_octets)
			continue;
		row.flows = s[0];
		row.octets = s[1];
		row.packets = s[2];
		row.key = (const uint8_t *)(s + 3);
		if (n < k) {
			h[n] = row;
			heap_up(o, h, n++);
		} else if (row_cmp(o, &row, &h[0]) < 0) {
			h[0] = row;
			heap_down(o, h, n, 0);
		}
	}
	return n;
}

static const struct order *sort_order;

static int
qcmp(const void *a, const void *b)
{
	return row_cmp(sort_order, a, b);
}

static void
order_init(const struct rpt *r, const struct rpt_select *sel,
    struct order *o)
{
	memset(o, 0, sizeof(*o));
	o->sort = sel->sort;
	o->asc = sel->ascending;
	o->off[0] = r->off[0];
	o->off[1] = r->off[1];
	o->len[0] = col_size(r->d->col[0]);
	o->len[1] = r->d->nkeys > 1 ? col_size(r->d->col[1]) : 0;
	o->keylen = r->keylen;
	if (o->sort == RPT_S_KEY2 && r->d->nkeys < 2)
		o->sort = RPT_S_KEY1;
}

size_t
rpt_rows(const struct rpt *r, const struct rpt_select *sel,
    struct rpt_row **out)
{
	struct rpt_row *v;
	struct order o;
	size_t n = 0, k;

	*out = NULL;
	if (r->d->kind != RPT_TABLE)
		return 0;
	order_init(r, sel, &o);
	if (o.sort != RPT_S_NONE && sel->limit != 0 &&
	    sel->limit < r->used / 4) {
		if ((v = malloc(sel->limit * sizeof(*v))) == NULL)
			return (size_t)-1;
		k = heap_top(r, &o, sel->min_octets, v, sel->limit);
		sort_order = &o;
		qsort(v, k, sizeof(*v), qcmp);
		sort_order = NULL;
		*out = v;
		return k;
	}
	if ((v = malloc((r->used + 1) * sizeof(*v))) == NULL)
		return (size_t)-1;
	for (size_t i = 0; i < r->nslots; i++) {
		const uint64_t *s = slot_at(r, i);

		if (s[0] == 0 || s[1] < sel->min_octets)
			continue;
		v[n].flows = s[0];
		v[n].octets = s[1];
		v[n].packets = s[2];
		v[n].key = (const uint8_t *)(s + 3);
		n++;
	}
	k = sel->limit != 0 && sel->limit < n ? sel->limit : n;
	if (o.sort != RPT_S_NONE) {
		if (k < n)
			select_top(&o, v, n, k);
		sort_order = &o;
		qsort(v, k, sizeof(*v), qcmp);
		sort_order = NULL;
	}
	*out = v;
	return k;
}

/* ---------------------------------------------------------------- summary */

/* a / b in single precision, as x86 does it when b is 0. */
static float
fdiv(float a, float b)
{
	if (b == 0.0f)
		return a > 0 ? INFINITY : a < 0 ? -INFINITY : -NAN;
	return a / b;
}

int
rpt_summary(const struct rpt *r, struct rpt_summary *s)
{
	uint64_t start, end, secs;
	float kbits;

	memset(s, 0, sizeof(*s));
	if (r->d->kind != RPT_SUMMARY)
		return -1;
	s->flows = r->tflows;
	s->octets = r->toctets;
	s->packets = r->tpackets;
	s->time_ms = r->s_time;
	if (s->flows == 0)
		return 0;
	/* flow-stat works on the exporter's uptime; without it (NetFlow v9
	 * absolute times) the absolute times stand in */
	if (r->s_noup == 0) {
		start = r->s_start;
		end = r->s_end;
	} else {
		start = r->s_astart;
		end = r->s_aend;
	}
	s->real_s = s->packets != 0 ? r->s_rend - r->s_rstart : 0;
	s->dur_ms = s->packets != 0 ? end - start : 0;
	secs = (end - start) / 1000;
	kbits = (float)(s->octets * 8) / 1000;
	s->avg_flow_time = (float)s->time_ms / (float)s->flows;
	s->avg_packet_size = s->packets != 0 ?
	    (float)s->octets / (float)s->packets : 0;
	s->avg_flow_size = (float)s->octets / (float)s->flows;
	s->avg_packets_per_flow = (float)s->packets / (float)s->flows;
	s->flows_per_s = fdiv((float)s->flows, (float)secs);
	s->kbits_per_s = fdiv(kbits, (float)secs);
	s->flows_per_s_real = s->real_s != 0 ?
	    (float)s->flows / (float)s->real_s : 0;
	s->kbits_per_s_real = s->real_s != 0 ? kbits / (float)s->real_s : 0;
	for (unsigned h = 0; h < 4; h++)
		for (unsigned i = 0; i < RPT_HIST; i++)
			s->hist[h][i] = (float)r->s_hist[h][i] /
			    (float)s->flows;
	return 0;
}
