#!/bin/sh
# clickhouse_query.sh - the same answers from ClickHouse as from files.
#
# Two private clickhouse-server shards on 127.0.0.1 (lib/clickhouse.sh),
# the schema from `flowkeep clickhouse schema --cluster fk --no-ttl` run on
# each, then `flowkeep clickhouse load` of known flows in small batches
# round-robin over both shards: the flow-tools vector captures (v1, v5,
# v1005), the real-device NetFlow v9 sessions replayed into flowkeepd
# (IPv6 flows, sampling, several exporters) and a day of synthetic flows
# from tests/bench/fkmkday (20,000, in files named by their times).  Asserts:
#  - every flow arrived once: the shards hold rows in both, their sum is
#    the number of flows in the files;
#  - every report type (each name of doc/reports.md) gives byte-identical
#    CSV from --source clickhouse://.../flowkeep.flows (the Distributed
#    table) and from the files, also with filters (pushed down, and one
#    that falls back: rates), a time window under each inclusion rule,
#    --sampling, --no-auto-sampling, --percent, --lines;
#  - print --output csv gives the same rows (as sorted sets);
#  - graph flows gives the same table and statistics line;
#  - a bad URL is a usage error (exit 2); with one shard stopped the
#    query fails (exit 1) instead of answering from half the data.

. "$(dirname "$0")/lib/common.sh"
. "$LIB/clickhouse.sh"

need_shared
FKMKDAY=$top_builddir/tests/bench/fkmkday
need_prog "$FLOWKEEP" "$FLOWKEEPD" "$UDPSEND" "$FKMKDAY"
command -v curl >/dev/null || { echo "SKIP: curl missing"; exit 77; }
ch_need
make_tmp
TZ=UTC
LC_ALL=C
export TZ LC_ALL
V=$SHARED_DIR/vectors/flow-tools
REAL=$SHARED_DIR/vectors/netflow-real
TAB=$(printf '\t')

# --- the flows: vector captures, and real devices through flowkeepd
FILES=$(find "$V" -path '*/capture/*' -type f -name 'ft-*' | sort)
[ -n "$FILES" ] || fail "no flow-tools vector captures"
# a day of synthetic flows in files named by their times (for windows)
"$FKMKDAY" "$T/day" --flows 20000 --day 2026-11-20 --zlevel 1 >/dev/null ||
    fail "fkmkday"
FILES="$FILES $T/day"
if [ -f "$REAL/index.tsv" ]; then
	PORT=$(free_port)
	fk_start "$T/fk.log" "$T/ctl" -D -w "$T/rd" --control "$T/ctl" \
	    --statefile "$T/state" "127.0.0.1/0/$PORT"
	while IFS=$TAB read -r path group order rest; do
		[ "$path" = path ] && continue
		addr=$(echo "$rest" | cut -f4)
		"$UDPSEND" -b "$addr" 127.0.0.1 "$PORT" "$REAL/$path" \
		    >/dev/null || fail "sending $path"
		sleep 0.01
	done <"$REAL/index.tsv"
	sleep 0.5
	fk_stop QUIT || fail "flowkeepd exit status"
	FILES="$FILES $T/rd"
fi
"$FLOWKEEP" print --output csv $FILES >"$T/all.csv" 2>"$T/err" ||
    { cat "$T/err"; fail "print of the files"; }
NFLOWS=$(($(wc -l <"$T/all.csv") - 1))
NV6=$("$FLOWKEEP" print --output csv --filter inet6 $FILES | tail -n +2 |
    wc -l)
echo "files: $NFLOWS flows, $NV6 IPv6"
[ "$NFLOWS" -gt 100 ] || fail "too few flows to compare ($NFLOWS)"

# --- two shards, the schema on each, the load split over both
ch_setup 2
ch_start 1
ch_start 2
"$FLOWKEEP" clickhouse schema --cluster fk --no-ttl >"$T/ddl.sql" ||
    fail "clickhouse schema"
