/*
 * privsep.c - dropping root (see privsep.h).
 */
#define _GNU_SOURCE

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "privsep.h"
#include "util.h"

int
privsep_lookup(const char *name, struct privsep_id *id, char *err,
    size_t errlen)
{
	struct passwd	*pw;

	memset(id, 0, sizeof(*id));
	errno = 0;
	if ((pw = getpwnam(name)) == NULL) {
		snprintf(err, errlen, "user \"%s\": %s", name,
		    errno ? strerror(errno) : "no such user");
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "user \"%s\" is root: name an "
		    "unprivileged user", name);
		return -1;
	}
	util_strlcpy(id->name, name, sizeof(id->name));
	id->uid = pw->pw_uid;
	id->gid = pw->pw_gid;
	return 0;
}

int
privsep_give_dir(const char *dir, const struct privsep_id *id, char *err,
    size_t errlen)
{
	char		 buf[PATH_MAX], *p;
	struct stat	 st;

	if (util_strlcpy(buf, dir, sizeof(buf)) >= sizeof(buf)) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			goto fail;
		*p = '/';
	}
	if (mkdir(buf, 0755) != 0 && errno != EEXIST)
		goto fail;
	if (lstat(buf, &st) != 0)
		goto fail;
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", dir);
		return -1;
	}
	if (st.st_uid == id->uid)
		return 0;
	if (chown(buf, id->uid, id->gid) != 0)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", buf, strerror(errno));
	return -1;
}

int
privsep_inside(const char *dir, char *path, size_t len)
{
	size_t	n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (path[0] != '/' || strncmp(path, dir, n) != 0 ||
	    (path[n] != '\0' && path[n] != '/') || strstr(path, "/../"))
		return -1;
	if (n == 1)			/* dir is "/" */
		return 0;
	if (path[n] == '\0')
		util_strlcpy(path, "/", len);
	else
		memmove(path, path + n, strlen(path + n) + 1);
	return 0;
}

int
privsep_chroot(const char *dir, char *err, size_t errlen)
{
	if (chroot(dir) != 0 || chdir("/") != 0) {
		snprintf(err, errlen, "chroot %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

int
privsep_drop(const struct privsep_id *id, char *err, size_t errlen)
{
	if (setgroups(1, &id->gid) != 0 ||
	    setresgid(id->gid, id->gid, id->gid) != 0 ||
	    setresuid(id->uid, id->uid, id->uid) != 0) {
		snprintf(err, errlen, "cannot become %s (uid %lu): %s",
		    id->name, (unsigned long)id->uid, strerror(errno));
		return -1;
	}
	/* there must be no way back */
	if (setuid(0) == 0 || geteuid() == 0 || getegid() == 0) {
		snprintf(err, errlen, "still root after dropping to %s",
		    id->name);
		return -1;
	}
	return 0;
}
