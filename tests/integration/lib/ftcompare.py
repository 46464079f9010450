"""ftcompare.py [--exact] ORACLE_SCENARIO_DIR OUR_WORKDIR

Compare the flow files flowkeepd wrote with those flow-capture wrote for the
same input (capture-listing.txt and capture/ of the scenario):
- the same relative names apart from the wall-clock date/time part,
- the same header apart from CAP_START and CAP_END (u32 at 18 and 26),
- uncompressed: the same bytes with those masked (so the same sizes);
  compressed: the same decompressed record bytes, and with --exact (for
  flowkeepd --compress-threads 0) the same compressed bytes too.
Prints what it compares; exit status 0 when everything matches."""
import os
import re
import sys
import zlib

DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}\.\d{6}")


def norm(rel):
    parts = rel.split("/")
    out = []
    for p in parts[:-1]:
        if re.fullmatch(r"\d{4}", p):
            out.append("YYYY")
        elif re.fullmatch(r"\d{4}-\d{2}", p):
            out.append("YYYY-MM")
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", p):
            out.append("YYYY-MM-DD")
        else:
            out.append(p)
    out.append(DATE_RE.sub("DATE.TIME", parts[-1]))
    return "/".join(out)


def listing(scen):
    rows = []
    with open(os.path.join(scen, "capture-listing.txt")) as f:
        for line in f:
            if line.strip():
                rel, size = line.split()
                rows.append((rel, int(size)))
    return sorted(rows, key=lambda r: os.path.basename(r[0]))


def ours(work):
    rows = []
    for root, _, files in os.walk(work):
        for fn in files:
            p = os.path.join(root, fn)
            rel = os.path.relpath(p, work)
            rows.append((rel, os.path.getsize(p)))
    return sorted(rows, key=lambda r: os.path.basename(r[0]))


def header_len(b):
    order = "little" if b[2] == 1 else "big"
    return int.from_bytes(b[4:8], order)


def masked(b):
    b = bytearray(b)
    b[18:22] = b"\0" * 4
    b[26:30] = b"\0" * 4
    return bytes(b)


def compare_file(a, b, exact):
    """a = oracle bytes, b = ours; returns a list of problems."""
    bad = []
    ha, hb = header_len(a), header_len(b)
    if ha != hb:
        return ["header length %d != %d" % (hb, ha)]
    if masked(a[:ha]) != masked(b[:hb]):
        bad.append("header differs (CAP_START/CAP_END masked)")
    flags = int.from_bytes(a[34:38], "little" if a[2] == 1 else "big")
    compressed = bool(flags & 2)
    if compressed:
        try:
            ra = zlib.decompress(a[ha:])
            rb = zlib.decompress(b[hb:])
        except zlib.error as e:
            return bad + ["zlib: %s" % e]
        if ra != rb:
            bad.append("decompressed records differ (%d vs %d bytes)" %
                       (len(rb), len(ra)))
        what = "header + %d decompressed record bytes" % len(ra)
        if exact:
            if a[ha:] != b[hb:]:
                bad.append("compressed bytes differ (%d vs %d)" %
                           (len(b) - hb, len(a) - ha))
            what += ", same %d compressed bytes" % (len(a) - ha)
    else:
        if a[ha:] != b[hb:]:
            bad.append("record bytes differ")
        what = "all %d bytes (times masked)" % len(a)
    return bad, what


def main():
    args = sys.argv[1:]
    exact = args[:1] == ["--exact"]
    if exact:
        args = args[1:]
    scen, work = args[0], args[1]
    exp, got = listing(scen), ours(work)
    ok = True
    print("  oracle files: %s" % ", ".join(norm(r) for r, _ in exp))
    print("  our files:    %s" % ", ".join(norm(r) for r, _ in got))
    if len(exp) != len(got):
        print("  FAIL: %d files, oracle has %d" % (len(got), len(exp)))
        return 1
    for (ra, sa), (rb, sb) in zip(exp, got):
        if norm(ra) != norm(rb):
            print("  FAIL: name %s, oracle %s" % (rb, ra))
            ok = False
        a = open(os.path.join(scen, "capture", ra), "rb").read()
        b = open(os.path.join(work, rb), "rb").read()
        res = compare_file(a, b, exact)
        if isinstance(res, list):
            bad, what = res, "header"
        else:
            bad, what = res
        for p in bad:
            print("  FAIL: %s: %s" % (rb, p))
            ok = False
        if not bad:
            print("  same: %s (%d bytes): %s" % (rb, sb, what))
    return 0 if ok else 1


sys.exit(main())
