/*
 * fuzz_chspool.c - libFuzzer harness for chspool_parse, the check of a
 * ClickHouse spool file read back from disk (src/chspool.h): any bytes are
 * accepted or refused; an accepted file's body lies inside the input,
 * holds exactly the rows the header says, and its header rebuilt from the
 * body is the input's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/chspool.h"
#include "storage/chrow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t	*body;
	struct flowrec	 r;
	uint8_t		 hdr[CHSPOOL_HDR];
	uint32_t	 rows, n = 0;
	size_t		 blen, off = 0;
	char		 err[256];
	long		 used;

	if (chspool_parse(data, size, &rows, &body, &blen, err,
	    sizeof(err)) != 0) {
		if (err[0] == '\0' || memchr(err, '\0', sizeof(err)) == NULL)
			abort();
		return 0;
	}
	if (body != data + CHSPOOL_HDR || blen != size - CHSPOOL_HDR)
		abort();
	while (off < blen) {
		used = chrow_decode(body + off, blen - off, &r, NULL, 0);
		if (used <= 0)
			abort();
		off += (size_t)used;
		n++;
	}
	if (n != rows)
		abort();
	chspool_header(hdr, rows, body, blen);
	if (memcmp(hdr, data, CHSPOOL_HDR) != 0)
		abort();
	return 0;
}
