/*
 * source.c - the flows of a selection (see source.h).
 *
 * src_open() builds the list of files first: explicit files as given,
 * directories walked (date directories only below the top), each tree's
 * files sorted by the start time in their names.  With a window, a file is
 * kept when [start - period, end + period) meets the window, its end being
 * the start of the next file of the same tree and family (see last_span()
 * for the last one); files starting up to o.late_s (35 minutes) after the
 * window are read too, as FlowViewer does, for long flows exported late.
 *
 * Reader threads then take files in list order, each reading one whole
 * file into batches of flowrecs (records outside the window dropped by the
 * rule).  Every file has a slot with a small bounded queue of batches; the
 * consumer drains slot 0, then slot 1 and so on, so flows come out in file
 * order whatever the number of threads.  A worker waits when its file's
 * queue is full, or, for a file ahead of the consumer's, when all queues
 * together hold SRC_QUEUED batches (so memory stays bounded even over many
 * small files).  Files are handed out in order, so the file the consumer
 * waits for is always read by a worker that only waits for the consumer:
 * this cannot deadlock.  Warnings of a file are delivered (through
 * o.warn, on the consumer's thread) when the consumer reaches the end of
 * that file, so their order is deterministic too.
 */
#define _GNU_SOURCE	/* strdup */

#include <sys/stat.h>

#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "storage/colidx.h"
#include "storage/ftconv.h"
#include "storage/ftreader.h"
#include "storage/layout.h"

#include "chsource.h"
#include "source.h"

#define SRC_BATCH	4096	/* flows per batch */
#define SRC_QUEUE	8	/* batches queued per file */
#define SRC_QUEUED	32	/* batches queued in all, beside the file
				 * the consumer is in (bounds memory when
				 * workers run ahead over small files) */
#define SRC_DEFPERIOD	900	/* flow-capture's default rotation */
#define SRC_DEFLATE	2100	/* FlowViewer's $flow_capture_interval */

struct batch {
	struct batch	*next;
	unsigned	 n;
	struct flowrec	 recs[SRC_BATCH];
};

struct sfile {
	char		*path;
	int64_t		 start;		/* from the name, -1 = unknown */
	int		 family;	/* 4 or 6, for the end of a file */
	unsigned	 root;		/* index of the path it came from */
	int		 kind;		/* layout kind or -1 */
};

struct slot {
	struct batch	*head, *tail;
	unsigned	 queued;
	int		 done;		/* worker finished this file */
	int		 failed;
	int		 indexed;	/* read from its column index */
	char		*warn;		/* messages, '\n' separated */
};

struct src {
	struct src_opts	 o;
	uint64_t	 period_ms;

	struct sfile	*files;
	unsigned	 nfiles, cap;

	struct slot	*slots;
	unsigned	 next_file;	/* next file for a worker */
	unsigned	 cur;		/* file the consumer is in */
	unsigned	 queued;	/* batches queued in all slots */
	struct batch	*held;		/* batch given out last */
	struct batch	*free;
	int		 stop;

	pthread_mutex_t	 mu;
	pthread_cond_t	 cv_data;	/* consumer waits */
	pthread_cond_t	 cv_space;	/* workers wait */
	pthread_t	 thr[SRC_MAXTHR];
	struct wk {
		struct src	*s;
		unsigned	 idx;
	}		 wk[SRC_MAXTHR];
	unsigned	 nthr;
	int		 started;

	unsigned	 nread, nfailed, nindexed;
	struct chsrc	*ch;		/* ch_url: the rows' stream */
	struct flowrec	*chrecs;	/* ch_url: one batch */
	struct flowrec	 one;		/* for src_next */
	const struct flowrec *pend;
	unsigned	 npend;
};

static void
src_warn(struct src *s, const char *msg)
{
	if (s->o.warn != NULL)
		s->o.warn(s->o.warn_arg, msg);
	else
		fprintf(stderr, "flowkeep: %s\n", msg);
}

int
src_match(const struct src_opts *o, const struct flowrec *r)
{
	uint64_t to = o->to_ms != 0 ? o->to_ms : UINT64_MAX;
	uint64_t from = o->from_ms;

	switch (o->rule) {
	case SRC_START:
		return r->first_ms >= from && r->first_ms < to;
	case SRC_END:
		return r->last_ms >= from && r->last_ms < to;
	case SRC_ALL:
		return r->first_ms >= from && r->last_ms < to;
	case SRC_ANY:
	default:
		return r->first_ms < to && r->last_ms >= from;
	}
}

