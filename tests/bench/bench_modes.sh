#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench_modes BUILD: pod-to-pod throughput across two nodes, each routing mode
# (native, vxlan, legacy = VXLAN + MASQUERADE, ipip = Calico's IP-in-IP pushed by
# the datapath, fabric = a router between the nodes holding the pod routes) with podlab's datapath against its
# kernel-only twin (podlab up --no-datapath: the same pods, the kernel routing
# them; vxlan's twin is Flannel's static VXLAN), and each against native
# kernel-only. iperf3 run by `podlab exec` inside the pods: TCP goodput (Gbit/s)
# and UDP with 64-byte payloads at full speed (delivered kpps). Every
# configuration is measured in every round, a datapath right beside its twin, so
# each ratio is taken side by side in the same run. Two more rows show what
# xdp_prefilter costs (a prefilter rule in the topology attaches it to both
# uplinks; the other rows have none, hence no XDP). Every output line names its
# baseline; goals are printed with met or missed, never asserted.
# Env: BENCH_MODES_SECS (per test, 3), BENCH_MODES_ROUNDS (3).
# Everything lives in the runs' pl-* namespaces.
set -u
build=${1:?usage: bench_modes.sh BUILD}
podlab=$build/podlab
secs=${BENCH_MODES_SECS:-3}
rounds=${BENCH_MODES_ROUNDS:-3}
# MODE-dp: podlab's datapath; MODE-k: the kernel-only twin; MODE-xdp: datapath + xdp_prefilter
confs=(native-dp native-k vxlan-dp vxlan-k legacy-dp legacy-k fabric-dp fabric-k ipip-dp native-xdp vxlan-xdp)
# ipip's kernel-only twin is the kernel's ipip device: only where the kernel has one.
has_ipip=false
unshare -n ip link add pl-probe type ipip local 192.0.2.1 2>/dev/null && has_ipip=true
$has_ipip && confs+=(ipip-k)
# The server pod's address: fabric pods take theirs from the underlay's subnet.
server_ip() { [ "${1%-*}" = fabric ] && echo 192.168.50.84 || echo 10.244.2.20; }

if [ "$(id -u)" -ne 0 ]; then
	echo "bench_modes: SKIP (needs root: it builds namespaces and loads BPF)"
	exit 0
fi
if ! command -v iperf3 >/dev/null; then
	echo "bench_modes: SKIP (iperf3 missing: apt-get install iperf3, or make deps)"
	exit 0
fi

tmp=$(mktemp -d /tmp/podlab-bench-modes.XXXXXX)
id=$(($$ % 10000))
declare -A run
cleanup() {
	local c
	pid=$(cat "$tmp/srv.pid" 2>/dev/null) && kill "$pid" 2>/dev/null
	for c in "${confs[@]}"; do
		[ -n "${run[$c]:-}" ] && "$podlab" down "${run[$c]}" >/dev/null 2>&1
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One client pod on node1, one server pod on node2, no policy (all allowed).
k=0
for c in "${confs[@]}"; do
	mode=${c%-*}
	pf=
	[[ $c == *-xdp ]] && pf="prefilter: [192.0.2.0/24]	# TEST-NET-1: attaches XDP, drops nothing here"
	# fabric: pods in the underlay's subnet behind the fabric router; the others: a p2p link
	if [ "$mode" = fabric ]; then
		cidr1=192.168.50.64/28 cidr2=192.168.50.80/28 cip=192.168.50.74 ul=
	else
		cidr1=10.244.1.0/24 cidr2=10.244.2.0/24 cip=10.244.1.11 ul=$'underlay:\n  type: p2p'
	fi
	cat > "$tmp/$c.yaml" <<EOF
name: bench-$c
routing: $mode
mtu: 1500
nodes:
  - name: node1
    ip: 192.168.50.1/24
    podCIDR: $cidr1
    pods:
      - {name: client, ip: $cip, labels: {app: client}}
  - name: node2
    ip: 192.168.50.2/24
    podCIDR: $cidr2
    pods:
      - {name: server, ip: $(server_ip "$c"), labels: {app: server}}
$ul
$pf
EOF
	r=bm${id}c$k
	k=$((k + 1))
	run[$c]=$r
	opt=
	[[ $c == *-k ]] && opt=--no-datapath
	if ! "$podlab" up --run "$r" $opt "$tmp/$c.yaml" > "$tmp/up-$c.log" 2>&1; then
		run[$c]=
		echo "bench_modes: podlab up ($c) failed:" >&2
		cat "$tmp/up-$c.log" >&2
		exit 1
	fi
done

# iperf3 once: server (one test, daemon, pid file) in the server pod, client in
# the client pod; prints the receiver's figure (Mbit/s for TCP, datagrams/s for UDP).
iperf() {
	local r=$1 kind=$2 dst=$3 out i
	rm -f "$tmp/srv.pid"
	"$podlab" exec "$r" server -- iperf3 -s -1 -D -p 5201 --pidfile "$tmp/srv.pid" || return 1
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ -s "$tmp/srv.pid" ] && break
		sleep 0.1
	done
	if [ "$kind" = tcp ]; then
		out=$("$podlab" exec "$r" client -- iperf3 -c "$dst" -p 5201 -t "$secs" -f m) || return 1
		awk '/receiver$/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") print $i }' <<<"$out"
	else
		out=$("$podlab" exec "$r" client -- iperf3 -c "$dst" -p 5201 -t "$secs" -u -l 64 -b 0) || return 1
		# "... 0.00-3.00 sec ... LOST/TOTAL (x%) receiver": delivered datagrams per second
		awk '/receiver$/ { split($3, t, "-"); for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\/[0-9]+$/) { split($i, n, "/"); printf "%.0f\n", (n[2] - n[1]) / t[2] } }' <<<"$out"
	fi
	pid=$(cat "$tmp/srv.pid" 2>/dev/null) && kill "$pid" 2>/dev/null # -1: usually gone already
	rm -f "$tmp/srv.pid"
}

