// SPDX-License-Identifier: GPL-2.0
/* Compiles a topology model into the ordered build steps (see plan.h): pl_plan_build. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pkt.h"
#include "lib/log.h"
#include "plan/plan.h"
#include "plan/plan_internal.h"
#include "topo/policy_compile.h"
#include "topo/policy_l7.h"

uint32_t pl_node_ifindex(const struct topo *t, int node, uint32_t ifindex)
{
	uint32_t most = 0, block;
	int i;

	for (i = 0; i < t->nnodes; i++)
		if ((uint32_t)t->nodes[i].npods > most)
			most = t->nodes[i].npods;
	block = (PL_IFINDEX_POD_BASE - PL_IFINDEX_BASE + most + 15) / 16 * 16;
	return ifindex + (uint32_t)node * block;
}

uint32_t pl_pod_veth_ifindex(const struct topo *t, int pod)
{
	const struct topo_node *n = &t->nodes[t->pods[pod].node];
	int k;

	for (k = 0; k < n->npods; k++)
		if (n->pods[k] == pod)
			return pl_node_ifindex(t, t->pods[pod].node, PL_IFINDEX_POD_BASE + k);
	return 0;
}

static int node_by_underlay_ip(const struct topo *t, uint32_t ip)
{
	int i;

	for (i = 0; i < t->nnodes; i++)
		if (t->nodes[i].underlay_ip == ip)
			return i;
	return -1;
}

static int add_ns(struct pl_plan *p, enum pl_ns_role role, int index, const char *what)
{
	struct pl_ns *n = &p->ns[p->nns];
	int i;

	if (pl_netns_name(p->run, what, n->name, sizeof(n->name)))
		return -ENAMETOOLONG;
	for (i = 0; i < p->nns; i++)
		if (!strcmp(p->ns[i].name, n->name))
			return -EEXIST;
	n->role = role;
	n->index = index;
	return p->nns++;
}

/*
 * vxlan mode without the datapath: its kernel-only twin, Flannel's VXLAN backend.
 * Nothing in the kernel encapsulates for an external (collect_md) device, so the
 * twin's vxlan0 is a classic one (fixed VNI, local underlay IP) with static routes,
 * neighbours and fdb entries, like legacy mode without the MASQUERADE.
 */
static bool vxlan_twin(const struct pl_plan *p)
{
	return p->topo->routing == PL_ROUTING_VXLAN && !p->opts.datapath;
}

/*
 * ipip without the datapath: its kernel-only twin, Calico's IPIP layout. An ipip0
 * with the local node IP and any remote: a route's gateway (onlink) is the outer
 * destination the kernel's ipip_tunnel_xmit uses.
 */
static bool ipip_twin(const struct pl_plan *p)
{
	return p->topo->routing == PL_ROUTING_IPIP && !p->opts.datapath;
}

/* Whether node i's packets to node j's pods go in IP-in-IP (ipipMode CrossSubnet: across only). */
static bool ipip_to(const struct topo *t, int i, int j)
{
	return t->ipip_mode == TOPO_IPIP_ALWAYS || !pl_topo_same_subnet(t, i, j);
}

/* Routes, neighbours and fdb entries on a classic vxlan0 carry pod traffic between nodes. */
static bool kernel_overlay(const struct pl_plan *p)
{
	return p->topo->routing == PL_ROUTING_LEGACY || vxlan_twin(p);
}

/*
 * Overlay address of node n, on its vxlan0 (/32) and the next hop other nodes route
 * its pod CIDR via, onlink on vxlan0, resolved by a permanent neighbour (n's vxlan0
 * MAC) and an fdb entry (that MAC -> n's underlay IP). Legacy: the node's underlay
 * IP, so MASQUERADE out of vxlan0 rewrites pod sources to it. The vxlan twin: the pod
 * CIDR's network address (never a pod's: podCIDRs are /8../30), as Flannel gives
 * flannel.1; pod sources stay untouched.
 */
static uint32_t overlay_ip(const struct pl_plan *p, const struct topo_node *n)
{
	if (p->topo->routing == PL_ROUTING_LEGACY)
		return n->underlay_ip;
	return n->pod_cidr & htonl(~0u << (32 - n->pod_plen));
}

