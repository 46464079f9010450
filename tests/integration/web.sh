#!/bin/sh
# web.sh - the web pages through flowkeepd's built-in listener and through
# flowkeep.cgi: a private daemon on loopback stores lib/mkv5.py's 70 flows
# and serves the pages on a free port; the report numbers (CSV, JSON and
# the HTML table) equal `flowkeep report`'s over the same window, the
# status page names the exporter, bad parameters get 400 with nothing of
# the page, static assets and the graph PNG carry their types and caching
# headers; the CGI
# program run with CGI variables gives the same CSV.  Stopping the daemon
# stops the listener.  Runs without the shared vectors.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/common.sh"

CGI=$top_builddir/web/flowkeep.cgi
need_prog "$FLOWKEEPD" "$FLOWKEEP" "$UDPSEND" "$CGI"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
make_tmp


# get PATH?QUERY NAME: fetch into $T/NAME, print "STATUS TYPE"
get() {
	python3 "$LIB/fetch.py" "http://127.0.0.1:$WPORT$1" "$T/$2" ${3:-}
}

web_daemon

FROM=@$((NOW - 3600))
TO=@$((NOW + 60))
Q="from=%40$((NOW - 3600))&to=%40$((NOW + 60))"

echo "== 1. the report form"
r=$(get "/" form)
echo "  / -> $r"
[ "$r" = "200 text/html; charset=utf-8" ] || fail "/: $r"
grep -q '<form method="get" action="/report">' "$T/form" || fail "no form"

echo "== 2. report numbers equal the CLI's"
for type in srcip dstport proto ip-pair; do
	"$FLOWKEEP" report "$type" --output csv --from "$FROM" --to "$TO" \
	    "$W" >"$T/cli.$type.csv" 2>"$T/err" || {
		cat "$T/err"; fail "flowkeep report $type"; }
	r=$(get "/report?type=$type&$Q&lines=100000&output=csv" "web.$type.csv")
	[ "$r" = "200 text/csv; charset=utf-8" ] || fail "$type csv: $r"
	cmp -s "$T/cli.$type.csv" "$T/web.$type.csv" || {
		diff "$T/cli.$type.csv" "$T/web.$type.csv" | head -5
		fail "report $type: web CSV differs from the CLI"
	}
	echo "  $type: $(($(wc -l <"$T/web.$type.csv") - 1)) rows equal"
done
[ "$(tail -n +2 "$T/web.proto.csv" | awk -F, '{ f += $2 } END { print f }')" = 70 ] ||
    fail "proto report does not count 70 flows"

r=$(get "/report?type=proto&$Q&output=json&expr=proto%20tcp" proto.json)
[ "$r" = "200 application/json; charset=utf-8" ] || fail "json: $r"
"$FLOWKEEP" report proto --output json --from "$FROM" --to "$TO" \
    --filter 'proto tcp' "$W" >"$T/cli.json"
cmp -s "$T/cli.json" "$T/proto.json" || fail "JSON differs from the CLI"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['rows'][0]['flows'] == 24, d" \
    "$T/proto.json" || fail "JSON: tcp flows"

r=$(get "/report?type=proto&$Q&units=1" proto.html)
[ "$r" = "200 text/html; charset=utf-8" ] || fail "html: $r"
python3 - "$T/proto.html" "$T/web.proto.csv" <<'PY' || fail "HTML table"
import re, sys
html = open(sys.argv[1]).read()
rows = re.findall(r'<tr><td[^>]*><a href="([^"]*)"[^>]*>([^<]*)</a></td>'
                  r'<td class="num">(\d+)</td><td class="num" data-v="(\d+)">',
                  html)
csv = [l.split(",") for l in open(sys.argv[2]).read().split("\n")[1:] if l]
got = [(k, f, o) for _, k, f, o in rows]
want = [(k, f, o) for k, f, o, _ in csv]
assert got == want, (got, want)
assert "expr=proto%20" in rows[0][0], rows[0][0]
print("  html: %d rows equal, drill-down %s" % (len(rows), rows[0][0][-20:]))
PY

echo "== 3. status"
r=$(get "/status" status)
[ "$r" = "200 text/html; charset=utf-8" ] || fail "status: $r"
grep -q '127.0.7.1' "$T/status" || fail "status does not name 127.0.7.1"
grep -q 'http-equiv="refresh"' "$T/status" || fail "no refresh"
r=$(get "/status?output=json" status.json)
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['totals']['flows'] == 70, d['totals']" \
    "$T/status.json" || fail "status JSON"

echo "== 4. bad input"
for q in "type=proto&lines=huge" "type=%3Cscript%3E" "device=..%2F..%2Fetc" \
    "type=proto&expr=%3Cscript%3Ealert(1)%3C/script%3E" "nosuch=1" \
    "type=proto&lines=99999999999999999999"; do
	r=$(get "/report?$q" bad)
	[ "${r%% *}" = 400 ] || fail "$q: $r"
	grep -q '<form\|<table\|<script' "$T/bad" && fail "$q: page content"
	echo "  $q -> 400: $(sed -n 's/.*<p class="error">\(.*\)<\/p>.*/\1/p' "$T/bad")"
done
r=$(get "/../../etc/passwd" bad)
[ "${r%% *}" = 404 ] || fail "traversal: $r"
r=$(get "/report" bad DELETE)
[ "${r%% *}" = 405 ] || fail "DELETE: $r"

echo "== 5. static assets"
r=$(get "/static/flowkeep.css" css)
[ "$r" = "200 text/css; charset=utf-8" ] || fail "css: $r"
grep -q '^Cache-Control: public, max-age=86400' "$T/css.headers" ||
    fail "css: no caching header"
