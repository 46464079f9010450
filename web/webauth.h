/*
 * webauth.h - HTTP basic authentication for the built-in listener: an
 * htpasswd-style user file read once at start, and the check of a
 * request's Authorization header against it.
 *
 * The file holds "user:hash" lines (blank lines and lines starting with
 * '#' are skipped).  Hashes are crypt(3) strings that libcrypt verifies:
 * bcrypt ($2y$, $2b$, $2a$; what `htpasswd -B` writes), SHA-512 ($6$)
 * and SHA-256 ($5$).  A bcrypt cost above WEBAUTH_BCRYPT_COST_MAX or
 * more than WEBAUTH_ROUNDS_MAX SHA rounds is refused too (every request
 * pays it).  Anything else (htpasswd's default $apr1$ MD5,
 * {SHA}, plain text, DES) is refused at load with the line number, so a
 * file that would lock everyone out, or let a weak hash through, stops
 * the daemon at start instead.
 *
 * The check looks at every user (no early exit on the name) and runs
 * crypt for an unknown user too, against a stand-in hash, so that the
 * answer's timing says little about which names exist; the final
 * comparison is constant-time.
 *
 * Limits: WEBAUTH_USERS_MAX users, lines of at most WEBAUTH_LINE_MAX
 * bytes, names of at most WEBAUTH_NAME_MAX bytes, an Authorization value
 * of at most WEBAUTH_HEADER_MAX bytes.  No logging: errors in err.
 */
#ifndef FLOWKEEP_WEBAUTH_H
#define FLOWKEEP_WEBAUTH_H

#include <stddef.h>

#define WEBAUTH_USERS_MAX	1000
#define WEBAUTH_LINE_MAX	512
#define WEBAUTH_NAME_MAX	64
#define WEBAUTH_HEADER_MAX	1024
#define WEBAUTH_REALM		"flowkeep"
#define WEBAUTH_BCRYPT_COST_MAX	14	/* about 1 s per check */
#define WEBAUTH_ROUNDS_MAX	1000000	/* $5$/$6$ rounds= */

struct webauth;

/* Parse a user file held in memory (name for messages); NULL with
 * "name:line: message" in err. */
struct webauth *webauth_parse(const char *buf, size_t len, const char *name,
    char *err, size_t errlen);

/* Read and parse the file at path. */
struct webauth *webauth_load(const char *path, char *err, size_t errlen);

void webauth_free(struct webauth *a);

/* The number of users. */
unsigned webauth_count(const struct webauth *a);

/* 1 if header (an Authorization value, "Basic BASE64(user:password)";
 * NULL when the request had none) names a user of a with the right
 * password, else 0. */
int webauth_check(const struct webauth *a, const char *header);

#endif /* FLOWKEEP_WEBAUTH_H */