static int plan_namespaces(struct pl_plan *p)
{
	const struct topo *t = p->topo;
	int i, r;

	if (t->underlay == TOPO_UNDERLAY_SEGMENT) {
		if ((r = add_ns(p, PL_NS_SEGMENT, -1, "seg")) < 0)
			return r;
		p->seg_ns = r;
	}
	if (t->underlay == TOPO_UNDERLAY_FABRIC) {
		if ((r = add_ns(p, PL_NS_FABRIC, -1, TOPO_NETNS_FABRIC)) < 0)
			return r;
		p->fabric_ns = r;
	}
	if (t->world.present) {
		if ((r = add_ns(p, PL_NS_WORLD, -1, t->world.name ? t->world.name : "world")) < 0)
			return r;
		p->world_ns = r;
	}
	for (i = 0; i < t->nnodes; i++) {
		if ((r = add_ns(p, PL_NS_NODE, i, t->nodes[i].name)) < 0)
			return r;
		p->node_ns[i] = r;
	}
	for (i = 0; i < t->npods; i++) {
		if ((r = add_ns(p, PL_NS_POD, i, t->pods[i].name)) < 0)
			return r;
		p->pod_ns[i] = r;
	}
	for (i = 0; i < p->nns; i++)
		ADD(PL_STEP_NETNS, i, NULL);
	return pl__plan_v6_sysctls(p);
}

static int plan_underlay(struct pl_plan *p)
{
	const struct topo *t = p->topo;
	uint8_t m1[6], m2[6];
	char port[PL_IFNAMSIZ];
	int i, err;

	if (t->underlay == TOPO_UNDERLAY_FABRIC) {
		if ((err = pl__plan_fabric_ports(p)))
			return err;
	} else if (t->underlay == TOPO_UNDERLAY_P2P) {
		pl_plan_mac(2, 0, m1);
		pl_plan_mac(2, 1, m2);
		if ((err = pl__plan_veth(p, p->node_ns[0], "eth0",
					 pl_node_ifindex(t, 0, PL_IFINDEX_UPLINK), m1,
					 p->node_ns[1], "eth0",
					 pl_node_ifindex(t, 1, PL_IFINDEX_UPLINK), m2, t->mtu)))
			return err;
	} else {
		struct pl_step *s = ADD(PL_STEP_BRIDGE, p->seg_ns, "br0");

		s->ifindex = PL_IFINDEX_BRIDGE;
		s->mtu = t->mtu;
		for (i = 0; i < t->nnodes; i++) {
			if (strlen(t->nodes[i].name) + 2 < PL_IFNAMSIZ)
				snprintf(port, sizeof(port), "s-%s", t->nodes[i].name);
			else
				snprintf(port, sizeof(port), "s%d", i);
			pl_plan_mac(2, i, m1);
			pl_plan_mac(4, i, m2);
			if ((err = pl__plan_veth(p, p->node_ns[i], "eth0",
						 pl_node_ifindex(t, i, PL_IFINDEX_UPLINK), m1,
						 p->seg_ns, port, PL_IFINDEX_POD_BASE + i, m2,
						 t->mtu)))
				return err;
			s = ADD(PL_STEP_MASTER, p->seg_ns, port);
			snprintf(s->master, sizeof(s->master), "br0");
			ADD(PL_STEP_GRO, p->seg_ns, port);
			if ((err = pl__plan_up(p, p->seg_ns, port)))
				return err;
		}
		if ((err = pl__plan_up(p, p->seg_ns, "br0")))
			return err;
	}
	for (i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];

		ADD(PL_STEP_GRO, p->node_ns[i], "eth0");
		if ((err = pl__plan_up(p, p->node_ns[i], "eth0")) ||
		    (err = pl__plan_addr(p, p->node_ns[i], "eth0", n->underlay_ip,
					 n->underlay_plen ? n->underlay_plen : 24)))
			return err;
	}
	return 0;
}

