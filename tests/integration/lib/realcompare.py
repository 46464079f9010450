"""realcompare.py EXPECTED_DIR INDEX_TSV DUMP_TSV [SESSION...]

Compare what flowkeepd stored (ftdump output of all its files) with what
tshark decoded from the real-device sessions (expected/SESSION.json).
Per session: every IPv4 flow of "ipv4_flows" and "before_template_ipv4_flows"
must be stored with the same src, dst, sport, dport, proto, packets and
octets (multiset compare, records matched by exporter address); the
number of IPv6 records must equal counts.ipv6.  Prints found/expected per
session; exit status 0 when every session matches."""
import collections
import json
import os
import sys


def key(src, dst, sport, dport, proto, packets, octets):
    return (src, dst, int(sport), int(dport), int(proto), int(packets),
            int(octets))


def load_dump(path):
    v4 = collections.defaultdict(collections.Counter)
    v6 = collections.Counter()
    with open(path) as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if len(c) < 18:
                continue
            exp = c[0]
            if ":" in c[1]:
                v6[exp] += 1
            else:
                v4[exp][key(*c[1:8])] += 1
    return v4, v6


def sessions(index):
    out = collections.OrderedDict()
    with open(index) as f:
        head = f.readline().rstrip("\n").split("\t")
        for line in f:
            row = dict(zip(head, line.rstrip("\n").split("\t")))
            out.setdefault(row["group"], set()).add(
                row["exporter_address_for_tests"])
    return out


def main():
    expdir, index, dump = sys.argv[1:4]
    only = set(sys.argv[4:])
    v4, v6 = load_dump(dump)
    ok = True
    for sess, exporters in sessions(index).items():
        if only and sess not in only:
            continue
        path = os.path.join(expdir, sess + ".json")
        if not os.path.exists(path):
            print("  %-28s no expected file, skipped" % sess)
            continue
        d = json.load(open(path))
        want = collections.Counter()
        for fl in d.get("ipv4_flows", []) + \
                d.get("before_template_ipv4_flows", []):
            want[key(fl["src"], fl["dst"], fl["sport"], fl["dport"],
                     fl["proto"], fl["packets"], fl["octets"])] += 1
        got = collections.Counter()
        n6 = 0
        for e in exporters:
            got += v4.get(e, collections.Counter())
            n6 += v6.get(e, 0)
        found = sum((want & got).values())
        total = sum(want.values())
        extra = sum((got - want).values())
        w6 = d.get("counts", {}).get("ipv6", 0) + \
            d.get("counts", {}).get("before_template_ipv6", 0)
        good = found == total and n6 == w6
        print("  %-28s ipv4 %3d/%-3d found (%d other stored)  ipv6 %d/%d  %s"
              % (sess, found, total, extra, n6, w6,
                 "ok" if good else "MISMATCH"))
        if found != total:
            for k in list((want - got).elements())[:5]:
                print("      missing: %s" % (k,))
        ok = ok and good
    return 0 if ok else 1


sys.exit(main())
