/*
 * qs.c - query-string whitelist parser (see qs.h).
 */
#include <stdio.h>
#include <string.h>

#include "qs.h"

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode s[0..len) into out (room for len + 1); the decoded length, or
 * -1 on a broken escape or a NUL. */
static long
decode(const char *s, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (c == '+')
			c = ' ';
		else if (c == '%') {
			int h, l;

			if (i + 2 >= len ||
			    (h = hexval(s[i + 1])) < 0 ||
			    (l = hexval(s[i + 2])) < 0)
				return -1;
			c = h * 16 + l;
			i += 2;
		}
		if (c == 0)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return (long)o;
}

static int
charset_ok(enum qs_type t, const char *v)
{
	static const char *const extra[] = {
		[QS_NAME] = "._-", [QS_TIME] = " :.+-@",
		[QS_LIST] = " .:/,_-",
	};

	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (t == QS_TEXT) {
			if ((*p < 0x20 && *p != '\t' && *p != '\r' &&
			    *p != '\n') || *p == 0x7f)
				return 0;
			continue;
		}
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9'))
			continue;
		if (strchr(extra[t], *p) == NULL)
			return 0;
	}
	return t != QS_NAME || v[0] != '.';
}

static int
uint_ok(const struct qs_key *k, const char *v, uint64_t *out)
{
	uint64_t n = 0;

	if (*v == '\0' || strlen(v) > 20)
		return 0;
	for (; *v != '\0'; v++) {
		if (*v < '0' || *v > '9')
			return 0;
		if (n > (UINT64_MAX - (uint64_t)(*v - '0')) / 10)
			return 0;
		n = n * 10 + (uint64_t)(*v - '0');
	}
	*out = n;
	return n >= k->min && n <= k->max;
}

static int
bool_ok(const char *v, uint64_t *out)
{
	static const char *const yes[] = { "1", "on", "yes", "true" };
	static const char *const no[] = { "0", "off", "no", "false" };

	for (size_t i = 0; i < 4; i++) {
		if (strcmp(v, yes[i]) == 0) {
			*out = 1;
			return 1;
		}
		if (strcmp(v, no[i]) == 0) {
			*out = 0;
			return 1;
		}
	}
	return 0;
}

/* Check a value against its key; 1 ok. */
static int
value_ok(const struct qs_key *k, const char *v, uint64_t *num)
{
	*num = 0;
	if (strlen(v) > k->maxlen)
		return 0;
	switch (k->type) {
	case QS_UINT:
		return uint_ok(k, v, num);
	case QS_BOOL:
		return bool_ok(v, num);
	case QS_ENUM:
		for (const char *const *e = k->values; e && *e; e++)
			if (strcmp(*e, v) == 0)
				return 1;
		return 0;
	default:
		return charset_ok(k->type, v);
	}
}

static const struct qs_key *
find_key(const struct qs_key *keys, const char *name)
{
	for (; keys->name != NULL; keys++)
		if (strcmp(keys->name, name) == 0)
			return keys;
	return NULL;
}

/* "pre" + at most 40 bytes of s + "post", for a message. */
static void
errf(char *err, size_t errlen, const char *pre, const char *s,
    const char *post)
{
	snprintf(err, errlen, "%s%.*s%s", pre, strlen(s) > 40 ? 40 :
	    (int)strlen(s), s, post);
}

/* One "name=value" pair at s[0..len). */
static int
pair(struct qs *q, const char *s, size_t len, const struct qs_key *keys,
    size_t *used, char *err, size_t errlen)
{
	const char *eq = memchr(s, '=', len);
	size_t nlen = eq != NULL ? (size_t)(eq - s) : len;
	char name[QS_NAME_MAX + 1], *val = q->buf + *used;
	const struct qs_key *k;
	long vlen;

	if (nlen > QS_NAME_MAX || decode(s, nlen, name) < 0) {
		snprintf(err, errlen, "bad parameter name");
		return -1;
	}
	if ((k = find_key(keys, name)) == NULL) {
		errf(err, errlen, "unknown parameter \"", name, "\"");
		return -1;
	}
	vlen = eq != NULL ? decode(eq + 1, len - nlen - 1, val) : 0;
	if (eq == NULL)
		val[0] = '\0';
	if (vlen < 0) {
		errf(err, errlen, "", k->name, ": bad %-escape or NUL byte");
		return -1;
	}
	if (vlen == 0)
		return 0;
	if (qs_get(q, k->name) != NULL) {
		errf(err, errlen, "", k->name, ": given twice");
		return -1;
	}
	if (q->n >= QS_MAX_PARAMS) {
		snprintf(err, errlen, "too many parameters");
		return -1;
	}
	if (!value_ok(k, val, &q->p[q->n].num)) {
		errf(err, errlen, "", k->name, ": bad value");
		return -1;
	}
	q->p[q->n].key = k;
	q->p[q->n++].val = val;
	*used += (size_t)vlen + 1;
	return 0;
}

int
qs_parse(struct qs *q, const char *s, size_t len, const struct qs_key *keys,
    char *err, size_t errlen)
{
	size_t used = 0, i = 0;

	q->n = 0;
	if (len > QS_MAX_LEN) {
		snprintf(err, errlen, "query string too long (at most %d "
		    "bytes)", QS_MAX_LEN);
		return -1;
	}
	while (i < len) {
		const char *amp = memchr(s + i, '&', len - i);
		size_t n = amp != NULL ? (size_t)(amp - (s + i)) : len - i;

		if (n > 0 && pair(q, s + i, n, keys, &used, err, errlen) == -1)
			return -1;
		i += n + 1;
	}
	return 0;
}

const char *
qs_get(const struct qs *q, const char *name)
{
	for (unsigned i = 0; i < q->n; i++)
		if (strcmp(q->p[i].key->name, name) == 0)
			return q->p[i].val;
	return NULL;
}

uint64_t
qs_num(const struct qs *q, const char *name, uint64_t def)
{
	for (unsigned i = 0; i < q->n; i++)
		if (strcmp(q->p[i].key->name, name) == 0)
			return q->p[i].num;
	return def;
}
