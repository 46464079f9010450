/*
 * metrics.c - the daemon's counters in Prometheus' text format, the body
 * of the control socket's "metrics" answer (see control.h); the web
 * /metrics page adds its own request counts (web/page_metrics.c).
 * doc/metrics.md lists every family.
 *
 * Counters are those of status; they start at zero with the daemon, and
 * those of a directory tree also when a reload makes the tree anew.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <config.h>	/* autoconf: PACKAGE_VERSION */

#include "control.h"
#include "chsink.h"
#include "livetrack.h"
#include "promtext.h"
#include "util.h"

/* An exporter with the name of its device. */
struct mexp {
	struct proto_exporter_info	 e;
	char				 addr[64];
	const char			*device;
};

/* An exporter counter: family, type, help, and where it is. */
struct mexp_def {
	const char	*name;
	const char	*type;
	const char	*help;
	size_t		 off;	/* of a uint64_t in proto_exporter_info */
};

#define EXP_FIELD(f)	offsetof(struct proto_exporter_info, f)

static const struct mexp_def exp_defs[] = {
	{ "flowkeep_exporter_packets_total", "counter",
	    "Datagrams accepted from the exporter.", EXP_FIELD(packets) },
	{ "flowkeep_exporter_flows_total", "counter",
	    "Flow records decoded.", EXP_FIELD(flows) },
	{ "flowkeep_exporter_lost_flows_total", "counter",
	    "Flows lost by sequence gaps (NetFlow v5/v7).", EXP_FIELD(lost) },
	{ "flowkeep_exporter_lost_packets_total", "counter",
	    "Export packets lost by sequence gaps (NetFlow v9).",
	    EXP_FIELD(lost_packets) },
	{ "flowkeep_exporter_corrupt_total", "counter",
	    "Datagrams rejected as malformed or refused, and dropped.",
	    EXP_FIELD(corrupt) },
	{ "flowkeep_exporter_bad_flowsets_total", "counter",
	    "v9 flowsets whose length lies (the rest of the datagram was "
	    "dropped).", EXP_FIELD(bad_flowsets) },
	{ "flowkeep_exporter_sequence_resets_total", "counter",
	    "Sequence number resets (exporter restarts).",
	    EXP_FIELD(seq_resets) },
	{ "flowkeep_exporter_pending_expired_total", "counter",
	    "v9 data flowsets that never met their template.",
	    EXP_FIELD(pending_expired) },
	{ "flowkeep_exporter_pending_dropped_total", "counter",
	    "v9 data flowsets dropped because the pending queue was full.",
	    EXP_FIELD(pending_dropped) },
	{ "flowkeep_exporter_templates_evicted_total", "counter",
	    "v9 templates evicted by the template limit.",
	    EXP_FIELD(templates_evicted) },
};

#define NEXP_DEFS	(sizeof(exp_defs) / sizeof(exp_defs[0]))

static const char *
tree_name(const struct control_src *s, struct filemgr_info *infos,
    const struct mexp *m)
{
	struct filemgr	*fm;
	unsigned	 i;

	fm = collector_tree_of(s->coll, m->e.af, &m->e.addr);
	for (i = 0; i < s->ntrees; i++)
		if (s->trees[i] == fm)
			return infos[i].name;
	return "";
}

static void
exp_sample(FILE *fp, const char *name, const struct mexp *m, uint64_t v)
{
	const char *kv[4] = { "exporter", m->addr, "device", m->device };

	prom_sample(fp, name, kv, 2, v);
}

static void
metrics_exporters(FILE *fp, const struct mexp *m, unsigned n,
    uint64_t now_ms)
{
	unsigned	i, k;
	uint64_t	v;

	for (k = 0; k < NEXP_DEFS; k++) {
		prom_family(fp, exp_defs[k].name, exp_defs[k].type,
		    exp_defs[k].help);
		for (i = 0; i < n; i++) {
			memcpy(&v, (const char *)&m[i].e + exp_defs[k].off,
			    sizeof(v));
			exp_sample(fp, exp_defs[k].name, &m[i], v);
		}
	}
	prom_family(fp, "flowkeep_exporter_templates", "gauge",
	    "v9 templates held now.");
	for (i = 0; i < n; i++)
		exp_sample(fp, "flowkeep_exporter_templates", &m[i],
		    m[i].e.templates);
	prom_family(fp, "flowkeep_exporter_pending", "gauge",
	    "v9 data flowsets waiting for their template now.");
	for (i = 0; i < n; i++)
		exp_sample(fp, "flowkeep_exporter_pending", &m[i],
		    m[i].e.pending);
	prom_family(fp, "flowkeep_exporter_last_seen_seconds", "gauge",
	    "Seconds since the exporter's last datagram.");
	for (i = 0; i < n; i++)
		exp_sample(fp, "flowkeep_exporter_last_seen_seconds", &m[i],
		    m[i].e.last_seen_ms == 0 || m[i].e.last_seen_ms > now_ms ?
		    0 : (now_ms - m[i].e.last_seen_ms) / 1000);
}

