/*
 * control.c - control socket server and the status report (see control.h).
 */
#define _GNU_SOURCE

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include <config.h>	/* autoconf: PACKAGE_VERSION */

#include "control.h"
#include "chsink.h"
#include "livetrack.h"
#include "ctlproto.h"
#include "filter.h"
#include "trkindex.h"
#include "log.h"
#include "util.h"

#define CONTROL_TIMEOUT_S	10

struct control {
	struct evconnlistener	*lev;
	struct event		*sampler;	/* kernel drops, for warnings */
	char			 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct control_src	*src;
	int			 readonly;	/* status only */
};

/* ------------------------------------------------------------ status */

static void
fmt_duration(char *buf, size_t len, uint64_t secs)
{
	if (secs >= 86400)
		snprintf(buf, len, "%" PRIu64 "d%02" PRIu64 "h%02" PRIu64 "m",
		    secs / 86400, secs % 86400 / 3600, secs % 3600 / 60);
	else if (secs >= 3600)
		snprintf(buf, len, "%" PRIu64 "h%02" PRIu64 "m%02" PRIu64 "s",
		    secs / 3600, secs % 3600 / 60, secs % 60);
	else if (secs >= 60)
		snprintf(buf, len, "%" PRIu64 "m%02" PRIu64 "s", secs / 60,
		    secs % 60);
	else
		snprintf(buf, len, "%" PRIu64 "s", secs);
}

static uint64_t
ago_s(uint64_t now_ms, uint64_t then_ms)
{
	return then_ms == 0 || then_ms > now_ms ? 0 : (now_ms - then_ms) / 1000;
}

static void
text_listeners(const struct control_src *s, FILE *fp)
{
	struct collector_listener_info	li;
	unsigned			i;

	fprintf(fp, "listeners:\n");
	for (i = 0; i < collector_listener_count(s->coll); i++) {
		collector_listener_get(s->coll, i, &li);
		fprintf(fp, "  %s port %u: %" PRIu64 " datagrams, %" PRIu64
		    " kernel drops, receive buffer %u bytes\n", li.addr,
		    li.port, li.datagrams, li.kernel_drops, li.rcvbuf);
	}
}

static unsigned
sample_s(const struct control_src *s)
{
	return s->sample_s > 0 ? s->sample_s : CONTROL_SAMPLE_S;
}

/* A recent rate: counters now and at an earlier time; -1 when the span is
 * too short to say (under 1 s) or the counter went back (a restart). */
static double
rate_of(uint64_t v_now, uint64_t v_then, uint64_t now_ms, uint64_t then_ms,
    uint64_t *span_s)
{
	if (then_ms == 0 || then_ms + 1000 > now_ms || v_then > v_now)
		return -1;
	*span_s = (now_ms - then_ms + 500) / 1000;
	return (double)(v_now - v_then) * 1000.0 / (double)(now_ms - then_ms);
}

/* The daemon-wide sample to measure the recent rate from: the newest one
 * at least one sampling interval old, else the oldest; -1 when none. */
static int
hist_base(const struct control_hist *h, uint64_t now_ms, unsigned sample_s)
{
	int best = -1;

	for (unsigned i = 0; i < h->n; i++) {
		unsigned k = (h->next + CONTROL_HIST - h->n + i) % CONTROL_HIST;

		if (h->t_ms[k] > now_ms)
			continue;
		if (best == -1 || now_ms - h->t_ms[k] >= sample_s * 1000u)
			best = (int)k;
	}
	return best;
}

/* "rate: 12.5 flows/s, 0.4 datagrams/s over the last 45 s" */
static void
text_rate(FILE *fp, const char *indent, uint64_t f_now, uint64_t f_then,
    uint64_t d_now, uint64_t d_then, uint64_t now_ms, uint64_t then_ms)
{
	uint64_t span = 0;
	double fr = rate_of(f_now, f_then, now_ms, then_ms, &span);
	double dr = rate_of(d_now, d_then, now_ms, then_ms, &span);

	if (fr < 0 || dr < 0)
		fprintf(fp, "%srate: - (not measured yet)\n", indent);
	else
		fprintf(fp, "%srate: %.1f flows/s, %.1f datagrams/s over the "
		    "last %" PRIu64 " s\n", indent, fr, dr, span);
}

