/*
 * test_ctlproto.c - control request lines: format -> parse round trip for
 * every command, and the strict parser's refusals.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "src/ctlproto.h"

static const struct {
	enum ctl_cmd	 cmd;
	const char	*line;
} known[] = {
	{ CTL_STATUS,		"FLOWKEEP/1 status\n" },
	{ CTL_STATUS_JSON,	"FLOWKEEP/1 status-json\n" },
	{ CTL_ROTATE,		"FLOWKEEP/1 rotate\n" },
	{ CTL_RELOAD,		"FLOWKEEP/1 reload\n" },
	{ CTL_VERSION_CMD,	"FLOWKEEP/1 version\n" },
};

#define NKNOWN	(sizeof(known) / sizeof(known[0]))

static void
test_round_trip(void **state)
{
	struct ctl_request req;
	char buf[CTL_LINE_MAX], err[128];

	for (size_t i = 0; i < NKNOWN; i++) {
		int n = ctl_format_request(buf, sizeof(buf), known[i].cmd);

		assert_int_equal(n, (int)strlen(known[i].line));
		assert_string_equal(buf, known[i].line);
		assert_int_equal(ctl_parse_request(buf, (size_t)n, &req, err,
		    sizeof(err)), 0);
		assert_int_equal(req.cmd, known[i].cmd);
		assert_int_equal(req.argc, 0);
		/* without the newline too */
		assert_int_equal(ctl_parse_request(buf, (size_t)n - 1, &req,
		    err, sizeof(err)), 0);
		assert_int_equal(req.cmd, known[i].cmd);
	}
}

static void
test_names(void **state)
{
	assert_string_equal(ctl_cmd_name(CTL_STATUS), "status");
	assert_string_equal(ctl_cmd_name(CTL_STATUS_JSON), "status-json");
	assert_string_equal(ctl_cmd_name(CTL_VERSION_CMD), "version");
	assert_null(ctl_cmd_name((enum ctl_cmd)0));
	assert_null(ctl_cmd_name((enum ctl_cmd)99));
}

static void
test_format_limits(void **state)
{
	char buf[64];

	assert_int_equal(ctl_format_request(buf, sizeof(buf),
	    (enum ctl_cmd)42), -1);
	/* "FLOWKEEP/1 status\n" is 18 bytes and needs 19 with the NUL */
	assert_int_equal(ctl_format_request(buf, 18, CTL_STATUS), -1);
	assert_int_equal(ctl_format_request(buf, 19, CTL_STATUS), 18);
	assert_int_equal(ctl_format_request(buf, 0, CTL_STATUS), -1);
}

static void
expect_reject(const char *line, size_t len, const char *msg)
{
	struct ctl_request req;
	char err[128] = "";

	if (ctl_parse_request(line, len, &req, err, sizeof(err)) != -1)
		fail_msg("accepted: \"%.*s\"", (int)len, line);
	assert_string_equal(err, msg);
}

#define REJECT(s, msg)	expect_reject((s), sizeof(s) - 1, (msg))

static void
test_rejects(void **state)
{
	char big[CTL_LINE_MAX + 8];

	REJECT("", "empty request");
	REJECT("\n", "empty request");
	REJECT("FLOWKEEP/1", "not a FLOWKEEP/1 request");
	REJECT("FLOWKEEP/1 ", "request has stray spaces");
	REJECT("FLOWKEEP/2 status", "not a FLOWKEEP/1 request");
	REJECT("flowkeep/1 status", "not a FLOWKEEP/1 request");
	REJECT("FLOWKEEP/10 status", "not a FLOWKEEP/1 request");
	REJECT("FLOWKEEP/1  status", "request has stray spaces");
	REJECT(" FLOWKEEP/1 status", "request has stray spaces");
	REJECT("FLOWKEEP/1 status ", "request has stray spaces");
	REJECT("FLOWKEEP/1 status\n\n",
	    "request holds a control or non-ASCII byte");
	REJECT("FLOWKEEP/1 status\r\n",
	    "request holds a control or non-ASCII byte");
	REJECT("FLOWKEEP/1 sta\0tus", "request holds a control or non-ASCII "
	    "byte");
	REJECT("FLOWKEEP/1 stat\xc3\xa9", "request holds a control or "
	    "non-ASCII byte");
	REJECT("FLOWKEEP/1\tstatus", "request holds a control or non-ASCII "
	    "byte");
	REJECT("FLOWKEEP/1 STATUS", "unknown command");
	REJECT("FLOWKEEP/1 statu", "unknown command");
	REJECT("FLOWKEEP/1 statuses", "unknown command");
	REJECT("FLOWKEEP/1 status x", "too many arguments");
	REJECT("FLOWKEEP/1 rotate a b c d e f g h i", "too many arguments");
	REJECT("FLOWKEEP/1 rotate aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "argument too long");
	memset(big, 'a', sizeof(big));
	memcpy(big, "FLOWKEEP/1 status ", 18);
	expect_reject(big, CTL_LINE_MAX, "request too long");
	expect_reject(big, sizeof(big), "request too long");
}

/* The parser reads only len bytes: the rest of the buffer is not looked at
 * and no NUL is needed. */
static void
test_bounded(void **state)
{
	struct ctl_request req;
	char buf[32], err[64];

	memcpy(buf, "FLOWKEEP/1 statusXXXXXXXXXXXXXXX", 32);
	assert_int_equal(ctl_parse_request(buf, 17, &req, err, sizeof(err)),
	    0);
	assert_int_equal(req.cmd, CTL_STATUS);
	assert_int_equal(ctl_parse_request(buf, 18, &req, err, sizeof(err)),
	    -1);
	/* no room for a message is fine */
	assert_int_equal(ctl_parse_request(buf, 18, &req, NULL, 0), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_format_limits),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
