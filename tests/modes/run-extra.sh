#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The modes table (tests/lib/modes.sh, make modes) in a short round: native, ipip and
# legacy built, probed and measured once; each row must say what its mode does on the
# wire, to the MTU and to the source address, and native's TCP must carry bytes.
# usage: run-extra.sh BUILD OUTDIR
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$1
. "$src/tests/lib/extra.sh"
extra_init modes "$2"
trap extra_finish EXIT

why=
[ "$(id -u)" -eq 0 ] || why="needs root (namespaces, BPF)"
[ -z "$why" ] && ! command -v iperf3 >/dev/null && why="iperf3 missing (make deps)"
[ -z "$why" ] && ! command -v jq >/dev/null && why="jq missing (make deps)"
[ -z "$why" ] && ! unshare -n true 2>/dev/null && why="cannot create a network namespace"
if [ -n "$why" ]; then
	result SKIP table "$why"
	exit 0
fi
table=$(cd "$src" && MODES_ROUNDS=1 MODES_SECS=1 tests/lib/modes.sh "$build" native ipip legacy 2>"$2/modes.err")
st=$?
echo "$table"
row() { grep "^| $1 |" <<<"$table"; }
check exit "modes.sh exit 0" "modes.sh exit $st (see $2/modes.err)" [ "$st" -eq 0 ]
# native: bare pod packets, nothing added, the pod's own address, TCP measured
check native "bare, 1500, NAT-free, TCP measured" "$(row native)" \
	grep -Eq '^\| native \|[^|]*\| [1-9][0-9]* / 0 \| 0 \| 1500 \(1472\) \| [0-9.]+ \(the pod: NAT-free\) \| [0-9.]+ Gbit/s \| PASS \|$' <<<"$(row native)"
check ipip "IP-in-IP only, 20 bytes, 1480, NAT-free" "$(row ipip)" \
	grep -Eq '^\| ipip \|[^|]*\| 0 / [1-9][0-9]* \| 20 \| 1480 \(1452\) \| [0-9.]+ \(the pod: NAT-free\) \| [0-9.]+ Gbit/s \([0-9.]+× native\) \| PASS \|$' <<<"$(row ipip)"
check legacy "VXLAN only, 50 bytes, 1450, a node's address, TCP denied" "$(row legacy)" \
	grep -Eq '^\| legacy \|[^|]*\| 0 / [1-9][0-9]* \| 50 \| 1450 \(1422\) \| 192\.168\.50\.[12] \(not 10\.244\.[12]\.[0-9]+: NAT\) \| denied by policy \| PASS \|$' <<<"$(row legacy)"
