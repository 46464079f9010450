#!/bin/sh
# colidx_daemon.sh - flowkeepd writes a column index sidecar for each file
# it closes (doc/column-index.md), in "index" beside its state file and
# never inside the data tree; reports read from them give what the files
# give; expiry deletes a file's sidecar with the file; the file closed at
# exit gets its sidecar before the daemon ends.

. "$(dirname "$0")/lib/common.sh"

need_prog "$FLOWKEEPD" "$FLOWKEEP" "$UDPSEND"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
make_tmp
V5=$T/v5.lpb
python3 "$LIB/mkv5.py" "$V5" || fail "mkv5.py failed"
W=$T/w
CTL=$T/ctl
IDX=$T/st/index
PORT=$(free_port)
mkdir -p "$T/st"

fk_start "$T/log" "$CTL" -D -w "$W" -N 0 -e 2 --control "$CTL" \
    --statefile "$T/st/state" "127.0.0.1/0/$PORT"

# sidecar_of FILE: its sidecar path
sidecar_of() {
	echo "$IDX$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1").fkci"
}

# wait_for PATH: up to 90 s (the worker runs only when a CPU is idle,
# and the test machine may be busy)
wait_for() {
	_i=0
	while [ ! -f "$1" ]; do
		_i=$((_i + 1))
		[ $_i -le 900 ] || return 1
		sleep 0.1
	done
}

first=
for round in 1 2 3 4; do
	"$UDPSEND" 127.0.0.1 "$PORT" "$V5" "$V5" "$V5" >/dev/null
	sleep 0.3
	kill -HUP "$FK_PID"
	sleep 1.1		# the next file gets another name
	newest=$(ls -t "$W"/ft-* | head -1)
	[ -n "$newest" ] || fail "round $round: no closed file"
	[ -n "$first" ] || first=$newest
	wait_for "$(sidecar_of "$newest")" ||
	    fail "round $round: no sidecar for $newest: $(cat "$T/log")"
done
[ -z "$(find "$W" -name '*.fkci')" ] || fail "a sidecar in the data tree"
# -e 2: the first file expired, and its sidecar with it
[ ! -f "$first" ] || fail "$first not expired"
[ ! -f "$(sidecar_of "$first")" ] || fail "the expired file's sidecar stayed"
n=$(find "$IDX" -name '*.fkci' | wc -l)
[ "$n" -eq "$(find "$W" -name 'ft-*' | wc -l)" ] ||
    fail "$n sidecars for $(find "$W" -name 'ft-*' | wc -l) files"

for f in 0 9 12; do
	"$FLOWKEEP" report -f "$f" --output csv --index-dir "$IDX" "$W" \
	    >"$T/a.csv" 2>&1 || fail "report -f $f: $(cat "$T/a.csv")"
	"$FLOWKEEP" report -f "$f" --output csv --no-index "$W" \
	    >"$T/b.csv" 2>&1 || fail "report -f $f --no-index"
	cmp -s "$T/a.csv" "$T/b.csv" || fail "report -f $f differs"
done
# the sidecars are the ones read: a destroyed file still reports
victim=$(ls -t "$W"/ft-* | head -1)
touch -r "$victim" "$T/stamp"
head -c "$(wc -c <"$victim")" /dev/zero >"$victim"
touch -r "$T/stamp" "$victim"
"$FLOWKEEP" report -f 9 --output csv --index-dir "$IDX" "$victim" \
    >"$T/v.csv" 2>&1 || fail "the destroyed file's sidecar is not read"
[ "$(wc -l <"$T/v.csv")" -gt 1 ] || fail "no rows from the sidecar"

# the file closed at exit gets its sidecar before the daemon ends
"$UDPSEND" 127.0.0.1 "$PORT" "$V5" >/dev/null
sleep 0.3
fk_stop INT || fail "exit status $?"
last=$(ls -t "$W"/ft-* | head -1)
[ -f "$(sidecar_of "$last")" ] || fail "no sidecar for the last file"
# the state file inside the data tree: no sidecars (they would be in it)
W2=$T/w2
mkdir -p "$W2"
fk_start "$T/log2" "$CTL" -D -w "$W2" -N 0 --control "$CTL" \
    --statefile "$W2/state" "127.0.0.1/0/$PORT"
"$UDPSEND" 127.0.0.1 "$PORT" "$V5" >/dev/null
sleep 0.3
fk_stop INT || fail "exit status $? (second daemon)"
[ -n "$(find "$W2" -name 'ft-*')" ] || fail "second daemon wrote no file"
# (looked for in W2 itself: a pattern on the whole path would also match
# the first daemon's sidecars whenever mktemp's name holds "w2")
[ -z "$(find "$W2" -name '*.fkci*')" ] ||
    fail "sidecars inside the data tree: $(find "$W2" -name '*.fkci*')"
grep -q "no column index sidecars" "$T/log2" ||
    fail "not logged: $(cat "$T/log2")"
echo "ok"
