// SPDX-License-Identifier: GPL-2.0
/*
 * routing fabric's plan: a fabric router namespace with a port per node, proxy
 * ARP and one route per pod IP via its node; nodes without encapsulation, NAT or
 * any route to another node's pods; the printed script says the same.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_test_util.h"
#include "test.h"

PL_TEST(unit, plan_fabric_router_holds_the_pod_routes)
{
	struct topo *t;
	struct pl_plan *p = plan_of("two-node-fabric.yaml", PL_ROUTING_FABRIC, true, &t);
	int fns, i, j, n1, pod_routes = 0;
	char port[PL_IFNAMSIZ];

	if (!p)
		return;
	ASSERT_EQ(t->underlay, TOPO_UNDERLAY_FABRIC, "fabric underlay");
	ASSERT_EQ(t->fabric.ip, inet_addr("192.168.50.254"), "the subnet's last host");
	ASSERT_EQ(t->fabric.max_routes, 16, "maxRoutes");
	fns = plan_ns(p, "fabric");
	if (!ASSERT_GE(fns, 0, "fabric namespace"))
		goto out;
	ASSERT_EQ(p->ns[fns].role, PL_NS_FABRIC, "its role");
	ASSERT_EQ(p->fabric_ns, fns, "plan knows it");
	ASSERT_EQ(plan_count(p, PL_STEP_VXLAN), 0, "no vxlan device");
	ASSERT_EQ(plan_count(p, PL_STEP_MASQUERADE), 0, "no NAT");
	ASSERT_EQ(plan_count(p, PL_STEP_FDB), 0, "no fdb");
	for (i = 0; i < t->nnodes; i++) {
		int ns = p->node_ns[i];

		pl_fabric_port_name(t, i, port, sizeof(port));
		ASSERT_GE(plan_created(p, fns, port), 0, "a fabric port per node");
		ASSERT_GE(plan_find_addr(p, fns, port, t->fabric.ip, 32), 0, "fabric address");
		ASSERT_GE(plan_find_route(p, fns, port, t->nodes[i].underlay_ip, 32, 0, 0), 0,
			  "the node behind its port");
		ASSERT_GE(plan_find_addr(p, ns, "eth0", t->nodes[i].underlay_ip, 24), 0,
			  "the node's underlay subnet");
		for (j = 0; j < t->npods; j++) {
			const struct topo_pod *pod = &t->pods[j];

			if (pod->node == i)
				continue;
			ASSERT_LT(plan_find_route(p, ns, NULL, pod->ip, 32, 0, 0), 0,
				  "no route to another node's pod");
			ASSERT_LT(plan_find_route(p, ns, NULL, t->nodes[pod->node].pod_cidr,
						  t->nodes[pod->node].pod_plen,
						  t->nodes[pod->node].underlay_ip, 0),
				  0, "no route to another node's podCIDR");
		}
	}
	for (j = 0; j < t->npods; j++) {
		const struct topo_pod *pod = &t->pods[j];

		pl_fabric_port_name(t, pod->node, port, sizeof(port));
		if (ASSERT_GE(plan_find_route(p, fns, port, pod->ip, 32,
					      t->nodes[pod->node].underlay_ip, 0),
			      0, "a route per pod IP via its node"))
			pod_routes++;
	}
	ASSERT_EQ(pod_routes, t->npods, "every pod");
	for (i = 0, n1 = 0; i < p->nsteps; i++)
		if (p->steps[i].kind == PL_STEP_SYSCTL && p->steps[i].ns == fns &&
		    !strcmp(p->steps[i].sysctl.key, "net/ipv4/conf/all/proxy_arp"))
			n1++;
	ASSERT_EQ(n1, 1, "proxy ARP on the fabric");
	ASSERT_GE(plan_find_attach(p, 0, "eth0", TOPO_HOOK_TC_INGRESS, PL_PROG_FROM_NETWORK), 0,
		  "from_network on node1's uplink");
out:
	plan_done(p, t);
}

PL_TEST(unit, plan_fabric_script)
{
	static const char *const want[] = {
		"ip netns add pl-t1-fabric\n",
		"inns pl-t1-fabric sysctl -qw net/ipv4/conf/all/proxy_arp=1\n",
		"ip -n pl-t1-node1 link add eth0 index 32 address 02:70:6c:02:00:00 mtu 1500 type "
		"veth peer name f-node1 index 48 address 02:70:6c:06:00:00 mtu 1500 netns "
		"pl-t1-fabric\n",
		"inns pl-t1-fabric sysctl -qw net/ipv4/neigh/f-node1/proxy_delay=0\n",
		"ip -n pl-t1-fabric addr add 192.168.50.254/32 dev f-node1\n",
		"ip -n pl-t1-fabric route add 192.168.50.84/32 via 192.168.50.2 dev f-node2\n",
		"ip -n pl-t1-fabric route add 203.0.113.10/32 via 192.168.50.1 dev f-node1\n",
		NULL,
	};
	struct topo *t;
	struct pl_plan *p = plan_of("two-node-fabric.yaml", PL_ROUTING_FABRIC, true, &t);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int i;

	if (!p)
		return;
	f = open_memstream(&buf, &len);
	if (ASSERT_OK_PTR(f, "memstream")) {
		ASSERT_OK(pl_plan_print(p, f), "print");
		fclose(f);
		for (i = 0; want[i]; i++)
			ASSERT_STRSTR(buf, want[i], want[i]);
		ASSERT_TRUE(strstr(buf, "pl-t1-node1 route add 192.168.50.84") == NULL,
			    "node1 has no route to backend");
		ASSERT_TRUE(strstr(buf, "type vxlan") == NULL, "no vxlan device");
		ASSERT_TRUE(strstr(buf, "masquerade") == NULL, "no masquerade");
	}
	free(buf);
	plan_done(p, t);
}

/* The shipped fabric file, and the model's answer for its layout. */
PL_TEST(unit, topo_fabric_file)
{
	struct topo *t = NULL;

	if (!ASSERT_OK(pl_topo_parse(topo_test_shipped("two-node-fabric.yaml"), &t), "parse"))
		return;
	ASSERT_EQ(t->routing, PL_ROUTING_FABRIC, "routing fabric");
	ASSERT_FALSE(pl_topo_overlay(t), "no overlay");
	ASSERT_STREQ(pl_topo_routing_name(t->routing), "fabric", "its name");
	ASSERT_EQ(pl_topo_node_by_pod_ip(t, inet_addr("192.168.50.84")), 1, "backend on node2");
	pl_topo_free(t);
}