static int
has_window(const struct src_opts *o)
{
	return o->from_ms != 0 || o->to_ms != 0;
}

/* ---------------------------------------------------------------- listing */

static int
add_file(struct src *s, const char *path, unsigned root)
{
	struct sfile *f;
	const char *base = strrchr(path, '/');
	time_t t;
	int ver;

	if (s->nfiles == s->cap) {
		unsigned ncap = s->cap ? s->cap * 2 : 64;
		void *p = realloc(s->files, ncap * sizeof(*s->files));

		if (p == NULL)
			return -1;
		s->files = p;
		s->cap = ncap;
	}
	f = &s->files[s->nfiles];
	memset(f, 0, sizeof(*f));
	if ((f->path = strdup(path)) == NULL)
		return -1;
	base = base != NULL ? base + 1 : path;
	f->root = root;
	f->kind = layout_parse_name(base, &t, &ver);
	f->start = f->kind >= 0 ? (int64_t)t : -1;
	f->family = (f->kind == LAYOUT_TMP6 || f->kind == LAYOUT_FINAL6) ?
	    6 : 4;
	s->nfiles++;
	return 0;
}

static int
wanted_name(const struct src *s, const char *name)
{
	int k = layout_parse_name(name, NULL, NULL);

	if (k == LAYOUT_FINAL || k == LAYOUT_FINAL6)
		return 1;
	if (k == LAYOUT_TMP || k == LAYOUT_TMP6)
		return s->o.include_tmp;
	return 0;
}

/* Walk a directory: files with our names, date subdirectories. */
static int
walk(struct src *s, const char *dir, unsigned root, int depth, char *err,
    size_t errlen)
{
	DIR *d;
	struct dirent *de;
	struct stat st;
	char path[LAYOUT_PATH_MAX + 256];
	char msg[LAYOUT_PATH_MAX + 300];

	if ((d = opendir(dir)) == NULL) {
		snprintf(msg, sizeof(msg), "%s: %s", dir, strerror(errno));
		src_warn(s, msg);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    de->d_name) >= sizeof(path))
			continue;
		if (stat(path, &st) == -1)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth < 8 && layout_is_date_dir(de->d_name) &&
			    walk(s, path, root, depth + 1, err, errlen) == -1) {
				closedir(d);
				return -1;
			}
		} else if (S_ISREG(st.st_mode) && wanted_name(s, de->d_name)) {
			if (add_file(s, path, root) == -1) {
				closedir(d);
				snprintf(err, errlen, "out of memory");
				return -1;
			}
		}
	}
	closedir(d);
	return 0;
}

static int
cmp_file(const void *a, const void *b)
{
	const struct sfile *x = a, *y = b;

	if (x->root != y->root)
		return x->root < y->root ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return strcmp(x->path, y->path);
}

/*
 * How long the last file i of its family in a tree [lo, i] may run: the
 * rotation period when the caller knows it, else the gap between the two
 * files before it (files of one tree rotate alike), else a day.
 */
static int64_t
last_span(const struct src *s, unsigned lo, unsigned i)
{
	const struct sfile *f = &s->files[i];

	if (s->o.period_s != 0)
		return (int64_t)s->o.period_s * 1000;
	for (unsigned j = i; j-- > lo;)
		if (s->files[j].family == f->family &&
		    s->files[j].start >= 0 && s->files[j].start < f->start) {
			int64_t gap = (f->start - s->files[j].start) * 1000;

			return gap > (int64_t)s->period_ms ? gap :
			    (int64_t)s->period_ms;
		}
	return 86400 * 1000;
}

/*
 * Drop the files of one sorted tree [lo, hi) that cannot hold flows of
 * the window.
 */
