// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed and out-of-scope input: every header boundary, ihl < 5, total
 * length beyond the frame, fragments, IP options, VLAN, non-IP. Verdicts
 * are the table in docs/datapath.md.
 */
#include "test.h"
#include "dp_fixture.h"

/* Frame offsets: Ethernet 0..13, IPv4 14..33 (no options), L4 from 34. */
#define L3 14
#define L4 34

static void fix_ip_csum(uint8_t *p)
{
	uint16_t c;

	p[L3 + 10] = p[L3 + 11] = 0;
	c = pl_csum_ipv4_header(p + L3, (p[L3] & 0xf) * 4);
	p[L3 + 10] = c >> 8;
	p[L3 + 11] = c & 0xff;
}

/* Cuts the frame after l4_bytes of L4 and makes tot_len agree: only L4 is short. */
static int cut_l4(uint8_t *p, int l4_bytes)
{
	int tot = 20 + l4_bytes;

	p[L3 + 2] = tot >> 8;
	p[L3 + 3] = tot & 0xff;
	fix_ip_csum(p);
	return L4 + l4_bytes;
}

static int cut_13(uint8_t *p, int len)
{
	(void)p, (void)len;
	return 13;
}

static int cut_eth(uint8_t *p, int len)
{
	(void)p, (void)len;
	return 14;
}

static int cut_ip_half(uint8_t *p, int len)
{
	(void)p, (void)len;
	return L3 + 10;
}

static int cut_ip_19(uint8_t *p, int len)
{
	(void)p, (void)len;
	return L3 + 19;
}

static int cut_l4_0(uint8_t *p, int len)
{
	(void)len;
	return cut_l4(p, 0);
}

static int cut_l4_4(uint8_t *p, int len)
{
	(void)len;
	return cut_l4(p, 4);
}

static int cut_l4_7(uint8_t *p, int len)
{
	(void)len;
	return cut_l4(p, 7);
}

static int cut_l4_19(uint8_t *p, int len)
{
	(void)len;
	return cut_l4(p, 19);
}

/* Frame shorter than tot_len says (no fix-up): the IP layer is inconsistent. */
static int cut_frame_1(uint8_t *p, int len)
{
	(void)p;
	return len - 1;
}

static int ihl_4(uint8_t *p, int len)
{
	p[L3] = 0x44;
	fix_ip_csum(p);
	return len;
}

static int ihl_0(uint8_t *p, int len)
{
	p[L3] = 0x40;
	return len;
}

static int version_6(uint8_t *p, int len)
{
	p[L3] = 0x65;
	fix_ip_csum(p);
	return len;
}

static int tot_len_plus_1(uint8_t *p, int len)
{
	int tot = (p[L3 + 2] << 8 | p[L3 + 3]) + 1;

	p[L3 + 2] = tot >> 8;
	p[L3 + 3] = tot & 0xff;
	fix_ip_csum(p);
	return len;
}

static int tot_len_19(uint8_t *p, int len)
{
	p[L3 + 2] = 0;
	p[L3 + 3] = 19;
	fix_ip_csum(p);
	return len;
}

/* 6 bytes of Ethernet padding after the IP packet, as short frames carry. */
static int pad_6(uint8_t *p, int len)
{
	memset(p + len, 0, 6);
	return len + 6;
}

#define SPEC_BASE .smac = DP_SMAC, .dmac = DP_DMAC, .saddr = IP_A, .daddr = IP_B
#define TCP_AB	  PKT_TCP(IP_A, IP_B, 40000, 80)
#define UDP_AB	  PKT_UDP(IP_A, IP_B, 40000, 53)
#define ECHO_AB	  PKT_ECHO(IP_A, IP_B, 8, 9)
#define FROM_A	  .prog = PL_PROG_FROM_POD, .dev = DEV_POD_A
#define BAD(why)  DROPPED(PL_OBS_FROM_ENDPOINT, why)
#define NOT_V4	  TO_STACK, .note = PL_NOTE_NOT_IPV4
#define OK_TO_B	  .src_id = ID_A, .dst_id = ID_B, DELIVERED(DEV_POD_B, RW_TO_B)

static const uint8_t arp_body[28] = {0, 1, 8, 0, 6, 4, 0, 1};

