// SPDX-License-Identifier: GPL-2.0
/*
 * Live mode's windows: up to W packets in flight at once (sendmmsg per run of
 * packets from one pod, an XDP live frame per packet at an uplink), every
 * node's flow events and every capture read for all of them, each sign
 * matched to its packet by tag. Events carry the IP ID and the destination,
 * so those are the tag's key; captures also check the payload hash.
 *
 * Each packet must meet the datapath as it would alone, so a window never
 * holds two packets with one key (identical packets: each of them then goes
 * in a window of its own) nor one flow seen both ways or from two injection
 * points (conntrack makes their order matter, and two paths do not keep it):
 * the window ends before such a packet, which opens the next one. The first
 * packet of the replay from a node towards a destination (a node's pods, or
 * an address) closes its window: its next hop may not be resolved yet, and
 * alone it would be the only packet to wait for it (NEIGH_RESOLVE).
 *
 * A window concludes when each packet is delivered or dropped, or QUIET_MS
 * after the last sign once each has settled (window_done), or when nothing new
 * was seen for the bounded wait.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "lib/clock.h"
#include "lib/datapath.h"
#include "lib/pkt.h"
#include "lib/user_prog.h"
#include "plan/plan.h"
#include "replay/replay_live.h"
#include "replay/replay_live_priv.h"
#include "replay/replay_run.h"
#include "topo/topo.h"

#define QUIET_MS 60 /* nothing new for this long after the last sign: concluded */

static unsigned tag_hash(uint16_t ip_id, uint32_t daddr)
{
	uint32_t h = daddr * 2654435761u ^ ip_id * 40503u;

	return h ^ (h >> 15);
}

static struct pl_live_slot *slot_find(struct pl_live *lv, uint16_t ip_id, uint32_t daddr)
{
	unsigned i = tag_hash(ip_id, daddr) & lv->tags_mask;
	int k;

	for (; (k = lv->tags[i]) >= 0; i = (i + 1) & lv->tags_mask)
		if (lv->slots[k].tag.ip_id == ip_id &&
		    (lv->slots[k].tag.daddr == daddr || lv->slots[k].alias_daddr == daddr))
			return &lv->slots[k];
	return NULL;
}

static void tag_insert(struct pl_live *lv, int k, uint32_t daddr)
{
	unsigned i = tag_hash(lv->slots[k].tag.ip_id, daddr) & lv->tags_mask;

	while (lv->tags[i] >= 0)
		i = (i + 1) & lv->tags_mask;
	lv->tags[i] = k;
}

static void slot_insert(struct pl_live *lv, int k)
{
	tag_insert(lv, k, lv->slots[k].tag.daddr);
}

/*
 * A service's DNAT (the event of the program that did it): the packet goes on
 * to the backend's address and port, which the next events and captures carry.
 */
static void slot_alias(struct pl_live *lv, struct pl_live_slot *s, const struct pl_flow_event *ev)
{
	if (s->alias_daddr || ev->daddr == s->tag.daddr)
		return;
	s->alias_daddr = ev->daddr;
	s->alias_dport = ntohs(ev->dport);
	tag_insert(lv, (int)(s - lv->slots), ev->daddr);
}

static void window_reset(struct pl_live *lv)
{
	lv->nslots = 0;
	memset(lv->tags, 0xff, (lv->tags_mask + 1) * sizeof(*lv->tags));
}

/* The flow of the (inner) frame, both directions alike. */
static void flow_of(const struct pl_replay_pkt *p, struct pl_live_slot *s)
{
	const uint8_t *f = p->data;
	uint32_t len = p->len;
	struct pl_pkt_info info;

	pl_pkt_parse(f, len, &info);
	if (info.vxlan && info.inner_off < len)
		pl_pkt_parse(f + info.inner_off, len - info.inner_off, &info);
	else if (info.ipip && info.ipip_off < len)
		pl_pkt_parse_ip(f + info.ipip_off, len - info.ipip_off, &info);
	s->proto = info.proto;
	s->dport = info.proto == IPPROTO_TCP || info.proto == IPPROTO_UDP ? info.dport : 0;
	if (info.ipv6) { /* the addresses folded, as in the tag */
		info.saddr = pl_live_fold6(info.src.v6);
		info.daddr = pl_live_fold6(info.dst.v6);
	}
	s->fwd = info.saddr < info.daddr || (info.saddr == info.daddr && info.sport <= info.dport);
	s->lo_addr = s->fwd ? info.saddr : info.daddr;
	s->hi_addr = s->fwd ? info.daddr : info.saddr;
	s->lo_port = s->fwd ? info.sport : info.dport;
	s->hi_port = s->fwd ? info.dport : info.sport;
}

