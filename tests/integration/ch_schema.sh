#!/bin/sh
# ch_schema.sh - `flowkeep clickhouse schema`: the DDL names every column of
# storage/chrow.c in order, the TTL is 90 days unless --ttl-days or
# --no-ttl says otherwise, --cluster adds the Distributed table and
# --on-cluster the ON CLUSTER clauses, bad arguments print a usage line and
# exit 2.  Where clickhouse-server is installed, the DDL of --cluster fk
# --no-ttl runs on a private two-shard server pair, the tables have the
# columns in the agreed order, and a row inserted through the Distributed
# table on one shard is read back from it on the other.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/common.sh"

need_prog "$FLOWKEEP"
make_tmp

# usage_exit2 DESC CMD...: CMD must exit 2, print a usage line, no DDL
usage_exit2() {
	desc=$1; shift
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	echo "  $desc: exit $rc: $(head -1 "$T/err")"
	[ $rc = 2 ] || fail "$desc: exit status $rc, want 2"
	grep -q "usage: flowkeep clickhouse" "$T/err" || fail "$desc: no usage line"
	[ -s "$T/out" ] && fail "$desc: printed something on stdout"
	return 0
}

echo "== 1. the default DDL"
"$FLOWKEEP" clickhouse schema >"$T/d.sql" || fail "schema failed"
sed 's/^/  | /' "$T/d.sql" | head -8
grep -q '^CREATE DATABASE IF NOT EXISTS flowkeep;' "$T/d.sql" || fail "no database"
grep -q '^CREATE TABLE IF NOT EXISTS flowkeep.flows_local$' "$T/d.sql" ||
    fail "no local table"
grep -q '^ENGINE = MergeTree$' "$T/d.sql" || fail "not a MergeTree"
grep -q '^PARTITION BY day$' "$T/d.sql" || fail "not partitioned by day"
grep -q '^TTL day + INTERVAL 90 DAY$' "$T/d.sql" || fail "default TTL is not 90 days"
grep -q Distributed "$T/d.sql" && fail "a Distributed table without --cluster"
grep -q 'ON CLUSTER' "$T/d.sql" && fail "ON CLUSTER without --on-cluster"
# The columns, in order, as the table lists them.
sed -n '/^(/,/^)/p' "$T/d.sql" | sed '1d;$d' | awk '{ print $1 }' >"$T/cols"
n=$(wc -l <"$T/cols")
[ "$n" = 36 ] || fail "$n columns, want 36"
[ "$(head -1 "$T/cols")" = day ] || fail "first column is not day"
[ "$(sed -n 5p "$T/cols")" = collector ] || fail "column 5 is not collector"
[ "$(tail -1 "$T/cols")" = uptime_ms ] || fail "last column is not uptime_ms"
grep -q '^    src FixedString(16),$' "$T/d.sql" || fail "src is not FixedString(16)"

echo "== 2. options"
"$FLOWKEEP" clickhouse schema --ttl-days 7 --db fk2 --table loc --dist-table dst \
    --cluster c1 >"$T/o.sql" || fail "schema with options failed"
grep -q '^TTL day + INTERVAL 7 DAY$' "$T/o.sql" || fail "--ttl-days 7 not used"
grep -q '^CREATE TABLE IF NOT EXISTS fk2.loc$' "$T/o.sql" || fail "--db/--table not used"
grep -q '^CREATE TABLE IF NOT EXISTS fk2.dst AS fk2.loc$' "$T/o.sql" ||
    fail "no Distributed table fk2.dst"
grep -q '^ENGINE = Distributed(c1, fk2, loc, rand());$' "$T/o.sql" ||
    fail "Distributed engine line"
"$FLOWKEEP" clickhouse schema --no-ttl --cluster=c1 --on-cluster >"$T/n.sql" ||
    fail "schema --no-ttl failed"