awk -v d="$T" 'BEGIN { RS = ";\n\n" } NF > 0 { f = d "/stmt" NR;
    printf "%s", $0 > f; close(f) }' "$T/ddl.sql"
for i in 1 2; do
	for s in "$T"/stmt*; do
		ch_q $i "$(cat "$s")" >/dev/null
	done
done
"$FLOWKEEP" clickhouse load --url "http://127.0.0.1:$CH_HTTP_1/" \
    --url "http://127.0.0.1:$CH_HTTP_2/" --table flowkeep.flows_local \
    --collector test --batch 97 $FILES 2>"$T/load.err" ||
    { cat "$T/load.err"; fail "clickhouse load"; }
cat "$T/load.err"
c1=$(ch_q 1 "SELECT count() FROM flowkeep.flows_local" | head -n 1)
c2=$(ch_q 2 "SELECT count() FROM flowkeep.flows_local" | head -n 1)
echo "shard 1: $c1 rows, shard 2: $c2 rows"
[ "$c1" -gt 0 ] && [ "$c2" -gt 0 ] || fail "a shard got no rows"
[ $((c1 + c2)) -eq "$NFLOWS" ] ||
    fail "$((c1 + c2)) rows in ClickHouse, $NFLOWS flows in the files"
SRC=clickhouse://127.0.0.1:$CH_HTTP_1/flowkeep.flows

# same_report LABEL ARGS...: report ARGS from files and from ClickHouse
CMP=0
same_report() {
	_l=$1; shift
	"$FLOWKEEP" report "$@" --output csv $FILES >"$T/f.csv" 2>"$T/f.err"
	_rf=$?
	"$FLOWKEEP" report "$@" --output csv --source "$SRC" >"$T/c.csv" \
	    2>"$T/c.err"
	_rc=$?
	[ $_rf -eq $_rc ] || { cat "$T/f.err" "$T/c.err";
	    fail "$_l: exit $_rf from files, $_rc from ClickHouse"; }
	cmp -s "$T/f.csv" "$T/c.csv" || { diff "$T/f.csv" "$T/c.csv" |
	    head -n 8; fail "$_l: report $* differs"; }
	CMP=$((CMP + 1))
}

# every report type by name
names=$(sed -n 's/^| \([a-z0-9-]*\) | [0-9]* | .*/\1/p' \
    "$top_srcdir/doc/reports.md")
nn=0
for r in $names; do
	same_report "$r" "$r"
	[ -s "$T/f.csv" ] && nn=$((nn + 1))
done
[ $nn -ge 30 ] || fail "only $nn report types gave rows"
echo "ok: $CMP report types ($nn with rows) equal"

# filters, pushed down or not, and options
for flt in 'proto tcp and port 80' \
    'src net 10.0.0.0/8 and not dst port in [53, 123]' \
    'inet6' 'not inet6 and bytes > 1k' 'flags S and not flags A' \
    'exporter 127.0.4.1 or exporter 127.0.1.0/24' \
    'src ip in [0.0.0.0/1, -10.0.0.0/8, 10.1.0.0/16]' \
    'net 2000::/3 and not proto udp' 'duration > 1000 or packets 1-2' \
    'in if in [1, 2, 3] or dst as 0' 'bps > 100000' 'not pps > 5' \
    'engine type 0 and tos 0/0xfc'; do
	for r in srcip ip-pair port proto summary srcprefix6 exporter; do
		same_report "$r / $flt" "$r" --filter "$flt"
	done
done
same_report "sampling" srcip --sampling 10
same_report "no auto sampling" exporter --no-auto-sampling
same_report "percent" dstport --percent --lines 5
same_report "sort" srcas --sort flows --asc --lines 3
# a window inside the synthetic day (the file engine also picks files by
# their names: the window must agree with them)
w0=$(date -u -d '2026-11-20 06:10' +%s)
w1=$(date -u -d '2026-11-20 07:55' +%s)
for rule in any start end all; do
	same_report "window $rule" srcport --from "$w0" --to "$w1" \
	    --rule "$rule"
	[ "$(wc -l <"$T/f.csv")" -gt 10 ] || fail "window $rule: few rows"
	same_report "window $rule" summary --from "$w0" --to "$w1" \
	    --rule "$rule" --filter 'dst port 443'
