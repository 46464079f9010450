/*
 * cmdsel_core.c - resolving and opening a selection (cmdsel.h): times,
 * configuration, device trees, filter.  Errors go into a message buffer,
 * so the CLI (cmdsel.c prints them) and the web pages share this.
 */
#define _GNU_SOURCE	/* strdup */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/colidx.h"

#include "chsource.h"
#include "cmdsel.h"
#include "config.h"
#include "timearg.h"

void
cmdsel_init(struct cmdsel *cs)
{
	memset(cs, 0, sizeof(*cs));
	cs->so.rule = SRC_ANY;
}

int
cmdsel_add_path(struct cmdsel *cs, const char *p)
{
	if (cs->npaths >= CMDSEL_MAX_PATHS)
		return -1;
	cs->paths[cs->npaths++] = p;
	return 0;
}

int
cmdsel_set_source(struct cmdsel *cs, const char *url, char *err,
    size_t errlen)
{
	struct chsrc_url u;

	if (chsrc_parse_url(url, &u, err, errlen) == -1)
		return -1;
	cs->source = url;
	return 0;
}

static int
add_checked(struct cmdsel *cs, const char *p, char *err, size_t errlen)
{
	if (cmdsel_add_path(cs, p) == 0)
		return 0;
	snprintf(err, errlen, "too many paths (at most %d)",
	    CMDSEL_MAX_PATHS);
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

/* c's index directory, `index-dir` or the one beside its state file
 * (malloc'ed), or NULL.  As the flowkeepd it configures writes them: a
 * sidecar is named after its file's path as seen from the real root,
 * also under `chroot` (whose paths are written that way too). */
static char *
index_of(const struct fk_config *c)
{
	size_t n = strlen(c->statefile) + sizeof(COLIDX_DIRNAME) + 2;
	char *p;

	if (c->index_dir[0] != '\0')
		return strdup(c->index_dir);
	if ((p = malloc(n)) != NULL && colidx_default_dir(p, n,
	    c->statefile) == -1) {
		free(p);
		p = NULL;
	}
	return p;
}

/* The data trees of the configuration, its rotation period and its
 * index directory. */
static int
data_trees(struct cmdsel *cs, char *err, size_t errlen)
{
	static struct fk_config own;
	const struct fk_config *c = cs->cfg;
	const char *p;
	char *ix;
	unsigned d, k;

	if (c == NULL) {
		config_defaults(&own);
		if (cs->config != NULL && config_parse_file(&own, cs->config,
		    err, errlen) == -1)
			return -1;
		c = &own;
	}
	if (cs->so.period_s == 0)
		cs->so.period_s = 86400u / (unsigned)(c->rotations + 1);
	if (cs->index_dir == NULL && !c->index_on)
		cs->no_index = 1;	/* `index off`: unless --index-dir */
	else if (cs->index_dir == NULL && cs->nowned < CMDSEL_MAX_PATHS &&
	    (ix = index_of(c)) != NULL)
		cs->index_dir = cs->owned[cs->nowned++] = ix;
	if (cs->ndevices == 0) {
		if ((p = root_path(cs, c->workdir, NULL)) == NULL)
			goto oom;
		return cs->npaths == 0 ? add_checked(cs, p, err, errlen) : 0;
	}
	for (k = 0; k < cs->ndevices; k++) {
		int all = strcmp(cs->devices[k], "all") == 0, found = 0;

		for (d = 0; d < c->ndevices; d++) {
			if (!all && strcmp(c->devices[d].name,
			    cs->devices[k]) != 0)
				continue;
			found = 1;
			if ((p = root_path(cs, c->workdir,
			    c->devices[d].workdir)) == NULL)
				goto oom;
			if (add_checked(cs, p, err, errlen) == -1)
				return -1;
		}
		if (!found && !all) {
			snprintf(err, errlen, "no device \"%s\" in %s",
			    cs->devices[k], cs->config != NULL ? cs->config :
			    cs->cfg != NULL ? "the configuration" :
			    "the default configuration");
			return -1;
		}
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

static int
times(struct cmdsel *cs, char *err, size_t errlen)
{
	char msg[512];
	uint64_t now = timearg_now_ms();

	if (cs->from != NULL && timearg_parse(cs->from, now, &cs->so.from_ms,
	    msg, sizeof(msg)) == -1) {
		snprintf(err, errlen, "--from: %s", msg);
		return -1;
	}
	if (cs->to != NULL && timearg_parse(cs->to, now, &cs->so.to_ms,
	    msg, sizeof(msg)) == -1) {
		snprintf(err, errlen, "--to: %s", msg);
		return -1;
	}
	if (cs->from != NULL && cs->to == NULL)
		cs->so.to_ms = now + 1;
	if (cs->to != NULL && cs->from == NULL && cs->so.to_ms == 0)
		cs->so.to_ms = 1;
	if (cs->so.to_ms != 0 && cs->so.to_ms <= cs->so.from_ms) {
		snprintf(err, errlen, "--to is not after --from");
		return -1;
	}
	return 0;
}

int
cmdsel_resolve(struct cmdsel *cs, char *err, size_t errlen)
{
	char msg[512];

	if (times(cs, err, errlen) == -1)
		return -1;
	if (cs->source != NULL) {
		if (cs->npaths > 0 || cs->ndevices > 0) {
			snprintf(err, errlen, "--source reads ClickHouse: no "
			    "files, directories or --device with it");
			return -1;
		}
		cs->so.ch_url = cs->source;
	} else if (cs->ndevices > 0 || cs->config != NULL || cs->cfg != NULL ||
	    (cs->npaths == 0 && (cs->from != NULL || cs->to != NULL))) {
		if (data_trees(cs, err, errlen) == -1)
			return -1;
	} else if (cs->npaths == 0)
		cmdsel_add_path(cs, "-");
	cs->so.index_dir = cs->no_index ? NULL : cs->index_dir != NULL ?
	    cs->index_dir : CMDSEL_INDEX_DIR;
	if (cs->filter_expr != NULL && (cs->filter = filter_compile(
	    cs->filter_expr, NULL, msg, sizeof(msg))) == NULL) {
		snprintf(err, errlen, "--filter: %s", msg);
		return -1;
	}
	return 0;
}

struct src *
cmdsel_open_err(struct cmdsel *cs, char *err, size_t errlen)
{
	cs->so.ch_filter = cs->filter;
	return src_open(cs->paths, cs->npaths, &cs->so, err, errlen);
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
