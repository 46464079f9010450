#!/bin/sh
# clickhouse.sh - flowkeepd's ClickHouse sink against two private
# clickhouse-server shards on 127.0.0.1 (lib/clickhouse.sh), the tables made
# by `flowkeep clickhouse schema --cluster fk --no-ttl` on each.
#
#  1. both shards up: known flows (lib/mkv5.py, and the real-device NetFlow
#     v5/v9 sessions of the shared vectors when present) reach ClickHouse;
#     both shards got rows; every row names the collector;
#  2. shard 2 stopped: status (text and JSON) says it is down with an
#     error, the flows sent meanwhile go to shard 1 or the spool;
#  3. shard 1 stopped too: the flows go to spool files on disk;
#  4. both started again: the spool drains (files deleted, replayed count
#     up) and nothing is queued;
#  5. a batch still open at SIGQUIT goes to a server; one open while both
#     servers are down goes to the spool at SIGQUIT and is sent by the next
#     flowkeepd;
#  6. in the end count(), sum(octets) and sum(packets) over the Distributed
#     table equal `flowkeep report summary` over the flow files written by
#     the same daemons, every row is there once (count() = count of
#     distinct rows), and the sink dropped nothing.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/common.sh"

need_prog "$FLOWKEEPD" "$FLOWKEEP" "$UDPSEND" "$FTDUMP"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
command -v curl >/dev/null || { echo "SKIP: curl missing"; exit 77; }
make_tmp
. "$LIB/clickhouse.sh"
ch_need

ch_setup 2
ch_start 1
ch_start 2
"$FLOWKEEP" clickhouse schema --cluster fk --no-ttl >"$T/fk.sql" ||
    fail "schema failed"
awk 'BEGIN { RS = "" } { n++; f = sprintf("%s/stmt.%d", D, n);
    sub(/;$/, ""); print > f; close(f) }' D="$T" "$T/fk.sql"
for s in 1 2; do
	for i in 1 2 3; do
		ch_q $s "$(cat "$T/stmt.$i")" >/dev/null
	done
done

# chq I SQL: one value from shard I, blank lines dropped
chq() {
	ch_q "$1" "$2 FORMAT TSV" | sed '/^$/d'
}

W=$T/w
CTL=$T/ctl
SPOOL=$T/spool
PORT=$(free_port)
cat >"$T/fk.conf" <<EOF
clickhouse-url "http://127.0.0.1:$CH_HTTP_1/"
clickhouse-url "http://127.0.0.1:$CH_HTTP_2/"
clickhouse-table flowkeep.flows_local
clickhouse-batch-rows 20
clickhouse-batch-age 1
clickhouse-spool-dir "$SPOOL"
collector-name "site-a"
EOF
"$FLOWKEEP" check --config "$T/fk.conf" >"$T/check.out" ||
    fail "check refused the config: $(cat "$T/check.out")"
grep -q "^clickhouse-url \"http://127.0.0.1:$CH_HTTP_2/\"" "$T/check.out" ||
    fail "check does not print the second clickhouse-url"

start_fk() {
	fk_start "$T/log" "$CTL" -D -w "$W" -z0 -N 0 --control "$CTL" \
	    --statefile "$T/state" --config "$T/fk.conf" "127.0.0.1/0/$PORT"
}

# st EXPR: a value of status-json's "clickhouse" object (python syntax,
# c = that object)
st() {
	"$FLOWKEEP" status --json --socket "$CTL" >"$T/st.json" ||
	    fail "status --json failed"
	python3 -c 'import json, sys
c = json.load(open(sys.argv[1]))["clickhouse"]
print(eval(sys.argv[2]))' "$T/st.json" "$1"
}

# wait_for EXPR [SECONDS]: until st EXPR prints True
wait_for() {
	_n=0
	until [ "$(st "$1")" = True ]; do
		_n=$((_n + 1))
		if [ $_n -gt $((${2:-30} * 5)) ]; then
			"$FLOWKEEP" status --socket "$CTL" | sed 's/^/  | /'
			fail "timed out waiting for: $1"
		fi
		sleep 0.2
	done
}

