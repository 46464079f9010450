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
# warning of 127.0.7.3.  Fault counters: a datagram from 127.0.7.9 (not
# on the allow-list) and a v9 data flowset from 127.0.7.5 whose template
# never came move the refused and pending counters from their zero of the
# scrape before, and lib/statusprom.py finds every counter of `flowkeep
# status --json` in the metrics with the same value.  Runs without the
# shared vectors.
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
# v9, one data flowset (12 bytes) for template 300, never announced
python3 -c 'import struct, sys, time
sys.stdout.buffer.write(struct.pack("!HHIIIIHH8s", 9, 1, 60000,
    int(time.time()), 0, 7, 300, 12, bytes(8)))' >"$T/pend.bin"
W=$T/w
CTL=$T/ctl
UPORT=$(free_port)
WPORT=$(tcp_port)
cat >"$T/fk.conf" <<CONF
workdir "$W"
control "$CTL"
allow 127.0.7.0/29
device "edge" {
	exporter 127.0.7.3/32
}
CONF
fk_start "$T/log" "$CTL" -D -z0 -N 0 --config "$T/fk.conf" \
    --statefile "$T/state" --web-listen "127.0.0.1:$WPORT" \
    "127.0.0.1/0/$UPORT"
fk_ctl "$CTL" metrics >"$T/m0" || fail "metrics over the control socket"
"$UDPSEND" -b 127.0.7.1 127.0.0.1 "$UPORT" "$T/v5.lpb" >/dev/null
"$UDPSEND" -b 127.0.7.1 127.0.0.1 "$UPORT" "$T/junk.bin" >/dev/null
"$UDPSEND" -b 127.0.7.3 127.0.0.1 "$UPORT" "$T/gap.lpb" >/dev/null
"$UDPSEND" -b 127.0.7.5 127.0.0.1 "$UPORT" "$T/pend.bin" >/dev/null
"$UDPSEND" -b 127.0.7.9 127.0.0.1 "$UPORT" "$T/pend.bin" >/dev/null
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
expect "flowkeep_datagrams_total{}" 8
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

echo "== 2b. fault counters, and every status counter, in the metrics"
sed 1d "$T/m0" >"$T/m0.body"
python3 "$LIB/promcheck.py" "$T/m0.body" >"$T/m0.txt" || fail "format (0)"
cp "$T/m.txt" "$T/m1.txt"
# before: 0; after: what was provoked
was() {
	v=$(awk -v k="$1" '$1 == k { print $2; f = 1 } END { if (!f) print "none" }' \
	    "$T/m0.txt")
	[ "$v" = "$2" ] || fail "before: $1 = $v, want $2"
}
C='device="",exporter="127.0.7.5"'
was 'flowkeep_refused_total{}' 0
was 'flowkeep_decoder_pending_bytes{}' 0
was 'flowkeep_unwritten_flows_total{device=""}' 0
was 'flowkeep_write_errors_total{device="edge"}' 0
expect 'flowkeep_refused_total{}' 1
expect "flowkeep_exporter_pending{$C}" 1
expect "flowkeep_exporter_packets_total{$C}" 1
expect 'flowkeep_decoder_exporters{}' 3
for k in pending_bytes pending_bytes_peak; do
	v=$(metric "flowkeep_decoder_$k{}")
	[ "$v" -gt 0 ] 2>/dev/null || fail "flowkeep_decoder_$k = $v"
	echo "  flowkeep_decoder_$k{} = $v"
done
for f in write_errors unwritten_flows files_recovered recovered_flows \
    recover_failures files_salvaged salvage_failures; do
	expect "flowkeep_${f}_total{device=\"edge\"}" 0
done
"$FLOWKEEP" status --json --socket "$CTL" >"$T/st.json" || fail "status"
fk_ctl "$CTL" metrics >"$T/m.now" || fail "metrics"
python3 "$LIB/statusprom.py" --socket "$CTL" ||
    fail "status and metrics differ"
# the check fails on a status counter the metrics lack or disagree with
python3 - "$T/st.json" <<'PY' || fail "editing the status copy"
import json, sys
d = json.load(open(sys.argv[1]))
d["devices"][0]["write_errors"] += 1
d["decoder"]["new_counter"] = 0
json.dump(d, open(sys.argv[1] + ".bad", "w"))
PY
python3 "$LIB/statusprom.py" "$T/st.json.bad" "$T/m.now" >"$T/sp.out" &&
    fail "statusprom took a changed status"
grep -q 'write_errors' "$T/sp.out" && grep -q 'new_counter' "$T/sp.out" ||
    fail "statusprom did not name both faults: $(cat "$T/sp.out")"

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
