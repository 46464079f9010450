/*
 * cmd_index.c - `flowkeep index`: build column index sidecars
 * (storage/colidx.h, doc/column-index.md) for closed flow files, e.g. an
 * archive written by flow-capture before flowkeep ran.
 *
 *   flowkeep index [FILE|DIR]... [--from T] [--to T] [--device NAME]
 *       [--config FILE] [--index-dir DIR] [--threads N] [--force] [-v]
 *
 * Files are chosen as every listing command chooses them (cmdsel.h; the
 * open tmp- files never get one).  A file whose sidecar is already valid
 * is left alone unless --force.  Files are indexed on --threads threads
 * (default one per CPU).  Exit 0 when every file has a valid sidecar at
 * the end, 1 when one could not be indexed (each named on stderr).
 *
 *   flowkeep index --prune [--config FILE] [--index-dir DIR]
 *
 * removes the sidecars of the index directory whose flow file no longer
 * exists (colidx_prune()) and says how many and how many bytes.
 */
#define _GNU_SOURCE	/* PATH_MAX */

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cmdsel.h"
#include "storage/colidx.h"
#include "storage/layout.h"

struct ixjob {
	struct src	*s;
	const char	*dir;
	int		 force, verbose;
	unsigned	 next;
	unsigned	 built, kept, failed;
	uint64_t	 flows;
	pthread_mutex_t	 mu;
};

/* Index file i: 1 built, 0 already valid, -1 failed (message printed). */
static int
index_one(struct ixjob *j, const char *path, int64_t *n)
{
	char ip[PATH_MAX + 512], err[600];
	struct colidx_stamp st;
	struct colidx *x;
	const char *base = strrchr(path, '/');
	int kind = layout_parse_name(base != NULL ? base + 1 : path, NULL,
	    NULL);

	if (kind == LAYOUT_TMP || kind == LAYOUT_TMP6)
		return 0;
	if (colidx_stamp_of(path, &st) == -1 ||
	    colidx_path(ip, sizeof(ip), j->dir, path) == -1) {
		fprintf(stderr, "flowkeep: index: %s: cannot be read\n", path);
		return -1;
	}
	if (!j->force && colidx_open(ip, &st, COLIDX_BIT(COLIDX_FIELDS), &x,
	    err, sizeof(err)) == COLIDX_OK) {
		colidx_close(x);
		return 0;
	}
	if ((*n = colidx_build(path, ip, err, sizeof(err))) < 0) {
		fprintf(stderr, "flowkeep: index: %s: %s\n", path, err);
		return -1;
	}
	if (j->verbose)
		printf("%s: %lld flows -> %s\n", path, (long long)*n, ip);
	return 1;
}

static void *
ix_worker(void *arg)
{
	struct ixjob *j = arg;
	const char *path;
	int64_t n;
	int rc;

	for (;;) {
		pthread_mutex_lock(&j->mu);
		path = src_selected(j->s, j->next);
		j->next++;
		pthread_mutex_unlock(&j->mu);
		if (path == NULL)
			return NULL;
		n = 0;
		rc = index_one(j, path, &n);
		pthread_mutex_lock(&j->mu);
		if (rc == 1) {
			j->built++;
			j->flows += (uint64_t)n;
		} else if (rc == 0)
			j->kept++;
		else
			j->failed++;
		pthread_mutex_unlock(&j->mu);
	}
}

static int
run(struct ixjob *j, unsigned nthr)
{
	pthread_t thr[SRC_MAXTHR];
	unsigned k, started = 0;

	if (nthr == 0) {
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

		nthr = ncpu > 0 ? (unsigned)ncpu : 1;
	}
	nthr = nthr > SRC_MAXTHR ? SRC_MAXTHR : nthr;
	for (k = 0; k < nthr; k++)
		if (pthread_create(&thr[k], NULL, ix_worker, j) == 0)
			started++;
	if (started == 0)
		ix_worker(j);
	for (k = 0; k < started; k++)
		pthread_join(thr[k], NULL);
	return 0;
}

