// SPDX-License-Identifier: GPL-2.0
/*
 * IPv6 through the simulator's walk on the dual-stack topologies: pod to pod
 * across nodes in native (bpf_fib_lookup AF_INET6 in the node's namespace,
 * the next hop resolved on the underlay) and vxlan (an IPv4 underlay carries
 * the IPv6 packet unchanged), and an IPv6 CIDR policy decided on the way.
 * Run from the repository root (make test does).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "lib/datapath.h"
#include "lib/pkt.h"
#include "plan/plan.h"
#include "topo/topo.h"
#include "walk.h"
#include "walk_test_util.h"

struct hop6 {
	int node;
	enum pl_prog prog;
	uint8_t obs;
};

/* A TCP SYN from pod `from` to dst6 (an IPv6 address), walked from the pod after a reset. */
static bool walk6(struct sim_walk *w, const struct topo *t, int from, const char *dst6,
		  uint16_t dport, struct sim_walk_result *res)
{
	uint8_t d6[16];

	if (!ASSERT_EQ(inet_pton(AF_INET6, dst6, d6), 1, dst6) ||
	    !ASSERT_OK(pl_sim_walk_reset(w), "reset"))
		return false;
	return walk_send6(w, t, from, d6, 40000, dport, 0x02, res);
}

static void assert_hops6(const struct sim_walk_result *r, const struct hop6 *want, int n)
{
	int i, k = 0;

	for (i = 0; i < r->nsteps; i++) {
		const struct sim_step *s = &r->steps[i];

		if (s->kind != SIM_STEP_PROG)
			continue;
		if (!ASSERT_LT(k, n, "no more program steps than expected"))
			return;
		pl_subtest("hop %d", k + 1);
		ASSERT_EQ(s->node, want[k].node, "node");
		ASSERT_EQ(s->prog, want[k].prog, "program");
		ASSERT_TRUE(s->has_event && (s->ev.flags & PL_EV_F_IPV6), "an IPv6 flow event");
		ASSERT_EQ(s->ev.obs_point, want[k].obs, "observation point");
		k++;
	}
	pl_subtest("%s", "");
	ASSERT_EQ(k, n, "program steps");
}

/* Delivered into pod `to`, addresses and ports as sent, hop limit hlim, its eth0's MAC. */
static void assert_delivered6(const struct topo *t, const struct sim_walk_result *r, int from,
			      int to, uint8_t hlim)
{
	struct pl_pkt_info pi;
	uint8_t mac[6];

	ASSERT_EQ(r->delivery, SIM_DELIV_POD, "delivered to a pod");
	ASSERT_EQ(r->deliver_pod, to, "the right pod");
	if (!ASSERT_OK_PTR(r->out, "output frame") ||
	    !ASSERT_OK(pl_pkt_parse(r->out, r->out_len, &pi), "output parses"))
		return;
	ASSERT_TRUE(pi.ipv6 && !pi.vxlan, "IPv6, decapsulated");
	ASSERT_MEMEQ(pi.src.v6, t->pods[from].ip6, 16, "source: the pod's IPv6 (no NAT)");
	ASSERT_MEMEQ(pi.dst.v6, t->pods[to].ip6, 16, "destination unchanged");
	ASSERT_EQ(pi.sport, 40000, "source port unchanged");
	ASSERT_EQ(pi.ttl, hlim, "hop limit at the destination");
	pl_plan_mac(0, to, mac);
	ASSERT_MEMEQ(r->out, mac, 6, "destination MAC: the pod's eth0");
}

static void run6(const char *file, const struct hop6 *want, int n, uint8_t hlim)
{
	struct sim_walk_result *r = calloc(1, sizeof(*r));
	struct sim_walk_opts o = {.routing = -1};
	struct sim_walk *w = NULL;
	struct topo *t = NULL;
	int fe, be;

	if (!ASSERT_OK_PTR(r, "calloc") || !ASSERT_OK(pl_topo_parse(file, &t), file) ||
	    !ASSERT_OK(pl_sim_walk_open(t, &o, &w), "open"))
		goto out;
	fe = pl_topo_pod_by_name(t, "frontend");
	be = pl_topo_pod_by_name(t, "backend");
	if (!ASSERT_GE(fe, 0, "frontend") || !ASSERT_GE(be, 0, "backend") ||
	    !walk6(w, t, fe, "fd00:10:244:2::20", 80, r))
		goto out;
	assert_hops6(r, want, n);
	assert_delivered6(t, r, fe, be, hlim);
	ASSERT_FALSE(r->encap, "native: no encapsulation");
	pl_sim_walk_result_release(r);
out:
	pl_sim_walk_close(w);
	pl_topo_free(t);
	free(r);
}

