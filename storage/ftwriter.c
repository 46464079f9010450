/*
 * ftwriter.c - write flow-tools files as flow-capture does.
 *
 * Records are encoded straight into a large buffer; the buffer goes to
 * write(2) or to deflate only when it is full (or ftw_flush is called), so
 * the per-record cost is the encoding itself.  Compression runs on the
 * zpar worker pool when one is started (zpar.h: one standard zlib stream,
 * other compressed bytes than flow-capture's, same records); without a
 * pool it runs inline with Z_NO_FLUSH, and since zlib's output does not
 * depend on how its input is chunked, the compressed body then equals
 * flow-capture's (which deflates one record at a time).
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "ftreader.h"
#include "ftwriter.h"
#include "zpar.h"

#define FTW_BUFSZ	(512 * 1024)	/* records waiting for write/deflate */
#define FTW_ZOUTSZ	(256 * 1024)	/* compressed bytes waiting */
#define FTW_HDRMAX	512

/* What goes into a header besides the times, flags and counters. */
struct hdrspec {
	int		 ver;
	uint8_t		 agg_ver, agg_method;
	int		 be;
	const char	*hostname;
	const char	*comment;	/* NULL: no COMMENTS TLV */
};

struct ftw {
	int		 fd;
	int		 ver;
	int		 be;
	int		 zlevel;
	unsigned	 rec_size;
	struct hdrspec	 hs;
	char		 hostname[FT_HOSTNAME_MAX];
	char		 comment[FT_COMMENTS_MAX];
	uint32_t	 cap_start;
	struct ft_counters ctr;
	uint32_t	 count;
	size_t		 hlen;
	uint64_t	 written;	/* body bytes handed to write(2) */
	uint8_t		*buf;
	size_t		 blen;
	uint8_t		*zout;
	z_stream	 z;
	int		 zinit;
	struct zpar	*zp;		/* parallel deflate (zpar.h), or NULL */
	int		 failed;	/* a write failed: no more output */
	char		*path;
};

static int
host_is_be(void)
{
	const uint16_t one = 1;

	return *(const uint8_t *)&one == 0;
}

