#!/bin/sh
# web_lighttpd.sh - flowkeep.cgi under a real web server: lighttpd with
# mod_cgi on a free loopback port serves the pages under /flowkeep (as
# contrib/web/lighttpd.conf does) over the flows a private flowkeepd
# stored; the report CSV equals `flowkeep report`'s, the form's links
# stay under /flowkeep, status reaches the daemon, a bad parameter is a
# 400.  Skipped when lighttpd is not installed.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/common.sh"

CGI=$top_builddir/web/flowkeep.cgi
LIGHTTPD=$(command -v lighttpd || echo /usr/sbin/lighttpd)
need_prog "$FLOWKEEPD" "$FLOWKEEP" "$UDPSEND" "$CGI" "$LIGHTTPD"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
make_tmp
LPID=
trap 'fk_kill; [ -n "$LPID" ] && kill "$LPID" 2>/dev/null; rm -rf "$T"' EXIT

NOW=$(date +%s)
python3 "$LIB/mkv5.py" "$T/v5.lpb" "$NOW" || fail "mkv5.py failed"
W=$T/w
CTL=$T/ctl
UPORT=$(free_port)
fk_start "$T/log" "$CTL" -D -w "$W" -z0 -N 0 --control "$CTL" \
    --statefile "$T/state" --tracking-dir "$T/trk" --rrd-dir "$T/rrd" \
    "127.0.0.1/0/$UPORT"
"$UDPSEND" -b 127.0.7.1 127.0.0.1 "$UPORT" "$T/v5.lpb" >/dev/null
sleep 0.5
fk_ctl "$CTL" rotate >/dev/null || fail "rotate"

printf 'workdir "%s"\ncontrol "%s"\nsaved-dir "%s"\ntracking-dir "%s"\nrrd-dir "%s"\n' \
    "$W" "$CTL" "$T/saved" "$T/trk" "$T/rrd" >"$T/fk.conf"
HPORT=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
mkdir -p "$T/www"
cat >"$T/lighttpd.conf" <<CONF
server.document-root = "$T/www"
server.bind = "127.0.0.1"
server.port = $HPORT
server.errorlog = "$T/lighttpd.err"
server.modules += ( "mod_cgi", "mod_alias", "mod_setenv" )
alias.url += ( "/flowkeep" => "$CGI" )
\$HTTP["url"] =~ "^/flowkeep" {
	cgi.assign = ( "" => "" )
	setenv.add-environment = ( "FLOWKEEP_CONFIG" => "$T/fk.conf" )
}
CONF
"$LIGHTTPD" -D -f "$T/lighttpd.conf" >"$T/lighttpd.out" 2>&1 &
LPID=$!
i=0
until python3 -c "import socket; socket.create_connection(('127.0.0.1', $HPORT))" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 50 ] || { cat "$T/lighttpd.out"; fail "lighttpd did not start"; }
	sleep 0.1
done

get() {
	python3 "$LIB/fetch.py" "http://127.0.0.1:$HPORT$1" "$T/$2"
}
Q="from=%40$((NOW - 3600))&to=%40$((NOW + 60))"

"$FLOWKEEP" report srcip --output csv --from "@$((NOW - 3600))" \
    --to "@$((NOW + 60))" "$W" >"$T/cli.csv" || fail "flowkeep report"
r=$(get "/flowkeep/report?type=srcip&$Q&lines=1000&output=csv" web.csv)
[ "$r" = "200 text/csv; charset=utf-8" ] || {
	cat "$T/lighttpd.err" 2>/dev/null; fail "csv: $r"; }
cmp -s "$T/cli.csv" "$T/web.csv" || fail "CSV through lighttpd differs"
echo "  report srcip: $(($(wc -l <"$T/web.csv") - 1)) rows equal the CLI's"

r=$(get "/flowkeep/report?type=proto&$Q" page)
[ "$r" = "200 text/html; charset=utf-8" ] || fail "page: $r"
grep -q 'action="/flowkeep/report"' "$T/page" || fail "form action"
grep -q 'href="/flowkeep/static/flowkeep.css"' "$T/page" || fail "css link"
grep -q 'href="/flowkeep/report?type=proto&amp;' "$T/page" ||
    fail "sort links leave /flowkeep"
r=$(get "/flowkeep/static/flowkeep.css" css)
[ "$r" = "200 text/css; charset=utf-8" ] || fail "css: $r"
r=$(get "/flowkeep/status" status)
[ "${r%% *}" = 200 ] || fail "status: $r"
grep -q 127.0.7.1 "$T/status" || fail "status does not name the exporter"
r=$(get "/flowkeep/report?lines=%3Cscript%3E" bad)
[ "${r%% *}" = 400 ] || fail "bad parameter: $r"
grep -q '<script' "$T/bad" && fail "the 400 page echoes the script"
r=$(get "/flowkeep/../../etc/passwd" trav)
[ "${r%% *}" != 200 ] || fail "traversal answered 200"
echo "  form, links, assets, status, 400 through lighttpd"

# The same pages driven in headless Chromium through lighttpd, as in
# web_browser.sh (which skips the same way when the browser is missing).
E2E=$top_srcdir/tests/e2e
if command -v node >/dev/null && [ -x /usr/bin/chromium ] &&
    [ -d "$E2E/node_modules/playwright-core" ]; then
	"$FLOWKEEP" report srcip --output json --from -1h --to now "$W" \
	    >"$T/srcip.json" || fail "flowkeep report json"
	node "$E2E/browser.mjs" --base "http://127.0.0.1:$HPORT/flowkeep" \
	    --chromium /usr/bin/chromium \
	    --shots "$top_builddir/tests/e2e-shots/lighttpd" \
	    --expect "$T/srcip.json" --exporter 127.0.7.1 ||
	    fail "browser run through lighttpd + flowkeep.cgi"
else
	echo "  (browser part skipped: chromium, node or tests/e2e/node_modules missing)"
fi
fk_stop TERM || fail "daemon exit status"
echo PASS