static void
select_window(struct src *s, unsigned lo, unsigned hi, uint8_t *keep)
{
	int64_t p = (int64_t)s->period_ms;
	int64_t late = (int64_t)(s->o.late_s != 0 ? s->o.late_s :
	    SRC_DEFLATE) * 1000;
	int64_t after = late > p ? late : p;
	int64_t from = (int64_t)s->o.from_ms;
	int64_t to = s->o.to_ms != 0 ? (int64_t)s->o.to_ms : INT64_MAX / 2;

	for (unsigned i = lo; i < hi; i++) {
		struct sfile *f = &s->files[i];
		int64_t start, end = -1;

		keep[i] = 1;
		if (f->start < 0)
			continue;	/* not named by time: read it */
		start = f->start * 1000;
		for (unsigned j = i + 1; j < hi; j++)
			if (s->files[j].family == f->family &&
			    s->files[j].start > f->start) {
				end = s->files[j].start * 1000;
				break;
			}
		if (end < 0)
			end = start + last_span(s, lo, i);
		if (start - after >= to || end + p <= from)
			keep[i] = 0;
	}
}

/*
 * A tmp- file renamed while its directory was read can be listed under
 * both names: keep the final one.  Both have the same start, so they are
 * neighbours in the sorted list.
 */
static void
drop_renamed(struct src *s)
{
	char fin[LAYOUT_PATH_MAX + 256];
	unsigned i, j, k;

	for (i = 0; i < s->nfiles; i++) {
		struct sfile *f = &s->files[i];

		if ((f->kind != LAYOUT_TMP && f->kind != LAYOUT_TMP6) ||
		    layout_final_name(fin, sizeof(fin), f->path) == -1)
			continue;
		for (j = 0; j < s->nfiles; j++)
			if (j != i && s->files[j].root == f->root &&
			    s->files[j].start == f->start &&
			    strcmp(s->files[j].path, fin) == 0) {
				f->kind = -2;	/* drop below */
				break;
			}
	}
	for (i = k = 0; i < s->nfiles; i++)
		if (s->files[i].kind == -2)
			free(s->files[i].path);
		else
			s->files[k++] = s->files[i];
	s->nfiles = k;
}

static int
build_list(struct src *s, const char *const *paths, unsigned npaths,
    char *err, size_t errlen)
{
	struct stat st;
	char msg[LAYOUT_PATH_MAX + 300];
	uint8_t *keep;
	unsigned i, k, lo;

	for (i = 0; i < npaths; i++) {
		unsigned before = s->nfiles;

		if (strcmp(paths[i], "-") == 0 || (stat(paths[i], &st) == 0 &&
		    !S_ISDIR(st.st_mode))) {
			if (add_file(s, paths[i], i) == -1)
				goto oom;
			continue;
		}
		if (stat(paths[i], &st) == -1) {
			/* let the reader say what is wrong, in order */
			if (add_file(s, paths[i], i) == -1)
				goto oom;
			continue;
		}
		if (walk(s, paths[i], i, 0, err, errlen) == -1)
			return -1;
		if (s->nfiles == before) {
			snprintf(msg, sizeof(msg), "%s: no flow files",
			    paths[i]);
			src_warn(s, msg);
		}
	}
	if (s->nfiles == 0)
		return 0;
	qsort(s->files, s->nfiles, sizeof(*s->files), cmp_file);
	drop_renamed(s);
	if (!has_window(&s->o))
		return 0;
	if ((keep = calloc(s->nfiles, 1)) == NULL)
		goto oom;
	for (lo = 0; lo < s->nfiles; lo = i) {
		for (i = lo; i < s->nfiles && s->files[i].root ==
		    s->files[lo].root; i++)
			;
		select_window(s, lo, i, keep);
	}
	for (i = k = 0; i < s->nfiles; i++)
		if (keep[i])
			s->files[k++] = s->files[i];
		else
			free(s->files[i].path);
	s->nfiles = k;
	free(keep);
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

/* ---------------------------------------------------------------- workers */

/* Call with the lock held. */
static struct batch *
get_batch(struct src *s)
{
	struct batch *b = s->free;

	if (b != NULL) {
		s->free = b->next;
		return b;
	}
	return malloc(sizeof(*b));
}

static void
slot_warn(struct slot *sl, const char *msg)
{
	size_t old = sl->warn != NULL ? strlen(sl->warn) : 0;
	size_t n = strlen(msg);
	char *p = realloc(sl->warn, old + n + 2);

	if (p == NULL)
		return;
	if (old > 0)
		p[old++] = '\n';
	memcpy(p + old, msg, n + 1);
	sl->warn = p;
}

/* Queue b on slot i; waits while the queue is full.  0, or -1 to stop. */
static int
put_batch(struct src *s, unsigned i, struct batch *b)
{
	struct slot *sl = &s->slots[i];

	pthread_mutex_lock(&s->mu);
	while (!s->stop && (sl->queued >= SRC_QUEUE ||
	    (i != s->cur && s->queued >= SRC_QUEUED)))
		pthread_cond_wait(&s->cv_space, &s->mu);
	if (s->stop) {
		b->next = s->free;
		s->free = b;
		pthread_mutex_unlock(&s->mu);
		return -1;
	}
	b->next = NULL;
	if (sl->tail != NULL)
		sl->tail->next = b;
	else
		sl->head = b;
	sl->tail = b;
	sl->queued++;
	s->queued++;
	if (i == s->cur)
		pthread_cond_broadcast(&s->cv_data);
	pthread_mutex_unlock(&s->mu);
	return 0;
}

static inline uint32_t
rd32(const uint8_t *p, int be)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return be ? __builtin_bswap32(v) : v;
}

