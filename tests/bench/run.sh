#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: every benchmark binary and script under tests/bench/.
set -u
build=$1; rc=0
for b in "$build"/bench/*; do
	[ -x "$b" ] || continue
	echo "=== $(basename "$b")"
	"$b" || rc=1
done
for s in tests/bench/*.sh; do
	[ "$(basename "$s")" = run.sh ] && continue
	[ -x "$s" ] || continue
	echo "=== $(basename "$s")"
	"$s" "$build" || rc=1
done
exit $rc
