// SPDX-License-Identifier: GPL-2.0
/* xdp_prefilter: CIDR deny lists (IPv4, IPv6) at XDP, counted; the shared parser's short frames. */
#include <linux/bpf.h>

#include "test.h"
#include "dp_fixture.h"

static int cut_eth(uint8_t *p, int len)
{
	(void)p, (void)len;
	return 14;
}

static int cut_ip_19(uint8_t *p, int len)
{
	(void)p, (void)len;
	return 14 + 19;
}

static int ihl_4(uint8_t *p, int len)
{
	p[14] = 0x44;
	return len;
}

/* Drops the TCP header entirely but keeps tot_len: beyond the frame. */
static int cut_to_ip(uint8_t *p, int len)
{
	(void)p, (void)len;
	return 34;
}

#define XDP .prog = PL_PROG_XDP_PREFILTER, .dev = DEV_UPLINK
#define XDP_DROPPED(why)                                                                           \
	.retval = XDP_DROP, .obs = PL_OBS_FROM_NETWORK, .verdict = PL_VERDICT_DROPPED,             \
	.reason = (why)
#define XDP_PASSED .retval = XDP_PASS, .obs = PL_OBS_TO_STACK, .verdict = PL_VERDICT_FORWARDED

/* Denied: 203.0.113.0/24, 198.51.100.7/32 and 2001:db8:113::/48 (see the test). */
static const struct dp_case cases[] = {
	{"203.0.113.7 in the denied /24: XDP_DROP PREFILTER 240", XDP,
	 .pkt = PKT_TCP(IP_WORLD, IP_A, 5555, 80), XDP_DROPPED(PL_DROP_PREFILTER)},
	{"203.0.113.200 in the denied /24: XDP_DROP", XDP,
	 .pkt = PKT_UDP(IP4(203, 0, 113, 200), IP_B, 5555, 53), XDP_DROPPED(PL_DROP_PREFILTER)},
	{"198.51.100.7 denied /32: XDP_DROP", XDP, .pkt = PKT_UDP(IP_WORLD2, IP_B, 5555, 53),
	 XDP_DROPPED(PL_DROP_PREFILTER)},
	{"198.51.100.8 next to the /32: XDP_PASS", XDP,
	 .pkt = PKT_UDP(IP4(198, 51, 100, 8), IP_B, 5555, 53), XDP_PASSED},
	{"pod C -> A: XDP_PASS", XDP, .pkt = PKT_TCP(IP_C, IP_A, 40000, 80), XDP_PASSED},
	{"denied source, destination irrelevant (to this node): XDP_DROP", XDP,
	 .pkt = PKT_ECHO(IP_WORLD, IP_NODE1, 8, 1), XDP_DROPPED(PL_DROP_PREFILTER)},
	{"fragment from an allowed source: XDP_PASS (TC decides)", XDP,
	 .pkt = {.smac = DP_SMAC,
		 .dmac = DP_DMAC,
		 .saddr = IP_C,
		 .daddr = IP_A,
		 .proto = 17,
		 .frag = 0x2000},
	 XDP_PASSED},
	{"IPv6 2001:db8:113::7 in the denied /48 (prefilter6): XDP_DROP PREFILTER 240", XDP,
	 .pkt = {PKT6(IP6_WORLD, IP6_A, 17), .sport = 5555, .dport = 53},
	 XDP_DROPPED(PL_DROP_PREFILTER)},
	{"IPv6 2001:db8:113:5::7, deeper inside the /48: XDP_DROP", XDP,
	 .pkt = {PKT6(IP6_WORLD_EXCEPT, IP6_A, 6), .sport = 5555, .dport = 80, .tcp_flags = 2},
	 XDP_DROPPED(PL_DROP_PREFILTER)},
	{"IPv6 pod C -> A: XDP_PASS", XDP,
	 .pkt = {PKT6(IP6_C, IP6_A, 6), .sport = 40000, .dport = 80, .tcp_flags = 2}, XDP_PASSED},
	{"IPv6 :: -> ::, no next header: XDP_PASS", XDP, .pkt = {PKT6(IP6_UNSPEC, IP6_UNSPEC, 59)},
	 XDP_PASSED},
	{"IPv4 203.0.113.7 is not IPv6's 2001:db8:113::/48 nor the reverse: the /24 drops it", XDP,
	 .pkt = PKT_TCP(IP_WORLD, IP_B, 5555, 80), XDP_DROPPED(PL_DROP_PREFILTER)},
	{"VLAN-tagged IPv4 from a denied source: XDP_PASS (NOT_IPV4, not inspected)", XDP,
	 .pkt = {.smac = DP_SMAC,
		 .dmac = DP_DMAC,
		 .vlan_id = 5,
		 .saddr = IP_WORLD,
		 .daddr = IP_A,
		 .proto = 17},
	 XDP_PASSED, .note = PL_NOTE_NOT_IPV4},
	{"Ethernet header only, EtherType IPv4: XDP_DROP INVALID 134", XDP,
	 .pkt = PKT_TCP(IP_C, IP_A, 1, 80), .mutate = cut_eth, XDP_DROPPED(PL_DROP_INVALID)},
	{"IPv4 header cut at 19 bytes: XDP_DROP INVALID 134", XDP,
	 .pkt = PKT_TCP(IP_C, IP_A, 1, 80), .mutate = cut_ip_19, XDP_DROPPED(PL_DROP_INVALID)},
	{"ihl 4: XDP_DROP INVALID 134", XDP, .pkt = PKT_TCP(IP_C, IP_A, 1, 80), .mutate = ihl_4,
	 XDP_DROPPED(PL_DROP_INVALID)},
	{"tot_len beyond the frame: XDP_DROP INVALID 134", XDP, .pkt = PKT_TCP(IP_C, IP_A, 1, 80),
	 .mutate = cut_to_ip, XDP_DROPPED(PL_DROP_INVALID)},
};

