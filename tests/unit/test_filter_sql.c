/*
 * test_filter_sql.c - compiled filters as ClickHouse conditions
 * (src/filter_sql.h) and the clickhouse:// URL (src/chsource.h):
 *
 * - each construct's SQL: number tests on each side, ranges, masks,
 *   lists with excludes, address prefixes of both families as byte
 *   ranges of the IPv4-mapped FixedString(16) form, longest-prefix lists,
 *   families, the `fields` bits a test needs, and/or/not;
 * - what is not translated (rates) gives a superset and exact = 0, and a
 *   `not` over it is dropped whole;
 * - injection: for many expressions (odd spellings, names, a saved filter
 *   whose name and text hold quotes and SQL), the SQL holds only our
 *   column names, functions, keywords, numbers and unhex('<32 hex>'):
 *   no text of the expression reaches it;
 * - the time window of each inclusion rule;
 * - URLs: good ones parsed into host, port, db and table, bad ones
 *   refused.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "src/chsource.h"
#include "src/filter.h"
#include "src/filter_sql.h"
#include "src/source.h"

static char *
sql_of(const char *expr, const char *named, int *exact)
{
	char err[256];
	struct filter *f = filter_compile(expr, named, err, sizeof(err));
	char *s;

	if (f == NULL)
		fail_msg("%s: %s", expr, err);
	s = filter_sql(f, exact);
	assert_non_null(s);
	filter_free(f);
	return s;
}

/* expr's SQL contains each of the NULL-terminated strings. */
static void
has(const char *expr, int want_exact, ...)
{
	va_list ap;
	const char *w;
	int exact = -1;
	char *s = sql_of(expr, NULL, &exact);

	va_start(ap, want_exact);
	while ((w = va_arg(ap, const char *)) != NULL)
		if (strstr(s, w) == NULL)
			fail_msg("%s -> %s\nlacks %s", expr, s, w);
	va_end(ap);
	if (exact != want_exact)
		fail_msg("%s -> %s: exact %d", expr, s, exact);
	free(s);
}

static void
test_numbers(void **state)
{
	(void)state;
	has("src port 80", 1, "bitAnd(fields, 4) = 4", "sport = 80", NULL);
	has("dst port 443", 1, "dport = 443", NULL);
	has("port 53", 1, "(sport = 53 OR dport = 53)", NULL);
	has("port > 1023", 1, "sport > 1023", "dport > 1023", NULL);
	has("port 1000-2000", 1, "(sport >= 1000 AND sport <= 2000)", NULL);
	has("proto tcp", 1, "proto = 6", "bitAnd(fields, 8) = 8", NULL);
	has("proto != udp", 1, "proto != 17", NULL);
	has("in if 3", 1, "in_if = 3", NULL);
	has("out if 4", 1, "out_if = 4", NULL);
	has("src as 65001", 1, "src_as = 65001", NULL);
	has("dst as 4200000000", 1, "dst_as = 4200000000", NULL);
	has("tos 0x10", 1, "tos = 16", NULL);
	has("flags S", 1, "bitAnd(tcp_flags, 2) = 2", NULL);
	has("engine type 1", 1, "engine_type = 1", NULL);
	has("engine id 2", 1, "engine_id = 2", NULL);
	has("bytes >= 10k", 1, "octets >= 10000", NULL);
	has("packets < 3", 1, "packets < 3", NULL);
	has("duration > 1000", 1,
	    "if(last_ms > first_ms, last_ms - first_ms, 0) > 1000", NULL);
	has("bytes > 18446744073709551615", 1,
	    "octets > 18446744073709551615", NULL);
	/* a list with an exclude: not the exclude, and one include */
	has("dst port in [80, 443, -8080]", 1, "NOT (0 OR dport = 8080)",
	    "OR dport = 80", "OR dport = 443", NULL);
	has("src port in [1000-2000]", 1, NULL);
}

