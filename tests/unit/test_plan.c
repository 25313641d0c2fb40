// SPDX-License-Identifier: GPL-2.0
/*
 * The build plan as data, without root: for every shipped topology in every
 * routing mode, the plan holds each object `podlab up` creates, in an order
 * the kernel accepts (namespace before its devices, device before its
 * addresses, routes after their device is up, datapath load before attach).
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "plan_test_util.h"
#include "test.h"
#include "topo/policy_l7.h"

#define RUN PLAN_TEST_RUN

/* xdp_prefilter belongs on the uplinks only where prefilter rules exist. */
static bool plan_wants_xdp(const struct pl_plan *p)
{
	return p->topo->nprefilter > 0 || p->opts.xdp_prefilter;
}

/* Node i has proxied (L7) ports and a datapath that steers to its proxy. */
static bool proxy_node(const struct topo *t, int i, bool datapath)
{
	struct policy_proxies pp;
	struct topo_pos bad;
	bool found;
	int k;

	if (!datapath || pl_policy_proxies(t, &pp, &bad))
		return false;
	for (k = 0; k < pp.n && t->pods[pp.p[k].pod].node != i; k++)
		;
	found = k < pp.n;
	pl_policy_proxies_free(&pp);
	return found;
}

/* Nodes with proxied (L7) ports: a fwmark rule and a local route each, with the datapath. */
static int proxy_nodes(const struct topo *t, bool datapath)
{
	int i, n = 0;

	for (i = 0; i < t->nnodes; i++)
		n += proxy_node(t, i, datapath);
	return n;
}

/* Step count per kind, from the topology alone (what `up` must create). */
static void check_counts(const struct pl_plan *p, const struct topo *t, bool datapath)
{
	int nn = t->nnodes, np = t->npods, w = t->world.present, i, nq = 0, ncls = 0, nflt = 0;
	bool seg = t->underlay == TOPO_UNDERLAY_SEGMENT, native = t->routing == PL_ROUTING_NATIVE,
	     legacy = t->routing == PL_ROUTING_LEGACY;
	/* Routes, neighbours and fdb entries on a classic vxlan0: legacy, and vxlan's twin. */
	bool overlay = legacy || (t->routing == PL_ROUTING_VXLAN && !datapath);
	int routes = 2 * np + (w ? nn + 2 : 0);
	/* vxlan with the datapath: a proxy's node routes into the tunnel, a neighbour per node */
	int tunnel = t->routing == PL_ROUTING_VXLAN ? proxy_nodes(t, datapath) * (nn - 1) : 0;

	if (native || overlay)
		routes += nn * (nn - 1);
	if (legacy)
		routes += nn * (nn - 1);
	for (i = 0; i < t->nlinks; i++) {
		const struct topo_qdisc *q = &t->links[i].qdisc;
		int c;

		if (q->kind == TOPO_QDISC_NONE)
			continue;
		nq++;
		if (q->kind != TOPO_QDISC_HTB)
			continue;
		ncls += 1 + q->htb.nclasses;
		for (c = 0; c < q->htb.nclasses; c++)
			nflt += q->htb.classes[c].nmatches;
	}
	ASSERT_EQ(p->nns, nn + np + seg + w, "one namespace per node, pod, segment, world");
	ASSERT_EQ(plan_count(p, PL_STEP_NETNS), p->nns, "a netns step per namespace");
	ASSERT_EQ(plan_count(p, PL_STEP_VETH), np + (seg ? nn : 1) + w, "veth pairs");
	ASSERT_EQ(plan_count(p, PL_STEP_BRIDGE), seg, "the segment bridge");
	ASSERT_EQ(plan_count(p, PL_STEP_MASTER), seg ? nn + w : 0, "bridge ports");
	ASSERT_EQ(plan_count(p, PL_STEP_VXLAN), native ? 0 : nn, "vxlan0 only in vxlan and legacy");
	ASSERT_EQ(plan_count(p, PL_STEP_GRO), np + nn + (seg ? nn : 0), "gro on veths XDP sees");
	ASSERT_EQ(plan_count(p, PL_STEP_ADDR),
		  np + nn + (overlay ? nn : 0) + (w ? (seg ? 1 : 2) : 0), "addresses");
	ASSERT_EQ(plan_count(p, PL_STEP_NEIGH), 2 * np + (overlay ? nn * (nn - 1) : 0) + tunnel,
		  "neighbours");
	ASSERT_EQ(plan_count(p, PL_STEP_FDB), overlay ? nn * (nn - 1) : 0,
		  "fdb entries only in legacy and the vxlan twin");
	ASSERT_EQ(plan_count(p, PL_STEP_ROUTE), routes + proxy_nodes(t, datapath) + tunnel,
		  "routes (and the proxy's local table and tunnel)");
	ASSERT_EQ(plan_count(p, PL_STEP_RULE),
		  (legacy && nn > 1 ? nn : 0) + proxy_nodes(t, datapath),
		  "rules in legacy, and the proxy's fwmark rule");
	ASSERT_EQ(plan_count(p, PL_STEP_SYSCTL), nn, "ip_forward per node");
	ASSERT_EQ(plan_count(p, PL_STEP_MASQUERADE), legacy && nn > 1 ? nn : 0,
		  "masquerade only in legacy");
	ASSERT_EQ(plan_count(p, PL_STEP_QDISC), nq, "a qdisc per shaped link");
	ASSERT_EQ(plan_count(p, PL_STEP_HTB_CLASS), ncls, "htb classes (root + each)");
	ASSERT_EQ(plan_count(p, PL_STEP_U32_FILTER), nflt, "a u32 filter per match");
	ASSERT_EQ(plan_count(p, PL_STEP_DATAPATH), datapath ? nn : 0, "a datapath per node");
	ASSERT_EQ(plan_count(p, PL_STEP_MAPS), datapath ? nn : 0, "maps per node");
	ASSERT_EQ(plan_count(p, PL_STEP_ATTACH),
		  datapath ? np + nn * (native ? 1 : 2) + (plan_wants_xdp(p) ? nn : 0) : 0,
		  "attachments: from_pod per pod, from_network (+ xdp with prefilter rules) per "
		  "uplink, from_overlay");
}

