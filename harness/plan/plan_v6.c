// SPDX-License-Identifier: GPL-2.0
/*
 * The IPv6 half of a dual-stack plan (ipFamilies names IPv6): sysctls in
 * podlab's own namespaces, the pods' /128 addresses behind fe80::1, the nodes'
 * host routes to them, uplink addresses and, natively routed, the routes to
 * the other nodes' podCIDRv6. vxlan needs no route: the datapath redirects
 * into the tunnel itself.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "plan/plan.h"
#include "plan/plan_internal.h"

static int addr6(struct pl_plan *p, int ns, const char *dev, const uint8_t *ip, uint8_t plen)
{
	struct pl_step *s = ADD(PL_STEP_ADDR6, ns, dev);

	memcpy(s->in6.ip, ip, 16);
	s->in6.plen = plen;
	return 0;
}

static int neigh6(struct pl_plan *p, int ns, const char *dev, const uint8_t *ip, const uint8_t *mac)
{
	struct pl_step *s = ADD(PL_STEP_NEIGH6, ns, dev);

	memcpy(s->in6.ip, ip, 16);
	memcpy(s->in6.mac, mac, 6);
	return 0;
}

/* gw NULL: directly connected. */
static int route6(struct pl_plan *p, int ns, const char *dev, const uint8_t *dst, uint8_t plen,
		  const uint8_t *gw)
{
	struct pl_step *s = ADD(PL_STEP_ROUTE6, ns, dev);

	memcpy(s->in6.ip, dst, 16);
	s->in6.plen = plen;
	if (gw)
		memcpy(s->in6.gw, gw, 16);
	return 0;
}

int pl__plan_v6_sysctls(struct pl_plan *p)
{
	/* all/ for the devices there already, default/ for those made later. */
	static const char *const keys[] = {
		"net/ipv6/conf/all/disable_ipv6",
		"net/ipv6/conf/default/disable_ipv6",
		"net/ipv6/conf/all/accept_dad",
		"net/ipv6/conf/default/accept_dad",
	};
	unsigned int k;
	int i, err;

	if (!pl_topo_has_v6(p->topo))
		return 0;
	for (i = 0; i < p->nns; i++) {
		if (p->ns[i].role != PL_NS_NODE && p->ns[i].role != PL_NS_POD)
			continue;
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if ((err = pl__plan_sysctl(p, i, keys[k], "0")))
				return err;
		if (p->ns[i].role == PL_NS_NODE &&
		    (err = pl__plan_sysctl(p, i, "net/ipv6/conf/all/forwarding", "1")))
			return err;
	}
	return 0;
}

int pl__plan_v6_node(struct pl_plan *p, int i)
{
	const struct topo *t = p->topo;
	const struct topo_node *n = &t->nodes[i];
	static const uint8_t zero[16];
	int ns = p->node_ns[i], j, err;

	if (!pl_topo_has_v6(t) || !memcmp(n->underlay_ip6, zero, 16))
		return 0;
	if ((err = addr6(p, ns, "eth0", n->underlay_ip6, n->underlay_plen6)))
		return err;
	for (j = 0; j < t->nnodes && t->routing == PL_ROUTING_NATIVE; j++) {
		const struct topo_node *m = &t->nodes[j];

		if (j != i &&
		    (err = route6(p, ns, "eth0", m->pod_cidr6, m->pod_plen6, m->underlay_ip6)))
			return err;
	}
	return 0;
}

int pl__plan_v6_pod(struct pl_plan *p, int i)
{
	const struct topo *t = p->topo;
	const struct topo_pod *pod = &t->pods[i];
	int ns = p->pod_ns[i], nns = p->node_ns[pod->node], err;
	static const uint8_t any[16];
	uint8_t pmac[6], vmac[6], gw[16];
	char lxc[PL_IFNAMSIZ];

	if (!pl_topo_has_v6(t))
		return 0;
	inet_pton(AF_INET6, PL_POD_GW_IP6, gw);
	pl_pod_veth_name(t, i, lxc, sizeof(lxc));
	pl_plan_mac(0, i, pmac);
	pl_plan_mac(1, i, vmac);
	if ((err = addr6(p, ns, "eth0", pod->ip6, 128)) ||
	    (err = neigh6(p, ns, "eth0", gw, vmac)) || (err = route6(p, ns, "eth0", any, 0, gw)) ||
	    (err = neigh6(p, nns, lxc, pod->ip6, pmac)) ||
	    (err = route6(p, nns, lxc, pod->ip6, 128, NULL)))
		return err;
	return 0;
}
