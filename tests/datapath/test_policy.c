// SPDX-License-Identifier: GPL-2.0
/* Policy semantics and conntrack, pod A (this node) to pod B, the world and back. */
#include "test.h"
#include "dp_fixture.h"

#define FROM_A	  .prog = PL_PROG_FROM_POD, .dev = DEV_POD_A
#define A_TO_B_80 PKT_TCP(IP_A, IP_B, 40000, 80)
#define IDS_AB	  .src_id = ID_A, .dst_id = ID_B

static const struct dp_case policy_cases[] = {
	{"local A->B, no policy selects A or B: delivered (NO_POLICY)", FROM_A, .pkt = A_TO_B_80,
	 IDS_AB, DELIVERED(DEV_POD_B, RW_TO_B), .note = PL_NOTE_NO_POLICY},
	{"B selected for ingress, no allow: default deny 133", FROM_A, .pkt = A_TO_B_80,
	 .flags_b = ENF_IN, IDS_AB, DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENIED)},
	{"A selected for egress, no allow: default deny 133", FROM_A, .pkt = A_TO_B_80,
	 .flags_a = ENF_OUT, IDS_AB, DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENIED)},
	{"A egress allows B tcp/80: delivered (POLICY_ALLOW)", FROM_A, .pkt = A_TO_B_80,
	 .flags_a = ENF_OUT, .policy = {EGRESS_OF(EP_A, ID_B, 6, 80)}, IDS_AB,
	 DELIVERED(DEV_POD_B, RW_TO_B), .note = PL_NOTE_POLICY_ALLOW},
	{"A egress allows B tcp/80, packet to tcp/443: port mismatch 133", FROM_A,
	 .pkt = PKT_TCP(IP_A, IP_B, 40000, 443), .flags_a = ENF_OUT,
	 .policy = {EGRESS_OF(EP_A, ID_B, 6, 80)}, IDS_AB,
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENIED)},
	{"A egress allows B udp/80, packet tcp/80: protocol mismatch 133", FROM_A, .pkt = A_TO_B_80,
	 .flags_a = ENF_OUT, .policy = {EGRESS_OF(EP_A, ID_B, 17, 80)}, IDS_AB,
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENIED)},
	{"A egress allows B udp/80, packet udp/80: delivered", FROM_A,
	 .pkt = PKT_UDP(IP_A, IP_B, 40000, 80), .flags_a = ENF_OUT,
	 .policy = {EGRESS_OF(EP_A, ID_B, 17, 80)}, IDS_AB, DELIVERED(DEV_POD_B, RW_TO_B),
	 .note = PL_NOTE_POLICY_ALLOW},
	{"A egress allows B tcp/any: tcp/443 delivered", FROM_A,
	 .pkt = PKT_TCP(IP_A, IP_B, 40000, 443), .flags_a = ENF_OUT,
	 .policy = {EGRESS_OF(EP_A, ID_B, 6, 0)}, IDS_AB, DELIVERED(DEV_POD_B, RW_TO_B),
	 .note = PL_NOTE_POLICY_ALLOW},
	{"A egress allows B any protocol: udp/53 delivered", FROM_A,
	 .pkt = PKT_UDP(IP_A, IP_B, 40000, 53), .flags_a = ENF_OUT,
	 .policy = {EGRESS_OF(EP_A, ID_B, 0, 0)}, IDS_AB, DELIVERED(DEV_POD_B, RW_TO_B),
	 .note = PL_NOTE_POLICY_ALLOW},
	{"A egress allows any identity tcp/80 (wildcard): delivered", FROM_A, .pkt = A_TO_B_80,
	 .flags_a = ENF_OUT, .policy = {EGRESS_OF(EP_A, 0, 6, 80)}, IDS_AB,
	 DELIVERED(DEV_POD_B, RW_TO_B), .note = PL_NOTE_POLICY_ALLOW},
	{"A egress allows only identity C: B is denied 133", FROM_A, .pkt = A_TO_B_80,
	 .flags_a = ENF_OUT, .policy = {EGRESS_OF(EP_A, ID_C, 0, 0)}, IDS_AB,
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENIED)},
	{"allow everything + deny B tcp/80: deny wins 181", FROM_A, .pkt = A_TO_B_80,
	 .flags_a = ENF_OUT,
	 .policy = {EGRESS_OF(EP_A, 0, 0, 0), DENY_EGRESS_OF(EP_A, ID_B, 6, 80)}, IDS_AB,
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENY)},
	{"allow B tcp/80 + deny any identity any port: deny wins 181", FROM_A, .pkt = A_TO_B_80,
	 .flags_a = ENF_OUT,
	 .policy = {EGRESS_OF(EP_A, ID_B, 6, 80), DENY_EGRESS_OF(EP_A, 0, 0, 0)}, IDS_AB,
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENY)},
	{"deny on B's ingress beats allow on A's egress: 181", FROM_A, .pkt = A_TO_B_80,
	 .flags_a = ENF_OUT, .flags_b = ENF_IN,
	 .policy = {EGRESS_OF(EP_A, ID_B, 6, 80), INGRESS_OF(EP_B, 0, 0, 0),
		    DENY_INGRESS_OF(EP_B, ID_A, 6, 0)},
	 IDS_AB, DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENY)},
	{"deny for identity C does not match A: allow passes", FROM_A, .pkt = A_TO_B_80,
	 .flags_b = ENF_IN,
	 .policy = {INGRESS_OF(EP_B, 0, 0, 0), DENY_INGRESS_OF(EP_B, ID_C, 0, 0)}, IDS_AB,
	 DELIVERED(DEV_POD_B, RW_TO_B), .note = PL_NOTE_POLICY_ALLOW},
	{"B ingress allows A tcp/80, A unselected: delivered", FROM_A, .pkt = A_TO_B_80,
	 .flags_b = ENF_IN, .policy = {INGRESS_OF(EP_B, ID_A, 6, 80)}, IDS_AB,
	 DELIVERED(DEV_POD_B, RW_TO_B), .note = PL_NOTE_POLICY_ALLOW},
	{"egress allows, B's ingress selected without allow: 133", FROM_A, .pkt = A_TO_B_80,
	 .flags_a = ENF_OUT, .flags_b = ENF_IN, .policy = {EGRESS_OF(EP_A, ID_B, 6, 80)}, IDS_AB,
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENIED)},
	{"egress policy entry on the ingress side does not allow: 133", FROM_A, .pkt = A_TO_B_80,
	 .flags_b = ENF_IN, .policy = {EGRESS_OF(EP_B, ID_A, 6, 80)}, IDS_AB,
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENIED)},
	{"ICMP echo A->B allowed by icmp/any", FROM_A, .pkt = PKT_ECHO(IP_A, IP_B, 8, 77),
	 .flags_a = ENF_OUT, .policy = {EGRESS_OF(EP_A, ID_B, 1, 0)}, IDS_AB,
	 DELIVERED(DEV_POD_B, RW_TO_B), .note = PL_NOTE_POLICY_ALLOW},
	{"ICMP echo A->B, only tcp allowed: 133", FROM_A, .pkt = PKT_ECHO(IP_A, IP_B, 8, 77),
	 .flags_a = ENF_OUT, .policy = {EGRESS_OF(EP_A, ID_B, 6, 0)}, IDS_AB,
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENIED)},
	{"source IP of A sent from B's device: INVALID_SIP 132", .prog = PL_PROG_FROM_POD,
	 .dev = DEV_POD_B, .pkt = A_TO_B_80, DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_INVALID_SIP)},
	{"source IP that is no endpoint: INVALID_SIP 132", FROM_A,
	 .pkt = PKT_TCP(IP4(10, 244, 1, 99), IP_B, 40000, 80),
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_INVALID_SIP)},
};

