// SPDX-License-Identifier: GPL-2.0
/*
 * The IPv6 half of a dual-stack plan (ipFamilies names IPv6): sysctls in
 * podlab's own namespaces, the pods' /128 addresses behind fe80::1, the nodes'
 * host routes to them, uplink addresses and, natively routed, the routes to
 * the other nodes' podCIDRv6. vxlan needs no route: the datapath redirects
 * into the tunnel itself; legacy's kernel overlay does (plan_v6_legacy).
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
static struct pl_step *route6_step(struct pl_plan *p, int ns, const char *dev, const uint8_t *dst,
				   uint8_t plen, const uint8_t *gw)
{
	struct pl_step *s = pl__plan_add(p, PL_STEP_ROUTE6, ns, dev);

	if (!s)
		return NULL;
	memcpy(s->in6.ip, dst, 16);
	s->in6.plen = plen;
	if (gw)
		memcpy(s->in6.gw, gw, 16);
	return s;
}

static int route6(struct pl_plan *p, int ns, const char *dev, const uint8_t *dst, uint8_t plen,
		  const uint8_t *gw)
{
	return route6_step(p, ns, dev, dst, plen, gw) ? 0 : -ENOMEM;
}

/* On vxlan0 via gw (another node's vxlan0 link-local address), in table (0: main). */
static int route6_overlay(struct pl_plan *p, int ns, const uint8_t *dst, uint8_t plen,
			  const uint8_t *gw, uint32_t table)
{
	struct pl_step *s = route6_step(p, ns, "vxlan0", dst, plen, gw);

	if (!s)
		return -ENOMEM;
	s->in6.table = table;
	return 0;
}

void pl_plan_ll6(const uint8_t *mac, uint8_t *ip6)
{
	/* RFC 4291 modified EUI-64: what addrconf gives an Ethernet-like device. */
	memset(ip6, 0, 16);
	ip6[0] = 0xfe;
	ip6[1] = 0x80;
	ip6[8] = mac[0] ^ 0x02;
	ip6[9] = mac[1];
	ip6[10] = mac[2];
	ip6[11] = 0xff;
	ip6[12] = 0xfe;
	ip6[13] = mac[3];
	ip6[14] = mac[4];
	ip6[15] = mac[5];
}

/*
 * Legacy's IPv6 overlay, the twin of IPv4's: the node's ipv6 on vxlan0 (the
 * address MASQUERADE picks), each other node's podCIDRv6 via its vxlan0's
 * link-local address, resolved by a permanent neighbour (its vxlan0 MAC; the
 * IPv4 half made the fdb entry), the reply rule and table, and the ip6
 * masquerade. Not via its ipv6 onlink: the kernel refuses an IPv6 onlink
 * gateway that a connected route of another device (eth0's /64) covers.
 */
static int plan_v6_legacy(struct pl_plan *p, int i)
{
	const struct topo *t = p->topo;
	const struct topo_node *n = &t->nodes[i];
	int ns = p->node_ns[i], j, err;
	struct pl_step *s;
	uint8_t mac[6], ll[16];

	if ((err = addr6(p, ns, "vxlan0", n->underlay_ip6, 128)))
		return err;
	for (j = 0; j < t->nnodes; j++) {
		const struct topo_node *m = &t->nodes[j];

		if (j == i)
			continue;
		pl_plan_mac(3, j, mac);
		pl_plan_ll6(mac, ll);
		if ((err = neigh6(p, ns, "vxlan0", ll, mac)) ||
		    (err = route6_overlay(p, ns, m->pod_cidr6, m->pod_plen6, ll, 0)))
			return err;
	}
	if (t->nnodes < 2)
		return 0;
	/* Replies of pods to a masqueraded node ipv6 go back through the overlay too. */
	s = ADD(PL_STEP_RULE, ns, NULL);
	s->rule.v6 = true;
	memcpy(s->rule.src6, n->pod_cidr6, 16);
	s->rule.plen = n->pod_plen6;
	s->rule.table = PL_LEGACY_TABLE;
	s->rule.priority = PL_LEGACY_TABLE;
	for (j = 0; j < t->nnodes; j++) {
		if (j == i)
			continue;
		pl_plan_mac(3, j, mac);
		pl_plan_ll6(mac, ll);
		if ((err = route6_overlay(p, ns, t->nodes[j].underlay_ip6, 128, ll,
					  PL_LEGACY_TABLE)))
			return err;
	}
	s = ADD(PL_STEP_MASQUERADE, ns, NULL);
	s->masq.v6 = true;
	memcpy(s->masq.cidr6, n->pod_cidr6, 16);
	s->masq.plen = n->pod_plen6;
	snprintf(s->masq.oif, sizeof(s->masq.oif), "vxlan0");
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
	return t->routing == PL_ROUTING_LEGACY ? plan_v6_legacy(p, i) : 0;
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