static bool same_flow(const struct pl_live_slot *a, const struct pl_live_slot *b)
{
	return a->proto == b->proto && a->lo_addr == b->lo_addr && a->hi_addr == b->hi_addr &&
	       a->lo_port == b->lo_port && a->hi_port == b->hi_port;
}

/*
 * Two IPv6 packets between the same two addresses: a window holds one at most,
 * so an event that did not reach the L4 header (its port is 0: a drop in
 * parsing) is told by its addresses alone (slot_of_pair6).
 */
static bool same_pair6(const struct pl_live_slot *a, const struct pl_live_slot *b)
{
	return a->tag.v6 && b->tag.v6 && a->lo_addr == b->lo_addr && a->hi_addr == b->hi_addr;
}

static bool same_at(const struct pl_inject *a, const struct pl_inject *b)
{
	return a->kind == b->kind && a->node == b->node && a->pod == b->pod;
}

/* The pod a tag's destination is, or -1. */
static int pod_of_tag(const struct topo *t, const struct pl_live_tag *tag)
{
	return tag->v6 ? pl_topo_pod_by_ip6(t, tag->daddr6) : pl_topo_pod_by_ip(t, tag->daddr);
}

/* Whether the path from the injection node to the packet's destination is new (and records it). */
static bool new_path(struct pl_replay *rp, struct pl_live *lv, const struct pl_live_slot *s)
{
	int dst = pod_of_tag(rp->t, &s->tag);
	uint64_t key =
		(uint64_t)s->at.node << 33 |
		(dst >= 0 ? (uint64_t)1 << 32 | (uint32_t)rp->t->pods[dst].node : s->tag.daddr);
	uint64_t *grown;
	int i;

	for (i = 0; i < lv->npaths; i++)
		if (lv->paths[i] == key)
			return false;
	if (lv->npaths == lv->cap_paths) {
		grown = realloc(lv->paths, (lv->cap_paths * 2 + 16) * sizeof(*grown));
		if (!grown)
			return true;
		lv->paths = grown;
		lv->cap_paths = lv->cap_paths * 2 + 16;
	}
	lv->paths[lv->npaths++] = key;
	return true;
}

/*
 * 0: p is slot lv->nslots now; 2: so, and the window closes after it (a new
 * path); 1: res is final (skipped); -EAGAIN: p opens the next window; -errno.
 */
static int admit(struct pl_replay *rp, struct pl_live *lv, const struct pl_replay_pkt *p,
		 const struct pl_inject *at, struct pl_result *res)
{
	struct pl_live_slot *s = &lv->slots[lv->nslots];
	struct pl_pkt_info outer;
	int i;

	memset(s, 0, sizeof(*s));
	pl_live_tag_of(p->data, p->len, &s->tag, &outer);
	if (outer.ipip) {
		s->ipip = true;
		s->outer_ip_id = outer.ip_id;
		s->outer_daddr = outer.daddr;
	}
	if (!s->tag.ok || (at->kind == PL_INJECT_VXLAN && !rp->nodes[at->node].vxlan_ifindex)) {
		res->status = PL_RES_SKIPPED;
		snprintf(res->skip, sizeof(res->skip), "%s",
			 s->tag.ok ? "the node has no vxlan device (native routing)"
				   : "live mode correlates well-formed IPv4 and IPv6 only");
		return 1;
	}
	if (p->len > PL_PKT_MAX)
		return -EMSGSIZE;
	if (slot_find(lv, s->tag.ip_id, s->tag.daddr)) {
		rp->live_stats.cut_tag++;
		return -EAGAIN;
	}
	flow_of(p, s);
	s->at = *at;
	for (i = 0; i < lv->nslots; i++) {
		if ((same_flow(s, &lv->slots[i]) &&
		     (s->fwd != lv->slots[i].fwd || !same_at(at, &lv->slots[i].at))) ||
		    same_pair6(s, &lv->slots[i])) {
			rp->live_stats.cut_flow++;
			return -EAGAIN;
		}
	}
	i = pod_of_tag(rp->t, &s->tag);
	s->dst_node = i < 0 ? -1 : rp->t->pods[i].node;
	s->last_node = -1;
	s->p = p;
	s->res = res;
	slot_insert(lv, lv->nslots++);
	return new_path(rp, lv, s) ? 2 : 0;
}

