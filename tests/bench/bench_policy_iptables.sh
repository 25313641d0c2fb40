#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench_policy_iptables BUILD: the teaching text says netfilter/iptables is
# "relatively slow and complex" and that Cilium's XDP/TC path bypasses it.
# Client pod on node1 -> server pod on node2, native routing, measured as
# delivered UDP packets/s (iperf3, 64-byte payloads, full speed) and ping RTT:
#   kernel path (podlab up --no-datapath: the nodes forward with the kernel's
#   routing) with N non-matching rules in node2's FORWARD chain, iptables-legacy
#   and iptables-nft, N = 1k, 10k; then podlab's datapath (TC BPF, policy
#   enforced on the server) with N extra non-matching entries in node2's policy
#   map, and with 10k iptables-legacy rules loaded anyway (bypassed).
# Printed as ratios to the rule-free kernel path. No thresholds. iptables only
# inside the run's pl-* namespaces; everything removed on exit.
set -u
build=${1:?usage: bench_policy_iptables.sh BUILD}
podlab=$build/podlab
secs=${BENCH_POLICY_SECS:-2}
rounds=${BENCH_POLICY_ROUNDS:-3}

if [ "$(id -u)" -ne 0 ]; then
	echo "bench_policy_iptables: SKIP (needs root: it builds namespaces)"
	exit 0
fi
for c in iperf3 ping bpftool; do
	if ! command -v $c >/dev/null; then
		echo "bench_policy_iptables: SKIP ($c missing: make deps)"
		exit 0
	fi
done

tmp=$(mktemp -d /tmp/podlab-bench-policy.XXXXXX)
id=$(($$ % 100000))
runs=()
cleanup() {
	local r
	pid=$(cat "$tmp/srv.pid" 2>/dev/null) && kill "$pid" 2>/dev/null
	for r in "${runs[@]}"; do
		"$podlab" down "$r" >/dev/null 2>&1
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat > "$tmp/pair.yaml" <<EOF
name: bench-policy
routing: native
mtu: 1500
nodes:
  - name: node1
    ip: 192.168.50.1/24
    podCIDR: 10.244.1.0/24
    pods:
      - {name: client, ip: 10.244.1.11, labels: {app: client}}
  - name: node2
    ip: 192.168.50.2/24
    podCIDR: 10.244.2.0/24
    pods:
      - {name: server, ip: 10.244.2.20, labels: {app: server}}
underlay:
  type: p2p
policies:
  # server is policy-enforced (its ingress is looked up in the policy map) and admits client
  - apiVersion: cilium.io/v2
    kind: CiliumNetworkPolicy
    metadata: {name: server-from-client}
    spec:
      endpointSelector: {matchLabels: {app: server}}
      ingress:
        - fromEndpoints: [{matchLabels: {app: client}}]
EOF

up() { # RUN [--no-datapath]
	runs+=("$1")
	"$podlab" up --run "$1" ${2:-} "$tmp/pair.yaml" > "$tmp/up-$1.log" 2>&1 && return 0
	echo "bench_policy_iptables: podlab up $1 failed:" >&2
	cat "$tmp/up-$1.log" >&2
	exit 1
}

# iptables-restore input: N rules that never match (sources in 10.99/16), on FORWARD
rules() { # N
	awk -v n="$1" 'BEGIN { print "*filter"; print ":FORWARD ACCEPT [0:0]"
		for (i = 0; i < n; i++)
			printf "-A FORWARD -s 10.99.%d.%d/32 -d 10.244.2.20/32 -p udp -m udp --dport %d -j DROP\n", int(i / 250), i % 250 + 1, 1000 + i % 50000
		print "COMMIT" }'
}

# bpftool batch: update (or delete) policy entries FROM..TO-1 of the server's endpoint
# (ep_id 2) from identities that do not exist (0x10000 + i), UDP port 9, ingress: never matched
entries() { # PIN FROM TO update|delete
	awk -v pin="$1" -v from="$2" -v to="$3" -v op="$4" 'BEGIN { for (i = from; i < to; i++) { id = 65536 + i
		printf "map %s pinned %s key hex 02 00 00 00 %02x %02x %02x %02x 00 09 11 00", op, pin,
			id % 256, int(id / 256) % 256, int(id / 65536) % 256, int(id / 16777216)
		print op == "update" ? " value hex 00 00 00 00 ff ff 00 00" : "" } }'
}

