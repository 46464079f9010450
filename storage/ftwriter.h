/*
 * ftwriter.h - write one flow-tools file the way flow-capture does.
 *
 * The writer creates the file under its temporary (tmp-) name, writes the
 * stream-version-3 header with flow-capture's TLVs in flow-capture's order,
 * encodes records into a 512 KiB buffer that goes to write(2) or deflate
 * only when full or flushed (compressed: one zlib stream; inline it has no
 * flushes and Z_FINISH at close, so the bytes equal flow-capture's; with a
 * zpar pool started it is deflated on worker threads, see zpar.h), and at
 * close rewrites the header
 * in place with the final counts and the DONE flag, then renames the file
 * to its final name.  ftw_bytes() does not count records still buffered;
 * stat the file after ftw_close() for its final size.
 *
 * It does not choose names or rotate (layout.h does) and never logs: errors
 * come back as -1 with errno set and a message in the caller's buffer.
 */
#ifndef FLOWKEEP_FTWRITER_H
#define FLOWKEEP_FTWRITER_H

#include <stddef.h>
#include <stdint.h>

#include "ftfmt.h"

struct ftw_opts {
	int		version;	/* FT_VER_1, 5, 1005 or FT_VER_IP6 */
	int		zlevel;		/* 0 = uncompressed, 1..9 zlib */
	int		byte_order;	/* FT_LITTLE_ENDIAN / FT_BIG_ENDIAN;
					 * 0 = host order */
	const char	*hostname;	/* CAP_HOSTNAME, NULL = gethostname */
	const char	*comment;	/* COMMENTS TLV, NULL = none */
};

struct ftw;

/*
 * Create path (truncating it) and write the opening header: CAP_START =
 * cap_start, CAP_END = 0, FLOW_COUNT = 0, and the lost/corrupt/reset
 * counters from initial (may be NULL).  Returns NULL on error.
 */
struct ftw *ftw_open(const char *path, const struct ftw_opts *opts,
    uint32_t cap_start, const struct ft_counters *initial,
    char *err, size_t errlen);

/* Append n records.  Returns 0 or -1 (the file is then broken: close it). */
int ftw_write(struct ftw *w, const struct ftrec *recs, size_t n);

/*
 * Hand what is buffered to disk now: uncompressed records are written,
 * with a zpar pool they become a chunk that ends on a sync flush (so a
 * crash after this loses none of them); inline deflate only writes what
 * zlib has produced so far.  With wait, return only when the pool has
 * written it.  Returns 0 or -1.
 */
int ftw_flush(struct ftw *w, int wait);

/* Records written so far, and bytes on disk so far (header + body). */
uint32_t ftw_count(const struct ftw *w);
uint64_t ftw_bytes(const struct ftw *w);

/*
 * Finish: flush (Z_FINISH), rewrite the header with CAP_END = cap_end, the
 * counters in final (flow_count is always the number of records written)
 * and DONE, close, and rename to final_path (NULL = keep the name).
 * Frees w in every case.  Returns 0 or -1.
 */
int ftw_close(struct ftw *w, uint32_t cap_end,
    const struct ft_counters *final, const char *final_path,
    char *err, size_t errlen);

/* Nonzero once a write has failed (disk full, I/O error): the writer then
 * refuses every write and ftw_close fails; ftw_abort it and ftw_salvage
 * the file. */
int ftw_failed(const struct ftw *w);

/* Abandon a file (after an error): close the descriptor, free w, leave the
 * file as it is. */
void ftw_abort(struct ftw *w);

/* Encode the header into buf (at most 512 bytes); returns its length.
 * Exposed for tests and for repairing stale tmp- files. */
size_t ftw_encode_header(uint8_t *buf, size_t len, const struct ftw_opts *o,
    uint32_t cap_start, uint32_t cap_end, uint32_t flags,
    const struct ft_counters *c);

/* Encode one record of version ver and byte order bo into out; returns the
 * record size.  Exposed for ftreader tests, flowkeep cat and repair. */
size_t ftw_encode_record(const struct ftrec *r, int ver, int bo,
    uint8_t *out);

/*
 * Finish a file left open by a crash: keep as many whole records as are
 * there and write a closed file with DONE, the real count and cap_end,
 * renamed to final_path (NULL = keep the name).  An uncompressed file is
 * cut after its last whole record and its header rewritten in place (no
 * disk space needed); a compressed one is inflated as far as it goes into
 * a new file (final_path.repair, then renamed), which needs room for it.
 * Returns the number of records kept, or -1 (the file is then untouched,
 * or at worst cut to whole records).
 */
long ftw_repair(const char *path, const char *final_path, uint32_t cap_end,
    char *err, size_t errlen);

/* ftw_repair, with the header's counters taken from final (the writer's
 * own, after a failed write) instead of the file's. */
long ftw_salvage(const char *path, const char *final_path, uint32_t cap_end,
    const struct ft_counters *final, char *err, size_t errlen);

#endif /* FLOWKEEP_FTWRITER_H */