static inline uint16_t
rd16(const uint8_t *p, int be)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return be ? __builtin_bswap16(v) : v;
}

/*
 * The fast path for the common case, a v5 record (spec 3.2) straight into
 * a flowrec, giving exactly what ftr_next() gives (test_source checks it
 * on every vector file).  be: the file's byte order differs from ours.
 */
void
src_decode_v5(const uint8_t *p, int be, struct flowrec *o)
{
	uint32_t secs = rd32(p, be), nsecs = rd32(p + 4, be);
	uint32_t up = rd32(p + 8, be);
	uint64_t exp = (uint64_t)secs * 1000 + nsecs / 1000000;

	memset(o, 0, sizeof(*o));
	o->af = FR_AF_INET;
	o->exp_af = FR_AF_INET;
	o->exporter.v4 = rd32(p + 12, be);
	o->src.v4 = rd32(p + 16, be);
	o->dst.v4 = rd32(p + 20, be);
	o->nexthop.v4 = rd32(p + 24, be);
	o->in_if = rd16(p + 28, be);
	o->out_if = rd16(p + 30, be);
	o->packets = rd32(p + 32, be);
	o->octets = rd32(p + 36, be);
	o->first_ms = ftconv_uptime_ms(exp, up, rd32(p + 40, be));
	o->last_ms = ftconv_uptime_ms(exp, up, rd32(p + 44, be));
	o->sport = rd16(p + 48, be);
	o->dport = rd16(p + 50, be);
	o->proto = p[52];
	o->tos = p[53];
	o->tcp_flags = p[54];
	o->engine_type = p[56];
	o->engine_id = p[57];
	o->src_mask = p[58];
	o->dst_mask = p[59];
	o->src_as = rd16(p + 60, be);
	o->dst_as = rd16(p + 62, be);
	o->sampling = 1;
	o->version = 5;
	o->fields = FR_HAS_PACKETS | FR_HAS_OCTETS | FR_HAS_PORTS |
	    FR_HAS_PROTO | FR_HAS_TCPFLAGS | FR_HAS_TOS | FR_HAS_IFINDEX |
	    FR_HAS_NEXTHOP | FR_HAS_TIMES | FR_HAS_SRCADDR | FR_HAS_DSTADDR |
	    FR_HAS_UPTIME | FR_HAS_AS | FR_HAS_MASK | FR_HAS_ENGINE;
	o->exp_secs = secs;
	o->exp_nsecs = nsecs;
	o->uptime_ms = up;
	o->recv_ms = exp;
	o->source_id = (uint32_t)o->engine_type << 8 | o->engine_id;
}

/* One record of r into *out: 1, 0 at the end, -1 on error. */
static inline int
next_rec(struct ftr *r, int fast, int be, struct flowrec *out)
{
	const uint8_t *p;
	int n;

	if (!fast)
		return ftr_next(r, out);
	if ((n = ftr_next_bytes(r, &p)) <= 0)
		return n;
	src_decode_v5(p, be, out);
	return 1;
}

/* Keep the flows of recs[0..n) that the window rule passes. */
static unsigned
keep_window(const struct src *s, struct flowrec *recs, unsigned n)
{
	unsigned k = 0;

	for (unsigned j = 0; j < n; j++)
		if (src_match(&s->o, &recs[j])) {
			if (k != j)
				recs[k] = recs[j];
			k++;
		}
	return k;
}

/*
 * The next flows of x that pass the window and o.pre into own: the test's
 * columns of every row into tmp first, the others for the rows kept.
 * Returns the flows given (0 possible), or what colidx_next() returned
 * when that is not positive.
 */
