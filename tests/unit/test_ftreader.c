/*
 * test_ftreader.c - the flow-tools reader against the real flow-tools
 * outputs (flow-header, flow-print -f 5) for every vector file, plus
 * corrupt, truncated, big-endian and stream-version-1 inputs.
 */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "storage/ftreader.h"
#include "storage/ftwriter.h"

#define VEC	SHARED_DIR "/vectors/flow-tools"

/* ---------------------------------------------------------- helpers */

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = 0;
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void
app(char **p, size_t *left, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
app(char **p, size_t *left, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*p, *left, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < *left);
	*p += n;
	*left -= (size_t)n;
}

static void
fmt_time(char *buf, size_t len, uint32_t t)
{
	time_t tt = t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

#define LINE(label, ...) do { \
	app(&p, &left, "# %-22s", label ":"); \
	app(&p, &left, __VA_ARGS__); \
	app(&p, &left, "\n"); \
} while (0)

/* What flow-header prints for h (spec 7.1), with TZ=UTC. */
static void
header_text(const struct ft_header *h, char *out, size_t left)
{
	char *p = out, t[64];
	int streaming = (h->flags & FT_HEADER_FLAG_STREAMING) != 0;
	int pre = (h->flags & FT_HEADER_FLAG_PRELOADED) != 0;
	int done = (h->flags & FT_HEADER_FLAG_DONE) != 0 || pre;
	int times = !streaming || pre;

	app(&p, &left, "#\n");
	LINE("mode", "%s", streaming ? "streaming" : "normal");
	if ((h->present & (1u << FT_TLV_CAP_HOSTNAME)) && !streaming)
		LINE("capture hostname", "%s", h->hostname);
	if ((h->present & (1u << FT_TLV_CAP_START)) && times) {
		fmt_time(t, sizeof(t), h->cap_start);
		LINE("capture start", "%s", t);
		if (done) {
			fmt_time(t, sizeof(t), h->cap_end);
			LINE("capture end", "%s", t);
			LINE("capture period", "%u seconds",
			    h->cap_end - h->cap_start);
		}
	}
	LINE("compress", "%s", h->flags & FT_HEADER_FLAG_COMPRESS ? "on" :
	    "off");
	LINE("byte order", "%s", h->byte_order == FT_BIG_ENDIAN ? "big" :
	    "little");
	LINE("stream version", "%u", h->s_version);
	LINE("export version", "%u", h->d_version);
	if ((h->present & (1u << FT_TLV_FLOW_LOST)) && times)
		LINE("lost flows", "%u", h->counters.flow_lost);
	if ((h->present & (1u << FT_TLV_FLOW_MISORDERED)) && times)
		LINE("misordered flows", "%u", h->counters.flow_misordered);
	if ((h->present & (1u << FT_TLV_PKT_CORRUPT)) && times)
		LINE("corrupt packets", "%u", h->counters.pkt_corrupt);
	if ((h->present & (1u << FT_TLV_SEQ_RESET)) && times)
		LINE("sequencer resets", "%u", h->counters.seq_reset);
	if (h->present & (1u << FT_TLV_COMMENTS))
		LINE("comments", "%s", h->comments);
	if (done)
		LINE("capture flows", "%u", h->counters.flow_count);
	else if (!streaming)
		app(&p, &left, "# note, incomplete flow file\n");
	app(&p, &left, "#\n");
}

static void
fmt_ms(char *buf, size_t len, uint64_t ms)
{
	time_t tt = (time_t)(ms / 1000);
	struct tm tm;
	char s[32];

	gmtime_r(&tt, &tm);
	strftime(s, sizeof(s), "%m%d.%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03u", s, (unsigned)(ms % 1000));
}

static void
ip(char *buf, size_t len, uint32_t a)
{
	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255,
	    (a >> 8) & 255, a & 255);
}

