#!/bin/sh
# colidx.sh - column index sidecars (doc/column-index.md) through the CLI.
#
# On the flow-tools vector files and on generated data (fkmkday, when
# built): `flowkeep index` builds a sidecar per file, then every report
# type (with and without filters and a time window) and the listings give
# the same output read from the sidecars as from the files (--no-index).
# That the sidecars are really read is shown by a copy of a file whose
# bytes are then destroyed (size and mtime kept): the report still works
# from its sidecar.  A stale sidecar (the file touched) is ignored; a
# truncated one or one with a flipped byte is reported ("damaged column
# index") and the file is read instead; `index` leaves valid sidecars
# alone and rebuilds stale ones; bad arguments exit 2.

. "$(dirname "$0")/lib/common.sh"

need_shared
need_prog "$FLOWKEEP"
make_tmp
V=$SHARED_DIR/vectors/flow-tools
TZ=UTC
LC_ALL=C
export TZ LC_ALL
IDX=$T/idx

FILES=$(find "$V" -type f \( -name 'ft-*' -o -name '*.ft' \) | sort)
[ -n "$FILES" ] || fail "no vector files"
# shellcheck disable=SC2086
"$FLOWKEEP" index --index-dir "$IDX" $FILES >"$T/ix.out" 2>&1 ||
    fail "index: $(cat "$T/ix.out")"
n=$(echo "$FILES" | wc -l)
grep -q "^$n files indexed" "$T/ix.out" || fail "index: $(cat "$T/ix.out")"
[ "$(find "$IDX" -name '*.fkci' | wc -l)" -eq "$n" ] ||
    fail "not one sidecar per file"
# nothing of ours in the vector tree
[ -z "$(find "$V" -name '*.fkci')" ] || fail "a sidecar beside a flow file"
# a second run keeps them
# shellcheck disable=SC2086
"$FLOWKEEP" index --index-dir "$IDX" $FILES >"$T/ix2.out" 2>&1 ||
    fail "index again: $(cat "$T/ix2.out")"
grep -q "^0 files indexed (0 flows), $n up to date" "$T/ix2.out" ||
    fail "index again: $(cat "$T/ix2.out")"

# every report type: its number, found by asking
TYPES=
for f in $(seq 0 130); do
	"$FLOWKEEP" report -f "$f" --no-index --output csv /dev/null \
	    >/dev/null 2>&1
	[ $? -ne 2 ] && TYPES="$TYPES $f"
done
[ "$(echo $TYPES | wc -w)" -ge 30 ] || fail "report types: $TYPES"

# both DESC ARGS...: the output read via the sidecars equals the output
# read from the files (stdout and stderr)
both() {
	_d=$1; shift
	"$FLOWKEEP" "$@" --index-dir "$IDX" >"$T/a.out" 2>"$T/a.err"
	_ra=$?
	"$FLOWKEEP" "$@" --no-index >"$T/b.out" 2>"$T/b.err"
	_rb=$?
	[ "$_ra" = "$_rb" ] || fail "$_d: exit $_ra with sidecars, $_rb without"
	[ "$_ra" -lt 2 ] || fail "$_d: exit $_ra: $(cat "$T/a.err")"
	cmp -s "$T/a.out" "$T/b.out" ||
	    fail "$_d: output differs: $(diff "$T/a.out" "$T/b.out" | head)"
	cmp -s "$T/a.err" "$T/b.err" ||
	    fail "$_d: messages differ: $(diff "$T/a.err" "$T/b.err" | head)"
	BOTH=$((BOTH + 1))
}
BOTH=0

check_tree() {
	_what=$1; shift
	for f in $TYPES; do
		both "$_what -f $f" report -f "$f" --output csv "$@"
		[ "$_what" = vectors ] &&
		    both "$_what -f $f text" report -f "$f" --percent --bps "$@"
	done
	for flt in 'dst port 443 and src net 10.1.0.0/16' 'proto udp' \
	    'not src as 0 or in if 2' 'exporter 127.0.0.0/8' 'tos 0/0x10' \
	    'nexthop 0.0.0.0/1 and flags S' 'bytes > 1000 and duration < 5000' \
	    'engine 0' 'bps > 100'; do
		for f in 0 9 12 27; do
			both "$_what -f $f '$flt'" report -f "$f" --output csv \
			    --filter "$flt" "$@"
		done
	done
	both "$_what print" print "$@"
	both "$_what print -f 5" print -f 5 "$@"
	both "$_what print csv" print --output csv "$@"
	both "$_what print json" print --output json "$@"
}

# shellcheck disable=SC2086
check_tree vectors $FILES
[ "$BOTH" -ge 110 ] || fail "only $BOTH comparisons"
# a time window over the vectors (the rule needs the times)
f1=$(echo "$FILES" | grep v5_basic_zdefault | head -1)
[ -n "$f1" ] || fail "no v5_basic_zdefault file"
for rule in any start end all; do
	both "window $rule" report -f 9 --output csv --from 2000-01-01 \
	    --to 2100-01-01 --rule "$rule" "$f1"
