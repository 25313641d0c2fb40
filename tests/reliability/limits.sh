#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make limits: podlab at sizes well past the shipped files, each trial completing or
# failing with a clear message, with its figures (wall time, peak RSS) printed:
#   nodes    a topology of NODES x PODS (default 200 x 10) up with the datapath, a ping
#            from the first node's first pod to the last node's last pod, status, down
#   packets  a capture of PACKETS (default 10,000,000) distinct-port TCP SYNs replayed
#            in unit mode: every packet's verdict counted, peak RSS bounded by the chunk
#   rules    a CiliumNetworkPolicy of RULES (default 100,000) ingress rules (one /32
#            fromCIDR and TCP 80 each) plus one label rule: validate, up, check
# usage: limits.sh BUILD [TRIAL...]   Env: LIMIT_NODES, LIMIT_PODS, LIMIT_PACKETS, LIMIT_RULES
# Everything is built in podlab's own namespaces; the files go to a temporary directory.
set -u
build=$1; shift
podlab=$build/podlab
trials=${*:-nodes packets rules}
nodes=${LIMIT_NODES:-200} pods=${LIMIT_PODS:-10}
packets=${LIMIT_PACKETS:-10000000} rules=${LIMIT_RULES:-100000}
tmp=$(mktemp -d /tmp/podlab-limits.XXXXXX)
runs=()
cleanup() {
	local r
	for r in "${runs[@]}"; do
		"$podlab" down "$r" >/dev/null 2>&1
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
[ "$(id -u)" -eq 0 ] || { echo "limits: needs root (namespaces, BPF)" >&2; exit 3; }
rc=0
exec 3>&1 # the figures go here, whatever a trial redirects

# timed NAME COMMAND...: runs it, prints "NAME: wall S s, peak RSS M MiB", keeps its status.
timed() {
	local name=$1 st
	shift
	/usr/bin/time -f "%e %M" -o "$tmp/time" "$@"
	st=$?
	read -r wall rss < <(tail -1 "$tmp/time") # after "Command exited with ..." if it failed
	printf '  %-28s wall %7.2f s, peak RSS %6.1f MiB, exit %d\n' "$name" "$wall" \
		"$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$st" >&3
	return $st
}
up() { # FILE [OPTS]: podlab up, the run id in $run
	run=
	timed "up" "$podlab" up "$@" > "$tmp/up.log" 2>&1 || { tail -3 "$tmp/up.log"; return 1; }
	run=$(sed -n 's/^run id: \([a-z0-9]*\).*/\1/p' "$tmp/up.log")
	runs+=("$run")
}
down() {
	timed "down" "$podlab" down "$run" > /dev/null || return 1
	runs=("${runs[@]/$run/}")
	if ip netns list 2>/dev/null | grep -q "^pl-$run-"; then
		echo "  left behind: $(ip netns list 2>/dev/null | grep -c "^pl-$run-") namespaces of $run"
		return 1
	fi
}

trial_nodes() {
	local f=$tmp/nodes.yaml i k ns=$((nodes * pods + nodes + 1))
	echo "== nodes: $nodes nodes x $pods pods ($ns namespaces), native, segment underlay, datapath"
	{
		echo "name: limits-$nodes-$pods"
		echo "routing: native"
		echo "nodes:"
		for ((i = 1; i <= nodes; i++)); do
			printf '  - name: n%d\n    ip: 172.16.%d.%d/16\n    podCIDR: 10.%d.%d.0/24\n    pods:\n' \
				"$i" $((i / 256)) $((i % 256)) $((i / 256)) $((i % 256))
			for ((k = 1; k <= pods; k++)); do
				printf '      - {name: n%dp%d, ip: 10.%d.%d.%d, labels: {app: a%d}}\n' \
					"$i" "$k" $((i / 256)) $((i % 256)) $((10 + k)) "$k"
			done
		done
		echo "underlay: {type: segment}"
	} > "$f"
	timed "validate" "$podlab" validate "$f" > /dev/null || return 1
	up "$f" || return 1
	echo "  $(awk -v w="$wall" -v n="$ns" 'BEGIN { printf "%.2f ms per namespace", w * 1000 / n }')"
	timed "ping n1p1 -> n${nodes}p$pods" "$podlab" exec "$run" n1p1 -- \
		ping -c 1 -W 2 "10.$((nodes / 256)).$((nodes % 256)).$((10 + pods))" > /dev/null || return 1
	timed "status" "$podlab" status "$run" > "$tmp/status.log" || return 1
	down
}

trial_packets() {
	local i
	echo "== packets: $packets TCP SYNs replayed in unit mode (two-node-native)"
	for ((i = 0; i < 1000; i++)); do
		echo "tcp 10.244.1.10:$((20000 + i)) > 10.244.2.20:80 flags S"
	done > "$tmp/p.spec"
	"$podlab" pcap gen "$tmp/p.spec" -o "$tmp/p1k.pcap" > /dev/null || return 1
	# 1000 records after the 24-byte file header, repeated: same packets, same timestamps.
	{
		head -c 24 "$tmp/p1k.pcap"
		for ((i = 0; i < packets / 1000; i++)); do tail -c +25 "$tmp/p1k.pcap"; done
	} > "$tmp/p.pcap"
	echo "  capture: $(stat -c %s "$tmp/p.pcap") bytes"
	timed "replay" "$podlab" replay --topology topologies/two-node-native.yaml \
		--pcap "$tmp/p.pcap" > "$tmp/replay.out" 2> "$tmp/replay.err" || return 1
	echo "  $(awk -v w="$wall" -v n="$packets" 'BEGIN { printf "%.0f packets/s", n / w }')"
	tail -1 "$tmp/replay.out" | sed 's/^/  /'
	grep -q "^$packets packets: $packets redirected," "$tmp/replay.out"
}

trial_rules() {
	local f=$tmp/rules.yaml i
	echo "== rules: one policy of $rules CIDR rules + a label rule on backend (two-node-native)"
	sed '/^policies:/,$d' topologies/two-node-native.yaml > "$f"
	{
		echo "policies:"
		echo "  - apiVersion: cilium.io/v2"
		echo "    kind: CiliumNetworkPolicy"
		echo "    metadata: {name: many-cidrs}"
		echo "    spec:"
		echo "      endpointSelector: {matchLabels: {app: backend}}"
		echo "      ingress:"
		echo "        - fromEndpoints: [{matchLabels: {app: frontend}}]"
		echo "          toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]"
		awk -v n="$rules" 'BEGIN { for (i = 0; i < n; i++)
			printf "        - fromCIDR: [100.%d.%d.%d/32]\n          toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]\n",
				64 + int(i / 65536), int(i / 256) % 256, i % 256 }'
	} >> "$f"
	timed "validate" "$podlab" validate "$f" > "$tmp/validate.log" || { tail -3 "$tmp/validate.log"; return 1; }
	grep -m1 "policies:" "$tmp/validate.log" | sed 's/^ */  /'
	up "$f" || return 1
	timed "check --only connectivity" "$podlab" check "$run" --only connectivity > "$tmp/check.log" ||
		{ grep -E "FAIL|mismatch" "$tmp/check.log" | head -3; down; return 1; }
	down
}

for t in $trials; do
	case $t in
	nodes | packets | rules) "trial_$t" || { echo "  $t: FAILED"; rc=1; } ;;
	*) echo "limits: unknown trial '$t' (nodes packets rules)" >&2; exit 2 ;;
	esac
done
exit $rc
