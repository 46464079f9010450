/*
 * cmd_track.c - `flowkeep track`: manage tracking definitions, the small
 * files flowkeepd counts live (see livetrack.h for their format).
 *
 *   flowkeep track list [--dir DIR]
 *   flowkeep track show NAME [--dir DIR]
 *   flowkeep track add NAME --filter EXPR [--multiplier N] [--notes TEXT]
 *                      [--dir DIR] [--socket PATH]
 *   flowkeep track edit NAME [--filter EXPR] [--multiplier N]
 *                      [--notes TEXT] [--dir DIR] [--socket PATH]
 *   flowkeep track rm|archive NAME [--dir DIR] [--socket PATH]
 *                      (both archive it)
 *   flowkeep track restore NAME [--dir DIR] [--socket PATH]
 *   flowkeep track alerts [--rrd-dir DIR]	(the alert history)
 *   flowkeep track note NAME TEXT [--at TIME] [--dir DIR]
 *   flowkeep track backfill NAME --from TIME --to TIME [--replace]
 *                      [--dir DIR] [--rrd-dir DIR] [FILE|DIR]...
 *
 * backfill computes the steps of [from, to) from stored flow files (the
 * data tree of the configuration unless files or directories are named)
 * exactly as the daemon counts them live, and writes them into the
 * tracking's RRD: a new one, or with --replace a fresh one (the old is
 * moved aside), since an RRD cannot take steps older than its last.
 *
 * note appends "note EPOCH TEXT" (the time --at, default now) to the
 * definition: graphs draw the last three notes as vertical marks.  The
 * daemon ignores notes; no reload is needed.
 *
 * The directory is --dir, else the tracking-dir of --config FILE, else
 * var/trackings (flowkeepd's default).  After a change the running daemon
 * is asked to reload; if none answers, the change waits for its start.
 * Archived trackings go to DIR/.archive (their RRDs are kept).  edit
 * changes only the keys given and keeps the other lines (alert rules...);
 * the edited definition is checked before it replaces the old one.
 */
#define _GNU_SOURCE

#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backfill.h"
#include "cmd.h"
#include "config.h"
#include "ctlproto.h"
#include "filter.h"
#include "livetrack.h"
#include "timearg.h"

struct track_args {
	const char	*verb, *name, *dir, *filter, *mult, *notes, *sock;
	const char	*config, *rrddir, *from, *to, *at, *text;
	int		 replace;
	const char	*paths[256];
	unsigned	 npaths;
	const struct fk_config *cfg;
};

static int track_usage(const char *why);
static int mkdir_p(const char *dir);

static void
bf_warn(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "flowkeep track: %s\n", msg);
}

