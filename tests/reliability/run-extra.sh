#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Crashes and concurrency, for tests/lib/run-suites.sh (and make reliability):
#   kill_up:     `podlab up` SIGKILLed at points spread over its whole build, then
#                `podlab down --stale` (or `down RUN` if the build had finished): no
#                namespace, pin, state file or process of the run may be left;
#   concurrent:  RUNS runs of one topology built at once, each passes `podlab check`
#                at the same time; `down` of one leaves every other one whole;
#   state_dir:   /run/podlab read-only, then full: `up` exits 4 with one error naming
#                the file and the errno text, and creates nothing.
# usage: run-extra.sh BUILD OUTDIR
#   PODLAB_KILL_TRIALS  kill points (default 12; make reliability: 100)
#   PODLAB_CONCURRENT   runs at once (default 8)
#   PODLAB_TOPOLOGY     topology (default topologies/two-node-vxlan.yaml)
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
podlab=$build/podlab
. "$src/tests/lib/extra.sh"
extra_init reliability "$2"
trials=${PODLAB_KILL_TRIALS:-12}
nconc=${PODLAB_CONCURRENT:-8}
topo=${PODLAB_TOPOLOGY:-$src/topologies/two-node-vxlan.yaml}
tag=r$(printf '%04x' $(($$ % 65536)))
tmp=$(mktemp -d /tmp/podlab-reliability.XXXXXX)
ours=()

# Every run this script made, removed whatever happened (never another's run).
finish() {
	local r
	for r in "${ours[@]}"; do
		[ -e "/run/podlab/$r.state" ] && "$podlab" down "$r" > /dev/null 2>&1
	done
	rm -rf "$tmp"
	extra_finish
}
trap finish EXIT

# What RUN left: its namespaces, pins, state file, processes (empty: nothing).
leftovers() {
	local r=$1 l=
	l+=$(ls /run/netns 2> /dev/null | grep "^pl-$r-" | tr '\n' ' ')
	[ -e "/sys/fs/bpf/podlab/$r" ] && l+="/sys/fs/bpf/podlab/$r "
	[ -e "/run/podlab/$r.state" ] && l+="/run/podlab/$r.state "
	pgrep -f -- "--run $r( |\$)" > /dev/null && l+="a podlab process "
	echo "$l"
}

if [ "$(id -u)" -ne 0 ]; then
	result SKIP kill_up "needs root (podlab up builds namespaces and loads BPF)"
	result SKIP concurrent "needs root (podlab up builds namespaces and loads BPF)"
	result SKIP state_dir "needs root (a private mount namespace over /run/podlab)"
	exit 0
fi
[ -x "$podlab" ] || { result FAIL kill_up "$podlab is missing (make)"; exit 1; }

# --- kill_up -----------------------------------------------------------------------------
# One unkilled build sets the span the kill points cover.
r=${tag}k
ours+=("$r")
t0=$(date +%s%N)
if ! "$podlab" up "$topo" --run "$r" > "$tmp/up.log" 2>&1; then
	result FAIL kill_up "podlab up $topo failed: $(tail -1 "$tmp/up.log")"
else
	span=$((($(date +%s%N) - t0) / 1000))
	"$podlab" down "$r" > /dev/null 2>&1
	mid=0 done=0 early=0 bad= maxns=0
	for ((i = 0; i < trials; i++)); do
		r=${tag}k$i
		ours+=("$r")
		us=$((span * 3 / 2 * i / (trials > 1 ? trials - 1 : 1)))  # 0 to 1.5 builds: every phase, and after
		"$podlab" up "$topo" --run "$r" > /dev/null 2>&1 &
		pid=$!
		sleep "$(printf '%d.%06d' $((us / 1000000)) $((us % 1000000)))"
		kill -KILL "$pid" 2> /dev/null
		wait "$pid" 2> /dev/null
		st=/run/podlab/$r.state
		if [ ! -e "$st" ]; then
			early=$((early + 1))
		elif grep -qx done "$st" && grep -qx 'owner 0 0' "$st"; then
			done=$((done + 1))
			"$podlab" down "$r" > /dev/null 2>&1
		else
			mid=$((mid + 1))
			n=$(grep -c '^netns ' "$st")
			((n > maxns)) && maxns=$n
			"$podlab" down --stale > "$tmp/stale.log" 2>&1 ||
				bad+="trial $i: down --stale failed: $(tail -1 "$tmp/stale.log"); "
		fi
		l=$(leftovers "$r")
		[ -n "$l" ] && bad+="trial $i (killed after $((us / 1000)) ms): left $l; "
	done
	check kill_up "$trials kills over a $((span / 1000)) ms build: $early before the first record, $mid mid-build (up to $maxns namespaces recorded), $done finished; nothing left" \
		"$bad" [ -z "$bad" ]
