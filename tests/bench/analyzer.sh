#!/bin/sh
# Analyzer benchmark: flowkeep report against nfdump (and flow-cat |
# flow-stat when installed) on the same flows, in the same run.
#
# One day of FLOWS synthetic flows (tests/bench/fkmkday: 96 compressed
# flow-tools files, flowkeepd's default zlib level) is replayed as NetFlow
# v5 into nfcapd (Debian nfdump, uncompressed files), the flow counts are
# checked, then each query runs REPS times and the medians of wall time,
# CPU time (user + sys) and peak RSS are printed, with the ratio of
# nfdump's wall time to ours.
#
#   make bench-analyzer              (from the build directory)
#   FLOWS=1000000 REPS=3 sh tests/bench/analyzer.sh
#
# The generated data stays in $BENCH_DIR (default /tmp/fkbench-day) and is
# reused while FLOWS is the same.  Its column index sidecars
# (doc/column-index.md) are built by `flowkeep index` into $BENCH_DIR/idx
# (timed once); each query runs with them ("flowkeep-idx"), without them
# (--no-index, "flowkeep") and on the uncompressed copy ("flowkeep-z0").
set -u
B=${top_builddir:-$(pwd)}
FLOWS=${FLOWS:-10000000}
REPS=${REPS:-3}
BENCH_DIR=${BENCH_DIR:-/tmp/fkbench-day}
PORT=${PORT:-$((21000 + $$ % 20000))}
FILTER='dst port 443 and src net 10.1.0.0/16'

FK=$B/src/flowkeep
MKDAY=$B/tests/bench/fkmkday
[ -x "$FK" ] && [ -x "$MKDAY" ] || {
	echo "bench: build first (make bench-analyzer builds $MKDAY)" >&2
	exit 1; }

FT=$BENCH_DIR/ft
NF=$BENCH_DIR/nf
if [ "$(cat "$BENCH_DIR/flows" 2>/dev/null)" != "$FLOWS" ]; then
	rm -rf "$BENCH_DIR"
	mkdir -p "$FT" "$NF"
	echo "# generating $FLOWS flows under $FT" >&2
	"$MKDAY" "$FT" --flows "$FLOWS" >&2 || exit 1
	if command -v nfcapd >/dev/null; then
		echo "# replaying them into nfcapd" >&2
		nfcapd -w "$NF" -p "$PORT" -b 127.0.0.1 -B 16777216 -t 86400 \
		    >"$BENCH_DIR/nfcapd.log" 2>&1 &
		nfpid=$!
		sleep 1
		# shellcheck disable=SC2046
		"$FK" replay $(find "$FT" -name 'ft-*' | sort) \
		    --to "127.0.0.1:$PORT" --version 5 --rate "${RATE:-400000}" >&2
		sleep 2
		kill -TERM "$nfpid"; wait "$nfpid"
	fi
	echo "$FLOWS" >"$BENCH_DIR/flows"
fi
# The same flows uncompressed (fkmkday is deterministic): how much of our
# time is zlib's inflate, the price of flow-capture's default level.
FT0=$BENCH_DIR/ft-z0
if [ ! -f "$BENCH_DIR/z0-done" ]; then
	rm -rf "$FT0"
	echo "# generating the same flows uncompressed under $FT0" >&2
	"$MKDAY" "$FT0" --flows "$FLOWS" --zlevel 0 >&2 && :>"$BENCH_DIR/z0-done"
fi
# The column index sidecars of the zlib-6 files.
IDX=$BENCH_DIR/idx
if [ ! -f "$BENCH_DIR/idx-done" ]; then
	rm -rf "$IDX"
	echo "# indexing $FT into $IDX" >&2
	python3 - "$FK" index --index-dir "$IDX" "$FT" <<'PY' >"$BENCH_DIR/idx-time"
import os, sys, time
t0 = time.monotonic()
pid = os.fork()
if pid == 0:
    os.dup2(2, 1)	# its summary line to stderr
    os.execv(sys.argv[1], sys.argv[1:])
_, st, ru = os.wait4(pid, 0)
print("%.1f s wall, %.1f s CPU" % (time.monotonic() - t0,
    ru.ru_utime + ru.ru_stime))
sys.exit(1 if st else 0)
PY
	[ $? -eq 0 ] && :>"$BENCH_DIR/idx-done"
fi
NFFLOWS=0
if command -v nfdump >/dev/null && [ -d "$NF" ]; then
	NFFLOWS=$(nfdump -R "$NF" -I 2>/dev/null |
	    awk '/^Flows:/ {print $2; exit}')
fi

