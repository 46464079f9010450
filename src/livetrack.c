/*
 * livetrack.c - live trackings in the daemon (see livetrack.h).
 *
 * The event loop owns the tracker; final steps go through a mutex-guarded
 * queue to one worker thread that does every librrd call.
 */
#define _GNU_SOURCE

#include <sys/stat.h>
#include <sys/wait.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "storage/rrdstore.h"

#include "alert.h"
#include "filter.h"
#include "livetrack.h"
#include "log.h"
#include "tracker.h"
#include "util.h"

#define LT_MAX		4096		/* trackings */
#define LT_LINE		4096

#define LT_ALERTS	4		/* alert rules per tracking */
#define LT_ENSURED	8192		/* RRDs known good (worker), 2^n */

struct lt_def {
	char		 name[128];
	struct filter	*f;
	double		 mult;
	struct alert_rule rule[LT_ALERTS];
	struct alert_state *ast;	/* one per rule */
	unsigned	 nrules;
	char		 command[1024];	/* run when an alert fires */
	uint64_t	 hash;		/* of the definition's text */
};

struct lt_job {
	struct lt_job	*next;
	char		 path[1024 + 128 + 8];
	unsigned	 step;
	uint64_t	 queued_us;	/* monotonic */
	struct rrd_sample s;
};

/* The worker's view of the step being flushed. */
struct lt_flush {
	time_t		 t;		/* its end */
	uint64_t	 start_us;	/* its first sample queued */
	unsigned	 n;		/* samples written */
};

struct livetrack {
	char		 trackdir[1024];
	char		 rrddir[1024];
	char		 rrdcached[1024];	/* "" = write the files */
	unsigned	 step, lateness;
	struct tracker	*tr;
	struct lt_def	*defs;
	unsigned	 ndefs;

	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct lt_job	*head, *tail;
	int		 stop;
	uint64_t	 rrd_errors;
	uint64_t	 rrd_recreated;	/* broken ones moved aside */
	struct lt_flush	 cur;		/* worker only */
	uint64_t	 ensured[LT_ENSURED];	/* worker only: path hashes */
	unsigned	 nensured;
	struct livetrack_flush last;	/* under mu */
};