declare -A tcp udp
echo "bench_modes: client pod on node1 -> server pod on node2, iperf3 ${secs}s per test, $rounds rounds, each datapath beside its kernel-only twin; load average: $(cut -d" " -f1-3 /proc/loadavg)"
for ((i = 1; i <= rounds; i++)); do
	for c in "${confs[@]}"; do
		v=$(iperf "${run[$c]}" tcp "$(server_ip "$c")") && [ -n "$v" ] || { echo "bench_modes: iperf3 tcp failed ($c)" >&2; exit 1; }
		tcp[$c]="${tcp[$c]:-} $v"
		v=$(iperf "${run[$c]}" udp "$(server_ip "$c")") && [ -n "$v" ] || { echo "bench_modes: iperf3 udp failed ($c)" >&2; exit 1; }
		udp[$c]="${udp[$c]:-} $v"
	done
done

# median over rounds of value/baseline, each round against its own baseline (drift cancels)
rratio() { awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " ")
	for (i = 1; i <= n; i++) r[i] = y[i] ? x[i] / y[i] : 0
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t }
	printf "%.2f", n % 2 ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2 }'; }
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
name() { # CONF -> "vxlan datapath", "vxlan kernel-only", "vxlan datapath+xdp"
	case $1 in
	*-dp) echo "${1%-dp} datapath" ;;
	*-k) echo "${1%-k} kernel-only" ;;
	*-xdp) echo "${1%-xdp} datapath+xdp" ;;
	esac
}
# line KIND CONF BASE [GOAL]: "A vs B: x vs y UNIT = r x (goal >= g x, met)"
line() {
	local kind=$1 c=$2 b=$3 goal=${4:-} div prec unit r g=
	if [ "$kind" = tcp ]; then
		local -n vals=tcp
		div=1000 prec=2 unit=Gbit/s
	else
		local -n vals=udp
		div=1000 prec=1 unit=kpps
	fi
	r=$(rratio "${vals[$c]}" "${vals[$b]}")
	[ -n "$goal" ] && g=$(awk -v r="$r" -v g="$goal" 'BEGIN { printf " (goal >= %.2fx, %s)", g, ((r + 0 >= g + 0) ? "met" : "missed") }')
	awk -v n="  $(name "$c") vs $(name "$b"): " -v x="$(median "${vals[$c]}")" -v y="$(median "${vals[$b]}")" \
		-v d="$div" -v p="$prec" -v u="$unit" -v r="$r" -v g="$g" \
		'BEGIN { printf("%s%." p "f vs %." p "f %s = %sx%s\n", n, x / d, y / d, u, r, g) }'
	# Rows with a goal go to make bench's summary (tests/bench/summary.sh).
	[ -n "$goal" ] && summary+=$(awk -v k="$kind" -v n="$(name "$c")" -v bn="$(name "$b")" \
		-v x="$(median "${vals[$c]}")" -v y="$(median "${vals[$b]}")" -v d="$div" -v p="$prec" \
		-v u="$unit" -v r="$r" -v g="$goal" 'BEGIN { printf("BENCH-ROW\t%s %s\t%." p "f %s\t%s: %." p "f %s\t%s\t>= %s\\n",
		(k == "tcp" ? "TCP pod to pod," : "UDP 64 B pod to pod,"), n, x / d, u, bn, y / d, u, r, g) }')
}
summary=
rows() { # KIND: every comparison of that kind
	local kind=$1 m udpgoal=
	[ "$kind" = udp ] && udpgoal=0.90
	line "$kind" native-dp native-k "$([ "$kind" = tcp ] && echo 1.00 || echo $udpgoal)"
	line "$kind" vxlan-dp vxlan-k "$([ "$kind" = tcp ] && echo 0.95 || echo $udpgoal)"
	line "$kind" legacy-dp legacy-k "$udpgoal"
	line "$kind" fabric-dp fabric-k "$([ "$kind" = tcp ] && echo 1.00 || echo $udpgoal)"
	line "$kind" vxlan-dp native-k "$([ "$kind" = tcp ] && echo 0.75)"
	line "$kind" legacy-dp native-k
	line "$kind" fabric-dp native-k
	line "$kind" ipip-dp native-k
	line "$kind" ipip-dp vxlan-dp
	$has_ipip && line "$kind" ipip-dp ipip-k
	for m in vxlan legacy fabric; do
		line "$kind" "$m-k" native-k
	done
	line "$kind" native-xdp native-dp
	line "$kind" vxlan-xdp vxlan-dp
}
echo "tcp goodput (iperf3 receiver):"
rows tcp
echo "udp 64-byte datagrams delivered to the server socket:"
rows udp
printf "$summary"
echo "values: medians over the rounds; ratio: median over rounds of the per-round ratio (each round's value against the same round's baseline)."
echo "kernel-only: podlab up --no-datapath, no BPF; native routes pod CIDRs via the node IPs, vxlan is Flannel's static VXLAN (fdb, neighbour, onlink route), legacy its own VXLAN + nftables masquerade, fabric the same fabric router and routes, ipip the kernel's ipip device$($has_ipip || echo " (not in this kernel: no ipip-k rows)")."
echo "Pods, node veths and the underlay are veths on one machine: no NIC, no wire; the sender, the receiver and both nodes share $(nproc) CPUs."