static const struct dp_case from_pod_cases[] = {
	{"13-byte frame: test_run refuses it (EINVAL) before any program runs", FROM_A,
	 .pkt = TCP_AB, .mutate = cut_13, .run_err = -EINVAL},
	/* TC test_run refuses EtherType IPv4 frames shorter than 34 bytes; xdp_prefilter (same
	   parser) covers them. */
	{"Ethernet header only, EtherType IPv4: test_run refuses it (EINVAL)", FROM_A,
	 .pkt = TCP_AB, .mutate = cut_eth, .run_err = -EINVAL},
	{"IPv4 header cut at 10 bytes: test_run refuses it (EINVAL)", FROM_A, .pkt = TCP_AB,
	 .mutate = cut_ip_half, .run_err = -EINVAL},
	{"IPv4 header cut at 19 bytes: test_run refuses it (EINVAL)", FROM_A, .pkt = TCP_AB,
	 .mutate = cut_ip_19, .run_err = -EINVAL},
	{"TCP: IP header complete, no L4 byte (tot_len 20): CT_INVALID_HDR 135", FROM_A,
	 .pkt = TCP_AB, .mutate = cut_l4_0, BAD(PL_DROP_CT_INVALID_HDR)},
	{"TCP: 4 bytes of L4 (ports only): CT_INVALID_HDR 135", FROM_A, .pkt = TCP_AB,
	 .mutate = cut_l4_4, BAD(PL_DROP_CT_INVALID_HDR)},
	{"TCP: 19 of 20 header bytes: CT_INVALID_HDR 135", FROM_A, .pkt = TCP_AB,
	 .mutate = cut_l4_19, BAD(PL_DROP_CT_INVALID_HDR)},
	{"UDP: 7 of 8 header bytes: CT_INVALID_HDR 135", FROM_A, .pkt = UDP_AB, .mutate = cut_l4_7,
	 BAD(PL_DROP_CT_INVALID_HDR)},
	{"UDP: no L4 byte: CT_INVALID_HDR 135", FROM_A, .pkt = UDP_AB, .mutate = cut_l4_0,
	 BAD(PL_DROP_CT_INVALID_HDR)},
	{"ICMP: 4 of 8 header bytes: CT_INVALID_HDR 135", FROM_A, .pkt = ECHO_AB,
	 .mutate = cut_l4_4, BAD(PL_DROP_CT_INVALID_HDR)},
	{"frame one byte shorter than tot_len: INVALID 134", FROM_A, .pkt = TCP_AB,
	 .mutate = cut_frame_1, BAD(PL_DROP_INVALID)},
	{"tot_len one byte beyond the frame: INVALID 134", FROM_A, .pkt = TCP_AB,
	 .mutate = tot_len_plus_1, BAD(PL_DROP_INVALID)},
	{"tot_len 19 (< header length): INVALID 134", FROM_A, .pkt = TCP_AB, .mutate = tot_len_19,
	 BAD(PL_DROP_INVALID)},
	{"ihl 4: INVALID 134", FROM_A, .pkt = TCP_AB, .mutate = ihl_4, BAD(PL_DROP_INVALID)},
	{"ihl 0: INVALID 134", FROM_A, .pkt = TCP_AB, .mutate = ihl_0, BAD(PL_DROP_INVALID)},
	{"IP version 6 under EtherType IPv4: INVALID 134", FROM_A, .pkt = TCP_AB,
	 .mutate = version_6, BAD(PL_DROP_INVALID)},
	{"first fragment (MF): FRAG_NOSUPPORT 157", FROM_A,
	 .pkt = {SPEC_BASE, .proto = 17, .sport = 1, .dport = 53, .frag = 0x2000}, .src_id = 0,
	 BAD(PL_DROP_FRAG_NOSUPPORT)},
	{"later fragment (offset 185): FRAG_NOSUPPORT 157", FROM_A,
	 .pkt = {SPEC_BASE, .proto = 17, .sport = 1, .dport = 53, .frag = 185},
	 BAD(PL_DROP_FRAG_NOSUPPORT)},
	{"DF only is not a fragment: delivered", FROM_A,
	 .pkt = {SPEC_BASE, .proto = 17, .sport = 1, .dport = 53, .frag = 0x4000}, OK_TO_B,
	 .note = PL_NOTE_NO_POLICY},
	{"IP options (ihl 6): ports found behind them, tcp/80 allow matches", FROM_A,
	 .pkt = {SPEC_BASE, .proto = 6, .sport = 40000, .dport = 80, .ip_opt_len = 4},
	 .flags_a = ENF_OUT, .policy = {EGRESS_OF(EP_A, ID_B, 6, 80)}, OK_TO_B,
	 .note = PL_NOTE_POLICY_ALLOW},
	{"IP options (ihl 6), tcp/443 against a tcp/80 allow: 133", FROM_A,
	 .pkt = {SPEC_BASE, .proto = 6, .sport = 40000, .dport = 443, .ip_opt_len = 4},
	 .flags_a = ENF_OUT, .policy = {EGRESS_OF(EP_A, ID_B, 6, 80)}, .src_id = ID_A,
	 .dst_id = ID_B, BAD(PL_DROP_POLICY_DENIED)},
	{"40 bytes of IP options (ihl 15): delivered", FROM_A,
	 .pkt = {SPEC_BASE, .proto = 17, .sport = 1, .dport = 53, .ip_opt_len = 40}, OK_TO_B,
	 .note = PL_NOTE_NO_POLICY},
	{"IP options, frame cut inside the UDP header: INVALID 134 (tot_len beyond)", FROM_A,
	 .pkt = {SPEC_BASE, .proto = 17, .sport = 1, .dport = 53, .ip_opt_len = 8},
	 .mutate = cut_frame_1, BAD(PL_DROP_INVALID)},
	{"Ethernet padding after tot_len: delivered, padding kept", FROM_A, .pkt = UDP_AB,
	 .mutate = pad_6, OK_TO_B, .note = PL_NOTE_NO_POLICY},
	{"other IP protocol (GRE, no L4 parsing): delivered", FROM_A,
	 .pkt = {SPEC_BASE, .proto = 47}, OK_TO_B, .note = PL_NOTE_NO_POLICY},
	{"802.1Q-tagged IPv4: to the stack untouched (NOT_IPV4)", FROM_A,
	 .pkt = {SPEC_BASE, .vlan_id = 100, .proto = 6, .sport = 1, .dport = 80}, NOT_V4},
	{"IPv6 from a global address no endpoint owns, no next header: INVALID_SIP 132", FROM_A,
	 .pkt = {PKT6(IP6_WORLD, IP6_B, 59)}, BAD(PL_DROP_INVALID_SIP)},
	{"IPv6 from :: to ::, no next header: link-scoped, to the stack", FROM_A,
	 .pkt = {PKT6(IP6_UNSPEC, IP6_UNSPEC, 59)}, TO_STACK, .note = PL_NOTE_IPV6_LINK_SCOPED},
	{"ARP: to the stack untouched (NOT_IPV4)", FROM_A,
	 .pkt = {.smac = DP_SMAC,
		 .dmac = DP_DMAC,
		 .eth_proto = 0x0806,
		 .payload = arp_body,
		 .payload_len = sizeof(arp_body)},
	 NOT_V4},
	{"Ethernet header only, EtherType ARP: NOT_IPV4", FROM_A,
	 .pkt = {.smac = DP_SMAC, .dmac = DP_DMAC, .eth_proto = 0x0806}, NOT_V4},
};

