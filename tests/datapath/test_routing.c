// SPDX-License-Identifier: GPL-2.0
/*
 * Routing per mode: native (fib in the fixture netns: route + neighbour to
 * NODE2, route without neighbour to NODE3, no route to POD_E), vxlan
 * (tunnel key), legacy (stack), plus from_network and from_overlay delivery.
 */
#include "test.h"
#include "dp_fixture.h"

#define FROM_A		 .prog = PL_PROG_FROM_POD, .dev = DEV_POD_A
#define OVERLAY_MARK(id) (PL_MARK_IDENTITY_MAGIC | (id))

/* TCP payload making a 1600-byte frame: above the uplink's 1500 MTU. */
static const uint8_t big[1600 - 54] = {1};

static const struct dp_case native_cases[] = {
	{"native: A -> remote C, fib ok: TTL-1, MACs from fib, redirect to uplink", FROM_A,
	 .pkt = PKT_TCP(IP_A, IP_C, 40000, 80), .src_id = ID_A, .dst_id = ID_C,
	 .retval = TC_ACT_REDIRECT, .obs = PL_OBS_TO_NETWORK, .verdict = PL_VERDICT_REDIRECTED,
	 .redirect = PL_REDIR_FIB, .target = DEV_UPLINK, .note = PL_NOTE_NO_POLICY,
	 .check_fib = true, .fib_rc = 0, .rewrite = RW_FIB},
	{"native: A -> C with TTL 2 leaves with TTL 1", FROM_A,
	 .pkt = {.smac = DP_SMAC,
		 .dmac = DP_DMAC,
		 .saddr = IP_A,
		 .daddr = IP_C,
		 .proto = 17,
		 .sport = 1000,
		 .dport = 53,
		 .ttl = 2},
	 .src_id = ID_A, .dst_id = ID_C, .retval = TC_ACT_REDIRECT, .obs = PL_OBS_TO_NETWORK,
	 .verdict = PL_VERDICT_REDIRECTED, .redirect = PL_REDIR_FIB, .target = DEV_UPLINK,
	 .note = PL_NOTE_NO_POLICY, .check_fib = true, .fib_rc = 0, .rewrite = RW_FIB},
	{"native: A -> C with TTL 1: TTL_EXCEEDED 196", FROM_A,
	 .pkt = {.smac = DP_SMAC,
		 .dmac = DP_DMAC,
		 .saddr = IP_A,
		 .daddr = IP_C,
		 .proto = 17,
		 .sport = 1000,
		 .dport = 53,
		 .ttl = 1},
	 .src_id = ID_A, .dst_id = ID_C, DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_TTL_EXCEEDED)},
	{"native: 1600-byte packet, uplink MTU 1500: to the stack (ICMP frag-needed), fib_rc 8",
	 FROM_A,
	 .pkt = {.smac = DP_SMAC,
		 .dmac = DP_DMAC,
		 .saddr = IP_A,
		 .daddr = IP_C,
		 .proto = 6,
		 .sport = 40000,
		 .dport = 80,
		 .payload = big,
		 .payload_len = sizeof(big)},
	 .src_id = ID_A, .dst_id = ID_C, TO_STACK, .note = PL_NOTE_FRAG_NEEDED, .check_fib = true,
	 .fib_rc = 8 /* BPF_FIB_LKUP_RET_FRAG_NEEDED */},
	{"native: the same 1600 bytes as a GSO packet (mss 1448) is routed", FROM_A,
	 .pkt = {.smac = DP_SMAC,
		 .dmac = DP_DMAC,
		 .saddr = IP_A,
		 .daddr = IP_C,
		 .proto = 6,
		 .sport = 40000,
		 .dport = 80,
		 .payload = big,
		 .payload_len = sizeof(big)},
	 .gso_size = 1448, .src_id = ID_A, .dst_id = ID_C, .retval = TC_ACT_REDIRECT,
	 .obs = PL_OBS_TO_NETWORK, .verdict = PL_VERDICT_REDIRECTED, .redirect = PL_REDIR_FIB,
	 .target = DEV_UPLINK, .note = PL_NOTE_NO_POLICY, .check_fib = true, .fib_rc = 0,
	 .rewrite = RW_FIB},
	{"native: A -> D, route but no neighbour: bpf_redirect_neigh (NEIGH_RESOLVE)", FROM_A,
	 .pkt = PKT_TCP(IP_A, IP_D, 40000, 80), .src_id = ID_A, .dst_id = ID_D,
	 .retval = TC_ACT_REDIRECT, .obs = PL_OBS_TO_NETWORK, .verdict = PL_VERDICT_REDIRECTED,
	 .redirect = PL_REDIR_NEIGH, .target = DEV_UPLINK, .note = PL_NOTE_NEIGH_RESOLVE,
	 .check_fib = true, .fib_rc = 7 /* BPF_FIB_LKUP_RET_NO_NEIGH */, .rewrite = RW_TTL},
	{"native: A -> D, no neighbour, 1600 bytes over MTU 1500: to the stack (frag-needed)",
	 FROM_A,
	 .pkt = {.smac = DP_SMAC,
		 .dmac = DP_DMAC,
		 .saddr = IP_A,
		 .daddr = IP_D,
		 .proto = 6,
		 .sport = 40000,
		 .dport = 80,
		 .payload = big,
		 .payload_len = sizeof(big)},
	 .src_id = ID_A, .dst_id = ID_D, TO_STACK, .note = PL_NOTE_FRAG_NEEDED, .check_fib = true,
	 .fib_rc = 8 /* reported as BPF_FIB_LKUP_RET_FRAG_NEEDED */},
	{"native: A -> E, no route: NO_FIB 169 with fib_rc", FROM_A,
	 .pkt = PKT_TCP(IP_A, IP_E, 40000, 80), .src_id = ID_A, .dst_id = ID_E,
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_NO_FIB), .check_fib = true,
	 .fib_rc = 4 /* BPF_FIB_LKUP_RET_NOT_FWDED */},
	{"native: egress policy runs before routing: A -> C denied 133", FROM_A,
	 .pkt = PKT_TCP(IP_A, IP_C, 40000, 80), .flags_a = ENF_OUT,
	 .policy = {EGRESS_OF(EP_A, ID_C, 6, 443)}, .src_id = ID_A, .dst_id = ID_C,
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENIED)},
	{"native: A -> 198.51.100.7 (outside the cluster): to the stack untouched", FROM_A,
	 .pkt = PKT_UDP(IP_A, IP_WORLD2, 1000, 53), .src_id = ID_A, .dst_id = PL_ID_WORLD, TO_STACK,
	 .note = PL_NOTE_NO_POLICY},
	{"native: A -> this node's IP (host): to the stack", FROM_A,
	 .pkt = PKT_UDP(IP_A, IP_NODE1, 1000, 53), .src_id = ID_A, .dst_id = PL_ID_HOST, TO_STACK,
	 .note = PL_NOTE_NO_POLICY},
	{"from_network: C -> A delivered into A (MACs only)", .prog = PL_PROG_FROM_NETWORK,
	 .dev = DEV_UPLINK, .pkt = PKT_TCP(IP_C, IP_A, 40000, 80), .src_id = ID_C, .dst_id = ID_A,
	 DELIVERED(DEV_POD_A, RW_TO_A), .note = PL_NOTE_NO_POLICY},
	{"from_network: C -> A, A ingress allows C tcp/80", .prog = PL_PROG_FROM_NETWORK,
	 .dev = DEV_UPLINK, .pkt = PKT_TCP(IP_C, IP_A, 40000, 80), .flags_a = ENF_IN,
	 .policy = {INGRESS_OF(EP_A, ID_C, 6, 80)}, .src_id = ID_C, .dst_id = ID_A,
	 DELIVERED(DEV_POD_A, RW_TO_A), .note = PL_NOTE_POLICY_ALLOW},
	{"from_network: C -> A, A ingress allows only D: 133", .prog = PL_PROG_FROM_NETWORK,
	 .dev = DEV_UPLINK, .pkt = PKT_TCP(IP_C, IP_A, 40000, 80), .flags_a = ENF_IN,
	 .policy = {INGRESS_OF(EP_A, ID_D, 0, 0)}, .src_id = ID_C, .dst_id = ID_A,
	 DROPPED(PL_OBS_FROM_NETWORK, PL_DROP_POLICY_DENIED)},
	{"from_network: unknown source 198.51.100.7 -> B is WORLD", .prog = PL_PROG_FROM_NETWORK,
	 .dev = DEV_UPLINK, .pkt = PKT_UDP(IP_WORLD2, IP_B, 1000, 53), .src_id = PL_ID_WORLD,
	 .dst_id = ID_B, DELIVERED(DEV_POD_B, RW_TO_B), .note = PL_NOTE_NO_POLICY},
	{"from_network: NODE2 -> this node: not a local pod, to the stack",
	 .prog = PL_PROG_FROM_NETWORK, .dev = DEV_UPLINK,
	 .pkt = PKT_UDP(IP_NODE2, IP_NODE1, 1000, 4789), .src_id = PL_ID_REMOTE_NODE,
	 .dst_id = PL_ID_HOST, TO_STACK, .note = PL_NOTE_NOT_LOCAL},
	{"from_network: transit C -> D: not a local pod, to the stack",
	 .prog = PL_PROG_FROM_NETWORK, .dev = DEV_UPLINK, .pkt = PKT_UDP(IP_C, IP_D, 1000, 53),
	 .src_id = ID_C, .dst_id = ID_D, TO_STACK, .note = PL_NOTE_NOT_LOCAL},
};

