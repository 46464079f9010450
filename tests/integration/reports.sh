#!/bin/sh
# reports.sh - flowkeep report through the CLI against the real flow-stat
# outputs in the shared vectors: for every vector file and every keyed
# report flow-stat produced, the CSV rows (keys as flow-stat writes them,
# flows, octets, packets) equal flow-stat's as a set; names and numbers
# give the same report; --top/--sort/--asc, --min-octets, --percent,
# --sampling; JSON that parses; a report on fields a NetFlow v1 file lacks;
# reverse DNS within its deadline and its cache file; usage errors exit 2.

. "$(dirname "$0")/lib/common.sh"

need_shared
need_prog "$FLOWKEEP"
make_tmp
V=$SHARED_DIR/vectors/flow-tools
TZ=UTC
LC_ALL=C
export TZ LC_ALL

# flow-stat's data lines -> "k1 [k2] flows octets packets", prefixes made
# whole ("10.3/16" -> "10.3.0.0/16"), sorted
stat_rows() {
	grep -v '^#' "$1" | awk 'NF > 0 {
		s = ""
		for (i = 1; i <= NF; i++) {
			f = $i
			if (f ~ /^[0-9.]+\/[0-9]+$/) {
				split(f, p, "/"); n = split(p[1], o, ".")
				a = p[1]; for (j = n; j < 4; j++) a = a ".0"
				f = a "/" p[2]
			}
			s = s (i > 1 ? " " : "") f
		}
		print s }' | sort
}

# our CSV without the header -> the same form
csv_rows() {
	tail -n +2 "$1" | tr ',' ' ' | sort
}

