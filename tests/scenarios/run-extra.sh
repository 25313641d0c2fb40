#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Scenario suite for tests/lib/run-suites.sh: usage: run-extra.sh BUILD OUTDIR
# Runs every tests/scenarios/*.yaml, JUnit in OUTDIR/scenarios.xml,
# "passed failed skipped" in OUTDIR/extra.counts.
set -u
build=$1
out=$2
here=$(dirname "$0")
mkdir -p "$out"
"$build/podlab" test "$here"/*.yaml --junit "$out/scenarios.xml"
rc=$?
# Counts come from the JUnit file, so they match what was reported.
if [ -s "$out/scenarios.xml" ]; then
	line=$(grep -m1 '<testsuite ' "$out/scenarios.xml")
	attr() { sed -n "s/.* $1=\"\\([0-9]*\\)\".*/\\1/p" <<<"$line"; }
	tests=$(attr tests); failures=$(attr failures); errors=$(attr errors); skipped=$(attr skipped)
	failed=$((failures + errors))
	echo "$((tests - failed - skipped)) $failed $skipped" > "$out/extra.counts"
else
	echo "0 1 0" > "$out/extra.counts"
fi
exit $rc
