#!/bin/sh
# fuzz_corpora.sh - run every fuzz harness (built standalone, i.e. without
# libFuzzer: it runs each file it is given once) over its seed corpus
# tests/fuzz/corpus/<name>.  Harnesses whose corpus directory does not
# exist yet are skipped; a crash or sanitizer report fails the test.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
ran=0
failed=0
for src in "$top_srcdir"/tests/fuzz/fuzz_*.c; do
	[ -f "$src" ] || continue
	name=$(basename "$src" .c)
	short=${name#fuzz_}
	bin=$top_builddir/tests/fuzz/$name
	corpus=$top_srcdir/tests/fuzz/corpus/$short
	if [ ! -d "$corpus" ]; then
		echo "skip $name: no corpus directory"
		continue
	fi
	if [ ! -x "$bin" ]; then
		echo "skip $name: not built"
		continue
	fi
	n=$(find "$corpus" -type f | wc -l | tr -d ' ')
	if [ "$n" = 0 ]; then
		echo "skip $name: empty corpus"
		continue
	fi
	if "$bin" "$corpus" >"$top_builddir/$name.out" 2>&1; then
		echo "ok   $name: $n corpus files"
		ran=$((ran + 1))
	else
		echo "FAIL $name: see below"
		tail -30 "$top_builddir/$name.out"
		failed=$((failed + 1))
	fi
done
if [ $failed -ne 0 ]; then
	echo "FAIL: $failed harnesses failed"
	exit 1
fi
if [ $ran = 0 ]; then
	echo "SKIP: no harness with a corpus"
	exit 77
fi
echo "PASS: $ran harnesses"
exit 0
