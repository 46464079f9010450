#!/bin/sh
# graphs.sh - tracking groups and graphs without a daemon: RRDs of three
# trackings filled with a known day of values (rrdtool), then
# `flowkeep group` add/list/show/edit/rm (bad names, members, places and
# colours refused with exit 2), `flowkeep track note`, and `flowkeep graph
# track|group` give PNGs of the requested sizes (width and height read
# from the PNG header), to a file and to standard output; missing RRDs
# and bad periods are refused.  Then `graph flows` over 70 known flows
# stored by a private flowkeepd: the top flows and the top contributors
# (destination ports, sources) as CSV and JSON with their exact amounts,
# and stacked PNGs of the requested size.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/common.sh"

need_prog "$FLOWKEEP" "$FLOWKEEPD" "$UDPSEND"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
command -v rrdtool >/dev/null || { echo "SKIP: rrdtool missing"; exit 77; }
make_tmp
TR=$T/trackings
GR=$T/groups
RRD=$T/rrd
mkdir -p "$TR" "$RRD"

# png_size FILE W H: FILE must be a PNG of W x H pixels
png_size() {
	python3 - "$@" <<'PY' || fail "$1: not a $2x$3 PNG"
import struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n" and b[12:16] == b"IHDR", b[:16]
w, h = struct.unpack(">II", b[16:24])
print("  %s: PNG %dx%d, %d bytes" % (sys.argv[1].split("/")[-1], w, h,
    len(b)))
assert (w, h) == (int(sys.argv[2]), int(sys.argv[3])), (w, h)
PY
}

# usage_exit2 DESC CMD...: CMD must exit 2 and say why
usage_exit2() {
	desc=$1; shift
	"$@" >"$T/out" 2>&1
	rc=$?
	echo "  $desc: exit $rc: $(head -1 "$T/out")"
	[ $rc = 2 ] || fail "$desc: exit status $rc, want 2"
}

echo "== RRDs of a known day"
now=$(date +%s)
end=$((now - now % 300))
python3 - "$RRD" "$end" <<'PY' || fail "making the RRDs"
import math, subprocess, sys
d, end = sys.argv[1], int(sys.argv[2])
start = end - 86400
for name, scale in (("in-web", 4e6), ("in-mail", 9e5), ("out-web", 1.5e6)):
    rrd = "%s/%s.rrd" % (d, name)
    subprocess.run(["rrdtool", "create", rrd, "--step", "300", "--start",
        str(start - 300)] + ["DS:%s:GAUGE:600:0:U" % x
        for x in ("bits", "packets", "flows")] +
        ["RRA:%s:0.5:%d:%d" % (cf, s, r) for s, r in
         ((1, 600), (6, 700), (24, 775), (288, 1100))
         for cf in ("AVERAGE", "MAX")], check=True)
    vals = []
    for t in range(start, end + 1, 300):
        v = scale * (1.2 + math.sin(t / 86400.0 * 2 * math.pi))
        vals.append("%d:%f:%f:%f" % (t, v, v / 8000, v / 2e5))
    subprocess.run(["rrdtool", "update", rrd] + vals, check=True)
PY
for t in in-web in-mail out-web; do
	printf 'filter\nalert above 5M bits\n' >"$TR/$t"
done

echo "== flowkeep group"
"$FLOWKEEP" group add web in-web in-mail:above:#59a14f out-web:below \
    --title "Web and mail" --dir "$TR" >"$T/out" 2>&1 ||
    fail "group add: $(cat "$T/out")"
cat "$T/out"
[ -f "$GR/web" ] || fail "the group is not in $GR (beside $TR)"
"$FLOWKEEP" group show web --dir "$TR" >"$T/show" || fail "group show"
cat >"$T/want" <<'EOF'
title Web and mail
unit bits
member in-web above
member in-mail above #59a14f
member out-web below
EOF
diff "$T/want" "$T/show" || fail "group show: not the members given"
"$FLOWKEEP" group list --dir "$TR" >"$T/out" || fail "group list"
grep -q '^web  *in-web in-mail out-web:below  "Web and mail"$' "$T/out" ||
    fail "group list: $(cat "$T/out")"
usage_exit2 "bad group name" "$FLOWKEEP" group add ../x in-web --dir "$TR"
usage_exit2 "hidden group name" "$FLOWKEEP" group add .x in-web --dir "$TR"
usage_exit2 "unknown member" "$FLOWKEEP" group add g2 in-web nosuch \
    --dir "$TR"
grep -q "member nosuch: no such tracking" "$T/out" || fail "unknown member"
usage_exit2 "bad member name" "$FLOWKEEP" group add g2 'a/b' --dir "$TR"
usage_exit2 "bad place" "$FLOWKEEP" group add g2 in-web:sideways --dir "$TR"
usage_exit2 "bad colour" "$FLOWKEEP" group add g2 in-web:#12 --dir "$TR"
usage_exit2 "member twice" "$FLOWKEEP" group add g2 in-web in-web:below \
    --dir "$TR"