static const struct dp_case cidr_cases[] = {
	{"A -> 203.0.113.7, egress allows its CIDR identity: to the stack", FROM_A,
	 .pkt = PKT_TCP(IP_A, IP_WORLD, 40000, 443), .flags_a = ENF_OUT,
	 .policy = {EGRESS_OF(EP_A, ID_CIDR, 6, 443)}, .src_id = ID_A, .dst_id = ID_CIDR, TO_STACK,
	 .note = PL_NOTE_POLICY_ALLOW},
	{"A -> 198.51.100.7 (world), only the CIDR is allowed: 133", FROM_A,
	 .pkt = PKT_TCP(IP_A, IP_WORLD2, 40000, 443), .flags_a = ENF_OUT,
	 .policy = {EGRESS_OF(EP_A, ID_CIDR, 6, 443)}, .src_id = ID_A, .dst_id = PL_ID_WORLD,
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENIED)},
	{"A -> 198.51.100.7, egress allows world: to the stack", FROM_A,
	 .pkt = PKT_TCP(IP_A, IP_WORLD2, 40000, 443), .flags_a = ENF_OUT,
	 .policy = {EGRESS_OF(EP_A, PL_ID_WORLD, 0, 0)}, .src_id = ID_A, .dst_id = PL_ID_WORLD,
	 TO_STACK, .note = PL_NOTE_POLICY_ALLOW},
	{"A -> 203.0.113.7, CIDR denied, world allowed: 181", FROM_A,
	 .pkt = PKT_TCP(IP_A, IP_WORLD, 40000, 443), .flags_a = ENF_OUT,
	 .policy = {EGRESS_OF(EP_A, 0, 0, 0), DENY_EGRESS_OF(EP_A, ID_CIDR, 0, 0)}, .src_id = ID_A,
	 .dst_id = ID_CIDR, DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENY)},
	{"203.0.113.7 -> A from the network, ingress allows the CIDR: delivered",
	 .prog = PL_PROG_FROM_NETWORK, .dev = DEV_UPLINK, .pkt = PKT_TCP(IP_WORLD, IP_A, 5555, 80),
	 .flags_a = ENF_IN, .policy = {INGRESS_OF(EP_A, ID_CIDR, 6, 80)}, .src_id = ID_CIDR,
	 .dst_id = ID_A, DELIVERED(DEV_POD_A, RW_TO_A), .note = PL_NOTE_POLICY_ALLOW},
	{"198.51.100.7 -> A from the network (world), CIDR-only ingress: 133",
	 .prog = PL_PROG_FROM_NETWORK, .dev = DEV_UPLINK, .pkt = PKT_TCP(IP_WORLD2, IP_A, 5555, 80),
	 .flags_a = ENF_IN, .policy = {INGRESS_OF(EP_A, ID_CIDR, 6, 80)}, .src_id = PL_ID_WORLD,
	 .dst_id = ID_A, DROPPED(PL_OBS_FROM_NETWORK, PL_DROP_POLICY_DENIED)},
};

