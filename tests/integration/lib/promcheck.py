"""promcheck.py FILE - check that FILE is Prometheus text exposition format
0.0.4 as flowkeep writes it, and print its samples as "NAME{LABELS} VALUE"
lines with the labels sorted (so a test can grep for one).

Checked: every line is a HELP, a TYPE or a sample; a family's HELP and TYPE
come once, before its samples; names and label names are legal; label
values are quoted with only \\\\, \\" and \\n escapes; values are numbers;
counters end in _total; no sample appears twice.  Exits 1 with the line
number on the first fault."""
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LNAME = r"[a-zA-Z_][a-zA-Z0-9_]*"
LVAL = r'"(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r"^(%s)(?:\{((?:%s=%s)(?:,%s=%s)*)?\})? (\S+)$"
                    % (NAME, LNAME, LVAL, LNAME, LVAL))
LABEL = re.compile(r"(%s)=(%s)" % (LNAME, LVAL))
HELP = re.compile(r"^# HELP (%s) (.*)$" % NAME)
TYPE = re.compile(r"^# TYPE (%s) (counter|gauge|histogram|summary|untyped)$"
                  % NAME)


def die(n, line, why):
    print("promcheck: line %d: %s: %r" % (n, why, line))
    sys.exit(1)


def main():
    helps, types, seen, out = set(), {}, set(), []
    text = open(sys.argv[1], encoding="utf-8").read()
    if not text.endswith("\n"):
        die(0, text[-40:], "no final newline")
    for n, line in enumerate(text.split("\n")[:-1], 1):
        m = HELP.match(line)
        if m:
            if m.group(1) in helps:
                die(n, line, "second HELP")
            helps.add(m.group(1))
            continue
        m = TYPE.match(line)
        if m:
            if m.group(1) in types:
                die(n, line, "second TYPE")
            if m.group(2) == "counter" and not m.group(1).endswith("_total"):
                die(n, line, "counter without _total")
            types[m.group(1)] = m.group(2)
            continue
        m = SAMPLE.match(line)
        if not m:
            die(n, line, "not a HELP, TYPE or sample line")
        name, labels, value = m.groups()
        if name not in types or name not in helps:
            die(n, line, "sample before its HELP/TYPE")
        try:
            float(value)
        except ValueError:
            die(n, line, "value is not a number")
        lab = sorted(LABEL.findall(labels or ""))
        key = name + "{" + ",".join("%s=%s" % kv for kv in lab) + "}"
        if key in seen:
            die(n, line, "sample twice")
        seen.add(key)
        out.append("%s %s" % (key, value))
    print("\n".join(out))


main()
