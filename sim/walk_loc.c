// SPDX-License-Identifier: GPL-2.0
/*
 * What happens at each location of the walk: the hooks (real programs) and
 * the kernel between them (veth, IP stack, MASQUERADE, VXLAN, MTU, wire).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pkt.h"
#include "lib/datapath.h"
#include "walk_flight.h"

#define ETH_HLEN_  14
#define VLAN_HLEN_ 4

static uint32_t mask_of(uint8_t plen)
{
	return plen ? htonl(~0u << (32 - plen)) : 0;
}

/* is_skb_forwardable(): what a veth (or bpf_redirect_peer) accepts into dev. */
static bool forwardable(uint32_t len, uint32_t mtu)
{
	return len <= mtu + ETH_HLEN_ + VLAN_HLEN_;
}

static struct sim_node *n_of(struct sim_walk *w, const struct sim_flight *f)
{
	return &w->nodes[f->node];
}

static int pod_lxc(const struct sim_walk *w, int pod)
{
	const struct sim_node *n = &w->nodes[w->topo.pods[pod].node];
	int i;

	for (i = 0; i < n->ndevs; i++)
		if (n->devs[i].kind == SIM_DEV_LXC && n->devs[i].pod == pod)
			return i;
	return -1;
}

static void pod_tx(struct sim_walk *w, struct sim_flight *f)
{
	int d = pod_lxc(w, f->pod);
	struct sim_dev *lxc = &w->nodes[f->node].devs[d];
	const char *pod = w->topo.pods[f->pod].name;
	struct sim_ip ip;
	struct sim_step *s;
	char why[SIM_WALK_TEXT];
	uint32_t len6 = pl_sim_v6_len_over(f->buf, f->len, lxc->mtu);

	if (len6) {
		/* IPv6 is never fragmented on the way: only a socket at the source could. */
		snprintf(why, sizeof(why),
			 "IPv6 length %u > MTU %u of %s's eth0: its stack refuses to send it "
			 "(a socket would fragment at the source: not modelled)",
			 len6, lxc->mtu, pod);
		pl_sim_fl_kernel_drop(f, f->node, pod, PL_DROP_MTU_EXCEEDED, lxc->mtu, why);
		return;
	}
	if (pl_sim_frame_ip(f->buf, f->len, &ip) && ip.tot_len > lxc->mtu) {
		snprintf(why, sizeof(why), "IPv4 length %u > MTU %u of %s's eth0: %s", ip.tot_len,
			 lxc->mtu, pod,
			 ip.df ? "DF set, its stack refuses to send it (EMSGSIZE)"
			       : "its stack would fragment it (not modelled)");
		pl_sim_fl_kernel_drop(f, f->node, pod, PL_DROP_MTU_EXCEEDED, lxc->mtu, why);
		return;
	}
	if (!forwardable(f->len, lxc->mtu)) {
		pl_sim_fl_kernel_drop(f, f->node, lxc->name, PL_DROP_MTU_EXCEEDED, lxc->mtu,
				      "frame larger than the veth's MTU");
		return;
	}
	s = pl_sim_fl_step(f, SIM_STEP_VETH, f->node, lxc->name, "%s eth0 → veth → %s", pod,
			   lxc->name);
	if (s)
		s->mtu = lxc->mtu;
	f->dev = d;
	f->loc = LOC_FROM_POD;
}

static int from_pod(struct sim_walk *w, struct sim_flight *f)
{
	struct sim_step *s;
	int rv, err;

	err = pl_sim_fl_run_hook(w, f, PL_PROG_FROM_POD, f->dev, TOPO_HOOK_TC_INGRESS, 0, &rv, &s);
	if (!err)
		pl_sim_fl_after_tc(w, f, rv, f->dev, s);
	return err;
}

static bool is_local(const struct sim_node *n, uint32_t ip)
{
	int i;

	for (i = 0; i < n->ndevs; i++)
		if (n->devs[i].addr == ip)
			return true;
	return false;
}

