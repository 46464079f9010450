#!/bin/sh
# listing.sh - flowkeep print / cat / header against the real flow-tools
# outputs in the shared vectors: every flow-print -f N output and every
# flow-header output byte for byte, the flow-cat merges (same bytes for the
# uncompressed ones; header and records for all), time windows over a
# nested tree and a configured device, standard input, CSV and JSON, a
# corrupt file in the middle of a selection, and usage errors (exit 2).

. "$(dirname "$0")/lib/common.sh"

need_shared
need_prog "$FLOWKEEP"
make_tmp
V=$SHARED_DIR/vectors/flow-tools
TZ=UTC
LC_ALL=C
export TZ LC_ALL

# ---- print and header: every expected output of every vector file
n=0
for d in "$V"/*/expected/*/ "$V"/*/*/expected/*/; do
	[ -d "$d" ] || continue
	name=$(basename "$d")
	scen=${d%%/expected/*}
	f=$(find "$scen" -name "$name" -type f ! -path '*/expected/*' |
	    head -n 1)
	[ -n "$f" ] || fail "no vector file for $d"
	for e in "$d"/flow-print*.txt; do
		b=$(basename "$e" .txt)
		case $b in
		*-n)	continue ;;	# symbolic names: not implemented
		esac
		args=$(echo "${b#flow-print}" |
		    sed 's/-f\([0-9]*\)/ -f \1/; s/-\([wp]\)/ -\1/g')
		# shellcheck disable=SC2086
		"$FLOWKEEP" print $args "$f" >"$T/out" 2>"$T/err"
		cmp -s "$T/out" "$e" || {
			diff "$e" "$T/out" | head -n 5
			fail "print$args $f differs from $e"
		}
		n=$((n + 1))
	done
	"$FLOWKEEP" header "$f" >"$T/out" || fail "header $f"
	cmp -s "$T/out" "$d/flow-header.txt" ||
	    fail "header $f differs from $d/flow-header.txt"
	n=$((n + 1))
done
[ $n -gt 100 ] || fail "only $n outputs compared"

# the formats flow-print refused on each file (summary.json print_fail)
# are refused with its message
if command -v python3 >/dev/null 2>&1; then
	python3 - "$V" >"$T/fails" <<'EOF' || fail "summary.json"
import glob, json, os, sys
for sj in glob.glob(sys.argv[1] + "/*/summary.json"):
    d = os.path.dirname(sj)
    for name, v in json.load(open(sj)).items():
        f = os.path.join(d, name)
        if not os.path.isfile(f):
            f = os.path.join(d, "capture", name)
        if os.path.isfile(f):
            for k in v["print_fail"]:
                print(k, f)
EOF
	nf=0
	while read -r k f; do
		"$FLOWKEEP" print -f "$k" "$f" >/dev/null 2>"$T/err" &&
		    fail "print -f $k $f: flow-print refuses it, we did not"
		grep -q "Flow record missing required field for format." \
		    "$T/err" || fail "print -f $k $f: $(cat "$T/err")"
		nf=$((nf + 1))
	done <"$T/fails"
	[ $nf -gt 100 ] || fail "only $nf refusals checked"
	echo "print: $nf formats refused like flow-print"
fi
echo "print/header: $n outputs identical to flow-print/flow-header"

# ---- cat: the commands of flowcat_merge/commands.txt
M=$V/flowcat_merge
A=$(ls "$M"/inputs/A-*)
B=$(ls "$M"/inputs/B-*)
C=$(ls "$M"/inputs/C-*)
"$FLOWKEEP" cat -o "$T/merged_AB.ft" "$A" "$B" || fail "cat AB"
"$FLOWKEEP" cat -o "$T/merged_BA.ft" "$B" "$A" || fail "cat BA"
"$FLOWKEEP" cat -z6 -o "$T/merged_AB_z6.ft" "$A" "$B" || fail "cat z6"
"$FLOWKEEP" cat -o "$T/merged_AC.ft" "$A" "$C" || fail "cat AC"
"$FLOWKEEP" cat "$A" "$B" >"$T/stream_AB.ft" || fail "cat stream"
"$FLOWKEEP" cat -p "$A" "$B" >"$T/stream_AB_preload.ft" ||
    fail "cat -p"
"$FLOWKEEP" cat -C "merged by flow-cat" -o "$T/merged_AB_comment.ft" \
    "$A" "$B" || fail "cat -C"