NOW=$(date +%s)
# send N: lib/mkv5.py's 70 flows with export time NOW - 3600 * N, from
# 127.0.7.1 (distinct flows for each N)
SENT=0
send() {
	python3 "$LIB/mkv5.py" "$T/v5.$1.lpb" $((NOW - 3600 * $1)) ||
	    fail "mkv5.py failed"
	"$UDPSEND" -b 127.0.7.1 127.0.0.1 "$PORT" "$T/v5.$1.lpb" >/dev/null ||
	    fail "udpsend failed"
	SENT=$((SENT + 70))
}

echo "== 1. both shards up"
start_fk
send 1
REAL=${SHARED_DIR:-}/vectors/netflow-real
if [ -f "$REAL/index.tsv" ]; then
	TAB=$(printf '\t')
	nreal=0
	while IFS=$TAB read -r path _ _ _ rest; do
		[ "$path" = path ] && continue
		addr=$(echo "$rest" | cut -f3)
		"$UDPSEND" -b "$addr" 127.0.0.1 "$PORT" "$REAL/$path" \
		    >/dev/null || fail "sending $path"
		nreal=$((nreal + 1))
		sleep 0.01
	done <"$REAL/index.tsv"
	echo "  sent 70 flows and $nreal real-device datagrams"
else
	echo "  (no shared vectors: lib/mkv5.py's flows only)"
fi
sleep 0.5
wait_for 'c["rows_in"] >= 70 and c["rows_sent"] == c["rows_in"] and c["queued_rows"] == 0 and c["batch_rows"] == 0'
echo "  status: $(st '"%d rows in, %d sent in %d batches" % (c["rows_in"], c["rows_sent"], c["batches_sent"])')"
n1=$(chq 1 "SELECT count() FROM flowkeep.flows_local")
n2=$(chq 2 "SELECT count() FROM flowkeep.flows_local")
nin=$(st 'c["rows_in"]')
echo "  shard 1 holds $n1 rows, shard 2 $n2"
[ "$n1" -gt 0 ] && [ "$n2" -gt 0 ] || fail "batches did not go to both shards"
[ $((n1 + n2)) = "$nin" ] || fail "$((n1 + n2)) rows in ClickHouse, $nin handed to the sink"
names=$(chq 1 "SELECT groupUniqArray(collector) FROM flowkeep.flows")
[ "$names" = "['site-a']" ] || fail "collector names: $names"
if [ -f "$REAL/index.tsv" ]; then
	v6=$(chq 2 "SELECT count() FROM flowkeep.flows WHERE af = 6")
	v9=$(chq 2 "SELECT count() FROM flowkeep.flows WHERE version = 9")
	echo "  IPv6 rows $v6, NetFlow v9 rows $v9"
	[ "$v6" -gt 0 ] && [ "$v9" -gt 0 ] || fail "no IPv6 or no v9 rows"
fi

echo "== 2. shard 2 stopped"
ch_stop 2
send 2
sleep 0.5
wait_for 'c["rows_in"] == '"$((nin + 70))"' and c["batch_rows"] == 0 and c["queued_rows"] == 0 and not c["servers"][1]["up"]'
"$FLOWKEEP" status --socket "$CTL" >"$T/status.txt" || fail "status failed"
grep '^clickhouse:\|^  127.0.0.1:' "$T/status.txt" | sed 's/^/  | /'
grep -q "^  127.0.0.1:$CH_HTTP_2: down" "$T/status.txt" ||
    fail "status does not say shard 2 is down"
grep -q "^  127.0.0.1:$CH_HTTP_1: up" "$T/status.txt" ||
    fail "status does not say shard 1 is up"
err=$(st 'c["servers"][1]["last_error"]')
[ -n "$err" ] || fail "no last error for shard 2"
[ "$(st 'c["rows_sent"] + c["spooled_rows"] == c["rows_in"]')" = True ] ||
    fail "rows neither sent nor spooled: $(cat "$T/st.json")"
n1b=$(chq 1 "SELECT count() FROM flowkeep.flows_local")
echo "  shard 1 now holds $n1b rows (was $n1)"
[ "$n1b" -gt "$n1" ] || fail "shard 1 got nothing while shard 2 was down"
"$FLOWKEEP" status --socket "$CTL" | grep -q "^WARNING:.*ClickHouse" &&
    fail "a ClickHouse warning before warn-clickhouse minutes"

