/*
 * colidx.c - column index sidecars (see colidx.h, doc/column-index.md).
 *
 * File layout, little-endian:
 *
 *   header (48 bytes)
 *     0  "FKCI"          4  u16 version     6  u16 columns
 *     8  u64 flow file size                 16 i64 flow file mtime (ns)
 *     24 u64 records     32 u32 rows per group
 *     36 u32 CRC-32 of the header (this field as 0) and the directory
 *     40 u64 offset of the directory
 *   chunks, in any order
 *   directory (at the end): groups x columns entries of 32 bytes
 *     0  u64 chunk offset   8  u32 chunk length   12 u32 chunk CRC-32
 *     16 u8 codec           17 u8 stored width    18 6 bytes zero
 *     24 u64 base
 *
 * A row's value is base + the stored width's little-endian integer for
 * number columns, the stored bytes followed by zeros for address columns.
 * Codecs: CONST (the chunk holds one row for all), RAW (rows x width
 * bytes), DEFLATE (those bytes as raw deflate).
 */
#define _GNU_SOURCE	/* strdup */

#include <sys/mman.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "colidx.h"
#include "ftreader.h"

#define HDR_LEN		48
#define ENT_LEN		32
#define C_CONST		0
#define C_RAW		1
#define C_DEFLATE	2

/*
 * A chunk is deflated only when that saves at least 1/DEFLATE_GAIN of it:
 * inflating costs more CPU than reading raw bytes from the page cache, so
 * columns that deflate poorly (times, addresses) stay raw.
 */
#define DEFLATE_GAIN	3

enum kind { K_INT, K_BYTES };

static const struct colspec {
	const char	*name;
	uint16_t	 off;
	uint8_t		 width;
	uint8_t		 kind;
} cols[COLIDX_NCOL] = {
#define I(n, f) { n, offsetof(struct flowrec, f), \
	sizeof(((struct flowrec *)0)->f), K_INT }
#define B(n, f) { n, offsetof(struct flowrec, f), 16, K_BYTES }
	[COLIDX_FIRST] = I("first_ms", first_ms),
	[COLIDX_LAST] = I("last_ms", last_ms),
	[COLIDX_RECV] = I("recv_ms", recv_ms),
	[COLIDX_PACKETS] = I("packets", packets),
	[COLIDX_OCTETS] = I("octets", octets),
	[COLIDX_EXPSECS] = I("exp_secs", exp_secs),
	[COLIDX_EXPNSECS] = I("exp_nsecs", exp_nsecs),
	[COLIDX_UPTIME] = I("uptime_ms", uptime_ms),
	[COLIDX_SOURCEID] = I("source_id", source_id),
	[COLIDX_SAMPLING] = I("sampling", sampling),
	[COLIDX_INIF] = I("in_if", in_if),
	[COLIDX_OUTIF] = I("out_if", out_if),
	[COLIDX_SRCAS] = I("src_as", src_as),
	[COLIDX_DSTAS] = I("dst_as", dst_as),
	[COLIDX_SRCTAG] = I("src_tag", src_tag),
	[COLIDX_DSTTAG] = I("dst_tag", dst_tag),
	[COLIDX_FLOWLABEL] = I("flow_label", flow_label),
	[COLIDX_FIELDS] = I("fields", fields),
	[COLIDX_EXPORTER] = B("exporter", exporter),
	[COLIDX_SRC] = B("src", src),
	[COLIDX_DST] = B("dst", dst),
	[COLIDX_NEXTHOP] = B("nexthop", nexthop),
	[COLIDX_SPORT] = I("sport", sport),
	[COLIDX_DPORT] = I("dport", dport),
	[COLIDX_AF] = I("af", af),
	[COLIDX_EXPAF] = I("exp_af", exp_af),
	[COLIDX_PROTO] = I("proto", proto),
	[COLIDX_FLAGS] = I("tcp_flags", tcp_flags),
	[COLIDX_TOS] = I("tos", tos),
	[COLIDX_SRCMASK] = I("src_mask", src_mask),
	[COLIDX_DSTMASK] = I("dst_mask", dst_mask),
	[COLIDX_ENGTYPE] = I("engine_type", engine_type),
	[COLIDX_ENGID] = I("engine_id", engine_id),
	[COLIDX_VERSION_COL] = I("version", version),
#undef I
#undef B
};

const char *
colidx_col_name(unsigned c)
{
	return c < COLIDX_NCOL ? cols[c].name : "?";
}

uint64_t
colidx_need(uint32_t u)
{
	return colidx_cols(u) | COLIDX_BIT(COLIDX_FIRST) |
	    COLIDX_BIT(COLIDX_LAST) | COLIDX_BIT(COLIDX_PACKETS) |
	    COLIDX_BIT(COLIDX_OCTETS) | COLIDX_BIT(COLIDX_FIELDS) |
	    COLIDX_BIT(COLIDX_AF) | COLIDX_BIT(COLIDX_EXPAF) |
	    COLIDX_BIT(COLIDX_VERSION_COL) | COLIDX_BIT(COLIDX_SAMPLING);
}

