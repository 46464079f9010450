/*
 * fuzz_chrow.c - libFuzzer harness for chrow_decode, the reader of rows a
 * ClickHouse server sends back: any bytes are decoded row after row, or
 * refused; a decoded row encodes back to the bytes it came from.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storage/chrow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct flowrec r;
	uint8_t back[CHROW_MAX];
	char name[CHROW_NAME_MAX + 1];
	long n;
	size_t m;

	while (size > 0) {
		n = chrow_decode(data, size, &r, name, sizeof(name));
		if (n <= 0)
			break;
		if ((size_t)n > size || (size_t)n > CHROW_MAX)
			abort();
		/* the day column is derived from first_ms, so compare after
		 * it; a name with a NUL in it encodes shorter */
		m = chrow_encode(&r, name, back);
		if (m > (size_t)n ||
		    (m == (size_t)n && memcmp(back + 2, data + 2, m - 2) != 0))
			abort();
		data += n;
		size -= (size_t)n;
	}
	return 0;
}
