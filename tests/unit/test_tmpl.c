/*
 * test_tmpl.c - the v9 template cache and the field-program compiler.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "proto/flowrec.h"
#include "proto/tmpl.h"

static const struct tmpl_field f4[] = {
	{ 8, 4 }, { 12, 4 }, { 1, 4 }, { 2, 4 },
};

static void
test_add_find_replace(void **state)
{
	struct tmpl_cache *tc = tmpl_cache_new(8, 16);
	static const struct tmpl_field f2[] = { { 2, 8 }, { 8, 4 } };
	struct tmpl *t;
	int ev;

	(void)state;
	assert_null(tmpl_find(tc, 0, 256));
	assert_non_null(tmpl_add(tc, 0, 256, TMPL_KIND_DATA, f4, 4, 0, &ev));
	assert_int_equal(ev, 0);
	assert_non_null(tmpl_add(tc, 1, 256, TMPL_KIND_DATA, f2, 2, 0, &ev));
	assert_int_equal(tmpl_count(tc), 2);
	t = tmpl_find(tc, 0, 256);
	assert_non_null(t);
	assert_int_equal(t->reclen, 16);
	assert_int_equal(tmpl_find(tc, 1, 256)->reclen, 12);
	/* redefinition replaces, also with another kind */
	assert_non_null(tmpl_add(tc, 0, 256, TMPL_KIND_OPTIONS, f2, 2, 1,
	    &ev));
	assert_int_equal(tmpl_count(tc), 2);
	t = tmpl_find(tc, 0, 256);
	assert_int_equal(t->kind, TMPL_KIND_OPTIONS);
	assert_int_equal(t->nscope, 1);
	assert_int_equal(tmpl_remove(tc, 0, 256), 1);
	assert_int_equal(tmpl_remove(tc, 0, 256), 0);
	assert_int_equal(tmpl_count(tc), 1);
	tmpl_cache_free(tc);
}

static void
test_lru(void **state)
{
	struct tmpl_cache *tc = tmpl_cache_new(3, 16);
	int ev;
	unsigned i;

	(void)state;
	for (i = 0; i < 3; i++)
		tmpl_add(tc, 0, (uint16_t)(300 + i), TMPL_KIND_DATA, f4, 4, 0,
		    &ev);
	tmpl_find(tc, 0, 300);			/* 301 is now the LRU */
	assert_non_null(tmpl_add(tc, 0, 303, TMPL_KIND_DATA, f4, 4, 0, &ev));
	assert_int_equal(ev, 1);
	assert_int_equal(tmpl_count(tc), 3);
	assert_null(tmpl_find(tc, 0, 301));
	assert_non_null(tmpl_find(tc, 0, 300));
	assert_non_null(tmpl_find(tc, 0, 302));
	assert_non_null(tmpl_find(tc, 0, 303));
	tmpl_cache_free(tc);
}

static void
test_refused(void **state)
{
	struct tmpl_cache *tc = tmpl_cache_new(3, 3);
	int ev;

	(void)state;
	assert_non_null(tmpl_add(tc, 0, 300, TMPL_KIND_DATA, f4, 3, 0, &ev));
	/* too many fields: refused, and the old definition is gone */
	assert_null(tmpl_add(tc, 0, 300, TMPL_KIND_DATA, f4, 4, 0, &ev));
	assert_null(tmpl_find(tc, 0, 300));
	assert_null(tmpl_add(tc, 0, 301, TMPL_KIND_OPTIONS, f4, 2, 3, &ev));
	assert_int_equal(tmpl_count(tc), 0);
	tmpl_cache_free(tc);
}

static const struct tmpl_step *
step_for(const struct tmpl *t, int op)
{
	unsigned i;

	for (i = 0; i < t->nsteps; i++)
		if (t->steps[i].op == op)
			return &t->steps[i];
	return NULL;
}

static void
test_program(void **state)
{
	static const struct tmpl_field f[] = {
		{ 40000, 3 }, { 8, 4 }, { 12, 5 }, { 24, 4 }, { 2, 2 },
		{ 23, 8 }, { 18, 4 }, { 21, 4 }, { 22, 8 }, { 153, 8 },
		{ 16, 4 },
	};
	struct tmpl_cache *tc = tmpl_cache_new(4, 32);
	const struct tmpl_step *s;
	struct tmpl *t;
	int ev;

	(void)state;
	t = tmpl_add(tc, 0, 300, TMPL_KIND_DATA, f, 11, 0, &ev);
	assert_non_null(t);
	assert_int_equal(t->reclen, 3 + 4 + 5 + 4 + 2 + 8 + 4 + 4 + 8 + 8 + 4);
	assert_int_equal(t->af, FR_AF_INET);
	assert_false(t->varlen);
	assert_false(t->event);
	assert_non_null(s = step_for(t, TOP_SRC4));
	assert_int_equal(s->off, 3);
	assert_null(step_for(t, TOP_DST4));	/* wrong size */
	/* IN_PKTS wins over OUT_PKTS; OUT_BYTES used without IN_BYTES */
	assert_non_null(s = step_for(t, TOP_PACKETS));
	assert_int_equal(s->off, 16);
	assert_int_equal(s->len, 2);
	assert_non_null(s = step_for(t, TOP_OCTETS));
	assert_int_equal(s->off, 18);
	assert_int_equal(s->len, 8);
	assert_non_null(s = step_for(t, TOP_NH4));	/* BGP fallback */
	assert_int_equal(s->off, 26);
	/* 22 as 8 bytes = epoch ms; 153 beats 21 */
	assert_non_null(s = step_for(t, TOP_FIRST_MS));
	assert_int_equal(s->off, 34);
	assert_non_null(s = step_for(t, TOP_LAST_MS));
	assert_int_equal(s->off, 42);
	assert_null(step_for(t, TOP_LAST_UP));
	assert_int_equal(t->nsteps, 7);
	assert_true(t->has & FR_HAS_AS);
	assert_false(t->has & FR_HAS_DSTADDR);
	tmpl_cache_free(tc);
}

static void
test_event_and_varlen(void **state)
{
	static const struct tmpl_field asa[] = {
		{ 8, 4 }, { 231, 4 }, { 232, 4 }, { 85, 4 },
	};
	static const struct tmpl_field vl[] = {
		{ 8, 4 }, { 236, TMPL_VARLEN }, { 2, 4 },
	};
	struct tmpl_cache *tc = tmpl_cache_new(4, 32);
	struct tmpl *t;
	int ev;

	(void)state;
	t = tmpl_add(tc, 0, 300, TMPL_KIND_DATA, asa, 4, 0, &ev);
	assert_true(t->event);
	assert_int_equal(t->steps[1].op, TOP_OCTETS);
	assert_int_equal(t->steps[2].op, TOP_OCTETS);
	assert_int_equal(t->nsteps, 3);		/* 85 not used */
	t = tmpl_add(tc, 0, 301, TMPL_KIND_DATA, vl, 3, 0, &ev);
	assert_true(t->varlen);
	assert_int_equal(t->reclen, 8);
	assert_int_equal(t->nsteps, 3);
	assert_int_equal(t->steps[0].op, TOP_SRC4);
	assert_int_equal(t->steps[1].op, TOP_SKIP);
	assert_int_equal(t->steps[2].op, TOP_PACKETS);
	tmpl_cache_free(tc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_find_replace),
		cmocka_unit_test(test_lru),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_program),
		cmocka_unit_test(test_event_and_varlen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
