#!/bin/sh
# cli.sh - the operator CLI against a running flowkeepd: status (text and
# JSON) names the exporter and its counters, replay of a stored file into a
# second daemon stores the same flows (v5 and v9), check and --check accept
# a good file and refuse a bad one with exit 2, bad arguments print a usage
# line and exit 2, status without a daemon says so.  Runs without the
# shared vectors (lib/mkv5.py makes the traffic).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/common.sh"

need_prog "$FLOWKEEPD" "$FLOWKEEP" "$UDPSEND" "$FTDUMP"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
make_tmp
V5=$T/v5.lpb
python3 "$LIB/mkv5.py" "$V5" || fail "mkv5.py failed"

# usage_exit2 DESC CMD...: CMD must exit 2 and print a usage line
usage_exit2() {
	desc=$1; shift
	"$@" >"$T/out" 2>&1
	rc=$?
	echo "  $desc: exit $rc: $(head -1 "$T/out")"
	[ $rc = 2 ] || fail "$desc: exit status $rc, want 2"
	grep -qi usage "$T/out" || fail "$desc: no usage line"
}

echo "== 1. status of a running daemon"
W=$T/w
CTL=$T/ctl
PORT=$(free_port)
fk_start "$T/log" "$CTL" -D -w "$W" -z0 -N 0 --control "$CTL" \
    --statefile "$T/state" "127.0.0.1/0/$PORT"
"$UDPSEND" -b 127.0.7.1 127.0.0.1 "$PORT" "$V5" >/dev/null
sleep 0.5
"$FLOWKEEP" status --socket "$CTL" >"$T/status.txt" ||
    fail "flowkeep status failed"
sed 's/^/  | /' "$T/status.txt"
grep -q "127.0.7.1" "$T/status.txt" || fail "status does not name 127.0.7.1"
grep -q "70" "$T/status.txt" || fail "status does not show the 70 flows"
"$FLOWKEEP" status --json --socket "$CTL" >"$T/status.json" ||
    fail "flowkeep status --json failed"
python3 - "$T/status.json" <<'PY' || fail "status --json content"
import json, sys
s = json.load(open(sys.argv[1]))
e = [x for x in s["exporters"] if x["address"] == "127.0.7.1"]
assert len(e) == 1, s["exporters"]
e = e[0]
print("  json: exporter %s version %s packets %s flows %s lost %s" %
      (e["address"], e["version"], e["packets"], e["flows"], e["lost"]))
assert e["version"] == 5 and e["packets"] == 3 and e["flows"] == 70, e
assert e["lost"] == 0 and e["corrupt"] == 0, e
assert s["totals"]["flows"] == 70, s["totals"]
PY
fk_stop TERM || fail "exit status $? after SIGTERM"
src=$(find "$W" -name 'ft-*')
[ -n "$src" ] || fail "no closed file"
"$FTDUMP" "$src" | cut -f2- | sort >"$T/orig.txt"

echo "== 2. status without a daemon"
"$FLOWKEEP" status --socket "$CTL" >"$T/out" 2>&1
rc=$?
echo "  exit $rc: $(head -1 "$T/out")"
[ $rc != 0 ] || fail "status without a daemon exited 0"
grep -q "$CTL" "$T/out" || fail "the message does not name the socket"

for v in 5 9; do
	echo "== 3.$v replay a stored file as NetFlow v$v"
	W2=$T/r$v
	PORT=$(free_port)
	fk_start "$T/log$v" "$CTL" -D -w "$W2" -z0 -N 0 --control "$CTL" \
	    --statefile "$T/state$v" "127.0.0.1/0/$PORT"
	"$FLOWKEEP" replay "$src" --to "127.0.0.1:$PORT" --version "$v" \
	    --rate 10000 >"$T/replay.out" 2>&1 || {
		cat "$T/replay.out"; fail "replay failed"; }
	echo "  $(tail -1 "$T/replay.out")"
	sleep 0.5
	fk_stop TERM || fail "exit status"
	got=$(find "$W2" -name 'ft-*')
	[ -n "$got" ] || fail "replay stored nothing"
	# Compare what replay can carry: addresses, ports, protocol,
	# packets, octets, interfaces (columns of ftdump after the exporter).
	"$FTDUMP" "$got" | cut -f2- | sort >"$T/replayed$v.txt"
	n=$(wc -l <"$T/replayed$v.txt" | tr -d ' ')
	echo "  second daemon stored $n flows"
	[ "$n" = 70 ] || fail "replay v$v stored $n flows, want 70"
	python3 - "$T/orig.txt" "$T/replayed$v.txt" <<'PY' ||
