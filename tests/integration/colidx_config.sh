#!/bin/sh
# colidx_config.sh - the configuration keys of the column index sidecars
# (doc/column-index.md) and their clean-up:
#  1. `index on|off` and `index-dir` are checked (bad value: the file and
#     line named; an index-dir in the data tree refused) and printed back
#     by --check;
#  2. with `index-dir DIR` flowkeepd writes its sidecars there and nowhere
#     else, and `flowkeep index --config`, `report --config` and
#     flowkeep.cgi find them: with every flow file zeroed (size and mtime
#     kept), reports still equal those made from the files before;
#  3. flowkeepd removes at start the sidecar of a flow file that is gone
#     from its tree, and leaves a symbolic link named like a sidecar and
#     what it points to;
#  4. with `index off` the CLI and the CGI do not read them (unless
#     --index-dir), `flowkeep index --config` refuses, and the daemon
#     writes none;
#  5. `flowkeep index --prune` removes the sidecars of deleted flow files,
#     says how many and how many bytes, and keeps the others.

. "$(dirname "$0")/lib/common.sh"

CGI=$top_builddir/web/flowkeep.cgi
need_prog "$FLOWKEEPD" "$FLOWKEEP" "$UDPSEND" "$CGI"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
make_tmp
NOW=$(date +%s)
V5=$T/v5.lpb
python3 "$LIB/mkv5.py" "$V5" "$NOW" || fail "mkv5.py failed"
W=$T/w
IX=$T/ix
CTL=$T/ctl
PORT=$(free_port)
FROM=@$((NOW - 3600))
TO=@$((NOW + 3600))
mkdir -p "$W" "$T/st"
RW=$(cd "$W" && pwd -P)

echo "== 1. the keys"
printf 'workdir "%s"\nindex maybe\n' "$W" >"$T/bad1.conf"
"$FLOWKEEPD" --check --config "$T/bad1.conf" >"$T/out" 2>&1 &&
    fail "index maybe accepted"
grep -q "bad1.conf:2:.*on or off" "$T/out" || fail "bad1: $(cat "$T/out")"
printf 'workdir "%s"\n\nindex-dir ""\n' "$W" >"$T/bad2.conf"
"$FLOWKEEPD" --check --config "$T/bad2.conf" >"$T/out" 2>&1 &&
    fail "an empty index-dir accepted"
grep -q "bad2.conf:3: index-dir: empty path" "$T/out" ||
    fail "bad2: $(cat "$T/out")"
printf 'workdir "%s"\nindex-dir "%s/idx"\n' "$W" "$W" >"$T/bad3.conf"
"$FLOWKEEPD" --check --config "$T/bad3.conf" >"$T/out" 2>&1 &&
    fail "an index-dir inside the data tree accepted"
grep -q "index-dir $W/idx is inside the data tree" "$T/out" ||
    fail "bad3: $(cat "$T/out")"
cat >"$T/fk.conf" <<CONF
workdir "$W"
nesting 0
statefile "$T/st/state"
control "$CTL"
index-dir "$IX"
CONF
"$FLOWKEEPD" --check --config "$T/fk.conf" >"$T/out" 2>&1 ||
    fail "--check: $(cat "$T/out")"
grep -q "^index-dir \"$IX\"$" "$T/out" || fail "index-dir not printed"
grep -q "^index " "$T/out" && fail "index on printed (the default)"
printf 'index off\n' >>"$T/fk.conf"
"$FLOWKEEPD" --check --config "$T/fk.conf" | grep -q "^index off$" ||
    fail "index off not printed"
sed -i '/^index off$/d' "$T/fk.conf"
echo "  bad values named with their line; canonical form printed"

echo "== 2. index-dir: the daemon writes there, the CLI and CGI read there"
# an orphan (its flow file is not there) and a link that looks like one
mkdir -p "$IX$RW"
printf '12345' >"$IX$RW/ft-v05.gone.fkci"
printf 'x' >"$T/outside.fkci"
ln -s "$T/outside.fkci" "$IX$RW/ft-v05.link.fkci"
fk_start "$T/log" "$CTL" --config "$T/fk.conf" -D "127.0.0.1/0/$PORT"
for round in 1 2 3; do
	"$UDPSEND" 127.0.0.1 "$PORT" "$V5" >/dev/null
	sleep 0.3
	kill -HUP "$FK_PID"
	sleep 1.1
done
# the worker runs only when a CPU is idle: up to 90 s on a busy machine
i=0
while [ -e "$IX$RW/ft-v05.gone.fkci" ] && [ $i -lt 900 ]; do
	i=$((i + 1))
	sleep 0.1
done
fk_stop INT || fail "exit status $?"
nft=$(find "$W" -name 'ft-*' | wc -l)
[ "$nft" -ge 3 ] || fail "$nft flow files"
for f in "$W"/ft-*; do
	[ -f "$IX$RW/$(basename "$f").fkci" ] ||
	    fail "no sidecar for $f in $IX: $(cat "$T/log")"
done
[ -z "$(find "$T/st" "$W" -name '*.fkci')" ] ||
    fail "sidecars outside index-dir: $(find "$T/st" "$W" -name '*.fkci')"

echo "== 3. the daemon prunes its tree's orphans at start"
[ ! -e "$IX$RW/ft-v05.gone.fkci" ] ||
    fail "the orphan sidecar stayed: $(cat "$T/log")"
grep -q "removed 1 column index sidecars (5 bytes)" "$T/log" ||
    fail "pruning not logged: $(cat "$T/log")"
[ -L "$IX$RW/ft-v05.link.fkci" ] && [ -f "$T/outside.fkci" ] ||
    fail "the link or its target was removed"