static void
text_exporter(const struct proto_exporter_info *e, uint64_t now_ms,
    FILE *fp)
{
	char		addr[64];
	unsigned	j;

	util_addr_str(e->af, &e->addr, addr, sizeof(addr));
	fprintf(fp, "  %s  v%d  source ids", addr, e->version);
	for (j = 0; j < e->nsource_ids && j < 8; j++)
		fprintf(fp, "%s%" PRIu32, j ? "," : " ", e->source_ids[j]);
	if (e->nsource_ids == 0)
		fprintf(fp, " -");
	fprintf(fp, "\n    packets %" PRIu64 ", flows %" PRIu64 ", lost %"
	    PRIu64 " flows / %" PRIu64 " packets, corrupt %" PRIu64
	    ", sequence resets %" PRIu64 "\n", e->packets, e->flows, e->lost,
	    e->lost_packets, e->corrupt, e->seq_resets);
	if (e->bad_flowsets > 0)
		fprintf(fp, "    broken flowsets %" PRIu64 " (rest of the "
		    "datagram dropped)\n", e->bad_flowsets);
	fprintf(fp, "    templates %u, pending %u, sampling ", e->templates,
	    e->pending);
	if (e->sampling > 0)
		fprintf(fp, "1:%" PRIu32, e->sampling);
	else
		fprintf(fp, "-");
	fprintf(fp, ", last seen %" PRIu64 "s ago\n",
	    ago_s(now_ms, e->last_seen_ms));
	text_rate(fp, "    ", e->flows, e->mark_flows, e->packets,
	    e->mark_packets, now_ms, e->mark_ms);
}

static void
text_tree(const struct filemgr_info *fi, FILE *fp)
{
	fprintf(fp, "  %s: %s\n", fi->name[0] ? fi->name : "(main)",
	    fi->root);
	fprintf(fp, "    open: %s%s%s, %" PRIu64 " flows in the open file",
	    fi->open4[0] ? fi->open4 : "-", fi->open6[0] ? " + " : "",
	    fi->open6, fi->flows4 + fi->flows6);
	fprintf(fp, ", %" PRIu64 " files closed, disk %" PRIu64 " bytes\n",
	    fi->files_closed, fi->disk_bytes);
	fprintf(fp, "    lossy conversions: %" PRIu64 " split, %" PRIu64
	    " AS_TRANS, %" PRIu64 " ifIndex clamped, %" PRIu64
	    " wrong family\n", fi->conv.split_records, fi->conv.as_trans,
	    fi->conv.ifindex_clamped, fi->conv.wrong_family);
	fprintf(fp, "    faults: %" PRIu64 " files recovered (%" PRIu64
	    " flows), %" PRIu64 " recoveries failed, %" PRIu64
	    " write errors, %" PRIu64 " flows unwritten, %" PRIu64
	    " files salvaged, %" PRIu64 " salvages failed\n",
	    fi->faults.files_recovered, fi->faults.flows_recovered,
	    fi->faults.recover_failed, fi->faults.write_errors,
	    fi->faults.flows_unwritten, fi->faults.files_salvaged,
	    fi->faults.salvage_failed);
}

/* How trackings are indexed and how long the last step took to write. */
static void
text_track_index(const struct livetrack *lt, FILE *fp)
{
	struct trkindex_stats	x;
	struct livetrack_flush	fl;

	livetrack_get_index(lt, &x);
	fprintf(fp, "  index: %u by address, %u by port, %u by interface, "
	    "%u by protocol, %u by exporter, %u tested for every flow; "
	    "%u decided by the index alone, %u combinations\n",
	    x.by_kind[FILTER_PIN_ADDR], x.by_kind[FILTER_PIN_PORT],
	    x.by_kind[FILTER_PIN_IF], x.by_kind[FILTER_PIN_PROTO],
	    x.by_kind[FILTER_PIN_EXPORTER], x.always, x.exact, x.combos);
	livetrack_get_flush(lt, &fl);
	if (fl.t != 0)
		fprintf(fp, "  last step written: %u RRDs in %.1f ms (step "
		    "ending %lld, %" PRIu64 " steps so far)\n", fl.rrds,
		    fl.wall_us / 1000.0, (long long)fl.t, fl.steps);
}

