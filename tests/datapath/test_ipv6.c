// SPDX-License-Identifier: GPL-2.0
/*
 * IPv6 of its own: malformed headers and their drop reasons, the bounded
 * extension header walk, fragments, hop limit, and the ICMPv6 the kernel
 * needs whatever policy says (neighbour discovery, Packet Too Big). Policy,
 * conntrack and routing over IPv6 are the IPv4 tables run again
 * (dp_run_table_v6 in test_policy.c and test_routing.c).
 */
#include <errno.h>
#include <bpf/bpf.h>

#include "test.h"
#include "dp_fixture.h"

#define FROM_A	      .prog = PL_PROG_FROM_POD, .dev = DEV_POD_A
#define NET	      .prog = PL_PROG_FROM_NETWORK, .dev = DEV_UPLINK
#define XDP	      .prog = PL_PROG_XDP_PREFILTER, .dev = DEV_UPLINK
#define BAD(why)      DROPPED(PL_OBS_FROM_ENDPOINT, why)
#define IDS_AB	      .src_id = ID_A, .dst_id = ID_B
#define OK_TO_B	      IDS_AB, DELIVERED(DEV_POD_B, RW_TO_B)
#define DENY_ALL      .flags_a = ENF_IN | ENF_OUT, .flags_b = ENF_IN | ENF_OUT
#define TCP6_AB	      PKT6(IP6_A, IP6_B, 6), .sport = 40000, .dport = 80, .tcp_flags = 0x02
#define ND_TO_STACK   TO_STACK, .note = PL_NOTE_ICMPV6_ND
#define LINK_TO_STACK TO_STACK, .note = PL_NOTE_IPV6_LINK_SCOPED
#define XDP_PASSED                                                                                 \
	.retval = 2 /* XDP_PASS */, .obs = PL_OBS_TO_STACK, .verdict = PL_VERDICT_FORWARDED
#define XDP_DROPPED(why)                                                                           \
	.retval = 1 /* XDP_DROP */, .obs = PL_OBS_FROM_NETWORK, .verdict = PL_VERDICT_DROPPED,     \
	.reason = (why)

#define IP6_OFF	 14 /* the IPv6 header in an untagged frame */
#define PLEN_OFF (IP6_OFF + 4)

static int cut_ip6_39(uint8_t *p, int len)
{
	(void)p;
	return len < IP6_OFF + 39 ? len : IP6_OFF + 39;
}

static int plen_plus_1(uint8_t *p, int len)
{
	uint16_t plen = (uint16_t)(p[PLEN_OFF] << 8 | p[PLEN_OFF + 1]) + 1;

	p[PLEN_OFF] = plen >> 8;
	p[PLEN_OFF + 1] = plen & 0xff;
	return len;
}

/* Payload length 4: the first extension header (8 bytes) runs past the payload. */
static int plen_4(uint8_t *p, int len)
{
	p[PLEN_OFF] = 0;
	p[PLEN_OFF + 1] = 4;
	return len;
}

/* TCP cut to 4 bytes with a consistent payload length. */
static int tcp_4(uint8_t *p, int len)
{
	(void)len;
	p[PLEN_OFF] = 0;
	p[PLEN_OFF + 1] = 4;
	return IP6_OFF + 40 + 4;
}

static int version_4(uint8_t *p, int len)
{
	p[IP6_OFF] = (uint8_t)(0x40 | (p[IP6_OFF] & 0x0f));
	return len;
}

