/*
 * statuswarn.c - the warning rules (see statuswarn.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "statuswarn.h"
#include "util.h"

void
statuswarn_defaults(struct statuswarn_limits *lim)
{
	lim->silent_min = STATUSWARN_SILENT_MIN;
	lim->loss_pct = STATUSWARN_LOSS_PCT;
	lim->disk_pct = STATUSWARN_DISK_PCT;
	lim->drops_min = STATUSWARN_DROPS_MIN;
	lim->ch_down_min = STATUSWARN_CH_DOWN_MIN;
}

const char *
statuswarn_kind_name(enum statuswarn_kind kind)
{
	switch (kind) {
	case STATUSWARN_SILENT:
		return "silent";
	case STATUSWARN_LOSS:
		return "loss";
	case STATUSWARN_DISK:
		return "disk";
	case STATUSWARN_DROPS:
		return "drops";
	case STATUSWARN_CLICKHOUSE:
		return "clickhouse";
	}
	return "unknown";
}

struct sink {
	struct statuswarn	*out;
	unsigned		 max, n;
};

static struct statuswarn *
add(struct sink *s, enum statuswarn_kind kind, const char *subject)
{
	struct statuswarn *w;

	if (s->n++ >= s->max)
		return NULL;
	w = &s->out[s->n - 1];
	memset(w, 0, sizeof(*w));
	w->kind = kind;
	util_strlcpy(w->subject, subject, sizeof(w->subject));
	return w;
}

/* lost / (got + lost) above pct percent. */
static int
over_pct(uint64_t got, uint64_t lost, unsigned pct)
{
	long double all = (long double)got + (long double)lost;

	return lost > 0 && (long double)lost * 100 > all * pct;
}

static double
pct_of(uint64_t part, uint64_t all)
{
	return all == 0 ? 0.0 : 100.0 * (double)part / (double)all;
}

static void
rule_exporter(struct sink *s, const struct statuswarn_exporter *e,
    const struct statuswarn_limits *lim)
{
	struct statuswarn *w;

	if (lim->silent_min > 0 && e->silent_s >= 60ull * lim->silent_min &&
	    (w = add(s, STATUSWARN_SILENT, e->addr)) != NULL)
		snprintf(w->text, sizeof(w->text), "exporter %s silent for %"
		    PRIu64 " min (warn-silent %u)", e->addr, e->silent_s / 60,
		    lim->silent_min);
	if (lim->loss_pct == 0)
		return;
	if (over_pct(e->flows, e->lost, lim->loss_pct) &&
	    (w = add(s, STATUSWARN_LOSS, e->addr)) != NULL)
		snprintf(w->text, sizeof(w->text), "exporter %s lost %.1f%% "
		    "of its flows (%" PRIu64 " of %" PRIu64 ", warn-loss %u%%)",
		    e->addr, pct_of(e->lost, e->flows + e->lost), e->lost,
		    e->flows + e->lost, lim->loss_pct);
	if (over_pct(e->packets, e->lost_packets, lim->loss_pct) &&
	    (w = add(s, STATUSWARN_LOSS, e->addr)) != NULL)
		snprintf(w->text, sizeof(w->text), "exporter %s lost %.1f%% "
		    "of its packets (%" PRIu64 " of %" PRIu64 ", warn-loss "
		    "%u%%)", e->addr, pct_of(e->lost_packets, e->packets +
		    e->lost_packets), e->lost_packets, e->packets +
		    e->lost_packets, lim->loss_pct);
}

static void
rule_disk(struct sink *s, const struct statuswarn_disk *d,
    const struct statuswarn_limits *lim)
{
	struct statuswarn	*w;
	uint64_t		 used;
	const char		*name = d->name[0] ? d->name : "(main)";

	if (lim->disk_pct == 0 || d->total == 0 || d->avail > d->total)
		return;
	used = d->total - d->avail;
	if (!over_pct(d->avail, used, lim->disk_pct) ||
	    (w = add(s, STATUSWARN_DISK, name)) == NULL)
		return;
	snprintf(w->text, sizeof(w->text), "disk of %s %.1f%% full (%" PRIu64
	    " MiB free, warn-disk %u%%)", name, pct_of(used, d->total),
	    d->avail >> 20, lim->disk_pct);
}

unsigned
status_warnings(const struct statuswarn_in *in,
    const struct statuswarn_limits *lim, struct statuswarn *out,
    unsigned max)
{
	struct sink		 s = { out, max, 0 };
	struct statuswarn	*w;
	unsigned		 i;

	for (i = 0; i < in->nexp; i++)
		rule_exporter(&s, &in->exp[i], lim);
	for (i = 0; i < in->ndisk; i++)
		rule_disk(&s, &in->disk[i], lim);
	if (lim->drops_min > 0 && in->drops_now > in->drops_before &&
	    (w = add(&s, STATUSWARN_DROPS, "kernel")) != NULL)
		snprintf(w->text, sizeof(w->text), "kernel dropped %" PRIu64
		    " datagrams in the last %" PRIu64 " s (receive buffer "
		    "full; rcvbuf, warn-drops %u)", in->drops_now -
		    in->drops_before, in->drops_span_s, lim->drops_min);
	for (i = 0; lim->ch_down_min > 0 && i < in->nch; i++) {
		if (in->ch[i].down_s < 60ull * lim->ch_down_min ||
		    (w = add(&s, STATUSWARN_CLICKHOUSE, in->ch[i].name)) ==
		    NULL)
			continue;
		snprintf(w->text, sizeof(w->text), "ClickHouse %.63s down "
		    "for %" PRIu64 " min (%.40s; warn-clickhouse %u)",
		    in->ch[i].name, in->ch[i].down_s / 60,
		    in->ch[i].last_error[0] ? in->ch[i].last_error : "no "
		    "answer", lim->ch_down_min);
	}
	if (lim->ch_down_min > 0 && in->ch_dropped_now > in->ch_dropped_before
	    && (w = add(&s, STATUSWARN_CLICKHOUSE, "clickhouse")) != NULL)
		snprintf(w->text, sizeof(w->text), "ClickHouse sink dropped %"
		    PRIu64 " rows in the last %" PRIu64 " s (spool full or "
		    "disk errors; warn-clickhouse %u)", in->ch_dropped_now -
		    in->ch_dropped_before, in->ch_span_s, lim->ch_down_min);
	return s.n;
}