static void inject_failed(struct pl_live_slot *s, int err)
{
	s->active = false;
	s->res->status = PL_RES_ERROR;
	snprintf(s->res->skip, sizeof(s->res->skip), "injecting: %s", strerror(-err));
}

/* Every slot in order: runs of one pod's packets in one sendmmsg, uplink packets one by one. */
static void inject_all(struct pl_replay *rp, struct pl_live *lv)
{
	static uint32_t lens[PL_LIVE_WINDOW_MAX];
	int i, j, k, pod, ret;

	for (i = 0; i < lv->nslots; i = j) {
		struct pl_live_slot *s = &lv->slots[i];
		uint8_t *f = lv->tx + (size_t)i * PL_PKT_MAX;

		j = i + 1;
		memcpy(f, s->p->data, s->p->len);
		lens[i] = s->p->len;
		if (s->at.kind != PL_INJECT_POD) {
			/* a vxlan device receives what its node's uplink gets encapsulated */
			ret = s->at.kind == PL_INJECT_VXLAN
				      ? pl_live_encap(rp, lv, s->p, s->at.node, f)
				      : (int)s->p->len;
			if (ret > 0)
				ret = pl_live_inject_uplink(rp, lv, s->at.node, f, ret);
			s->active = !ret;
			if (ret)
				inject_failed(s, ret);
			continue;
		}
		pod = s->at.pod;
		for (; j < lv->nslots && lv->slots[j].at.kind == PL_INJECT_POD &&
		       lv->slots[j].at.pod == pod;
		     j++) {
			memcpy(lv->tx + (size_t)j * PL_PKT_MAX, lv->slots[j].p->data,
			       lv->slots[j].p->len);
			lens[j] = lv->slots[j].p->len;
		}
		for (k = i; k < j;) {
			ret = pl_live_inject_pod(rp, lv, pod, lv->tx + (size_t)k * PL_PKT_MAX,
						 lens + k, j - k);
			if (ret < 0) {
				inject_failed(&lv->slots[k++], ret);
				continue;
			}
			for (; ret > 0; ret--)
				lv->slots[k++].active = true;
		}
	}
}

static void add_hop(struct pl_replay *rp, struct pl_result *res, int node,
		    const struct pl_flow_event *ev)
{
	struct pl_hop *h;

	if (res->nhops == PL_RESULT_MAX_HOPS)
		return;
	h = &res->hops[res->nhops++];
	h->node = node;
	h->prog = ev->prog;
	h->retval = -1;
	h->ts_ns = ev->ts_ns;
	h->saddr = ev->saddr;
	pl_replay_hop_event(rp, h, node, ev);
	if (ev->prog == PL_PROG_USER && ev->user_prog && ev->user_prog <= rp->t->nprograms) {
		const struct topo_program *tp = &rp->t->programs[ev->user_prog - 1];

		pl_user_hop_name(h->user, sizeof(h->user), rp->t, ev->user_prog - 1, node,
				 rp->plan ? pl_plan_attach_dev(rp->plan, node, ev->ifindex)
					  : tp->device,
				 pl_user_hook_name(tp->hook));
	}
	if (ev->tunnel_remote && !res->encap) {
		res->encap = true;
		res->encap_ipip = ev->redirect == PL_REDIR_IPIP;
		res->vni = ev->tunnel_vni;
		res->outer_saddr = rp->t->nodes[node].underlay_ip;
		res->outer_daddr = ev->tunnel_remote;
	}
}

/*
 * Events carry no payload hash: protocol and destination port (which no NAT
 * here rewrites) tell the packet from a reply its destination sent back.
 */
static bool event_of(const struct pl_live_slot *s, const struct pl_flow_event *ev)
{
	uint16_t dport = ntohs(ev->flags & PL_EV_F_SVC_DNAT ? ev->svc_dport : ev->dport);

	if (s->alias_daddr && ev->daddr == s->alias_daddr && !(ev->flags & PL_EV_F_SVC_DNAT))
		return ev->proto == s->proto && ntohs(ev->dport) == s->alias_dport;
	return ev->proto == s->proto && (!s->dport || !dport || dport == s->dport);
}

