#!/bin/sh
# Tracking benchmark: what 1,000 live trackings cost the collector.
#
# Two release-built flowkeepd run side by side on loopback, one without
# trackings and one with TRACKINGS generated definitions (a mix like a
# real site's: host /32s, subnets /16-/28, ports, interfaces and a few
# multi-field expressions, written by gen_trackings below for fkgen's
# traffic: sources 10.E.x.y, destinations 192.168.x.y (subnets of /16 to
# /19 lie in 172.16/12, outside that traffic, so that a flow matches a
# handful of trackings as at a real site, not dozens), well-known
# destination ports, interfaces 1-16, exporters 127.0.100.E).  Each of
# REPS rounds sends RATE flows/s for DURATION seconds (NetFlow v5, fkgen,
# EXPORTERS exporters) to each daemon in turn and reads, per daemon:
# kernel drops and flows received (`flowkeep status`), CPU time of the
# UDP thread (/proc/PID/task/PID/stat utime+stime) and of the whole
# process, per flow received.  It prints the medians, the added
# microseconds per flow, then waits for FLUSHES steps (track-step 60)
# and prints the median wall time of one step's RRD writes (1,000 RRDs,
# from `flowkeep status`: "last step written").
#
#   make bench-tracking                 (from a release build directory)
#   sh tests/bench/tracking.sh --gen DIR   (only write the definitions)
#   RATE=500000 REPS=5 DURATION=5 FLUSHES=3 sh tests/bench/tracking.sh
set -u
B=${top_builddir:-$(pwd)}
S=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
RATE=${RATE:-500000}
REPS=${REPS:-5}
DURATION=${DURATION:-5}
EXPORTERS=${EXPORTERS:-4}
TRACKINGS=${TRACKINGS:-1000}
FLUSHES=${FLUSHES:-3}
PORT=${PORT:-$((20000 + $$ % 20000))}
TCK=$(getconf CLK_TCK)

FKGEN=$B/tests/bench/fkgen
FLOWKEEPD=$B/src/flowkeepd
FLOWKEEP=$B/src/flowkeep
[ -x "$FKGEN" ] && [ -x "$FLOWKEEPD" ] && [ -x "$FLOWKEEP" ] || {
	echo "bench: build first (make bench-tracking builds $FKGEN)" >&2
	exit 1; }

T=$(mktemp -d /tmp/fktrack.XXXXXX)
P0=; P1=
trap 'kill $P0 $P1 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT INT TERM

# N definitions into directory $1, deterministic.
gen_trackings() {
	mkdir -p "$1"
	awk -v n="$TRACKINGS" -v d="$1" 'BEGIN {
	split("443 80 53 22 123 8080 25 3306 5432 1194 993 995 587 465 " \
	    "5060 3389 5900 8443 9000 6379 11211 389 636 873 179 161 " \
	    "514 2049 111 1812", port, " ")
	split("16 18 19 20 22 24 24 26 27 28", len, " ")
	srand(42)
	# of 20: 8 hosts, 6 subnets, 2 ports, 3 interfaces, 1 several
	for (i = 0; i < n; i++) {
		k = i % 20; r = int(rand() * 65536)
		a = int(r / 256); b = r % 256; e = i % 4
		if (k < 8) {
			f = (k % 2) ? sprintf("host 10.%d.%d.%d", e, a, b) : \
			    sprintf("dst host 192.168.%d.%d", a, b)
		} else if (k < 14) {
			# /16-/19 in space the traffic does not use, longer
			# ones inside it
			l = len[1 + i % 10]
			if (l < 20)
				f = sprintf("net 172.%d.%d.0/%d", 16 + r % 16,
				    a, l)
			else if (k % 2)
				f = sprintf("src net 10.%d.%d.%d/%d", e, a, b,
				    l)
			else
				f = sprintf("dst net 192.168.%d.%d/%d", a, b,
				    l)
		} else if (k < 16) {
			p = port[1 + int(rand() * 30)]
			f = (k % 2) ? sprintf("dst port %d", p) : \
			    sprintf("port in [%d, %d]", p, 1024 + r % 60000)
		} else if (k < 19) {
			f = (k == 16) ? sprintf("in if %d", 1 + r % 48) : \
			    (k == 17) ? sprintf("out if %d", 1 + r % 48) : \
			    sprintf("if in [%d, %d]", 1 + r % 48, 1 + a % 48)
		} else if (i % 3 == 0) {
			f = sprintf("dst net 192.168.%d.0/24 and dst port " \
			    "443 and proto tcp", a)
		} else if (i % 3 == 1) {
			f = sprintf("exporter 127.0.100.%d and in if %d and " \
			    "not dst port 53", 1 + e, 1 + r % 16)
		} else {
			f = sprintf("(src net 10.%d.%d.0/24 or dst net " \
			    "192.168.%d.0/24) and proto udp", e, a, b)
		}
		file = sprintf("%s/t%04d", d, i)
		printf "filter %s\n", f > file
		close(file)
	}}'
}

# Daemon $1 (0 or 1) with tracking directory $2; sets P$1 and C$1.
start_daemon() {
	dir=$T/d$1
	mkdir -p "$dir"
	printf 'track-step 60\ntrack-lateness 1\n' >"$dir/conf"
	"$FLOWKEEPD" --config "$dir/conf" -D -w "$dir/w" -z0 \
	    --control "$dir/ctl" --statefile "$dir/state" \
	    --tracking-dir "$2" --rrd-dir "$dir/rrd" \
	    "127.0.0.1/0/$((PORT + $1))" 2>"$dir/log" &
	eval "P$1=$!"
	i=0
	while [ ! -S "$dir/ctl" ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1)); done
	[ -S "$dir/ctl" ] || { echo "bench: daemon $1 did not start:" \
	    "$(cat "$dir/log")" >&2; exit 1; }
}

