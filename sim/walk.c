// SPDX-License-Identifier: GPL-2.0
/*
 * The walk's state machine: where a packet is (a location) and what the
 * kernel does there. Programs run for real (pl_datapath_test_run in the
 * node's namespace); everything between hooks is modelled here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/pkt_cls.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pkt.h"
#include "lib/datapath.h"
#include "lib/log.h"
#include "walk_flight.h"

struct sim_step *pl_sim_fl_step(struct sim_flight *f, enum sim_step_kind kind, int node,
				const char *dev, const char *fmt, ...)
{
	struct sim_walk_result *r = f->res;
	struct sim_step *s;
	va_list ap;

	if (r->nsteps == SIM_WALK_MAX_STEPS) {
		r->truncated = true;
		return NULL;
	}
	s = &r->steps[r->nsteps++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->node = node;
	snprintf(s->dev, sizeof(s->dev), "%s", dev ? dev : "");
	s->t_ns = f->t;
	pl_sim_hdrs_of(f->buf, f->len, &s->h);
	va_start(ap, fmt);
	vsnprintf(s->text, sizeof(s->text), fmt, ap);
	va_end(ap);
	return s;
}

void pl_sim_fl_finish(struct sim_flight *f, enum sim_delivery d, int node)
{
	struct sim_walk_result *r = f->res;

	r->delivery = d;
	if (d == SIM_DELIV_DROPPED) {
		r->drop_node = node;
		r->verdict = PL_VERDICT_DROPPED;
	} else {
		r->deliver_node = node;
		r->t_deliver = f->t;
	}
	free(r->out);
	r->out = malloc(f->len);
	if (r->out) {
		memcpy(r->out, f->buf, f->len);
		r->out_len = f->len;
	}
	f->loc = LOC_DONE;
}

void pl_sim_fl_kernel_drop(struct sim_flight *f, int node, const char *dev, uint8_t reason,
			   uint32_t mtu, const char *why)
{
	struct sim_step *s = pl_sim_fl_step(f, SIM_STEP_DROP, node, dev, "%s", why);

	if (s) {
		s->drop_reason = reason;
		s->mtu = mtu;
	}
	f->res->drop_reason = reason;
	f->res->kernel_drop = true;
	pl_sim_fl_finish(f, SIM_DELIV_DROPPED, node);
}

static const char *tc_name(int rv)
{
	switch (rv) {
	case TC_ACT_UNSPEC:
		return "TC_ACT_UNSPEC";
	case TC_ACT_OK:
		return "TC_ACT_OK";
	case TC_ACT_SHOT:
		return "TC_ACT_SHOT";
	case TC_ACT_STOLEN:
		return "TC_ACT_STOLEN";
	case TC_ACT_REDIRECT:
		return "TC_ACT_REDIRECT";
	default:
		return "TC_ACT_?";
	}
}

static const char *xdp_name(int rv)
{
	static const char *const n[] = {"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX",
					"XDP_REDIRECT"};

	return rv >= 0 && rv <= XDP_REDIRECT ? n[rv] : "XDP_?";
}

/* Runs prog at dev of node on the frame; the frame becomes the program's output. */
int pl_sim_fl_run_prog(struct sim_walk *w, struct sim_flight *f, enum pl_prog prog, int dev,
		       uint32_t mark, int *retval, struct sim_step **out)
{
	struct sim_node *n = &w->nodes[f->node];
	struct pl_run_ctx ctx = {.ifindex = n->devs[dev].ifindex, .mark = mark};
	struct pl_run_result rr;
	struct sim_step *s;
	char why[64] = "";
	int err;

	*out = NULL;
	if ((err = pl_sim_env_enter(w, f->node)))
		return err;
	if (w->progs.test_run)
		err = w->progs.test_run(w->progs.ctx, f->node, prog, f->buf, f->len, ctx.ifindex,
					mark, &rr);
	else
		err = pl_datapath_test_run(n->dp, prog, f->buf, f->len, &ctx, w->scratch, SIM_BUF,
					   &rr);
	if (err == -EINVAL) {
		/* test_run cannot take this frame (too short for its checks): stop, say so. */
		f->res->refused = true;
		pl_sim_fl_kernel_drop(
			f, f->node, n->devs[dev].name, PL_DROP_STACK, 0,
			"BPF_PROG_TEST_RUN refuses this frame (EINVAL): not walkable");
		*retval = TC_ACT_SHOT;
		*out = NULL;
		return 0;
	}
	if (err)
		return pl_err_errno(
			err, "running %s on node %s (%u-byte frame, ifindex %u, mark %#x)",
			pl_prog_name(prog), w->topo.nodes[f->node].name, f->len, ctx.ifindex, mark);
	if (rr.data_out_len && rr.data_out_len <= SIM_BUF && rr.data_out) {
		memmove(f->buf, rr.data_out, rr.data_out_len);
		f->len = rr.data_out_len;
	}
	if (rr.has_event && rr.event.verdict == PL_VERDICT_DROPPED)
		snprintf(why, sizeof(why), " (%s)", pl_drop_reason_name(rr.event.drop_reason));
	else if (rr.has_event && rr.event.note)
		snprintf(why, sizeof(why), " (%s)", pl_note_name(rr.event.note));
	s = pl_sim_fl_step(
		f, SIM_STEP_PROG, f->node, n->devs[dev].name, "%s → %s%s%s%s%s", pl_prog_name(prog),
		prog == PL_PROG_XDP_PREFILTER ? xdp_name(rr.retval) : tc_name(rr.retval),
		rr.has_event ? " " : "", rr.has_event ? pl_verdict_name(rr.event.verdict) : "",
		rr.has_event ? " " : "", rr.has_event ? pl_obs_point_name(rr.event.obs_point) : "");
	if (s) {
		snprintf(s->text + strlen(s->text), sizeof(s->text) - strlen(s->text), "%s", why);
		s->prog = prog;
		s->retval = rr.retval;
		s->has_event = rr.has_event;
		s->ev = rr.event;
		s->drop_reason = rr.has_event ? rr.event.drop_reason : 0;
		s->mtu = n->devs[dev].mtu;
		snprintf(s->hook, sizeof(s->hook), "%s",
			 prog == PL_PROG_XDP_PREFILTER ? "xdp" : "tc ingress");
	}
	f->res->verdict = rr.has_event ? rr.event.verdict : PL_VERDICT_UNKNOWN;
	f->ev = rr.event;
	f->has_ev = rr.has_event;
	*out = s;
	*retval = rr.retval;
	return 0;
}

