#!/bin/sh
# ClickHouse query benchmark: the top 10 source IPs by octets over one day
# of synthetic flows, from two ClickHouse shards on this machine (flowkeep
# report --source, a GROUP BY on the servers) versus from the flow-tools
# files (flowkeep report) versus nfdump over the same flows, in one run.
#
#   make bench-clickhouse            (from the build directory)
#   FLOWS=2000000 REPS=5 sh tests/bench/clickhouse_query.sh
#
# The flows are those of tests/bench/analyzer.sh ($BENCH_DIR, default
# /tmp/fkbench-day, 10 M flows with nfcapd's copy) when present with
# FLOWS flows; otherwise FLOWS (default 2,000,000) are generated under
# $T.  They are loaded with `flowkeep clickhouse load` round-robin into
# the two shards (load time printed), then each query runs REPS times and
# the median wall time is printed.  The servers and their data are
# removed at the end.  The answers of ClickHouse and of the files are
# compared first (the benchmark stops if they differ).
set -u
B=${top_builddir:-$(pwd)}
top_builddir=$B
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
export top_builddir top_srcdir
. "$top_srcdir/tests/integration/lib/common.sh"
. "$LIB/clickhouse.sh"
REPS=${REPS:-5}
BENCH_DIR=${BENCH_DIR:-/tmp/fkbench-day}
MKDAY=$B/tests/bench/fkmkday
need_prog "$FLOWKEEP" "$MKDAY"
ch_need
make_tmp

if [ -d "$BENCH_DIR/ft" ] && [ -n "$(cat "$BENCH_DIR/flows" 2>/dev/null)" ] &&
    { [ -z "${FLOWS:-}" ] || [ "$(cat "$BENCH_DIR/flows")" = "$FLOWS" ]; }
then
	FLOWS=$(cat "$BENCH_DIR/flows")
	FT=$BENCH_DIR/ft
	NF=$BENCH_DIR/nf
	echo "# reusing $FLOWS flows of $BENCH_DIR"
else
	FLOWS=${FLOWS:-2000000}
	FT=$T/ft
	NF=
	echo "# generating $FLOWS flows under $FT (no $BENCH_DIR of that size)"
	"$MKDAY" "$FT" --flows "$FLOWS" >/dev/null || exit 1
fi

now() { date +%s.%N; }

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# timeit LABEL CMD...: REPS runs, median wall seconds
timeit() {
	_l=$1; shift
	: >"$T/times"
	_i=0
	while [ $_i -lt "$REPS" ]; do
		_a=$(now)
		"$@" >/dev/null 2>&1 || { echo "FAIL: $_l"; exit 1; }
		_b=$(now)
		awk -v a="$_a" -v b="$_b" 'BEGIN { print b - a }' >>"$T/times"
		_i=$((_i + 1))
	done
	printf '%-44s %8.3f s  (median of %d)\n' "$_l" "$(median <"$T/times")" \
	    "$REPS"
}

ch_setup 2
ch_start 1
ch_start 2
"$FLOWKEEP" clickhouse schema --cluster fk --no-ttl >"$T/ddl.sql" || exit 1
awk -v d="$T" 'BEGIN { RS = ";\n\n" } NF > 0 { f = d "/stmt" NR;
    printf "%s", $0 > f; close(f) }' "$T/ddl.sql"
for i in 1 2; do
	for s in "$T"/stmt*; do
		ch_q $i "$(cat "$s")" >/dev/null
	done
done
a=$(now)
"$FLOWKEEP" clickhouse load --url "http://127.0.0.1:$CH_HTTP_1/" \
    --url "http://127.0.0.1:$CH_HTTP_2/" --table flowkeep.flows_local \
    "$FT" || exit 1
b=$(now)
n=$(ch_q 1 "SELECT count() FROM flowkeep.flows" | head -n 1)
[ "$n" = "$FLOWS" ] || { echo "FAIL: $n rows loaded, $FLOWS flows"; exit 1; }
awk -v n="$FLOWS" -v a="$a" -v b="$b" 'BEGIN { printf "load: %d flows in \
%.1f s (%.0f flows/s) into 2 shards\n", n, b - a, n / (b - a) }'
for i in 1 2; do
	echo "shard $i: $(ch_q $i "SELECT count(), sum(bytes_on_disk) FROM \
system.parts WHERE active AND table = 'flows_local'" | head -n 1 |
	    awk '{ printf "%d parts, %.1f MB on disk", $1, $2 / 1e6 }')"
done

SRC=clickhouse://127.0.0.1:$CH_HTTP_1/flowkeep.flows
"$FLOWKEEP" report srcip --lines 10 --output csv --source "$SRC" >"$T/c"
"$FLOWKEEP" report srcip --lines 10 --output csv "$FT" >"$T/f"
cmp -s "$T/c" "$T/f" || { echo "FAIL: the answers differ"; diff "$T/c" "$T/f"; exit 1; }
echo "top 10 source IPs by octets (the same from both):"
sed 's/^/  /' "$T/c"

timeit "flowkeep report srcip --source clickhouse" \
    "$FLOWKEEP" report srcip --lines 10 --source "$SRC"
timeit "flowkeep report srcip (flow-tools files)" \
    "$FLOWKEEP" report srcip --lines 10 "$FT"
timeit "SQL alone (GROUP BY src ORDER BY LIMIT 10)" \
    ch_q 1 "SELECT src, sum(octets) AS o FROM flowkeep.flows GROUP BY src \
ORDER BY o DESC LIMIT 10"
if [ -n "$NF" ] && [ -d "$NF" ] && command -v nfdump >/dev/null; then
	timeit "nfdump -s srcip/bytes -n 10" \
	    nfdump -R "$NF" -s srcip/bytes -n 10 -q
fi
