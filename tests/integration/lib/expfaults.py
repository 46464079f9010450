"""expfaults.py OUTDIR UNIX - datagrams of exporters that restart, whose
clock jumps, or whose sysUptime wraps, for exporter_faults.sh; and what a
collector must make of them.

Each exporter gets OUTDIR/NAME.lpb (length-prefixed datagrams, in the
order to send) to be sent from its address:

  v9restart 127.0.8.1  NetFlow v9, source ID 1, up 10 days: template 256
                       (layout A), 5 data datagrams (sequence 1000..1004);
                       then it restarts: sequence 0, sysUptime 20 s,
                       its first datagram data for template 256 in a new
                       layout (B: 8-byte counters, fields in another
                       order) before the definition, which comes in the
                       second with a new template 257 (no ports); data
                       for both.
  v5restart 127.0.8.5  NetFlow v5: flow sequence 5000.., then 0.. with a
                       small sysUptime after a restart.
  v5clock   127.0.8.2  NetFlow v5 whose unix_secs jumps 3 hours back, then
                       5 hours forward, while sysUptime and the sequence go
                       on as before.
  v5wrap    127.0.8.3  NetFlow v5 whose sysUptime crosses 2^32 ms; flows
                       before, across (First before the wrap, Last after)
                       and after it.
  v9wrap    127.0.8.4  the same in NetFlow v9.

OUTDIR/expected.csv: every flow as `flowkeep print --output csv --fields
first,last,exporter,src,dst,sport,dport,proto,packets,octets` must print
it (times from the export time minus the uptime distance, as the
exporter meant them), header line first, rows sorted.
OUTDIR/expected.json: per exporter address, the datagrams, flows,
sequence resets, lost flows (v5) and lost packets (v9) status must show.
Documentation prefixes only (192.0.2.0/24, 198.51.100.0/24)."""
import datetime
import json
import os
import struct
import sys

W32 = 1 << 32
SRC, DST, SPORT, DPORT, PROTO, PKTS, BYTES, FIRST, LAST = \
    8, 12, 7, 11, 4, 2, 1, 22, 21
LAYOUT_A = [(SRC, 4), (DST, 4), (SPORT, 2), (DPORT, 2), (PROTO, 1),
            (PKTS, 4), (BYTES, 4), (FIRST, 4), (LAST, 4)]
LAYOUT_B = [(BYTES, 8), (PKTS, 8), (FIRST, 4), (LAST, 4), (PROTO, 1),
            (DPORT, 2), (SPORT, 2), (DST, 4), (SRC, 4)]
LAYOUT_C = [(SRC, 4), (DST, 4), (PROTO, 1), (PKTS, 4), (BYTES, 4),
            (FIRST, 4), (LAST, 4)]

rows = []
facts = {}
serial = [0]


