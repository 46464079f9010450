/*
 * flowkeepd.c - the NetFlow collector daemon.
 *
 * main() is the table of contents: configuration, logging, detaching,
 * the web listener's process, sockets, then the modules in order (decoder state, directory trees,
 * collector, control socket, signals, timer), the event loop, and a clean
 * shutdown that closes and renames the open files and saves the state.
 */
#define _GNU_SOURCE

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "collector.h"
#include "config.h"
#include "control.h"
#include "chsink.h"
#include "filemgr.h"
#include "livetrack.h"
#include "log.h"
#include "privsep.h"
#include "statefile.h"
#include "storage/colidx.h"
#include "storage/zpar.h"
#include "util.h"
#include "web/httpd.h"

struct daemon {
	struct fk_config	 cfg;
	int			 argc;
	char			**argv;
	int			 quickstart;
	char			 root[PATH_MAX];	/* absolute workdir */
	char			 pidpath[PATH_MAX + 16];
	struct event_base	*base;
	struct proto_ctx	*proto;
	struct statefile	*state;
	struct collector	*coll;
	struct control		*ctl;
	struct control_src	 src;
	struct filemgr		*trees[1 + FK_MAX_DEVICES];
	unsigned		 ntrees;
	struct livetrack	*lt;
	struct chsink		*ch;		/* ClickHouse sink, or NULL */
	struct event		*sigev[6];
	struct event		*timer;
	uint64_t		 start_ms;
	int64_t			 stat_minute;
	pid_t			 web_pid;	/* the web listener, or 0 */
	int			 privsep;	/* root now, user later */
	int			 chrooted;	/* paths seen from cfg.chroot */
	char			 jail[PATH_MAX];	/* its real path */
	struct privsep_id	 user;		/* the collector's */
	struct privsep_id	 web_user;	/* the web listener's */
	struct control		*ctl_ro;	/* status-only socket */
};

static void	tree_root(const struct daemon *, unsigned, char *, size_t);
static void	dir_of(const char *, char *, size_t);

/* The ClickHouse spool: clickhouse-spool-dir, else beside the state
 * file. */
static void
ch_spool_dir(const struct daemon *d, char *dir, size_t len)
{
	if (d->cfg.ch_spool_dir[0] != '\0') {
		util_strlcpy(dir, d->cfg.ch_spool_dir, len);
		return;
	}
	dir_of(d->cfg.statefile, dir, len);
	util_strlcpy(dir + strlen(dir), "/clickhouse-spool",
	    len - strlen(dir));
}

/* ------------------------------------------------------------ start-up */

static void
daemon_parse(struct daemon *d, int argc, char **argv)
{
	char	err[512];
	int	check = 0, rc, i;

	d->argc = argc;
	d->argv = argv;
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--quickstart") == 0)
			d->quickstart = 1;
	config_defaults(&d->cfg);
	err[0] = '\0';
	rc = config_parse_argv(&d->cfg, argc, argv, &check, err, sizeof(err));
	if (rc == 1)
		exit(0);
	if (rc == 0 && config_validate(&d->cfg, err, sizeof(err)) != 0)
		rc = 2;
	if (rc != 0) {
		fprintf(stderr, "flowkeepd: %s\n", err[0] ? err : "bad usage");
		config_usage(stderr);
		exit(2);
	}
}

