// SPDX-License-Identifier: GPL-2.0
/*
 * routing ipip: from_pod pushes an outer IPv4 header (protocol 4, node IP ->
 * the owning node's IP) and sends the frame out of the uplink; from_network
 * strips it for IP-in-IP to this node before policy and delivery. Every case
 * asserts the output bytes: the outer header field by field and checksum, the
 * inner packet unchanged.
 */
#include <arpa/inet.h>
#include <string.h>
#include <netinet/in.h>

#include "test.h"
#include "dp_fixture.h"

/* A TCP SYN from pod A to ip, built with the packet model. */
static int frame_from_a(uint32_t daddr, const uint8_t *payload, size_t plen, uint8_t *buf,
			size_t cap)
{
	struct pl_pkt_spec s = PKT_TCP(IP_A, daddr, 40000, 80);

	s.tos = 0x10;
	s.payload = payload;
	s.payload_len = plen;
	return pl_pkt_build(&s, buf, cap);
}

/* Runs prog at dev on pkt; the result and the output's length (or -1). */
static int run(struct dp_fx *fx, enum pl_prog prog, enum dp_dev dev, const uint8_t *pkt, int len,
	       uint8_t *out, size_t cap, struct pl_run_result *r)
{
	struct pl_run_ctx ctx = {.ifindex = fx->ifindex[dev]};

	memset(out, 0, cap);
	if (!ASSERT_OK(pl_datapath_test_run(fx->dp, prog, pkt, len, &ctx, out, cap, r), "test_run"))
		return -1;
	return (int)r->data_out_len;
}

/* The outer header the datapath must write before an inner IPv4 packet of inner_len bytes. */
static void outer_header(uint8_t *h, uint32_t dst, size_t inner_len, uint8_t tos)
{
	uint32_t src = IP_NODE1;
	uint16_t csum;

	memset(h, 0, 20);
	h[0] = 0x45;
	h[1] = tos;
	h[2] = (inner_len + 20) >> 8;
	h[3] = (inner_len + 20) & 0xff;
	h[6] = 0x40; /* DF, offset 0; id 0 */
	h[8] = 64;
	h[9] = 4; /* IPPROTO_IPIP */
	memcpy(h + 12, &src, 4);
	memcpy(h + 16, &dst, 4);
	csum = pl_csum_ipv4_header(h, 20);
	h[10] = csum >> 8;
	h[11] = csum & 0xff;
}

/* out is in (an Ethernet/IPv4 frame) behind dmac/smac and the outer header to dst. */
static void assert_encapsulated(const uint8_t *out, int out_len, const uint8_t *in, int len,
				uint32_t dst, const uint8_t *dmac, const uint8_t *smac)
{
	struct pl_pkt_info info, inner;
	uint8_t hdr[20];

	if (!ASSERT_EQ(out_len, len + 20, "output: 20 bytes longer (the outer IPv4 header)"))
		return;
	ASSERT_MEMEQ(out, dmac, 6, "dmac");
	ASSERT_MEMEQ(out + 6, smac, 6, "smac");
	ASSERT_EQ(out[12] << 8 | out[13], 0x0800, "EtherType IPv4");
	outer_header(hdr, dst, len - 14, in[15]);
	ASSERT_MEMEQ(out + 14, hdr, 20,
		     "outer header: 0x45, tos, total length, DF, ttl 64, proto 4, "
		     "checksum, node1 -> peer");
	ASSERT_EQ(pl_csum_ipv4_header(out + 14, 20), 0, "outer checksum verifies");
	ASSERT_MEMEQ(out + 34, in + 14, len - 14, "inner packet unchanged");
	/* The packet model reads it back as IP-in-IP with the pod addresses inside. */
	if (ASSERT_OK(pl_pkt_parse(out, out_len, &info), "parse output") &&
	    ASSERT_TRUE(info.ipip, "decoded as ipip")) {
		ASSERT_EQ(info.proto, 4, "outer proto");
		ASSERT_EQ(info.daddr, dst, "outer daddr");
		pl_pkt_parse_ip(out + info.ipip_off, out_len - info.ipip_off, &inner);
		ASSERT_EQ(inner.saddr, IP_A, "inner saddr");
		ASSERT_EQ(inner.dport, 80, "inner dport");
	}
}

