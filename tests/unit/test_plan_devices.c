// SPDX-License-Identifier: GPL-2.0
/*
 * The run's one loaded datapath tells nodes apart by ifindex: every device
 * bound to a node (pl_dp_devices) has an ifindex no other node's has, is a
 * device the plan creates in that node's namespace, and every node has its
 * own slot, the loading node slot 0.
 */
#include <stdlib.h>

#include "plan_test_util.h"
#include "podlab.h"
#include "test.h"

/* ifindex of a device the plan creates in namespace ns (either end of a veth), 0 when none. */
static uint32_t created_ifindex(const struct pl_plan *p, int ns, uint32_t ifindex)
{
	int i;

	for (i = 0; i < p->nsteps; i++) {
		const struct pl_step *s = &p->steps[i];

		if ((s->kind == PL_STEP_VETH || s->kind == PL_STEP_VXLAN) && s->ns == ns &&
		    s->ifindex == ifindex)
			return ifindex;
		if (s->kind == PL_STEP_VETH && s->peer.ns == ns && s->peer.ifindex == ifindex)
			return ifindex;
	}
	return 0;
}

static void check_devices(const struct pl_plan *p, const struct topo *t)
{
	uint32_t ifx[PL_DP_MAX_DEVICES], seen_node[1024] = {0}, seen_slot[PL_MAX_NODES] = {0};
	int i, k, n, slot;

	ASSERT_EQ(pl_dp_slot(p, pl_dp_loading_node(p)), 0, "the loading node has slot 0");
	for (i = 0; i < t->nnodes; i++) {
		slot = pl_dp_slot(p, i);
		if (!ASSERT_TRUE(slot >= 0 && slot < PL_MAX_NODES, "node has a slot"))
			continue;
		ASSERT_EQ(seen_slot[slot], 0, "slot of one node only");
		seen_slot[slot] = i + 1;
		n = pl_dp_devices(p, i, ifx, PL_DP_MAX_DEVICES);
		ASSERT_EQ(n, t->nodes[i].npods + (t->routing == PL_ROUTING_NATIVE ? 1 : 2),
			  "uplink, vxlan0 (not native) and a veth per pod");
		for (k = 0; k < n; k++) {
			if (!ASSERT_LT(ifx[k], 1024, "ifindex in the test's range"))
				continue;
			ASSERT_EQ(created_ifindex(p, p->node_ns[i], ifx[k]), ifx[k],
				  "a device of the node's namespace");
			ASSERT_EQ(seen_node[ifx[k]], 0, "no other node has this ifindex");
			seen_node[ifx[k]] = i + 1;
		}
	}
}

PL_TEST(unit, plan_node_devices_unique_in_run)
{
	int f, m;

	for (f = 0; topo_test_shipped_names[f]; f++) {
		for (m = 0; m < 3; m++) {
			struct topo *t;
			struct pl_plan *p;

			pl_subtest("%s %s", topo_test_shipped_names[f],
				   pl_topo_routing_name(plan_modes[m]));
			p = plan_of(topo_test_shipped_names[f], plan_modes[m], true, &t);
			if (!p)
				continue;
			check_devices(p, t);
			plan_done(p, t);
		}
	}
}
