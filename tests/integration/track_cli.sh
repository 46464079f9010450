#!/bin/sh
# track_cli.sh - `flowkeep track add|edit|archive|rm|restore|list|show` on a
# tracking directory, no daemon: edit changes only the keys given and
# keeps the other lines, a bad edit leaves the definition as it was, and
# archive / rm / restore move the file in and out of DIR/.archive.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/common.sh"

need_prog "$FLOWKEEP"
make_tmp
D=$T/tracks
fk() { "$FLOWKEEP" track "$@" --dir "$D" --socket "$T/none.sock"; }

fk add web --filter "port 80" --notes "web servers" >"$T/out" 2>&1 ||
    fail "add: $(cat "$T/out")"
printf 'alert above 1000000 bits for 3\n' >>"$D/web"

fk edit web --filter "dst port 443" >"$T/out" 2>&1 ||
    fail "edit --filter: $(cat "$T/out")"
grep -q "changed" "$T/out" || fail "edit says nothing: $(cat "$T/out")"
printf 'filter dst port 443\nnotes web servers\nalert above 1000000 bits for 3\n' \
    >"$T/want"
cmp -s "$D/web" "$T/want" || fail "after edit --filter: $(cat "$D/web")"

fk edit web --multiplier 100 --notes "https only" >"$T/out" 2>&1 ||
    fail "edit --multiplier: $(cat "$T/out")"
printf 'filter dst port 443\nnotes https only\nalert above 1000000 bits for 3\nmultiplier 100\n' \
    >"$T/want"
cmp -s "$D/web" "$T/want" || fail "after edit --multiplier: $(cat "$D/web")"

# Bad edits: nothing changes.
cp "$D/web" "$T/before"
fk edit web --filter "port htp" >"$T/out" 2>&1
[ $? = 2 ] && grep -q "expected a port number" "$T/out" ||
    fail "edit with a bad filter: want exit 2 and the error: $(cat "$T/out")"
fk edit web --multiplier -5 >"$T/out" 2>&1
[ $? = 1 ] && grep -q "unchanged: .*multiplier must be a number above 0" \
    "$T/out" || fail "edit with a bad multiplier: $(cat "$T/out")"
fk edit web >"$T/out" 2>&1
[ $? = 2 ] || fail "edit without a change: want exit 2"
fk edit nosuch --filter "" >"$T/out" 2>&1
[ $? = 1 ] || fail "edit of a missing tracking: want exit 1"
cmp -s "$D/web" "$T/before" || fail "a bad edit changed the file"
ls -a "$D" | grep -q '\.new$' && fail "a temporary file was left behind"

# archive, rm (archives too), restore.
fk add dns --filter "port 53" >/dev/null || fail "add dns"
fk archive web >"$T/out" 2>&1 || fail "archive: $(cat "$T/out")"
[ -f "$D/.archive/web" ] && [ ! -e "$D/web" ] || fail "archive: not moved"
fk list >"$T/out" || fail "list"
grep -q '^web ' "$T/out" && fail "an archived tracking is listed"
grep -q '^dns  *port 53$' "$T/out" || fail "list: $(cat "$T/out")"
fk rm dns >/dev/null && [ -f "$D/.archive/dns" ] || fail "rm: not archived"
fk restore web >"$T/out" 2>&1 || fail "restore: $(cat "$T/out")"
cmp -s "$D/web" "$T/before" || fail "restore changed the definition"
fk add web --filter "port 1" >/dev/null 2>&1
fk archive web >/dev/null && fk add web --filter "port 2" >/dev/null ||
    fail "archive then add again"
fk restore web >"$T/out" 2>&1
[ $? = 1 ] && grep -q "exists already" "$T/out" ||
    fail "restore over an existing tracking: $(cat "$T/out")"
fk show web | grep -q '^filter port 2$' || fail "show"
echo "  add, edit, archive, rm, restore, list, show: ok"
