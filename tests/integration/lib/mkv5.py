"""mkv5.py OUT.lpb [UNIX] - write three well-formed NetFlow v5 datagrams (30, 30
and 10 records, 70 flows in all, consecutive flow sequence numbers) as a
length-prefixed file (4-byte big-endian length + payload).  The daemon
tests use it so that they run without the shared vectors.  Flow contents
are deterministic and use documentation prefixes (192.0.2.0/24,
198.51.100.0/24).  UNIX sets the export time (default 1764000000); every
flow lies between 60 and 51 seconds before it."""
import struct
import sys

UNIX = 1764000000
UPTIME = 3600000


def record(i):
    src = bytes([192, 0, 2, 1 + i % 250])
    dst = bytes([198, 51, 100, 1 + (i * 7) % 250])
    nexthop = bytes([192, 0, 2, 254])
    first = UPTIME - 60000 + i * 100
    last = first + 1000 + i
    proto = (6, 17, 1)[i % 3]
    return struct.pack("!4s4s4sHHIIIIHHBBBBHHBBH",
                       src, dst, nexthop, 1 + i % 4, 2 + i % 3,
                       1 + i, 100 * (i + 1), first, last,
                       1024 + i, (80, 53, 0)[i % 3], 0,
                       0x1b if proto == 6 else 0, proto, i % 8,
                       64512, 64513 + i % 2, 24, 16, 0)


def datagram(seq, nrec):
    hdr = struct.pack("!HHIIIIBBH", 5, nrec, UPTIME, UNIX, 0, seq, 0, 0, 0)
    return hdr + b"".join(record(seq + k) for k in range(nrec))


if len(sys.argv) > 2:
    UNIX = int(sys.argv[2])

with open(sys.argv[1], "wb") as out:
    seq = 0
    for n in (30, 30, 10):
        d = datagram(seq, n)
        assert len(d) == 24 + 48 * n
        out.write(struct.pack("!I", len(d)) + d)
        seq += n