done
echo "ok: $CMP reports equal in all"

# what was pushed down: a keyed report with a filter SQL can express is a
# GROUP BY with the filter in its WHERE (and one row of what it does not
# count, for the table's note); a rate filter falls back to rows
# (the exact parts still in the WHERE); the summary reads rows
sqlrun() {
	rm -f "$T/sql.log"
	FLOWKEEP_SQL_LOG=$T/sql.log "$FLOWKEEP" report "$@" --source "$SRC" \
	    >/dev/null 2>&1 || fail "report $*"
	NQ=$(wc -l <"$T/sql.log")
}
sqlrun srcip --filter 'proto tcp and src net 10.0.0.0/8'
grep -q 'GROUP BY' "$T/sql.log" || fail "srcip: no GROUP BY"
[ "$NQ" -eq 2 ] || fail "srcip: $NQ queries, not the groups and the note"
grep -q "proto = 6).*src BETWEEN unhex('00000000000000000000ffff0a000000')" \
    "$T/sql.log" || fail "srcip: the filter is not in the WHERE"
sqlrun srcip --filter 'proto tcp and bps > 100000'
grep -q 'GROUP BY' "$T/sql.log" && fail "a rate filter grouped on the server"
[ "$NQ" -eq 1 ] || fail "rate filter: $NQ queries"
grep -q 'proto = 6' "$T/sql.log" || fail "the exact part not pushed down"
sqlrun summary
grep -q 'GROUP BY' "$T/sql.log" && fail "summary grouped on the server"
sqlrun srcport --from "$w0" --to "$w1" --rule start
grep -q "first_ms >= ${w0}000 AND first_ms < ${w1}000" "$T/sql.log" ||
    fail "the window is not in the WHERE"
echo "ok: pushed down as expected"

# print: the same rows (order is the server's)
for flt in '' 'inet6 or proto icmp' 'bps > 1000'; do
	"$FLOWKEEP" print --output csv --filter "$flt" $FILES | sort \
	    >"$T/pf" || fail "print files"
	"$FLOWKEEP" print --output csv --filter "$flt" --source "$SRC" |
	    sort >"$T/pc" || fail "print ClickHouse"
	[ "$(wc -l <"$T/pf")" -gt 1 ] || fail "print '$flt': no rows"
	cmp -s "$T/pf" "$T/pc" || { diff "$T/pf" "$T/pc" | head -n 6;
	    fail "print --filter '$flt' differs"; }
done
echo "ok: print rows equal"

# graph flows over the synthetic day: the table and the statistics line
g0=$(date -u -d '2026-11-20 00:00' +%s)
g1=$(date -u -d '2026-11-21 00:00' +%s)
for u in bits packets flows; do
	for opts in '--top 10' '--stack srcip --top 5' '--top 3 --multiplier 7'; do
		# shellcheck disable=SC2086
		"$FLOWKEEP" graph flows 'proto tcp or port 53' --from "$g0" \
		    --to "$g1" --bucket 900 --unit "$u" $opts --output csv \
		    --png "$T/f.png" $FILES >"$T/gf" 2>"$T/gf.err" ||
		    { cat "$T/gf.err"; fail "graph files"; }
		# shellcheck disable=SC2086
		"$FLOWKEEP" graph flows 'proto tcp or port 53' --from "$g0" \
		    --to "$g1" --bucket 900 --unit "$u" $opts --output csv \
		    --png "$T/c.png" --source "$SRC" >"$T/gc" 2>"$T/gc.err" ||
		    { cat "$T/gc.err"; fail "graph ClickHouse"; }
		[ "$(wc -l <"$T/gf")" -gt 3 ] || fail "graph: no table"
		cmp -s "$T/gf" "$T/gc" ||
		    fail "graph $u $opts: tables differ"
		cmp -s "$T/gf.err" "$T/gc.err" || { cat "$T/gf.err" \
		    "$T/gc.err"; fail "graph $u $opts: statistics differ"; }
		cmp -s "$T/f.png" "$T/c.png" || fail "graph $u: PNGs differ"
	done