static const struct dp_case vxlan_cases[] = {
	{"vxlan: A -> C: tunnel key (NODE2, VNI = A's identity), redirect to vx0, inner unchanged",
	 FROM_A, .pkt = PKT_TCP(IP_A, IP_C, 40000, 80), .src_id = ID_A, .dst_id = ID_C,
	 .retval = TC_ACT_REDIRECT, .obs = PL_OBS_TO_OVERLAY, .verdict = PL_VERDICT_REDIRECTED,
	 .redirect = PL_REDIR_TUNNEL, .target = DEV_VXLAN, .tunnel_remote = IP_NODE2, .vni = ID_A,
	 .note = PL_NOTE_NO_POLICY},
	{"vxlan: A -> E, TTL 1: inner untouched, tunnelled (no TTL check)", FROM_A,
	 .pkt = {.smac = DP_SMAC,
		 .dmac = DP_DMAC,
		 .saddr = IP_A,
		 .daddr = IP_E,
		 .proto = 17,
		 .sport = 1000,
		 .dport = 53,
		 .ttl = 1},
	 .src_id = ID_A, .dst_id = ID_E, .retval = TC_ACT_REDIRECT, .obs = PL_OBS_TO_OVERLAY,
	 .verdict = PL_VERDICT_REDIRECTED, .redirect = PL_REDIR_TUNNEL, .target = DEV_VXLAN,
	 .tunnel_remote = IP_NODE9, .vni = ID_A, .note = PL_NOTE_NO_POLICY},
	{"vxlan: A -> F (pod identity, no tunnel endpoint): NO_TUNNEL_ENDPOINT 160", FROM_A,
	 .pkt = PKT_TCP(IP_A, IP_F, 40000, 80), .src_id = ID_A, .dst_id = ID_F,
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_NO_TUNNEL_ENDPOINT)},
	{"vxlan: A -> B stays local (peer redirect)", FROM_A, .pkt = PKT_TCP(IP_A, IP_B, 40000, 80),
	 .src_id = ID_A, .dst_id = ID_B, DELIVERED(DEV_POD_B, RW_TO_B), .note = PL_NOTE_NO_POLICY},
	{"vxlan: A -> 203.0.113.7 (outside): to the stack", FROM_A,
	 .pkt = PKT_TCP(IP_A, IP_WORLD, 40000, 443), .src_id = ID_A, .dst_id = ID_CIDR, TO_STACK,
	 .note = PL_NOTE_NO_POLICY},
	{"from_overlay: identity C in skb->mark, C -> A delivered", .prog = PL_PROG_FROM_OVERLAY,
	 .dev = DEV_VXLAN, .mark = OVERLAY_MARK(ID_C), .pkt = PKT_TCP(IP_C, IP_A, 40000, 80),
	 .src_id = ID_C, .dst_id = ID_A, DELIVERED(DEV_POD_A, RW_TO_A), .note = PL_NOTE_NO_POLICY},
	{"from_overlay: the mark's identity (not the ipcache's) meets A's ingress policy",
	 .prog = PL_PROG_FROM_OVERLAY, .dev = DEV_VXLAN, .mark = OVERLAY_MARK(ID_D),
	 .pkt = PKT_TCP(IP_C, IP_A, 40000, 80), .flags_a = ENF_IN,
	 .policy = {INGRESS_OF(EP_A, ID_D, 6, 80)}, .src_id = ID_D, .dst_id = ID_A,
	 DELIVERED(DEV_POD_A, RW_TO_A), .note = PL_NOTE_POLICY_ALLOW},
	{"from_overlay: identity C, A ingress allows only D: 133", .prog = PL_PROG_FROM_OVERLAY,
	 .dev = DEV_VXLAN, .mark = OVERLAY_MARK(ID_C), .pkt = PKT_TCP(IP_C, IP_A, 40000, 80),
	 .flags_a = ENF_IN, .policy = {INGRESS_OF(EP_A, ID_D, 6, 80)}, .src_id = ID_C,
	 .dst_id = ID_A, DROPPED(PL_OBS_FROM_OVERLAY, PL_DROP_POLICY_DENIED)},
	{"from_overlay: no tunnel key, no mark: INVALID_IDENTITY 171", .prog = PL_PROG_FROM_OVERLAY,
	 .dev = DEV_VXLAN, .pkt = PKT_TCP(IP_C, IP_A, 40000, 80), .dst_id = 0,
	 DROPPED(PL_OBS_FROM_OVERLAY, PL_DROP_INVALID_IDENTITY)},
	{"from_overlay: mark without the magic byte: INVALID_IDENTITY 171",
	 .prog = PL_PROG_FROM_OVERLAY, .dev = DEV_VXLAN, .mark = 0x0000000bu,
	 .pkt = PKT_TCP(IP_C, IP_A, 40000, 80),
	 DROPPED(PL_OBS_FROM_OVERLAY, PL_DROP_INVALID_IDENTITY)},
	{"from_overlay: C -> D is not a local pod: to the stack", .prog = PL_PROG_FROM_OVERLAY,
	 .dev = DEV_VXLAN, .mark = OVERLAY_MARK(ID_C), .pkt = PKT_TCP(IP_C, IP_D, 40000, 80),
	 .src_id = ID_C, .dst_id = ID_D, TO_STACK, .note = PL_NOTE_NOT_LOCAL},
};

