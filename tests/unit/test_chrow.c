/*
 * test_chrow.c - a flow record as a ClickHouse RowBinary row: every field
 * of IPv4 and IPv6 records survives encode + decode, the byte layout of a
 * known row, short input asks for more, foreign bytes are refused, the
 * schema text and its identifier checks.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "storage/chrow.h"

static void
fill(struct flowrec *r, int af)
{
	int i;

	memset(r, 0, sizeof(*r));
	r->first_ms = 1764403200123ull;		/* 2025-11-29 08:00:00.123 */
	r->last_ms = r->first_ms + 4567;
	r->recv_ms = r->last_ms + 30000;
	r->packets = 0x1122334455ull;
	r->octets = 0x66778899aabbull;
	r->exp_secs = 1764403260;
	r->exp_nsecs = 999;
	r->uptime_ms = 0xfffffff0u;
	r->source_id = 0x01020304;
	r->sampling = 100;
	r->in_if = 70000;
	r->out_if = 3;
	r->src_as = 4200000000u;
	r->dst_as = 65001;
	r->src_tag = 7;
	r->dst_tag = 8;
	r->flow_label = 0xabcde;
	r->fields = 0x3ffff;
	r->exp_af = FR_AF_INET;
	r->exporter.v4 = 0x7f000009;
	r->af = (uint8_t)af;
	if (af == FR_AF_INET) {
		r->src.v4 = 0x0a010203;
		r->dst.v4 = 0xc0a80001;
		r->nexthop.v4 = 0x0a0000fe;
	} else {
		for (i = 0; i < 16; i++) {
			r->src.v6[i] = (uint8_t)(0x20 + i);
			r->dst.v6[i] = (uint8_t)(0x40 + i);
			r->nexthop.v6[i] = (uint8_t)(0xf0 ^ i);
		}
	}
	r->sport = 443;
	r->dport = 51234;
	r->proto = 6;
	r->tcp_flags = 0x1b;
	r->tos = 0xb8;
	r->src_mask = 16;
	r->dst_mask = 24;
	r->engine_type = 1;
	r->engine_id = 2;
	r->version = 9;
}

static void
test_roundtrip(void **state)
{
	struct flowrec a, b;
	uint8_t buf[CHROW_MAX];
	char name[300];
	size_t n;
	int af;

	(void)state;
	for (af = FR_AF_INET; af <= FR_AF_INET6; af += 2) {
		fill(&a, af);
		n = chrow_encode(&a, "edge-1", buf);
		assert_int_equal(n, CHROW_FIXED + 1 + 6);
		assert_int_equal(chrow_decode(buf, n, &b, name, sizeof(name)),
		    (long)n);
		assert_memory_equal(&a, &b, sizeof(a));
		assert_string_equal(name, "edge-1");
	}
	/* an IPv6 exporter, no name */
	fill(&a, FR_AF_INET6);
	a.exp_af = FR_AF_INET6;
	memset(a.exporter.v6, 0, 16);
	a.exporter.v6[15] = 1;
	n = chrow_encode(&a, NULL, buf);
	assert_int_equal(n, CHROW_FIXED + 1);
	assert_int_equal(chrow_decode(buf, n, &b, NULL, 0), (long)n);
	assert_memory_equal(&a, &b, sizeof(a));
}

static void
test_layout(void **state)
{
	struct flowrec a;
	uint8_t buf[CHROW_MAX];
	size_t n;

	(void)state;
	fill(&a, FR_AF_INET);
	n = chrow_encode(&a, "x", buf);
	/* day 20421 = 2025-11-29, little endian */
	assert_int_equal(buf[0] | buf[1] << 8, 20421);
	/* first_ms little endian */
	assert_int_equal(buf[2], (uint8_t)(a.first_ms & 0xff));
	assert_int_equal(buf[9], 0);
	/* name: length 1, 'x'; then exp_af 4 and ::ffff:127.0.0.9 */
	assert_int_equal(buf[26], 1);
	assert_int_equal(buf[27], 'x');
	assert_int_equal(buf[28], 4);
	assert_int_equal(buf[29 + 10], 0xff);
	assert_int_equal(buf[29 + 11], 0xff);
	assert_int_equal(buf[29 + 12], 127);
	assert_int_equal(buf[29 + 15], 9);
	/* the last column, uptime_ms, ends the row */
	assert_int_equal(buf[n - 1], 0xff);
	assert_int_equal(buf[n - 4], 0xf0);
}

