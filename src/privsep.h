/*
 * privsep.h - dropping root: user lookup, directory hand-over, setuid.
 *
 * flowkeepd started as root with `user NAME` opens what needs root (UDP
 * sockets, control sockets, syslog, pidfile), hands the directories it
 * writes to that user, then gives up root for good: supplementary groups,
 * gid and uid (real, effective and saved) all become the user's, and
 * regaining root is checked to fail.  The web listener child does the same
 * with `web-user` (default nobody).  This module only does those steps; the
 * order they happen in is flowkeepd.c's.  With `chroot DIR` the collector
 * also changes its root to DIR (after the sockets, before the uid), and
 * the paths it keeps are rewritten to be seen from there.
 */
#ifndef FLOWKEEP_PRIVSEP_H
#define FLOWKEEP_PRIVSEP_H

#include <sys/types.h>

#include <stddef.h>

struct privsep_id {
	char	name[64];
	uid_t	uid;
	gid_t	gid;
};

/* Look user name up in the password database; 0, or -1 with a message. */
int privsep_lookup(const char *name, struct privsep_id *id, char *err,
    size_t errlen);

/*
 * Make dir (and missing parents, 0755) and give dir itself to id; used for
 * the directories flowkeepd owns (data root, devices, RRDs).  0, or -1
 * with a message.
 */
int privsep_give_dir(const char *dir, const struct privsep_id *id,
    char *err, size_t errlen);

/*
 * Rewrite the absolute path to be seen from root dir: "/d/x/y" under "/d"
 * becomes "/x/y" ("/" for dir itself).  0, or -1 when path is not inside
 * dir (path unchanged).
 */
int privsep_inside(const char *dir, char *path, size_t len);

/* chroot(dir) and chdir("/"); 0, or -1 with a message. */
int privsep_chroot(const char *dir, char *err, size_t errlen);

/* Become id for good; 0, or -1 with a message (the caller must exit). */
int privsep_drop(const struct privsep_id *id, char *err, size_t errlen);

#endif