/* Who on the underlay owns mac: a node (>= 0), the world host (SIM_WORLD), or -1. */
int pl_sim_underlay_owner_mac(const struct sim_walk *w, const uint8_t mac[6])
{
	uint8_t m[6];
	int i;

	for (i = 0; i < w->topo.nnodes; i++) {
		pl_sim_mac(SIM_MAC_UPLINK, i, m);
		if (!memcmp(m, mac, 6))
			return i;
	}
	pl_sim_mac(SIM_MAC_WORLD, 0, m);
	if (w->topo.world.present && !memcmp(m, mac, 6))
		return SIM_WORLD;
	return -1;
}

bool pl_sim_underlay_resolve(const struct sim_walk *w, int from, uint32_t ip, uint8_t mac[6])
{
	int j = pl_sim_node_by_underlay(w, ip);

	/* Behind a fabric every answer is the fabric's (proxy ARP): no node sees another. */
	if (w->topo.underlay == TOPO_UNDERLAY_FABRIC)
		return pl_sim_fabric_resolve(w, from, ip, mac);
	if (j >= 0) {
		pl_sim_mac(SIM_MAC_UPLINK, j, mac);
		return true;
	}
	if (w->topo.world.present && ip == w->topo.world.ip) {
		pl_sim_mac(SIM_MAC_WORLD, 0, mac);
		return true;
	}
	return false;
}

