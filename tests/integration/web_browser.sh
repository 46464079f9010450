#!/bin/sh
# web_browser.sh - the web pages driven in headless Chromium as a person
# would use them (tests/e2e/browser.mjs, Playwright's playwright-core
# driving Debian's chromium): fill the report form and submit it, sort a
# column, drill down on a key, download the CSV, open the status page,
# and send bad input.  A private flowkeepd on loopback stores
# lib/mkv5.py's 70 flows and serves the pages on a free port; the numbers
# in the browser equal `flowkeep report`'s.  Screenshots of every step go
# to tests/e2e-shots/ under the build directory, to be looked at.
#
# Skips (77) when chromium, node or tests/e2e/node_modules is missing;
# contrib/quickstart check installs all three.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/common.sh"

E2E=$top_srcdir/tests/e2e
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
need_prog "$FLOWKEEPD" "$FLOWKEEP" "$UDPSEND"
for p in node python3; do
	command -v "$p" >/dev/null || { echo "SKIP: $p missing"; exit 77; }
done
[ -x "$CHROMIUM" ] || { echo "SKIP: $CHROMIUM missing"; exit 77; }
[ -d "$E2E/node_modules/playwright-core" ] || {
	echo "SKIP: run 'npm ci' in tests/e2e first"; exit 77; }
make_tmp
SHOTS=${SHOTS:-$top_builddir/tests/e2e-shots}
mkdir -p "$SHOTS"

tcp_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

NOW=$(date +%s)
python3 "$LIB/mkv5.py" "$T/v5.lpb" "$NOW" || fail "mkv5.py failed"
W=$T/w
CTL=$T/ctl
UPORT=$(free_port)
WPORT=$(tcp_port)
fk_start "$T/log" "$CTL" -D -w "$W" -z0 -N 0 --control "$CTL" \
    --statefile "$T/state" --web-listen "127.0.0.1:$WPORT" \
    "127.0.0.1/0/$UPORT"
"$UDPSEND" -b 127.0.7.1 127.0.0.1 "$UPORT" "$T/v5.lpb" >/dev/null
sleep 0.5
fk_ctl "$CTL" rotate >/dev/null || fail "rotate"
i=0
until python3 -c "import socket; socket.create_connection(('127.0.0.1', $WPORT))" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 50 ] || fail "no web listener on $WPORT"
	sleep 0.1
done

# what the browser must show: the CLI's report over the last hour
"$FLOWKEEP" report srcip --output json --from -1h --to now "$W" \
    >"$T/srcip.json" 2>"$T/err" || { cat "$T/err"; fail "flowkeep report"; }

echo "== built-in listener on 127.0.0.1:$WPORT"
node "$E2E/browser.mjs" --base "http://127.0.0.1:$WPORT" \
    --chromium "$CHROMIUM" --shots "$SHOTS/builtin" \
    --expect "$T/srcip.json" --exporter 127.0.7.1 ||
    fail "browser run against the built-in listener"
fk_stop
echo "screenshots: $SHOTS"
exit 0
