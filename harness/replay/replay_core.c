// SPDX-License-Identifier: GPL-2.0
/* What every replay mode shares: injection choice, namespaces, device names, hops, results. */
#include <errno.h>
#include <sys/socket.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/datapath.h"
#include "lib/log.h"
#include "lib/pkt.h"
#include "replay/replay_core.h"
#include "topo/topo.h"

int pl_inject_parse(const char *s, const struct topo *t, struct pl_inject *out, char *err,
		    size_t errlen)
{
	const char *colon = strchr(s, ':');
	char node[TOPO_NAME_MAX + 1];
	int i;

	memset(out, 0, sizeof(*out));
	out->pod = -1;
	if (!colon) {
		i = pl_topo_pod_by_name(t, s);
		if (i < 0) {
			snprintf(err, errlen,
				 "'%s' is not a pod of the topology (POD, NODE:uplink "
				 "or NODE:vxlan)",
				 s);
			return -EINVAL;
		}
		out->kind = PL_INJECT_POD;
		out->pod = i;
		out->node = t->pods[i].node;
		return 0;
	}
	snprintf(node, sizeof(node), "%.*s", (int)(colon - s), s);
	out->node = pl_topo_node_by_name(t, node);
	if (out->node < 0) {
		snprintf(err, errlen, "'%s' is not a node of the topology", node);
		return -EINVAL;
	}
	if (!strcmp(colon + 1, "uplink")) {
		out->kind = PL_INJECT_UPLINK;
	} else if (!strcmp(colon + 1, "vxlan")) {
		if (!pl_topo_overlay(t)) {
			snprintf(err, errlen, "'%s': %s routing has no vxlan device", s,
				 pl_topo_routing_name(t->routing));
			return -EINVAL;
		}
		out->kind = PL_INJECT_VXLAN;
	} else {
		snprintf(err, errlen, "'%s': the device is uplink or vxlan", s);
		return -EINVAL;
	}
	return 0;
}

/* The pod with address a (either family), or -1. */
static int pod_by_addr(const struct topo *t, const struct pl_addr *a)
{
	return a->family == AF_INET6 ? pl_topo_pod_by_ip6(t, a->v6) : pl_topo_pod_by_ip(t, a->v4);
}

int pl_inject_choose(const struct topo *t, const uint8_t *frame, uint32_t len,
		     struct pl_inject *out, char *err, size_t errlen)
{
	struct pl_pkt_info info;
	int i;

	memset(out, 0, sizeof(*out));
	out->pod = -1;
	pl_pkt_parse(frame, len, &info);
	if (!info.ipv4 && !info.ipv6) {
		snprintf(err, errlen,
			 "not IP (%s): no address to choose an injection point; "
			 "use --at",
			 info.error ?: "other EtherType");
		return -ENOENT;
	}
	if (info.ipv6) {
		/* Underlay addresses are IPv4: an IPv6 packet enters at a pod or its node. */
		i = pod_by_addr(t, &info.src);
		if (i >= 0) {
			out->kind = PL_INJECT_POD;
			out->pod = i;
			out->node = t->pods[i].node;
			return 0;
		}
		i = pod_by_addr(t, &info.dst);
		i = i >= 0 ? t->pods[i].node : pl_topo_node_by_pod_ip6(t, info.dst.v6);
		if (i < 0) {
			snprintf(err, errlen,
				 "neither IPv6 source nor destination belongs to the topology; "
				 "use --at");
			return -ENOENT;
		}
		out->kind = PL_INJECT_UPLINK;
		out->node = i;
		return 0;
	}
	if (info.vxlan && (i = pl_topo_node_by_underlay_ip(t, info.daddr)) >= 0) {
		out->kind = PL_INJECT_UPLINK;
		out->node = i;
		return 0;
	}
	i = pl_topo_pod_by_ip(t, info.saddr);
	if (i >= 0) {
		out->kind = PL_INJECT_POD;
		out->pod = i;
		out->node = t->pods[i].node;
		return 0;
	}
	i = pl_topo_pod_by_ip(t, info.daddr);
	if (i >= 0)
		i = t->pods[i].node;
	if (i < 0)
		i = pl_topo_node_by_pod_ip(t, info.daddr);
	if (i < 0)
		i = pl_topo_node_by_underlay_ip(t, info.daddr);
	if (i < 0) {
		snprintf(err, errlen,
			 "neither source nor destination belongs to the topology; "
			 "use --at");
		return -ENOENT;
	}
	out->kind = PL_INJECT_UPLINK;
	out->node = i;
	return 0;
}

const uint8_t *pl_replay_inner(const uint8_t *frame, uint32_t len, struct pl_pkt_info *info)
{
	pl_pkt_parse(frame, len, info);
	if (info->vxlan && info->inner_off < len) {
		frame += info->inner_off;
		pl_pkt_parse(frame, len - info->inner_off, info);
	} else if (info->ipip && info->ipip_off < len) {
		frame += info->ipip_off;
		pl_pkt_parse_ip(frame, len - info->ipip_off, info);
	}
	return frame;
}

