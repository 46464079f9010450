#!/bin/sh
# rrd_faults.sh - a tracking's RRD broken or made unreadable while
# flowkeepd runs (issue 6, doc/faults.md "An RRD broken or unreadable").
# Three trackings a, b, c (every flow), a 60 s step; b is never touched
# and must get every step.  As root the daemon runs as `user`
# flowkeep-test (so that a mode of 000 stops it; root ignores modes).
#  1. a.rrd overwritten with garbage and c.rrd cut short: at the next step
#     both are moved aside to NAME.rrd.broken-EPOCH and recreated (logged,
#     rrd_recreated 2 in status and flowkeep_tracker_rrds_recreated_total),
#     and get that step like b; rrd_errors stays 0.
#  2. a.rrd replaced by a directory (fails for root too) and c.rrd made
#     mode 000: the next step's writes to them fail, logged and counted
#     (rrd_errors 2 a step, status and metrics agree), neither is moved
#     aside, b still gets the step.
#  3. both put right (the directory removed and the RRD put back, the mode
#     restored): the next step is written to the same files (their old
#     steps kept) and rrd_errors stops growing.
# Takes about 4 minutes (each part waits for a step).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/common.sh"

need_prog "$FLOWKEEPD" "$FLOWKEEP" "$UDPSEND"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
command -v rrdtool >/dev/null || { echo "SKIP: rrdtool missing"; exit 77; }
make_tmp
chmod 755 "$T"
: >"$T/fk.conf"
if [ "$(id -u)" = 0 ]; then
	U=flowkeep-test
	if ! id -u "$U" >/dev/null 2>&1; then
		useradd -r -M -d /nonexistent -s /usr/sbin/nologin "$U" \
		    2>/dev/null || { echo "SKIP: cannot create user $U"; exit 77; }
	fi
	echo "user \"$U\"" >"$T/fk.conf"
	echo "  as root: the collector runs as $U"
fi
mkdir -p "$T/tracks"
for t in a b c; do printf 'filter\n' >"$T/tracks/$t"; done
chmod -R a+rX "$T/tracks"
cat >>"$T/fk.conf" <<CONF
track-step 60
track-lateness 1
CONF
CTL=$T/ctl
PORT=$(free_port)
R=$T/rrd
fk_start "$T/log" "$CTL" --config "$T/fk.conf" -D -w "$T/w" -z0 \
    --control "$CTL" --statefile "$T/state" --tracking-dir "$T/tracks" \
    --rrd-dir "$R" "127.0.0.1/0/$PORT"
python3 "$LIB/mkv5.py" "$T/v5.lpb" "$(date +%s)" || fail "mkv5.py"
"$UDPSEND" 127.0.0.1 "$PORT" "$T/v5.lpb" >/dev/null

last() {	# NAME: the RRD's last update, 0 when it cannot be read
	_l=$(rrdtool last "$R/$1.rrd" 2>/dev/null) || _l=0
	case $_l in ''|*[!0-9]*) _l=0 ;; esac
	echo "$_l"
}

# next_step: wait until b.rrd gets a step later than the one it has (at
# most 150 s), then a second for the worker to finish the others; sets B
next_step() {
	_b0=$(last b)
	_i=0
	while [ "$(last b)" -le "$_b0" ]; do
		_i=$((_i + 1))
		[ $_i -le 150 ] || fail "b.rrd got no step after $_b0: $(tail "$T/log")"
		sleep 1
	done
	sleep 1
	B=$(last b)
}

# st KEY: a top-level number of status --json
st() {
	"$FLOWKEEP" status --json --socket "$CTL" >"$T/st.json" ||
	    fail "status --json"
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
	    "$T/st.json" "$1"
}

# prom NAME: an unlabelled sample of the metrics, "none" when absent
prom() {
	fk_ctl "$CTL" metrics | sed 1d >"$T/m.body"
	python3 "$LIB/promcheck.py" "$T/m.body" >"$T/m.txt" || fail "format"
	awk -v k="$1{}" '$1 == k { print $2; f = 1 } END { if (!f) print "none" }' \
	    "$T/m.txt"
}

