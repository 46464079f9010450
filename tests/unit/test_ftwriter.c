/*
 * test_ftwriter.c - the writer reproduces flow-capture's files byte for
 * byte (every capture file of the flow-tools vectors, rewritten from the
 * records read), big-endian files, stale tmp- file repair, speed.
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

#include <cmocka.h>
#include <zlib.h>

#include "storage/ftconv.h"
#include "storage/ftreader.h"
#include "storage/ftwriter.h"

#define VEC	SHARED_DIR "/vectors/flow-tools"

static char tmpdir[64];

static int
setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/fk-ftw-XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void
assert_same_file(const char *ours, const char *theirs)
{
	uint8_t *a, *b;
	size_t la, lb, i;

	a = slurp(ours, &la);
	b = slurp(theirs, &lb);
	assert_non_null(a);
	assert_non_null(b);
	for (i = 0; i < la && i < lb && a[i] == b[i]; i++)
		;
	if (la != lb || i != la)
		fail_msg("%s differs from %s at byte %zu (sizes %zu, %zu)",
		    ours, theirs, i, la, lb);
	free(a);
	free(b);
}

/* Level from the zlib header's FLEVEL bits (1, 6 and 9 are exact). */
static int
oracle_level(const char *path, const struct ft_header *h)
{
	static const int lv[4] = { 1, 5, 6, 9 };
	uint8_t *b;
	size_t len;
	int l;

	if (!(h->flags & FT_HEADER_FLAG_COMPRESS))
		return 0;
	b = slurp(path, &len);
	assert_true(len > h->header_len + 2);
	l = lv[b[h->header_len + 1] >> 6];
	free(b);
	return l;
}

/*
 * Rewrite a flow-capture file from its records, either as read (raw) or
 * through struct flowrec and back (via_flowrec).
 */
static void
rewrite_one(const char *src, int via_flowrec)
{
	char out[256], err[512];
	const struct ft_header *h;
	struct ftw_opts o;
	struct ftrec *recs;
	struct flowrec fr;
	struct ftconv_stats st;
	struct ftr *r;
	struct ftw *w;
	size_t n = 0;

	r = ftr_open(src, err, sizeof(err));
	if (r == NULL)
		fail_msg("%s", err);
	h = ftr_header(r);
	recs = calloc(h->counters.flow_count + 1, sizeof(*recs));
	memset(&st, 0, sizeof(st));
	if (via_flowrec) {
		while (ftr_next(r, &fr) == 1) {
			assert_true(n < h->counters.flow_count);
			assert_int_equal(ftconv_to_ft(&fr, h->d_version,
			    &recs[n], &st), 1);
			n++;
		}
		assert_int_equal(st.split_records + st.as_trans +
		    st.ifindex_clamped + st.wrong_family, 0);
	} else
		while (n <= h->counters.flow_count &&
		    ftr_next_raw(r, &recs[n]) == 1)
			n++;
	assert_int_equal(n, h->counters.flow_count);
	memset(&o, 0, sizeof(o));
	o.version = h->d_version;
	o.zlevel = oracle_level(src, h);
	o.byte_order = h->byte_order;
	o.hostname = "ftoracle";
	if (h->present & (1u << FT_TLV_COMMENTS))
		o.comment = h->comments;
	snprintf(out, sizeof(out), "%s/tmp-out", tmpdir);
	w = ftw_open(out, &o, h->cap_start, &h->counters, err, sizeof(err));
	if (w == NULL)
		fail_msg("%s", err);
	assert_int_equal(ftw_write(w, recs, n), 0);
	assert_int_equal(ftw_count(w), n);
	snprintf(out, sizeof(out), "%s/ft-out", tmpdir);
	if (ftw_close(w, h->cap_end, &h->counters, out, err, sizeof(err)))
		fail_msg("%s", err);
	ftr_close(r);
	free(recs);
	assert_same_file(out, src);
	unlink(out);
}