done
echo "ok: graph flows equal ($(head -n 1 "$T/gf.err"))"

# the web pages with `source` in the configuration (flowkeep.cgi): a
# report (a GROUP BY), the flow listing and a graph table
CGI=$top_builddir/web/flowkeep.cgi
if [ -x "$CGI" ]; then
	printf 'workdir "%s"\nsource "%s"\n' "$T/none" "$SRC" >"$T/web.conf"
	printf 'workdir "%s"\n' "$T/day" >"$T/webf.conf"
	# cgi CONF PATH QUERY: the body of the answer
	cgi() {
		FLOWKEEP_CONFIG=$1 REQUEST_METHOD=GET PATH_INFO=$2 \
		    QUERY_STRING="$3&from=2026-11-20T06:10&to=2026-11-20T07:55" \
		    SCRIPT_NAME=/cgi-bin/flowkeep.cgi "$CGI" >"$T/cgi.out" ||
		    fail "flowkeep.cgi $2 $3"
		head -n 1 "$T/cgi.out" | grep -q '^Status: 200 OK' ||
		    { head -n 20 "$T/cgi.out"; fail "cgi $2 $3: status"; }
		sed '1,/^\r$/d' "$T/cgi.out"
	}
	for q in 'type=srcip&lines=100000&output=csv&expr=proto+tcp' \
	    'type=ip-pair&lines=100000&output=json&dest_port=443,-80' \
	    'type=summary&output=csv'; do
		cgi "$T/web.conf" /report "$q" >"$T/w.out"
		cgi "$T/webf.conf" /report "$q" >"$T/wf.out"
		[ "$(wc -c <"$T/wf.out")" -gt 200 ] || fail "web $q: short"
		cmp -s "$T/w.out" "$T/wf.out" ||
		    fail "web report $q: ClickHouse and files differ"
	done
	q='type=flows&lines=10000&output=csv&dest_port=443'
	cgi "$T/web.conf" /report "$q" | sort >"$T/w.out"
	cgi "$T/webf.conf" /report "$q" | sort >"$T/wf.out"
	[ "$(wc -l <"$T/wf.out")" -gt 10 ] || fail "web flows: few rows"
	cmp -s "$T/w.out" "$T/wf.out" || fail "web flow listing differs"
	echo "ok: web pages read ClickHouse (source in the configuration)"
fi

# usage errors and a missing shard
for u in 'clickhouse://127.0.0.1/flowkeep' 'clickhouse://h:0/a.b' \
    "clickhouse://127.0.0.1:$CH_HTTP_1/flowkeep.flows;drop" \
    'mysql://h/a.b'; do
	"$FLOWKEEP" report srcip --source "$u" >/dev/null 2>"$T/e"
	[ $? -eq 2 ] || fail "--source '$u': not exit 2"
	grep -q "usage" "$T/e" || fail "--source '$u': no usage line"
done
"$FLOWKEEP" report srcip --source "$SRC" $FILES >/dev/null 2>&1
[ $? -eq 2 ] || fail "--source with files: not exit 2"
ch_stop 2
"$FLOWKEEP" report srcip --source "$SRC" >"$T/half" 2>"$T/e"
[ $? -eq 1 ] || fail "a stopped shard: not exit 1"
grep -q "flowkeep:" "$T/e" || fail "a stopped shard: no message"
echo "ok: errors ($(head -c 100 "$T/e"))"
echo PASS