static void nat_reverse(struct sim_flight *f, struct sim_node *n, struct sim_ip *ip)
{
	uint32_t s = ip->saddr, d = ip->daddr;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	int i;

	for (i = 0; i < n->nnat; i++) {
		const struct sim_nat *e = &n->nat[i];

		if (e->proto == ip->proto && e->daddr == s && e->to_saddr == d &&
		    e->dport == ip->sport && e->sport == ip->dport && e->to_saddr != e->saddr) {
			pl_sim_frame_set_daddr(ip, e->saddr);
			pl_sim_fl_step(f, SIM_STEP_NAT, f->node, "",
				       "reverse MASQUERADE (conntrack): "
				       "destination %s → %s",
				       pl_ip4_str(d, a), pl_ip4_str(e->saddr, b));
			return;
		}
	}
}

static void masquerade(struct sim_walk *w, struct sim_flight *f, struct sim_node *n, int dev,
		       struct sim_ip *ip)
{
	uint32_t s = ip->saddr, d = ip->daddr, to = pl_sim_masq_addr(n, dev);
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	struct sim_nat e = {0};

	/*
	 * nftables rule of the plan: own pods towards another node's pod CIDR (not
	 * replies); natOutgoing: own pods towards any address outside every pod CIDR.
	 */
	if ((s & mask_of(n->masq_plen)) != n->masq_cidr || !to || s == to)
		return;
	if (n->masq_outgoing ? pl_topo_node_by_pod_ip(&w->topo, d) >= 0
			     : pl_topo_node_by_pod_ip(&w->topo, d) < 0 ||
				       pl_topo_node_by_pod_ip(&w->topo, d) == f->node)
		return;
	e.saddr = s;
	e.daddr = d;
	e.to_saddr = to;
	e.proto = ip->proto;
	e.sport = ip->sport;
	e.dport = ip->dport;
	if (n->nnat == n->capnat) {
		int cap = n->capnat ? n->capnat * 2 : 16;
		struct sim_nat *g = realloc(n->nat, cap * sizeof(*g));

		if (g) {
			n->nat = g;
			n->capnat = cap;
		}
	}
	if (n->nnat < n->capnat)
		n->nat[n->nnat++] = e;
	pl_sim_frame_set_saddr(ip, to);
	f->res->masqueraded = true;
	pl_sim_fl_step(f, SIM_STEP_NAT, f->node, n->devs[dev].name,
		       "MASQUERADE (nftables postrouting, oif %s): source %s → %s",
		       n->devs[dev].name, pl_ip4_str(s, a), pl_ip4_str(to, b));
}

static void local_in(struct sim_walk *w, struct sim_flight *f, struct sim_ip *ip)
{
	struct sim_node *n = &w->nodes[f->node];
	const char *node = w->topo.nodes[f->node].name;
	int vx = pl_sim_dev_by_kind(n, SIM_DEV_VXLAN), len;
	uint32_t vni;

	if (f->frags > 1) {
		memcpy(f->buf, f->whole, f->whole_len);
		f->len = f->whole_len;
		pl_sim_fl_step(f, SIM_STEP_STACK, f->node, "",
			       "IP defragmentation: %d fragments "
			       "reassembled",
			       f->frags);
		f->frags = 0;
		pl_sim_frame_ip(f->buf, f->len, ip);
	}
	if (vx < 0 || ip->proto != IPPROTO_UDP || !ip->ports || ip->dport != SIM_VXLAN_PORT) {
		pl_sim_fl_step(f, SIM_STEP_DELIVER, f->node, "", "local delivery to %s's stack",
			       node);
		pl_sim_fl_finish(f, SIM_DELIV_STACK, f->node);
		return;
	}
	len = pl_sim_frame_decap(f->buf, f->len, &vni);
	if (len < 0) {
		pl_sim_fl_kernel_drop(f, f->node, "vxlan0", PL_DROP_STACK, 0, "malformed VXLAN");
		return;
	}
	if (!n->vxlan_external && vni != n->vxlan_vni) {
		pl_sim_fl_kernel_drop(
			f, f->node, "vxlan0", PL_DROP_STACK, 0,
			"VNI does not match the vxlan device's: dropped by vxlan_rcv");
		return;
	}
	f->len = (uint32_t)len;
	/* test_run has no tunnel metadata: an external device's VNI reaches from_overlay in mark.
	 */
	f->mark = n->vxlan_external ? PL_MARK_IDENTITY_MAGIC | (vni & PL_MARK_IDENTITY_MASK) : 0;
	pl_sim_fl_step(f, SIM_STEP_DECAP, f->node, "vxlan0",
		       "UDP 4789 to the node: vxlan_rcv strips %d bytes, VNI %u%s",
		       SIM_VXLAN_OVERHEAD, vni,
		       n->vxlan_external ? " (tunnel key: the source identity)" : "");
	f->dev = vx;
	f->loc = LOC_VXLAN_RX;
}

