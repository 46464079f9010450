#!/bin/sh
# packaging.sh - what ships besides the programs: the man pages pass
# `mandoc -T lint` (skipped without mandoc), the systemd unit made by make
# passes `systemd-analyze verify` with a stand-in flowkeepd at its
# ExecStart path (skipped without systemd-analyze) and holds the
# hardening options, the OpenBSD rc script parses (sh -n), the FlowViewer
# tracking importer turns a .fil file into the tracking its fields mean,
# and `make install DESTDIR=...` installs programs, man pages and a
# configuration that tests/install/installcheck.sh runs.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib/common.sh"

need_prog "$FLOWKEEPD" "$FLOWKEEP"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
make_tmp
MK=${MAKE:-make}

echo "== 1. man pages"
if command -v mandoc >/dev/null; then
	mandoc -T lint -W warning "$top_srcdir"/doc/flowkeep.1 \
	    "$top_srcdir"/doc/flowkeepd.8 "$top_srcdir"/doc/flowkeep.conf.5 ||
	    fail "mandoc -T lint"
	echo "  mandoc -T lint: clean"
else
	echo "  mandoc missing: lint skipped"
fi

echo "== 2. service files"
(cd "$top_builddir" && $MK contrib/systemd/flowkeepd.service \
    contrib/openbsd/flowkeepd.rc contrib/flowkeep.conf >/dev/null) ||
    fail "make the service files"
U=$top_builddir/contrib/systemd/flowkeepd.service
grep -Eq '@[a-z]+@' "$U" && fail "unsubstituted @...@ in the unit"
for o in NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes \
    ProtectHome=yes 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' \
    'CapabilityBoundingSet=$' ReadWritePaths=; do
	grep -q "^$o" "$U" || fail "unit lacks $o"
done
if command -v systemd-analyze >/dev/null; then
	# verify wants ExecStart's program and the Documentation= man pages
	# to exist: the built flowkeepd at the same place, the pages of the
	# source tree on MANPATH
	exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$U")
	sed "s|^ExecStart=$exe|ExecStart=$FLOWKEEPD|" "$U" >"$T/flowkeepd.service"
	mkdir -p "$T/man/man5" "$T/man/man8"
	cp "$top_srcdir/doc/flowkeepd.8" "$T/man/man8/"
	cp "$top_srcdir/doc/flowkeep.conf.5" "$T/man/man5/"
	MANPATH=$T/man SYSTEMD_LOG_LEVEL=warning systemd-analyze verify \
	    "$T/flowkeepd.service" >"$T/verify" 2>&1
	grep -v -e '^$' "$T/verify" >"$T/verify.bad"
	[ -s "$T/verify.bad" ] && { cat "$T/verify"; fail "systemd-analyze verify"; }
	echo "  systemd-analyze verify: clean"
else
	echo "  systemd-analyze missing: verify skipped"
fi
sh -n "$top_builddir/contrib/openbsd/flowkeepd.rc" || fail "rc script syntax"
grep -q '^daemon_user="_flowkeep"$' "$top_builddir/contrib/openbsd/flowkeepd.rc" ||
    fail "rc script user"
"$FLOWKEEPD" --check --config "$top_builddir/contrib/flowkeep.conf" >/dev/null ||
    fail "the installed configuration does not pass --check"

echo "== 3. FlowViewer trackings import"
mkdir -p "$T/fv" "$T/trk"
cat >"$T/fv/web_in.fil" <<'FIL'
 input: monitor_label: Web In
 input: monitor_type: Individual-bps
 input: device_name: router1
 input: source_addresses: 
 input: dest_addresses: 192.0.2.0/24,-192.0.2.7
 input: dest_ports: 80,443
 input: protocols: 6
 input: sampling_multiplier: 100
 input: alert_threshold: 5000000
filter-primitive FV_dest_address
  type ip-address-prefix
  permit 192.0.2.0/24
FIL
printf ' input: monitor_label: everything\n' >"$T/fv/all.fil"
printf ' input: monitor_label: grp\n' >"$T/fv/both.grp"
python3 "$top_srcdir/contrib/fv-import-trackings" --flowkeep "$FLOWKEEP" \
    --dir "$T/trk" "$T/fv" >"$T/imp.out" 2>"$T/imp.err" ||
    { cat "$T/imp.err"; fail "importer"; }
ls "$T/trk" | sort | tr '\n' ' ' >"$T/names"
[ "$(cat "$T/names")" = "all web_in " ] || fail "imported: $(cat "$T/names")"
grep -qx 'filter dst ip in \[-192.0.2.7, 192.0.2.0/24\] and dst port in \[80, 443\] and proto tcp' \
    "$T/trk/web_in" || { cat "$T/trk/web_in"; fail "web_in filter"; }
grep -qx 'multiplier 100' "$T/trk/web_in" || fail "web_in multiplier"
grep -qx 'filter any' "$T/trk/all" || fail "all: filter"
grep -q 'device "router1" is not part of the filter' "$T/imp.err" ||
    fail "importer did not say the device was dropped"
grep -q 'alert_threshold "5000000" not imported' "$T/imp.err" ||
    fail "importer did not say the alert was dropped"
"$FLOWKEEP" track show web_in --dir "$T/trk" >/dev/null || fail "track show"
python3 "$top_srcdir/contrib/fv-import-trackings" --bogus >/dev/null 2>&1
[ $? -eq 2 ] || fail "importer: bad option must exit 2"
echo "  2 trackings imported, group skipped"

echo "== 4. make install into a DESTDIR"
(cd "$top_builddir" && $MK install DESTDIR="$T/inst" >"$T/install.log" 2>&1) ||
    { tail -20 "$T/install.log"; fail "make install"; }
eval "$(cd "$top_builddir" && $MK -s -f Makefile -f - print-dirs <<'MK'
print-dirs:
	@echo "sbindir='$(sbindir)' bindir='$(bindir)' sysconfdir='$(sysconfdir)' fkstatedir='$(fkstatedir)' mandir='$(mandir)'"
MK
)"
[ -n "${sbindir:-}" ] || fail "no install directories from the Makefile"
DESTDIR=$T/inst sbindir=$sbindir bindir=$bindir sysconfdir=$sysconfdir \
    fkstatedir=$fkstatedir mandir=$mandir \
    sh "$top_srcdir/tests/install/installcheck.sh" || fail "installcheck"
(cd "$top_builddir" && $MK install DESTDIR="$T/inst" >"$T/install2.log" 2>&1) ||
    fail "second make install"
grep -q "keeping $T/inst$sysconfdir/flowkeep.conf" "$T/install2.log" ||
    fail "a second install must keep the configuration"
echo "PASS"