done

# The sidecar is read: a copy of f1, its bytes destroyed, size and mtime
# kept, still reports from its sidecar.
mkdir -p "$T/c"
cp -p "$f1" "$T/c/$(basename "$f1")"
c1=$T/c/$(basename "$f1")
"$FLOWKEEP" report -f 9 --output csv --no-index "$c1" >"$T/want.csv" ||
    fail "report of the copy"
[ "$(wc -l <"$T/want.csv")" -gt 1 ] || fail "the copy has no flows"
"$FLOWKEEP" index --index-dir "$IDX" "$c1" >/dev/null || fail "index copy"
touch -r "$c1" "$T/stamp"
sz=$(wc -c <"$c1")
head -c "$sz" /dev/zero >"$c1"
touch -r "$T/stamp" "$c1"
"$FLOWKEEP" report -f 9 --output csv --index-dir "$IDX" "$c1" \
    >"$T/got.csv" 2>"$T/got.err" || fail "sidecar not used: $(cat "$T/got.err")"
cmp -s "$T/want.csv" "$T/got.csv" || fail "sidecar gives other rows"
[ ! -s "$T/got.err" ] || fail "sidecar read with messages: $(cat "$T/got.err")"
"$FLOWKEEP" report -f 9 --output csv --no-index "$c1" >/dev/null 2>&1 &&
    fail "--no-index read a destroyed file"
# stale: the same bytes with a new mtime: the sidecar is not used
touch -d '2001-01-01 00:00:00' "$c1"
"$FLOWKEEP" report -f 9 --output csv --index-dir "$IDX" "$c1" \
    >"$T/st.out" 2>"$T/st.err" && fail "stale sidecar used"
grep -q "column index" "$T/st.err" && fail "stale sidecar reported"
# index rebuilds a stale one (here: the file is garbage, so it fails)
"$FLOWKEEP" index --index-dir "$IDX" "$c1" >"$T/ix3.out" 2>&1 &&
    fail "indexed a garbage file"
grep -q "1 failed" "$T/ix3.out" || fail "index garbage: $(cat "$T/ix3.out")"

# damaged sidecars: reported, the file read instead, same output
cp -p "$f1" "$c1"
"$FLOWKEEP" index --index-dir "$IDX" "$c1" >/dev/null || fail "reindex"
ci=$(find "$IDX" -path "*$T/c/*.fkci")
[ -f "$ci" ] || fail "no sidecar for the copy"
cp "$ci" "$T/good.fkci"
# (print reads every column, so every chunk is checked)
"$FLOWKEEP" print --output csv --no-index "$c1" >"$T/want.prt" ||
    fail "print the copy"
damage() {
	"$FLOWKEEP" print --output csv --index-dir "$IDX" "$c1" \
	    >"$T/d.out" 2>"$T/d.err" || fail "$1: print failed"
	cmp -s "$T/want.prt" "$T/d.out" || fail "$1: other rows"
	grep -q "damaged column index" "$T/d.err" ||
	    fail "$1: not reported: $(cat "$T/d.err")"
	cp "$T/good.fkci" "$ci"
}
head -c 100 "$T/good.fkci" >"$ci"
damage truncated
sz=$(wc -c <"$ci")
# a byte in the middle (a chunk) flipped
python3 -c 'import sys
p = sys.argv[1]; b = bytearray(open(p, "rb").read())
b[len(b) // 3] ^= 0x55
open(p, "wb").write(b)' "$ci"
damage "flipped byte"
# the header's CRC
python3 -c 'import sys
p = sys.argv[1]; b = bytearray(open(p, "rb").read())
b[30] ^= 1
open(p, "wb").write(b)' "$ci"
damage "header byte"

# generated data: many groups, four exporters, every report type
MKDAY=$top_builddir/tests/bench/fkmkday
if [ -x "$MKDAY" ]; then
	"$MKDAY" "$T/gen" --flows 30000 >/dev/null 2>&1 || fail fkmkday
	"$FLOWKEEP" index --index-dir "$IDX" "$T/gen" >"$T/ig.out" 2>&1 ||
	    fail "index gen: $(cat "$T/ig.out")"
	grep -q "^96 files indexed (30000 flows)" "$T/ig.out" ||
	    fail "index gen: $(cat "$T/ig.out")"
	BOTH=0
	check_tree generated "$T/gen"
	both "generated window" report -f 0 --from 2026-11-26T06:00 \
	    --to 2026-11-26T07:00 --rule start "$T/gen"
else
	echo "note: $MKDAY not built, generated data not checked"
fi

# usage errors
"$FLOWKEEP" index >/dev/null 2>&1; [ $? -eq 2 ] || fail "index: no args"
"$FLOWKEEP" index --bogus x >/dev/null 2>&1
[ $? -eq 2 ] || fail "index --bogus"
"$FLOWKEEP" index --index-dir >/dev/null 2>&1
[ $? -eq 2 ] || fail "index --index-dir without a value"
echo "ok"