/* The window's IPv6 packet from the event's source to its destination (same_pair6: one). */
static struct pl_live_slot *slot_of_pair6(struct pl_live *lv, const struct pl_flow_event *ev)
{
	uint32_t src = pl_live_fold6(ev->saddr6), dst = pl_live_fold6(ev->daddr6);
	int k;

	for (k = 0; k < lv->nslots; k++) {
		const struct pl_live_slot *s = &lv->slots[k];

		if (s->tag.v6 && s->tag.daddr == dst && (s->fwd ? s->lo_addr : s->hi_addr) == src)
			return &lv->slots[k];
	}
	return NULL;
}

/* An IPv6 event's pl_live_id6(): a reply to an echo keys its identifier as dport. */
static uint16_t event_id6(const struct pl_flow_event *ev)
{
	if (ev->proto == IPPROTO_TCP || ev->proto == IPPROTO_UDP)
		return ntohs(ev->sport);
	if (ev->proto == IPPROTO_ICMPV6)
		return ntohs(ev->sport | ev->dport);
	return 0;
}

/* An event on an IP-in-IP packet not decapsulated (dropped before): its outer header's slot. */
static struct pl_live_slot *slot_of_outer(struct pl_live *lv, const struct pl_flow_event *ev)
{
	int k;

	if (ev->proto != IPPROTO_IPIP)
		return NULL;
	for (k = 0; k < lv->nslots; k++)
		if (lv->slots[k].ipip && lv->slots[k].outer_ip_id == ntohs(ev->ip_id) &&
		    lv->slots[k].outer_daddr == ev->daddr)
			return &lv->slots[k];
	return NULL;
}

/* Events of every node, each to the packet of its tag; returns how many matched. */
static int collect_events(struct pl_replay *rp, struct pl_live *lv)
{
	struct pl_live_slot *s;
	int i, found = 0;
	size_t j;

	for (i = 0; i < rp->t->nnodes; i++) {
		struct pl_replay_node *n = &rp->nodes[i];

		/* Alone, a packet is waited for on the ring too; a window wakes on captures. */
		pl_evring_read(&n->ring, lv->nslots == 1, pl_replay_node_on_event, n);
		for (j = 0; j < n->nevs; j++) {
			const struct pl_flow_event *ev = &n->evs[j];

			if (ev->flags & PL_EV_F_IPV6) {
				s = slot_find(lv, event_id6(ev), pl_live_fold6(ev->daddr6));
				if (s && (!s->tag.v6 || !event_of(s, ev)))
					s = NULL;
				/* Only parse drops leave the port 0: with one, it is the kernel's
				 * own. */
				if (!s && !event_id6(ev))
					s = slot_of_pair6(lv, ev);
				goto matched;
			}
			if (!(ev->flags & PL_EV_F_IPV4))
				continue;
			s = slot_find(lv, ntohs(ev->ip_id), ev->daddr);
			if (!s && (ev->flags & (PL_EV_F_SVC_DNAT | PL_EV_F_SVC_RNAT)) &&
			    ev->svc_daddr)
				s = slot_find(lv, ntohs(ev->ip_id), ev->svc_daddr);
			if (!s || !s->active || !event_of(s, ev))
				s = slot_of_outer(lv, ev);
		matched:
			if (!s || !s->active)
				continue;
			if (ev->svc_daddr && (ev->flags & (PL_EV_F_SVC_DNAT | PL_EV_F_SVC_RNAT)))
				slot_alias(lv, s, ev);
			add_hop(rp, s->res, i, ev);
			found++;
			if (s->last_node < 0 || ev->ts_ns >= s->last_ts) {
				s->last_node = i;
				s->last_ts = ev->ts_ns;
			}
			if (ev->verdict == PL_VERDICT_DROPPED)
				s->dropped = true;
			if (ev->obs_point == PL_OBS_TO_STACK) {
				s->to_stack = true;
				s->res->deliver_node = i;
			}
		}
		n->nevs = 0;
	}
	return found;
}

