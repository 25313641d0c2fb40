// SPDX-License-Identifier: GPL-2.0
/*
 * Unit mode: one packet through the program at its injection hook with
 * BPF_PROG_TEST_RUN, inside the node's namespace with the real ifindex so
 * bpf_fib_lookup sees that node's routes. At an uplink the XDP prefilter runs
 * first, then from_network (or from_overlay for VXLAN: test_run cannot decap,
 * so the inner frame goes in with the identity in skb->mark).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "lib/datapath.h"
#include "lib/pkt.h"
#include "replay/replay_core.h"
#include "replay/replay_run.h"
#include "replay/replay_unit.h"
#include "topo/topo.h"

static uint8_t verdict_of_retval(enum pl_prog prog, int retval)
{
	if (prog == PL_PROG_XDP_PREFILTER)
		return retval == XDP_DROP || retval == XDP_ABORTED ? PL_VERDICT_DROPPED
								   : PL_VERDICT_FORWARDED;
	if (retval == TC_ACT_SHOT)
		return PL_VERDICT_DROPPED;
	if (retval == TC_ACT_REDIRECT)
		return PL_VERDICT_REDIRECTED;
	return PL_VERDICT_FORWARDED;
}

/* Runs one program on pkt (its source address saddr); appends its hop. The retval or -errno. */
static int run_hop(struct pl_replay *rp, int node, enum pl_prog prog, const uint8_t *pkt,
		   uint32_t len, uint32_t saddr, uint32_t ifindex, uint32_t mark,
		   struct pl_result *res, struct pl_run_result *rr)
{
	struct pl_hop *h;
	int err;

	err = pl_replay_test_run(rp, node, prog, pkt, len, ifindex, mark, rr);
	if (err)
		return err;
	if (res->nhops == PL_RESULT_MAX_HOPS)
		return -E2BIG;
	h = &res->hops[res->nhops++];
	memset(h, 0, sizeof(*h));
	h->node = node;
	h->prog = prog;
	h->retval = rr->retval;
	h->saddr = saddr;
	if (rr->has_event) {
		pl_replay_hop_event(rp, h, node, &rr->event);
	} else {
		h->verdict = verdict_of_retval(prog, rr->retval);
		snprintf(h->remark, sizeof(h->remark), "no flow event: verdict from retval %d",
			 rr->retval);
	}
	return rr->retval;
}

/* Final verdict, delivery and encapsulation from the last hop. */
static void conclude(struct pl_replay *rp, struct pl_result *res, const struct pl_run_result *rr,
		     const uint8_t *in, uint32_t in_len)
{
	const struct topo *t = rp->t;
	struct pl_hop *h = &res->hops[res->nhops - 1];
	uint8_t *out = rp->buf;
	uint32_t out_len = rr->data_out_len;
	int pod;

	res->verdict = h->verdict;
	res->drop_reason = h->drop_reason;
	res->deliver_node = h->node;
	res->deliver_pod = -1;
	if (h->verdict == PL_VERDICT_DROPPED) {
		res->delivery = PL_DELIV_DROPPED;
		return;
	}
	if (h->prog == PL_PROG_XDP_PREFILTER) {
		res->delivery = PL_DELIV_STACK;
	} else if (h->verdict == PL_VERDICT_REDIRECTED) {
		switch (h->redirect) {
		case PL_REDIR_PEER:
			res->delivery = PL_DELIV_POD;
			for (pod = 0; pod < t->npods; pod++)
				if (rp->nodes[h->node].pod_ifindex[pod] == h->target_ifindex)
					res->deliver_pod = pod;
			if (res->deliver_pod < 0)
				res->deliver_pod = pl_topo_pod_by_ip(t, rr->event.daddr);
			break;
		case PL_REDIR_TUNNEL:
			res->delivery = PL_DELIV_OVERLAY;
			break;
		default:
			res->delivery = PL_DELIV_UPLINK;
		}
	} else {
		res->delivery = PL_DELIV_STACK;
	}
	if (rr->has_event && rr->event.tunnel_remote) {
		res->encap = true;
		res->encap_ipip = rr->event.redirect == PL_REDIR_IPIP;
		res->vni = rr->event.tunnel_vni;
		res->outer_saddr = t->nodes[h->node].underlay_ip;
		res->outer_daddr = rr->event.tunnel_remote;
	}
	/* XDP_PASS leaves the frame as it was; TC programs hand back data_out. */
	if (!out_len) {
		out = (uint8_t *)in;
		out_len = in_len;
	}
	res->out = malloc(out_len);
	if (res->out) {
		memcpy(res->out, out, out_len);
		res->out_len = out_len;
	}
	if (res->delivery == PL_DELIV_POD && res->deliver_pod >= 0)
		snprintf(res->out_dev, sizeof(res->out_dev), "%s", t->pods[res->deliver_pod].name);
	else
		snprintf(res->out_dev, sizeof(res->out_dev), "%s.%s", t->nodes[h->node].name,
			 res->delivery == PL_DELIV_OVERLAY  ? "vxlan"
			 : res->delivery == PL_DELIV_UPLINK ? "uplink"
							    : "stack");
	pl_result_set_output(res, res->out, res->out_len);
}

