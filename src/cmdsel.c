/*
 * cmdsel.c - the selection options of the listing commands (cmdsel.h).
 */
#define _GNU_SOURCE	/* strdup */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmdsel.h"
#include "config.h"
#include "timearg.h"

void
cmdsel_init(struct cmdsel *cs)
{
	memset(cs, 0, sizeof(*cs));
	cs->so.rule = SRC_ANY;
}

static void
sel_warn(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "flowkeep: %s\n", msg);
}

static int
add_path(struct cmdsel *cs, const char *p)
{
	if (cs->npaths >= CMDSEL_MAX_PATHS) {
		fprintf(stderr, "flowkeep: too many paths (at most %d)\n",
		    CMDSEL_MAX_PATHS);
		return -1;
	}
	cs->paths[cs->npaths++] = p;
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
	if (VAL("--config")) {
		if (rc == -1)
			goto missing;
		cs->config = v;
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

/* dir joined to the main workdir unless absolute; owned by cs. */
static const char *
root_path(struct cmdsel *cs, const char *main, const char *dir)
{
	size_t n;
	char *p;

	if (cs->nowned >= CMDSEL_MAX_PATHS)
		return NULL;
	if (dir == NULL || dir[0] == '/')
		p = strdup(dir != NULL ? dir : main);
	else {
		n = strlen(main) + strlen(dir) + 2;
		if ((p = malloc(n)) != NULL)
			snprintf(p, n, "%s/%s", main, dir);
	}
	if (p != NULL)
		cs->owned[cs->nowned++] = p;
	return p;
}

static int
data_trees(struct cmdsel *cs)
{
	static struct fk_config c;
	char err[1024];
	const char *p;
	unsigned d, k;

	config_defaults(&c);
	if (cs->config != NULL &&
	    config_parse_file(&c, cs->config, err, sizeof(err)) == -1) {
		fprintf(stderr, "flowkeep: %s\n", err);
		return -1;
	}
	if (cs->so.period_s == 0)
		cs->so.period_s = 86400u / (unsigned)(c.rotations + 1);
	if (cs->ndevices == 0) {
		if ((p = root_path(cs, c.workdir, NULL)) == NULL)
			goto oom;
		return cs->npaths == 0 ? add_path(cs, p) : 0;
	}
	for (k = 0; k < cs->ndevices; k++) {
		int all = strcmp(cs->devices[k], "all") == 0, found = 0;

		for (d = 0; d < c.ndevices; d++) {
			if (!all && strcmp(c.devices[d].name,
			    cs->devices[k]) != 0)
				continue;
			found = 1;
			if ((p = root_path(cs, c.workdir,
			    c.devices[d].workdir)) == NULL)
				goto oom;
			if (add_path(cs, p) == -1)
				return -1;
		}
		if (!found && !all) {
			fprintf(stderr, "flowkeep: no device \"%s\" in %s\n",
			    cs->devices[k], cs->config != NULL ? cs->config :
			    "the default configuration");
			return -1;
		}
	}
	return 0;
oom:
	fprintf(stderr, "flowkeep: out of memory\n");
	return -1;
}

int
cmdsel_finish(struct cmdsel *cs)
{
	char err[512];
	uint64_t now = timearg_now_ms();

	if (cs->from != NULL && timearg_parse(cs->from, now, &cs->so.from_ms,
	    err, sizeof(err)) == -1) {
		fprintf(stderr, "flowkeep: --from: %s\n", err);
		return -1;
	}
	if (cs->to != NULL && timearg_parse(cs->to, now, &cs->so.to_ms,
	    err, sizeof(err)) == -1) {
		fprintf(stderr, "flowkeep: --to: %s\n", err);
		return -1;
	}
	if (cs->from != NULL && cs->to == NULL)
		cs->so.to_ms = now + 1;
	if (cs->to != NULL && cs->from == NULL && cs->so.to_ms == 0)
		cs->so.to_ms = 1;
	if (cs->so.to_ms != 0 && cs->so.to_ms <= cs->so.from_ms) {
		fprintf(stderr, "flowkeep: --to is not after --from\n");
		return -1;
	}
	if (cs->ndevices > 0 || cs->config != NULL || (cs->npaths == 0 &&
	    (cs->from != NULL || cs->to != NULL))) {
		if (data_trees(cs) == -1)
			return -1;
	} else if (cs->npaths == 0)
		add_path(cs, "-");
	if (cs->filter_expr != NULL && (cs->filter = filter_compile(
	    cs->filter_expr, NULL, err, sizeof(err))) == NULL) {
		fprintf(stderr, "flowkeep: --filter: %s\n", err);
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

	if ((s = src_open(cs->paths, cs->npaths, &cs->so, err,
	    sizeof(err))) == NULL)
		fprintf(stderr, "flowkeep: %s\n", err);
	return s;
}

void
cmdsel_free(struct cmdsel *cs)
{
	for (unsigned i = 0; i < cs->nowned; i++)
		free(cs->owned[i]);
	cs->nowned = 0;
	filter_free(cs->filter);
	cs->filter = NULL;
}
