// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors (destination unreachable, time exceeded, parameter problem)
 * related to a tracked flow: they pass like replies (CT_RELATED) when the
 * packet they quote belongs to the flow and they go back to its sender;
 * otherwise they are policy-checked; a quote too short to tell is 135.
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
	uint8_t frame[128];
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
