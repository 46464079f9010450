/*
 * zpar.c - deflate one zlib stream on several threads (see zpar.h).
 *
 * One mutex guards the job queue and every stream's bookkeeping; it is
 * taken a few times per chunk (hundreds of kilobytes), never per record.
 * A worker takes the oldest queued job, compresses it without the lock,
 * then, under the lock, writes every finished chunk at the head of its
 * stream's list in order, so the file grows strictly in submission order.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "zpar.h"

struct zjob {
	struct zpar	*zp;
	struct zjob	*qnext;		/* pool queue */
	struct zjob	*snext;		/* stream order */
	uint8_t		*in;
	size_t		 inlen;
	uint8_t		 dict[ZPAR_WINDOW];
	size_t		 dictlen;
	int		 final;
	int		 done;
	int		 err;		/* errno of a failure, 0 = fine */
	uint8_t		*out;
	size_t		 outlen;
	uLong		 adler;
};

struct zpar {
	int		 fd;
	int		 level;
	size_t		 bufsz;
	unsigned	 inflight;
	unsigned	 maxflight;
	struct zjob	*head, *tail;	/* submitted, oldest first */
	uLong		 adler;		/* of everything written so far */
	uint64_t	 written;
	int		 err;		/* first failure, sticky */
	int		 discard;	/* aborting: drop finished chunks */
	uint8_t		 dict[ZPAR_WINDOW];
	size_t		 dictlen;
	uint8_t		*spare;		/* one recycled input buffer */
};

static struct {
	pthread_mutex_t	 mu;
	pthread_cond_t	 work;		/* a job was queued, or stop */
	pthread_cond_t	 done;		/* a chunk was written or dropped */
	struct zjob	*qhead, *qtail;
	pthread_t	 tid[ZPAR_MAXTHREADS];
	unsigned	 n;
	int		 stop;
} pool = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.work = PTHREAD_COND_INITIALIZER,
	.done = PTHREAD_COND_INITIALIZER,
};

static int
write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Compress one job with the worker's stream s (level *lv, -1 = none). */
static void
compress_job(struct zjob *j, z_stream *s, int *lv)
{
	size_t cap;
	int rc;

	if (*lv != j->zp->level) {
		if (*lv != -1)
			deflateEnd(s);
		memset(s, 0, sizeof(*s));
		*lv = -1;
		if (deflateInit2(s, j->zp->level, Z_DEFLATED, -ZPAR_WBITS, 8,
		    ZPAR_STRATEGY) != Z_OK) {
			j->err = ENOMEM;
			return;
		}
		*lv = j->zp->level;
	} else if (deflateReset(s) != Z_OK) {
		j->err = EIO;
		return;
	}
	if (j->dictlen > 0 &&
	    deflateSetDictionary(s, j->dict, (uInt)j->dictlen) != Z_OK) {
		j->err = EIO;
		return;
	}
	/* deflateBound covers the final block; a sync flush adds at most
	 * an empty stored block (5 bytes) plus a partial byte. */
	cap = deflateBound(s, (uLong)j->inlen) + 16;
	if ((j->out = malloc(cap)) == NULL) {
		j->err = ENOMEM;
		return;
	}
	s->next_in = j->in;
	s->avail_in = (uInt)j->inlen;
	s->next_out = j->out;
	s->avail_out = (uInt)cap;
	rc = deflate(s, j->final ? Z_FINISH : Z_SYNC_FLUSH);
	if ((j->final && rc != Z_STREAM_END) || (!j->final && rc != Z_OK) ||
	    s->avail_in != 0) {
		j->err = EIO;
		return;
	}
	j->outlen = cap - s->avail_out;
	j->adler = adler32(adler32(0L, Z_NULL, 0), j->in, (uInt)j->inlen);
}

static void
free_job(struct zjob *j)
{
	struct zpar *zp = j->zp;

	if (zp->spare == NULL)
		zp->spare = j->in;
	else
		free(j->in);
	free(j->out);
	free(j);
}

