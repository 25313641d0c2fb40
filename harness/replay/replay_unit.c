// SPDX-License-Identifier: GPL-2.0
/*
 * Unit mode: one packet through the program at its injection hook with
 * BPF_PROG_TEST_RUN, inside the node's namespace with the real ifindex so
 * bpf_fib_lookup sees that node's routes. At an uplink the XDP prefilter runs
 * first, then from_network (or from_overlay for VXLAN: test_run cannot decap,
 * so the inner frame goes in with the identity in skb->mark). The topology's
 * own programs on those hooks run where `podlab up` attached them (users'
 * tc filters before podlab's, one XDP program a device), each one's output
 * the next one's input; hooks further along the path are sim and live's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "lib/datapath.h"
#include "lib/log.h"
#include "lib/pkt.h"
#include "lib/user_prog.h"
#include "plan/plan.h"
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

int pl_replay_unit_open(struct pl_replay *rp)
{
	struct pl_plan_opts po = {.datapath = true, .xdp_prefilter = true}; /* as replay attaches */
	int i, fd, err;

	if (!rp->t->nprograms)
		return 0;
	rp->users.t = rp->t;
	rp->ubuf = malloc(PL_PKT_MAX + 256);
	if (!rp->ubuf)
		return -ENOMEM;
	/* The plan says what `podlab up` attached where; every object loads now, not mid-replay. */
	if ((err = pl_plan_build(rp->t, rp->run, &po, &rp->plan)))
		return err;
	for (i = 0; i < rp->t->nprograms; i++)
		if ((fd = pl_user_prog_fd(&rp->users, i)) < 0)
			return fd;
	return 0;
}

void pl_replay_unit_close(struct pl_replay *rp)
{
	pl_user_progs_close(&rp->users);
	pl_plan_free(rp->plan);
	rp->plan = NULL;
	free(rp->ubuf);
	rp->ubuf = NULL;
}

/* How a hook's programs ended. */
enum hook_end {
	HOOK_PODLAB, /* podlab's program decided: its hop and run result conclude */
	HOOK_NEXT,   /* nothing decided: on to the next hook (after XDP) or the stack (tc) */
	HOOK_USER,   /* a user's program dropped or redirected the packet */
};

/* The plan's name of node's device ifindex (the attach step's), for a hop's text. */
/* Users' program u on the frame; appends its hop. The retval or -errno. */
static int run_user_hop(struct pl_replay *rp, int node, int u, int hook, const uint8_t **frame,
			uint32_t *len, uint32_t ifindex, uint32_t mark, struct pl_result *res)
{
	enum pl_user_action act;
	struct pl_hop *h;
	uint32_t out_len;
	int rv;

	if ((rv = pl_replay_enter(rp, node)))
		return rv;
	rv = pl_user_prog_run(&rp->users, u, node, hook, ifindex, mark, *frame, *len, rp->ubuf,
			      PL_PKT_MAX + 256, &out_len);
	if (rv < 0)
		return rv;
	if (res->nhops == PL_RESULT_MAX_HOPS)
		return -E2BIG;
	if (out_len && out_len <= PL_PKT_MAX) {
		*frame = rp->ubuf; /* what it made of the frame goes on */
		*len = out_len;
	}
	act = pl_user_action(hook, rv);
	h = &res->hops[res->nhops++];
	memset(h, 0, sizeof(*h));
	h->node = node;
	h->prog = PL_PROG_USER;
	h->obs_point = pl_user_obs_point(&rp->t->programs[u]);
	h->retval = rv;
	h->verdict = act == PL_USER_DROP ? PL_VERDICT_DROPPED : PL_VERDICT_FORWARDED;
	h->drop_reason = act == PL_USER_DROP ? PL_DROP_USER_PROGRAM : 0;
	pl_user_hop_name(h->user, sizeof(h->user), rp->t, u, node,
			 pl_plan_attach_dev(rp->plan, node, ifindex), pl_user_hook_name(hook));
	return rv;
}

/*
 * The programs of one hook in the kernel's order: podlab's prog alone, or
 * with the topology's own (rp->plan). *end says who decided; the retval of
 * the last program run, or -errno.
 */
static int run_hook(struct pl_replay *rp, int node, enum pl_prog prog, int hook,
		    const uint8_t **frame, uint32_t *len, uint32_t saddr, uint32_t ifindex,
		    uint32_t mark, struct pl_result *res, struct pl_run_result *rr,
		    enum hook_end *end)
{
	struct pl_hook_prog progs[PL_HOOK_PROGS_MAX];
	int i, n, ret = hook == TOPO_HOOK_XDP ? XDP_PASS : TC_ACT_UNSPEC;
	enum pl_user_action act;