/* The work directory as an absolute path (we do not chdir into it). */
static void
daemon_root(struct daemon *d)
{
	char	cwd[PATH_MAX];

	if (d->cfg.workdir[0] == '/') {
		util_strlcpy(d->root, d->cfg.workdir, sizeof(d->root));
		return;
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		fatal("getcwd: %s", strerror(errno));
	if ((size_t)snprintf(d->root, sizeof(d->root), "%s/%s", cwd,
	    d->cfg.workdir[0] ? d->cfg.workdir : ".") >= sizeof(d->root))
		fatal("work directory path too long");
}

static void
daemon_detach(struct daemon *d)
{
	pid_t	pid;
	int	fd;

	if ((pid = fork()) == -1)
		fatal("fork: %s", strerror(errno));
	if (pid != 0)
		_exit(0);
	if (setsid() == -1)
		fatal("setsid: %s", strerror(errno));
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	if (!d->cfg.keep_umask)
		umask(022);
}

static void
daemon_pidfile(struct daemon *d)
{
	FILE	*fp;

	if (d->cfg.foreground || d->cfg.pidfile[0] == '\0' ||
	    strcmp(d->cfg.pidfile, "-") == 0)
		return;
	snprintf(d->pidpath, sizeof(d->pidpath), "%s.%u", d->cfg.pidfile,
	    collector_port(d->coll));
	if ((fp = fopen(d->pidpath, "w")) == NULL) {
		log_warn("pidfile %s", d->pidpath);
		d->pidpath[0] = '\0';
		return;
	}
	fprintf(fp, "%ld\n", (long)getpid());
	fclose(fp);
}

static void
daemon_banner(const struct daemon *d)
{
	char		host[256], ctl[PATH_MAX + FK_PATH_MAX], cwd[PATH_MAX];
	unsigned	i, port = d->cfg.listen[0].port;

	if (gethostname(host, sizeof(host)) != 0)
		util_strlcpy(host, "<this host>", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	if (d->cfg.control[0] != '/' && getcwd(cwd, sizeof(cwd)) != NULL)
		snprintf(ctl, sizeof(ctl), "%s/%s", cwd, d->cfg.control);
	else
		util_strlcpy(ctl, d->cfg.control, sizeof(ctl));
	fprintf(stderr,
	    "\nflowkeepd quick start\n"
	    "  flow files go to:  %s\n"
	    "  listening on UDP:", d->root);
	for (i = 0; i < d->cfg.nlisten; i++)
		fprintf(stderr, " %s:%u", d->cfg.listen[i].host[0] ?
		    d->cfg.listen[i].host : "*", d->cfg.listen[i].port);
	fprintf(stderr,
	    "\n  control socket:    %s\n\n"
	    "Point a router at %s, UDP port %u, for example:\n"
	    "  Cisco IOS (v5):  ip flow-export destination %s %u\n"
	    "                   ip flow-export version 5\n"
	    "  Cisco IOS (v9):  flow exporter FK / destination %s /"
	    " transport udp %u / export-protocol netflow-v9\n"
	    "  Junos:           set forwarding-options sampling instance FK"
	    " family inet output flow-server %s port %u version9\n"
	    "Check that flows arrive with:  flowkeep status --socket %s\n",
	    ctl, host, port, host, port, host, port, host, port, ctl);
	if (d->web_pid > 0)
		fprintf(stderr, "Reports, status and graphs in a browser:  "
		    "http://%s/\n", d->cfg.web_listen);
	fputc('\n', stderr);
}

/* In the web listener's child: become the web user (doc/security.md). */
static int
web_child_init(void *arg)
{
	struct daemon	*d = arg;
	char		 err[256];

	if (!d->privsep)
		return 0;
	umask(022);
	if (privsep_drop(&d->web_user, err, sizeof(err)) != 0) {
		log_warnx("web listener: %s", err);
		return -1;
	}
	return 0;
}

/* The built-in web listener (web/httpd.h): bound here, served by a child
 * process forked before the collector's sockets exist.  The quick start's
 * own default address being taken is not fatal: the collector comes first. */
static void
web_start(struct daemon *d)
{
	char	err[512], host[256];
	uint16_t port;
	int	fd;

	if (config_web_listen(d->cfg.web_listen, host, sizeof(host),
	    &port) != 0)
		return;
	if (httpd_prepare(&d->cfg, err, sizeof(err)) == -1)
		fatal("web-listen: %s", err);
	if ((fd = httpd_bind(d->cfg.web_listen, err, sizeof(err))) == -1) {
		if (!d->quickstart ||
		    strcmp(d->cfg.web_listen, FK_WEB_QUICKSTART) != 0)
			fatal("web-listen: %s", err);
		log_warnx("web pages off: %s (--web-listen HOST:PORT "
		    "chooses another address)", err);
		return;
	}
	if ((d->web_pid = httpd_start_as(fd, &d->cfg, web_child_init,
	    d)) == -1)
		fatal("cannot start the web listener: %s", strerror(errno));
	log_info("web pages on http://%s/ (pid %ld)", d->cfg.web_listen,
	    (long)d->web_pid);
}

/* ------------------------------------------------------------ privileges */

/* The directory part of path ("." for a bare name). */
static void
dir_of(const char *path, char *dir, size_t len)
{
	char	*slash;

	util_strlcpy(dir, path, len);
	if ((slash = strrchr(dir, '/')) == NULL)
		util_strlcpy(dir, ".", len);
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
}

/*
 * With `user` and started as root: look the users up, read the time zone
 * while /etc is ours, and hand the collector the directories it writes
 * (data root, device roots, RRDs, the state file's directory when we make
 * it) and the web user its saved-items directory.  Root stays until
 * privsep_become(), after the sockets are open.
 */
static void
privsep_setup(struct daemon *d)
{
	char		 err[512], dir[PATH_MAX + FK_PATH_MAX];
	const char	*web = d->cfg.web_user[0] ? d->cfg.web_user : "nobody";
	struct stat	 st;
	unsigned	 i;

	if (d->cfg.user[0] == '\0')
		return;
	if (geteuid() != 0) {
		log_warnx("user %s: not started as root, staying uid %lu",
		    d->cfg.user, (unsigned long)geteuid());
		return;
	}
	if (privsep_lookup(d->cfg.user, &d->user, err, sizeof(err)) != 0)
		fatal("%s", err);
	if (privsep_lookup(web, &d->web_user, err, sizeof(err)) != 0)
		fatal("web-user: %s", err);
	if (d->web_user.uid == d->user.uid)
		log_warnx("web-user %s is the collector's user: the web "
		    "listener can write flow files", web);
	d->privsep = 1;
	tzset();
	if (d->cfg.control_ro[0] == '\0' && d->cfg.control[0] != '\0' &&
	    (size_t)snprintf(d->cfg.control_ro, sizeof(d->cfg.control_ro),
	    "%s.ro", d->cfg.control) >= sizeof(d->cfg.control_ro))
		d->cfg.control_ro[0] = '\0';
	for (i = 0; i <= d->cfg.ndevices; i++) {
		tree_root(d, i, dir, sizeof(dir));
		if (privsep_give_dir(dir, &d->user, err, sizeof(err)) != 0)
			fatal("%s", err);
	}
	if (privsep_give_dir(d->cfg.rrddir, &d->user, err, sizeof(err)) != 0)
		fatal("%s", err);
	ch_spool_dir(d, dir, sizeof(dir));
	if (d->cfg.ch_nurls > 0 &&
	    privsep_give_dir(dir, &d->user, err, sizeof(err)) != 0)
		fatal("%s", err);
	dir_of(d->cfg.statefile, dir, sizeof(dir));
	if (stat(dir, &st) != 0 &&
	    privsep_give_dir(dir, &d->user, err, sizeof(err)) != 0)
		fatal("%s", err);
	if (stat(d->cfg.statefile, &st) == 0 &&
	    chown(d->cfg.statefile, d->user.uid, d->user.gid) != 0)
		log_warn("chown %s", d->cfg.statefile);
	if (d->cfg.index_on && d->cfg.index_dir[0] != '\0' &&
	    privsep_give_dir(d->cfg.index_dir, &d->user, err, sizeof(err)) != 0)
		fatal("%s", err);
	if (d->cfg.saveddir[0] != '\0' && privsep_give_dir(d->cfg.saveddir,
	    &d->web_user, err, sizeof(err)) != 0)
		log_warnx("saved items: %s", err);
}

/* An absolute path for a directory or file path (relative to the current
 * directory, which the daemon does not change before this). */
static void
abs_path(char *path, size_t len)
{
	char	cwd[PATH_MAX], buf[2 * PATH_MAX];

	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return;
	snprintf(buf, sizeof(buf), "%s/%s", cwd, path[0] ? path : ".");
	util_strlcpy(path, buf, len);
}

/*
 * With `chroot` (and root, dropping to `user`): change the root to it once
 * the sockets, control sockets and pidfile are made, and see the data
 * root, RRDs, trackings and state file from there (config_validate made
 * sure they are all inside).  Alert commands run /bin/sh: warn when there
 * is none inside.
 */
static void
chroot_enter(struct daemon *d)
{
	char		 err[PATH_MAX + 64], sh[PATH_MAX + 8];
	char		*paths[] = { d->root, d->cfg.rrddir, d->cfg.trackdir,
			    d->cfg.statefile, d->cfg.index_dir };
	size_t		 lens[] = { sizeof(d->root), sizeof(d->cfg.rrddir),
			    sizeof(d->cfg.trackdir), sizeof(d->cfg.statefile),
			    sizeof(d->cfg.index_dir) };
	unsigned	 i, n = d->cfg.index_dir[0] != '\0' ? 5 : 4;

	if (d->cfg.chroot[0] == '\0')
		return;
	if (!d->privsep) {
		log_warnx("chroot %s: only when started as root with user; "
		    "not chrooting", d->cfg.chroot);
		return;
	}
	for (i = 1; i < n; i++)
		abs_path(paths[i], lens[i]);
	for (i = 0; i < n; i++)
		if (privsep_inside(d->cfg.chroot, paths[i], lens[i]) != 0)
			fatal("chroot %s: %s is outside it", d->cfg.chroot,
			    paths[i]);
	snprintf(sh, sizeof(sh), "%s/bin/sh", d->cfg.chroot);
	if (access(sh, X_OK) != 0)
		log_warnx("chroot %s: no /bin/sh inside it; alert commands "
		    "of trackings will fail", d->cfg.chroot);
	if (realpath(d->cfg.chroot, d->jail) == NULL ||
	    strcmp(d->jail, "/") == 0)
		d->jail[0] = '\0';
	if (privsep_chroot(d->cfg.chroot, err, sizeof(err)) != 0)
		fatal("%s", err);
	statefile_free(d->state);
	if ((d->state = statefile_new(d->cfg.statefile)) == NULL)
		fatal("out of memory");
	d->chrooted = 1;
	log_info("chrooted to %s", d->cfg.chroot);
}

/* Give up root for good (the sockets are open by now). */
static void
privsep_become(struct daemon *d)
{
	char	err[256];

	if (!d->privsep)
		return;
	if (privsep_drop(&d->user, err, sizeof(err)) != 0)
		fatal("%s", err);
	log_info("running as %s (uid %lu), web listener as %s (uid %lu)",
	    d->user.name, (unsigned long)d->user.uid, d->web_user.name,
	    (unsigned long)d->web_user.uid);
}

/* ------------------------------------------------------------ trees */

/*
 * The index directory of tree root into idx: `index-dir`, else "index"
 * beside the state file.  Chrooted, the jail's real path is added, so
 * that a sidecar is named after its flow file as seen from the real root,
 * where the CLI (and `flowkeep index`) outside the jail look for it.  0,
 * or -1 for none (index off, or inside a data tree: logged).
 */
static int
tree_index(const struct daemon *d, const char *root, char *idx, size_t len)
{
	const struct fk_config	*c = &d->cfg;
	size_t			 n;

	if (!c->index_on)
		return -1;
	if (c->index_dir[0] != '\0')
		util_strlcpy(idx, c->index_dir, len);
	else if (colidx_default_dir(idx, len, c->statefile) == -1)
		return -1;
	if (colidx_dir_inside(idx, d->root) || colidx_dir_inside(idx, root)) {
		log_info("%s: no column index sidecars (the index directory "
		    "%s is inside a data tree)", root, idx);
		return -1;
	}
	n = strlen(idx);
	if (d->chrooted && d->jail[0] != '\0' && (size_t)snprintf(idx + n,
	    len - n, "%s", d->jail) >= len - n)
		return -1;
	return 0;
}

static struct filemgr *
tree_new(const struct daemon *d, const char *name, const char *root)
{
	struct filemgr_opts	o;
	const struct fk_config	*c = &d->cfg;
	char			idx[2 * FK_PATH_MAX + 16];

	memset(&o, 0, sizeof(o));
	o.name = name;
	o.root = root;
	o.nesting = c->nesting;
	o.rotations = c->rotations;
	o.zlevel = c->zlevel;
	o.byte_order = c->byte_order;
	o.version = c->version;
	o.hostname = c->hostname;
	o.comment = c->comment;
	o.rotate_prog = c->rotate_prog;
	o.expire_files = c->expire_files;
	o.expire_bytes = c->expire_bytes;
	o.dry_run = c->debug > 0;
	o.flush_interval = c->flush_interval;
	o.no_files = !c->ch_files && d->ch != NULL;	/* never both off */
	if (tree_index(d, root, idx, sizeof(idx)) == 0)
		o.index_dir = idx;	/* copied by filemgr_new */
	return filemgr_new(&o);
}

/* The directory of tree i (0: the main one, i: device i - 1). */
static void
tree_root(const struct daemon *d, unsigned i, char *root, size_t len)
{
	const struct fk_device *dev = i ? &d->cfg.devices[i - 1] : NULL;

	if (dev == NULL)
		util_strlcpy(root, d->root, len);
	else if (dev->workdir[0] == '/')
		util_strlcpy(root, dev->workdir, len);
	else
		snprintf(root, len, "%s/%s", d->root,
		    dev->workdir[0] ? dev->workdir : dev->name);
}

/* Build the trees of d->cfg; carry the file version of old trees with the
 * same root over.  0 or -1. */
static int
trees_init(struct daemon *d, struct filemgr **old, unsigned nold)
{
	char		 root[PATH_MAX + FK_PATH_MAX];
	struct filemgr_info fi;
	unsigned	 i, j;
	uint64_t	 now = util_now_ms();

	d->ntrees = 0;
	for (i = 0; i <= d->cfg.ndevices; i++) {
		const struct fk_device *dev = i ? &d->cfg.devices[i - 1] : NULL;

		tree_root(d, i, root, sizeof(root));
		d->trees[i] = tree_new(d, dev ? dev->name : "", root);
		if (d->trees[i] == NULL)
			return -1;
		d->ntrees++;
		for (j = 0; j < nold; j++) {
			filemgr_get_info(old[j], &fi);
			if (strcmp(fi.root, root) != 0)
				continue;
			if (fi.version != 0)
				filemgr_set_version(d->trees[i], fi.version);
			filemgr_carry(d->trees[i], old[j]);
		}
		if (filemgr_start(d->trees[i], now) != 0)
			return -1;
	}
	return 0;
}

static void
trees_close_files(struct daemon *d)
{
	uint64_t	now = util_now_ms();
	unsigned	i;

	for (i = 0; i < d->ntrees; i++)
		filemgr_close_files(d->trees[i], now);
}

static void
trees_free(struct filemgr **trees, unsigned n)
{
	uint64_t	now = util_now_ms();
	unsigned	i;

	for (i = 0; i < n; i++)
		filemgr_free(trees[i], now);
}

/* ------------------------------------------------------------ actions */

static int
daemon_rotate(void *arg)
{
	struct daemon	*d = arg;

	log_info("rotating on request");
	trees_close_files(d);
	return 0;
}

static void
daemon_apply(struct daemon *d)
{
	collector_set_routes(d->coll, &d->cfg, d->trees, d->ntrees);
	d->src.trees = d->trees;
	d->src.ntrees = d->ntrees;
	d->src.lt = d->lt;
	d->src.warn = &d->cfg.warn;
}

/* mkdir -p; 0 or -1 (errno). */
static int
mkdir_p(const char *dir)
{
	char buf[PATH_MAX], *p;

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
	return mkdir(buf, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* (Re)read the tracking definitions; errors are logged, not fatal. */
static void
tracks_load(struct daemon *d)
{
	char err[1024];
	int n;

	if (d->lt == NULL)
		return;
	n = livetrack_load(d->lt, util_now_ms(), err, sizeof(err));
	if (n < 0)
		log_warnx("trackings: %s", err);
	if (livetrack_count(d->lt) > 0 || n < 0)
		log_info("%u trackings from %s, RRDs in %s",
		    livetrack_count(d->lt), d->cfg.trackdir, d->cfg.rrddir);
}

/* Live trackings: definitions, counters and the RRD worker. */
static void
tracks_init(struct daemon *d)
{
	char err[512];

	if (mkdir_p(d->cfg.rrddir) != 0)
		log_warn("%s", d->cfg.rrddir);
	d->lt = livetrack_new(d->cfg.trackdir, d->cfg.rrddir,
	    d->cfg.track_step, d->cfg.track_lateness, err, sizeof(err));
	if (d->lt == NULL) {
		log_warnx("trackings off: %s", err);
		return;
	}
	if (d->cfg.rrdcached[0] != '\0') {
		if (livetrack_set_rrdcached(d->lt, d->cfg.rrdcached, err,
		    sizeof(err)) == -1)
			log_warnx("rrdcached: %s; writing the RRDs directly",
			    err);
		else
			log_info("RRD updates through rrdcached %s",
			    d->cfg.rrdcached);
	}
	tracks_load(d);
	d->src.lt = d->lt;
}

/* Every decoded flow, besides the files: trackings, ClickHouse. */
static void
daemon_tap(void *arg, const struct flowrec *recs, unsigned n)
{
	struct daemon	*d = arg;

	if (d->lt != NULL)
		livetrack_put(d->lt, recs, n);
	if (d->ch != NULL)
		chsink_put(d->ch, recs, n);
}

/* The ClickHouse sink when clickhouse-url is set (its settings are read
 * at start only). */
static void
clickhouse_init(struct daemon *d)
{
	struct chsink_opts	o;
	char			host[256], dir[PATH_MAX], err[512];
	unsigned		i;

	if (d->cfg.ch_nurls > 0) {
		memset(&o, 0, sizeof(o));
		for (i = 0; i < d->cfg.ch_nurls; i++)
			o.urls[i] = d->cfg.ch_urls[i];
		o.nurls = d->cfg.ch_nurls;
		o.table = d->cfg.ch_table;
		if (d->cfg.collector_name[0] != '\0')
			o.collector = d->cfg.collector_name;
		else if (d->cfg.hostname[0] != '\0')
			o.collector = d->cfg.hostname;
		else {
			if (gethostname(host, sizeof(host)) != 0)
				util_strlcpy(host, "flowkeepd", sizeof(host));
			host[sizeof(host) - 1] = '\0';
			o.collector = host;
		}
		o.batch_rows = d->cfg.ch_batch_rows;
		o.batch_age_ms = d->cfg.ch_batch_age * 1000;
		o.queue_max = d->cfg.ch_queue;
		ch_spool_dir(d, dir, sizeof(dir));
		o.spool_dir = dir;
		o.spool_max = d->cfg.ch_spool_max;
		if ((d->ch = chsink_new(&o, d->base, err, sizeof(err))) ==
		    NULL)
			fatal("%s", err);
		log_info("ClickHouse: %u servers, table %s, collector %s, "
		    "spool %s%s", o.nurls, o.table, o.collector, dir,
		    d->cfg.ch_files ? "" : "; no flow files");
	}
	d->src.ch = d->ch;
	collector_set_tap(d->coll, daemon_tap, d);
}

static int
daemon_reload(void *arg, char *err, size_t errlen)
{
	struct daemon		*d = arg;
	struct fk_config	 nc, oc = d->cfg;
	struct filemgr		*old[1 + FK_MAX_DEVICES];
	unsigned		 nold = d->ntrees;
	int			 check = 0;

	trees_close_files(d);
	if (d->chrooted) {
		log_warnx("reload: chrooted to %s, the configuration is not "
		    "read again (restart flowkeepd to change it); files "
		    "closed, trackings read again", d->cfg.chroot);
		tracks_load(d);
		return 0;
	}
	config_defaults(&nc);
	if (config_parse_argv(&nc, d->argc, d->argv, &check, err,
	    errlen) != 0 || config_validate(&nc, err, errlen) != 0) {
		log_warnx("reload: %s (keeping the old configuration)", err);
		return -1;
	}
	memcpy(old, d->trees, sizeof(old));
	d->cfg = nc;
	/* sockets, control socket and state file stay as they are */
	memcpy(d->cfg.listen, oc.listen, sizeof(oc.listen));
	d->cfg.nlisten = oc.nlisten;
	memcpy(d->cfg.control, oc.control, sizeof(oc.control));
	memcpy(d->cfg.statefile, oc.statefile, sizeof(oc.statefile));
	if (trees_init(d, old, nold) != 0) {
		log_warnx("reload: cannot set up the directory trees");
		trees_free(d->trees, d->ntrees);
		memcpy(d->trees, old, sizeof(old));
		d->ntrees = nold;
		d->cfg = oc;
		util_strlcpy(err, "directory trees", errlen);
		return -1;
	}
	trees_free(old, nold);
	daemon_apply(d);
	tracks_load(d);
	log_info("configuration reloaded");
	return 0;
}

/* ------------------------------------------------------------ events */

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct daemon	*d = arg;
	char		 err[256];
	pid_t		 pid;
	int		 st;

	switch (sig) {
	case SIGHUP:
		log_info("SIGHUP: closing files, reloading");
		(void)daemon_reload(d, err, sizeof(err));
		break;
	case SIGCHLD:
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				log_warnx("child program (pid %ld) exited "
				    "with status %d", (long)pid,
				    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		break;
	default:
		log_info("%s: shutting down", strsignal((int)sig));
		event_base_loopbreak(d->base);
	}
}

static void
stat_lines(struct daemon *d, uint64_t now_ms)
{
	struct proto_exporter_info	e;
	char				addr[64];
	unsigned			i, n = proto_exporter_count(d->proto);

	for (i = 0; i < n; i++) {
		if (proto_exporter_get(d->proto, i, &e) != 0)
			continue;
		util_addr_str(e.af, &e.addr, addr, sizeof(addr));
		log_info("STAT: now=%" PRIu64 " startup=%" PRIu64 " src_ip=%s "
		    "dst_ip=%s d_ver=%d pkts=%" PRIu64 " flows=%" PRIu64
		    " lost=%" PRIu64 " reset=%" PRIu64 " filter_drops=0",
		    now_ms / 1000, d->start_ms / 1000, addr,
		    d->cfg.listen[0].host[0] ? d->cfg.listen[0].host : "0.0.0.0",
		    e.version, e.packets, e.flows, e.lost, e.seq_resets);
	}
}

static void
maybe_stat(struct daemon *d, uint64_t now_ms)
{
	int64_t	minute = (int64_t)(now_ms / 60000);

	if (d->cfg.stat_minutes <= 0 || minute == d->stat_minute)
		return;
	if (d->stat_minute >= 0 && minute % d->cfg.stat_minutes != 0)
		return;
	d->stat_minute = minute;
	stat_lines(d, now_ms);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct daemon	*d = arg;
	uint64_t	 now = util_now_ms();
	unsigned	 i;

	for (i = 0; i < d->ntrees; i++)
		filemgr_tick(d->trees[i], now);
	proto_expire(d->proto, now);
	if (d->lt != NULL)
		livetrack_tick(d->lt, now);
	statefile_maybe_save(d->state, d->proto, util_mono_ms());
	maybe_stat(d, now);
}

static void
events_init(struct daemon *d)
{
	static const int	 sigs[] = { SIGHUP, SIGTERM, SIGQUIT, SIGINT,
	    SIGCHLD };
	struct timeval		 tv = { 1, 0 };
	unsigned		 i;

	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		d->sigev[i] = evsignal_new(d->base, sigs[i], on_signal, d);
		if (d->sigev[i] == NULL || event_add(d->sigev[i], NULL) != 0)
			fatal("signal events");
	}
	d->timer = event_new(d->base, -1, EV_PERSIST, on_timer, d);
	if (d->timer == NULL || event_add(d->timer, &tv) != 0)
		fatal("timer event");
}

static void
control_start(struct daemon *d)
{
	d->src.coll = d->coll;
	d->src.proto = d->proto;
	d->src.start_ms = d->start_ms;
	d->src.sample_s = (unsigned)d->cfg.sample_s;
	d->src.rotate = daemon_rotate;
	d->src.reload = daemon_reload;
	d->src.arg = d;
	daemon_apply(d);
	if (d->cfg.control[0] != '\0') {
		d->ctl = control_init_mode(d->base, d->cfg.control, &d->src,
		    0, 0660, d->privsep ? d->user.uid : (uid_t)-1,
		    d->privsep ? d->user.gid : (gid_t)-1);
		if (d->ctl == NULL)
			fatal("cannot open the control socket %s",
			    d->cfg.control);
	}
	if (d->cfg.control_ro[0] != '\0') {
		d->ctl_ro = control_init_mode(d->base, d->cfg.control_ro,
		    &d->src, 1, 0666, d->privsep ? d->user.uid : (uid_t)-1,
		    d->privsep ? d->user.gid : (gid_t)-1);
		if (d->ctl_ro == NULL)
			fatal("cannot open the control socket %s",
			    d->cfg.control_ro);
	}
}

static void
decoder_init(struct daemon *d)
{
	if ((d->proto = proto_new(&d->cfg.limits)) == NULL)
		fatal("out of memory");
	if ((d->state = statefile_new(d->cfg.statefile)) == NULL)
		fatal("out of memory");
	(void)statefile_load(d->state, d->proto);
}

/* Deflate on worker threads (storage/zpar.h) unless told not to; started
 * once, after detaching, and kept across reloads. */
static void
compress_init(struct daemon *d)
{
	long	n = d->cfg.compress_threads;

	if (d->cfg.zlevel <= 0 || n == 0)
		return;
	if (n < 0) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		if (n < 1)
			n = 1;
		if (n > 8)
			n = 8;
	}
	if (zpar_pool_start((unsigned)n) != 0)
		fatal("cannot start %ld compression threads", n);
	log_info("compressing on %ld threads", n);
}

/* ------------------------------------------------------------ shutdown */

static void
daemon_shutdown(struct daemon *d)
{
	unsigned	i;

	trees_free(d->trees, d->ntrees);
	d->ntrees = 0;
	zpar_pool_stop();
	collector_set_tap(d->coll, NULL, NULL);
	livetrack_free(d->lt);
	d->lt = NULL;
	d->src.lt = NULL;
	d->src.ch = NULL;
	chsink_free(d->ch);	/* the last batch to a server or the spool */
	d->ch = NULL;
	(void)statefile_save(d->state, d->proto);
	control_free(d->ctl);
	control_free(d->ctl_ro);
	collector_free(d->coll);
	for (i = 0; i < sizeof(d->sigev) / sizeof(d->sigev[0]); i++)
		if (d->sigev[i] != NULL)
			event_free(d->sigev[i]);
	event_free(d->timer);
	statefile_free(d->state);
	proto_free(d->proto);
	event_base_free(d->base);
	if (d->pidpath[0] != '\0')
		unlink(d->pidpath);
	/* a web child running as another user cannot be signalled (EPERM):
	 * it leaves by itself within a second of our exit (web/httpd.c) */
	if (d->web_pid > 0 && kill(d->web_pid, SIGTERM) == 0)
		(void)waitpid(d->web_pid, NULL, 0);
	log_info("exiting");
}

int
main(int argc, char **argv)
{
	static struct daemon	d;

	d.stat_minute = -1;
	daemon_parse(&d, argc, argv);
	log_init("flowkeepd", d.cfg.foreground, d.cfg.debug);
	daemon_root(&d);
	if (!d.cfg.foreground)
		daemon_detach(&d);
	privsep_setup(&d);
	web_start(&d);
	if ((d.coll = collector_open(&d.cfg)) == NULL)
		fatal("cannot open the listen sockets");
	if (d.quickstart)
		daemon_banner(&d);
	d.start_ms = util_now_ms();
	if ((d.base = event_base_new()) == NULL)
		fatal("event_base_new");
	/* signals caught from here on (handled once the loop runs): a
	 * QUIT or TERM sent as soon as the control socket or the first file
	 * appears must not be lost (background jobs start with QUIT and
	 * INT ignored) */
	events_init(&d);
	decoder_init(&d);
	if (collector_init(d.coll, d.base, d.proto) != 0)
		fatal("collector events");
	control_start(&d);
	daemon_pidfile(&d);
	chroot_enter(&d);
	privsep_become(&d);
	compress_init(&d);
	clickhouse_init(&d);
	if (trees_init(&d, NULL, 0) != 0)
		fatal("cannot set up the directory trees under %s", d.root);
	tracks_init(&d);
	daemon_apply(&d);
	log_info("started, writing to %s", d.root);
	event_base_dispatch(d.base);
	daemon_shutdown(&d);
	return 0;
}
