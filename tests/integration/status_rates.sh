#!/bin/sh
# status_rates.sh - flowkeep status shows recent rates: per exporter and in
# all, in flows and datagrams per second, in text and JSON; they follow the
# traffic (about what was sent while it is sent, 0 after it stops).
#
# The daemon samples its counters every `status-sample` seconds (1 here,
# 30 by default).
. "$(dirname "$0")/lib/common.sh"
need_prog "$FLOWKEEPD" "$FLOWKEEP" "$UDPSEND"
make_tmp

python3 "$LIB/mkv5.py" "$T/v5.lpb" "$(date +%s)" || fail "mkv5.py failed"
PORT=$(free_port)
CTL=$T/ctl
printf 'status-sample 1\n' >"$T/fk.conf"
fk_start "$T/log" "$CTL" --config "$T/fk.conf" -D -w "$T/w" -z0 -N 0 \
    --control "$CTL" --statefile "$T/state" "127.0.0.1/0/$PORT"

st() { "$FLOWKEEP" status --socket "$CTL"; }

# before any traffic: no exporter, the daemon-wide rate is 0 or not yet known
st >"$T/s0" || fail "status failed"
grep -q '^rate: ' "$T/s0" || { cat "$T/s0"; fail "no rate line"; }

# 70 flows in 3 datagrams, 4 times a second, for about 4 s: 280 flows/s
i=0
while [ $i -lt 16 ]; do
	"$UDPSEND" -b 127.0.0.3 127.0.0.1 "$PORT" "$T/v5.lpb" >/dev/null ||
	    fail "udpsend"
	sleep 0.25
	i=$((i + 1))
done
st >"$T/s1"
"$FLOWKEEP" status --json --socket "$CTL" >"$T/j1"
cat "$T/s1"
# the exporter's line and the daemon's line
er=$(sed -n '/^  127.0.0.3 /,/rate:/p' "$T/s1" | sed -n 's/^    rate: \([0-9.]*\) flows\/s, \([0-9.]*\) datagrams\/s over the last \([0-9]*\) s$/\1 \2 \3/p')
tr=$(sed -n 's/^rate: \([0-9.]*\) flows\/s, \([0-9.]*\) datagrams\/s over the last \([0-9]*\) s$/\1 \2 \3/p' "$T/s1")
[ -n "$er" ] || fail "no rate for exporter 127.0.0.3"
[ -n "$tr" ] || fail "no daemon-wide rate"
python3 - "$er" "$tr" "$T/j1" <<'PY' || fail "rates out of range"
import json, sys
for name, line in (("exporter", sys.argv[1]), ("daemon", sys.argv[2])):
    f, d, span = (float(x) for x in line.split())
    # 280 flows/s and 12 datagrams/s were sent; a loaded machine sends
    # slower, never faster
    print(name, f, "flows/s", d, "datagrams/s over", span, "s")
    assert 40 <= f <= 340, (name, f)
    assert 1.5 <= d <= 15, (name, d)
    assert abs(f / d - 70 / 3) < 1, (name, f / d)
    assert 1 <= span <= 10, (name, span)
j = json.load(open(sys.argv[3]))
e = [x for x in j["exporters"] if x["address"] == "127.0.0.3"][0]
assert 40 <= e["flows_per_s"] <= 340, e
assert e["rate_span_s"] >= 1, e
assert 40 <= j["totals"]["flows_per_s"] <= 340, j["totals"]
PY

# quiet for 3 s: back to 0
sleep 3
st >"$T/s2"
grep -q '^    rate: 0.0 flows/s, 0.0 datagrams/s' "$T/s2" ||
    { cat "$T/s2"; fail "exporter rate did not fall to 0"; }
grep -q '^rate: 0.0 flows/s' "$T/s2" ||
    { cat "$T/s2"; fail "daemon rate did not fall to 0"; }

# a bad value is refused by the config check
printf 'status-sample 0\n' >"$T/bad.conf"
if "$FLOWKEEPD" --config "$T/bad.conf" --check >"$T/bad.out" 2>&1; then
	fail "status-sample 0 accepted"
fi
grep -q 'status-sample' "$T/bad.out" || { cat "$T/bad.out"; fail "no message"; }
fk_stop
echo "PASS"
