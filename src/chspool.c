/*
 * chspool.c - spool files of the ClickHouse sink (see chspool.h).
 */
#define _GNU_SOURCE

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "chspool.h"
#include "storage/chrow.h"

#define NAME_FMT	"chb-%020" PRIu64 ".chb"
#define TMP_FMT		"tmp-chb-%020" PRIu64 ".chb"
#define BAD_FMT		"bad-chb-%020" PRIu64 ".chb"

static void
put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void
put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* CRC-32 of any length (zlib's crc32 takes a uInt). */
static uint32_t
crc_of(const uint8_t *p, size_t len)
{
	uLong	c = crc32(0L, Z_NULL, 0);

	while (len > 0) {
		uInt k = len > (1u << 30) ? (1u << 30) : (uInt)len;

		c = crc32(c, p, k);
		p += k;
		len -= k;
	}
	return (uint32_t)c;
}

void
chspool_header(uint8_t hdr[CHSPOOL_HDR], uint32_t rows, const uint8_t *body,
    size_t blen)
{
	memcpy(hdr, CHSPOOL_MAGIC, 8);
	put32(hdr + 8, rows);
	put32(hdr + 12, crc_of(body, blen));
	put64(hdr + 16, blen);
}

int
chspool_parse(const uint8_t *p, size_t len, uint32_t *rows,
    const uint8_t **body, size_t *blen, char *err, size_t errlen)
{
	struct flowrec	r;
	uint64_t	n;
	uint32_t	k, want;
	size_t		off;
	long		used;

	if (len < CHSPOOL_HDR || memcmp(p, CHSPOOL_MAGIC, 8) != 0) {
		snprintf(err, errlen, "not a spool file (%zu bytes, no "
		    "header)", len);
		return -1;
	}
	want = get32(p + 8);
	n = get64(p + 16);
	if (n > CHSPOOL_MAX_BODY || n != len - CHSPOOL_HDR) {
		snprintf(err, errlen, "body of %zu bytes, the header says %"
		    PRIu64 " (cut short?)", len - CHSPOOL_HDR, n);
		return -1;
	}
	if (crc_of(p + CHSPOOL_HDR, (size_t)n) != get32(p + 12)) {
		snprintf(err, errlen, "checksum mismatch");
		return -1;
	}
	for (off = CHSPOOL_HDR, k = 0; off < len; k++) {
		used = chrow_decode(p + off, len - off, &r, NULL, 0);
		if (used <= 0) {
			snprintf(err, errlen, "row %" PRIu32 " is %s", k + 1,
			    used == 0 ? "cut short" : "not a flow row");
			return -1;
		}
		off += (size_t)used;
	}
	if (k != want) {
		snprintf(err, errlen, "%" PRIu32 " rows, the header says %"
		    PRIu32, k, want);
		return -1;
	}
	*rows = want;
	*body = p + CHSPOOL_HDR;
	*blen = (size_t)n;
	return 0;
}

static int
write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t	w;

	while (len > 0) {
		if ((w = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static void
sync_dir(const char *dir)
{
	int	fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

uint64_t
chspool_write(const char *dir, uint64_t seq, uint32_t rows,
    const uint8_t *body, size_t blen, char *err, size_t errlen)
{
	char		tmp[4096], fin[4096];
	uint8_t		hdr[CHSPOOL_HDR];
	int		fd, e;

	snprintf(tmp, sizeof(tmp), "%s/" TMP_FMT, dir, seq);
	snprintf(fin, sizeof(fin), "%s/" NAME_FMT, dir, seq);
	chspool_header(hdr, rows, body, blen);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0640)) < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return 0;
	}
	if (write_all(fd, hdr, sizeof(hdr)) != 0 ||
	    write_all(fd, body, blen) != 0 || fsync(fd) != 0) {
		e = errno;
		close(fd);
		unlink(tmp);
		snprintf(err, errlen, "%s: %s", tmp, strerror(e));
		return 0;
	}
	if (close(fd) != 0 || rename(tmp, fin) != 0) {
		e = errno;
		unlink(tmp);
		snprintf(err, errlen, "%s: %s", fin, strerror(e));
		return 0;
	}
	sync_dir(dir);
	return CHSPOOL_HDR + (uint64_t)blen;
}

static int
ent_cmp(const void *a, const void *b)
{
	const struct chspool_ent *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* seq of "chb-<20 digits>.chb" after prefix; 0 on success. */
static int
name_seq(const char *name, const char *prefix, uint64_t *seq)
{
	size_t	pl = strlen(prefix);
	uint64_t v = 0;
	int	i;

	if (strncmp(name, prefix, pl) != 0 || strlen(name) != pl + 24 ||
	    strcmp(name + pl + 20, ".chb") != 0)
		return -1;
	for (i = 0; i < 20; i++) {
		char c = name[pl + i];

		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (uint64_t)(c - '0');
	}
	*seq = v;
	return 0;
}

int
chspool_scan(const char *dir, struct chspool_ent **out, unsigned *n,
    unsigned *stale, char *err, size_t errlen)
{
	struct chspool_ent *v = NULL, *nv;
	struct dirent	*de;
	struct stat	 st;
	char		 path[4096];
	unsigned	 cnt = 0, cap = 0;
	uint64_t	 seq;
	DIR		*d;

	*out = NULL;
	*n = 0;
	*stale = 0;
	if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (name_seq(de->d_name, "tmp-chb-", &seq) == 0) {
			if (unlink(path) == 0)
				(*stale)++;
			continue;
		}
		if (name_seq(de->d_name, "chb-", &seq) != 0 ||
		    stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (cnt == cap) {
			cap = cap ? 2 * cap : 64;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				closedir(d);
				free(v);
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			v = nv;
		}
		v[cnt].seq = seq;
		v[cnt].size = (uint64_t)st.st_size;
		cnt++;
	}
	closedir(d);
	if (cnt > 1)
		qsort(v, cnt, sizeof(*v), ent_cmp);
	*out = v;
	*n = cnt;
	return 0;
}

int
chspool_read(const char *dir, uint64_t seq, uint8_t **buf, size_t *len,
    char *err, size_t errlen)
{
	char		path[4096];
	struct stat	st;
	uint8_t		*b;
	size_t		off = 0;
	ssize_t		r;
	int		fd;

	snprintf(path, sizeof(path), "%s/" NAME_FMT, dir, seq);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || (uint64_t)st.st_size > CHSPOOL_MAX_BODY +
	    CHSPOOL_HDR) {
		close(fd);
		snprintf(err, errlen, "%s: too large or unreadable", path);
		return -1;
	}
	if ((b = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	while (off < (size_t)st.st_size) {
		r = read(fd, b + off, (size_t)st.st_size - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		off += (size_t)r;
	}
	close(fd);
	*buf = b;
	*len = off;
	return 0;
}

int
chspool_remove(const char *dir, uint64_t seq)
{
	char	path[4096];

	snprintf(path, sizeof(path), "%s/" NAME_FMT, dir, seq);
	return unlink(path);
}

int
chspool_set_aside(const char *dir, uint64_t seq)
{
	char	from[4096], to[4096];

	snprintf(from, sizeof(from), "%s/" NAME_FMT, dir, seq);
	snprintf(to, sizeof(to), "%s/" BAD_FMT, dir, seq);
	return rename(from, to);
}
