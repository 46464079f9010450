# common.sh - shared helpers for flowkeep's integration tests (POSIX sh).
#
# Sourced by each test.  Needs top_builddir (defaults to the current
# directory) and SHARED_DIR; exits 77 (skip) when the shared vectors are
# absent.  A test gets a private temp dir ($T), removed at exit, and starts
# private daemons on 127.0.0.1 with a free high port and its own control
# socket and state file.

: "${top_builddir:=$(pwd)}"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
FLOWKEEPD=$top_builddir/src/flowkeepd
FLOWKEEP=$top_builddir/src/flowkeep
UDPSEND=$top_builddir/tests/tools/udpsend
FTDUMP=$top_builddir/tests/tools/ftdump
LIB=$top_srcdir/tests/integration/lib
FK_PID=

need_shared() {
	if [ -z "${SHARED_DIR:-}" ] || [ ! -d "$SHARED_DIR" ]; then
		echo "SKIP: SHARED_DIR not set or missing"
		exit 77
	fi
}

need_prog() {
	for p in "$@"; do
		if [ ! -x "$p" ]; then
			echo "SKIP: $p not built"
			exit 77
		fi
	done
}

make_tmp() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/fkit.XXXXXX") || exit 99
	trap 'fk_kill; rm -rf "$T"' EXIT
	trap 'exit 1' INT TERM
}

fail() {
	echo "FAIL: $*"
	exit 1
}

free_port() {
	python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# fk_start LOG CTL [args...]: start flowkeepd in the background, wait
# until its control socket exists.
fk_start() {
	_log=$1; _ctl=$2; shift 2
	rm -f "$_ctl"
	"$FLOWKEEPD" "$@" >"$_log" 2>&1 &
	FK_PID=$!
	_i=0
	while [ ! -S "$_ctl" ]; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ] || ! kill -0 "$FK_PID" 2>/dev/null; then
			cat "$_log"
			fail "flowkeepd did not start"
		fi
		sleep 0.05
	done
}

# fk_stop [SIGNAL]: stop the daemon, return its exit status.
fk_stop() {
	kill -"${1:-QUIT}" "$FK_PID"
	wait "$FK_PID"
	_rc=$?
	FK_PID=
	return $_rc
}

fk_kill() {
	if [ -n "$FK_PID" ]; then
		kill -KILL "$FK_PID" 2>/dev/null
		wait "$FK_PID" 2>/dev/null
		FK_PID=
	fi
}

# fk_ctl SOCKET COMMAND: ask the daemon; prints the answer (status line
# included).
fk_ctl() {
	python3 "$LIB/ctl.py" "$1" "$2"
}

# tcp_port: a free TCP port on 127.0.0.1.
tcp_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# web_daemon: a private flowkeepd with its web listener that has stored
# lib/mkv5.py's 70 flows (export time NOW) in a closed file; sets NOW, W,
# CTL, UPORT and WPORT, and returns once the listener accepts.  Saved
# reports and filters go to $T/saved; arguments are added to flowkeepd's.
web_daemon() {
	NOW=$(date +%s)
	python3 "$LIB/mkv5.py" "$T/v5.lpb" "$NOW" || fail "mkv5.py failed"
	W=$T/w
	CTL=$T/ctl
	UPORT=$(free_port)
	WPORT=$(tcp_port)
	fk_start "$T/log" "$CTL" -D -w "$W" -z0 -N 0 --control "$CTL" \
	    --statefile "$T/state" --web-listen "127.0.0.1:$WPORT" \
	    --saved-dir "$T/saved" "$@" "127.0.0.1/0/$UPORT"
	"$UDPSEND" -b 127.0.7.1 127.0.0.1 "$UPORT" "$T/v5.lpb" >/dev/null
	# all 70 counted before the rotation, however slow the machine: a
	# flow that came after it would be in the open file, not in the
	# closed one the callers look at (web_browser.sh once saw 29 rows
	# where the CLI, reading both, saw 70)
	i=0
	until [ "$("$FLOWKEEP" status --socket "$CTL" 2>/dev/null | sed -n \
	    's/^totals: .* bytes, \([0-9]*\) flows, .*/\1/p')" = 70 ]; do
		i=$((i + 1)); [ $i -lt 200 ] || fail "70 flows not counted"
		sleep 0.1
	done
	fk_ctl "$CTL" rotate >/dev/null || fail "rotate"
	i=0
	until python3 -c "import socket; socket.create_connection(('127.0.0.1', $WPORT))" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 50 ] || fail "no web listener on $WPORT"
		sleep 0.1
	done
}

# header_field FILE TLV: print the u32 value of a flow-tools header TLV
# type (decimal), nothing if the header has none
header_field() {
	python3 - "$1" "$2" <<'PY'
import sys
b = open(sys.argv[1], "rb").read(4096)
e = "little" if b[2] == 1 else "big"
h = int.from_bytes(b[4:8], e)
off = 8
while off + 4 <= h:
    t = int.from_bytes(b[off:off + 2], e)
    l = int.from_bytes(b[off + 2:off + 4], e)
    if t == int(sys.argv[2]) and l == 4:
        print(int.from_bytes(b[off + 4:off + 8], e))
        break
    off += 4 + l
PY
}
