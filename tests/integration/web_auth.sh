#!/bin/sh
# web_auth.sh - basic auth on flowkeepd's built-in listener: with
# web-auth naming a user file (a SHA-512 hash from `openssl passwd -6`
# and a bcrypt $2y$ one as `htpasswd -B` writes, made with python3's
# crypt), a request without credentials, with a wrong password or an
# unknown user gets 401 with WWW-Authenticate, the right ones get the
# page, and a POST still needs its CSRF token.  The daemon refuses to
# start when the user file holds an unsupported hash ($apr1$), and when
# web-listen is not a loopback address and web-auth is not set (it stops
# before binding anything).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/common.sh"

need_prog "$FLOWKEEPD" "$FLOWKEEP" "$UDPSEND"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
command -v openssl >/dev/null || { echo "SKIP: openssl missing"; exit 77; }
make_tmp

# alice: SHA-512; bob: bcrypt, cost 5, tagged $2y$ like htpasswd -B
A=$(openssl passwd -6 -salt fksalt 'alice pw') || fail "openssl passwd"
B=$(python3 -W ignore -c 'import crypt
h = crypt.crypt("bob:pw", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32))
print("$2y$" + h[4:] if h and h.startswith("$2") else "")' 2>/dev/null)
printf '# flowkeep web users\nalice:%s\n' "$A" >"$T/users"
[ -n "$B" ] && printf 'bob:%s\n' "$B" >>"$T/users"

web_daemon --web-auth "$T/users"

# get PATH USER:PASSWORD|- [METHOD BODY COOKIE]: "STATUS WWW-AUTHENTICATE"
get() {
	python3 - "http://127.0.0.1:$WPORT$1" "$2" "${3:-GET}" "${4:-}" \
	    "${5:-}" <<'PY'
import base64, sys, urllib.error, urllib.request
url, cred, method, body, cookie = sys.argv[1:6]
req = urllib.request.Request(url, method=method,
    data=body.encode() if body else None)
if cred != "-":
    req.add_header("Authorization",
        "Basic " + base64.b64encode(cred.encode()).decode())
if body:
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
if cookie:
    req.add_header("Cookie", cookie)
try:
    with urllib.request.urlopen(req, timeout=30) as r:
        st, h = r.status, r.headers
except urllib.error.HTTPError as e:
    st, h = e.code, e.headers
print(st, h.get("WWW-Authenticate", "-"))
PY
}

r=$(get /status -)
[ "$r" = '401 Basic realm="flowkeep", charset="UTF-8"' ] ||
    fail "no credentials: $r"
r=$(get /report 'alice:alice pW')
[ "${r%% *}" = 401 ] || fail "wrong password: $r"
r=$(get /report 'mallory:alice pw')
[ "${r%% *}" = 401 ] || fail "unknown user: $r"
r=$(get /static/flowkeep.css 'alice')
[ "${r%% *}" = 401 ] || fail "no colon: $r"
r=$(get /status 'alice:alice pw')
[ "$r" = "200 -" ] || fail "alice: $r"
r=$(get '/report?type=proto&range=1h' 'alice:alice pw')
[ "$r" = "200 -" ] || fail "alice report: $r"
if [ -n "$B" ]; then
	r=$(get /status 'bob:bob:pw')
	[ "$r" = "200 -" ] || fail "bob (bcrypt \$2y\$): $r"
	r=$(get /status 'bob:bob:pW')
	[ "${r%% *}" = 401 ] || fail "bob, wrong password: $r"
	echo "  bcrypt \$2y\$ user accepted, wrong password refused"
else
	echo "  (bcrypt part skipped: python3 has no crypt module)"
fi
r=$(get /saved/save 'alice:alice pw' POST 'kind=filter&name=x&expr=any')
[ "${r%% *}" = 403 ] || fail "POST without CSRF token after auth: $r"
r=$(get /saved/save - POST "csrf=$(printf %032d 0)&kind=filter&name=x&expr=any" \
    "fk_csrf=$(printf %032d 0)")
[ "${r%% *}" = 401 ] || fail "POST with token, without auth: $r"
[ ! -e "$T/saved/filters/x" ] || fail "an unauthenticated POST wrote"
echo "  401 without/with bad credentials, 200 with them, CSRF still checked"
fk_stop TERM || fail "daemon exit status"

# refused at start: an unsupported hash, a public address without auth
refuse() {
	want=$1; shift
	timeout 20 "$FLOWKEEPD" -D -w "$T/w2" --control "$T/ctl2" \
	    --statefile "$T/state2" "$@" "127.0.0.1/0/$(free_port)" \
	    >"$T/refuse.log" 2>&1
	rc=$?
	[ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "started anyway ($rc): $*"
	grep -q "$want" "$T/refuse.log" || {
		cat "$T/refuse.log"; fail "no message \"$want\""; }
}
printf 'carol:$apr1$abcdefgh$0123456789abcdefghijkl\n' >"$T/apr1"
refuse "apr1:1: user carol: unsupported hash" \
    --web-listen "127.0.0.1:$(tcp_port)" --web-auth "$T/apr1"
refuse "is not a loopback address and web-auth is not set" \
    --web-listen "0.0.0.0:$(tcp_port)"
refuse "nonexistent: No such file" \
    --web-listen "127.0.0.1:$(tcp_port)" --web-auth "$T/nonexistent"
echo "  refused to start: \$apr1\$ hash, 0.0.0.0 without web-auth, missing file"
echo PASS
