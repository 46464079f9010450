/*
 * colidx.h - column index sidecars: the records of one closed flow file
 * stored again as columns, so that a report reads only the fields it
 * needs and no zlib stream at all (doc/column-index.md).
 *
 * A sidecar holds every field of struct flowrec as ftr_next() returns it
 * for the file, column by column, in groups of COLIDX_GROUP rows.  Each
 * chunk (one column of one group) is stored as a constant, as raw values
 * or deflated with libdeflate level 1, integers less a base (the group's
 * minimum) and in as few bytes as the range needs.  The header names the
 * flow file's size, modification time and record count: a sidecar that
 * does not match its file is stale and not used.  Every chunk and the
 * header carry a CRC-32.
 *
 * Sidecars live in their own tree (the index directory), at the flow
 * file's absolute path below it plus ".fkci" (colidx_path()), so that
 * flow-cat and flow-capture's expiry, which walk the data trees, never
 * meet them.
 *
 * The format is little-endian and so is the in-memory flowrec it
 * mirrors: on a big-endian host colidx_build() and colidx_open() fail
 * (readers then read the flow file).  A file whose reading gives an error
 * or a warning gets no sidecar (its readers must see the message).
 *
 * Limits: COLIDX_MAXREC records per file.  The reader maps the sidecar
 * and checks the CRC of every chunk it needs before giving a row; it
 * holds one decoded group of each needed deflated column.
 */
#ifndef FLOWKEEP_COLIDX_H
#define FLOWKEEP_COLIDX_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "../proto/flowrec.h"

#define COLIDX_VERSION	1
#define COLIDX_GROUP	65536		/* rows per group */
#define COLIDX_MAXREC	(1ull << 32)
#define COLIDX_SUFFIX	".fkci"

/* The columns, one per flowrec field (pad excepted). */
enum colidx_col {
	COLIDX_FIRST, COLIDX_LAST, COLIDX_RECV, COLIDX_PACKETS,
	COLIDX_OCTETS, COLIDX_EXPSECS, COLIDX_EXPNSECS, COLIDX_UPTIME,
	COLIDX_SOURCEID, COLIDX_SAMPLING, COLIDX_INIF, COLIDX_OUTIF,
	COLIDX_SRCAS, COLIDX_DSTAS, COLIDX_SRCTAG, COLIDX_DSTTAG,
	COLIDX_FLOWLABEL, COLIDX_FIELDS, COLIDX_EXPORTER, COLIDX_SRC,
	COLIDX_DST, COLIDX_NEXTHOP, COLIDX_SPORT, COLIDX_DPORT, COLIDX_AF,
	COLIDX_EXPAF, COLIDX_PROTO, COLIDX_FLAGS, COLIDX_TOS,
	COLIDX_SRCMASK, COLIDX_DSTMASK, COLIDX_ENGTYPE, COLIDX_ENGID,
	COLIDX_VERSION_COL,
	COLIDX_NCOL
};

#define COLIDX_BIT(c)	(1ull << (c))
#define COLIDX_ALL	((1ull << COLIDX_NCOL) - 1)

/*
 * What a query uses, in flowrec's FR_HAS_* terms plus the two below;
 * colidx_need() turns it into columns.  Always loaded: times, counters,
 * fields, families, version and sampling (every report and the time
 * window read them).
 */
#define COLIDX_U_EXPORTER	0x80000000u	/* the exporter address */
#define COLIDX_U_EXPORT		0x40000000u	/* export time, uptime */
#define COLIDX_U_RECV		0x20000000u	/* receive time, source id */
uint64_t colidx_need(uint32_t uses);

/* Just the columns of uses (FR_HAS_TIMES: first and last; packets,
 * octets, sampling by their bits), without the always-loaded ones. */
uint64_t colidx_cols(uint32_t uses);

/* Name of column c ("first_ms"), for messages and `flowkeep index -v`. */
const char *colidx_col_name(unsigned c);

/*
 * The sidecar path of flow file ftpath below index_dir: index_dir, the
 * file's absolute path (realpath) and COLIDX_SUFFIX.  0, or -1 when the
 * file does not exist or the path does not fit (errno set).
 */
int colidx_path(char *buf, size_t len, const char *index_dir,
    const char *ftpath);

/*
 * The default index directory: "index" in the directory of the state
 * file statefile ("var/flowkeepd.state" -> "var/index"), where flowkeepd
 * writes sidecars and the CLI looks for them.  0, or -1 if it does not
 * fit.
 */
#define COLIDX_DIRNAME	"index"
int colidx_default_dir(char *buf, size_t len, const char *statefile);

/*
 * 1 if the index directory dir (it may not exist yet) is root or below it
 * (compared as absolute paths, symbolic links resolved where they
 * exist): sidecars there would be met by flow-cat and by scans of the
 * data tree, so flowkeepd writes none.
 */