# delivered UDP datagrams/s (iperf3, 64-byte payload, as fast as the sender can)
pps() { # RUN
	local r=$1 out i
	rm -f "$tmp/srv.pid"
	"$podlab" exec "$r" server -- iperf3 -s -1 -D -p 5201 --pidfile "$tmp/srv.pid" || return 1
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ -s "$tmp/srv.pid" ] && break
		sleep 0.1
	done
	out=$("$podlab" exec "$r" client -- iperf3 -c 10.244.2.20 -p 5201 -t "$secs" -u -l 64 -b 0) || return 1
	pid=$(cat "$tmp/srv.pid" 2>/dev/null) && kill "$pid" 2>/dev/null # -1: usually gone already
	rm -f "$tmp/srv.pid"
	awk '/receiver$/ { split($3, t, "-"); for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\/[0-9]+$/) { split($i, n, "/"); printf "%.0f\n", (n[2] - n[1]) / t[2] } }' <<<"$out"
}

# ping RTT avg in microseconds (200 echoes, 5 ms apart, idle link)
rtt() { # RUN
	"$podlab" exec "$1" client -- ping -q -n -c 200 -i 0.005 10.244.2.20 |
		awk -F'[/ =]+' '/^rtt/ { printf "%.0f\n", $7 * 1000 }'
}

# packets the FORWARD chain of node2 saw (its policy counter), per tool
fwd_packets() { # RUN TOOL
	ip netns exec "pl-$1-node2" "$2" -L FORWARD -v -n -x 2>/dev/null |
		awk '/^Chain FORWARD/ { for (i = 1; i < NF; i++) if ($(i + 1) == "packets,") print $i }'
}

# entries of a pinned hash map (the raw "key":[...] arrays of bpftool's JSON dump)
count_entries() { bpftool -j map dump pinned "$1" | grep -o '"key":\[' | wc -l; }

# one configuration: set up, measure, tear down; "LABEL|PPS|RTT|FWD" on stdout
# k0 kernel path; kl1/kl10 (kn1/kn10) iptables-legacy (-nft) 1k/10k rules;
# b0 datapath; b1/b10 1k/10k extra policy entries; bl10 datapath + 10k iptables-legacy
# runs: iptables-legacy iptables-nft iptables-legacy-restore iptables-nft-restore (as $tool)
measure() { # CFG
	local c=$1 r=$kern tool= n=0 label p rt f=-
	case $c in
	kl*) tool=iptables-legacy ;;
	kn*) tool=iptables-nft ;;
	bl*) tool=iptables-legacy r=$bpf ;;
	b*) r=$bpf ;;
	esac
	case $c in *10) n=10000 ;; *1) n=1000 ;; esac
	case $c in
	k0) label="kernel path, no rules" ;;
	k*) label="kernel path, $tool $((n / 1000))k rules" ;;
	bl*) label="podlab TC BPF + $tool $((n / 1000))k rules" ;;
	b*) label="podlab TC BPF, policy map $(($(count_entries "$pin") + n)) entries" ;;
	esac
	if [ -n "$tool" ]; then
		rules "$n" > "$tmp/rules"
		if ! ip netns exec "pl-$r-node2" "$tool-restore" < "$tmp/rules" 2> "$tmp/ipt.err"; then
			echo "bench_policy_iptables: $tool-restore failed: $(head -1 "$tmp/ipt.err")" >&2
			return 1
		fi
	elif [ "$n" -gt 0 ]; then
		entries "$pin" 0 "$n" update > "$tmp/batch"
		bpftool batch file "$tmp/batch" > /dev/null || return 1
	fi
	p=$(pps "$r") || p=
	rt=$(rtt "$r") || rt=
	[ -n "$tool" ] && f=$(fwd_packets "$r" "$tool")
	if [ -n "$tool" ]; then
		ip netns exec "pl-$r-node2" "$tool" -F FORWARD
	elif [ "$n" -gt 0 ]; then
		entries "$pin" 0 "$n" delete > "$tmp/batch"
		bpftool batch file "$tmp/batch" > /dev/null || return 1
	fi
	[ -n "$p" ] && [ -n "$rt" ] || { echo "bench_policy_iptables: $label: measurement failed" >&2; return 1; }
	echo "$label|$p|$rt|$f"
}

