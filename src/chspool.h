/*
 * chspool.h - the ClickHouse sink's spool directory (doc/clickhouse.md).
 *
 * A batch the sink could not send (no server up, memory queue full, the
 * daemon stopping) is kept as one file, chb-<seq>.chb with a 20-digit
 * decimal sequence number, so that names sort in the order the batches
 * were spooled.  A file is written under tmp-chb-<seq>, fsync'ed, then
 * renamed; a tmp- file found later was cut short by a crash and is
 * removed.  A file that does not check out (cut short, bytes changed) is
 * renamed bad-chb-<seq>.chb and kept for a person to look at.
 *
 * File: the 8 bytes "FKCHSPL1", then little-endian u32 rows, u32 CRC-32
 * of the body, u64 body length, then the body: `rows` RowBinary rows of
 * storage/chrow.h, exactly.
 */
#ifndef FLOWKEEP_CHSPOOL_H
#define FLOWKEEP_CHSPOOL_H

#include <stddef.h>
#include <stdint.h>

#define CHSPOOL_MAGIC		"FKCHSPL1"
#define CHSPOOL_HDR		24
#define CHSPOOL_MAX_BODY	(1ull << 31)	/* larger = not ours */

/* One spooled batch as the directory holds it. */
struct chspool_ent {
	uint64_t	seq;
	uint64_t	size;		/* file bytes */
};

/*
 * Check a whole spool file in p[0..len): header, length, CRC and that the
 * body is `rows` rows of the table layout, nothing more, nothing less.
 * 0 with *rows, *body and *blen set; -1 (why in err) when it is not a
 * good spool file.
 */
int chspool_parse(const uint8_t *p, size_t len, uint32_t *rows,
    const uint8_t **body, size_t *blen, char *err, size_t errlen);

/* The 24-byte header of a body of `rows` rows. */
void chspool_header(uint8_t hdr[CHSPOOL_HDR], uint32_t rows,
    const uint8_t *body, size_t blen);

/*
 * Write a batch as dir/chb-<seq>.chb (tmp name, fsync, rename, fsync of
 * the directory).  Returns the file's size, or 0 with err set (nothing
 * left behind).
 */
uint64_t chspool_write(const char *dir, uint64_t seq, uint32_t rows,
    const uint8_t *body, size_t blen, char *err, size_t errlen);

/*
 * List the spool files of dir in sequence order into a malloc'ed array
 * (*out, *n); tmp- files left by a crash are removed (*stale counts them).
 * Creates dir when missing.  0 or -1 (err set).
 */
int chspool_scan(const char *dir, struct chspool_ent **out, unsigned *n,
    unsigned *stale, char *err, size_t errlen);

/* Read dir/chb-<seq>.chb whole into a malloc'ed buffer; 0 or -1. */
int chspool_read(const char *dir, uint64_t seq, uint8_t **buf, size_t *len,
    char *err, size_t errlen);

/* Delete dir/chb-<seq>.chb; 0 or -1. */
int chspool_remove(const char *dir, uint64_t seq);

/* Rename dir/chb-<seq>.chb to bad-chb-<seq>.chb; 0 or -1. */
int chspool_set_aside(const char *dir, uint64_t seq);

#endif /* FLOWKEEP_CHSPOOL_H */
