"""flood.py PORT NSPOOF NPEND PPKTS TSRC TPKTS - flood a collector on
127.0.0.1:PORT from many loopback exporters (loopback only).

NSPOOF sources (127.1.x.y, each its own bound socket) send one NetFlow v9
datagram each holding only data flowsets for templates never announced
(data-before-template, ~1400 bytes, template IDs 256..65535): a spoofed-
source flood.  NPEND sources (127.3.x.y) then send PPKTS such datagrams
each (filling the queues of data waiting for templates).  TSRC sources
(127.2.x.y) send TPKTS datagrams each announcing ~38 new templates of 8
fields (a template-ID flood).  Prints what was sent."""
import socket
import struct
import sys
import time

port, nspoof, npend, ppkts, tsrc, tpkts = (int(a) for a in sys.argv[1:7])
UNIX = int(time.time())


def header(count, seq):
    return struct.pack("!HHIIII", 9, count, 3600000, UNIX, seq, 0)


def data_packet(i, seq):
    body = b""
    n = 0
    for k in range(4):
        tid = 256 + (i * 131 + seq * 4 + k) % 65000
        fs = struct.pack("!HH", tid, 344) + bytes((i + k) % 256
                                                for _ in range(340))
        body += fs
        n += 1
    return header(n, seq) + body


def template_packet(i, seq):
    recs = b""
    n = 0
    while len(recs) + 36 <= 1380:
        tid = 256 + (seq * 38 + n) % 65000
        recs += struct.pack("!HH", tid, 8)
        for f in (8, 12, 1, 2, 7, 11, 4, 10):
            recs += struct.pack("!HH", f, 4 if f in (8, 12, 1, 2, 10) else
                                2 if f in (7, 11) else 1)
        n += 1
    return header(n, seq) + struct.pack("!HH", 0, 4 + len(recs)) + recs


def src_addr(net, i):
    return "127.%d.%d.%d" % (net, 1 + i // 250, 1 + i % 250)


sent = bytes_ = 0


def data_phase(net, nsrc, pkts):
    global sent, bytes_
    socks = []
    for i in range(nsrc):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((src_addr(net, i), 0))
        socks.append(s)
    for seq in range(pkts):
        for i, s in enumerate(socks):
            d = data_packet(i, seq)
            s.sendto(d, ("127.0.0.1", port))
            sent += 1
            bytes_ += len(d)
            if i % 100 == 99:
                time.sleep(0.005)
    for s in socks:
        s.close()


data_phase(1, nspoof, 1)
data_phase(3, npend, ppkts)
tsocks = []
for i in range(tsrc):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src_addr(2, i), 0))
    tsocks.append(s)
ntmpl = 0
for seq in range(tpkts):
    for i, s in enumerate(tsocks):
        d = template_packet(i, seq)
        s.sendto(d, ("127.0.0.1", port))
        sent += 1
        bytes_ += len(d)
        ntmpl += struct.unpack("!H", d[2:4])[0]
    time.sleep(0.01)
print("sent %d datagrams, %d bytes, %d exporters, %d templates announced"
      % (sent, bytes_, nspoof + npend + tsrc, ntmpl))
