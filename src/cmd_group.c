/*
 * cmd_group.c - `flowkeep group`: manage tracking groups, the small files
 * that stack trackings in one graph (see group.h for their format).
 *
 *   flowkeep group list
 *   flowkeep group show NAME
 *   flowkeep group add NAME MEMBER... [--title TEXT] [--unit U]
 *   flowkeep group edit NAME [MEMBER...] [--title TEXT] [--unit U]
 *   flowkeep group rm NAME
 *
 * with [--group-dir DIR] [--dir TRACKDIR] [--config FILE] on each.
 * MEMBER is TRACKING[:above|:below][:#RRGGBB], in stacking order; each
 * must be a tracking of the trackings directory (--dir, else the
 * tracking-dir of --config FILE, else var/trackings), active or archived.
 * The groups directory is --group-dir, else "groups" beside the
 * trackings directory.  edit replaces the members when any are given,
 * and the title or unit when given.  rm moves the file to DIR/.archive.
 * Groups have no RRD and the daemon does not read them: no reload needed.
 */
#define _GNU_SOURCE

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "group.h"

struct group_args {
	const char	*verb, *name, *gdir, *tdir, *title, *unit, *config;
	const char	*members[GRP_MAX + 1];
	unsigned	 nmembers;
	char		 gbuf[4096];
};

static int
group_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "flowkeep group: %s\n", why);
	return cmd_usage("group");
}

static void
group_path(const struct group_args *a, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", a->gdir, a->name);
}