/* One flow-print -f 5 data line, split into its 12 columns. */
static void
check_f5_line(const char *line, const struct flowrec *fr, const char *what)
{
	char c[12][64], e[12][64];
	int i, n;

	n = sscanf(line, "%63s %63s %63s %63s %63s %63s %63s %63s %63s %63s "
	    "%63s %63s", c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8],
	    c[9], c[10], c[11]);
	assert_int_equal(n, 12);
	fmt_ms(e[0], 64, fr->first_ms);
	fmt_ms(e[1], 64, fr->last_ms);
	snprintf(e[2], 64, "%u", fr->in_if);
	ip(e[3], 64, fr->src.v4);
	snprintf(e[4], 64, "%u", fr->sport);
	snprintf(e[5], 64, "%u", fr->out_if);
	ip(e[6], 64, fr->dst.v4);
	snprintf(e[7], 64, "%u", fr->dport);
	snprintf(e[8], 64, "%u", fr->proto);
	snprintf(e[9], 64, "%u", fr->tcp_flags & 7);
	snprintf(e[10], 64, "%llu", (unsigned long long)fr->packets);
	snprintf(e[11], 64, "%llu", (unsigned long long)fr->octets);
	for (i = 0; i < 12; i++)
		if (strcmp(c[i], e[i]) != 0)
			fail_msg("%s: column %d: flow-print says '%s', we "
			    "say '%s'\n  line: %s", what, i, c[i], e[i], line);
}

/* Read file and compare with expected/<base>/flow-header.txt and
 * flow-print-f5.txt.  Returns records read. */
static unsigned
check_vector_file(const char *file, const char *expdir)
{
	char path[4200], err[512], *txt, *line, *save = NULL, *hdr;
	struct ftr *r;
	struct flowrec fr;
	size_t len;
	unsigned n = 0;
	int rc;

	r = ftr_open(file, err, sizeof(err));
	if (r == NULL)
		fail_msg("%s", err);
	snprintf(path, sizeof(path), "%s/flow-header.txt", expdir);
	txt = slurp(path, &len);
	assert_non_null(txt);
	hdr = malloc(4096);
	header_text(ftr_header(r), hdr, 4096);
	if (strcmp(hdr, txt) != 0)
		fail_msg("%s: header differs:\n--- flow-header\n%s--- ours\n%s",
		    file, txt, hdr);
	free(hdr);
	free(txt);
	snprintf(path, sizeof(path), "%s/flow-print-f5.txt", expdir);
	txt = slurp(path, &len);
	assert_non_null(txt);
	for (line = strtok_r(txt, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "Start", 5) == 0 || line[0] == 0)
			continue;
		rc = ftr_next(r, &fr);
		if (rc != 1)
			fail_msg("%s: record %u: %s", file, n, rc == 0 ?
			    "flow-print shows more records" : ftr_error(r));
		check_f5_line(line, &fr, file);
		n++;
	}
	assert_int_equal(ftr_next(r, &fr), 0);
	assert_null(ftr_warning(r));
	free(txt);
	ftr_close(r);
	return n;
}

static int
have_vectors(void)
{
	struct stat st;

	return stat(VEC "/README.md", &st) == 0;
}

/* Every regular file below dir (recursively), checked against
 * expected/<basename>. */
