/*
 * test_layout.c - file names, nesting and rotation times against
 * flow-capture's (naming_layouts/layouts.txt: TZ=UTC, Asia/Kolkata,
 * America/New_York, -N -3..3).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "storage/ftfmt.h"
#include "storage/layout.h"

#define VEC	SHARED_DIR "/vectors/flow-tools"

static void
set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static const char *
base(const char *p)
{
	const char *s = strrchr(p, '/');

	return s != NULL ? s + 1 : p;
}

/* Check one case of layouts.txt. */
static void
check_case(const char *tz, int nest, const char *open, const char *fin,
    const char *dirs)
{
	char buf[LAYOUT_PATH_MAX], root[64], d[LAYOUT_PATH_MAX + 64], *tok;
	char *save = NULL, *dl;
	struct stat st;
	time_t t;
	int ver, n = 0;

	set_tz(tz);
	assert_int_equal(layout_parse_name(base(open), &t, &ver), LAYOUT_TMP);
	assert_int_equal(ver, 5);
	assert_int_equal(layout_path(buf, sizeof(buf), nest, 5, t,
	    LAYOUT_TMP), 0);
	if (strcmp(buf, open) != 0)
		fail_msg("TZ=%s -N %d: '%s', flow-capture '%s'", tz, nest, buf,
		    open);
	assert_int_equal(layout_path(buf, sizeof(buf), nest, 5, t,
	    LAYOUT_FINAL), 0);
	assert_string_equal(buf, fin);
	assert_int_equal(layout_final_name(buf, sizeof(buf), open), 0);
	assert_string_equal(buf, fin);
	/* the directories flow-capture created, and no others */
	strcpy(root, "/tmp/fk-layout-XXXXXX");
	assert_non_null(mkdtemp(root));
	assert_int_equal(layout_mkdirs(root, open), 0);
	assert_int_equal(layout_mkdirs(root, open), 0);	/* EEXIST ok */
	dl = strdup(dirs);
	for (tok = strtok_r(dl, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save), n++) {
		snprintf(d, sizeof(d), "%s/%s", root, tok);
		assert_int_equal(stat(d, &st), 0);
		assert_true(S_ISDIR(st.st_mode));
	}
	free(dl);
	assert_int_equal(layout_dir(buf, sizeof(buf), nest, t), 0);
	snprintf(d, sizeof(d), "rm -r '%s'", root);
	assert_int_equal(system(d), 0);
	assert_int_equal(n, nest == 0 ? 0 : abs(nest) == 3 ? 3 :
	    abs(nest));
}

static void
test_layouts_txt(void **state)
{
	char line[512], tz[64], open[256] = "", fin[256] = "";
	int nest = 0, cases = 0;
	FILE *fp;

	(void)state;
	fp = fopen(VEC "/naming_layouts/layouts.txt", "r");
	if (fp == NULL) {
		print_message("%s absent: skipping\n",
		    VEC "/naming_layouts/layouts.txt");
		skip();
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = 0;
		if (sscanf(line, "TZ=%63s -N %d", tz, &nest) == 2)
			continue;
		if (sscanf(line, "  while open: %255s", open) == 1)
			continue;
		if (sscanf(line, "  after SIGQUIT: %255s", fin) == 1)
			continue;
		if (strncmp(line, "  dirs:", 7) == 0) {
			check_case(tz, nest, open, fin, line + 7);
			cases++;
		}
	}
	fclose(fp);
	assert_int_equal(cases, 21);
	set_tz("UTC");
}

static time_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return timegm(&tm);
}