static void
seterr(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

static inline __attribute__((always_inline)) void
put16(uint8_t *p, uint16_t v, int be)
{
	if (be) {
		p[0] = v >> 8;
		p[1] = (uint8_t)v;
	} else {
		p[0] = (uint8_t)v;
		p[1] = v >> 8;
	}
}

static inline __attribute__((always_inline)) void
put32(uint8_t *p, uint32_t v, int be)
{
	if (be) {
		p[0] = v >> 24;
		p[1] = v >> 16;
		p[2] = v >> 8;
		p[3] = (uint8_t)v;
	} else {
		p[0] = (uint8_t)v;
		p[1] = v >> 8;
		p[2] = v >> 16;
		p[3] = v >> 24;
	}
}

static inline __attribute__((always_inline)) void
put64(uint8_t *p, uint64_t v, int be)
{
	put32(p + (be ? 0 : 4), (uint32_t)(v >> 32), be);
	put32(p + (be ? 4 : 0), (uint32_t)v, be);
}

/* Offsets 0..55: the fields v1, v5, v6, v7 and v1005 share. */
static inline __attribute__((always_inline)) void
enc_common(const struct ftrec *r, uint8_t *p, int be)
{
	put32(p + 0, r->unix_secs, be);
	put32(p + 4, r->unix_nsecs, be);
	put32(p + 8, r->sysuptime, be);
	put32(p + 12, r->exaddr, be);
	put32(p + 16, r->srcaddr, be);
	put32(p + 20, r->dstaddr, be);
	put32(p + 24, r->nexthop, be);
	put16(p + 28, r->input, be);
	put16(p + 30, r->output, be);
	put32(p + 32, r->dpkts, be);
	put32(p + 36, r->doctets, be);
	put32(p + 40, r->first, be);
	put32(p + 44, r->last, be);
	put16(p + 48, r->srcport, be);
	put16(p + 50, r->dstport, be);
	p[52] = r->prot;
	p[53] = r->tos;
	p[54] = r->tcp_flags;
	p[55] = r->pad;
}

/* Offsets 56..63 of v5, v6, v7 and v1005. */
static inline __attribute__((always_inline)) void
enc_v5tail(const struct ftrec *r, uint8_t *p, int be)
{
	p[56] = r->engine_type;
	p[57] = r->engine_id;
	p[58] = r->src_mask;
	p[59] = r->dst_mask;
	put16(p + 60, r->src_as, be);
	put16(p + 62, r->dst_as, be);
}

/* flowkeep's IPv6 record, doc/ipv6-files.md. */
static inline __attribute__((always_inline)) void
enc_ip6(const struct ftrec *r, uint8_t *p, int be)
{
	put32(p + 0, r->unix_secs, be);
	put32(p + 4, r->unix_nsecs, be);
	put32(p + 8, r->sysuptime, be);
	p[12] = r->exp_af;
	p[13] = r->prot;
	p[14] = r->tos;
	p[15] = r->tcp_flags;
	memcpy(p + 16, r->exaddr6, 16);
	memcpy(p + 32, r->srcaddr6, 16);
	memcpy(p + 48, r->dstaddr6, 16);
	memcpy(p + 64, r->nexthop6, 16);
	put32(p + 80, r->input32, be);
	put32(p + 84, r->output32, be);
	put32(p + 88, r->src_as32, be);
	put32(p + 92, r->dst_as32, be);
	put64(p + 96, r->dpkts64, be);
	put64(p + 104, r->doctets64, be);
	put64(p + 112, r->first_ms, be);
	put64(p + 120, r->last_ms, be);
	put16(p + 128, r->srcport, be);
	put16(p + 130, r->dstport, be);
	p[132] = r->src_mask;
	p[133] = r->dst_mask;
	p[134] = r->engine_type;
	p[135] = r->engine_id;
	put32(p + 136, r->sampling, be);
	put32(p + 140, r->flow_label, be);
}

static inline __attribute__((always_inline)) size_t
enc_rec(const struct ftrec *r, int ver, int be, uint8_t *p)
{
	switch (ver) {
	case FT_VER_1:
		enc_common(r, p, be);
		put32(p + 56, 0, be);
		return FT_REC_SIZE_V1;
	case FT_VER_5:
		enc_common(r, p, be);
		enc_v5tail(r, p, be);
		return FT_REC_SIZE_V5;
	case FT_VER_6:
		enc_common(r, p, be);
		enc_v5tail(r, p, be);
		p[64] = r->in_encaps;
		p[65] = r->out_encaps;
		put16(p + 66, 0, be);
		put32(p + 68, r->peer_nexthop, be);
		return FT_REC_SIZE_V6;
	case FT_VER_7:
		enc_common(r, p, be);
		enc_v5tail(r, p, be);
		put32(p + 64, r->router_sc, be);
		return FT_REC_SIZE_V7;
	case FT_VER_1005:
		enc_common(r, p, be);
		enc_v5tail(r, p, be);
		put32(p + 64, r->src_tag, be);
		put32(p + 68, r->dst_tag, be);
		return FT_REC_SIZE_V1005;
	case FT_VER_IP6:
		enc_ip6(r, p, be);
		return FT_REC_SIZE_IP6;
	}
	return 0;
}

size_t
ftw_encode_record(const struct ftrec *r, int ver, int bo, uint8_t *out)
{
	int be = bo == 0 ? host_is_be() : bo == FT_BIG_ENDIAN;

	return be ? enc_rec(r, ver, 1, out) : enc_rec(r, ver, 0, out);
}

static size_t
rec_size_of(int ver)
{
	static const struct ftrec zero;
	uint8_t tmp[FT_REC_SIZE_MAX];

	return enc_rec(&zero, ver, 0, tmp);
}

/* ---------------------------------------------------------- header */

static uint8_t *
tlv(uint8_t *p, uint16_t type, uint16_t len, int be)
{
	put16(p, type, be);
	put16(p + 2, len, be);
	return p + 4;
}

static uint8_t *
tlv32(uint8_t *p, uint16_t type, uint32_t v, int be)
{
	p = tlv(p, type, 4, be);
	put32(p, v, be);
	return p + 4;
}

static uint8_t *
tlvstr(uint8_t *p, uint16_t type, const char *s, size_t max, int be)
{
	size_t n = strnlen(s, max - 1);

	p = tlv(p, type, (uint16_t)(n + 1), be);
	memcpy(p, s, n);
	p[n] = 0;
	return p + n + 1;
}

/* The TLVs of 2.5, in flow-capture's order; 0 when buf is too small. */
static size_t
encode_hdr(uint8_t *buf, size_t len, const struct hdrspec *hs,
    uint32_t cap_start, uint32_t cap_end, uint32_t flags,
    const struct ft_counters *c)
{
	uint8_t tmp[FTW_HDRMAX], *p = tmp + 8;
	static const struct ft_counters zero;
	size_t h;
	int be = hs->be;

	if (c == NULL)
		c = &zero;
	p = tlv(p, FT_TLV_EX_VER, 2, be);
	put16(p, (uint16_t)hs->ver, be);
	p += 2;
	if (hs->ver == FT_VER_8) {
		p = tlv(p, FT_TLV_AGG_VER, 1, be);
		*p++ = hs->agg_ver;
		p = tlv(p, FT_TLV_AGG_METHOD, 1, be);
		*p++ = hs->agg_method;
	}
	p = tlv32(p, FT_TLV_CAP_START, cap_start, be);
	p = tlv32(p, FT_TLV_CAP_END, cap_end, be);
	p = tlv32(p, FT_TLV_HEADER_FLAGS, flags, be);
	p = tlv32(p, FT_TLV_FLOW_COUNT, c->flow_count, be);
	p = tlv32(p, FT_TLV_FLOW_LOST, c->flow_lost, be);
	p = tlv32(p, FT_TLV_PKT_CORRUPT, c->pkt_corrupt, be);
	p = tlv32(p, FT_TLV_SEQ_RESET, c->seq_reset, be);
	p = tlvstr(p, FT_TLV_CAP_HOSTNAME, hs->hostname, FT_HOSTNAME_MAX, be);
	if (hs->comment != NULL)
		p = tlvstr(p, FT_TLV_COMMENTS, hs->comment, FT_COMMENTS_MAX,
		    be);
	while ((p - tmp) % 4 != 0)
		*p++ = 0;
	h = (size_t)(p - tmp);
	tmp[0] = FT_MAGIC1;
	tmp[1] = FT_MAGIC2;
	tmp[2] = be ? FT_BIG_ENDIAN : FT_LITTLE_ENDIAN;
	tmp[3] = 3;
	put32(tmp + 4, (uint32_t)h, be);
	if (h > len)
		return 0;
	memcpy(buf, tmp, h);
	return h;
}

size_t
ftw_encode_header(uint8_t *buf, size_t len, const struct ftw_opts *o,
    uint32_t cap_start, uint32_t cap_end, uint32_t flags,
    const struct ft_counters *c)
{
	struct hdrspec hs;
	char host[FT_HOSTNAME_MAX];

	memset(&hs, 0, sizeof(hs));
	hs.ver = o->version;
	hs.be = o->byte_order == 0 ? host_is_be() :
	    o->byte_order == FT_BIG_ENDIAN;
	hs.hostname = o->hostname;
	if (hs.hostname == NULL) {
		if (gethostname(host, sizeof(host)) == -1)
			host[0] = 0;
		host[sizeof(host) - 1] = 0;
		hs.hostname = host;
	}
	hs.comment = o->comment;
	return encode_hdr(buf, len, &hs, cap_start, cap_end, flags, c);
}

/* ---------------------------------------------------------- output */

static int
write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
zout_drain(struct ftw *w)
{
	size_t n = FTW_ZOUTSZ - w->z.avail_out;

	if (n == 0)
		return 0;
	if (write_all(w->fd, w->zout, n) == -1)
		return -1;
	w->written += n;
	w->z.next_out = w->zout;
	w->z.avail_out = FTW_ZOUTSZ;
	return 0;
}

/* Push data through deflate; full output buffers go to disk. */
static int
deflate_data(struct ftw *w, const uint8_t *p, size_t n, int flush)
{
	int rc;

	w->z.next_in = (Bytef *)(uintptr_t)p;
	w->z.avail_in = (uInt)n;
	for (;;) {
		rc = deflate(&w->z, flush);
		if (rc == Z_STREAM_END)
			return 0;
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			errno = EIO;
			return -1;
		}
		if (w->z.avail_out == 0) {
			if (zout_drain(w) == -1)
				return -1;
			continue;
		}
		if (w->z.avail_in == 0 && flush == Z_NO_FLUSH)
			return 0;
	}
}

