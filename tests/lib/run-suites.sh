#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs every test suite, even after a failure; JUnit XML lands in BUILD/test-results/.
# usage: run-suites.sh BUILD SUITE...
set -u
build=$1; shift
out=$build/test-results
mkdir -p "$out"
rc=0; passed=0; failed=0; skipped=0
for s in "$@"; do
	echo "=== suite $s"
	"$build/tests/test_$s" --junit "$out/$s.xml" --counts "$out/$s.counts" || rc=1
	if [ -s "$out/$s.counts" ]; then
		read -r p f k < "$out/$s.counts"
		passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + k))
	else
		echo "suite $s did not finish"; failed=$((failed + 1)); rc=1
	fi
done
for extra in tests/*/run-extra.sh; do
	[ -x "$extra" ] || continue
	echo "=== $extra"
	"$extra" "$build" "$out" || rc=1
	if [ -s "$out/extra.counts" ]; then
		read -r p f k < "$out/extra.counts"
		passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + k))
		rm -f "$out/extra.counts"
	fi
done
echo
echo "JUnit: $out/*.xml"
echo "podlab: $passed passed, $failed failed, $skipped skipped"
exit $rc
