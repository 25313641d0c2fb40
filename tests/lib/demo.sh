#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make demo: the main job on the shipped topologies and scenarios.
#  1. load every program through the verifier (podlab verify);
#  2. run the shipped scenarios (unit and live) -> JUnit;
#  3. send the same packets live through two-node-native, -vxlan and -legacy
#     and compare what each routing mode did to them.
# Every topology is built by podlab for the replay and removed after it; the
# trap reaps whatever an interrupted run left behind.
# usage: demo.sh BUILD
set -u
build=$1
podlab=$build/podlab
out=$build/demo
mkdir -p "$out"

# Runs that existed before the demo are not ours and are never touched.
runs_before=$(ls /run/podlab/ 2>/dev/null)
cleanup() {
	# Runs the demo's podlab processes built and could not remove (interrupted):
	# new since the start, built from this checkout's topologies, owner gone.
	local f run pid
	for f in /run/podlab/*.state; do
		[ -e "$f" ] || continue
		run=$(basename "$f" .state)
		grep -qx "$run.state" <<<"$runs_before" && continue
		grep -q "^topology $PWD/topologies/" "$f" || continue
		pid=$(sed -n 's/^owner \([0-9]*\) .*/\1/p' "$f" | tail -1)
		[ -n "$pid" ] && [ "$pid" != 0 ] && kill -0 "$pid" 2>/dev/null && continue
		"$podlab" down "$run" >/dev/null 2>&1 || true
	done
}
trap cleanup EXIT INT TERM

if [ "$(id -u)" -ne 0 ]; then
	echo "make demo needs root (namespaces, BPF): run it as root" >&2
	exit 3
fi

echo "== 1. the datapath through the verifier"
"$podlab" verify || exit 1

echo
echo "== 2. the shipped scenarios (tests/scenarios/*.yaml)"
"$podlab" test tests/scenarios/*.yaml --junit "$out/scenarios.xml"
scenarios_rc=$?

echo
echo "== 3. the same packets, live, in each routing mode"
cat > "$out/demo.spec" <<'EOF'
# backend (node2) -> frontend (node1): a TCP SYN with 100 bytes, a ping
tcp 10.244.2.20:45000 > 10.244.1.10:80 flags S payload 100
icmp echo 10.244.2.20 > 10.244.1.10 id 42 seq 1 payload 56
EOF
"$podlab" pcap gen "$out/demo.spec" -o "$out/demo.pcap" >/dev/null || exit 1
for mode in native vxlan legacy; do
	echo "-- $mode"
	"$podlab" replay --mode live --topology "topologies/two-node-$mode.yaml" \
		--pcap "$out/demo.pcap" | tee "$out/$mode.txt"
	"$podlab" replay --mode live --json --topology "topologies/two-node-$mode.yaml" \
		--pcap "$out/demo.pcap" > "$out/$mode.json"
done

# One field of the first packet's JSON line.
field() {
	sed -n "1s/.*\"$2\":\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p" "$out/$1.json"
}
path() {
	sed -n '1s/^ *[0-9]* [^|]*| at \([^ ]*\) | \([^|]*\) |.*/\1: \2/p' "$out/$1.txt"
}
mtu=$(sed -n 's/^mtu: *\([0-9]*\).*/\1/p' topologies/two-node-native.yaml)
mtu=${mtu:-1500}

echo
echo "== what each mode did to backend -> frontend:80 (TCP SYN, 100 bytes of payload)"
printf '%-8s %-16s %-14s %-9s %-18s %s\n' mode delivered source-seen overhead "largest DF ping" "path (hook: programs)"
for mode in native vxlan legacy; do
	delivered=$(field "$mode" delivered_to)
	saddr=$(sed -n '1s/.*"out":{"saddr":"\([^"]*\)".*/\1/p' "$out/$mode.json")
	# Not delivered: the source address the last program saw, in parentheses.
	[ -n "$saddr" ] || saddr="($(field "$mode" last_hop_saddr))"
	wire=$(field "$mode" underlay_len)
	inlen=$(field "$mode" input_len)
	if [ -n "$wire" ] && [ -n "$inlen" ]; then
		overhead=$((wire - inlen))
		dfping="$((mtu - 28 - overhead)) bytes"
	else
		overhead="?"
		dfping="?"
	fi
	printf '%-8s %-16s %-14s %-9s %-18s %s\n' "$mode" "${delivered:-?}" "${saddr:--}" \
		"${overhead} B" "$dfping" "$(path "$mode")"
done
echo
echo "overhead: bytes the underlay frame carries beyond the pod's frame (VXLAN: outer"
echo "Ethernet+IPv4+UDP+VXLAN); largest DF ping = underlay MTU $mtu - 28 - overhead."
echo "source-seen: the source address at frontend's eth0; in parentheses when the packet"
echo "was not delivered: the source the last datapath program saw (legacy: MASQUERADE)."
echo
echo "JUnit: $out/scenarios.xml"
exit $scenarios_rc