# agree: status and metrics give the same counters
agree() {
	python3 "$LIB/statusprom.py" --socket "$CTL" >"$T/sp.out" ||
	    fail "status and metrics differ: $(cat "$T/sp.out")"
}

echo "== 0. first steps"
next_step
for t in a c; do
	[ "$(last $t)" = "$B" ] || fail "$t.rrd at $(last $t), b at $B"
done
echo "  a, b, c written up to $B"
[ "$(st rrd_errors)" = 0 ] && [ "$(st rrd_recreated)" = 0 ] ||
    fail "errors before any fault"

echo "== 1. garbage and a cut-short RRD"
head -c 3000 /dev/urandom >"$R/a.rrd"
sz=$(wc -c <"$R/c.rrd")
truncate -s $((sz / 2)) "$R/c.rrd"
next_step
for t in a c; do
	[ "$(last $t)" = "$B" ] || fail "$t.rrd at $(last $t), b at $B"
	ls "$R/$t.rrd".broken-* >/dev/null 2>&1 || fail "$t.rrd not moved aside"
	grep -q "$t.rrd: not a tracking RRD; moved to $R/$t.rrd.broken-" \
	    "$T/log" || fail "$t: not logged"
done
rc=$(st rrd_recreated)
re=$(st rrd_errors)
mr=$(prom flowkeep_tracker_rrds_recreated_total)
echo "  step $B written to the recreated a.rrd and c.rrd; status" \
    "rrd_recreated $rc, rrd_errors $re; metric $mr"
[ "$rc" = 2 ] && [ "$mr" = 2 ] && [ "$re" = 0 ] || fail "counters"
agree

echo "== 2. a directory where a.rrd was, c.rrd mode 000"
mv "$R/a.rrd" "$T/a.saved"
mkdir "$R/a.rrd"
chmod 000 "$R/c.rrd"
A0=$(rrdtool last "$T/a.saved")
next_step
e1=$(st rrd_errors)
echo "  step $B: b written, rrd_errors $e1"
[ "$(last a)" = 0 ] || fail "a.rrd is a directory, yet readable"
[ -d "$R/a.rrd" ] || fail "the directory was moved"
grep -q "a.rrd: not a regular file; left as it is" "$T/log" ||
    fail "the directory is not logged"
grep -q "c.rrd: Permission denied" "$T/log" || fail "mode 000 not logged"
[ "$(stat -c %a "$R/c.rrd")" = 0 ] || fail "c.rrd was replaced"
ls "$R"/c.rrd.broken-* | wc -l | grep -qx 1 || fail "c.rrd moved aside again"
[ "$e1" -ge 2 ] || fail "rrd_errors $e1, want at least 2"
[ "$(prom flowkeep_tracker_rrd_errors_total)" = "$e1" ] ||
    fail "metric rrd errors differ"
agree
next_step
e2=$(st rrd_errors)
echo "  step $B: b written, rrd_errors $e2 (2 more a step)"
[ "$e2" = $((e1 + 2)) ] || fail "rrd_errors $e1 -> $e2"

echo "== 3. put right"
rmdir "$R/a.rrd"
mv "$T/a.saved" "$R/a.rrd"
chmod 644 "$R/c.rrd"
next_step
e3=$(st rrd_errors)
for t in a c; do
	[ "$(last $t)" = "$B" ] || fail "$t.rrd at $(last $t), b at $B"
done
# the step of part 1 is still in a.rrd: the same file goes on
rrdtool fetch "$R/a.rrd" AVERAGE -r 60 -s $((A0 - 60)) -e "$A0" |
    grep -q "^$A0: [0-9]" || fail "a.rrd lost its step $A0"
echo "  step $B written to a.rrd and c.rrd again (a.rrd keeps step $A0);" \
    "rrd_errors $e3"
[ "$e3" -le $((e2 + 2)) ] || fail "still failing: rrd_errors $e2 -> $e3"
next_step
[ "$(st rrd_errors)" = "$e3" ] || fail "rrd_errors grows after the fix"
[ "$(last a)" = "$B" ] && [ "$(last c)" = "$B" ] || fail "a or c behind"
agree
fk_stop || fail "exit status"
echo "PASS"
