/*
 * names.c - protocol, port, AS and host names for reports (see names.h).
 */
#define _GNU_SOURCE	/* NI_NAMEREQD, getservbyport_r */

#include <sys/socket.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "names.h"

#define NEG_TTL		3600		/* "no name" kept an hour */
#define POS_TTL		(7 * 86400)	/* names a week */

/* ---------------------------------------------------------------- system */

const char *
names_proto(unsigned proto, char *buf, size_t len)
{
	struct protoent pe, *res = NULL;
	char tmp[1024];

	if (getprotobynumber_r((int)proto, &pe, tmp, sizeof(tmp), &res) != 0 ||
	    res == NULL)
		return NULL;
	snprintf(buf, len, "%s", res->p_name);
	return buf;
}

const char *
names_port(unsigned port, char *buf, size_t len)
{
	static const char *const protos[] = { "tcp", "udp" };
	struct servent se, *res;
	char tmp[1024];

	for (unsigned i = 0; i < 2; i++) {
		res = NULL;
		if (getservbyport_r(htons((uint16_t)port), protos[i], &se, tmp,
		    sizeof(tmp), &res) == 0 && res != NULL) {
			snprintf(buf, len, "%s", res->s_name);
			return buf;
		}
	}
	return NULL;
}

/* ---------------------------------------------------------------- AS */

struct as_ent {
	uint32_t	 asn;
	char		*name;
};

struct names_as {
	struct as_ent	*v;
	size_t		 n, cap;
};

static int
as_cmp(const void *a, const void *b)
{
	const struct as_ent *x = a, *y = b;

	return x->asn < y->asn ? -1 : x->asn > y->asn;
}

static int
as_line(struct names_as *a, char *line)
{
	char *p = line, *end, *name;
	unsigned long v;

	p[strcspn(p, "#\r\n")] = '\0';
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0')
		return 0;
	if (strncasecmp(p, "AS", 2) == 0)
		p += 2;
	errno = 0;
	v = strtoul(p, &end, 10);
	if (end == p || errno != 0 || v > UINT32_MAX ||
	    !isspace((unsigned char)*end))
		return -1;
	name = end;
	while (isspace((unsigned char)*name))
		name++;
	name[strcspn(name, "\t")] = '\0';
	if (a->n == a->cap) {
		size_t nc = a->cap ? a->cap * 2 : 256;
		struct as_ent *nv = realloc(a->v, nc * sizeof(*nv));

		if (nv == NULL)
			return -1;
		a->v = nv;
		a->cap = nc;
	}
	if ((a->v[a->n].name = strdup(name)) == NULL)
		return -1;
	a->v[a->n++].asn = (uint32_t)v;
	return 0;
}

struct names_as *
names_as_load(const char *path, char *err, size_t errlen)
{
	struct names_as *a;
	char line[512];
	unsigned lineno = 0;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		fclose(fp);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if (as_line(a, line) == -1) {
			snprintf(err, errlen, "%s:%u: expected \"ASN name\"",
			    path, lineno);
			fclose(fp);
			names_as_free(a);
			return NULL;
		}
	}
	fclose(fp);
	if (a->n > 0)
		qsort(a->v, a->n, sizeof(*a->v), as_cmp);
	return a;
}

const char *
names_as_find(const struct names_as *a, uint32_t asn)
{
	struct as_ent k = { asn, NULL }, *e;

	if (a == NULL || a->n == 0)
		return NULL;
	e = bsearch(&k, a->v, a->n, sizeof(*a->v), as_cmp);
	return e != NULL ? e->name : NULL;
}

void
names_as_free(struct names_as *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i].name);
	free(a->v);
	free(a);
}

/* ---------------------------------------------------------------- DNS */

struct dns_ent {
	uint8_t		 af;		/* 0 = free */
	fr_addr		 addr;
	int64_t		 when;		/* answered at */
	char		 name[NAMES_MAX];	/* "" = no name */
};

struct names_dns {
	char		*path;
	struct dns_ent	*v;
	unsigned	 n, max;
};

/* One batch of lookups, shared with the workers; freed by the last one
 * to let go of it. */
