/*
 * cmdsel.c - the selection options of the listing commands (cmdsel.h):
 * argv in, messages on stderr; the work is in cmdsel_core.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "chsource.h"
#include "cmdsel.h"

static void
sel_warn(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "flowkeep: %s\n", msg);
}

static int
add_path(struct cmdsel *cs, const char *p)
{
	if (cmdsel_add_path(cs, p) == -1) {
		fprintf(stderr, "flowkeep: too many paths (at most %d)\n",
		    CMDSEL_MAX_PATHS);
		return -1;
	}
	return 0;
}

int
cmdsel_arg(struct cmdsel *cs, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *v;
	char *end;
	int rc;

	if (a[0] != '-' || strcmp(a, "-") == 0)
		return add_path(cs, a) == 0 ? 1 : -1;
	if (strcmp(a, "--tmp") == 0) {
		cs->so.include_tmp = 1;
		return 1;
	}
	if (strcmp(a, "--no-index") == 0) {
		cs->no_index = 1;
		return 1;
	}
#define VAL(name) ((rc = cmd_optval(argc, argv, i, name, &v)) != 0)
	if (VAL("--from")) {
		if (rc == -1)
			goto missing;
		cs->from = v;
		return 1;
	}
	if (VAL("--to")) {
		if (rc == -1)
			goto missing;
		cs->to = v;
		return 1;
	}
	if (VAL("--source")) {
		char err[512];

		if (rc == -1)
			goto missing;
		if (cmdsel_set_source(cs, v, err, sizeof(err)) == -1) {
			fprintf(stderr, "flowkeep: %s\n", err);
			return -1;
		}
		return 1;
	}
	if (VAL("--config")) {
		if (rc == -1)
			goto missing;
		cs->config = v;
		return 1;
	}
	if (VAL("--index-dir")) {
		if (rc == -1)
			goto missing;
		cs->index_dir = v;
		return 1;
	}
	if (VAL("--filter")) {
		if (rc == -1)
			goto missing;
		cs->filter_expr = v;
		return 1;
	}
	if (VAL("--device")) {
		if (rc == -1)
			goto missing;
		if (cs->ndevices >= sizeof(cs->devices) /
		    sizeof(cs->devices[0])) {
			fprintf(stderr, "flowkeep: too many --device\n");
			return -1;
		}
		cs->devices[cs->ndevices++] = v;
		return 1;
	}
	if (VAL("--rule")) {
		if (rc == -1)
			goto missing;
		if (strcmp(v, "any") == 0)
			cs->so.rule = SRC_ANY;
		else if (strcmp(v, "start") == 0)
			cs->so.rule = SRC_START;
		else if (strcmp(v, "end") == 0)
			cs->so.rule = SRC_END;
		else if (strcmp(v, "all") == 0)
			cs->so.rule = SRC_ALL;
		else {
			fprintf(stderr, "flowkeep: --rule: \"%s\" is not any, "
			    "start, end or all\n", v);
			return -1;
		}
		return 1;
	}
	if (VAL("--threads")) {
		unsigned long n;

		if (rc == -1)
			goto missing;
		n = strtoul(v, &end, 10);
		if (*v == '\0' || *end != '\0' || n > 64) {
			fprintf(stderr, "flowkeep: --threads: \"%s\" is not "
			    "0..64\n", v);
			return -1;
		}
		cs->so.threads = (unsigned)n;
		return 1;
	}
#undef VAL
	return 0;
missing:
	fprintf(stderr, "flowkeep: %s needs a value\n", a);
	return -1;
}

int
cmdsel_finish(struct cmdsel *cs)
{
	char err[1024];

	if (cmdsel_resolve(cs, err, sizeof(err)) == -1) {
		fprintf(stderr, "flowkeep: %s\n", err);
		return -1;
	}
	cs->so.warn = sel_warn;
	return 0;
}

struct src *
cmdsel_open(struct cmdsel *cs)
{
	char err[512];
	struct src *s;

	if ((s = cmdsel_open_err(cs, err, sizeof(err))) == NULL)
		fprintf(stderr, "flowkeep: %s\n", err);
	return s;
}
