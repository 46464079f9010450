/*
 * test_cursor.c - the bounded big-endian reader.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "proto/cursor.h"

static const uint8_t buf[] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
};

static void
test_reads(void **state)
{
	struct cursor c;

	(void)state;
	cur_init(&c, buf, sizeof(buf));
	assert_int_equal(cur_u8(&c), 0x01);
	assert_int_equal(cur_u16(&c), 0x0203);
	assert_int_equal(cur_u32(&c), 0x04050607);
	assert_int_equal(cur_left(&c), 9);
	assert_int_equal(cur_u64(&c), 0x08090a0b0c0d0e0full);
	assert_int_equal(cur_u8(&c), 0x10);
	assert_int_equal(cur_left(&c), 0);
	assert_true(cur_ok(&c));
}

static void
test_uint_lengths(void **state)
{
	struct cursor c;
	size_t n;

	(void)state;
	for (n = 1; n <= 8; n++) {
		cur_init(&c, buf, sizeof(buf));
		assert_int_equal(cur_uint(&c, n),
		    cur_be_uint(buf, n));
		assert_int_equal(cur_left(&c), sizeof(buf) - n);
	}
	cur_init(&c, buf, sizeof(buf));
	assert_int_equal(cur_uint(&c, 3), 0x010203);
	assert_int_equal(cur_uint(&c, 5), 0x0405060708ull);
	assert_int_equal(cur_uint(&c, 0), 0);
	assert_false(cur_ok(&c));
	cur_init(&c, buf, sizeof(buf));
	assert_int_equal(cur_uint(&c, 9), 0);
	assert_false(cur_ok(&c));
}

static void
test_sticky_error(void **state)
{
	struct cursor c;
	uint8_t out[4] = { 0xff, 0xff, 0xff, 0xff };

	(void)state;
	cur_init(&c, buf, 3);
	assert_int_equal(cur_u32(&c), 0);	/* too short */
	assert_false(cur_ok(&c));
	assert_int_equal(cur_left(&c), 3);	/* nothing consumed */
	assert_int_equal(cur_u8(&c), 0);	/* error is sticky */
	assert_int_equal(cur_u16(&c), 0);
	assert_int_equal(cur_bytes(&c, out, 2), 0);
	assert_int_equal(out[0], 0);
	assert_null(cur_ptr(&c, 1));
	assert_int_equal(cur_skip(&c, 0), 0);
}

static void
test_bytes_skip_ptr(void **state)
{
	struct cursor c;
	uint8_t out[3];

	(void)state;
	cur_init(&c, buf, sizeof(buf));
	assert_true(cur_bytes(&c, out, 3));
	assert_int_equal(out[2], 0x03);
	assert_true(cur_skip(&c, 5));
	assert_ptr_equal(cur_ptr(&c, 2), buf + 8);
	assert_true(cur_skip(&c, 0));
	assert_false(cur_skip(&c, 7));
	assert_false(cur_ok(&c));
	cur_init(&c, NULL, 100);
	assert_int_equal(cur_left(&c), 0);
	assert_int_equal(cur_u8(&c), 0);
	assert_false(cur_ok(&c));
}

static void
test_sub(void **state)
{
	struct cursor c, s;

	(void)state;
	cur_init(&c, buf, sizeof(buf));
	cur_u16(&c);
	assert_true(cur_sub(&c, 4, &s));
	assert_int_equal(cur_left(&s), 4);
	assert_int_equal(cur_left(&c), 10);
	assert_int_equal(cur_u32(&s), 0x03040506);
	assert_int_equal(cur_u8(&s), 0);	/* bounded by the window */
	assert_false(cur_ok(&s));
	assert_true(cur_ok(&c));		/* parent unaffected */
	assert_int_equal(cur_u8(&c), 0x07);
	assert_false(cur_sub(&c, 10, &s));
	assert_false(cur_ok(&c));
	assert_false(cur_ok(&s));
	assert_int_equal(cur_left(&s), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads),
		cmocka_unit_test(test_uint_lengths),
		cmocka_unit_test(test_sticky_error),
		cmocka_unit_test(test_bytes_skip_ptr),
		cmocka_unit_test(test_sub),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
