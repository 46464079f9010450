/*
 * timeseries.c - ad-hoc time series from stored flows (see timeseries.h).
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeseries.h"

struct timeseries *
ts_new(uint64_t from_ms, uint64_t to_ms, unsigned bucket_s, double mult)
{
	struct timeseries *ts;
	uint64_t n;

	if (to_ms <= from_ms || bucket_s == 0)
		return NULL;
	n = (to_ms - from_ms + bucket_s * 1000ull - 1) / (bucket_s * 1000ull);
	if (n == 0 || n > 100000)
		return NULL;
	if ((ts = calloc(1, sizeof(*ts))) == NULL)
		return NULL;
	if ((ts->octets = calloc(3 * n, sizeof(double))) == NULL) {
		free(ts);
		return NULL;
	}
	ts->packets = ts->octets + n;
	ts->flows = ts->packets + n;
	ts->from_ms = from_ms;
	ts->bucket_ms = bucket_s * 1000ull;
	ts->n = (unsigned)n;
	ts->mult = mult >= 1 ? mult : 1;
	return ts;
}

void
ts_free(struct timeseries *ts)
{
	if (ts == NULL)
		return;
	free(ts->octets);
	free(ts);
}

void
ts_add(struct timeseries *ts, const struct flowrec *r)
{
	uint64_t first = r->first_ms, last = r->last_ms, end, b, b0, b1;
	double oct = (double)r->octets * ts->mult;
	double pkt = (double)r->packets * ts->mult;

	if (last < first)
		last = first;
	end = ts->from_ms + ts->n * ts->bucket_ms;
	if (last < ts->from_ms || first >= end)
		return;
	ts->added++;
	if (first >= ts->from_ms)
		ts->flows[(first - ts->from_ms) / ts->bucket_ms] += 1;
	if (last == first) {
		b = (last - ts->from_ms) / ts->bucket_ms;
		ts->octets[b] += oct;
		ts->packets[b] += pkt;
		return;
	}
	b0 = first < ts->from_ms ? 0 : (first - ts->from_ms) / ts->bucket_ms;
	b1 = last >= end ? ts->n - 1 :
	    (last - 1 - ts->from_ms) / ts->bucket_ms;
	for (b = b0; b <= b1; b++) {
		uint64_t lo = ts->from_ms + b * ts->bucket_ms;
		uint64_t hi = lo + ts->bucket_ms;
		double sh;

		if (lo < first)
			lo = first;
		if (hi > last)
			hi = last;
		if (hi <= lo)
			continue;
		sh = (double)(hi - lo) / (double)(last - first);
		ts->octets[b] += oct * sh;
		ts->packets[b] += pkt * sh;
	}
}

double
ts_rate(const struct timeseries *ts, unsigned i, int unit)
{
	double secs = (double)ts->bucket_ms / 1000.0;

	if (i >= ts->n)
		return 0;
	switch (unit) {
	case 1:
		return ts->packets[i] / secs;
	case 2:
		return ts->flows[i] / secs;
	default:
		return ts->octets[i] * 8 / secs;
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void
ts_stats_of(const double *rates, unsigned n, struct ts_stats *out)
{
	double *v, sum = 0;
	unsigned i;

	memset(out, 0, sizeof(*out));
	if (n == 0 || (v = malloc(n * sizeof(double))) == NULL)
		return;
	for (i = 0; i < n; i++) {
		v[i] = rates[i];
		sum += v[i];
	}
	qsort(v, n, sizeof(double), cmp_double);
	out->min = v[0];
	out->max = v[n - 1];
	out->avg = sum / n;
	/* nearest rank: the smallest value with 95 % at or below it */
	i = (unsigned)((n * 95ull + 99) / 100);
	out->p95 = v[i > 0 ? i - 1 : 0];
	free(v);
}