static void check_pod(const struct pl_plan *p, const struct topo *t, int i)
{
	const struct topo_pod *pod = &t->pods[i];
	int ns = plan_ns(p, pod->name), nns = plan_ns(p, t->nodes[pod->node].name), v;
	uint32_t gw = htonl(PL_POD_GW_IP),
		 mtu = t->routing == PL_ROUTING_NATIVE ? t->mtu : t->mtu - 50;
	uint8_t pmac[6], vmac[6];
	char lxc[PL_IFNAMSIZ];
	const struct pl_step *s;

	pl_subtest("%s %s pod %s", t->name, pl_topo_routing_name(t->routing), pod->name);
	if (!ASSERT_GE(ns, 0, "pod namespace") || !ASSERT_GE(nns, 0, "node namespace"))
		return;
	ASSERT_EQ(p->ns[ns].role, PL_NS_POD, "pod role");
	ASSERT_EQ(p->pod_ns[i], ns, "pod_ns maps the pod");
	pl_pod_veth_name(t, i, lxc, sizeof(lxc));
	pl_plan_mac(0, i, pmac);
	pl_plan_mac(1, i, vmac);
	v = plan_find(p, PL_STEP_VETH, ns, "eth0");
	if (!ASSERT_GE(v, 0, "pod veth"))
		return;
	s = &p->steps[v];
	ASSERT_MEMEQ(s->mac, pmac, 6, "pod eth0 MAC");
	ASSERT_GT(s->ifindex, 1, "pod eth0 has a fixed ifindex");
	ASSERT_EQ(s->mtu, mtu, "pod MTU leaves room for the overlay");
	ASSERT_EQ(s->peer.ns, nns, "peer in the node");
	ASSERT_STREQ(s->peer.dev, lxc, "peer name lxc<pod>");
	ASSERT_EQ(s->peer.ifindex, pl_pod_veth_ifindex(t, i), "peer ifindex");
	ASSERT_MEMEQ(s->peer.mac, vmac, 6, "node-side MAC");
	ASSERT_GE(plan_find(p, PL_STEP_GRO, nns, lxc), 0, "gro on lxc");
	ASSERT_GE(plan_find(p, PL_STEP_LINK_UP, nns, lxc), 0, "lxc up");
	ASSERT_GE(plan_find(p, PL_STEP_LINK_UP, ns, "eth0"), 0, "pod eth0 up");
	ASSERT_GE(plan_find_addr(p, ns, "eth0", pod->ip, 32), 0, "pod IP/32");
	ASSERT_GE(plan_find_neigh(p, PL_STEP_NEIGH, ns, "eth0", gw, vmac), 0, "gateway neighbour");
	v = plan_find_route(p, ns, "eth0", 0, 0, gw, 0);
	if (ASSERT_GE(v, 0, "default route via 169.254.1.1"))
		ASSERT_TRUE(p->steps[v].route.onlink, "onlink");
	ASSERT_GE(plan_find_neigh(p, PL_STEP_NEIGH, nns, lxc, pod->ip, pmac), 0, "node neighbour");
	ASSERT_GE(plan_find_route(p, nns, lxc, pod->ip, 32, 0, 0), 0, "node route to the pod");
}

