#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Takes node1-forwarded-any.pcap: `tcpdump -i any` (LINUX_SLL2) on a node that
# forwards between a pod and the underlay, so every packet appears twice, in
# on one interface and out on the other. A pod namespace (10.244.1.10, the
# frontend of topologies/two-node-native.yaml), a node namespace routing, and
# a peer namespace holding 10.244.2.20 (backend); ping and a TCP exchange on
# port 80. Namespaces of its own; nothing in the root namespace.
# usage: pcaps/captured/capture-any.sh [OUT]   (root; iperf3, tcpdump, ping)
set -eu
out=${1:-$(dirname "$0")/node1-forwarded-any.pcap}
pod=plcap-pod-$$ node=plcap-node-$$ peer=plcap-peer-$$
for ns in "$pod" "$node" "$peer"; do ip netns add "$ns"; done
trap 'for ns in "$pod" "$node" "$peer"; do ip netns del "$ns"; done' EXIT
ip -n "$pod" link add eth0 type veth peer name lxc0 netns "$node"
ip -n "$peer" link add eth0 type veth peer name eth0 netns "$node"
ip -n "$pod" addr add 10.244.1.10/24 dev eth0
ip -n "$node" addr add 10.244.1.1/24 dev lxc0
ip -n "$node" addr add 192.168.50.1/24 dev eth0
ip -n "$peer" addr add 192.168.50.2/24 dev eth0
ip -n "$peer" addr add 10.244.2.20/32 dev lo
for ns in "$pod" "$node" "$peer"; do
	ip -n "$ns" link set lo up
	for d in eth0 lxc0; do ip -n "$ns" link set "$d" up 2> /dev/null || true; done
done
ip -n "$pod" route add default via 10.244.1.1
ip -n "$node" route add 10.244.2.0/24 via 192.168.50.2
ip -n "$peer" route add 10.244.1.0/24 via 192.168.50.1
ip netns exec "$node" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$peer" iperf3 -s -1 -p 80 > /dev/null &
srv=$!
tmp=$(mktemp -d)
chmod 777 "$tmp" # tcpdump drops to its own user before writing
ip netns exec "$node" tcpdump -i any -s 0 -U --immediate-mode -w "$tmp/cap.pcap" \
	'icmp or tcp port 80' 2> /dev/null &
dump=$!
for _ in $(seq 100); do
	ip netns exec "$peer" grep -q ':0050 0*:0000 0A' /proc/net/tcp6 && break
	sleep 0.05
done
for _ in $(seq 100); do [ -s "$tmp/cap.pcap" ] && break; sleep 0.05; done
ip netns exec "$pod" ping -c 2 -i 0.2 -W 1 10.244.2.20 > /dev/null
ip netns exec "$pod" iperf3 -c 10.244.2.20 -p 80 -n 4K -l 1K > /dev/null
kill -INT "$dump"
wait "$dump" || true
wait "$srv" || true
cp "$tmp/cap.pcap" "$out"
rm -rf "$tmp"
