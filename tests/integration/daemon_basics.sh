#!/bin/sh
# daemon_basics.sh - flowkeepd's life cycle and robustness.
#
#  1. a stale tmp- file left by a killed daemon is repaired and renamed at
#     the next start-up;
#  2. a barrage of malformed datagrams (lib/mkbad.py) leaves the daemon
#     alive, is counted as corrupt in `status --json` (totals and the
#     exporter) and in the PKT_CORRUPT header field of the file;
#  3. SIGHUP closes and renames the open file, a new one follows;
#  4. SIGINT closes cleanly (exit 0, no tmp- left, files readable);
#  5. a bad command line exits 2 with a usage line;
#  6. a config file with an allow-list and a device: refused datagrams are
#     counted, each exporter's flows land in its tree, -R runs after each
#     rename with the path relative to the tree.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/common.sh"

need_prog "$FLOWKEEPD" "$UDPSEND" "$FTDUMP"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
make_tmp
V5=$T/v5.lpb
python3 "$LIB/mkv5.py" "$V5" || fail "mkv5.py failed"
W=$T/w
CTL=$T/ctl
PORT=$(free_port)

start() {
	fk_start "$T/log" "$CTL" -D -w "$W" -z0 -N 0 --control "$CTL" \
	    --statefile "$T/state" "127.0.0.1/0/$PORT"
}

count_files() {	# pattern
	find "$W" -type f -name "$1" | wc -l | tr -d ' '
}

status_json() {
	if [ -x "$FLOWKEEP" ]; then
		"$FLOWKEEP" status --json --socket "$CTL"
	else
		fk_ctl "$CTL" status-json | sed 1d
	fi
}

echo "== 1. stale tmp- file repaired at start-up"
start
"$UDPSEND" 127.0.0.1 "$PORT" "$V5" "$V5" "$V5" "$V5" "$V5" "$V5" "$V5" \
    "$V5" "$V5" "$V5" >/dev/null
sleep 0.5
fk_stop KILL
stale=$(find "$W" -name 'tmp-*')
[ -n "$stale" ] || fail "killed daemon left no tmp- file"
echo "  killed daemon left $(basename "$stale") ($(wc -c <"$stale") bytes)"
start
[ "$(count_files 'tmp-*')" = 0 ] || fail "stale tmp- file still there"
repaired=$(echo "$stale" | sed 's#/tmp-#/ft-#')
[ -f "$repaired" ] || fail "no $repaired"
flags=$(header_field "$repaired" 8)
count=$(header_field "$repaired" 10)
n=$("$FTDUMP" "$repaired" | wc -l | tr -d ' ')
echo "  repaired to $(basename "$repaired"): flags $flags, FLOW_COUNT" \
    "$count, $n flows readable"
[ "$flags" = 1 ] || fail "repaired file lacks the DONE flag"
[ "$n" = "$count" ] || fail "FLOW_COUNT does not match the records"
grep -q "repaired stale" "$T/log" || fail "repair not logged"

echo "== 2. malformed datagrams"
set -- $(python3 "$LIB/mkbad.py" "$T/bad.lpb" "$T/odd.lpb")
nbad=$1
nodd=$2
"$UDPSEND" 127.0.0.1 "$PORT" "$V5" >/dev/null
"$UDPSEND" 127.0.0.1 "$PORT" "$T/bad.lpb" >/dev/null
"$UDPSEND" 127.0.0.1 "$PORT" "$T/odd.lpb" >/dev/null
"$UDPSEND" 127.0.0.1 "$PORT" "$V5" >/dev/null
sleep 0.5
kill -0 "$FK_PID" 2>/dev/null || fail "daemon died on malformed input"
status_json >"$T/status.json" || fail "status --json failed"
ncorrupt=$(python3 - "$T/status.json" "$nbad" "$nodd" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
nbad, nodd = int(sys.argv[2]), int(sys.argv[3])
tot = s["totals"]["corrupt"]
exp = [e for e in s["exporters"] if e["address"] == "127.0.0.1"]
ec = exp[0]["corrupt"] if exp else -1
sys.stderr.write("  sent %d malformed + %d dubious v9: totals.corrupt %d, "
                 "exporter corrupt %d, flows %d\n" % (nbad, nodd, tot, ec,
                 s["totals"]["flows"]))
print(tot if nbad <= tot <= nbad + nodd and ec == tot else -1)
PY
)
[ "$ncorrupt" -ge 0 ] || fail "corrupt counts wrong"