static const struct dp_case legacy_cases[] = {
	{"legacy: A -> C goes to the stack untouched (kernel vxlan + MASQUERADE)", FROM_A,
	 .pkt = PKT_TCP(IP_A, IP_C, 40000, 80), .src_id = ID_A, .dst_id = ID_C, TO_STACK,
	 .note = PL_NOTE_NO_POLICY},
	{"legacy: A -> B stays local", FROM_A, .pkt = PKT_TCP(IP_A, IP_B, 40000, 80),
	 .src_id = ID_A, .dst_id = ID_B, DELIVERED(DEV_POD_B, RW_TO_B), .note = PL_NOTE_NO_POLICY},
	{"legacy: from_overlay, masqueraded NODE2 -> A: remote-node identity from the ipcache",
	 .prog = PL_PROG_FROM_OVERLAY, .dev = DEV_VXLAN, .pkt = PKT_TCP(IP_NODE2, IP_A, 40000, 80),
	 .src_id = PL_ID_REMOTE_NODE, .dst_id = ID_A, DELIVERED(DEV_POD_A, RW_TO_A),
	 .note = PL_NOTE_NO_POLICY},
	{"legacy: from_overlay, A ingress allows remote-node only", .prog = PL_PROG_FROM_OVERLAY,
	 .dev = DEV_VXLAN, .pkt = PKT_TCP(IP_NODE2, IP_A, 40000, 80), .flags_a = ENF_IN,
	 .policy = {INGRESS_OF(EP_A, PL_ID_REMOTE_NODE, 0, 0)}, .src_id = PL_ID_REMOTE_NODE,
	 .dst_id = ID_A, DELIVERED(DEV_POD_A, RW_TO_A), .note = PL_NOTE_POLICY_ALLOW},
	{"legacy: from_overlay, mark still wins over the ipcache", .prog = PL_PROG_FROM_OVERLAY,
	 .dev = DEV_VXLAN, .mark = OVERLAY_MARK(ID_C), .pkt = PKT_TCP(IP_NODE2, IP_A, 40000, 80),
	 .src_id = ID_C, .dst_id = ID_A, DELIVERED(DEV_POD_A, RW_TO_A), .note = PL_NOTE_NO_POLICY},
	{"legacy: from_overlay, source unknown to the ipcache: INVALID_IDENTITY 171",
	 .prog = PL_PROG_FROM_OVERLAY, .dev = DEV_VXLAN, .pkt = PKT_TCP(IP_WORLD2, IP_A, 40000, 80),
	 DROPPED(PL_OBS_FROM_OVERLAY, PL_DROP_INVALID_IDENTITY)},
};

