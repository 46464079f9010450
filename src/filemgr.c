/*
 * filemgr.c - one tree of flow files, flow-capture's file behaviour (see
 * filemgr.h).
 *
 * Uncompressed, or compressed with a zpar pool running (the default), the
 * main thread writes records straight into the open file's buffer and the
 * pool deflates full buffers.  Compressed without a pool
 * (--compress-threads 0, flow-capture's exact compressed bytes), a writer
 * thread per tree (struct wq) runs ftw_write on chunks of records; the main
 * thread opens and closes files only after draining that queue, so a
 * struct ftw is never used by two threads at once.
 */
#define _GNU_SOURCE

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "storage/expire.h"
#include "storage/ftconv.h"
#include "storage/ftwriter.h"
#include "storage/layout.h"
#include "storage/zpar.h"

#include "filemgr.h"
#include "idxq.h"
#include "log.h"
#include "util.h"

#define WQ_DEPTH	32		/* chunks queued for the writer */
#define CHUNK_RECS	1024		/* ftrec per chunk */

/* The writer thread's queue of record chunks. */
struct wq_item {
	struct ftw	*w;
	struct ftrec	*recs;
	unsigned	 n;
};

struct wq {
	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv_work;
	pthread_cond_t	 cv_space;
	pthread_cond_t	 cv_idle;
	struct wq_item	 ring[WQ_DEPTH];
	unsigned	 head, count;
	int		 busy, stop, started;
	int		 err;
	char		 errmsg[256];
};

/* One open file (the IPv4 file or its IPv6 sibling). */
struct fm_file {
	struct ftw	*w;
	int		 ver;
	char		 rel[LAYOUT_PATH_MAX];	/* tmp name, relative */
	uint32_t	 cap_start;
	uint64_t	 nrec;
	struct ftrec	*chunk;			/* compressed mode only */
	unsigned	 chunk_n;
	int		 failed;		/* write error logged */
};

struct filemgr {
	struct filemgr_opts	 o;
	char			 name[64];
	char			 root[1024];
	char			 hostname[128];
	char			 comment[256];
	char			 prog[1024];
	int			 ver;		/* v4 file version, 0 unknown */
	int			 have_hostname;
	time_t			 next_rot;
	struct fm_file		 f4, f6;
	struct ft_counters	 cnt;		/* for the current/next file */
	struct ftconv_stats	 conv;
	struct expire		*exp;
	struct wq		 wq;
	uint64_t		 files_closed;
	uint64_t		 disk_bytes;
	int			 direct;	/* ftw_write on this thread */
	uint64_t		 last_flush_ms;
	struct filemgr_faults	 ft;		/* see filemgr.h */
	int			 open_failing;	/* logged, retry later */
	uint64_t		 open_retry_ms;
	char			 index_dir[2 * 1024 + 16];
	struct idxq		*idxq;		/* sidecar worker or NULL */
};

/* ------------------------------------------------------------ writer */

static void *
wq_main(void *arg)
{
	struct wq	*q = arg;
	struct wq_item	 it;
	char		 err[256];
	int		 rc;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (q->count == 0 && !q->stop)
			pthread_cond_wait(&q->cv_work, &q->mu);
		if (q->count == 0)
			break;
		it = q->ring[q->head];
		q->head = (q->head + 1) % WQ_DEPTH;
		q->count--;
		q->busy = 1;
		pthread_cond_signal(&q->cv_space);
		pthread_mutex_unlock(&q->mu);
		rc = ftw_write(it.w, it.recs, it.n);
		if (rc < 0)
			snprintf(err, sizeof(err), "%s", strerror(errno));
		free(it.recs);
		pthread_mutex_lock(&q->mu);
		q->busy = 0;
		if (rc < 0 && !q->err) {
			q->err = 1;
			memcpy(q->errmsg, err, sizeof(err));
		}
		if (q->count == 0)
			pthread_cond_broadcast(&q->cv_idle);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

static int
wq_start(struct wq *q)
{
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv_work, NULL);
	pthread_cond_init(&q->cv_space, NULL);
	pthread_cond_init(&q->cv_idle, NULL);
	if (pthread_create(&q->th, NULL, wq_main, q) != 0)
		return -1;
	q->started = 1;
	return 0;
}