static void stack(struct sim_walk *w, struct sim_flight *f)
{
	struct sim_node *n = &w->nodes[f->node];
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], how[96];
	uint32_t saddr, daddr, nh;
	struct sim_step *s;
	struct sim_ip ip;
	uint8_t ttl;
	int r, dev;

	if (pl_sim_frame_tagged(f->buf, f->len)) {
		pl_sim_fl_kernel_drop(
			f, f->node, n->devs[f->dev].name, PL_DROP_STACK, 0,
			"VLAN-tagged, no VLAN device here: the stack drops it (OTHERHOST)");
		return;
	}
	if (!pl_sim_frame_ip(f->buf, f->len, &ip)) {
		if (pl_sim_stack6(w, f))
			return;
		pl_sim_fl_step(f, SIM_STEP_DELIVER, f->node, n->devs[f->dev].name,
			       "not IPv4: handed to %s's stack", w->topo.nodes[f->node].name);
		pl_sim_fl_finish(f, SIM_DELIV_STACK, f->node);
		return;
	}
	nat_reverse(f, n, &ip);
	daddr = ip.daddr;
	if (is_local(n, daddr)) {
		local_in(w, f, &ip);
		return;
	}
	ttl = ip.ttl;
	if (ttl <= 1) {
		pl_sim_fl_kernel_drop(f, f->node, "", PL_DROP_TTL_EXCEEDED, 0,
				      "ip_forward: TTL exceeded (ICMP time exceeded)");
		return;
	}
	saddr = ip.saddr;
	r = pl_sim_route_lookup(n, saddr, daddr);
	if (r < 0) {
		pl_sim_fl_kernel_drop(f, f->node, "", PL_DROP_NO_ROUTE, 0,
				      "ip_forward: no route (ICMP net unreachable)");
		return;
	}
	dev = n->routes[r].dev;
	nh = n->routes[r].gw ? n->routes[r].gw : daddr;
	if (ip.tot_len > n->devs[dev].mtu && ip.df) {
		pl_sim_fl_kernel_drop(
			f, f->node, n->devs[dev].name, PL_DROP_MTU_EXCEEDED, n->devs[dev].mtu,
			"ip_forward: larger than the route's MTU with DF (ICMP frag needed)");
		return;
	}
	pl_sim_frame_dec_ttl(&ip);
	if (n->routes[r].gw)
		snprintf(how, sizeof(how), "route %s/%u via %s dev %s",
			 pl_ip4_str(n->routes[r].dst, a), n->routes[r].plen, pl_ip4_str(nh, b),
			 n->devs[dev].name);
	else
		snprintf(how, sizeof(how), "route %s/%u dev %s", pl_ip4_str(n->routes[r].dst, a),
			 n->routes[r].plen, n->devs[dev].name);
	s = pl_sim_fl_step(f, SIM_STEP_STACK, f->node, n->devs[f->dev].name,
			   "ip_forward: %s, TTL %u → %u", how, ttl, ttl - 1);
	if (s)
		s->mtu = n->devs[dev].mtu;
	if (n->masq && (n->masq_outgoing ? n->devs[dev].kind != SIM_DEV_LXC
					 : n->devs[dev].kind == SIM_DEV_VXLAN))
		masquerade(w, f, n, dev, &ip);
	pl_sim_fl_out_dev(w, f, dev, nh, "neighbour");
}