static void
text_trackings(const struct control_src *s, FILE *fp)
{
	struct livetrack_info	li;
	unsigned		i, n = s->lt != NULL ? livetrack_count(s->lt) : 0;

	fprintf(fp, "trackings: %u", n);
	if (s->lt != NULL && livetrack_rrd_errors(s->lt) > 0)
		fprintf(fp, " (%" PRIu64 " RRD writes failed, see the log)",
		    livetrack_rrd_errors(s->lt));
	if (s->lt != NULL && livetrack_rrd_recreated(s->lt) > 0)
		fprintf(fp, " (%" PRIu64 " broken RRDs moved aside and "
		    "recreated)", livetrack_rrd_recreated(s->lt));
	fputc('\n', fp);
	if (n > 0)
		text_track_index(s->lt, fp);
	for (i = 0; i < n; i++) {
		livetrack_get(s->lt, i, &li);
		fprintf(fp, "  %s: %" PRIu64 " flows matched, %" PRIu64
		    " late, %" PRIu64 " steps written\n", li.name, li.matched,
		    li.late_flows, li.buckets);
	}
}

static void
json_trackings(const struct control_src *s, FILE *fp)
{
	struct livetrack_info	li;
	unsigned		i, n = s->lt != NULL ? livetrack_count(s->lt) : 0;

	fprintf(fp, ",\"trackings\":[");
	for (i = 0; i < n; i++) {
		livetrack_get(s->lt, i, &li);
		fprintf(fp, "%s{\"name\":", i ? "," : "");
		util_json_str(fp, li.name);
		fprintf(fp, ",\"matched\":%" PRIu64 ",\"late\":%" PRIu64
		    ",\"steps\":%" PRIu64 "}", li.matched, li.late_flows,
		    li.buckets);
	}
	fprintf(fp, "],\"rrd_errors\":%" PRIu64 ",\"rrd_recreated\":%"
	    PRIu64, s->lt != NULL ? livetrack_rrd_errors(s->lt) : 0,
	    s->lt != NULL ? livetrack_rrd_recreated(s->lt) : 0);
	if (s->lt != NULL) {
		struct livetrack_flush fl;

		livetrack_get_flush(s->lt, &fl);
		fprintf(fp, ",\"last_flush\":{\"t\":%lld,\"rrds\":%u,"
		    "\"wall_us\":%" PRIu64 ",\"steps\":%" PRIu64 "}",
		    (long long)fl.t, fl.rrds, fl.wall_us, fl.steps);
	}
}

/* The warnings first, one "WARNING:" line each, so nobody misses them. */
static void
text_warnings(const struct control_src *s, uint64_t now_ms, FILE *fp)
{
	struct statuswarn	w[STATUSWARN_MAX];
	unsigned		i, n;

	n = control_warnings(s, now_ms, w, STATUSWARN_MAX);
	for (i = 0; i < n && i < STATUSWARN_MAX; i++)
		fprintf(fp, "WARNING: %s\n", w[i].text);
	if (n > STATUSWARN_MAX)
		fprintf(fp, "WARNING: %u more warnings\n", n - STATUSWARN_MAX);
}

static void
json_warnings(const struct control_src *s, uint64_t now_ms, FILE *fp)
{
	struct statuswarn	w[STATUSWARN_MAX];
	unsigned		i, n;

	n = control_warnings(s, now_ms, w, STATUSWARN_MAX);
	fprintf(fp, "\"warnings\":[");
	for (i = 0; i < n && i < STATUSWARN_MAX; i++) {
		fprintf(fp, "%s{\"kind\":\"%s\",\"subject\":", i ? "," : "",
		    statuswarn_kind_name(w[i].kind));
		util_json_str(fp, w[i].subject);
		fprintf(fp, ",\"text\":");
		util_json_str(fp, w[i].text);
		fputc('}', fp);
	}
	fprintf(fp, "],");
}

