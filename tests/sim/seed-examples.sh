#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The teaching text's tc examples (tbf 1mbit; netem delay 100ms loss 10%; htb
# 10mbit with 3/7mbit classes) as simulator runs: tables and SVG plots under
# BUILD/sim-examples/. Each run twice: the output must be byte-identical.
# usage: tests/sim/seed-examples.sh [BUILD]   (default build)
set -eu
build=${1:-build}
podlab=$build/podlab
out=$build/sim-examples
[ -x "$podlab" ] || { echo "seed-examples: $podlab not built (run make)" >&2; exit 2; }
mkdir -p "$out"
rc=0
for ex in seed-tbf seed-netem seed-htb seed-htb-literal; do
	"$podlab" sim qdisc --example "$ex" --plot "$out/$ex.svg" > "$out/$ex.txt"
	"$podlab" sim qdisc --example "$ex" --plot "$out/$ex.again.svg" > "$out/$ex.again.txt"
	if cmp -s "$out/$ex.txt" "$out/$ex.again.txt" && cmp -s "$out/$ex.svg" "$out/$ex.again.svg"; then
		echo "$ex: deterministic; $out/$ex.txt $out/$ex.svg"
	else
		echo "$ex: FAIL: two runs with the same seed differ" >&2
		rc=1
	fi
	rm -f "$out/$ex.again.txt" "$out/$ex.again.svg"
	grep -E '^(totals|flow)' "$out/$ex.txt" | sed 's/^/    /'
done
# bad input: exit status 2 and one line naming the bad token
set +e
msg=$("$podlab" sim qdisc --tbf rate=1mbt,burst=32kbit,latency=400ms --load udp:2mbit 2>&1 >/dev/null)
st=$?
set -e
if [ $st -eq 2 ] && printf '%s' "$msg" | grep -q "'1mbt'"; then
	echo "bad rate: exit 2, names the token"
else
	echo "bad rate: FAIL: exit $st, '$msg'" >&2
	rc=1
fi
exit $rc