/* World host: W/32 on its eth0, default via the gateway node's underlay IP. */
static int plan_world(struct pl_plan *p)
{
	const struct topo *t = p->topo;
	const struct topo_world *w = &t->world;
	int gw = w->node > 0 && w->node < t->nnodes ? w->node
						    : node_by_underlay_ip(t, w->gateway_node_ip);
	int i, err;
	uint32_t gwip;
	uint8_t m1[6], m2[6];
	struct pl_step *s;

	if (!w->present)
		return 0;
	if (gw < 0)
		gw = 0;
	gwip = t->nodes[gw].underlay_ip;
	pl_plan_mac(5, 0, m1);
	pl_plan_mac(5, 1, m2);
	if (t->underlay == TOPO_UNDERLAY_SEGMENT) {
		if ((err = pl__plan_veth(p, p->world_ns, "eth0", PL_IFINDEX_UPLINK, m1, p->seg_ns,
					 "sworld", PL_IFINDEX_SWORLD, m2, t->mtu)))
			return err;
		s = ADD(PL_STEP_MASTER, p->seg_ns, "sworld");
		snprintf(s->master, sizeof(s->master), "br0");
		if ((err = pl__plan_up(p, p->seg_ns, "sworld")))
			return err;
		for (i = 0; i < t->nnodes; i++)
			if ((err = pl__plan_route(p, p->node_ns[i], "eth0", w->ip, 32, 0, false)))
				return err;
	} else {
		if ((err = pl__plan_veth(p, p->world_ns, "eth0", PL_IFINDEX_UPLINK, m1,
					 p->node_ns[gw], "world0",
					 pl_node_ifindex(t, gw, PL_IFINDEX_WORLD), m2, t->mtu)))
			return err;
		if ((err = pl__plan_up(p, p->node_ns[gw], "world0")) ||
		    (err = pl__plan_addr(p, p->node_ns[gw], "world0", gwip, 32)) ||
		    (err = pl__plan_route(p, p->node_ns[gw], "world0", w->ip, 32, 0, false)))
			return err;
		for (i = 0; i < t->nnodes; i++)
			if (i != gw && (err = pl__plan_route(p, p->node_ns[i], "eth0", w->ip, 32,
							     gwip, false)))
				return err;
		if (p->fabric_ns >= 0) {
			char port[PL_IFNAMSIZ];

			pl_fabric_port_name(t, gw, port, sizeof(port));
			if ((err = pl__plan_route(p, p->fabric_ns, port, w->ip, 32, gwip, false)))
				return err;
		}
	}
	if ((err = pl__plan_up(p, p->world_ns, "eth0")) ||
	    (err = pl__plan_addr(p, p->world_ns, "eth0", w->ip, 32)) ||
	    (err = pl__plan_route(p, p->world_ns, "eth0", gwip, 32, 0, false)) ||
	    (err = pl__plan_route(p, p->world_ns, "eth0", 0, 0, gwip, false)))
		return err;
	return 0;
}

/*
 * ipipMode CrossSubnet puts nodes in several subnets of one segment: each
 * node reaches every other node's subnet on-link (as a router joining them
 * would let it), once per subnet.
 */
static int plan_other_subnets(struct pl_plan *p, int i)
{
	const struct topo *t = p->topo;
	int j, k, err;

	if (t->routing != PL_ROUTING_IPIP)
		return 0;
	for (j = 0; j < t->nnodes; j++) {
		const struct topo_node *m = &t->nodes[j];

		if (pl_topo_same_subnet(t, i, j))
			continue;
		for (k = 0; k < j; k++)
			if (!pl_topo_same_subnet(t, i, k) && pl_topo_same_subnet(t, k, j))
				break;
		if (k < j)
			continue;
		if ((err = pl__plan_route(
			     p, p->node_ns[i], "eth0",
			     htonl(ntohl(m->underlay_ip) & (~0u << (32 - m->underlay_plen))),
			     m->underlay_plen, 0, false)))
			return err;
	}
	return 0;
}

/*
 * VXLAN: the proxy answers from the node's stack, which (unlike from_pod) has
 * no way into the tunnel: a route per other node's pod CIDR into vxlan0 with
 * the tunnel metadata (the node's identity as VNI, as Cilium's host traffic
 * carries), next hop that node, whose vxlan0 MAC is its permanent neighbour.
 */
static int plan_proxy_tunnel(struct pl_plan *p, int i)
{
	const struct topo *t = p->topo;
	struct pl_step *s;
	uint8_t mac[6];
	int j, err;

	for (j = 0; j < t->nnodes; j++) {
		const struct topo_node *m = &t->nodes[j];

		if (j == i)
			continue;
		pl_plan_mac(3, j, mac);
		if ((err = pl__plan_neigh(p, PL_STEP_NEIGH, p->node_ns[i], "vxlan0", m->underlay_ip,
					  mac)) ||
		    (err = pl__plan_route(p, p->node_ns[i], "vxlan0", m->pod_cidr, m->pod_plen,
					  m->underlay_ip, true)))
			return err;
		s = &p->steps[p->nsteps - 1];
		s->route.encap_id = PL_ID_REMOTE_NODE;
		s->route.encap_dst = m->underlay_ip;
	}
	return 0;
}