fi

# --- concurrent --------------------------------------------------------------------------
pids=()
for ((i = 0; i < nconc; i++)); do
	ours+=("${tag}c$i")
	"$podlab" up "$topo" --run "${tag}c$i" > "$tmp/c$i.up" 2>&1 &
	pids+=($!)
done
bad=
for ((i = 0; i < nconc; i++)); do
	wait "${pids[$i]}" || bad+="up ${tag}c$i: $(tail -1 "$tmp/c$i.up"); "
done
if [ -z "$bad" ]; then
	pids=()
	for ((i = 0; i < nconc; i++)); do
		"$podlab" check "${tag}c$i" > "$tmp/c$i.check" 2>&1 &
		pids+=($!)
	done
	for ((i = 0; i < nconc; i++)); do
		wait "${pids[$i]}" || bad+="check ${tag}c$i: $(tail -1 "$tmp/c$i.check"); "
	done
fi
if [ -z "$bad" ]; then
	"$podlab" down "${tag}c0" > /dev/null 2>&1 || bad+="down ${tag}c0 failed; "
	for ((i = 1; i < nconc; i++)); do
		"$podlab" status "${tag}c$i" > "$tmp/c$i.status" 2>&1
		if [ $? -ne 0 ] || grep -qE 'MISSING|\(missing\)' "$tmp/c$i.status"; then
			bad+="status ${tag}c$i after down of ${tag}c0: $(grep -m1 -E 'MISSING|missing|error' "$tmp/c$i.status"); "
		fi
	done
	"$podlab" check "${tag}c$((nconc - 1))" > "$tmp/last.check" 2>&1 ||
		bad+="check ${tag}c$((nconc - 1)) after down of ${tag}c0: $(tail -1 "$tmp/last.check"); "
fi
check concurrent "$nconc runs of $(basename "$topo") built and checked at once, all PASS; down of one left the other $((nconc - 1)) whole" \
	"$bad" [ -z "$bad" ]

# --- state_dir ---------------------------------------------------------------------------
# In a private mount namespace, /run/podlab is replaced by a read-only or a full tmpfs; a
# run that got up anyway is taken down in there, where its state file is.
state_dir_try() {
	local r=$1 opts=$2 fill=$3
	unshare -m --propagation private bash -c '
		mkdir -p /run/podlab && mount -t tmpfs -o "$3" podlab-test /run/podlab || exit 99
		[ "$4" = 0 ] || dd if=/dev/zero of=/run/podlab/fill bs=4k count="$4" 2>/dev/null
		mount -o remount,"$3" /run/podlab
		"$1" up "$5" --run "$2" 2>&1 >/dev/null
		rc=$?
		[ $rc -eq 0 ] && "$1" down "$2" >/dev/null 2>&1
		exit $rc' bash "$podlab" "$r" "$opts" "$fill" "$topo"
}
bad= seen=
for c in "ro:ro:0:Read-only file system" "full:size=4k:1:No space left on device"; do
	IFS=: read -r what opts fill errno <<<"$c"
	r=${tag}s$what
	out=$(state_dir_try "$r" "$opts" "$fill")
	rc=$?
	if [ $rc -eq 99 ]; then
		bad+="$what: could not mount a tmpfs over /run/podlab; "
		continue
	fi
	line=$(grep -m1 '^podlab: error:' <<<"$out")
	[ $rc -eq 4 ] || bad+="$what: exit $rc, not 4 ($(tail -1 <<<"$out")); "
	grep -q "/run/podlab/$r.state" <<<"$line" && grep -q "$errno" <<<"$line" ||
		bad+="$what: error line '$line' does not name the state file and '$errno'; "
	l=$(leftovers "$r")
	[ -n "$l" ] && bad+="$what: left $l; "
	seen+="$what: '${line#podlab: error: }'; "
done
check state_dir "read-only and full /run/podlab: exit 4, ${seen%; }, nothing created" \
	"$bad" [ -z "$bad" ]
