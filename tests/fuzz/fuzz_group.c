/*
 * fuzz_group.c - tracking group files (src/group.h): the first byte picks
 * the parser: 0 a group file (then write it and check that the canonical
 * form reads back to the same group), 1 a command-line member spec.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/group.h"

static void
fuzz_file(const uint8_t *buf, size_t len)
{
	static struct grp g, g2;
	char err[512], *out = NULL;
	size_t outlen = 0;
	FILE *fp;

	if (len == 0 || (fp = fmemopen((void *)(uintptr_t)buf, len,
	    "r")) == NULL)
		return;
	if (grp_read(fp, "fuzz", &g, err, sizeof(err)) == -1) {
		fclose(fp);
		return;
	}
	fclose(fp);
	if ((fp = open_memstream(&out, &outlen)) == NULL)
		return;
	grp_write(fp, &g);
	fclose(fp);
	if ((fp = fmemopen(out, outlen, "r")) == NULL) {
		free(out);
		return;
	}
	if (grp_read(fp, "canonical", &g2, err, sizeof(err)) == -1 ||
	    memcmp(&g, &g2, sizeof(g)) != 0) {
		fprintf(stderr, "canonical form differs: %s\n%s", err, out);
		abort();
	}
	fclose(fp);
	free(out);
}

static void
fuzz_member(const uint8_t *buf, size_t len)
{
	struct grp_member m;
	char spec[512], err[512];

	if (len >= sizeof(spec))
		len = sizeof(spec) - 1;
	memcpy(spec, buf, len);
	spec[len] = '\0';
	if (grp_member_parse(spec, &m, err, sizeof(err)) == 0 &&
	    !grp_name_ok(m.name))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] == 1)
		fuzz_member(data + 1, size - 1);
	else
		fuzz_file(data + 1, size - 1);
	return 0;
}
