/*
 * test_state.c - proto_state_save/load: round trip, validation, generation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"
#include "nfbuild.h"

#define SECS	1700000000u
#define UPTIME	3600000u

static struct flowrec got[64];
static unsigned ngot;

static void
sink_put(void *arg, const struct flowrec *r, unsigned n)
{
	(void)arg;
	assert_true(ngot + n <= 64);
	memcpy(got + ngot, r, n * sizeof(*r));
	ngot += n;
}

static const struct fr_sink sink = { sink_put, NULL };

static int
dec(struct proto_ctx *ctx, uint32_t exporter, const struct pb *p)
{
	struct proto_src src;

	memset(&src, 0, sizeof(src));
	src.af = FR_AF_INET;
	src.addr.v4 = exporter;
	src.recv_ms = (uint64_t)SECS * 1000;
	ngot = 0;
	return proto_decode(ctx, &src, p->b, p->len, &sink, NULL);
}

static const uint16_t tdata[][2] = { { 8, 4 }, { 2, 4 }, { 48, 1 } };
static const uint16_t oscope[][2] = { { 1, 4 } };
static const uint16_t ofields[][2] = { { 48, 1 }, { 50, 4 } };

/* An exporter with a data template, an options template, sampler 5 at
 * 1:100, and v9 sequence state; and a v5 exporter with sequence state. */
static struct proto_ctx *
make_ctx(void)
{
	struct proto_ctx *ctx = proto_new(NULL);
	struct pb p;

	pb_v9(&p, 3, UPTIME, SECS, 41, 3);
	pb_tmpl_fs(&p, 300, 3, tdata);
	pb_opt_tmpl_fs(&p, 301, 1, oscope, 2, ofields);
	pb_fs(&p, 301);
	pb_put(&p, 0, 4);
	pb_put(&p, 5, 1);
	pb_put(&p, 100, 4);
	pb_fs_end(&p, 3);
	pb_dump(&p, "state-src");
	assert_int_equal(dec(ctx, 0x7f000001, &p), 0);
	p.len = 0;
	pb_put(&p, 5, 2);
	pb_put(&p, 0, 2);
	pb_put(&p, UPTIME, 4);
	pb_put(&p, SECS, 4);
	pb_put(&p, 0, 4);
	pb_put(&p, 1000, 4);
	pb_put(&p, 0, 4);
	assert_int_equal(dec(ctx, 0x7f000002, &p), 0);
	return ctx;
}

/* v9 data for template 300 naming sampler 5, sequence 42. */
static void
data_pkt(struct pb *p, uint32_t seq)
{
	pb_v9(p, 1, UPTIME, SECS, seq, 3);
	pb_fs(p, 300);
	pb_put(p, 0x0a000001, 4);
	pb_put(p, 9, 4);
	pb_put(p, 5, 1);
	pb_fs_end(p, 3);
}

static void
info_of(struct proto_ctx *ctx, uint32_t addr, struct proto_exporter_info *o)
{
	unsigned i;

	for (i = 0; i < proto_exporter_count(ctx); i++) {
		assert_int_equal(proto_exporter_get(ctx, i, o), 0);
		if (o->addr.v4 == addr)
			return;
	}
	fail_msg("exporter %08x not found", addr);
}

/* Advance the expected sequence numbers in a saved image like the two
 * datagrams of test_roundtrip do: find the SEQ items by their layout. */
static void
patch_seq(uint8_t *b, size_t len)
{
	size_t i;

	for (i = 12; i + 6 <= len; ) {
		unsigned type = b[i] << 8 | b[i + 1];
		size_t n = (size_t)b[i + 2] << 24 | b[i + 3] << 16 |
		    b[i + 4] << 8 | b[i + 5];

		if (type == 3 && n == 9 && b[i + 6] == 9)
			b[i + 14] = 43;
		if (type == 3 && n == 9 && b[i + 6] == 5) {
			b[i + 13] = 1010 >> 8;
			b[i + 14] = 1010 & 0xff;
		}
		i += 6 + n;
	}
}

/* With FK_STATE_SEED_DIR set, keep a saved image as a fuzz seed. */
static void
dump_state(const uint8_t *buf, size_t len, const char *name)
{
	const char *dir = getenv("FK_STATE_SEED_DIR");
	char path[1024];
	FILE *fp;

	if (dir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "wb")) != NULL) {
		fwrite(buf, 1, len, fp);
		fclose(fp);
	}
}

static void
test_roundtrip(void **state)
{
	struct proto_ctx *a = make_ctx(), *b = proto_new(NULL);
	struct proto_exporter_info in;
	uint8_t *buf, *buf2;
	size_t len, len2;
	struct pb p;

	(void)state;
	assert_int_equal(proto_state_save(a, &buf, &len), 0);
	assert_memory_equal(buf, "FKPS", 4);
	dump_state(buf, len, "two-exporters");
	assert_int_equal(proto_state_load(b, buf, len), 0);
	assert_int_equal(proto_exporter_count(b), 2);
	/* templates and sampler rates survive: data decodes at once */
	data_pkt(&p, 42);
	assert_int_equal(dec(b, 0x7f000001, &p), 1);
	assert_int_equal(got[0].packets, 9);
	assert_int_equal(got[0].sampling, 100);
	info_of(b, 0x7f000001, &in);
	assert_int_equal(in.templates, 2);
	assert_int_equal(in.nsamplers, 1);
	assert_int_equal(in.lost_packets, 0);	/* sequence 42 expected */
	/* v5 sequence state survives: 1000 expected, 1010 loses 10 */
	p.len = 0;
	pb_put(&p, 5, 2);
	pb_put(&p, 0, 2);
	pb_put(&p, UPTIME, 4);
	pb_put(&p, SECS, 4);
	pb_put(&p, 0, 4);
	pb_put(&p, 1010, 4);
	pb_put(&p, 0, 4);
	assert_int_equal(dec(b, 0x7f000002, &p), 0);
	info_of(b, 0x7f000002, &in);
	assert_int_equal(in.lost, 10);
	/* saving the loaded state again gives the same bytes (only the
	 * sequence state moved on: v9 43 and v5 1010) */
	patch_seq(buf, len);
	assert_int_equal(proto_state_save(b, &buf2, &len2), 0);
	assert_int_equal(len2, len);
	assert_memory_equal(buf2, buf, len);
	free(buf);
	free(buf2);
	proto_free(a);
	proto_free(b);
}

