/*
 * layout.c - flow-capture's file names, nesting and rotation times.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftfmt.h"
#include "layout.h"

static const char *const prefixes[] = {
	[LAYOUT_TMP] = "tmp-",
	[LAYOUT_FINAL] = "ft-",
	[LAYOUT_TMP6] = "fk6tmp-",
	[LAYOUT_FINAL6] = "fk6-",
};

static int
fits(int n, size_t len)
{
	return n >= 0 && (size_t)n < len ? 0 : -1;
}

int
layout_dir(char *buf, size_t len, int nest, time_t t)
{
	struct tm tm;
	char y[8], ym[16], ymd[16];
	int n;

	if (len == 0 || localtime_r(&t, &tm) == NULL)
		return -1;
	strftime(y, sizeof(y), "%Y", &tm);
	strftime(ym, sizeof(ym), "%Y-%m", &tm);
	strftime(ymd, sizeof(ymd), "%Y-%m-%d", &tm);
	switch (nest) {
	case 0:
		n = snprintf(buf, len, "%s", "");
		break;
	case 1:
		n = snprintf(buf, len, "%s", y);
		break;
	case 2:
		n = snprintf(buf, len, "%s/%s", y, ym);
		break;
	case 3:
	case -3:
		n = snprintf(buf, len, "%s/%s/%s", y, ym, ymd);
		break;
	case -1:
		n = snprintf(buf, len, "%s", ymd);
		break;
	case -2:
		n = snprintf(buf, len, "%s/%s", ym, ymd);
		break;
	default:
		return -1;
	}
	return fits(n, len);
}

/* "05", "1005", "6000" */
static int
ver_tag(char *buf, size_t len, int ver)
{
	if (ver < 0)
		return -1;
	return fits(snprintf(buf, len, "%02d", ver), len);
}

int
layout_path(char *buf, size_t len, int nest, int ver, time_t t,
    enum layout_kind kind)
{
	char dir[64], vt[16], stamp[32];
	struct tm tm;
	long off, a;

	if ((unsigned)kind > LAYOUT_FINAL6 || ver_tag(vt, sizeof(vt), ver) ||
	    layout_dir(dir, sizeof(dir), nest, t) == -1 ||
	    localtime_r(&t, &tm) == NULL)
		return -1;
	strftime(stamp, sizeof(stamp), "%Y-%m-%d.%H%M%S", &tm);
	off = tm.tm_gmtoff;
	a = off < 0 ? -off : off;
	return fits(snprintf(buf, len, "%s%s%sv%s.%s%c%02ld%02ld", dir,
	    dir[0] ? "/" : "", prefixes[kind], vt, stamp, off < 0 ? '-' : '+',
	    a / 3600, (a % 3600) / 60), len);
}

int
layout_final_name(char *buf, size_t len, const char *tmp_path)
{
	const char *slash = strrchr(tmp_path, '/');
	const char *base = slash != NULL ? slash + 1 : tmp_path;
	int dl = (int)(base - tmp_path);

	if (strncmp(base, "tmp-", 4) == 0)
		return fits(snprintf(buf, len, "%.*sft-%s", dl, tmp_path,
		    base + 4), len);
	if (strncmp(base, "fk6tmp-", 7) == 0)
		return fits(snprintf(buf, len, "%.*sfk6-%s", dl, tmp_path,
		    base + 7), len);
	return -1;
}

int
layout_mkdirs(const char *root, const char *relpath)
{
	char path[LAYOUT_PATH_MAX];
	size_t rl = root != NULL && *root ? strlen(root) + 1 : 0;
	const char *p;

	if (rl > 0 && fits(snprintf(path, sizeof(path), "%s/", root),
	    sizeof(path)) == -1)
		return -1;
	for (p = relpath; (p = strchr(p, '/')) != NULL; p++) {
		if (p == relpath)
			continue;
		if (rl + (size_t)(p - relpath) >= sizeof(path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(path + rl, relpath, (size_t)(p - relpath));
		path[rl + (size_t)(p - relpath)] = 0;
		if (mkdir(path, 0755) == -1 && errno != EEXIST)
			return -1;
	}
	return 0;
}

time_t
layout_next_rotation(time_t now, int n)
{
	struct tm tm;
	time_t midnight;
	double iv, k, next;

	if (n < 0)
		n = 0;
	if (localtime_r(&now, &tm) == NULL)
		return now + 86400;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	midnight = mktime(&tm);
	iv = 86400.0 / (n + 1);
	k = (double)(long long)((double)(now - midnight) / iv);
	if (k * iv < (double)(now - midnight))
		k += 1;
	if (k < 1)
		k = 1;
	next = (double)midnight + k * iv;
	while (next < (double)now)		/* rounding */
		next += iv;
	while (k > 1 && next - iv >= (double)now) {
		next -= iv;
		k--;
	}
	return (time_t)next;		/* positive: truncation = floor */
}

static int
parse_kind(const char **s)
{
	static const int order[] = { LAYOUT_TMP6, LAYOUT_FINAL6, LAYOUT_TMP,
	    LAYOUT_FINAL };
	size_t i, l;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		l = strlen(prefixes[order[i]]);
		if (strncmp(*s, prefixes[order[i]], l) == 0) {
			*s += l;
			return order[i];
		}
	}
	return -1;
}

int
layout_parse_name(const char *name, time_t *t, int *ver)
{
	struct tm tm;
	const char *s = name;
	char vs[16], sign;
	int kind, n = 0, v, oh, om, len = 0;

	if ((kind = parse_kind(&s)) == -1 || *s++ != 'v')
		return -1;
	if (sscanf(s, "%15[0-9m].%n", vs, &n) != 1 || n == 0)
		return -1;
	s += n;
	v = atoi(vs);
	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2d.%2d%2d%2d%c%2d%2d%n", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
	    &sign, &oh, &om, &len) != 9 || s[len] != 0 ||
	    (sign != '+' && sign != '-') || strlen(s) != 22)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if (t != NULL)
		*t = timegm(&tm) - (sign == '-' ? -1 : 1) * (oh * 3600 +
		    om * 60);
	if (ver != NULL)
		*ver = v;
	return kind;
}

int
layout_is_date_dir(const char *name)
{
	static const char *const shapes[] = { "dddd", "dddd-dd",
	    "dddd-dd-dd" };
	size_t i, k, n = strlen(name);

	for (k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++) {
		if (strlen(shapes[k]) != n)
			continue;
		for (i = 0; i < n; i++)
			if (shapes[k][i] == 'd' ?
			    !(name[i] >= '0' && name[i] <= '9') :
			    name[i] != shapes[k][i])
				break;
		if (i == n)
			return 1;
	}
	return 0;
}