echo "== 3. SIGHUP rotates"
before=$(count_files 'ft-*')
kill -HUP "$FK_PID"
sleep 0.3
after=$(count_files 'ft-*')
echo "  closed files before SIGHUP $before, after $after"
[ "$after" -gt "$before" ] || fail "SIGHUP did not close the file"
newest=$(ls -t "$W"/ft-* | head -1)
corrupt=$(header_field "$newest" 13)
echo "  $(basename "$newest"): PKT_CORRUPT $corrupt"
[ "$corrupt" = "$ncorrupt" ] || fail "PKT_CORRUPT $corrupt, want $ncorrupt"
"$UDPSEND" 127.0.0.1 "$PORT" "$V5" >/dev/null
sleep 0.3
[ "$(count_files 'tmp-*')" = 1 ] || fail "no new file after SIGHUP"
kill -0 "$FK_PID" 2>/dev/null || fail "daemon died on SIGHUP"

echo "== 4. SIGINT closes cleanly"
fk_stop INT || fail "exit status $? after SIGINT"
[ "$(count_files 'tmp-*')" = 0 ] || fail "tmp- file left after SIGINT"
for f in "$W"/ft-*; do
	"$FTDUMP" "$f" >/dev/null || fail "$f unreadable"
	[ "$(header_field "$f" 8)" = 1 ] || fail "$f: no DONE flag"
done
echo "  exit 0, $(count_files 'ft-*') closed files, all readable with DONE"

echo "== 5. bad command line"
"$FLOWKEEPD" -D -n 5000 -w "$W" >"$T/out" 2>&1
rc=$?
echo "  flowkeepd -n 5000: exit $rc: $(head -1 "$T/out")"
[ $rc = 2 ] || fail "exit status $rc, want 2"
grep -qi usage "$T/out" || fail "no usage line"
"$FLOWKEEPD" --no-such-option >"$T/out" 2>&1
rc=$?
echo "  flowkeepd --no-such-option: exit $rc"
[ $rc = 2 ] || fail "exit status $rc, want 2"
grep -qi usage "$T/out" || fail "no usage line"

echo "== 6. allow-list, devices, -R"
W6=$T/w6
cat >"$T/fk.conf" <<EOF
allow 127.0.4.0/24
allow 127.0.5.0/24
device "edge" {
	workdir "edge"
	exporter 127.0.5.0/24
}
EOF
printf '#!/bin/sh\necho "$(pwd) $1" >>"%s/rotated.txt"\n' "$T" >"$T/onrotate.sh"
chmod +x "$T/onrotate.sh"
fk_start "$T/log6" "$CTL" --config "$T/fk.conf" -D -w "$W6" -z0 -N 0 \
    -R "$T/onrotate.sh" --control "$CTL" --statefile "$T/state6" \
    "127.0.0.1/0/$PORT"
"$UDPSEND" -b 127.0.4.1 127.0.0.1 "$PORT" "$V5" >/dev/null
"$UDPSEND" -b 127.0.5.1 127.0.0.1 "$PORT" "$V5" >/dev/null
"$UDPSEND" -b 127.0.0.1 127.0.0.1 "$PORT" "$V5" >/dev/null
sleep 0.5
refused=$(status_json | python3 -c \
    'import json, sys; print(json.load(sys.stdin)["totals"]["refused"])')
fk_stop QUIT || fail "exit status"
sleep 0.5
main=$(find "$W6" -maxdepth 1 -name 'ft-*')
edge=$(find "$W6/edge" -name 'ft-*')
[ -n "$main" ] && [ -n "$edge" ] || fail "missing files: '$main' '$edge'"
m_exp=$("$FTDUMP" "$main" | cut -f1 | sort -u | tr '\n' ' ')
e_exp=$("$FTDUMP" "$edge" | cut -f1 | sort -u | tr '\n' ' ')
m_n=$("$FTDUMP" "$main" | wc -l | tr -d ' ')
e_n=$("$FTDUMP" "$edge" | wc -l | tr -d ' ')
m_bad=$(header_field "$main" 13)
echo "  refused $refused datagrams (3 sent from 127.0.0.1)"
echo "  main tree: $m_n flows from $m_exp(PKT_CORRUPT $m_bad)"
echo "  edge tree: $e_n flows from $e_exp"
[ "$refused" = 3 ] || fail "refused $refused, want 3"
[ "$m_bad" = 3 ] || fail "PKT_CORRUPT $m_bad, want 3"
[ "$m_exp" = "127.0.4.1 " ] && [ "$m_n" = 70 ] || fail "main tree content"
[ "$e_exp" = "127.0.5.1 " ] && [ "$e_n" = 70 ] || fail "edge tree content"
[ -f "$T/rotated.txt" ] || fail "-R program did not run"
echo "  -R ran: $(tr '\n' ';' <"$T/rotated.txt")"
while read -r dir rel; do
	[ -f "$dir/$rel" ] || fail "-R got $rel in $dir, which is not a file"
done <"$T/rotated.txt"
[ "$(wc -l <"$T/rotated.txt" | tr -d ' ')" = 2 ] || fail "-R did not run twice"

echo "PASS"
exit 0
