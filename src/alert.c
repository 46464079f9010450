/*
 * alert.c - alert rules of a tracking (see alert.h).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"

static const char *const units[3] = { "bits", "packets", "flows" };

/* Next word of *p into w (at most len - 1 bytes); 0 at the end. */
static int
word(const char **p, char *w, size_t len)
{
	size_t n = 0;

	while (isspace((unsigned char)**p))
		(*p)++;
	if (**p == '\0')
		return 0;
	while (**p != '\0' && !isspace((unsigned char)**p)) {
		if (n + 1 < len)
			w[n++] = **p;
		(*p)++;
	}
	w[n] = '\0';
	return 1;
}

/* A number with an optional k/M/G suffix (powers of 1000). */
static int
number(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || !isfinite(v) || v < 0)
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		v *= 1e3;
		end++;
		break;
	case 'M':
		v *= 1e6;
		end++;
		break;
	case 'G':
		v *= 1e9;
		end++;
		break;
	default:
		return -1;
	}
	if (*end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int
uns(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int
alert_parse(const char *text, struct alert_rule *r, char *err,
    size_t errlen)
{
	const char *p = text;
	char w[64];

	memset(r, 0, sizeof(*r));
	r->steps = 1;
	r->window = 12;
	if (!word(&p, w, sizeof(w))) {
		snprintf(err, errlen, "alert: expected above, below or sigma");
		return -1;
	}
	if (strcmp(w, "above") == 0)
		r->kind = ALERT_ABOVE;
	else if (strcmp(w, "below") == 0)
		r->kind = ALERT_BELOW;
	else if (strcmp(w, "sigma") == 0)
		r->kind = ALERT_SIGMA;
	else {
		snprintf(err, errlen, "alert: expected above, below or sigma, "
		    "got \"%s\"", w);
		return -1;
	}
	if (!word(&p, w, sizeof(w)) || number(w, &r->value) == -1 ||
	    (r->kind == ALERT_SIGMA && r->value <= 0)) {
		snprintf(err, errlen, "alert: expected a %s after the rule "
		    "(like 50M)", r->kind == ALERT_SIGMA ? "factor above 0" :
		    "threshold");
		return -1;
	}
	while (word(&p, w, sizeof(w))) {
		unsigned u;

		for (u = 0; u < 3; u++)
			if (strcmp(w, units[u]) == 0)
				break;
		if (u < 3) {
			r->unit = (int)u;
			continue;
		}
		if (strcmp(w, "every") == 0) {
			r->every = 1;
			continue;
		}
		if (strcmp(w, "for") == 0) {
			if (!word(&p, w, sizeof(w)) ||
			    uns(w, 1, 288, &r->steps) == -1) {
				snprintf(err, errlen, "alert: \"for\" needs a "
				    "number of steps, 1..288");
				return -1;
			}
			continue;
		}
		if (strcmp(w, "window") == 0 && r->kind == ALERT_SIGMA) {
			if (!word(&p, w, sizeof(w)) || uns(w, 12,
			    ALERT_MAX_WINDOW, &r->window) == -1) {
				snprintf(err, errlen, "alert: \"window\" needs "
				    "a number of steps, 12..%d",
				    ALERT_MAX_WINDOW);
				return -1;
			}
			continue;
		}
		snprintf(err, errlen, "alert: unexpected \"%s\" (bits, packets, "
		    "flows, for N, every%s)", w, r->kind == ALERT_SIGMA ?
		    ", window N" : "");
		return -1;
	}
	return 0;
}

void
alert_format(const struct alert_rule *r, char *buf, size_t len)
{
	static const char *const kinds[3] = { "above", "below", "sigma" };
	int n;

	n = snprintf(buf, len, "%s %.17g %s for %u%s", kinds[r->kind],
	    r->value, units[r->unit], r->steps, r->every ? " every" : "");
	if (r->kind == ALERT_SIGMA && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " window %u", r->window);
}

int
alert_step(const struct alert_rule *r, struct alert_state *st,
    const double rates[3])
{
	double v = rates[r->unit], mean = 0, var = 0;
	int hold = 0;
	unsigned i;

	switch (r->kind) {
	case ALERT_ABOVE:
		st->limit = r->value;
		hold = v > r->value;
		break;
	case ALERT_BELOW:
		st->limit = r->value;
		hold = v < r->value;
		break;
	case ALERT_SIGMA:
		if (st->nhist >= r->window) {
			for (i = 0; i < r->window; i++)
				mean += st->hist[i];
			mean /= r->window;
			for (i = 0; i < r->window; i++)
				var += (st->hist[i] - mean) *
				    (st->hist[i] - mean);
			var /= r->window;
			st->limit = mean + r->value * sqrt(var);
			hold = fabs(v - mean) > r->value * sqrt(var);
		}
		st->hist[st->pos] = v;
		st->pos = (st->pos + 1) % r->window;
		if (st->nhist < r->window)
			st->nhist++;
		break;
	}
	if (!hold) {
		st->run = 0;
		st->fired = 0;
		return 0;
	}
	st->run++;
	if (st->run < r->steps)
		return 0;
	if (st->fired && !r->every)
		return 0;
	st->fired = 1;
	return 1;
}
