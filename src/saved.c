/*
 * saved.c - saved reports and filters as named files (see saved.h).
 */
#define _GNU_SOURCE	/* mkstemp, fchmod on older libcs */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "saved.h"

const char *
saved_subdir(enum saved_kind k)
{
	return k == SAVED_REPORT ? "reports" : "filters";
}

int
saved_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > SAVED_NAME_MAX || name[0] == '.')
		return 0;
	return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._-") == n;
}

int
saved_path(const char *dir, enum saved_kind k, const char *name, char *buf,
    size_t len)
{
	int n;

	if (name != NULL)
		n = snprintf(buf, len, "%s/%s/%s", dir, saved_subdir(k), name);
	else
		n = snprintf(buf, len, "%s/%s", dir, saved_subdir(k));
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* mkdir dir and then dir/sub, either may exist. */
static int
make_dirs(const char *dir, const char *sub)
{
	char p[4096];

	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		return -1;
	if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, sub) >= sizeof(p)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdir(p, 0755) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

static int
check(const char *name, char *err, size_t errlen)
{
	if (saved_name_ok(name))
		return 0;
	snprintf(err, errlen, "bad name \"%.*s\": letters, digits, _ - . "
	    "(not first), at most %d", 40, name, SAVED_NAME_MAX);
	return -1;
}

static int
write_tmp(int fd, const char *text, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, text, len);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		text += w;
		len -= (size_t)w;
	}
	return write(fd, "\n", 1) == 1 ? 0 : -1;
}

int
saved_write(const char *dir, enum saved_kind k, const char *name,
    const char *text, size_t len, char *err, size_t errlen)
{
	char path[4096], tmp[4096];
	int fd;

	if (check(name, err, errlen) == -1)
		return -1;
	if (len > SAVED_TEXT_MAX || memchr(text, '\0', len) != NULL) {
		snprintf(err, errlen, "the text is too long or holds a NUL");
		return -1;
	}
	if (saved_path(dir, k, name, path, sizeof(path)) == -1 ||
	    saved_path(dir, k, ".tmp.XXXXXX", tmp, sizeof(tmp)) == -1) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	if (make_dirs(dir, saved_subdir(k)) == -1 ||
	    (fd = mkstemp(tmp)) == -1) {
		snprintf(err, errlen, "%s/%s: %s", dir, saved_subdir(k),
		    strerror(errno));
		return -1;
	}
	if (fchmod(fd, 0644) == -1 || write_tmp(fd, text, len) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

char *
saved_read(const char *dir, enum saved_kind k, const char *name, char *err,
    size_t errlen)
{
	char path[4096], *buf;
	size_t n;
	FILE *fp;

	if (check(name, err, errlen) == -1)
		return NULL;
	if (saved_path(dir, k, name, path, sizeof(path)) == -1 ||
	    (fp = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "no saved %s \"%s\"", k == SAVED_REPORT ?
		    "report" : "filter", name);
		return NULL;
	}
	if ((buf = malloc(SAVED_TEXT_MAX + 2)) == NULL) {
		fclose(fp);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	n = fread(buf, 1, SAVED_TEXT_MAX + 2, fp);
	fclose(fp);
	if (n > SAVED_TEXT_MAX + 1 || memchr(buf, '\0', n) != NULL) {
		free(buf);
		snprintf(err, errlen, "%s: too large or not text", path);
		return NULL;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	return buf;
}

int
saved_remove(const char *dir, enum saved_kind k, const char *name,
    char *err, size_t errlen)
{
	char path[4096];

	if (check(name, err, errlen) == -1)
		return -1;
	if (saved_path(dir, k, name, path, sizeof(path)) == -1 ||
	    unlink(path) == -1) {
		snprintf(err, errlen, "no saved %s \"%s\"", k == SAVED_REPORT ?
		    "report" : "filter", name);
		return -1;
	}
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
saved_list(const char *dir, enum saved_kind k, size_t *n)
{
	char path[4096], **v;
	struct dirent *de;
	DIR *d;

	*n = 0;
	if ((v = calloc(SAVED_LIST_MAX, sizeof(*v))) == NULL)
		return NULL;
	if (saved_path(dir, k, NULL, path, sizeof(path)) == -1 ||
	    (d = opendir(path)) == NULL)
		return v;
	while (*n < SAVED_LIST_MAX && (de = readdir(d)) != NULL) {
		if (!saved_name_ok(de->d_name))
			continue;
		if ((v[*n] = strdup(de->d_name)) == NULL)
			break;
		(*n)++;
	}
	closedir(d);
	qsort(v, *n, sizeof(*v), cmp_names);
	return v;
}

void
saved_list_free(char **names, size_t n)
{
	for (size_t i = 0; names != NULL && i < n; i++)
		free(names[i]);
	free(names);
}