static unsigned
check_tree(const char *dir, const char *expected, unsigned *files)
{
	char sub[2048], exp[2048];
	struct dirent *de;
	struct stat st;
	unsigned n = 0;
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		assert_int_equal(stat(sub, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			n += check_tree(sub, expected, files);
			continue;
		}
		snprintf(exp, sizeof(exp), "%s/%s", expected, de->d_name);
		if (stat(exp, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		n += check_vector_file(sub, exp);
		(*files)++;
	}
	closedir(d);
	return n;
}

static void
test_vectors_read(void **state)
{
	static const struct {
		const char *dir, *exp;
		unsigned files, recs;
	} sc[] = {
		{ "v5_basic_z0/capture", "v5_basic_z0/expected", 1, 70 },
		{ "v5_basic_z1/capture", "v5_basic_z1/expected", 1, 70 },
		{ "v5_basic_z9/capture", "v5_basic_z9/expected", 1, 70 },
		{ "v5_basic_zdefault/capture", "v5_basic_zdefault/expected",
		  1, 70 },
		{ "v1005_basic_z0/capture", "v1005_basic_z0/expected", 1, 70 },
		{ "v1_basic_z0/capture", "v1_basic_z0/expected", 1, 35 },
		{ "v5_comment_N0/capture", "v5_comment_N0/expected", 1, 45 },
		{ "v5_rotation_n1439/capture", "v5_rotation_n1439/expected",
		  2, 110 },
		{ "v5_rotation_n1439/tmp-snapshot",
		  "v5_rotation_n1439/tmp-snapshot/expected", 1, 0 },
		{ "naming_layouts/zero_flow_file",
		  "naming_layouts/zero_flow_file/expected", 1, 0 },
		{ "flowcat_merge", "flowcat_merge/expected", 7,
		  115 * 5 + 140 + 115 },
	};
	char d[1024], e[1024];
	unsigned i, files, n;

	(void)state;
	if (!have_vectors()) {
		print_message("%s absent: skipping the flow-tools vector "
		    "test\n", VEC);
		skip();
	}
	setenv("TZ", "UTC", 1);
	tzset();
	for (i = 0; i < sizeof(sc) / sizeof(sc[0]); i++) {
		snprintf(d, sizeof(d), "%s/%s", VEC, sc[i].dir);
		snprintf(e, sizeof(e), "%s/%s", VEC, sc[i].exp);
		files = 0;
		n = check_tree(d, e, &files);
		if (files != sc[i].files || n != sc[i].recs)
			fail_msg("%s: %u files, %u records (want %u, %u)",
			    sc[i].dir, files, n, sc[i].files, sc[i].recs);
	}
}

/* ---------------------------------------------------------- synthetic */

static void
sample_rec(struct ftrec *r, unsigned i)
{
	memset(r, 0, sizeof(*r));
	r->unix_secs = 1700000000 + i;
	r->unix_nsecs = 123456789;
	r->sysuptime = 3600000 + i;
	r->exaddr = 0x7f000001;
	r->srcaddr = 0x0a000000 + i;
	r->dstaddr = 0xc0a80000 + i * 7;
	r->nexthop = 0x0a0000fe;
	r->input = (uint16_t)i;
	r->output = (uint16_t)(65535 - i);
	r->dpkts = 1 + i;
	r->doctets = 40 * (1 + i);
	r->first = 3500000 + i;
	r->last = 3590000 + i;
	r->srcport = (uint16_t)(1024 + i);
	r->dstport = 443;
	r->prot = 6;
	r->tos = (uint8_t)i;
	r->tcp_flags = 0x1b;
	r->engine_type = 1;
	r->engine_id = 7;
	r->src_mask = 24;
	r->dst_mask = 16;
	r->src_as = 64512;
	r->dst_as = (uint16_t)(100 + i);
}

/* A file image of n records of version ver in byte order bo. */
static uint8_t *
make_image(int ver, int bo, unsigned n, int zlevel, size_t *len)
{
	struct ftw_opts o = { ver, 0, bo, "unit", NULL };
	uint8_t *img, *body;
	struct ftrec r;
	size_t h, rs = 0, blen;
	uLongf zl;
	unsigned i;

	img = calloc(1, 512 + (size_t)n * FT_REC_SIZE_MAX * 2 + 64);
	h = ftw_encode_header(img, 512, &o, 100, 200,
	    FT_HEADER_FLAG_DONE | (zlevel ? FT_HEADER_FLAG_COMPRESS : 0),
	    NULL);
	body = malloc((size_t)n * FT_REC_SIZE_MAX + 1);
	for (i = 0; i < n; i++) {
		sample_rec(&r, i);
		rs = ftw_encode_record(&r, ver, bo, body + i * rs);
	}
	blen = (size_t)n * rs;
	if (zlevel) {
		zl = (uLongf)(n * FT_REC_SIZE_MAX * 2 + 64);
		assert_int_equal(compress2(img + h, &zl, body, blen, zlevel),
		    Z_OK);
		blen = zl;
	} else
		memcpy(img + h, body, blen);
	free(body);
	*len = h + blen;
	return img;
}

static void
test_mem_versions_both_orders(void **state)
{
	static const int vers[] = { FT_VER_1, FT_VER_5, FT_VER_1005,
	    FT_VER_IP6 };
	struct ftrec r, want;
	struct ftr *rd;
	uint8_t *img;
	size_t len;
	unsigned v, bo, z, i;
	char err[256];

	(void)state;
	for (v = 0; v < 4; v++)
	for (bo = 1; bo <= 2; bo++)
	for (z = 0; z <= 1; z++) {
		img = make_image(vers[v], (int)bo, 300, z ? 6 : 0, &len);
		rd = ftr_open_mem(img, len, "mem", err, sizeof(err));
		assert_non_null(rd);
		assert_int_equal(ftr_header(rd)->byte_order, bo);
		for (i = 0; ftr_next_raw(rd, &r) == 1; i++) {
			sample_rec(&want, i);
			assert_int_equal(r.srcaddr, vers[v] == FT_VER_IP6 ?
			    0 : want.srcaddr);
			assert_int_equal(r.dstport, want.dstport);
			assert_int_equal(r.unix_nsecs, want.unix_nsecs);
			assert_int_equal(r.first, vers[v] == FT_VER_IP6 ? 0 :
			    want.first);
			if (vers[v] != FT_VER_1)
				assert_int_equal(r.engine_id,
				    vers[v] == FT_VER_IP6 ? 7 : 7);
			if (vers[v] == FT_VER_5 || vers[v] == FT_VER_1005)
				assert_int_equal(r.src_as, 64512);
		}
		assert_int_equal(i, 300);
		assert_null(ftr_warning(rd));
		ftr_close(rd);
		free(img);
	}
}

/* Expect open to fail with a message containing want. */
static void
expect_open_error(const uint8_t *b, size_t len, const char *want)
{
	char err[512];
	struct ftr *r;

	err[0] = 0;
	r = ftr_open_mem(b, len, "bad.ft", err, sizeof(err));
	assert_null(r);
	if (strstr(err, want) == NULL)
		fail_msg("error '%s' lacks '%s'", err, want);
}

static void
test_corrupt_headers(void **state)
{
	uint8_t *img, b[512];
	size_t len;

	(void)state;
	img = make_image(FT_VER_5, FT_LITTLE_ENDIAN, 2, 0, &len);
	expect_open_error(img, 3, "bad.ft: offset 3: file too short");
	memcpy(b, img, 84);
	b[0] = 0xCE;
	expect_open_error(b, 84, "bad.ft: offset 0: bad magic number 0xce10");
	memcpy(b, img, 84);
	b[2] = 3;
	expect_open_error(b, 84, "bad.ft: offset 2: bad byte order 3");
	b[2] = 1;
	b[3] = 2;
	expect_open_error(b, 84, "bad.ft: offset 3: unsupported stream "
	    "version 2");
	b[3] = 3;
	expect_open_error(b, 40, "bad.ft: offset 40: header truncated "
	    "(length 80, 40 bytes present)");
	b[4] = 4;
	expect_open_error(b, 84, "bad.ft: offset 4: bad header length 4");
	b[4] = 80;
	b[12] = 9;		/* EX_VER = 9 */
	expect_open_error(b, 84, "bad.ft: offset 8: unsupported export "
	    "version 9");
	b[12] = 8;		/* v8 without AGG_VER */
	expect_open_error(b, 84, "unsupported v8 aggregation");
	free(img);
}

static void
test_truncated_record_is_warning(void **state)
{
	struct ftrec r;
	struct ftr *rd;
	uint8_t *img;
	size_t len;
	char err[256];
	int n = 0;

	(void)state;
	img = make_image(FT_VER_5, FT_LITTLE_ENDIAN, 3, 0, &len);
	rd = ftr_open_mem(img, len - 10, "trunc.ft", err, sizeof(err));
	assert_non_null(rd);
	while (ftr_next_raw(rd, &r) == 1)
		n++;
	assert_int_equal(n, 2);
	assert_non_null(ftr_warning(rd));
	/* H = 80 ("unit"), 2 records of 64: the partial one is at 208 */
	assert_non_null(strstr(ftr_warning(rd), "trunc.ft: offset 208: "
	    "partial record (54 of 64 bytes)"));
	ftr_close(rd);
	free(img);
}

static void
test_corrupt_zlib(void **state)
{
	struct ftrec r;
	struct ftr *rd;
	uint8_t *img;
	size_t len;
	char err[256];
	int rc, n = 0;

	(void)state;
	img = make_image(FT_VER_5, FT_LITTLE_ENDIAN, 200, 6, &len);
	img[80] ^= 0xff;		/* zlib header byte */
	rd = ftr_open_mem(img, len, "z.ft", err, sizeof(err));
	assert_non_null(rd);
	while ((rc = ftr_next_raw(rd, &r)) == 1)
		n++;
	assert_int_equal(rc, -1);
	assert_int_equal(n, 0);
	if (strstr(ftr_error(rd), "z.ft: offset ") == NULL ||
	    strstr(ftr_error(rd), "zlib") == NULL)
		fail_msg("error: %s", ftr_error(rd));
	assert_int_equal(ftr_next_raw(rd, &r), -1);
	ftr_close(rd);
	free(img);
}

static void
test_unfinished_zlib_is_warning(void **state)
{
	struct ftrec r;
	struct ftr *rd;
	uint8_t *img;
	size_t len;
	char err[256];
	int rc, n = 0;

	(void)state;
	img = make_image(FT_VER_5, FT_LITTLE_ENDIAN, 2000, 1, &len);
	rd = ftr_open_mem(img, len - 100, "open.ft", err, sizeof(err));
	assert_non_null(rd);
	while ((rc = ftr_next_raw(rd, &r)) == 1)
		n++;
	assert_int_equal(rc, 0);
	assert_true(n > 100 && n < 2000);
	assert_non_null(ftr_warning(rd));
	ftr_close(rd);
	free(img);
}

/* Spec 2.9: the 360-byte stream-version-1 header and 60-byte records. */
static size_t
legacy_image(uint8_t *b, int be, uint16_t dver)
{
	size_t i;

#define P16(o, v) do { if (be) { b[o] = (v) >> 8; b[(o) + 1] = (v) & 255; } \
	else { b[o] = (v) & 255; b[(o) + 1] = (v) >> 8; } } while (0)
#define P32(o, v) do { P16((o) + (be ? 0 : 2), (uint32_t)(v) >> 16); \
	P16((o) + (be ? 2 : 0), (uint32_t)(v) & 0xffff); } while (0)
	memset(b, 0, 360 + 2 * 60);
	b[0] = 0xCF;
	b[1] = 0x10;
	b[2] = be ? 2 : 1;
	b[3] = 1;
	P16(4, dver);
	P32(8, 1000);
	P32(12, 2000);
	P32(16, 1);
	P32(24, 2);
	P32(28, 5);
	strcpy((char *)b + 36, "oldhost");
	strcpy((char *)b + 104, "old comment");
	for (i = 0; i < 2; i++) {
		uint8_t *r = b + 360 + i * 60;
		size_t o = (size_t)(r - b);

		P32(o + 0, 900000000 + i);
		P32(o + 4, 250);
		P32(o + 8, 0x0a000001);
		P32(o + 12, 0x0a000002);
		P32(o + 16, 0x0a0000fe);
		P16(o + 20, 3);
		P16(o + 22, 4);
		P32(o + 24, 10);
		P32(o + 28, 1000);
		P32(o + 32, 5000);
		P32(o + 36, 6000);
		P16(o + 40, 53);
		P16(o + 42, 1053);
		r[46] = 17;
		r[47] = 0x10;
		r[48] = 0x12;
		P16(o + 52, 701);
		P16(o + 54, 702);
		r[56] = 8;
		r[57] = 9;
	}
#undef P16
#undef P32
	return 360 + 2 * 60;
}

