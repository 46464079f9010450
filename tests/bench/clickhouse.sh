#!/bin/sh
# ClickHouse sink benchmark: how many flows/s flowkeepd streams into a
# two-shard ClickHouse cluster without loss, and what the sink costs.
#
# Two private clickhouse-server shards on 127.0.0.1 (tests/integration/
# lib/clickhouse.sh), the tables from `flowkeep clickhouse schema --cluster
# fk --no-ttl` on each.
#
# 1. Sustained rate: one release-built flowkeepd with both shards as
#    clickhouse-url (batches of BATCH rows, files written as well, -z0).
#    For each rate of RATES, REPS runs: fkgen sends RATE flows/s for
#    DURATION s (NetFlow v5, EXPORTERS exporters); then we wait until the
#    sink has nothing queued and count the rows that arrived (count() over
#    the Distributed table, before and after).  Per rate the medians of
#    flows sent, rows arrived, loss (sent - arrived), kernel drops, wall
#    time until drained and batches that went through the spool (memory
#    queue over clickhouse-queue); the result is the highest rate whose
#    every run lost nothing.
# 2. CPU: two flowkeepd side by side, without and with the sink, each sent
#    CPU_RATE flows/s for DURATION s, REPS times in turn; CPU microseconds
#    per flow of the UDP thread and of the whole process (utime + stime
#    from /proc), medians, and what the sink adds.
#
#   make bench-clickhouse-sink           (from a release build directory)
#   RATES="100000 200000" REPS=3 DURATION=3 CPU_RATE=100000 \
#       sh tests/bench/clickhouse.sh
set -u
B=${top_builddir:-$(pwd)}
S=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
RATES=${RATES:-"50000 100000 200000 400000"}
REPS=${REPS:-3}
DURATION=${DURATION:-3}
EXPORTERS=${EXPORTERS:-4}
BATCH=${BATCH:-10000}
CPU_RATE=${CPU_RATE:-100000}
TCK=$(getconf CLK_TCK)

top_builddir=$B
top_srcdir=$S
. "$S/tests/integration/lib/common.sh"
. "$S/tests/integration/lib/clickhouse.sh"
FKGEN=$B/tests/bench/fkgen
[ -x "$FKGEN" ] && [ -x "$FLOWKEEPD" ] && [ -x "$FLOWKEEP" ] || {
	echo "bench: build first (make bench-clickhouse-sink builds $FKGEN)" >&2
	exit 1; }
ch_need
make_tmp
P0=; P1=
ch_setup 2
# (after ch_setup, which sets its own EXIT trap)
trap 'kill $P0 $P1 2>/dev/null; wait $P0 $P1 2>/dev/null; ch_kill_all; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
ch_start 1
ch_start 2
"$FLOWKEEP" clickhouse schema --cluster fk --no-ttl >"$T/fk.sql"
awk 'BEGIN { RS = "" } { n++; f = sprintf("%s/stmt.%d", D, n);
    sub(/;$/, ""); print > f; close(f) }' D="$T" "$T/fk.sql"
for s in 1 2; do
	for i in 1 2 3; do
		ch_q $s "$(cat "$T/stmt.$i")" >/dev/null
	done
done
chq() { ch_q "$1" "$2 FORMAT TSV" | sed '/^$/d'; }

# Daemon $1 (0: no sink, 1: the sink); sets P$1 and U$1 (its UDP port).
start_daemon() {
	dir=$T/d$1
	mkdir -p "$dir"
	: >"$dir/conf"
	if [ "$1" = 1 ]; then
		cat >"$dir/conf" <<EOF
clickhouse-url "http://127.0.0.1:$CH_HTTP_1/"
clickhouse-url "http://127.0.0.1:$CH_HTTP_2/"
clickhouse-batch-rows $BATCH
clickhouse-spool-dir "$dir/spool"
EOF
	fi
	port=$(free_port)
	eval "U$1=$port"
	"$FLOWKEEPD" --config "$dir/conf" -D -w "$dir/w" -z0 \
	    --control "$dir/ctl" --statefile "$dir/state" \
	    "127.0.0.1/0/$port" 2>"$dir/log" &
	eval "P$1=$!"
	i=0
	while [ ! -S "$dir/ctl" ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1)); done
	[ -S "$dir/ctl" ] || { echo "bench: daemon $1 did not start:" \
	    "$(cat "$dir/log")" >&2; exit 1; }
}

# A value of daemon 1's status-json "clickhouse" object.
chst() {
	"$FLOWKEEP" status --json --socket "$T/d1/ctl" | python3 -c '
import json, sys
c = json.load(sys.stdin)["clickhouse"]
print(eval(sys.argv[1]))' "$1"
}

kdrops() {
	"$FLOWKEEP" status --socket "$T/d$1/ctl" |
	    sed -n 's/^totals: .* \([0-9]*\) kernel drops.*/\1/p'
}

ticks() { awk '{print $14 + $15}' "/proc/$1/task/$1/stat"; }
pticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

median_col() {	# column, lines on stdin
	sort -g -k"$1","$1" | awk -v c="$1" '{v[NR] = $c}
	    END {print v[int((NR + 1) / 2)]}'
}