static void
wq_submit(struct wq *q, struct ftw *w, struct ftrec *recs, unsigned n)
{
	pthread_mutex_lock(&q->mu);
	while (q->count == WQ_DEPTH)
		pthread_cond_wait(&q->cv_space, &q->mu);
	q->ring[(q->head + q->count) % WQ_DEPTH] =
	    (struct wq_item){ .w = w, .recs = recs, .n = n };
	q->count++;
	pthread_cond_signal(&q->cv_work);
	pthread_mutex_unlock(&q->mu);
}

/* Wait until the writer has written everything queued; returns and clears
 * the error flag. */
static int
wq_drain(struct wq *q, char *err, size_t errlen)
{
	int	rc;

	if (!q->started)
		return 0;
	pthread_mutex_lock(&q->mu);
	while (q->count > 0 || q->busy)
		pthread_cond_wait(&q->cv_idle, &q->mu);
	rc = q->err ? -1 : 0;
	if (q->err)
		util_strlcpy(err, q->errmsg, errlen);
	q->err = 0;
	pthread_mutex_unlock(&q->mu);
	return rc;
}

static void
wq_stop(struct wq *q)
{
	if (!q->started)
		return;
	pthread_mutex_lock(&q->mu);
	q->stop = 1;
	pthread_cond_signal(&q->cv_work);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->th, NULL);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv_work);
	pthread_cond_destroy(&q->cv_space);
	pthread_cond_destroy(&q->cv_idle);
	q->started = 0;
}

/* ------------------------------------------------------------ setup */

struct filemgr *
filemgr_new(const struct filemgr_opts *o)
{
	struct filemgr	*fm;

	if ((fm = calloc(1, sizeof(*fm))) == NULL)
		return NULL;
	fm->o = *o;
	util_strlcpy(fm->name, o->name != NULL ? o->name : "",
	    sizeof(fm->name));
	util_strlcpy(fm->root, o->root, sizeof(fm->root));
	if (o->hostname != NULL && o->hostname[0] != '\0') {
		util_strlcpy(fm->hostname, o->hostname, sizeof(fm->hostname));
		fm->have_hostname = 1;
	}
	if (o->comment != NULL)
		util_strlcpy(fm->comment, o->comment, sizeof(fm->comment));
	if (o->rotate_prog != NULL)
		util_strlcpy(fm->prog, o->rotate_prog, sizeof(fm->prog));
	fm->o.name = fm->name;
	fm->o.root = fm->root;
	fm->ver = o->version;
	fm->direct = o->zlevel <= 0 || zpar_pool_threads() > 0;
	if (!fm->direct && wq_start(&fm->wq) != 0) {
		free(fm);
		return NULL;
	}
	fm->o.index_dir = NULL;
	if (o->index_dir != NULL && o->index_dir[0] != '\0') {
		util_strlcpy(fm->index_dir, o->index_dir,
		    sizeof(fm->index_dir));
		fm->o.index_dir = fm->index_dir;
		if ((fm->idxq = idxq_start(fm->index_dir,
		    o->dry_run ? NULL : fm->root)) == NULL)
			log_warnx("%s: no column index worker",
			    fm->root);
	}
	return fm;
}

static void
fm_full_path(const struct filemgr *fm, const char *rel, char *buf,
    size_t len)
{
	snprintf(buf, len, "%s/%s", fm->root, rel);
}

/* nftw has no user argument; start-up is single threaded. */
static struct filemgr	*walk_fm;

