// SPDX-License-Identifier: GPL-2.0
/*
 * A node's IP stack for IPv6 where the kernel, not the datapath, forwards
 * it (what the datapath hands the stack, by the node's routes): legacy's overlay (ip6 rules, routes
 * via vxlan0 link-local next hops, their permanent neighbours and the fdb) and its ip6 MASQUERADE
 * with the reverse translation of replies, as stack() in walk_loc.c does for IPv4.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pkt.h"
#include "topo/topo_v6.h"
#include "walk_flight.h"

/* The frame's IPv6 header and L4 as lib/pkt decoded them. */
struct ip6_view {
	uint8_t *ip; /* IPv6 header */
	uint8_t *l4;
	size_t l4_len, ip_len; /* ip_len: 40 + payload length */
	uint8_t proto;
	bool ports, fragment;
	uint16_t sport, dport;
};

static bool view6(uint8_t *frame, uint32_t len, struct ip6_view *v)
{
	struct pl_pkt_info pi;

	if (pl_pkt_parse(frame, len, &pi) || !pi.ipv6 || pi.vlan_tags)
		return false;
	v->ip = frame + pi.l3_off;
	v->l4 = frame + pi.l4_off;
	v->l4_len = pi.l4_len;
	v->ip_len = pi.ip_len;
	v->proto = pi.proto;
	v->fragment = pi.fragment;
	v->ports = pi.has_l4 && (pi.proto == IPPROTO_TCP || pi.proto == IPPROTO_UDP);
	v->sport = v->ports ? pi.sport : 0;
	v->dport = v->ports ? pi.dport : 0;
	return true;
}

/* TCP, UDP and ICMPv6 checksums cover the addresses: recomputed whole (UDP 0 stays 0). */
static void fix_l4_csum6(struct ip6_view *v)
{
	int off;
	uint16_t c;

	if (v->fragment)
		return;
	if (v->proto == IPPROTO_TCP && v->l4_len >= 20)
		off = 16;
	else if (v->proto == IPPROTO_UDP && v->l4_len >= 8)
		off = 6;
	else if (v->proto == IPPROTO_ICMPV6 && v->l4_len >= 4)
		off = 2;
	else
		return;
	if (v->proto == IPPROTO_UDP && !v->l4[6] && !v->l4[7])
		return;
	v->l4[off] = v->l4[off + 1] = 0;
	c = pl_csum_l4_6(v->ip + 8, v->ip + 24, v->proto, v->l4, v->l4_len);
	if (v->proto == IPPROTO_UDP && !c)
		c = 0xffff;
	v->l4[off] = c >> 8;
	v->l4[off + 1] = c & 0xff;
}

static void set_addr6(struct ip6_view *v, int off, const uint8_t *ip6)
{
	memcpy(v->ip + off, ip6, 16);
	fix_l4_csum6(v);
}

static bool is_local6(const struct sim_node *n, const uint8_t *ip6)
{
	int i;

	for (i = 0; i < n->ndevs; i++)
		if (n->devs[i].has_addr6 && !memcmp(n->devs[i].addr6, ip6, 16))
			return true;
	return false;
}

/* A reply to a masqueraded flow: its destination back to the pod (conntrack). */
static void nat_reverse6(struct sim_flight *f, struct sim_node *n, struct ip6_view *v)
{
	char a[PL_ADDR_STRLEN], b[PL_ADDR_STRLEN];
	int i;

	for (i = 0; i < n->nnat6; i++) {
		const struct sim_nat6 *e = &n->nat6[i];

		if (e->proto != v->proto || memcmp(e->daddr, v->ip + 8, 16) ||
		    memcmp(e->to_saddr, v->ip + 24, 16) || e->dport != v->sport ||
		    e->sport != v->dport)
			continue;
		pl_addr_str(AF_INET6, v->ip + 24, a);
		set_addr6(v, 24, e->saddr);
		pl_sim_fl_step(f, SIM_STEP_NAT, f->node, "",
			       "reverse MASQUERADE (conntrack, ip6): destination %s → %s", a,
			       pl_addr_str(AF_INET6, e->saddr, b));
		return;
	}
}

/* The plan's ip6 rule: own podCIDRv6 towards another node's podCIDRv6, out of masq6_dev. */
static void masquerade6(struct sim_walk *w, struct sim_flight *f, struct sim_node *n, int dev,
			struct ip6_view *v)
{
	const struct sim_dev *d = &n->devs[dev];
	char a[PL_ADDR_STRLEN], b[PL_ADDR_STRLEN];
	int dst_node = pl_topo_node_by_pod_ip6(&w->topo, v->ip + 24);
	struct sim_nat6 e = {0}, *g;

