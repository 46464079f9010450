#!/bin/sh
# privsep.sh - flowkeepd started as root with `user` (doc/security.md).
#
# Needs root (skips with 77 otherwise) and a system user flowkeep-test
# (made with useradd -r when missing); the web listener runs as nobody.
#  1. the collector's real, effective, saved and fs uids (/proc/PID/status)
#     are flowkeep-test's, the web child's are nobody's;
#  2. flows still land: a rotated ft- file with the 70 flows sent, owned by
#     flowkeep-test, in a data root owned by flowkeep-test;
#  3. the web child's uid cannot create files in the data root (tried with
#     setpriv as that uid) and the web pages still get status through the
#     status-only socket;
#  4. control sockets: the main one is 0660 owned by flowkeep-test, the
#     status-only one 0666; as nobody, status works on the status-only
#     socket but rotate is refused there, and the main socket refuses a
#     connection; root may rotate;
#  5. SIGQUIT ends the daemon with 0 and the web child (which it cannot
#     signal) follows within 5 s;
#  6. chroot: --check names the paths outside the chroot and refuses
#     rrdcached; a daemon with `chroot` has /proc/PID/root there and the
#     user's uids, writes its flows (70 per send), counts its tracking,
#     survives a SIGHUP (the configuration is kept, files closed), writes
#     the tracking's RRD at the next step, and saves its state file at
#     exit, all inside the chroot; the column index sidecar it writes is
#     the one `flowkeep index --config` outside the jail looks for.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/common.sh"

need_prog "$FLOWKEEPD" "$FLOWKEEP" "$UDPSEND" "$FTDUMP"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
command -v setpriv >/dev/null || { echo "SKIP: setpriv missing"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
U=flowkeep-test
if ! id -u "$U" >/dev/null 2>&1; then
	useradd -r -M -d /nonexistent -s /usr/sbin/nologin "$U" 2>/dev/null ||
	    { echo "SKIP: cannot create user $U"; exit 77; }
fi
UID_C=$(id -u "$U")
UID_W=$(id -u nobody) || { echo "SKIP: no user nobody"; exit 77; }
GID_W=$(id -g nobody)
setpriv --reuid="$UID_W" --regid="$GID_W" --clear-groups true ||
    { echo "SKIP: setuid does not work here"; exit 77; }

make_tmp
chmod 755 "$T"
NOW=$(date +%s)
python3 "$LIB/mkv5.py" "$T/v5.lpb" "$NOW" || fail "mkv5.py failed"
W=$T/w
CTL=$T/run/ctl
mkdir -p "$T/run"
PORT=$(free_port)
WPORT=$(tcp_port)
cat >"$T/fk.conf" <<CONF
user "$U"
CONF
fk_start "$T/log" "$CTL" --config "$T/fk.conf" -D -w "$W" -z0 -N 0 \
    --control "$CTL" --statefile "$T/var/state" --tracking-dir "$T/trk" \
    --rrd-dir "$T/rrd" --saved-dir "$T/saved" \
    --web-listen "127.0.0.1:$WPORT" "127.0.0.1/0/$PORT"
i=0
until [ -S "$CTL.ro" ]; do
	i=$((i + 1)); [ $i -lt 50 ] || fail "no status-only socket $CTL.ro"
	sleep 0.1
done

echo "== 1. uids"
uids() {	# PID: the Uid: line's four numbers
	awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$1/status"
}
WEB_PID=$(grep -l "^PPid:[[:space:]]*$FK_PID\$" /proc/[0-9]*/status 2>/dev/null |
    head -1 | cut -d/ -f3)
[ -n "$WEB_PID" ] || fail "no web child of $FK_PID"
c=$(uids "$FK_PID")
w=$(uids "$WEB_PID")
echo "  collector pid $FK_PID uids $c ($U is $UID_C)"
echo "  web child pid $WEB_PID uids $w (nobody is $UID_W)"
[ "$c" = "$UID_C $UID_C $UID_C $UID_C" ] || fail "collector uids $c"
[ "$w" = "$UID_W $UID_W $UID_W $UID_W" ] || fail "web child uids $w"
grep -q "^Groups:[[:space:]]*$(id -g "$U")[[:space:]]*\$" \
    "/proc/$FK_PID/status" || fail "collector keeps other groups: \
$(grep ^Groups: "/proc/$FK_PID/status")"

echo "== 2. flows land"
"$UDPSEND" -b 127.0.7.1 127.0.0.1 "$PORT" "$T/v5.lpb" >/dev/null
sleep 0.5
fk_ctl "$CTL" rotate | head -1 | grep -q '^OK' || fail "root cannot rotate"
sleep 0.3
f=$(find "$W" -name 'ft-*' | head -1)
[ -n "$f" ] || { cat "$T/log"; fail "no ft- file under $W"; }
n=$("$FTDUMP" "$f" | wc -l | tr -d ' ')
owner=$(stat -c %u "$f")
rootowner=$(stat -c %u "$W")
echo "  $f: $n flows, owner uid $owner, data root owner uid $rootowner"
[ "$n" = 70 ] || fail "$n flows, want 70"
[ "$owner" = "$UID_C" ] && [ "$rootowner" = "$UID_C" ] ||
    fail "flow file or data root not owned by $U"

echo "== 3. the web uid cannot write flow data"
as_web() {
	setpriv --reuid="$UID_W" --regid="$GID_W" --clear-groups "$@"
}
if as_web sh -c "echo x >'$W/intruder'" 2>/dev/null; then
	fail "uid $UID_W created a file in the data root"
fi
if as_web sh -c "echo x >>'$f'" 2>/dev/null; then
	fail "uid $UID_W appended to $f"
fi
[ ! -e "$W/intruder" ] || fail "intruder file exists"
echo "  uid $UID_W: writes to $W and $f refused"
code=$(python3 -c "
import urllib.request
r = urllib.request.urlopen('http://127.0.0.1:$WPORT/status?output=json',
    timeout=10)
print(r.status, b'127.0.7.1' in r.read())")
echo "  web /status: $code"
[ "$code" = "200 True" ] || { cat "$T/log"; fail "web status: $code"; }

echo "== 4. control sockets"
# a python3 that nobody may run (root's may live under /root)
PYW=
for p in /usr/bin/python3 /usr/local/bin/python3 "$(command -v python3)"; do
	if as_web "$p" -c '' 2>/dev/null; then PYW=$p; break; fi
done
[ -n "$PYW" ] || { echo "SKIP: no python3 that uid $UID_W may run"; exit 77; }
m=$(stat -c '%a %u' "$CTL")
r=$(stat -c '%a %u' "$CTL.ro")
echo "  $CTL: mode/owner $m; $CTL.ro: $r"
[ "$m" = "660 $UID_C" ] || fail "control socket $m"
[ "$r" = "666 $UID_C" ] || fail "status-only socket $r"
st=$(as_web "$PYW" "$LIB/ctl.py" "$CTL.ro" status 2>&1 | head -1)
ro=$(as_web "$PYW" "$LIB/ctl.py" "$CTL.ro" rotate 2>&1 | head -1)
rw=$(as_web "$PYW" "$LIB/ctl.py" "$CTL" rotate 2>&1 | tail -1)
echo "  as nobody: status on .ro: $st; rotate on .ro: $ro"
echo "  as nobody: rotate on the main socket: $rw"
[ "$st" = OK ] || fail "status on the status-only socket: $st"
case $ro in
"ERR permission denied"*) ;;
*) fail "rotate on the status-only socket: $ro" ;;
esac
case $rw in
*PermissionError*|*"Permission denied"*) ;;
*) fail "the main socket let nobody in: $rw" ;;
esac
as_web "$PYW" "$LIB/ctl.py" "$CTL" status >/dev/null 2>&1 &&
    fail "nobody connected to the main socket"
