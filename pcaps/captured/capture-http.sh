#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Takes real HTTP/1.1 conversations with nginx from 10.244.1.10 to
# 10.244.2.20:80, the frontend and backend of topologies/two-node-l7.yaml,
# one connection each:
#   conversations (http-conversations.pcap, by curl): GET /public/index.html,
#     POST /public/form, GET /private, GET /anything with Host api.example;
#   segmented (http-segmented.pcap, by bash's /dev/tcp, one write per segment,
#     each after the last was acknowledged): GET /public/split.html in three
#     segments (the path cut in two), GET /anything whose Host header comes in
#     the second segment, POST /public/form in two.
# Two namespaces of its own joined by one veth; nothing in the root namespace.
# usage: pcaps/captured/capture-http.sh [conversations|segmented] [OUT]
#        (root; nginx, curl, bash and tcpdump)
set -eu
set_=${1:-conversations}
if [ "$set_" != conversations ] && [ "$set_" != segmented ]; then
	echo "usage: $0 [conversations|segmented] [OUT]" >&2
	exit 2
fi
out=${2:-$(dirname "$0")/http-$set_.pcap}
a=plcap-a-$$ b=plcap-b-$$
tmp=$(mktemp -d)
ip netns add "$a"
ip netns add "$b"
trap 'ip netns del "$a"; ip netns del "$b"; [ -s "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")"; rm -rf "$tmp"' EXIT
ip -n "$a" link add eth0 type veth peer name eth0 netns "$b"
ip -n "$a" addr add 10.244.1.10/16 dev eth0
ip -n "$b" addr add 10.244.2.20/16 dev eth0
for ns in "$a" "$b"; do ip -n "$ns" link set lo up && ip -n "$ns" link set eth0 up; done
cat > "$tmp/nginx.conf" <<CONF
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events {}
http {
	access_log off;
	client_body_temp_path $tmp;
	server {
		listen 10.244.2.20:80;
		location / { return 200 "ok\n"; }
	}
}
CONF
ip netns exec "$b" nginx -c "$tmp/nginx.conf"
chmod 777 "$tmp" # tcpdump drops to its own user before writing
ip netns exec "$a" tcpdump -i eth0 -s 0 -U --immediate-mode -w "$tmp/cap.pcap" 'tcp port 80' 2> /dev/null &
dump=$!
for _ in $(seq 100); do [ -s "$tmp/cap.pcap" ] && break; sleep 0.05; done
get() { ip netns exec "$a" curl -s -o /dev/null --http1.1 "$@"; }
# One request over one connection, each argument written alone (Nagle sends a
# write once the last is acknowledged: the sleep makes each its own segment;
# dd makes each one write, as bash's printf writes a line at a time).
segments() {
	ip netns exec "$a" bash -c '
		exec 3<> /dev/tcp/10.244.2.20/80
		for part in "$@"; do
			printf "%b" "$part" | dd bs=64k iflag=fullblock status=none >&3
			sleep 0.2
		done
		timeout 2 cat <&3 > /dev/null' segments "$@"
}
if [ "$set_" = conversations ]; then
	get -H 'Host: backend' http://10.244.2.20/public/index.html
	get -H 'Host: backend' -d 'name=podlab' http://10.244.2.20/public/form
	get -H 'Host: backend' http://10.244.2.20/private
	get -H 'Host: api.example' http://10.244.2.20/anything
else
	segments 'GET /publ' 'ic/split.html HTTP/1.1\r\nHost: back' \
		'end\r\nUser-Agent: podlab-capture\r\nConnection: close\r\n\r\n'
	segments 'GET /anything HTTP/1.1\r\nUser-Agent: podlab-capture\r\n' \
		'Host: api.example\r\nConnection: close\r\n\r\n'
	segments 'POST /public/form HTTP/1.1\r\nHost: backend\r\nContent-Length: 11\r\n' \
		'Connection: close\r\n\r\nname=podlab'
fi
sleep 0.2
kill -INT "$dump"
wait "$dump" || true
cp "$tmp/cap.pcap" "$out"