for f in "$T"/*.ft; do
	b=$(basename "$f")
	"$FLOWKEEP" header "$f" >"$T/out"
	cmp -s "$T/out" "$M/expected/$b/flow-header.txt" ||
	    fail "cat $b: header differs"
	for e in "$M/expected/$b"/flow-print-f*.txt; do
		k=$(basename "$e" .txt)
		"$FLOWKEEP" print -f "${k#flow-print-f}" "$f" >"$T/out"
		cmp -s "$T/out" "$e" || fail "cat $b: $k differs"
	done
	case $b in
	*z6*)	;;	# the deflate bytes depend on the zlib version
	*)	cmp -s "$f" "$M/$b" || fail "cat $b: bytes differ" ;;
	esac
done
echo "cat: 7 merges match flow-cat"

# ---- standard input, both ways
"$FLOWKEEP" print -f 5 - <"$A" >"$T/out" || fail "print from stdin"
head -n 72 "$M/expected/merged_AB.ft/flow-print-f5.txt" >"$T/want"
cmp -s "$T/out" "$T/want" || fail "print - differs"
"$FLOWKEEP" cat "$A" "$B" | "$FLOWKEEP" print -f 5 >"$T/out" ||
    fail "cat | print"
cmp -s "$T/out" "$M/expected/merged_AB.ft/flow-print-f5.txt" ||
    fail "cat | print differs"

# ---- time windows over a nested tree (files named for the flow times)
tree=$T/tree
day=2023/2023-11/2023-11-14
mkdir -p "$tree/$day" "$tree/core/$day"
"$FLOWKEEP" cat -o "$tree/$day/ft-v05.2023-11-14.221000+0000" "$A" ||
    fail "cat into tree"
"$FLOWKEEP" cat -o "$tree/$day/ft-v05.2023-11-14.230000+0000" "$B" ||
    fail "cat into tree"
cp "$tree/$day/ft-v05.2023-11-14.221000+0000" \
    "$tree/core/$day/ft-v05.2023-11-14.220000+0000"
# flows starting in [22:12:30, 22:12:40), picked from flow-print's own text
awk 'NR > 2 && $1 >= "1114.22:12:30" && $1 < "1114.22:12:40"' \
    "$V/v5_basic_z0/expected/"*/flow-print-f5.txt >"$T/want"
[ "$(wc -l <"$T/want")" -gt 3 ] || fail "window test has too few flows"
"$FLOWKEEP" print -f 5 --rule start --from "2023-11-14 22:12:30" \
    --to "2023-11-14T22:12:40Z" "$tree" | tail -n +3 >"$T/out" ||
    fail "print --from --to"
cmp -s "$T/out" "$T/want" || { diff "$T/want" "$T/out" | head;
    fail "window (start rule) differs"; }
# the same by epoch seconds, through a configuration and its device
cat >"$T/fk.conf" <<EOF
workdir "$tree"
rotations 95
nesting 3
device "core" {
	workdir "core"
	exporter 127.0.0.0/8
}
EOF
"$FLOWKEEP" print -f 5 --rule start --from 1699999950 --to 1699999960 \
    --config "$T/fk.conf" --device core | tail -n +3 >"$T/out" ||
    fail "print --device"
cmp -s "$T/out" "$T/want" || fail "device window differs"
# the main tree holds A and B; the device tree inside it is not read twice
"$FLOWKEEP" print -f 3 --from 1699990000 --to 1700010000 \
    --config "$T/fk.conf" >"$T/out" || fail "print --config"
[ "$(wc -l <"$T/out")" -eq 116 ] || fail "config tree: $(wc -l <"$T/out") lines"
# any-part rule takes more than the start rule, entirely-in takes less
na=$("$FLOWKEEP" print -f 3 --rule any --from 1699999950 --to 1699999960 \
    "$tree" | wc -l)
nl=$("$FLOWKEEP" print -f 3 --rule all --from 1699999950 --to 1699999960 \
    "$tree" | wc -l)
ns=$(($(wc -l <"$T/want") + 1))
[ "$na" -gt "$ns" ] && [ "$nl" -lt "$ns" ] ||
    fail "rules: any $na, start $ns, all $nl lines"
# a window far away reads nothing
"$FLOWKEEP" print -f 3 --from 1600000000 --to 1600003600 "$tree" \
    >"$T/out" || fail "empty window"
[ "$(wc -l <"$T/out")" -eq 1 ] || fail "empty window printed flows"