static void
test_legacy_stream_v1(void **state)
{
	uint8_t b[600];
	const uint8_t *raw;
	const struct ft_header *h;
	struct flowrec fr;
	struct ftrec r;
	struct ftr *rd;
	char err[256];
	size_t len;
	int be;

	(void)state;
	for (be = 0; be <= 1; be++) {
		len = legacy_image(b, be, 5);
		rd = ftr_open_mem(b, len, "old.ft", err, sizeof(err));
		assert_non_null(rd);
		h = ftr_header(rd);
		assert_int_equal(h->s_version, 1);
		assert_int_equal(h->d_version, 5);
		assert_int_equal(h->cap_start, 1000);
		assert_int_equal(h->cap_end, 2000);
		assert_int_equal(h->counters.flow_count, 2);
		assert_int_equal(h->counters.flow_lost, 5);
		assert_true(h->flags & FT_HEADER_FLAG_XLATE);
		assert_true(h->flags & FT_HEADER_FLAG_DONE);
		assert_string_equal(h->hostname, "oldhost");
		assert_string_equal(h->comments, "old comment");
		assert_int_equal(h->rec_size, 64);
		assert_int_equal(ftr_next_raw(rd, &r), 1);
		assert_int_equal(r.unix_secs, 900000000);
		assert_int_equal(r.unix_nsecs, 250000000);
		assert_int_equal(r.sysuptime, 0);
		assert_int_equal(r.srcaddr, 0x0a000001);
		assert_int_equal(r.input, 3);
		assert_int_equal(r.output, 4);
		assert_int_equal(r.doctets, 1000);
		assert_int_equal(r.first, 5000);
		assert_int_equal(r.dstport, 1053);
		assert_int_equal(r.prot, 17);
		assert_int_equal(r.tcp_flags, 0x12);
		assert_int_equal(r.src_as, 701);
		assert_int_equal(r.dst_mask, 9);
		/* second record as v5 bytes in the file's order */
		assert_int_equal(ftr_next_bytes(rd, &raw), 64);
		assert_int_equal(raw[be ? 3 : 0], 1);	/* secs ...001 */
		assert_int_equal(ftr_next(rd, &fr), 0);
		ftr_close(rd);
	}
	len = legacy_image(b, 0, 65535);
	rd = ftr_open_mem(b, len, "old1.ft", err, sizeof(err));
	assert_non_null(rd);
	assert_int_equal(ftr_header(rd)->d_version, 1);
	assert_int_equal(ftr_next(rd, &fr), 1);
	/* 900000000 s + 250 ms - 0 + 5000 ms */
	assert_int_equal(fr.first_ms, 900000000ull * 1000 + 5250);
	ftr_close(rd);
	expect_open_error(b, 200, "bad.ft: offset 200: stream version 1 "
	    "header truncated");
	b[4] = 7;
	b[5] = 0;
	expect_open_error(b, len, "offset 4: unsupported export version 7");
}