static int
read_pre(struct src *s, struct colidx *x, struct flowrec *tmp,
    struct flowrec *own, int win)
{
	uint64_t first = s->o.pre_need | COLIDX_BIT(COLIDX_FIELDS) |
	    COLIDX_BIT(COLIDX_AF) | COLIDX_BIT(COLIDX_EXPAF) |
	    (win ? COLIDX_BIT(COLIDX_FIRST) | COLIDX_BIT(COLIDX_LAST) : 0);
	uint16_t sel[SRC_EACH_MAX];
	unsigned k = 0;
	int n;

	if ((n = colidx_next(x, SRC_EACH_MAX)) <= 0)
		return n - 1;	/* 0 -> -1 (end), -1 -> -2 (damage) */
	colidx_fill(x, tmp, first);
	for (int j = 0; j < n; j++)
		if ((!win || src_match(&s->o, &tmp[j])) &&
		    s->o.pre(s->o.pre_arg, &tmp[j]))
			sel[k++] = (uint16_t)j;
	colidx_fill_rows(x, own, s->o.need != 0 ? s->o.need : COLIDX_ALL,
	    sel, k);
	return (int)k;
}

/* The flows of an open sidecar, like read_file() does for the file. */
static void
read_index(struct src *s, unsigned i, unsigned thr, struct colidx *x)
{
	struct slot *sl = &s->slots[i];
	struct flowrec *own = NULL, *tmp = NULL;
	struct batch *b = NULL;
	int rc = 1, win = has_window(&s->o), stopped = 0;
	char err[600];

	if (s->o.each != NULL && (own = calloc(SRC_EACH_MAX,
	    sizeof(*own))) == NULL)
		rc = -2;
	if (own != NULL)
		colidx_keep(x, own);	/* each() only reads it */
	if (own != NULL && s->o.pre != NULL && (tmp = calloc(SRC_EACH_MAX,
	    sizeof(*tmp))) == NULL)
		rc = -2;
	if (tmp != NULL)
		colidx_keep(x, tmp);	/* only read_pre writes it */
	while (rc > 0) {
		if (tmp != NULL) {
			int k = read_pre(s, x, tmp, own, win);

			if (k < 0) {
				rc = k + 1;	/* 0 end, -1 damage */
				break;
			}
			if (k > 0)
				s->o.each(s->o.each_arg, thr, own,
				    (unsigned)k);
			continue;
		}
		if (own != NULL) {
			unsigned n;

			if ((rc = colidx_read(x, own, SRC_EACH_MAX)) <= 0)
				break;
			n = win ? keep_window(s, own, (unsigned)rc) :
			    (unsigned)rc;
			if (n > 0)
				s->o.each(s->o.each_arg, thr, own, n);
			continue;
		}
		pthread_mutex_lock(&s->mu);
		b = get_batch(s);
		pthread_mutex_unlock(&s->mu);
		if (b == NULL) {
			rc = -2;
			break;
		}
		memset(b->recs, 0, sizeof(b->recs));
		if ((rc = colidx_read(x, b->recs, SRC_BATCH)) <= 0)
			break;
		b->n = win ? keep_window(s, b->recs, (unsigned)rc) :
		    (unsigned)rc;
		if (b->n == 0) {
			pthread_mutex_lock(&s->mu);
			b->next = s->free;
			s->free = b;
			pthread_mutex_unlock(&s->mu);
			b = NULL;
			continue;
		}
		stopped = put_batch(s, i, b) == -1;
		b = NULL;
		if (stopped)
			break;
	}
	free(own);
	free(tmp);
	pthread_mutex_lock(&s->mu);
	if (b != NULL) {
		b->next = s->free;
		s->free = b;
	}
	if (!stopped && rc < 0) {
		snprintf(err, sizeof(err), "%s: column index: %s",
		    s->files[i].path, rc == -2 ? "out of memory" :
		    colidx_error(x));
		slot_warn(sl, err);
		sl->failed = 1;
	}
	sl->indexed = 1;
	sl->done = 1;
	if (i == s->cur)
		pthread_cond_broadcast(&s->cv_data);
	pthread_mutex_unlock(&s->mu);
}

/*
 * Read file i from its sidecar when it has a valid one: 1 done, 0 not
 * (read the file; a damaged sidecar is reported first).
 */
