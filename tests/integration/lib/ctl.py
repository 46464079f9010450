"""ctl.py SOCKET COMMAND - minimal control-socket client for the tests
(speaks ctlproto.h: one request line, the answer until EOF)."""
import socket
import sys

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(sys.argv[1])
s.sendall(("FLOWKEEP/1 %s\n" % sys.argv[2]).encode())
out = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    out += b
sys.stdout.write(out.decode("utf-8", "replace"))