static void
metrics_listeners(const struct control_src *s, FILE *fp)
{
	struct collector_listener_info	li;
	unsigned			i, n = collector_listener_count(s->coll);
	char				port[8];
	const char			*kv[4] = { "address", NULL, "port", port };

	prom_family(fp, "flowkeep_listener_datagrams_total", "counter",
	    "Datagrams received on the socket.");
	for (i = 0; i < n; i++) {
		collector_listener_get(s->coll, i, &li);
		kv[1] = li.addr;
		snprintf(port, sizeof(port), "%u", li.port);
		prom_sample(fp, "flowkeep_listener_datagrams_total", kv, 2,
		    li.datagrams);
	}
	prom_family(fp, "flowkeep_listener_kernel_drops_total", "counter",
	    "Datagrams the kernel dropped for want of receive buffer "
	    "(SO_RXQ_OVFL).");
	for (i = 0; i < n; i++) {
		collector_listener_get(s->coll, i, &li);
		kv[1] = li.addr;
		snprintf(port, sizeof(port), "%u", li.port);
		prom_sample(fp, "flowkeep_listener_kernel_drops_total", kv, 2,
		    li.kernel_drops);
	}
}

/* A family of one sample without labels: name, type, help. */
struct mplain {
	const char	*name, *type, *help;
};

/* Families defs[0 .. n), with the values v. */
static void
metrics_plain(FILE *fp, const struct mplain *defs, const uint64_t *v,
    unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		prom_family(fp, defs[i].name, defs[i].type, defs[i].help);
		prom_sample(fp, defs[i].name, NULL, 0, v[i]);
	}
}

static void
metrics_totals(const struct control_src *s, FILE *fp)
{
	struct collector_totals	t;
	static const struct mplain defs[] = {
		{ "flowkeep_datagrams_total", "counter",
		    "Datagrams received." },
		{ "flowkeep_received_bytes_total", "counter",
		    "Bytes of datagrams." },
		{ "flowkeep_refused_total", "counter", "Datagrams from "
		    "exporters not on the allow-list, dropped." },
		{ "flowkeep_corrupt_total", "counter", "Datagrams rejected by "
		    "the decoder, dropped." },
		{ "flowkeep_flows_total", "counter", "Flow records decoded." },
		{ "flowkeep_kernel_drops_total", "counter", "Datagrams "
		    "dropped by the kernel, all sockets." },
	};
	uint64_t v[6];

	collector_get_totals(s->coll, &t);
	v[0] = t.datagrams;
	v[1] = t.bytes;
	v[2] = t.refused;
	v[3] = t.corrupt;
	v[4] = t.flows;
	v[5] = t.kernel_drops;
	metrics_plain(fp, defs, v, 6);
}

static void
metrics_trees(const struct control_src *s, struct filemgr_info *fi,
    FILE *fp)
{
	const char	*kv[4] = { "device", NULL, "kind", NULL };
	static const char *const kinds[] = { "split", "as_trans",
	    "ifindex_clamped", "wrong_family" };
	uint64_t	 v[4];
	unsigned	 i, k;

	prom_family(fp, "flowkeep_files_written_total", "counter",
	    "Flow files closed and renamed into place.");
	for (i = 0; i < s->ntrees; i++) {
		kv[1] = fi[i].name;
		prom_sample(fp, "flowkeep_files_written_total", kv, 1,
		    fi[i].files_closed);
	}
	prom_family(fp, "flowkeep_disk_bytes", "gauge",
	    "Bytes of flow files in the tree (closed and open).");
	for (i = 0; i < s->ntrees; i++) {
		kv[1] = fi[i].name;
		prom_sample(fp, "flowkeep_disk_bytes", kv, 1,
		    fi[i].disk_bytes);
	}
	prom_family(fp, "flowkeep_lossy_conversions_total", "counter",
	    "Records changed to fit flow-tools v5 (see doc/ipv6-files.md).");
	for (i = 0; i < s->ntrees; i++) {
		kv[1] = fi[i].name;
		v[0] = fi[i].conv.split_records;
		v[1] = fi[i].conv.as_trans;
		v[2] = fi[i].conv.ifindex_clamped;
		v[3] = fi[i].conv.wrong_family;
		for (k = 0; k < 4; k++) {
			kv[3] = kinds[k];
			prom_sample(fp, "flowkeep_lossy_conversions_total",
			    kv, 2, v[k]);
		}
	}
}