static int
walk_cb(const char *path, const struct stat *st, int type, struct FTW *f)
{
	const char	*base = path + f->base;
	char		 final[PATH_MAX], err[256];
	struct stat	 s2;
	long		 n;

	if (type == FTW_D && f->level > 0 && !layout_is_date_dir(base))
		return FTW_SKIP_SUBTREE;	/* e.g. a device tree */
	if (type != FTW_F)
		return 0;
	if (strncmp(base, "tmp-", 4) != 0 && strncmp(base, "fk6tmp-", 7) != 0) {
		if (strncmp(base, "ft-", 3) == 0 ||
		    strncmp(base, "fk6-", 4) == 0)
			walk_fm->disk_bytes += (uint64_t)st->st_size;
		return 0;
	}
	if (layout_final_name(final, sizeof(final), path) != 0) {
		log_warnx("stale %s: cannot name its final file", path);
		return 0;
	}
	n = ftw_repair(path, final, (uint32_t)st->st_mtime, err, sizeof(err));
	if (n < 0) {
		log_warnx("stale %s: repair failed: %s", path, err);
		walk_fm->ft.recover_failed++;
		return 0;
	}
	log_info("repaired stale %s -> %s (%ld flows)", path, final, n);
	walk_fm->ft.files_recovered++;
	walk_fm->ft.flows_recovered += (uint64_t)n;
	if (stat(final, &s2) == 0)
		walk_fm->disk_bytes += (uint64_t)s2.st_size;
	return 0;
}

static void
fm_expire_cb(void *arg, const char *path, int why)
{
	struct filemgr	*fm = arg;

	log_info("%sremove/%d %s", fm->o.dry_run ? "(dry run) " : "", why,
	    path);
}

static void
fm_run_expiry(struct filemgr *fm)
{
	if (fm->exp == NULL)
		return;
	expire_run(fm->exp, 0, fm_expire_cb, fm);
}

static int fm_open_file(struct filemgr *, struct fm_file *, int,
    uint64_t);