grep -q TTL "$T/n.sql" && fail "--no-ttl printed a TTL"
[ "$(grep -c 'ON CLUSTER c1' "$T/n.sql")" = 3 ] || fail "ON CLUSTER not on 3 statements"

echo "== 3. bad arguments"
usage_exit2 "no subcommand" "$FLOWKEEP" clickhouse
usage_exit2 "unknown subcommand" "$FLOWKEEP" clickhouse frobnicate
usage_exit2 "unknown option" "$FLOWKEEP" clickhouse schema --bogus
usage_exit2 "missing value" "$FLOWKEEP" clickhouse schema --cluster
usage_exit2 "bad db name" "$FLOWKEEP" clickhouse schema --db 'x;DROP'
usage_exit2 "bad table name" "$FLOWKEEP" clickhouse schema --table 1abc
usage_exit2 "bad cluster" "$FLOWKEEP" clickhouse schema --cluster 'a b'
usage_exit2 "ttl zero" "$FLOWKEEP" clickhouse schema --ttl-days 0
usage_exit2 "ttl text" "$FLOWKEEP" clickhouse schema --ttl-days 9x
usage_exit2 "ttl negative" "$FLOWKEEP" clickhouse schema --ttl-days -1
usage_exit2 "ttl and no-ttl" "$FLOWKEEP" clickhouse schema --ttl-days 3 --no-ttl
usage_exit2 "on-cluster alone" "$FLOWKEEP" clickhouse schema --on-cluster
usage_exit2 "same table names" "$FLOWKEEP" clickhouse schema --cluster c \
    --table t --dist-table t

echo "== 4. the DDL on clickhouse-server"
. "$LIB/clickhouse.sh"
command -v curl >/dev/null || { echo "SKIP: curl missing"; exit 77; }
ch_need
ch_setup 2
ch_start 1
ch_start 2
"$FLOWKEEP" clickhouse schema --cluster fk --no-ttl >"$T/fk.sql" ||
    fail "schema --cluster fk failed"
# One statement per HTTP request: split at the empty lines.
awk 'BEGIN { RS = ""; n = 0 } { n++; f = sprintf("%s/stmt.%d", D, n);
    sub(/;\n*$/, ""); print > f; close(f) }' D="$T" "$T/fk.sql"
[ -f "$T/stmt.3" ] || fail "the DDL is not three statements"
for s in 1 2; do
	for i in 1 2 3; do
		ch_q $s "$(cat "$T/stmt.$i")" >/dev/null
	done
	# and again: IF NOT EXISTS makes it safe to rerun
	for i in 1 2 3; do
		ch_q $s "$(cat "$T/stmt.$i")" >/dev/null
	done
done
ch_q 1 "SELECT name FROM system.columns WHERE database = 'flowkeep' AND table = 'flows_local' FORMAT TSV" | sed '/^$/d' >"$T/srvcols"
cmp -s "$T/cols" "$T/srvcols" || { diff "$T/cols" "$T/srvcols"; fail "server columns differ from the DDL"; }
ch_q 2 "SELECT engine FROM system.tables WHERE database = 'flowkeep' AND name = 'flows' FORMAT TSV" | sed '/^$/d' >"$T/eng"
[ "$(cat "$T/eng")" = Distributed ] || fail "flows on shard 2 is '$(cat "$T/eng")', not Distributed"
# A row written into shard 1's local table is seen through shard 2's
# Distributed table.
ch_q 1 "INSERT INTO flowkeep.flows_local (day, first_ms, collector, octets) VALUES (20000, 1728000000000, 'chtest', 4242)" >/dev/null
got=$(ch_q 2 "SELECT sum(octets) FROM flowkeep.flows WHERE collector = 'chtest' FORMAT TSV" | sed '/^$/d')
echo "  sum(octets) through shard 2's Distributed table: $got"
[ "$got" = 4242 ] || fail "Distributed read gives '$got', want 4242"
echo "PASS"