PL_TEST_PROBE(datapath, routing_native, pl_probe_bpf_netns)
{
	dp_run_table(PL_ROUTING_NATIVE, native_cases, ARRAY_SIZE(native_cases));
}

/*
 * fabric leaves a node exactly as native does (fib lookup, TTL-1, redirect out of the
 * uplink, no tunnel key, no NAT): only the next hop the node's table names differs,
 * and the fixture's table is the same. Every native case holds with the fabric knob.
 */
PL_TEST_PROBE(datapath, routing_fabric_is_native_on_the_wire, pl_probe_bpf_netns)
{
	dp_run_table(PL_ROUTING_FABRIC, native_cases, ARRAY_SIZE(native_cases));
}

PL_TEST_PROBE(datapath, routing_vxlan, pl_probe_bpf_netns)
{
	dp_run_table(PL_ROUTING_VXLAN, vxlan_cases, ARRAY_SIZE(vxlan_cases));
}

PL_TEST_PROBE(datapath, routing_legacy, pl_probe_bpf_netns)
{
	dp_run_table(PL_ROUTING_LEGACY, legacy_cases, ARRAY_SIZE(legacy_cases));
}

/* IPv6 twins: the same rows with the pods' IPv6 addresses (rows with node IPs have none). */
PL_TEST_PROBE(datapath, routing_native_ipv6, pl_probe_bpf_netns)
{
	dp_run_table_v6(PL_ROUTING_NATIVE, native_cases, ARRAY_SIZE(native_cases));
}

PL_TEST_PROBE(datapath, routing_vxlan_ipv6, pl_probe_bpf_netns)
{
	dp_run_table_v6(PL_ROUTING_VXLAN, vxlan_cases, ARRAY_SIZE(vxlan_cases));
}

PL_TEST_PROBE(datapath, routing_legacy_ipv6, pl_probe_bpf_netns)
{
	dp_run_table_v6(PL_ROUTING_LEGACY, legacy_cases, ARRAY_SIZE(legacy_cases));
}
