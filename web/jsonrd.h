/*
 * jsonrd.h - a small JSON reader for the daemon's status-json answer, so
 * the Status page can lay it out as tables.
 *
 * jsonrd_parse() builds a tree of values in one allocation: objects,
 * arrays, strings (escapes decoded, \u to UTF-8; a \u0000 is refused),
 * numbers (kept as their text), true, false, null.  Anything else, or
 * trailing bytes after the value, is an error with its offset.  Lookups
 * on a missing key, a wrong type or a NULL value return NULL / 0, so a
 * page can ask for fields without checking each step.
 *
 * Limits: JSONRD_MAX_LEN bytes of input, JSONRD_MAX_DEPTH nesting,
 * JSONRD_MAX_NODES values.
 */
#ifndef FLOWKEEP_JSONRD_H
#define FLOWKEEP_JSONRD_H

#include <stddef.h>
#include <stdint.h>

#define JSONRD_MAX_LEN		(8u * 1024 * 1024)
#define JSONRD_MAX_DEPTH	32
#define JSONRD_MAX_NODES	200000

enum jsonrd_type {
	JSONRD_NULL,
	JSONRD_BOOL,
	JSONRD_NUM,
	JSONRD_STR,
	JSONRD_ARR,
	JSONRD_OBJ,
};

struct jsonrd;
struct jsonrd_val;

/* Parse len bytes; NULL with "offset N: message" in err. */
struct jsonrd *jsonrd_parse(const char *buf, size_t len, char *err,
    size_t errlen);
void jsonrd_free(struct jsonrd *j);

const struct jsonrd_val *jsonrd_root(const struct jsonrd *j);

/* The type of v (JSONRD_NULL for a NULL v). */
enum jsonrd_type jsonrd_type(const struct jsonrd_val *v);

/* Member key of object v; NULL when v is not an object or has none. */
const struct jsonrd_val *jsonrd_get(const struct jsonrd_val *v,
    const char *key);

/* Elements of array v (0 when not an array) and element i. */
size_t jsonrd_len(const struct jsonrd_val *v);
const struct jsonrd_val *jsonrd_at(const struct jsonrd_val *v, size_t i);

/* A string's text, a number's text, "true"/"false"; else NULL. */
const char *jsonrd_str(const struct jsonrd_val *v);

/* A non-negative integer number (or def when v is not one). */
uint64_t jsonrd_u64(const struct jsonrd_val *v, uint64_t def);

/* jsonrd_get(v, key) as a string / u64, in one step. */
const char *jsonrd_gets(const struct jsonrd_val *v, const char *key);
uint64_t jsonrd_getu(const struct jsonrd_val *v, const char *key);

#endif /* FLOWKEEP_JSONRD_H */
