#!/bin/sh
# installcheck.sh - the installed programs run from their installed paths
# (`make installcheck`, `make check-install`, distcheck; packaging.sh runs
# it on a DESTDIR install).  Environment: DESTDIR (may be empty), sbindir,
# bindir, sysconfdir, fkstatedir, mandir as configured.
#
# Checked: flowkeepd --version and flowkeep --version/--help run; the
# installed configuration passes flowkeepd --check and names the data
# directory; the man pages are installed; flowkeepd starts with the
# installed configuration (its data, state, socket and trackings under
# the data directory; only the ports replaced by free loopback ones), is
# reached by the installed flowkeep through the socket of that
# configuration, and stops cleanly on SIGTERM with its files in place.
set -u
: "${DESTDIR:=}"
D=$DESTDIR
FKD=$D$sbindir/flowkeepd
FK=$D$bindir/flowkeep
CONF=$D$sysconfdir/flowkeep.conf
STATE=$D$fkstatedir
fail() { echo "installcheck: FAIL: $*"; exit 1; }

[ -x "$FKD" ] || fail "$FKD not installed"
[ -x "$FK" ] || fail "$FK not installed"
[ -x "$D$bindir/flowkeep.cgi" ] || fail "flowkeep.cgi not installed"
for m in man1/flowkeep.1 man5/flowkeep.conf.5 man8/flowkeepd.8; do
	[ -f "$D$mandir/$m" ] || fail "$mandir/$m not installed"
done
v=$("$FKD" --version) || fail "flowkeepd --version"
echo "  $v"
"$FK" --version >/dev/null || fail "flowkeep --version"
"$FK" help | grep -q 'status' || fail "flowkeep help"
[ -f "$CONF" ] || fail "$CONF not installed"
"$FKD" --check --config "$CONF" >"${TMPDIR:-/tmp}/fkic.$$" ||
    fail "installed configuration does not pass --check"
grep -q "^workdir \"$fkstatedir/flows\"" "${TMPDIR:-/tmp}/fkic.$$" ||
    fail "installed configuration does not use $fkstatedir"
rm -f "${TMPDIR:-/tmp}/fkic.$$"

# With DESTDIR the configured paths are not where the files are: the
# paths of the configuration are given again under DESTDIR.
PORT=$(python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
set -- --config "$CONF" --listen "127.0.0.1:$PORT" --web-listen none
if [ -n "$D" ]; then
	set -- "$@" -w "$STATE/flows" --control "$STATE/flowkeepd.sock" \
	    --statefile "$STATE/flowkeepd.state" \
	    --tracking-dir "$STATE/trackings" --rrd-dir "$STATE/rrd" \
	    -p "$STATE/flowkeepd.pid"
fi
mkdir -p "$STATE" || fail "cannot create $STATE"
"$FKD" -D "$@" >"$STATE/log" 2>&1 &
pid=$!
i=0
while [ ! -S "$STATE/flowkeepd.sock" ]; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 $pid 2>/dev/null; then
		cat "$STATE/log"; kill $pid 2>/dev/null
		fail "installed flowkeepd did not start"
	fi
	sleep 0.05
done
FLOWKEEP_SOCKET=$STATE/flowkeepd.sock "$FK" status >"$STATE/status" ||
    { kill $pid; fail "flowkeep status against the installed daemon"; }
grep -q "127.0.0.1 port $PORT" "$STATE/status" ||
    { kill $pid; fail "status does not show the listener"; }
kill -TERM $pid
wait $pid || fail "installed flowkeepd exit status $?"
[ -d "$STATE/flows" ] || fail "no flows directory under $STATE"
[ ! -e "$STATE/flowkeepd.sock" ] || fail "socket left behind"
grep -q "exiting" "$STATE/log" || fail "no clean exit in the log"
rm -rf "$STATE/flows" "$STATE/trackings" "$STATE/rrd" "$STATE/log" \
    "$STATE/status" "$STATE/flowkeepd.state"
echo "installcheck: installed daemon started and stopped from $STATE"
