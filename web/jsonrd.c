/*
 * jsonrd.c - the small JSON reader of the Status page (see jsonrd.h).
 *
 * Values are nodes in one array, a container before its children; an
 * object's or array's children are a list through `first` and `next`,
 * offsets from the node itself (0 = none), so a node alone finds its
 * children.  Strings point into one text buffer (a decoded string is
 * never longer than its spelling).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonrd.h"

struct jsonrd_val {
	enum jsonrd_type type;
	const char	*key;		/* object members */
	const char	*s;		/* string, number, bool text */
	int		 first, next;	/* offsets from this node, 0 = none */
	int		 last;		/* last child's index, while parsing */
	size_t		 n;		/* children */
};

struct jsonrd {
	struct jsonrd_val *v;
	int		 nv, cap;
	char		*text;		/* decoded strings */
	size_t		 tlen;
	const char	*p, *end, *start;
	char		*err;
	size_t		 errlen;
};

static int parse_value(struct jsonrd *j, int depth);

static int
fail(struct jsonrd *j, const char *msg)
{
	if (j->err[0] == '\0')
		snprintf(j->err, j->errlen, "offset %zu: %s",
		    (size_t)(j->p - j->start), msg);
	return -1;
}

static void
skip_ws(struct jsonrd *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int
new_node(struct jsonrd *j, enum jsonrd_type t)
{
	struct jsonrd_val *v;

	if (j->nv >= JSONRD_MAX_NODES)
		return fail(j, "too many values");
	if (j->nv == j->cap) {
		int cap = j->cap ? j->cap * 2 : 64;

		if ((v = realloc(j->v, (size_t)cap * sizeof(*v))) == NULL)
			return fail(j, "out of memory");
		j->v = v;
		j->cap = cap;
	}
	v = &j->v[j->nv];
	memset(v, 0, sizeof(*v));
	v->type = t;
	v->last = -1;
	return j->nv++;
}

/* Append UTF-8 of code point c to the text. */
static void
put_utf8(struct jsonrd *j, unsigned c)
{
	char *o = j->text + j->tlen;

	if (c < 0x80)
		o[0] = (char)c, j->tlen += 1;
	else if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3f));
		j->tlen += 2;
	} else {
		o[0] = (char)(0xe0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		j->tlen += 3;
	}
}

static int
hex4(struct jsonrd *j, unsigned *c)
{
	*c = 0;
	if (j->end - j->p < 4)
		return fail(j, "short \\u escape");
	for (int i = 0; i < 4; i++) {
		char h = *j->p++;

		*c <<= 4;
		if (h >= '0' && h <= '9')
			*c |= (unsigned)(h - '0');
		else if (h >= 'a' && h <= 'f')
			*c |= (unsigned)(h - 'a' + 10);
		else if (h >= 'A' && h <= 'F')
			*c |= (unsigned)(h - 'A' + 10);
		else
			return fail(j, "bad \\u escape");
	}
	return 0;
}

static int
escape(struct jsonrd *j)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	unsigned c;

	if (j->p >= j->end)
		return fail(j, "unterminated string");
	if (*j->p == 'u') {
		j->p++;
		if (hex4(j, &c) == -1)
			return -1;
		if (c == 0)
			return fail(j, "\\u0000 in a string");
		if (c >= 0xd800 && c <= 0xdfff)
			c = 0xfffd;	/* surrogates: not needed here */
		put_utf8(j, c);
		return 0;
	}
	if ((e = strchr(from, *j->p)) == NULL || *j->p == '\0')
		return fail(j, "bad escape");
	j->text[j->tlen++] = to[e - from];
	j->p++;
	return 0;
}

/* A string at j->p (after the quote): its decoded text. */
static const char *
parse_string(struct jsonrd *j)
{
	const char *s = j->text + j->tlen;

	while (j->p < j->end && *j->p != '"') {
		unsigned char c = (unsigned char)*j->p;

		if (c < 0x20) {
			fail(j, "control character in a string");
			return NULL;
		}
		if (c == '\\') {
			j->p++;
			if (escape(j) == -1)
				return NULL;
		} else {
			j->text[j->tlen++] = (char)c;
			j->p++;
		}
	}
	if (j->p >= j->end) {
		fail(j, "unterminated string");
		return NULL;
	}
	j->p++;
	j->text[j->tlen++] = '\0';
	return s;
}

static void
add_child(struct jsonrd *j, int parent, int child)
{
	struct jsonrd_val *p = &j->v[parent];

	if (p->last == -1)
		p->first = child - parent;
	else
		j->v[p->last].next = child - p->last;
	p->last = child;
	p->n++;
}

/* An array or object after its opening bracket. */
static int
parse_container(struct jsonrd *j, int depth, int obj)
{
	int self = new_node(j, obj ? JSONRD_OBJ : JSONRD_ARR), child;
	const char *key = NULL;

	if (self == -1)
		return -1;
	skip_ws(j);
	if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
		j->p++;
		return self;
	}
	for (;;) {
		skip_ws(j);
		if (obj) {
			if (j->p >= j->end || *j->p != '"')
				return fail(j, "expected a member name");
			j->p++;
			if ((key = parse_string(j)) == NULL)
				return -1;
			skip_ws(j);
			if (j->p >= j->end || *j->p++ != ':')
				return fail(j, "expected ':'");
		}
		if ((child = parse_value(j, depth + 1)) == -1)
			return -1;
		j->v[child].key = key;
		add_child(j, self, child);
		skip_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
			j->p++;
			return self;
		}
		return fail(j, obj ? "expected ',' or '}'" :
		    "expected ',' or ']'");
	}
}

