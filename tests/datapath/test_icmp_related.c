// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors (destination unreachable, time exceeded, parameter problem)
 * related to a tracked flow: they pass like replies (CT_RELATED) when the
 * packet they quote belongs to the flow and they go back to its sender;
 * otherwise they are policy-checked; a quote too short to tell is 135.
 * ICMPv6's errors alike, with IPv6 quotes.
 */
#include <string.h>

#include "test.h"
#include "dp_fixture.h"

#define FROM_A	  .prog = PL_PROG_FROM_POD, .dev = DEV_POD_A
#define FROM_B	  .prog = PL_PROG_FROM_POD, .dev = DEV_POD_B
#define FROM_NET  .prog = PL_PROG_FROM_NETWORK, .dev = DEV_UPLINK
#define IDS_AB	  .src_id = ID_A, .dst_id = ID_B
#define IDS_BA	  .src_id = ID_B, .dst_id = ID_A
#define ENF_BOTH  .flags_a = ENF_OUT | ENF_IN, .flags_b = ENF_OUT | ENF_IN
#define UDP53_A_B .policy = {EGRESS_OF(EP_A, ID_B, 17, 53), INGRESS_OF(EP_B, ID_A, 17, 53)}
#define RELATED	  .note = PL_NOTE_CT_RELATED, .ct_related = true

#define QUOTE_LEN 28 /* IPv4 header + the 8 bytes of L4 RFC 792 asks for */

/* The packets the errors quote, as their sender sent them (IPv4 header on). */
static uint8_t q_udp_ab[QUOTE_LEN];	  /* A:40000 -> B:53, the tracked flow */
static uint8_t q_udp_ab_other[QUOTE_LEN]; /* A:40001 -> B:53, never sent */
static uint8_t q_udp_ba[QUOTE_LEN];	  /* B:53 -> A:40000, the flow's reply */
static uint8_t q_tcp_ac[QUOTE_LEN];	  /* A:40000 -> C:80, tracked */
static uint8_t q_tcp_ac_other[QUOTE_LEN]; /* A:40001 -> C:80, never sent */
static uint8_t q_echo_aw[QUOTE_LEN];	  /* echo request A -> 203.0.113.7 id 77, tracked */
static uint8_t q_opts_ab[QUOTE_LEN + 4];  /* A:40000 -> B:53 with 4 bytes of IP options */
static uint8_t q_ihl4[QUOTE_LEN], q_v6[QUOTE_LEN], q_frag[QUOTE_LEN];

#define PKT_ERR(s, d, type, code, q, qlen)                                                         \
	{                                                                                          \
		.smac = DP_SMAC, .dmac = DP_DMAC, .saddr = (s), .daddr = (d), .proto = 1,          \
		.icmp_type = (type), .icmp_code = (code), .payload = (q), .payload_len = (qlen),   \
		.ip_id = 0x1234                                                                    \
	}
#define UNREACH(s, d, q)  PKT_ERR(s, d, 3, 3, q, QUOTE_LEN) /* port unreachable */
#define TIME_EXC(s, d, q) PKT_ERR(s, d, 11, 0, q, QUOTE_LEN)

/* Copies the first len bytes after Ethernet of the packet spec describes into q. */
static int quote(uint8_t *q, size_t len, const struct pl_pkt_spec *spec)
{
	uint8_t frame[160];
	int n = pl_pkt_build(spec, frame, sizeof(frame));

	if (n < 14 + (int)len)
		return -1;
	memcpy(q, frame + 14, len);
	return 0;
}

