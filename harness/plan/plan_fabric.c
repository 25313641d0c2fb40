// SPDX-License-Identifier: GPL-2.0
/*
 * routing fabric's part of the plan (see plan.h): the fabric router namespace's
 * ports towards the nodes, its proxy ARP, and its table of one route per pod IP.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plan/plan.h"
#include "plan/plan_internal.h"

/* The fabric's port towards node i: "f-<node>", or "f<idx>" past IFNAMSIZ. */
void pl_fabric_port_name(const struct topo *t, int node, char *buf, size_t len)
{
	if (strlen(t->nodes[node].name) + 2 < PL_IFNAMSIZ)
		snprintf(buf, len, "f-%s", t->nodes[node].name);
	else
		snprintf(buf, len, "f%d", node);
}

/*
 * routing fabric: every node's eth0 is a veth to its port on the fabric router. The
 * fabric answers ARP for whatever it routes through another port (proxy ARP, no
 * delay), so a node's connected underlay route reaches every pod and node through it.
 */
int pl__plan_fabric_ports(struct pl_plan *p)
{
	const struct topo *t = p->topo;
	int fns = p->fabric_ns, i, err;
	char port[PL_IFNAMSIZ], key[64];
	uint8_t m1[6], m2[6];

	if ((err = pl__plan_sysctl(p, fns, "net/ipv4/ip_forward", "1")) ||
	    (err = pl__plan_sysctl(p, fns, "net/ipv4/conf/all/proxy_arp", "1")))
		return err;
	for (i = 0; i < t->nnodes; i++) {
		pl_fabric_port_name(t, i, port, sizeof(port));
		pl_plan_mac(2, i, m1);
		pl_plan_mac(6, i, m2);
		if ((err = pl__plan_veth(p, p->node_ns[i], "eth0",
					 pl_node_ifindex(t, i, PL_IFINDEX_UPLINK), m1, fns, port,
					 PL_IFINDEX_POD_BASE + i, m2, t->mtu)))
			return err;
		ADD(PL_STEP_GRO, fns, port);
		snprintf(key, sizeof(key), "net/ipv4/neigh/%s/proxy_delay", port);
		if ((err = pl__plan_sysctl(p, fns, key, "0")) ||
		    (err = pl__plan_up(p, fns, port)) ||
		    (err = pl__plan_addr(p, fns, port, t->fabric.ip, 32)) ||
		    (err = pl__plan_route(p, fns, port, t->nodes[i].underlay_ip, 32, 0, false)))
			return err;
	}
	return 0;
}

/* The fabric's table: one route per pod IP, via the node that holds it. */
int pl__plan_fabric_routes(struct pl_plan *p)
{
	const struct topo *t = p->topo;
	char port[PL_IFNAMSIZ];
	int i, err;

	if (p->fabric_ns < 0)
		return 0;
	for (i = 0; i < t->npods; i++) {
		const struct topo_pod *pod = &t->pods[i];

		pl_fabric_port_name(t, pod->node, port, sizeof(port));
		if ((err = pl__plan_route(p, p->fabric_ns, port, pod->ip, 32,
					  t->nodes[pod->node].underlay_ip, false)))
			return err;
	}
	return 0;
}