static void vxlan_tx(struct sim_walk *w, struct sim_flight *f)
{
	struct sim_node *n = &w->nodes[f->node];
	int up = pl_sim_dev_by_kind(n, SIM_DEV_UPLINK), r, len,
	    vx = pl_sim_dev_by_kind(n, SIM_DEV_VXLAN);
	uint32_t saddr = n->devs[up].addr, nh, inner = f->len;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	struct sim_step *s;
	uint8_t mac[6];
	uint16_t sport;
	int frags;

	r = pl_sim_route_lookup(n, saddr, f->tun_remote);
	if (r < 0 || n->routes[r].dev != up) {
		pl_sim_fl_kernel_drop(f, f->node, "vxlan0", PL_DROP_NO_ROUTE, 0,
				      "no underlay route to the tunnel endpoint");
		return;
	}
	nh = n->routes[r].gw ? n->routes[r].gw : f->tun_remote;
	if (!pl_sim_underlay_resolve(w, f->node, nh, mac)) {
		pl_sim_fl_kernel_drop(f, f->node, "eth0", PL_DROP_STACK, 0,
				      "no neighbour answers for the tunnel endpoint");
		return;
	}
	len = pl_sim_frame_encap(f->buf, f->len, SIM_BUF, n->devs[up].mac, mac, saddr,
				 f->tun_remote, f->tun_vni, n->ip_id++, &sport);
	if (len < 0) {
		pl_sim_fl_kernel_drop(f, f->node, "vxlan0", PL_DROP_STACK, 0,
				      "frame too large to encapsulate");
		return;
	}
	f->len = (uint32_t)len;
	s = pl_sim_fl_step(
		f, SIM_STEP_ENCAP, f->node, vx >= 0 ? n->devs[vx].name : "vxlan0",
		"vxlan_xmit: +%d bytes (outer Ethernet 14, IPv4 20, UDP 8, VXLAN 8): %s → %s "
		"UDP %u → 4789, VNI %u, TTL 64, DF clear",
		SIM_VXLAN_OVERHEAD, pl_ip4_str(saddr, a), pl_ip4_str(f->tun_remote, b), sport,
		f->tun_vni);
	if (s)
		s->mtu = n->devs[up].mtu; /* what the outer packet must fit */
	if (!f->res->encap) {
		f->res->encap = true;
		f->res->vni = f->tun_vni;
		f->res->outer_saddr = saddr;
		f->res->outer_daddr = f->tun_remote;
		f->res->outer_sport = sport;
	}
	if (f->len - ETH_HLEN_ > n->devs[up].mtu) {
		memcpy(f->whole, f->buf, f->len);
		f->whole_len = f->len;
		len = pl_sim_frame_first_fragment(f->buf, f->len, n->devs[up].mtu, &frags);
		if (len < 0) {
			pl_sim_fl_kernel_drop(f, f->node, "eth0", PL_DROP_MTU_EXCEEDED,
					      n->devs[up].mtu, "cannot fragment the outer packet");
			return;
		}
		f->len = (uint32_t)len;
		f->frags = frags;
		s = pl_sim_fl_step(
			f, SIM_STEP_FRAG, f->node, "eth0",
			"outer IPv4 %u bytes > MTU %u of eth0 (inner %u): DF clear, fragmented "
			"into %d; the hooks below see the first fragment",
			f->whole_len - ETH_HLEN_, n->devs[up].mtu, inner - ETH_HLEN_, frags);
		if (s)
			s->mtu = n->devs[up].mtu;
	}
	f->dev = up;
	f->loc = LOC_UPLINK_TX;
}