static int make_quotes(void)
{
	struct pl_pkt_spec ab = PKT_UDP(IP_A, IP_B, 40000, 53);
	struct pl_pkt_spec ab_other = PKT_UDP(IP_A, IP_B, 40001, 53);
	struct pl_pkt_spec ba = PKT_UDP(IP_B, IP_A, 53, 40000);
	struct pl_pkt_spec ac = PKT_TCP(IP_A, IP_C, 40000, 80);
	struct pl_pkt_spec ac_other = PKT_TCP(IP_A, IP_C, 40001, 80);
	struct pl_pkt_spec echo = PKT_ECHO(IP_A, IP_WORLD, 8, 77);
	struct pl_pkt_spec opts = PKT_UDP(IP_A, IP_B, 40000, 53);
	int err;

	opts.ip_opt_len = 4;
	err = quote(q_udp_ab, QUOTE_LEN, &ab);
	err = err ?: quote(q_udp_ab_other, QUOTE_LEN, &ab_other);
	err = err ?: quote(q_udp_ba, QUOTE_LEN, &ba);
	err = err ?: quote(q_tcp_ac, QUOTE_LEN, &ac);
	err = err ?: quote(q_tcp_ac_other, QUOTE_LEN, &ac_other);
	err = err ?: quote(q_echo_aw, QUOTE_LEN, &echo);
	err = err ?: quote(q_opts_ab, sizeof(q_opts_ab), &opts);
	if (err)
		return err;
	memcpy(q_ihl4, q_udp_ab, QUOTE_LEN);
	q_ihl4[0] = 0x44;
	memcpy(q_v6, q_udp_ab, QUOTE_LEN);
	q_v6[0] = 0x65;
	memcpy(q_frag, q_udp_ab, QUOTE_LEN);
	q_frag[7] = 0x08; /* fragment offset 64 bytes */
	return 0;
}

