/*
 * ftreader.h - read flow-tools files (and flowkeep's IPv6 sibling files).
 *
 * Accepts stream versions 1 and 3, both byte orders, compressed or not, and
 * record versions 1, 5, 6, 7, 1005, the v8 aggregations (as far as ftrec
 * holds their fields) and FT_VER_IP6.  Every read is bounded; a corrupt or
 * truncated file gives -1 and a message naming the file and the offset.
 * A partial record at the end is dropped and reported by ftr_warning().
 */
#ifndef FLOWKEEP_FTREADER_H
#define FLOWKEEP_FTREADER_H

#include <stddef.h>
#include <stdint.h>

#include "ftfmt.h"
#include "../proto/flowrec.h"

struct ftr;

/* Open a file by path ("-" = standard input). NULL on error, with a
 * message in err. */
struct ftr *ftr_open(const char *path, char *err, size_t errlen);

/* Read from an already open descriptor (not closed by ftr_close unless
 * own_fd), naming it `name` in messages. */
struct ftr *ftr_open_fd(int fd, int own_fd, const char *name,
    char *err, size_t errlen);

/* Read from memory (the buffer must outlive the reader); for fuzzing and
 * tests. */
struct ftr *ftr_open_mem(const uint8_t *buf, size_t len, const char *name,
    char *err, size_t errlen);

const struct ft_header *ftr_header(const struct ftr *r);

/* Next record: 1 = got one, 0 = end, -1 = error (ftr_error says why). */
int ftr_next_raw(struct ftr *r, struct ftrec *out);
int ftr_next(struct ftr *r, struct flowrec *out);

/* Raw record bytes as stored (after decompression), for byte-exact
 * copying: returns the record size, 0 at end, -1 on error. */
int ftr_next_bytes(struct ftr *r, const uint8_t **rec);

const char *ftr_error(const struct ftr *r);
const char *ftr_warning(const struct ftr *r);	/* NULL if none */
void ftr_close(struct ftr *r);

/* Parse just a header from memory; 0 or -1 with a message. */
int ftr_parse_header(const uint8_t *buf, size_t len, struct ft_header *h,
    char *err, size_t errlen);

#endif /* FLOWKEEP_FTREADER_H */
