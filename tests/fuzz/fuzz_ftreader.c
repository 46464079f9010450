/*
 * fuzz_ftreader.c - libFuzzer harness for the flow-tools file reader: open
 * the input as a file image and read every record (raw, converted and as
 * bytes), then parse it once more as a bare header.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "storage/ftreader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ft_header h;
	struct flowrec fr;
	struct ftrec r;
	const uint8_t *raw;
	struct ftr *rd;
	char err[512];
	unsigned n = 0;

	ftr_parse_header(data, size, &h, err, sizeof(err));
	rd = ftr_open_mem(data, size, "fuzz", err, sizeof(err));
	if (rd == NULL)
		return 0;
	for (;;) {
		if (n % 3 == 0 && ftr_next(rd, &fr) != 1)
			break;
		if (n % 3 == 1 && ftr_next_raw(rd, &r) != 1)
			break;
		if (n % 3 == 2 && ftr_next_bytes(rd, &raw) <= 0)
			break;
		n++;
	}
	(void)ftr_error(rd);
	(void)ftr_warning(rd);
	ftr_close(rd);
	return 0;
}
