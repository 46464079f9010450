/*
 * webauth.c - basic authentication against an htpasswd-style file (see
 * webauth.h).
 */
#define _GNU_SOURCE	/* crypt_r */

#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "webauth.h"

struct webauth_user {
	char	name[WEBAUTH_NAME_MAX + 1];
	char	hash[WEBAUTH_LINE_MAX];
};

struct webauth {
	struct webauth_user	*users;
	unsigned		 n;
};

/* The hash prefixes libcrypt verifies that we accept. */
static int
hash_supported(const char *h)
{
	static const char *const ok[] = { "$2y$", "$2b$", "$2a$", "$6$",
	    "$5$" };

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strncmp(h, ok[i], strlen(ok[i])) == 0)
			return 1;
	return 0;
}

/* A hash whose cost would make each request take seconds. */
static int
too_slow(const char *h)
{
	const char *r;

	if (h[1] == '2')	/* $2y$NN$ */
		return strtoul(h + 4, NULL, 10) > WEBAUTH_BCRYPT_COST_MAX;
	if ((r = strstr(h, "$rounds=")) == h + 2)
		return strtoul(r + 8, NULL, 10) > WEBAUTH_ROUNDS_MAX;
	return 0;
}

/* crypt(pw, setting) into out (a crypt_data, heap: ~32 KiB); NULL when
 * libcrypt refuses the setting. */
static const char *
do_crypt(const char *pw, const char *setting, struct crypt_data *cd)
{
	const char *h;

	memset(cd, 0, sizeof(*cd));
	h = crypt_r(pw, setting, cd);
	return h == NULL || h[0] == '*' ? NULL : h;
}

/* A whole hash, not a bare setting: crypt with it as the setting gives
 * a string of the same length and the same part before the last '$'. */
static int
complete_hash(const char *stored, struct crypt_data *cd)
{
	const char *h = do_crypt("", stored, cd);
	const char *last = strrchr(stored, '$');

	return h != NULL && strlen(h) == strlen(stored) && last != NULL &&
	    last[1] != '\0' && strncmp(h, stored, (size_t)(last - stored)) ==
	    0;
}

/* One "user:hash" line into u; 0 or -1 with a message. */
static int
parse_line(char *line, struct webauth_user *u, struct crypt_data *cd,
    char *msg, size_t msglen)
{
	char *colon = strchr(line, ':');
	size_t nl;

	if (colon == NULL || colon == line) {
		snprintf(msg, msglen, "expected user:hash");
		return -1;
	}
	nl = (size_t)(colon - line);
	if (nl > WEBAUTH_NAME_MAX) {
		snprintf(msg, msglen, "user name longer than %d bytes",
		    WEBAUTH_NAME_MAX);
		return -1;
	}
	memcpy(u->name, line, nl);
	u->name[nl] = '\0';
	if (!hash_supported(colon + 1)) {
		snprintf(msg, msglen, "user %s: unsupported hash \"%.6s...\": "
		    "use bcrypt (htpasswd -B), $6$ or $5$ crypt hashes",
		    u->name, colon + 1);
		return -1;
	}
	if (too_slow(colon + 1)) {
		snprintf(msg, msglen, "user %s: the hash costs too much for "
		    "every request (bcrypt cost above %d, or more than %d "
		    "rounds)", u->name, WEBAUTH_BCRYPT_COST_MAX,
		    WEBAUTH_ROUNDS_MAX);
		return -1;
	}
	snprintf(u->hash, sizeof(u->hash), "%s", colon + 1);
	if (!complete_hash(u->hash, cd)) {
		snprintf(msg, msglen, "user %s: libcrypt cannot use this hash "
		    "(malformed?)", u->name);
		return -1;
	}
	return 0;
}

static int
add_line(struct webauth *a, char *line, struct crypt_data *cd, char *msg,
    size_t msglen)
{
	size_t n = strlen(line);

	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ' ||
	    line[n - 1] == '\t'))
		line[--n] = '\0';
	if (n == 0 || line[0] == '#')
		return 0;
	if (a->n >= WEBAUTH_USERS_MAX) {
		snprintf(msg, msglen, "more than %d users", WEBAUTH_USERS_MAX);
		return -1;
	}
	if (parse_line(line, &a->users[a->n], cd, msg, msglen) == -1)
		return -1;
	a->n++;
	return 0;
}

