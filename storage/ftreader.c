/*
 * ftreader.c - read flow-tools files and flowkeep's IPv6 sibling files.
 *
 * The body is read (or inflated) in large chunks into one buffer and the
 * records are decoded from there; an uncompressed file in memory is read in
 * place.  A closed compressed file whose header gives its flow count (and
 * whose records fit in FTR_WHOLE_MAX) is inflated in one call with
 * libdeflate, about twice zlib's speed; if that fails for any reason the
 * file is streamed through zlib from the start, which finds and reports
 * the damage.  Every access is checked against the bytes present.  Errors name
 * the file and the byte offset: header offsets are file offsets, record
 * offsets are offsets in the (uncompressed) record data plus the header
 * length, compressed-stream offsets are file offsets of compressed bytes.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "ftconv.h"
#include "ftreader.h"
#include "ftwriter.h"

#define FTR_BUFSZ	(1024 * 1024)	/* decoded record bytes */
#define FTR_INSZ	(256 * 1024)	/* compressed input chunk */
#define FTR_HDR_MAX	(1024 * 1024)	/* largest header we accept */
#define FTR_WHOLE_MAX	(64u * 1024 * 1024)	/* one-call inflate limit */
#define FTR_LEGACY_HDR	360
#define FTR_LEGACY_REC	60

struct ftr {
	char		 name[256];
	int		 fd;
	int		 own_fd;
	const uint8_t	*mem;		/* memory source, or NULL */
	size_t		 memlen, mempos;
	struct ft_header h;
	int		 be;
	int		 legacy;	/* stream version 1 */
	int		 ver;
	unsigned	 fsize;		/* record size in the file */
	int		 compressed;
	z_stream	 z;
	int		 zinit, zend, in_eof;
	int		 whole;		/* buf holds every record */
	uint8_t		*in;		/* compressed input (fd mode) */
	uint8_t		*buf;		/* decoded record bytes */
	const uint8_t	*data;		/* buf, or mem for plain mem files */
	size_t		 dpos, dlen;
	uint64_t	 off;		/* record-data offset of data[0] */
	int		 done, failed;
	char		 err[640];
	char		 warn[640];
	uint8_t		 legrec[FT_REC_SIZE_MAX];
};

/* ---------------------------------------------------------- helpers */