/*
 * A node whose pods have proxied (L7) ports: packets the datapath steers to
 * the proxy carry PL_MARK_TO_PROXY, and this rule delivers them locally
 * (bpf_sk_assign needs the route to say local), as Cilium's table 2004.
 */
static int plan_proxy_route(struct pl_plan *p, int i)
{
	const struct topo *t = p->topo;
	struct policy_proxies pp;
	struct topo_pos bad;
	struct pl_step *s;
	int k, n = 0;

	if (pl_policy_proxies(t, &pp, &bad))
		return -EINVAL;
	for (k = 0; k < pp.n; k++)
		n += t->pods[pp.p[k].pod].node == i;
	pl_policy_proxies_free(&pp);
	if (!n)
		return 0;
	s = ADD(PL_STEP_RULE, p->node_ns[i], NULL);
	s->rule.fwmark = PL_MARK_TO_PROXY;
	s->rule.fwmask = PL_MARK_TO_PROXY_MASK;
	s->rule.table = PL_PROXY_TABLE;
	s->rule.priority = PL_PROXY_TABLE;
	s = ADD(PL_STEP_ROUTE, p->node_ns[i], "lo");
	s->ifindex = 1; /* lo is the first device of every namespace */
	s->route.local = true;
	s->route.table = PL_PROXY_TABLE;
	return t->routing == PL_ROUTING_VXLAN ? plan_proxy_tunnel(p, i) : 0;
}

static int plan_node(struct pl_plan *p, int i)
{
	const struct topo *t = p->topo;
	const struct topo_node *n = &t->nodes[i];
	int ns = p->node_ns[i], j, err = 0;
	struct pl_step *s;

	if ((err = pl__plan_sysctl(p, ns, "net/ipv4/ip_forward", "1")) ||
	    (err = plan_other_subnets(p, i)))
		return err;
	if (pl_topo_overlay(t)) {
		s = ADD(PL_STEP_VXLAN, ns, "vxlan0");
		s->ifindex = pl_node_ifindex(t, i, PL_IFINDEX_VXLAN);
		pl_plan_mac(3, i, s->mac);
		s->mtu = t->mtu - 50;
		s->vxlan.port = PL_VXLAN_PORT;
		s->vxlan.external = !kernel_overlay(p);
		if (!s->vxlan.external) {
			s->vxlan.vni = t->vni_base ? t->vni_base : 1;
			s->vxlan.local = n->underlay_ip;
			s->vxlan.link_ifindex = pl_node_ifindex(t, i, PL_IFINDEX_UPLINK);
		}
		if ((err = pl__plan_up(p, ns, "vxlan0")))
			return err;
	}
	if (kernel_overlay(p) && (err = pl__plan_addr(p, ns, "vxlan0", overlay_ip(p, n), 32)))
		return err;
	if (ipip_twin(p)) {
		s = ADD(PL_STEP_IPIP, ns, TOPO_IFNAME_IPIP);
		s->ifindex = pl_node_ifindex(t, i, PL_IFINDEX_IPIP);
		s->mtu = pl_topo_pod_mtu(t);
		s->ipip.local = n->underlay_ip;
		s->ipip.ttl = 64;
		/* The pod CIDR's network address, as Calico gives tunl0 one of the pool's. */
		if ((err = pl__plan_up(p, ns, TOPO_IFNAME_IPIP)) ||
		    (err = pl__plan_addr(p, ns, TOPO_IFNAME_IPIP,
					 n->pod_cidr & htonl(~0u << (32 - n->pod_plen)), 32)))
			return err;
	}
	for (j = 0; j < t->nnodes; j++) {
		const struct topo_node *m = &t->nodes[j];
		uint8_t mac[6];

		if (j == i)
			continue;
		if (ipip_twin(p) && ipip_to(t, i, j)) {
			err = pl__plan_route(p, ns, TOPO_IFNAME_IPIP, m->pod_cidr, m->pod_plen,
					     m->underlay_ip, true);
		} else if (t->routing == PL_ROUTING_NATIVE || t->routing == PL_ROUTING_IPIP) {
			/* ipip: the node's own traffic to pods; pods' is the datapath's. */
			err = pl__plan_route(p, ns, "eth0", m->pod_cidr, m->pod_plen,
					     m->underlay_ip, false);
		} else if (kernel_overlay(p)) {
			pl_plan_mac(3, j, mac);
			if ((err = pl__plan_neigh(p, PL_STEP_NEIGH, ns, "vxlan0", overlay_ip(p, m),
						  mac)) ||
			    (err = pl__plan_neigh(p, PL_STEP_FDB, ns, "vxlan0", m->underlay_ip,
						  mac)))
				return err;
			err = pl__plan_route(p, ns, "vxlan0", m->pod_cidr, m->pod_plen,
					     overlay_ip(p, m), true);
		}
		if (err)
			return err;
	}
	if (t->routing == PL_ROUTING_IPIP && t->nat_outgoing) {
		s = ADD(PL_STEP_MASQUERADE, ns, NULL);
		s->masq.cidr = n->pod_cidr;
		s->masq.plen = n->pod_plen;
		s->masq.outgoing = true;
	}
	if (t->routing == PL_ROUTING_LEGACY && t->nnodes > 1) {
		/*
		 * Replies of pods to a masqueraded node IP must go back through the
		 * overlay too, not bare on the underlay: pod sources use table 100.
		 */
		s = ADD(PL_STEP_RULE, ns, NULL);
		s->rule.src = n->pod_cidr;
		s->rule.plen = n->pod_plen;
		s->rule.table = PL_LEGACY_TABLE;
		s->rule.priority = PL_LEGACY_TABLE;
		for (j = 0; j < t->nnodes; j++) {
			if (j == i)
				continue;
			if ((err = pl__plan_route(p, ns, "vxlan0", t->nodes[j].underlay_ip, 32,
						  t->nodes[j].underlay_ip, true)))
				return err;
			p->steps[p->nsteps - 1].route.table = PL_LEGACY_TABLE;
		}
		s = ADD(PL_STEP_MASQUERADE, ns, NULL);
		s->masq.cidr = n->pod_cidr;
		s->masq.plen = n->pod_plen;
		snprintf(s->masq.oif, sizeof(s->masq.oif), "vxlan0");
	}
	return p->opts.datapath ? plan_proxy_route(p, i) : 0;
}