/* Sequences: later rows keep the conntrack state earlier rows created. */
static const struct dp_case related_cases[] = {
	{"A:40000 -> B:53 udp allowed by A egress + B ingress: tracked", FROM_A,
	 .pkt = PKT_UDP(IP_A, IP_B, 40000, 53), ENF_BOTH, UDP53_A_B, IDS_AB,
	 DELIVERED(DEV_POD_B, RW_TO_B), .note = PL_NOTE_POLICY_ALLOW},
	{"B's port unreachable quoting A:40000->B:53 passes B egress + A ingress", FROM_B,
	 .pkt = UNREACH(IP_B, IP_A, q_udp_ab), ENF_BOTH, UDP53_A_B, .keep_ct = true, IDS_BA,
	 DELIVERED(DEV_POD_A, RW_TO_A), RELATED},
	{"B's port unreachable quoting untracked A:40001->B:53: policy-checked, 133", FROM_B,
	 .pkt = UNREACH(IP_B, IP_A, q_udp_ab_other), ENF_BOTH, UDP53_A_B, .keep_ct = true, IDS_BA,
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENIED)},
	{"port unreachable quoting the tracked flow but sent to 203.0.113.7, not A: 133", FROM_B,
	 .pkt = UNREACH(IP_B, IP_WORLD, q_udp_ab), ENF_BOTH, UDP53_A_B, .keep_ct = true,
	 .src_id = ID_B, .dst_id = ID_CIDR, DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENIED)},
	{"A's port unreachable quoting B's reply B:53->A:40000 passes A egress + B ingress", FROM_A,
	 .pkt = UNREACH(IP_A, IP_B, q_udp_ba), ENF_BOTH, UDP53_A_B, .keep_ct = true, IDS_AB,
	 DELIVERED(DEV_POD_B, RW_TO_B), RELATED},
	{"parameter problem (12) quoting the tracked flow passes", FROM_B,
	 .pkt = PKT_ERR(IP_B, IP_A, 12, 0, q_udp_ab, QUOTE_LEN), ENF_BOTH, UDP53_A_B,
	 .keep_ct = true, IDS_BA, DELIVERED(DEV_POD_A, RW_TO_A), RELATED},
	{"quoted packet with IP options (ihl 6): ports found after them, passes", FROM_B,
	 .pkt = PKT_ERR(IP_B, IP_A, 3, 3, q_opts_ab, sizeof(q_opts_ab)), ENF_BOTH, UDP53_A_B,
	 .keep_ct = true, IDS_BA, DELIVERED(DEV_POD_A, RW_TO_A), RELATED},
	{"A:40000 -> C:80 tcp allowed by A egress: tracked, routed", FROM_A,
	 .pkt = PKT_TCP(IP_A, IP_C, 40000, 80), .flags_a = ENF_OUT | ENF_IN,
	 .policy = {EGRESS_OF(EP_A, ID_C, 6, 80)}, .keep_ct = true, .src_id = ID_A, .dst_id = ID_C,
	 .retval = TC_ACT_REDIRECT, .obs = PL_OBS_TO_NETWORK, .verdict = PL_VERDICT_REDIRECTED,
	 .redirect = PL_REDIR_FIB, .target = DEV_UPLINK, .note = PL_NOTE_POLICY_ALLOW,
	 .check_fib = true, .fib_rc = 0, .rewrite = RW_FIB},
	{"time exceeded from a router quoting A:40000->C:80 passes A ingress", FROM_NET,
	 .pkt = TIME_EXC(IP_NODE2, IP_A, q_tcp_ac), .flags_a = ENF_OUT | ENF_IN, .keep_ct = true,
	 .src_id = PL_ID_REMOTE_NODE, .dst_id = ID_A, DELIVERED(DEV_POD_A, RW_TO_A), RELATED},
	{"fragmentation needed (3/4) from C quoting A:40000->C:80 passes A ingress", FROM_NET,
	 .pkt = PKT_ERR(IP_C, IP_A, 3, 4, q_tcp_ac, QUOTE_LEN), .flags_a = ENF_OUT | ENF_IN,
	 .keep_ct = true, .src_id = ID_C, .dst_id = ID_A, DELIVERED(DEV_POD_A, RW_TO_A), RELATED},
	{"time exceeded quoting untracked A:40001->C:80: policy-checked, 133", FROM_NET,
	 .pkt = TIME_EXC(IP_NODE2, IP_A, q_tcp_ac_other), .flags_a = ENF_OUT | ENF_IN,
	 .keep_ct = true, .src_id = PL_ID_REMOTE_NODE, .dst_id = ID_A,
	 DROPPED(PL_OBS_FROM_NETWORK, PL_DROP_POLICY_DENIED)},
	{"echo request A -> 203.0.113.7 id 77 allowed: tracked", FROM_A,
	 .pkt = PKT_ECHO(IP_A, IP_WORLD, 8, 77), .flags_a = ENF_OUT | ENF_IN,
	 .policy = {EGRESS_OF(EP_A, ID_CIDR, 1, 0)}, .keep_ct = true, .src_id = ID_A,
	 .dst_id = ID_CIDR, TO_STACK, .note = PL_NOTE_POLICY_ALLOW},
	{"time exceeded quoting the echo request id 77 passes A ingress", FROM_NET,
	 .pkt = TIME_EXC(IP_NODE2, IP_A, q_echo_aw), .flags_a = ENF_OUT | ENF_IN, .keep_ct = true,
	 .src_id = PL_ID_REMOTE_NODE, .dst_id = ID_A, DELIVERED(DEV_POD_A, RW_TO_A), RELATED},
	{"flushed conntrack: the same port unreachable is policy-checked, 133", FROM_B,
	 .pkt = UNREACH(IP_B, IP_A, q_udp_ab), ENF_BOTH, UDP53_A_B, IDS_BA,
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENIED)},
	{"untracked, nothing selects A or B: delivered (NO_POLICY)", FROM_B,
	 .pkt = UNREACH(IP_B, IP_A, q_udp_ab_other), IDS_BA, DELIVERED(DEV_POD_A, RW_TO_A),
	 .note = PL_NOTE_NO_POLICY},
	{"an unrelated error is not tracked: the one back is policy-checked, 133", FROM_A,
	 .pkt = UNREACH(IP_A, IP_B, q_udp_ba), .flags_a = ENF_OUT, .keep_ct = true, IDS_AB,
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENIED)},
};

/* Outer ICMP total length cut by 4: the quote's last UDP bytes are trailing padding. */
static int cut_quote_by_tot_len(uint8_t *p, int len)
{
	int tot = (p[16] << 8 | p[17]) - 4;
	uint16_t c;

	p[16] = tot >> 8;
	p[17] = tot & 0xff;
	p[24] = p[25] = 0;
	c = pl_csum_ipv4_header(p + 14, 20);
	p[24] = c >> 8;
	p[25] = c & 0xff;
	return len;
}

#define INVALID_QUOTE(why) .src_id = 0, .dst_id = 0, DROPPED(PL_OBS_FROM_ENDPOINT, (why))

