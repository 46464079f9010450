/*
 * timearg.c - time arguments of the CLI (see timearg.h).
 */
#define _GNU_SOURCE	/* timegm */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timearg.h"

uint64_t
timearg_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* n digits at *p into *v; 0 or -1. */
static int
digits(const char **p, int n, int *v)
{
	int x = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		x = x * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*v = x;
	return 0;
}

static int
relative(const char *s, uint64_t now_ms, uint64_t *out)
{
	char *end;
	unsigned long long n;
	uint64_t unit, d;
	int neg = *s == '-';

	if (*s != '-' && *s != '+')
		return -1;
	s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	n = strtoull(s, &end, 10);
	switch (*end) {
	case 's': unit = 1000; break;
	case 'm': unit = 60 * 1000; break;
	case 'h': unit = 3600 * 1000; break;
	case 'd': unit = 86400 * 1000; break;
	case 'w': unit = 7 * 86400 * 1000; break;
	default: return -1;
	}
	if (end[1] != '\0' || n > UINT64_MAX / unit)
		return -1;
	d = n * unit;
	if (neg) {
		if (d > now_ms)
			return -1;
		*out = now_ms - d;
	} else
		*out = now_ms + d;
	return 0;
}

static int
epoch(const char *s, uint64_t *out)
{
	uint64_t secs = 0, ms = 0;
	int nd = 0, nf = 0;

	if (*s == '@')
		s++;
	for (; isdigit((unsigned char)*s); s++, nd++) {
		if (secs > (UINT64_MAX / 1000 - 9) / 10)
			return -1;
		secs = secs * 10 + (uint64_t)(*s - '0');
	}
	if (nd == 0)
		return -1;
	if (*s == '.') {
		for (s++; isdigit((unsigned char)*s); s++, nf++)
			if (nf < 3)
				ms = ms * 10 + (uint64_t)(*s - '0');
		if (nf == 0)
			return -1;
		for (int k = nf; k < 3; k++)
			ms *= 10;
	}
	if (*s != '\0')
		return -1;
	*out = secs * 1000 + ms;
	return 0;
}

static int
calendar(const char *s, uint64_t *out)
{
	struct tm tm;
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0, zone = 0, haszone = 0;
	int zh, zm, sign;
	time_t t;

	if (digits(&p, 4, &y) == -1 || *p++ != '-' ||
	    digits(&p, 2, &mo) == -1 || *p++ != '-' ||
	    digits(&p, 2, &d) == -1)
		return -1;
	if (*p == ' ' || *p == 'T' || *p == 't') {
		p++;
		if (digits(&p, 2, &h) == -1 || *p++ != ':' ||
		    digits(&p, 2, &mi) == -1)
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec) == -1)
				return -1;
			if (*p == '.' || *p == ',') {
				int nf = 0;

				for (p++; isdigit((unsigned char)*p); p++,
				    nf++)
					if (nf < 3)
						ms = ms * 10 + (*p - '0');
				if (nf == 0)
					return -1;
				for (; nf < 3; nf++)
					ms *= 10;
			}
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
			haszone = 1;
		} else if (*p == '+' || *p == '-') {
			sign = *p++ == '-' ? -1 : 1;
			if (digits(&p, 2, &zh) == -1)
				return -1;
			if (*p == ':')
				p++;
			if (digits(&p, 2, &zm) == -1 || zh > 23 || zm > 59)
				return -1;
			zone = sign * (zh * 3600 + zm * 60);
			haszone = 1;
		}
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60 || y < 1970)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if (haszone)
		t = timegm(&tm) - zone;
	else {
		tm.tm_isdst = -1;
		t = mktime(&tm);
	}
	if (t < 0 || tm.tm_mday != d)
		return -1;	/* e.g. February 30 */
	*out = (uint64_t)t * 1000 + (uint64_t)ms;
	return 0;
}

int
timearg_parse(const char *s, uint64_t now_ms, uint64_t *out_ms, char *err,
    size_t errlen)
{
	if (s == NULL || *s == '\0') {
		snprintf(err, errlen, "empty time");
		return -1;
	}
	if (strcmp(s, "now") == 0) {
		*out_ms = now_ms;
		return 0;
	}
	if (relative(s, now_ms, out_ms) == 0 || epoch(s, out_ms) == 0 ||
	    calendar(s, out_ms) == 0)
		return 0;
	snprintf(err, errlen, "bad time \"%s\" (use \"YYYY-MM-DD hh:mm[:ss]\","
	    " ISO 8601, epoch seconds or a relative time like -1h)", s);
	return -1;
}