void
control_status_text(const struct control_src *s, FILE *fp)
{
	struct proto_exporter_info	e;
	struct filemgr_info		fi;
	struct collector_totals		t;
	struct proto_stats		ps;
	uint64_t			now_ms = util_now_ms(), disk = 0;
	unsigned			i, n;
	int				b;
	char				up[64];

	text_warnings(s, now_ms, fp);
	fmt_duration(up, sizeof(up), ago_s(now_ms, s->start_ms));
	fprintf(fp, "flowkeepd %s, pid %ld, up %s\n", PACKAGE_VERSION,
	    (long)getpid(), up);
	text_listeners(s, fp);
	n = proto_exporter_count(s->proto);
	fprintf(fp, "exporters: %u\n", n);
	for (i = 0; i < n; i++)
		if (proto_exporter_get(s->proto, i, &e) == 0)
			text_exporter(&e, now_ms, fp);
	fprintf(fp, "devices:\n");
	for (i = 0; i < s->ntrees; i++) {
		filemgr_get_info(s->trees[i], &fi);
		text_tree(&fi, fp);
		disk += fi.disk_bytes;
	}
	text_trackings(s, fp);
	if (s->ch != NULL)
		chsink_status_text(s->ch, fp);
	collector_get_totals(s->coll, &t);
	fprintf(fp, "totals: %" PRIu64 " datagrams, %" PRIu64 " bytes, %"
	    PRIu64 " flows, %" PRIu64 " corrupt, %" PRIu64 " refused, %"
	    PRIu64 " kernel drops, disk %" PRIu64 " bytes\n", t.datagrams,
	    t.bytes, t.flows, t.corrupt, t.refused, t.kernel_drops, disk);
	if ((b = hist_base(&s->hist, now_ms, sample_s(s))) >= 0)
		text_rate(fp, "", t.flows, s->hist.flows[b], t.datagrams,
		    s->hist.datagrams[b], now_ms, s->hist.t_ms[b]);
	proto_get_stats(s->proto, &ps);
	fprintf(fp, "decoder: %u of %u exporters held, %" PRIu64 " evicted; "
	    "%" PRIu64 " bytes waiting for templates (peak %" PRIu64 ", "
	    "limit %" PRIu64 "), %" PRIu64 " flowsets refused\n", ps.exporters,
	    ps.max_exporters, ps.exporters_evicted, ps.pending_bytes,
	    ps.pending_bytes_max, ps.pending_total, ps.pending_refused);
}

static void
json_listeners(const struct control_src *s, FILE *fp)
{
	struct collector_listener_info	li;
	unsigned			i;

	fprintf(fp, "\"listeners\":[");
	for (i = 0; i < collector_listener_count(s->coll); i++) {
		collector_listener_get(s->coll, i, &li);
		fprintf(fp, "%s{\"address\":", i ? "," : "");
		util_json_str(fp, li.addr);
		fprintf(fp, ",\"port\":%u,\"datagrams\":%" PRIu64
		    ",\"kernel_drops\":%" PRIu64 ",\"rcvbuf\":%u}", li.port,
		    li.datagrams, li.kernel_drops, li.rcvbuf);
	}
	fprintf(fp, "]");
}

/* ,"flows_per_s":N,"datagrams_per_s":N,"rate_span_s":N (null when not
 * known yet) */
static void
json_rate(FILE *fp, uint64_t f_now, uint64_t f_then, uint64_t d_now,
    uint64_t d_then, uint64_t now_ms, uint64_t then_ms)
{
	uint64_t span = 0;
	double fr = rate_of(f_now, f_then, now_ms, then_ms, &span);
	double dr = rate_of(d_now, d_then, now_ms, then_ms, &span);

	if (fr < 0 || dr < 0)
		fprintf(fp, ",\"flows_per_s\":null,\"datagrams_per_s\":null,"
		    "\"rate_span_s\":null");
	else
		fprintf(fp, ",\"flows_per_s\":%.3f,\"datagrams_per_s\":%.3f,"
		    "\"rate_span_s\":%" PRIu64, fr, dr, span);
}

