// SPDX-License-Identifier: GPL-2.0
/*
 * routing ipip's plan: pods at the underlay MTU less 20, nodes routing each
 * other's pod CIDRs (their own traffic; pods' is the datapath's), natOutgoing
 * as one masquerade to outside the pod CIDRs, CrossSubnet's on-link subnet
 * routes, its knob and ipcache flags; no kernel-only twin yet.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/datapath.h"
#include "plan_test_util.h"
#include "test.h"

static struct pl_plan *ipip_plan(const char *file, bool datapath, struct topo **t)
{
	struct pl_plan_opts o = {.datapath = datapath};
	struct pl_plan *p = NULL;

	if (!ASSERT_OK(pl_topo_parse(topo_test_shipped(file), t), "parse"))
		return NULL;
	ASSERT_EQ((*t)->routing, PL_ROUTING_IPIP, "routing ipip");
	if (!ASSERT_OK(pl_plan_build(*t, PLAN_TEST_RUN, &o, &p), "plan")) {
		pl_topo_free(*t);
		return NULL;
	}
	return p;
}

PL_TEST(unit, plan_ipip_mtu_routes_and_nat_outgoing)
{
	struct topo *t;
	struct pl_plan *p = ipip_plan("two-node-ipip.yaml", true, &t);
	int i, j, masq = 0;

	if (!p)
		return;
	ASSERT_EQ(t->ipip_mode, TOPO_IPIP_ALWAYS, "ipipMode Always");
	ASSERT_TRUE(t->nat_outgoing, "natOutgoing");
	ASSERT_EQ(pl_topo_pod_mtu(t), 1480, "pod MTU 1500 - 20");
	ASSERT_EQ(plan_count(p, PL_STEP_VXLAN), 0, "no vxlan device");
	for (i = 0; i < p->nsteps; i++) {
		const struct pl_step *s = &p->steps[i];

		if (s->kind == PL_STEP_VETH && p->ns[s->ns].role == PL_NS_POD)
			ASSERT_EQ(s->mtu, 1480, "pod veth MTU");
		if (s->kind != PL_STEP_MASQUERADE)
			continue;
		masq++;
		ASSERT_TRUE(s->masq.outgoing, "natOutgoing masquerade");
		char *nft = pl_plan_nft_masquerade(p, s);
		char want[160];

		snprintf(want, sizeof(want),
			 "ip saddr %s ip daddr != { 10.244.1.0/24, 10.244.2.0/24 } masquerade\n",
			 p->ns[s->ns].index == 0 ? "10.244.1.0/24" : "10.244.2.0/24");
		ASSERT_STRSTR(nft, want, "masquerade to outside every pod CIDR, any device");
		ASSERT_TRUE(nft && !strstr(nft, "oifname"), "no output device");
		free(nft);
	}
	ASSERT_EQ(masq, t->nnodes, "one masquerade per node");
	for (i = 0; i < t->nnodes; i++)
		for (j = 0; j < t->nnodes; j++)
			if (i != j)
				ASSERT_GE(plan_find_route(
						  p, p->node_ns[i], "eth0", t->nodes[j].pod_cidr,
						  t->nodes[j].pod_plen, t->nodes[j].underlay_ip, 0),
					  0, "the node's own route to the other pod CIDR");
	plan_done(p, t);
}

PL_TEST(unit, plan_ipip_twin)
{
	struct topo *t;
	struct pl_plan *p = ipip_plan("three-node-ipip-crosssubnet.yaml", false, &t);
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int i, k;

	if (!p)
		return;
	ASSERT_EQ(plan_count(p, PL_STEP_DATAPATH), 0, "no datapath");
	ASSERT_EQ(plan_count(p, PL_STEP_IPIP), t->nnodes, "an ipip0 per node");
	for (i = 0; i < t->nnodes; i++) {
		int ns = p->node_ns[i];

		k = plan_find(p, PL_STEP_IPIP, ns, "ipip0");
		if (ASSERT_GE(k, 0, "ipip0 created")) {
			ASSERT_EQ(p->steps[k].ipip.local, t->nodes[i].underlay_ip, "local node IP");
			ASSERT_EQ(p->steps[k].mtu, 1480, "MTU 1480");
			ASSERT_EQ(p->steps[k].ifindex, pl_node_ifindex(t, i, PL_IFINDEX_IPIP),
				  "its fixed ifindex");
		}
		ASSERT_GE(plan_find_addr(p, ns, "ipip0", t->nodes[i].pod_cidr, 32), 0,
			  "the pod CIDR's network address on ipip0");
	}
	/* node1 -> node2 share a subnet: eth0; -> node3: ipip0 onlink via node3's IP. */
	ASSERT_GE(plan_find_route(p, p->node_ns[0], "eth0", t->nodes[1].pod_cidr, 24,
				  t->nodes[1].underlay_ip, 0),
		  0, "node2's pods bare via eth0");
	k = plan_find_route(p, p->node_ns[0], "ipip0", t->nodes[2].pod_cidr, 24,
			    t->nodes[2].underlay_ip, 0);
	if (ASSERT_GE(k, 0, "node3's pods via ipip0"))
		ASSERT_TRUE(p->steps[k].route.onlink, "onlink: the outer destination");
	ASSERT_GE(plan_find_route(p, p->node_ns[2], "ipip0", t->nodes[0].pod_cidr, 24,
				  t->nodes[0].underlay_ip, 0),
		  0, "node3 -> node1 via ipip0");
	f = open_memstream(&text, &len);
	if (ASSERT_OK_PTR(f, "memstream")) {
		ASSERT_OK(pl_plan_print(p, f), "print");
		fclose(f);
		ASSERT_STRSTR(text,
			      "ip -n pl-t1-node1 link add ipip0 index 35 mtu 1480 type ipip local "
			      "192.168.50.1 ttl 64 pmtudisc\n",
			      "the script creates the same ipip0");
		ASSERT_STRSTR(
			text,
			"ip -n pl-t1-node1 route add 10.244.3.0/24 via 192.168.60.3 dev ipip0 "
			"onlink\n",
			"and its route");
		free(text);
	}
	plan_done(p, t);
}

