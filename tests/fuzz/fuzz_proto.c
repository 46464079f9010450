/*
 * fuzz_proto.c - libFuzzer harness for the NetFlow decoders.
 *
 * The input is a sequence of datagrams, each prefixed by a 2-byte big-endian
 * length (a short last one takes the rest).  They go through one proto_ctx
 * with small limits, alternately from two exporter addresses (the low bit of
 * the length's first byte chooses), so templates, the pending queue,
 * evictions and sequence state all see traffic.  Then queued data is
 * expired and the state is saved, loaded into a fresh context and saved
 * again, which must give the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
sink_put(void *arg, const struct flowrec *r, unsigned n)
{
	unsigned *count = arg, i;

	for (i = 0; i < n; i++)
		*count += r[i].af;	/* touch every record */
}

static void
state_roundtrip(struct proto_ctx *ctx)
{
	struct proto_limits lim = { .max_templates = 8, .max_pending = 4,
	    .max_samplers = 4, .max_exporters = 2 };
	struct proto_ctx *c2;
	uint8_t *a = NULL, *b = NULL;
	size_t alen, blen;

	if (proto_state_save(ctx, &a, &alen) != 0)
		return;
	if ((c2 = proto_new(&lim)) == NULL) {
		free(a);
		return;
	}
	if (proto_state_load(c2, a, alen) != 0)
		abort();
	if (proto_state_save(c2, &b, &blen) != 0 || blen != alen ||
	    memcmp(a, b, alen) != 0)
		abort();
	free(a);
	free(b);
	proto_free(c2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_limits lim = { .max_templates = 8, .max_pending = 4,
	    .max_samplers = 4, .max_exporters = 2, .pending_ttl_ms = 100 };
	struct proto_ctx *ctx = proto_new(&lim);
	unsigned count = 0;
	struct fr_sink sink = { sink_put, &count };
	struct proto_src src;
	size_t n;
	uint64_t now = 1700000000000ull;

	if (ctx == NULL)
		return 0;
	memset(&src, 0, sizeof(src));
	src.af = FR_AF_INET;
	while (size >= 2) {
		n = (size_t)data[0] << 8 | data[1];
		src.addr.v4 = 0x7f000001 + (data[0] >> 7);
		data += 2;
		size -= 2;
		if (n > size)
			n = size;
		src.recv_ms = now;
		now += 40;
		(void)proto_decode(ctx, &src, data, n, &sink, NULL);
		data += n;
		size -= n;
	}
	(void)proto_expire(ctx, now);
	state_roundtrip(ctx);
	proto_free(ctx);
	return 0;
}