static const struct dp_case malformed_cases[] = {
	/* TC test_run refuses EtherType IPv6 frames shorter than the header (as IPv4's):
	   xdp_prefilter, the same parser, drops them with IPV6_TRUNCATED below. */
	{"IPv6 header cut at 39 bytes: test_run refuses it (EINVAL)", FROM_A, .pkt = {TCP6_AB},
	 .mutate = cut_ip6_39, .run_err = -EINVAL},
	{"payload length one byte beyond the frame: IPV6_PAYLOAD_LEN 249", FROM_A, .pkt = {TCP6_AB},
	 .mutate = plen_plus_1, BAD(PL_DROP_IPV6_PAYLOAD_LEN)},
	{"hop-by-hop header beyond a payload length of 4: IPV6_PAYLOAD_LEN 249", FROM_A,
	 .pkt = {TCP6_AB, .ext = {0}, .ext_count = 1}, .mutate = plen_4,
	 BAD(PL_DROP_IPV6_PAYLOAD_LEN)},
	{"six destination options headers (the walk stops at five): IPV6_EXT_CHAIN 250", FROM_A,
	 .pkt = {TCP6_AB, .ext = {60, 60, 60, 60, 60, 60}, .ext_count = 6},
	 BAD(PL_DROP_IPV6_EXT_CHAIN)},
	{"authentication header: IPV6_EXT_UNKNOWN 251", FROM_A,
	 .pkt = {TCP6_AB, .ext = {51}, .ext_count = 1}, BAD(PL_DROP_IPV6_EXT_UNKNOWN)},
	{"hop-by-hop then mobility header: IPV6_EXT_UNKNOWN 251", FROM_A,
	 .pkt = {TCP6_AB, .ext = {0, 135}, .ext_count = 2}, BAD(PL_DROP_IPV6_EXT_UNKNOWN)},
	{"version 4 under EtherType IPv6: INVALID 134", FROM_A, .pkt = {TCP6_AB},
	 .mutate = version_4, BAD(PL_DROP_INVALID)},
	{"TCP: 4 bytes of L4: CT_INVALID_HDR 135", FROM_A, .pkt = {TCP6_AB}, .mutate = tcp_4,
	 BAD(PL_DROP_CT_INVALID_HDR)},
	{"first fragment (M): FRAG_NOSUPPORT 157", FROM_A,
	 .pkt = {TCP6_AB, .frag = 0x2000, .ext = {44}, .ext_count = 1},
	 BAD(PL_DROP_FRAG_NOSUPPORT)},
	{"later fragment (offset 1480): FRAG_NOSUPPORT 157", FROM_A,
	 .pkt = {TCP6_AB, .frag = 185, .ext = {44}, .ext_count = 1}, BAD(PL_DROP_FRAG_NOSUPPORT)},
	{"atomic fragment (offset 0, no M) is no fragment: delivered", FROM_A,
	 .pkt = {TCP6_AB, .ext = {44}, .ext_count = 1}, OK_TO_B, .note = PL_NOTE_NO_POLICY},
	{"five headers (hop, dest, route, frag, dest): tcp/80 found behind them, allow matches",
	 FROM_A, .pkt = {TCP6_AB, .ext = {0, 60, 43, 44, 60}, .ext_count = 5}, .flags_a = ENF_OUT,
	 .policy = {EGRESS_OF(EP_A, ID_B, 6, 80)}, OK_TO_B, .note = PL_NOTE_POLICY_ALLOW},
	{"five headers, tcp/443 against a tcp/80 allow: 133", FROM_A,
	 .pkt = {PKT6(IP6_A, IP6_B, 6), .sport = 40000, .dport = 443, .ext = {0, 60, 43, 44, 60},
		 .ext_count = 5},
	 .flags_a = ENF_OUT, .policy = {EGRESS_OF(EP_A, ID_B, 6, 80)}, IDS_AB,
	 BAD(PL_DROP_POLICY_DENIED)},
	{"native: A -> remote C with hop limit 1: HOP_LIMIT_EXCEEDED 252", FROM_A,
	 .pkt = {PKT6(IP6_A, IP6_C, 17), .sport = 1000, .dport = 53, .ttl = 1}, .src_id = ID_A,
	 .dst_id = ID_C, BAD(PL_DROP_HOP_LIMIT_EXCEEDED)},
	{"local A -> B with hop limit 1: delivered (no router hop, as IPv4)", FROM_A,
	 .pkt = {PKT6(IP6_A, IP6_B, 17), .sport = 1000, .dport = 53, .ttl = 1}, OK_TO_B,
	 .note = PL_NOTE_NO_POLICY},
	{"from_network: payload length beyond the frame: IPV6_PAYLOAD_LEN 249", NET,
	 .pkt = {PKT6(IP6_C, IP6_A, 6), .sport = 40000, .dport = 80}, .mutate = plen_plus_1,
	 DROPPED(PL_OBS_FROM_NETWORK, PL_DROP_IPV6_PAYLOAD_LEN)},
	{"from_network: extension chain too long: IPV6_EXT_CHAIN 250", NET,
	 .pkt = {PKT6(IP6_C, IP6_A, 6), .sport = 40000, .dport = 80, .ext = {0, 60, 43, 60, 60, 60},
		 .ext_count = 6},
	 DROPPED(PL_OBS_FROM_NETWORK, PL_DROP_IPV6_EXT_CHAIN)},
	{"xdp_prefilter: IPv6 header cut at 39 bytes: XDP_DROP IPV6_TRUNCATED 248", XDP,
	 .pkt = {TCP6_AB}, .mutate = cut_ip6_39, XDP_DROPPED(PL_DROP_IPV6_TRUNCATED)},
	{"xdp_prefilter: payload length beyond the frame: XDP_DROP IPV6_PAYLOAD_LEN 249", XDP,
	 .pkt = {TCP6_AB}, .mutate = plen_plus_1, XDP_DROPPED(PL_DROP_IPV6_PAYLOAD_LEN)},
	{"xdp_prefilter: extension headers are the TC programs' to walk: XDP_PASS", XDP,
	 .pkt = {TCP6_AB, .ext = {51}, .ext_count = 1}, XDP_PASSED},
};

