/*
 * fuzz_config.c - the first byte picks the parser: 0 the configuration
 * file (then validate and print the result, and check that the canonical
 * form parses back to the same settings), 1 a control request line, 2 an
 * address prefix.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/config.h"
#include "src/ctlproto.h"

static void
fuzz_conf(const char *buf, size_t len)
{
	static struct fk_config c, c2;
	char err[256], *out = NULL;
	size_t outlen = 0;
	FILE *fp;

	config_defaults(&c);
	if (config_parse_buf(&c, buf, len, "fuzz", err, sizeof(err)) == -1)
		return;
	if (config_validate(&c, err, sizeof(err)) == -1)
		return;
	if ((fp = open_memstream(&out, &outlen)) == NULL)
		return;
	config_print(&c, fp);
	fclose(fp);
	config_defaults(&c2);
	if (config_parse_buf(&c2, out, outlen, "canonical", err,
	    sizeof(err)) == -1 || memcmp(&c, &c2, sizeof(c)) != 0) {
		fprintf(stderr, "canonical form differs: %s\n%s", err, out);
		abort();
	}
	free(out);
}

static void
fuzz_prefix(const char *buf, size_t len)
{
	struct fk_prefix p;
	char s[128];
	fr_addr a;

	if (len >= sizeof(s))
		return;
	memcpy(s, buf, len);
	s[len] = '\0';
	if (config_parse_prefix(s, &p) == -1)
		return;
	if (p.af != FR_AF_INET && p.af != FR_AF_INET6)
		abort();
	a = p.addr;
	if (!config_prefix_match(&p, p.af, &a))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_request req;
	char err[128];

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		fuzz_conf((const char *)data + 1, size - 1);
		break;
	case 1:
		if (ctl_parse_request((const char *)data + 1, size - 1, &req,
		    err, sizeof(err)) == 0 && ctl_cmd_name(req.cmd) == NULL)
			abort();
		break;
	default:
		fuzz_prefix((const char *)data + 1, size - 1);
		break;
	}
	return 0;
}