	*end = HOOK_PODLAB;
	if (!rp->plan)
		return run_hop(rp, node, prog, *frame, *len, saddr, ifindex, mark, res, rr);
	*end = HOOK_NEXT;
	n = pl_plan_hook_progs(rp->plan, node, ifindex, hook, progs);
	for (i = 0; i < n; i++) {
		if (progs[i].user < 0) {
			*end = HOOK_PODLAB;
			return run_hop(rp, node, prog, *frame, *len, saddr, ifindex, mark, res, rr);
		}
		ret = run_user_hop(rp, node, progs[i].user, hook, frame, len, ifindex, mark, res);
		if (ret < 0)
			return ret;
		act = pl_user_action(hook, ret);
		if (act == PL_USER_DROP || act == PL_USER_REDIRECT) {
			*end = HOOK_USER;
			return ret;
		}
		if (act == PL_USER_STACK || hook == TOPO_HOOK_XDP)
			return ret; /* past the hook: the filters after it do not run */
	}
	return ret;
}

/* A user's program decided, or no program did: the verdict is the kernel's. */
static void conclude_user(struct pl_replay *rp, struct pl_result *res, int node, int hook,
			  enum hook_end end, const uint8_t *frame, uint32_t len)
{
	struct pl_hop *h = &res->hops[res->nhops - 1];

	res->deliver_node = node;
	res->deliver_pod = -1;
	if (end == HOOK_USER && pl_user_action(hook, h->retval) == PL_USER_REDIRECT) {
		res->status = PL_RES_SKIPPED;
		snprintf(res->skip, sizeof(res->skip),
			 "%s by a user program: unit mode does not follow a redirect",
			 hook == TOPO_HOOK_XDP ? "XDP_TX/XDP_REDIRECT" : "TC_ACT_REDIRECT");
		return;
	}
	if (end == HOOK_USER) {
		res->verdict = PL_VERDICT_DROPPED;
		res->drop_reason = PL_DROP_USER_PROGRAM;
		res->delivery = PL_DELIV_DROPPED;
		return;
	}
	/* Past every filter with no program's verdict: the node's stack takes it. */
	res->verdict = PL_VERDICT_FORWARDED;
	res->delivery = PL_DELIV_STACK;
	snprintf(res->out_dev, sizeof(res->out_dev), "%s.stack", rp->t->nodes[node].name);
	res->out = malloc(len);
	if (res->out) {
		memcpy(res->out, frame, len);
		res->out_len = len;
	}
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
	enum hook_end end = HOOK_PODLAB;
	int hook = TOPO_HOOK_TC_INGRESS, ret;

	pl_pkt_parse(frame, len, &info);
	switch (at->kind) {
	case PL_INJECT_POD:
		ret = run_hook(rp, at->node, PL_PROG_FROM_POD, hook, &frame, &len, info.saddr,
			       n->pod_ifindex[at->pod], 0, res, &rr, &end);
		break;
	case PL_INJECT_UPLINK:
		hook = TOPO_HOOK_XDP;
		ret = run_hook(rp, at->node, PL_PROG_XDP_PREFILTER, hook, &frame, &len, info.saddr,
			       n->uplink_ifindex, 0, res, &rr, &end);
		if (ret < 0 || end == HOOK_USER ||
		    (end == HOOK_PODLAB && res->hops[res->nhops - 1].verdict == PL_VERDICT_DROPPED))
			break;
		hook = TOPO_HOOK_TC_INGRESS;
		if (frame != p->data) /* a user's XDP program rewrote it */
			pl_pkt_parse(frame, len, &info);
		if (!info.vxlan || info.daddr != t->nodes[at->node].underlay_ip) {
			ret = run_hook(rp, at->node, PL_PROG_FROM_NETWORK, hook, &frame, &len,
				       info.saddr, n->uplink_ifindex, 0, res, &rr, &end);
			break;
		}
		/* the kernel decapsulates, then from_overlay runs */
		__attribute__((fallthrough));
	case PL_INJECT_VXLAN:
		hook = TOPO_HOOK_TC_INGRESS;
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
		ret = run_hook(rp, at->node, PL_PROG_FROM_OVERLAY, hook, &frame, &len, saddr,
			       n->vxlan_ifindex ?: n->uplink_ifindex, mark, res, &rr, &end);
		if (ret >= 0 && end == HOOK_PODLAB)
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
	if (end == HOOK_PODLAB)
		conclude(rp, res, &rr, frame, len);
	else
		conclude_user(rp, res, at->node, hook, end, frame, len);
	return 0;
}