static const struct dp_case truncated_cases[] = {
	{"quote of 12 bytes (half an IPv4 header): CT_INVALID_HDR 135", FROM_B,
	 .pkt = PKT_ERR(IP_B, IP_A, 3, 3, q_udp_ab, 12), INVALID_QUOTE(PL_DROP_CT_INVALID_HDR)},
	{"quote of the IPv4 header only, no L4 bytes: 135", FROM_B,
	 .pkt = PKT_ERR(IP_B, IP_A, 3, 3, q_udp_ab, 20), INVALID_QUOTE(PL_DROP_CT_INVALID_HDR)},
	{"quote with 4 of the 8 L4 bytes: 135", FROM_B,
	 .pkt = PKT_ERR(IP_B, IP_A, 11, 0, q_udp_ab, 24), INVALID_QUOTE(PL_DROP_CT_INVALID_HDR)},
	{"quote complete in the frame but cut by the outer total length: 135", FROM_B,
	 .pkt = UNREACH(IP_B, IP_A, q_udp_ab), .mutate = cut_quote_by_tot_len,
	 INVALID_QUOTE(PL_DROP_CT_INVALID_HDR)},
	{"quote with 4 bytes of options but only 28 bytes: 135", FROM_B,
	 .pkt = PKT_ERR(IP_B, IP_A, 3, 3, q_opts_ab, QUOTE_LEN),
	 INVALID_QUOTE(PL_DROP_CT_INVALID_HDR)},
	{"quoted header with ihl 4: 135", FROM_B, .pkt = UNREACH(IP_B, IP_A, q_ihl4),
	 INVALID_QUOTE(PL_DROP_CT_INVALID_HDR)},
	{"quoted header of version 6: 135", FROM_B, .pkt = UNREACH(IP_B, IP_A, q_v6),
	 INVALID_QUOTE(PL_DROP_CT_INVALID_HDR)},
	{"quoted non-first fragment (no L4 header in it): 135", FROM_B,
	 .pkt = UNREACH(IP_B, IP_A, q_frag), INVALID_QUOTE(PL_DROP_CT_INVALID_HDR)},
	{"from the network, 20-byte quote: 135 at FROM_NETWORK", FROM_NET,
	 .pkt = PKT_ERR(IP_NODE2, IP_A, 11, 0, q_tcp_ac, 20), .src_id = 0, .dst_id = 0,
	 DROPPED(PL_OBS_FROM_NETWORK, PL_DROP_CT_INVALID_HDR)},
	{"xdp_prefilter does not parse L4: a 20-byte quote passes", .prog = PL_PROG_XDP_PREFILTER,
	 .dev = DEV_UPLINK, .pkt = PKT_ERR(IP_NODE2, IP_A, 11, 0, q_tcp_ac, 20),
	 .retval = 2 /* XDP_PASS */, .obs = PL_OBS_TO_STACK, .verdict = PL_VERDICT_FORWARDED},
};

/*
 * ICMPv6 (RFC 4443): destination unreachable (1), time exceeded (3) and
 * parameter problem (4) quote the packet's IPv6 header and what follows; the
 * same flows as above, with the pods' IPv6 addresses. Packet Too Big (2)
 * passes policy whether related or not (tests/datapath/test_ipv6.c).
 */
#define QUOTE6_LEN 48 /* IPv6 header + 8 bytes of L4 */
#define IP6_WORLD2    /* 2001:db8:100::7, a router with no ipcache6 entry: WORLD */                \
	{                                                                                          \
		0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7                   \
	}

static uint8_t q6_udp_ab[QUOTE6_LEN], q6_udp_ab_other[QUOTE6_LEN], q6_udp_ba[QUOTE6_LEN];
static uint8_t q6_tcp_ac[QUOTE6_LEN], q6_tcp_ac_other[QUOTE6_LEN], q6_echo_aw[QUOTE6_LEN];
static uint8_t q6_frag_ab[QUOTE6_LEN]; /* A -> B udp behind a fragment header */
static uint8_t q6_v4[QUOTE6_LEN];      /* q6_udp_ab with version 4 */

/* Spelled out: IPv6 address initializers hold commas, no macro can pass them on. */
#define PKT6_ERR(s, d, type, code, q, qlen)                                                        \
	{                                                                                          \
		.smac = DP_SMAC, .dmac = DP_DMAC, .family = AF_INET6, .saddr6 = s, .daddr6 = d,    \
		.proto = 58, .icmp_type = (type), .icmp_code = (code), .payload = (q),             \
		.payload_len = (qlen)                                                              \
	}
