/*
 * mkcolseeds.c - writes the fuzz_colidx seed files: small sidecars (IPv4,
 * IPv6, constant and varying columns, no rows), each after a first byte
 * of 1 (check the stamp {1000, 2000} they are written with).  Built by
 * hand, not by make:
 *   cc -I. -Ib tests/data/storage/mkcolseeds.c b/storage/libfkstorage.a \
 *       b/proto/libfkproto.a -ldeflate -lz -o /tmp/mkcolseeds
 *   /tmp/mkcolseeds tests/fuzz/corpus/colidx
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "storage/colidx.h"

static void
one(const char *dir, const char *name, unsigned n, int v6)
{
	const struct colidx_stamp st = { 1000, 2000 };
	struct flowrec r[64];
	struct colidx_w *w;
	char path[512];
	int fd;

	memset(r, 0, sizeof(r));
	for (unsigned i = 0; i < n; i++) {
		r[i].first_ms = 1700000000000ull + i * 10;
		r[i].last_ms = r[i].first_ms + i * 1000;
		r[i].packets = 1 + i;
		r[i].octets = 40 + i * 1000;
		r[i].sport = (uint16_t)(1024 + i * 7);
		r[i].dport = i % 2 ? 443 : 53;
		r[i].proto = i % 2 ? 6 : 17;
		r[i].fields = FR_HAS_PACKETS | FR_HAS_OCTETS | FR_HAS_PORTS;
		r[i].af = v6 ? FR_AF_INET6 : FR_AF_INET;
		if (v6) {
			r[i].src.v6[0] = 0x20;
			r[i].src.v6[15] = (uint8_t)i;
		} else
			r[i].src.v4 = 0x0a010000u + i;
		r[i].src_as = 64512 + (i & 3);
		r[i].sampling = 1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1 ||
	    write(fd, "\1", 1) != 1) {
		perror(path);
		return;
	}
	/* the writer addresses offsets from 0: write a temporary file and
	 * copy it after the stamp byte */
	{
		char tmp[] = "/tmp/mkcolseeds.XXXXXX";
		int t = mkstemp(tmp);
		char buf[65536];
		ssize_t k;

		w = colidx_wnew(t);
		colidx_wadd(w, r, n);
		colidx_wfinish(w, &st);
		colidx_wfree(w);
		lseek(t, 0, SEEK_SET);
		while ((k = read(t, buf, sizeof(buf))) > 0)
			if (write(fd, buf, (size_t)k) != k)
				perror(path);
		close(t);
		unlink(tmp);
	}
	close(fd);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkcolseeds DIR\n");
		return 2;
	}
	one(argv[1], "v4-50", 50, 0);
	one(argv[1], "v6-20", 20, 1);
	one(argv[1], "one", 1, 0);
	one(argv[1], "empty", 0, 0);
	return 0;
}