status() { "$FLOWKEEP" status --socket "$T/d$1/ctl"; }

# "flows kernel_drops" received so far by daemon $1.
counters() {
	status "$1" | sed -n 's/^totals: .* bytes, \([0-9]*\) flows, .*, \([0-9]*\) kernel drops.*/\1 \2/p'
}

ticks() { awk '{print $14 + $15}' "/proc/$1/task/$1/stat"; }
pticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# One load on daemon $1: "drops lost_pct us_udp_thread us_process".
one_run() {
	eval "pid=\$P$1"
	set -- "$1" $(counters "$1")
	f0=$2; k0=$3; t0=$(ticks "$pid"); q0=$(pticks "$pid")
	flows=$((RATE * DURATION))
	out=$("$FKGEN" --to "127.0.0.1:$((PORT + $1))" --version 5 \
	    --exporters "$EXPORTERS" --rate "$RATE" --flows "$flows")
	sleep 1
	t1=$(ticks "$pid"); q1=$(pticks "$pid")
	set -- "$1" $(counters "$1")
	sent=$(echo "$out" | sed -n 's/.*sent_flows=\([0-9]*\).*/\1/p')
	awk -v s="$sent" -v f="$(($2 - f0))" -v k="$(($3 - k0))" \
	    -v t="$((t1 - t0))" -v q="$((q1 - q0))" -v hz="$TCK" 'BEGIN {
		f1 = f < 1 ? 1 : f
		printf "%d %.3f %.4f %.4f\n", k, (s - f) * 100 / s,
		    t / hz * 1e6 / f1, q / hz * 1e6 / f1 }'
}

median_col() {	# column, lines on stdin
	sort -g -k"$1","$1" | awk -v c="$1" '{v[NR] = $c}
	    END {print v[int((NR + 1) / 2)]}'
}

if [ "${1:-}" = "--gen" ] && [ -n "${2:-}" ]; then	# only write them
	gen_trackings "$2"
	exit 0
fi
gen_trackings "$T/tracks"
mkdir -p "$T/none"
start_daemon 0 "$T/none"
start_daemon 1 "$T/tracks"
n=$(status 1 | sed -n 's/^trackings: \([0-9]*\).*/\1/p')
[ "$n" = "$TRACKINGS" ] || { echo "bench: $n trackings loaded of" \
    "$TRACKINGS: $(cat "$T/d1/log")" >&2; exit 1; }

# The collector thread's share, without the network: track_bench.
[ -x "$B/tests/bench/track_bench" ] && "$B/tests/bench/track_bench" "$T/tracks"
echo "# flowkeep tracking benchmark  $(date -u +%FT%TZ)  $(nproc) cores"
echo "# rate=$RATE flows/s duration=${DURATION}s exporters=$EXPORTERS" \
    "reps=$REPS (medians), v5"
status 1 | grep 'index:'
: >"$T/r0"; : >"$T/r1"
i=0
while [ $i -lt "$REPS" ]; do
	one_run 0 >>"$T/r0"
	one_run 1 >>"$T/r1"
	i=$((i + 1))
done
printf '%-16s %12s %8s %12s %12s\n' daemon kernel_drops lost% \
    us/flow_udp us/flow_proc
for m in 0 1; do
	name=$([ $m = 0 ] && echo "no trackings" || echo "$TRACKINGS trackings")
	printf '%-16s %12s %8s %12s %12s\n' "$name" \
	    "$(median_col 1 <"$T/r$m")" "$(median_col 2 <"$T/r$m")" \
	    "$(median_col 3 <"$T/r$m")" "$(median_col 4 <"$T/r$m")"
done
u0=$(median_col 3 <"$T/r0"); u1=$(median_col 3 <"$T/r1")
awk -v a="$u0" -v b="$u1" 'BEGIN {
	printf "RESULT added_us_per_flow=%.4f (UDP thread, medians) ratio=%.2f\n",
	    b - a, (a > 0 ? b / a : 0) }'
echo "RESULT kernel_drops no_trackings=$(median_col 1 <"$T/r0")" \
    "trackings=$(median_col 1 <"$T/r1")"

# Step flushes: the first one of a run creates the RRDs; take the others.
seen=""; nf=0; waited=0
: >"$T/flush"
while [ $nf -lt "$FLUSHES" ] && [ $waited -lt $((70 * (FLUSHES + 2))) ]; do
	line=$(status 1 | grep 'last step written:')
	t=$(echo "$line" | sed -n 's/.*step ending \([0-9]*\),.*/\1/p')
	st=$(echo "$line" | sed -n 's/.*, \([0-9]*\) steps so far.*/\1/p')
	if [ -n "$t" ] && [ "$t" != "$seen" ]; then
		seen=$t
		echo "#$line"
		if [ "${st:-0}" -gt 1 ]; then
			echo "$line" | sed -n 's/.* in \([0-9.]*\) ms.*/\1/p' \
			    >>"$T/flush"
			nf=$((nf + 1))
		fi
	fi
	sleep 2; waited=$((waited + 2))
done
echo "RESULT step_flush_ms=$(median_col 1 <"$T/flush") for $TRACKINGS RRDs" \
    "(median of $nf steps)"