static int
try_index(struct src *s, unsigned i, unsigned thr)
{
	const struct sfile *f = &s->files[i];
	char ip[PATH_MAX + 512], err[300], msg[3 * PATH_MAX];
	struct colidx_stamp st;
	struct colidx *x;

	if (s->o.index_dir == NULL || f->kind == LAYOUT_TMP ||
	    f->kind == LAYOUT_TMP6 || strcmp(f->path, "-") == 0 ||
	    colidx_stamp_of(f->path, &st) == -1 ||
	    colidx_path(ip, sizeof(ip), s->o.index_dir, f->path) == -1)
		return 0;
	switch (colidx_open(ip, &st, s->o.need, &x, err, sizeof(err))) {
	case COLIDX_OK:
		read_index(s, i, thr, x);
		colidx_close(x);
		return 1;
	case COLIDX_BAD:
		snprintf(msg, sizeof(msg), "%s: damaged column index %s (%s): "
		    "reading the file instead", f->path, ip, err);
		pthread_mutex_lock(&s->mu);
		slot_warn(&s->slots[i], msg);
		pthread_mutex_unlock(&s->mu);
		return 0;
	default:
		return 0;
	}
}

static void
read_file(struct src *s, unsigned i, unsigned thr)
{
	struct slot *sl = &s->slots[i];
	char err[512];
	struct ftr *r;
	struct batch *b = NULL;
	int rc = 0, win = has_window(&s->o), failed = 0, stopped = 0;
	int fast, be;
	unsigned lim = s->o.each != NULL ? SRC_EACH_MAX : SRC_BATCH;
	const struct ft_header *h;
	const uint32_t one = 1;
	char fin[LAYOUT_PATH_MAX + 256];
	const char *w;

	if (try_index(s, i, thr))
		return;
	r = ftr_open(s->files[i].path, err, sizeof(err));
	if (r == NULL && (s->files[i].kind == LAYOUT_TMP ||
	    s->files[i].kind == LAYOUT_TMP6) &&
	    access(s->files[i].path, F_OK) == -1 &&
	    layout_final_name(fin, sizeof(fin), s->files[i].path) == 0)
		r = ftr_open(fin, err, sizeof(err));	/* closed meanwhile */
	if (r == NULL) {
		failed = 1;
		pthread_mutex_lock(&s->mu);
		slot_warn(sl, err);
		goto done;
	}
	h = ftr_header(r);
	fast = h->s_version == 3 && h->d_version == FT_VER_5 &&
	    h->rec_size == FT_REC_SIZE_V5;
	be = h->byte_order != (*(const uint8_t *)&one == 1 ?
	    FT_LITTLE_ENDIAN : FT_BIG_ENDIAN);
	for (;;) {
		if (b == NULL) {
			pthread_mutex_lock(&s->mu);
			b = get_batch(s);
			pthread_mutex_unlock(&s->mu);
			if (b == NULL) {
				snprintf(err, sizeof(err), "%s: out of memory",
				    s->files[i].path);
				rc = -2;
				break;
			}
			b->n = 0;
		}
		while (b->n < lim &&
		    (rc = next_rec(r, fast, be, &b->recs[b->n])) == 1)
			if (!win || src_match(&s->o, &b->recs[b->n]))
				b->n++;
		if (s->o.each != NULL) {
			if (b->n > 0)
				s->o.each(s->o.each_arg, thr, b->recs, b->n);
			b->n = 0;
		} else if (b->n == lim || (rc != 1 && b->n > 0)) {
			if (put_batch(s, i, b) == -1) {
				stopped = 1;
				b = NULL;
				break;
			}
			b = NULL;
		}
		if (rc != 1)
			break;
	}
	pthread_mutex_lock(&s->mu);
	if (b != NULL) {
		b->next = s->free;
		s->free = b;
	}
	if (!stopped) {
		if (rc == -1) {
			failed = 1;
			slot_warn(sl, ftr_error(r));
		} else if (rc == -2) {
			failed = 1;
			slot_warn(sl, err);
		}
		if ((w = ftr_warning(r)) != NULL)
			slot_warn(sl, w);
	}
	ftr_close(r);
done:
	sl->failed = failed;
	sl->done = 1;
	if (i == s->cur)
		pthread_cond_broadcast(&s->cv_data);
	pthread_mutex_unlock(&s->mu);
}

