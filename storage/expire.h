/*
 * expire.h - expiry of finished flow files by count and total size, as
 * flow-capture's -e / -E do: the list is built by scanning the tree (files
 * whose names start with ft, cf, tmp or fk6 and whose header parses),
 * ordered by CAP_START, and the oldest go first.  The open file is never
 * listed.  Deletions are reported to a callback (the daemon logs them).
 */
#ifndef FLOWKEEP_EXPIRE_H
#define FLOWKEEP_EXPIRE_H

#include <stddef.h>
#include <stdint.h>

struct expire;

typedef void (*expire_cb)(void *arg, const char *path, int why /*1 count,
    2 size*/);

struct expire *expire_new(const char *root, unsigned max_files,
    uint64_t max_bytes, int dry_run);
void expire_free(struct expire *e);

/* Also delete each expired file's column index sidecar below index_dir
 * (storage/colidx.h); NULL = none.  0, or -1 when out of memory. */
int expire_set_index(struct expire *e, const char *index_dir);

/* Scan root (up to 50 levels); returns files listed or -1. */
long expire_scan(struct expire *e);

/* Add a file just closed (path relative to root) with its size. */
int expire_add(struct expire *e, const char *relpath, uint32_t cap_start,
    uint64_t size);

/* Delete the oldest files while over the limits; open_bytes is the size of
 * the files currently being written.  Returns files deleted. */
unsigned expire_run(struct expire *e, uint64_t open_bytes, expire_cb cb,
    void *arg);

uint64_t expire_total_bytes(const struct expire *e);
unsigned expire_total_files(const struct expire *e);

/* Parse a size such as 10G, 512M, 0x1000, 8b (x512); -1 on error.  Only
 * uppercase K/M/G, as flow-capture. */
int expire_parse_size(const char *s, uint64_t *out);

#endif /* FLOWKEEP_EXPIRE_H */
