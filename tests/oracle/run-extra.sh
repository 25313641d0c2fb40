#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Policy oracle suite for tests/lib/run-suites.sh: usage: run-extra.sh BUILD OUTDIR
# A small round (ORACLE_CASES flows, default 1000, random topologies from
# ORACLE_SEED, default 1: the same cases every run; `make oracle` explores more):
# the rules, the compiled maps, unit-, sim- and (every 10th topology) live-mode replays must agree on
# every flow. Writes OUTDIR/oracle.xml and "passed failed skipped" to OUTDIR/extra.counts.
set -u
build=$1 out=$2
mkdir -p "$out"
seed=${ORACLE_SEED:-1}
"$build/tests/policy_oracle" --cases "${ORACLE_CASES:-1000}" --seed "$seed" \
	--out "$out/oracle-findings" --junit "$out/oracle.xml"
rc=$?
line=$(grep -m1 '<testsuite ' "$out/oracle.xml" 2> /dev/null)
attr() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$line"; }
if [ -n "$line" ]; then
	tests=$(attr tests) failures=$(attr failures) skip=$(attr skipped)
	echo "$((tests - failures - skip)) $failures $skip" > "$out/extra.counts"
else
	echo "0 1 0" > "$out/extra.counts"
fi
[ "$rc" -eq 0 ] && echo "PASS oracle (seed $seed)" || echo "FAIL oracle (seed $seed): rerun with ORACLE_SEED=$seed; findings in $out/oracle-findings/"
exit $rc