static void
test_short_and_foreign(void **state)
{
	struct flowrec a, b;
	uint8_t buf[CHROW_MAX];
	char longname[400];
	size_t n, i;

	(void)state;
	fill(&a, FR_AF_INET);
	n = chrow_encode(&a, "edge", buf);
	for (i = 0; i < n; i++)
		assert_int_equal(chrow_decode(buf, i, &b, NULL, 0), 0);
	/* a family we do not write */
	buf[26 + 1 + 4] = 5;	/* exp_af after the name */
	assert_int_equal(chrow_decode(buf, n, &b, NULL, 0), -1);
	/* an IPv4 source that is not IPv4-mapped */
	n = chrow_encode(&a, "edge", buf);
	buf[26 + 1 + 4 + 1 + 16 + 1 + 4 + 1 + 1 + 4 + 1] = 0x20;
	assert_int_equal(chrow_decode(buf, n, &b, NULL, 0), -1);
	/* names longer than CHROW_NAME_MAX are cut, and read back cut */
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	n = chrow_encode(&a, longname, buf);
	assert_int_equal(n, CHROW_MAX);
	assert_int_equal(chrow_decode(buf, n, &b, longname, sizeof(longname)),
	    (long)n);
	assert_int_equal(strlen(longname), CHROW_NAME_MAX);
	/* a length prefix above the maximum is refused */
	buf[26] = 0x80;
	buf[27] = 0x02;		/* 256 */
	assert_int_equal(chrow_decode(buf, n, &b, NULL, 0), -1);
	/* a two-byte spelling of a short length is not ours */
	buf[26] = 0x81;
	buf[27] = 0x00;
	assert_int_equal(chrow_decode(buf, n, &b, NULL, 0), -1);
}

static void
test_schema(void **state)
{
	struct chrow_schema_opts o = { .cluster = "fk", .ttl_days = 90 };
	char *s;
	int i;

	(void)state;
	s = chrow_schema(&o);
	assert_non_null(s);
	assert_non_null(strstr(s, "CREATE TABLE IF NOT EXISTS flowkeep.flows_local\n"));
	assert_non_null(strstr(s, "TTL day + INTERVAL 90 DAY"));
	assert_non_null(strstr(s, "ENGINE = Distributed(fk, flowkeep, flows_local, rand())"));
	assert_null(strstr(s, "ON CLUSTER"));
	for (i = 0; chrow_cols[i].name != NULL; i++)
		assert_non_null(strstr(s, chrow_cols[i].name));
	free(s);

	o.ttl_days = 0;
	o.on_cluster = 1;
	o.db = "net_flows";
	s = chrow_schema(&o);
	assert_non_null(s);
	assert_null(strstr(s, "TTL"));
	assert_non_null(strstr(s, "CREATE DATABASE IF NOT EXISTS net_flows ON CLUSTER fk;"));
	free(s);

	o.db = "x; DROP TABLE y";
	assert_null(chrow_schema(&o));
	o.db = "flowkeep";
	o.cluster = "a-b";
	assert_null(chrow_schema(&o));
	o.cluster = NULL;
	o.local = "1abc";
	assert_null(chrow_schema(&o));
	assert_true(chrow_ident_ok("flows_2"));
	assert_false(chrow_ident_ok(""));
	assert_false(chrow_ident_ok("a.b"));
	assert_non_null(strstr(chrow_column_list(), ", exp_nsecs, uptime_ms"));
	assert_non_null(strstr(chrow_column_list(), "day, first_ms, last_ms,"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_short_and_foreign),
		cmocka_unit_test(test_schema),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