fk_stop QUIT || fail "exit status"
i=0
while [ -d "/proc/$WEB_PID" ] && ! grep -q '^State:[[:space:]]*Z' \
    "/proc/$WEB_PID/status" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 50 ] || fail "web child $WEB_PID outlived the daemon"
	sleep 0.1
done
grep -q "running as $U" "$T/log" || fail "no 'running as' log line"

echo "== 6. chroot"
J=$T/jail
mkdir -p "$J/trk"
printf 'filter\n' >"$J/trk/all"
chmod -R a+rX "$J"
cat >"$T/bad.conf" <<CONF
user "$U"
chroot "$J"
workdir "$J/flows"
rrd-dir "$T/rrd-out"
tracking-dir "$J/trk"
statefile "$T/state-out"
CONF
"$FLOWKEEPD" --check --config "$T/bad.conf" >"$T/out" 2>&1 &&
    fail "--check took paths outside the chroot"
grep -q "chroot $J: outside it: rrd-dir $T/rrd-out, statefile $T/state-out" \
    "$T/out" || fail "--check: $(cat "$T/out")"
echo "  --check: $(grep "outside it" "$T/out")"
printf 'user "%s"\nchroot "%s"\nrrdcached "/run/rrd.sock"\n' "$U" "$J" \
    >"$T/bad2.conf"
"$FLOWKEEPD" --check --config "$T/bad2.conf" -w "$J" --rrd-dir "$J/r" \
    --tracking-dir "$J/t" --statefile "$J/s" >"$T/out" 2>&1 &&
    fail "--check took rrdcached with chroot"