static void
test_fd_reader_large(void **state)
{
	char path[] = "/tmp/fk-ftr-XXXXXX", err[256];
	struct ftw_opts o = { FT_VER_5, 0, 0, "big", NULL };
	struct ftrec r, *rs;
	struct ftw *w;
	struct ftr *rd;
	unsigned i, n = 100000, z;
	int fd;

	(void)state;
	rs = calloc(n, sizeof(*rs));
	for (i = 0; i < n; i++)
		sample_rec(&rs[i], i);
	for (z = 0; z <= 1; z++) {
		fd = mkstemp(path);
		assert_true(fd >= 0);
		close(fd);
		o.zlevel = z ? 1 : 0;
		w = ftw_open(path, &o, 1, NULL, err, sizeof(err));
		assert_non_null(w);
		assert_int_equal(ftw_write(w, rs, n), 0);
		assert_int_equal(ftw_close(w, 2, NULL, NULL, err, sizeof(err)),
		    0);
		rd = ftr_open(path, err, sizeof(err));
		assert_non_null(rd);
		assert_int_equal(ftr_header(rd)->counters.flow_count, n);
		for (i = 0; ftr_next_raw(rd, &r) == 1; i++)
			assert_int_equal(r.srcaddr, rs[i].srcaddr);
		assert_int_equal(i, n);
		assert_null(ftr_warning(rd));
		ftr_close(rd);
		unlink(path);
		strcpy(path, "/tmp/fk-ftr-XXXXXX");
	}
	free(rs);
}

