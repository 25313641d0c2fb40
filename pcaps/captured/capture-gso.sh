#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Takes gso-veth.pcap: a real capture of GSO frames (up to 64 KB, as tcpdump
# sees them before the veth segments them) from 10.244.1.10 to
# 10.244.2.20:80, the frontend and backend of topologies/two-node-native.yaml.
# Two namespaces of its own joined by one veth; nothing in the root namespace.
# usage: pcaps/captured/capture-gso.sh [OUT]   (root; iperf3 and tcpdump)
set -eu
out=${1:-$(dirname "$0")/gso-veth.pcap}
a=plcap-a-$$ b=plcap-b-$$
ip netns add "$a"
ip netns add "$b"
trap 'ip netns del "$a"; ip netns del "$b"' EXIT
ip -n "$a" link add eth0 type veth peer name eth0 netns "$b"
ip -n "$a" addr add 10.244.1.10/16 dev eth0
ip -n "$b" addr add 10.244.2.20/16 dev eth0
for ns in "$a" "$b"; do ip -n "$ns" link set lo up && ip -n "$ns" link set eth0 up; done
ip netns exec "$b" iperf3 -s -1 -p 80 > /dev/null &
srv=$!
tmp=$(mktemp -d)
chmod 777 "$tmp" # tcpdump drops to its own user before writing
ip netns exec "$a" tcpdump -i eth0 -s 0 -U --immediate-mode -w "$tmp/cap.pcap" 'tcp port 80' 2> /dev/null &
dump=$!
for _ in $(seq 100); do
	ip netns exec "$b" grep -q ':0050 0*:0000 0A' /proc/net/tcp6 && break
	sleep 0.05
done
# tcpdump is listening once its file has a header
for _ in $(seq 100); do [ -s "$tmp/cap.pcap" ] && break; sleep 0.05; done
ip netns exec "$a" iperf3 -c 10.244.2.20 -p 80 -n 48K -l 48K > /dev/null
kill -INT "$dump"
wait "$dump" || true
wait "$srv" || true
cp "$tmp/cap.pcap" "$out"
rm -rf "$tmp"