int pl_sim_fl_receiver(const struct sim_walk *w, const struct sim_flight *f)
{
	int who = pl_sim_underlay_owner_mac(w, f->buf);

	if (w->topo.underlay == TOPO_UNDERLAY_FABRIC)
		return pl_sim_fabric_port_mac(w, f->node, f->buf) ? SIM_FABRIC : -1;
	if (who >= 0 && w->topo.underlay == TOPO_UNDERLAY_P2P && w->topo.nnodes == 2 &&
	    who != 1 - f->node)
		return -1;
	return who == f->node ? -1 : who;
}

/* Egress qdisc of the uplink: enqueue at f->t, dequeue when the model lets it go. */
static bool qdisc_pass(struct sim_walk *w, struct sim_flight *f, struct sim_node *n, uint32_t bytes,
		       uint64_t *start)
{
	struct sim_pkt *p = pl_sim_pkt_alloc(&w->pool), *got = NULL;
	uint64_t now = f->t, next, id;
	struct sim_hdrs h;
	enum sim_drop r;
	char why[96];
	bool found = false;
	int dups = 0;

	if (!p) {
		pl_sim_fl_kernel_drop(f, f->node, "eth0", PL_DROP_QDISC, 0, "out of memory");
		return false;
	}
	pl_sim_hdrs_of(f->buf, f->len, &h);
	/* tc classifies on the outermost IPv4 header: the underlay's in vxlan/legacy mode. */
	p->len = bytes;
	p->src = h.encap ? h.outer_saddr : h.saddr;
	p->dst = h.encap ? h.outer_daddr : h.daddr;
	p->sport = h.encap ? h.outer_sport : h.sport;
	p->dport = h.ipip ? 0 : h.encap ? SIM_VXLAN_PORT : h.dport;
	p->proto = h.ipip ? IPPROTO_IPIP : h.encap ? IPPROTO_UDP : h.proto;
	id = p->id;
	r = sim_qdisc_enqueue(n->qdisc, p, now);
	if (r != SIM_DROP_NONE) {
		pl_sim_pkt_put(&w->pool, p);
		snprintf(why, sizeof(why), "egress qdisc %s: %s", n->qdisc->ops->kind,
			 pl_sim_drop_name(r));
		pl_sim_fl_kernel_drop(f, f->node, "eth0", PL_DROP_QDISC, 0, why);
		return false;
	}
	/* The walk injects a packet when the one before is done: the queue holds ours (and
	 * netem's duplicates of it). */
	while (n->qdisc->qlen) {
		got = sim_qdisc_dequeue(n->qdisc, now, &next);
		if (!got) {
			if (next == SIM_TIME_NEVER)
				break;
			now = next;
			continue;
		}
		if (got->id == id && !got->dup) {
			pl_sim_pkt_put(&w->pool, got);
			found = true;
			break;
		}
		dups++;
		pl_sim_pkt_put(&w->pool, got);
	}
	if (!found) {
		pl_sim_fl_kernel_drop(f, f->node, "eth0", PL_DROP_QDISC, 0,
				      "the egress qdisc never released it");
		return false;
	}
	if (f->res->t_enqueue == SIM_NO_TIME) {
		f->res->t_enqueue = f->t;
		f->res->t_dequeue = now;
	}
	pl_sim_fl_step(
		f, SIM_STEP_QDISC, f->node, "eth0",
		"egress qdisc %s: enqueued at %llu ns, dequeued at %llu ns (waited %llu ns)%s",
		n->qdisc->ops->kind, (unsigned long long)f->t, (unsigned long long)now,
		(unsigned long long)(now - f->t), dups ? ", netem duplicate not walked" : "");
	f->t = now;
	if (*start < now)
		*start = now;
	return true;
}