/* Is NAME a tracking (active or archived)? */
static int
tracking_exists(const char *tdir, const char *name)
{
	char path[4400];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", tdir, name);
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		return 1;
	snprintf(path, sizeof(path), "%s/.archive/%s", tdir, name);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The members and options of add/edit applied to g; 0, or 2 (usage). */
static int
apply_args(const struct group_args *a, struct grp *g)
{
	struct grp_member m;
	char err[512];

	if (a->nmembers > GRP_MAX)
		return group_usage("a group has at most 16 members");
	if (a->nmembers > 0)
		g->n = 0;
	for (unsigned i = 0; i < a->nmembers; i++) {
		if (grp_member_parse(a->members[i], &m, err, sizeof(err)) ==
		    -1 || grp_member_add(g, &m, err, sizeof(err)) == -1)
			return group_usage(err);
		if (!tracking_exists(a->tdir, m.name)) {
			fprintf(stderr, "flowkeep group: member %s: no such "
			    "tracking in %s\n", m.name, a->tdir);
			return 2;
		}
	}
	if (a->title != NULL) {
		if (strlen(a->title) >= sizeof(g->title) ||
		    strpbrk(a->title, "\r\n") != NULL)
			return group_usage("--title is one line, under 256 "
			    "bytes");
		strcpy(g->title, a->title);
	}
	if (a->unit != NULL) {
		if (strcmp(a->unit, "bits") == 0)
			g->unit = 0;
		else if (strcmp(a->unit, "packets") == 0)
			g->unit = 1;
		else if (strcmp(a->unit, "flows") == 0)
			g->unit = 2;
		else
			return group_usage("--unit is bits, packets or flows");
	}
	return 0;
}

static int
save(const struct group_args *a, const struct grp *g, const char *what)
{
	char path[4400], err[4600];

	if (mkdir(a->gdir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "flowkeep group: %s: %s\n", a->gdir,
		    strerror(errno));
		return 1;
	}
	group_path(a, path, sizeof(path));
	if (grp_save(path, g, err, sizeof(err)) == -1) {
		fprintf(stderr, "flowkeep group: %s\n", err);
		return 1;
	}
	printf("group %s %s in %s (%u members)\n", a->name, what, path, g->n);
	return 0;
}

static int
group_add(struct group_args *a)
{
	char path[4400];
	struct grp g;
	int rc;

	if (a->nmembers == 0)
		return group_usage("add needs at least one member");
	group_path(a, path, sizeof(path));
	if (access(path, F_OK) == 0) {
		fprintf(stderr, "flowkeep group: %s exists already (use "
		    "`flowkeep group edit`)\n", path);
		return 1;
	}
	memset(&g, 0, sizeof(g));
	if ((rc = apply_args(a, &g)) != 0)
		return rc;
	return save(a, &g, "saved");
}

static int
group_edit(struct group_args *a)
{
	char path[4400], err[4600];
	struct grp g;
	int rc;

	if (a->nmembers == 0 && a->title == NULL && a->unit == NULL)
		return group_usage("edit needs members, --title or --unit");
	group_path(a, path, sizeof(path));
	if (grp_load(path, &g, err, sizeof(err)) == -1) {
		fprintf(stderr, "flowkeep group: %s\n", err);
		return 1;
	}
	if ((rc = apply_args(a, &g)) != 0)
		return rc;
	return save(a, &g, "changed");
}

static int
group_show(struct group_args *a)
{
	char path[4400], err[4600];
	struct grp g;

	if (a->nmembers > 0)
		return group_usage(NULL);
	group_path(a, path, sizeof(path));
	if (grp_load(path, &g, err, sizeof(err)) == -1) {
		fprintf(stderr, "flowkeep group: %s\n", err);
		return 1;
	}
	grp_write(stdout, &g);
	for (unsigned i = 0; i < g.n; i++)
		if (!tracking_exists(a->tdir, g.m[i].name))
			printf("# warning: member %s is no tracking of %s\n",
			    g.m[i].name, a->tdir);
	return 0;
}

static int
group_rm(struct group_args *a)
{
	char arch[4200], from[4400], to[4400];

	if (a->nmembers > 0)
		return group_usage(NULL);
	group_path(a, from, sizeof(from));
	snprintf(arch, sizeof(arch), "%s/.archive", a->gdir);
	snprintf(to, sizeof(to), "%s/%s", arch, a->name);
	if (access(from, F_OK) != 0) {
		fprintf(stderr, "flowkeep group: %s: %s\n", from,
		    strerror(errno));
		return 1;
	}
	if ((mkdir(arch, 0755) != 0 && errno != EEXIST) ||
	    rename(from, to) != 0) {
		fprintf(stderr, "flowkeep group: %s: %s\n", to,
		    strerror(errno));
		return 1;
	}
	printf("group %s removed (kept as %s)\n", a->name, to);
	return 0;
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static void
list_one(const struct group_args *a, const char *name)
{
	char path[4400], err[4600];
	struct grp g;

	snprintf(path, sizeof(path), "%s/%s", a->gdir, name);
	if (grp_load(path, &g, err, sizeof(err)) == -1) {
		printf("%-24s (broken: %s)\n", name, err);
		return;
	}
	printf("%-24s", name);
	for (unsigned i = 0; i < g.n; i++)
		printf(" %s%s", g.m[i].name, g.m[i].below ? ":below" : "");
	if (g.title[0] != '\0')
		printf("  \"%s\"", g.title);
	printf("\n");
}

static int
group_list(struct group_args *a)
{
	char *names[1024];
	struct dirent *de;
	unsigned n = 0;
	DIR *d;

	if (a->name != NULL)
		return group_usage(NULL);
	if ((d = opendir(a->gdir)) == NULL) {
		if (errno == ENOENT) {
			printf("no groups (%s does not exist)\n", a->gdir);
			return 0;
		}
		fprintf(stderr, "flowkeep group: %s: %s\n", a->gdir,
		    strerror(errno));
		return 1;
	}
	while ((de = readdir(d)) != NULL && n < 1024)
		if (grp_name_ok(de->d_name) &&
		    (names[n] = strdup(de->d_name)) != NULL)
			n++;
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (unsigned i = 0; i < n; i++) {
		list_one(a, names[i]);
		free(names[i]);
	}
	if (n == 0)
		printf("no groups in %s\n", a->gdir);
	return 0;
}

static const struct {
	const char	*verb;
	int		(*fn)(struct group_args *);
	int		 needs_name;
} verbs[] = {
	{ "list", group_list, 0 },
	{ "show", group_show, 1 },
	{ "add", group_add, 1 },
	{ "edit", group_edit, 1 },
	{ "rm", group_rm, 1 },
};

static int
parse_args(struct group_args *a, int argc, char **argv)
{
	int i, rc;

	for (i = 2; i < argc; i++) {
		if ((rc = cmd_optval(argc, argv, &i, "--group-dir",
		    &a->gdir)) == 1 ||
		    (rc == 0 && (rc = cmd_optval(argc, argv, &i, "--dir",
		    &a->tdir)) == 1) ||
		    (rc == 0 && (rc = cmd_optval(argc, argv, &i, "--title",
		    &a->title)) == 1) ||
		    (rc == 0 && (rc = cmd_optval(argc, argv, &i, "--unit",
		    &a->unit)) == 1) ||
		    (rc == 0 && (rc = cmd_optval(argc, argv, &i, "--config",
		    &a->config)) == 1))
			continue;
		if (rc == -1)
			return group_usage("an option needs a value");
		if (argv[i][0] == '-')
			return group_usage(NULL);
		if (a->name == NULL)
			a->name = argv[i];
		else if (a->nmembers <= GRP_MAX)
			a->members[a->nmembers++] = argv[i];
		else
			return group_usage("a group has at most 16 members");
	}
	return 0;
}

int
cmd_group(int argc, char **argv)
{
	static struct fk_config c;
	struct group_args a;
	char err[1024];
	int rc;

	memset(&a, 0, sizeof(a));
	if (argc < 2)
		return group_usage(NULL);
	a.verb = argv[1];
	if ((rc = parse_args(&a, argc, argv)) != 0)
		return rc;
	config_defaults(&c);
	if (a.config != NULL &&
	    config_parse_file(&c, a.config, err, sizeof(err)) == -1) {
		fprintf(stderr, "flowkeep: %s\n", err);
		return 2;
	}
	if (a.tdir == NULL)
		a.tdir = c.trackdir;
	if (a.gdir == NULL) {
		grp_default_dir(a.tdir, a.gbuf, sizeof(a.gbuf));
		a.gdir = a.gbuf;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(a.verb, verbs[i].verb) != 0)
			continue;
		if (verbs[i].needs_name && a.name == NULL)
			return group_usage("which group?");
		if (verbs[i].needs_name && !grp_name_ok(a.name))
			return group_usage("a group name is letters, digits, "
			    "'-', '_' and '.', not starting with '.'");
		return verbs[i].fn(&a);
	}
	return group_usage(NULL);
}