#define UNREACH6(s, d, q) /* port unreachable */                                                   \
	{                                                                                          \
		.smac = DP_SMAC, .dmac = DP_DMAC, .family = AF_INET6, .saddr6 = s, .daddr6 = d,    \
		.proto = 58, .icmp_type = 1, .icmp_code = 4, .payload = (q),                       \
		.payload_len = QUOTE6_LEN                                                          \
	}
#define TIME_EXC6(s, d, q)                                                                         \
	{                                                                                          \
		.smac = DP_SMAC, .dmac = DP_DMAC, .family = AF_INET6, .saddr6 = s, .daddr6 = d,    \
		.proto = 58, .icmp_type = 3, .payload = (q), .payload_len = QUOTE6_LEN             \
	}
#define UDP6(s, d, sp, dpt)                                                                        \
	{                                                                                          \
		.smac = DP_SMAC, .dmac = DP_DMAC, .family = AF_INET6, .saddr6 = s, .daddr6 = d,    \
		.proto = 17, .sport = (sp), .dport = (dpt)                                         \
	}
#define TCP6(s, d, sp, dpt)                                                                        \
	{                                                                                          \
		.smac = DP_SMAC, .dmac = DP_DMAC, .family = AF_INET6, .saddr6 = s, .daddr6 = d,    \
		.proto = 6, .sport = (sp), .dport = (dpt), .tcp_flags = 0x02                       \
	}
#define UDP53_A_B_6 .policy = {EGRESS_OF(EP_A, ID_B, 17, 53), INGRESS_OF(EP_B, ID_A, 17, 53)}

static int make_quotes6(void)
{
	struct pl_pkt_spec ab = UDP6(IP6_A, IP6_B, 40000, 53);
	struct pl_pkt_spec ab_other = UDP6(IP6_A, IP6_B, 40001, 53);
	struct pl_pkt_spec ba = UDP6(IP6_B, IP6_A, 53, 40000);
	struct pl_pkt_spec ac = TCP6(IP6_A, IP6_C, 40000, 80);
	struct pl_pkt_spec ac_other = TCP6(IP6_A, IP6_C, 40001, 80);
	struct pl_pkt_spec echo = {PKT6(IP6_A, IP6_WORLD, 58), .icmp_type = 128, .sport = 77};
	struct pl_pkt_spec frag = {PKT6(IP6_A, IP6_B, 17), .sport = 40000, .dport = 53, .ext = {44},
				   .ext_count = 1};
	int err;

	err = quote(q6_udp_ab, QUOTE6_LEN, &ab);
	err = err ?: quote(q6_udp_ab_other, QUOTE6_LEN, &ab_other);
	err = err ?: quote(q6_udp_ba, QUOTE6_LEN, &ba);
	err = err ?: quote(q6_tcp_ac, QUOTE6_LEN, &ac);
	err = err ?: quote(q6_tcp_ac_other, QUOTE6_LEN, &ac_other);
	err = err ?: quote(q6_echo_aw, QUOTE6_LEN, &echo);
	err = err ?: quote(q6_frag_ab, QUOTE6_LEN, &frag);
	if (err)
		return err;
	memcpy(q6_v4, q6_udp_ab, QUOTE6_LEN);
	q6_v4[0] = 0x45;
	return 0;
}

