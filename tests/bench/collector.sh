#!/bin/sh
# Collector benchmark: flowkeepd (-z0 and default zlib) against nfcapd
# (Debian nfdump, -B 16777216) in the same run, on loopback.
#
# For each collector and NetFlow version it sends REPS runs of DURATION
# seconds at increasing flow rates from EXPORTERS exporters (fkgen, bound to
# 127.0.100.x) and prints, per rate, the median loss, CPU microseconds per
# stored flow, peak RSS and bytes on disk per flow; then the highest rate
# whose median loss stays below 0.1 %.
#
#   make bench                      (from the build directory)
#   RATES="500000 1000000" REPS=3 DURATION=3 sh tests/bench/collector.sh
set -u
B=${top_builddir:-$(pwd)}
S=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
RATES=${RATES:-"250000 500000 1000000 2000000 3000000 4000000 6000000"}
REPS=${REPS:-3}
DURATION=${DURATION:-3}
EXPORTERS=${EXPORTERS:-4}
COLLECTORS=${COLLECTORS:-"flowkeepd-z0 flowkeepd-z6 nfcapd"}
VERSIONS=${VERSIONS:-"5 9"}
PORT=${PORT:-$((20000 + $$ % 20000))}
TCK=$(getconf CLK_TCK)

FKGEN=$B/tests/bench/fkgen
FLOWKEEPD=$B/src/flowkeepd
[ -x "$FKGEN" ] && [ -x "$FLOWKEEPD" ] || {
	echo "bench: build first (make bench builds $FKGEN)" >&2; exit 1; }
command -v nfcapd >/dev/null || {
	echo "bench: nfcapd not found (apt-get install nfdump); skipping peer" >&2
	COLLECTORS=$(echo "$COLLECTORS" | sed 's/nfcapd//'); }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
peak_rss_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }

# Count flows stored by flowkeepd: FLOW_COUNT of every closed file header.
count_ft() {
	python3 - "$1" <<'PY'
import os, struct, sys
total = 0
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        if not (f.startswith("ft-") or f.startswith("fk6-")):
            continue
        b = open(os.path.join(root, f), "rb").read(4096)
        e = "<" if b[2] == 1 else ">"
        h = struct.unpack(e + "I", b[4:8])[0]
        off = 8
        while off + 4 <= h:
            t, l = struct.unpack(e + "HH", b[off:off + 4])
            if t == 0x0A:
                total += struct.unpack(e + "I", b[off + 4:off + 8])[0]
            off += 4 + l
print(total)
PY
}

count_nf() {
	nfdump -R "$1" -I 2>/dev/null | awk '/^Flows:/ {print $2; exit}'
}

start_collector() {	# name dir -> sets PID
	case "$1" in
	flowkeepd-z0)
		"$FLOWKEEPD" -D -w "$2" -z0 --control "$2/.ctl" \
		    --statefile "$2/.state" "127.0.0.1/0/$PORT" 2>"$2.log" &
		;;
	flowkeepd-z6)
		"$FLOWKEEPD" -D -w "$2" --control "$2/.ctl" \
		    --statefile "$2/.state" "127.0.0.1/0/$PORT" 2>"$2.log" &
		;;
	nfcapd)
		nfcapd -w "$2" -p "$PORT" -b 127.0.0.1 -B 16777216 \
		    >"$2.log" 2>&1 &
		;;
	esac
	PID=$!
	sleep 0.7
}

# one run: prints "loss_pct us_per_flow rss_kb bytes_per_flow sent stored"
one_run() {	# collector version rate
	dir=$(mktemp -d /tmp/fkbench.XXXXXX)
	start_collector "$1" "$dir"
	c0=$(cpu_ticks "$PID")
	flows=$(awk -v r="$3" -v d="$DURATION" 'BEGIN {printf "%d", r * d}')
	out=$("$FKGEN" --to "127.0.0.1:$PORT" --version "$2" \
	    --exporters "$EXPORTERS" --rate "$3" --flows "$flows")
	sleep 1
	c1=$(cpu_ticks "$PID")
	rss=$(peak_rss_kb "$PID")
	kill -TERM "$PID"; wait "$PID" 2>/dev/null
	sent=$(echo "$out" | sed -n 's/.*sent_flows=\([0-9]*\).*/\1/p')
	case "$1" in
	nfcapd) stored=$(count_nf "$dir") ;;
	*) stored=$(count_ft "$dir") ;;
	esac
	bytes=$(find "$dir" -type f ! -name '.*' -printf '%s\n' |
	    awk '{s += $1} END {print s + 0}')
	awk -v s="$sent" -v k="${stored:-0}" -v c="$((c1 - c0))" -v t="$TCK" \
	    -v r="$rss" -v b="$bytes" 'BEGIN {
		if (k < 1) k1 = 1; else k1 = k
		printf "%.3f %.4f %d %.1f %d %d\n", (s - k) * 100 / s,
		    c / t * 1e6 / k1, r, b / k1, s, k }'
	rm -rf "$dir" "$dir.log"
}

median_col() {	# column, lines on stdin
	sort -g -k"$1","$1" | awk -v c="$1" '{v[NR] = $c}
	    END {print v[int((NR + 1) / 2)]}'
}

echo "# flowkeep collector benchmark  $(date -u +%FT%TZ)  $(nproc) cores"
echo "# exporters=$EXPORTERS duration=${DURATION}s reps=$REPS (medians)"
printf '%-14s %2s %9s %8s %9s %8s %10s\n' collector v rate loss% \
    us/flow rss_kb bytes/flow
for v in $VERSIONS; do
	for c in $COLLECTORS; do
		best=0; fails=0
		for r in $RATES; do
			runs=$(i=0; while [ $i -lt "$REPS" ]; do
				one_run "$c" "$v" "$r"; i=$((i + 1)); done)
			loss=$(echo "$runs" | median_col 1)
			us=$(echo "$runs" | median_col 2)
			rss=$(echo "$runs" | median_col 3)
			bpf=$(echo "$runs" | median_col 4)
			printf '%-14s %2s %9s %8s %9s %8s %10s\n' "$c" "$v" \
			    "$r" "$loss" "$us" "$rss" "$bpf"
			if awk -v l="$loss" 'BEGIN {exit !(l < 0.1)}'; then
				best=$r; fails=0
			else
				fails=$((fails + 1))
				[ $fails -ge 2 ] && break
			fi
		done
		echo "RESULT $c v$v lossless_rate=$best"
	done
done