# Until daemon 1's sink has sent or spooled all it got (60 s at most).
drain() {
	i=0
	until [ "$(chst 'c["queued_rows"] == 0 and c["batch_rows"] == 0 and c["spool_files"] == 0 and c["rows_sent"] + c["dropped_rows"] == c["rows_in"]')" = True ]; do
		i=$((i + 1))
		[ $i -gt 300 ] && { echo "bench: the sink did not drain" >&2; break; }
		sleep 0.2
	done
}

echo "# flowkeep ClickHouse sink benchmark  $(date -u +%FT%TZ)  $(nproc) cores"
echo "# clickhouse-server $(chq 1 "SELECT version()"), 2 shards on 127.0.0.1"
echo "# rates=\"$RATES\" duration=${DURATION}s exporters=$EXPORTERS" \
    "reps=$REPS batch=$BATCH (medians), v5"

start_daemon 1
printf '%-10s %12s %12s %10s %12s %10s %10s\n' rate/s sent arrived lost \
    kernel_drops wall_s spooled
best=0
for rate in $RATES; do
	: >"$T/rate"
	r=0
	while [ $r -lt "$REPS" ]; do
		c0=$(chq 1 "SELECT count() FROM flowkeep.flows")
		k0=$(kdrops 1)
		b0=$(chst 'c["spooled_batches"]')
		s0=$(date +%s%N)
		out=$("$FKGEN" --to "127.0.0.1:$U1" --version 5 \
		    --exporters "$EXPORTERS" --rate "$rate" \
		    --flows $((rate * DURATION)))
		sleep 1.5	# the last batch ages out
		drain
		s1=$(date +%s%N)
		c1=$(chq 1 "SELECT count() FROM flowkeep.flows")
		k1=$(kdrops 1)
		b1=$(chst 'c["spooled_batches"]')
		sent=$(echo "$out" | sed -n 's/.*sent_flows=\([0-9]*\).*/\1/p')
		echo "$sent $((c1 - c0)) $((sent - (c1 - c0))) $((k1 - k0))" \
		    "$(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')" \
		    "$((b1 - b0))" >>"$T/rate"
		r=$((r + 1))
	done
	maxlost=$(sort -g -k3,3 "$T/rate" | tail -1 | cut -d' ' -f3)
	printf '%-10s %12s %12s %10s %12s %10s %10s\n' "$rate" \
	    "$(median_col 1 <"$T/rate")" "$(median_col 2 <"$T/rate")" \
	    "$(median_col 3 <"$T/rate")" "$(median_col 4 <"$T/rate")" \
	    "$(median_col 5 <"$T/rate")" "$(median_col 6 <"$T/rate")"
	[ "$maxlost" = 0 ] && best=$rate
done
echo "RESULT sustained_no_loss_flows_per_s=$best (highest rate of RATES" \
    "where count() = flows sent in every run)"
echo "# sink: $(chst '"%d rows sent in %d batches, %d send errors, %d spooled, %d dropped" % (c["rows_sent"], c["batches_sent"], c["send_errors"], c["spooled_batches"], c["dropped_rows"])')"
kill "$P1"; wait "$P1" 2>/dev/null; P1=

# CPU per flow, with and without the sink.
start_daemon 0
start_daemon 1
: >"$T/c0"; : >"$T/c1"
r=0
while [ $r -lt "$REPS" ]; do
	for m in 0 1; do
		eval "pid=\$P$m; port=\$U$m"
		f0=$("$FLOWKEEP" status --socket "$T/d$m/ctl" |
		    sed -n 's/^totals: .* bytes, \([0-9]*\) flows, .*/\1/p')
		t0=$(ticks "$pid"); q0=$(pticks "$pid")
		"$FKGEN" --to "127.0.0.1:$port" --version 5 \
		    --exporters "$EXPORTERS" --rate "$CPU_RATE" \
		    --flows $((CPU_RATE * DURATION)) >/dev/null
		sleep 1.5
		t1=$(ticks "$pid"); q1=$(pticks "$pid")
		f1=$("$FLOWKEEP" status --socket "$T/d$m/ctl" |
		    sed -n 's/^totals: .* bytes, \([0-9]*\) flows, .*/\1/p')
		awk -v f="$((f1 - f0))" -v t="$((t1 - t0))" -v q="$((q1 - q0))" \
		    -v hz="$TCK" 'BEGIN { f = f < 1 ? 1 : f
		    printf "%.4f %.4f\n", t / hz * 1e6 / f, q / hz * 1e6 / f }' \
		    >>"$T/c$m"
	done
	r=$((r + 1))
done
printf '%-12s %14s %14s\n' daemon us/flow_udp us/flow_proc
printf '%-12s %14s %14s\n' "no sink" "$(median_col 1 <"$T/c0")" \
    "$(median_col 2 <"$T/c0")"
printf '%-12s %14s %14s\n' "sink" "$(median_col 1 <"$T/c1")" \
    "$(median_col 2 <"$T/c1")"
awk -v a="$(median_col 1 <"$T/c0")" -v b="$(median_col 1 <"$T/c1")" \
    -v c="$(median_col 2 <"$T/c0")" -v d="$(median_col 2 <"$T/c1")" \
    -v r="$CPU_RATE" 'BEGIN {
	printf "RESULT sink_added_us_per_flow udp_thread=%.4f process=%.4f" \
	    " (at %d flows/s, medians)\n", b - a, d - c, r }'
