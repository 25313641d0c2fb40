// SPDX-License-Identifier: GPL-2.0
/*
 * Each routing mode's kernel-only twin (`podlab up --no-datapath`): no BPF
 * anywhere, and podlab check's probes still pass pod to pod across nodes the
 * way the mode says (VXLAN on the wire for vxlan and legacy, pod IPs kept in
 * vxlan, the node's IP in legacy, 1422-byte DF payloads); down removes it all.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/dump.h"
#include "net/run.h"
#include "net_fixture.h"
#include "probe/check.h"
#include "test.h"
#include "topo/topo.h"

static const char *probe_twins(void)
{
	const char *why = pl_probe_netns();

	if (why)
		return why;
	return access("topologies/two-node-vxlan.yaml", R_OK)
		       ? "run from the repository root (topologies/ not found)"
		       : NULL;
}

/* Delivered probes across nodes, and how many of them saw the pod's / node's IP. */
struct twin_seen {
	int probes, delivered, cross, cross_pod_ip, cross_node_ip;
};

static void count(const struct pl_check_report *r, struct twin_seen *c)
{
	const struct topo *t = r->topo;
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < r->nprobes; i++) {
		const struct pl_check_probe *p = &r->probes[i];
		const struct topo_pod *s = &t->pods[p->src], *d = &t->pods[p->dst];
		uint32_t seen = p->res.sighting.peer_ip;

		c->probes++;
		if (!p->delivered)
			continue;
		c->delivered++;
		if (s->node == d->node)
			continue;
		c->cross++;
		c->cross_pod_ip += seen == s->ip;
		c->cross_node_ip += seen == t->nodes[s->node].underlay_ip;
	}
}

/* Up file's twin in mode, no BPF on any node, check it, down; what the report says. */
static void twin_check(const char *file, enum pl_routing_mode mode, const char *tag)
{
	struct pl_up_opts up = {.topology = file, .datapath = false, .keep_owner = true};
	struct pl_check_opts opts = {.sections = PL_CHECK_CONNECTIVITY | PL_CHECK_NATFREE |
						 PL_CHECK_UNDERLAY | PL_CHECK_MTU,
				     .no_datapath = true};
	struct pl_check_report *r = NULL;
	char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX];
	bool overlay = mode == PL_ROUTING_VXLAN || mode == PL_ROUTING_LEGACY;
	struct twin_seen c;
	struct topo *t = NULL;
	int i;

	pl_subtest("%s as %s", file, pl_topo_routing_name(mode));
	fixture_run_id(run, tag);
	up.run = run;
	if (!ASSERT_OK(pl_topo_parse(file, &t), "parse"))
		return;
	t->routing = mode;
	if (!ASSERT_OK(pl_run_up(t, &up, got), "up --no-datapath"))
		goto out;
	for (i = 0; i < t->nnodes; i++) {
		char *d = fixture_dump_ns(run, t->nodes[i].name, PL_DUMP_ALL);

		ASSERT_TRUE(strstr(d, " bpf ") == NULL && strstr(d, " xdp ") == NULL,
			    "no program on the node");
		if (overlay)
			ASSERT_STRSTR(d, " vxlan id 1 local ", "a classic vxlan0 (VNI 1)");
		free(d);
	}
	ASSERT_FALSE(fixture_pins_exist(run), "nothing pinned");
	opts.run = run;
	opts.topo = t;
	if (ASSERT_OK(pl_check_run(&opts, &r), "check")) {
		if (!r->ok || pl_verbose())
			pl_check_print(r, stderr);
		ASSERT_TRUE(r->ok, "connectivity, natfree, underlay and mtu match");
		count(r, &c);
		ASSERT_GT(c.cross, 0, "cross-node probes");
		ASSERT_EQ(c.delivered, c.probes, "every probe delivered (no policy enforced)");
		if (mode == PL_ROUTING_LEGACY) {
			ASSERT_EQ(c.cross_node_ip, c.cross,
				  "MASQUERADE: the source node's IP seen");
		} else {
			ASSERT_EQ(c.cross_pod_ip, c.cross, "the source pod's IP seen");
		}
		for (i = 0; overlay && i < r->nunderlay; i++)
			ASSERT_GT(r->underlay[i].vxlan_pod_pkts, 0, "VXLAN on every uplink");
		for (i = 0; i < r->nunderlay; i++)
			if (!overlay)
				ASSERT_EQ(r->underlay[i].vxlan_pkts, 0,
					  "no VXLAN in native/fabric");
		for (i = 0; i < r->nmtu; i++)
			ASSERT_EQ(r->mtu[i].got, overlay ? 1422 : 1472, "largest DF payload");
		r->topo = NULL;
		pl_check_report_free(r);
	}
	ASSERT_OK(pl_run_down(run), "down");
out:
	fixture_assert_gone(run);
	fixture_delete_netns(run);
	pl_topo_free(t);
}

PL_TEST_PROBE(integration, twin_vxlan_passes_pod_to_pod, probe_twins)
{
	twin_check("topologies/two-node-vxlan.yaml", PL_ROUTING_VXLAN, "wv");
	/* Three nodes on a bridge: an fdb entry, a neighbour and a route per peer. */
	twin_check("topologies/three-node-segment.yaml", PL_ROUTING_VXLAN, "ws");
}

PL_TEST_PROBE(integration, twin_legacy_passes_pod_to_pod, probe_twins)
{
	twin_check("topologies/two-node-legacy.yaml", PL_ROUTING_LEGACY, "wl");
}

PL_TEST_PROBE(integration, twin_native_passes_pod_to_pod, probe_twins)
{
	twin_check("topologies/two-node-native.yaml", PL_ROUTING_NATIVE, "wn");
}

/* VPC CNI's layout with the kernel alone: the fabric routes the pods, nodes forward. */
PL_TEST_PROBE(integration, twin_fabric_passes_pod_to_pod, probe_twins)
{
	twin_check("topologies/two-node-fabric.yaml", PL_ROUTING_FABRIC, "wf");
}