static int
track_backfill(struct track_args *a)
{
	char def[4096], rrd[4096], aside[4200], err[1024];
	struct filter *f;
	unsigned step = a->cfg->track_step, steps = 0;
	time_t now = time(NULL), t0, t1;
	uint64_t m0, m1, flows = 0;
	double mult = 1;
	int rc;

	if (a->from == NULL || a->to == NULL)
		return track_usage("backfill needs --from and --to");
	if (timearg_parse(a->from, (uint64_t)now * 1000, &m0, err,
	    sizeof(err)) != 0 || timearg_parse(a->to, (uint64_t)now * 1000,
	    &m1, err, sizeof(err)) != 0)
		return track_usage(err);
	t0 = (time_t)(m0 / 1000);
	t1 = (time_t)(m1 / 1000);
	t0 -= t0 % (time_t)step;
	t1 -= t1 % (time_t)step;
	if (t1 <= t0)
		return track_usage("--to must be at least one step after "
		    "--from");
	snprintf(def, sizeof(def), "%s/%s", a->dir, a->name);
	if ((f = livetrack_read_def(def, &mult, err, sizeof(err))) == NULL) {
		fprintf(stderr, "flowkeep track: %s\n", err);
		return 1;
	}
	snprintf(rrd, sizeof(rrd), "%s/%s.rrd", a->rrddir, a->name);
	if (access(rrd, F_OK) == 0) {
		if (!a->replace) {
			fprintf(stderr, "flowkeep track: %s exists; an RRD "
			    "cannot take older steps (--replace starts a new "
			    "one and moves this one aside)\n", rrd);
			filter_free(f);
			return 1;
		}
		snprintf(aside, sizeof(aside), "%s.before-backfill-%lld", rrd,
		    (long long)now);
		if (rename(rrd, aside) != 0) {
			fprintf(stderr, "flowkeep track: %s: %s\n", rrd,
			    strerror(errno));
			filter_free(f);
			return 1;
		}
		printf("moved %s to %s\n", rrd, aside);
	}
	if (mkdir_p(a->rrddir) != 0) {
		fprintf(stderr, "flowkeep track: %s: %s\n", a->rrddir,
		    strerror(errno));
		filter_free(f);
		return 1;
	}
	if (a->npaths == 0)
		a->paths[a->npaths++] = a->cfg->workdir;
	rc = backfill_run(f, mult, a->paths, a->npaths, t0, t1, step, rrd,
	    bf_warn, &steps, &flows, err, sizeof(err));
	filter_free(f);
	if (rc == -2)
		return track_usage(err);
	if (rc < 0) {
		fprintf(stderr, "flowkeep track: %s\n", err);
		return 1;
	}
	printf("%s: %u steps of %u s from %llu flows written to %s\n",
	    a->name, steps, step, (unsigned long long)flows, rrd);
	return 0;
}

static int
valid_name(const char *s)
{
	if (*s == '\0' || *s == '.' || strlen(s) >= 128)
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' &&
		    *s != '.')
			return 0;
	return 1;
}

static int
one_line(const char *s)
{
	return strchr(s, '\n') == NULL && strchr(s, '\r') == NULL;
}

static int
track_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "flowkeep track: %s\n", why);
	return cmd_usage("track");
}

static int
print_file(const char *path)
{
	char line[4096];
	FILE *fp = fopen(path, "r");

	if (fp == NULL) {
		fprintf(stderr, "flowkeep track: %s: %s\n", path,
		    strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), fp) != NULL)
		fputs(line, stdout);
	fclose(fp);
	return 0;
}

/* The filter line of a definition ("" if none). */
static void
filter_of(const char *path, char *out, size_t len)
{
	char line[4096], *p;
	FILE *fp = fopen(path, "r");

	out[0] = '\0';
	if (fp == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (strncmp(p, "filter", 6) == 0 &&
		    (p[6] == '\0' || isspace((unsigned char)p[6]))) {
			for (p += 6; isspace((unsigned char)*p); p++)
				;
			snprintf(out, len, "%s", p);
			break;
		}
	}
	fclose(fp);
}

