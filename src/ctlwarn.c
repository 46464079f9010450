/*
 * ctlwarn.c - the daemon's side of the status warnings: a snapshot of
 * exporters, disks and kernel drops for status_warnings() (statuswarn.h),
 * and the drops history it looks back into (see control.h).
 */
#include <sys/statvfs.h>

#include <stdlib.h>
#include <string.h>

#include "chsink.h"
#include "control.h"
#include "util.h"

static uint64_t
ch_dropped(const struct control_src *s)
{
	struct chsink_stats	st;

	if (s->ch == NULL)
		return 0;
	chsink_get_stats(s->ch, &st);
	return st.dropped_rows;
}

/* The oldest sample no older than window_s (or the oldest there is): its
 * index in h, or -1 when there is none. */
static int
hist_within(const struct control_hist *h, uint64_t now_ms, uint64_t window_s)
{
	for (unsigned i = 0; i < h->n; i++) {
		unsigned k = (h->next + CONTROL_HIST - h->n + i) % CONTROL_HIST;

		if (h->t_ms[k] > now_ms)
			continue;
		if (now_ms - h->t_ms[k] > window_s * 1000 && i + 1 < h->n)
			continue;
		return (int)k;
	}
	return -1;
}

/* The sink's servers and dropped rows for the clickhouse rule. */
static unsigned
fill_clickhouse(const struct control_src *s, const struct control_hist *h,
    uint64_t now_ms, uint64_t window_s, struct statuswarn_chserver *cs,
    struct statuswarn_in *in)
{
	struct chsink_server_info	si;
	struct chsink_stats		st;
	unsigned			i, n;
	int				k;

	chsink_get_stats(s->ch, &st);
	n = st.nservers < CHSINK_MAX_SERVERS ? st.nservers :
	    CHSINK_MAX_SERVERS;
	for (i = 0; i < n; i++) {
		chsink_get_server(s->ch, i, &si);
		memset(&cs[i], 0, sizeof(cs[i]));
		util_strlcpy(cs[i].name, si.name, sizeof(cs[i].name));
		util_strlcpy(cs[i].last_error, si.last_error,
		    sizeof(cs[i].last_error));
		if (!si.up && si.down_ms != 0 && now_ms > si.down_ms)
			cs[i].down_s = (now_ms - si.down_ms) / 1000;
	}
	in->ch = cs;
	in->nch = n;
	in->ch_dropped_now = st.dropped_rows;
	in->ch_dropped_before = st.dropped_rows;
	in->ch_span_s = 0;
	if ((k = hist_within(h, now_ms, window_s)) >= 0) {
		in->ch_dropped_before = h->ch_dropped[k];
		in->ch_span_s = (now_ms - h->t_ms[k]) / 1000;
	}
	/* dropped before the first sample: still news */
	if (h->n == 0)
		in->ch_dropped_before = 0;
	return n;
}

void
control_sample(struct control_src *s, uint64_t now_ms)
{
	struct control_hist	*h = &s->hist;
	struct collector_totals	 t;

	if (s->coll == NULL)
		return;
	collector_get_totals(s->coll, &t);
	h->t_ms[h->next] = now_ms;
	h->drops[h->next] = t.kernel_drops;
	h->flows[h->next] = t.flows;
	h->datagrams[h->next] = t.datagrams;
	if (s->proto != NULL)
		proto_mark(s->proto, now_ms);
	h->ch_dropped[h->next] = ch_dropped(s);
	h->next = (h->next + 1) % CONTROL_HIST;
	if (h->n < CONTROL_HIST)
		h->n++;
}

/* The kernel drops at the oldest sample within window_s. */
static void
drops_before(const struct control_hist *h, uint64_t now_ms,
    uint64_t window_s, struct statuswarn_in *in)
{
	int k = hist_within(h, now_ms, window_s);

	in->drops_before = in->drops_now;
	in->drops_span_s = 0;
	if (k >= 0) {
		in->drops_before = h->drops[k];
		in->drops_span_s = (now_ms - h->t_ms[k]) / 1000;
	}
}

static unsigned
fill_exporters(const struct control_src *s, uint64_t now_ms,
    struct statuswarn_exporter *ex)
{
	struct proto_exporter_info	e;
	unsigned			i, n = 0;

	for (i = 0; i < proto_exporter_count(s->proto); i++) {
		if (proto_exporter_get(s->proto, i, &e) != 0)
			continue;
		memset(&ex[n], 0, sizeof(ex[n]));
		util_addr_str(e.af, &e.addr, ex[n].addr, sizeof(ex[n].addr));
		ex[n].silent_s = e.last_seen_ms == 0 || e.last_seen_ms >
		    now_ms ? 0 : (now_ms - e.last_seen_ms) / 1000;
		ex[n].flows = e.flows;
		ex[n].lost = e.lost;
		ex[n].packets = e.packets;
		ex[n].lost_packets = e.lost_packets;
		n++;
	}
	return n;
}

static unsigned
fill_disks(const struct control_src *s, struct statuswarn_disk *dk)
{
	struct filemgr_info	fi;
	struct statvfs		sv;
	unsigned		i, n = 0;

	for (i = 0; i < s->ntrees; i++) {
		filemgr_get_info(s->trees[i], &fi);
		if (statvfs(fi.root, &sv) != 0 || sv.f_blocks == 0)
			continue;
		memset(&dk[n], 0, sizeof(dk[n]));
		util_strlcpy(dk[n].name, fi.name, sizeof(dk[n].name));
		dk[n].total = (uint64_t)sv.f_blocks * sv.f_frsize;
		dk[n].avail = (uint64_t)sv.f_bavail * sv.f_frsize;
		n++;
	}
	return n;
}

unsigned
control_warnings(const struct control_src *s, uint64_t now_ms,
    struct statuswarn *out, unsigned max)
{
	struct statuswarn_limits	 lim;
	struct statuswarn_in		 in;
	struct statuswarn_exporter	*ex;
	struct statuswarn_disk		*dk;
	struct statuswarn_chserver	 cs[CHSINK_MAX_SERVERS];
	struct collector_totals		 t;
	unsigned			 n;

	if (s->warn != NULL)
		lim = *s->warn;
	else
		statuswarn_defaults(&lim);
	memset(&in, 0, sizeof(in));
	n = s->proto != NULL ? proto_exporter_count(s->proto) : 0;
	ex = calloc(n + 1, sizeof(*ex));
	dk = calloc(s->ntrees + 1, sizeof(*dk));
	if (ex == NULL || dk == NULL) {
		free(ex);
		free(dk);
		return 0;
	}
	if (s->proto != NULL)
		in.nexp = fill_exporters(s, now_ms, ex);
	in.exp = ex;
	in.ndisk = fill_disks(s, dk);
	in.disk = dk;
	if (s->coll != NULL) {
		collector_get_totals(s->coll, &t);
		in.drops_now = t.kernel_drops;
		drops_before(&s->hist, now_ms, 60ull * lim.drops_min, &in);
	}
	if (s->ch != NULL)
		(void)fill_clickhouse(s, &s->hist, now_ms,
		    60ull * lim.ch_down_min, cs, &in);
	n = status_warnings(&in, &lim, out, max);
	free(ex);
	free(dk);
	return n;
}