	if (!n->masq6 || dev != n->masq6_dev || !d->has_addr6 ||
	    !pl_topo_cidr6_contains(n->masq6_cidr, n->masq6_plen, v->ip + 8) || dst_node < 0 ||
	    dst_node == f->node)
		return;
	/* ipv6_dev_get_saddr: the out device's own global address (the node's ipv6). */
	memcpy(e.saddr, v->ip + 8, 16);
	memcpy(e.daddr, v->ip + 24, 16);
	memcpy(e.to_saddr, d->addr6, 16);
	e.proto = v->proto;
	e.sport = v->sport;
	e.dport = v->dport;
	if (n->nnat6 == n->capnat6) {
		int cap = n->capnat6 ? n->capnat6 * 2 : 16;

		g = realloc(n->nat6, cap * sizeof(*g));
		if (g) {
			n->nat6 = g;
			n->capnat6 = cap;
		}
	}
	if (n->nnat6 < n->capnat6)
		n->nat6[n->nnat6++] = e;
	pl_addr_str(AF_INET6, v->ip + 8, a);
	set_addr6(v, 8, d->addr6);
	f->res->masqueraded = true;
	pl_sim_fl_step(f, SIM_STEP_NAT, f->node, d->name,
		       "MASQUERADE (nftables ip6 postrouting, oif %s): source %s → %s", d->name, a,
		       pl_addr_str(AF_INET6, d->addr6, b));
}

/* Out of the classic vxlan0: permanent neighbour of the next hop, then its MAC's fdb entry. */
static void out_vxlan6(struct sim_flight *f, struct sim_node *n, int dev, const uint8_t *nh6)
{
	struct sim_dev *d = &n->devs[dev];
	int i, j;

	for (i = 0; i < n->nneighs6; i++)
		if (n->neighs6[i].dev == dev && !memcmp(n->neighs6[i].ip, nh6, 16))
			break;
	for (j = 0; i < n->nneighs6 && j < n->nfdb; j++)
		if (!memcmp(n->fdb[j].mac, n->neighs6[i].mac, 6))
			break;
	if (i == n->nneighs6 || j == n->nfdb || n->vxlan_external) {
		pl_sim_fl_kernel_drop(f, f->node, d->name, PL_DROP_STACK, 0,
				      "no IPv6 neighbour/fdb entry on the vxlan device");
		return;
	}
	memcpy(f->buf, n->neighs6[i].mac, 6);
	memcpy(f->buf + 6, d->mac, 6);
	f->tun_remote = n->fdb[j].ip;
	f->tun_vni = n->vxlan_vni;
	f->loc = LOC_VXLAN_TX;
}

bool pl_sim_stack6(struct sim_walk *w, struct sim_flight *f)
{
	static const uint8_t zero[16];
	struct sim_node *n = &w->nodes[f->node];
	char a[PL_ADDR_STRLEN], b[PL_ADDR_STRLEN], how[160];
	const struct sim_route6 *rt;
	const uint8_t *nh;
	struct ip6_view v;
	struct sim_step *s;
	uint8_t hop;
	int r;

	/* What the datapath hands the stack, the node's routes forward (legacy: all pod IPv6). */
	if (!view6(f->buf, f->len, &v))
		return false;
	nat_reverse6(f, n, &v);
	/* Multicast and link-local never leave the link: neighbour discovery, MLD, DAD. */
	if (is_local6(n, v.ip + 24) || v.ip[24] == 0xff ||
	    (v.ip[24] == 0xfe && (v.ip[25] & 0xc0) == 0x80)) {
		pl_sim_fl_step(f, SIM_STEP_DELIVER, f->node, "", "local delivery to %s's stack",
			       w->topo.nodes[f->node].name);
		pl_sim_fl_finish(f, SIM_DELIV_STACK, f->node);
		return true;
	}
	hop = v.ip[7];
	if (hop <= 1) {
		pl_sim_fl_kernel_drop(f, f->node, "", PL_DROP_TTL_EXCEEDED, 0,
				      "ip6_forward: hop limit exceeded (ICMPv6 time exceeded)");
		return true;
	}
	r = pl_sim_route6_lookup_from(n, v.ip + 8, v.ip + 24);
	if (r < 0) {
		pl_sim_fl_kernel_drop(f, f->node, "", PL_DROP_NO_ROUTE, 0,
				      "ip6_forward: no route (ICMPv6 destination unreachable)");
		return true;
	}
	rt = &n->routes6[r];
	nh = memcmp(rt->gw, zero, 16) ? rt->gw : v.ip + 24;
	if (v.ip_len > n->devs[rt->dev].mtu) {
		pl_sim_fl_kernel_drop(
			f, f->node, n->devs[rt->dev].name, PL_DROP_MTU_EXCEEDED,
			n->devs[rt->dev].mtu,
			"ip6_forward: larger than the route's MTU (ICMPv6 packet too big)");
		return true;
	}
	v.ip[7] = hop - 1; /* no header checksum in IPv6 */
	snprintf(how, sizeof(how), "route %s/%u%s%s dev %s%s", pl_addr_str(AF_INET6, rt->dst, a),
		 rt->plen, memcmp(rt->gw, zero, 16) ? " via " : "",
		 memcmp(rt->gw, zero, 16) ? pl_addr_str(AF_INET6, rt->gw, b) : "",
		 n->devs[rt->dev].name, rt->table ? " (table of an ip -6 rule)" : "");
	s = pl_sim_fl_step(f, SIM_STEP_STACK, f->node, n->devs[f->dev].name,
			   "ip6_forward: %s, hop limit %u → %u", how, hop, hop - 1);
	if (s)
		s->mtu = n->devs[rt->dev].mtu;
	masquerade6(w, f, n, rt->dev, &v);
	if (n->devs[rt->dev].kind == SIM_DEV_VXLAN)
		out_vxlan6(f, n, rt->dev, nh);
	else
		pl_sim_fl_out_dev6(w, f, rt->dev, nh, "neighbour");
	return true;
}