/* ICMPv6 with hop limit 255 (neighbour discovery requires it) and the type. */
#define ICMP6(s, d, type)                                                                          \
	.smac = DP_SMAC, .dmac = DP_DMAC, .family = AF_INET6, .saddr6 = s, .daddr6 = d,            \
	.proto = 58, .icmp_type = (type), .ttl = 255

static const struct dp_case icmp6_cases[] = {
	{"deny-all: neighbour solicitation fe80::a -> B's solicited-node group: to the stack",
	 FROM_A, .pkt = {ICMP6(IP6_LL_A, IP6_SNM_B, 135)}, DENY_ALL, ND_TO_STACK},
	{"deny-all: duplicate address detection from :: (no source check): to the stack", FROM_A,
	 .pkt = {ICMP6(IP6_UNSPEC, IP6_SNM_B, 135)}, DENY_ALL, ND_TO_STACK},
	{"deny-all: router solicitation to ff02::2: to the stack", FROM_A,
	 .pkt = {ICMP6(IP6_LL_A, IP6_ALL_ROUTERS, 133)}, DENY_ALL, ND_TO_STACK},
	{"deny-all: neighbour advertisement from A's pod address: to the stack", FROM_A,
	 .pkt = {ICMP6(IP6_A, IP6_LL_A, 136)}, DENY_ALL, ND_TO_STACK},
	{"deny-all: router advertisement on the uplink: to the stack", NET,
	 .pkt = {ICMP6(IP6_LL_A, IP6_A, 134)}, DENY_ALL, ND_TO_STACK},
	{"deny-all: redirect on the uplink: to the stack", NET,
	 .pkt = {ICMP6(IP6_LL_A, IP6_A, 137)}, DENY_ALL, ND_TO_STACK},
	{"deny-all: Packet Too Big B -> A passes both policies", FROM_A,
	 .pkt = {ICMP6(IP6_A, IP6_B, 2), .icmp_data = 1400}, DENY_ALL, OK_TO_B,
	 .note = PL_NOTE_ICMPV6_PTB},
	{"deny-all: Packet Too Big from the world to A passes A's ingress", NET,
	 .pkt = {ICMP6(IP6_WORLD, IP6_A, 2), .icmp_data = 1280}, DENY_ALL, .src_id = ID_CIDR,
	 .dst_id = ID_A, DELIVERED(DEV_POD_A, RW_TO_A), .note = PL_NOTE_ICMPV6_PTB},
	{"deny-all: a deny entry does not stop Packet Too Big either", FROM_A,
	 .pkt = {ICMP6(IP6_A, IP6_B, 2), .icmp_data = 1400}, DENY_ALL,
	 .policy = {DENY_EGRESS_OF(EP_A, 0, 0, 0)}, OK_TO_B, .note = PL_NOTE_ICMPV6_PTB},
	{"deny-all: destination unreachable quoting nothing: CT_INVALID_HDR 135", FROM_A,
	 .pkt = {ICMP6(IP6_A, IP6_B, 1)}, DENY_ALL, BAD(PL_DROP_CT_INVALID_HDR)},
	{"deny-all: an error of type 100 (private experimentation) is policy-checked: 133", FROM_A,
	 .pkt = {ICMP6(IP6_A, IP6_B, 100)}, DENY_ALL, IDS_AB, BAD(PL_DROP_POLICY_DENIED)},
	{"deny-all: echo request is policy-checked: 133", FROM_A,
	 .pkt = {ICMP6(IP6_A, IP6_B, 128), .sport = 7, .icmp_seq = 1}, DENY_ALL, IDS_AB,
	 BAD(PL_DROP_POLICY_DENIED)},
	{"deny-all: MLDv2 report from :: to ff02::16 (a pod's kernel at link up): to the stack",
	 FROM_A, .pkt = {ICMP6(IP6_UNSPEC, IP6_MLDV2_ROUTERS, 143)}, DENY_ALL, LINK_TO_STACK},
	{"deny-all: MLDv2 report from fe80::a: to the stack", FROM_A,
	 .pkt = {ICMP6(IP6_LL_A, IP6_MLDV2_ROUTERS, 143)}, DENY_ALL, LINK_TO_STACK},
	{"deny-all: UDP fe80::a -> B's address: link-local source, no endpoint's: to the stack",
	 FROM_A, .pkt = {PKT6(IP6_LL_A, IP6_B, 17), .sport = 5353, .dport = 5353}, DENY_ALL,
	 LINK_TO_STACK},
	{"deny-all: UDP from A's pod address to ff02::16: link-scoped group: to the stack", FROM_A,
	 .pkt = {PKT6(IP6_A, IP6_MLDV2_ROUTERS, 17), .sport = 5353, .dport = 5353}, DENY_ALL,
	 LINK_TO_STACK},
	{"Packet Too Big from a spoofed pod source: INVALID_SIP 132 (only ND skips it)", FROM_A,
	 .pkt = {ICMP6(IP6_B, IP6_A, 2)}, BAD(PL_DROP_INVALID_SIP)},
	{"ICMPv6 cut to 4 bytes: CT_INVALID_HDR 135", FROM_A, .pkt = {ICMP6(IP6_A, IP6_B, 135)},
	 .mutate = tcp_4, BAD(PL_DROP_CT_INVALID_HDR)},
};