echo "== 3. shard 1 stopped too"
ch_stop 1
send 3
sleep 0.5
wait_for 'c["rows_in"] == '"$((nin + 140))"' and c["batch_rows"] == 0 and c["queued_rows"] == 0 and c["servers_up"] == 0 and c["spool_files"] > 0'
nsp=$(ls "$SPOOL" | grep -c '^chb-.*\.chb$')
echo "  status: $(st '"%d spool files, %d bytes; %d rows spooled, %d dropped" % (c["spool_files"], c["spool_bytes"], c["spooled_rows"], c["dropped_rows"])'); $nsp files in $SPOOL"
[ "$nsp" -gt 0 ] || fail "no files in the spool directory"
[ "$(st 'c["dropped_rows"]')" = 0 ] || fail "rows dropped"

echo "== 4. both started again: the spool drains"
ch_start 1
ch_start 2
wait_for 'c["spool_files"] == 0 and c["queued_rows"] == 0 and c["servers_up"] == 2' 90
left=$(ls "$SPOOL" | grep -c 'chb-')
[ "$left" = 0 ] || fail "$left files left in the spool"
echo "  status: $(st '"%d rows sent, %d batches replayed, %d send errors" % (c["rows_sent"], c["replayed_batches"], c["send_errors"])')"
[ "$(st 'c["replayed_batches"] > 0')" = True ] || fail "nothing replayed"
[ "$(st 'c["rows_sent"] == c["rows_in"]')" = True ] || fail "not every row sent"

echo "== 5. the open batch at SIGQUIT"
send 4
fk_stop QUIT || fail "flowkeepd exit status $?"
ch_stop 1
ch_stop 2
start_fk
send 5
fk_stop QUIT || fail "flowkeepd exit status $?"
nsp=$(ls "$SPOOL" | grep -c '^chb-.*\.chb$')
echo "  both shards down at SIGQUIT: $nsp spool files left for the next start"
[ "$nsp" -gt 0 ] || fail "the last batches were not spooled at SIGQUIT"
ch_start 1
ch_start 2
start_fk
wait_for 'c["spool_files"] == 0 and c["replayed_batches"] > 0' 60
fk_stop QUIT || fail "flowkeepd exit status $?"

echo "== 6. ClickHouse holds what the files hold, once"
find "$W" -name 'tmp-*' | grep -q . && fail "open files left"
# flow-stat's summary leaves out flows of 0 packets (NSEL events): the same
# WHERE on the ClickHouse side; all records are counted with ftdump.
"$FLOWKEEP" report summary --no-auto-sampling --output csv "$W" \
    >"$T/sum.csv" || fail "report summary failed"
ff=$(grep '^Total Flows,' "$T/sum.csv" | cut -d, -f2)
fo=$(grep '^Total Octets,' "$T/sum.csv" | cut -d, -f2)
fp=$(grep '^Total Packets,' "$T/sum.csv" | cut -d, -f2)
got=$(chq 1 "SELECT count(), sum(octets), sum(packets) FROM flowkeep.flows WHERE packets > 0")
echo "  report summary of the files: $ff flows, $fo octets, $fp packets"
echo "  ClickHouse (packets > 0):    $(echo "$got" | awk '{ printf "%s flows, %s octets, %s packets", $1, $2, $3 }')"
[ "$got" = "$ff	$fo	$fp" ] || fail "ClickHouse and the files differ"
# shellcheck disable=SC2046
"$FTDUMP" $(find "$W" -type f \( -name 'ft-*' -o -name 'fk6-*' \)) \
    >"$T/dump" || fail "ftdump failed"
nf=$(wc -l <"$T/dump" | tr -d ' ')
n=$(chq 1 "SELECT count() FROM flowkeep.flows")
dist=$(chq 2 "SELECT count() FROM (SELECT DISTINCT * FROM flowkeep.flows)")
echo "  all records: $nf in the files, $n rows in ClickHouse, $dist distinct"
[ "$n" = "$nf" ] || fail "$n rows in ClickHouse, $nf records in the files"
[ "$dist" = "$n" ] || fail "$n rows but $dist distinct: some arrived twice"
[ "$n" -ge "$SENT" ] || fail "$n rows stored, $SENT sent by mkv5 alone"
echo "PASS"