usage_exit2 "no members" "$FLOWKEEP" group add g2 --dir "$TR"
usage_exit2 "bad unit" "$FLOWKEEP" group add g2 in-web --unit bytes \
    --dir "$TR"
usage_exit2 "unknown verb" "$FLOWKEEP" group frob --dir "$TR"
[ -e "$GR/g2" ] && fail "a refused group was saved"
"$FLOWKEEP" group add web in-web --dir "$TR" >"$T/out" 2>&1 &&
    fail "group add over an existing group"
"$FLOWKEEP" group add tmp in-web --dir "$TR" >/dev/null || fail "add tmp"
"$FLOWKEEP" group edit tmp out-web:below --unit packets --dir "$TR" \
    >/dev/null || fail "group edit"
[ "$("$FLOWKEEP" group show tmp --dir "$TR" | tr '\n' '|')" = \
    "unit packets|member out-web below|" ] || fail "group edit result"
"$FLOWKEEP" group rm tmp --dir "$TR" >/dev/null || fail "group rm"
[ ! -e "$GR/tmp" ] && [ -f "$GR/.archive/tmp" ] || fail "group rm: file"
"$FLOWKEEP" group list --dir "$TR" | grep -q '^tmp' && fail "rm: listed"

echo "== flowkeep track note"
"$FLOWKEEP" track note in-web "new uplink: 10G" --at $((end - 43200)) \
    --dir "$TR" >/dev/null || fail "track note"
grep -q "^note $((end - 43200)) new uplink: 10G$" "$TR/in-web" ||
    fail "track note: $(cat "$TR/in-web")"
usage_exit2 "note without text" "$FLOWKEEP" track note in-web --dir "$TR"

echo "== flowkeep graph track and group"
for p in day week month year 3y; do
	"$FLOWKEEP" graph track in-web --period $p --size 700x300 \
	    --dir "$TR" --rrd-dir "$RRD" --png "$T/track-$p.png" \
	    >"$T/out" 2>&1 || fail "graph track --period $p: $(cat "$T/out")"
	png_size "$T/track-$p.png" 700 300
done
"$FLOWKEEP" graph track in-web --size 420x240 --unit packets \
    --dir "$TR" --rrd-dir "$RRD" --png - >"$T/stdout.png" ||
    fail "graph track to standard output"
png_size "$T/stdout.png" 420 240
"$FLOWKEEP" graph group web --size 900x360 --dir "$TR" --rrd-dir "$RRD" \
    --png "$T/group.png" >"$T/out" 2>&1 || fail "graph group: $(cat "$T/out")"
png_size "$T/group.png" 900 360
"$FLOWKEEP" graph group web --size 500x300 --period week --unit flows \
    --dir "$TR" --rrd-dir "$RRD" --png "$T/group-small.png" >/dev/null ||
    fail "graph group (small)"
png_size "$T/group-small.png" 500 300
(cd "$T" && "$FLOWKEEP" graph group web --dir "$TR" --rrd-dir "$RRD" \
    >/dev/null) || fail "graph group, default name"
png_size "$T/web-day.png" 800 320
usage_exit2 "bad period" "$FLOWKEEP" graph group web --period fortnight \
    --dir "$TR" --rrd-dir "$RRD"
usage_exit2 "bad size" "$FLOWKEEP" graph group web --size 20x10 \
    --dir "$TR" --rrd-dir "$RRD"
usage_exit2 "bad group name" "$FLOWKEEP" graph group ../web --dir "$TR" \
    --rrd-dir "$RRD"
"$FLOWKEEP" graph group nosuch --dir "$TR" --rrd-dir "$RRD" >"$T/out" 2>&1
[ $? = 1 ] && grep -q "groups/nosuch" "$T/out" || fail "missing group"
mv "$RRD/in-mail.rrd" "$RRD/in-mail.moved"
"$FLOWKEEP" graph group web --dir "$TR" --rrd-dir "$RRD" \
    --png "$T/x.png" >"$T/out" 2>&1
[ $? = 1 ] && grep -q "in-mail.rrd" "$T/out" && [ ! -e "$T/x.png" ] ||
    fail "group with a missing RRD: $(cat "$T/out")"

echo "== graph flows: top flows and top contributors"
# lib/mkv5.py: flow i (0..69) from 192.0.2.(i+1) to port 80, 53 or none
# (TCP, UDP, ICMP by i % 3) with 100 (i + 1) octets and i + 1 packets,
# all 60 to 51 s before U (now: the file selection goes by file names).
U=$(date +%s)
python3 "$LIB/mkv5.py" "$T/v5.lpb" "$U" || fail "mkv5.py"
CTL=$T/ctl
PORT=$(free_port)
fk_start "$T/log" "$CTL" -D -w "$T/w" -z0 -N 0 --control "$CTL" \
    --statefile "$T/state" "127.0.0.1/0/$PORT"
