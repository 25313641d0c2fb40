#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make modes: the teaching text's comparison of CNIs, measured. Each routing mode's
# shipped two-node topology is built and `podlab check` probes it live (connectivity,
# natfree, underlay, mtu); then iperf3 runs frontend (node1) -> backend (node2) on
# TCP 80, the port the shipped policy allows, in every mode in turn, round after
# round, so each mode's throughput is a ratio to native taken side by side in this
# run. One table then shows, per mode, what the wire carried, the header it adds,
# the MTU a pod gets, the source the destination saw and the TCP ratio. Nothing is
# typed into the table: every cell is read from check's JSON or iperf3's output.
# usage: modes.sh BUILD [MODE...]      (modes: native vxlan ipip fabric legacy)
# Env: MODES_ROUNDS (3), MODES_SECS (2 per iperf3 test).
set -u
build=$1; shift
podlab=$build/podlab
out=$(realpath -m "$build/modes") # absolute: iperf3 -D runs in /
rounds=${MODES_ROUNDS:-3}
secs=${MODES_SECS:-2}
mkdir -p "$out"

die() { echo "modes: $1" >&2; exit "${2:-1}"; }
[ "$(id -u)" -eq 0 ] || die "needs root (namespaces, BPF): run it as root" 3
for p in jq iperf3; do
	command -v $p >/dev/null || die "$p is missing: make deps" 3
done
[ -x "$podlab" ] || die "$podlab is missing: build first (make all)" 2

modes=${*:-native vxlan ipip fabric legacy}
declare -A run cni=([native]="Cilium native routing, Flannel host-gw"
	[vxlan]="Flannel VXLAN, Cilium tunnel" [ipip]="Calico IP-in-IP"
	[fabric]="Amazon VPC CNI" [legacy]="Flannel/Calico overlay + NAT")
cleanup() {
	local m
	for m in "${!run[@]}"; do
		"$podlab" down "${run[$m]}" >/dev/null 2>&1 || true
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rc=0
for m in $modes; do
	topo=topologies/two-node-$m.yaml
	[ -n "${cni[$m]:-}" ] && [ -r "$topo" ] || die "unknown mode '$m' (native vxlan ipip fabric legacy)" 2
	echo "== $m: up, check ($topo)" >&2
	if ! "$podlab" up "$topo" >"$out/$m.up" 2>&1; then
		cat "$out/$m.up" >&2
		rc=1
		continue
	fi
	r=$(sed -n 's/^run id: \([a-z0-9]*\).*/\1/p' "$out/$m.up")
	[ -n "$r" ] || die "podlab up printed no run id (see $out/$m.up)"
	run[$m]=$r
	"$podlab" check "$r" --only connectivity,natfree,underlay,mtu --json >"$out/$m.json" \
		2>"$out/$m.err" || rc=1
done

# One iperf3 test in run $1: Mbit/s received, or "denied" when frontend cannot connect.
iperf() {
	local r=$1 dst=$2 pid=$out/iperf-$1.pid o
	rm -f "$pid"
	"$podlab" exec "$r" backend -- iperf3 -s -1 -D -p 80 --pidfile "$pid" || return 1
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ -s "$pid" ] && break
		sleep 0.1
	done
	if o=$("$podlab" exec "$r" frontend -- iperf3 -c "$dst" -p 80 -t "$secs" -f m \
		--connect-timeout 1000 2>&1); then
		awk '/receiver$/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") print $i }' <<<"$o"
	else
		echo denied
	fi
	kill "$(cat "$pid" 2>/dev/null)" 2>/dev/null
	rm -f "$pid"
}
backend_ip() { jq -r '[.sections.natfree.probes[] | select(.src == "backend")][0].src_ip' "$1"; }

declare -A tcp
for ((i = 1; i <= rounds; i++)); do
	echo "== TCP round $i of $rounds: frontend -> backend:80, ${secs}s per mode" >&2
	for m in $modes; do
		[ -n "${run[$m]:-}" ] && [ -s "$out/$m.json" ] || continue
		v=$(iperf "${run[$m]}" "$(backend_ip "$out/$m.json")") || v=failed
		tcp[$m]="${tcp[$m]:-} $v"
	done
done
for m in "${!run[@]}"; do
	"$podlab" down "${run[$m]}" >/dev/null 2>&1 || rc=1
	unset "run[$m]"
done

# "X Gbit/s (r× native)": median of the rounds, ratio the median of per-round ratios.
tcp_cell() {
	awk -v a="${tcp[$1]:-}" -v b="${tcp[native]:-}" -v self="$1" 'BEGIN {
		n = split(a, x, " "); split(b, y, " ")
		for (i = 1; i <= n; i++) if (x[i] !~ /^[0-9.]+$/) { print (x[i] == "denied" ? "denied by policy" : "-"); exit }
		if (!n) { print "-"; exit }
		for (i = 1; i <= n; i++) { v[i] = x[i]; r[i] = (y[i] ~ /^[0-9.]+$/ && y[i] > 0) ? x[i] / y[i] : -1 }
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) {
			if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
			if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t } }
		med = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		rat = n % 2 ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
		if (self == "native" || rat < 0) printf "%.2f Gbit/s\n", med / 1000
		else printf "%.2f Gbit/s (%.2f× native)\n", med / 1000, rat }'
}

printf '\n| mode | stands for | node1 uplink: bare / encapsulated pod packets | bytes added | pod MTU (largest DF UDP payload) | a pod on the other node saw the source as | TCP frontend → backend | check |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for m in $modes; do
	j=$out/$m.json
	if [ ! -s "$j" ]; then
		printf '| %s | %s | (no result: see %s) | | | | | FAIL |\n' "$m" "${cni[$m]}" "$out/$m.err"
		continue
	fi
	# "What the destination saw": the first delivered IPv4 probe between pods of
	# two different nodes, its source as the destination socket saw it vs the pod's.
	jq -r --arg m "$m" --arg cni "${cni[$m]}" --arg tcp "$(tcp_cell "$m")" '
		.sections as $s
		| ([$s.underlay.nodes[] | select(.node == "node1")][0]) as $u
		| ([$s.mtu.pairs[] | select(.skipped | not)][0].measured) as $mtu
		| ([$s.natfree.probes[] | select(.delivered and .family == "ipv4"
			and .seen_src != "" and .src_node != .dst_node)][0]) as $p
		| "| \($m) | \($cni) | \($u.plain_pod_packets) / \($u.vxlan_pod_packets) | "
		  + "\(if $mtu then 1472 - $mtu else "-" end) | "
		  + "\(if $mtu then "\($mtu + 28) (\($mtu))" else "-" end) | "
		  + (if $p == null then "- | "
		     elif $p.seen_src == $p.src_ip then "\($p.seen_src) (the pod: NAT-free) | "
		     else "\($p.seen_src) (not \($p.src_ip): NAT) | " end)
		  + "\($tcp) | \(if .ok then "PASS" else "FAIL" end) |"' "$j"
done
exit $rc