static void *
worker(void *arg)
{
	struct wk *w = arg;
	struct src *s = w->s;
	unsigned i;

	for (;;) {
		pthread_mutex_lock(&s->mu);
		if (s->stop || s->next_file >= s->nfiles) {
			pthread_mutex_unlock(&s->mu);
			return NULL;
		}
		i = s->next_file++;
		pthread_mutex_unlock(&s->mu);
		read_file(s, i, w->idx);
	}
}

/* ---------------------------------------------------------------- ClickHouse */

static struct src *
ch_open(struct src *s, char *err, size_t errlen)
{
	struct chsrc_url u;
	char *where;
	int exact;

	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv_data, NULL);
	pthread_cond_init(&s->cv_space, NULL);
	if (chsrc_parse_url(s->o.ch_url, &u, err, errlen) == -1) {
		src_close(s);
		return NULL;
	}
	if ((s->chrecs = malloc(SRC_BATCH * sizeof(*s->chrecs))) == NULL ||
	    (where = chsrc_where(s->o.from_ms, s->o.to_ms, (int)s->o.rule,
	    s->o.ch_filter, &exact)) == NULL) {
		snprintf(err, errlen, "out of memory");
		src_close(s);
		return NULL;
	}
	s->ch = chsrc_open(&u, where, err, errlen);
	free(where);
	if (s->ch == NULL) {
		src_close(s);
		return NULL;
	}
	return s;
}

/* The next batch of rows in the window; 0 at the end or on an error
 * (warned, counted as a failed file). */
static int
ch_batch(struct src *s, const struct flowrec **recs, unsigned *n)
{
	char err[512];
	unsigned k = 0;
	int rc = 1;

	while (k < SRC_BATCH && (rc = chsrc_next(s->ch, &s->chrecs[k], err,
	    sizeof(err))) == 1)
		if (!has_window(&s->o) || src_match(&s->o, &s->chrecs[k]))
			k++;
	if (rc == -1) {
		src_warn(s, err);
		s->nfailed = 1;
		s->cur = 1;
	} else if (rc == 0 && s->cur == 0) {
		s->nread = 1;
		s->cur = 1;
	}
	*recs = s->chrecs;
	*n = k;
	return k > 0;
}

static int
ch_next_batch(struct src *s, const struct flowrec **recs, unsigned *n)
{
	unsigned k;

	*recs = NULL;
	*n = 0;
	if (s->cur > 0 && s->o.each == NULL)
		return 0;
	if (s->o.each == NULL)
		return ch_batch(s, recs, n) || (*n = 0, 0);
	/* unordered mode: hand everything to each() here */
	while (s->cur == 0 && ch_batch(s, recs, n))
		for (k = 0; k < *n; k += SRC_EACH_MAX)
			s->o.each(s->o.each_arg, 0, *recs + k, *n - k >
			    SRC_EACH_MAX ? SRC_EACH_MAX : *n - k);
	*recs = NULL;
	*n = 0;
	return 0;
}

/* ---------------------------------------------------------------- API */

struct src *
src_open(const char *const *paths, unsigned npaths, const struct src_opts *o,
    char *err, size_t errlen)
{
	struct src *s = calloc(1, sizeof(*s));
	unsigned nthr;
	long ncpu;

	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (o != NULL)
		s->o = *o;
	if (s->o.rule > SRC_ALL) {
		snprintf(err, errlen, "unknown inclusion rule %d",
		    (int)s->o.rule);
		free(s);
		return NULL;
	}
	if (s->o.to_ms != 0 && s->o.to_ms <= s->o.from_ms) {
		free(s);
		snprintf(err, errlen, "the end of the time window is not "
		    "after its start");
		return NULL;
	}
	if (s->o.ch_url != NULL)
		return ch_open(s, err, errlen);
	s->period_ms = (uint64_t)(s->o.period_s != 0 ? s->o.period_s :
	    SRC_DEFPERIOD) * 1000;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv_data, NULL);
	pthread_cond_init(&s->cv_space, NULL);
	if (build_list(s, paths, npaths, err, errlen) == -1) {
		src_close(s);
		return NULL;
	}
	if (s->nfiles == 0 || s->o.list_only) {
		s->cur = s->nfiles;	/* nothing to deliver */
		return s;
	}
	if ((s->slots = calloc(s->nfiles, sizeof(*s->slots))) == NULL) {
		src_close(s);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	nthr = s->o.threads;
	if (nthr == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		nthr = ncpu > 0 ? (unsigned)ncpu : 1;
	}
	if (nthr > SRC_MAXTHR)
		nthr = SRC_MAXTHR;
	if (nthr > s->nfiles)
		nthr = s->nfiles;
	s->started = 1;
	for (unsigned i = 0; i < nthr; i++) {
		s->wk[i].s = s;
		s->wk[i].idx = i;
		if (pthread_create(&s->thr[i], NULL, worker, &s->wk[i]) != 0)
			break;
		s->nthr++;
	}
	if (s->nthr == 0) {
		src_close(s);
		snprintf(err, errlen, "cannot start reader threads");
		return NULL;
	}
	return s;
}

