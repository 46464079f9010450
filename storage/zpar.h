/*
 * zpar.h - deflate one zlib stream on several threads.
 *
 * zlib at level 6 costs about 1.5-2.5 us per 64-byte flow record on the
 * machines we measure, more than receiving and decoding the flow.  zpar
 * moves that work off the receive thread and spreads it over a process-wide
 * pool of worker threads, while each file stays ONE standard zlib stream
 * that any inflate (flow-tools, zlib.decompress, gzip tools) reads:
 *
 *   2-byte zlib header (4 KiB window)
 *   chunk 1: raw deflate, dictionary = none,        ends with a sync flush
 *   chunk 2: raw deflate, dictionary = end of chunk 1, ends with a sync flush
 *   ...
 *   last chunk: raw deflate, ends with the final block
 *   adler32 of all input (combined from the chunks' own adler32s)
 *
 * Chunks are compressed in any order and written in submission order.  A
 * sync flush ends every chunk on a byte boundary, so a file cut short by a
 * crash inflates up to its last whole chunk (ftw_repair uses that).
 *
 * The window is 4 KiB rather than zlib's default 32 KiB: flow records find
 * their matches in the last few dozen records, the ratio is the same within
 * 1 %, and the shorter hash chains cost about 40 % less CPU at level 6.
 * The strategy is Z_FILTERED (fewer short matches, more Huffman coding):
 * on flow records it is about 5 % faster and 3 % smaller than the default
 * strategy at the same level.
 *
 * Compressed bytes differ from flow-capture's single-threaded stream; the
 * decompressed bytes are the same.  Without a pool (zpar_pool_start(0))
 * ftwriter deflates inline exactly as flow-capture does.
 */
#ifndef FLOWKEEP_ZPAR_H
#define FLOWKEEP_ZPAR_H

#include <stddef.h>
#include <stdint.h>

#define ZPAR_WBITS	12			/* 4 KiB window */
#define ZPAR_WINDOW	(1u << ZPAR_WBITS)
#define ZPAR_MAXTHREADS	16
#define ZPAR_STRATEGY	1			/* Z_FILTERED */

/* Start the process-wide pool with n workers (0: no pool).  Returns 0, or
 * -1 with errno set.  Not thread safe: call once at start-up. */
int zpar_pool_start(unsigned n);

/* Workers in the pool (0 when none). */
unsigned zpar_pool_threads(void);

/* Stop the workers; every stream must be finished or aborted first. */
void zpar_pool_stop(void);

struct zpar;

/*
 * Begin a stream on fd (positioned where the stream starts) at level 1..9,
 * for input buffers of bufsz bytes; writes the zlib header.  NULL with
 * errno set on error (also when there is no pool).
 */
struct zpar *zpar_open(int fd, int level, size_t bufsz);

/*
 * Hand over *buf holding len bytes (len <= bufsz) and receive in *buf an
 * empty buffer of bufsz bytes for the next chunk.  Blocks while too many
 * chunks of this stream are in flight.  Returns 0, or -1 with errno set
 * when this or an earlier chunk failed (the stream is then broken).
 */
int zpar_submit(struct zpar *z, uint8_t **buf, size_t len);

/* Wait until every chunk submitted so far is written; 0, or -1 with errno
 * set when one failed. */
int zpar_wait(struct zpar *z);

/* Compressed bytes written so far (including the zlib header). */
uint64_t zpar_written(const struct zpar *z);

/*
 * Compress the last len bytes of *buf as the final chunk, wait for every
 * chunk, write the adler32 trailer and free z (and *buf, set to NULL).
 * Returns 0, or -1 with errno set.
 */
int zpar_finish(struct zpar *z, uint8_t **buf, size_t len);

/* Wait for chunks in flight, discard the stream and free z. */
void zpar_abort(struct zpar *z);

#endif /* FLOWKEEP_ZPAR_H */