/* Under the lock: write finished chunks at the head of zp, in order. */
static void
drain_stream(struct zpar *zp)
{
	struct zjob *j;

	while ((j = zp->head) != NULL && j->done) {
		zp->head = j->snext;
		if (zp->head == NULL)
			zp->tail = NULL;
		if (zp->err == 0 && j->err != 0)
			zp->err = j->err;
		if (zp->err == 0 && !zp->discard) {
			if (write_all(zp->fd, j->out, j->outlen) == -1)
				zp->err = errno;
			else {
				zp->written += j->outlen;
				zp->adler = adler32_combine(zp->adler, j->adler,
				    (z_off_t)j->inlen);
			}
		}
		zp->inflight--;
		free_job(j);
	}
}

static void *
worker(void *arg)
{
	z_stream s;
	int lv = -1;
	struct zjob *j;

	(void)arg;
	memset(&s, 0, sizeof(s));
	pthread_mutex_lock(&pool.mu);
	for (;;) {
		while (pool.qhead == NULL && !pool.stop)
			pthread_cond_wait(&pool.work, &pool.mu);
		if (pool.qhead == NULL)
			break;
		j = pool.qhead;
		pool.qhead = j->qnext;
		if (pool.qhead == NULL)
			pool.qtail = NULL;
		pthread_mutex_unlock(&pool.mu);

		compress_job(j, &s, &lv);

		pthread_mutex_lock(&pool.mu);
		j->done = 1;
		drain_stream(j->zp);
		pthread_cond_broadcast(&pool.done);
	}
	pthread_mutex_unlock(&pool.mu);
	if (lv != -1)
		deflateEnd(&s);
	return NULL;
}

int
zpar_pool_start(unsigned n)
{
	unsigned i;
	int rc;

	if (n > ZPAR_MAXTHREADS)
		n = ZPAR_MAXTHREADS;
	if (pool.n > 0) {
		errno = EBUSY;
		return -1;
	}
	pool.stop = 0;
	for (i = 0; i < n; i++) {
		rc = pthread_create(&pool.tid[i], NULL, worker, NULL);
		if (rc != 0) {
			pool.n = i;
			zpar_pool_stop();
			errno = rc;
			return -1;
		}
	}
	pool.n = n;
	return 0;
}

unsigned
zpar_pool_threads(void)
{
	return pool.n;
}

void
zpar_pool_stop(void)
{
	unsigned i;

	pthread_mutex_lock(&pool.mu);
	pool.stop = 1;
	pthread_cond_broadcast(&pool.work);
	pthread_mutex_unlock(&pool.mu);
	for (i = 0; i < pool.n; i++)
		pthread_join(pool.tid[i], NULL);
	pool.n = 0;
}

/* zlib header for a ZPAR_WBITS window at level: CMF, FLG (RFC 1950). */
static void
zheader(uint8_t h[2], int level)
{
	unsigned flevel = level < 2 ? 0 : level < 6 ? 1 : level == 6 ? 2 : 3;

	h[0] = (uint8_t)(((ZPAR_WBITS - 8) << 4) | Z_DEFLATED);
	h[1] = (uint8_t)(flevel << 6);
	h[1] = (uint8_t)(h[1] + 31 - (h[0] * 256u + h[1]) % 31);
}

struct zpar *
zpar_open(int fd, int level, size_t bufsz)
{
	struct zpar *zp;
	uint8_t h[2];

	if (pool.n == 0 || level < 1 || level > 9 || bufsz == 0 ||
	    bufsz > UINT32_MAX / 2) {
		errno = EINVAL;
		return NULL;
	}
	if ((zp = calloc(1, sizeof(*zp))) == NULL)
		return NULL;
	zp->fd = fd;
	zp->level = level;
	zp->bufsz = bufsz;
	zp->maxflight = 2 * pool.n + 2;
	zp->adler = adler32(0L, Z_NULL, 0);
	zheader(h, level);
	if (write_all(fd, h, 2) == -1) {
		free(zp);
		return NULL;
	}
	zp->written = 2;
	return zp;
}

