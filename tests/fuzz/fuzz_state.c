/*
 * fuzz_state.c - libFuzzer harness for proto_state_load: any bytes are
 * refused or loaded; a loaded state saves back to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_limits lim = { .max_templates = 16, .max_samplers = 4,
	    .max_exporters = 4 };
	struct proto_ctx *ctx = proto_new(&lim);
	uint8_t *out = NULL;
	size_t len;

	if (ctx == NULL)
		return 0;
	if (proto_state_load(ctx, data, size) == 0 &&
	    proto_state_save(ctx, &out, &len) == 0) {
		/* unknown items are dropped, so only a prefix may match */
		if (len > size || memcmp(out, data, 12) != 0)
			abort();
		free(out);
	}
	proto_free(ctx);
	return 0;
}