static void set_macs(struct sim_flight *f, const uint8_t smac[6], const uint8_t dmac[6])
{
	memcpy(f->buf, dmac, 6);
	memcpy(f->buf + 6, smac, 6);
}

/* Leaves node through device dev towards nexthop (the kernel fills the MACs). */
void pl_sim_fl_out_dev(struct sim_walk *w, struct sim_flight *f, int dev, uint32_t nexthop,
		       const char *how)
{
	struct sim_node *n = &w->nodes[f->node];
	struct sim_dev *d = &n->devs[dev];
	char a[INET_ADDRSTRLEN];
	uint8_t mac[6];
	int i, j;

	switch (d->kind) {
	case SIM_DEV_UPLINK:
		if (!pl_sim_underlay_resolve(w, f->node, nexthop, mac)) {
			pl_sim_fl_kernel_drop(
				f, f->node, d->name, PL_DROP_STACK, 0,
				"no neighbour answers for the next hop on the underlay");
			return;
		}
		set_macs(f, d->mac, mac);
		pl_sim_fl_step(f, SIM_STEP_STACK, f->node, d->name,
			       "%s: next hop %s is %02x:..:%02x:%02x", how, pl_ip4_str(nexthop, a),
			       mac[0], mac[4], mac[5]);
		f->loc = LOC_UPLINK_TX;
		return;
	case SIM_DEV_LXC:
		pl_sim_mac(SIM_MAC_POD, d->pod, mac);
		set_macs(f, d->mac, mac);
		f->pod = d->pod;
		f->peer = false;
		f->loc = LOC_POD_RX;
		return;
	case SIM_DEV_WORLD:
		pl_sim_mac(SIM_MAC_WORLD, 0, mac);
		set_macs(f, d->mac, mac);
		pl_sim_fl_step(f, SIM_STEP_VETH, f->node, d->name, "%s → world host", how);
		pl_sim_fl_finish(f, SIM_DELIV_WORLD, f->node);
		return;
	case SIM_DEV_VXLAN:
		for (i = 0; i < n->nneighs; i++)
			if (n->neighs[i].dev == dev && n->neighs[i].ip == nexthop)
				break;
		for (j = 0; i < n->nneighs && j < n->nfdb; j++)
			if (!memcmp(n->fdb[j].mac, n->neighs[i].mac, 6))
				break;
		if (i == n->nneighs || j == n->nfdb || n->vxlan_external) {
			pl_sim_fl_kernel_drop(f, f->node, d->name, PL_DROP_STACK, 0,
					      "no neighbour/fdb entry on the vxlan device");
			return;
		}
		set_macs(f, d->mac, n->neighs[i].mac);
		f->tun_remote = n->fdb[j].ip;
		f->tun_vni = n->vxlan_vni;
		f->loc = LOC_VXLAN_TX;
		return;
	}
}

