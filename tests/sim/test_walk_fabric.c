// SPDX-License-Identifier: GPL-2.0
/*
 * The walk through a fabric router: frontend's packet leaves node1 bare towards
 * the fabric (which answers ARP for backend), the fabric routes it by its /32 to
 * node2 with TTL-1, and node2's from_network delivers it NAT-free; a pod IP the
 * fabric has no route for is dropped there (NO_ROUTE); a walk of a fabric file in
 * another mode is refused with its reason.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"
#include "test.h"
#include "topo/topo.h"
#include "walk.h"

static const char *probe_fabric(void)
{
	return pl_probe_bpf_netns();
}

static int fabric_steps(const struct sim_walk_result *r, int *at)
{
	int i, n = 0;

	for (i = 0; i < r->nsteps; i++)
		if (r->steps[i].node < 0 && strstr(r->steps[i].text, "fabric router")) {
			n++;
			*at = i;
		}
	return n;
}

PL_TEST_PROBE(sim, walk_fabric_pod_to_pod, probe_fabric)
{
	struct sim_walk_result *r = calloc(1, sizeof(*r));
	struct sim_walk_opts o = {.routing = -1};
	struct sim_probe pr = {.proto = IPPROTO_TCP, .dport = 80};
	struct sim_walk *w = NULL;
	struct topo *t = NULL;
	struct sim_hdrs h;
	int at = -1, progs = 0, i;

	if (!ASSERT_OK_PTR(r, "calloc") ||
	    !ASSERT_OK(pl_topo_parse("topologies/two-node-fabric.yaml", &t), "parse") ||
	    !ASSERT_OK(pl_sim_walk_open(t, &o, &w), "open"))
		goto out;
	pr.from_pod = pl_topo_pod_by_name(t, "frontend");
	pr.daddr = t->pods[pl_topo_pod_by_name(t, "backend")].ip;
	if (!ASSERT_OK(pl_sim_walk_probe(w, &pr, r), "walk"))
		goto out;
	ASSERT_EQ(r->delivery, SIM_DELIV_POD, "delivered to a pod");
	ASSERT_EQ(r->deliver_pod, pl_topo_pod_by_name(t, "backend"), "backend");
	ASSERT_FALSE(r->encap, "no encapsulation");
	ASSERT_FALSE(r->masqueraded, "no NAT");
	ASSERT_EQ(fabric_steps(r, &at), 1, "one fabric router hop");
	if (at >= 0) {
		ASSERT_STRSTR(r->steps[at].text, "192.168.50.84/32 via 192.168.50.2 dev f-node2",
			      "the fabric's route for backend");
		ASSERT_EQ(r->steps[at].h.ttl, 62, "TTL-1 at the fabric");
	}
	for (i = 0; i < r->nsteps; i++)
		progs += r->steps[i].kind == SIM_STEP_PROG;
	ASSERT_EQ(progs, 3, "from_pod, xdp_prefilter, from_network");
	if (ASSERT_OK_PTR(r->out, "delivered bytes")) {
		pl_sim_hdrs_of(r->out, r->out_len, &h);
		ASSERT_EQ(h.saddr, t->pods[pr.from_pod].ip, "source: the pod's IP");
		ASSERT_EQ(h.daddr, pr.daddr, "destination unchanged");
		ASSERT_EQ(h.ttl, 62, "two routed hops: node1 and the fabric");
	}
	pl_sim_walk_result_release(r);
	memset(r, 0, sizeof(*r));
	/* In the fabric's subnet but nobody's pod: node1 sends it, the fabric cannot route it. */
	pr.daddr = inet_addr("192.168.50.100");
	pr.from_pod = pl_topo_pod_by_name(t, "client");
	if (ASSERT_OK(pl_sim_walk_probe(w, &pr, r), "walk to an unrouted address")) {
		ASSERT_EQ(r->delivery, SIM_DELIV_DROPPED, "dropped");
		ASSERT_EQ(r->drop_reason, PL_DROP_STACK, "no one answers ARP for it on node1");
		ASSERT_TRUE(r->kernel_drop, "by the kernel");
	}
	pl_sim_walk_result_release(r);
	pl_sim_walk_close(w);
	w = NULL;
	o.routing = PL_ROUTING_NATIVE;
	ASSERT_EQ(pl_sim_walk_open(t, &o, &w), -EOPNOTSUPP, "a fabric file in native mode");
	ASSERT_TRUE(pl_sim_unsupported(t, PL_ROUTING_NATIVE) != NULL, "with its reason");
out:
	pl_sim_walk_close(w);
	pl_topo_free(t);
	free(r);
}