PL_TEST(unit, plan_ipip_cross_subnet)
{
	struct topo *t;
	struct pl_plan *p = ipip_plan("three-node-ipip-crosssubnet.yaml", true, &t);
	struct pl_datapath_opts o;
	struct pl_map_entry *e = NULL;
	int n = 0, i, flagged = 0, bare = 0;
	uint32_t self = 0, backend = 0, db = 0;

	if (!p)
		return;
	ASSERT_EQ(t->ipip_mode, TOPO_IPIP_CROSS_SUBNET, "ipipMode CrossSubnet");
	ASSERT_FALSE(t->nat_outgoing, "natOutgoing false");
	ASSERT_EQ(plan_count(p, PL_STEP_MASQUERADE), 0, "no NAT");
	ASSERT_TRUE(pl_topo_same_subnet(t, 0, 1), "node1, node2 share 192.168.50.0/24");
	ASSERT_FALSE(pl_topo_same_subnet(t, 0, 2), "node3 is in 192.168.60.0/24");
	ASSERT_GE(plan_find_route(p, p->node_ns[0], "eth0", inet_addr("192.168.60.0"), 24, 0, 0), 0,
		  "node1 reaches node3's subnet on-link");
	ASSERT_GE(plan_find_route(p, p->node_ns[2], "eth0", inet_addr("192.168.50.0"), 24, 0, 0), 0,
		  "node3 reaches the other subnet on-link");
	ASSERT_LT(plan_find_route(p, p->node_ns[0], "eth0", inet_addr("192.168.50.0"), 24, 0, 0), 0,
		  "not its own subnet");
	pl_dp_opts(p, 0, &o);
	ASSERT_TRUE(o.ipip_cross_subnet, "the datapath's CrossSubnet knob");
	/* The cluster-wide ipcache: node1's maps step fills it (it loads the datapath). */
	if (!ASSERT_OK(pl_dp_map_entries(p, 0, &e, &n), "node1's maps"))
		goto out;
	for (i = 0; i < n; i++) {
		struct pl_ipcache_key k;
		struct pl_ipcache_info v;

		if (strcmp(e[i].map, "ipcache"))
			continue;
		memcpy(&k, e[i].key, sizeof(k));
		memcpy(&v, e[i].val, sizeof(v));
		if (k.ip == t->nodes[0].underlay_ip) {
			ASSERT_EQ(v.identity, PL_ID_REMOTE_NODE,
				  "node1: no node's HOST in the map");
			ASSERT_EQ(v.node_ip, k.ip, "node1's address names node1");
			self = v.subnet;
		}
		if (k.ip == inet_addr("10.244.2.20")) {
			ASSERT_EQ(v.tunnel_endpoint, inet_addr("192.168.50.2"),
				  "backend behind node2");
			backend = v.subnet;
			flagged++;
		}
		if (k.ip == inet_addr("10.244.3.30")) {
			ASSERT_EQ(v.tunnel_endpoint, inet_addr("192.168.60.3"), "db behind node3");
			db = v.subnet;
			bare++;
		}
	}
	ASSERT_EQ(flagged, 1, "backend's entry");
	ASSERT_EQ(bare, 1, "db's entry");
	ASSERT_NEQ(self, 0, "node1's subnet named");
	ASSERT_EQ(backend, self, "backend: node2 shares node1's subnet");
	ASSERT_NEQ(db, self, "db: node3 does not");
	free(e);
out:
	plan_done(p, t);
}
