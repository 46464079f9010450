"""fetch.py URL OUT [METHOD] - fetch URL with urllib, write the body to OUT
and print "STATUS CONTENT-TYPE" (errors too: a 400 is a result, not a
failure).  Header lines go to OUT.headers."""
import sys
import urllib.error
import urllib.request

url, out = sys.argv[1], sys.argv[2]
method = sys.argv[3] if len(sys.argv) > 3 else "GET"
req = urllib.request.Request(url, method=method)
try:
    with urllib.request.urlopen(req, timeout=60) as r:
        status, headers, body = r.status, r.headers, r.read()
except urllib.error.HTTPError as e:
    status, headers, body = e.code, e.headers, e.read()
with open(out, "wb") as f:
    f.write(body)
with open(out + ".headers", "w") as f:
    for k, v in headers.items():
        f.write("%s: %s\n" % (k, v))
print(status, headers.get("Content-Type", ""))