static void
rewrite_tree(const char *dir, unsigned *files)
{
	char sub[2048];
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "expected") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		assert_int_equal(stat(sub, &st), 0);
		if (S_ISDIR(st.st_mode))
			rewrite_tree(sub, files);
		else {
			rewrite_one(sub, 0);
			rewrite_one(sub, 1);
			(*files)++;
		}
	}
	closedir(d);
}

static int
have_vectors(void)
{
	struct stat st;

	return stat(VEC "/README.md", &st) == 0;
}

static void
test_rewrite_flow_capture_files(void **state)
{
	static const char *dirs[] = {
		"v5_basic_z0/capture", "v5_basic_z1/capture",
		"v5_basic_z9/capture", "v5_basic_zdefault/capture",
		"v1005_basic_z0/capture", "v1_basic_z0/capture",
		"v5_comment_N0/capture", "v5_rotation_n1439/capture",
		"naming_layouts/zero_flow_file",
	};
	char d[1024];
	unsigned i, files = 0;

	(void)state;
	if (!have_vectors()) {
		print_message("%s absent: skipping the flow-tools vector "
		    "test\n", VEC);
		skip();
	}
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(d, sizeof(d), "%s/%s", VEC, dirs[i]);
		rewrite_tree(d, &files);
	}
	assert_int_equal(files, 10);
}