uint32_t pl_replay_identity_of_addr(const struct topo *t, const struct pl_addr *a)
{
	int pod;

	if (a->family != AF_INET6)
		return pl_replay_identity_of(t, a->v4);
	pod = pl_topo_pod_by_ip6(t, a->v6);
	return pod >= 0 ? t->pods[pod].identity : PL_ID_WORLD;
}

uint32_t pl_replay_identity_of(const struct topo *t, uint32_t saddr)
{
	int pod = pl_topo_pod_by_ip(t, saddr);

	if (pod >= 0)
		return t->pods[pod].identity;
	if (pl_topo_node_by_underlay_ip(t, saddr) >= 0)
		return PL_ID_REMOTE_NODE;
	return PL_ID_WORLD;
}

int pl_replay_prepare(const struct pl_replay *rp, const struct pl_replay_pkt *p,
		      struct pl_result *res, struct pl_inject *at)
{
	char why[sizeof(res->skip)];

	*at = p->at.kind != PL_INJECT_AUTO ? p->at : rp->opts.at;
	pl_result_init(res, p);
	if (p->skip) {
		res->status = PL_RES_SKIPPED;
		snprintf(res->skip, sizeof(res->skip), "%s", p->skip);
		return 1;
	}
	if (at->kind == PL_INJECT_AUTO &&
	    pl_inject_choose(rp->t, p->data, p->len, at, why, sizeof(why))) {
		res->status = PL_RES_SKIPPED;
		snprintf(res->skip, sizeof(res->skip), "%s", why);
		return 1;
	}
	res->inject = *at;
	return 0;
}

void pl_result_init(struct pl_result *res, const struct pl_replay_pkt *p)
{
	struct pl_pkt_info info;

	memset(res, 0, sizeof(*res));
	res->number = p->number;
	res->seg = p->seg;
	res->nseg = p->nseg;
	res->input = p->input;
	res->deliver_node = res->deliver_pod = -1;
	res->inject.pod = -1;
	res->in = malloc(p->len ?: 1);
	if (res->in) {
		memcpy(res->in, p->data, p->len);
		res->in_len = p->len;
	}
	pl_replay_inner(p->data, p->len, &info);
	res->ipv4 = info.ipv4;
	res->proto = info.proto;
	res->in_saddr = info.saddr;
	res->in_daddr = info.daddr;
	res->in_src = info.src;
	res->in_dst = info.dst;
	res->in_sport = info.sport;
	res->in_dport = info.dport;
}

void pl_result_set_output(struct pl_result *res, const uint8_t *frame, uint32_t len)
{
	struct pl_pkt_info info;

	pl_replay_inner(frame, len, &info);
	if (!info.ipv4 && !info.ipv6)
		return;
	res->have_out_tuple = true;
	res->out_saddr = info.saddr;
	res->out_daddr = info.daddr;
	res->out_src = info.src;
	res->out_dst = info.dst;
	res->out_sport = info.sport;
	res->out_dport = info.dport;
}

int pl_replay_enter(struct pl_replay *rp, int node)
{
	int fd = node < 0 ? rp->orig_netns_fd : rp->nodes[node].netns_fd;

	if (rp->cur_node == node)
		return 0;
	if (setns(fd, CLONE_NEWNET))
		return pl_err_errno(-errno, "entering the namespace of node %s",
				    node < 0 ? "(original)" : rp->t->nodes[node].name);
	rp->cur_node = node;
	return 0;
}

void pl_replay_ifname(const struct pl_replay *rp, int node, uint32_t ifindex, char *buf, size_t len)
{
	const struct pl_replay_node *n = &rp->nodes[node];
	int i;

	if (ifindex == n->uplink_ifindex) {
		snprintf(buf, len, "%s.uplink", rp->t->nodes[node].name);
		return;
	}
	if (ifindex && ifindex == n->vxlan_ifindex) {
		snprintf(buf, len, "%s.vxlan", rp->t->nodes[node].name);
		return;
	}
	for (i = 0; i < rp->t->npods; i++) {
		if (n->pod_ifindex[i] == ifindex) {
			snprintf(buf, len, "%s", rp->t->pods[i].name);
			return;
		}
	}
	snprintf(buf, len, "ifindex %u", ifindex);
}

void pl_replay_hop_event(const struct pl_replay *rp, struct pl_hop *h, int node,
			 const struct pl_flow_event *ev)
{
	h->obs_point = ev->obs_point;
	h->verdict = ev->verdict;
	h->drop_reason = ev->drop_reason;
	h->note = ev->note;
	h->redirect = ev->redirect;
	h->target_ifindex = ev->target_ifindex;
	pl_hop_nat_from_event(h, ev);
	if (h->target_ifindex && node >= 0)
		pl_replay_ifname(rp, node, h->target_ifindex, h->target, sizeof(h->target));
}