static const struct dp_case related6_cases[] = {
	{"A:40000 -> B:53 udp allowed by A egress + B ingress: tracked", FROM_A,
	 .pkt = UDP6(IP6_A, IP6_B, 40000, 53), ENF_BOTH, UDP53_A_B_6, IDS_AB,
	 DELIVERED(DEV_POD_B, RW_TO_B), .note = PL_NOTE_POLICY_ALLOW},
	{"B's port unreachable quoting A:40000->B:53 passes B egress + A ingress", FROM_B,
	 .pkt = UNREACH6(IP6_B, IP6_A, q6_udp_ab), ENF_BOTH, UDP53_A_B_6, .keep_ct = true, IDS_BA,
	 DELIVERED(DEV_POD_A, RW_TO_A), RELATED},
	{"B's port unreachable quoting untracked A:40001->B:53: policy-checked, 133", FROM_B,
	 .pkt = UNREACH6(IP6_B, IP6_A, q6_udp_ab_other), ENF_BOTH, UDP53_A_B_6, .keep_ct = true,
	 IDS_BA, DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENIED)},
	{"port unreachable quoting the tracked flow but sent to 2001:db8:113::7, not A: 133",
	 FROM_B, .pkt = UNREACH6(IP6_B, IP6_WORLD, q6_udp_ab), ENF_BOTH, UDP53_A_B_6,
	 .keep_ct = true, .src_id = ID_B, .dst_id = ID_CIDR,
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENIED)},
	{"A's port unreachable quoting B's reply B:53->A:40000 passes A egress + B ingress", FROM_A,
	 .pkt = UNREACH6(IP6_A, IP6_B, q6_udp_ba), ENF_BOTH, UDP53_A_B_6, .keep_ct = true, IDS_AB,
	 DELIVERED(DEV_POD_B, RW_TO_B), RELATED},
	{"parameter problem (4) quoting the tracked flow passes", FROM_B,
	 .pkt = PKT6_ERR(IP6_B, IP6_A, 4, 0, q6_udp_ab, QUOTE6_LEN), ENF_BOTH, UDP53_A_B_6,
	 .keep_ct = true, IDS_BA, DELIVERED(DEV_POD_A, RW_TO_A), RELATED},
	{"a quote behind a fragment header is keyed by it, no flow's: 133", FROM_B,
	 .pkt = UNREACH6(IP6_B, IP6_A, q6_frag_ab), ENF_BOTH, UDP53_A_B_6, .keep_ct = true, IDS_BA,
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENIED)},
	{"A:40000 -> C:80 tcp allowed by A egress: tracked, routed", FROM_A,
	 .pkt = TCP6(IP6_A, IP6_C, 40000, 80), .flags_a = ENF_OUT | ENF_IN,
	 .policy = {EGRESS_OF(EP_A, ID_C, 6, 80)}, .keep_ct = true, .src_id = ID_A, .dst_id = ID_C,
	 .retval = TC_ACT_REDIRECT, .obs = PL_OBS_TO_NETWORK, .verdict = PL_VERDICT_REDIRECTED,
	 .redirect = PL_REDIR_FIB, .target = DEV_UPLINK, .note = PL_NOTE_POLICY_ALLOW,
	 .check_fib = true, .fib_rc = 0, .rewrite = RW_FIB},
	{"time exceeded from a router at 2001:db8:100::7 quoting A:40000->C:80 passes A ingress",
	 FROM_NET, .pkt = TIME_EXC6(IP6_WORLD2, IP6_A, q6_tcp_ac), .flags_a = ENF_OUT | ENF_IN,
	 .keep_ct = true, .src_id = PL_ID_WORLD, .dst_id = ID_A, DELIVERED(DEV_POD_A, RW_TO_A),
	 RELATED},
	{"time exceeded quoting untracked A:40001->C:80: policy-checked, 133", FROM_NET,
	 .pkt = TIME_EXC6(IP6_WORLD2, IP6_A, q6_tcp_ac_other), .flags_a = ENF_OUT | ENF_IN,
	 .keep_ct = true, .src_id = PL_ID_WORLD, .dst_id = ID_A,
	 DROPPED(PL_OBS_FROM_NETWORK, PL_DROP_POLICY_DENIED)},
	{"echo request A -> 2001:db8:113::7 id 77 allowed: tracked", FROM_A,
	 .pkt = {PKT6(IP6_A, IP6_WORLD, 58), .icmp_type = 128, .sport = 77, .icmp_seq = 1},
	 .flags_a = ENF_OUT | ENF_IN, .policy = {EGRESS_OF(EP_A, ID_CIDR, 58, 0)}, .keep_ct = true,
	 .src_id = ID_A, .dst_id = ID_CIDR, TO_STACK, .note = PL_NOTE_POLICY_ALLOW},
	{"time exceeded quoting the echo request id 77 passes A ingress", FROM_NET,
	 .pkt = TIME_EXC6(IP6_WORLD2, IP6_A, q6_echo_aw), .flags_a = ENF_OUT | ENF_IN,
	 .keep_ct = true, .src_id = PL_ID_WORLD, .dst_id = ID_A, DELIVERED(DEV_POD_A, RW_TO_A),
	 RELATED},
	{"flushed conntrack: the same port unreachable is policy-checked, 133", FROM_B,
	 .pkt = UNREACH6(IP6_B, IP6_A, q6_udp_ab), ENF_BOTH, UDP53_A_B_6, IDS_BA,
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENIED)},
	{"untracked, nothing selects A or B: delivered (NO_POLICY)", FROM_B,
	 .pkt = UNREACH6(IP6_B, IP6_A, q6_udp_ab_other), IDS_BA, DELIVERED(DEV_POD_A, RW_TO_A),
	 .note = PL_NOTE_NO_POLICY},
	{"an unrelated error is not tracked: the one back is policy-checked, 133", FROM_A,
	 .pkt = UNREACH6(IP6_A, IP6_B, q6_udp_ba), .flags_a = ENF_OUT, .keep_ct = true, IDS_AB,
	 DROPPED(PL_OBS_FROM_ENDPOINT, PL_DROP_POLICY_DENIED)},
};

