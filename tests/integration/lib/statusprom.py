"""statusprom.py STATUS.json METRICS.txt
statusprom.py --socket CTL - check that every counter of `flowkeep status
--json` is also in the daemon's Prometheus text, with the same value.

With --socket, both are asked of the daemon's control socket: status,
metrics, status again, retried (up to 50 times, 0.2 s apart) until the
two status answers agree, so counters that still move (a write retried
every second) are compared at rest.

METRICS.txt is either promcheck.py's sorted form or the raw text (an "OK"
status line first, as ctl.py prints the control socket's answer, is
skipped).  Every number in the status JSON must map to a sample below or
be named in SKIP (not a counter: versions, ports, times, the process id);
a key that is neither fails, so a counter added to status without a
metric is caught here.  Take both while the daemon is idle: the two are
separate requests.  Prints "N counters equal" and exits 0, or prints each
difference and exits 1."""
import json
import re
import socket
import sys
import time

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')

# status key -> metric family, per part of the status answer
EXPORTER = {
    "packets": "flowkeep_exporter_packets_total",
    "flows": "flowkeep_exporter_flows_total",
    "lost": "flowkeep_exporter_lost_flows_total",
    "lost_packets": "flowkeep_exporter_lost_packets_total",
    "corrupt": "flowkeep_exporter_corrupt_total",
    "bad_flowsets": "flowkeep_exporter_bad_flowsets_total",
    "seq_resets": "flowkeep_exporter_sequence_resets_total",
    "templates": "flowkeep_exporter_templates",
    "pending": "flowkeep_exporter_pending",
    "pending_expired": "flowkeep_exporter_pending_expired_total",
    "pending_dropped": "flowkeep_exporter_pending_dropped_total",
    "templates_evicted": "flowkeep_exporter_templates_evicted_total",
}
DEVICE = {
    "files_closed": "flowkeep_files_written_total",
    "disk_bytes": "flowkeep_disk_bytes",
    "files_recovered": "flowkeep_files_recovered_total",
    "flows_recovered": "flowkeep_recovered_flows_total",
    "recover_failed": "flowkeep_recover_failures_total",
    "write_errors": "flowkeep_write_errors_total",
    "flows_unwritten": "flowkeep_unwritten_flows_total",
    "files_salvaged": "flowkeep_files_salvaged_total",
    "salvage_failed": "flowkeep_salvage_failures_total",
}
LOSSY = {"split_records": "split", "as_trans": "as_trans",
         "ifindex_clamped": "ifindex_clamped",
         "wrong_family": "wrong_family"}
TRACKING = {
    "matched": "flowkeep_tracking_flows_total",
    "late": "flowkeep_tracking_late_flows_total",
    "steps": "flowkeep_tracking_steps_total",
}
DECODER = {
    "exporters": "flowkeep_decoder_exporters",
    "max_exporters": "flowkeep_decoder_exporters_limit",
    "exporters_evicted": "flowkeep_decoder_exporters_evicted_total",
    "pending_bytes": "flowkeep_decoder_pending_bytes",
    "pending_bytes_max": "flowkeep_decoder_pending_bytes_peak",
    "pending_total": "flowkeep_decoder_pending_limit_bytes",
    "pending_refused": "flowkeep_decoder_pending_refused_total",
}
TOTALS = {
    "datagrams": "flowkeep_datagrams_total",
    "bytes": "flowkeep_received_bytes_total",
    "flows": "flowkeep_flows_total",
    "corrupt": "flowkeep_corrupt_total",
    "refused": "flowkeep_refused_total",
    "kernel_drops": "flowkeep_kernel_drops_total",
}
LISTENER = {
    "datagrams": "flowkeep_listener_datagrams_total",
    "kernel_drops": "flowkeep_listener_kernel_drops_total",
}
# numbers that are not counters (recent rates: Prometheus takes rate()
# of the counters itself)
RATES = {"flows_per_s", "datagrams_per_s", "rate_span_s"}
SKIP = {
    "daemon": {"pid", "uptime_s"},
    "exporter": {"version", "sampling", "samplers", "last_seen_s_ago"}
    | RATES,
    "totals": RATES,
    "device": {"version"},
    "listener": {"port", "rcvbuf"},
    "last_flush": {"t", "rrds", "wall_us"},
}


