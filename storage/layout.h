/*
 * layout.h - where flow files live: names, -N nesting, rotation schedule.
 *
 * Names follow flow-capture exactly:
 *   <nest dirs>/<prefix>v<VV>.<YYYY>-<MM>-<DD>.<hhmmss><+-HHMM>
 * in local time with the local UTC offset, prefix "tmp-" while open and
 * "ft-" when closed.  flowkeep's IPv6 sibling files use "fk6tmp-" and
 * "fk6-" so that flow-tools' ft-* globs never pick them up.
 * Rotation: 86400/(n+1) second intervals counted from local midnight.
 */
#ifndef FLOWKEEP_LAYOUT_H
#define FLOWKEEP_LAYOUT_H

#include <stddef.h>
#include <time.h>

#define LAYOUT_PATH_MAX	1024

enum layout_kind {
	LAYOUT_TMP,		/* tmp-   (open v4 file) */
	LAYOUT_FINAL,		/* ft-    (closed v4 file) */
	LAYOUT_TMP6,		/* fk6tmp- (open IPv6 sibling) */
	LAYOUT_FINAL6		/* fk6-   (closed IPv6 sibling) */
};

/*
 * Relative path of a file created at t (local time) with record version ver
 * (5 -> "v05", 1005 -> "v1005", FT_VER_IP6 -> "v6000") and nesting level
 * nest (-3..3).  Returns 0, or -1 if it does not fit.
 */
int layout_path(char *buf, size_t len, int nest, int ver, time_t t,
    enum layout_kind kind);

/* Just the directory part for nest and t ("" for 0); 0 or -1. */
int layout_dir(char *buf, size_t len, int nest, time_t t);

/* Final name for a tmp- path (same directory): swaps the prefix. 0 / -1. */
int layout_final_name(char *buf, size_t len, const char *tmp_path);

/* Create the directories of a relative path below dirfd-relative root
 * `root` one level at a time (mode 0755, EEXIST is fine).  0 or -1. */
int layout_mkdirs(const char *root, const char *relpath);

/* First midnight + k*86400/(n+1) (k >= 1) not earlier than now. */
time_t layout_next_rotation(time_t now, int n);

/* Parse a file name (last path component) back to its start time and
 * version; returns kind or -1 when it is not one of ours. */
int layout_parse_name(const char *name, time_t *t, int *ver);

/*
 * 1 if a directory name is one the -N nesting creates (YYYY, YYYY-MM or
 * YYYY-MM-DD).  Scans of a tree skip other directories: a device tree kept
 * inside the main tree belongs to that device, not to the main tree.
 */
int layout_is_date_dir(const char *name);

#endif /* FLOWKEEP_LAYOUT_H */