static void
msg(char *dst, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
msg(char *dst, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (dst == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(dst, len, fmt, ap);
	va_end(ap);
}

static inline __attribute__((always_inline)) uint16_t
get16(const uint8_t *p, int be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static inline __attribute__((always_inline)) uint32_t
get32(const uint8_t *p, int be)
{
	if (be)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

static inline uint64_t
get64(const uint8_t *p, int be)
{
	if (be)
		return (uint64_t)get32(p, 1) << 32 | get32(p + 4, 1);
	return (uint64_t)get32(p + 4, 0) << 32 | get32(p, 0);
}

/* ---------------------------------------------------------- header */

/* Record size of version ver (method for v8); 0 if unsupported. */
static unsigned
rec_size(unsigned ver, unsigned agg_ver, unsigned method)
{
	static const unsigned v8[15] = { 0, 48, 48, 48, 48, 56, 52, 56, 64,
	    48, 48, 48, 48, 60, 60 };

	switch (ver) {
	case FT_VER_1:
		return FT_REC_SIZE_V1;
	case FT_VER_5:
		return FT_REC_SIZE_V5;
	case FT_VER_6:
		return FT_REC_SIZE_V6;
	case FT_VER_7:
		return FT_REC_SIZE_V7;
	case FT_VER_1005:
		return FT_REC_SIZE_V1005;
	case FT_VER_IP6:
		return FT_REC_SIZE_IP6;
	case FT_VER_8:
		if (agg_ver != 2 || method < 1 || method > 14)
			return 0;
		return v8[method];
	}
	return 0;
}

static void
tlv_str(char *dst, size_t max, const uint8_t *v, unsigned l)
{
	size_t n = l < max - 1 ? l : max - 1;

	memcpy(dst, v, n);
	dst[n] = 0;
}

/* One TLV value; scalars of the wrong size are skipped. */
static void
tlv_value(struct ft_header *h, unsigned t, const uint8_t *v, unsigned l,
    int be)
{
	uint32_t *u32 = NULL;

	switch (t) {
	case FT_TLV_VENDOR:
		if (l >= 1)
			h->vendor = v[0];
		break;
	case FT_TLV_EX_VER:
		if (l >= 2)
			h->d_version = get16(v, be);
		break;
	case FT_TLV_AGG_VER:
		if (l >= 1)
			h->agg_version = v[0];
		break;
	case FT_TLV_AGG_METHOD:
		if (l >= 1)
			h->agg_method = v[0];
		break;
	case FT_TLV_EXPORTER_IP: u32 = &h->exporter_ip; break;
	case FT_TLV_CAP_START: u32 = &h->cap_start; break;
	case FT_TLV_CAP_END: u32 = &h->cap_end; break;
	case FT_TLV_HEADER_FLAGS: u32 = &h->flags; break;
	case FT_TLV_ROT_SCHEDULE: u32 = &h->rot_schedule; break;
	case FT_TLV_FLOW_COUNT: u32 = &h->counters.flow_count; break;
	case FT_TLV_FLOW_LOST: u32 = &h->counters.flow_lost; break;
	case FT_TLV_FLOW_MISORDERED: u32 = &h->counters.flow_misordered; break;
	case FT_TLV_PKT_CORRUPT: u32 = &h->counters.pkt_corrupt; break;
	case FT_TLV_SEQ_RESET: u32 = &h->counters.seq_reset; break;
	case FT_TLV_CAP_HOSTNAME:
		tlv_str(h->hostname, sizeof(h->hostname), v, l);
		break;
	case FT_TLV_COMMENTS:
		tlv_str(h->comments, sizeof(h->comments), v, l);
		break;
	default:
		return;		/* unknown, NULL, IF_NAME, IF_ALIAS: ignored */
	}
	if (u32 != NULL) {
		if (l < 4)
			return;
		*u32 = get32(v, be);
	}
	h->present |= 1u << t;
}

static int
parse_v3(const uint8_t *b, size_t len, struct ft_header *h, char *err,
    size_t errlen)
{
	uint32_t off, hl;
	unsigned t, l;
	int be = h->byte_order == FT_BIG_ENDIAN;

	if (len < 8) {
		msg(err, errlen, "offset %zu: header truncated (%zu of 8 "
		    "bytes)", len, len);
		return -1;
	}
	hl = get32(b + 4, be);
	if (hl < 8 || hl > FTR_HDR_MAX) {
		msg(err, errlen, "offset 4: bad header length %u", hl);
		return -1;
	}
	if (hl > len) {
		msg(err, errlen, "offset %zu: header truncated (length %u, "
		    "%zu bytes present)", len, hl, len);
		return -1;
	}
	h->header_len = hl;
	for (off = 8; hl - off >= 4; off += 4 + l) {
		t = get16(b + off, be);
		l = get16(b + off + 2, be);
		if (l > hl - off - 4)
			break;			/* flow-tools stops quietly */
		tlv_value(h, t, b + off + 4, l, be);
	}
	h->present |= 1u << FT_TLV_HEADER_FLAGS;
	return 0;
}

static int
parse_legacy(const uint8_t *b, size_t len, struct ft_header *h, char *err,
    size_t errlen)
{
	int be = h->byte_order == FT_BIG_ENDIAN;

	if (len < FTR_LEGACY_HDR) {
		msg(err, errlen, "offset %zu: stream version 1 header "
		    "truncated (%zu of %d bytes)", len, len, FTR_LEGACY_HDR);
		return -1;
	}
	h->header_len = FTR_LEGACY_HDR;
	h->d_version = get16(b + 4, be);
	if (h->d_version == 65535)
		h->d_version = 1;
	h->cap_start = get32(b + 8, be);
	h->cap_end = get32(b + 12, be);
	h->flags = get32(b + 16, be) | FT_HEADER_FLAG_XLATE;
	h->rot_schedule = get32(b + 20, be);
	h->counters.flow_count = get32(b + 24, be);
	h->counters.flow_lost = get32(b + 28, be);
	h->counters.flow_misordered = get32(b + 32, be);
	tlv_str(h->hostname, sizeof(h->hostname), b + 36, 68);
	tlv_str(h->comments, sizeof(h->comments), b + 104, 256);
	h->present = 1u << FT_TLV_EX_VER | 1u << FT_TLV_CAP_START |
	    1u << FT_TLV_CAP_END | 1u << FT_TLV_HEADER_FLAGS |
	    1u << FT_TLV_ROT_SCHEDULE | 1u << FT_TLV_FLOW_COUNT |
	    1u << FT_TLV_FLOW_LOST | 1u << FT_TLV_FLOW_MISORDERED |
	    1u << FT_TLV_CAP_HOSTNAME | 1u << FT_TLV_COMMENTS;
	if (h->d_version != FT_VER_1 && h->d_version != FT_VER_5) {
		msg(err, errlen, "offset 4: unsupported export version %u in "
		    "a stream version 1 file", h->d_version);
		return -1;
	}
	return 0;
}

int
ftr_parse_header(const uint8_t *b, size_t len, struct ft_header *h,
    char *err, size_t errlen)
{
	memset(h, 0, sizeof(*h));
	if (len < 4) {
		msg(err, errlen, "offset %zu: file too short for a header "
		    "(%zu bytes)", len, len);
		return -1;
	}
	if (b[0] != FT_MAGIC1 || b[1] != FT_MAGIC2) {
		msg(err, errlen, "offset 0: bad magic number 0x%02x%02x",
		    b[0], b[1]);
		return -1;
	}
	h->byte_order = b[2];
	h->s_version = b[3];
	if (b[2] != FT_LITTLE_ENDIAN && b[2] != FT_BIG_ENDIAN) {
		msg(err, errlen, "offset 2: bad byte order %u", b[2]);
		return -1;
	}
	if (b[3] == 1)
		return parse_legacy(b, len, h, err, errlen);
	if (b[3] != 3) {
		msg(err, errlen, "offset 3: unsupported stream version %u",
		    b[3]);
		return -1;
	}
	if (parse_v3(b, len, h, err, errlen) == -1)
		return -1;
	h->rec_size = rec_size(h->d_version, h->agg_version, h->agg_method);
	if (h->rec_size == 0) {
		if (h->d_version == FT_VER_8)
			msg(err, errlen, "offset 8: unsupported v8 "
			    "aggregation (version %u, method %u)",
			    h->agg_version, h->agg_method);
		else
			msg(err, errlen, "offset 8: unsupported export "
			    "version %u", h->d_version);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------- records */

static inline __attribute__((always_inline)) void
dec_common(const uint8_t *p, struct ftrec *r, int be)
{
	r->unix_secs = get32(p + 0, be);
	r->unix_nsecs = get32(p + 4, be);
	r->sysuptime = get32(p + 8, be);
	r->exaddr = get32(p + 12, be);
	r->srcaddr = get32(p + 16, be);
	r->dstaddr = get32(p + 20, be);
	r->nexthop = get32(p + 24, be);
	r->input = get16(p + 28, be);
	r->output = get16(p + 30, be);
	r->dpkts = get32(p + 32, be);
	r->doctets = get32(p + 36, be);
	r->first = get32(p + 40, be);
	r->last = get32(p + 44, be);
	r->srcport = get16(p + 48, be);
	r->dstport = get16(p + 50, be);
	r->prot = p[52];
	r->tos = p[53];
	r->tcp_flags = p[54];
	r->pad = p[55];
}

static inline __attribute__((always_inline)) void
dec_v5tail(const uint8_t *p, struct ftrec *r, int be)
{
	r->engine_type = p[56];
	r->engine_id = p[57];
	r->src_mask = p[58];
	r->dst_mask = p[59];
	r->src_as = get16(p + 60, be);
	r->dst_as = get16(p + 62, be);
}

static void
dec_ip6(const uint8_t *p, struct ftrec *r, int be)
{
	r->unix_secs = get32(p + 0, be);
	r->unix_nsecs = get32(p + 4, be);
	r->sysuptime = get32(p + 8, be);
	r->exp_af = p[12];
	r->prot = p[13];
	r->tos = p[14];
	r->tcp_flags = p[15];
	memcpy(r->exaddr6, p + 16, 16);
	memcpy(r->srcaddr6, p + 32, 16);
	memcpy(r->dstaddr6, p + 48, 16);
	memcpy(r->nexthop6, p + 64, 16);
	if (r->exp_af == FR_AF_INET)
		r->exaddr = get32(p + 28, 1);
	r->input32 = get32(p + 80, be);
	r->output32 = get32(p + 84, be);
	r->src_as32 = get32(p + 88, be);
	r->dst_as32 = get32(p + 92, be);
	r->dpkts64 = get64(p + 96, be);
	r->doctets64 = get64(p + 104, be);
	r->first_ms = get64(p + 112, be);
	r->last_ms = get64(p + 120, be);
	r->srcport = get16(p + 128, be);
	r->dstport = get16(p + 130, be);
	r->src_mask = p[132];
	r->dst_mask = p[133];
	r->engine_type = p[134];
	r->engine_id = p[135];
	r->sampling = get32(p + 136, be);
	r->flow_label = get32(p + 140, be);
}

/* v8: one table per aggregation method (spec 3.6). */
enum v8f {
	F_END, F_UPTIME, F_EXADDR, F_DPKTS, F_DOCTETS, F_FIRST, F_LAST,
	F_SRCADDR, F_DSTADDR, F_ROUTER_SC,		/* u32 */
	F_SRCAS, F_DSTAS, F_INPUT, F_OUTPUT, F_SRCPORT, F_DSTPORT, /* u16 */
	F_ET, F_EI, F_PROT, F_SRCMASK, F_DSTMASK, F_TOS	/* u8 */
};

struct v8field {
	uint8_t	f, off;
};

#define V8STD	{ F_UPTIME, 8 }, { F_EXADDR, 12 }, { F_DPKTS, 20 }, \
	{ F_DOCTETS, 24 }, { F_FIRST, 28 }, { F_LAST, 32 }
#define V8SWAP	{ F_EXADDR, 8 }, { F_UPTIME, 12 }, { F_DPKTS, 20 }, \
	{ F_DOCTETS, 24 }, { F_FIRST, 28 }, { F_LAST, 32 }
#define V8CAT	{ F_UPTIME, 8 }, { F_EXADDR, 12 }, { F_DPKTS, 16 }, \
	{ F_DOCTETS, 20 }, { F_FIRST, 24 }, { F_LAST, 28 }, { F_DSTADDR, 32 }

static const struct v8field v8tab[15][20] = {
	{ { F_END, 0 } },
	{ V8STD, { F_SRCAS, 36 }, { F_DSTAS, 38 }, { F_INPUT, 40 },
	  { F_OUTPUT, 42 }, { F_ET, 44 }, { F_EI, 45 } },
	{ V8STD, { F_PROT, 36 }, { F_SRCPORT, 40 }, { F_DSTPORT, 42 },
	  { F_ET, 44 }, { F_EI, 45 } },
	{ V8SWAP, { F_SRCADDR, 36 }, { F_SRCMASK, 40 }, { F_SRCAS, 42 },
	  { F_INPUT, 44 }, { F_ET, 46 }, { F_EI, 47 } },
	{ V8STD, { F_DSTADDR, 36 }, { F_DSTMASK, 40 }, { F_ET, 42 },
	  { F_EI, 43 }, { F_DSTAS, 44 }, { F_OUTPUT, 46 } },
	{ V8STD, { F_SRCADDR, 36 }, { F_DSTADDR, 40 }, { F_DSTMASK, 44 },
	  { F_SRCMASK, 45 }, { F_ET, 46 }, { F_EI, 47 }, { F_SRCAS, 48 },
	  { F_DSTAS, 50 }, { F_INPUT, 52 }, { F_OUTPUT, 54 } },
	{ V8CAT, { F_ROUTER_SC, 40 }, { F_OUTPUT, 44 }, { F_TOS, 48 },
	  { F_ET, 50 }, { F_EI, 51 } },
	{ V8CAT, { F_SRCADDR, 36 }, { F_ROUTER_SC, 44 }, { F_OUTPUT, 48 },
	  { F_INPUT, 50 }, { F_TOS, 52 }, { F_ET, 54 }, { F_EI, 55 } },
	{ V8CAT, { F_SRCADDR, 36 }, { F_ROUTER_SC, 44 }, { F_DSTPORT, 48 },
	  { F_SRCPORT, 50 }, { F_OUTPUT, 52 }, { F_INPUT, 54 },
	  { F_TOS, 56 }, { F_ET, 58 }, { F_EI, 59 }, { F_PROT, 60 } },
	{ V8STD, { F_SRCAS, 36 }, { F_DSTAS, 38 }, { F_INPUT, 40 },
	  { F_OUTPUT, 42 }, { F_ET, 44 }, { F_EI, 45 }, { F_TOS, 46 } },
	{ V8STD, { F_SRCPORT, 36 }, { F_DSTPORT, 38 }, { F_INPUT, 40 },
	  { F_OUTPUT, 42 }, { F_ET, 44 }, { F_EI, 45 }, { F_PROT, 46 },
	  { F_TOS, 47 } },
	{ V8SWAP, { F_SRCADDR, 36 }, { F_SRCMASK, 40 }, { F_TOS, 41 },
	  { F_SRCAS, 42 }, { F_INPUT, 44 }, { F_ET, 46 }, { F_EI, 47 } },
	{ V8SWAP, { F_DSTADDR, 36 }, { F_OUTPUT, 40 }, { F_DSTAS, 42 },
	  { F_DSTMASK, 44 }, { F_TOS, 45 }, { F_ET, 46 }, { F_EI, 47 } },
	{ V8STD, { F_SRCADDR, 36 }, { F_DSTADDR, 40 }, { F_SRCAS, 44 },
	  { F_DSTAS, 46 }, { F_INPUT, 48 }, { F_OUTPUT, 50 },
	  { F_DSTMASK, 52 }, { F_SRCMASK, 53 }, { F_ET, 54 }, { F_EI, 55 },
	  { F_TOS, 56 } },
	{ V8STD, { F_SRCADDR, 36 }, { F_DSTADDR, 40 }, { F_SRCPORT, 44 },
	  { F_DSTPORT, 46 }, { F_INPUT, 48 }, { F_OUTPUT, 50 },
	  { F_DSTMASK, 52 }, { F_SRCMASK, 53 }, { F_ET, 54 }, { F_EI, 55 },
	  { F_TOS, 56 }, { F_PROT, 57 } },
};

static void
dec_v8field(const uint8_t *p, struct ftrec *r, int be, unsigned f)
{
	uint32_t v = f <= F_ROUTER_SC ? get32(p, be) :
	    f <= F_DSTPORT ? get16(p, be) : p[0];

	switch (f) {
	case F_UPTIME: r->sysuptime = v; break;
	case F_EXADDR: r->exaddr = v; break;
	case F_DPKTS: r->dpkts = v; break;
	case F_DOCTETS: r->doctets = v; break;
	case F_FIRST: r->first = v; break;
	case F_LAST: r->last = v; break;
	case F_SRCADDR: r->srcaddr = v; break;
	case F_DSTADDR: r->dstaddr = v; break;
	case F_ROUTER_SC: r->router_sc = v; break;
	case F_SRCAS: r->src_as = (uint16_t)v; break;
	case F_DSTAS: r->dst_as = (uint16_t)v; break;
	case F_INPUT: r->input = (uint16_t)v; break;
	case F_OUTPUT: r->output = (uint16_t)v; break;
	case F_SRCPORT: r->srcport = (uint16_t)v; break;
	case F_DSTPORT: r->dstport = (uint16_t)v; break;
	case F_ET: r->engine_type = (uint8_t)v; break;
	case F_EI: r->engine_id = (uint8_t)v; break;
	case F_PROT: r->prot = (uint8_t)v; break;
	case F_SRCMASK: r->src_mask = (uint8_t)v; break;
	case F_DSTMASK: r->dst_mask = (uint8_t)v; break;
	case F_TOS: r->tos = (uint8_t)v; break;
	}
}

static void
dec_v8(const uint8_t *p, struct ftrec *r, int be, unsigned method)
{
	const struct v8field *t = v8tab[method];

	r->unix_secs = get32(p, be);
	r->unix_nsecs = get32(p + 4, be);
	for (; t->f != F_END; t++)
		dec_v8field(p + t->off, r, be, t->f);
}

/* flowrec fields a v8 method holds. */
static uint32_t
v8_fields(unsigned method)
{
	static const uint32_t map[] = {
		[F_SRCADDR] = FR_HAS_SRCADDR, [F_DSTADDR] = FR_HAS_DSTADDR,
		[F_SRCAS] = FR_HAS_AS, [F_DSTAS] = FR_HAS_AS,
		[F_INPUT] = FR_HAS_IFINDEX, [F_OUTPUT] = FR_HAS_IFINDEX,
		[F_SRCPORT] = FR_HAS_PORTS, [F_DSTPORT] = FR_HAS_PORTS,
		[F_PROT] = FR_HAS_PROTO, [F_SRCMASK] = FR_HAS_MASK,
		[F_DSTMASK] = FR_HAS_MASK, [F_TOS] = FR_HAS_TOS,
	};
	const struct v8field *t = v8tab[method];
	uint32_t f = FR_HAS_UPTIME | FR_HAS_TIMES | FR_HAS_PACKETS |
	    FR_HAS_OCTETS | FR_HAS_ENGINE;

	for (; t->f != F_END; t++)
		f |= map[t->f];
	return f;
}

/* 60-byte stream-version-1 record (spec 2.9). */
static void
dec_legacy(const uint8_t *p, struct ftrec *r, int be)
{
	r->unix_secs = get32(p, be);
	r->unix_nsecs = get32(p + 4, be) * 1000000u;
	r->sysuptime = 0;
	r->srcaddr = get32(p + 8, be);
	r->dstaddr = get32(p + 12, be);
	r->nexthop = get32(p + 16, be);
	r->input = get16(p + 20, be);
	r->output = get16(p + 22, be);
	r->dpkts = get32(p + 24, be);
	r->doctets = get32(p + 28, be);
	r->first = get32(p + 32, be);
	r->last = get32(p + 36, be);
	r->srcport = get16(p + 40, be);
	r->dstport = get16(p + 42, be);
	r->prot = p[46];
	r->tos = p[47];
	r->tcp_flags = p[48];
	r->src_as = get16(p + 52, be);
	r->dst_as = get16(p + 54, be);
	r->src_mask = p[56];
	r->dst_mask = p[57];
}

static inline __attribute__((always_inline)) void
dec_rec(const struct ftr *r, const uint8_t *p, struct ftrec *o, int be)
{
	switch (r->ver) {
	case FT_VER_1:
		dec_common(p, o, be);
		break;
	case FT_VER_5:
		dec_common(p, o, be);
		dec_v5tail(p, o, be);
		break;
	case FT_VER_6:
		dec_common(p, o, be);
		dec_v5tail(p, o, be);
		o->in_encaps = p[64];
		o->out_encaps = p[65];
		o->peer_nexthop = get32(p + 68, be);
		break;
	case FT_VER_7:
		dec_common(p, o, be);
		dec_v5tail(p, o, be);
		o->router_sc = get32(p + 64, be);
		break;
	case FT_VER_1005:
		dec_common(p, o, be);
		dec_v5tail(p, o, be);
		o->src_tag = get32(p + 64, be);
		o->dst_tag = get32(p + 68, be);
		break;
	case FT_VER_IP6:
		dec_ip6(p, o, be);
		break;
	case FT_VER_8:
		dec_v8(p, o, be, r->h.agg_method);
		break;
	}
}

/* ---------------------------------------------------------- input */

static int
fail(struct ftr *r, const char *fmt, ...) __attribute__((format(printf, 2,
    3)));

static int
fail(struct ftr *r, const char *fmt, ...)
{
	char m[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	snprintf(r->err, sizeof(r->err), "%s: %s", r->name, m);
	r->failed = 1;
	return -1;
}

static void
warn(struct ftr *r, const char *fmt, ...) __attribute__((format(printf, 2,
    3)));

static void
warn(struct ftr *r, const char *fmt, ...)
{
	char m[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	snprintf(r->warn, sizeof(r->warn), "%s: %s", r->name, m);
}

/* Raw bytes from the source: returns count, 0 at EOF, -1 on error. */
static ssize_t
src_read(struct ftr *r, uint8_t *dst, size_t n)
{
	ssize_t got;

	if (r->mem != NULL) {
		if (n > r->memlen - r->mempos)
			n = r->memlen - r->mempos;
		memcpy(dst, r->mem + r->mempos, n);
		r->mempos += n;
		return (ssize_t)n;
	}
	do
		got = read(r->fd, dst, n);
	while (got == -1 && errno == EINTR);
	return got;
}

/* Fill dst completely unless EOF comes first. */
static ssize_t
src_read_full(struct ftr *r, uint8_t *dst, size_t n)
{
	size_t have = 0;
	ssize_t got;

	while (have < n) {
		got = src_read(r, dst + have, n - have);
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		have += (size_t)got;
	}
	return (ssize_t)have;
}

/* Next compressed input; 0 when the source is exhausted. */
static int
z_input(struct ftr *r)
{
	ssize_t got;
	size_t n;

	if (r->mem != NULL) {
		n = r->memlen - r->mempos;
		if (n > (1u << 30))
			n = 1u << 30;
		r->z.next_in = (Bytef *)(uintptr_t)(r->mem + r->mempos);
		r->z.avail_in = (uInt)n;
		r->mempos += n;
		return n > 0;
	}
	got = src_read(r, r->in, FTR_INSZ);
	if (got < 0)
		return fail(r, "read: %s", strerror(errno));
	r->z.next_in = r->in;
	r->z.avail_in = (uInt)got;
	return got > 0;
}

static void
z_trailing(struct ftr *r)
{
	uint8_t b[1];
	size_t extra = r->z.avail_in;

	if (extra == 0 && r->mem == NULL && src_read(r, b, 1) == 1)
		extra = 1;
	if (r->mem != NULL)
		extra += r->memlen - r->mempos;
	if (extra > 0)
		warn(r, "offset %llu: %s bytes after the end of the zlib "
		    "stream ignored", (unsigned long long)(r->h.header_len +
		    r->z.total_in), extra > 1 ? "extra" : "an extra");
}

/* Inflate into buf[dlen..] until it is full or the stream ends. */
static ssize_t
z_more(struct ftr *r)
{
	size_t before = r->dlen;
	int rc;

	r->z.next_out = r->buf + r->dlen;
	r->z.avail_out = (uInt)(FTR_BUFSZ - r->dlen);
	while (r->z.avail_out > 0 && !r->zend && !r->in_eof) {
		if (r->z.avail_in == 0) {
			rc = z_input(r);
			if (rc < 0)
				return -1;
			if (rc == 0) {
				r->in_eof = 1;
				if (r->z.total_in > 0)
					warn(r, "offset %llu: compressed data "
					    "ends before the end of the zlib "
					    "stream (file not closed?)",
					    (unsigned long long)
					    (r->h.header_len + r->z.total_in));
				break;
			}
		}
		rc = inflate(&r->z, Z_NO_FLUSH);
		if (rc == Z_STREAM_END) {
			r->zend = 1;
			z_trailing(r);
		} else if (rc != Z_OK && rc != Z_BUF_ERROR)
			return fail(r, "offset %llu: zlib: %s",
			    (unsigned long long)(r->h.header_len +
			    r->z.total_in), r->z.msg ? r->z.msg : "error");
	}
	r->dlen = FTR_BUFSZ - r->z.avail_out;
	return (ssize_t)(r->dlen - before);
}

/* Move the unread tail to the front and add more bytes. */
static ssize_t
refill(struct ftr *r)
{
	size_t left = r->dlen - r->dpos;
	ssize_t got;

	if (r->buf == NULL || r->whole)
		return 0;		/* all there already */
	memmove(r->buf, r->buf + r->dpos, left);
	r->off += r->dpos;
	r->dpos = 0;
	r->dlen = left;
	if (r->compressed)
		return z_more(r);
	got = src_read_full(r, r->buf + left, FTR_BUFSZ - left);
	if (got < 0)
		return fail(r, "read: %s", strerror(errno));
	r->dlen += (size_t)got;
	return got;
}

/* Pointer to the next record in the file, NULL at end or on error. */
static const uint8_t *
next_ptr(struct ftr *r)
{
	const uint8_t *p;
	size_t left;
	ssize_t got;

	if (r->failed || r->done)
		return NULL;
	while (r->dlen - r->dpos < r->fsize) {
		if ((got = refill(r)) < 0)
			return NULL;
		if (got == 0)
			break;
	}
	left = r->dlen - r->dpos;
	if (left < r->fsize) {
		if (left > 0)
			warn(r, "offset %llu%s: partial record (%zu of %u "
			    "bytes) at end of data, dropped",
			    (unsigned long long)(r->h.header_len + r->off +
			    r->dpos), r->compressed ? " (uncompressed)" : "",
			    left, r->fsize);
		r->done = 1;
		return NULL;
	}
	p = r->data + r->dpos;
	r->dpos += r->fsize;
	return p;
}

/* ---------------------------------------------------------- open */

static int
read_header(struct ftr *r, char *err, size_t errlen)
{
	uint8_t pre[8], *hb;
	ssize_t got, more;
	size_t hl;
	int rc;

	got = src_read_full(r, pre, sizeof(pre));
	if (got < 0) {
		msg(err, errlen, "%s: %s", r->name, strerror(errno));
		return -1;
	}
	hl = (size_t)got;
	if (got == 8 && pre[0] == FT_MAGIC1 && pre[1] == FT_MAGIC2 &&
	    pre[3] == 1)
		hl = FTR_LEGACY_HDR;
	else if (got == 8 && pre[0] == FT_MAGIC1 && pre[1] == FT_MAGIC2)
		hl = get32(pre + 4, pre[2] == FT_BIG_ENDIAN);
	if (hl < (size_t)got || hl > FTR_HDR_MAX)
		hl = (size_t)got;	/* the parser reports it */
	if ((hb = malloc(hl > 0 ? hl : 1)) == NULL) {
		msg(err, errlen, "%s: out of memory", r->name);
		return -1;
	}
	memcpy(hb, pre, (size_t)got);
	more = src_read_full(r, hb + got, hl - (size_t)got);
	if (more < 0) {
		msg(err, errlen, "%s: %s", r->name, strerror(errno));
		free(hb);
		return -1;
	}
	rc = ftr_parse_header(hb, (size_t)(got + more), &r->h, r->err,
	    sizeof(r->err));
	free(hb);
	if (rc == -1)
		msg(err, errlen, "%s: %s", r->name, r->err);
	return rc;
}

/*
 * Inflate a whole closed file with libdeflate.  Returns 0 with every
 * record in r->buf, or 1 to stream instead (nothing consumed: the file is
 * mapped, its offset untouched).
 */
static int
whole_inflate(struct ftr *r)
{
	struct libdeflate_decompressor *d;
	enum libdeflate_result rc;
	struct stat st;
	off_t pos;
	size_t clen, olen, used = 0, got = 0;
	uint8_t *cb, *ob;

	if (r->mem != NULL || r->legacy || !(r->h.flags & FT_HEADER_FLAG_DONE))
		return 1;
	olen = (size_t)r->h.counters.flow_count * r->fsize;
	if (olen == 0 || olen > FTR_WHOLE_MAX)
		return 1;
	if (fstat(r->fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (pos = lseek(r->fd, 0, SEEK_CUR)) == -1 || st.st_size <= pos)
		return 1;
	clen = (size_t)(st.st_size - pos);
	if (clen > FTR_WHOLE_MAX)
		return 1;
	/* Map the whole file (the body starts at pos, not page aligned). */
	cb = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, r->fd, 0);
	if (cb == MAP_FAILED)
		return 1;
	ob = malloc(olen);
	d = libdeflate_alloc_decompressor();
	rc = LIBDEFLATE_BAD_DATA;
	if (ob != NULL && d != NULL)
		rc = libdeflate_zlib_decompress_ex(d, cb + pos, clen, ob, olen,
		    &used, &got);
	if (d != NULL)
		libdeflate_free_decompressor(d);
	munmap(cb, (size_t)st.st_size);
	if (rc != LIBDEFLATE_SUCCESS) {
		free(ob);
		return 1;
	}
	if (used < clen)
		warn(r, "offset %llu: %s bytes after the end of the zlib "
		    "stream ignored", (unsigned long long)(r->h.header_len +
		    used), clen - used > 1 ? "extra" : "an extra");
	r->buf = ob;
	r->data = ob;
	r->dlen = got;
	r->whole = 1;
	return 0;
}

static int
setup_body(struct ftr *r)
{
	r->be = r->h.byte_order == FT_BIG_ENDIAN;
	r->ver = r->h.d_version;
	r->legacy = r->h.s_version == 1;
	r->fsize = r->legacy ? FTR_LEGACY_REC : r->h.rec_size;
	if (r->legacy)
		r->h.rec_size = r->ver == FT_VER_1 ? FT_REC_SIZE_V1 :
		    FT_REC_SIZE_V5;
	r->compressed = (r->h.flags & FT_HEADER_FLAG_COMPRESS) != 0;
	if (r->mem != NULL && !r->compressed) {
		r->data = r->mem + r->h.header_len;
		r->dlen = r->memlen - r->h.header_len;
		return 0;
	}
	if (r->compressed && whole_inflate(r) == 0)
		return 0;
	if ((r->buf = malloc(FTR_BUFSZ)) == NULL)
		return -1;
	r->data = r->buf;
	if (r->compressed) {
		if (r->mem == NULL && (r->in = malloc(FTR_INSZ)) == NULL)
			return -1;
		if (inflateInit(&r->z) != Z_OK)
			return -1;
		r->zinit = 1;
	}
	return 0;
}

static struct ftr *
ftr_new(const char *name)
{
	struct ftr *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->fd = -1;
	snprintf(r->name, sizeof(r->name), "%s", name);
	return r;
}

static struct ftr *
ftr_start(struct ftr *r, char *err, size_t errlen)
{
	if (r->mem != NULL) {
		if (ftr_parse_header(r->mem, r->memlen, &r->h, r->err,
		    sizeof(r->err)) == -1) {
			msg(err, errlen, "%s: %s", r->name, r->err);
			goto bad;
		}
		r->mempos = r->h.header_len;
	} else if (read_header(r, err, errlen) == -1)
		goto bad;
	r->err[0] = 0;
	if (setup_body(r) == -1) {
		msg(err, errlen, "%s: out of memory", r->name);
		goto bad;
	}
	return r;
bad:
	ftr_close(r);
	return NULL;
}

struct ftr *
ftr_open_fd(int fd, int own_fd, const char *name, char *err, size_t errlen)
{
	struct ftr *r = ftr_new(name);

	if (r == NULL) {
		msg(err, errlen, "%s: out of memory", name);
		if (own_fd)
			close(fd);
		return NULL;
	}
	r->fd = fd;
	r->own_fd = own_fd;
	return ftr_start(r, err, errlen);
}

struct ftr *
ftr_open(const char *path, char *err, size_t errlen)
{
	int fd;

	if (strcmp(path, "-") == 0)
		return ftr_open_fd(STDIN_FILENO, 0, "stdin", err, errlen);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		msg(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	return ftr_open_fd(fd, 1, path, err, errlen);
}

struct ftr *
ftr_open_mem(const uint8_t *buf, size_t len, const char *name, char *err,
    size_t errlen)
{
	struct ftr *r = ftr_new(name);

	if (r == NULL) {
		msg(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	r->mem = buf;
	r->memlen = len;
	return ftr_start(r, err, errlen);
}

const struct ft_header *
ftr_header(const struct ftr *r)
{
	return &r->h;
}

int
ftr_next_raw(struct ftr *r, struct ftrec *out)
{
	const uint8_t *p = next_ptr(r);

	if (p == NULL)
		return r->failed ? -1 : 0;
	memset(out, 0, sizeof(*out));
	if (r->legacy)
		dec_legacy(p, out, r->be);
	else if (r->be)
		dec_rec(r, p, out, 1);
	else
		dec_rec(r, p, out, 0);
	return 1;
}

int
ftr_next(struct ftr *r, struct flowrec *out)
{
	struct ftrec fr;
	int rc = ftr_next_raw(r, &fr);

	if (rc != 1)
		return rc;
	ftconv_from_ft(&fr, r->ver, out);
	if (r->ver == FT_VER_8)
		out->fields = v8_fields(r->h.agg_method);
	return 1;
}

int
ftr_next_bytes(struct ftr *r, const uint8_t **rec)
{
	const uint8_t *p = next_ptr(r);
	struct ftrec fr;

	if (p == NULL)
		return r->failed ? -1 : 0;
	if (!r->legacy) {
		*rec = p;
		return (int)r->fsize;
	}
	memset(&fr, 0, sizeof(fr));
	dec_legacy(p, &fr, r->be);
	*rec = r->legrec;
	return (int)ftw_encode_record(&fr, r->ver, r->h.byte_order,
	    r->legrec);
}

const char *
ftr_error(const struct ftr *r)
{
	return r->err[0] ? r->err : "no error";
}

const char *
ftr_warning(const struct ftr *r)
{
	return r->warn[0] ? r->warn : NULL;
}

void
ftr_close(struct ftr *r)
{
	if (r == NULL)
		return;
	if (r->zinit)
		inflateEnd(&r->z);
	if (r->own_fd && r->fd != -1)
		close(r->fd);
	free(r->in);
	free(r->buf);
	free(r);
}