def iso(ms):
    t = datetime.datetime.fromtimestamp(ms // 1000, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (ms % 1000)


def flow(uptime, first, last):
    """A flow with distinct fields; first/last are uptime values."""
    serial[0] += 1
    n = serial[0]
    return {"src": "192.0.2.%d" % (1 + n % 250),
            "dst": "198.51.100.%d" % (1 + n // 250),
            "sport": 1024 + n, "dport": 443 if n % 2 else 53,
            "proto": 6 if n % 2 else 17, "pkts": 1 + n % 9,
            "bytes": 60 * (1 + n % 9) + n, "first": first % W32,
            "last": last % W32}


def expect(addr, unix_ms, uptime, f, ports=True):
    """The row print must show: the signed uptime distance, as meant."""
    def at(t):
        d = (uptime - t) % W32
        if d >= W32 // 2:
            d -= W32
        return unix_ms - d
    rows.append("%s,%s,%s,%s,%s,%d,%d,%d,%d,%d" % (
        iso(at(f["first"])), iso(at(f["last"])), addr, f["src"], f["dst"],
        f["sport"] if ports else 0, f["dport"] if ports else 0, f["proto"],
        f["pkts"], f["bytes"]))


def ip(s):
    return bytes(int(x) for x in s.split("."))


def v5_datagram(addr, unix, uptime, seq, flows):
    out = struct.pack("!HHIIIIBBH", 5, len(flows), uptime % W32, unix, 0,
                      seq % W32, 0, 0, 0)
    for f in flows:
        out += struct.pack("!4s4s4sHHIIIIHHBBBBHHBBH", ip(f["src"]),
                           ip(f["dst"]), bytes(4), 1, 2, f["pkts"],
                           f["bytes"], f["first"], f["last"], f["sport"],
                           f["dport"], 0, 0x1b, f["proto"], 0, 0, 0, 24,
                           24, 0)
        expect(addr, unix * 1000, uptime % W32, f)
    return out


def pad(b):
    return b + bytes(-len(b) % 4)


def template_fs(tid, layout):
    body = struct.pack("!HH", tid, len(layout))
    for t, n in layout:
        body += struct.pack("!HH", t, n)
    return struct.pack("!HH", 0, 4 + len(body)) + body


def value(f, t, n):
    v = {SRC: ip(f["src"]), DST: ip(f["dst"])}.get(t)
    if v is not None:
        return v
    v = {SPORT: f["sport"], DPORT: f["dport"], PROTO: f["proto"],
         PKTS: f["pkts"], BYTES: f["bytes"], FIRST: f["first"],
         LAST: f["last"]}[t]
    return v.to_bytes(n, "big")


def data_fs(tid, layout, flows):
    body = b"".join(value(f, t, n) for f in flows for t, n in layout)
    body = pad(struct.pack("!HH", tid, 0) + body)
    return struct.pack("!HH", tid, len(body)) + body[4:]


def v9_datagram(unix, uptime, seq, source_id, flowsets, count):
    return struct.pack("!HHIIII", 9, count, uptime % W32, unix, seq % W32,
                       source_id) + b"".join(flowsets)


def v9_data(addr, unix, uptime, tid, layout, flows, ports=True):
    for f in flows:
        expect(addr, unix * 1000, uptime % W32, f, ports)
    return data_fs(tid, layout, flows)


def note(addr, **kw):
    facts[addr] = kw


def v9restart(t0):
    a, dg = "127.0.8.1", []
    up = 864000000
    for i in range(5):
        fl = [flow(up, up - 5000 - 10 * k, up - 1000 - 10 * k)
              for k in range(10)]
        fs = [v9_data(a, t0 + i, up, 256, LAYOUT_A, fl)]
        if i == 0:
            fs.insert(0, template_fs(256, LAYOUT_A))
        dg.append(v9_datagram(t0 + i, up, 1000 + i, 1, fs, 1 + len(fl)))
        up += 1000
    # restart: uptime and sequence start again, 256 means layout B now
    # (its first datagram holds only data for 256, in layout B, before
    # the new definition comes in the second)
    up, t1 = 20000, t0 + 30
    for i in range(3):
        fb = [flow(up, up - 8000 - k, up - 500 - k) for k in range(8)]
        fs = [v9_data(a, t1 + i, up, 256, LAYOUT_B, fb)]
        if i > 0:
            fc = [flow(up, up - 9000 - k, up - 700 - k) for k in range(6)]
            fs.append(v9_data(a, t1 + i, up, 257, LAYOUT_C, fc, ports=False))
        if i == 1:
            fs[0:0] = [template_fs(256, LAYOUT_B), template_fs(257, LAYOUT_C)]
        dg.append(v9_datagram(t1 + i, up, i, 1, fs, len(fs) + 13))
        up += 1000
    note(a, packets=8, flows=50 + 8 + 2 * 14, seq_resets=1, lost=0,
         lost_packets=0, templates=2)
    return dg


def v5restart(t0):
    a, dg, seq, up = "127.0.8.5", [], 5000, 500000000
    for i in range(4):
        if i == 2:	# restart
            seq, up = 0, 15000
        fl = [flow(up, up - 4000 - k, up - 200 - k) for k in range(12)]
        dg.append(v5_datagram(a, t0 + 40 * (i >= 2) + i, up, seq, fl))
        seq += len(fl)
        up += 1000
    note(a, packets=4, flows=48, seq_resets=1, lost=0, lost_packets=0)
    return dg


def v5clock(t0):
    a, dg, seq, up = "127.0.8.2", [], 0, 7200000
    jump = [0, 0, -3 * 3600, -3 * 3600, 5 * 3600, 5 * 3600]
    for i in range(6):
        fl = [flow(up, up - 6000 - k, up - 1500 - k) for k in range(10)]
        dg.append(v5_datagram(a, t0 + i + jump[i], up, seq, fl))
        seq += len(fl)
        up += 1000
    note(a, packets=6, flows=60, seq_resets=0, lost=0, lost_packets=0)
    return dg


def wrap_flows(up):
    """Flows of a datagram near the wrap: 10 starting 20 s before it;
    once the uptime is past 2000 ms, 3 more wholly after the wrap."""
    fl = [flow(up, up - 20000 - k, up - 2000 - k) for k in range(10)]
    if up >= W32 and up % W32 > 2000:
        fl += [flow(up, up - 1200 - k, up - 100 - k) for k in range(3)]
    return fl


def uptimes():
    # 4 datagrams 2.5 s apart: the wrap falls between the 2nd and the 3rd
    # (the 3rd's flows all end before it, the 4th's 10 first straddle it)
    return [W32 - 5000 + 2500 * i for i in range(4)]


def v5wrap(t0):
    a, dg, seq = "127.0.8.3", [], 77
    for i, up in enumerate(uptimes()):
        fl = wrap_flows(up)
        dg.append(v5_datagram(a, t0 + (2500 * i) // 1000, up, seq, fl))
        seq += len(fl)
    note(a, packets=4, flows=43, seq_resets=0, lost=0, lost_packets=0)
    return dg


def v9wrap(t0):
    a, dg = "127.0.8.4", []
    for i, up in enumerate(uptimes()):
        fs = [v9_data(a, t0 + (2500 * i) // 1000, up, 300, LAYOUT_A,
                      wrap_flows(up))]
        if i == 0:
            fs.insert(0, template_fs(300, LAYOUT_A))
        dg.append(v9_datagram(t0 + (2500 * i) // 1000, up, 40 + i, 0, fs,
                              len(fs) + 9))
    note(a, packets=4, flows=43, seq_resets=0, lost=0, lost_packets=0,
         templates=1)
    return dg


def main():
    out, t0 = sys.argv[1], int(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    for name, fn in (("v9restart", v9restart), ("v5restart", v5restart),
                     ("v5clock", v5clock), ("v5wrap", v5wrap),
                     ("v9wrap", v9wrap)):
        with open(os.path.join(out, name + ".lpb"), "wb") as fp:
            for d in fn(t0):
                fp.write(struct.pack("!I", len(d)) + d)
    with open(os.path.join(out, "expected.csv"), "w") as fp:
        fp.write("first,last,exporter,src,dst,sport,dport,proto,packets,"
                 "octets\n")
        fp.write("\n".join(sorted(rows)) + "\n")
    with open(os.path.join(out, "expected.json"), "w") as fp:
        json.dump(facts, fp, indent=1, sort_keys=True)
    print(len(rows))


main()