PL_TEST_PROBE(sim, walk_ipv6_native_pod_to_pod, pl_probe_bpf_netns)
{
	const struct hop6 want[] = {
		{0, PL_PROG_FROM_POD, PL_OBS_TO_NETWORK},
		{1, PL_PROG_XDP_PREFILTER, PL_OBS_TO_STACK},
		{1, PL_PROG_FROM_NETWORK, PL_OBS_TO_ENDPOINT},
	};

	run6("topologies/two-node-dual-stack.yaml", want, 3, 63);
}

/* The outer packet is IPv4: only from_pod and from_overlay see the IPv6 one. */
PL_TEST_PROBE(sim, walk_ipv6_vxlan_pod_to_pod, pl_probe_bpf_netns)
{
	static const uint8_t want[] = {PL_OBS_TO_OVERLAY, PL_OBS_TO_ENDPOINT};
	struct sim_walk_result *r = calloc(1, sizeof(*r));
	struct sim_walk_opts o = {.routing = -1};
	struct sim_walk *w = NULL;
	struct topo *t = NULL;
	int i, fe, be, k = 0;

	if (!ASSERT_OK_PTR(r, "calloc") ||
	    !ASSERT_OK(pl_topo_parse("topologies/two-node-dual-stack-vxlan.yaml", &t), "parse") ||
	    !ASSERT_OK(pl_sim_walk_open(t, &o, &w), "open"))
		goto out;
	fe = pl_topo_pod_by_name(t, "frontend");
	be = pl_topo_pod_by_name(t, "backend");
	if (!ASSERT_GE(fe, 0, "frontend") || !ASSERT_GE(be, 0, "backend") ||
	    !walk6(w, t, fe, "fd00:10:244:2::20", 80, r))
		goto out;
	for (i = 0; i < r->nsteps; i++) {
		if (r->steps[i].kind != SIM_STEP_PROG || !(r->steps[i].ev.flags & PL_EV_F_IPV6))
			continue;
		pl_subtest("IPv6 hop %d", k + 1);
		if (ASSERT_LT(k, 2, "two IPv6 hops"))
			ASSERT_EQ(r->steps[i].ev.obs_point, want[k], "observation point");
		k++;
	}
	pl_subtest("%s", "");
	ASSERT_EQ(k, 2, "from_pod and from_overlay saw the IPv6 packet");
	assert_delivered6(t, r, fe, be, 64);
	ASSERT_TRUE(r->encap, "encapsulated");
	ASSERT_EQ(r->vni, t->pods[fe].identity, "VNI = source identity");
	ASSERT_EQ(r->outer_daddr, t->nodes[1].underlay_ip, "IPv4 underlay to node2");
	pl_sim_walk_result_release(r);
out:
	pl_sim_walk_close(w);
	pl_topo_free(t);
	free(r);
}

/*
 * The IPv6 CIDR rules of two-node-dual-stack-cidr.yaml on the walk: decided at
 * from_pod; what passes, node1's stack has no route for (the kernel: "Network is
 * unreachable"), so it ends there.
 */
PL_TEST_PROBE(sim, walk_ipv6_cidr_policy, pl_probe_bpf_netns)
{
	static const struct {
		const char *dst;
		uint16_t dport;
		enum sim_delivery deliv;
		uint8_t reason;
	} rows[] = {
		/* Policy lets it out; no node routes IPv6 beyond the cluster (no IPv6 world). */
		{"2001:db8:113::10", 443, SIM_DELIV_DROPPED, PL_DROP_NO_ROUTE},
		{"2001:db8:113:5::10", 443, SIM_DELIV_DROPPED, PL_DROP_POLICY_DENIED},
		{"2001:db8:113:6::10", 443, SIM_DELIV_DROPPED, PL_DROP_POLICY_DENY},
	};
	struct sim_walk_result *r = calloc(1, sizeof(*r));
	struct sim_walk_opts o = {.routing = -1};
	struct sim_walk *w = NULL;
	struct topo *t = NULL;
	unsigned int i;
	int fe;

	if (!ASSERT_OK_PTR(r, "calloc") ||
	    !ASSERT_OK(pl_topo_parse("topologies/two-node-dual-stack-cidr.yaml", &t), "parse") ||
	    !ASSERT_OK(pl_sim_walk_open(t, &o, &w), "open"))
		goto out;
	fe = pl_topo_pod_by_name(t, "frontend");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		pl_subtest("frontend -> [%s]:%u", rows[i].dst, rows[i].dport);
		if (!walk6(w, t, fe, rows[i].dst, rows[i].dport, r))
			continue;
		ASSERT_EQ(r->delivery, rows[i].deliv, "where it ends");
		ASSERT_EQ(r->drop_reason, rows[i].reason, "drop reason");
		pl_sim_walk_result_release(r);
	}
out:
	pl_sim_walk_close(w);
	pl_topo_free(t);
	free(r);
}