PL_TEST_PROBE(datapath, xdp_prefilter, pl_probe_bpf_netns)
{
	struct pl_counter_key drop_key = {.verdict = PL_VERDICT_DROPPED,
					  .reason = PL_DROP_PREFILTER,
					  .dir = PL_DIR_INGRESS,
					  .prog = PL_PROG_XDP_PREFILTER};
	struct pl_counter_key pass_key = {.verdict = PL_VERDICT_FORWARDED,
					  .reason = PL_NOTE_NONE,
					  .dir = PL_DIR_INGRESS,
					  .prog = PL_PROG_XDP_PREFILTER};
	struct pl_counter_val drops, passes;
	static const uint8_t world6[16] = IP6_WORLD; /* 2001:db8:113::7: its /48 */
	uint64_t want_drops = 0, want_bytes = 0, want_passes = 0;
	uint8_t buf[256];
	struct dp_fx fx;
	size_t i;
	int len;

	if (!ASSERT_OK(dp_fx_setup(&fx, PL_ROUTING_NATIVE, true), "fixture"))
		return;
	if (!ASSERT_OK(pl_prefilter_add(fx.dp, IP4(203, 0, 113, 0), 24, 1), "prefilter /24") ||
	    !ASSERT_OK(pl_prefilter_add(fx.dp, IP_WORLD2, 32, 2), "prefilter /32") ||
	    !ASSERT_OK(pl_prefilter6_add(fx.dp, world6, 48, 3), "prefilter6 /48"))
		goto out;
	dp_run_cases(&fx, cases, ARRAY_SIZE(cases));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		len = pl_pkt_build(&cases[i].pkt, buf, sizeof(buf));
		if (cases[i].mutate)
			len = cases[i].mutate(buf, len);
		if (cases[i].reason == PL_DROP_PREFILTER) {
			want_drops++;
			want_bytes += len;
		} else if (cases[i].verdict == PL_VERDICT_FORWARDED && !cases[i].note) {
			want_passes++;
		}
	}
	pl_subtest("counters");
	if (ASSERT_OK(pl_counter_read(fx.dp, &drop_key, &drops), "read drop counter")) {
		ASSERT_EQ(drops.packets, want_drops, "PREFILTER drops counted");
		ASSERT_EQ(drops.bytes, want_bytes, "PREFILTER bytes counted");
	}
	if (ASSERT_OK(pl_counter_read(fx.dp, &pass_key, &passes), "read pass counter"))
		ASSERT_EQ(passes.packets, want_passes, "passes counted");
out:
	dp_fx_teardown(&fx);
}