n=0
for d in "$V"/*/expected/*/ "$V"/*/*/expected/*/; do
	[ -d "$d" ] || continue
	name=$(basename "$d")
	scen=${d%%/expected/*}
	f=$(find "$scen" -name "$name" -type f ! -path '*/expected/*' |
	    head -n 1)
	[ -n "$f" ] || fail "no vector file for $d"
	for e in "$d"/flow-stat-f*.txt; do
		num=$(basename "$e" .txt | sed 's/flow-stat-f//; s/-S2//')
		case $num in
		0|4|13|14|15) continue ;;	# not tables
		esac
		"$FLOWKEEP" report -f "$num" --sort none --output csv "$f" \
		    >"$T/out.csv" 2>"$T/err" || fail "report -f $num $f"
		stat_rows "$e" >"$T/exp"
		csv_rows "$T/out.csv" >"$T/got"
		cmp -s "$T/exp" "$T/got" || {
			diff "$T/exp" "$T/got" | head -n 5
			fail "report -f $num $f differs from $e"
		}
		n=$((n + 1))
	done
done
[ $n -gt 500 ] || fail "only $n outputs compared"
echo "report: $n flow-stat tables equal as sets"

F=$(find "$V/v1005_basic_z0/capture" -name 'ft-*' -type f | head -n 1)
F1=$(find "$V/v1_basic_z0/capture" -name 'ft-*' -type f | head -n 1)

# names and numbers, and the header line of the CSV
"$FLOWKEEP" report srcip --output csv "$F" >"$T/a" || fail "srcip"
"$FLOWKEEP" report -f 9 --output csv "$F" >"$T/b" || fail "-f 9"
cmp -s "$T/a" "$T/b" || fail "srcip and -f 9 differ"
[ "$(head -n 1 "$T/a")" = "Src Host,flows,octets,packets" ] ||
    fail "CSV header: $(head -n 1 "$T/a")"

# top 3 by octets, descending: the three largest of flow-stat's -S 2
"$FLOWKEEP" report srcip --top 3 --sort octets --output csv "$F" |
    tail -n +2 | cut -d, -f3 >"$T/top"
grep -v '^#' "$V/v1005_basic_z0/expected/$(basename "$F")/flow-stat-f9-S2.txt" |
    awk 'NF > 0 { print $3 }' | head -n 3 >"$T/exptop"
cmp -s "$T/top" "$T/exptop" || fail "--top 3 --sort octets"
# ascending by key: the first address
first=$("$FLOWKEEP" report srcip --sort key --asc --top 1 --output csv "$F" |
    tail -n 1 | cut -d, -f1)
[ "$first" = "10.0.0.1" ] || fail "--sort key --asc gave $first"
# minimum octets
"$FLOWKEEP" report srcip --min-octets 1000000 --output csv "$F" |
    tail -n +2 | awk -F, '$3 < 1000000 { exit 1 }' || fail "--min-octets"
# sampling multiplier: flows, octets, packets times 10
"$FLOWKEEP" report proto --sampling 10 --output csv "$F" >"$T/m" ||
    fail "--sampling"
grep -q '^6,280,43143290570,42949897690$' "$T/m" || {
	cat "$T/m"; fail "--sampling 10"; }
# percentages add up to 100
"$FLOWKEEP" report proto --percent --output csv "$F" | tail -n +2 |
    awk -F, '{ s += $5 } END { if (s < 99.9 || s > 100.1) exit 1 }' ||
    fail "--percent"
# JSON parses and has the rows
"$FLOWKEEP" report ip-pair --output json --top 5 --bps "$F" >"$T/j" ||
    fail "json"
if command -v python3 >/dev/null; then
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["rows"]) == 5, d
assert d["rows"][0]["flows"] == 1 and "bits/s" in d["rows"][0]
' "$T/j" || fail "JSON output"
fi
# summary and short summary
"$FLOWKEEP" report summary --output csv "$F" | grep -q '^Total Flows,70$' ||
    fail "summary"
"$FLOWKEEP" report -f 15 "$F" | grep -q 'MBytes *12933.000' ||
    fail "short summary"

# NetFlow v1 has no AS numbers: a clear error, exit 1
if "$FLOWKEEP" report srcas "$F1" >"$T/out" 2>"$T/err"; then
	fail "srcas on v1 succeeded"
fi
grep -q 'lack the fields' "$T/err" || fail "srcas on v1: $(cat "$T/err")"

# reverse DNS: loopback resolves from /etc/hosts, the cache file is
# written, and an unanswerable address costs at most the deadline
"$FLOWKEEP" report exporter --resolve --dns-cache "$T/dns" \
    --dns-timeout 3000 --output csv "$F" >"$T/r" || fail "--resolve"
# An address is cached once the resolver answered it (a name or "-").
# Where this machine's own resolver cannot answer for 127.0.0.1 within
# the deadline (no hosts entry, a DNS server that drops queries), nothing
# can be cached: say so instead of failing.
if timeout 2 getent hosts 127.0.0.1 >/dev/null 2>&1; then
	[ -s "$T/dns" ] || fail "no DNS cache written"
	grep -q '127.0.0.1' "$T/dns" || fail "DNS cache: $(cat "$T/dns")"
else
	echo "report: this machine does not resolve 127.0.0.1 within 2 s;" \
	    "DNS cache contents not checked"
fi
start=$(date +%s)
"$FLOWKEEP" report srcip --resolve --dns-cache "$T/dns2" \
    --dns-timeout 500 --top 20 "$F" >/dev/null || fail "--resolve srcip"
end=$(date +%s)
[ $((end - start)) -le 8 ] || fail "reverse DNS took $((end - start)) s"

# usage errors: exit 2
for args in "" "bogus $F" "-f 4 $F" "-f 99 $F" "srcip --top x $F" \
    "srcip --sort nothing $F" "srcip --output xml $F" \
    "srcip --sampling 0 $F" "srcip --frobnicate $F"; do
	# shellcheck disable=SC2086
	"$FLOWKEEP" report $args >/dev/null 2>"$T/err"
	rc=$?
	[ $rc -eq 2 ] || fail "report $args: exit $rc, not 2"
	grep -q '^usage: flowkeep report' "$T/err" ||
	    fail "report $args: no usage line"
done
echo "report: options, JSON, names, DNS and usage errors OK"
exit 0