void
ts_stats(const struct timeseries *ts, int unit, struct ts_stats *out)
{
	double *v;

	memset(out, 0, sizeof(*out));
	if ((v = malloc(ts->n * sizeof(double))) == NULL)
		return;
	for (unsigned i = 0; i < ts->n; i++)
		v[i] = ts_rate(ts, i, unit);
	ts_stats_of(v, ts->n, out);
	free(v);
}

void
ts_share(const struct timeseries *ts, const struct flowrec *r,
    double out[3])
{
	uint64_t first = r->first_ms, last = r->last_ms, end, lo, hi;
	double sh;

	out[0] = out[1] = out[2] = 0;
	if (last < first)
		last = first;
	end = ts->from_ms + ts->n * ts->bucket_ms;
	if (last < ts->from_ms || first >= end)
		return;
	if (first >= ts->from_ms)
		out[2] = 1;
	if (last == first)
		sh = 1;
	else {
		lo = first > ts->from_ms ? first : ts->from_ms;
		hi = last < end ? last : end;
		sh = hi > lo ? (double)(hi - lo) / (double)(last - first) : 0;
	}
	out[0] = (double)r->octets * ts->mult * sh;
	out[1] = (double)r->packets * ts->mult * sh;
}

/* ---------------------------------------------------------- top flows */

struct ts_top {
	unsigned	 cap, n;
	int		 unit;
	struct flowrec	*h;		/* a min-heap: h[0] the smallest */
};

static uint64_t
top_amount(const struct ts_top *t, const struct flowrec *r)
{
	return t->unit == 1 ? r->packets : r->octets;
}

/* a ranks below b: less volume, or as much and a later start */
static int
top_below(const struct ts_top *t, const struct flowrec *a,
    const struct flowrec *b)
{
	uint64_t x = top_amount(t, a), y = top_amount(t, b);

	return x != y ? x < y : a->first_ms > b->first_ms;
}

struct ts_top *
ts_top_new(unsigned n, int unit)
{
	struct ts_top *t;

	if (n == 0 || (t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->h = calloc(n, sizeof(*t->h))) == NULL) {
		free(t);
		return NULL;
	}
	t->cap = n;
	t->unit = unit;
	return t;
}

static void
top_sift_down(struct ts_top *t, unsigned i)
{
	struct flowrec tmp;

	for (;;) {
		unsigned l = 2 * i + 1, r = l + 1, m = i;

		if (l < t->n && top_below(t, &t->h[l], &t->h[m]))
			m = l;
		if (r < t->n && top_below(t, &t->h[r], &t->h[m]))
			m = r;
		if (m == i)
			return;
		tmp = t->h[i];
		t->h[i] = t->h[m];
		t->h[m] = tmp;
		i = m;
	}
}

void
ts_top_add(struct ts_top *t, const struct flowrec *r)
{
	struct flowrec tmp;
	unsigned i;

	if (t->n == t->cap) {
		if (!top_below(t, &t->h[0], r))
			return;
		t->h[0] = *r;
		top_sift_down(t, 0);
		return;
	}
	i = t->n++;
	t->h[i] = *r;
	while (i > 0 && top_below(t, &t->h[i], &t->h[(i - 1) / 2])) {
		tmp = t->h[i];
		t->h[i] = t->h[(i - 1) / 2];
		t->h[(i - 1) / 2] = tmp;
		i = (i - 1) / 2;
	}
}

const struct flowrec *
ts_top_sorted(struct ts_top *t, unsigned *n)
{
	struct flowrec tmp;

	/* heap sort in place: the smallest goes to the end each round */
	for (unsigned k = t->n; k > 1; k--) {
		unsigned keep = t->n;

		tmp = t->h[0];
		t->h[0] = t->h[k - 1];
		t->h[k - 1] = tmp;
		t->n = k - 1;
		top_sift_down(t, 0);
		t->n = keep;
	}
	*n = t->n;
	t->cap = t->n;	/* sorted now: no more adds */
	return t->h;
}