/* A captured frame: on a pod's eth0 it delivers; on an uplink it shows the wire form. */
static int on_frame(struct pl_replay *rp, struct pl_live *lv, const struct pl_tap *tp,
		    const uint8_t *f, uint32_t n, uint8_t pkttype)
{
	struct pl_pkt_info outer;
	struct pl_live_tag got;
	struct pl_live_slot *s;
	struct pl_result *res;

	pl_live_tag_of(f, n, &got, &outer);
	if (!got.ok)
		return 0;
	s = slot_find(lv, got.ip_id, got.daddr);
	if (!s || !s->active || s->tag.hash != got.hash || s->tag.v6 != got.v6)
		return 0;
	res = s->res;
	if (tp->kind == PL_TAP_UPLINK && !res->wire_len)
		res->wire_len = n;
	if (tp->kind == PL_TAP_UPLINK && (outer.vxlan || outer.ipip) && !res->encap) {
		res->encap = true;
		res->encap_ipip = outer.ipip;
		res->vni = outer.vni;
		res->outer_saddr = outer.saddr;
		res->outer_daddr = outer.daddr;
	}
	/* The pod's own transmission shows on its eth0 as outgoing. */
	if (tp->kind != PL_TAP_POD || pkttype == PACKET_OUTGOING)
		return 0;
	res->delivery = PL_DELIV_POD;
	res->deliver_pod = tp->index;
	res->deliver_node = rp->t->pods[tp->index].node;
	free(res->out);
	res->out = malloc(n);
	res->out_len = 0;
	if (res->out) {
		memcpy(res->out, f, n);
		res->out_len = n;
	}
	snprintf(res->out_dev, sizeof(res->out_dev), "%s", rp->t->pods[tp->index].name);
	pl_result_set_output(res, f, n);
	return 1;
}

/* Reads every capture dry, PL_LIVE_RX_BATCH frames per call; returns how many delivered. */
static int collect_taps(struct pl_replay *rp, struct pl_live *lv)
{
	struct sockaddr_ll from[PL_LIVE_RX_BATCH];
	struct mmsghdr m[PL_LIVE_RX_BATCH];
	struct iovec iov[PL_LIVE_RX_BATCH];
	int i, k, n, found = 0;

	for (i = 0; i < lv->ntaps; i++) {
		const struct pl_tap *tp = &lv->taps[i];

		do {
			for (k = 0; k < PL_LIVE_RX_BATCH; k++) {
				iov[k] = (struct iovec){.iov_base = lv->rx + (size_t)k * PL_PKT_MAX,
							.iov_len = PL_PKT_MAX};
				m[k] = (struct mmsghdr){.msg_hdr = {.msg_name = &from[k],
								    .msg_namelen = sizeof(from[k]),
								    .msg_iov = &iov[k],
								    .msg_iovlen = 1}};
			}
			n = recvmmsg(tp->fd, m, PL_LIVE_RX_BATCH, MSG_DONTWAIT, NULL);
			for (k = 0; k < n; k++)
				found += on_frame(rp, lv, tp, iov[k].iov_base, m[k].msg_len,
						  from[k].sll_pkttype);
		} while (n == PL_LIVE_RX_BATCH);
	}
	return found;
}

/* Sleeps until a tap or a node's ring has something, at most ms. */
static void wait_any(struct pl_replay *rp, struct pl_live *lv, int ms)
{
	struct pollfd fds[64];
	int i, n = 0;

	for (i = 0; i < lv->ntaps && n < 64; i++)
		fds[n++] = (struct pollfd){.fd = lv->taps[i].fd, .events = POLLIN};
	/* unpublished records keep a ring readable: polled only when published */
	for (i = 0; lv->nslots == 1 && i < rp->t->nnodes && n < 64; i++)
		fds[n++] = (struct pollfd){.fd = rp->nodes[i].ring.fd, .events = POLLIN};
	poll(fds, n, ms);
}

/*
 * all: every packet in flight delivered or dropped; else: every one settled,
 * its latest sign on the node of the pod it is addressed to (or any sign, if
 * it is addressed to no pod). A packet still on its way to another node is
 * waited for: the signs of the next node can be late (an emulated guest stalls).
 */
static bool window_done(const struct pl_live *lv, bool all)
{
	int i;

	for (i = 0; i < lv->nslots; i++) {
		const struct pl_live_slot *s = &lv->slots[i];
		bool done = s->res->delivery == PL_DELIV_POD || s->dropped;
		bool settled =
			s->last_node >= 0 && (s->dst_node < 0 || s->last_node == s->dst_node);

		if (s->active && !done && (all || !settled))
			return false;
	}
	return true;
}

