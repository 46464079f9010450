/*
 * nfbuild.h - a tiny NetFlow datagram builder for the proto unit tests.
 *
 * Header-only, test use only.  When the environment variable FK_SEED_DIR
 * is set, pb_dump() writes each built datagram there (2-byte length
 * prefixed) so the fuzz seed corpora can be made from the same packets.
 */
#ifndef FLOWKEEP_NFBUILD_H
#define FLOWKEEP_NFBUILD_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pb {
	uint8_t		b[8192];
	size_t		len;
	size_t		fs;		/* start of the open flowset */
};

static inline void
pb_put(struct pb *p, uint64_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p->b[p->len + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	p->len += n;
}

static inline void
pb_zero(struct pb *p, size_t n)
{
	memset(p->b + p->len, 0, n);
	p->len += n;
}

static inline void
pb_raw(struct pb *p, const void *v, size_t n)
{
	memcpy(p->b + p->len, v, n);
	p->len += n;
}

/* A v9 header. */
static inline void
pb_v9(struct pb *p, unsigned count, uint32_t uptime, uint32_t secs,
    uint32_t seq, uint32_t source_id)
{
	p->len = 0;
	pb_put(p, 9, 2);
	pb_put(p, count, 2);
	pb_put(p, uptime, 4);
	pb_put(p, secs, 4);
	pb_put(p, seq, 4);
	pb_put(p, source_id, 4);
}

static inline void
pb_fs(struct pb *p, unsigned id)
{
	p->fs = p->len;
	pb_put(p, id, 2);
	pb_put(p, 0, 2);
}

/* Close the flowset, adding pad zero bytes first. */
static inline void
pb_fs_end(struct pb *p, size_t pad)
{
	size_t n;

	pb_zero(p, pad);
	n = p->len - p->fs;
	p->b[p->fs + 2] = (uint8_t)(n >> 8);
	p->b[p->fs + 3] = (uint8_t)n;
}

/* One template record (inside a flowset of id 0): f holds type,len. */
static inline void
pb_tmpl(struct pb *p, unsigned id, unsigned n, const uint16_t (*f)[2])
{
	unsigned i;

	pb_put(p, id, 2);
	pb_put(p, n, 2);
	for (i = 0; i < n; i++) {
		pb_put(p, f[i][0], 2);
		pb_put(p, f[i][1], 2);
	}
}

/* A whole template flowset with one template. */
static inline void
pb_tmpl_fs(struct pb *p, unsigned id, unsigned n, const uint16_t (*f)[2])
{
	pb_fs(p, 0);
	pb_tmpl(p, id, n, f);
	pb_fs_end(p, 0);
}

/* An options template flowset: ns scope fields, then no option fields. */
static inline void
pb_opt_tmpl_fs(struct pb *p, unsigned id, unsigned ns,
    const uint16_t (*scope)[2], unsigned no, const uint16_t (*opt)[2])
{
	unsigned i;

	pb_fs(p, 1);
	pb_put(p, id, 2);
	pb_put(p, ns * 4, 2);
	pb_put(p, no * 4, 2);
	for (i = 0; i < ns; i++) {
		pb_put(p, scope[i][0], 2);
		pb_put(p, scope[i][1], 2);
	}
	for (i = 0; i < no; i++) {
		pb_put(p, opt[i][0], 2);
		pb_put(p, opt[i][1], 2);
	}
	pb_fs_end(p, (4 - (p->len - p->fs) % 4) % 4);
}

static inline void
pb_dump(const struct pb *p, const char *name)
{
	const char *dir = getenv("FK_SEED_DIR");
	char path[1024];
	FILE *fp;

	if (dir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "ab")) == NULL)
		return;
	fputc((int)(p->len >> 8), fp);
	fputc((int)(p->len & 0xff), fp);
	fwrite(p->b, 1, p->len, fp);
	fclose(fp);
}

#endif /* FLOWKEEP_NFBUILD_H */