static int plan_pod(struct pl_plan *p, int i)
{
	const struct topo *t = p->topo;
	const struct topo_pod *pod = &t->pods[i];
	int ns = p->pod_ns[i], nns = p->node_ns[pod->node], err;
	uint32_t mtu = pl_topo_pod_mtu(t);
	uint8_t pmac[6], vmac[6];
	char lxc[PL_IFNAMSIZ];

	pl_pod_veth_name(t, i, lxc, sizeof(lxc));
	pl_plan_mac(0, i, pmac);
	pl_plan_mac(1, i, vmac);
	if ((err = pl__plan_veth(p, ns, "eth0", PL_IFINDEX_UPLINK, pmac, nns, lxc,
				 pl_pod_veth_ifindex(t, i), vmac, mtu)))
		return err;
	ADD(PL_STEP_GRO, nns, lxc);
	if ((err = pl__plan_up(p, nns, lxc)) || (err = pl__plan_up(p, ns, "eth0")) ||
	    (err = pl__plan_addr(p, ns, "eth0", pod->ip, 32)) ||
	    (err = pl__plan_neigh(p, PL_STEP_NEIGH, ns, "eth0", htonl(PL_POD_GW_IP), vmac)) ||
	    (err = pl__plan_route(p, ns, "eth0", 0, 0, htonl(PL_POD_GW_IP), true)) ||
	    (err = pl__plan_neigh(p, PL_STEP_NEIGH, nns, lxc, pod->ip, pmac)) ||
	    (err = pl__plan_route(p, nns, lxc, pod->ip, 32, 0, false)))
		return err;
	return 0;
}

static int check_layout(const struct pl_plan *p)
{
	const struct topo *t = p->topo;

	if (t->underlay == TOPO_UNDERLAY_FABRIC && t->routing != PL_ROUTING_FABRIC) {
		pl_err("%s: a fabric underlay comes with routing fabric only",
		       t->file ? t->file : "topology");
		return -EINVAL;
	}
	if (t->underlay == TOPO_UNDERLAY_P2P && t->nnodes != 2) {
		pl_err("%s: a point-to-point underlay needs exactly 2 nodes, not %d (use a "
		       "segment)",
		       t->file ? t->file : "topology", t->nnodes);
		return -EINVAL;
	}
	if (pl_topo_has_v6(t) && vxlan_twin(p)) {
		pl_err("%s: IPv6 with routing vxlan needs the datapath: its kernel-only twin "
		       "carries IPv4 only (not supported yet)",
		       t->file ? t->file : "topology");
		return -EINVAL;
	}
	if (pl_topo_overlay(t) && t->mtu <= 50 + 68) {
		pl_err("%s: mtu %u leaves no room for VXLAN", t->file ? t->file : "topology",
		       t->mtu);
		return -EINVAL;
	}
	return 0;
}

