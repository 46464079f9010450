"""lpbpick.py IN.lpb OUT.lpb N[,N...] - copy the datagrams numbered N
(from 0) of a length-prefixed file (4-byte big-endian length + payload),
in the order given; e.g. "0,2" drops the middle one of mkv5.py's three, a
sequence gap of 30 flows."""
import struct
import sys

data, grams, i = open(sys.argv[1], "rb").read(), [], 0
while i < len(data):
    n = struct.unpack("!I", data[i:i + 4])[0]
    grams.append(data[i:i + 4 + n])
    i += 4 + n
with open(sys.argv[2], "wb") as f:
    for k in sys.argv[3].split(","):
        f.write(grams[int(k)])
