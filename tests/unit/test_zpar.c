/*
 * test_zpar.c - parallel deflate: one standard zlib stream whatever the
 * chunking, the same records as inline deflate, crash safety of
 * ftw_flush, and aborting with chunks in flight.
 */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "storage/ftreader.h"
#include "storage/ftwriter.h"
#include "storage/zpar.h"

static char tmpdir[64];

static int
setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/fk-zpar-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return zpar_pool_start(2);
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	zpar_pool_stop();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	assert_int_equal(read(fd, buf, (size_t)st.st_size), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

static uint64_t rng = 88172645463325252ull;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 20);
}

/* Half structure, half noise, like flow records. */
static void
fill(uint8_t *p, size_t n, size_t at)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(((at + i) % 64 < 32) ? (at + i) % 64 :
		    rnd());
}

/* Inflate a whole zlib stream (at most cap bytes out) with zlib's defaults
 * (32 KiB window), checking the adler32 trailer and that nothing follows. */
static uint8_t *
inflate_all(const uint8_t *z, size_t zlen, size_t cap, size_t *outlen)
{
	z_stream s;
	uint8_t *out = malloc(cap);

	assert_non_null(out);
	memset(&s, 0, sizeof(s));
	assert_int_equal(inflateInit(&s), Z_OK);
	s.next_in = (Bytef *)(uintptr_t)z;
	s.avail_in = (uInt)zlen;
	s.next_out = out;
	s.avail_out = (uInt)cap;
	assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
	assert_int_equal(s.avail_in, 0);
	*outlen = s.total_out;
	inflateEnd(&s);
	return out;
}

/* Chunks of awkward sizes around the window and buffer, at three levels. */
static void
test_stream_chunking(void **state)
{
	static const size_t sizes[] = { 1, 0, 4095, 4096, 4097, 100,
	    65536, 3, 8191, 65536, 0, 17 };
	static const int levels[] = { 1, 6, 9 };
	const size_t bufsz = 65536;

	(void)state;
	for (unsigned l = 0; l < 3; l++) {
		char path[128];
		uint8_t *ref, *buf, *file, *got;
		size_t total = 0, flen, glen;
		struct zpar *zp;
		int fd;

		snprintf(path, sizeof(path), "%s/z%d", tmpdir, levels[l]);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		assert_true(fd >= 0);
		zp = zpar_open(fd, levels[l], bufsz);
		assert_non_null(zp);
		ref = malloc(bufsz * 16);
		buf = malloc(bufsz);
		assert_non_null(ref);
		assert_non_null(buf);
		for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]);
		    i++) {
			fill(buf, sizes[i], total);
			memcpy(ref + total, buf, sizes[i]);
			total += sizes[i];
			assert_int_equal(zpar_submit(zp, &buf, sizes[i]), 0);
			assert_non_null(buf);
		}
		fill(buf, 1000, total);
		memcpy(ref + total, buf, 1000);
		total += 1000;
		assert_int_equal(zpar_finish(zp, &buf, 1000), 0);
		assert_null(buf);
		close(fd);

		file = slurp(path, &flen);
		/* RFC 1950 header: deflate, 4 KiB window, level class. */
		assert_int_equal(file[0], 0x48);
		assert_int_equal((file[0] * 256 + file[1]) % 31, 0);
		assert_int_equal(file[1] >> 6,
		    levels[l] == 1 ? 0 : levels[l] == 6 ? 2 : 3);
		got = inflate_all(file, flen, total + 4096, &glen);
		assert_int_equal(glen, total);
		assert_memory_equal(got, ref, total);
		/* zlib's one-shot uncompress agrees. */
		{
			uLongf dl = (uLongf)total + 1;
			uint8_t *d = malloc(dl);

			assert_int_equal(uncompress(d, &dl, file, flen), Z_OK);
			assert_int_equal(dl, total);
			free(d);
		}
		free(file);
		free(got);
		free(ref);
	}
}

static void
make_recs(struct ftrec *r, unsigned n, unsigned seed)
{
	memset(r, 0, n * sizeof(*r));
	for (unsigned i = 0; i < n; i++) {
		r[i].unix_secs = 1764000000 + (seed + i) / 1000;
		r[i].sysuptime = 3600000 + seed + i;
		r[i].exaddr = 0x7f000001;
		r[i].srcaddr = 0x0a000000 | (rnd() & 0xffff);
		r[i].dstaddr = 0xc0a80000 | (rnd() & 0xffff);
		r[i].dpkts = 1 + rnd() % 50;
		r[i].doctets = r[i].dpkts * (40 + rnd() % 1400);
		r[i].first = r[i].sysuptime - rnd() % 60000;
		r[i].last = r[i].sysuptime;
		r[i].srcport = (uint16_t)(1024 + rnd() % 60000);
		r[i].dstport = 443;
		r[i].prot = 6;
	}
}

