/*
 * cursor.h - a bounded big-endian reader for wire and file input.
 *
 * A cursor is a pointer, a remaining length and a sticky error flag.  Every
 * read is checked against the remaining length; a read past the end returns
 * zero, consumes nothing and sets the error flag, which stays set.  So a
 * parser may do a run of reads and test cur_ok() once at the end.  Sub-
 * cursors cut a bounded window (a flowset, a record) out of a cursor and
 * advance the parent past it.  Nothing here allocates; all functions are
 * static inline so that the decoders' inner loops stay tight.
 *
 * It does not cast structures onto buffers and never reads out of bounds.
 */
#ifndef FLOWKEEP_CURSOR_H
#define FLOWKEEP_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cursor {
	const uint8_t	*p;
	size_t		 left;
	int		 err;
};

/* Start reading len bytes at buf. */
static inline void
cur_init(struct cursor *c, const uint8_t *buf, size_t len)
{
	c->p = buf;
	c->left = buf != NULL ? len : 0;
	c->err = 0;
}

/* True while no read has failed. */
static inline int
cur_ok(const struct cursor *c)
{
	return c->err == 0;
}

static inline size_t
cur_left(const struct cursor *c)
{
	return c->left;
}

/* Check that n bytes remain; on failure set the error flag. */
static inline int
cur_need(struct cursor *c, size_t n)
{
	if (c->err || c->left < n) {
		c->err = 1;
		return 0;
	}
	return 1;
}

/* Big-endian unsigned integer of 1..8 bytes at p (no bounds check). */
static inline uint64_t
cur_be_uint(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static inline uint16_t
cur_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
cur_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline uint8_t
cur_u8(struct cursor *c)
{
	uint8_t v;

	if (!cur_need(c, 1))
		return 0;
	v = c->p[0];
	c->p++;
	c->left--;
	return v;
}

static inline uint16_t
cur_u16(struct cursor *c)
{
	uint16_t v;

	if (!cur_need(c, 2))
		return 0;
	v = cur_be16(c->p);
	c->p += 2;
	c->left -= 2;
	return v;
}

static inline uint32_t
cur_u32(struct cursor *c)
{
	uint32_t v;

	if (!cur_need(c, 4))
		return 0;
	v = cur_be32(c->p);
	c->p += 4;
	c->left -= 4;
	return v;
}

static inline uint64_t
cur_u64(struct cursor *c)
{
	uint64_t v;

	if (!cur_need(c, 8))
		return 0;
	v = cur_be_uint(c->p, 8);
	c->p += 8;
	c->left -= 8;
	return v;
}

/* Unsigned integer of n bytes, 1 <= n <= 8; other n set the error flag. */
static inline uint64_t
cur_uint(struct cursor *c, size_t n)
{
	uint64_t v;

	if (n < 1 || n > 8) {
		c->err = 1;
		return 0;
	}
	if (!cur_need(c, n))
		return 0;
	v = cur_be_uint(c->p, n);
	c->p += n;
	c->left -= n;
	return v;
}

/* Copy n bytes to out (zero-filled on failure). */
static inline int
cur_bytes(struct cursor *c, void *out, size_t n)
{
	if (!cur_need(c, n)) {
		memset(out, 0, n);
		return 0;
	}
	memcpy(out, c->p, n);
	c->p += n;
	c->left -= n;
	return 1;
}

/* Pointer to the next n bytes, consumed; NULL (and error) if short. */
static inline const uint8_t *
cur_ptr(struct cursor *c, size_t n)
{
	const uint8_t *p;

	if (!cur_need(c, n))
		return NULL;
	p = c->p;
	c->p += n;
	c->left -= n;
	return p;
}

static inline int
cur_skip(struct cursor *c, size_t n)
{
	return cur_ptr(c, n) != NULL || n == 0 ? cur_ok(c) : 0;
}

/*
 * Cut the next n bytes into sub and advance c past them.  If fewer remain,
 * c's error flag is set and sub is an empty cursor in error.
 */
static inline int
cur_sub(struct cursor *c, size_t n, struct cursor *sub)
{
	const uint8_t *p = cur_ptr(c, n);

	if (p == NULL && !cur_ok(c)) {
		sub->p = NULL;
		sub->left = 0;
		sub->err = 1;
		return 0;
	}
	sub->p = p;
	sub->left = n;
	sub->err = 0;
	return 1;
}

#endif /* FLOWKEEP_CURSOR_H */
