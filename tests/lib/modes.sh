#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make modes: the teaching text's comparison of CNIs, measured. Each routing mode's
# shipped two-node topology is built, `podlab check` probes it live (connectivity,
# natfree, underlay, mtu) and is torn down; one table then shows, per mode, what the
# wire carried, the header it adds, the MTU a pod gets and the source the
# destination saw. Nothing is typed into the table: every cell is read from check's JSON.
# usage: modes.sh BUILD [MODE...]      (modes: native vxlan ipip fabric legacy)
set -u
build=$1; shift
podlab=$build/podlab
out=$build/modes
mkdir -p "$out"

die() { echo "modes: $1" >&2; exit "${2:-1}"; }
[ "$(id -u)" -eq 0 ] || die "needs root (namespaces, BPF): run it as root" 3
command -v jq >/dev/null || die "jq is missing: make deps" 3
[ -x "$podlab" ] || die "$podlab is missing: build first (make all)" 2

modes=${*:-native vxlan ipip fabric legacy}
run_ids=()
cleanup() {
	local r
	for r in "${run_ids[@]}"; do
		"$podlab" down "$r" >/dev/null 2>&1 || true
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# mode -> the CNI design it stands for, and its shipped topology
declare -A cni=([native]="Cilium native routing, Flannel host-gw"
	[vxlan]="Flannel VXLAN, Cilium tunnel" [ipip]="Calico IP-in-IP"
	[fabric]="Amazon VPC CNI" [legacy]="Flannel/Calico overlay + NAT")
rc=0
for m in $modes; do
	topo=topologies/two-node-$m.yaml
	[ -n "${cni[$m]:-}" ] && [ -r "$topo" ] || die "unknown mode '$m' (native vxlan ipip fabric legacy)" 2
	echo "== $m: up, check, down ($topo)" >&2
	if ! "$podlab" up "$topo" >"$out/$m.up" 2>&1; then
		cat "$out/$m.up" >&2
		rc=1
		continue
	fi
	run=$(sed -n 's/^run id: \([a-z0-9]*\).*/\1/p' "$out/$m.up")
	[ -n "$run" ] || die "podlab up printed no run id (see $out/$m.up)"
	run_ids+=("$run")
	"$podlab" check "$run" --only connectivity,natfree,underlay,mtu --json >"$out/$m.json" \
		2>"$out/$m.err" || rc=1
	"$podlab" down "$run" >/dev/null 2>&1 || rc=1
	run_ids=("${run_ids[@]/$run/}")
done

printf '\n| mode | stands for | node1 uplink: bare pod / encapsulated pod packets | bytes added (vs 1472 native) | largest DF UDP payload | a pod on the other node saw the source as | check |\n'
printf '|---|---|---|---|---|---|---|\n'
for m in $modes; do
	j=$out/$m.json
	if [ ! -s "$j" ]; then
		printf '| %s | %s | (no result: see %s) | | | | FAIL |\n' "$m" "${cni[$m]}" "$out/$m.err"
		continue
	fi
	# "What the destination saw": the first delivered IPv4 probe between pods of
	# two different nodes, its source as the destination socket saw it vs the pod's.
	jq -r --arg m "$m" --arg cni "${cni[$m]}" '
		.sections as $s
		| ([$s.underlay.nodes[] | select(.node == "node1")][0]) as $u
		| ([$s.mtu.pairs[] | select(.skipped | not)][0].measured) as $mtu
		| ([$s.natfree.probes[] | select(.delivered and .family == "ipv4"
			and .seen_src != "" and .src_node != .dst_node)][0]) as $p
		| "| \($m) | \($cni) | \($u.plain_pod_packets) / \($u.vxlan_pod_packets) | "
		  + "\(if $mtu then 1472 - $mtu else "-" end) | \($mtu // "-") | "
		  + (if $p == null then "- | "
		     elif $p.seen_src == $p.src_ip then "\($p.seen_src) (the pod: NAT-free) | "
		     else "\($p.seen_src) (not \($p.src_ip): NAT) | " end)
		  + "\(if .ok then "PASS" else "FAIL" end) |"' "$j"
done
exit $rc