/* --prune: the whole index directory of the selection options. */
static int
prune(struct cmdsel *cs)
{
	struct colidx_pruned pr;
	char err[1024];

	if (cs->npaths > 0 || cs->from != NULL || cs->to != NULL ||
	    cs->ndevices > 0 || cs->source != NULL)
		return cmd_usage("index");
	cs->so.list_only = 1;
	if (cmdsel_resolve(cs, err, sizeof(err)) == -1) {
		fprintf(stderr, "flowkeep: index: %s\n", err);
		return 2;
	}
	if (cs->so.index_dir == NULL) {
		fprintf(stderr, "flowkeep: index: %s has \"index off\": no "
		    "index directory (give --index-dir)\n", cs->config != NULL ?
		    cs->config : "the configuration");
		return 2;
	}
	if (colidx_prune(cs->so.index_dir, "/", NULL, &pr, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "flowkeep: index: --prune: %s\n", err);
		return 1;
	}
	printf("%s: %llu sidecars of deleted flow files removed (%llu bytes), "
	    "%llu kept\n", cs->so.index_dir,
	    (unsigned long long)pr.removed, (unsigned long long)pr.bytes,
	    (unsigned long long)pr.kept);
	return fflush(stdout) == 0 ? 0 : 1;
}

int
cmd_index(int argc, char **argv)
{
	struct cmdsel cs;
	struct ixjob j;
	char err[1024];
	int i, rc, prune_only = 0;

	memset(&j, 0, sizeof(j));
	cmdsel_init(&cs);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0)
			j.force = 1;
		else if (strcmp(argv[i], "--prune") == 0)
			prune_only = 1;
		else if (strcmp(argv[i], "-v") == 0)
			j.verbose = 1;
		else if (strcmp(argv[i], "-") == 0 ||
		    strcmp(argv[i], "--tmp") == 0 ||
		    strcmp(argv[i], "--no-index") == 0 ||
		    strcmp(argv[i], "--filter") == 0 ||
		    (rc = cmdsel_arg(&cs, argc, argv, &i)) == 0) {
			cmdsel_free(&cs);
			return cmd_usage("index");
		} else if (rc == -1) {
			cmdsel_free(&cs);
			return 2;
		}
	}
	if (prune_only) {
		rc = j.force || j.verbose ? cmd_usage("index") : prune(&cs);
		cmdsel_free(&cs);
		return rc;
	}
	if (cs.npaths == 0 && cs.from == NULL && cs.to == NULL &&
	    cs.ndevices == 0 && cs.config == NULL) {
		cmdsel_free(&cs);
		return cmd_usage("index");
	}
	cs.so.list_only = 1;
	if (cmdsel_finish(&cs) == -1) {
		cmdsel_free(&cs);
		return 2;
	}
	if ((j.s = cmdsel_open_err(&cs, err, sizeof(err))) == NULL) {
		fprintf(stderr, "flowkeep: index: %s\n", err);
		cmdsel_free(&cs);
		return 1;
	}
	if ((j.dir = cs.so.index_dir) == NULL) {
		fprintf(stderr, "flowkeep: index: %s has \"index off\": no "
		    "index directory (give --index-dir)\n", cs.config != NULL ?
		    cs.config : "the configuration");
		src_close(j.s);
		cmdsel_free(&cs);
		return 2;
	}
	pthread_mutex_init(&j.mu, NULL);
	run(&j, cs.so.threads);
	pthread_mutex_destroy(&j.mu);
	printf("%u files indexed (%llu flows), %u up to date, %u failed\n",
	    j.built, (unsigned long long)j.flows, j.kept, j.failed);
	src_close(j.s);
	cmdsel_free(&cs);
	return fflush(stdout) == 0 && j.failed == 0 ? 0 : 1;
}