/* Data for template 999 (never announced) from exporter addr: queued. */
static void
queue_unknown(struct proto_ctx *ctx, uint32_t addr)
{
	struct pb p;

	pb_v9(&p, 1, UPTIME, SECS, 7, 3);
	pb_fs(&p, 999);
	pb_put(&p, 1, 4);
	pb_fs_end(&p, 3);
	(void)dec(ctx, addr, &p);
}

/* A load replaces exporters that had queued data: the context-wide sum of
 * queued bytes follows the exporters (no stale pointer into the context
 * the old ones were moved to, which ASan would catch). */
static void
test_load_pending_sum(void **state)
{
	struct proto_ctx *a = make_ctx(), *b = proto_new(NULL);
	struct proto_stats st;
	uint8_t *buf;
	size_t len;

	(void)state;
	queue_unknown(b, 0x7f000001);
	queue_unknown(b, 0x7f000009);
	proto_get_stats(b, &st);
	assert_true(st.pending_bytes > 0);
	assert_int_equal(proto_state_save(a, &buf, &len), 0);
	assert_int_equal(proto_state_load(b, buf, len), 0);
	proto_get_stats(b, &st);
	assert_int_equal(st.pending_bytes, 0);
	queue_unknown(b, 0x7f000001);
	proto_get_stats(b, &st);
	assert_true(st.pending_bytes > 0);
	assert_int_equal(proto_expire(b, (uint64_t)SECS * 1000 + 10 +
	    601000), 1);
	proto_get_stats(b, &st);
	assert_int_equal(st.pending_bytes, 0);
	free(buf);
	proto_free(a);
	proto_free(b);
}

static void
test_corrupt_leaves_ctx(void **state)
{
	struct proto_ctx *a = make_ctx(), *b = make_ctx();
	uint8_t *buf, *bad;
	size_t len, i;
	uint64_t gen = proto_state_generation(b);
	struct pb p;

	(void)state;
	assert_int_equal(proto_state_save(a, &buf, &len), 0);
	/* every truncation is refused */
	for (i = 0; i < len; i++)
		assert_int_equal(proto_state_load(b, buf, i), -1);
	bad = malloc(len + 1);
	memcpy(bad, buf, len);
	bad[len] = 0;
	assert_int_equal(proto_state_load(b, bad, len + 1), -1);
	bad[0] = 'X';
	assert_int_equal(proto_state_load(b, bad, len), -1);
	memcpy(bad, buf, len);
	bad[5] = 2;				/* format version */
	assert_int_equal(proto_state_load(b, bad, len), -1);
	memcpy(bad, buf, len);
	bad[11] = 7;				/* exporter count */
	assert_int_equal(proto_state_load(b, bad, len), -1);
	/* flipping any byte never crashes (most are refused) */
	for (i = 0; i < len; i++) {
		memcpy(bad, buf, len);
		bad[i] ^= 0xff;
		struct proto_ctx *c = proto_new(NULL);

		(void)proto_state_load(c, bad, len);
		proto_free(c);
	}
	assert_int_equal(proto_state_generation(b), gen);
	data_pkt(&p, 42);
	assert_int_equal(dec(b, 0x7f000001, &p), 1);
	assert_int_equal(got[0].sampling, 100);
	free(bad);
	free(buf);
	proto_free(a);
	proto_free(b);
}

static void
test_generation(void **state)
{
	struct proto_ctx *ctx = proto_new(NULL);
	uint64_t g0 = proto_state_generation(ctx), g1;
	uint8_t *buf;
	size_t len;
	struct pb p;

	(void)state;
	data_pkt(&p, 1);			/* data only: no change */
	dec(ctx, 1, &p);
	assert_int_equal(proto_state_generation(ctx), g0);
	pb_v9(&p, 1, UPTIME, SECS, 2, 3);
	pb_tmpl_fs(&p, 300, 3, tdata);
	dec(ctx, 1, &p);
	g1 = proto_state_generation(ctx);
	assert_true(g1 > g0);
	assert_int_equal(proto_state_save(ctx, &buf, &len), 0);
	assert_int_equal(proto_state_load(ctx, buf, len), 0);
	assert_true(proto_state_generation(ctx) > g1);
	free(buf);
	proto_free(ctx);
}

static void
test_empty(void **state)
{
	struct proto_ctx *ctx = proto_new(NULL);
	uint8_t *buf;
	size_t len;

	(void)state;
	assert_int_equal(proto_state_save(ctx, &buf, &len), 0);
	assert_int_equal(len, 12 + 6 + 4);
	dump_state(buf, len, "empty");
	assert_int_equal(proto_state_load(ctx, buf, len), 0);
	assert_int_equal(proto_exporter_count(ctx), 0);
	assert_int_equal(proto_state_load(ctx, NULL, 0), -1);
	free(buf);
	proto_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_pending_sum),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_corrupt_leaves_ctx),
		cmocka_unit_test(test_generation),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