static int
parse_number(struct jsonrd *j)
{
	const char *b = j->p;
	int self;
	size_t n;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || *j->p < '0' || *j->p > '9')
		return fail(j, "expected a value");
	while (j->p < j->end && strchr("0123456789.eE+-", *j->p) != NULL &&
	    *j->p != '\0')
		j->p++;
	if ((self = new_node(j, JSONRD_NUM)) == -1)
		return -1;
	n = (size_t)(j->p - b);
	j->v[self].s = j->text + j->tlen;
	memcpy(j->text + j->tlen, b, n);
	j->tlen += n;
	j->text[j->tlen++] = '\0';
	return self;
}

static int
parse_word(struct jsonrd *j)
{
	static const struct { const char *w; enum jsonrd_type t; } words[] = {
		{ "true", JSONRD_BOOL }, { "false", JSONRD_BOOL },
		{ "null", JSONRD_NULL },
	};

	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(words[i].w);
		int self;

		if ((size_t)(j->end - j->p) < n ||
		    memcmp(j->p, words[i].w, n) != 0)
			continue;
		j->p += n;
		if ((self = new_node(j, words[i].t)) != -1)
			j->v[self].s = words[i].w;
		return self;
	}
	return parse_number(j);
}

static int
parse_value(struct jsonrd *j, int depth)
{
	const char *s;
	int self;

	if (depth > JSONRD_MAX_DEPTH)
		return fail(j, "nested too deeply");
	skip_ws(j);
	if (j->p >= j->end)
		return fail(j, "expected a value");
	switch (*j->p) {
	case '{':
	case '[':
		return parse_container(j, depth, *j->p++ == '{');
	case '"':
		j->p++;
		if ((s = parse_string(j)) == NULL ||
		    (self = new_node(j, JSONRD_STR)) == -1)
			return -1;
		j->v[self].s = s;
		return self;
	default:
		return parse_word(j);
	}
}

struct jsonrd *
jsonrd_parse(const char *buf, size_t len, char *err, size_t errlen)
{
	struct jsonrd *j;

	err[0] = '\0';
	if (len > JSONRD_MAX_LEN) {
		snprintf(err, errlen, "longer than %u bytes", JSONRD_MAX_LEN);
		return NULL;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->text = malloc(2 * len + 2)) == NULL) {
		free(j);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	j->p = j->start = buf;
	j->end = buf + len;
	j->err = err;
	j->errlen = errlen;
	if (parse_value(j, 0) == 0) {
		skip_ws(j);
		if (j->p == j->end)
			return j;
		fail(j, "bytes after the value");
	}
	jsonrd_free(j);
	return NULL;
}

void
jsonrd_free(struct jsonrd *j)
{
	if (j == NULL)
		return;
	free(j->v);
	free(j->text);
	free(j);
}

const struct jsonrd_val *
jsonrd_root(const struct jsonrd *j)
{
	return j != NULL && j->nv > 0 ? &j->v[0] : NULL;
}

enum jsonrd_type
jsonrd_type(const struct jsonrd_val *v)
{
	return v != NULL ? v->type : JSONRD_NULL;
}

const struct jsonrd_val *
jsonrd_get(const struct jsonrd_val *v, const char *key)
{
	const struct jsonrd_val *c;

	if (v == NULL || v->type != JSONRD_OBJ || v->first == 0)
		return NULL;
	for (c = v + v->first; ; c += c->next) {
		if (c->key != NULL && strcmp(c->key, key) == 0)
			return c;
		if (c->next == 0)
			return NULL;
	}
}

size_t
jsonrd_len(const struct jsonrd_val *v)
{
	return v != NULL && v->type == JSONRD_ARR ? v->n : 0;
}

const struct jsonrd_val *
jsonrd_at(const struct jsonrd_val *v, size_t i)
{
	const struct jsonrd_val *c;

	if (i >= jsonrd_len(v))
		return NULL;
	for (c = v + v->first; i > 0; i--)
		c += c->next;
	return c;
}

const char *
jsonrd_str(const struct jsonrd_val *v)
{
	return v != NULL && v->type != JSONRD_NULL && v->type != JSONRD_ARR &&
	    v->type != JSONRD_OBJ ? v->s : NULL;
}

uint64_t
jsonrd_u64(const struct jsonrd_val *v, uint64_t def)
{
	const char *s;
	char *end;
	unsigned long long n;

	if (v == NULL || v->type != JSONRD_NUM || (s = v->s)[0] == '-')
		return def;
	n = strtoull(s, &end, 10);
	return *end == '\0' ? (uint64_t)n : def;
}

const char *
jsonrd_gets(const struct jsonrd_val *v, const char *key)
{
	return jsonrd_str(jsonrd_get(v, key));
}

uint64_t
jsonrd_getu(const struct jsonrd_val *v, const char *key)
{
	return jsonrd_u64(jsonrd_get(v, key), 0);
}
