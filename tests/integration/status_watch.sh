#!/bin/sh
# status_watch.sh - `flowkeep status` warnings and `--watch`: a private
# daemon gets lib/mkv5.py's first and third datagram from 127.0.7.3 (30 of
# 70 flows lost by the sequence gap).  With the default warn-loss (1%)
# status starts with a WARNING line naming the exporter and the status
# JSON carries it; after a reload with warn-loss 50 it is gone, and with
# warn-disk 1 a disk warning appears instead (any filesystem is more than
# 1% used), so the limits are read from the configuration.  --watch 1
# with stdout not a terminal prints one "--- " line per refresh followed
# by the status, and SIGINT ends it with exit 0; bad --watch values and
# unknown options get the usage line and exit 2.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/common.sh"

need_prog "$FLOWKEEPD" "$FLOWKEEP" "$UDPSEND"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
make_tmp

NOW=$(date +%s)
python3 "$LIB/mkv5.py" "$T/v5.lpb" "$NOW" || fail "mkv5.py failed"
python3 "$LIB/lpbpick.py" "$T/v5.lpb" "$T/gap.lpb" 0,2 || fail "gap.lpb"
W=$T/w
CTL=$T/ctl
UPORT=$(free_port)
printf 'workdir "%s"\ncontrol "%s"\n' "$W" "$CTL" >"$T/fk.conf"
fk_start "$T/log" "$CTL" -D -z0 -N 0 --config "$T/fk.conf" \
    --statefile "$T/state" "127.0.0.1/0/$UPORT"
"$UDPSEND" -b 127.0.7.3 127.0.0.1 "$UPORT" "$T/gap.lpb" >/dev/null
sleep 0.5

echo "== 1. the loss warning comes first"
"$FLOWKEEP" status --socket "$CTL" >"$T/st" || fail "status"
head -n 1 "$T/st" | grep -q '^WARNING: exporter 127.0.7.3 lost 42.9% of its flows (30 of 70, warn-loss 1%)$' || {
	cat "$T/st"; fail "no loss warning at the top"; }
head -n 1 "$T/st"
"$FLOWKEEP" status --json --socket "$CTL" >"$T/st.json" || fail "status --json"
python3 - "$T/st.json" <<'PY' || fail "JSON warnings"
import json, sys
w = json.load(open(sys.argv[1]))["warnings"]
assert [(x["kind"], x["subject"]) for x in w] == [("loss", "127.0.7.3")], w
PY

echo "== 2. the limits come from the configuration"
printf 'warn-loss 50\n' >>"$T/fk.conf"
"$FLOWKEEP" reload --socket "$CTL" >/dev/null || fail "reload"
"$FLOWKEEP" status --socket "$CTL" >"$T/st2" || fail "status 2"
grep -q '^WARNING' "$T/st2" && { cat "$T/st2"; fail "warning above warn-loss 50"; }
printf 'warn-disk 1\n' >>"$T/fk.conf"
"$FLOWKEEP" reload --socket "$CTL" >/dev/null || fail "reload 2"
"$FLOWKEEP" status --socket "$CTL" >"$T/st3" || fail "status 3"
head -n 1 "$T/st3" | grep -q '^WARNING: disk of (main) .*% full (.* MiB free, warn-disk 1%)$' || {
	cat "$T/st3"; fail "no disk warning with warn-disk 1"; }
head -n 1 "$T/st3"

echo "== 3. --watch"
"$FLOWKEEP" status --watch 1 --socket "$CTL" >"$T/watch" 2>"$T/watch.err" &
WPID=$!
sleep 2.5
kill -INT $WPID
wait $WPID
rc=$?
[ $rc -eq 0 ] || { cat "$T/watch.err"; fail "--watch exit status $rc after SIGINT"; }
n=$(grep -c '^--- [0-9:]*, every 1 s$' "$T/watch")
[ "$n" -ge 2 ] && [ "$n" -le 4 ] || { cat "$T/watch"; fail "$n refreshes in 2.5 s"; }
m=$(grep -c '^flowkeepd ' "$T/watch")
[ "$m" -eq "$n" ] || fail "$n refresh lines but $m status bodies"
# each refresh line is followed by the warning, then the status
awk '/^--- /{ getline; if ($1 != "WARNING:") bad = 1 } END { exit bad }' "$T/watch" ||
    fail "a refresh without its warning"
echo "  $n refreshes, each a whole status"
"$FLOWKEEP" status --watch=1 --json --socket "$CTL" >"$T/wj" &
WPID=$!
sleep 0.5
kill -TERM $WPID
wait $WPID || fail "--watch --json exit status"
sed -n 2p "$T/wj" | python3 -c 'import json,sys; json.loads(sys.stdin.readline())' ||
    fail "--watch --json body is not JSON"

echo "== 4. bad arguments"
for args in "--watch 0" "--watch=abc" "--watch=3601" "--watch 5 --bogus" "--watch=-1"; do
	# shellcheck disable=SC2086
	"$FLOWKEEP" status $args --socket "$CTL" >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc -eq 2 ] || fail "status $args: exit $rc, want 2"
	grep -q '^usage: flowkeep status ' "$T/err" || fail "status $args: no usage line"
	[ -s "$T/out" ] && fail "status $args printed on stdout"
done
echo "  bad --watch values: usage, exit 2"
"$FLOWKEEP" status --watch 1 --socket "$T/nosuch" >"$T/out" 2>"$T/err"
[ $? -eq 1 ] || fail "--watch without a daemon must fail at once"
grep -q '^flowkeep: cannot reach flowkeepd' "$T/err" || fail "--watch: no error"
[ -s "$T/out" ] && fail "--watch without a daemon printed on stdout"
fk_stop || fail "flowkeepd exit status"
echo "PASS"