/* A directory tree's fault counter (struct filemgr_faults). */
static const struct mtree_def {
	const char	*name;
	const char	*help;
	size_t		 off;
} tree_faults[] = {
	{ "flowkeep_files_recovered_total", "Stale tmp- files finished at "
	    "start or reload.", offsetof(struct filemgr_faults,
	    files_recovered) },
	{ "flowkeep_recovered_flows_total", "Flows kept in the files "
	    "recovered.", offsetof(struct filemgr_faults, flows_recovered) },
	{ "flowkeep_recover_failures_total", "Stale files that could not be "
	    "finished (left as they are).", offsetof(struct filemgr_faults,
	    recover_failed) },
	{ "flowkeep_write_errors_total", "Failed creates, writes, renames "
	    "and closes of flow files.", offsetof(struct filemgr_faults,
	    write_errors) },
	{ "flowkeep_unwritten_flows_total", "Flows received that are in no "
	    "file (lost to a write error).", offsetof(struct filemgr_faults,
	    flows_unwritten) },
	{ "flowkeep_files_salvaged_total", "Files closed with what reached "
	    "the disk after a write error.", offsetof(struct filemgr_faults,
	    files_salvaged) },
	{ "flowkeep_salvage_failures_total", "Files left as tmp- after a "
	    "write error.", offsetof(struct filemgr_faults, salvage_failed) },
};

#define NTREE_FAULTS	(sizeof(tree_faults) / sizeof(tree_faults[0]))

static void
metrics_tree_faults(const struct control_src *s, struct filemgr_info *fi,
    FILE *fp)
{
	const char	*kv[2] = { "device", NULL };
	uint64_t	 v;
	unsigned	 i, k;

	for (k = 0; k < NTREE_FAULTS; k++) {
		prom_family(fp, tree_faults[k].name, "counter",
		    tree_faults[k].help);
		for (i = 0; i < s->ntrees; i++) {
			kv[1] = fi[i].name;
			memcpy(&v, (const char *)&fi[i].faults +
			    tree_faults[k].off, sizeof(v));
			prom_sample(fp, tree_faults[k].name, kv, 1, v);
		}
	}
	prom_family(fp, "flowkeep_open_file_flows", "gauge",
	    "Flows in the tree's open files.");
	for (i = 0; i < s->ntrees; i++) {
		kv[1] = fi[i].name;
		prom_sample(fp, "flowkeep_open_file_flows", kv, 1,
		    fi[i].flows4 + fi[i].flows6);
	}
}

/* The decoder's context-wide bounds (status' "decoder:" line). */
static void
metrics_decoder(const struct control_src *s, FILE *fp)
{
	struct proto_stats	ps;
	static const struct mplain defs[] = {
		{ "flowkeep_decoder_exporters", "gauge",
		    "Exporters the decoder holds state for now." },
		{ "flowkeep_decoder_exporters_limit", "gauge",
		    "The most exporters it holds (limits exporters)." },
		{ "flowkeep_decoder_exporters_evicted_total", "counter",
		    "Exporters pushed out by newcomers at the limit." },
		{ "flowkeep_decoder_pending_bytes", "gauge",
		    "v9 data waiting for its template now, all exporters." },
		{ "flowkeep_decoder_pending_bytes_peak", "gauge",
		    "The most v9 data that waited at once." },
		{ "flowkeep_decoder_pending_limit_bytes", "gauge",
		    "The bound on it (limits pending-total)." },
		{ "flowkeep_decoder_pending_refused_total", "counter",
		    "v9 data flowsets refused because the bound was reached." },
	};
	uint64_t	v[7];

	proto_get_stats(s->proto, &ps);
	v[0] = ps.exporters;
	v[1] = ps.max_exporters;
	v[2] = ps.exporters_evicted;
	v[3] = ps.pending_bytes;
	v[4] = ps.pending_bytes_max;
	v[5] = ps.pending_total;
	v[6] = ps.pending_refused;
	metrics_plain(fp, defs, v, 7);
}

static void
tracking_family(const struct control_src *s, FILE *fp, const char *name,
    const char *help, int which)
{
	struct livetrack_info	li;
	unsigned		i, n = livetrack_count(s->lt);
	const char		*kv[2] = { "tracking", NULL };

	prom_family(fp, name, "counter", help);
	for (i = 0; i < n; i++) {
		livetrack_get(s->lt, i, &li);
		kv[1] = li.name;
		prom_sample(fp, name, kv, 1, which == 0 ? li.matched :
		    which == 1 ? li.late_flows : li.buckets);
	}
}

