#!/bin/sh
# realdevices.sh - replay the real-device NetFlow sessions into flowkeepd.
#
# Every session of vectors/netflow-real (index.tsv) is sent from its own
# loopback address, in order, into one daemon (once with -z0, once with the
# default compression); the files are dumped with tests/tools/ftdump and
# compared with tshark's decoding (expected/SESSION.json) by
# lib/realcompare.py.  Then the template state file is tested: a daemon
# that saw only cisco-asr9k-flows' template is restarted and receives only
# the data packet, which must decode with the saved template.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/common.sh"

need_shared
need_prog "$FLOWKEEPD" "$UDPSEND" "$FTDUMP"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
make_tmp
REAL=$SHARED_DIR/vectors/netflow-real
[ -f "$REAL/index.tsv" ] || { echo "SKIP: no netflow-real vectors"; exit 77; }
TAB=$(printf '\t')
FAILED=0

# send_sessions PORT [SESSION [ORDER]]: replay index.tsv rows in order
send_sessions() {
	_n=0
	while IFS=$TAB read -r path group order rest; do
		[ "$path" = path ] && continue
		[ -n "${2:-}" ] && [ "$group" != "$2" ] && continue
		[ -n "${3:-}" ] && [ "$order" != "$3" ] && continue
		addr=$(echo "$rest" | cut -f4)
		"$UDPSEND" -b "$addr" 127.0.0.1 "$1" "$REAL/$path" >/dev/null ||
		    fail "sending $path from $addr"
		_n=$((_n + 1))
		sleep 0.01
	done <"$REAL/index.tsv"
	echo "  sent $_n datagrams"
}

# dump_tree DIR OUT: all closed files (ft- and fk6-) as TSV
dump_tree() {
	find "$1" -type f \( -name 'ft-*' -o -name 'fk6-*' \) | sort >"$2.list"
	[ -s "$2.list" ] || fail "no closed files under $1"
	# shellcheck disable=SC2046
	"$FTDUMP" $(cat "$2.list") >"$2" || fail "ftdump failed"
	echo "  $(wc -l <"$2.list") files, $(wc -l <"$2") records"
	if find "$1" -name 'tmp-*' -o -name 'fk6tmp-*' | grep -q .; then
		fail "tmp files left after SIGQUIT"
	fi
}

run_replay() {	# label extra-args...
	label=$1; shift
	d=$T/$label
	mkdir -p "$d"
	PORT=$(free_port)
	echo "== replay all sessions ($label)"
	fk_start "$d/log" "$d/ctl" -D -w "$d/w" --control "$d/ctl" \
	    --statefile "$d/state" "$@" "127.0.0.1/0/$PORT"
	send_sessions "$PORT"
	sleep 0.5
	fk_stop QUIT || { cat "$d/log"; fail "exit status not 0"; }
	dump_tree "$d/w" "$d/dump.tsv"
	python3 "$LIB/realcompare.py" "$REAL/expected" "$REAL/index.tsv" \
	    "$d/dump.tsv" || FAILED=$((FAILED + 1))
}

run_state() {
	d=$T/state
	mkdir -p "$d"
	PORT=$(free_port)
	echo "== template state across a restart (cisco-asr9k-flows)"
	fk_start "$d/log1" "$d/ctl" -D -w "$d/w" --control "$d/ctl" \
	    --statefile "$d/state" -z0 "127.0.0.1/0/$PORT"
	send_sessions "$PORT" cisco-asr9k-flows 01
	sleep 0.3
	fk_stop QUIT || fail "first daemon exit status"
	[ -s "$d/state" ] || fail "no state file written"
	echo "  state file: $(wc -c <"$d/state") bytes"
	rm -rf "$d/w"
	fk_start "$d/log2" "$d/ctl" -D -w "$d/w" --control "$d/ctl" \
	    --statefile "$d/state" -z0 "127.0.0.1/0/$PORT"
	send_sessions "$PORT" cisco-asr9k-flows 02
	sleep 0.3
	fk_stop QUIT || fail "second daemon exit status"
	dump_tree "$d/w" "$d/dump.tsv"
	python3 "$LIB/realcompare.py" "$REAL/expected" "$REAL/index.tsv" \
	    "$d/dump.tsv" cisco-asr9k-flows || FAILED=$((FAILED + 1))
}

run_replay z0 -z0
run_replay zdefault
run_state

if [ $FAILED -ne 0 ]; then
	echo "FAIL: $FAILED comparisons failed"
	exit 1
fi
echo "PASS"
exit 0
