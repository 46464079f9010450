/*
 * fuzz_jsonrd.c - the Status page's JSON reader over random input: a
 * parse either fails with a message or gives a tree every lookup can
 * walk (all members and elements, as the page does) without reading
 * outside it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/jsonrd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
walk(const struct jsonrd_val *v, int depth)
{
	size_t n = 1;

	if (depth > JSONRD_MAX_DEPTH + 1)
		abort();
	if (jsonrd_str(v) != NULL)
		n += strlen(jsonrd_str(v)) > 0;
	(void)jsonrd_u64(v, 0);
	(void)jsonrd_gets(v, "address");
	(void)jsonrd_getu(v, "packets");
	for (size_t i = 0; i < jsonrd_len(v); i++)
		n += walk(jsonrd_at(v, i), depth + 1);
	if (jsonrd_type(v) == JSONRD_OBJ && jsonrd_get(v, "daemon") != NULL)
		n += walk(jsonrd_get(v, "daemon"), depth + 1);
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct jsonrd *j = jsonrd_parse((const char *)data, size, err,
	    sizeof(err));

	if (j == NULL) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	if (jsonrd_root(j) == NULL || walk(jsonrd_root(j), 0) == 0)
		abort();
	jsonrd_free(j);
	return 0;
}
