"""mkv5n.py OUT.lpb COUNT [UNIX] [FIRSTSEQ] - write COUNT NetFlow v5
datagrams of 30 records each (consecutive flow sequence numbers from
FIRSTSEQ, default 0) as a length-prefixed file, for the fault tests.
Every record differs (source address and port follow its sequence
number), documentation prefixes only; UNIX sets the export time
(default 1764000000)."""
import struct
import sys

UPTIME = 3600000


def record(i):
    src = bytes([192, 0, 2, 1 + i % 250])
    dst = bytes([198, 51, 100, 1 + (i // 250) % 250])
    first = UPTIME - 60000 + i % 50000
    return struct.pack("!4s4s4sHHIIIIHHBBBBHHBBH",
                       src, dst, bytes([192, 0, 2, 254]), 1, 2,
                       1 + i % 7, 100 + i, first, first + 500,
                       1024 + i % 60000, 443, 0, 0x1b, 6, 0,
                       64512, 64513, 24, 24, 0)


count = int(sys.argv[2])
unix = int(sys.argv[3]) if len(sys.argv) > 3 else 1764000000
seq = int(sys.argv[4]) if len(sys.argv) > 4 else 0
with open(sys.argv[1], "wb") as out:
    for _ in range(count):
        hdr = struct.pack("!HHIIIIBBH", 5, 30, UPTIME, unix, 0, seq, 0, 0, 0)
        d = hdr + b"".join(record(seq + k) for k in range(30))
        out.write(struct.pack("!I", len(d)) + d)
        seq += 30