static void
test_addresses(void **state)
{
	(void)state;
	/* 10.0.0.0/8 as ::ffff:10.0.0.0 .. ::ffff:10.255.255.255 */
	has("src net 10.0.0.0/8", 1, "bitAnd(fields, 16384) = 16384",
	    "af = 4 AND src BETWEEN "
	    "unhex('00000000000000000000ffff0a000000') AND "
	    "unhex('00000000000000000000ffff0affffff')", NULL);
	has("dst ip 192.0.2.1", 1, "af = 4 AND dst BETWEEN "
	    "unhex('00000000000000000000ffffc0000201') AND "
	    "unhex('00000000000000000000ffffc0000201')", NULL);
	has("ip 0.0.0.0/0", 1, "unhex('00000000000000000000ffff00000000') "
	    "AND unhex('00000000000000000000ffffffffffff')", NULL);
	/* a /33 of IPv6 ends inside a byte */
	has("src net 2001:db8:8000::/33", 1, "af = 6 AND src BETWEEN "
	    "unhex('20010db8800000000000000000000000') AND "
	    "unhex('20010db8ffffffffffffffffffffffff')", NULL);
	has("net 2001:db8::/32", 1, "af = 6 AND src BETWEEN",
	    "af = 6 AND dst BETWEEN", NULL);
	has("nexthop 10.1.1.1", 1, "bitAnd(fields, 512)", "nexthop BETWEEN",
	    NULL);
	has("exporter 127.0.0.1", 1, "exp_af = 4 AND exporter BETWEEN "
	    "unhex('00000000000000000000ffff7f000001')", NULL);
	/* a list: the longest prefix decides; 10/8 but not 10.1/16, except
	 * 10.1.2/24 again */
	has("src net in [10.0.0.0/8, -10.1.0.0/16, 10.1.2.0/24]", 1,
	    "af IN (4, 6)",
	    "unhex('00000000000000000000ffff0a000000') AND "
	    "unhex('00000000000000000000ffff0affffff')) AND NOT ((af = 4 AND "
	    "src BETWEEN unhex('00000000000000000000ffff0a010000')",
	    "OR ((af = 4 AND src BETWEEN "
	    "unhex('00000000000000000000ffff0a010200')", NULL);
	/* excludes only: none of them */
	has("dst ip in [-192.0.2.1, -192.0.2.2]", 1, "NOT (0 OR (af = 4",
	    NULL);
	has("inet6", 1, "af = 6", NULL);
	has("inet", 1, "af = 4", NULL);
}

static void
test_logic(void **state)
{
	int exact;
	char *s;

	(void)state;
	has("proto tcp and port 80", 1, "(1 AND (", " AND (", NULL);
	has("proto tcp or proto udp", 1, "(0 OR (", NULL);
	has("not proto tcp", 1, "NOT (", NULL);
	has("any", 1, NULL);
	s = sql_of("", NULL, &exact);
	assert_string_equal(s, "1");
	assert_int_equal(exact, 1);
	free(s);
	/* rates are not translated: a superset, not exact */
	has("bps > 1000", 0, NULL);
	has("pps > 10", 0, NULL);
	has("proto tcp and bps > 1000", 0, "proto = 6", NULL);
	/* the negation of a superset is dropped (true), not negated */
	s = sql_of("proto tcp and not bps > 1000", NULL, &exact);
	assert_int_equal(exact, 0);
	assert_non_null(strstr(s, "proto = 6"));
	assert_null(strstr(s, "NOT"));
	free(s);
	/* a not around an exact part stays */
	s = sql_of("not port 80 and bps > 1", NULL, &exact);
	assert_int_equal(exact, 0);
	assert_non_null(strstr(s, "NOT ("));
	free(s);
	/* an or with a superset branch is a superset too */
	has("port 80 or pps > 5", 0, NULL);
}

/* Only what our code writes: words from a fixed list, numbers, operators
 * and unhex('<32 hex digits>'). */
static void
only_ours(const char *expr, const char *sql)
{
	static const char *const words[] = {
		"AND", "OR", "NOT", "IN", "BETWEEN", "bitAnd", "unhex", "if",
		"fields", "af", "exp_af", "src", "dst", "nexthop", "exporter",
		"sport", "dport", "proto", "tos", "tcp_flags", "engine_type",
		"engine_id", "octets", "packets", "in_if", "out_if", "src_as",
		"dst_as", "first_ms", "last_ms", NULL
	};
	const char *p = sql;

	while (*p != '\0') {
		if (isalpha((unsigned char)*p) || *p == '_') {
			const char *q = p;
			size_t n, i;

			while (isalnum((unsigned char)*q) || *q == '_')
				q++;
			n = (size_t)(q - p);
			for (i = 0; words[i] != NULL; i++)
				if (strlen(words[i]) == n &&
				    strncmp(words[i], p, n) == 0)
					break;
			if (words[i] == NULL)
				fail_msg("%s -> word \"%.*s\" in %s", expr,
				    (int)n, p, sql);
			p = q;
		} else if (*p == '\'') {
			int k;

			if (p < sql + 6 || strncmp(p - 6, "unhex(", 6) != 0)
				fail_msg("%s: a quote not of unhex: %s", expr,
				    sql);
			for (k = 1; k <= 32; k++)
				if (!isxdigit((unsigned char)p[k]))
					fail_msg("%s: unhex of non-hex: %s",
					    expr, sql);
			if (p[33] != '\'')
				fail_msg("%s: unhex not 16 bytes: %s", expr,
				    sql);
			p += 34;
		} else if (strchr("0123456789 (),=<>!-", *p) != NULL)
			p++;
		else
			fail_msg("%s: character '%c' in %s", expr, *p, sql);
	}
}