/* mkdir -p for the root of the tree (absolute or relative). */
static int
fm_mkdir_p(const char *dir)
{
	char	buf[PATH_MAX], *p;

	if (util_strlcpy(buf, dir, sizeof(buf)) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0755) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

int
filemgr_start(struct filemgr *fm, uint64_t now_ms)
{
	if (fm_mkdir_p(fm->root) != 0) {
		log_warn("%s", fm->root);
		return -1;
	}
	walk_fm = fm;
	if (nftw(fm->root, walk_cb, 16, FTW_PHYS | FTW_ACTIONRETVAL) != 0)
		log_warn("scanning %s", fm->root);
	walk_fm = NULL;
	if (fm->o.expire_files > 0 || fm->o.expire_bytes > 0) {
		fm->exp = expire_new(fm->root, fm->o.expire_files,
		    fm->o.expire_bytes, fm->o.dry_run);
		if (fm->exp != NULL && fm->o.index_dir != NULL &&
		    expire_set_index(fm->exp, fm->o.index_dir) != 0)
			log_warnx("%s: sidecars will outlive expired files",
			    fm->root);
		if (fm->exp == NULL || expire_scan(fm->exp) < 0)
			log_warnx("%s: expiry scan failed", fm->root);
		fm_run_expiry(fm);
	}
	if (fm->ver != 0 && !fm->o.no_files)
		return fm_open_file(fm, &fm->f4, fm->ver, now_ms);
	return 0;
}

/* ------------------------------------------------------------ open/close */

static time_t
fm_next_rotation(const struct filemgr *fm, uint64_t now_ms)
{
	time_t	now = (time_t)(now_ms / 1000), next;

	next = layout_next_rotation(now, fm->o.rotations);
	if ((uint64_t)next * 1000 < now_ms)
		next = layout_next_rotation(now + 1, fm->o.rotations);
	return next;
}

/* A file could not be created: log the first failure of a run of them,
 * count each, and do not try again for a second (flows arriving meanwhile
 * are counted as unwritten). */
static int
fm_open_failed(struct filemgr *fm, const char *err, uint64_t now_ms)
{
	fm->ft.write_errors++;
	if (!fm->open_failing)
		log_warnx("%s: %s (flows are counted as unwritten until a "
		    "file can be created)", fm->root, err);
	fm->open_failing = 1;
	fm->open_retry_ms = now_ms + 1000;
	return -1;
}

/* The first write error of an open file: logged once, counted. */
static void
fm_write_failed(struct filemgr *fm, struct fm_file *f, const char *what,
    int err)
{
	fm->ft.write_errors++;
	if (f->failed)
		return;
	f->failed = 1;
	log_warnx("%s/%s: %s: %s (the file is closed with what reached the "
	    "disk; flows are counted as unwritten until the next file)",
	    fm->root, f->rel, what, strerror(err));
}

/*
 * Name the new file after now, or after the first later second whose
 * names are free: files opened within one second (rotate, SIGHUP) would
 * otherwise get the same final name and the second rename would replace
 * the first file.  The header's CAP_START stays the real time.
 */
static int
fm_free_name(struct filemgr *fm, struct fm_file *f, int ver, time_t now)
{
	char		final_rel[LAYOUT_PATH_MAX], path[PATH_MAX];
	struct stat	st;
	int		i, is6 = ver == FT_VER_IP6;

	for (i = 0; i < 3600; i++) {
		if (layout_path(f->rel, sizeof(f->rel), fm->o.nesting, ver,
		    now + i, is6 ? LAYOUT_TMP6 : LAYOUT_TMP) != 0 ||
		    layout_final_name(final_rel, sizeof(final_rel),
		    f->rel) != 0)
			return -1;
		fm_full_path(fm, f->rel, path, sizeof(path));
		if (lstat(path, &st) == 0)
			continue;
		fm_full_path(fm, final_rel, path, sizeof(path));
		if (lstat(path, &st) != 0)
			return 0;
	}
	errno = EEXIST;
	return -1;
}

static int
fm_open_file(struct filemgr *fm, struct fm_file *f, int ver, uint64_t now_ms)
{
	struct ftw_opts		 wo;
	struct ft_counters	 zero = { 0 };
	char			 path[PATH_MAX], err[256];
	time_t			 now = (time_t)(now_ms / 1000);
	int			 is6 = ver == FT_VER_IP6;

	if (fm->open_failing && now_ms < fm->open_retry_ms)
		return -1;
	if (fm_free_name(fm, f, ver, now) != 0 ||
	    layout_mkdirs(fm->root, f->rel) != 0) {
		util_strlcpy(err, "cannot create the directories for a new "
		    "file: ", sizeof(err));
		util_strlcpy(err + strlen(err), strerror(errno),
		    sizeof(err) - strlen(err));
		return fm_open_failed(fm, err, now_ms);
	}
	memset(&wo, 0, sizeof(wo));
	wo.version = ver;
	wo.zlevel = fm->o.zlevel;
	wo.byte_order = fm->o.byte_order;
	wo.hostname = fm->have_hostname ? fm->hostname : NULL;
	wo.comment = fm->comment[0] != '\0' ? fm->comment : NULL;
	fm_full_path(fm, f->rel, path, sizeof(path));
	f->w = ftw_open(path, &wo, (uint32_t)now, is6 ? &zero : &fm->cnt,
	    err, sizeof(err));
	if (f->w == NULL)
		return fm_open_failed(fm, err, now_ms);
	if (fm->open_failing)
		log_info("%s: writing again (%s)", fm->root, f->rel);
	fm->open_failing = 0;
	f->failed = 0;
	f->ver = ver;
	f->cap_start = (uint32_t)now;
	f->nrec = 0;
	if (!is6)
		fm->next_rot = fm_next_rotation(fm, now_ms);
	log_debug("opened %s", path);
	return 0;
}

static void
fm_flush_chunk(struct filemgr *fm, struct fm_file *f)
{
	if (f->chunk == NULL || f->chunk_n == 0)
		return;
	wq_submit(&fm->wq, f->w, f->chunk, f->chunk_n);
	f->chunk = NULL;
	f->chunk_n = 0;
}

static void
fm_run_prog(struct filemgr *fm, const char *rel)
{
	pid_t	pid;

	if (fm->prog[0] == '\0')
		return;
	if ((pid = fork()) == -1) {
		log_warn("fork for %s", fm->prog);
		return;
	}
	if (pid == 0) {
		if (chdir(fm->root) != 0)
			_exit(126);
		execlp(fm->prog, fm->prog, rel, (char *)NULL);
		_exit(127);
	}
	log_debug("started %s %s (pid %ld)", fm->prog, rel, (long)pid);
}

/*
 * After a write error: keep the whole records that reached the disk in a
 * closed file under the final name (ftw_salvage; in place when
 * uncompressed, so a full disk is no obstacle) and count the rest as
 * unwritten.  When that fails too the tmp- file stays for the repair at
 * the next start or reload, and all of its flows count as unwritten.
 */
static int
fm_salvage(struct filemgr *fm, struct fm_file *f, const char *path,
    const char *final, uint64_t now_ms)
{
	struct ft_counters	zero = { 0 };
	char			err[256];
	long			kept;

	kept = ftw_salvage(path, final, (uint32_t)(now_ms / 1000),
	    f->ver == FT_VER_IP6 ? &zero : &fm->cnt, err, sizeof(err));
	if (kept < 0) {
		log_warnx("%s: cannot finish it: %s (left for the repair at "
		    "the next start)", path, err);
		fm->ft.salvage_failed++;
		fm->ft.flows_unwritten += f->nrec;
		f->nrec = 0;
		return -1;
	}
	fm->ft.files_salvaged++;
	if ((uint64_t)kept < f->nrec)
		fm->ft.flows_unwritten += f->nrec - (uint64_t)kept;
	log_info("%s: closed after a write error with %ld of %llu flows",
	    final, kept, (unsigned long long)f->nrec);
	f->nrec = (uint64_t)kept;
	return 0;
}

static void
fm_close_file(struct filemgr *fm, struct fm_file *f, uint64_t now_ms)
{
	char		 final_rel[LAYOUT_PATH_MAX], path[PATH_MAX];
	char		 final[PATH_MAX], err[256];
	struct ft_counters zero = { 0 };
	struct stat	 st;
	int		 is6 = f->ver == FT_VER_IP6;

	if (f->w == NULL)
		return;
	fm_flush_chunk(fm, f);
	if (wq_drain(&fm->wq, err, sizeof(err)) != 0)
		fm_write_failed(fm, f, "write", EIO);
	fm_full_path(fm, f->rel, path, sizeof(path));
	if (layout_final_name(final_rel, sizeof(final_rel), f->rel) != 0)
		util_strlcpy(final_rel, f->rel, sizeof(final_rel));
	fm_full_path(fm, final_rel, final, sizeof(final));
	if (ftw_failed(f->w)) {
		ftw_abort(f->w);
		f->w = NULL;
		if (fm_salvage(fm, f, path, final, now_ms) != 0)
			return;
	} else if (ftw_close(f->w, (uint32_t)(now_ms / 1000),
	    is6 ? &zero : &fm->cnt, final, err, sizeof(err)) != 0) {
		f->w = NULL;
		fm_write_failed(fm, f, "close", errno);
		log_warnx("closing %s: %s", path, err);
		if (fm_salvage(fm, f, path, final, now_ms) != 0)
			return;
	}
	f->w = NULL;
	if (!is6)
		memset(&fm->cnt, 0, sizeof(fm->cnt));
	fm->files_closed++;
	log_debug("closed %s (%llu flows)", final,
	    (unsigned long long)f->nrec);
	if (stat(final, &st) == 0) {
		fm->disk_bytes += (uint64_t)st.st_size;
		if (fm->exp != NULL)
			expire_add(fm->exp, final_rel, f->cap_start,
			    (uint64_t)st.st_size);
	}
	f->nrec = 0;
	if (fm->idxq != NULL)
		(void)idxq_add(fm->idxq, final);	/* full: skipped */
	fm_run_prog(fm, final_rel);
}

void
filemgr_close_files(struct filemgr *fm, uint64_t now_ms)
{
	int	had = fm->f4.w != NULL || fm->f6.w != NULL;

	fm_close_file(fm, &fm->f4, now_ms);
	fm_close_file(fm, &fm->f6, now_ms);
	if (had)
		fm_run_expiry(fm);
}

/* ------------------------------------------------------------ records */

static int
fm_version_for(int pdu_version)
{
	return pdu_version == 1 ? FT_VER_1 : FT_VER_5;
}

static int
fm_ensure(struct filemgr *fm, struct fm_file *f, int ver, uint64_t now_ms)
{
	if (f->w != NULL)
		return 0;
	return fm_open_file(fm, f, ver, now_ms);
}

static void
fm_store(struct filemgr *fm, struct fm_file *f, const struct flowrec *r)
{
	struct ftrec	 tmp[FTCONV_MAX_SPLIT];
	unsigned	 k;

	if (fm->direct) {
		k = ftconv_to_ft(r, f->ver, tmp, &fm->conv);
		if (k == 0)
			return;
		if (ftw_failed(f->w)) {
			fm->ft.flows_unwritten += k;
			return;
		}
		if (ftw_write(f->w, tmp, k) != 0) {
			fm_write_failed(fm, f, "write", errno);
			fm->ft.flows_unwritten += k;
			return;
		}
		f->nrec += k;
		return;
	}
	if (f->chunk != NULL && f->chunk_n + FTCONV_MAX_SPLIT > CHUNK_RECS)
		fm_flush_chunk(fm, f);
	if (f->chunk == NULL) {
		f->chunk = malloc(CHUNK_RECS * sizeof(*f->chunk));
		if (f->chunk == NULL) {
			log_warn("out of memory, flow dropped");
			fm->ft.flows_unwritten++;
			return;
		}
	}
	k = ftconv_to_ft(r, f->ver, f->chunk + f->chunk_n, &fm->conv);
	f->chunk_n += k;
	f->nrec += k;
}

void
filemgr_pdu(struct filemgr *fm, int version, uint64_t now_ms)
{
	if (fm->o.no_files)
		return;
	if (fm->ver == 0)
		fm->ver = fm_version_for(version);
	(void)fm_ensure(fm, &fm->f4, fm->ver, now_ms);
}

void
filemgr_put(struct filemgr *fm, const struct flowrec *recs, unsigned n,
    uint64_t now_ms)
{
	unsigned	i;

	if (n == 0 || fm->o.no_files)
		return;
	filemgr_pdu(fm, recs[0].version, now_ms);
	for (i = 0; i < n; i++) {
		if (recs[i].af == FR_AF_INET6) {
			if (fm_ensure(fm, &fm->f6, FT_VER_IP6, now_ms) == 0)
				fm_store(fm, &fm->f6, &recs[i]);
			else
				fm->ft.flows_unwritten++;
		} else if (fm->f4.w != NULL)
			fm_store(fm, &fm->f4, &recs[i]);
		else
			fm->ft.flows_unwritten++;
	}
}

void
filemgr_count(struct filemgr *fm, unsigned lost, unsigned resets,
    unsigned corrupt)
{
	fm->cnt.flow_lost += lost;
	fm->cnt.seq_reset += resets;
	fm->cnt.pkt_corrupt += corrupt;
}

static void
fm_check_rotation(struct filemgr *fm, uint64_t now_ms)
{
	if (fm->f4.w == NULL && fm->f6.w == NULL)
		return;
	if (now_ms > (uint64_t)fm->next_rot * 1000)
		filemgr_close_files(fm, now_ms);
}

void
filemgr_batch_end(struct filemgr *fm, uint64_t now_ms)
{
	fm_flush_chunk(fm, &fm->f4);
	fm_flush_chunk(fm, &fm->f6);
	fm_check_rotation(fm, now_ms);
}

/* Put what the open files buffer on disk, so that a crash (kill -9, power)
 * loses at most flush_interval seconds of flows. */
static void
fm_flush_files(struct filemgr *fm)
{
	struct fm_file	*files[2] = { &fm->f4, &fm->f6 };
	char		 err[256];
	unsigned	 i;

	if (!fm->direct) {
		fm_flush_chunk(fm, &fm->f4);
		fm_flush_chunk(fm, &fm->f6);
		(void)wq_drain(&fm->wq, err, sizeof(err));
	}
	for (i = 0; i < 2; i++)
		if (files[i]->w != NULL && !ftw_failed(files[i]->w) &&
		    ftw_flush(files[i]->w, 0) != 0)
			fm_write_failed(fm, files[i], "flush", errno);
}

void
filemgr_tick(struct filemgr *fm, uint64_t now_ms)
{
	if (fm->ver != 0 && fm->f4.w == NULL && !fm->o.no_files)
		(void)fm_open_file(fm, &fm->f4, fm->ver, now_ms);
	fm_check_rotation(fm, now_ms);
	if (fm->o.flush_interval > 0 &&
	    now_ms - fm->last_flush_ms >= fm->o.flush_interval * 1000ull) {
		fm->last_flush_ms = now_ms;
		fm_flush_files(fm);
	}
}

/* ------------------------------------------------------------ info */

int
filemgr_version(const struct filemgr *fm)
{
	return fm->ver;
}

void
filemgr_carry(struct filemgr *fm, const struct filemgr *old)
{
	fm->ft.files_recovered += old->ft.files_recovered;
	fm->ft.flows_recovered += old->ft.flows_recovered;
	fm->ft.recover_failed += old->ft.recover_failed;
	fm->ft.write_errors += old->ft.write_errors;
	fm->ft.flows_unwritten += old->ft.flows_unwritten;
	fm->ft.files_salvaged += old->ft.files_salvaged;
	fm->ft.salvage_failed += old->ft.salvage_failed;
	fm->files_closed += old->files_closed;
}

void
filemgr_set_version(struct filemgr *fm, int version)
{
	if (fm->ver == 0)
		fm->ver = version;
}

void
filemgr_get_info(const struct filemgr *fm, struct filemgr_info *out)
{
	memset(out, 0, sizeof(*out));
	util_strlcpy(out->name, fm->name, sizeof(out->name));
	util_strlcpy(out->root, fm->root, sizeof(out->root));
	if (fm->f4.w != NULL)
		util_strlcpy(out->open4, fm->f4.rel, sizeof(out->open4));
	if (fm->f6.w != NULL)
		util_strlcpy(out->open6, fm->f6.rel, sizeof(out->open6));
	out->flows4 = fm->f4.nrec;
	out->flows6 = fm->f6.nrec;
	out->files_closed = fm->files_closed;
	out->disk_bytes = fm->exp != NULL ? expire_total_bytes(fm->exp) :
	    fm->disk_bytes;
	out->version = fm->ver;
	out->conv = fm->conv;
	out->faults = fm->ft;
}

void
filemgr_free(struct filemgr *fm, uint64_t now_ms)
{
	if (fm == NULL)
		return;
	filemgr_close_files(fm, now_ms);
	wq_stop(&fm->wq);
	idxq_stop(fm->idxq);
	if (fm->exp != NULL)
		expire_free(fm->exp);
	free(fm);
}