static void
test_names_by_hand(void **state)
{
	char buf[LAYOUT_PATH_MAX];
	time_t t = utc(2026, 11, 28, 3, 29, 53);
	time_t back;
	int ver;

	(void)state;
	set_tz("UTC");
	assert_int_equal(layout_path(buf, sizeof(buf), 0, 1005, t,
	    LAYOUT_FINAL), 0);
	assert_string_equal(buf, "ft-v1005.2026-11-28.032953+0000");
	assert_int_equal(layout_path(buf, sizeof(buf), 0, 1, t, LAYOUT_TMP),
	    0);
	assert_string_equal(buf, "tmp-v01.2026-11-28.032953+0000");
	assert_int_equal(layout_path(buf, sizeof(buf), 3, FT_VER_IP6, t,
	    LAYOUT_TMP6), 0);
	assert_string_equal(buf,
	    "2026/2026-11/2026-11-28/fk6tmp-v6000.2026-11-28.032953+0000");
	assert_int_equal(layout_final_name(buf, sizeof(buf),
	    "2026/ft-v05.2026-11-28.032953+0000"), -1);
	assert_int_equal(layout_final_name(buf, sizeof(buf),
	    "a/b/fk6tmp-v6000.2026-11-28.032953+0000"), 0);
	assert_string_equal(buf, "a/b/fk6-v6000.2026-11-28.032953+0000");
	assert_int_equal(layout_parse_name(base(buf), &back, &ver),
	    LAYOUT_FINAL6);
	assert_int_equal(back, t);
	assert_int_equal(ver, FT_VER_IP6);
	set_tz("Asia/Kolkata");
	assert_int_equal(layout_path(buf, sizeof(buf), -2, 5, t,
	    LAYOUT_FINAL), 0);
	assert_string_equal(buf,
	    "2026-11/2026-11-28/ft-v05.2026-11-28.085953+0530");
	assert_int_equal(layout_parse_name(base(buf), &back, &ver),
	    LAYOUT_FINAL);
	assert_int_equal(back, t);
	assert_int_equal(layout_path(buf, sizeof(buf), 4, 5, t,
	    LAYOUT_FINAL), -1);
	assert_int_equal(layout_path(buf, 20, 0, 5, t, LAYOUT_FINAL), -1);
	assert_int_equal(layout_parse_name("ft-v05.2026-11-28.085953", &back,
	    &ver), -1);
	assert_int_equal(layout_parse_name("ftx-v05.2026-11-28.085953+0530",
	    &back, &ver), -1);
	assert_int_equal(layout_parse_name("ft-v05.2026-11-28.085953+0530x",
	    &back, &ver), -1);
	assert_int_equal(layout_parse_name("ft-v08m01.2026-11-28."
	    "085953+0530", &back, &ver), LAYOUT_FINAL);
	assert_int_equal(ver, 8);
	set_tz("UTC");
}

static void
test_rotation(void **state)
{
	time_t mid;

	(void)state;
	set_tz("UTC");
	/* the rotation vector: file of 03:30:17 closes after 03:31:00 */
	assert_int_equal(layout_next_rotation(utc(2026, 11, 28, 3, 30, 17),
	    1439), utc(2026, 11, 28, 3, 31, 0));
	assert_int_equal(layout_next_rotation(utc(2026, 11, 28, 3, 30, 0),
	    1439), utc(2026, 11, 28, 3, 30, 0));
	assert_int_equal(layout_next_rotation(utc(2026, 11, 28, 3, 31, 1),
	    95), utc(2026, 11, 28, 3, 45, 0));
	assert_int_equal(layout_next_rotation(utc(2026, 11, 28, 3, 31, 1),
	    0), utc(2026, 11, 29, 0, 0, 0));
	/* k >= 1: at midnight itself the next one is a full interval on */
	mid = utc(2026, 11, 28, 0, 0, 0);
	assert_int_equal(layout_next_rotation(mid, 95), mid + 900);
	/* non-integer interval 86400/7 = 12342.857 s */
	assert_int_equal(layout_next_rotation(mid + 1, 6), mid + 12342);
	assert_int_equal(layout_next_rotation(mid + 12343, 6), mid + 24685);
	/* local midnight: 00:00 IST is 18:30 UTC the day before */
	set_tz("Asia/Kolkata");
	assert_int_equal(layout_next_rotation(utc(2026, 11, 28, 3, 29, 0),
	    3), utc(2026, 11, 28, 6, 30, 0));
	/* DST day: intervals keep stepping from local midnight (05:00 UTC) */
	set_tz("America/New_York");
	assert_int_equal(layout_next_rotation(utc(2026, 3, 8, 8, 30, 0), 23),
	    utc(2026, 3, 8, 9, 0, 0));
	set_tz("UTC");
}

static void
test_date_dirs(void **state)
{
	(void)state;
	assert_true(layout_is_date_dir("2026"));
	assert_true(layout_is_date_dir("2026-11"));
	assert_true(layout_is_date_dir("2026-11-28"));
	assert_false(layout_is_date_dir("edge"));
	assert_false(layout_is_date_dir("202"));
	assert_false(layout_is_date_dir("2026-1"));
	assert_false(layout_is_date_dir("2026_11"));
	assert_false(layout_is_date_dir("2026-11-28x"));
	assert_false(layout_is_date_dir(""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layouts_txt),
		cmocka_unit_test(test_names_by_hand),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_date_dirs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
