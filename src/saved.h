/*
 * saved.h - saved reports and saved filters: small named text files in
 * the configuration's saved-dir, shared by the web pages and the CLI.
 *
 *   SAVED-DIR/filters/NAME   a filter expression (doc/filters.md); the
 *                            directory is also the one `@NAME` reads
 *   SAVED-DIR/reports/NAME   a Reports page query string ("type=...&...")
 *
 * Names are letters, digits, '_', '-' and '.', not starting with '.', at
 * most SAVED_NAME_MAX bytes: never a path.  A file is written whole to a
 * temporary name and renamed, so a reader sees the old or the new text.
 * The module checks names and sizes only; what the text means is checked
 * by the caller.  No logging: errors come back in err.
 *
 * Limits: SAVED_TEXT_MAX bytes per file, SAVED_LIST_MAX names listed.
 */
#ifndef FLOWKEEP_SAVED_H
#define FLOWKEEP_SAVED_H

#include <stddef.h>

#define SAVED_NAME_MAX	64
#define SAVED_TEXT_MAX	(64u * 1024)
#define SAVED_LIST_MAX	1000

enum saved_kind {
	SAVED_FILTER,
	SAVED_REPORT,
};

/* "filters" or "reports". */
const char *saved_subdir(enum saved_kind k);

/* 1 if name is an acceptable saved name. */
int saved_name_ok(const char *name);

/* The file of name under dir (name NULL: the kind's directory), into
 * buf; 0 or -1 (too long). */
int saved_path(const char *dir, enum saved_kind k, const char *name,
    char *buf, size_t len);

/* Write text (len bytes) as name, replacing an older one; the
 * directories are made when missing.  0, or -1 with a message. */
int saved_write(const char *dir, enum saved_kind k, const char *name,
    const char *text, size_t len, char *err, size_t errlen);

/* Read name into a malloc'ed NUL-terminated string, trailing newlines
 * cut; NULL with a message (no such name, too large). */
char *saved_read(const char *dir, enum saved_kind k, const char *name,
    char *err, size_t errlen);

/* Remove name; 0, or -1 with a message (no such name). */
int saved_remove(const char *dir, enum saved_kind k, const char *name,
    char *err, size_t errlen);

/* The names of a kind, sorted, at most SAVED_LIST_MAX (files with bad
 * names are skipped); *n set.  A missing directory is an empty list.
 * Free with saved_list_free.  NULL with *n = 0 when out of memory. */
char **saved_list(const char *dir, enum saved_kind k, size_t *n);
void saved_list_free(char **names, size_t n);

#endif /* FLOWKEEP_SAVED_H */
