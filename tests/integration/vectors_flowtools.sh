#!/bin/sh
# vectors_flowtools.sh - flowkeepd against the real flow-capture.
#
# For every flow-tools oracle scenario with an input.lpb, run flowkeepd
# with flow-capture's own command line (cmdline.txt: flow-capture replaced
# by flowkeepd, <workdir> by a temp dir, port 19991 by a free port, plus
# --hostname ftoracle and a private control socket and state file), send
# the same datagrams, stop it with SIGQUIT and compare the files with the
# oracle's (lib/ftcompare.py).  The rotation scenario (-n 1439) sends batch
# A (basic-70, 3 PDUs), waits for the next minute boundary, then sends
# batch B (2 PDUs).  naming_layouts checks file names for every -N and TZ
# of layouts.txt, apart from the wall-clock time.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/common.sh"

need_shared
need_prog "$FLOWKEEPD" "$UDPSEND"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
make_tmp
VEC=$SHARED_DIR/vectors/flow-tools
FAILED=0

# build_args CMDLINE WORKDIR PORT: sets TZV and ARGS (quoted words for eval)
build_args() {
	TZV=UTC
	ARGS=
	_w=$2
	_p=$3
	set -f
	set -- $1
	set +f
	while [ $# -gt 0 ]; do
		case $1 in
		TZ=*)		TZV=${1#TZ=} ;;
		hostname=*|flow-capture) ;;
		'<workdir>')	ARGS="$ARGS '$_w'" ;;
		-C)		shift
				_c=$1
				shift
				while [ $# -gt 1 ]; do _c="$_c $1"; shift; done
				ARGS="$ARGS -C '$_c'"
				continue ;;
		*/*/19991)	ARGS="$ARGS '${1%19991}$_p'" ;;
		*)		ARGS="$ARGS '$1'" ;;
		esac
		shift
	done
}

# start_scenario NAME: starts flowkeepd for the scenario, sets W, CTL
start_scenario() {
	_d=$T/$1
	mkdir -p "$_d"
	W=$_d/work
	CTL=$_d/ctl
	PORT=$(free_port)
	build_args "$(cat "$VEC/$1/cmdline.txt")" "$W" "$PORT"
	echo "== $1: flowkeepd$ARGS (TZ=$TZV)"
	eval "set -- $ARGS"
	TZ=$TZV fk_start "$_d/log" "$CTL" --hostname ftoracle \
	    --control "$CTL" --statefile "$_d/state" ${EXTRA:-} "$@"
}

stop_and_compare() {	# scenario [--exact]
	fk_stop QUIT || { cat "$_d/log"; fail "$1: exit status not 0"; }
	rm -f "$W/../ctl"
	if ! python3 "$LIB/ftcompare.py" ${2:-} "$VEC/$1" "$W"; then
		cat "$_d/log"
		FAILED=$((FAILED + 1))
	fi
}

run_plain() {
	start_scenario "$1"
	n=$("$UDPSEND" -d 2 127.0.0.1 "$PORT" "$VEC/$1/input.lpb")
	echo "  sent $n datagrams"
	sleep 0.5
	stop_and_compare "$1"
	case $(cat "$VEC/$1/cmdline.txt") in
	*-z0*)	return ;;
	esac
	# Compressed: again with inline deflate, flow-capture's exact bytes.
	rm -rf "$T/$1"
	EXTRA="--compress-threads 0"
	start_scenario "$1"
	EXTRA=
	n=$("$UDPSEND" -d 2 127.0.0.1 "$PORT" "$VEC/$1/input.lpb")
	echo "  sent $n datagrams"
	sleep 0.5
	stop_and_compare "$1" --exact
}

# Seconds until the next minute boundary (fractional).
to_boundary() {
	python3 -c 'import time; print("%.3f" % (60 - time.time() % 60))'
}

run_rotation() {
	left=$(to_boundary)
	if python3 -c "import sys; sys.exit(0 if $left < 6 else 1)"; then
		echo "  waiting ${left}s so that batch A does not straddle a minute"
		sleep "$left"
		sleep 1
	fi
	start_scenario "$1"
	n=$("$UDPSEND" -d 2 -n 3 127.0.0.1 "$PORT" "$VEC/$1/input.lpb")
	echo "  batch A: $n datagrams; waiting for the minute boundary"
	sleep "$(to_boundary)"
	sleep 1.5
	n=$("$UDPSEND" -d 2 -s 3 127.0.0.1 "$PORT" "$VEC/$1/input.lpb")
	echo "  batch B: $n datagrams"
	sleep 0.5
	stop_and_compare "$1"
}

# name_shape PATH: the path with date and time masked (offset kept)
name_shape() {
	echo "$1" | sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}\.[0-9]{6}/DATE.TIME/;
	    s#(^|/)[0-9]{4}-[0-9]{2}-[0-9]{2}/#\1YMD/#;
	    s#(^|/)[0-9]{4}-[0-9]{2}/#\1YM/#; s#(^|/)[0-9]{4}/#\1Y/#'
}

# check_layout TZ N OPEN FINAL: run -V 5 -N N without PDUs
check_layout() {
	_d=$T/layout
	rm -rf "$_d"
	mkdir -p "$_d"
	PORT=$(free_port)
	TZ=$1 fk_start "$_d/log" "$_d/ctl" --hostname ftoracle \
	    --control "$_d/ctl" --statefile "$_d/state" -D -w "$_d/w" \
	    -V 5 -z0 -N "$2" "127.0.0.1/0/$PORT"
	# the control socket may come before the work directory and its
	# first tmp- file: wait (up to 20 s: an ASan build on a loaded
	# machine is slow).  A directory not there yet is no file yet, not
	# the end of the wait.
	_i=0
	while open=$( (cd "$_d/w" 2>/dev/null && find . -type f) |
	    sed 's#^\./##'); [ -z "$open" ] && [ $_i -lt 400 ]; do
		_i=$((_i + 1))
		sleep 0.05
	done
	fk_stop QUIT || fail "layout $1 $2: exit status"
	final=$(cd "$_d/w" && find . -type f | sed 's#^\./##')
	# the date in the name must be the local date at its time, in the
	# dirs too, and the offset must be the zone's offset at that time
	want_off=$(TZ=$1 date +%z)
	got_off=$(echo "$final" | sed -E 's/.*([+-][0-9]{4})$/\1/')
	es=$(name_shape "$3"); eo=$(name_shape "$open")
	fs=$(name_shape "$4"); fo=$(name_shape "$final")
	es=${es%[+-]*}; eo=${eo%[+-]*}; fs=${fs%[+-]*}; fo=${fo%[+-]*}
	day=$(echo "$final" | sed -E 's/.*\.([0-9]{4}-[0-9]{2}-[0-9]{2})\.[0-9]{6}.*/\1/')
	dirs_ok=yes
	case $2 in
	1) case $final in "${day%%-*}/"*) ;; *) dirs_ok=no ;; esac ;;
	2|-2) case $final in *"${day%-*}/"*) ;; *) dirs_ok=no ;; esac ;;
	3|-3|-1) case $final in *"$day/"*) ;; *) dirs_ok=no ;; esac ;;
	esac
	if [ "$es" = "$eo" ] && [ "$fs" = "$fo" ] && [ "$got_off" = "$want_off" ] \
	    && [ $dirs_ok = yes ]; then
		echo "  same: TZ=$1 -N $2: $open -> $final"
	else
		echo "  FAIL: TZ=$1 -N $2: got $open -> $final (offset $got_off," \
		    "want $want_off, dirs $dirs_ok), oracle $3 -> $4"
		FAILED=$((FAILED + 1))
	fi
}

run_layouts() {
	echo "== naming_layouts"
	f=$VEC/naming_layouts/layouts.txt
	while read -r a b c; do
		case $a in
		TZ=*)	tz=${a#TZ=}; n=$c ;;
		while)	op=$c ;;
		after)	check_layout "$tz" "$n" "$op" "$c" ;;
		esac
	done <"$f"
}

for cmd in "$VEC"/*/cmdline.txt; do
	s=$(basename "$(dirname "$cmd")")
	[ -f "$VEC/$s/input.lpb" ] || continue
	case $s in
	*rotation*)	run_rotation "$s" ;;
	*)		run_plain "$s" ;;
	esac
done
[ -f "$VEC/naming_layouts/layouts.txt" ] && run_layouts

if [ $FAILED -ne 0 ]; then
	echo "FAIL: $FAILED comparisons failed"
	exit 1
fi
echo "PASS"
exit 0