static void check_node(const struct pl_plan *p, const struct topo *t, int i, bool datapath)
{
	const struct topo_node *n = &t->nodes[i];
	int ns = plan_ns(p, n->name), j, v, k;
	bool native = t->routing == PL_ROUTING_NATIVE, legacy = t->routing == PL_ROUTING_LEGACY;
	bool twin = t->routing == PL_ROUTING_VXLAN && !datapath;
	uint32_t net = n->pod_cidr & htonl(~0u << (32 - n->pod_plen));
	uint8_t mac[6];
	const struct pl_step *s;

	pl_subtest("%s %s%s node %s", t->name, pl_topo_routing_name(t->routing),
		   datapath ? "" : " no-datapath", n->name);
	if (!ASSERT_GE(ns, 0, "node namespace"))
		return;
	ASSERT_EQ(p->ns[ns].role, PL_NS_NODE, "node role");
	v = plan_created(p, ns, "eth0");
	if (ASSERT_GE(v, 0, "uplink eth0")) {
		s = &p->steps[v];
		pl_plan_mac(2, i, mac);
		ASSERT_EQ(s->ns == ns ? s->ifindex : s->peer.ifindex,
			  pl_node_ifindex(t, i, PL_IFINDEX_UPLINK), "uplink ifindex");
		ASSERT_MEMEQ(s->ns == ns ? s->mac : s->peer.mac, mac, 6, "uplink MAC");
	}
	ASSERT_GE(plan_find(p, PL_STEP_GRO, ns, "eth0"), 0, "gro on the uplink");
	ASSERT_GE(plan_find(p, PL_STEP_LINK_UP, ns, "eth0"), 0, "uplink up");
	ASSERT_GE(plan_find_addr(p, ns, "eth0", n->underlay_ip,
				 n->underlay_plen ? n->underlay_plen : 24),
		  0, "underlay address");
	v = plan_find(p, PL_STEP_SYSCTL, ns, NULL);
	if (ASSERT_GE(v, 0, "sysctl"))
		ASSERT_STREQ(p->steps[v].sysctl.key, "net/ipv4/ip_forward", "ip_forward");
	v = plan_find(p, PL_STEP_VXLAN, ns, "vxlan0");
	if (native) {
		ASSERT_EQ(v, -1, "no vxlan0 in native");
	} else if (ASSERT_GE(v, 0, "vxlan0")) {
		s = &p->steps[v];
		pl_plan_mac(3, i, mac);
		ASSERT_EQ(s->ifindex, pl_node_ifindex(t, i, PL_IFINDEX_VXLAN), "vxlan0 ifindex");
		ASSERT_MEMEQ(s->mac, mac, 6, "vxlan0 MAC");
		ASSERT_EQ(s->vxlan.external, !legacy && !twin,
			  "collect_md only in vxlan mode with the datapath");
		ASSERT_EQ(s->vxlan.port, PL_VXLAN_PORT, "port 4789");
		ASSERT_GE(plan_find(p, PL_STEP_LINK_UP, ns, "vxlan0"), 0, "vxlan0 up");
		if (legacy || twin) {
			ASSERT_EQ(s->vxlan.local, n->underlay_ip, "classic: local underlay IP");
			ASSERT_EQ(s->vxlan.vni, 1, "classic: VNI 1");
			ASSERT_EQ(s->vxlan.link_ifindex, pl_node_ifindex(t, i, PL_IFINDEX_UPLINK),
				  "classic: over eth0");
		}
	}
	if (legacy)
		ASSERT_GE(plan_find_addr(p, ns, "vxlan0", n->underlay_ip, 32), 0,
			  "legacy vxlan0 /32");
	if (twin)
		ASSERT_GE(plan_find_addr(p, ns, "vxlan0", net, 32), 0,
			  "vxlan twin: vxlan0 holds the pod CIDR's network address (Flannel)");
	for (j = 0; j < t->nnodes; j++) {
		const struct topo_node *m = &t->nodes[j];

		if (j == i)
			continue;
		v = plan_find_route(p, ns, NULL, m->pod_cidr, m->pod_plen, m->underlay_ip, 0);
		if (native) {
			ASSERT_TRUE(v >= 0 && !strcmp(p->steps[v].dev, "eth0"),
				    "native: remote pod CIDR via its node on eth0");
		} else if (legacy) {
			pl_plan_mac(3, j, mac);
			ASSERT_TRUE(v >= 0 && !strcmp(p->steps[v].dev, "vxlan0") &&
					    p->steps[v].route.onlink,
				    "legacy: remote pod CIDR onlink on vxlan0");
			ASSERT_GE(plan_find_neigh(p, PL_STEP_NEIGH, ns, "vxlan0", m->underlay_ip,
						  mac),
				  0, "legacy: neighbour of the remote vxlan0");
			ASSERT_GE(
				plan_find_neigh(p, PL_STEP_FDB, ns, "vxlan0", m->underlay_ip, mac),
				0, "legacy: fdb to the remote node");
			ASSERT_GE(plan_find_route(p, ns, "vxlan0", m->underlay_ip, 32,
						  m->underlay_ip, PL_LEGACY_TABLE),
				  0, "legacy: table 100 route to the remote node");
		} else if (twin) {
			uint32_t gw = m->pod_cidr & htonl(~0u << (32 - m->pod_plen));

			pl_plan_mac(3, j, mac);
			v = plan_find_route(p, ns, "vxlan0", m->pod_cidr, m->pod_plen, gw, 0);
			ASSERT_TRUE(v >= 0 && p->steps[v].route.onlink,
				    "vxlan twin: remote pod CIDR via its network address onlink");
			ASSERT_GE(plan_find_neigh(p, PL_STEP_NEIGH, ns, "vxlan0", gw, mac), 0,
				  "vxlan twin: neighbour of the remote vxlan0");
			ASSERT_GE(
				plan_find_neigh(p, PL_STEP_FDB, ns, "vxlan0", m->underlay_ip, mac),
				0, "vxlan twin: fdb to the remote node");
		} else if (proxy_node(t, i, datapath)) {
			pl_plan_mac(3, j, mac);
			v = plan_find_route(p, ns, "vxlan0", m->pod_cidr, m->pod_plen,
					    m->underlay_ip, 0);
			ASSERT_TRUE(v >= 0 && p->steps[v].route.onlink &&
					    p->steps[v].route.encap_dst == m->underlay_ip &&
					    p->steps[v].route.encap_id == PL_ID_REMOTE_NODE,
				    "vxlan, a proxy's node: remote pod CIDR into the tunnel to its "
				    "node");
			ASSERT_GE(plan_find_neigh(p, PL_STEP_NEIGH, ns, "vxlan0", m->underlay_ip,
						  mac),
				  0, "vxlan, a proxy's node: neighbour of the remote vxlan0");
		} else {
			ASSERT_EQ(v, -1, "vxlan: no kernel route to remote pods (BPF redirects)");
		}
	}
	v = plan_find(p, PL_STEP_MASQUERADE, ns, NULL);
	if (legacy) {
		if (ASSERT_GE(v, 0, "legacy masquerade")) {
			ASSERT_EQ(p->steps[v].masq.cidr, n->pod_cidr, "masquerades the pod CIDR");
			ASSERT_STREQ(p->steps[v].masq.oif, "vxlan0", "out of vxlan0");
		}
		v = plan_find(p, PL_STEP_RULE, ns, NULL);
		if (ASSERT_GE(v, 0, "legacy rule"))
			ASSERT_EQ(p->steps[v].rule.table, PL_LEGACY_TABLE, "rule to table 100");
	} else {
		ASSERT_EQ(v, -1, "no masquerade outside legacy");
	}
	if (!datapath) {
		ASSERT_EQ(plan_find(p, PL_STEP_DATAPATH, ns, NULL), -1, "no datapath without it");
		return;
	}
	ASSERT_GE(plan_find(p, PL_STEP_DATAPATH, ns, NULL), 0, "datapath load");
	ASSERT_GE(plan_find(p, PL_STEP_MAPS, ns, NULL), 0, "maps");
	for (k = 0; k < n->npods; k++) {
		char lxc[PL_IFNAMSIZ];

		pl_pod_veth_name(t, n->pods[k], lxc, sizeof(lxc));
		ASSERT_GE(plan_find_attach(p, i, lxc, TOPO_HOOK_TC_INGRESS, PL_PROG_FROM_POD), 0,
			  "from_pod on the pod's veth");
	}
	ASSERT_GE(plan_find_attach(p, i, "eth0", TOPO_HOOK_TC_INGRESS, PL_PROG_FROM_NETWORK), 0,
		  "from_network on the uplink");
	if (plan_wants_xdp(p))
		ASSERT_GE(plan_find_attach(p, i, "eth0", TOPO_HOOK_XDP, PL_PROG_XDP_PREFILTER), 0,
			  "xdp_prefilter on the uplink (prefilter rules exist)");
	else
		ASSERT_EQ(plan_find_attach(p, i, "eth0", TOPO_HOOK_XDP, PL_PROG_XDP_PREFILTER), -1,
			  "no xdp_prefilter without prefilter rules (it costs the peer TSO/GRO)");
	v = plan_find_attach(p, i, "vxlan0", TOPO_HOOK_TC_INGRESS, PL_PROG_FROM_OVERLAY);
	if (native)
		ASSERT_EQ(v, -1, "no from_overlay in native");
	else
		ASSERT_GE(v, 0, "from_overlay on vxlan0");
}

