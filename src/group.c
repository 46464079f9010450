/*
 * group.c - tracking group files (see group.h).
 */
#define _GNU_SOURCE	/* memrchr */

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "group.h"

/* Ten colours far apart in hue and lightness (Tableau's 10-colour set). */
static const uint32_t palette[] = {
	0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f,
	0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac,
};
#define NPALETTE	(sizeof(palette) / sizeof(palette[0]))

static const char *const unit_names[3] = { "bits", "packets", "flows" };

static void
grp_err(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
grp_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

int
grp_name_ok(const char *s)
{
	if (*s == '\0' || *s == '.' || strlen(s) >= GRP_NAMELEN)
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' &&
		    *s != '.')
			return 0;
	return 1;
}

uint32_t
grp_palette(unsigned i)
{
	return palette[i % NPALETTE];
}

uint32_t
grp_color(const struct grp *g, unsigned i)
{
	if (i < g->n && g->m[i].has_color)
		return g->m[i].color;
	return grp_palette(i);
}

/* "#RRGGBB" -> 0xRRGGBB; 0 or -1. */
static int
parse_color(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (s[0] != '#' || strlen(s) != 7 || !isxdigit((unsigned char)s[1]))
		return -1;
	v = strtoul(s + 1, &end, 16);
	if (*end != '\0')
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* One word of a member: a place or a colour. */
static int
member_word(const char *w, struct grp_member *m)
{
	if (strcmp(w, "above") == 0)
		m->below = 0;
	else if (strcmp(w, "below") == 0)
		m->below = 1;
	else if (parse_color(w, &m->color) == 0)
		m->has_color = 1;
	else
		return -1;
	return 0;
}

int
grp_member_parse(const char *spec, struct grp_member *m, char *err,
    size_t errlen)
{
	char buf[GRP_NAMELEN + 64], *w, *save = NULL;

	memset(m, 0, sizeof(*m));
	if (strlen(spec) >= sizeof(buf)) {
		grp_err(err, errlen, "member \"%.40s...\": too long", spec);
		return -1;
	}
	strcpy(buf, spec);
	w = strtok_r(buf, ":", &save);
	if (w == NULL || buf[0] == ':' || !grp_name_ok(w)) {
		grp_err(err, errlen, "member \"%s\": a tracking name is "
		    "letters, digits, '-', '_' and '.', not starting with '.'",
		    spec);
		return -1;
	}
	strcpy(m->name, w);
	while ((w = strtok_r(NULL, ":", &save)) != NULL)
		if (member_word(w, m) == -1) {
			grp_err(err, errlen, "member \"%s\": \"%s\" is neither "
			    "above, below nor a colour #RRGGBB", spec, w);
			return -1;
		}
	return 0;
}

int
grp_member_add(struct grp *g, const struct grp_member *m, char *err,
    size_t errlen)
{
	for (unsigned i = 0; i < g->n; i++)
		if (strcmp(g->m[i].name, m->name) == 0) {
			grp_err(err, errlen, "member %s is in the group twice",
			    m->name);
			return -1;
		}
	if (g->n == GRP_MAX) {
		grp_err(err, errlen, "a group has at most %d members",
		    GRP_MAX);
		return -1;
	}
	g->m[g->n++] = *m;
	return 0;
}

/* The "member NAME [above|below] [#RRGGBB]" line's value. */
static int
member_line(struct grp *g, char *v, char *err, size_t errlen)
{
	struct grp_member m;
	char *w, *save = NULL;

	memset(&m, 0, sizeof(m));
	if ((w = strtok_r(v, " \t", &save)) == NULL || !grp_name_ok(w)) {
		grp_err(err, errlen, "member: a tracking name is letters, "
		    "digits, '-', '_' and '.', not starting with '.'");
		return -1;
	}
	strcpy(m.name, w);
	while ((w = strtok_r(NULL, " \t", &save)) != NULL)
		if (member_word(w, &m) == -1) {
			grp_err(err, errlen, "member %s: \"%s\" is neither "
			    "above, below nor a colour #RRGGBB", m.name, w);
			return -1;
		}
	return grp_member_add(g, &m, err, errlen);
}

static int
unit_line(struct grp *g, const char *v, char *err, size_t errlen)
{
	for (int u = 0; u < 3; u++)
		if (strcmp(v, unit_names[u]) == 0) {
			g->unit = u;
			return 0;
		}
	grp_err(err, errlen, "unit is bits, packets or flows");
	return -1;
}

/* One line without its end; 0 or -1 with err (no position). */
static int
grp_line(struct grp *g, char *line, char *err, size_t errlen)
{
	char *p, *v;

	for (p = line; isspace((unsigned char)*p); p++)
		;
	if (*p == '\0' || *p == '#')
		return 0;
	v = p + strcspn(p, " \t");
	if (*v != '\0')
		*v++ = '\0';
	while (isspace((unsigned char)*v))
		v++;
	if (strcmp(p, "member") == 0)
		return member_line(g, v, err, errlen);
	if (strcmp(p, "unit") == 0)
		return unit_line(g, v, err, errlen);
	if (strcmp(p, "title") == 0) {
		if (strlen(v) >= sizeof(g->title)) {
			grp_err(err, errlen, "title: at most %zu bytes",
			    sizeof(g->title) - 1);
			return -1;
		}
		/* a later title replaces an earlier one, all of it */
		memset(g->title, 0, sizeof(g->title));
		strcpy(g->title, v);
		return 0;
	}
	grp_err(err, errlen, "unknown key \"%s\" (title, unit, member)", p);
	return -1;
}

int
grp_read(FILE *fp, const char *path, struct grp *g, char *err,
    size_t errlen)
{
	char line[4096], why[512];
	unsigned ln = 0;

	memset(g, 0, sizeof(*g));
	while (fgets(line, sizeof(line), fp) != NULL) {
		ln++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			grp_err(err, errlen, "%s:%u: line too long", path, ln);
			return -1;
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (grp_line(g, line, why, sizeof(why)) == -1) {
			grp_err(err, errlen, "%s:%u: %s", path, ln, why);
			return -1;
		}
	}
	if (ferror(fp)) {
		grp_err(err, errlen, "%s: read error", path);
		return -1;
	}
	if (g->n == 0) {
		grp_err(err, errlen, "%s: a group needs at least one member",
		    path);
		return -1;
	}
	return 0;
}

int
grp_load(const char *path, struct grp *g, char *err, size_t errlen)
{
	FILE *fp;
	int rc;

	if ((fp = fopen(path, "r")) == NULL) {
		grp_err(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = grp_read(fp, path, g, err, errlen);
	fclose(fp);
	return rc;
}

void
grp_write(FILE *fp, const struct grp *g)
{
	if (g->title[0] != '\0')
		fprintf(fp, "title %s\n", g->title);
	fprintf(fp, "unit %s\n", unit_names[g->unit >= 0 && g->unit < 3 ?
	    g->unit : 0]);
	for (unsigned i = 0; i < g->n; i++) {
		fprintf(fp, "member %s %s", g->m[i].name, g->m[i].below ?
		    "below" : "above");
		if (g->m[i].has_color)
			fprintf(fp, " #%06x", (unsigned)g->m[i].color);
		fputc('\n', fp);
	}
}

int
grp_save(const char *path, const struct grp *g, char *err, size_t errlen)
{
	char tmp[4200];
	FILE *fp;

	snprintf(tmp, sizeof(tmp), "%s.new~", path);
	if ((fp = fopen(tmp, "w")) == NULL) {
		grp_err(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	grp_write(fp, g);
	if (fclose(fp) != 0 || rename(tmp, path) != 0) {
		grp_err(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

void
grp_default_dir(const char *trackdir, char *buf, size_t len)
{
	size_t n = strlen(trackdir);
	const char *slash;

	while (n > 1 && trackdir[n - 1] == '/')
		n--;
	slash = memrchr(trackdir, '/', n);
	if (slash == NULL)
		snprintf(buf, len, "groups");
	else if (slash == trackdir)
		snprintf(buf, len, "/groups");
	else
		snprintf(buf, len, "%.*s/groups", (int)(slash - trackdir),
		    trackdir);
}
