#!/bin/sh
# tracking.sh - live trackings end to end: flowkeepd with two trackings
# (every flow, and every flow times 10) and a 60 s step; 70 known v5 flows
# of the previous minute are sent; once that step is final, rrdtool fetch
# must give exactly their bits, packets and flows per second.  Takes up to
# about 70 s (a step must pass).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/common.sh"

need_prog "$FLOWKEEPD" "$FLOWKEEP" "$UDPSEND"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
command -v rrdtool >/dev/null || { echo "SKIP: rrdtool missing"; exit 77; }
make_tmp

# Stay clear of a minute boundary while starting and sending.
sec=$(date +%S | sed 's/^0//')
if [ "$sec" -gt 50 ]; then
	echo "  waiting $((61 - sec)) s for the next minute"
	sleep $((61 - sec))
fi
mkdir -p "$T/tracks"
cat >"$T/tracks/all" <<TRK
# every flow
filter
alert above 1000 bits
alert below 0.5 packets for 2
alert-command env | grep '^FK_' | sort >"$T/alert.env"
TRK
printf 'filter\nmultiplier 10\nnotes sampled 1:10\n' >"$T/tracks/sampled"
printf 'filter\nbogus 1\n' >"$T/tracks/broken"
cat >"$T/fk.conf" <<CONF
track-step 60
track-lateness 1
CONF
CTL=$T/ctl
PORT=$(free_port)
fk_start "$T/log" "$CTL" --config "$T/fk.conf" -D -w "$T/w" -z0 \
    --control "$CTL" --statefile "$T/state" --tracking-dir "$T/tracks" \
    --rrd-dir "$T/rrd" "127.0.0.1/0/$PORT"
now=$(date +%s)
minute=$((now - now % 60))
python3 "$LIB/mkv5.py" "$T/v5.lpb" $((minute + 1)) || fail "mkv5.py"
"$UDPSEND" 127.0.0.1 "$PORT" "$T/v5.lpb" >/dev/null
grep -q "broken:2: unknown key \"bogus\"" "$T/log" ||
    fail "the broken tracking is not reported: $(cat "$T/log")"
grep -q "2 trackings" "$T/log" || fail "not 2 trackings: $(cat "$T/log")"

# The step [minute - 60, minute) is final at minute + 60.
echo "  flows sent for the step ending $minute; waiting for it"
i=0
while :; do
	last=$(rrdtool last "$T/rrd/all.rrd" 2>/dev/null || echo 0)
	[ "$last" -ge "$minute" ] 2>/dev/null && break
	i=$((i + 1))
	[ $i -gt 90 ] && fail "no step written after 90 s: $(cat "$T/log")"
	sleep 1
done
for t in all sampled; do
	rrdtool fetch "$T/rrd/$t.rrd" AVERAGE -r 60 -s $((minute - 60)) \
	    -e "$minute" >"$T/$t.txt" || fail "rrdtool fetch $t"
done
python3 - "$T/all.txt" "$T/sampled.txt" "$minute" <<'PY' || fail "values"
import sys
def row(path, t):
    for line in open(path):
        if line.strip().startswith("%d:" % t):
            return [float(x) for x in line.split(":")[1].split()]
    raise SystemExit("%s: no row for %d" % (path, t))
t = int(sys.argv[3])
a, s = row(sys.argv[1], t), row(sys.argv[2], t)
octets = sum(100 * (i + 1) for i in range(70))
packets = sum(1 + i for i in range(70))
want = [octets * 8 / 60.0, packets / 60.0, 70 / 60.0]
want10 = [want[0] * 10, want[1] * 10, want[2]]
print("  all:     bits/s %.3f packets/s %.4f flows/s %.4f" % tuple(a))
print("  sampled: bits/s %.3f packets/s %.4f flows/s %.4f" % tuple(s))
print("  want:    bits/s %.3f packets/s %.4f flows/s %.4f (x10 volumes)"
      % tuple(want))
ok = all(abs(x - y) < 1e-3 * max(1, y) for x, y in zip(a, want)) and \
    all(abs(x - y) < 1e-3 * max(1, y) for x, y in zip(s, want10))
sys.exit(0 if ok else 1)
PY
"$FLOWKEEP" status --socket "$CTL" | sed -n '/^trackings/,/^totals/p' |
    sed '$d; s/^/  | /'
"$FLOWKEEP" status --json --socket "$CTL" | python3 -c '
import json, sys
s = json.load(sys.stdin)
t = {x["name"]: x for x in s["trackings"]}
assert sorted(t) == ["all", "sampled"], t
assert t["all"]["matched"] == 70 and t["all"]["late"] == 0, t
assert t["all"]["steps"] >= 1 and s["rrd_errors"] == 0, s
' || fail "status --json trackings"
"$FLOWKEEP" graph track all --rrd-dir "$T/rrd" --size 640x240 \
    --threshold 30000 --output "$T/all.png" >/dev/null || fail "graph track"