import sys
a = [l.split("\t") for l in open(sys.argv[1])]
b = [l.split("\t") for l in open(sys.argv[2])]
# src, dst, sport, dport, proto, packets, octets: the first columns
def key(r):
    return tuple(r[:7])
ka, kb = sorted(map(key, a)), sorted(map(key, b))
if ka != kb:
    for x, y in zip(ka, kb):
        if x != y:
            print("  first difference: %s vs %s" % (x, y))
            break
    sys.exit(1)
print("  same addresses, ports, protocol, packets and octets")
PY
	fail "replayed flows differ"
done

echo "== 4. check and --check"
printf 'workdir "%s"\ncompress 6\n' "$T/cw" >"$T/good.conf"
printf 'compress 12\n' >"$T/bad.conf"
"$FLOWKEEP" check --config "$T/good.conf" >"$T/out" 2>&1 ||
    fail "check refused a good file: $(cat "$T/out")"
grep -q '^compress 6' "$T/out" || fail "check did not print the settings"
"$FLOWKEEP" check --config "$T/bad.conf" >"$T/out" 2>&1
rc=$?
echo "  flowkeep check bad.conf: exit $rc: $(head -1 "$T/out")"
[ $rc = 2 ] || fail "check of a bad file: exit $rc, want 2"
grep -q "bad.conf:1:" "$T/out" || fail "no file:line in the message"
"$FLOWKEEPD" --check --config "$T/bad.conf" >"$T/out" 2>&1
rc=$?
echo "  flowkeepd --check bad.conf: exit $rc: $(head -1 "$T/out")"
[ $rc = 2 ] || fail "flowkeepd --check of a bad file: exit $rc, want 2"

echo "== 5. bad arguments"
usage_exit2 "flowkeep (no command)" "$FLOWKEEP"
usage_exit2 "flowkeep frobnicate" "$FLOWKEEP" frobnicate
usage_exit2 "flowkeep status --bogus" "$FLOWKEEP" status --bogus
usage_exit2 "flowkeep replay (no --to)" "$FLOWKEEP" replay "$src" \
    --version 5
usage_exit2 "flowkeep replay --version 7" "$FLOWKEEP" replay "$src" \
    --to 127.0.0.1:9 --version 7
usage_exit2 "flowkeep replay --rate x" "$FLOWKEEP" replay "$src" \
    --to 127.0.0.1:9 --version 5 --rate x

echo "== 6. track definitions"
TD=$T/tracks
"$FLOWKEEP" track add web --filter "" --multiplier 10 --notes "all traffic" \
    --dir "$TD" --socket "$T/nosock" >"$T/out" 2>&1 ||
    fail "track add: $(cat "$T/out")"
grep -q "not running" "$T/out" || fail "track add did not say the daemon is off"
"$FLOWKEEP" track list --dir "$TD" >"$T/out" || fail "track list"
grep -q "^web .*(every flow)" "$T/out" || fail "track list: $(cat "$T/out")"
"$FLOWKEEP" track show web --dir "$TD" >"$T/out" || fail "track show"
grep -q "^multiplier 10$" "$T/out" || fail "track show: $(cat "$T/out")"
"$FLOWKEEP" track rm web --dir "$TD" --socket "$T/nosock" >/dev/null ||
    fail "track rm"
[ -f "$TD/.archive/web" ] && [ ! -f "$TD/web" ] || fail "not archived"
"$FLOWKEEP" track restore web --dir "$TD" --socket "$T/nosock" \
    >/dev/null || fail "track restore"
[ -f "$TD/web" ] || fail "not restored"
"$FLOWKEEP" track add bad --filter "port htp" --dir "$TD" >"$T/out" 2>&1
rc=$?
echo "  track add with a bad filter: exit $rc: $(head -1 "$T/out")"
[ $rc = 2 ] || fail "bad filter: exit $rc, want 2"
grep -q "column" "$T/out" || fail "bad filter: no column in the message"
[ ! -f "$TD/bad" ] || fail "a bad tracking was saved"
usage_exit2 "flowkeep track add ../x" "$FLOWKEEP" track add ../x \
    --filter "" --dir "$TD"
usage_exit2 "flowkeep track frob" "$FLOWKEEP" track frob x --dir "$TD"
usage_exit2 "flowkeep track add (no --filter)" "$FLOWKEEP" track add y \
    --dir "$TD"

echo "PASS"
exit 0