/* The open tmp- file is byte-identical to flow-capture's snapshot. */
static void
test_open_file_matches_tmp_snapshot(void **state)
{
	const char *snap = VEC "/v5_rotation_n1439/tmp-snapshot/"
	    "tmp-v05.2026-11-28.033017+0000";
	struct ftw_opts o = { FT_VER_5, 0, FT_LITTLE_ENDIAN, "ftoracle",
	    NULL };
	char out[256], err[256];
	struct ft_header h;
	struct ftw *w;
	uint8_t *b;
	size_t len;

	(void)state;
	if (!have_vectors()) {
		print_message("%s absent: skipping the flow-tools vector "
		    "test\n", VEC);
		skip();
	}
	b = slurp(snap, &len);
	assert_int_equal(ftr_parse_header(b, len, &h, err, sizeof(err)), 0);
	free(b);
	snprintf(out, sizeof(out), "%s/tmp-snap", tmpdir);
	w = ftw_open(out, &o, h.cap_start, &h.counters, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(ftw_bytes(w), 84);
	assert_same_file(out, snap);
	ftw_abort(w);
	unlink(out);
}

static const uint8_t le_hdr[84] = {
	0xcf, 0x10, 0x01, 0x03, 0x54, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x02, 0x00, 0x05, 0x00,
	0x06, 0x00, 0x04, 0x00, 0xc1, 0x49, 0x0a, 0x6b,
	0x07, 0x00, 0x04, 0x00, 0xc3, 0x49, 0x0a, 0x6b,
	0x08, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x0a, 0x00, 0x04, 0x00, 0x46, 0x00, 0x00, 0x00,
	0x0b, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x0d, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x0e, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x0f, 0x00, 0x09, 0x00, 'f', 't', 'o', 'r', 'a', 'c', 'l', 'e', 0,
	0x00,
};

/* The same header big-endian: every u16/u32 reversed (spec 2.5). */
static const uint8_t be_hdr[84] = {
	0xcf, 0x10, 0x02, 0x03, 0x00, 0x00, 0x00, 0x54,
	0x00, 0x02, 0x00, 0x02, 0x00, 0x05,
	0x00, 0x06, 0x00, 0x04, 0x6b, 0x0a, 0x49, 0xc1,
	0x00, 0x07, 0x00, 0x04, 0x6b, 0x0a, 0x49, 0xc3,
	0x00, 0x08, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x0a, 0x00, 0x04, 0x00, 0x00, 0x00, 0x46,
	0x00, 0x0b, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x0d, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x0e, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x0f, 0x00, 0x09, 'f', 't', 'o', 'r', 'a', 'c', 'l', 'e', 0,
	0x00,
};

static void
test_header_bytes_spec_example(void **state)
{
	struct ftw_opts o = { FT_VER_5, 0, FT_LITTLE_ENDIAN, "ftoracle",
	    NULL };
	struct ft_counters c = { 70, 0, 0, 0, 0 };
	uint8_t buf[512];

	(void)state;
	assert_int_equal(ftw_encode_header(buf, sizeof(buf), &o, 0x6b0a49c1,
	    0x6b0a49c3, FT_HEADER_FLAG_DONE, &c), 84);
	assert_memory_equal(buf, le_hdr, 84);
	o.byte_order = FT_BIG_ENDIAN;
	assert_int_equal(ftw_encode_header(buf, sizeof(buf), &o, 0x6b0a49c1,
	    0x6b0a49c3, FT_HEADER_FLAG_DONE, &c), 84);
	assert_memory_equal(buf, be_hdr, 84);
	/* a comment: H = roundup4(70 + 4 + 9 + 4 + 20) = 108 */
	o.comment = "oracle test comment";
	assert_int_equal(ftw_encode_header(buf, sizeof(buf), &o, 1, 2, 0,
	    &c), 108);
	assert_int_equal(ftw_encode_header(buf, 100, &o, 1, 2, 0, &c), 0);
}

static void
fill(struct ftrec *r, unsigned i, int ver)
{
	memset(r, 0, sizeof(*r));
	r->unix_secs = 1700000000 + i / 30;
	r->unix_nsecs = 123456789;
	r->sysuptime = 3600000 + i;
	r->exaddr = 0x7f000001;
	r->srcaddr = 0x0a000000 | i;
	r->dstaddr = 0xc0a80000 | (i * 13);
	r->nexthop = 0x01020304;
	r->input = (uint16_t)(i * 3);
	r->output = (uint16_t)(65535 - i);
	r->dpkts = i * 7 + 1;
	r->doctets = 0xfffffff0u + i;
	r->first = 3500000 + i;
	r->last = 3599999;
	r->srcport = (uint16_t)i;
	r->dstport = (uint16_t)(i * 11);
	r->prot = (uint8_t)i;
	r->tos = (uint8_t)(i >> 3);
	r->tcp_flags = (uint8_t)(i >> 1);
	if (ver != FT_VER_1) {
		r->engine_type = 1;
		r->engine_id = 7;
		r->src_mask = (uint8_t)(i % 33);
		r->dst_mask = 32;
		r->src_as = (uint16_t)(i * 101);
		r->dst_as = 65535;
	}
	if (ver == FT_VER_1005) {
		r->src_tag = 0xdeadbeef ^ i;
		r->dst_tag = i << 20;
	}
	if (ver == FT_VER_IP6) {
		r->exp_af = 6;
		r->exaddr = 0;
		memset(r->exaddr6, 0x20, 16);
		memset(r->srcaddr6, (int)i, 16);
		memset(r->dstaddr6, 0xfe, 16);
		r->input32 = 100000 + i;
		r->output32 = 7;
		r->src_as32 = 4200000000u;
		r->dst_as32 = i;
		r->dpkts64 = 1ull << 40 | i;
		r->doctets64 = 1ull << 50 | i;
		r->first_ms = 1700000000000ull + i;
		r->last_ms = 1700000060000ull;
		r->sampling = 1000;
		r->flow_label = 0xfffff;
		r->first = r->last = r->dpkts = r->doctets = 0;
		r->srcaddr = r->dstaddr = r->nexthop = 0;
		r->input = r->output = 0;
		r->src_as = r->dst_as = 0;
	}
}

/* Write in either order, read back, equal records; also compressed. */
static void
test_roundtrip_both_orders(void **state)
{
	static const int vers[] = { FT_VER_1, FT_VER_5, FT_VER_1005,
	    FT_VER_IP6 };
	struct ftw_opts o = { 0, 0, 0, "host", "c" };
	char path[256], err[256];
	struct ftrec *in, r;
	struct ftw *w;
	struct ftr *rd;
	unsigned v, bo, z, i, n = 5000;

	(void)state;
	in = calloc(n, sizeof(*in));
	snprintf(path, sizeof(path), "%s/rt", tmpdir);
	for (v = 0; v < 4; v++)
	for (bo = 1; bo <= 2; bo++)
	for (z = 0; z <= 1; z++) {
		for (i = 0; i < n; i++)
			fill(&in[i], i, vers[v]);
		o.version = vers[v];
		o.byte_order = (int)bo;
		o.zlevel = z ? 9 : 0;
		w = ftw_open(path, &o, 5, NULL, err, sizeof(err));
		assert_non_null(w);
		assert_int_equal(ftw_write(w, in, n), 0);
		assert_int_equal(ftw_close(w, 6, NULL, NULL, err, sizeof(err)),
		    0);
		rd = ftr_open(path, err, sizeof(err));
		assert_non_null(rd);
		assert_int_equal(ftr_header(rd)->byte_order, bo);
		assert_int_equal(ftr_header(rd)->counters.flow_count, n);
		assert_int_equal(ftr_header(rd)->flags, FT_HEADER_FLAG_DONE |
		    (z ? FT_HEADER_FLAG_COMPRESS : 0));
		for (i = 0; ftr_next_raw(rd, &r) == 1; i++)
			assert_memory_equal(&r, &in[i], sizeof(r));
		assert_int_equal(i, n);
		ftr_close(rd);
	}
	free(in);
}

static void
test_errors(void **state)
{
	struct ftw_opts o = { FT_VER_7, 0, 0, "h", NULL };
	char err[256], path[256];
	struct ftw *w;

	(void)state;
	assert_null(ftw_open("/nonexistent/x", &o, 0, NULL, err,
	    sizeof(err)));
	assert_non_null(strstr(err, "unsupported"));
	o.version = FT_VER_5;
	o.zlevel = 10;
	assert_null(ftw_open("/nonexistent/x", &o, 0, NULL, err,
	    sizeof(err)));
	o.zlevel = 0;
	assert_null(ftw_open("/nonexistent/x", &o, 0, NULL, err,
	    sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/x: "));
	snprintf(path, sizeof(path), "%s/tmp-e", tmpdir);
	w = ftw_open(path, &o, 0, NULL, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(ftw_close(w, 1, NULL, "/nonexistent/ft-e", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "rename"));
	unlink(path);
}

/* A tmp- file left by a crash: ftw_abort after many records. */
static void
make_stale(const char *path, int zlevel, struct ftrec *recs, unsigned n)
{
	struct ftw_opts o = { FT_VER_5, zlevel, FT_LITTLE_ENDIAN, "crashed",
	    "before close" };
	struct ft_counters c = { 0, 3, 0, 2, 1 };
	char err[256];
	struct ftw *w;
	unsigned i;

	for (i = 0; i < n; i++)
		fill(&recs[i], i, FT_VER_5);
	w = ftw_open(path, &o, 1234, &c, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(ftw_write(w, recs, n), 0);
	ftw_abort(w);
}

static void
check_repaired(const char *path, const struct ftrec *recs, long n)
{
	char err[256];
	struct ftrec r;
	struct ftr *rd;
	const struct ft_header *h;
	long i;

	rd = ftr_open(path, err, sizeof(err));
	assert_non_null(rd);
	h = ftr_header(rd);
	assert_true(h->flags & FT_HEADER_FLAG_DONE);
	assert_int_equal(h->counters.flow_count, n);
	assert_int_equal(h->counters.flow_lost, 3);
	assert_int_equal(h->counters.pkt_corrupt, 2);
	assert_int_equal(h->counters.seq_reset, 1);
	assert_int_equal(h->cap_start, 1234);
	assert_int_equal(h->cap_end, 5678);
	assert_string_equal(h->hostname, "crashed");
	assert_string_equal(h->comments, "before close");
	for (i = 0; ftr_next_raw(rd, &r) == 1; i++)
		assert_memory_equal(&r, &recs[i], sizeof(r));
	assert_int_equal(i, n);
	assert_null(ftr_warning(rd));
	ftr_close(rd);
}

static void
test_repair_truncated_mid_record(void **state)
{
	char tmp[256], fin[256], err[256];
	struct ftrec *recs;
	struct stat st;
	unsigned n = 20000;
	long kept;

	(void)state;
	recs = calloc(n, sizeof(*recs));
	snprintf(tmp, sizeof(tmp), "%s/tmp-v05.crash", tmpdir);
	snprintf(fin, sizeof(fin), "%s/ft-v05.crash", tmpdir);
	make_stale(tmp, 0, recs, n);
	assert_int_equal(stat(tmp, &st), 0);
	assert_true(st.st_size > 1000);
	/* cut in the middle of a record */
	assert_int_equal(truncate(tmp, st.st_size - 1000), 0);
	kept = ftw_repair(tmp, fin, 5678, err, sizeof(err));
	if (kept < 0)
		fail_msg("%s", err);
	assert_int_equal(kept, (st.st_size - 1000 - 100) / 64);
	assert_int_equal(stat(tmp, &st), -1);
	check_repaired(fin, recs, kept);
	unlink(fin);
	free(recs);
}

static void
test_repair_unfinished_zlib(void **state)
{
	char tmp[256], fin[256], ref[256], err[256];
	struct ftw_opts o = { FT_VER_5, 6, FT_LITTLE_ENDIAN, "crashed",
	    "before close" };
	struct ft_counters c = { 0, 3, 0, 2, 1 };
	struct ftrec *recs;
	struct ftw *w;
	unsigned n = 60000;
	long kept;

	(void)state;
	recs = calloc(n, sizeof(*recs));
	snprintf(tmp, sizeof(tmp), "%s/tmp-v05.z", tmpdir);
	snprintf(fin, sizeof(fin), "%s/ft-v05.z", tmpdir);
	make_stale(tmp, 6, recs, n);
	kept = ftw_repair(tmp, fin, 5678, err, sizeof(err));
	if (kept < 0)
		fail_msg("%s", err);
	assert_true(kept > 0 && kept < (long)n);
	check_repaired(fin, recs, kept);
	/* same bytes as a file closed normally with those records */
	snprintf(ref, sizeof(ref), "%s/ref", tmpdir);
	w = ftw_open(ref, &o, 1234, &c, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(ftw_write(w, recs, (size_t)kept), 0);
	assert_int_equal(ftw_close(w, 5678, &c, NULL, err, sizeof(err)), 0);
	assert_same_file(fin, ref);
	unlink(fin);
	unlink(ref);
	free(recs);
}

static void
test_repair_header_only_and_garbage(void **state)
{
	char tmp[256], err[256];
	struct ftrec rec;
	FILE *fp;

	(void)state;
	snprintf(tmp, sizeof(tmp), "%s/tmp-empty", tmpdir);
	make_stale(tmp, 6, &rec, 0);
	assert_int_equal(ftw_repair(tmp, NULL, 5678, err, sizeof(err)), 0);
	check_repaired(tmp, &rec, 0);
	fp = fopen(tmp, "w");
	fputs("not a flow file at all", fp);
	fclose(fp);
	assert_int_equal(ftw_repair(tmp, NULL, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "offset 0: bad magic"));
	unlink(tmp);
}

/* Whole records in the first len bytes of a zlib body, by inflating it
 * here (the oracle for the compressed cut test). */
static long
whole_inflated(const uint8_t *body, size_t len, size_t rs)
{
	static uint8_t out[1 << 20];
	z_stream z;

	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit(&z), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)body;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = sizeof(out);
	(void)inflate(&z, Z_SYNC_FLUSH);
	inflateEnd(&z);
	return (long)((sizeof(out) - z.avail_out) / rs);
}

/*
 * A file cut at every byte offset (what a crash or a full disk leaves)
 * is repaired to a closed file holding exactly the whole records before
 * the cut; a cut inside the header is refused and nothing is created.
 */
static void
cut_everywhere(int zlevel, unsigned n)
{
	struct ftw_opts o = { FT_VER_5, zlevel, FT_LITTLE_ENDIAN, "crashed",
	    "before close" };
	struct ft_counters c = { 0, 3, 0, 2, 1 };
	char src[256], tmp[256], fin[256], err[256];
	struct ftrec *recs;
	struct ftw *w;
	struct stat st;
	uint8_t *all;
	size_t size, off, hlen;
	long kept, want, prev = 0;
	unsigned i;
	FILE *fp;

	recs = calloc(n, sizeof(*recs));
	for (i = 0; i < n; i++)
		fill(&recs[i], i, FT_VER_5);
	snprintf(src, sizeof(src), "%s/cut-src", tmpdir);
	snprintf(tmp, sizeof(tmp), "%s/tmp-v05.cut", tmpdir);
	snprintf(fin, sizeof(fin), "%s/ft-v05.cut", tmpdir);
	w = ftw_open(src, &o, 1234, &c, err, sizeof(err));
	assert_non_null(w);
	hlen = (size_t)ftw_bytes(w);
	assert_int_equal(ftw_write(w, recs, n), 0);
	if (zlevel == 0) {
		/* as left by a kill: flushed, never closed */
		assert_int_equal(ftw_flush(w, 1), 0);
		ftw_abort(w);
	} else
		assert_int_equal(ftw_close(w, 99, &c, NULL, err, sizeof(err)),
		    0);
	all = slurp(src, &size);
	assert_non_null(all);
	assert_true(size > hlen);
	for (off = 0; off <= size; off++) {
		fp = fopen(tmp, "wb");
		assert_non_null(fp);
		assert_int_equal(fwrite(all, 1, off, fp), off);
		assert_int_equal(fclose(fp), 0);
		kept = ftw_repair(tmp, fin, 5678, err, sizeof(err));
		if (off < hlen) {
			assert_int_equal(kept, -1);
			assert_int_equal(stat(fin, &st), -1);
			assert_int_equal(stat(tmp, &st), 0);
			continue;
		}
		if (kept < 0)
			fail_msg("cut at %zu: %s", off, err);
		want = zlevel == 0 ? (long)((off - hlen) / FT_REC_SIZE_V5) :
		    whole_inflated(all + hlen, off - hlen, FT_REC_SIZE_V5);
		if (kept != want)
			fail_msg("cut at %zu: kept %ld, want %ld", off, kept,
			    want);
		assert_true(kept >= prev);
		prev = kept;
		assert_int_equal(stat(tmp, &st), -1);
		check_repaired(fin, recs, kept);
		unlink(fin);
	}
	assert_int_equal(prev, n);
	unlink(tmp);
	unlink(src);
	free(all);
	free(recs);
}

static void
test_repair_cut_at_every_offset(void **state)
{
	(void)state;
	cut_everywhere(0, 60);
	cut_everywhere(6, 400);
}

/*
 * Many records through one writer at -z0: all counted and on disk, 64
 * bytes each after the header.  (Its speed is measured by the benchmarks
 * under tests/bench, never by a timed unit test.)
 */
static void
test_bulk(void **state)
{
	struct ftw_opts o = { FT_VER_5, 0, 0, "bulk", NULL };
	char path[256], err[256];
	struct ftrec *recs;
	struct ftw *w;
	struct stat st;
	unsigned i, n = 4096, rounds = 500;
	off_t body = (off_t)n * rounds * 64;

	(void)state;
	recs = calloc(n, sizeof(*recs));
	for (i = 0; i < n; i++)
		fill(&recs[i], i, FT_VER_5);
	snprintf(path, sizeof(path), "%s/bulk", tmpdir);
	w = ftw_open(path, &o, 0, NULL, err, sizeof(err));
	assert_non_null(w);
	for (i = 0; i < rounds; i++)
		assert_int_equal(ftw_write(w, recs, n), 0);
	assert_int_equal(ftw_count(w), n * rounds);
	assert_int_equal(ftw_close(w, 1, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > body && st.st_size - body < 4096);
	unlink(path);
	free(recs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rewrite_flow_capture_files),
		cmocka_unit_test(test_open_file_matches_tmp_snapshot),
		cmocka_unit_test(test_header_bytes_spec_example),
		cmocka_unit_test(test_roundtrip_both_orders),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_repair_truncated_mid_record),
		cmocka_unit_test(test_repair_unfinished_zlib),
		cmocka_unit_test(test_repair_header_only_and_garbage),
		cmocka_unit_test(test_repair_cut_at_every_offset),
		cmocka_unit_test(test_bulk),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
