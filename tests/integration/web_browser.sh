#!/bin/sh
# web_browser.sh - the web pages driven in headless Chromium as a person
# would use them (tests/e2e/browser.mjs, Playwright's playwright-core
# driving Debian's chromium): fill the report form and submit it, sort a
# column, drill down on a key, download the CSV, create a tracking and
# see it listed with its thumbnail, open the status page, and send bad
# input.  A private flowkeepd on loopback stores
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


web_daemon --tracking-dir "$T/trk" --rrd-dir "$T/rrd"

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