uint64_t
colidx_cols(uint32_t u)
{
	static const struct {
		uint32_t	use;
		uint64_t	cols;
	} map[] = {
		{ FR_HAS_PORTS, COLIDX_BIT(COLIDX_SPORT) |
		    COLIDX_BIT(COLIDX_DPORT) },
		{ FR_HAS_PROTO, COLIDX_BIT(COLIDX_PROTO) },
		{ FR_HAS_TCPFLAGS, COLIDX_BIT(COLIDX_FLAGS) },
		{ FR_HAS_TOS, COLIDX_BIT(COLIDX_TOS) },
		{ FR_HAS_IFINDEX, COLIDX_BIT(COLIDX_INIF) |
		    COLIDX_BIT(COLIDX_OUTIF) },
		{ FR_HAS_AS, COLIDX_BIT(COLIDX_SRCAS) |
		    COLIDX_BIT(COLIDX_DSTAS) },
		{ FR_HAS_MASK, COLIDX_BIT(COLIDX_SRCMASK) |
		    COLIDX_BIT(COLIDX_DSTMASK) },
		{ FR_HAS_NEXTHOP, COLIDX_BIT(COLIDX_NEXTHOP) },
		{ FR_HAS_ENGINE, COLIDX_BIT(COLIDX_ENGTYPE) |
		    COLIDX_BIT(COLIDX_ENGID) },
		{ FR_HAS_TAGS, COLIDX_BIT(COLIDX_SRCTAG) |
		    COLIDX_BIT(COLIDX_DSTTAG) },
		{ FR_HAS_SRCADDR, COLIDX_BIT(COLIDX_SRC) },
		{ FR_HAS_DSTADDR, COLIDX_BIT(COLIDX_DST) },
		{ FR_HAS_FLOWLABEL, COLIDX_BIT(COLIDX_FLOWLABEL) },
		{ FR_HAS_UPTIME | COLIDX_U_EXPORT, COLIDX_BIT(COLIDX_UPTIME) |
		    COLIDX_BIT(COLIDX_EXPSECS) | COLIDX_BIT(COLIDX_EXPNSECS) },
		{ COLIDX_U_RECV, COLIDX_BIT(COLIDX_RECV) |
		    COLIDX_BIT(COLIDX_SOURCEID) },
		{ COLIDX_U_EXPORTER, COLIDX_BIT(COLIDX_EXPORTER) },
		{ FR_HAS_TIMES, COLIDX_BIT(COLIDX_FIRST) |
		    COLIDX_BIT(COLIDX_LAST) },
		{ FR_HAS_PACKETS, COLIDX_BIT(COLIDX_PACKETS) },
		{ FR_HAS_OCTETS, COLIDX_BIT(COLIDX_OCTETS) },
		{ FR_HAS_SAMPLING, COLIDX_BIT(COLIDX_SAMPLING) },
	};
	uint64_t need = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (u & map[i].use)
			need |= map[i].cols;
	return need;
}