void pl_sim_fl_redirect(struct sim_walk *w, struct sim_flight *f, const struct sim_step *s)
{
	static const uint8_t zero[16];
	struct sim_node *n = &w->nodes[f->node];
	int dev, r;

	if (!f->has_ev) {
		pl_sim_fl_kernel_drop(f, f->node, s ? s->dev : "", PL_DROP_STACK, 0,
				      "TC_ACT_REDIRECT without a flow event: target unknown");
		return;
	}
	dev = pl_sim_dev_by_ifindex(n, f->ev.target_ifindex);
	if (dev < 0) {
		pl_sim_fl_kernel_drop(f, f->node, s ? s->dev : "", PL_DROP_STACK, 0,
				      "redirect to an ifindex that does not exist on this node");
		return;
	}
	switch (f->ev.redirect) {
	case PL_REDIR_PEER:
		if (n->devs[dev].kind != SIM_DEV_LXC) {
			pl_sim_fl_kernel_drop(f, f->node, n->devs[dev].name, PL_DROP_STACK, 0,
					      "bpf_redirect_peer to a device without a peer");
			return;
		}
		f->pod = n->devs[dev].pod;
		f->peer = true;
		f->loc = LOC_POD_RX;
		return;
	case PL_REDIR_TUNNEL:
		f->tun_remote = f->ev.tunnel_remote;
		f->tun_vni = f->ev.tunnel_vni;
		f->loc = LOC_VXLAN_TX;
		return;
	case PL_REDIR_IPIP:
		/* The program pushed the outer header itself: the frame is what leaves. */
		if (!f->res->encap) {
			f->res->encap = true;
			f->res->encap_ipip = true;
			f->res->outer_saddr = w->topo.nodes[f->node].underlay_ip;
			f->res->outer_daddr = f->ev.tunnel_remote;
		}
		pl_sim_fl_step(f, SIM_STEP_ENCAP, f->node, n->devs[dev].name,
			       "from_pod pushed IPv4-in-IPv4: +20 bytes (outer IPv4, protocol 4)");
		if (f->ev.note != PL_NOTE_NEIGH_RESOLVE && n->devs[dev].kind == SIM_DEV_UPLINK) {
			f->loc = LOC_UPLINK_TX;
			return;
		}
		r = pl_sim_route_lookup(n, w->topo.nodes[f->node].underlay_ip, f->ev.tunnel_remote);
		pl_sim_fl_out_dev(w, f, dev,
				  r >= 0 && n->routes[r].gw ? n->routes[r].gw : f->ev.tunnel_remote,
				  "bpf_redirect_neigh, the kernel resolves");
		return;
	case PL_REDIR_FIB:
		/* MACs were written by the program from the fib result. */
		if (n->devs[dev].kind == SIM_DEV_UPLINK) {
			f->loc = LOC_UPLINK_TX;
			return;
		}
		pl_sim_fl_out_dev(w, f, dev, 0, "bpf_redirect");
		return;
	case PL_REDIR_NEIGH:
	default:
		if (f->ev.flags & PL_EV_F_IPV6) {
			r = pl_sim_route6_lookup(n, (const uint8_t *)f->ev.daddr6);
			pl_sim_fl_out_dev6(w, f, dev,
					   r >= 0 && memcmp(n->routes6[r].gw, zero, 16)
						   ? n->routes6[r].gw
						   : (const uint8_t *)f->ev.daddr6,
					   "bpf_redirect_neigh, the kernel resolves");
			return;
		}
		r = pl_sim_route_lookup(n, f->ev.saddr, f->ev.daddr);
		pl_sim_fl_out_dev(w, f, dev,
				  r >= 0 && n->routes[r].gw ? n->routes[r].gw : f->ev.daddr,
				  "bpf_redirect_neigh, the kernel resolves");
		return;
	}
}

void pl_sim_fl_after_tc(struct sim_walk *w, struct sim_flight *f, int rv, int dev,
			const struct sim_step *s)
{
	if (f->loc == LOC_DONE) /* the run itself ended the walk */
		return;
	switch (rv) {
	case TC_ACT_UNSPEC:
	case TC_ACT_OK:
	case TC_ACT_RECLASSIFY:
	case TC_ACT_PIPE:
		if (f->has_ev && f->ev.note == PL_NOTE_TO_PROXY) {
			/* bpf_sk_assign'd: the mark's rule hands it to the node's proxy socket */
			pl_sim_fl_finish(f, SIM_DELIV_STACK, f->node);
			return;
		}
		f->dev = dev;
		f->loc = LOC_STACK;
		return;
	case TC_ACT_SHOT:
		f->res->drop_reason = f->has_ev ? f->ev.drop_reason : 0;
		pl_sim_fl_finish(f, SIM_DELIV_DROPPED, f->node);
		return;
	case TC_ACT_REDIRECT:
		pl_sim_fl_redirect(w, f, s);
		return;
	default:
		pl_sim_fl_kernel_drop(f, f->node, s ? s->dev : "", PL_DROP_STACK, 0,
				      "consumed by the program (stolen/queued/trap)");
		return;
	}
}