static void assert_event(const struct pl_run_result *r, uint8_t obs, uint8_t verdict,
			 uint8_t reason, uint8_t note, uint8_t redirect, uint32_t tunnel)
{
	if (!ASSERT_TRUE(r->has_event, "one event"))
		return;
	ASSERT_EQ(r->event.obs_point, obs, "event obs point");
	ASSERT_EQ(r->event.verdict, verdict, "event verdict");
	ASSERT_EQ(r->event.drop_reason, reason, "event drop reason");
	ASSERT_EQ(r->event.note, note, "event note");
	ASSERT_EQ(r->event.redirect, redirect, "event redirect kind");
	ASSERT_EQ(r->event.tunnel_remote, tunnel, "event tunnel remote");
}

static bool setup(struct dp_fx *fx, bool cross_subnet)
{
	struct pl_datapath_opts opts = {.routing = PL_ROUTING_IPIP,
					.events = true,
					.ipv6 = true,
					.ipip_cross_subnet = cross_subnet};

	if (!ASSERT_OK(dp_fx_setup(fx, PL_ROUTING_IPIP, true), "fixture"))
		return false;
	if (!cross_subnet)
		return true;
	/* The fixture loads without the knob: the same node again with CrossSubnet on. */
	pl_datapath_destroy(fx->dp);
	fx->dp = NULL;
	opts.node_ip = IP_NODE1;
	opts.vxlan_ifindex = fx->ifindex[DEV_VXLAN];
	opts.uplink_ifindex = fx->ifindex[DEV_UPLINK];
	if (!ASSERT_OK(pl_datapath_load(&opts, &fx->dp), "load with ipip_cross_subnet") ||
	    !ASSERT_OK(dp_fx_reset(fx, 0, 0), "maps")) {
		dp_fx_teardown(fx);
		return false;
	}
	return true;
}

/* One from_pod case: a SYN from A, what it must do, the outer header it must get (or none). */
struct encap_case {
	const char *desc;
	uint32_t daddr;
	size_t payload; /* bytes of TCP payload */
	int retval;
	uint8_t obs, verdict, reason, note, redirect;
	uint32_t outer_dst; /* 0: no outer header, the output as long as the input */
	const uint8_t *dmac, *smac;
	int fib_rc; /* -1: not asserted */
};

static const struct encap_case encap_cases[] = {
	{"A -> remote C: outer node1 -> node2, MACs from fib, out of the uplink", IP_C, 0,
	 TC_ACT_REDIRECT, PL_OBS_TO_NETWORK, PL_VERDICT_REDIRECTED, 0, PL_NOTE_NO_POLICY,
	 PL_REDIR_IPIP, IP_NODE2, MAC_NODE2, MAC_UPLINK, 0},
	{"A -> C with 1000 bytes of payload: total length and checksum follow", IP_C, 1000,
	 TC_ACT_REDIRECT, PL_OBS_TO_NETWORK, PL_VERDICT_REDIRECTED, 0, PL_NOTE_NO_POLICY,
	 PL_REDIR_IPIP, IP_NODE2, MAC_NODE2, MAC_UPLINK, 0},
	{"A -> D, node3 has no neighbour: bpf_redirect_neigh, MACs left to the kernel", IP_D, 0,
	 TC_ACT_REDIRECT, PL_OBS_TO_NETWORK, PL_VERDICT_REDIRECTED, 0, PL_NOTE_NEIGH_RESOLVE,
	 PL_REDIR_IPIP, IP_NODE3, MAC_ANY_DST, MAC_ANY_SRC, 7},
	{"A -> E, its node 192.168.60.9 has no route: NO_FIB, nothing pushed", IP_E, 0, TC_ACT_SHOT,
	 PL_OBS_FROM_ENDPOINT, PL_VERDICT_DROPPED, PL_DROP_NO_FIB, 0, 0, 0, NULL, NULL, -1},
	{"A -> F, a pod identity with no tunnel endpoint: NO_TUNNEL_ENDPOINT", IP_F, 0, TC_ACT_SHOT,
	 PL_OBS_FROM_ENDPOINT, PL_VERDICT_DROPPED, PL_DROP_NO_TUNNEL_ENDPOINT, 0, 0, 0, NULL, NULL,
	 -1},
	{"A -> C, 1500-byte inner packet: 1520 would not fit the uplink (FRAG_NOSUPPORT)", IP_C,
	 1500 - 40, TC_ACT_SHOT, PL_OBS_FROM_ENDPOINT, PL_VERDICT_DROPPED, PL_DROP_FRAG_NOSUPPORT,
	 0, 0, 0, NULL, NULL, -1},
	{"A -> local B: delivered bare, no outer header", IP_B, 0, TC_ACT_REDIRECT,
	 PL_OBS_TO_ENDPOINT, PL_VERDICT_REDIRECTED, 0, PL_NOTE_NO_POLICY, PL_REDIR_PEER, 0, NULL,
	 NULL, -1},
};