/* Sequences: later rows keep the conntrack state earlier rows created. */
static const struct dp_case ct_cases[] = {
	{"ct: A:40000 -> B:80 allowed by A egress + B ingress", FROM_A, .pkt = A_TO_B_80,
	 .flags_a = ENF_OUT | ENF_IN, .flags_b = ENF_OUT | ENF_IN,
	 .policy = {EGRESS_OF(EP_A, ID_B, 6, 80), INGRESS_OF(EP_B, ID_A, 6, 80)}, IDS_AB,
	 DELIVERED(DEV_POD_B, RW_TO_B), .note = PL_NOTE_POLICY_ALLOW},
	{"ct: reply B:80 -> A:40000 passes B egress + A ingress (none allow it)",
	 .prog = PL_PROG_FROM_POD, .dev = DEV_POD_B, .pkt = PKT_TCP(IP_B, IP_A, 80, 40000),
	 .flags_a = ENF_OUT | ENF_IN, .flags_b = ENF_OUT | ENF_IN, .keep_ct = true, .src_id = ID_B,
	 .dst_id = ID_A, DELIVERED(DEV_POD_A, RW_TO_A), .note = PL_NOTE_CT_REPLY, .ct_reply = true},
	{"ct: unsolicited B:80 -> A:40001 (no tracked forward flow): 133", .prog = PL_PROG_FROM_POD,
	 .dev = DEV_POD_B, .pkt = PKT_TCP(IP_B, IP_A, 80, 40001), .flags_a = ENF_OUT | ENF_IN,
	 .flags_b = ENF_OUT | ENF_IN, .keep_ct = true, .src_id = ID_B, .dst_id = ID_A,
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENIED)},
	{"ct: unsolicited B:40000 -> A:80 (same ports, reverse roles): 133",
	 .prog = PL_PROG_FROM_POD, .dev = DEV_POD_B, .pkt = PKT_TCP(IP_B, IP_A, 40000, 80),
	 .flags_a = ENF_OUT | ENF_IN, .flags_b = ENF_OUT | ENF_IN, .keep_ct = true, .src_id = ID_B,
	 .dst_id = ID_A, DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENIED)},
	{"ct: A -> 203.0.113.7:443 allowed, to the stack", FROM_A,
	 .pkt = PKT_TCP(IP_A, IP_WORLD, 40000, 443), .flags_a = ENF_OUT | ENF_IN,
	 .policy = {EGRESS_OF(EP_A, ID_CIDR, 6, 443)}, .keep_ct = true, .src_id = ID_A,
	 .dst_id = ID_CIDR, TO_STACK, .note = PL_NOTE_POLICY_ALLOW},
	{"ct: reply 203.0.113.7:443 -> A:40000 from the network passes A ingress",
	 .prog = PL_PROG_FROM_NETWORK, .dev = DEV_UPLINK,
	 .pkt = PKT_TCP(IP_WORLD, IP_A, 443, 40000), .flags_a = ENF_OUT | ENF_IN, .keep_ct = true,
	 .src_id = ID_CIDR, .dst_id = ID_A, DELIVERED(DEV_POD_A, RW_TO_A), .note = PL_NOTE_CT_REPLY,
	 .ct_reply = true},
	{"ct: unsolicited 203.0.113.7:443 -> A:40002: 133", .prog = PL_PROG_FROM_NETWORK,
	 .dev = DEV_UPLINK, .pkt = PKT_TCP(IP_WORLD, IP_A, 443, 40002), .flags_a = ENF_OUT | ENF_IN,
	 .keep_ct = true, .src_id = ID_CIDR, .dst_id = ID_A,
	 DROPPED(PL_OBS_FROM_NETWORK, PL_DROP_POLICY_DENIED)},
	{"ct: ICMP echo request A -> 203.0.113.7 id 77 allowed", FROM_A,
	 .pkt = PKT_ECHO(IP_A, IP_WORLD, 8, 77), .flags_a = ENF_OUT | ENF_IN,
	 .policy = {EGRESS_OF(EP_A, ID_CIDR, 1, 0)}, .keep_ct = true, .src_id = ID_A,
	 .dst_id = ID_CIDR, TO_STACK, .note = PL_NOTE_POLICY_ALLOW},
	{"ct: ICMP echo reply id 77 passes A ingress", .prog = PL_PROG_FROM_NETWORK,
	 .dev = DEV_UPLINK, .pkt = PKT_ECHO(IP_WORLD, IP_A, 0, 77), .flags_a = ENF_OUT | ENF_IN,
	 .keep_ct = true, .src_id = ID_CIDR, .dst_id = ID_A, DELIVERED(DEV_POD_A, RW_TO_A),
	 .note = PL_NOTE_CT_REPLY, .ct_reply = true},
	{"ct: ICMP echo reply id 78 (never requested): 133", .prog = PL_PROG_FROM_NETWORK,
	 .dev = DEV_UPLINK, .pkt = PKT_ECHO(IP_WORLD, IP_A, 0, 78), .flags_a = ENF_OUT | ENF_IN,
	 .keep_ct = true, .src_id = ID_CIDR, .dst_id = ID_A,
	 DROPPED(PL_OBS_FROM_NETWORK, PL_DROP_POLICY_DENIED)},
	{"ct: ICMP echo request from 203.0.113.7 with id 77 is not a reply: 133",
	 .prog = PL_PROG_FROM_NETWORK, .dev = DEV_UPLINK, .pkt = PKT_ECHO(IP_WORLD, IP_A, 8, 77),
	 .flags_a = ENF_OUT | ENF_IN, .keep_ct = true, .src_id = ID_CIDR, .dst_id = ID_A,
	 DROPPED(PL_OBS_FROM_NETWORK, PL_DROP_POLICY_DENIED)},
	{"ct: flushed conntrack, the same reply is now unsolicited: 133",
	 .prog = PL_PROG_FROM_NETWORK, .dev = DEV_UPLINK,
	 .pkt = PKT_TCP(IP_WORLD, IP_A, 443, 40000), .flags_a = ENF_OUT | ENF_IN, .src_id = ID_CIDR,
	 .dst_id = ID_A, DROPPED(PL_OBS_FROM_NETWORK, PL_DROP_POLICY_DENIED)},
};