static int
flush_buf(struct ftw *w)
{
	int rc;

	if (w->failed) {
		errno = EIO;
		return -1;
	}
	if (w->blen == 0)
		return 0;
	if (w->zp != NULL)
		rc = zpar_submit(w->zp, &w->buf, w->blen);
	else if (w->zlevel > 0)
		rc = deflate_data(w, w->buf, w->blen, Z_NO_FLUSH);
	else {
		rc = write_all(w->fd, w->buf, w->blen);
		if (rc == 0)
			w->written += w->blen;
	}
	w->blen = 0;
	if (rc != 0)
		w->failed = 1;
	return rc;
}

/* Append whole encoded records. */
static int
write_bytes(struct ftw *w, const uint8_t *p, size_t n)
{
	size_t room;

	while (n > 0) {
		if (w->blen == FTW_BUFSZ && flush_buf(w) == -1)
			return -1;
		room = FTW_BUFSZ - w->blen;
		if (room > n)
			room = n;
		memcpy(w->buf + w->blen, p, room);
		w->blen += room;
		p += room;
		n -= room;
	}
	return 0;
}

/* ---------------------------------------------------------- open/close */

static void
ftw_free(struct ftw *w)
{
	if (w->zinit)
		deflateEnd(&w->z);
	zpar_abort(w->zp);
	if (w->fd != -1)
		close(w->fd);
	free(w->buf);
	free(w->zout);
	free(w->path);
	free(w);
}