#define NET .prog = PL_PROG_FROM_NETWORK, .dev = DEV_UPLINK
#define OVL .prog = PL_PROG_FROM_OVERLAY, .dev = DEV_VXLAN, .mark = PL_MARK_IDENTITY_MAGIC | ID_C

static const struct dp_case other_prog_cases[] = {
	{"from_network: ihl 4: INVALID 134", NET, .pkt = TCP_AB, .mutate = ihl_4,
	 DROPPED(PL_OBS_FROM_NETWORK, PL_DROP_INVALID)},
	{"from_network: truncated TCP: CT_INVALID_HDR 135", NET, .pkt = TCP_AB, .mutate = cut_l4_4,
	 DROPPED(PL_OBS_FROM_NETWORK, PL_DROP_CT_INVALID_HDR)},
	{"from_network: fragment: FRAG_NOSUPPORT 157", NET,
	 .pkt = {SPEC_BASE, .proto = 17, .sport = 1, .dport = 53, .frag = 0x2000},
	 DROPPED(PL_OBS_FROM_NETWORK, PL_DROP_FRAG_NOSUPPORT)},
	{"from_network: VLAN: NOT_IPV4", NET,
	 .pkt = {SPEC_BASE, .vlan_id = 7, .proto = 17, .sport = 1, .dport = 53}, NOT_V4},
	{"from_network: tot_len beyond: INVALID 134", NET, .pkt = TCP_AB, .mutate = tot_len_plus_1,
	 DROPPED(PL_OBS_FROM_NETWORK, PL_DROP_INVALID)},
	{"from_overlay: ihl 0: INVALID 134", OVL, .pkt = TCP_AB, .mutate = ihl_0,
	 DROPPED(PL_OBS_FROM_OVERLAY, PL_DROP_INVALID)},
	{"from_overlay: truncated UDP: CT_INVALID_HDR 135", OVL, .pkt = UDP_AB, .mutate = cut_l4_7,
	 DROPPED(PL_OBS_FROM_OVERLAY, PL_DROP_CT_INVALID_HDR)},
	{"from_overlay: fragment: FRAG_NOSUPPORT 157", OVL,
	 .pkt = {SPEC_BASE, .proto = 17, .sport = 1, .dport = 53, .frag = 185},
	 DROPPED(PL_OBS_FROM_OVERLAY, PL_DROP_FRAG_NOSUPPORT)},
	{"from_overlay: IPv6 to a world address (no local pod): to the stack (NOT_LOCAL)", OVL,
	 .pkt = {PKT6(IP6_C, IP6_WORLD, 59)}, .src_id = ID_C, .dst_id = ID_CIDR, TO_STACK,
	 .note = PL_NOTE_NOT_LOCAL},
};

PL_TEST_PROBE(datapath, malformed_from_pod, pl_probe_bpf_netns)
{
	dp_run_table(PL_ROUTING_NATIVE, from_pod_cases, ARRAY_SIZE(from_pod_cases));
}

PL_TEST_PROBE(datapath, malformed_network_overlay, pl_probe_bpf_netns)
{
	dp_run_table(PL_ROUTING_NATIVE, other_prog_cases, ARRAY_SIZE(other_prog_cases));
}