PL_TEST_PROBE(datapath, policy, pl_probe_bpf_netns)
{
	dp_run_table(PL_ROUTING_NATIVE, policy_cases, ARRAY_SIZE(policy_cases));
}

PL_TEST_PROBE(datapath, policy_cidr_world, pl_probe_bpf_netns)
{
	dp_run_table(PL_ROUTING_NATIVE, cidr_cases, ARRAY_SIZE(cidr_cases));
}

PL_TEST_PROBE(datapath, conntrack, pl_probe_bpf_netns)
{
	dp_run_table(PL_ROUTING_NATIVE, ct_cases, ARRAY_SIZE(ct_cases));
}

/* Label policy decides IPv6 as IPv4: every row above again with the pods' IPv6 addresses. */
PL_TEST_PROBE(datapath, policy_ipv6_as_ipv4, pl_probe_bpf_netns)
{
	dp_run_table_v6(PL_ROUTING_NATIVE, policy_cases, ARRAY_SIZE(policy_cases));
}

PL_TEST_PROBE(datapath, policy_cidr_world_ipv6_as_ipv4, pl_probe_bpf_netns)
{
	dp_run_table_v6(PL_ROUTING_NATIVE, cidr_cases, ARRAY_SIZE(cidr_cases));
}

PL_TEST_PROBE(datapath, conntrack_ipv6_as_ipv4, pl_probe_bpf_netns)
{
	dp_run_table_v6(PL_ROUTING_NATIVE, ct_cases, ARRAY_SIZE(ct_cases));
}
