// SPDX-License-Identifier: GPL-2.0
/*
 * L7 steering: a proxied port's packets go to the node's proxy socket. Under
 * BPF_PROG_TEST_RUN no proxy listens, so a packet that would be steered is
 * dropped PROXY_LOOKUP_FAILED; L4 policy still decides first, and what is not
 * proxied (another port, UDP, a deny) takes the usual path.
 */
#include "test.h"
#include "dp_fixture.h"

#define FROM_A	  .prog = PL_PROG_FROM_POD, .dev = DEV_POD_A
#define FROM_NET  .prog = PL_PROG_FROM_NETWORK, .dev = DEV_UPLINK
#define A_TO_B_80 PKT_TCP(IP_A, IP_B, 40000, 80)
#define IDS_AB	  .src_id = ID_A, .dst_id = ID_B
#define LPORT	  15001

static const struct dp_case l7_cases[] = {
	{"local A->B tcp/80 proxied, no proxy listening: PROXY_LOOKUP_FAILED 176", FROM_A,
	 .pkt = A_TO_B_80, .flags_b = ENF_IN, .policy = {PROXY_INGRESS_OF(EP_B, ID_A, 80, LPORT)},
	 IDS_AB, DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_PROXY_LOOKUP_FAILED)},
	{"proxied for any identity (0): A->B tcp/80 steered too", FROM_A, .pkt = A_TO_B_80,
	 .flags_b = ENF_IN, .policy = {PROXY_INGRESS_OF(EP_B, 0, 80, LPORT)}, IDS_AB,
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_PROXY_LOOKUP_FAILED)},
	{"proxied port, A's egress selected without allow: 133 before any proxy", FROM_A,
	 .pkt = A_TO_B_80, .flags_a = ENF_OUT, .flags_b = ENF_IN,
	 .policy = {PROXY_INGRESS_OF(EP_B, ID_A, 80, LPORT)}, IDS_AB,
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENIED)},
	{"proxied port and a deny any: the deny wins at L4, 181", FROM_A, .pkt = A_TO_B_80,
	 .flags_b = ENF_IN,
	 .policy = {PROXY_INGRESS_OF(EP_B, ID_A, 80, LPORT), DENY_INGRESS_OF(EP_B, 0, 0, 0)},
	 IDS_AB, DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENY)},
	{"proxied tcp/80, packet to tcp/81 allowed at L4: delivered, not steered", FROM_A,
	 .pkt = PKT_TCP(IP_A, IP_B, 40000, 81), .flags_b = ENF_IN,
	 .policy = {PROXY_INGRESS_OF(EP_B, ID_A, 80, LPORT), INGRESS_OF(EP_B, ID_A, 6, 0)}, IDS_AB,
	 DELIVERED(DEV_POD_B, RW_TO_B), .note = PL_NOTE_POLICY_ALLOW},
	{"proxied tcp/80, udp/80 allowed at L4: delivered, not steered", FROM_A,
	 .pkt = PKT_UDP(IP_A, IP_B, 40000, 80), .flags_b = ENF_IN,
	 .policy = {PROXY_INGRESS_OF(EP_B, ID_A, 80, LPORT), INGRESS_OF(EP_B, ID_A, 17, 80)},
	 IDS_AB, DELIVERED(DEV_POD_B, RW_TO_B), .note = PL_NOTE_POLICY_ALLOW},
	{"from_network: C->A tcp/80 proxied, no proxy listening: 176", FROM_NET,
	 .pkt = PKT_TCP(IP_C, IP_A, 40000, 80), .flags_a = ENF_IN,
	 .policy = {PROXY_INGRESS_OF(EP_A, ID_C, 80, LPORT)}, .src_id = ID_C, .dst_id = ID_A,
	 DROPPED(PL_OBS_FROM_NETWORK, PL_DROP_PROXY_LOOKUP_FAILED)},
	{"from_network: proxied for C only, D->A tcp/80 has no allow: 133", FROM_NET,
	 .pkt = PKT_TCP(IP_D, IP_A, 40000, 80), .flags_a = ENF_IN,
	 .policy = {PROXY_INGRESS_OF(EP_A, ID_C, 80, LPORT)}, .src_id = ID_D, .dst_id = ID_A,
	 DROPPED(PL_OBS_FROM_NETWORK, PL_DROP_POLICY_DENIED)},
};

PL_TEST_PROBE(datapath, l7_steering, pl_probe_bpf_netns)
{
	dp_run_table(PL_ROUTING_NATIVE, l7_cases, ARRAY_SIZE(l7_cases));
}
