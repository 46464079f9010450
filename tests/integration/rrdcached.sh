#!/bin/sh
# rrdcached.sh - RRD updates through rrdcached (config key rrdcached):
# a private rrdcached (Debian's package) on a unix socket in the temp dir
# holds the values (-w 3600: it writes them only when asked), flowkeepd
# with one tracking and a 60 s step sends 70 known v5 flows; once the step
# is final, `rrdtool fetch --daemon` must give exactly their rates while
# the file itself has not been written yet (so the values went through
# rrdcached, not through the daemon's own rrd_update).  Takes up to about
# 70 s (a step must pass).  Skipped when rrdcached is not installed.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/common.sh"

need_prog "$FLOWKEEPD" "$FLOWKEEP" "$UDPSEND"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
command -v rrdtool >/dev/null || { echo "SKIP: rrdtool missing"; exit 77; }
RRDCACHED=$(command -v rrdcached || echo /usr/bin/rrdcached)
[ -x "$RRDCACHED" ] || { echo "SKIP: rrdcached missing"; exit 77; }
make_tmp
RC_PID=
trap 'fk_kill; [ -n "$RC_PID" ] && kill "$RC_PID" 2>/dev/null; rm -rf "$T"' EXIT

sec=$(date +%S | sed 's/^0//')
if [ "$sec" -gt 50 ]; then
	echo "  waiting $((61 - sec)) s for the next minute"
	sleep $((61 - sec))
fi
SOCK=$T/rrdc.sock
mkdir -p "$T/journal" "$T/tracks" "$T/rrd"
"$RRDCACHED" -g -l "unix:$SOCK" -p "$T/rrdc.pid" -j "$T/journal" \
    -w 3600 -z 1 -f 7200 -b "$T" >"$T/rrdc.log" 2>&1 &
RC_PID=$!
i=0
while [ ! -S "$SOCK" ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "rrdcached did not start: $(cat "$T/rrdc.log")"
	sleep 0.05
done
printf 'filter\n' >"$T/tracks/all"
cat >"$T/fk.conf" <<CONF
track-step 60
track-lateness 1
rrdcached "unix:$SOCK"
CONF
"$FLOWKEEP" check --config "$T/fk.conf" | grep -q "^rrdcached \"unix:$SOCK\"$" ||
    fail "flowkeep check does not print the rrdcached key"
CTL=$T/ctl
PORT=$(free_port)
fk_start "$T/log" "$CTL" --config "$T/fk.conf" -D -w "$T/w" -z0 \
    --control "$CTL" --statefile "$T/state" --tracking-dir "$T/tracks" \
    --rrd-dir "$T/rrd" "127.0.0.1/0/$PORT"
grep -q "through rrdcached unix:$SOCK" "$T/log" ||
    fail "no rrdcached line in the log: $(cat "$T/log")"
now=$(date +%s)
minute=$((now - now % 60))
python3 "$LIB/mkv5.py" "$T/v5.lpb" $((minute + 1)) || fail "mkv5.py"
"$UDPSEND" 127.0.0.1 "$PORT" "$T/v5.lpb" >/dev/null

echo "  flows sent for the step ending $minute; waiting for it"
i=0
while :; do
	last=$(rrdtool last --daemon "unix:$SOCK" "$T/rrd/all.rrd" \
	    2>/dev/null || echo 0)
	[ "$last" -ge "$minute" ] 2>/dev/null && break
	i=$((i + 1))
	[ $i -gt 90 ] && fail "no step through rrdcached after 90 s:" \
	    "$(cat "$T/log")"
	sleep 1
done
# The file itself: only what rrdtool create wrote (rrdcached holds the
# rest for up to an hour).
flast=$(rrdtool last "$T/rrd/all.rrd") || fail "rrdtool last"
[ "$flast" -lt "$minute" ] ||
    fail "the file was written directly ($flast >= $minute)"
rrdtool fetch --daemon "unix:$SOCK" "$T/rrd/all.rrd" AVERAGE -r 60 \
    -s $((minute - 60)) -e "$minute" >"$T/all.txt" || fail "rrdtool fetch"
python3 - "$T/all.txt" "$minute" <<'PY' || fail "values"
import sys
t = int(sys.argv[2])
for line in open(sys.argv[1]):
    if line.strip().startswith("%d:" % t):
        got = [float(x) for x in line.split(":")[1].split()]
        break
else:
    raise SystemExit("no row for %d" % t)
octets = sum(100 * (i + 1) for i in range(70))
packets = sum(1 + i for i in range(70))
want = [octets * 8 / 60.0, packets / 60.0, 70 / 60.0]
print("  through rrdcached: bits/s %.3f packets/s %.4f flows/s %.4f" %
      tuple(got))
print("  want:              bits/s %.3f packets/s %.4f flows/s %.4f" %
      tuple(want))
sys.exit(0 if all(abs(x - y) < 1e-3 * max(1, y)
                  for x, y in zip(got, want)) else 1)
PY
"$FLOWKEEP" status --json --socket "$CTL" | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert s["rrd_errors"] == 0 and s["last_flush"]["rrds"] == 1, s
' || fail "status: RRD errors or no flush recorded"
fk_stop TERM || fail "exit status"
