/*
 * idxq.c - the daemon's sidecar worker (see idxq.h).
 */
#define _GNU_SOURCE	/* strdup, gettid */

#include <sys/resource.h>

#include <sched.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "storage/colidx.h"

#include "idxq.h"
#include "log.h"

struct idxq {
	char		*dir;
	char		*root;		/* the tree; NULL: no pruning */
	time_t		 prune_at;	/* monotonic seconds */
	atomic_int	 cancel;	/* stop a prune: exiting */
	char		*ring[IDXQ_DEPTH];
	unsigned	 head, count;
	int		 busy, stop;
	struct idxq_stats st;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv_work, cv_idle;
	pthread_t	 thr;
	int		 tid;		/* the worker's thread id, 0 unknown */
};

/*
 * Run this thread only when a CPU is otherwise idle (Linux SCHED_IDLE;
 * elsewhere nice 19), so that receiving and compressing never wait for
 * a sidecar: on a busy 2-core machine a nice-10 worker still cost 10 %
 * of the flows at 150 k flows/s.
 */
static void
lower_priority(struct idxq *q)
{
#ifdef __linux__
	struct sched_param sp = { 0 };

	pthread_mutex_lock(&q->mu);
	q->tid = (int)gettid();
	pthread_mutex_unlock(&q->mu);
	if (sched_setscheduler(0, SCHED_IDLE, &sp) == 0)
		return;
#endif
	(void)setpriority(PRIO_PROCESS, 0, 19);
}

/* At exit the queue is drained while the daemon waits: normal priority
 * again, or that could take long on a busy machine. */
static void
restore_priority(struct idxq *q)
{
#ifdef __linux__
	struct sched_param sp = { 0 };

	if (q->tid != 0)
		(void)sched_setscheduler(q->tid, SCHED_OTHER, &sp);
#else
	(void)q;
#endif
}

static void
build_one(struct idxq *q, const char *path)
{
	char ip[PATH_MAX + 512], err[600];
	int64_t n = -1;

	if (colidx_path(ip, sizeof(ip), q->dir, path) == -1)
		snprintf(err, sizeof(err), "%s", strerror(errno));
	else
		n = colidx_build(path, ip, err, sizeof(err));
	pthread_mutex_lock(&q->mu);
	if (n < 0)
		q->st.failed++;
	else
		q->st.built++;
	pthread_mutex_unlock(&q->mu);
	if (n < 0)
		log_warnx("%s: no column index: %s", path, err);
	else
		log_debug("%s: column index of %lld flows", path,
		    (long long)n);
}

static time_t
mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Remove the sidecars of the tree's files that are gone. */
static void
prune(struct idxq *q)
{
	char abs[PATH_MAX], err[PATH_MAX + 64];
	struct colidx_pruned pr;

	if (realpath(q->root, abs) == NULL)
		return;
	if (colidx_prune(q->dir, abs, &q->cancel, &pr, err, sizeof(err)) ==
	    -1) {
		log_warnx("%s: pruning column index sidecars: %s", q->root,
		    err);
		return;
	}
	if (pr.removed > 0)
		log_info("%s: removed %llu column index sidecars (%llu bytes) "
		    "of flow files that are gone", q->root,
		    (unsigned long long)pr.removed,
		    (unsigned long long)pr.bytes);
	pthread_mutex_lock(&q->mu);
	q->st.pruned += pr.removed;
	pthread_mutex_unlock(&q->mu);
}

/* With the lock held and the queue empty: prune when it is time, else
 * wait for work until then. */
static void
idle(struct idxq *q)
{
	struct timespec ts;

	if (q->root != NULL && mono_s() >= q->prune_at) {
		pthread_mutex_unlock(&q->mu);
		prune(q);
		pthread_mutex_lock(&q->mu);
		q->prune_at = mono_s() + IDXQ_PRUNE_S;
		return;
	}
	if (q->root == NULL) {
		pthread_cond_wait(&q->cv_work, &q->mu);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += q->prune_at > mono_s() ? q->prune_at - mono_s() : 1;
	(void)pthread_cond_timedwait(&q->cv_work, &q->mu, &ts);
}

static void *
idxq_main(void *arg)
{
	struct idxq *q = arg;
	char *path;

	lower_priority(q);
	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (q->count == 0 && !q->stop)
			idle(q);
		if (q->count == 0)
			break;		/* stopped, and nothing left */
		path = q->ring[q->head];
		q->head = (q->head + 1) % IDXQ_DEPTH;
		q->count--;
		q->busy = 1;
		pthread_mutex_unlock(&q->mu);
		build_one(q, path);
		free(path);
		pthread_mutex_lock(&q->mu);
		q->busy = 0;
		if (q->count == 0)
			pthread_cond_broadcast(&q->cv_idle);
	}
	q->busy = 0;
	pthread_cond_broadcast(&q->cv_idle);
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* The queue's locks and strings, and the queue: once its thread is gone
 * (or was never started). */
static void
idxq_free(struct idxq *q)
{
	pthread_cond_destroy(&q->cv_idle);
	pthread_cond_destroy(&q->cv_work);
	pthread_mutex_destroy(&q->mu);
	free(q->root);
	free(q->dir);
	free(q);
}

struct idxq *
idxq_start(const char *index_dir, const char *root)
{
	struct idxq *q = calloc(1, sizeof(*q));
	pthread_condattr_t ca;

	if (q == NULL)
		return NULL;
	if ((q->dir = strdup(index_dir)) == NULL || (root != NULL &&
	    (q->root = strdup(root)) == NULL)) {
		free(q->dir);
		free(q);
		return NULL;
	}
	atomic_init(&q->cancel, 0);
	q->prune_at = mono_s();		/* once at start */
	pthread_mutex_init(&q->mu, NULL);
	pthread_condattr_init(&ca);
	(void)pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cv_work, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&q->cv_idle, NULL);
	if (pthread_create(&q->thr, NULL, idxq_main, q) != 0) {
		idxq_free(q);
		return NULL;
	}
	return q;
}

int
idxq_add(struct idxq *q, const char *path)
{
	char *p = NULL;
	int rc = -1;

	pthread_mutex_lock(&q->mu);
	if (q->count < IDXQ_DEPTH && (p = strdup(path)) != NULL) {
		q->ring[(q->head + q->count) % IDXQ_DEPTH] = p;
		q->count++;
		pthread_cond_signal(&q->cv_work);
		rc = 0;
	} else
		q->st.skipped++;
	pthread_mutex_unlock(&q->mu);
	return rc;
}

void
idxq_drain(struct idxq *q)
{
	pthread_mutex_lock(&q->mu);
	while (q->count > 0 || q->busy)
		pthread_cond_wait(&q->cv_idle, &q->mu);
	pthread_mutex_unlock(&q->mu);
}

void
idxq_stats(struct idxq *q, struct idxq_stats *out)
{
	pthread_mutex_lock(&q->mu);
	*out = q->st;
	pthread_mutex_unlock(&q->mu);
}

void
idxq_stop(struct idxq *q)
{
	if (q == NULL)
		return;
	pthread_mutex_lock(&q->mu);
	q->stop = 1;
	atomic_store(&q->cancel, 1);
	restore_priority(q);
	pthread_cond_broadcast(&q->cv_work);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->thr, NULL);
	while (q->count > 0) {
		free(q->ring[q->head]);
		q->head = (q->head + 1) % IDXQ_DEPTH;
		q->count--;
	}
	idxq_free(q);
}