PL_TEST_PROBE(datapath, ipip_encapsulates_to_the_owning_node, pl_probe_bpf_netns)
{
	static uint8_t in[2048], out[2048];
	static const uint8_t payload[1500 - 40] = {1};
	struct pl_run_result r;
	struct dp_fx fx;
	size_t i;
	int len, n;

	if (!setup(&fx, false))
		return;
	for (i = 0; i < sizeof(encap_cases) / sizeof(encap_cases[0]); i++) {
		const struct encap_case *c = &encap_cases[i];

		pl_subtest("%s", c->desc);
		len = frame_from_a(c->daddr, c->payload ? payload : NULL, c->payload, in,
				   sizeof(in));
		n = run(&fx, PL_PROG_FROM_POD, DEV_POD_A, in, len, out, sizeof(out), &r);
		ASSERT_EQ(r.retval, c->retval, "retval");
		assert_event(&r, c->obs, c->verdict, c->reason, c->note, c->redirect, c->outer_dst);
		if (c->fib_rc >= 0)
			ASSERT_EQ(r.event.fib_rc, c->fib_rc, "fib lookup result");
		if (c->outer_dst && n > 0)
			assert_encapsulated(out, n, in, len, c->outer_dst, c->dmac, c->smac);
		else if (c->outer_dst == 0)
			ASSERT_EQ(n, len, "no outer header: output as long as the input");
		if (i == 0) {
			ASSERT_EQ(r.event.target_ifindex, fx.ifindex[DEV_UPLINK],
				  "redirected to the uplink");
			ASSERT_EQ(r.event.src_identity, ID_A, "src identity");
			ASSERT_EQ(r.event.dst_identity, ID_C, "dst identity");
		}
	}

	pl_subtest("IPv6 A -> C: routed natively (Calico's IPIP is IPv4 only)");
	{
		struct pl_pkt_spec s6 = PKT_TCP(IP_A, IP_C, 40000, 80);

		s6.family = AF_INET6;
		dp_v6_of(IP_A, s6.saddr6);
		dp_v6_of(IP_C, s6.daddr6);

		len = pl_pkt_build(&s6, in, sizeof(in));
		n = run(&fx, PL_PROG_FROM_POD, DEV_POD_A, in, len, out, sizeof(out), &r);
		ASSERT_EQ(r.retval, TC_ACT_REDIRECT, "retval");
		assert_event(&r, PL_OBS_TO_NETWORK, PL_VERDICT_REDIRECTED, 0, PL_NOTE_NO_POLICY,
			     PL_REDIR_FIB, 0);
		ASSERT_EQ(n, len, "no outer header");
	}
	dp_fx_teardown(&fx);
}

/* IP-in-IP from sender to this node carrying a TCP SYN from pod C to daddr. */
static int ipip_frame(uint32_t sender, uint32_t outer_dst, uint32_t daddr, uint8_t *buf, size_t cap)
{
	struct pl_pkt_spec inner = PKT_TCP(IP_C, daddr, 40000, 80);
	struct pl_pkt_spec outer = {
		.smac = DP_SMAC, .dmac = DP_DMAC, .saddr = sender, .daddr = outer_dst};
	uint8_t tmp[256];
	int n = pl_pkt_build(&inner, tmp, sizeof(tmp));

	return n < 0 ? n : pl_pkt_build_ipip(&outer, tmp, n, buf, cap);
}