kern=bp${id}k
bpf=bp${id}b
up "$kern" --no-datapath
up "$bpf"
pin=/sys/fs/bpf/podlab/$bpf/node2/policy
cfgs=(k0 b0 kl1 b1 kl10 b10 kn1 kn10 bl10) # kernel and BPF rows alternate: drift hits both
declare -A lab pp rr ff
echo "bench_policy_iptables: client pod (node1) -> server pod (node2), native; per config iperf3 UDP 64 B ${secs}s + ping x200, $rounds rounds; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((k = 1; k <= rounds; k++)); do
	for c in "${cfgs[@]}"; do
		x=$(measure "$c") || exit 1
		IFS='|' read -r l p r f <<<"$x"
		lab[$c]=$l
		pp[$c]="${pp[$c]:-} $p"
		rr[$c]="${rr[$c]:-} $r"
		ff[$c]=$f
	done
done

# median over rounds of value/baseline, each round against its own baseline (drift cancels)
rratio() { awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " ")
	for (i = 1; i <= n; i++) r[i] = y[i] ? x[i] / y[i] : 0
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t }
	printf "%.2f", n % 2 ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2 }'; }
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%-42s %-24s %6s %-16s %6s %12s\n' config "kpps (each round)" ratio "rtt us (each)" ratio "FORWARD pkts"
for c in "${cfgs[@]}"; do
	p=$(median "${pp[$c]}")
	r=$(median "${rr[$c]}")
	printf '%-42s %-24s %6s %-16s %6s %12s\n' "${lab[$c]}" \
		"$(awk -v m="$p" '{ printf "%.1f (", m / 1000; for (i = 1; i <= NF; i++) printf("%s%.1f", (i > 1 ? " " : ""), $i / 1000); printf ")" }' <<<"${pp[$c]}")" \
		"$(rratio "${pp[$c]}" "${pp[k0]}")" \
		"$(awk -v m="$r" '{ printf "%.0f (", m; for (i = 1; i <= NF; i++) printf("%s%s", (i > 1 ? " " : ""), $i); printf ")" }' <<<"${rr[$c]}")" \
		"$(rratio "${rr[$c]}" "${rr[k0]}")" "${ff[$c]}"
done
echo "kpps: UDP datagrams delivered to the server socket per second, median (each round); rtt: ping average."
echo "ratio: median over rounds of the row / the first row of the same round. FORWARD pkts: what node2's"
echo "FORWARD chain counted in the last round (- = not read; 0 with rules loaded = bypassed). podlab's datapath"
echo "looks policy up for a flow's first packet only (conntrack after that, as Cilium does); bench_datapath"
echo "prints one lookup's cost at 10 vs 100k entries."
kp() { awk -v m="$(median "${pp[$1]}")" 'BEGIN { printf "%.1f kpps", m / 1000 }'; }
printf 'BENCH-ROW\t%s\t%s\t%s\t%s\t%s\n' \
	"UDP 64 B through 10k policy entries (BPF map)" "$(kp b10)" \
	"iptables-legacy, 10k rules: $(kp kl10)" "$(rratio "${pp[b10]}" "${pp[kl10]}")" ">= 9" \
	"UDP 64 B through 10k policy entries (BPF map)" "$(kp b10)" \
	"iptables-nft, 10k rules: $(kp kn10)" "$(rratio "${pp[b10]}" "${pp[kn10]}")" ">= 30" \
	"UDP 64 B, podlab TC BPF with 10k policy entries" "$(kp b10)" \
	"kernel path, no rules: $(kp k0)" "$(rratio "${pp[b10]}" "${pp[k0]}")" "-"