python3 - "$T/all.png" <<'PY' || fail "graph: not a 640x240 PNG"
import struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n" and b[12:16] == b"IHDR", b[:16]
w, h = struct.unpack(">II", b[16:24])
print("  graph track: PNG %dx%d, %d bytes" % (w, h, len(b)))
assert (w, h) == (640, 240)
PY
"$FLOWKEEP" graph track all --rrd-dir "$T/rrd" --period fortnight \
    >"$T/out" 2>&1
[ $? = 2 ] || fail "graph --period fortnight: want exit 2"
"$FLOWKEEP" graph track nosuch --rrd-dir "$T/rrd" >"$T/out" 2>&1
[ $? = 1 ] && grep -q "nosuch.rrd" "$T/out" || fail "graph of a missing RRD"
"$FLOWKEEP" track add new --filter "" --dir "$T/tracks" --socket "$CTL" \
    >"$T/out" 2>&1 || fail "track add: $(cat "$T/out")"
"$FLOWKEEP" status --json --socket "$CTL" | python3 -c '
import json, sys
names = sorted(x["name"] for x in json.load(sys.stdin)["trackings"])
assert names == ["all", "new", "sampled"], names
' || fail "the daemon did not pick up the new tracking"
echo "  flowkeep track add reached the running daemon"
"$FLOWKEEP" status --json --socket "$CTL" | python3 -c '
import json, sys
t = {x["name"]: x for x in json.load(sys.stdin)["trackings"]}
assert t["all"]["matched"] == 70, t["all"]
' || fail "the reload lost the counters of an unchanged tracking"
[ -s "$T/alert.env" ] || sleep 1
sed 's/^/  | /' "$T/alert.env"
grep -q "^FK_RULE=above 1000 bits for 1$" "$T/alert.env" &&
    grep -q "^FK_TRACKING=all$" "$T/alert.env" ||
    fail "alert command environment"
"$FLOWKEEP" track alerts --rrd-dir "$T/rrd" >"$T/out" || fail "track alerts"
sed 's/^/  | /' "$T/out"
[ "$(grep -c "above 1000 bits" "$T/out")" = 1 ] || fail "alert history"
grep -q "below" "$T/out" && fail "the below rule fired too early"
fk_stop TERM || fail "exit status"

echo "== graph flows from the stored file"
ft=$(find "$T/w" -name 'ft-*' | sort)	# the reload closed a file too
[ -n "$ft" ] || fail "no closed flow file"
# shellcheck disable=SC2086
"$FLOWKEEP" graph flows "" --from $((minute - 120)) --to $((minute + 60)) \
    --bucket 60 --output "$T/flows.png" $ft >"$T/out" 2>&1 ||
    fail "graph flows: $(cat "$T/out")"
echo "  $(cat "$T/out")"
# 70 flows, all in the minute before $minute: 248500 octets in 60 s
grep -q "^buckets 3 flows 70 max 33133.3 " "$T/out" ||
    fail "graph flows: wrong figures"
python3 - "$T/flows.png" <<'PY' || fail "graph flows: not a 900x320 PNG"
import struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n"
assert struct.unpack(">II", b[16:24]) == (900, 320)
PY
echo "== backfill gives the live values"
# shellcheck disable=SC2086
"$FLOWKEEP" track backfill all --config "$T/fk.conf" --dir "$T/tracks" \
    --rrd-dir "$T/rrd2" --from $((minute - 120)) --to $((minute + 60)) \
    $ft >"$T/out" 2>&1 || fail "backfill: $(cat "$T/out")"
echo "  $(cat "$T/out")"
for r in rrd rrd2; do
	rrdtool fetch "$T/$r/all.rrd" AVERAGE -r 60 -s $((minute - 60)) \
	    -e "$minute" | grep "^$minute:" >"$T/$r.row"
done
echo "  live:     $(cat "$T/rrd.row")"
echo "  backfill: $(cat "$T/rrd2.row")"
[ -s "$T/rrd.row" ] && cmp -s "$T/rrd.row" "$T/rrd2.row" ||
    fail "backfill differs from live counting"
# shellcheck disable=SC2086
"$FLOWKEEP" track backfill all --config "$T/fk.conf" --dir "$T/tracks" \
    --rrd-dir "$T/rrd2" --from $((minute - 120)) --to $((minute + 60)) \
    $ft >"$T/out" 2>&1
[ $? = 1 ] && grep -q "replace" "$T/out" || fail "backfill over an RRD"
"$FLOWKEEP" graph flows "" --from -1h >"$T/out" 2>&1
[ $? = 2 ] || fail "graph flows without --to: want exit 2"
"$FLOWKEEP" graph flows "" --from yesterday --to now >"$T/out" 2>&1
[ $? = 2 ] || fail "graph flows with a bad time: want exit 2"
echo "PASS"
exit 0