grep -q "cannot be used with rrdcached" "$T/out" || fail "$(cat "$T/out")"
cat >"$T/jail.conf" <<CONF
user "$U"
chroot "$J"
track-step 60
track-lateness 1
CONF
CTL2=$T/run/ctl2
# LeakSanitizer reads /proc at exit, which a chroot does not have
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
fk_start "$T/log2" "$CTL2" --config "$T/jail.conf" -D -w "$J/flows" -z0 \
    -N 0 --control "$CTL2" --statefile "$J/var/state" \
    --tracking-dir "$J/trk" --rrd-dir "$J/rrd" "127.0.0.1/0/$PORT"
r=$(readlink "/proc/$FK_PID/root")
c=$(uids "$FK_PID")
echo "  collector pid $FK_PID: root $r, uids $c"
[ "$r" = "$J" ] || fail "root is $r, want $J"
[ "$c" = "$UID_C $UID_C $UID_C $UID_C" ] || fail "collector uids $c"
grep -q "no /bin/sh inside it" "$T/log2" || fail "no warning about /bin/sh"
nflows() {	# the flows in ft- files under $J/flows
	_s=0
	for _f in $(find "$J/flows" -name 'ft-*'); do
		_s=$((_s + $("$FTDUMP" "$_f" | wc -l)))
	done
	echo "$_s"
}
"$UDPSEND" -b 127.0.7.1 127.0.0.1 "$PORT" "$T/v5.lpb" >/dev/null
sleep 0.5
fk_ctl "$CTL2" rotate | head -1 | grep -q '^OK' || fail "rotate (chroot)"
sleep 0.3
n=$(nflows)
m=$(fk_ctl "$CTL2" status-json | sed 1d | python3 -c 'import json, sys
print(json.load(sys.stdin)["trackings"][0]["matched"])')
echo "  after a rotate: $n flows in $J/flows, tracking matched $m"
[ "$n" = 70 ] && [ "$m" = 70 ] || fail "flows $n, tracking $m"
# its column index sidecar is named as seen from the real root, so that
# the CLI outside, given the same configuration, finds it
RJ=$(cd "$J" && pwd -P)
f=$(ls "$J/flows" | grep '^ft-' | head -1)
i=0
until [ -f "$J/var/index$RJ/flows/$f.fkci" ]; do
	i=$((i + 1))
	[ $i -le 900 ] || fail "no sidecar of $f in $J/var/index$RJ/flows"
	sleep 0.1
done
cat >"$T/cli.conf" <<CONF
user "$U"
chroot "$J"
workdir "$J/flows"
statefile "$J/var/state"
CONF
"$FLOWKEEP" index --config "$T/cli.conf" >"$T/out" 2>&1 ||
    fail "flowkeep index --config: $(cat "$T/out")"
grep -q "^0 files indexed (0 flows), 1 up to date, 0 failed$" "$T/out" ||
    fail "the CLI does not find the chrooted daemon's sidecar: $(cat "$T/out")"
echo "  sidecar $J/var/index$RJ/flows/$f.fkci, up to date for the CLI"
kill -HUP "$FK_PID"
sleep 0.5
kill -0 "$FK_PID" || fail "the daemon died on SIGHUP"
grep -q "configuration is not read again" "$T/log2" ||
    fail "reload under chroot not logged"
"$UDPSEND" -b 127.0.7.1 127.0.0.1 "$PORT" "$T/v5.lpb" >/dev/null
sleep 0.5
fk_ctl "$CTL2" rotate | head -1 | grep -q '^OK' || fail "rotate (chroot)"
sleep 0.3
n=$(nflows)
echo "  after SIGHUP, more flows and a rotate: $n flows"
[ "$n" = 140 ] || fail "$n flows after the reload, want 140"
if command -v rrdtool >/dev/null; then
	i=0
	until [ "$(rrdtool last "$J/rrd/all.rrd" 2>/dev/null || echo 0)" -gt 0 ] \
	    2>/dev/null; do
		i=$((i + 1))
		[ $i -le 130 ] || fail "no RRD step inside the chroot: $(tail "$T/log2")"
		sleep 1
	done
	echo "  $J/rrd/all.rrd written (last update $(rrdtool last \
	    "$J/rrd/all.rrd"), owner uid $(stat -c %u "$J/rrd/all.rrd"))"
fi
# a v9 template, so that there is decoder state to save
python3 "$LIB/expfaults.py" "$T/x" "$(date +%s)" >/dev/null || fail "expfaults"
"$UDPSEND" -b 127.0.8.4 127.0.0.1 "$PORT" "$T/x/v9wrap.lpb" >/dev/null
sleep 0.5
fk_stop || fail "exit status (chroot): $(tail -5 "$T/log2")"
[ -s "$J/var/state" ] || fail "no state file saved inside the chroot"
echo "  state file saved: $(wc -c <"$J/var/state") bytes"
echo "PASS"