int colidx_dir_inside(const char *dir, const char *root);

/*
 * Delete the sidecars below index_dir whose flow file no longer exists
 * (deleted by an operator or by flow-capture's expiry): the files below
 * index_dir + under ("" or "/" = all of it) named *COLIDX_SUFFIX whose
 * flow file path (the name less index_dir and the suffix) is missing.
 * Only regular files with the suffix are removed, and the directories
 * this emptied; symbolic links are never followed below index_dir, nor
 * deleted; COLIDX_PRUNE_DEPTH levels at most.  A missing index_dir
 * prunes nothing.  *cancel (may be NULL) set by another thread stops the
 * walk early.  0 (counts in out), or -1 with a message.
 */
#define COLIDX_PRUNE_DEPTH	64
struct colidx_pruned {
	uint64_t	removed;	/* sidecars deleted */
	uint64_t	bytes;		/* their sizes */
	uint64_t	kept;		/* sidecars whose file exists */
};
int colidx_prune(const char *index_dir, const char *under,
    const atomic_int *cancel, struct colidx_pruned *out, char *err,
    size_t errlen);

/* Identity of a flow file as a sidecar records it. */
struct colidx_stamp {
	uint64_t	size;
	int64_t		mtime_ns;
};

/* The stamp of a file; 0 or -1 (errno). */
int colidx_stamp_of(const char *path, struct colidx_stamp *st);

/*
 * Read flow file ftpath and write its sidecar at idxpath (directories
 * made as needed; written to a temporary name and renamed).  Returns the
 * records indexed, or -1 with a message in err: the file cannot be read
 * cleanly (any error or warning of the reader), changed while read, or
 * the sidecar cannot be written.
 */
int64_t colidx_build(const char *ftpath, const char *idxpath, char *err,
    size_t errlen);

/*
 * The writer on its own (tests, the fuzzer's corpus): chunks are written
 * to fd (positioned at 0) as groups fill, the directory and the header at
 * colidx_wfinish().  Each call returns 0, or -1 with errno set.
 */
struct colidx_w;
struct colidx_w *colidx_wnew(int fd);
int colidx_wadd(struct colidx_w *w, const struct flowrec *recs, size_t n);
int colidx_wfinish(struct colidx_w *w, const struct colidx_stamp *st);
void colidx_wfree(struct colidx_w *w);

/* Reader. */
struct colidx;

enum colidx_status {
	COLIDX_OK = 0,
	COLIDX_ABSENT = 1,	/* no sidecar, or stale: quietly not used */
	COLIDX_BAD = -1		/* damaged: worth a warning */
};

/*
 * Open the sidecar at idxpath for a flow file with stamp st (NULL: do
 * not check) and load the chunks of the columns in need (a colidx_need()
 * mask; 0 = all), checking their CRCs.  COLIDX_OK with *out set, else a
 * status and (for COLIDX_BAD) a message in err.
 */
enum colidx_status colidx_open(const char *idxpath,
    const struct colidx_stamp *st, uint64_t need, struct colidx **out,
    char *err, size_t errlen);

/* The same from memory (the buffer must outlive the reader): fuzzing. */
enum colidx_status colidx_open_mem(const uint8_t *buf, size_t len,
    const struct colidx_stamp *st, uint64_t need, struct colidx **out,
    char *err, size_t errlen);

uint64_t colidx_nrec(const struct colidx *x);

/*
 * Decode the next up to max rows into out: only the needed columns are
 * written, other fields are left as they are (zero them once).  Returns
 * the rows given, 0 at the end, -1 on a damaged chunk (colidx_error()).
 */
int colidx_read(struct colidx *x, struct flowrec *out, unsigned max);

/*
 * The same in steps, for reading some columns of every row and the others
 * of some rows only (a filter's columns first): colidx_next() moves to
 * the next up to max rows (their number, 0 at the end, -1 on a damaged
 * chunk), colidx_fill() writes the columns in `which` (a colidx_need()
 * mask) of those rows to out[0..n), colidx_fill_rows() those of rows
 * sel[0..n) (indices among the current rows) to out[0..n).
 */
int colidx_next(struct colidx *x, unsigned max);
void colidx_fill(struct colidx *x, struct flowrec *out, uint64_t which);
void colidx_fill_rows(struct colidx *x, struct flowrec *out, uint64_t which,
    const uint16_t *sel, unsigned n);

/*
 * Promise that buf, when passed to colidx_read() or a fill again, still
 * holds what the last call left there (the caller may move rows within
 * it, not change them): constant columns are then not written again.
 * At most COLIDX_KEEP buffers; more are ignored.
 */
#define COLIDX_KEEP	2
void colidx_keep(struct colidx *x, const struct flowrec *buf);

const char *colidx_error(const struct colidx *x);
void colidx_close(struct colidx *x);

#endif /* FLOWKEEP_COLIDX_H */
