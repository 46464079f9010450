#!/bin/sh
# metrics.sh - GET /metrics on the built-in listener and through
# flowkeep.cgi: a private daemon with one device gets lib/mkv5.py's three
# datagrams (70 flows) from 127.0.7.1, one garbage datagram from it, and
# the first and third datagram (40 flows, a 30-flow sequence gap) from
# 127.0.7.3, which belongs to device "edge".  The scraped text must pass
# lib/promcheck.py (Prometheus text format 0.0.4) and its counters must
# equal what was sent: packets, flows, lost flows, corrupt per exporter
# with its device label, the totals, files written, and the listener's
# request counts by route and status; the Status page shows the loss
# warning of 127.0.7.3.  Runs without the shared vectors.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/common.sh"

CGI=$top_builddir/web/flowkeep.cgi
need_prog "$FLOWKEEPD" "$FLOWKEEP" "$UDPSEND" "$CGI"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
make_tmp

get() {
	python3 "$LIB/fetch.py" "http://127.0.0.1:$WPORT$1" "$T/$2"
}

# metric NAME{LABELS}: its value in $T/m.txt (promcheck's sorted form)
metric() {
	awk -v k="$1" '$1 == k { print $2; f = 1 } END { if (!f) print "none" }' \
	    "$T/m.txt"
}

expect() {
	v=$(metric "$1")
	[ "$v" = "$2" ] || fail "$1 = $v, want $2"
	echo "  $1 = $v"
}

NOW=$(date +%s)
python3 "$LIB/mkv5.py" "$T/v5.lpb" "$NOW" || fail "mkv5.py failed"
python3 "$LIB/lpbpick.py" "$T/v5.lpb" "$T/gap.lpb" 0,2 || fail "gap.lpb"
printf '\000\005garbage' >"$T/junk.bin"
W=$T/w
CTL=$T/ctl
UPORT=$(free_port)
WPORT=$(tcp_port)
cat >"$T/fk.conf" <<CONF
workdir "$W"
control "$CTL"
device "edge" {
	exporter 127.0.7.3/32
}
CONF
fk_start "$T/log" "$CTL" -D -z0 -N 0 --config "$T/fk.conf" \
    --statefile "$T/state" --web-listen "127.0.0.1:$WPORT" \
    "127.0.0.1/0/$UPORT"
"$UDPSEND" -b 127.0.7.1 127.0.0.1 "$UPORT" "$T/v5.lpb" >/dev/null
"$UDPSEND" -b 127.0.7.1 127.0.0.1 "$UPORT" "$T/junk.bin" >/dev/null
"$UDPSEND" -b 127.0.7.3 127.0.0.1 "$UPORT" "$T/gap.lpb" >/dev/null
sleep 0.5
fk_ctl "$CTL" rotate >/dev/null || fail "rotate"
i=0
until python3 -c "import socket; socket.create_connection(('127.0.0.1', $WPORT))" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 50 ] || fail "no web listener on $WPORT"
	sleep 0.1
done

echo "== 1. scrape"
get /status st >/dev/null
get /status st >/dev/null
# the warning rules' sentence reaches the web Status page too
grep -q '<li>exporter 127.0.7.3 lost 42.9% of its flows' "$T/st" ||
    fail "the Status page does not show the loss warning"
r=$(get /no-such-page nf)
[ "${r%% *}" = 404 ] || fail "/no-such-page: $r"
r=$(get /metrics m)
[ "$r" = "200 text/plain; version=0.0.4; charset=utf-8" ] || fail "/metrics: $r"
python3 "$LIB/promcheck.py" "$T/m" >"$T/m.txt" || { cat "$T/m.txt"; fail "format"; }
echo "  $(wc -l <"$T/m.txt") samples, format checked"

echo "== 2. counters equal what was sent"
A='device="",exporter="127.0.7.1"'
B='device="edge",exporter="127.0.7.3"'
expect "flowkeep_exporter_packets_total{$A}" 3
expect "flowkeep_exporter_flows_total{$A}" 70
expect "flowkeep_exporter_lost_flows_total{$A}" 0
expect "flowkeep_exporter_corrupt_total{$A}" 1
expect "flowkeep_exporter_packets_total{$B}" 2
expect "flowkeep_exporter_flows_total{$B}" 40
expect "flowkeep_exporter_lost_flows_total{$B}" 30
expect "flowkeep_exporter_corrupt_total{$B}" 0
expect "flowkeep_datagrams_total{}" 6
expect "flowkeep_flows_total{}" 110
expect "flowkeep_corrupt_total{}" 1
expect "flowkeep_kernel_drops_total{}" 0
expect "flowkeep_files_written_total{device=\"\"}" 1
expect "flowkeep_files_written_total{device=\"edge\"}" 1
expect 'flowkeep_http_requests_total{code="200",route="/status"}' 2
expect 'flowkeep_http_requests_total{code="404",route="other"}' 1
# 30 of 70 flows lost: above warn-loss's 1%
expect 'flowkeep_warnings{kind="loss"}' 1
expect 'flowkeep_warnings{kind="silent"}' 0
# a 15-minute rotation during the test would close one more file
d=$(metric 'flowkeep_disk_bytes{device="edge"}')
[ "$d" -gt 0 ] 2>/dev/null || fail "disk bytes of edge: $d"
ls "$W"/edge/ft-* >/dev/null 2>&1 || fail "no file in the edge tree"
echo "  disk bytes of edge: $d"

echo "== 3. a second scrape counts the first"
get /metrics m2 >/dev/null
python3 "$LIB/promcheck.py" "$T/m2" >"$T/m.txt" || fail "format (2)"
expect 'flowkeep_http_requests_total{code="200",route="/metrics"}' 1

echo "== 4. flowkeep.cgi /metrics"
FLOWKEEP_CONFIG=$T/fk.conf REQUEST_METHOD=GET PATH_INFO=/metrics \
    QUERY_STRING="" "$CGI" >"$T/cgi.out" || fail "flowkeep.cgi failed"
head -n 1 "$T/cgi.out" | grep -q '^Status: 200' || fail "cgi status"
grep -q '^Content-Type: text/plain; version=0.0.4' "$T/cgi.out" ||
    fail "cgi content type"
sed '1,/^\r$/d' "$T/cgi.out" >"$T/cgi.m"
python3 "$LIB/promcheck.py" "$T/cgi.m" >"$T/m.txt" || fail "cgi format"
expect "flowkeep_exporter_flows_total{$B}" 40
r=$(get "/metrics?x=1" bad)
[ "${r%% *}" = 400 ] || fail "/metrics?x=1: $r"

echo "== 5. the checker fails on bad text"
printf '# HELP a_total x\n# TYPE a_total counter\na_total{l="q"q"} 1\n' >"$T/bad"
python3 "$LIB/promcheck.py" "$T/bad" >/dev/null && fail "checker took a bad quote"
printf '# HELP a x\n# TYPE a counter\na 1\n' >"$T/bad"
python3 "$LIB/promcheck.py" "$T/bad" >/dev/null && fail "checker took a counter without _total"
fk_stop || fail "flowkeepd exit status"
echo "PASS"