void
ts_top_free(struct ts_top *t)
{
	if (t == NULL)
		return;
	free(t->h);
	free(t);
}

/* ---------------------------------------------------- top contributors */

static const char *const key_names[] = {
	"srcip", "dstip", "srcport", "dstport",
};

int
ts_key_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, key_names[i]) == 0)
			return i;
	return -1;
}

const char *
ts_key_name(int key)
{
	return key >= 0 && key < 4 ? key_names[key] : "?";
}

/* The key of flow f into c (amount 0); 0, or -1 when f has none (a port
 * key of a flow that is neither TCP nor UDP). */
static int
key_of(int key, const struct flowrec *f, struct ts_contrib *c)
{
	memset(c, 0, sizeof(*c));
	switch (key) {
	case TS_K_SRCIP:
	case TS_K_DSTIP:
		c->af = f->af;
		if (f->af == FR_AF_INET)
			c->addr.v4 = key == TS_K_SRCIP ? f->src.v4 : f->dst.v4;
		else if (f->af == FR_AF_INET6)
			memcpy(c->addr.v6, key == TS_K_SRCIP ? f->src.v6 :
			    f->dst.v6, 16);
		return 0;
	default:
		if (f->proto != 6 && f->proto != 17)
			return -1;
		c->port = key == TS_K_SRCPORT ? f->sport : f->dport;
		return 0;
	}
}

static int
key_same(const struct ts_contrib *a, const struct ts_contrib *b)
{
	return a->af == b->af && a->port == b->port &&
	    memcmp(&a->addr, &b->addr, sizeof(a->addr)) == 0;
}

/* Order of keys: family, then address (IPv4 as a number), then port. */
static int
key_cmp(const struct ts_contrib *a, const struct ts_contrib *b)
{
	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	if (a->af == FR_AF_INET && a->addr.v4 != b->addr.v4)
		return a->addr.v4 < b->addr.v4 ? -1 : 1;
	if (a->af == FR_AF_INET6)
		return memcmp(a->addr.v6, b->addr.v6, 16);
	return a->port < b->port ? -1 : a->port > b->port;
}