static void
json_exporter(const struct proto_exporter_info *e, uint64_t now_ms,
    FILE *fp)
{
	char		addr[64];
	unsigned	j;

	util_addr_str(e->af, &e->addr, addr, sizeof(addr));
	fprintf(fp, "{\"address\":");
	util_json_str(fp, addr);
	fprintf(fp, ",\"version\":%d,\"source_ids\":[", e->version);
	for (j = 0; j < e->nsource_ids && j < 8; j++)
		fprintf(fp, "%s%" PRIu32, j ? "," : "", e->source_ids[j]);
	fprintf(fp, "],\"packets\":%" PRIu64 ",\"flows\":%" PRIu64
	    ",\"lost\":%" PRIu64 ",\"lost_packets\":%" PRIu64
	    ",\"corrupt\":%" PRIu64 ",\"bad_flowsets\":%" PRIu64
	    ",\"seq_resets\":%" PRIu64 ",\"templates\":%u,\"pending\":%u,\"pending_expired\":%" PRIu64
	    ",\"pending_dropped\":%" PRIu64 ",\"templates_evicted\":%" PRIu64
	    ",\"sampling\":%" PRIu32 ",\"samplers\":%u,\"last_seen_s_ago\":%"
	    PRIu64, e->packets, e->flows, e->lost, e->lost_packets,
	    e->corrupt, e->bad_flowsets, e->seq_resets, e->templates,
	    e->pending,
	    e->pending_expired, e->pending_dropped, e->templates_evicted,
	    e->sampling, e->nsamplers, ago_s(now_ms, e->last_seen_ms));
	json_rate(fp, e->flows, e->mark_flows, e->packets, e->mark_packets,
	    now_ms, e->mark_ms);
	fputc('}', fp);
}

static void
json_tree(const struct filemgr_info *fi, FILE *fp)
{
	fprintf(fp, "{\"name\":");
	util_json_str(fp, fi->name);
	fprintf(fp, ",\"directory\":");
	util_json_str(fp, fi->root);
	fprintf(fp, ",\"open_file\":");
	util_json_str(fp, fi->open4);
	fprintf(fp, ",\"open_file6\":");
	util_json_str(fp, fi->open6);
	fprintf(fp, ",\"version\":%d,\"flows_open\":%" PRIu64
	    ",\"flows_open6\":%" PRIu64 ",\"files_closed\":%" PRIu64
	    ",\"disk_bytes\":%" PRIu64 ",\"lossy\":{\"split_records\":%"
	    PRIu64 ",\"as_trans\":%" PRIu64 ",\"ifindex_clamped\":%" PRIu64
	    ",\"wrong_family\":%" PRIu64 "}", fi->version, fi->flows4,
	    fi->flows6, fi->files_closed, fi->disk_bytes,
	    fi->conv.split_records, fi->conv.as_trans,
	    fi->conv.ifindex_clamped, fi->conv.wrong_family);
	fprintf(fp, ",\"files_recovered\":%" PRIu64 ",\"flows_recovered\":%"
	    PRIu64 ",\"recover_failed\":%" PRIu64 ",\"write_errors\":%"
	    PRIu64 ",\"flows_unwritten\":%" PRIu64 ",\"files_salvaged\":%"
	    PRIu64 ",\"salvage_failed\":%" PRIu64 "}",
	    fi->faults.files_recovered, fi->faults.flows_recovered,
	    fi->faults.recover_failed, fi->faults.write_errors,
	    fi->faults.flows_unwritten, fi->faults.files_salvaged,
	    fi->faults.salvage_failed);
}