struct dns_job {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	unsigned	 refs, next, n, done;
	int		 abandoned;
	struct dns_ent	*items;		/* name filled in, when set */
	uint8_t		*answered;
};

static int
same(const struct dns_ent *e, uint8_t af, const fr_addr *a)
{
	if (e->af != af)
		return 0;
	return af == FR_AF_INET6 ? memcmp(e->addr.v6, a->v6, 16) == 0 :
	    e->addr.v4 == a->v4;
}

static struct dns_ent *
lookup(const struct names_dns *d, uint8_t af, const fr_addr *a)
{
	int64_t now = time(NULL);

	for (unsigned i = 0; i < d->n; i++) {
		struct dns_ent *e = &d->v[i];

		if (!same(e, af, a))
			continue;
		if (now - e->when > (e->name[0] ? POS_TTL : NEG_TTL))
			return NULL;
		return e;
	}
	return NULL;
}

/* Store an answer: over the same address, in a free slot, or over the
 * oldest entry. */
static void
store(struct names_dns *d, const struct dns_ent *in)
{
	struct dns_ent *e = NULL;

	for (unsigned i = 0; i < d->n && e == NULL; i++)
		if (same(&d->v[i], in->af, &in->addr))
			e = &d->v[i];
	if (e == NULL && d->n < d->max)
		e = &d->v[d->n++];
	if (e == NULL) {
		e = &d->v[0];
		for (unsigned i = 1; i < d->n; i++)
			if (d->v[i].when < e->when)
				e = &d->v[i];
	}
	*e = *in;
}

static int
parse_addr(const char *s, uint8_t *af, fr_addr *a)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) == 1) {
		*af = FR_AF_INET;
		a->v4 = ntohl(in.s_addr);
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->v6) == 1) {
		*af = FR_AF_INET6;
		return 0;
	}
	return -1;
}