struct webauth *
webauth_parse(const char *buf, size_t len, const char *name, char *err,
    size_t errlen)
{
	struct webauth *a = calloc(1, sizeof(*a));
	struct crypt_data *cd = malloc(sizeof(*cd));
	char line[WEBAUTH_LINE_MAX + 1], msg[256];
	size_t pos = 0;
	unsigned lineno = 0;

	if (a == NULL || cd == NULL || (a->users = calloc(WEBAUTH_USERS_MAX,
	    sizeof(*a->users))) == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		goto fail;
	}
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t ll = nl != NULL ? (size_t)(nl - (buf + pos)) : len - pos;

		lineno++;
		if (ll > WEBAUTH_LINE_MAX || memchr(buf + pos, '\0', ll)) {
			snprintf(err, errlen, "%s:%u: line too long or not "
			    "text", name, lineno);
			goto fail;
		}
		memcpy(line, buf + pos, ll);
		line[ll] = '\0';
		pos += ll + 1;
		if (add_line(a, line, cd, msg, sizeof(msg)) == -1) {
			snprintf(err, errlen, "%s:%u: %s", name, lineno, msg);
			goto fail;
		}
	}
	if (a->n == 0) {
		snprintf(err, errlen, "%s: no users", name);
		goto fail;
	}
	free(cd);
	return a;
fail:
	free(cd);
	webauth_free(a);
	return NULL;
}

struct webauth *
webauth_load(const char *path, char *err, size_t errlen)
{
	char *buf;
	size_t n;
	FILE *fp;
	struct webauth *a;
	const size_t max = (size_t)WEBAUTH_USERS_MAX * (WEBAUTH_LINE_MAX + 1);

	if ((fp = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((buf = malloc(max + 1)) == NULL) {
		fclose(fp);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	n = fread(buf, 1, max + 1, fp);
	fclose(fp);
	if (n > max) {
		free(buf);
		snprintf(err, errlen, "%s: too large", path);
		return NULL;
	}
	a = webauth_parse(buf, n, path, err, errlen);
	free(buf);
	return a;
}

void
webauth_free(struct webauth *a)
{
	if (a == NULL)
		return;
	free(a->users);
	free(a);
}

unsigned
webauth_count(const struct webauth *a)
{
	return a->n;
}

/* ---------------------------------------------------------------- check */

static int
b64_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decode standard base64 (padding optional, non-zero trailing bits
 * refused) into out (NUL-terminated); the length, or -1 if it is not
 * canonical base64 or does not fit. */
static int
b64_decode(const char *s, char *out, size_t outlen)
{
	unsigned acc = 0, bits = 0;
	size_t n = 0, i;

	for (i = 0; s[i] != '\0' && s[i] != '='; i++) {
		int v = b64_val((unsigned char)s[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n + 1 >= outlen)
				return -1;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	/* canonical only: the bits after the last byte are zero, and no
	 * lone character (so one header has one spelling) */
	if (bits >= 6 || (acc & ((1u << bits) - 1)) != 0)
		return -1;
	while (s[i] == '=')
		i++;
	if (s[i] != '\0')
		return -1;
	out[n] = '\0';
	return (int)n;
}

/* Equal strings, in time that depends on the lengths only. */
static int
ct_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;

	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* The index of user name, looking at every one; -1 if none. */
static int
find_user(const struct webauth *a, const char *name)
{
	int found = -1;

	for (unsigned i = 0; i < a->n; i++)
		if (ct_equal(a->users[i].name, name) && found == -1)
			found = (int)i;
	return found;
}

int
webauth_check(const struct webauth *a, const char *header)
{
	char cred[WEBAUTH_HEADER_MAX], *colon;
	struct crypt_data *cd;
	const char *h, *stored;
	int u, ok;

	if (a == NULL || a->n == 0 || header == NULL ||
	    strlen(header) >= WEBAUTH_HEADER_MAX ||
	    strncasecmp(header, "Basic ", 6) != 0)
		return 0;
	header += 6;
	header += strspn(header, " ");
	if (b64_decode(header, cred, sizeof(cred)) < 0 ||
	    (colon = strchr(cred, ':')) == NULL)
		return 0;
	*colon = '\0';
	u = find_user(a, cred);
	/* an unknown user costs a crypt too (against the first hash) */
	stored = a->users[u >= 0 ? u : 0].hash;
	if ((cd = malloc(sizeof(*cd))) == NULL)
		return 0;
	h = do_crypt(colon + 1, stored, cd);
	ok = h != NULL && ct_equal(h, stored) && u >= 0;
	explicit_bzero(cred, sizeof(cred));
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ok;
}
