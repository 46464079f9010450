/*
 * test_statuswarn.c - the warning rules of status_warnings(): each rule
 * fires just past its limit and not at it, a limit of 0 turns its rule
 * off, out-of-room warnings are counted, and the sentences name the
 * subject and the limit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "src/statuswarn.h"

static struct statuswarn_exporter ex[2];
static struct statuswarn_disk dk[1];
static struct statuswarn_in in;
static struct statuswarn_limits lim;
static struct statuswarn w[8];

static int
setup(void **state)
{
	(void)state;
	memset(ex, 0, sizeof(ex));
	memset(dk, 0, sizeof(dk));
	memset(&in, 0, sizeof(in));
	strcpy(ex[0].addr, "192.0.2.1");
	strcpy(ex[1].addr, "2001:db8::1");
	in.exp = ex;
	in.nexp = 2;
	strcpy(dk[0].name, "core");
	dk[0].total = 1000ull << 20;
	dk[0].avail = 500ull << 20;
	in.disk = dk;
	in.ndisk = 1;
	statuswarn_defaults(&lim);
	return 0;
}

static void
test_quiet(void **state)
{
	(void)state;
	ex[0].flows = 1000;
	ex[0].silent_s = 599;	/* 10 minutes is the limit */
	assert_int_equal(status_warnings(&in, &lim, w, 8), 0);
}

static void
test_silent(void **state)
{
	(void)state;
	ex[1].silent_s = 600;
	assert_int_equal(status_warnings(&in, &lim, w, 8), 1);
	assert_int_equal(w[0].kind, STATUSWARN_SILENT);
	assert_string_equal(w[0].subject, "2001:db8::1");
	assert_string_equal(w[0].text,
	    "exporter 2001:db8::1 silent for 10 min (warn-silent 10)");
	lim.silent_min = 0;
	assert_int_equal(status_warnings(&in, &lim, w, 8), 0);
}

static void
test_loss(void **state)
{
	(void)state;
	ex[0].flows = 99;
	ex[0].lost = 1;		/* exactly 1%: not above */
	assert_int_equal(status_warnings(&in, &lim, w, 8), 0);
	ex[0].lost = 2;
	assert_int_equal(status_warnings(&in, &lim, w, 8), 1);
	assert_int_equal(w[0].kind, STATUSWARN_LOSS);
	assert_non_null(strstr(w[0].text, "lost 2.0% of its flows (2 of "
	    "101, warn-loss 1%)"));
	ex[1].packets = 10;
	ex[1].lost_packets = 90;
	assert_int_equal(status_warnings(&in, &lim, w, 8), 2);
	assert_non_null(strstr(w[1].text, "2001:db8::1 lost 90.0% of its "
	    "packets"));
	lim.loss_pct = 50;
	assert_int_equal(status_warnings(&in, &lim, w, 8), 1);
	lim.loss_pct = 0;
	assert_int_equal(status_warnings(&in, &lim, w, 8), 0);
}

static void
test_disk(void **state)
{
	(void)state;
	dk[0].avail = 100ull << 20;	/* 90% used: not above */
	assert_int_equal(status_warnings(&in, &lim, w, 8), 0);
	dk[0].avail = 99ull << 20;
	assert_int_equal(status_warnings(&in, &lim, w, 8), 1);
	assert_int_equal(w[0].kind, STATUSWARN_DISK);
	assert_string_equal(w[0].text,
	    "disk of core 90.1% full (99 MiB free, warn-disk 90%)");
	dk[0].name[0] = '\0';
	assert_int_equal(status_warnings(&in, &lim, w, 8), 1);
	assert_string_equal(w[0].subject, "(main)");
	dk[0].avail = dk[0].total + 1;	/* nonsense from statvfs: ignored */
	assert_int_equal(status_warnings(&in, &lim, w, 8), 0);
}

static void
test_drops(void **state)
{
	(void)state;
	in.drops_now = in.drops_before = 500;
	assert_int_equal(status_warnings(&in, &lim, w, 8), 0);
	in.drops_now = 512;
	in.drops_span_s = 240;
	assert_int_equal(status_warnings(&in, &lim, w, 8), 1);
	assert_int_equal(w[0].kind, STATUSWARN_DROPS);
	assert_non_null(strstr(w[0].text, "kernel dropped 12 datagrams in "
	    "the last 240 s"));
	lim.drops_min = 0;
	assert_int_equal(status_warnings(&in, &lim, w, 8), 0);
}

static void
test_clickhouse(void **state)
{
	struct statuswarn_chserver cs[2];

	(void)state;
	memset(cs, 0, sizeof(cs));
	strcpy(cs[0].name, "127.0.0.1:8123");
	strcpy(cs[1].name, "127.0.0.1:8124");
	strcpy(cs[1].last_error, "connection refused or reset");
	in.ch = cs;
	in.nch = 2;
	cs[1].down_s = 299;	/* 5 minutes is the limit */
	assert_int_equal(status_warnings(&in, &lim, w, 8), 0);
	cs[1].down_s = 300;
	assert_int_equal(status_warnings(&in, &lim, w, 8), 1);
	assert_int_equal(w[0].kind, STATUSWARN_CLICKHOUSE);
	assert_string_equal(w[0].subject, "127.0.0.1:8124");
	assert_string_equal(w[0].text, "ClickHouse 127.0.0.1:8124 down for 5 "
	    "min (connection refused or reset; warn-clickhouse 5)");
	cs[1].down_s = 0;
	in.ch_dropped_now = in.ch_dropped_before = 40;
	assert_int_equal(status_warnings(&in, &lim, w, 8), 0);
	in.ch_dropped_now = 70;
	in.ch_span_s = 120;
	assert_int_equal(status_warnings(&in, &lim, w, 8), 1);
	assert_non_null(strstr(w[0].text, "dropped 30 rows in the last 120 s"));
	assert_string_equal(statuswarn_kind_name(STATUSWARN_CLICKHOUSE),
	    "clickhouse");
	lim.ch_down_min = 0;
	cs[0].down_s = 100000;
	assert_int_equal(status_warnings(&in, &lim, w, 8), 0);
}

static void
test_room(void **state)
{
	(void)state;
	ex[0].silent_s = ex[1].silent_s = 3600;
	dk[0].avail = 0;
	in.drops_now = 1;
	assert_int_equal(status_warnings(&in, &lim, w, 2), 4);
	assert_int_equal(w[0].kind, STATUSWARN_SILENT);
	assert_int_equal(w[1].kind, STATUSWARN_SILENT);
	assert_string_equal(statuswarn_kind_name(STATUSWARN_DISK), "disk");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_quiet, setup),
		cmocka_unit_test_setup(test_silent, setup),
		cmocka_unit_test_setup(test_clickhouse, setup),
		cmocka_unit_test_setup(test_loss, setup),
		cmocka_unit_test_setup(test_disk, setup),
		cmocka_unit_test_setup(test_drops, setup),
		cmocka_unit_test_setup(test_room, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
