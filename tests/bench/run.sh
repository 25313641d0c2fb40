#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: every benchmark binary and script under tests/bench/ (or those named in BENCH).
# usage: tests/bench/run.sh BUILD [NAME...]
# Each benchmark's output goes to BUILD/bench-results/NAME.log as well; the summary rows it
# prints (see tests/bench/summary.sh) are collected in BUILD/bench-results/summary.md.
set -u
build=$1; shift
want=" $* "
res=$build/bench-results
rc=0
mkdir -p "$res"
wanted() { [ "$want" = "  " ] || [[ $want == *" $1 "* ]]; }
run_one() { # NAME COMMAND...
	local name=$1 st
	shift
	wanted "$name" || return 0
	echo "=== $name"
	"$@" 2>&1 | tee "$res/$name.log"
	st=${PIPESTATUS[0]}
	[ "$st" -eq 0 ] || { echo "=== $name: exit $st"; rc=1; }
}
rm -f "$res"/*.log
# What the figures were measured on: summary.sh prints it above the table.
load() { cut -d' ' -f1-3 /proc/loadavg; }
{
	echo "started $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), kernel $(uname -r)"
	echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with local changes)')"
	echo "load_start $(load)"
} > "$res/machine"
for b in "$build"/bench/*; do
	[ -x "$b" ] || continue
	run_one "$(basename "$b")" "$b"
done
for s in tests/bench/*.sh; do
	n=$(basename "$s")
	case $n in run.sh | summary.sh) continue ;; esac
	[ -x "$s" ] || continue
	run_one "$(basename "$s" .sh)" "$s" "$build"
done
echo "load_end $(load)" >> "$res/machine"
echo "ended $(date -u '+%H:%M UTC')" >> "$res/machine"
tests/bench/summary.sh "$res" > "$res/summary.md"
echo "=== summary ($res/summary.md)"
cat "$res/summary.md"
exit $rc