const char *
ts_contrib_str(int key, const struct ts_contrib *c, char *buf, size_t len)
{
	if (key == TS_K_SRCPORT || key == TS_K_DSTPORT)
		snprintf(buf, len, "%u", c->port);
	else if (c->af == FR_AF_INET)
		snprintf(buf, len, "%u.%u.%u.%u", c->addr.v4 >> 24,
		    (c->addr.v4 >> 16) & 255, (c->addr.v4 >> 8) & 255,
		    c->addr.v4 & 255);
	else if (c->af != FR_AF_INET6 ||
	    inet_ntop(AF_INET6, c->addr.v6, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "-");
	return buf;
}

struct ts_rank {
	const struct timeseries *ts;
	int		 key, unit;
	size_t		 cap, n;	/* slots (a power of 2), used */
	struct ts_contrib *slot;
	uint8_t		*used;
};

static uint64_t
key_hash(const struct ts_contrib *c)
{
	const uint8_t *p = (const uint8_t *)&c->addr;
	uint64_t h = 1469598103934665603ull ^ c->af ^ ((uint64_t)c->port << 8);

	for (size_t i = 0; i < sizeof(c->addr); i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h ^ (h >> 29);
}

struct ts_rank *
ts_rank_new(const struct timeseries *ts, int key, int unit)
{
	struct ts_rank *r;

	if (key < 0 || key > 3 || (r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->ts = ts;
	r->key = key;
	r->unit = unit >= 0 && unit <= 2 ? unit : 0;
	r->cap = 1024;
	r->slot = calloc(r->cap, sizeof(*r->slot));
	r->used = calloc(r->cap, 1);
	if (r->slot == NULL || r->used == NULL) {
		ts_rank_free(r);
		return NULL;
	}
	return r;
}

/* The slot of c: where it is, or the free one where it goes. */
static size_t
rank_find(const struct ts_rank *r, const struct ts_contrib *c)
{
	size_t i = (size_t)key_hash(c) & (r->cap - 1);

	while (r->used[i] && !key_same(&r->slot[i], c))
		i = (i + 1) & (r->cap - 1);
	return i;
}

static int
rank_grow(struct ts_rank *r)
{
	struct ts_rank big = *r;

	big.cap = r->cap * 2;
	big.slot = calloc(big.cap, sizeof(*big.slot));
	big.used = calloc(big.cap, 1);
	if (big.slot == NULL || big.used == NULL) {
		free(big.slot);
		free(big.used);
		return -1;
	}
	for (size_t i = 0; i < r->cap; i++)
		if (r->used[i]) {
			size_t j = rank_find(&big, &r->slot[i]);

			big.slot[j] = r->slot[i];
			big.used[j] = 1;
		}
	free(r->slot);
	free(r->used);
	*r = big;
	return 0;
}

int
ts_rank_add(struct ts_rank *r, const struct flowrec *f)
{
	struct ts_contrib c;
	double v[3];
	size_t i;

	ts_share(r->ts, f, v);
	if ((v[0] == 0 && v[1] == 0 && v[2] == 0) ||
	    key_of(r->key, f, &c) == -1)
		return 0;
	if ((r->n + 1) * 10 > r->cap * 7 && rank_grow(r) == -1)
		return -1;
	i = rank_find(r, &c);
	if (!r->used[i]) {
		r->slot[i] = c;
		r->used[i] = 1;
		r->n++;
	}
	r->slot[i].amount += v[r->unit];
	return 0;
}

/* Largest amount first, then the smaller key. */
static int
contrib_before(const struct ts_contrib *a, const struct ts_contrib *b)
{
	if (a->amount != b->amount)
		return a->amount > b->amount;
	return key_cmp(a, b) < 0;
}

unsigned
ts_rank_top(const struct ts_rank *r, unsigned k, struct ts_contrib *out,
    double *total)
{
	unsigned n = 0, j;

	*total = 0;
	for (size_t i = 0; i < r->cap; i++) {
		const struct ts_contrib *c = &r->slot[i];

		if (!r->used[i])
			continue;
		*total += c->amount;
		/* insertion into the k best so far (k is small) */
		for (j = n; j > 0 && contrib_before(c, &out[j - 1]); j--)
			if (j < k)
				out[j] = out[j - 1];
		if (j < k) {
			out[j] = *c;
			if (n < k)
				n++;
		}
	}
	return n;
}

void
ts_rank_free(struct ts_rank *r)
{
	if (r == NULL)
		return;
	free(r->slot);
	free(r->used);
	free(r);
}

struct ts_stack *
ts_stack_new(const struct timeseries *shape, int key,
    const struct ts_contrib *top, unsigned k)
{
	struct ts_stack *s;
	uint64_t to = shape->from_ms + shape->n * shape->bucket_ms;

	if (k > TS_STACK_MAX || (s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->key = key;
	s->k = k;
	memcpy(s->top, top, k * sizeof(*top));
	for (unsigned i = 0; i <= k; i++) {
		s->series[i] = ts_new(shape->from_ms, to,
		    (unsigned)(shape->bucket_ms / 1000), shape->mult);
		if (s->series[i] == NULL) {
			ts_stack_free(s);
			return NULL;
		}
	}
	return s;
}

void
ts_stack_add(struct ts_stack *s, const struct flowrec *f)
{
	struct ts_contrib c;
	unsigned i = s->k;

	if (key_of(s->key, f, &c) == 0)
		for (i = 0; i < s->k && !key_same(&s->top[i], &c); i++)
			;
	ts_add(s->series[i], f);
}

void
ts_stack_free(struct ts_stack *s)
{
	if (s == NULL)
		return;
	for (unsigned i = 0; i <= TS_STACK_MAX; i++)
		ts_free(s->series[i]);
	free(s);
}