int pl_replay_unit_one(struct pl_replay *rp, const struct pl_replay_pkt *p,
		       const struct pl_inject *at, struct pl_result *res)
{
	const struct topo *t = rp->t;
	struct pl_replay_node *n = &rp->nodes[at->node];
	const uint8_t *frame = p->data;
	uint32_t len = p->len, mark, saddr;
	struct pl_run_result rr;
	struct pl_pkt_info info, inner;
	int ret;

	pl_pkt_parse(frame, len, &info);
	switch (at->kind) {
	case PL_INJECT_POD:
		ret = run_hop(rp, at->node, PL_PROG_FROM_POD, frame, len, info.saddr,
			      n->pod_ifindex[at->pod], 0, res, &rr);
		break;
	case PL_INJECT_UPLINK:
		ret = run_hop(rp, at->node, PL_PROG_XDP_PREFILTER, frame, len, info.saddr,
			      n->uplink_ifindex, 0, res, &rr);
		if (ret < 0 || res->hops[0].verdict == PL_VERDICT_DROPPED)
			break;
		if (!info.vxlan || info.daddr != t->nodes[at->node].underlay_ip) {
			ret = run_hop(rp, at->node, PL_PROG_FROM_NETWORK, frame, len, info.saddr,
				      n->uplink_ifindex, 0, res, &rr);
			break;
		}
		/* the kernel decapsulates, then from_overlay runs */
		__attribute__((fallthrough));
	case PL_INJECT_VXLAN:
		saddr = info.saddr;
		if (info.vxlan) {
			frame += info.inner_off;
			len -= info.inner_off;
			mark = PL_MARK_IDENTITY_MAGIC | (info.vni & PL_MARK_IDENTITY_MASK);
			pl_pkt_parse(frame, len, &inner);
			saddr = inner.saddr;
		} else {
			mark = PL_MARK_IDENTITY_MAGIC | pl_replay_identity_of_addr(t, &info.src);
		}
		ret = run_hop(rp, at->node, PL_PROG_FROM_OVERLAY, frame, len, saddr,
			      n->vxlan_ifindex ?: n->uplink_ifindex, mark, res, &rr);
		if (ret >= 0)
			snprintf(res->hops[res->nhops - 1].remark, sizeof(res->hops[0].remark),
				 "test_run has no decap: %s frame in, identity %u via skb->mark",
				 info.vxlan ? "inner" : "whole", mark & PL_MARK_IDENTITY_MASK);
		break;
	default:
		return -EINVAL;
	}
	if (ret == -EINVAL) {
		/* e.g. an IPv4 EtherType without a full IPv4 header: the kernel refuses the skb. */
		res->status = PL_RES_SKIPPED;
		snprintf(res->skip, sizeof(res->skip),
			 "BPF_PROG_TEST_RUN refuses this frame (EINVAL): not replayable in unit "
			 "mode");
		return 0;
	}
	if (ret < 0) {
		res->status = PL_RES_ERROR;
		snprintf(res->skip, sizeof(res->skip), "BPF_PROG_TEST_RUN: %s", strerror(-ret));
		return 0;
	}
	conclude(rp, res, &rr, frame, len);
	return 0;
}
