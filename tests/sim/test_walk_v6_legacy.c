// SPDX-License-Identifier: GPL-2.0
/*
 * Legacy's IPv6 in the simulator's walk (two-node-dual-stack-legacy.yaml):
 * node1's stack routes frontend's packet to vxlan0 and the ip6 MASQUERADE
 * rewrites its source to node1's ipv6, so node2's from_overlay derives
 * remote-node; backend's reply goes back through the overlay (the ip -6
 * rule's table) and node1's conntrack turns it back to frontend.
 * Run from the repository root (make test does).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "lib/pkt.h"
#include "plan/plan.h"
#include "topo/topo.h"
#include "walk.h"
#include "walk_test_util.h"

#define TOPO_FILE "topologies/two-node-dual-stack-legacy.yaml"

/* The delivered frame: IPv6 from src6:sport to dst6:dport, its hop limit, TCP checksum valid. */
static void assert_out(const struct sim_walk_result *r, const uint8_t *src6, const uint8_t *dst6,
		       uint16_t sport, uint16_t dport, uint8_t hlim)
{
	struct pl_pkt_info pi;

	if (!ASSERT_OK_PTR(r->out, "output frame") ||
	    !ASSERT_OK(pl_pkt_parse(r->out, r->out_len, &pi), "output parses"))
		return;
	ASSERT_TRUE(pi.ipv6 && !pi.vxlan, "IPv6, decapsulated");
	ASSERT_MEMEQ(pi.src.v6, src6, 16, "source address");
	ASSERT_MEMEQ(pi.dst.v6, dst6, 16, "destination address");
	ASSERT_EQ(pi.sport, sport, "source port");
	ASSERT_EQ(pi.dport, dport, "destination port");
	ASSERT_EQ(pi.ttl, hlim, "hop limit: one less per stack that forwarded it");
	ASSERT_EQ(pl_csum_l4_6(pi.src.v6, pi.dst.v6, IPPROTO_TCP, r->out + pi.l4_off, pi.l4_len), 0,
		  "TCP checksum verifies after the rewrite");
}

static int count_nat(const struct sim_walk_result *r, int node)
{
	int i, n = 0;

	for (i = 0; i < r->nsteps; i++)
		n += r->steps[i].kind == SIM_STEP_NAT && r->steps[i].node == node;
	return n;
}

PL_TEST_PROBE(sim, walk_ipv6_legacy_masquerade, pl_probe_bpf_netns)
{
	struct sim_walk_result *r = calloc(1, sizeof(*r));
	struct sim_walk_opts o = {.routing = -1};
	const struct sim_step *s;
	struct sim_walk *w = NULL;
	struct topo *t = NULL;
	const uint8_t *node1;
	int fe, be;

	if (!ASSERT_OK_PTR(r, "calloc") || !ASSERT_OK(pl_topo_parse(TOPO_FILE, &t), "parse") ||
	    !ASSERT_OK(pl_sim_walk_open(t, &o, &w), "open") ||
	    !ASSERT_OK(pl_sim_walk_reset(w), "reset"))
		goto out;
	fe = pl_topo_pod_by_name(t, "frontend");
	be = pl_topo_pod_by_name(t, "backend");
	node1 = t->nodes[0].underlay_ip6;
	if (!ASSERT_GE(fe, 0, "frontend") || !ASSERT_GE(be, 0, "backend"))
		goto out;

	pl_subtest("request");
	if (!walk_send6(w, t, fe, t->pods[be].ip6, 40000, 80, 0x02, r))
		goto out;
	ASSERT_EQ(r->steps[1].prog, PL_PROG_FROM_POD, "from_pod first");
	ASSERT_EQ(r->steps[1].ev.obs_point, PL_OBS_TO_STACK, "legacy: from_pod hands to the stack");
	ASSERT_EQ(count_nat(r, 0), 1, "one MASQUERADE, on node1");
	ASSERT_TRUE(r->masqueraded, "masqueraded");
	ASSERT_TRUE(r->encap, "encapsulated by the classic vxlan0");
	ASSERT_EQ(r->vni, 1, "its fixed VNI");
	ASSERT_EQ(r->outer_daddr, t->nodes[1].underlay_ip, "outer destination: node2");
	s = walk_last_prog(r);
	if (ASSERT_OK_PTR(s, "a program ran")) {
		ASSERT_EQ(s->node, 1, "node2 decides");
		ASSERT_EQ(s->prog, PL_PROG_FROM_OVERLAY, "from_overlay decides");
		ASSERT_MEMEQ(s->ev.saddr6, node1, 16, "from_overlay sees node1's ipv6");
		ASSERT_EQ(s->ev.src_identity, PL_ID_REMOTE_NODE, "identity: remote-node");
	}
	ASSERT_EQ(r->delivery, SIM_DELIV_POD, "backend admits remote-node on 80");
	ASSERT_EQ(r->deliver_pod, be, "into backend");
	assert_out(r, node1, t->pods[be].ip6, 40000, 80, 63);
	pl_sim_walk_result_release(r);
	memset(r, 0, sizeof(*r));

	/* The SYN-ACK to node1's ipv6: table 100 of the rule sends it into the overlay too. */
	pl_subtest("reply");
	if (!walk_send6(w, t, be, node1, 80, 40000, 0x12, r))
		goto out;
	ASSERT_TRUE(r->encap, "back through vxlan0, not bare on the underlay");
	ASSERT_EQ(r->outer_daddr, t->nodes[0].underlay_ip, "outer destination: node1");
	ASSERT_EQ(count_nat(r, 0), 1, "node1 reverses the MASQUERADE");
	ASSERT_EQ(r->delivery, SIM_DELIV_POD, "delivered");
	ASSERT_EQ(r->deliver_pod, fe, "into frontend");
	/* node2's stack, then node1's after the reverse translation. */
	assert_out(r, t->pods[be].ip6, t->pods[fe].ip6, 80, 40000, 62);
	pl_sim_walk_result_release(r);
out:
	pl_subtest("%s", "");
	pl_sim_walk_close(w);
	pl_topo_free(t);
	free(r);
}