static int hop_cmp(const void *a, const void *b)
{
	const struct pl_hop *x = a, *y = b;

	return x->ts_ns < y->ts_ns ? -1 : x->ts_ns > y->ts_ns;
}

/* A packet's result from what was seen of it. */
static void conclude(struct pl_live_slot *s, unsigned wait)
{
	struct pl_result *res = s->res;
	int i;

	/* Events arrive node by node: the kernel's timestamps give the path's order. */
	qsort(res->hops, res->nhops, sizeof(res->hops[0]), hop_cmp);
	if (res->nhops)
		res->last_hop_saddr = res->hops[res->nhops - 1].saddr;
	res->verdict = res->nhops ? res->hops[res->nhops - 1].verdict : PL_VERDICT_UNKNOWN;
	res->drop_reason = res->nhops ? res->hops[res->nhops - 1].drop_reason : 0;
	if (s->dropped) {
		for (i = 0; i < res->nhops; i++)
			if (res->hops[i].verdict == PL_VERDICT_DROPPED)
				res->drop_reason = res->hops[i].drop_reason;
		res->verdict = PL_VERDICT_DROPPED;
		res->delivery = PL_DELIV_DROPPED;
	} else if (res->delivery == PL_DELIV_POD) {
		res->verdict = res->verdict ?: PL_VERDICT_FORWARDED;
	} else if (s->to_stack) {
		res->delivery = PL_DELIV_STACK;
	} else {
		res->delivery = PL_DELIV_TIMEOUT;
		snprintf(res->skip, sizeof(res->skip), "nothing seen within %u ms", wait);
	}
}

/* Injects the window, gathers its signs until it concludes, fills every result. */
static void run_window(struct pl_replay *rp, struct pl_live *lv)
{
	unsigned wait = rp->opts.live_wait_ms ?: 500;
	uint64_t start, last, now;
	int i, found;

	if (!lv->nslots)
		return;
	rp->live_stats.windows++;
	inject_all(rp, lv);
	start = last = pl_now_ns() / 1000000;
	for (;;) {
		found = collect_events(rp, lv) + collect_taps(rp, lv);
		if (window_done(lv, true)) {
			/* the delivering program's event may have landed after we read the rings */
			collect_events(rp, lv);
			break;
		}
		now = pl_now_ns() / 1000000;
		if (found)
			last = now;
		else if (window_done(lv, false) && now - last > QUIET_MS)
			break;
		/* bounded by progress: a slow guest still concludes every packet it moves */
		if (now - last >= wait || now - start >= 8 * (uint64_t)wait)
			break;
		wait_any(rp, lv, 1);
	}
	for (i = 0; i < lv->nslots; i++)
		if (lv->slots[i].active)
			conclude(&lv->slots[i], wait);
}

int pl_replay_live_one(struct pl_replay *rp, const struct pl_replay_pkt *p,
		       const struct pl_inject *at, struct pl_result *res)
{
	struct pl_live *lv = rp->live;
	int ret;

	window_reset(lv);
	ret = admit(rp, lv, p, at, res);
	if (ret < 0 || ret == 1)
		return ret < 0 ? ret : 0;
	run_window(rp, lv);
	return 0;
}

int pl_replay_live_window(struct pl_replay *rp, const struct pl_replay_pkt *p, int n,
			  struct pl_result *res, int *used)
{
	struct pl_live *lv = rp->live;
	int j, ret, lim = n < (int)lv->window ? n : (int)lv->window;
	struct pl_inject at;

	window_reset(lv);
	for (j = 0; j < lim; j++) {
		if (pl_replay_prepare(rp, &p[j], &res[j], &at))
			continue;
		ret = admit(rp, lv, &p[j], &at, &res[j]);
		if (ret == 1)
			continue;
		if (ret == 2) {
			rp->live_stats.cut_path++;
			j++;
			break;
		}
		if (ret == -EAGAIN || (ret < 0 && j > 0)) {
			/* opens the next window (or fails there, first of it) */
			pl_result_release(&res[j]);
			break;
		}
		if (ret < 0) {
			*used = 1;
			return ret;
		}
	}
	*used = j;
	run_window(rp, lv);
	return 0;
}