/* Write the same records with the pool and inline; read both back. */
static void
write_file(const char *path, const struct ftrec *r, unsigned n, int flush)
{
	struct ftw_opts o = { .version = FT_VER_5, .zlevel = 6,
	    .hostname = "test" };
	struct ftw *w;
	char err[256];

	w = ftw_open(path, &o, 1764000000, NULL, err, sizeof(err));
	assert_non_null(w);
	for (unsigned i = 0; i < n; i += 1000) {
		assert_int_equal(ftw_write(w, r + i, n - i < 1000 ? n - i :
		    1000), 0);
		if (flush && i % 20000 == 0)
			assert_int_equal(ftw_flush(w, 0), 0);
	}
	assert_int_equal(ftw_close(w, 1764000900, NULL, NULL, err,
	    sizeof(err)), 0);
}

static uint8_t *
read_records(const char *path, size_t *len, unsigned *count)
{
	char err[256];
	struct ftr *rd = ftr_open(path, err, sizeof(err));
	const uint8_t *rec;
	uint8_t *all = NULL;
	size_t have = 0, cap = 0;
	int n;

	assert_non_null(rd);
	*count = 0;
	while ((n = ftr_next_bytes(rd, &rec)) > 0) {
		if (have + (size_t)n > cap) {
			cap = cap * 2 + 4096;
			all = realloc(all, cap);
			assert_non_null(all);
		}
		memcpy(all + have, rec, (size_t)n);
		have += (size_t)n;
		(*count)++;
	}
	assert_int_equal(n, 0);
	ftr_close(rd);
	*len = have;
	return all;
}

static void
test_same_records_as_inline(void **state)
{
	enum { N = 50000 };
	struct ftrec *r = malloc(N * sizeof(*r));
	char p1[128], p2[128];
	uint8_t *a, *b;
	size_t la, lb;
	unsigned ca, cb;

	(void)state;
	assert_non_null(r);
	make_recs(r, N, 0);
	snprintf(p1, sizeof(p1), "%s/par", tmpdir);
	snprintf(p2, sizeof(p2), "%s/inline", tmpdir);
	write_file(p1, r, N, 1);
	zpar_pool_stop();
	assert_int_equal(zpar_pool_threads(), 0);
	write_file(p2, r, N, 0);
	assert_int_equal(zpar_pool_start(2), 0);
	a = read_records(p1, &la, &ca);
	b = read_records(p2, &lb, &cb);
	assert_int_equal(ca, N);
	assert_int_equal(cb, N);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);
	free(r);
}

/*
 * A crash right after ftw_flush loses nothing: copy the open tmp- file
 * (what a kill -9 would leave) and repair the copy.
 */
static void
test_flush_survives_crash(void **state)
{
	enum { N = 30000, M = 5000 };
	struct ftw_opts o = { .version = FT_VER_5, .zlevel = 6,
	    .hostname = "test" };
	struct ftrec *r = malloc(N * sizeof(*r));
	char path[128], copy[128], fixed[128], err[256], cmd[512];
	struct ftw *w;
	uint8_t *got;
	size_t len;
	unsigned count;
	long kept;

	(void)state;
	assert_non_null(r);
	make_recs(r, N, 7);
	snprintf(path, sizeof(path), "%s/tmp-open", tmpdir);
	snprintf(copy, sizeof(copy), "%s/tmp-crashed", tmpdir);
	snprintf(fixed, sizeof(fixed), "%s/ft-crashed", tmpdir);
	w = ftw_open(path, &o, 1764000000, NULL, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(ftw_write(w, r, N), 0);
	assert_int_equal(ftw_flush(w, 1), 0);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", path, copy);
	assert_int_equal(system(cmd), 0);
	/* More records that the "crash" loses. */
	assert_int_equal(ftw_write(w, r, M), 0);
	ftw_abort(w);

	kept = ftw_repair(copy, fixed, 1764000900, err, sizeof(err));
	assert_int_equal(kept, N);
	got = read_records(fixed, &len, &count);
	assert_int_equal(count, N);
	free(got);
	free(r);
}

/* Abort while chunks are queued: no crash, no leak (ASan), file left. */
static void
test_abort_in_flight(void **state)
{
	enum { N = 40000 };
	struct ftw_opts o = { .version = FT_VER_5, .zlevel = 9,
	    .hostname = "test" };
	struct ftrec *r = malloc(N * sizeof(*r));
	char path[128], err[256];
	struct ftw *w;
	struct stat st;

	(void)state;
	assert_non_null(r);
	make_recs(r, N, 3);
	snprintf(path, sizeof(path), "%s/tmp-abort", tmpdir);
	w = ftw_open(path, &o, 1764000000, NULL, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(ftw_write(w, r, N), 0);
	ftw_abort(w);
	assert_int_equal(stat(path, &st), 0);
	free(r);
}

/* A stream without a pool is refused rather than silently inline. */
static void
test_open_without_pool(void **state)
{
	(void)state;
	zpar_pool_stop();
	assert_null(zpar_open(1, 6, 4096));
	assert_int_equal(zpar_pool_start(2), 0);
	assert_int_equal(zpar_pool_threads(), 2);
	assert_null(zpar_open(1, 0, 4096));
	assert_null(zpar_open(1, 10, 4096));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_chunking),
		cmocka_unit_test(test_same_records_as_inline),
		cmocka_unit_test(test_flush_survives_crash),
		cmocka_unit_test(test_abort_in_flight),
		cmocka_unit_test(test_open_without_pool),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