static void
test_injection(void **state)
{
	static const char *const exprs[] = {
		"src net 10.0.0.0/8 and dst port in [80, 443, -8080]",
		"proto tcp and flags S and not flags A and bytes < 1k",
		"PROTO UDP # a comment ' ; DROP TABLE x --",
		"port 80 # '); DROP DATABASE flowkeep; --",
		"exporter ::ffff:10.0.0.1 or nexthop fe80::1",
		"src ip in [2001:db8::/32, -2001:db8:1::/48] or tos 0x10/0xf0",
		"@evil and port 22",
		"filter evil or proto icmp6",
		"not (in if 3 or out if in [4, 5]) and src as 65001",
		"engine type 1 and engine id 2 and duration > 5000",
		"dst as 0x10 and packets 1-10 and bps > 9 and pps < 5",
		"inet6 and not inet",
	};
	char dir[] = "/tmp/fksqlXXXXXX", path[256], *s;
	FILE *fp;
	int exact;

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* a saved filter: its name and its text's comment never reach SQL */
	snprintf(path, sizeof(path), "%s/evil", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "# x'); DROP TABLE flows; --\nsrc port 1234\n");
	fclose(fp);
	for (size_t i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
		s = sql_of(exprs[i], dir, &exact);
		only_ours(exprs[i], s);
		assert_null(strstr(s, "evil"));
		assert_null(strstr(s, "DROP"));
		assert_null(strstr(s, ";"));
		free(s);
	}
	s = sql_of("@evil", dir, &exact);
	assert_non_null(strstr(s, "sport = 1234"));
	free(s);
	unlink(path);
	rmdir(dir);
}

static void
test_window(void **state)
{
	int exact;
	char *w;

	(void)state;
	w = chsrc_where(1000, 2000, SRC_ANY, NULL, &exact);
	assert_string_equal(w, "(first_ms < 2000 AND last_ms >= 1000) AND "
	    "(1)");
	free(w);
	w = chsrc_where(1000, 2000, SRC_START, NULL, &exact);
	assert_string_equal(w, "(first_ms >= 1000 AND first_ms < 2000) AND "
	    "(1)");
	free(w);
	w = chsrc_where(1000, 2000, SRC_END, NULL, &exact);
	assert_string_equal(w, "(last_ms >= 1000 AND last_ms < 2000) AND "
	    "(1)");
	free(w);
	w = chsrc_where(1000, 2000, SRC_ALL, NULL, &exact);
	assert_string_equal(w, "(first_ms >= 1000 AND last_ms < 2000) AND "
	    "(1)");
	free(w);
	w = chsrc_where(0, 0, SRC_ANY, NULL, &exact);
	assert_string_equal(w, "(1) AND (1)");
	assert_int_equal(exact, 1);
	free(w);
}

static void
test_url(void **state)
{
	static const char *const bad[] = {
		"", "clickhouse://", "clickhouse://h", "clickhouse://h/",
		"clickhouse://h/db", "clickhouse://h/db.", "clickhouse://h/.t",
		"clickhouse://h:0/db.t", "clickhouse://h:65536/db.t",
		"clickhouse://h:80x/db.t", "clickhouse://h:/db.t",
		"clickhouse://h/db.t;drop", "clickhouse://h/db.t t",
		"clickhouse://h/d-b.t", "clickhouse://h/db.t.x",
		"clickhouse://h/1db.t", "clickhouse://h'/db.t",
		"clickhouse://h h/db.t", "http://h:8123/db.t",
		"clickhouse://[::1/db.t", "clickhouse://h:8123/db.t/",
		"clickhouse://h:8123/db.t?x=1",
		"clickhouse://h/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaa.t",
	};
	struct chsrc_url u;
	char err[512];

	(void)state;
	assert_int_equal(chsrc_parse_url("clickhouse://127.0.0.1:8124/fk."
	    "flows", &u, err, sizeof(err)), 0);
	assert_string_equal(u.a.host, "127.0.0.1");
	assert_int_equal(u.a.port, 8124);
	assert_string_equal(u.db, "fk");
	assert_string_equal(u.table, "flows");
	assert_int_equal(chsrc_parse_url("clickhouse://ch-1.example/a_b.T2",
	    &u, err, sizeof(err)), 0);
	assert_string_equal(u.a.host, "ch-1.example");
	assert_int_equal(u.a.port, 8123);
	assert_string_equal(u.table, "T2");
	assert_int_equal(chsrc_parse_url("clickhouse://[::1]:9000/d.t", &u,
	    err, sizeof(err)), 0);
	assert_string_equal(u.a.host, "::1");
	assert_int_equal(u.a.port, 9000);
	assert_int_equal(chsrc_parse_url("clickhouse://[::1]/d.t", &u, err,
	    sizeof(err)), 0);
	assert_int_equal(u.a.port, 8123);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (chsrc_parse_url(bad[i], &u, err, sizeof(err)) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_non_null(strstr(err, "clickhouse://HOST"));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_logic),
		cmocka_unit_test(test_injection),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_url),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