"$UDPSEND" 127.0.0.1 "$PORT" "$T/v5.lpb" >/dev/null
sleep 0.5
fk_stop TERM || fail "flowkeepd exit status"
ft=$(find "$T/w" -name 'ft-*')
[ -n "$ft" ] || fail "no flow file"
W0=$((U - 120))
W1=$((U + 60))
# shellcheck disable=SC2086
"$FLOWKEEP" graph flows "" --from $W0 --to $W1 --bucket 60 --top 3 \
    --output csv --png "$T/top.png" $ft >"$T/top.csv" 2>"$T/err" ||
    fail "graph flows --top: $(cat "$T/err")"
sed 's/^/  | /' "$T/top.csv"
grep -q "^buckets 3 flows 70 max 33133.3 " "$T/err" ||
    fail "graph flows: the figures are not on standard error"
cut -d, -f4-9 "$T/top.csv" >"$T/got"
printf '%s\n' "src,sport,dst,dport,proto,octets" \
    "192.0.2.70,1093,198.51.100.234,80,6,7000" \
    "192.0.2.69,1092,198.51.100.227,0,1,6900" \
    "192.0.2.68,1091,198.51.100.220,53,17,6800" >"$T/want"
diff "$T/want" "$T/got" || fail "graph flows --top: not the 3 biggest"
png_size "$T/top.png" 900 320
# shellcheck disable=SC2086
"$FLOWKEEP" graph flows "" --from $W0 --to $W1 --bucket 60 \
    --stack dstport --top 3 --output csv --size 700x360 \
    --png "$T/stack-dport.png" $ft >"$T/st.csv" 2>"$T/err" ||
    fail "graph flows --stack: $(cat "$T/err")"
sed 's/^/  | /' "$T/st.csv"
# TCP to 80: i = 0, 3 .. 69; UDP to 53: i = 1 .. 67; ICMP is "other"
cut -d, -f1-4 "$T/st.csv" >"$T/got"
printf '%s\n' "rank,dstport,octets,percent" "1,80,85200,34.3" \
    "2,53,80500,32.4" "3,other,82800,33.3" >"$T/want"
diff "$T/want" "$T/got" || fail "graph flows --stack dstport: amounts"
png_size "$T/stack-dport.png" 700 360
# shellcheck disable=SC2086
"$FLOWKEEP" graph flows "proto 6" --from $W0 --to $W1 --bucket 10 \
    --unit packets --stack srcip --top 10 --output json \
    --png "$T/stack-src.png" $ft >"$T/st.json" 2>"$T/err" ||
    fail "graph flows --stack srcip: $(cat "$T/err")"
python3 - "$T/st.json" <<'PY' || fail "graph flows --stack srcip: JSON"
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
got = [(r["srcip"], r["packets"]) for r in rows]
# TCP flows are i = 0, 3 .. 69 with i + 1 packets: the 10 biggest are
# i = 69 .. 42, the other 14 (i = 0 .. 39) are "other"
want = [("192.0.2.%d" % (i + 1), i + 1) for i in range(69, 41, -3)]
want.append(("other", sum(i + 1 for i in range(0, 42, 3))))
print("  srcip by packets: %s" % got)
assert got == want, (got, want)
PY
png_size "$T/stack-src.png" 900 320
# shellcheck disable=SC2086
"$FLOWKEEP" graph flows "" --from $W0 --to $W1 --bucket 60 --size 400x200 \
    --png - $ft >"$T/flows-stdout.png" 2>"$T/err" || fail "graph flows --png -"
png_size "$T/flows-stdout.png" 400 200
grep -q "^buckets 3 flows 70 " "$T/err" ||
    fail "graph flows --png -: the figures belong on standard error"
usage_exit2 "stack of 2" "$FLOWKEEP" graph flows "" --from $W0 --to $W1 \
    --stack srcip --top 2 "$T/w"
usage_exit2 "bad stack key" "$FLOWKEEP" graph flows "" --from $W0 \
    --to $W1 --stack proto "$T/w"
usage_exit2 "bad --output" "$FLOWKEEP" graph flows "" --from $W0 \
    --to $W1 --output xml --png "$T/x.png" "$T/w"
usage_exit2 "table and PNG on stdout" "$FLOWKEEP" graph flows "" \
    --from $W0 --to $W1 --top 5 --png - "$T/w"
usage_exit2 "bad filter" "$FLOWKEEP" graph flows "port port" --from $W0 \
    --to $W1 --png "$T/x.png" "$T/w"
echo "PASS"
exit 0
