/*
 * qs.h - query strings and form bodies checked against a whitelist.
 *
 * Each route has a table of the parameters it takes, each with a type and
 * limits; qs_parse() decodes "a=1&b=x%20y" (application/x-www-form-
 * urlencoded: '+' is a space, %XX a byte) and refuses, with a message
 * naming the parameter, anything else: a name not in the table, a name
 * given twice, a value too long, of the wrong characters, out of range or
 * not one of the listed words, a decoded NUL, a broken %-escape.  An
 * empty value ("a=") counts as absent (HTML forms send their empty
 * fields).  The checks are on characters and ranges only; what a value
 * means (a time, a filter) is checked by its page.
 *
 * No allocation: the decoded values live in struct qs.  Limits:
 * QS_MAX_LEN bytes of input, QS_MAX_PARAMS parameters.
 */
#ifndef FLOWKEEP_QS_H
#define FLOWKEEP_QS_H

#include <stddef.h>
#include <stdint.h>

#define QS_MAX_LEN	16384
#define QS_MAX_PARAMS	48
#define QS_NAME_MAX	32

enum qs_type {
	QS_UINT,	/* decimal digits, min..max */
	QS_ENUM,	/* one of values[] */
	QS_BOOL,	/* 1/0, on/off, yes/no, true/false */
	QS_NAME,	/* A-Z a-z 0-9 . _ -, not starting with '.': a
			 * device or saved name, never a path */
	QS_TIME,	/* a time spelling (timearg.h): A-Z a-z 0-9 space
			 * : . + - @ */
	QS_LIST,	/* a FlowViewer list field: A-Z a-z 0-9 space
			 * . : / , _ - */
	QS_TEXT,	/* free text (a filter expression): printable
			 * characters, tab, CR, LF; UTF-8 bytes allowed */
};

struct qs_key {
	const char		*name;		/* NULL ends a table */
	enum qs_type		 type;
	size_t			 maxlen;	/* bytes, after decoding */
	uint64_t		 min, max;	/* QS_UINT */
	const char *const	*values;	/* QS_ENUM, NULL-terminated */
};

struct qs_param {
	const struct qs_key	*key;
	const char		*val;		/* decoded, NUL-terminated */
	uint64_t		 num;		/* QS_UINT value, QS_BOOL 0/1 */
};

struct qs {
	struct qs_param	 p[QS_MAX_PARAMS];
	unsigned	 n;
	char		 buf[QS_MAX_LEN + QS_MAX_PARAMS + 1];
};

/* Parse s (len bytes, no '?') against keys.  0, or -1 with a message in
 * err (it may quote part of the input: escape it before showing it). */
int qs_parse(struct qs *q, const char *s, size_t len,
    const struct qs_key *keys, char *err, size_t errlen);

/* The value of name, or NULL when absent. */
const char *qs_get(const struct qs *q, const char *name);

/* The number of a QS_UINT or QS_BOOL parameter, or def when absent. */
uint64_t qs_num(const struct qs *q, const char *name, uint64_t def);

#endif /* FLOWKEEP_QS_H */
