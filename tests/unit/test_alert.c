/*
 * test_alert.c - alert rules: parsing (and every error), canonical text,
 * above/below for N steps, once per episode or every step, re-arming,
 * mean +- k sigma after a full window.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "src/alert.h"

static struct alert_rule
rule(const char *text)
{
	struct alert_rule r;
	char err[256];

	if (alert_parse(text, &r, err, sizeof(err)) != 0)
		fail_msg("%s: %s", text, err);
	return r;
}

/* Feed values (in bits) and return a string of fired steps, "..x.x". */
static void
run(const struct alert_rule *r, const double *v, unsigned n, char *out)
{
	struct alert_state st;
	unsigned i;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < n; i++) {
		double rates[3] = { v[i], v[i] / 1000, 1 };

		out[i] = alert_step(r, &st, rates) ? 'x' : '.';
	}
	out[n] = '\0';
}

static void
test_parse_and_format(void **state)
{
	static const char *const ok[][2] = {
		{ "above 50M", "above 50000000 bits for 1" },
		{ "below 1k packets for 3", "below 1000 packets for 3" },
		{ "above 2.5G bits for 6 every",
		    "above 2500000000 bits for 6 every" },
		{ "sigma 3", "sigma 3 bits for 1 window 12" },
		{ "sigma 2.5 flows window 24 for 12",
		    "sigma 2.5 flows for 12 window 24" },
	};
	char buf[128];
	struct alert_rule r, back;

	(void)state;
	for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		r = rule(ok[i][0]);
		alert_format(&r, buf, sizeof(buf));
		assert_string_equal(buf, ok[i][1]);
		back = rule(buf);
		assert_memory_equal(&r, &back, sizeof(r));
	}
}

static void
test_parse_errors(void **state)
{
	static const char *const bad[][2] = {
		{ "", "alert: expected above, below or sigma" },
		{ "over 5", "alert: expected above, below or sigma, got "
		    "\"over\"" },
		{ "above", "alert: expected a threshold after the rule "
		    "(like 50M)" },
		{ "above 5X", "alert: expected a threshold after the rule "
		    "(like 50M)" },
		{ "sigma 0", "alert: expected a factor above 0 after the rule "
		    "(like 50M)" },
		{ "above 5 for", "alert: \"for\" needs a number of steps, "
		    "1..288" },
		{ "above 5 for 0", "alert: \"for\" needs a number of steps, "
		    "1..288" },
		{ "sigma 3 window 5", "alert: \"window\" needs a number of "
		    "steps, 12..288" },
		{ "above 5 bytes", "alert: unexpected \"bytes\" (bits, "
		    "packets, flows, for N, every)" },
		{ "above 5 window 12", "alert: unexpected \"window\" (bits, "
		    "packets, flows, for N, every)" },
	};
	struct alert_rule r;
	char err[256];

	(void)state;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(alert_parse(bad[i][0], &r, err, sizeof(err)),
		    -1);
		assert_string_equal(err, bad[i][1]);
	}
}

static void
test_threshold_runs(void **state)
{
	static const double v[] = { 1, 9, 9, 9, 9, 1, 9, 9, 9, 1 };
	struct alert_rule r;
	char got[32];

	(void)state;
	r = rule("above 5 for 3");
	run(&r, v, 10, got);
	assert_string_equal(got, "...x....x.");	/* once per episode */
	r = rule("above 5 for 3 every");
	run(&r, v, 10, got);
	assert_string_equal(got, "...xx...x.");
	r = rule("above 5");
	run(&r, v, 10, got);
	assert_string_equal(got, ".x....x...");
	r = rule("below 5 for 1 every");
	run(&r, v, 10, got);
	assert_string_equal(got, "x....x...x");
	/* in packets: v / 1000 */
	r = rule("above 0.005 packets");
	run(&r, v, 10, got);
	assert_string_equal(got, ".x....x...");
}

static void
test_sigma(void **state)
{
	double v[20];
	struct alert_rule r;
	char got[32];

	(void)state;
	for (unsigned i = 0; i < 20; i++)
		v[i] = 100 + (i % 2 ? 1 : -1);	/* mean 100, sigma 1 */
	v[15] = 104;				/* 4 sigma */
	v[17] = 97;				/* 3 sigma below: not > 3 */
	r = rule("sigma 3");
	run(&r, v, 20, got);
	assert_string_equal(got, "...............x....");
	/* nothing before the window is full */
	v[3] = 1000;
	run(&r, v, 20, got);
	assert_int_equal(got[3], '.');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_format),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_threshold_runs),
		cmocka_unit_test(test_sigma),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