void
control_status_json(const struct control_src *s, FILE *fp)
{
	struct proto_exporter_info	e;
	struct filemgr_info		fi;
	struct collector_totals		t;
	struct proto_stats		ps;
	uint64_t			now_ms = util_now_ms(), disk = 0;
	unsigned			i, n, k = 0;
	int				b;

	fputc('{', fp);
	json_warnings(s, now_ms, fp);
	fprintf(fp, "\"daemon\":{\"version\":");
	util_json_str(fp, PACKAGE_VERSION);
	fprintf(fp, ",\"pid\":%ld,\"uptime_s\":%" PRIu64 "},", (long)getpid(),
	    ago_s(now_ms, s->start_ms));
	json_listeners(s, fp);
	fprintf(fp, ",\"exporters\":[");
	n = proto_exporter_count(s->proto);
	for (i = 0; i < n; i++) {
		if (proto_exporter_get(s->proto, i, &e) != 0)
			continue;
		fprintf(fp, "%s", k++ ? "," : "");
		json_exporter(&e, now_ms, fp);
	}
	fprintf(fp, "],\"devices\":[");
	for (i = 0; i < s->ntrees; i++) {
		filemgr_get_info(s->trees[i], &fi);
		fprintf(fp, "%s", i ? "," : "");
		json_tree(&fi, fp);
		disk += fi.disk_bytes;
	}
	fputc(']', fp);
	json_trackings(s, fp);
	if (s->ch != NULL)
		chsink_status_json(s->ch, fp);
	proto_get_stats(s->proto, &ps);
	fprintf(fp, ",\"decoder\":{\"exporters\":%u,\"max_exporters\":%u,"
	    "\"exporters_evicted\":%" PRIu64 ",\"pending_bytes\":%" PRIu64
	    ",\"pending_bytes_max\":%" PRIu64 ",\"pending_total\":%" PRIu64
	    ",\"pending_refused\":%" PRIu64 "}", ps.exporters,
	    ps.max_exporters, ps.exporters_evicted, ps.pending_bytes,
	    ps.pending_bytes_max, ps.pending_total, ps.pending_refused);
	collector_get_totals(s->coll, &t);
	fprintf(fp, ",\"totals\":{\"datagrams\":%" PRIu64 ",\"bytes\":%"
	    PRIu64 ",\"flows\":%" PRIu64 ",\"corrupt\":%" PRIu64
	    ",\"refused\":%" PRIu64 ",\"kernel_drops\":%" PRIu64
	    ",\"disk_bytes\":%" PRIu64, t.datagrams, t.bytes, t.flows,
	    t.corrupt, t.refused, t.kernel_drops, disk);
	b = hist_base(&s->hist, now_ms, sample_s(s));
	json_rate(fp, t.flows, b >= 0 ? s->hist.flows[b] : 0, t.datagrams,
	    b >= 0 ? s->hist.datagrams[b] : 0, now_ms,
	    b >= 0 ? s->hist.t_ms[b] : 0);
	fprintf(fp, "}}\n");
}

/* ------------------------------------------------------------ requests */

/*
 * May the peer on fd change things (rotate, reload)?  Not on a status-only
 * socket; otherwise root and our own user may, others (members of the
 * socket's group) get status only.  0 or -1 with the reason in err.
 */
static int
ctl_may_write(const struct control *ctl, int fd, char *err, size_t errlen)
{
	struct ucred	uc;
	socklen_t	len = sizeof(uc);

	if (ctl->readonly) {
		snprintf(err, errlen, "permission denied: status-only socket");
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) != 0) {
		snprintf(err, errlen, "permission denied: no peer credentials");
		return -1;
	}
	if (uc.uid != 0 && uc.uid != geteuid()) {
		snprintf(err, errlen, "permission denied: uid %lu may only "
		    "ask for status", (unsigned long)uc.uid);
		return -1;
	}
	return 0;
}

static void
ctl_answer(struct control *ctl, const struct ctl_request *req,
    int fd, FILE *fp)
{
	const struct control_src	*s = ctl->src;
	char				 err[256];

	if ((req->cmd == CTL_ROTATE || req->cmd == CTL_RELOAD) &&
	    ctl_may_write(ctl, fd, err, sizeof(err)) != 0) {
		log_warnx("control %s: %s", ctl->path, err);
		fprintf(fp, "ERR %s\n", err);
		return;
	}
	switch (req->cmd) {
	case CTL_STATUS:
		fprintf(fp, "OK\n");
		control_status_text(s, fp);
		break;
	case CTL_STATUS_JSON:
		fprintf(fp, "OK\n");
		control_status_json(s, fp);
		break;
	case CTL_ROTATE:
		if (s->rotate(s->arg) == 0)
			fprintf(fp, "OK\nrotated\n");
		else
			fprintf(fp, "ERR rotation failed\n");
		break;
	case CTL_RELOAD:
		err[0] = '\0';
		if (s->reload(s->arg, err, sizeof(err)) == 0)
			fprintf(fp, "OK\nreloaded\n");
		else
			fprintf(fp, "ERR %s\n", err);
		break;
	case CTL_METRICS:
		fprintf(fp, "OK\n");
		control_metrics(s, fp);
		break;
	case CTL_VERSION_CMD:
		fprintf(fp, "OK\nflowkeepd %s protocol %d\n", PACKAGE_VERSION,
		    CTL_VERSION);
		break;
	default:
		fprintf(fp, "ERR unknown command\n");
	}
}