static void
deliver_warnings(struct src *s, struct slot *sl)
{
	char *p, *nl;

	for (p = sl->warn; p != NULL; p = nl != NULL ? nl + 1 : NULL) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl = '\0';
		src_warn(s, p);
	}
	free(sl->warn);
	sl->warn = NULL;
}

int
src_next_batch(struct src *s, const struct flowrec **recs, unsigned *n)
{
	struct slot *sl;
	struct batch *b;

	if (s->o.ch_url != NULL)
		return ch_next_batch(s, recs, n);
	*recs = NULL;
	*n = 0;
	pthread_mutex_lock(&s->mu);
	if (s->held != NULL) {
		s->held->next = s->free;
		s->free = s->held;
		s->held = NULL;
	}
	while (s->cur < s->nfiles) {
		sl = &s->slots[s->cur];
		if ((b = sl->head) != NULL) {
			if ((sl->head = b->next) == NULL)
				sl->tail = NULL;
			sl->queued--;
			s->queued--;
			pthread_cond_broadcast(&s->cv_space);
			s->held = b;
			pthread_mutex_unlock(&s->mu);
			*recs = b->recs;
			*n = b->n;
			return 1;
		}
		if (!sl->done) {
			pthread_cond_wait(&s->cv_data, &s->mu);
			continue;
		}
		if (sl->failed)
			s->nfailed++;
		else
			s->nread++;
		s->nindexed += sl->indexed && !sl->failed;
		s->cur++;
		pthread_cond_broadcast(&s->cv_space);	/* a new exempt slot */
		if (sl->warn != NULL) {
			pthread_mutex_unlock(&s->mu);
			deliver_warnings(s, sl);
			pthread_mutex_lock(&s->mu);
		}
	}
	pthread_mutex_unlock(&s->mu);
	return 0;
}

int
src_next(struct src *s, struct flowrec *out)
{
	while (s->npend == 0)
		if (src_next_batch(s, &s->pend, &s->npend) == 0)
			return 0;
	*out = *s->pend++;
	s->npend--;
	return 1;
}

unsigned
src_files(const struct src *s)
{
	return s->nread;
}

unsigned
src_failed(const struct src *s)
{
	return s->nfailed;
}

unsigned
src_indexed(const struct src *s)
{
	return s->nindexed;
}

unsigned
src_nselected(const struct src *s)
{
	return s->nfiles;
}

const char *
src_selected(const struct src *s, unsigned i)
{
	return i < s->nfiles ? s->files[i].path : NULL;
}

void
src_close(struct src *s)
{
	struct batch *b;

	if (s == NULL)
		return;
	if (s->started) {
		pthread_mutex_lock(&s->mu);
		s->stop = 1;
		pthread_cond_broadcast(&s->cv_space);
		pthread_mutex_unlock(&s->mu);
		for (unsigned i = 0; i < s->nthr; i++)
			pthread_join(s->thr[i], NULL);
	}
	for (unsigned i = 0; s->slots != NULL && i < s->nfiles; i++) {
		while ((b = s->slots[i].head) != NULL) {
			s->slots[i].head = b->next;
			free(b);
		}
		free(s->slots[i].warn);
	}
	chsrc_close(s->ch);
	free(s->chrecs);
	free(s->held);
	while ((b = s->free) != NULL) {
		s->free = b->next;
		free(b);
	}
	for (unsigned i = 0; i < s->nfiles; i++)
		free(s->files[i].path);
	free(s->files);
	free(s->slots);
	pthread_cond_destroy(&s->cv_space);
	pthread_cond_destroy(&s->cv_data);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