uint32_t pl_plan_ifindex(const struct pl_plan *p, int ns, const char *dev)
{
	int i;

	if (!strcmp(dev, "lo"))
		return 1;
	for (i = 0; i < p->nsteps; i++) {
		const struct pl_step *s = &p->steps[i];

		if (s->kind != PL_STEP_VETH && s->kind != PL_STEP_BRIDGE &&
		    s->kind != PL_STEP_VXLAN && s->kind != PL_STEP_IPIP)
			continue;
		if (s->ns == ns && !strcmp(s->dev, dev))
			return s->ifindex;
		if (s->kind == PL_STEP_VETH && s->peer.ns == ns && !strcmp(s->peer.dev, dev))
			return s->peer.ifindex;
	}
	return 0;
}

/* Fills the fixed ifindex of the device each step works on. */
static int resolve_ifindexes(struct pl_plan *p)
{
	int i;

	for (i = 0; i < p->nsteps; i++) {
		struct pl_step *s = &p->steps[i];

		if (!s->dev[0] || s->ifindex)
			continue;
		s->ifindex = pl_plan_ifindex(p, s->ns, s->dev);
		if (!s->ifindex) {
			pl_err("plan: step %s refers to unknown device %s in %s",
			       pl_step_kind_name(s->kind), s->dev, p->ns[s->ns].name);
			return -EINVAL;
		}
	}
	return 0;
}

int pl_plan_build(const struct topo *t, const char *run, const struct pl_plan_opts *opts,
		  struct pl_plan **out)
{
	struct pl_plan *p;
	int i, err = -ENOMEM;

	*out = NULL;
	if (!pl_run_id_valid(run)) {
		pl_err("run id '%s': want 1-%d characters of [a-z0-9]", run ? run : "",
		       PL_RUN_ID_MAX - 2);
		return -EINVAL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	snprintf(p->run, sizeof(p->run), "%s", run);
	snprintf(p->pin_dir, sizeof(p->pin_dir), "%s/%s", PL_BPFFS_ROOT, run);
	p->topo = t;
	if (opts)
		p->opts = *opts;
	p->seg_ns = p->world_ns = p->fabric_ns = -1;
	p->ns = calloc(t->nnodes + t->npods + 3, sizeof(*p->ns));
	p->node_ns = calloc(t->nnodes + 1, sizeof(int));
	p->pod_ns = calloc(t->npods + 1, sizeof(int));
	if (!p->ns || !p->node_ns || !p->pod_ns)
		goto out;
	if ((err = check_layout(p)))
		goto out;
	err = plan_namespaces(p);
	if (err == -ENAMETOOLONG || err == -EEXIST) {
		pl_err("%s: namespace names of run %s: %s", t->file ? t->file : "topology", run,
		       err == -EEXIST ? "two objects share a name (seg, world, node, pod names "
					"must differ, fabric is reserved)"
				      : "name too long");
		goto out;
	}
	if (err || (err = plan_underlay(p)) || (err = plan_world(p)))
		goto out;
	for (i = 0; i < t->nnodes && !err; i++)
		if (!(err = plan_node(p, i)))
			err = pl__plan_v6_node(p, i);
	for (i = 0; i < t->npods && !err; i++)
		if (!(err = plan_pod(p, i)))
			err = pl__plan_v6_pod(p, i);
	if (!err)
		err = pl__plan_fabric_routes(p);
	for (i = 0; i < t->nlinks && !err; i++)
		err = pl__plan_qdisc(p, &t->links[i]);
	for (i = 0; i < t->nnodes && !err && p->opts.datapath; i++)
		err = pl__plan_datapath(p, i);
	if (!err)
		err = pl__plan_user_programs(p);
	if (!err)
		err = pl__plan_nginx(p);
	if (!err)
		err = resolve_ifindexes(p);
	/* Once for every node's maps step, the printer and status: the input is the same. */
	if (!err && p->opts.datapath && (err = pl_policy_compile(t, &p->policy)))
		pl_err_errno(err, "compiling the policies");
out:
	if (err) {
		pl_plan_free(p);
		return err;
	}
	*out = p;
	return 0;
}

void pl_plan_free(struct pl_plan *p)
{
	if (!p)
		return;
	free(p->steps);
	free(p->ns);
	free(p->node_ns);
	free(p->pod_ns);
	pl_policy_set_free(p->policy);
	free(p);
}
