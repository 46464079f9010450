#!/bin/sh
# exporter_faults.sh - exporters that restart, whose clock jumps or whose
# sysUptime wraps, through a real flowkeepd (issue 6; doc/faults.md).
# lib/expfaults.py writes the datagrams of five exporters on 127.0.8.x:
# a v9 exporter that restarts (sequence from 0, sysUptime 20 s, template
# 256 redefined with another layout and 8-byte counters, its first data
# sent before the new definition, a new template 257), a v5 exporter that
# restarts, a v5 exporter whose unix_secs jumps 3 h back and 5 h forward,
# and a v5 and a v9 exporter whose sysUptime crosses 2^32 ms (flows
# before, across and after the wrap).  After a
# rotate, `flowkeep print --output csv` over the tree must give exactly
# the rows expfaults.py computed from what each exporter meant (times to
# the millisecond, addresses, ports, protocol, packets, octets), every
# flow once; status must show each exporter's datagrams, flows, templates,
# one sequence reset for each restart and none elsewhere, no loss, nothing
# corrupt; and status and metrics agree (lib/statusprom.py).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/common.sh"

need_prog "$FLOWKEEPD" "$FLOWKEEP" "$UDPSEND"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
make_tmp
NOW=$(date +%s)
n=$(python3 "$LIB/expfaults.py" "$T/x" "$NOW") || fail "expfaults.py"
echo "  $n flows from 5 exporters"
W=$T/w
CTL=$T/ctl
PORT=$(free_port)
fk_start "$T/log" "$CTL" -D -w "$W" -z0 -N 0 -V 5 --control "$CTL" \
    --statefile "$T/state" "127.0.0.1/0/$PORT"
for e in v9restart:127.0.8.1 v5restart:127.0.8.5 v5clock:127.0.8.2 \
    v5wrap:127.0.8.3 v9wrap:127.0.8.4; do
	"$UDPSEND" -d 2 -b "${e#*:}" 127.0.0.1 "$PORT" "$T/x/${e%%:*}.lpb" \
	    >/dev/null || fail "udpsend ${e%%:*}"
done
i=0
until [ "$(fk_ctl "$CTL" status-json | sed 1d |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["totals"]["flows"])')" \
    -ge "$n" ]; do
	i=$((i + 1)); [ $i -lt 50 ] || fail "not all flows decoded"
	sleep 0.1
done
fk_ctl "$CTL" rotate >/dev/null || fail "rotate"

echo "== 1. every flow stored once, with the times the exporter meant"
"$FLOWKEEP" print --output csv \
    --fields first,last,exporter,src,dst,sport,dport,proto,packets,octets \
    "$W" >"$T/got.csv" || fail "flowkeep print"
{ head -n 1 "$T/got.csv"; tail -n +2 "$T/got.csv" | LC_ALL=C sort; } \
    >"$T/got.sorted"
{ head -n 1 "$T/x/expected.csv"; tail -n +2 "$T/x/expected.csv" |
    LC_ALL=C sort; } >"$T/want.sorted"
if ! cmp -s "$T/got.sorted" "$T/want.sorted"; then
	diff "$T/want.sorted" "$T/got.sorted" | head -20
	fail "stored flows differ from what the exporters sent ($(
	    tail -n +2 "$T/got.csv" | wc -l) rows, want $n)"
fi
echo "  $(tail -n +2 "$T/got.csv" | wc -l) rows equal the $n expected"
for a in 127.0.8.1 127.0.8.2 127.0.8.3 127.0.8.4 127.0.8.5; do
	grep -c ",$a," "$T/got.sorted" | sed "s/^/  $a: /;s/\$/ flows/"
done

echo "== 2. status counts the restarts and nothing lost"
"$FLOWKEEP" status --json --socket "$CTL" >"$T/st.json" || fail "status"
python3 - "$T/st.json" "$T/x/expected.json" <<'PY' || fail "status counters"
import json, sys
st = json.load(open(sys.argv[1]))
want = json.load(open(sys.argv[2]))
got = {e["address"]: e for e in st["exporters"]}
bad = []
for addr, w in sorted(want.items()):
    e = got.get(addr)
    if e is None:
        bad.append("%s: not in status" % addr)
        continue
    for k, v in sorted(w.items()):
        if e[k] != v:
            bad.append("%s: %s %s, want %s" % (addr, k, e[k], v))
    for k in ("corrupt", "bad_flowsets", "pending", "pending_expired",
              "pending_dropped"):
        if e[k] != 0:
            bad.append("%s: %s %s" % (addr, k, e[k]))
    print("  %s v%d: %d datagrams, %d flows, %d resets, %d lost flows, "
          "%d lost packets, %d templates" % (addr, e["version"],
          e["packets"], e["flows"], e["seq_resets"], e["lost"],
          e["lost_packets"], e["templates"]))
t = st["totals"]
d = st["devices"][0]
if t["corrupt"] or t["refused"] or d["flows_unwritten"] or d["write_errors"]:
    bad.append("totals: %s, device faults %s" % (t, d))
for b in bad:
    print("  " + b)
sys.exit(1 if bad else 0)
PY
python3 "$LIB/statusprom.py" --socket "$CTL" >"$T/sp.out" ||
    fail "status and metrics differ: $(cat "$T/sp.out")"
echo "  status and metrics: $(cat "$T/sp.out")"

echo "== 3. the check fails on a changed flow"
sed '2s/\.[0-9][0-9][0-9]Z,/.999Z,/' "$T/got.sorted" >"$T/bad.sorted"
cmp -s "$T/bad.sorted" "$T/want.sorted" && fail "a changed time compared equal"
fk_stop || fail "flowkeepd exit status"
echo "PASS"