static void
ctl_reply(struct control *ctl, struct bufferevent *bev, const char *line,
    size_t len)
{
	struct ctl_request	 req;
	char			 err[256], *buf = NULL;
	size_t			 blen = 0;
	FILE			*fp;

	if ((fp = open_memstream(&buf, &blen)) == NULL) {
		evbuffer_add_printf(bufferevent_get_output(bev),
		    "ERR out of memory\n");
		return;
	}
	if (ctl_parse_request(line, len, &req, err, sizeof(err)) != 0)
		fprintf(fp, "ERR %s\n", err);
	else
		ctl_answer(ctl, &req, bufferevent_getfd(bev), fp);
	fclose(fp);
	evbuffer_add(bufferevent_get_output(bev), buf, blen);
	free(buf);
}

static void
ctl_on_write(struct bufferevent *bev, void *arg)
{
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		bufferevent_free(bev);
}

static void
ctl_on_event(struct bufferevent *bev, short what, void *arg)
{
	bufferevent_free(bev);
}

static void
ctl_on_read(struct bufferevent *bev, void *arg)
{
	struct control	*ctl = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	char		*line;
	size_t		 len;

	line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF);
	if (line == NULL) {
		if (evbuffer_get_length(in) <= CTL_LINE_MAX)
			return;
		evbuffer_add_printf(bufferevent_get_output(bev),
		    "ERR request too long\n");
	} else {
		ctl_reply(ctl, bev, line, len);
		free(line);
	}
	bufferevent_disable(bev, EV_READ);
	bufferevent_setcb(bev, NULL, ctl_on_write, ctl_on_event, ctl);
	bufferevent_enable(bev, EV_WRITE);
}

static void
ctl_on_accept(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct control		*ctl = arg;
	struct bufferevent	*bev;
	struct timeval		 tv = { CONTROL_TIMEOUT_S, 0 };

	bev = bufferevent_socket_new(evconnlistener_get_base(lev), fd,
	    BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		close(fd);
		return;
	}
	bufferevent_setcb(bev, ctl_on_read, NULL, ctl_on_event, ctl);
	bufferevent_set_timeouts(bev, &tv, &tv);
	bufferevent_enable(bev, EV_READ);
}

static void
ctl_remove_stale(const char *path)
{
	struct stat	st;

	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
		if (unlink(path) == 0)
			log_info("removed stale control socket %s", path);
	}
}

static void
ctl_on_sample(evutil_socket_t fd, short what, void *arg)
{
	control_sample(((struct control *)arg)->src, util_now_ms());
}

struct control *
control_init(struct event_base *base, const char *path,
    struct control_src *src)
{
	return control_init_mode(base, path, src, 0, 0660, (uid_t)-1,
	    (gid_t)-1);
}

struct control *
control_init_mode(struct event_base *base, const char *path,
    struct control_src *src, int readonly, mode_t mode, uid_t owner,
    gid_t group)
{
	struct control		*ctl;
	struct sockaddr_un	 sun;

	if (path == NULL || path[0] == '\0')
		return NULL;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (util_strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		log_warnx("control socket path too long: %s", path);
		return NULL;
	}
	if ((ctl = calloc(1, sizeof(*ctl))) == NULL)
		return NULL;
	ctl->src = src;
	ctl->readonly = readonly;
	util_strlcpy(ctl->path, path, sizeof(ctl->path));
	ctl_remove_stale(path);
	ctl->lev = evconnlistener_new_bind(base, ctl_on_accept, ctl,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16,
	    (struct sockaddr *)&sun, (int)sizeof(sun));
	if (ctl->lev == NULL) {
		log_warn("control socket %s", path);
		free(ctl);
		return NULL;
	}
	if (chmod(path, mode) != 0)
		log_warn("chmod %s", path);
	if ((owner != (uid_t)-1 || group != (gid_t)-1) &&
	    chown(path, owner, group) != 0)
		log_warn("chown %s", path);
	control_sample(src, util_now_ms());
	ctl->sampler = event_new(base, -1, EV_PERSIST, ctl_on_sample, ctl);
	if (ctl->sampler != NULL) {
		struct timeval tv = { (time_t)sample_s(src), 0 };

		event_add(ctl->sampler, &tv);
	}
	log_info("control socket %s%s", path, readonly ? " (status only)" :
	    "");
	return ctl;
}

void
control_free(struct control *ctl)
{
	if (ctl == NULL)
		return;
	if (ctl->sampler != NULL)
		event_free(ctl->sampler);
	evconnlistener_free(ctl->lev);
	unlink(ctl->path);
	free(ctl);
}
