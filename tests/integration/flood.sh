#!/bin/sh
# flood.sh - bounded state under a spoofed-source and template flood
# (doc/security.md, "Bounds on peer state").
#
# A private flowkeepd with small limits (exporters 256, templates 32,
# pending-bytes 64K per exporter, pending-total 2M) is flooded from loopback
# only: 1200 exporters (127.1.x.y, one bound socket each) send a v9
# datagram of data for templates never announced, 200 more (127.3.x.y) send
# 20 such datagrams each (5.4 MB that would wait for templates), then 40
# (127.2.x.y) announce ~38 templates a datagram, 30 times.  Asserted:
#  1. the daemon is alive and still decodes (a v5 exporter sent afterwards
#     gets its 70 flows into a file);
#  2. the exporter table holds at most 256 exporters, counted evictions;
#  3. queued data-before-template bytes never pass pending-total and the
#     refusals are counted (pending_refused, pending_dropped);
#  4. no exporter holds more than 32 templates, evictions counted;
#  5. VmRSS grew by less than FLOOD_RSS_CAP_KB (default 49152 = 48 MiB)
#     over the idle daemon, the figure printed.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/common.sh"

need_prog "$FLOWKEEPD" "$UDPSEND" "$FTDUMP"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
make_tmp
# ASan keeps freed memory in a quarantine (256 MiB by default), which would
# count as RSS; keep it small so that the figure is the daemon's own
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4:malloc_context_size=2"
export ASAN_OPTIONS
: "${FLOOD_RSS_CAP_KB:=49152}"
python3 "$LIB/mkv5.py" "$T/v5.lpb" "$(date +%s)" || fail "mkv5.py failed"
W=$T/w
CTL=$T/ctl
PORT=$(free_port)
cat >"$T/fk.conf" <<CONF
rcvbuf 8M
limits {
	exporters 256
	templates 32
	pending 64
	pending-bytes 64K
	pending-total 2M
}
CONF
fk_start "$T/log" "$CTL" --config "$T/fk.conf" -D -w "$W" -z0 -N 0 \
    --control "$CTL" --statefile "$T/state" "127.0.0.1/0/$PORT"
rss() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$FK_PID/status"
}
sleep 0.5
rss0=$(rss)
python3 "$LIB/flood.py" "$PORT" 1200 200 20 40 30 >"$T/sent" ||
    fail "flood.py failed"
sleep 1
rss1=$(rss)
kill -0 "$FK_PID" 2>/dev/null || { cat "$T/log"; fail "daemon died"; }
"$UDPSEND" -b 127.0.7.1 127.0.0.1 "$PORT" "$T/v5.lpb" >/dev/null
sleep 0.5
fk_ctl "$CTL" status-json | sed 1d >"$T/status.json"
fk_ctl "$CTL" rotate >/dev/null || fail "rotate"
sleep 0.3
python3 - "$T/status.json" >"$T/figures" <<'PY' || fail "status: $(cat "$T/figures")"
import json, sys
s = json.load(open(sys.argv[1]))
d = s["decoder"]
ex = s["exporters"]
print("exporters", len(ex), d["exporters_evicted"],
      d["pending_bytes"], d["pending_bytes_max"], d["pending_refused"],
      sum(e["pending_dropped"] for e in ex),
      max(e["templates"] for e in ex),
      sum(e["templates_evicted"] for e in ex),
      s["totals"]["datagrams"], s["totals"]["kernel_drops"])
PY
set -- $(cat "$T/figures")
nexp=$2 evicted=$3 pbytes=$4 pmax=$5 prefused=$6 pdropped=$7 tmax=$8
tev=$9
shift 9
dgrams=$1 kdrops=$2
grow=$((rss1 - rss0))
echo "  $(cat "$T/sent")"
echo "  received $dgrams datagrams ($kdrops kernel drops)"
echo "  exporters held $nexp (limit 256), evicted $evicted"
echo "  pending bytes $pbytes at most $pmax (pending-total 2M),"\
    "refused $prefused, dropped per exporter $pdropped"
echo "  templates: at most $tmax per exporter (limit 32), evicted $tev"
echo "  VmRSS idle $rss0 kB, after the flood $rss1 kB: +$grow kB"\
    "(cap $FLOOD_RSS_CAP_KB kB)"
[ "$nexp" -le 256 ] || fail "exporter table above its limit"
[ "$evicted" -gt 0 ] || fail "no exporter evicted: the flood did not reach the bound"
[ "$pmax" -le 2097152 ] || fail "pending bytes peaked above pending-total"
[ "$prefused" -gt 0 ] || fail "pending-total never refused anything"
[ "$tmax" -le 32 ] || fail "templates above their limit"
[ "$tev" -gt 0 ] || fail "no template evicted"
[ "$grow" -lt "$FLOOD_RSS_CAP_KB" ] || fail "VmRSS grew by $grow kB"
f=$(find "$W" -name 'ft-*' | head -1)
[ -n "$f" ] || fail "no flow file after the flood"
n=$("$FTDUMP" "$f" | grep -c '^127\.0\.7\.1')
[ "$n" = 70 ] || fail "$n flows from the v5 exporter after the flood, want 70"
fk_stop QUIT || fail "exit status"
echo "PASS"