def ask(path, cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    s.sendall(("FLOWKEEP/1 %s\n" % cmd).encode())
    out = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
    s.close()
    text = out.decode("utf-8")
    if not text.startswith("OK\n"):
        sys.exit("statusprom: %s: %s" % (cmd, text[:200]))
    return text[3:]


def at_rest(st):
    """The status without what moves by itself (times)."""
    st = json.loads(json.dumps(st))
    st.pop("daemon", None)
    st.get("last_flush", {}).pop("wall_us", None)
    for e in st.get("exporters", []) + [st.get("totals", {})]:
        for k in RATES | {"last_seen_s_ago"}:
            e.pop(k, None)
    return st


def from_socket(path):
    for _ in range(50):
        s1 = json.loads(ask(path, "status-json"))
        m = ask(path, "metrics")
        s2 = json.loads(ask(path, "status-json"))
        if at_rest(s1) == at_rest(s2):
            return s1, m.split("\n")
        time.sleep(0.2)
    sys.exit("statusprom: the status never stayed the same for a moment")


def load_metrics(lines):
    m = {}
    for line in lines:
        line = line.rstrip("\n")
        if not line or line.startswith("#") or line == "OK":
            continue
        g = SAMPLE.match(line)
        if not g:
            sys.exit("statusprom: not a sample: %r" % line)
        labels = frozenset(LABEL.findall(g.group(2) or ""))
        m[(g.group(1), labels)] = float(g.group(3))
    return m


class Check:
    def __init__(self, metrics):
        self.m, self.n, self.bad = metrics, 0, []

    def find(self, name, labels):
        """The sample of family name whose labels include labels."""
        want = set(labels.items())
        hits = [v for (k, ls), v in self.m.items()
                if k == name and want <= set(ls)]
        return hits[0] if len(hits) == 1 else None

    def eq(self, where, name, labels, value):
        got = self.find(name, labels)
        self.n += 1
        if got is None:
            self.bad.append("%s: no %s%s" % (where, name, labels))
        elif got != value:
            self.bad.append("%s: %s%s = %s, status says %s"
                            % (where, name, labels, got, value))

    def part(self, where, obj, table, labels, skip=()):
        for k, v in obj.items():
            if k in table:
                self.eq("%s.%s" % (where, k), table[k], labels, v)
            elif isinstance(v, (int, float)) and not isinstance(v, bool) \
                    and k not in skip:
                self.bad.append("%s.%s: a status number with no metric"
                                % (where, k))


def main():
    if sys.argv[1] == "--socket":
        st, lines = from_socket(sys.argv[2])
    else:
        st = json.load(open(sys.argv[1]))
        lines = open(sys.argv[2], encoding="utf-8").readlines()
    c = Check(load_metrics(lines))
    known = {"warnings", "daemon", "listeners", "exporters", "devices",
             "trackings", "rrd_errors", "rrd_recreated", "last_flush",
             "decoder", "totals"}
    for k in set(st) - known:
        c.bad.append("%s: a part of status this check does not know" % k)
    for k, v in st["daemon"].items():
        if isinstance(v, int) and k not in SKIP["daemon"]:
            c.bad.append("daemon.%s: a status number with no metric" % k)
    for li in st["listeners"]:
        c.part("listener " + li["address"], li, LISTENER,
               {"address": li["address"], "port": str(li["port"])},
               SKIP["listener"])
    for e in st["exporters"]:
        c.part("exporter " + e["address"], e, EXPORTER,
               {"exporter": e["address"]}, SKIP["exporter"])
    disk = 0
    for d in st["devices"]:
        lab = {"device": d["name"]}
        where = "device " + (d["name"] or "(main)")
        c.part(where, d, DEVICE, lab,
               SKIP["device"] | {"flows_open", "flows_open6"})
        c.eq(where + ".flows_open", "flowkeep_open_file_flows", lab,
             d["flows_open"] + d["flows_open6"])
        for k, v in d["lossy"].items():
            if k not in LOSSY:
                c.bad.append("%s.lossy.%s: no metric" % (where, k))
                continue
            c.eq(where + ".lossy." + k, "flowkeep_lossy_conversions_total",
                 dict(lab, kind=LOSSY[k]), v)
        disk += d["disk_bytes"]
    for t in st["trackings"]:
        c.part("tracking " + t["name"], t, TRACKING, {"tracking": t["name"]})
    c.eq("rrd_errors", "flowkeep_tracker_rrd_errors_total", {},
         st["rrd_errors"])
    c.eq("rrd_recreated", "flowkeep_tracker_rrds_recreated_total", {},
         st["rrd_recreated"])
    fl = st.get("last_flush", {})
    c.part("last_flush", fl, {"steps": "flowkeep_tracker_steps_total"}, {},
           SKIP["last_flush"])
    c.part("decoder", st["decoder"], DECODER, {})
    tot = dict(st["totals"])
    if tot.pop("disk_bytes") != disk:
        c.bad.append("totals.disk_bytes is not the sum of the devices'")
    c.part("totals", tot, TOTALS, {}, SKIP["totals"])
    kinds = {}
    for w in st["warnings"]:
        kinds[w["kind"]] = kinds.get(w["kind"], 0) + 1
    for k, v in kinds.items():
        c.eq("warnings " + k, "flowkeep_warnings", {"kind": k}, v)
    for b in c.bad:
        print("statusprom: " + b)
    if c.bad:
        sys.exit(1)
    print("%d counters equal" % c.n)


main()