PL_TEST_PROBE(datapath, ipip_decapsulates_before_policy, pl_probe_bpf_netns)
{
	static uint8_t in[512], out[512];
	struct pl_run_result r;
	struct dp_fx fx;
	int len, n;

	if (!setup(&fx, false))
		return;

	pl_subtest("node2 -> node1 carrying C -> A: outer header gone, delivered to A");
	len = ipip_frame(IP_NODE2, IP_NODE1, IP_A, in, sizeof(in));
	if (!ASSERT_GT(len, 0, "build"))
		goto out;
	ASSERT_EQ(in[23], 4, "input is protocol 4");
	n = run(&fx, PL_PROG_FROM_NETWORK, DEV_UPLINK, in, len, out, sizeof(out), &r);
	ASSERT_EQ(r.retval, TC_ACT_REDIRECT, "retval");
	assert_event(&r, PL_OBS_TO_ENDPOINT, PL_VERDICT_REDIRECTED, 0, PL_NOTE_NO_POLICY,
		     PL_REDIR_PEER, 0);
	ASSERT_EQ(r.event.target_ifindex, fx.ifindex[DEV_POD_A], "into pod A");
	ASSERT_EQ(r.event.src_identity, ID_C, "source identity of the inner source");
	ASSERT_EQ(r.event.saddr, IP_C, "event: inner saddr");
	ASSERT_EQ(r.event.proto, 6, "event: inner proto");
	if (ASSERT_EQ(n, len - 20, "output: 20 bytes shorter")) {
		ASSERT_MEMEQ(out, MAC_A, 6, "dmac: pod A");
		ASSERT_MEMEQ(out + 6, MAC_A_NODE, 6, "smac: A's node-side veth");
		ASSERT_EQ(out[12] << 8 | out[13], 0x0800, "EtherType IPv4");
		ASSERT_MEMEQ(out + 14, in + 34, len - 34, "the inner packet, byte for byte");
	}

	pl_subtest("the same with A's ingress enforced and no allow: POLICY_DENIED on the inner");
	if (!ASSERT_OK(dp_fx_reset(&fx, ENF_IN, 0), "maps"))
		goto out;
	run(&fx, PL_PROG_FROM_NETWORK, DEV_UPLINK, in, len, out, sizeof(out), &r);
	ASSERT_EQ(r.retval, TC_ACT_SHOT, "retval");
	assert_event(&r, PL_OBS_FROM_NETWORK, PL_VERDICT_DROPPED, PL_DROP_POLICY_DENIED, 0, 0, 0);
	ASSERT_EQ(r.event.src_identity, ID_C, "policy saw C's identity");
	if (!ASSERT_OK(dp_fx_reset(&fx, 0, 0), "maps"))
		goto out;

	pl_subtest("IP-in-IP from 198.51.100.7, no cluster node: IPIP_UNKNOWN_SENDER");
	len = ipip_frame(IP_WORLD2, IP_NODE1, IP_A, in, sizeof(in));
	n = run(&fx, PL_PROG_FROM_NETWORK, DEV_UPLINK, in, len, out, sizeof(out), &r);
	ASSERT_EQ(r.retval, TC_ACT_SHOT, "retval");
	assert_event(&r, PL_OBS_FROM_NETWORK, PL_VERDICT_DROPPED, PL_DROP_IPIP_UNKNOWN_SENDER, 0, 0,
		     0);
	ASSERT_EQ(n, len, "not decapsulated");

	pl_subtest("IP-in-IP node2 -> node3 (not this node): the stack's, untouched");
	len = ipip_frame(IP_NODE2, IP_NODE3, IP_A, in, sizeof(in));
	n = run(&fx, PL_PROG_FROM_NETWORK, DEV_UPLINK, in, len, out, sizeof(out), &r);
	ASSERT_EQ(r.retval, TC_ACT_OK, "retval");
	assert_event(&r, PL_OBS_TO_STACK, PL_VERDICT_FORWARDED, 0, PL_NOTE_NOT_LOCAL, 0, 0);
	if (ASSERT_EQ(n, len, "same length"))
		ASSERT_MEMEQ(out, in, len, "bytes unchanged");
out:
	dp_fx_teardown(&fx);
}

