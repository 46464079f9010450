#!/bin/sh
# filter_cli.sh - `flowkeep filter`: a good expression prints its
# canonical form and exits 0, a bad one prints "flowkeep: filter: column
# N: ..." and exits 2, saved filters come from --named-dir, form fields
# from --form, and no expression at all is a usage error.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/common.sh"

need_prog "$FLOWKEEP"
make_tmp
NAMED=$top_srcdir/tests/data/filter/named

# expect RC WANT CMD...: CMD exits RC and prints WANT (stdout + stderr)
expect() {
	rc=$1; want=$2; shift 2
	"$@" >"$T/out" 2>&1
	got=$?
	echo "  $*: exit $got: $(head -1 "$T/out")"
	[ "$got" = "$rc" ] || fail "$*: exit status $got, want $rc"
	[ "$(cat "$T/out")" = "$want" ] ||
	    fail "$*: printed \"$(cat "$T/out")\", want \"$want\""
}

expect 0 "src net 10.0.0.0/8 and dst port in [80, 443]" \
    "$FLOWKEEP" filter 'SRC NET 10/8 && dst port in [80,443]'
expect 0 "proto tcp and port 80" "$FLOWKEEP" filter proto 6 and port 80
expect 2 'flowkeep: filter: column 20: expected a port number, got "htp"' \
    "$FLOWKEEP" filter 'proto tcp and port htp'
expect 0 "proto tcp and port 80 or port 443" \
    "$FLOWKEEP" filter @webish --named-dir "$NAMED"
M='column 1: no saved filter directory; cannot use "web"'
expect 2 "flowkeep: filter: $M" "$FLOWKEEP" filter @web
expect 0 "src ip in [-10.1.2.3, 10.0.0.0/8] and dst port 80-90" \
    "$FLOWKEEP" filter --form source_address=10.0.0.0/8,-10.1.2.3 \
    --form dest_port=80:90
expect 2 'flowkeep: filter: source port: "htp" is not a port' \
    "$FLOWKEEP" filter --form source_port=htp
"$FLOWKEEP" filter --program 'port 80 or not inet' >"$T/prog" ||
    fail "--program failed"
grep -q '^\*.*or' "$T/prog" || fail "--program does not mark the root"
"$FLOWKEEP" filter >"$T/out" 2>&1
[ $? = 2 ] && grep -q usage "$T/out" || fail "no expression: not a usage error"
"$FLOWKEEP" filter --form nosuch=1 >"$T/out" 2>&1
[ $? = 2 ] && grep -q usage "$T/out" || fail "bad form field: not a usage error"
echo "PASS"
exit 0