rm "$IX$RW/ft-v05.link.fkci"

"$FLOWKEEP" index --config "$T/fk.conf" >"$T/out" 2>&1 ||
    fail "index --config: $(cat "$T/out")"
grep -q "^0 files indexed (0 flows), $nft up to date, 0 failed$" "$T/out" ||
    fail "index --config does not see the daemon's: $(cat "$T/out")"
"$FLOWKEEP" report srcip --output csv --no-index --from "$FROM" --to "$TO" \
    "$W" >"$T/ref.csv" 2>"$T/err" || fail "reference: $(cat "$T/err")"
[ "$(wc -l <"$T/ref.csv")" -gt 1 ] || fail "no rows in the reference"
for f in "$W"/ft-*; do		# only the sidecars can give flows now
	touch -r "$f" "$T/stamp"
	head -c "$(wc -c <"$f")" /dev/zero >"$f"
	touch -r "$T/stamp" "$f"
done
"$FLOWKEEP" report srcip --output csv --config "$T/fk.conf" --from "$FROM" \
    --to "$TO" >"$T/a.csv" 2>"$T/err" || fail "report: $(cat "$T/err")"
cmp -s "$T/ref.csv" "$T/a.csv" || fail "report --config: not the sidecars"
QS="type=srcip&from=%40$((NOW - 3600))&to=%40$((NOW + 3600))"
QS="$QS&lines=100000&output=csv"
cgi() {	# cgi CONFIG OUT: a srcip report of the window through the CGI
	FLOWKEEP_CONFIG=$1 REQUEST_METHOD=GET PATH_INFO=/report \
	    QUERY_STRING=$QS \
	    SCRIPT_NAME=/cgi-bin/flowkeep.cgi "$CGI" >"$T/cgi.out"
	sed '1,/^\r$/d' "$T/cgi.out" >"$2"
}
cgi "$T/fk.conf" "$T/cgi.csv"
head -n 1 "$T/cgi.out" | grep -q '^Status: 200' ||
    fail "flowkeep.cgi: $(head -n 3 "$T/cgi.out")"
cmp -s "$T/ref.csv" "$T/cgi.csv" || fail "CGI: not the sidecars"
echo "  $nft sidecars in index-dir; index, report and CGI read them"

echo "== 4. index off"
cp "$T/fk.conf" "$T/off.conf"
printf 'index off\n' >>"$T/off.conf"
"$FLOWKEEP" report srcip --output csv --config "$T/off.conf" --from "$FROM" \
    --to "$TO" >"$T/b.csv" 2>"$T/err"
cmp -s "$T/ref.csv" "$T/b.csv" && fail "index off: sidecars read by report"
"$FLOWKEEP" report srcip --output csv --config "$T/off.conf" --from "$FROM" \
    --to "$TO" --index-dir "$IX" >"$T/b.csv" 2>"$T/err" ||
    fail "index off with --index-dir: $(cat "$T/err")"
cmp -s "$T/ref.csv" "$T/b.csv" || fail "--index-dir not used with index off"
cgi "$T/off.conf" "$T/cgi.csv"
cmp -s "$T/ref.csv" "$T/cgi.csv" && fail "index off: sidecars read by the CGI"
"$FLOWKEEP" index --config "$T/off.conf" >"$T/out" 2>&1
[ $? -eq 2 ] || fail "index --config with index off: $(cat "$T/out")"
grep -q 'index off' "$T/out" || fail "no message: $(cat "$T/out")"
W2=$T/w2
mkdir -p "$W2"
printf 'workdir "%s"\nstatefile "%s/st2/state"\nindex off\n' "$W2" "$T" \
    >"$T/off2.conf"
fk_start "$T/log2" "$CTL" --config "$T/off2.conf" -D -N 0 --control "$CTL" \
    "127.0.0.1/0/$PORT"
"$UDPSEND" 127.0.0.1 "$PORT" "$V5" >/dev/null
sleep 0.3
fk_stop INT || fail "exit status $? (index off)"
[ -n "$(find "$W2" -name 'ft-*')" ] || fail "index off: no flow file"
[ ! -e "$T/st2/index" ] && [ -z "$(find "$W2" -name '*.fkci')" ] ||
    fail "index off: the daemon wrote sidecars"
echo "  not read by report or CGI, refused by index, not written"

echo "== 5. flowkeep index --prune"
victim=$(ls "$W"/ft-* | head -1)
vs=$IX$RW/$(basename "$victim").fkci
bytes=$(wc -c <"$vs")
rm "$victim"
mkdir -p "$T/elsewhere"
printf 'x' >"$T/elsewhere/keep.fkci"
ln -s "$T/elsewhere" "$IX$RW/dirlink"
"$FLOWKEEP" index --prune --config "$T/fk.conf" >"$T/out" 2>&1 ||
    fail "index --prune: $(cat "$T/out")"
grep -q "^$IX: 1 sidecars of deleted flow files removed ($bytes bytes), \
$((nft - 1)) kept$" "$T/out" || fail "index --prune said: $(cat "$T/out")"
[ ! -e "$vs" ] || fail "the deleted file's sidecar stayed"
[ "$(find "$IX" -name '*.fkci' | wc -l)" -eq $((nft - 1)) ] ||
    fail "other sidecars removed"
[ -f "$T/elsewhere/keep.fkci" ] || fail "a file behind a link was removed"
"$FLOWKEEP" index --prune --from "$FROM" --config "$T/fk.conf" \
    >"$T/out" 2>&1
[ $? -eq 2 ] || fail "index --prune with a window: not a usage error"
echo "  1 of $nft removed ($bytes bytes), links not followed"
echo "ok"
