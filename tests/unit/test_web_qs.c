/*
 * test_web_qs.c - the query-string whitelist parser: decoding, every
 * type's limits, and the refusals (unknown or repeated names, long
 * values, bad escapes, NUL bytes, traversal in names).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "web/qs.h"

static const char *const colors[] = { "red", "green", NULL };

static const struct qs_key keys[] = {
	{ "n", QS_UINT, 6, 1, 100000, NULL },
	{ "big", QS_UINT, 20, 0, UINT64_MAX, NULL },
	{ "c", QS_ENUM, 8, 0, 0, colors },
	{ "b", QS_BOOL, 5, 0, 0, NULL },
	{ "name", QS_NAME, 16, 0, 0, NULL },
	{ "t", QS_TIME, 40, 0, 0, NULL },
	{ "l", QS_LIST, 64, 0, 0, NULL },
	{ "x", QS_TEXT, 32, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static struct qs q;

static int
parse(const char *s, char *err)
{
	return qs_parse(&q, s, strlen(s), keys, err, 256);
}

static void
refused(const char *s, const char *msg)
{
	char err[256];

	if (parse(s, err) != -1 || strstr(err, msg) == NULL) {
		print_error("\"%s\": expected \"%s\", got \"%s\"\n", s, msg,
		    err);
		fail();
	}
}

static void
test_decode(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(parse("x=proto+tcp%20and%20port%2080&n=42&c=green"
	    "&b=on&name=dev-1.a_b&t=2026-11-28T10%3A00&l=10.0.0.0%2F8%2C"
	    "+-10.1.2.3", err), 0);
	assert_int_equal(q.n, 7);
	assert_string_equal(qs_get(&q, "x"), "proto tcp and port 80");
	assert_int_equal(qs_num(&q, "n", 0), 42);
	assert_string_equal(qs_get(&q, "c"), "green");
	assert_int_equal(qs_num(&q, "b", 0), 1);
	assert_string_equal(qs_get(&q, "name"), "dev-1.a_b");
	assert_string_equal(qs_get(&q, "t"), "2026-11-28T10:00");
	assert_string_equal(qs_get(&q, "l"), "10.0.0.0/8, -10.1.2.3");
	assert_null(qs_get(&q, "big"));
	assert_int_equal(qs_num(&q, "big", 7), 7);
}

static void
test_empty(void **state)
{
	char err[256];

	(void)state;
	/* empty values and pieces are absent, as HTML forms send them */
	assert_int_equal(parse("", err), 0);
	assert_int_equal(q.n, 0);
	assert_int_equal(parse("n=&c=&&x=&b", err), 0);
	assert_int_equal(q.n, 0);
	assert_int_equal(parse("big=18446744073709551615&b=0", err), 0);
	assert_int_equal(qs_num(&q, "big", 0), UINT64_MAX);
	assert_int_equal(qs_num(&q, "b", 1), 0);
}

static void
test_refusals(void **state)
{
	char longq[QS_MAX_LEN + 10];

	(void)state;
	refused("nope=1", "unknown parameter \"nope\"");
	refused("n=1&n=2", "n: given twice");
	refused("n=0", "n: bad value");
	refused("n=100001", "n: bad value");
	refused("n=12a", "n: bad value");
	refused("n=-1", "n: bad value");
	refused("big=18446744073709551616", "big: bad value");
	refused("big=99999999999999999999999", "big: bad value");
	refused("c=blue", "c: bad value");
	refused("b=maybe", "b: bad value");
	refused("name=..%2F..%2Fetc%2Fpasswd", "name: bad value");
	refused("name=.hidden", "name: bad value");
	refused("name=a%2Fb", "name: bad value");
	refused("name=aaaaaaaaaaaaaaaaa", "name: bad value");
	refused("t=%3Cscript%3E", "t: bad value");
	refused("l=10.0.0.1%3Bls", "l: bad value");
	refused("l=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "l: bad value");
	refused("x=a%00b", "x: bad %-escape or NUL byte");
	refused("x=%zz", "x: bad %-escape");
	refused("x=%4", "x: bad %-escape");
	refused("x=%1b[31m", "x: bad value");
	refused("x=123456789012345678901234567890123", "x: bad value");
	refused("%3Cscript%3E=1", "unknown parameter \"<script>\"");
	memset(longq, 'a', sizeof(longq) - 1);
	longq[sizeof(longq) - 1] = '\0';
	memcpy(longq, "x=", 2);
	refused(longq, "query string too long");
}

static void
test_text(void **state)
{
	char err[256];

	(void)state;
	/* free text takes UTF-8, tabs and new lines */
	assert_int_equal(parse("x=%C3%A9t%C3%A9%0Aport%0980", err), 0);
	assert_string_equal(qs_get(&q, "x"), "\xc3\xa9t\xc3\xa9\nport\t80");
	assert_int_equal(parse("x=%3Cscript%3E", err), 0);
	assert_string_equal(qs_get(&q, "x"), "<script>");
}

static void
test_many(void **state)
{
	static const struct qs_key many[] = {
		{ "a", QS_UINT, 3, 0, 999, NULL },
		{ NULL, 0, 0, 0, 0, NULL },
	};
	char s[QS_MAX_PARAMS * 8], err[256];
	size_t o = 0;

	(void)state;
	for (int i = 0; i < 3; i++)
		o += (size_t)snprintf(s + o, sizeof(s) - o, "a=%d&", i);
	assert_int_equal(qs_parse(&q, s, o, many, err, sizeof(err)), -1);
	assert_string_equal(err, "a: given twice");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