/* Each step comes after what the kernel needs first. */
static void check_order(const struct pl_plan *p)
{
	int i, c, u, dp;

	for (i = 0; i < p->nsteps; i++) {
		const struct pl_step *s = &p->steps[i];
		bool creates = s->kind == PL_STEP_VETH || s->kind == PL_STEP_BRIDGE ||
			       s->kind == PL_STEP_VXLAN;

		pl_subtest("%s %s step %d %s %s in %s", p->topo->name,
			   pl_topo_routing_name(p->topo->routing), i, pl_step_kind_name(s->kind),
			   s->dev, p->ns[s->ns].name);
		if (s->kind == PL_STEP_NETNS)
			continue;
		ASSERT_LT(plan_find(p, PL_STEP_NETNS, s->ns, NULL), i, "its netns first");
		if (s->kind == PL_STEP_VETH)
			ASSERT_LT(plan_find(p, PL_STEP_NETNS, s->peer.ns, NULL), i,
				  "the peer's netns first");
		/* lo: the netns step brings it up. */
		if (s->dev[0] && !creates && strcmp(s->dev, "lo")) {
			c = plan_created(p, s->ns, s->dev);
			ASSERT_TRUE(c >= 0 && c < i, "its device first");
		}
		if (s->dev[0])
			ASSERT_EQ(s->ifindex, pl_plan_ifindex(p, s->ns, s->dev),
				  "resolved ifindex");
		if (s->kind == PL_STEP_ROUTE && strcmp(s->dev, "lo")) {
			u = plan_find(p, PL_STEP_LINK_UP, s->ns, s->dev);
			ASSERT_TRUE(u >= 0 && u < i, "its device up first");
		}
		if (s->kind == PL_STEP_MASTER) {
			c = plan_created(p, s->ns, s->master);
			ASSERT_TRUE(c >= 0 && c < i, "the bridge first");
		}
		if (s->kind == PL_STEP_HTB_CLASS || s->kind == PL_STEP_U32_FILTER) {
			u = plan_find(p, PL_STEP_QDISC, s->ns, s->dev);
			ASSERT_TRUE(u >= 0 && u < i, "its qdisc first");
		}
		if (s->kind == PL_STEP_U32_FILTER) {
			ASSERT_TRUE(p->steps[i - 1].kind == PL_STEP_U32_FILTER ||
					    p->steps[i - 1].kind == PL_STEP_HTB_CLASS,
				    "filters after the classes");
		}
		if ((s->kind == PL_STEP_ATTACH && s->attach.user < 0) || s->kind == PL_STEP_MAPS) {
			dp = plan_find(p, PL_STEP_DATAPATH, s->ns, NULL);
			ASSERT_TRUE(dp >= 0 && dp < i, "datapath loaded first");
		}
		if (s->kind == PL_STEP_MAPS) {
			c = plan_find(p, PL_STEP_ATTACH, s->ns, NULL);
			ASSERT_TRUE(c >= 0 && c < i, "maps after the attachments");
		}
	}
}