uint32_t pl_sim_fl_wire_bytes(const struct sim_flight *f)
{
	/* Fragments: each after the first repeats the outer Ethernet + IPv4 headers. */
	return f->frags > 1 ? f->whole_len + (uint32_t)(f->frags - 1) * 34 : f->len;
}

void pl_sim_fl_wire(struct sim_walk *w, struct sim_flight *f, uint64_t start)
{
	uint64_t rate = w->opts.link_rate ? w->opts.link_rate : 10000000000ull;
	uint64_t bytes = pl_sim_fl_wire_bytes(f), ser;
	int to = pl_sim_fl_receiver(w, f);
	uint32_t mtu;

	if (to == -1) {
		pl_sim_fl_kernel_drop(f, f->node, "eth0", PL_DROP_STACK, 0,
				      "nobody on the underlay has the destination MAC");
		return;
	}
	ser = (bytes * 8 * 1000000000ull + rate - 1) / rate;
	w->nodes[f->node].link_busy = start + ser;
	f->t = start + ser + w->opts.link_delay_ns;
	pl_sim_fl_step(f, SIM_STEP_WIRE, f->node, "eth0",
		       "underlay %s → %s: %llu bytes, %llu ns at %llu Mbit/s + %llu ns propagation",
		       w->topo.nodes[f->node].name,
		       to == SIM_WORLD	  ? "world"
		       : to == SIM_FABRIC ? "the fabric router"
					  : w->topo.nodes[to].name,
		       (unsigned long long)bytes, (unsigned long long)ser,
		       (unsigned long long)(rate / 1000000),
		       (unsigned long long)w->opts.link_delay_ns);
	if (to == SIM_WORLD) {
		pl_sim_fl_finish(f, SIM_DELIV_WORLD, f->node);
		return;
	}
	if (to == SIM_FABRIC && (to = pl_sim_fabric_forward(w, f)) < 0)
		return;
	mtu = w->nodes[to].devs[pl_sim_dev_by_kind(&w->nodes[to], SIM_DEV_UPLINK)].mtu;
	if (!forwardable(f->len, mtu)) {
		pl_sim_fl_kernel_drop(f, to, "eth0", PL_DROP_MTU_EXCEEDED, mtu,
				      "veth: frame larger than the receiving uplink's MTU");
		return;
	}
	f->node = to;
	f->loc = LOC_UPLINK_RX;
}

static void uplink_tx(struct sim_walk *w, struct sim_flight *f)
{
	struct sim_node *n = &w->nodes[f->node];
	uint64_t start = f->t > n->link_busy ? f->t : n->link_busy;

	if (f->park) {
		f->loc = LOC_PARKED;
		return;
	}
	if (pl_sim_fl_receiver(w, f) != -1 && n->qdisc &&
	    !qdisc_pass(w, f, n, pl_sim_fl_wire_bytes(f), &start))
		return;
	pl_sim_fl_wire(w, f, start);
}

static int uplink_rx(struct sim_walk *w, struct sim_flight *f)
{
	int up = pl_sim_dev_by_kind(&w->nodes[f->node], SIM_DEV_UPLINK), rv, err;
	struct sim_step *s;

	err = pl_sim_fl_run_hook(w, f, PL_PROG_XDP_PREFILTER, up, TOPO_HOOK_XDP, 0, &rv, &s);
	if (err || f->loc == LOC_DONE)
		return err;
	switch (rv) {
	case XDP_PASS:
		break;
	case XDP_TX:
		f->xdp_tx = true;
		f->dev = up;
		f->loc = LOC_UPLINK_TX;
		return 0;
	case XDP_REDIRECT:
		pl_sim_fl_kernel_drop(f, f->node, "eth0", PL_DROP_STACK, 0,
				      "XDP_REDIRECT: redirect maps are not modelled");
		return 0;
	default:
		f->res->drop_reason = f->has_ev ? f->ev.drop_reason : 0;
		pl_sim_fl_finish(f, SIM_DELIV_DROPPED, f->node);
		return 0;
	}
	err = pl_sim_fl_run_hook(w, f, PL_PROG_FROM_NETWORK, up, TOPO_HOOK_TC_INGRESS, 0, &rv, &s);
	if (!err)
		pl_sim_fl_after_tc(w, f, rv, up, s);
	return err;
}