static int
little_endian(void)
{
	const uint16_t one = 1;

	return *(const uint8_t *)&one == 1;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t
get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* ------------------------------------------------------------ paths */

int
colidx_path(char *buf, size_t len, const char *index_dir, const char *ftpath)
{
	char abs[PATH_MAX];

	if (realpath(ftpath, abs) == NULL)
		return -1;
	if ((size_t)snprintf(buf, len, "%s%s%s", index_dir, abs,
	    COLIDX_SUFFIX) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
colidx_default_dir(char *buf, size_t len, const char *statefile)
{
	const char *slash = strrchr(statefile, '/');
	int n;

	if (slash == NULL)
		n = snprintf(buf, len, "%s", COLIDX_DIRNAME);
	else
		n = snprintf(buf, len, "%.*s/%s", (int)(slash - statefile),
		    statefile, COLIDX_DIRNAME);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* path as an absolute path: resolved if it exists, else its existing
 * parent resolved plus the rest, else joined to the working directory. */
static int
absolute(const char *path, char *out, size_t len)
{
	char parent[PATH_MAX], cwd[PATH_MAX], res[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (realpath(path, res) != NULL)
		return snprintf(out, len, "%s", res) < (int)len ? 0 : -1;
	if (slash != NULL && slash != path) {
		snprintf(parent, sizeof(parent), "%.*s", (int)(slash - path),
		    path);
		if (realpath(parent, res) != NULL)
			return snprintf(out, len, "%s%s", res, slash) <
			    (int)len ? 0 : -1;
	}
	if (path[0] == '/')
		return snprintf(out, len, "%s", path) < (int)len ? 0 : -1;
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return -1;
	return snprintf(out, len, "%s/%s", cwd, path) < (int)len ? 0 : -1;
}

int
colidx_dir_inside(const char *dir, const char *root)
{
	char d[PATH_MAX], r[PATH_MAX];
	size_t n;

	if (absolute(dir, d, sizeof(d)) == -1 ||
	    absolute(root, r, sizeof(r)) == -1)
		return 0;
	n = strlen(r);
	while (n > 1 && r[n - 1] == '/')
		r[--n] = '\0';
	return strncmp(d, r, n) == 0 && (d[n] == '\0' || d[n] == '/' ||
	    n == 1);
}

int
colidx_stamp_of(const char *path, struct colidx_stamp *st)
{
	struct stat sb;

	if (stat(path, &sb) == -1)
		return -1;
	st->size = (uint64_t)sb.st_size;
	st->mtime_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000 +
	    sb.st_mtim.tv_nsec;
	return 0;
}

/* ------------------------------------------------------------ writer */

struct colidx_w {
	int		 fd;
	uint64_t	 pos;		/* next chunk offset */
	uint64_t	 nrec;
	struct flowrec	*rows;		/* the group being filled */
	unsigned	 nrows;
	uint8_t		*raw, *z;	/* encoding buffers */
	uint8_t		*dir;		/* directory so far */
	size_t		 ndir, cdir;	/* entries */
	struct libdeflate_compressor *c;
	int		 failed;
};

struct colidx_w *
colidx_wnew(int fd)
{
	struct colidx_w *w;

	if (!little_endian()) {
		errno = ENOTSUP;
		return NULL;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->fd = fd;
	w->pos = HDR_LEN;
	w->rows = malloc(COLIDX_GROUP * sizeof(*w->rows));
	w->raw = malloc((size_t)COLIDX_GROUP * 16);
	w->z = malloc((size_t)COLIDX_GROUP * 16);
	w->c = libdeflate_alloc_compressor(1);
	if (w->rows == NULL || w->raw == NULL || w->z == NULL ||
	    w->c == NULL) {
		colidx_wfree(w);
		errno = ENOMEM;
		return NULL;
	}
	return w;
}

void
colidx_wfree(struct colidx_w *w)
{
	if (w == NULL)
		return;
	free(w->rows);
	free(w->raw);
	free(w->z);
	free(w->dir);
	if (w->c != NULL)
		libdeflate_free_compressor(w->c);
	free(w);
}

static int
write_all(int fd, const void *buf, size_t len, uint64_t off)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static uint64_t
load_int(const uint8_t *p, unsigned width)
{
	uint64_t v = 0;

	memcpy(&v, p, width);	/* little-endian host */
	return v;
}

/*
 * Column c of the group as stored bytes in w->raw: *sw the stored width,
 * *base the base, *cnst set when every row is the same (then w->raw
 * holds one row).  Returns the bytes.
 */
static size_t
gather(struct colidx_w *w, unsigned c, unsigned *sw, uint64_t *base,
    int *cnst)
{
	const struct colspec *cs = &cols[c];
	const uint8_t *r0 = (const uint8_t *)w->rows + cs->off;
	unsigned n = w->nrows, i;
	uint64_t lo = UINT64_MAX, hi = 0, v;
	static const uint8_t zero[12];

	*cnst = 1;
	for (i = 1; i < n && *cnst; i++)
		*cnst = memcmp(r0, r0 + i * sizeof(struct flowrec),
		    cs->width) == 0;
	*base = 0;
	if (cs->kind == K_BYTES) {
		*sw = 4;
		for (i = 0; i < n && *sw == 4; i++)
			if (memcmp(r0 + i * sizeof(struct flowrec) + 4, zero,
			    12) != 0)
				*sw = 16;
		for (i = 0; i < (*cnst ? 1 : n); i++)
			memcpy(w->raw + i * *sw, r0 + i *
			    sizeof(struct flowrec), *sw);
		return (size_t)(*cnst ? 1 : n) * *sw;
	}
	for (i = 0; i < n; i++) {
		v = load_int(r0 + i * sizeof(struct flowrec), cs->width);
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	*base = lo;
	hi -= lo;
	*sw = hi < 0x100 ? 1 : hi < 0x10000 ? 2 : hi <= 0xffffffffu ? 4 : 8;
	if (*cnst) {
		memset(w->raw, 0, *sw);
		return *sw;
	}
	for (i = 0; i < n; i++) {
		v = load_int(r0 + i * sizeof(struct flowrec), cs->width) - lo;
		memcpy(w->raw + i * *sw, &v, *sw);
	}
	return (size_t)n * *sw;
}

static int
add_entry(struct colidx_w *w, uint64_t off, size_t len, uint32_t crc,
    int codec, unsigned sw, uint64_t base)
{
	uint8_t *e;

	if (w->ndir == w->cdir) {
		size_t nc = w->cdir ? w->cdir * 2 : 64;
		void *p = realloc(w->dir, nc * ENT_LEN);

		if (p == NULL)
			return -1;
		w->dir = p;
		w->cdir = nc;
	}
	e = w->dir + w->ndir++ * ENT_LEN;
	memset(e, 0, ENT_LEN);
	put64(e, off);
	put32(e + 8, (uint32_t)len);
	put32(e + 12, crc);
	e[16] = (uint8_t)codec;
	e[17] = (uint8_t)sw;
	put64(e + 24, base);
	return 0;
}

static int
flush_group(struct colidx_w *w)
{
	for (unsigned c = 0; c < COLIDX_NCOL; c++) {
		unsigned sw;
		uint64_t base;
		int cnst, codec = C_RAW;
		size_t len = gather(w, c, &sw, &base, &cnst), zl = 0;
		const uint8_t *out = w->raw;

		if (cnst)
			codec = C_CONST;
		else if (len >= 64 && (zl = libdeflate_deflate_compress(w->c,
		    w->raw, len, w->z, len - len / DEFLATE_GAIN)) > 0) {
			codec = C_DEFLATE;
			out = w->z;
			len = zl;
		}
		if (write_all(w->fd, out, len, w->pos) == -1 ||
		    add_entry(w, w->pos, len, libdeflate_crc32(0, out, len),
		    codec, sw, base) == -1)
			return -1;
		w->pos += len;
	}
	w->nrows = 0;
	return 0;
}

int
colidx_wadd(struct colidx_w *w, const struct flowrec *recs, size_t n)
{
	while (n > 0 && !w->failed) {
		size_t k = COLIDX_GROUP - w->nrows;

		k = k < n ? k : n;
		memcpy(w->rows + w->nrows, recs, k * sizeof(*recs));
		w->nrows += (unsigned)k;
		w->nrec += k;
		recs += k;
		n -= k;
		if (w->nrows == COLIDX_GROUP && flush_group(w) == -1)
			w->failed = 1;
	}
	return w->failed ? -1 : 0;
}

int
colidx_wfinish(struct colidx_w *w, const struct colidx_stamp *st)
{
	uint8_t h[HDR_LEN];
	uint32_t crc;

	if (w->failed || (w->nrows > 0 && flush_group(w) == -1))
		return -1;
	memset(h, 0, sizeof(h));
	memcpy(h, "FKCI", 4);
	put16(h + 4, COLIDX_VERSION);
	put16(h + 6, COLIDX_NCOL);
	put64(h + 8, st->size);
	put64(h + 16, (uint64_t)st->mtime_ns);
	put64(h + 24, w->nrec);
	put32(h + 32, COLIDX_GROUP);
	put64(h + 40, w->pos);
	crc = libdeflate_crc32(0, h, sizeof(h));
	if (w->ndir > 0)	/* (a NULL buffer would reset the CRC) */
		crc = libdeflate_crc32(crc, w->dir, w->ndir * ENT_LEN);
	put32(h + 36, crc);
	if (write_all(w->fd, w->dir, w->ndir * ENT_LEN, w->pos) == -1 ||
	    write_all(w->fd, h, sizeof(h), 0) == -1)
		return -1;
	return 0;
}

/* ------------------------------------------------------------ prune */

struct pruner {
	char			 key[PATH_MAX];	/* flow path of entry */
	const atomic_int	*cancel;
	struct colidx_pruned	*out;
};

/* The flow file of the sidecar whose key is p->key is gone. */
static int
flow_gone(const struct pruner *p)
{
	struct stat sb;

	return lstat(p->key, &sb) == -1 && (errno == ENOENT ||
	    errno == ENOTDIR);
}

/* A sidecar name: something, then the suffix. */
static int
is_sidecar(const char *name, size_t n)
{
	size_t sl = strlen(COLIDX_SUFFIX);

	return n > sl && strcmp(name + n - sl, COLIDX_SUFFIX) == 0;
}

/* Prune directory dfd (closed here), whose flow path is p->key[0..klen);
 * no symbolic link is followed. */
static void
prune_walk(struct pruner *p, int dfd, size_t klen, unsigned depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	struct stat sb;
	uint64_t before;
	size_t n;
	int sub;

	if (d == NULL) {
		close(dfd);
		return;
	}
	while ((de = readdir(d)) != NULL && (p->cancel == NULL ||
	    atomic_load(p->cancel) == 0)) {
		n = strlen(de->d_name);
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    klen + 1 + n >= sizeof(p->key) || fstatat(dirfd(d),
		    de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		p->key[klen] = '/';
		memcpy(p->key + klen + 1, de->d_name, n + 1);
		if (S_ISDIR(sb.st_mode) && depth < COLIDX_PRUNE_DEPTH) {
			if ((sub = openat(dirfd(d), de->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1)
				continue;
			before = p->out->removed;
			prune_walk(p, sub, klen + 1 + n, depth + 1);
			if (p->out->removed > before)	/* if empty now */
				(void)unlinkat(dirfd(d), de->d_name,
				    AT_REMOVEDIR);
		} else if (S_ISREG(sb.st_mode) && is_sidecar(de->d_name, n)) {
			p->key[klen + 1 + n - strlen(COLIDX_SUFFIX)] = '\0';
			if (!flow_gone(p))
				p->out->kept++;
			else if (unlinkat(dirfd(d), de->d_name, 0) == 0) {
				p->out->removed++;
				p->out->bytes += (uint64_t)sb.st_size;
			}
		}
	}
	closedir(d);
}

/* Open index_dir, then each component of under below it without
 * following links; the flow path of the result into p->key.  The
 * descriptor, -2 when a part is missing, or -1 (message in err). */
static int
prune_start(struct pruner *p, const char *index_dir, const char *under,
    char *err, size_t errlen)
{
	char part[NAME_MAX + 1];
	const char *s = under;
	size_t n, klen = 0;
	int fd, sub;

	for (s = under; *s != '\0'; s += strcspn(s, "/")) {
		s += strspn(s, "/");
		n = strcspn(s, "/");
		if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' &&
		    s[1] == '.')) {
			snprintf(err, errlen, "%s: not a plain path", under);
			return -1;
		}
	}
	s = under;
	if ((fd = open(index_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return -2;
		snprintf(err, errlen, "%s: %s", index_dir, strerror(errno));
		return -1;
	}
	p->key[0] = '\0';
	while (*s != '\0') {
		s += strspn(s, "/");
		if ((n = strcspn(s, "/")) == 0)
			break;
		if (n >= sizeof(part) || klen + 1 + n >= sizeof(p->key)) {
			close(fd);
			return -2;
		}
		memcpy(part, s, n);
		part[n] = '\0';
		sub = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		close(fd);
		if (sub == -1)
			return -2;
		fd = sub;
		p->key[klen++] = '/';
		memcpy(p->key + klen, part, n + 1);
		klen += n;
		s += n;
	}
	return fd;
}

int
colidx_prune(const char *index_dir, const char *under,
    const atomic_int *cancel, struct colidx_pruned *out, char *err,
    size_t errlen)
{
	struct pruner *p;
	int fd;

	memset(out, 0, sizeof(*out));
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	p->cancel = cancel;
	p->out = out;
	if ((fd = prune_start(p, index_dir, under != NULL ? under : "", err,
	    errlen)) >= 0)
		prune_walk(p, fd, strlen(p->key), 0);
	free(p);
	return fd == -1 ? -1 : 0;
}

/* ------------------------------------------------------------ build */

static int
mkdirs_for(const char *path)
{
	char tmp[PATH_MAX];
	char *p;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s", path) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((p = strrchr(tmp, '/')) == NULL)
		return 0;
	*p = '\0';
	for (p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (tmp[0] != '\0' && mkdir(tmp, 0755) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

/* Every record of the reader into w; 0, or -1 with a message. */
static int
copy_records(struct ftr *r, struct colidx_w *w, char *err, size_t errlen)
{
	static const unsigned batch = 1024;
	struct flowrec *b = malloc(batch * sizeof(*b));
	unsigned n = 0;
	int rc;

	if (b == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (;;) {
		while (n < batch && (rc = ftr_next(r, &b[n])) == 1)
			n++;
		if (colidx_wadd(w, b, n) == -1) {
			snprintf(err, errlen, "writing: %s", strerror(errno));
			rc = -2;
			break;
		}
		n = 0;
		if (rc != 1)
			break;
	}
	free(b);
	if (rc == -1)
		snprintf(err, errlen, "%s", ftr_error(r));
	else if (rc == 0 && ftr_warning(r) != NULL) {
		snprintf(err, errlen, "%s", ftr_warning(r));
		rc = -1;
	}
	return rc == 0 ? 0 : -1;
}

int64_t
colidx_build(const char *ftpath, const char *idxpath, char *err,
    size_t errlen)
{
	struct colidx_stamp a, b;
	struct colidx_w *w = NULL;
	struct ftr *r = NULL;
	char tmp[PATH_MAX];
	int fd = -1;
	int64_t nrec = -1;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp%ld", idxpath,
	    (long)getpid()) >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", idxpath);
		return -1;
	}
	if (colidx_stamp_of(ftpath, &a) == -1) {
		snprintf(err, errlen, "%s: %s", ftpath, strerror(errno));
		return -1;
	}
	if ((r = ftr_open(ftpath, err, errlen)) == NULL)
		return -1;
	if (mkdirs_for(idxpath) == -1 || (fd = open(tmp, O_WRONLY |
	    O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) == -1 ||
	    (w = colidx_wnew(fd)) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (copy_records(r, w, err, errlen) == -1)
		goto out;
	if (colidx_stamp_of(ftpath, &b) == -1 || a.size != b.size ||
	    a.mtime_ns != b.mtime_ns) {
		snprintf(err, errlen, "%s: changed while it was read", ftpath);
		goto out;
	}
	if (colidx_wfinish(w, &a) == -1 || close(fd) == -1) {
		fd = -1;
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, idxpath) == -1) {
		snprintf(err, errlen, "%s: %s", idxpath, strerror(errno));
		goto out;
	}
	nrec = (int64_t)w->nrec;
out:
	if (fd != -1)
		close(fd);
	if (nrec < 0)
		unlink(tmp);
	colidx_wfree(w);
	ftr_close(r);
	return nrec;
}

/* ------------------------------------------------------------ reader */

struct chunk {
	const uint8_t	*data;		/* stored bytes (checked) */
	uint32_t	 len;
	uint8_t		 codec, sw;
	uint64_t	 base;
};

struct colidx {
	void		*map;		/* the file's mapping, or NULL */
	size_t		 maplen;
	uint64_t	 need;
	uint64_t	 nrec;
	uint32_t	 grows;		/* rows per group */
	uint32_t	 ngroups;
	struct chunk	*ch;		/* ngroups x COLIDX_NCOL */
	uint32_t	 g;		/* group decoded (ngroups = none) */
	uint32_t	 rows, pos;	/* rows in it, next row */
	uint32_t	 cpos, cn;	/* the current rows (colidx_next) */
	uint64_t	 done;		/* rows given */
	const uint8_t	*col[COLIDX_NCOL];	/* decoded rows of group g */
	uint8_t		*dec[COLIDX_NCOL];	/* inflate buffers */
	uint32_t	 maxrows;	/* rows of the largest group */
	struct libdeflate_decompressor *d;
	/* colidx_keep(): kbuf[b]'s first kn[b][c] rows hold kval[b][c] in
	 * column c */
	const struct flowrec *kbuf[COLIDX_KEEP];
	uint32_t	 kn[COLIDX_KEEP][COLIDX_NCOL];
	uint8_t		 kval[COLIDX_KEEP][COLIDX_NCOL][16];
	char		 err[256];
};

static int
valid_sw(const struct colspec *cs, unsigned sw)
{
	if (cs->kind == K_BYTES)
		return sw == 4 || sw == 16;
	return (sw == 1 || sw == 2 || sw == 4 || sw == 8) && sw <= cs->width;
}

/* Parse the header and directory (dir: its bytes); fills x->ch's codec,
 * widths, bases, and offsets into `offs`.  COLIDX_OK or a status. */
static enum colidx_status
parse(struct colidx *x, const uint8_t *h, const uint8_t *dir, uint64_t flen,
    const struct colidx_stamp *st, uint64_t *offs, char *err, size_t errlen)
{
	for (size_t i = 0; i < (size_t)x->ngroups * COLIDX_NCOL; i++) {
		const uint8_t *e = dir + i * ENT_LEN;
		const struct colspec *cs = &cols[i % COLIDX_NCOL];
		uint32_t g = (uint32_t)(i / COLIDX_NCOL);
		uint64_t rows = g + 1 < x->ngroups ? x->grows :
		    x->nrec - (uint64_t)g * x->grows;
		struct chunk *k = &x->ch[i];

		offs[i] = get64(e);
		k->len = get32(e + 8);
		k->codec = e[16];
		k->sw = e[17];
		k->base = get64(e + 24);
		if (!valid_sw(cs, k->sw) || k->codec > C_DEFLATE ||
		    offs[i] < HDR_LEN || offs[i] > flen ||
		    k->len > flen - offs[i] ||
		    (k->codec == C_CONST && k->len != k->sw) ||
		    (k->codec == C_RAW && k->len != rows * k->sw) ||
		    (cs->kind == K_BYTES && k->base != 0)) {
			snprintf(err, errlen, "bad directory entry %zu", i);
			return COLIDX_BAD;
		}
	}
	(void)h;
	(void)st;
	return COLIDX_OK;
}

/* Header checks: COLIDX_OK, or a status with a message. */
static enum colidx_status
check_header(struct colidx *x, const uint8_t *h, uint64_t flen,
    const struct colidx_stamp *st, uint64_t *dir_off, char *err,
    size_t errlen)
{
	uint64_t groups;

	if (memcmp(h, "FKCI", 4) != 0) {
		snprintf(err, errlen, "not a column index");
		return COLIDX_BAD;
	}
	if (get16(h + 4) != COLIDX_VERSION || get16(h + 6) != COLIDX_NCOL)
		return COLIDX_ABSENT;	/* another version: rebuild */
	if (st != NULL && (get64(h + 8) != st->size ||
	    (int64_t)get64(h + 16) != st->mtime_ns))
		return COLIDX_ABSENT;	/* stale */
	x->nrec = get64(h + 24);
	x->grows = get32(h + 32);
	*dir_off = get64(h + 40);
	if (x->grows == 0 || x->grows > COLIDX_GROUP ||
	    x->nrec >= COLIDX_MAXREC) {
		snprintf(err, errlen, "bad header");
		return COLIDX_BAD;
	}
	groups = (x->nrec + x->grows - 1) / x->grows;
	x->ngroups = (uint32_t)groups;
	if (*dir_off < HDR_LEN || *dir_off > flen ||
	    flen - *dir_off != groups * COLIDX_NCOL * ENT_LEN) {
		snprintf(err, errlen, "truncated or bad directory offset");
		return COLIDX_BAD;
	}
	return COLIDX_OK;
}

/*
 * The common part of both opens: the sidecar's bytes are src[0, flen)
 * (a mapping of the file, or the caller's memory).  Checks the header,
 * the directory and the CRCs of the needed chunks.
 */
static enum colidx_status
open_common(const uint8_t *src, uint64_t flen, const struct colidx_stamp *st,
    uint64_t need, struct colidx **out, char *err, size_t errlen)
{
	struct colidx *x;
	uint8_t hbuf[HDR_LEN];
	const uint8_t *dir;
	uint64_t dir_off, *offs = NULL;
	enum colidx_status rc = COLIDX_BAD;
	uint32_t crc, want;
	size_t nch, maxrows;

	*out = NULL;
	if (!little_endian())
		return COLIDX_ABSENT;
	if (flen < HDR_LEN) {
		snprintf(err, errlen, "truncated header");
		return COLIDX_BAD;
	}
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return COLIDX_BAD;
	}
	x->need = need != 0 ? need & COLIDX_ALL : COLIDX_ALL;
	if ((rc = check_header(x, src, flen, st, &dir_off, err, errlen)) !=
	    COLIDX_OK)
		goto fail;
	rc = COLIDX_BAD;
	nch = (size_t)x->ngroups * COLIDX_NCOL;
	dir = src + dir_off;
	want = get32(src + 36);
	memcpy(hbuf, src, HDR_LEN);
	put32(hbuf + 36, 0);
	crc = libdeflate_crc32(0, hbuf, HDR_LEN);
	if (flen > dir_off)
		crc = libdeflate_crc32(crc, dir, flen - dir_off);
	if (crc != want) {
		snprintf(err, errlen, "bad header CRC");
		goto fail;
	}
	x->ch = calloc(nch + 1, sizeof(*x->ch));
	offs = calloc(nch + 1, sizeof(*offs));
	if (x->ch == NULL || offs == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if ((rc = parse(x, src, dir, dir_off, st, offs, err, errlen)) !=
	    COLIDX_OK)
		goto fail;
	rc = COLIDX_BAD;
	for (size_t i = 0; i < nch; i++) {
		struct chunk *k = &x->ch[i];

		if (!(x->need & COLIDX_BIT(i % COLIDX_NCOL)))
			continue;
		k->data = src + offs[i];
		if (libdeflate_crc32(0, k->data, k->len) !=
		    get32(dir + i * ENT_LEN + 12)) {
			snprintf(err, errlen, "bad CRC in column %s, group %zu",
			    cols[i % COLIDX_NCOL].name, i / COLIDX_NCOL);
			goto fail;
		}
	}
	maxrows = x->nrec < x->grows ? (size_t)x->nrec : x->grows;
	for (unsigned c = 0; c < COLIDX_NCOL; c++)
		if ((x->need & COLIDX_BIT(c)) && (x->dec[c] =
		    malloc(maxrows * cols[c].width + 1)) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	x->maxrows = (uint32_t)maxrows;
	if ((x->d = libdeflate_alloc_decompressor()) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	x->g = UINT32_MAX;
	free(offs);
	*out = x;
	return COLIDX_OK;
fail:
	free(offs);
	colidx_close(x);
	return rc;
}

enum colidx_status
colidx_open(const char *idxpath, const struct colidx_stamp *st,
    uint64_t need, struct colidx **out, char *err, size_t errlen)
{
	struct stat sb;
	enum colidx_status rc;
	void *map;
	int fd;

	*out = NULL;
	if ((fd = open(idxpath, O_RDONLY | O_CLOEXEC)) == -1)
		return COLIDX_ABSENT;
	if (fstat(fd, &sb) == -1) {
		close(fd);
		return COLIDX_ABSENT;
	}
	if (sb.st_size < HDR_LEN) {
		close(fd);
		snprintf(err, errlen, "truncated header");
		return COLIDX_BAD;
	}
	/* sidecars are replaced by rename, never rewritten in place */
	map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		snprintf(err, errlen, "mmap: %s", strerror(errno));
		return COLIDX_BAD;
	}
	rc = open_common(map, (uint64_t)sb.st_size, st, need, out, err,
	    errlen);
	if (rc != COLIDX_OK)
		munmap(map, (size_t)sb.st_size);
	else {
		(*out)->map = map;
		(*out)->maplen = (size_t)sb.st_size;
	}
	return rc;
}

enum colidx_status
colidx_open_mem(const uint8_t *buf, size_t len, const struct colidx_stamp *st,
    uint64_t need, struct colidx **out, char *err, size_t errlen)
{
	*out = NULL;
	return open_common(buf, len, st, need, out, err, errlen);
}

void
colidx_keep(struct colidx *x, const struct flowrec *buf)
{
	for (unsigned b = 0; b < COLIDX_KEEP; b++)
		if (x->kbuf[b] == NULL || x->kbuf[b] == buf) {
			x->kbuf[b] = buf;
			memset(x->kn[b], 0, sizeof(x->kn[b]));
			return;
		}
}

/* Which kept buffer out is, or -1. */
static int
kept(const struct colidx *x, const struct flowrec *out)
{
	for (int b = 0; b < COLIDX_KEEP; b++)
		if (x->kbuf[b] == out)
			return b;
	return -1;
}

uint64_t
colidx_nrec(const struct colidx *x)
{
	return x->nrec;
}

const char *
colidx_error(const struct colidx *x)
{
	return x->err;
}

/* Decode group g's needed columns; 0 or -1. */
static int
load_group(struct colidx *x, uint32_t g)
{
	uint64_t rows = g + 1 < x->ngroups ? x->grows :
	    x->nrec - (uint64_t)g * x->grows;

	for (unsigned c = 0; c < COLIDX_NCOL; c++) {
		const struct chunk *k = &x->ch[(size_t)g * COLIDX_NCOL + c];

		if (!(x->need & COLIDX_BIT(c)))
			continue;
		if (k->codec != C_DEFLATE) {
			x->col[c] = k->data;
			continue;
		}
		if ((size_t)rows * k->sw > (size_t)x->maxrows * cols[c].width ||
		    libdeflate_deflate_decompress(x->d, k->data, k->len,
		    x->dec[c], (size_t)rows * k->sw, NULL) !=
		    LIBDEFLATE_SUCCESS) {
			snprintf(x->err, sizeof(x->err), "column %s, group "
			    "%u: bad compressed data", cols[c].name, g);
			return -1;
		}
		x->col[c] = x->dec[c];
	}
	x->g = g;
	x->rows = (uint32_t)rows;
	x->pos = 0;
	return 0;
}

#define SCATTER(ST, DT) do {						\
	for (unsigned i = 0; i < n; i++) {				\
		ST v_;							\
		DT w_;							\
		memcpy(&v_, p + (size_t)i * sizeof(ST), sizeof(ST));	\
		w_ = (DT)(k->base + v_);				\
		memcpy(d + (size_t)i * sizeof(struct flowrec), &w_,	\
		    sizeof(DT));					\
	}								\
} while (0)

/* The value of a CONST chunk (its one stored row at p) as the field's
 * bytes, zero-padded to 16. */
static void
const_value(const struct colspec *cs, const struct chunk *k, const uint8_t *p,
    uint8_t one[16])
{
	uint64_t v = k->base + load_int(p, k->sw);

	memset(one, 0, 16);
	if (cs->kind == K_BYTES)
		memcpy(one, p, k->sw);
	else
		memcpy(one, &v, cs->width);
}

/* Rows [from, from + n) of column c (chunk k, decoded at p) into out. */
static void
scatter(const struct colspec *cs, const struct chunk *k, const uint8_t *p,
    unsigned n, struct flowrec *out)
{
	uint8_t *d = (uint8_t *)out + cs->off;

	if (k->codec == C_CONST) {	/* p: the value, field-sized */
		for (unsigned i = 0; i < n; i++)
			memcpy(d + (size_t)i * sizeof(struct flowrec), p,
			    cs->width);
		return;
	}
	if (cs->kind == K_BYTES && k->sw == 4) {	/* IPv4: 4 + 12 zeros */
		for (unsigned i = 0; i < n; i++) {
			uint32_t v;
			uint64_t lo, hi = 0;

			memcpy(&v, p + (size_t)i * 4, 4);
			lo = v;
			memcpy(d + (size_t)i * sizeof(struct flowrec), &lo, 8);
			memcpy(d + (size_t)i * sizeof(struct flowrec) + 8, &hi,
			    8);
		}
		return;
	}
	if (cs->kind == K_BYTES) {
		for (unsigned i = 0; i < n; i++)
			memcpy(d + (size_t)i * sizeof(struct flowrec),
			    p + (size_t)i * 16, 16);
		return;
	}
	switch (cs->width << 4 | k->sw) {
	case 0x11: SCATTER(uint8_t, uint8_t); break;
	case 0x21: SCATTER(uint8_t, uint16_t); break;
	case 0x22: SCATTER(uint16_t, uint16_t); break;
	case 0x41: SCATTER(uint8_t, uint32_t); break;
	case 0x42: SCATTER(uint16_t, uint32_t); break;
	case 0x44: SCATTER(uint32_t, uint32_t); break;
	case 0x81: SCATTER(uint8_t, uint64_t); break;
	case 0x82: SCATTER(uint16_t, uint64_t); break;
	case 0x84: SCATTER(uint32_t, uint64_t); break;
	case 0x88: SCATTER(uint64_t, uint64_t); break;
	default:	/* stored wider than the field: keep the low bytes */
		for (unsigned i = 0; i < n; i++) {
			uint64_t v = k->base + load_int(p + (size_t)i * k->sw,
			    k->sw);

			memcpy(d + (size_t)i * sizeof(struct flowrec), &v,
			    cs->width);
		}
		break;
	}
}

int
colidx_next(struct colidx *x, unsigned max)
{
	unsigned n;

	x->cn = 0;
	if (x->done >= x->nrec)
		return 0;
	if (x->g == UINT32_MAX || x->pos >= x->rows) {
		if (load_group(x, x->g == UINT32_MAX ? 0 : x->g + 1) == -1)
			return -1;
	}
	n = x->rows - x->pos;
	n = n < max ? n : max;
	x->cpos = x->pos;
	x->cn = n;
	x->pos += n;
	x->done += n;
	return (int)n;
}

/*
 * A CONST column into n rows of out, unless out is the kept buffer and
 * already holds the value there.
 */
static void
fill_const(struct colidx *x, unsigned c, const struct chunk *k, unsigned n,
    struct flowrec *out)
{
	uint8_t one[16];

	int b = kept(x, out);

	const_value(&cols[c], k, x->col[c], one);
	if (b >= 0) {
		int same = memcmp(x->kval[b][c], one, 16) == 0;

		if (same && x->kn[b][c] >= n)
			return;
		x->kn[b][c] = same && x->kn[b][c] > n ? x->kn[b][c] : n;
		memcpy(x->kval[b][c], one, 16);
	}
	scatter(&cols[c], k, one, n, out);
}

#define SELECT(ST, DT) do {						\
	for (unsigned j = 0; j < n; j++) {				\
		ST v_;							\
		DT w_;							\
		if (sel[j] >= cn)					\
			continue;	/* not a current row */		\
		memcpy(&v_, p + (size_t)sel[j] * sizeof(ST), sizeof(ST)); \
		w_ = (DT)(k->base + v_);				\
		memcpy(d + (size_t)j * sizeof(struct flowrec), &w_,	\
		    sizeof(DT));					\
	}								\
} while (0)

/* Rows sel[0..n) (below cn) of a non-constant chunk at p into d's rows. */
static void
select_rows(const struct colspec *cs, const struct chunk *k,
    const uint8_t *p, const uint16_t *sel, unsigned n, unsigned cn,
    uint8_t *d)
{
	if (cs->kind == K_BYTES) {
		for (unsigned j = 0; j < n; j++) {
			uint8_t one[16];

			if (sel[j] >= cn)
				continue;
			memset(one, 0, sizeof(one));
			if (k->sw == 4)
				memcpy(one, p + (size_t)sel[j] * 4, 4);
			else
				memcpy(one, p + (size_t)sel[j] * 16, 16);
			memcpy(d + (size_t)j * sizeof(struct flowrec), one, 16);
		}
		return;
	}
	switch (cs->width << 4 | k->sw) {
	case 0x11: SELECT(uint8_t, uint8_t); break;
	case 0x21: SELECT(uint8_t, uint16_t); break;
	case 0x22: SELECT(uint16_t, uint16_t); break;
	case 0x41: SELECT(uint8_t, uint32_t); break;
	case 0x42: SELECT(uint16_t, uint32_t); break;
	case 0x44: SELECT(uint32_t, uint32_t); break;
	case 0x81: SELECT(uint8_t, uint64_t); break;
	case 0x82: SELECT(uint16_t, uint64_t); break;
	case 0x84: SELECT(uint32_t, uint64_t); break;
	case 0x88: SELECT(uint64_t, uint64_t); break;
	default:
		for (unsigned j = 0; j < n; j++) {
			uint64_t v;

			if (sel[j] >= cn)
				continue;
			v = k->base + load_int(p + (size_t)sel[j] * k->sw,
			    k->sw);
			memcpy(d + (size_t)j * sizeof(struct flowrec), &v,
			    cs->width);
		}
		break;
	}
}

void
colidx_fill(struct colidx *x, struct flowrec *out, uint64_t which)
{
	int b;

	which &= x->need;
	for (unsigned c = 0; c < COLIDX_NCOL; c++) {
		const struct chunk *k = &x->ch[(size_t)x->g * COLIDX_NCOL + c];

		if (!(which & COLIDX_BIT(c)) || x->cn == 0)
			continue;
		if (k->codec == C_CONST) {
			fill_const(x, c, k, x->cn, out);
			continue;
		}
		if ((b = kept(x, out)) >= 0)
			x->kn[b][c] = 0;
		scatter(&cols[c], k, x->col[c] + (size_t)x->cpos * k->sw,
		    x->cn, out);
	}
}

void
colidx_fill_rows(struct colidx *x, struct flowrec *out, uint64_t which,
    const uint16_t *sel, unsigned n)
{
	int b;

	which &= x->need;
	for (unsigned c = 0; c < COLIDX_NCOL; c++) {
		const struct chunk *k = &x->ch[(size_t)x->g * COLIDX_NCOL + c];
		const struct colspec *cs = &cols[c];
		const uint8_t *p = x->col[c] + (size_t)x->cpos * k->sw;
		uint8_t *d = (uint8_t *)out + cs->off;

		if (!(which & COLIDX_BIT(c)) || n == 0)
			continue;
		if (k->codec == C_CONST) {
			fill_const(x, c, k, n, out);
			continue;
		}
		if ((b = kept(x, out)) >= 0)
			x->kn[b][c] = 0;
		select_rows(cs, k, p, sel, n, x->cn, d);
	}
}

int
colidx_read(struct colidx *x, struct flowrec *out, unsigned max)
{
	int n = colidx_next(x, max);

	if (n > 0)
		colidx_fill(x, out, x->need);
	return n;
}

void
colidx_close(struct colidx *x)
{
	if (x == NULL)
		return;
	for (unsigned c = 0; c < COLIDX_NCOL; c++)
		free(x->dec[c]);
	if (x->d != NULL)
		libdeflate_free_decompressor(x->d);
	free(x->ch);
	if (x->map != NULL)
		munmap(x->map, x->maplen);
	free(x);
}
