/*
 * fuzz_webauth.c - basic auth over random input: the input as an
 * Authorization header against a one-user table (a cheap $5$ hash), and
 * as a user file.  A header must never be accepted unless it carries
 * that user's password; a user file that parses must have users.
 * Inputs naming bcrypt or SHA rounds are not parsed as files (their cost
 * is the point of those hashes, not a bug).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/webauth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* "fuzz:" + crypt("secret", "$5$rounds=1000$fuzzsalt$") */
#define USERS	"# one user\nfuzz:$5$rounds=1000$fuzzsalt$" \
		"qGCc4JvvMNwwgoU2eJ4FMcZ.jSqNaOPBoUN0Jv2w9O2\n"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct webauth *a;
	char err[256], *s;
	struct webauth *f;

	if (a == NULL && (a = webauth_parse(USERS, strlen(USERS), "users",
	    err, sizeof(err))) == NULL)
		abort();
	if (size > 4096 || (s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	/* only base64 of "fuzz:secret" opens it */
	if (webauth_check(a, s) && strstr(s, "ZnV6ejpzZWNyZXQ") == NULL)
		abort();
	if (strstr(s, "$2") == NULL && strstr(s, "rounds=") == NULL) {
		if ((f = webauth_parse(s, size, "f", err, sizeof(err))) !=
		    NULL) {
			if (webauth_count(f) == 0)
				abort();
			webauth_free(f);
		} else if (err[0] == '\0')
			abort();
	}
	free(s);
	return 0;
}