/* snprintf that may truncate (messages). */
static void
lt_err(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
lt_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ worker */

static uint64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Job j is written (under mu): a step's flush ends when no sample of the
 * same step is queued behind it. */
static void
lt_flushed(struct livetrack *lt, const struct lt_job *j)
{
	if (j->s.t != lt->cur.t) {
		lt->cur.t = j->s.t;
		lt->cur.start_us = j->queued_us;
		lt->cur.n = 0;
	}
	lt->cur.n++;
	if (lt->head != NULL && lt->head->s.t == lt->cur.t)
		return;
	lt->last.t = lt->cur.t;
	lt->last.rrds = lt->cur.n;
	lt->last.wall_us = mono_us() - lt->cur.start_us;
	lt->last.steps++;
}

static uint64_t
path_hash(const char *p)
{
	uint64_t h = 1469598103934665603ull;

	for (; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	return h | 1;		/* 0 marks a free slot */
}

/* Is the RRD of hash h known good (add: remember it)? */
static int
ensured(struct livetrack *lt, uint64_t h, int add)
{
	unsigned i = (unsigned)h & (LT_ENSURED - 1);

	for (; lt->ensured[i] != 0; i = (i + 1) & (LT_ENSURED - 1))
		if (lt->ensured[i] == h)
			return 1;
	if (add && lt->nensured >= LT_ENSURED / 2) {
		memset(lt->ensured, 0, sizeof(lt->ensured));
		lt->nensured = 0;
		return ensured(lt, h, add);
	}
	if (add) {
		lt->ensured[i] = h;
		lt->nensured++;
	}
	return 0;
}

static int
lt_update(struct livetrack *lt, const struct lt_job *j, char *err,
    size_t errlen)
{
	if (lt->rrdcached[0] != '\0')
		return rrdstore_update_cached(lt->rrdcached, j->path, &j->s,
		    1, err, errlen);
	return rrdstore_update(j->path, &j->s, 1, err, errlen);
}

/* Check the RRD (once: it is remembered as good), write the sample; when
 * a remembered RRD fails, check it again (it may have been removed or
 * broken since) and retry once. */
static int
lt_write(struct livetrack *lt, const struct lt_job *j, char *err,
    size_t errlen)
{
	uint64_t h = path_hash(j->path);
	int known = ensured(lt, h, 0), rc;

	for (int try = 0; try < 2; try++) {
		if (!known) {
			rc = rrdstore_ensure(j->path, j->step,
			    j->s.t - (time_t)j->step, err, errlen);
			if (rc == 1)
				log_info("%s", err);
			if (rc == 2) {
				log_warnx("tracking: %s", err);
				pthread_mutex_lock(&lt->mu);
				lt->rrd_recreated++;
				pthread_mutex_unlock(&lt->mu);
			}
			if (rc < 0)
				return -1;
			ensured(lt, h, 1);
		}
		if (lt_update(lt, j, err, errlen) >= 0)
			return 0;
		if (!known)
			return -1;
		memset(lt->ensured, 0, sizeof(lt->ensured));
		lt->nensured = 0;
		known = 0;
	}
	return -1;
}

static void *
lt_worker(void *arg)
{
	struct livetrack *lt = arg;
	struct lt_job *j;
	char err[1024];
	int rc;

	pthread_mutex_lock(&lt->mu);
	for (;;) {
		while (lt->head == NULL && !lt->stop)
			pthread_cond_wait(&lt->cv, &lt->mu);
		if ((j = lt->head) == NULL)
			break;
		lt->head = j->next;
		if (lt->head == NULL)
			lt->tail = NULL;
		pthread_mutex_unlock(&lt->mu);

		if ((rc = lt_write(lt, j, err, sizeof(err))) < 0)
			log_warnx("tracking: %s", err);

		pthread_mutex_lock(&lt->mu);
		if (rc < 0)
			lt->rrd_errors++;
		lt_flushed(lt, j);
		free(j);
	}
	pthread_mutex_unlock(&lt->mu);
	return NULL;
}

static void
lt_queue(struct livetrack *lt, const char *name, const struct rrd_sample *s)
{
	struct lt_job *j = calloc(1, sizeof(*j));

	if (j == NULL) {
		log_warnx("tracking %s: out of memory, step lost", name);
		return;
	}
	lt_err(j->path, sizeof(j->path), "%s/%s.rrd", lt->rrddir, name);
	j->step = lt->step;
	j->queued_us = mono_us();
	j->s = *s;
	pthread_mutex_lock(&lt->mu);
	if (lt->tail != NULL)
		lt->tail->next = j;
	else
		lt->head = j;
	lt->tail = j;
	pthread_cond_signal(&lt->cv);
	pthread_mutex_unlock(&lt->mu);
}

/* ------------------------------------------------------------ setup */

struct livetrack *
livetrack_new(const char *trackdir, const char *rrddir, unsigned step,
    unsigned lateness, char *err, size_t errlen)
{
	struct livetrack *lt;

	if ((lt = calloc(1, sizeof(*lt))) == NULL) {
		lt_err(err, errlen, "out of memory");
		return NULL;
	}
	util_strlcpy(lt->trackdir, trackdir, sizeof(lt->trackdir));
	util_strlcpy(lt->rrddir, rrddir, sizeof(lt->rrddir));
	lt->step = step;
	lt->lateness = lateness;
	if ((lt->tr = tracker_new(step, lateness)) == NULL) {
		lt_err(err, errlen, "tracking step must be 60..3600 seconds "
		    "and lateness 1..100 steps (got %u, %u)", step, lateness);
		free(lt);
		return NULL;
	}
	pthread_mutex_init(&lt->mu, NULL);
	pthread_cond_init(&lt->cv, NULL);
	if (pthread_create(&lt->th, NULL, lt_worker, lt) != 0) {
		lt_err(err, errlen, "cannot start the RRD thread");
		tracker_free(lt->tr);
		free(lt);
		return NULL;
	}
	return lt;
}

int
livetrack_set_rrdcached(struct livetrack *lt, const char *addr, char *err,
    size_t errlen)
{
	char abs[PATH_MAX];

	/* rrdcached resolves relative names against its own directory */
	if (addr[0] != '\0' && realpath(lt->rrddir, abs) == NULL) {
		lt_err(err, errlen, "%s: %s", lt->rrddir, strerror(errno));
		return -1;
	}
	pthread_mutex_lock(&lt->mu);
	if (addr[0] != '\0')
		util_strlcpy(lt->rrddir, abs, sizeof(lt->rrddir));
	util_strlcpy(lt->rrdcached, addr, sizeof(lt->rrdcached));
	pthread_mutex_unlock(&lt->mu);
	return 0;
}

static int
name_ok(const char *s)
{
	if (*s == '\0' || *s == '.' || strlen(s) >= 128)
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' &&
		    *s != '.')
			return 0;
	return 1;
}

/* Parse one definition file into d; 0 or -1 with err. */
static int
parse_def(const char *path, struct lt_def *d, char *err, size_t errlen)
{
	char line[LT_LINE], fe[512], *p, *v;
	char expr[LT_LINE] = "";
	unsigned ln = 0;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		lt_err(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	d->mult = 1;
	d->hash = 1469598103934665603ull;
	while (fgets(line, sizeof(line), fp) != NULL) {
		ln++;
		/* graph notes ("note EPOCH TEXT") do not change what is
		 * counted: adding one keeps the tracking's open steps */
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (strncmp(p, "note", 4) == 0 &&
		    isspace((unsigned char)p[4]))
			continue;
		for (p = line; *p != '\0'; p++)
			d->hash = (d->hash ^ (unsigned char)*p) *
			    1099511628211ull;
		line[strcspn(line, "\r\n")] = '\0';
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (*p == '\0' || *p == '#')
			continue;
		v = p + strcspn(p, " \t");
		if (*v != '\0')
			*v++ = '\0';
		while (isspace((unsigned char)*v))
			v++;
		if (strcmp(p, "filter") == 0)
			util_strlcpy(expr, v, sizeof(expr));
		else if (strcmp(p, "alert") == 0) {
			char ae[256];

			if (d->nrules == LT_ALERTS) {
				lt_err(err, errlen, "%s:%u: at most %d alert "
				    "rules", path, ln, LT_ALERTS);
				fclose(fp);
				return -1;
			}
			if (alert_parse(v, &d->rule[d->nrules], ae,
			    sizeof(ae)) == -1) {
				lt_err(err, errlen, "%s:%u: %s", path, ln, ae);
				fclose(fp);
				return -1;
			}
			d->nrules++;
		} else if (strcmp(p, "alert-command") == 0)
			util_strlcpy(d->command, v, sizeof(d->command));
		else if (strcmp(p, "multiplier") == 0) {
			char *end;

			d->mult = strtod(v, &end);
			if (end == v || *end != '\0' || !(d->mult > 0)) {
				lt_err(err, errlen, "%s:%u: multiplier must "
				    "be a number above 0", path, ln);
				fclose(fp);
				return -1;
			}
		} else if (strcmp(p, "notes") != 0) {
			lt_err(err, errlen, "%s:%u: unknown key \"%s\" "
			    "(filter, multiplier, notes, note, alert, "
			    "alert-command)",
			    path, ln, p);
			fclose(fp);
			return -1;
		}
	}
	fclose(fp);
	if (d->nrules > 0 &&
	    (d->ast = calloc(d->nrules, sizeof(*d->ast))) == NULL) {
		lt_err(err, errlen, "out of memory");
		return -1;
	}
	if ((d->f = filter_compile(expr, NULL, fe, sizeof(fe))) == NULL) {
		lt_err(err, errlen, "%s: filter: %s", path, fe);
		free(d->ast);
		d->ast = NULL;
		return -1;
	}
	return 0;
}

static void
defs_free(struct livetrack *lt)
{
	for (unsigned i = 0; i < lt->ndefs; i++) {
		filter_free(lt->defs[i].f);
		free(lt->defs[i].ast);
	}
	free(lt->defs);
	lt->defs = NULL;
	lt->ndefs = 0;
}

/* An alert fired: log it, keep it in RRDDIR/alerts.log, run the command
 * with the details in its environment. */
static void
lt_fire(struct livetrack *lt, const struct lt_def *d,
    const struct alert_rule *r, const struct alert_state *st,
    const struct rrd_sample *s, double value)
{
	static const char *const unit[3] = { "b/s", "packets/s", "flows/s" };
	char rule[128], when[64], path[1200], env[6][1400];
	struct tm tm;
	time_t t = s->t;
	FILE *fp;
	pid_t pid;

	alert_format(r, rule, sizeof(rule));
	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S%z", &tm);
	log_warnx("alert: tracking %s: %s: %.6g %s (limit %.6g) in the step "
	    "ending %s", d->name, rule, value, unit[r->unit], st->limit, when);
	lt_err(path, sizeof(path), "%s/alerts.log", lt->rrddir);
	if ((fp = fopen(path, "a")) != NULL) {
		fprintf(fp, "%s\t%s\t%s\t%.6g\t%.6g\t%s\n", when, d->name,
		    rule, value, st->limit, unit[r->unit]);
		fclose(fp);
	}
	if (d->command[0] == '\0')
		return;
	lt_err(env[0], sizeof(env[0]), "FK_TRACKING=%s", d->name);
	lt_err(env[1], sizeof(env[1]), "FK_RULE=%s", rule);
	lt_err(env[2], sizeof(env[2]), "FK_VALUE=%.6g", value);
	lt_err(env[3], sizeof(env[3]), "FK_LIMIT=%.6g", st->limit);
	lt_err(env[4], sizeof(env[4]), "FK_UNIT=%s", unit[r->unit]);
	lt_err(env[5], sizeof(env[5]), "FK_TIME=%s", when);
	if ((pid = fork()) == -1) {
		log_warn("alert command %s", d->command);
		return;
	}
	if (pid == 0) {
		for (int k = 0; k < 6; k++)
			putenv(env[k]);
		execl("/bin/sh", "sh", "-c", d->command, (char *)NULL);
		_exit(127);
	}
}

static void
lt_cb(void *arg, int i, const struct rrd_sample *s)
{
	struct livetrack *lt = arg;
	struct lt_def *d = &lt->defs[i];
	double rates[3] = { s->bits, s->packets, s->flows };

	lt_queue(lt, d->name, s);
	for (unsigned k = 0; k < d->nrules; k++)
		if (alert_step(&d->rule[k], &d->ast[k], rates))
			lt_fire(lt, d, &d->rule[k], &d->ast[k], s,
			    rates[d->rule[k].unit]);
}

static int
cmp_def(const void *a, const void *b)
{
	return strcmp(((const struct lt_def *)a)->name,
	    ((const struct lt_def *)b)->name);
}

int
livetrack_load(struct livetrack *lt, uint64_t now_ms, char *err,
    size_t errlen)
{
	struct lt_def *defs;
	struct tracker *tr;
	struct dirent *de;
	struct stat st;
	char path[2048], e1[1024];
	unsigned n = 0, bad = 0;
	DIR *dir;

	err[0] = '\0';
	if ((dir = opendir(lt->trackdir)) == NULL) {
		if (errno != ENOENT) {
			lt_err(err, errlen, "%s: %s", lt->trackdir,
			    strerror(errno));
			return -1;
		}
	}
	if ((defs = calloc(LT_MAX, sizeof(*defs))) == NULL ||
	    (tr = tracker_new(lt->step, lt->lateness)) == NULL) {
		free(defs);
		if (dir != NULL)
			closedir(dir);
		lt_err(err, errlen, "out of memory");
		return -1;
	}
	while (dir != NULL && (de = readdir(dir)) != NULL && n < LT_MAX) {
		if (!name_ok(de->d_name))
			continue;
		lt_err(path, sizeof(path), "%s/%s", lt->trackdir,
		    de->d_name);
		if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		memset(&defs[n], 0, sizeof(defs[n]));
		util_strlcpy(defs[n].name, de->d_name, sizeof(defs[n].name));
		if (parse_def(path, &defs[n], e1, sizeof(e1)) == -1) {
			if (bad++ == 0)
				util_strlcpy(err, e1, errlen);
			continue;
		}
		n++;
	}
	if (dir != NULL)
		closedir(dir);
	qsort(defs, n, sizeof(*defs), cmp_def);
	/* Steps final by now are written by the old definitions; a tracking
	 * whose definition did not change keeps its open steps and alert
	 * state, a new or changed one starts counting now. */
	tracker_advance(lt->tr, now_ms, lt_cb, lt);
	tracker_take_window(tr, lt->tr);
	for (unsigned i = 0; i < n; i++) {
		int k = tracker_add(tr, defs[i].f, defs[i].mult, now_ms);

		for (unsigned j = 0; j < lt->ndefs; j++) {
			struct lt_def *o = &lt->defs[j];

			if (strcmp(o->name, defs[i].name) != 0 ||
			    o->hash != defs[i].hash)
				continue;
			tracker_adopt(tr, k, lt->tr, (int)j);
			if (o->nrules == defs[i].nrules && o->nrules > 0)
				memcpy(defs[i].ast, o->ast, o->nrules *
				    sizeof(*o->ast));
		}
	}
	tracker_free(lt->tr);
	defs_free(lt);
	lt->tr = tr;
	lt->defs = defs;
	lt->ndefs = n;
	return bad > 0 ? -1 : (int)n;
}

void
livetrack_put(void *arg, const struct flowrec *recs, unsigned n)
{
	struct livetrack *lt = arg;

	if (lt->ndefs > 0)
		tracker_put(lt->tr, recs, n);
}

void
livetrack_tick(struct livetrack *lt, uint64_t now_ms)
{
	tracker_advance(lt->tr, now_ms, lt_cb, lt);
}

struct filter *
livetrack_read_def(const char *path, double *mult, char *err, size_t errlen)
{
	struct lt_def d;

	memset(&d, 0, sizeof(d));
	if (parse_def(path, &d, err, errlen) == -1)
		return NULL;
	free(d.ast);
	*mult = d.mult;
	return d.f;
}

unsigned
livetrack_count(const struct livetrack *lt)
{
	return lt->ndefs;
}

void
livetrack_get(const struct livetrack *lt, unsigned i,
    struct livetrack_info *out)
{
	struct tracker_stats st;

	memset(out, 0, sizeof(*out));
	if (i >= lt->ndefs)
		return;
	util_strlcpy(out->name, lt->defs[i].name, sizeof(out->name));
	tracker_get_stats(lt->tr, (int)i, &st);
	out->matched = st.matched;
	out->late_flows = st.late_flows;
	out->buckets = st.buckets;
}

uint64_t
livetrack_rrd_errors(const struct livetrack *lt)
{
	uint64_t n;

	pthread_mutex_lock((pthread_mutex_t *)&lt->mu);
	n = lt->rrd_errors;
	pthread_mutex_unlock((pthread_mutex_t *)&lt->mu);
	return n;
}

uint64_t
livetrack_rrd_recreated(const struct livetrack *lt)
{
	uint64_t n;

	pthread_mutex_lock((pthread_mutex_t *)&lt->mu);
	n = lt->rrd_recreated;
	pthread_mutex_unlock((pthread_mutex_t *)&lt->mu);
	return n;
}

void
livetrack_get_flush(const struct livetrack *lt, struct livetrack_flush *out)
{
	pthread_mutex_lock((pthread_mutex_t *)&lt->mu);
	*out = lt->last;
	pthread_mutex_unlock((pthread_mutex_t *)&lt->mu);
}

void
livetrack_get_index(const struct livetrack *lt, struct trkindex_stats *out)
{
	tracker_get_index(lt->tr, out);
}

void
livetrack_free(struct livetrack *lt)
{
	if (lt == NULL)
		return;
	pthread_mutex_lock(&lt->mu);
	lt->stop = 1;
	pthread_cond_signal(&lt->cv);
	pthread_mutex_unlock(&lt->mu);
	pthread_join(lt->th, NULL);
	pthread_mutex_destroy(&lt->mu);
	pthread_cond_destroy(&lt->cv);
	tracker_free(lt->tr);
	defs_free(lt);
	free(lt);
}
