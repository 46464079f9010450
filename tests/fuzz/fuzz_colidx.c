/*
 * fuzz_colidx.c - libFuzzer harness for the column index reader
 * (storage/colidx.h): open the input as a sidecar image, once with every
 * column and once with a few, and read every row.  The first input byte
 * picks the stamp check (none, or the stamp the seeds were written with).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "storage/colidx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
read_all(const uint8_t *data, size_t size, const struct colidx_stamp *st,
    uint64_t need)
{
	struct flowrec out[64];
	struct colidx *x;
	char err[256];

	if (colidx_open_mem(data, size, st, need, &x, err, sizeof(err)) !=
	    COLIDX_OK)
		return;
	while (colidx_read(x, out, 64) > 0)
		continue;
	(void)colidx_error(x);
	colidx_close(x);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct colidx_stamp seed = { 1000, 2000 };

	if (size < 1)
		return 0;
	read_all(data + 1, size - 1, data[0] & 1 ? &seed : NULL, 0);
	read_all(data + 1, size - 1, NULL,
	    colidx_need(FR_HAS_SRCADDR | FR_HAS_PORTS));
	return 0;
}