/*
 * IPv6 CIDR identities through ipcache6's longest-prefix match: the /48 of
 * 2001:db8:113:: is ID_CIDR, its /64 at :5:: (an except prefix) has an identity
 * of its own that no rule allowing the /48 names.
 */
static const struct dp_case cidr6_cases[] = {
	{"A -> 2001:db8:113::7, egress allows the /48's identity: to the stack", FROM_A,
	 .pkt = {PKT6(IP6_A, IP6_WORLD, 6), .sport = 40000, .dport = 443, .tcp_flags = 0x02},
	 .flags_a = ENF_OUT, .policy = {EGRESS_OF(EP_A, ID_CIDR, 6, 443)}, .src_id = ID_A,
	 .dst_id = ID_CIDR, TO_STACK, .note = PL_NOTE_POLICY_ALLOW},
	{"A -> 2001:db8:113:5::7 (the except /64), only the /48 allowed: 133", FROM_A,
	 .pkt = {PKT6(IP6_A, IP6_WORLD_EXCEPT, 6), .sport = 40000, .dport = 443, .tcp_flags = 0x02},
	 .flags_a = ENF_OUT, .policy = {EGRESS_OF(EP_A, ID_CIDR, 6, 443)}, .src_id = ID_A,
	 .dst_id = ID_CIDR6_EXCEPT, BAD(PL_DROP_POLICY_DENIED)},
	{"A -> 2001:db8:113:5::7, world allowed, the /64 denied: 181", FROM_A,
	 .pkt = {PKT6(IP6_A, IP6_WORLD_EXCEPT, 6), .sport = 40000, .dport = 443, .tcp_flags = 0x02},
	 .flags_a = ENF_OUT,
	 .policy = {EGRESS_OF(EP_A, 0, 0, 0), DENY_EGRESS_OF(EP_A, ID_CIDR6_EXCEPT, 0, 0)},
	 .src_id = ID_A, .dst_id = ID_CIDR6_EXCEPT, BAD(PL_DROP_POLICY_DENY)},
	{"2001:db8:113::7 -> A from the network, ingress allows the /48: delivered", NET,
	 .pkt = {PKT6(IP6_WORLD, IP6_A, 6), .sport = 5555, .dport = 80, .tcp_flags = 0x02},
	 .flags_a = ENF_IN, .policy = {INGRESS_OF(EP_A, ID_CIDR, 6, 80)}, .src_id = ID_CIDR,
	 .dst_id = ID_A, DELIVERED(DEV_POD_A, RW_TO_A), .note = PL_NOTE_POLICY_ALLOW},
	{"2001:db8:113:5::7 -> A from the network, the except /64: 133", NET,
	 .pkt = {PKT6(IP6_WORLD_EXCEPT, IP6_A, 6), .sport = 5555, .dport = 80, .tcp_flags = 0x02},
	 .flags_a = ENF_IN, .policy = {INGRESS_OF(EP_A, ID_CIDR, 6, 80)}, .src_id = ID_CIDR6_EXCEPT,
	 .dst_id = ID_A, DROPPED(PL_OBS_FROM_NETWORK, PL_DROP_POLICY_DENIED)},
};