static void check_world(const struct pl_plan *p, const struct topo *t)
{
	const struct topo_world *w = &t->world;
	int ns, i;

	if (!w->present) {
		ASSERT_EQ(p->world_ns, -1, "no world");
		return;
	}
	ns = plan_ns(p, w->name ? w->name : "world");
	pl_subtest("%s %s world", t->name, pl_topo_routing_name(t->routing));
	if (!ASSERT_GE(ns, 0, "world namespace"))
		return;
	ASSERT_EQ(p->world_ns, ns, "world_ns");
	ASSERT_EQ(p->ns[ns].role, PL_NS_WORLD, "world role");
	ASSERT_GE(plan_find(p, PL_STEP_VETH, ns, "eth0"), 0, "world veth");
	ASSERT_GE(plan_find_addr(p, ns, "eth0", w->ip, 32), 0, "world IP/32");
	for (i = 0; i < p->nsteps; i++)
		if (p->steps[i].kind == PL_STEP_ROUTE && p->steps[i].ns == ns &&
		    !p->steps[i].route.plen && p->steps[i].route.gw)
			break;
	ASSERT_LT(i, p->nsteps, "world default route via its gateway node");
}

struct lasting {
	const struct pl_plan *p;
	int nns, npins;
	bool in_order;
};

static int lasting_cb(void *ctx, const char *kind, const char *value)
{
	struct lasting *l = ctx;

	if (!strcmp(kind, "netns")) {
		l->in_order &= l->nns < l->p->nns && !strcmp(value, l->p->ns[l->nns].name);
		l->nns++;
	} else if (!strcmp(kind, "pins")) {
		l->in_order &= !strcmp(value, l->p->pin_dir);
		l->npins++;
	}
	return 0;
}