static void
load_cache(struct names_dns *d)
{
	char line[512], addr[64], name[NAMES_MAX];
	struct dns_ent e;
	long long when;
	FILE *fp;

	if (d->path == NULL || (fp = fopen(d->path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		memset(&e, 0, sizeof(e));
		if (sscanf(line, "%lld %63s %127s", &when, addr, name) != 3 ||
		    parse_addr(addr, &e.af, &e.addr) == -1)
			continue;	/* a damaged line is dropped */
		e.when = when;
		if (strcmp(name, "-") != 0)
			snprintf(e.name, sizeof(e.name), "%s", name);
		store(d, &e);
	}
	fclose(fp);
}

struct names_dns *
names_dns_open(const char *path, unsigned max_entries)
{
	struct names_dns *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->max = max_entries ? max_entries : 1;
	if ((d->v = calloc(d->max, sizeof(*d->v))) == NULL ||
	    (path != NULL && (d->path = strdup(path)) == NULL)) {
		names_dns_close(d);
		return NULL;
	}
	load_cache(d);
	return d;
}

static void
addr_str(uint8_t af, const fr_addr *a, char *buf, size_t len)
{
	struct in_addr in;

	if (af == FR_AF_INET6)
		inet_ntop(AF_INET6, a->v6, buf, (socklen_t)len);
	else {
		in.s_addr = htonl(a->v4);
		inet_ntop(AF_INET, &in, buf, (socklen_t)len);
	}
}

int
names_dns_save(const struct names_dns *d)
{
	char tmp[4096], addr[64];
	FILE *fp;
	int fd;

	if (d->path == NULL)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", d->path);
	if ((fd = mkstemp(tmp)) == -1)
		return -1;
	if ((fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	for (unsigned i = 0; i < d->n; i++) {
		addr_str(d->v[i].af, &d->v[i].addr, addr, sizeof(addr));
		fprintf(fp, "%lld %s %s\n", (long long)d->v[i].when, addr,
		    d->v[i].name[0] ? d->v[i].name : "-");
	}
	if (fclose(fp) != 0 || rename(tmp, d->path) == -1) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

void
names_dns_close(struct names_dns *d)
{
	if (d == NULL)
		return;
	free(d->v);
	free(d->path);
	free(d);
}

const char *
names_dns_find(const struct names_dns *d, uint8_t af, const fr_addr *addr)
{
	const struct dns_ent *e = lookup(d, af, addr);

	return e != NULL && e->name[0] ? e->name : NULL;
}

static void
job_release(struct dns_job *j)
{
	int last;

	pthread_mutex_lock(&j->mu);
	last = --j->refs == 0;
	pthread_mutex_unlock(&j->mu);
	if (!last)
		return;
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	free(j->items);
	free(j->answered);
	free(j);
}

/* getnameinfo for one entry; name "" when there is none. */
static void
reverse(struct dns_ent *e, char *name, size_t len)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl;

	memset(&ss, 0, sizeof(ss));
	if (e->af == FR_AF_INET6) {
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, e->addr.v6, 16);
		sl = sizeof(*s6);
	} else {
		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(e->addr.v4);
		sl = sizeof(*s4);
	}
	if (getnameinfo((struct sockaddr *)&ss, sl, name, (socklen_t)len,
	    NULL, 0, NI_NAMEREQD) != 0)
		name[0] = '\0';
}

static void *
worker(void *arg)
{
	struct dns_job *j = arg;
	char name[NAMES_MAX];

	pthread_mutex_lock(&j->mu);
	while (!j->abandoned && j->next < j->n) {
		struct dns_ent e = j->items[j->next];
		unsigned i = j->next++;

		pthread_mutex_unlock(&j->mu);
		reverse(&e, name, sizeof(name));
		pthread_mutex_lock(&j->mu);
		snprintf(j->items[i].name, sizeof(j->items[i].name), "%s",
		    name);
		j->answered[i] = 1;
		j->done++;
		pthread_cond_signal(&j->cv);
	}
	pthread_mutex_unlock(&j->mu);
	job_release(j);
	return NULL;
}

static struct dns_job *
job_new(const struct names_dns *d, const uint8_t *af, const fr_addr *addr,
    unsigned n)
{
	struct dns_job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->items = calloc(n ? n : 1, sizeof(*j->items));
	j->answered = calloc(n ? n : 1, 1);
	if (j->items == NULL || j->answered == NULL) {
		free(j->items);
		free(j->answered);
		free(j);
		return NULL;
	}
	for (unsigned i = 0; i < n; i++) {
		int dup = 0;

		if (lookup(d, af[i], &addr[i]) != NULL)
			continue;
		for (unsigned k = 0; k < j->n && !dup; k++)
			dup = same(&j->items[k], af[i], &addr[i]);
		if (dup)
			continue;
		j->items[j->n].af = af[i];
		j->items[j->n].addr = addr[i];
		j->n++;
	}
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	j->refs = 1;
	return j;
}

unsigned
names_dns_resolve(struct names_dns *d, const uint8_t *af,
    const fr_addr *addr, unsigned n, unsigned threads, unsigned timeout_ms)
{
	struct dns_job *j;
	struct timespec dl;
	unsigned got = 0;
	int64_t now = time(NULL);

	if ((j = job_new(d, af, addr, n)) == NULL || j->n == 0) {
		if (j != NULL)
			job_release(j);
		return 0;
	}
	if (threads == 0)
		threads = 4;
	for (unsigned i = 0; i < threads && i < j->n; i++) {
		pthread_t t;

		pthread_mutex_lock(&j->mu);
		j->refs++;
		pthread_mutex_unlock(&j->mu);
		if (pthread_create(&t, NULL, worker, j) != 0) {
			job_release(j);
			break;
		}
		pthread_detach(t);
	}
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += timeout_ms / 1000;
	dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&j->mu);
	while (j->done < j->n && j->refs > 1 &&
	    pthread_cond_timedwait(&j->cv, &j->mu, &dl) != ETIMEDOUT)
		;
	j->abandoned = 1;
	for (unsigned i = 0; i < j->n; i++) {
		if (!j->answered[i])
			continue;
		j->items[i].when = now;
		store(d, &j->items[i]);
		got++;
	}
	pthread_mutex_unlock(&j->mu);
	job_release(j);
	return got;
}