static int
queue_chunk(struct zpar *zp, uint8_t *in, size_t len, int final)
{
	struct zjob *j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return -1;
	j->zp = zp;
	j->in = in;
	j->inlen = len;
	j->final = final;
	memcpy(j->dict, zp->dict, zp->dictlen);
	j->dictlen = zp->dictlen;
	/* The next chunk's dictionary: the last window of input so far. */
	if (len >= ZPAR_WINDOW) {
		memcpy(zp->dict, in + len - ZPAR_WINDOW, ZPAR_WINDOW);
		zp->dictlen = ZPAR_WINDOW;
	} else if (len > 0) {
		size_t keep = zp->dictlen + len > ZPAR_WINDOW ?
		    ZPAR_WINDOW - len : zp->dictlen;

		memmove(zp->dict, zp->dict + zp->dictlen - keep, keep);
		memcpy(zp->dict + keep, in, len);
		zp->dictlen = keep + len;
	}
	pthread_mutex_lock(&pool.mu);
	if (zp->tail != NULL)
		zp->tail->snext = j;
	else
		zp->head = j;
	zp->tail = j;
	zp->inflight++;
	if (pool.qtail != NULL)
		pool.qtail->qnext = j;
	else
		pool.qhead = j;
	pool.qtail = j;
	pthread_cond_signal(&pool.work);
	pthread_mutex_unlock(&pool.mu);
	return 0;
}

int
zpar_submit(struct zpar *zp, uint8_t **buf, size_t len)
{
	uint8_t *next;
	int err;

	if (len > zp->bufsz) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&pool.mu);
	while (zp->inflight >= zp->maxflight && zp->err == 0)
		pthread_cond_wait(&pool.done, &pool.mu);
	err = zp->err;
	next = zp->spare;
	zp->spare = NULL;
	pthread_mutex_unlock(&pool.mu);
	if (err != 0) {
		free(next);
		errno = err;
		return -1;
	}
	if (len == 0) {
		free(next);
		return 0;
	}
	if (next == NULL && (next = malloc(zp->bufsz)) == NULL)
		return -1;
	if (queue_chunk(zp, *buf, len, 0) == -1) {
		free(next);
		return -1;
	}
	*buf = next;
	return 0;
}

uint64_t
zpar_written(const struct zpar *zp)
{
	uint64_t n;

	pthread_mutex_lock(&pool.mu);
	n = zp->written;
	pthread_mutex_unlock(&pool.mu);
	return n;
}

static void
wait_idle(struct zpar *zp)
{
	pthread_mutex_lock(&pool.mu);
	while (zp->inflight > 0)
		pthread_cond_wait(&pool.done, &pool.mu);
	pthread_mutex_unlock(&pool.mu);
}

int
zpar_wait(struct zpar *zp)
{
	int err;

	wait_idle(zp);
	pthread_mutex_lock(&pool.mu);
	err = zp->err;
	pthread_mutex_unlock(&pool.mu);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

static void
zpar_free(struct zpar *zp)
{
	free(zp->spare);
	free(zp);
}

int
zpar_finish(struct zpar *zp, uint8_t **buf, size_t len)
{
	uint8_t trailer[4];
	int err = 0;

	if (queue_chunk(zp, *buf, len, 1) == -1)
		err = errno;
	else
		*buf = NULL;
	wait_idle(zp);
	if (err == 0)
		err = zp->err;
	if (err == 0) {
		trailer[0] = (uint8_t)(zp->adler >> 24);
		trailer[1] = (uint8_t)(zp->adler >> 16);
		trailer[2] = (uint8_t)(zp->adler >> 8);
		trailer[3] = (uint8_t)zp->adler;
		if (write_all(zp->fd, trailer, 4) == -1)
			err = errno;
		else
			zp->written += 4;
	}
	zpar_free(zp);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

void
zpar_abort(struct zpar *zp)
{
	if (zp == NULL)
		return;
	pthread_mutex_lock(&pool.mu);
	zp->discard = 1;
	pthread_mutex_unlock(&pool.mu);
	wait_idle(zp);
	zpar_free(zp);
}