static int
track_note(const struct track_args *a)
{
	char path[4096], err[256];
	uint64_t ms;
	time_t now = time(NULL);
	FILE *fp;

	if (a->text == NULL || *a->text == '\0' || !one_line(a->text))
		return track_usage("note needs its text, one line");
	if (timearg_parse(a->at != NULL ? a->at : "now", (uint64_t)now * 1000,
	    &ms, err, sizeof(err)) != 0)
		return track_usage(err);
	snprintf(path, sizeof(path), "%s/%s", a->dir, a->name);
	if (access(path, F_OK) != 0 || (fp = fopen(path, "a")) == NULL) {
		fprintf(stderr, "flowkeep track: %s: %s\n", path,
		    strerror(errno));
		return 1;
	}
	fprintf(fp, "note %llu %s\n", (unsigned long long)(ms / 1000),
	    a->text);
	if (fclose(fp) != 0) {
		fprintf(stderr, "flowkeep track: %s: %s\n", path,
		    strerror(errno));
		return 1;
	}
	printf("note added to %s\n", path);
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
track_list(const char *dir)
{
	char *names[4096], path[4096], expr[4096];
	struct dirent *de;
	unsigned n = 0;
	DIR *d = opendir(dir);

	if (d == NULL) {
		if (errno == ENOENT) {
			printf("no trackings (%s does not exist)\n", dir);
			return 0;
		}
		fprintf(stderr, "flowkeep track: %s: %s\n", dir,
		    strerror(errno));
		return 1;
	}
	while ((de = readdir(d)) != NULL && n < 4096)
		if (valid_name(de->d_name))
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (unsigned i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		filter_of(path, expr, sizeof(expr));
		printf("%-24s %s\n", names[i], expr[0] ? expr : "(every flow)");
		free(names[i]);
	}
	if (n == 0)
		printf("no trackings in %s\n", dir);
	return 0;
}

/* Ask the daemon to reload; quiet when none is running. */
static void
tell_daemon(const char *sock)
{
	if (access(sock, F_OK) != 0) {
		printf("flowkeepd is not running (no %s): the change applies "
		    "at its next start\n", sock);
		return;
	}
	if (cmd_ctl(sock, CTL_RELOAD) != 0)
		printf("could not ask flowkeepd to reload; send it SIGHUP\n");
}

static int
mkdir_p(const char *dir)
{
	char buf[4096], *p;

	snprintf(buf, sizeof(buf), "%s", dir);
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

static int
track_add(const struct track_args *a)
{
	char path[4096], tmp[4200], err[512];
	struct filter *f;
	char *end;
	FILE *fp;

	if (a->mult != NULL && (strtod(a->mult, &end) <= 0 || *end != '\0'))
		return track_usage("--multiplier must be a number above 0");
	if (!one_line(a->filter) || (a->notes && !one_line(a->notes)))
		return track_usage("--filter and --notes are one line each");
	if ((f = filter_compile(a->filter, NULL, err, sizeof(err))) == NULL) {
		fprintf(stderr, "flowkeep: filter: %s\n", err);
		return 2;
	}
	filter_free(f);
	if (mkdir_p(a->dir) != 0) {
		fprintf(stderr, "flowkeep track: %s: %s\n", a->dir,
		    strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/%s", a->dir, a->name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.new", a->dir, a->name);
	if ((fp = fopen(tmp, "w")) == NULL) {
		fprintf(stderr, "flowkeep track: %s: %s\n", tmp,
		    strerror(errno));
		return 1;
	}
	fprintf(fp, "filter %s\n", a->filter);
	if (a->mult != NULL)
		fprintf(fp, "multiplier %s\n", a->mult);
	if (a->notes != NULL)
		fprintf(fp, "notes %s\n", a->notes);
	if (fclose(fp) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "flowkeep track: %s: %s\n", path,
		    strerror(errno));
		unlink(tmp);
		return 1;
	}
	printf("tracking %s saved in %s\n", a->name, path);
	tell_daemon(a->sock);
	return 0;
}

/* The line for key in an edited definition: the new value if given. */
static const char *
edit_value(const struct track_args *a, const char *key)
{
	if (strcmp(key, "filter") == 0)
		return a->filter;
	if (strcmp(key, "multiplier") == 0)
		return a->mult;
	return strcmp(key, "notes") == 0 ? a->notes : NULL;
}

/* Copy in to out with the given keys replaced (the first line of each;
 * other lines of those keys are dropped), missing ones appended. */
static void
edit_copy(const struct track_args *a, FILE *in, FILE *out)
{
	static const char *const keys[3] = { "filter", "multiplier",
	    "notes" };
	char line[4096], key[32];
	int done[3] = { 0, 0, 0 };

	while (fgets(line, sizeof(line), in) != NULL) {
		int k;

		if (sscanf(line, " %31s", key) != 1 ||
		    edit_value(a, key) == NULL) {
			fputs(line, out);
			continue;
		}
		for (k = 0; strcmp(keys[k], key) != 0; k++)
			;
		if (!done[k]++)
			fprintf(out, "%s %s\n", key, edit_value(a, key));
	}
	for (int k = 0; k < 3; k++)
		if (!done[k] && edit_value(a, keys[k]) != NULL)
			fprintf(out, "%s %s\n", keys[k], edit_value(a, keys[k]));
}

/* Change the given keys of NAME, keeping its other lines (alerts...);
 * the new definition is checked before it replaces the old one. */
static int
track_edit(const struct track_args *a)
{
	char path[4096], tmp[4200], err[1024];
	struct filter *f;
	double mult;
	FILE *in, *out;

	if (a->filter == NULL && a->mult == NULL && a->notes == NULL)
		return track_usage("edit needs --filter, --multiplier or "
		    "--notes");
	if ((a->filter && !one_line(a->filter)) ||
	    (a->notes && !one_line(a->notes)) ||
	    (a->mult && !one_line(a->mult)))
		return track_usage("--filter, --multiplier and --notes are "
		    "one line each");
	if (a->filter != NULL) {
		if ((f = filter_compile(a->filter, NULL, err,
		    sizeof(err))) == NULL) {
			fprintf(stderr, "flowkeep: filter: %s\n", err);
			return 2;
		}
		filter_free(f);
	}
	snprintf(path, sizeof(path), "%s/%s", a->dir, a->name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.new", a->dir, a->name);
	if ((in = fopen(path, "r")) == NULL) {
		fprintf(stderr, "flowkeep track: %s: %s\n", path,
		    strerror(errno));
		return 1;
	}
	if ((out = fopen(tmp, "w")) == NULL) {
		fprintf(stderr, "flowkeep track: %s: %s\n", tmp,
		    strerror(errno));
		fclose(in);
		return 1;
	}
	edit_copy(a, in, out);
	fclose(in);
	if (fclose(out) != 0 ||
	    (f = livetrack_read_def(tmp, &mult, err, sizeof(err))) == NULL) {
		fprintf(stderr, "flowkeep track: %s unchanged: %s\n", path,
		    err);
		unlink(tmp);
		return 1;
	}
	filter_free(f);
	if (rename(tmp, path) != 0) {
		fprintf(stderr, "flowkeep track: %s: %s\n", path,
		    strerror(errno));
		unlink(tmp);
		return 1;
	}
	printf("tracking %s changed (%s)\n", a->name, path);
	tell_daemon(a->sock);
	return 0;
}

/* Move NAME between DIR and DIR/.archive. */
static int
track_move(const struct track_args *a, int to_archive)
{
	char arch[4096], from[4300], to[4300];

	snprintf(arch, sizeof(arch), "%s/.archive", a->dir);
	if (to_archive && mkdir(arch, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "flowkeep track: %s: %s\n", arch,
		    strerror(errno));
		return 1;
	}
	snprintf(from, sizeof(from), "%s/%s", to_archive ? a->dir : arch,
	    a->name);
	snprintf(to, sizeof(to), "%s/%s", to_archive ? arch : a->dir,
	    a->name);
	if (!to_archive && access(to, F_OK) == 0) {
		fprintf(stderr, "flowkeep track: %s exists already\n", to);
		return 1;
	}
	if (rename(from, to) != 0) {
		fprintf(stderr, "flowkeep track: %s: %s\n", from,
		    strerror(errno));
		return 1;
	}
	printf("tracking %s %s\n", a->name, to_archive ?
	    "archived (its RRD is kept; `flowkeep track restore` brings it "
	    "back)" : "restored");
	tell_daemon(a->sock);
	return 0;
}

int
cmd_track(int argc, char **argv)
{
	static struct fk_config c;
	struct track_args a;
	char err[1024];
	int i, rc;

	memset(&a, 0, sizeof(a));
	a.sock = cmd_default_socket();
	if (argc < 2)
		return track_usage(NULL);
	a.verb = argv[1];
	for (i = 2; i < argc; i++) {
		if ((rc = cmd_optval(argc, argv, &i, "--dir", &a.dir)) == 1 ||
		    (rc == 0 && (rc = cmd_optval(argc, argv, &i, "--filter",
		    &a.filter)) == 1) ||
		    (rc == 0 && (rc = cmd_optval(argc, argv, &i,
		    "--multiplier", &a.mult)) == 1) ||
		    (rc == 0 && (rc = cmd_optval(argc, argv, &i, "--notes",
		    &a.notes)) == 1) ||
		    (rc == 0 && (rc = cmd_optval(argc, argv, &i, "--socket",
		    &a.sock)) == 1) ||
		    (rc == 0 && (rc = cmd_optval(argc, argv, &i, "--config",
		    &a.config)) == 1) ||
		    (rc == 0 && (rc = cmd_optval(argc, argv, &i, "--rrd-dir",
		    &a.rrddir)) == 1) ||
		    (rc == 0 && (rc = cmd_optval(argc, argv, &i, "--from",
		    &a.from)) == 1) ||
		    (rc == 0 && (rc = cmd_optval(argc, argv, &i, "--to",
		    &a.to)) == 1) ||
		    (rc == 0 && (rc = cmd_optval(argc, argv, &i, "--at",
		    &a.at)) == 1))
			continue;
		if (rc == 0 && strcmp(argv[i], "--replace") == 0) {
			a.replace = 1;
			continue;
		}
		if (rc == -1)
			return track_usage("an option needs a value");
		if (argv[i][0] == '-')
			return track_usage(NULL);
		if (a.name == NULL)
			a.name = argv[i];
		else if (strcmp(a.verb, "note") == 0 && a.text == NULL)
			a.text = argv[i];
		else if (strcmp(a.verb, "backfill") == 0 && a.npaths < 256)
			a.paths[a.npaths++] = argv[i];
		else
			return track_usage(NULL);
	}
	config_defaults(&c);
	if (a.config != NULL &&
	    config_parse_file(&c, a.config, err, sizeof(err)) == -1) {
		fprintf(stderr, "flowkeep: %s\n", err);
		return 2;
	}
	if (a.dir == NULL)
		a.dir = c.trackdir;
	if (a.rrddir == NULL)
		a.rrddir = c.rrddir;
	if (strcmp(a.verb, "alerts") == 0) {
		char path[4096];

		if (a.name != NULL)
			return track_usage(NULL);
		snprintf(path, sizeof(path), "%s/alerts.log", a.rrddir);
		if (access(path, F_OK) != 0) {
			printf("no alerts yet (%s)\n", path);
			return 0;
		}
		return print_file(path);
	}
	if (strcmp(a.verb, "list") == 0)
		return a.name != NULL ? track_usage(NULL) : track_list(a.dir);
	if (a.name == NULL)
		return track_usage("which tracking?");
	if (!valid_name(a.name))
		return track_usage("a tracking name is letters, digits, '-', "
		    "'_' and '.', not starting with '.'");
	if (strcmp(a.verb, "show") == 0) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", a.dir, a.name);
		return print_file(path);
	}
	if (strcmp(a.verb, "add") == 0) {
		if (a.filter == NULL)
			return track_usage("add needs --filter EXPR (\"\" for "
			    "every flow)");
		return track_add(&a);
	}
	if (strcmp(a.verb, "note") == 0)
		return track_note(&a);
	if (strcmp(a.verb, "edit") == 0)
		return track_edit(&a);
	a.cfg = &c;
	if (strcmp(a.verb, "backfill") == 0)
		return track_backfill(&a);
	if (strcmp(a.verb, "rm") == 0 || strcmp(a.verb, "archive") == 0)
		return track_move(&a, 1);
	if (strcmp(a.verb, "restore") == 0)
		return track_move(&a, 0);
	return track_usage(NULL);
}
