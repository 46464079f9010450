/*
 * idxq.h - column index sidecars (storage/colidx.h) for the files the
 * daemon closes, built on a worker thread that runs only when a CPU is
 * otherwise idle (Linux SCHED_IDLE; normal priority again while the queue
 * is drained at exit), so that neither the UDP loop nor the file writer
 * waits for them.
 *
 * The worker reads each closed file back (as `flowkeep index` does: the
 * sidecar must give exactly what reading the file gives) and writes its
 * sidecar below the index directory.  The queue holds IDXQ_DEPTH paths;
 * a file closed while it is full gets no sidecar (counted; `flowkeep
 * index` can make it later).  A failure is logged and counted; the flow
 * file is never touched.
 *
 * When the queue is empty, the worker also removes the sidecars below the
 * index directory of flow files of its tree that no longer exist
 * (colidx_prune(): deleted by hand or by another program's expiry), once
 * at start and then every IDXQ_PRUNE_S seconds.
 */
#ifndef FLOWKEEP_IDXQ_H
#define FLOWKEEP_IDXQ_H

#include <stdint.h>

#define IDXQ_DEPTH	64
#define IDXQ_PRUNE_S	3600

struct idxq;

/* Start the worker for sidecars below index_dir of the files of the tree
 * root (whose orphans it prunes; NULL: none).  NULL on error. */
struct idxq *idxq_start(const char *index_dir, const char *root);

/* Queue the closed flow file at path (copied).  0, or -1 when the queue
 * is full or out of memory (the file is skipped). */
int idxq_add(struct idxq *q, const char *path);

/* Wait until the queue is empty and the worker idle. */
void idxq_drain(struct idxq *q);

struct idxq_stats {
	uint64_t	built, failed, skipped;
	uint64_t	pruned;		/* orphan sidecars removed */
};
void idxq_stats(struct idxq *q, struct idxq_stats *out);

/* Index what is queued (at most IDXQ_DEPTH files), join, free.  NULL
 * is fine. */
void idxq_stop(struct idxq *q);

#endif /* FLOWKEEP_IDXQ_H */
