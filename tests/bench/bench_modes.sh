#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench_modes BUILD: pod-to-pod throughput across two nodes in native, vxlan and
# legacy (VXLAN + MASQUERADE) routing, measured with iperf3 run by `podlab exec`
# inside the pods. TCP (Gbit/s) and UDP with 64-byte payloads at full speed
# (delivered kpps), modes interleaved per round, each printed as a ratio to
# native. The teaching text claims "encapsulation overhead" for overlays and
# "high performance (no encapsulation)" for native routing: this is that claim,
# measured. Three more rows separate what the datapath itself costs:
# native-xdp and vxlan-xdp (a prefilter rule in the topology, so xdp_prefilter is attached to
# both uplinks; the other rows have none, hence no XDP) and kernel (podlab up --no-datapath: the nodes route with the kernel, no BPF).
# No thresholds. Everything lives in the runs' pl-* namespaces.
set -u
build=${1:?usage: bench_modes.sh BUILD}
podlab=$build/podlab
secs=${BENCH_MODES_SECS:-3}	# per test
rounds=${BENCH_MODES_ROUNDS:-3}
modes=(native vxlan legacy native-xdp vxlan-xdp kernel)

if [ "$(id -u)" -ne 0 ]; then
	echo "bench_modes: SKIP (needs root: it builds namespaces)"
	exit 0
fi
if ! command -v iperf3 >/dev/null; then
	echo "bench_modes: SKIP (iperf3 missing: apt-get install iperf3, or make deps)"
	exit 0
fi

tmp=$(mktemp -d /tmp/podlab-bench-modes.XXXXXX)
id=$(($$ % 100000))
declare -A run
cleanup() {
	local m
	pid=$(cat "$tmp/srv.pid" 2>/dev/null) && kill "$pid" 2>/dev/null
	for m in "${modes[@]}"; do
		[ -n "${run[$m]:-}" ] && "$podlab" down "${run[$m]}" >/dev/null 2>&1
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One client pod on node1, one server pod on node2, no policy (all allowed).
for m in "${modes[@]}"; do
	[ "$m" = kernel ] && m0=native || m0=${m%%-*}
	pf=
	[[ $m == *-xdp ]] && pf="prefilter: [192.0.2.0/24]	# TEST-NET-1: attaches XDP, drops nothing here"
	cat > "$tmp/$m.yaml" <<EOF
name: bench-$m
routing: $m0
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
$pf
EOF
	r=bm${id}${m:0:1}${m:7:1}
	run[$m]=$r
	opt=
	[ "$m" = kernel ] && opt=--no-datapath
	if ! "$podlab" up --run "$r" $opt "$tmp/$m.yaml" > "$tmp/up-$m.log" 2>&1; then
		run[$m]=
		echo "bench_modes: podlab up ($m) failed:" >&2
		cat "$tmp/up-$m.log" >&2
		exit 1
	fi
done

# iperf3 once: server (one test, daemon, pid file) in the server pod, client in
# the client pod; prints the receiver's figure (Mbit/s for TCP, datagrams/s for UDP).
iperf() {
	local r=$1 kind=$2 out i
	rm -f "$tmp/srv.pid"
	"$podlab" exec "$r" server -- iperf3 -s -1 -D -p 5201 --pidfile "$tmp/srv.pid" || return 1
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ -s "$tmp/srv.pid" ] && break
		sleep 0.1
	done
	if [ "$kind" = tcp ]; then
		out=$("$podlab" exec "$r" client -- iperf3 -c 10.244.2.20 -p 5201 -t "$secs" -f m) || return 1
		awk '/receiver$/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") print $i }' <<<"$out"
	else
		out=$("$podlab" exec "$r" client -- iperf3 -c 10.244.2.20 -p 5201 -t "$secs" -u -l 64 -b 0) || return 1
		# "... 0.00-3.00 sec ... LOST/TOTAL (x%) receiver": delivered datagrams per second
		awk '/receiver$/ { split($3, t, "-"); for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\/[0-9]+$/) { split($i, n, "/"); printf "%.0f\n", (n[2] - n[1]) / t[2] } }' <<<"$out"
	fi
	pid=$(cat "$tmp/srv.pid" 2>/dev/null) && kill "$pid" 2>/dev/null # -1: usually gone already
	rm -f "$tmp/srv.pid"
}

declare -A tcp udp
echo "bench_modes: client pod on node1 -> server pod on node2, iperf3 ${secs}s per test, $rounds rounds, modes interleaved; load average: $(cut -d" " -f1-3 /proc/loadavg)"
for ((k = 1; k <= rounds; k++)); do
	for m in "${modes[@]}"; do
		v=$(iperf "${run[$m]}" tcp) && [ -n "$v" ] || { echo "bench_modes: iperf3 tcp failed ($m)" >&2; exit 1; }
		tcp[$m]="${tcp[$m]:-} $v"
		v=$(iperf "${run[$m]}" udp) && [ -n "$v" ] || { echo "bench_modes: iperf3 udp failed ($m)" >&2; exit 1; }
		udp[$m]="${udp[$m]:-} $v"
	done
done

# median over rounds of value/baseline, each round against its own baseline (drift cancels)
rratio() { awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " ")
	for (i = 1; i <= n; i++) r[i] = y[i] ? x[i] / y[i] : 0
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t }
	printf "%.2f", n % 2 ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2 }'; }
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# "MEDIAN (RUN RUN ...)" divided by scale, with prec decimals
runs() { awk -v m="$(median "$3")" -v d="$1" -v f="%.$2f" '{ printf(f " (", m / d)
	for (i = 1; i <= NF; i++) printf("%s" f, (i > 1 ? " " : ""), $i / d); printf ")" }' <<<"$3"; }
ratio() { rratio "$1" "$2"; }
printf '%-12s %7s  %-24s %6s  %-26s %6s\n' mode pod-mtu "tcp Gbit/s (each run)" ratio "udp-64B kpps (each run)" ratio
for m in "${modes[@]}"; do
	mtu=$(ip -n "pl-${run[$m]}-client" -o link show eth0 | awk '{ for (i = 1; i < NF; i++) if ($i == "mtu") print $(i + 1) }')
	printf '%-12s %7s  %-24s %6s  %-26s %6s\n' "$m" "$mtu" \
		"$(runs 1000 2 "${tcp[$m]}")" "$(ratio "${tcp[$m]}" "${tcp[native]}")" \
		"$(runs 1000 1 "${udp[$m]}")" "$(ratio "${udp[$m]}" "${udp[native]}")"
done
echo "values: median (each round); ratio: median over rounds of mode / native of the same round. tcp: receiver goodput; udp: datagrams delivered to the server socket per second."
echo "*-xdp: a prefilter rule in the topology, xdp_prefilter attached to both uplinks (the other datapath rows have none); kernel: no BPF at all, the nodes route (podlab up --no-datapath)."
echo "Pods, node veths and the underlay are veths on one machine: no NIC, no wire; the sender, the receiver and both nodes share $(nproc) CPUs."
