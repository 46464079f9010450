/*
 * ptrack.h - what the Trackings pages (page_track.c) and the group and
 * dashboard pages (page_tgroup.c) share: the directories, name lists,
 * redirects after a POST, small form pieces and the daemon reload.
 * Internal to web/.
 */
#ifndef FLOWKEEP_PTRACK_H
#define FLOWKEEP_PTRACK_H

#include <stddef.h>
#include <stdio.h>

#include "web.h"

extern const char *const ptrack_dones[];
extern const char *const ptrack_reloads[];

/* The tracking directory (configuration's tracking-dir). */
const char *ptrack_dir(const struct web_req *r);

/* DIR[/.archive][/name] into buf. */
void ptrack_path(const struct web_req *r, int archived, const char *name,
    char *buf, size_t len);

/* The groups directory beside the tracking directory. */
void ptrack_group_dir(const struct web_req *r, char *buf, size_t len);

/* 1 if tracking name is a file in the (archive) directory. */
int ptrack_exists(const struct web_req *r, int archived, const char *name);

/* The sorted valid names of regular files in dir (NULL, *n = 0 if none). */
char **ptrack_names(const char *dir, size_t *n);
void ptrack_names_free(char **v, size_t n);

/* 1 if s (NULL counts) has no CR or LF. */
int ptrack_one_line(const char *s);

/* Make o a 303 to script + path[?name=N][&archived=1][&done=D][&reload=R]. */
void ptrack_redirect(const struct web_req *r, struct web_out *o,
    const char *path, const char *name, int archived, const char *done,
    const char *reload);

/* The "done" line of a page after a redirect. */
void ptrack_done_line(FILE *fp, const struct web_req *r);

/* Hidden csrf (and name, if not NULL) inputs. */
void ptrack_hidden(FILE *fp, const char *csrf, const char *name);

/* A one-button POST form; extra is raw HTML (fixed text only). */
void ptrack_button(FILE *fp, const struct web_req *r, const char *csrf,
    const char *path, const char *name, const char *extra, const char *label,
    const char *confirm);

/* An <img> of png?name=..&period=..&width=..&height=.., shown w x h; a
 * thumbnail (w <= 300) is drawn at 2w x 2h and loaded lazily. */
void ptrack_img(FILE *fp, const struct web_req *r, const char *png,
    const char *name, int archived, const char *period, unsigned w,
    unsigned h);

/*
 * With privilege separation (doc/security.md) the tracking directory is
 * not the web user's to write: 1 if it exists and cannot be written.
 * ptrack_refuse_ro() makes that a 403 for a form (0 if writable);
 * ptrack_ro_note() says it on a page.
 */
int ptrack_readonly(const struct web_req *r);
int ptrack_refuse_ro(const struct web_req *r, struct web_out *o);
void ptrack_ro_note(FILE *fp, const struct web_req *r);

/* Ask flowkeepd to reload: "ok", "down" or "failed". */
const char *ptrack_reload(const struct web_req *r);

/* The PNG of a tracking (group 0) or group (1) from the request. */
int ptrack_png(const struct web_req *r, struct web_out *o, int group);

#endif /* FLOWKEEP_PTRACK_H */