/* Read a whole file through ftr_open (fd) and through ftr_open_mem; both
 * must agree on records, end status and error/warning text. */
static int
read_both(const char *path, unsigned *n_fd, unsigned *n_mem, char *e_fd,
    char *e_mem, size_t elen)
{
	struct ftrec a, b;
	struct ftr *rf, *rm;
	char err[256];
	uint8_t *img;
	FILE *fp;
	long len;
	int ra, rb;

	fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	img = malloc((size_t)len);
	assert_int_equal(fread(img, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	rf = ftr_open(path, err, sizeof(err));
	assert_non_null(rf);
	rm = ftr_open_mem(img, (size_t)len, path, err, sizeof(err));
	assert_non_null(rm);
	*n_fd = *n_mem = 0;
	while ((ra = ftr_next_raw(rf, &a)) == 1)
		(*n_fd)++;
	while ((rb = ftr_next_raw(rm, &b)) == 1)
		(*n_mem)++;
	assert_int_equal(ra, rb);
	snprintf(e_fd, elen, "%s|%s", ftr_error(rf),
	    ftr_warning(rf) ? ftr_warning(rf) : "");
	snprintf(e_mem, elen, "%s|%s", ftr_error(rm),
	    ftr_warning(rm) ? ftr_warning(rm) : "");
	ftr_close(rf);
	ftr_close(rm);
	free(img);
	return ra;
}

/*
 * A closed compressed file is inflated in one call (libdeflate); damage
 * makes the reader stream it through zlib instead, so the records before
 * the damage and the error naming its offset are the same as streaming.
 */
static void
test_whole_file_inflate(void **state)
{
	char path[] = "/tmp/fk-ftw-XXXXXX", err[256];
	char e1[1024], e2[1024];
	struct ftw_opts o = { FT_VER_5, 6, 0, "whole", NULL };
	struct ftrec *rs;
	struct ftw *w;
	unsigned i, n = 50000, a, b;
	long size;
	FILE *fp;
	int fd, c;

	(void)state;
	rs = calloc(n, sizeof(*rs));
	for (i = 0; i < n; i++)
		sample_rec(&rs[i], i);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	w = ftw_open(path, &o, 1, NULL, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(ftw_write(w, rs, n), 0);
	assert_int_equal(ftw_close(w, 2, NULL, NULL, err, sizeof(err)), 0);

	assert_int_equal(read_both(path, &a, &b, e1, e2, sizeof(e1)), 0);
	assert_int_equal(a, n);
	assert_int_equal(b, n);
	assert_string_equal(e1, e2);

	/* Trailing bytes after the stream: the same warning. */
	fp = fopen(path, "ab");
	fputs("xx", fp);
	fclose(fp);
	assert_int_equal(read_both(path, &a, &b, e1, e2, sizeof(e1)), 0);
	assert_int_equal(a, n);
	assert_non_null(strstr(e1, "extra bytes after the end"));
	assert_string_equal(e1, e2);

	/* Damage in the middle of the compressed body. */
	fp = fopen(path, "r+b");
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fseek(fp, size / 2, SEEK_SET);
	c = fgetc(fp);
	fseek(fp, size / 2, SEEK_SET);
	fputc(c ^ 0x55, fp);
	fseek(fp, size / 2 + 7, SEEK_SET);
	fputc(0xff, fp);
	fclose(fp);
	assert_int_equal(read_both(path, &a, &b, e1, e2, sizeof(e1)), -1);
	assert_int_equal(a, b);
	assert_true(a < n);
	assert_string_equal(e1, e2);
	if (strstr(e1, "offset ") == NULL)
		fail_msg("error: %s", e1);
	unlink(path);
	free(rs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_read),
		cmocka_unit_test(test_mem_versions_both_orders),
		cmocka_unit_test(test_corrupt_headers),
		cmocka_unit_test(test_truncated_record_is_warning),
		cmocka_unit_test(test_corrupt_zlib),
		cmocka_unit_test(test_unfinished_zlib_is_warning),
		cmocka_unit_test(test_legacy_stream_v1),
		cmocka_unit_test(test_fd_reader_large),
		cmocka_unit_test(test_whole_file_inflate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