/* Packet Too Big is never tracked: it opens no path for what comes back. */
static const struct dp_case ptb_ct_cases[] = {
	{"ct: Packet Too Big A -> B, B deny-all: passes", FROM_A,
	 .pkt = {ICMP6(IP6_A, IP6_B, 2), .icmp_data = 1400}, DENY_ALL, OK_TO_B,
	 .note = PL_NOTE_ICMPV6_PTB},
	{"ct: an ICMPv6 message B -> A of the reverse tuple is no reply: 133",
	 .prog = PL_PROG_FROM_POD, .dev = DEV_POD_B, .pkt = {ICMP6(IP6_B, IP6_A, 100)}, DENY_ALL,
	 .keep_ct = true, .src_id = ID_B, .dst_id = ID_A, BAD(PL_DROP_POLICY_DENIED)},
};

PL_TEST_PROBE(datapath, ipv6_malformed, pl_probe_bpf_netns)
{
	dp_run_table(PL_ROUTING_NATIVE, malformed_cases, ARRAY_SIZE(malformed_cases));
}

PL_TEST_PROBE(datapath, ipv6_icmp6_through_policy, pl_probe_bpf_netns)
{
	dp_run_table(PL_ROUTING_NATIVE, icmp6_cases, ARRAY_SIZE(icmp6_cases));
	dp_run_table(PL_ROUTING_NATIVE, ptb_ct_cases, ARRAY_SIZE(ptb_ct_cases));
}

PL_TEST_PROBE(datapath, ipv6_cidr_policy, pl_probe_bpf_netns)
{
	dp_run_table(PL_ROUTING_NATIVE, cidr6_cases, ARRAY_SIZE(cidr6_cases));
}

static uint32_t max_entries(int fd)
{
	struct bpf_map_info info = {0};
	uint32_t len = sizeof(info);

	/* bpf_map_get_info_by_fd() is libbpf 1.2's name for this; Debian 12 has 1.1. */
	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.max_entries;
}

/* A node without IPv6 pods pays for no preallocated IPv6 map; with opts.ipv6 they are IPv4's size.
 */
PL_TEST_PROBE(datapath, ipv6_maps_sized_by_opts, pl_probe_root)
{
	struct pl_datapath_opts opts = {.routing = PL_ROUTING_NATIVE, .ct_max = 2048};
	struct pl_datapath *dp = NULL, *node2 = NULL;

	pl_subtest("without ipv6");
	if (!ASSERT_OK(pl_datapath_load(&opts, &dp), "load"))
		return;
	ASSERT_EQ(max_entries(dp->map_fd[PL_MAP_ENDPOINTS6]), 1, "endpoints6: one entry");
	ASSERT_EQ(max_entries(dp->map_fd[PL_MAP_CONNTRACK6]), 1, "conntrack6: one entry");
	ASSERT_EQ(max_entries(dp->map_fd[PL_MAP_CONNTRACK]), 2048, "conntrack as asked");
	opts.ipv6 = true;
	ASSERT_EQ(pl_datapath_add_node(dp, &opts, 1, &node2), -EINVAL,
		  "a node with IPv6 on a load without: another configuration");
	pl_datapath_destroy(dp);
	dp = NULL;

	pl_subtest("with ipv6");
	if (!ASSERT_OK(pl_datapath_load(&opts, &dp), "load"))
		return;
	if (ASSERT_OK(pl_datapath_add_node(dp, &opts, 1, &node2), "add a node")) {
		ASSERT_EQ(max_entries(node2->map_fd[PL_MAP_ENDPOINTS6]),
			  max_entries(node2->map_fd[PL_MAP_ENDPOINTS]), "endpoints6 = endpoints");
		ASSERT_EQ(max_entries(node2->map_fd[PL_MAP_CONNTRACK6]), 2048,
			  "conntrack6 = conntrack.max");
	}
	ASSERT_EQ(max_entries(dp->map_fd[PL_MAP_CONNTRACK6]), 2048, "loaded node's conntrack6");
	pl_datapath_destroy(node2);
	pl_datapath_destroy(dp);
}