# measure NAME CMD...: median wall, CPU and peak RSS over REPS runs
measure() {
	name=$1; shift
	python3 - "$name" "$REPS" "$@" <<'PY'
import os, sys, time
name, reps, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
walls, cpus, rss = [], [], []
first = None
for _ in range(reps):
    r, w = os.pipe()
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.dup2(w, 1)
        os.close(r)
        os.close(w)
        os.execvp(cmd[0], cmd)
    os.close(w)
    data = b""
    while True:
        b = os.read(r, 65536)
        if not b:
            break
        data += b
    os.close(r)
    _, status, ru = os.wait4(pid, 0)
    walls.append(time.monotonic() - t0)
    cpus.append(ru.ru_utime + ru.ru_stime)
    rss.append(ru.ru_maxrss / 1024.0)
    if status != 0:
        sys.stderr.write("%s: exit status %d\n" % (name, status))
    if first is None:
        first = data.decode("utf-8", "replace")
def med(v):
    return sorted(v)[len(v) // 2]
print("%-28s %8.3f %8.3f %9.1f" % (name, med(walls), med(cpus), med(rss)))
sys.stderr.write("---- %s: %s\n%s\n" % (name, " ".join(cmd),
    "\n".join(first.splitlines()[:14])))
PY
}

echo "# flowkeep analyzer benchmark  $(date -u +%FT%TZ)  $(nproc) cores"
echo "# $FLOWS flows in $(find "$FT" -type f | wc -l) files," \
    "$(du -sm "$FT" | cut -f1) MiB (ours, zlib 6);" \
    "nfcapd stored $NFFLOWS flows, $(du -sm "$NF" 2>/dev/null | cut -f1)" \
    "MiB; medians of $REPS runs"
ftb=$(find "$FT" -type f -exec stat -c %s {} + | awk '{s += $1} END {print s}')
ixb=$(find "$IDX" -type f -name '*.fkci' -exec stat -c %s {} + |
    awk '{s += $1} END {print s + 0}')
echo "# sidecars: $(awk -v b="$ixb" -v n="$FLOWS" \
    'BEGIN {printf "%.1f", b / n}') bytes a flow (.ft files:" \
    "$(awk -v b="$ftb" -v n="$FLOWS" 'BEGIN {printf "%.1f", b / n}'));" \
    "built in $(cat "$BENCH_DIR/idx-time" 2>/dev/null)"
printf '%-28s %8s %8s %9s\n' query wall_s cpu_s rss_mib
RES=$(mktemp)
trap 'rm -f "$RES"' EXIT
run() { measure "$@" | tee -a "$RES"; }
run "flowkeep-idx top10 srcip" "$FK" report srcip --sort octets --lines 10 \
    --index-dir "$IDX" "$FT"
run "flowkeep-idx summary" "$FK" report summary --index-dir "$IDX" "$FT"
run "flowkeep-idx top10 srcip filter" "$FK" report srcip --sort octets \
    --lines 10 --filter "$FILTER" --index-dir "$IDX" "$FT"
run "flowkeep top10 srcip" "$FK" report srcip --sort octets --lines 10 \
    --no-index "$FT"
run "flowkeep summary" "$FK" report summary --no-index "$FT"
run "flowkeep top10 srcip filter" "$FK" report srcip --sort octets \
    --lines 10 --filter "$FILTER" --no-index "$FT"
run "flowkeep-z0 top10 srcip" "$FK" report srcip --sort octets \
    --lines 10 --no-index "$FT0"
run "flowkeep-z0 summary" "$FK" report summary --no-index "$FT0"
run "flowkeep-z0 top10 srcip filter" "$FK" report srcip --sort octets \
    --lines 10 --filter "$FILTER" --no-index "$FT0"
if [ "$NFFLOWS" -gt 0 ]; then
	run "nfdump top10 srcip" nfdump -q -R "$NF" -s srcip/bytes -n 10
	run "nfdump summary" nfdump -q -R "$NF" -s proto/bytes -n 0
	run "nfdump top10 srcip filter" nfdump -q -R "$NF" \
	    -s srcip/bytes -n 10 "$FILTER"
fi
if command -v flow-cat >/dev/null && command -v flow-stat >/dev/null; then
	run "flow-cat|flow-stat -f9" sh -c \
	    "flow-cat '$FT' | flow-stat -f 9 -S 3"
fi
# peer wall and CPU time / ours, per query (above 1: flowkeep is faster)
awk '/^(flowkeep|flowkeep-idx|flowkeep-z0|nfdump) / {
	q = $0; sub(/^[^ ]+ /, "", q)
	sub(/ +[0-9.]+ +[0-9.]+ +[0-9.]+$/, "", q)
	t[$1, q] = $(NF - 2); c[$1, q] = $(NF - 1); qs[q] = 1
}
END {
	split("flowkeep-idx flowkeep flowkeep-z0", who, " ")
	for (q in qs)
		for (k = 1; k <= 3; k++) {
			us = who[k]
			if ((("nfdump", q) in t) && t[us, q] > 0 &&
			    c[us, q] > 0)
				printf "ratio nfdump/%-12s %-20s wall %5.2f" \
				    "  cpu %5.2f\n", us, q,
				    t["nfdump", q] / t[us, q],
				    c["nfdump", q] / c[us, q]
		}
}' "$RES"