static void
metrics_trackings(const struct control_src *s, FILE *fp)
{
	struct livetrack_flush	fl;

	memset(&fl, 0, sizeof(fl));
	if (s->lt != NULL)
		livetrack_get_flush(s->lt, &fl);
	prom_family(fp, "flowkeep_tracker_steps_total", "counter",
	    "Tracker steps written to the RRDs.");
	prom_sample(fp, "flowkeep_tracker_steps_total", NULL, 0, fl.steps);
	prom_family(fp, "flowkeep_tracker_rrd_errors_total", "counter",
	    "RRD writes that failed.");
	prom_sample(fp, "flowkeep_tracker_rrd_errors_total", NULL, 0,
	    s->lt != NULL ? livetrack_rrd_errors(s->lt) : 0);
	prom_family(fp, "flowkeep_tracker_rrds_recreated_total", "counter",
	    "Broken RRDs moved aside and recreated.");
	prom_sample(fp, "flowkeep_tracker_rrds_recreated_total", NULL, 0,
	    s->lt != NULL ? livetrack_rrd_recreated(s->lt) : 0);
	prom_family(fp, "flowkeep_trackings", "gauge", "Trackings loaded.");
	prom_sample(fp, "flowkeep_trackings", NULL, 0,
	    s->lt != NULL ? livetrack_count(s->lt) : 0);
	if (s->lt == NULL)
		return;
	tracking_family(s, fp, "flowkeep_tracking_flows_total",
	    "Flows the tracking's filter matched.", 0);
	tracking_family(s, fp, "flowkeep_tracking_late_flows_total",
	    "Flows that came after their step was final (not counted in "
	    "the RRD).", 1);
	tracking_family(s, fp, "flowkeep_tracking_steps_total",
	    "Steps of the tracking written.", 2);
}

static void
metrics_warnings(const struct control_src *s, uint64_t now_ms, FILE *fp)
{
	struct statuswarn	w[STATUSWARN_MAX];
	unsigned		n[STATUSWARN_CLICKHOUSE + 1], i, k;
	const char		*kv[2] = { "kind", NULL };

	memset(n, 0, sizeof(n));
	k = control_warnings(s, now_ms, w, STATUSWARN_MAX);
	for (i = 0; i < k && i < STATUSWARN_MAX; i++)
		n[w[i].kind]++;
	prom_family(fp, "flowkeep_warnings", "gauge",
	    "Warnings `flowkeep status` shows now, by rule.");
	for (i = STATUSWARN_SILENT; i <= STATUSWARN_CLICKHOUSE; i++) {
		kv[1] = statuswarn_kind_name((enum statuswarn_kind)i);
		prom_sample(fp, "flowkeep_warnings", kv, 1, n[i]);
	}
}

void
control_metrics(const struct control_src *s, FILE *fp)
{
	struct filemgr_info	*fi;
	struct mexp		*m;
	uint64_t		 now_ms = util_now_ms();
	unsigned		 i, n = 0, cnt;
	const char		*kv[2] = { "version", PACKAGE_VERSION };

	cnt = proto_exporter_count(s->proto);
	fi = calloc(s->ntrees + 1, sizeof(*fi));
	m = calloc(cnt + 1, sizeof(*m));
	if (fi == NULL || m == NULL)
		goto out;
	for (i = 0; i < s->ntrees; i++)
		filemgr_get_info(s->trees[i], &fi[i]);
	for (i = 0; i < cnt; i++) {
		if (proto_exporter_get(s->proto, i, &m[n].e) != 0)
			continue;
		util_addr_str(m[n].e.af, &m[n].e.addr, m[n].addr,
		    sizeof(m[n].addr));
		m[n].device = tree_name(s, fi, &m[n]);
		n++;
	}
	prom_family(fp, "flowkeep_build_info", "gauge",
	    "Always 1; the version in a label.");
	prom_sample(fp, "flowkeep_build_info", kv, 1, 1);
	prom_family(fp, "flowkeep_start_time_seconds", "gauge",
	    "When the daemon started, seconds since the epoch.");
	prom_sample(fp, "flowkeep_start_time_seconds", NULL, 0,
	    s->start_ms / 1000);
	metrics_exporters(fp, m, n, now_ms);
	metrics_listeners(s, fp);
	metrics_totals(s, fp);
	metrics_trees(s, fi, fp);
	metrics_tree_faults(s, fi, fp);
	metrics_decoder(s, fp);
	metrics_trackings(s, fp);
	if (s->ch != NULL)
		chsink_metrics(s->ch, fp);
	metrics_warnings(s, now_ms, fp);
out:
	free(fi);
	free(m);
}