# ---- local times follow TZ (flow-print's MMDD.hh:mm:ss.mmm); CSV stays UTC
TZ=Asia/Kolkata "$FLOWKEEP" print -f 5 "$A" | sed -n 3p |
    grep -q '^1115.03:42:20.123 1115.03:42:20.123 ' ||
    fail "f5 in Asia/Kolkata"
TZ=America/New_York "$FLOWKEEP" print -f 5 "$A" | tail -n 1 |
    grep -q '^1114.17:1[23]:[0-5][0-9].[0-9][0-9][0-9] ' ||
    fail "f5 in New York"
TZ=Asia/Kolkata "$FLOWKEEP" print --output csv "$A" | sed -n 2p |
    grep -q '^2023-11-14T22:12:20.123Z,' || fail "csv is not UTC"

# ---- CSV and JSON
"$FLOWKEEP" print --output csv "$A" >"$T/out" || fail "csv"
cols=first,last,exporter,src,dst,sport,dport,proto,packets,octets,in_if
cols=$cols,out_if,src_as,dst_as,src_mask,dst_mask,nexthop,tos,tcp_flags
cols=$cols,engine_type,engine_id,sampling
head -n 1 "$T/out" | grep -qx "$cols" || fail "csv header"
[ "$(wc -l <"$T/out")" -eq 71 ] || fail "csv rows"
t=2023-11-14T22:12:20.123Z
row="$t,$t,127.0.0.1,10.0.0.1,192.168.0.1,1024,80,6,1,40,1,2,"
sed -n 2p "$T/out" | grep -q "^$row" ||
    fail "csv first row: $(sed -n 2p "$T/out")"
"$FLOWKEEP" print --output csv --fields src,octets "$A" | sed -n 2p |
    grep -qx '10.0.0.1,40' || fail "csv --fields"
"$FLOWKEEP" print --output json "$A" "$B" >"$T/out" || fail "json"
if command -v python3 >/dev/null 2>&1; then
	python3 - "$T/out" <<'EOF' || fail "json content"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d) == 115, len(d)
r = d[0]
assert r["first"] == "2023-11-14T22:12:20.123Z", r
assert r["src"] == "10.0.0.1" and r["dport"] == 80 and r["octets"] == 40, r
assert r["engine_type"] == 1 and r["engine_id"] == 7, r
assert d[5]["packets"] == 4294967295, d[5]
EOF
fi

# ---- a corrupt file in the middle: warning with file and offset, the
# rest is read, exit 1
bad=$T/ft-v05.2026-11-28.032916+0000
cp "$C" "$bad"
printf '\377\377\377\377\377\377\377\377\377\377\377\377' |
    dd of="$bad" bs=1 seek=1000 conv=notrunc 2>/dev/null
"$FLOWKEEP" print -f 3 "$A" "$bad" "$B" >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 1 ] || fail "corrupt file: exit $rc"
grep -q "ft-v05.2026-11-28.032916+0000: offset [0-9]" "$T/err" ||
    fail "corrupt file: no file/offset in: $(cat "$T/err")"
grep -q '^10.0.0.1 ' "$T/out" || fail "corrupt: flows before missing"
tail -n 1 "$T/out" >"$T/last"
tail -n 1 "$(ls -d "$V"/v5_comment_N0/expected/*/)flow-print.txt" |
    cmp -s - "$T/last" || fail "corrupt: flows after missing"
# a truncated file: its whole records are read, the rest is reported
size=$(wc -c <"$C")
head -c $((size / 2)) "$C" >"$bad"
"$FLOWKEEP" print -f 3 "$bad" "$B" >"$T/out" 2>"$T/err" ||
    fail "truncated file: exit $?"
grep -q "ft-v05.2026-11-28.032916+0000: offset [0-9].*partial" "$T/err" ||
    fail "truncated file: no file/offset in: $(cat "$T/err")"
[ "$(wc -l <"$T/out")" -gt 46 ] || fail "truncated: records missing"

# ---- usage errors: exit 2 and a usage line
for args in "print --format 99" "print --bogus" "print --from yesterday" \
    "print --rule sideways" "print --output xml" "print --threads" \
    "cat -z 12" "header -x" "print --from 1699999960 --to 1699999950" \
    "print --fields nope --output csv" "print --config /nonexistent/fk.conf"
do
	# shellcheck disable=SC2086
	"$FLOWKEEP" $args "$A" >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc -eq 2 ] || fail "\"$args\": exit $rc, not 2"
	grep -q "usage: flowkeep" "$T/err" || fail "\"$args\": no usage line"
done
echo "listing: all checks passed"
exit 0
