"""mkbad.py BAD.lpb ODD.lpb - write a barrage of malformed NetFlow datagrams
as length-prefixed files (4-byte big-endian length + payload) and print how
many each holds ("NBAD NODD").  Every datagram of BAD must be rejected by
the decoder: truncated v5, v5 whose count does not match its length, v5
with a count above 30, datagrams shorter than any header, a truncated v9
header, and random bytes behind an unknown version number.  ODD holds v9
datagrams whose flowset lengths lie or whose template is longer than its
flowset: a decoder may skip the broken flowset and keep the datagram, so
those only have to leave the daemon alive.  Deterministic (fixed seed)."""
import random
import struct
import sys


def v5(count, nrec):
    hdr = struct.pack("!HHIIIIBBH", 5, count, 1000, 1700000000, 0, 1, 0, 0, 0)
    rec = bytes(range(48))
    return hdr + rec * nrec


def v9(flowsets, count=1):
    return struct.pack("!HHIIII", 9, count, 1000, 1700000000, 7, 0) + flowsets


bad = []
bad.append(v5(30, 30)[:30])                       # truncated v5
bad.append(v5(10, 9))                             # count says 10, 9 records
bad.append(v5(31, 31))                            # count above the maximum
bad.append(v5(2, 2)[:-1])                         # one byte short
bad.append(b"\x00")                               # shorter than a version
bad.append(b"\x00\x05\x00")                       # 3 bytes
odd = []
odd.append(v9(struct.pack("!HH", 0, 400) + b"\0" * 16))   # flowset > packet
odd.append(v9(struct.pack("!HH", 256, 2)))        # flowset length < 4
odd.append(v9(struct.pack("!HHHH", 0, 12, 300, 50) +      # template claims
              struct.pack("!HH", 1, 4)))                    # 50 fields
odd.append(v9(struct.pack("!HHHH", 0, 8, 301, 0) +        # empty template,
              struct.pack("!HH", 301, 8) + b"\1" * 4))     # data for it
bad.append(v9(b"")[:10])                          # truncated v9 header
rnd = random.Random(20261128)
for i in range(40):
    n = rnd.randrange(4, 1500)
    body = bytes(rnd.randrange(256) for _ in range(n))
    bad.append(b"\xff\xff" + body)                # unknown version
for path, dgrams in ((sys.argv[1], bad), (sys.argv[2], odd)):
    with open(path, "wb") as f:
        for b in dgrams:
            f.write(struct.pack("!I", len(b)) + b)
print(len(bad), len(odd))
