#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Takes http-conversations.pcap: four real HTTP/1.1 conversations (curl to
# nginx) from 10.244.1.10 to 10.244.2.20:80, the frontend and backend of
# topologies/two-node-l7.yaml: GET /public/index.html, POST /public/form,
# GET /private, GET /anything with Host api.example, one connection each.
# Two namespaces of its own joined by one veth; nothing in the root namespace.
# usage: pcaps/captured/capture-http.sh [OUT]   (root; nginx, curl and tcpdump)
set -eu
out=${1:-$(dirname "$0")/http-conversations.pcap}
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
get -H 'Host: backend' http://10.244.2.20/public/index.html
get -H 'Host: backend' -d 'name=podlab' http://10.244.2.20/public/form
get -H 'Host: backend' http://10.244.2.20/private
get -H 'Host: api.example' http://10.244.2.20/anything
sleep 0.2
kill -INT "$dump"
wait "$dump" || true
cp "$tmp/cap.pcap" "$out"