static struct ftw *
ftw_alloc(const char *path, const struct hdrspec *hs, int zlevel)
{
	struct ftw *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->fd = -1;
	w->ver = hs->ver;
	w->be = hs->be;
	w->zlevel = zlevel;
	w->hs = *hs;
	snprintf(w->hostname, sizeof(w->hostname), "%s", hs->hostname);
	w->hs.hostname = w->hostname;
	if (hs->comment != NULL) {
		snprintf(w->comment, sizeof(w->comment), "%s", hs->comment);
		w->hs.comment = w->comment;
	}
	w->path = strdup(path);
	w->buf = malloc(FTW_BUFSZ);
	if (zlevel > 0)
		w->zout = malloc(FTW_ZOUTSZ);
	if (w->path == NULL || w->buf == NULL ||
	    (zlevel > 0 && w->zout == NULL)) {
		ftw_free(w);
		return NULL;
	}
	return w;
}

static int
ftw_start(struct ftw *w, uint32_t cap_start)
{
	uint8_t hdr[FTW_HDRMAX];

	w->fd = open(w->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd == -1)
		return -1;
	w->hlen = encode_hdr(hdr, sizeof(hdr), &w->hs, cap_start, 0,
	    w->zlevel > 0 ? FT_HEADER_FLAG_COMPRESS : 0, &w->ctr);
	if (write_all(w->fd, hdr, w->hlen) == -1)
		return -1;
	if (w->zlevel > 0 && zpar_pool_threads() > 0) {
		if ((w->zp = zpar_open(w->fd, w->zlevel, FTW_BUFSZ)) == NULL)
			return -1;
	} else if (w->zlevel > 0) {
		if (deflateInit(&w->z, w->zlevel) != Z_OK) {
			errno = ENOMEM;
			return -1;
		}
		w->zinit = 1;
		w->z.next_out = w->zout;
		w->z.avail_out = FTW_ZOUTSZ;
	}
	return 0;
}

