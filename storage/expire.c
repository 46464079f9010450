/*
 * expire.c - flow-capture's -e/-E expiry: a list of finished files sorted
 * by CAP_START, oldest deleted first while over the count or size limit.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "colidx.h"
#include "expire.h"
#include "layout.h"
#include "ftreader.h"

#define EXPIRE_MAX_DEPTH	50
#define EXPIRE_HDR_READ		4096

struct exp_ent {
	char		*relpath;
	uint32_t	 cap_start;
	uint64_t	 size;
};

struct expire {
	char		*root;
	char		*index_dir;	/* sidecars, NULL = none */
	unsigned	 max_files;
	uint64_t	 max_bytes;
	int		 dry_run;
	struct exp_ent	*ents;
	size_t		 n, cap, head;	/* live entries are [head, n) */
	uint64_t	 bytes;
};

struct expire *
expire_new(const char *root, unsigned max_files, uint64_t max_bytes,
    int dry_run)
{
	struct expire *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return NULL;
	e->root = strdup(root != NULL && *root ? root : ".");
	if (e->root == NULL) {
		free(e);
		return NULL;
	}
	e->max_files = max_files;
	e->max_bytes = max_bytes;
	e->dry_run = dry_run;
	return e;
}

int
expire_set_index(struct expire *e, const char *index_dir)
{
	free(e->index_dir);
	e->index_dir = NULL;
	if (index_dir != NULL && (e->index_dir = strdup(index_dir)) == NULL)
		return -1;
	return 0;
}

static void
clear(struct expire *e)
{
	size_t i;

	for (i = e->head; i < e->n; i++)
		free(e->ents[i].relpath);
	e->n = e->head = 0;
	e->bytes = 0;
}

void
expire_free(struct expire *e)
{
	if (e == NULL)
		return;
	clear(e);
	free(e->ents);
	free(e->root);
	free(e->index_dir);
	free(e);
}

/* Keep the list sorted by cap_start; equal times keep arrival order. */
int
expire_add(struct expire *e, const char *relpath, uint32_t cap_start,
    uint64_t size)
{
	struct exp_ent *ne, x;
	size_t i;

	if (e->head > 0 && e->n == e->cap) {
		memmove(e->ents, e->ents + e->head,
		    (e->n - e->head) * sizeof(*e->ents));
		e->n -= e->head;
		e->head = 0;
	}
	if (e->n == e->cap) {
		ne = reallocarray(e->ents, e->cap ? e->cap * 2 : 64,
		    sizeof(*ne));
		if (ne == NULL)
			return -1;
		e->ents = ne;
		e->cap = e->cap ? e->cap * 2 : 64;
	}
	if ((x.relpath = strdup(relpath)) == NULL)
		return -1;
	x.cap_start = cap_start;
	x.size = size;
	for (i = e->n; i > e->head && e->ents[i - 1].cap_start > cap_start;
	    i--)
		e->ents[i] = e->ents[i - 1];
	e->ents[i] = x;
	e->n++;
	e->bytes += size;
	return 0;
}

static int
wanted_name(const char *name)
{
	return strncmp(name, "ft", 2) == 0 || strncmp(name, "cf", 2) == 0 ||
	    strncmp(name, "tmp", 3) == 0 || strncmp(name, "fk6", 3) == 0;
}

/* CAP_START of a flow file, or -1 when its header does not parse. */
static int
file_start(const char *path, uint32_t *cap_start)
{
	uint8_t b[EXPIRE_HDR_READ];
	struct ft_header h;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, b, sizeof(b));
	close(fd);
	if (n <= 0 || ftr_parse_header(b, (size_t)n, &h, NULL, 0) == -1)
		return -1;
	*cap_start = h.cap_start;
	return 0;
}

static int
scan_dir(struct expire *e, const char *rel, int depth)
{
	char full[8192], sub[4096];
	struct dirent *de;
	struct stat st;
	uint32_t cs;
	DIR *d;
	int rc = 0;

	snprintf(full, sizeof(full), "%s%s%s", e->root, *rel ? "/" : "", rel);
	if (depth > EXPIRE_MAX_DEPTH || (d = opendir(full)) == NULL)
		return depth > EXPIRE_MAX_DEPTH ? 0 : -1;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
		    de->d_name) >= (int)sizeof(sub))
			continue;
		if (snprintf(full, sizeof(full), "%s/%s", e->root, sub) >=
		    (int)sizeof(full) || lstat(full, &st) == -1)
			continue;
		if (S_ISDIR(st.st_mode) && !layout_is_date_dir(de->d_name))
			continue;	/* e.g. a device tree inside ours */
		if (S_ISDIR(st.st_mode))
			rc = scan_dir(e, sub, depth + 1) == -1 &&
			    errno == ENOMEM ? -1 : 0;
		else if (S_ISREG(st.st_mode) && wanted_name(de->d_name) &&
		    file_start(full, &cs) == 0)
			rc = expire_add(e, sub, cs, (uint64_t)st.st_size);
	}
	closedir(d);
	return rc;
}

long
expire_scan(struct expire *e)
{
	clear(e);
	if (scan_dir(e, "", 0) == -1)
		return -1;
	return (long)(e->n - e->head);
}

static void
drop_oldest(struct expire *e, int why, expire_cb cb, void *arg)
{
	struct exp_ent *x = &e->ents[e->head];
	char full[8192], ip[PATH_MAX + 8192];

	snprintf(full, sizeof(full), "%s/%s", e->root, x->relpath);
	if (!e->dry_run) {
		if (e->index_dir != NULL && colidx_path(ip, sizeof(ip),
		    e->index_dir, full) == 0)
			unlink(ip);
		unlink(full);
	}
	if (cb != NULL)
		cb(arg, x->relpath, why);
	e->bytes -= x->size;
	free(x->relpath);
	e->head++;
}

unsigned
expire_run(struct expire *e, uint64_t open_bytes, expire_cb cb, void *arg)
{
	unsigned gone = 0;

	while (e->max_files > 0 && e->n - e->head > e->max_files) {
		drop_oldest(e, 1, cb, arg);
		gone++;
	}
	while (e->max_bytes > 0 && e->n > e->head &&
	    e->bytes + open_bytes > e->max_bytes) {
		drop_oldest(e, 2, cb, arg);
		gone++;
	}
	return gone;
}

uint64_t
expire_total_bytes(const struct expire *e)
{
	return e->bytes;
}

unsigned
expire_total_files(const struct expire *e)
{
	return (unsigned)(e->n - e->head);
}

int
expire_parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	uint64_t mul = 1;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s)
		return -1;
	switch (*end) {
	case 0:
		break;
	case 'b':
		mul = 512;
		break;
	case 'K':
		mul = 1024;
		break;
	case 'M':
		mul = 1024 * 1024;
		break;
	case 'G':
		mul = 1024 * 1024 * 1024;
		break;
	default:
		return -1;
	}
	if (*end != 0 && end[1] != 0)
		return -1;
	if (v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}
