#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Scenario suite for tests/lib/run-suites.sh: usage: run-extra.sh BUILD OUTDIR
# Runs every tests/scenarios/*.yaml, JUnit in OUTDIR/scenarios.xml; then the
# same scenarios in sim and live mode, packet by packet (OUTDIR/compare.xml);
# "passed failed skipped" of both in OUTDIR/extra.counts. Two scenarios at a
# time (-j 2): the output and JUnit are those of a serial run.
set -u
build=$1
out=$2
here=$(dirname "$0")
mkdir -p "$out"
"$build/podlab" test -j 2 "$here"/*.yaml --junit "$out/scenarios.xml"
rc=$?
# The simulator and the kernel must agree on every packet (sim/walk.c, docs/sim.md).
"$build/podlab" test -j 2 --compare sim,live "$here"/*.yaml --junit "$out/compare.xml"
rc2=$?
[ "$rc" -ne 0 ] || rc=$rc2
# Counts come from the JUnit files, so they match what was reported.
attr() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$line"; }
passed=0 failed=0 skipped=0
for x in "$out/scenarios.xml" "$out/compare.xml"; do
	if [ -s "$x" ]; then
		line=$(grep -m1 '<testsuite ' "$x")
		tests=$(attr tests); failures=$(attr failures); errors=$(attr errors); skip=$(attr skipped)
		f=$((failures + errors))
		passed=$((passed + tests - f - skip)); failed=$((failed + f)); skipped=$((skipped + skip))
	else
		failed=$((failed + 1))
	fi
done
echo "$passed $failed $skipped" > "$out/extra.counts"
exit $rc
