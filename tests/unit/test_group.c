/*
 * test_group.c - tracking group files: member specs from the command
 * line, the file read back as written, bad names, places, colours and
 * keys refused with the line named, duplicates and the member limit, a
 * title given twice, the palette, and the groups directory beside the
 * trackings.
 */
#define _GNU_SOURCE	/* open_memstream, fmemopen */

#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "src/group.h"

static void
test_member_spec(void **state)
{
	struct grp_member m;
	char err[256];

	(void)state;
	assert_int_equal(grp_member_parse("in-web", &m, err, sizeof(err)), 0);
	assert_string_equal(m.name, "in-web");
	assert_int_equal(m.below, 0);
	assert_int_equal(m.has_color, 0);
	assert_int_equal(grp_member_parse("out.web:below:#Ff0010", &m, err,
	    sizeof(err)), 0);
	assert_string_equal(m.name, "out.web");
	assert_int_equal(m.below, 1);
	assert_int_equal(m.has_color, 1);
	assert_int_equal(m.color, 0xff0010);
	assert_int_equal(grp_member_parse("x:#000001:above", &m, err,
	    sizeof(err)), 0);
	assert_int_equal(m.below, 0);
	assert_int_equal(m.color, 1);
	/* bad names, places and colours */
	assert_int_equal(grp_member_parse(".hidden", &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "letters, digits"));
	assert_int_equal(grp_member_parse("a/b", &m, err, sizeof(err)), -1);
	assert_int_equal(grp_member_parse(":below", &m, err, sizeof(err)), -1);
	assert_int_equal(grp_member_parse("", &m, err, sizeof(err)), -1);
	assert_int_equal(grp_member_parse("a:sideways", &m, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "\"sideways\""));
	assert_int_equal(grp_member_parse("a:#12345", &m, err, sizeof(err)),
	    -1);
	assert_int_equal(grp_member_parse("a:#12345g", &m, err, sizeof(err)),
	    -1);
	assert_int_equal(grp_member_parse("a:#-12345", &m, err, sizeof(err)),
	    -1);
}

static void
test_round_trip(void **state)
{
	struct grp g, back;
	struct grp_member m;
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	memset(&g, 0, sizeof(g));
	strcpy(g.title, "Web traffic, in and out");
	g.unit = 1;
	assert_int_equal(grp_member_parse("in-web", &m, err, sizeof(err)), 0);
	assert_int_equal(grp_member_add(&g, &m, err, sizeof(err)), 0);
	assert_int_equal(grp_member_parse("out-web:below:#00aa00", &m, err,
	    sizeof(err)), 0);
	assert_int_equal(grp_member_add(&g, &m, err, sizeof(err)), 0);
	assert_int_equal(grp_member_add(&g, &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "twice"));

	fp = open_memstream(&buf, &len);
	grp_write(fp, &g);
	fclose(fp);
	assert_string_equal(buf, "title Web traffic, in and out\n"
	    "unit packets\n"
	    "member in-web above\n"
	    "member out-web below #00aa00\n");
	fp = fmemopen(buf, len, "r");
	assert_int_equal(grp_read(fp, "g", &back, err, sizeof(err)), 0);
	fclose(fp);
	free(buf);
	assert_memory_equal(&g, &back, sizeof(g));
	assert_int_equal(grp_color(&back, 0), grp_palette(0));
	assert_int_equal(grp_color(&back, 1), 0x00aa00);
}

/* Parse text as a group file: the return code, err filled. */
static int
parse(const char *text, char *err, size_t errlen)
{
	struct grp g;
	FILE *fp = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
	int rc = grp_read(fp, "grp", &g, err, errlen);

	fclose(fp);
	return rc;
}

static void
test_bad_files(void **state)
{
	char err[512], big[4096];
	size_t k = 0;

	(void)state;
	assert_int_equal(parse("# only a comment\n\n", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "at least one member"));
	assert_int_equal(parse("member a\ncolour red\n", err, sizeof(err)),
	    -1);
	assert_string_equal(err, "grp:2: unknown key \"colour\" (title, unit, "
	    "member)");
	assert_int_equal(parse("member ../etc\n", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "grp:1: member:"));
	assert_int_equal(parse("member a up\n", err, sizeof(err)), -1);
	assert_int_equal(parse("member a\nmember a below\n", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "grp:2:"));
	assert_int_equal(parse("member a\nunit bytes\n", err, sizeof(err)),
	    -1);
	/* GRP_MAX members fit, one more does not */
	for (unsigned i = 0; i <= GRP_MAX; i++)
		k += (size_t)snprintf(big + k, sizeof(big) - k, "member t%u\n",
		    i);
	assert_int_equal(parse(big, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "at most 16"));
	*strstr(big, "member t16") = '\0';
	assert_int_equal(parse(big, err, sizeof(err)), 0);
	assert_int_equal(parse("  member a below  \r\n\tmember b\n", err,
	    sizeof(err)), 0);
}

/* Found by fuzz_group: a shorter second title left the end of the first
 * behind the string, so the group differed from its canonical form. */
static void
test_title_twice(void **state)
{
	struct grp g, want;
	char err[256];
	const char *a = "title a long first title\ntitle b\nmember x\n";
	const char *b = "title b\nmember x\n";
	FILE *fp;

	(void)state;
	fp = fmemopen((void *)(uintptr_t)a, strlen(a), "r");
	assert_int_equal(grp_read(fp, "a", &g, err, sizeof(err)), 0);
	fclose(fp);
	fp = fmemopen((void *)(uintptr_t)b, strlen(b), "r");
	assert_int_equal(grp_read(fp, "b", &want, err, sizeof(err)), 0);
	fclose(fp);
	assert_string_equal(g.title, "b");
	assert_memory_equal(&g, &want, sizeof(g));
}

static void
test_names_palette_dir(void **state)
{
	char buf[256];

	(void)state;
	assert_true(grp_name_ok("web-in_2.v6"));
	assert_false(grp_name_ok(""));
	assert_false(grp_name_ok(".archive"));
	assert_false(grp_name_ok("a b"));
	assert_false(grp_name_ok("x.new~"));
	for (unsigned i = 0; i < 10; i++)
		for (unsigned j = i + 1; j < 10; j++)
			assert_int_not_equal(grp_palette(i), grp_palette(j));
	assert_int_equal(grp_palette(10), grp_palette(0));
	grp_default_dir("var/trackings", buf, sizeof(buf));
	assert_string_equal(buf, "var/groups");
	grp_default_dir("/srv/fk/trackings//", buf, sizeof(buf));
	assert_string_equal(buf, "/srv/fk/groups");
	grp_default_dir("tracks", buf, sizeof(buf));
	assert_string_equal(buf, "groups");
	grp_default_dir("/tracks", buf, sizeof(buf));
	assert_string_equal(buf, "/groups");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_member_spec),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_title_twice),
		cmocka_unit_test(test_names_palette_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