PL_TEST_PROBE(datapath, ipip_cross_subnet_routes_same_subnet_bare, pl_probe_bpf_netns)
{
	/* The cluster-wide ipcache names each node's subnet; this node's is in its own entry. */
	struct pl_ipcache_info self = {.identity = PL_ID_HOST, .subnet = 7};
	struct pl_ipcache_info same = {.identity = ID_C, .tunnel_endpoint = IP_NODE2, .subnet = 7};
	struct pl_ipcache_info other = {.identity = ID_D, .tunnel_endpoint = IP_NODE3, .subnet = 8};
	static uint8_t in[512], out[512];
	struct pl_run_result r;
	struct dp_fx fx;
	int len, n;

	if (!setup(&fx, true))
		return;
	if (!ASSERT_OK(pl_ipcache_add(fx.dp, IP_NODE1, 32, &self), "this node's subnet") ||
	    !ASSERT_OK(pl_ipcache_add(fx.dp, IP_C, 32, &same), "C's node shares the subnet") ||
	    !ASSERT_OK(pl_ipcache_add(fx.dp, IP_D, 32, &other), "D's node in another subnet"))
		goto out;

	pl_subtest("CrossSubnet, C's node in this subnet: native (TTL-1, MACs), no outer header");
	len = frame_from_a(IP_C, NULL, 0, in, sizeof(in));
	n = run(&fx, PL_PROG_FROM_POD, DEV_POD_A, in, len, out, sizeof(out), &r);
	ASSERT_EQ(r.retval, TC_ACT_REDIRECT, "retval");
	assert_event(&r, PL_OBS_TO_NETWORK, PL_VERDICT_REDIRECTED, 0, PL_NOTE_IPIP_SAME_SUBNET,
		     PL_REDIR_FIB, 0);
	if (ASSERT_EQ(n, len, "same length")) {
		ASSERT_MEMEQ(out, MAC_NODE2, 6, "dmac from fib");
		ASSERT_EQ(out[23], 6, "still TCP, not protocol 4");
		ASSERT_EQ(out[22], in[22] - 1, "TTL-1");
		ASSERT_EQ(pl_csum_ipv4_header(out + 14, 20), 0, "checksum verifies");
	}

	pl_subtest("CrossSubnet, D's node in another subnet: encapsulated");
	len = frame_from_a(IP_D, NULL, 0, in, sizeof(in));
	n = run(&fx, PL_PROG_FROM_POD, DEV_POD_A, in, len, out, sizeof(out), &r);
	ASSERT_EQ(r.retval, TC_ACT_REDIRECT, "retval");
	assert_event(&r, PL_OBS_TO_NETWORK, PL_VERDICT_REDIRECTED, 0, PL_NOTE_NEIGH_RESOLVE,
		     PL_REDIR_IPIP, IP_NODE3);
	if (n > 0)
		assert_encapsulated(out, n, in, len, IP_NODE3, MAC_ANY_DST, MAC_ANY_SRC);
out:
	dp_fx_teardown(&fx);
}

PL_TEST_PROBE(datapath, ipip_same_subnet_ignored_in_always_mode, pl_probe_bpf_netns)
{
	struct pl_ipcache_info self = {.identity = PL_ID_HOST, .subnet = 7};
	struct pl_ipcache_info same = {.identity = ID_C, .tunnel_endpoint = IP_NODE2, .subnet = 7};
	static uint8_t in[512], out[512];
	struct pl_run_result r;
	struct dp_fx fx;
	int len, n;

	if (!setup(&fx, false))
		return;
	if (ASSERT_OK(pl_ipcache_add(fx.dp, IP_NODE1, 32, &self), "this node's subnet") &&
	    ASSERT_OK(pl_ipcache_add(fx.dp, IP_C, 32, &same), "same subnet")) {
		len = frame_from_a(IP_C, NULL, 0, in, sizeof(in));
		n = run(&fx, PL_PROG_FROM_POD, DEV_POD_A, in, len, out, sizeof(out), &r);
		ASSERT_EQ(r.event.redirect, PL_REDIR_IPIP, "Always: encapsulated anyway");
		if (n > 0)
			assert_encapsulated(out, n, in, len, IP_NODE2, MAC_NODE2, MAC_UPLINK);
	}
	dp_fx_teardown(&fx);
}