/* Payload length cut by 4: the quote's last UDP bytes are trailing bytes of the frame. */
static int cut_quote_by_plen(uint8_t *p, int len)
{
	int plen = (p[18] << 8 | p[19]) - 4;

	p[18] = plen >> 8;
	p[19] = plen & 0xff;
	return len;
}

static const struct dp_case truncated6_cases[] = {
	{"quote of 20 bytes (half an IPv6 header): CT_INVALID_HDR 135", FROM_B,
	 .pkt = PKT6_ERR(IP6_B, IP6_A, 1, 4, q6_udp_ab, 20), INVALID_QUOTE(PL_DROP_CT_INVALID_HDR)},
	{"quote of the IPv6 header only, no L4 bytes: 135", FROM_B,
	 .pkt = PKT6_ERR(IP6_B, IP6_A, 1, 4, q6_udp_ab, 40), INVALID_QUOTE(PL_DROP_CT_INVALID_HDR)},
	{"quote with 4 of the 8 L4 bytes: 135", FROM_B,
	 .pkt = PKT6_ERR(IP6_B, IP6_A, 3, 0, q6_udp_ab, 44), INVALID_QUOTE(PL_DROP_CT_INVALID_HDR)},
	{"quote complete in the frame but cut by the payload length: 135", FROM_B,
	 .pkt = UNREACH6(IP6_B, IP6_A, q6_udp_ab), .mutate = cut_quote_by_plen,
	 INVALID_QUOTE(PL_DROP_CT_INVALID_HDR)},
	{"quoted header of version 4: 135", FROM_B, .pkt = UNREACH6(IP6_B, IP6_A, q6_v4),
	 INVALID_QUOTE(PL_DROP_CT_INVALID_HDR)},
	{"from the network, 40-byte quote: 135 at FROM_NETWORK", FROM_NET,
	 .pkt = PKT6_ERR(IP6_WORLD2, IP6_A, 3, 0, q6_tcp_ac, 40), .src_id = 0, .dst_id = 0,
	 DROPPED(PL_OBS_FROM_NETWORK, PL_DROP_CT_INVALID_HDR)},
};

static void run_table(const struct dp_case *cases, size_t n)
{
	if (ASSERT_OK(make_quotes(), "quoted packets"))
		dp_run_table(PL_ROUTING_NATIVE, cases, n);
}

PL_TEST_PROBE(datapath, icmp_related, pl_probe_bpf_netns)
{
	run_table(related_cases, ARRAY_SIZE(related_cases));
}

PL_TEST_PROBE(datapath, icmp_related_truncated, pl_probe_bpf_netns)
{
	run_table(truncated_cases, ARRAY_SIZE(truncated_cases));
}

PL_TEST_PROBE(datapath, icmp6_related, pl_probe_bpf_netns)
{
	if (!ASSERT_OK(make_quotes6(), "quoted IPv6 packets"))
		return;
	dp_run_table(PL_ROUTING_NATIVE, related6_cases, ARRAY_SIZE(related6_cases));
	dp_run_table(PL_ROUTING_NATIVE, truncated6_cases, ARRAY_SIZE(truncated6_cases));
}