/* Rollback removes exactly the namespaces and the pin directory the plan creates. */
static void check_lasting(const struct pl_plan *p, bool datapath)
{
	struct lasting l = {.p = p, .in_order = true};

	ASSERT_OK(pl_plan_lasting(p, lasting_cb, &l), "lasting objects");
	ASSERT_EQ(l.nns, p->nns, "rollback removes every namespace");
	ASSERT_EQ(l.npins, datapath, "and the pin directory, once, with the datapath");
	ASSERT_TRUE(l.in_order, "in creation order");
	ASSERT_STREQ(p->pin_dir, PL_BPFFS_ROOT "/" RUN, "pin directory of the run");
}

PL_TEST(unit, plan_every_topology_every_mode)
{
	int f, m, d;

	for (f = 0; topo_test_shipped_names[f]; f++) {
		for (m = 0; m < 3; m++) {
			for (d = 0; d < 2; d++) {
				struct topo *t;
				struct pl_plan *p;
				int i;

				pl_subtest("%s %s%s", topo_test_shipped_names[f],
					   pl_topo_routing_name(plan_modes[m]),
					   d ? "" : " no-datapath");
				p = plan_of(topo_test_shipped_names[f], plan_modes[m], d, &t);
				if (!p)
					continue;
				check_counts(p, t, d);
				for (i = 0; i < t->npods; i++)
					check_pod(p, t, i);
				for (i = 0; i < t->nnodes; i++)
					check_node(p, t, i, d);
				check_world(p, t);
				check_order(p);
				check_lasting(p, d);
				plan_done(p, t);
			}
		}
	}
}