/* Open with a full header spec (also used by ftw_repair for v6/v7/v8). */
static struct ftw *
ftw_open_spec(const char *path, const struct hdrspec *hs, int zlevel,
    uint32_t cap_start, const struct ft_counters *initial,
    char *err, size_t errlen)
{
	struct ftw *w;

	w = ftw_alloc(path, hs, zlevel);
	if (w == NULL) {
		seterr(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	w->rec_size = (unsigned)rec_size_of(hs->ver);
	w->cap_start = cap_start;
	if (initial != NULL)
		w->ctr = *initial;
	w->ctr.flow_count = 0;
	if (ftw_start(w, cap_start) == -1) {
		int e = errno;

		seterr(err, errlen, "%s: %s", path, strerror(e));
		/* a header cut short (disk full) is not left behind */
		if (w->fd != -1)
			unlink(path);
		ftw_free(w);
		errno = e;
		return NULL;
	}
	return w;
}

struct ftw *
ftw_open(const char *path, const struct ftw_opts *opts, uint32_t cap_start,
    const struct ft_counters *initial, char *err, size_t errlen)
{
	struct hdrspec hs;
	char host[FT_HOSTNAME_MAX];
	int v = opts->version;

	if ((v != FT_VER_1 && v != FT_VER_5 && v != FT_VER_1005 &&
	    v != FT_VER_IP6) || opts->zlevel < 0 || opts->zlevel > 9 ||
	    opts->byte_order < 0 || opts->byte_order > FT_BIG_ENDIAN) {
		seterr(err, errlen, "%s: unsupported writer options "
		    "(version %d, level %d, byte order %d)", path, v,
		    opts->zlevel, opts->byte_order);
		errno = EINVAL;
		return NULL;
	}
	memset(&hs, 0, sizeof(hs));
	hs.ver = v;
	hs.be = opts->byte_order == 0 ? host_is_be() :
	    opts->byte_order == FT_BIG_ENDIAN;
	hs.hostname = opts->hostname;
	if (hs.hostname == NULL) {
		if (gethostname(host, sizeof(host)) == -1)
			host[0] = 0;
		host[sizeof(host) - 1] = 0;
		hs.hostname = host;
	}
	hs.comment = opts->comment;
	return ftw_open_spec(path, &hs, opts->zlevel, cap_start, initial,
	    err, errlen);
}

int
ftw_write(struct ftw *w, const struct ftrec *recs, size_t n)
{
	size_t i, rs = w->rec_size;
	int be = w->be, ver = w->ver;

	if ((uint64_t)w->count + n > UINT32_MAX) {
		errno = EFBIG;
		return -1;
	}
	if (w->failed) {
		errno = EIO;
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (w->blen + rs > FTW_BUFSZ && flush_buf(w) == -1)
			return -1;
		if (be)
			enc_rec(&recs[i], ver, 1, w->buf + w->blen);
		else
			enc_rec(&recs[i], ver, 0, w->buf + w->blen);
		w->blen += rs;
	}
	w->count += (uint32_t)n;
	return 0;
}

uint32_t
ftw_count(const struct ftw *w)
{
	return w->count;
}

uint64_t
ftw_bytes(const struct ftw *w)
{
	if (w->zp != NULL)
		return w->hlen + zpar_written(w->zp);
	return w->hlen + w->written;
}

int
ftw_failed(const struct ftw *w)
{
	return w->failed;
}

int
ftw_flush(struct ftw *w, int wait)
{
	if (flush_buf(w) == -1)
		return -1;
	if ((wait && w->zp != NULL && zpar_wait(w->zp) == -1) ||
	    (w->zp == NULL && w->zlevel > 0 && zout_drain(w) == -1)) {
		w->failed = 1;
		return -1;
	}
	return 0;
}

static int
rewrite_header(struct ftw *w, uint32_t cap_end)
{
	uint8_t hdr[FTW_HDRMAX];
	size_t h;
	uint32_t flags = FT_HEADER_FLAG_DONE;
	ssize_t n;

	if (w->zlevel > 0)
		flags |= FT_HEADER_FLAG_COMPRESS;
	h = encode_hdr(hdr, sizeof(hdr), &w->hs, w->cap_start, cap_end,
	    flags, &w->ctr);
	if (h != w->hlen) {
		errno = EINVAL;
		return -1;
	}
	do
		n = pwrite(w->fd, hdr, h, 0);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)h) {
		if (n >= 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

static int
finish(struct ftw *w, uint32_t cap_end)
{
	if (w->failed) {
		errno = EIO;
		return -1;
	}
	if (w->zp != NULL) {
		struct zpar *zp = w->zp;

		w->zp = NULL;
		if (zpar_finish(zp, &w->buf, w->blen) == -1)
			return -1;
		w->blen = 0;
	}
	if (flush_buf(w) == -1)
		return -1;
	if (w->zinit && (deflate_data(w, NULL, 0, Z_FINISH) == -1 ||
	    zout_drain(w) == -1))
		return -1;
	if (rewrite_header(w, cap_end) == -1)
		return -1;
	if (close(w->fd) == -1) {
		w->fd = -1;
		return -1;
	}
	w->fd = -1;
	return 0;
}

int
ftw_close(struct ftw *w, uint32_t cap_end, const struct ft_counters *final,
    const char *final_path, char *err, size_t errlen)
{
	int rc = 0;

	if (final != NULL)
		w->ctr = *final;
	w->ctr.flow_count = w->count;
	if (finish(w, cap_end) == -1) {
		seterr(err, errlen, "%s: %s", w->path, strerror(errno));
		rc = -1;
	} else if (final_path != NULL && strcmp(final_path, w->path) != 0 &&
	    rename(w->path, final_path) == -1) {
		seterr(err, errlen, "rename %s to %s: %s", w->path, final_path,
		    strerror(errno));
		rc = -1;
	}
	ftw_free(w);
	return rc;
}

void
ftw_abort(struct ftw *w)
{
	if (w != NULL)
		ftw_free(w);
}

/* ---------------------------------------------------------- repair */

/* The header spec of a parsed header (for rewriting it). */
static void
spec_of(const struct ft_header *h, struct hdrspec *hs)
{
	memset(hs, 0, sizeof(*hs));
	hs->ver = h->d_version;
	hs->agg_ver = h->agg_version;
	hs->agg_method = h->agg_method;
	hs->be = h->byte_order == FT_BIG_ENDIAN;
	hs->hostname = h->hostname;
	if (h->present & (1u << FT_TLV_COMMENTS))
		hs->comment = h->comments;
}

/* The zlib header's FLEVEL bits name the level class; pick its level. */
static int
zlevel_of(const uint8_t *body, size_t len)
{
	static const int lv[4] = { 1, 5, 6, 9 };

	if (len < 2)
		return 6;
	return lv[(body[1] >> 6) & 3];
}

/* Inflate as far as the stream goes and write every whole record. */
static int
repair_inflate(struct ftw *w, const uint8_t *body, size_t len)
{
	z_stream z;
	uint8_t *out;
	size_t have = 0, whole;
	int rc, ret = 0;

	memset(&z, 0, sizeof(z));
	out = malloc(FTW_BUFSZ);
	if (out == NULL || inflateInit(&z) != Z_OK) {
		free(out);
		return -1;
	}
	z.next_in = (Bytef *)(uintptr_t)body;
	z.avail_in = (uInt)len;
	do {
		z.next_out = out + have;
		z.avail_out = (uInt)(FTW_BUFSZ - have);
		rc = inflate(&z, Z_SYNC_FLUSH);
		have = FTW_BUFSZ - z.avail_out;
		whole = have - have % w->rec_size;
		if (write_bytes(w, out, whole) == -1) {
			ret = -1;
			break;
		}
		w->count += (uint32_t)(whole / w->rec_size);
		memmove(out, out + whole, have - whole);
		have -= whole;
	} while (rc == Z_OK);
	inflateEnd(&z);
	free(out);
	return ret;
}

static struct ftw *
repair_open(const char *tmp, const struct ft_header *h, const uint8_t *body,
    size_t blen, char *err, size_t errlen)
{
	struct hdrspec hs;
	int zl = 0;

	spec_of(h, &hs);
	if (h->flags & FT_HEADER_FLAG_COMPRESS)
		zl = zlevel_of(body, blen);
	return ftw_open_spec(tmp, &hs, zl, h->cap_start, &h->counters, err,
	    errlen);
}

/*
 * An uncompressed file is finished where it lies: cut after the last whole
 * record and rewrite the header over the old one, so that no more disk
 * space is needed.  Returns the records kept, -1 on error, or -2 when the
 * new header would not have the old one's length (then copy instead).
 */
static long
repair_in_place(int fd, const char *path, const char *dst,
    const struct ft_header *h, size_t size, uint32_t cap_end,
    const struct ft_counters *ctr, char *err, size_t errlen)
{
	struct hdrspec hs;
	struct ft_counters c = *ctr;
	uint8_t hdr[FTW_HDRMAX];
	size_t rs = rec_size_of(h->d_version), hl;
	uint64_t k;
	ssize_t n;

	if (rs == 0) {
		seterr(err, errlen, "%s: cannot repair this kind of file",
		    path);
		return -1;
	}
	k = (size - h->header_len) / rs;
	if (k > UINT32_MAX) {
		seterr(err, errlen, "%s: too many records", path);
		return -1;
	}
	spec_of(h, &hs);
	c.flow_count = (uint32_t)k;
	hl = encode_hdr(hdr, sizeof(hdr), &hs, h->cap_start, cap_end,
	    FT_HEADER_FLAG_DONE, &c);
	if (hl != h->header_len)
		return -2;
	if (ftruncate(fd, (off_t)(h->header_len + k * rs)) == -1) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	do
		n = pwrite(fd, hdr, hl, 0);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)hl) {
		seterr(err, errlen, "%s: %s", path,
		    n == -1 ? strerror(errno) : "short write");
		return -1;
	}
	if (strcmp(dst, path) != 0 && rename(path, dst) == -1) {
		seterr(err, errlen, "rename %s to %s: %s", path, dst,
		    strerror(errno));
		return -1;
	}
	return (long)k;
}

static long
repair_body(int fd, const char *path, const char *dst, uint32_t cap_end,
    const struct ft_counters *ctr, const uint8_t *m, size_t size,
    char *err, size_t errlen)
{
	struct ft_header h;
	struct ftw *w;
	char tmp[4096], e2[256];
	const uint8_t *body;
	size_t blen;
	long kept;
	int rc;

	if (ftr_parse_header(m, size, &h, e2, sizeof(e2)) == -1) {
		seterr(err, errlen, "%s: %s", path, e2);
		return -1;
	}
	if (h.s_version != 3 || h.d_version == FT_VER_8) {
		seterr(err, errlen, "%s: cannot repair this kind of file",
		    path);
		return -1;
	}
	if (ctr == NULL)
		ctr = &h.counters;
	if (!(h.flags & FT_HEADER_FLAG_COMPRESS)) {
		kept = repair_in_place(fd, path, dst, &h, size, cap_end, ctr,
		    err, errlen);
		if (kept != -2)
			return kept;
	}
	body = m + h.header_len;
	blen = size - h.header_len;
	snprintf(tmp, sizeof(tmp), "%s.repair", dst);
	if ((w = repair_open(tmp, &h, body, blen, err, errlen)) == NULL)
		return -1;
	if (w->zlevel > 0)
		rc = repair_inflate(w, body, blen);
	else {
		size_t whole = blen - blen % w->rec_size;

		rc = write_bytes(w, body, whole);
		w->count = (uint32_t)(whole / w->rec_size);
	}
	if (rc == -1) {
		seterr(err, errlen, "%s: %s", tmp, strerror(errno));
		ftw_abort(w);
		unlink(tmp);
		return -1;
	}
	kept = (long)w->count;
	if (ftw_close(w, cap_end, ctr, dst, err, errlen) == -1) {
		unlink(tmp);
		return -1;
	}
	if (strcmp(dst, path) != 0 && unlink(path) == -1) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return kept;
}

static long
repair_file(const char *path, const char *final_path, uint32_t cap_end,
    const struct ft_counters *ctr, char *err, size_t errlen)
{
	struct stat st;
	void *m;
	long n;
	int fd;
	const char *dst = final_path != NULL ? final_path : path;

	if ((fd = open(path, O_RDWR | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (st.st_size < 8) {
		seterr(err, errlen, "%s: offset 0: file too short", path);
		close(fd);
		return -1;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	n = repair_body(fd, path, dst, cap_end, ctr, m, (size_t)st.st_size,
	    err, errlen);
	munmap(m, (size_t)st.st_size);
	if (close(fd) == -1 && n >= 0) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return n;
}

long
ftw_repair(const char *path, const char *final_path, uint32_t cap_end,
    char *err, size_t errlen)
{
	return repair_file(path, final_path, cap_end, NULL, err, errlen);
}

long
ftw_salvage(const char *path, const char *final_path, uint32_t cap_end,
    const struct ft_counters *final, char *err, size_t errlen)
{
	return repair_file(path, final_path, cap_end, final, err, errlen);
}