r=$(get "/static/flowkeep.js" js)
[ "$r" = "200 text/javascript; charset=utf-8" ] || fail "js: $r"

echo "== 5b. graphs"
r=$(get "/graph?$Q&unit=packets" graph)
[ "$r" = "200 text/html; charset=utf-8" ] || fail "graph page: $r"
grep -q '<img src="/graph.png?from=' "$T/graph" || fail "no graph image"
r=$(get "/graph.png?$Q&unit=packets&bucket=60" graph.png)
[ "$r" = "200 image/png" ] || fail "graph.png: $r"
head -c 4 "$T/graph.png" | od -An -c | grep -q 'P   N   G' ||
    fail "graph.png is not a PNG"
grep -q '^Cache-Control: max-age=60' "$T/graph.png.headers" ||
    fail "graph.png: caching header"
echo "  /graph and /graph.png: $(wc -c <"$T/graph.png") bytes"

echo "== 6. flowkeep.cgi with CGI variables"
printf 'workdir "%s"\ncontrol "%s"\n' "$W" "$CTL" >"$T/fk.conf"
FLOWKEEP_CONFIG=$T/fk.conf REQUEST_METHOD=GET PATH_INFO=/report \
    QUERY_STRING="type=srcip&$Q&lines=100000&output=csv" \
    SCRIPT_NAME=/cgi-bin/flowkeep.cgi "$CGI" >"$T/cgi.out" ||
    fail "flowkeep.cgi failed"
head -n 1 "$T/cgi.out" | grep -q '^Status: 200 OK' || fail "cgi status"
sed '1,/^\r$/d' "$T/cgi.out" >"$T/cgi.csv"
cmp -s "$T/cgi.csv" "$T/cli.srcip.csv" || fail "CGI CSV differs"
echo "  cgi: srcip CSV equal"
FLOWKEEP_CONFIG=$T/fk.conf REQUEST_METHOD=GET PATH_INFO=/report \
    QUERY_STRING="" SCRIPT_NAME=/cgi-bin/flowkeep.cgi "$CGI" >"$T/cgi.form"
grep -q 'action="/cgi-bin/flowkeep.cgi/report"' "$T/cgi.form" ||
    fail "CGI form does not post back to the script"
FLOWKEEP_CONFIG=$T/fk.conf REQUEST_METHOD=GET PATH_INFO=/status \
    "$CGI" >"$T/cgi.status"
grep -q '127.0.7.1' "$T/cgi.status" || fail "CGI status"
FLOWKEEP_CONFIG=$T/fk.conf REQUEST_METHOD=GET PATH_INFO=/report \
    QUERY_STRING="lines=%3Cscript%3E" "$CGI" >"$T/cgi.bad"
head -n 1 "$T/cgi.bad" | grep -q '^Status: 400' || fail "CGI bad param"
FLOWKEEP_CONFIG=$T/fk.conf REQUEST_METHOD=POST PATH_INFO=/report \
    CONTENT_LENGTH=99999999 CONTENT_TYPE=application/x-www-form-urlencoded \
    "$CGI" </dev/null >"$T/cgi.big"
head -n 1 "$T/cgi.big" | grep -q '^Status: 413' || fail "CGI huge body"
FLOWKEEP_CONFIG=$T/nonexistent.conf REQUEST_METHOD=GET "$CGI" >"$T/cgi.noconf"
head -n 1 "$T/cgi.noconf" | grep -q '^Status: 500' || fail "CGI no config"
echo "  cgi: status, 400, 413, 500 without a configuration"

echo "== 6b. a reload (SIGHUP to flowkeepd and to its children) keeps the pages"
LPID=$(python3 -c 'import os, sys
for p in os.listdir("/proc"):
    try:
        st = open("/proc/%s/stat" % p).read()
    except (OSError, ValueError):
        continue
    if p.isdigit() and st.rsplit(")", 1)[1].split()[1] == sys.argv[1]:
        print(p)
        break' "$FK_PID")
[ -n "$LPID" ] || fail "no listener process under flowkeepd"
kill -HUP "$FK_PID" "$LPID"
sleep 0.3
r=$(get "/static/flowkeep.css" css2)
[ "$r" = "200 text/css; charset=utf-8" ] || fail "after SIGHUP: $r"
kill -0 "$FK_PID" || fail "flowkeepd died of SIGHUP"

echo "== 7. the listener stops with the daemon"
fk_stop TERM || fail "exit status $? after SIGTERM"
sleep 0.2
python3 -c "import socket; socket.create_connection(('127.0.0.1', $WPORT))" 2>/dev/null &&
    fail "the web listener outlived flowkeepd"

echo "== 8. --quickstart while 127.0.0.1:8080 is taken: collecting still starts"
# the holder says when 8080 is taken (by it, or already by another)
python3 -c 'import socket, sys, time
s = socket.socket()
try:
    s.bind(("127.0.0.1", 8080))
    s.listen(1)
except OSError:
    pass
open(sys.argv[1], "w").close()
time.sleep(20)' "$T/held" &
HOLD=$!
i=0
until [ -f "$T/held" ]; do
	i=$((i + 1)); [ $i -lt 200 ] || fail "the port holder did not start"
	sleep 0.05
done
UPORT=$(free_port)
fk_start "$T/qlog" "$T/qctl" --quickstart --control "$T/qctl" \
    --statefile "$T/qstate" -w "$T/q" "127.0.0.1/0/$UPORT"
grep -q 'web pages off: .*8080' "$T/qlog" || {
	cat "$T/qlog"; fail "no warning about the taken web port"; }
fk_stop TERM || fail "quickstart daemon exit status"
kill "$HOLD" 2>/dev/null
wait "$HOLD" 2>/dev/null
echo "  $(grep -o 'web pages off.*' "$T/qlog")"
echo "PASS"