static int vxlan_rx(struct sim_walk *w, struct sim_flight *f)
{
	struct sim_step *s;
	int rv, err;

	err = pl_sim_fl_run_hook(w, f, PL_PROG_FROM_OVERLAY, f->dev, TOPO_HOOK_TC_INGRESS, f->mark,
				 &rv, &s);
	if (!err)
		pl_sim_fl_after_tc(w, f, rv, f->dev, s);
	return err;
}

static void pod_rx(struct sim_walk *w, struct sim_flight *f)
{
	const struct topo_pod *pod = &w->topo.pods[f->pod];
	int d = pod_lxc(w, f->pod);
	uint32_t mtu = w->nodes[pod->node].devs[d].mtu;
	struct sim_step *s;

	if (!forwardable(f->len, mtu)) {
		pl_sim_fl_kernel_drop(f, pod->node, pod->name, PL_DROP_MTU_EXCEEDED, mtu,
				      f->peer ? "bpf_redirect_peer: larger than the pod's eth0 MTU"
					      : "veth: larger than the pod's eth0 MTU");
		return;
	}
	s = pl_sim_fl_step(f, SIM_STEP_DELIVER, pod->node, pod->name, "%s eth0%s", pod->name,
			   f->peer ? " (bpf_redirect_peer: straight into its namespace)"
				   : " (veth)");
	if (s)
		s->mtu = mtu;
	f->res->deliver_pod = f->pod;
	pl_sim_fl_finish(f, SIM_DELIV_POD, pod->node);
}

int pl_sim_fl_walk(struct sim_walk *w, struct sim_flight *f)
{
	int err = 0;

	while (!err && f->loc != LOC_DONE && f->loc != LOC_PARKED) {
		if (f->res->nsteps >= SIM_WALK_MAX_STEPS) {
			f->res->truncated = true;
			f->res->nsteps = SIM_WALK_MAX_STEPS - 1;
			pl_sim_fl_kernel_drop(f, f->node, "", PL_DROP_STACK, 0,
					      "too many steps: a forwarding loop?");
			break;
		}
		switch (f->loc) {
		case LOC_POD_TX:
			pod_tx(w, f);
			break;
		case LOC_FROM_POD:
			err = from_pod(w, f);
			break;
		case LOC_STACK:
			stack(w, f);
			break;
		case LOC_VXLAN_TX:
			/* tc egress of the vxlan device sees the inner frame, before vxlan_xmit. */
			err = pl_sim_fl_egress(w, f, pl_sim_dev_by_kind(n_of(w, f), SIM_DEV_VXLAN));
			if (!err && f->loc != LOC_DONE)
				vxlan_tx(w, f);
			break;
		case LOC_UPLINK_TX:
			/* XDP_TX goes back out below tc: no egress hook. */
			if (!f->xdp_tx)
				err = pl_sim_fl_egress(
					w, f, pl_sim_dev_by_kind(n_of(w, f), SIM_DEV_UPLINK));
			f->xdp_tx = false;
			if (!err && f->loc != LOC_DONE)
				uplink_tx(w, f);
			break;
		case LOC_UPLINK_RX:
			err = uplink_rx(w, f);
			break;
		case LOC_VXLAN_RX:
			err = vxlan_rx(w, f);
			break;
		case LOC_POD_RX:
			/* bpf_redirect_peer goes straight into the pod: past the lxc's egress. */
			if (!f->peer)
				err = pl_sim_fl_egress(w, f, pod_lxc(w, f->pod));
			if (!err && f->loc != LOC_DONE)
				pod_rx(w, f);
			break;
		default:
			err = -EINVAL;
		}
	}
	return err;
}
