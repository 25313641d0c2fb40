// SPDX-License-Identifier: GPL-2.0
/* Traffic control objects over rtnetlink. */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "lib/log.h"
#include "net/tc.h"

/* PSCHED ticks are 64 ns (see /proc/net/psched). */
#define PSCHED_NS_PER_TICK 64

static void ratespec(struct tc_ratespec *r, uint64_t bits)
{
	uint64_t bytes = bits / 8;

	memset(r, 0, sizeof(*r));
	r->rate = bytes >= UINT32_MAX ? UINT32_MAX : (uint32_t)bytes;
	r->linklayer = TC_LINKLAYER_ETHERNET; /* the kernel computes, no rate table needed */
}

/* Time to send `bytes` at `bits` per second, in psched ticks. */
static uint32_t xmit_ticks(uint64_t bits, uint32_t bytes)
{
	uint64_t ns;

	if (!bits)
		return 0;
	ns = (uint64_t)bytes * 8 * 1000000000ull / bits;
	ns /= PSCHED_NS_PER_TICK;
	return ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
}

static struct nlmsghdr *tcmsg(struct pl_nl *nl, uint16_t type, uint16_t flags, uint32_t ifindex,
			      uint32_t parent, uint32_t handle, uint32_t info)
{
	struct nlmsghdr *nlh = pl_nl_req(nl, type, flags);
	struct tcmsg *t = mnl_nlmsg_put_extra_header(nlh, sizeof(*t));

	t->tcm_family = AF_UNSPEC;
	t->tcm_ifindex = ifindex;
	t->tcm_parent = parent;
	t->tcm_handle = handle;
	t->tcm_info = info;
	return nlh;
}

static void put_tbf(struct nlmsghdr *nlh, const struct topo_tbf *tbf)
{
	struct tc_tbf_qopt q = {0};
	struct nlattr *opts;

	ratespec(&q.rate, tbf->rate);
	q.limit = pl_tbf_limit(tbf);
	q.buffer = xmit_ticks(tbf->rate, tbf->burst);
	if (tbf->peakrate) {
		ratespec(&q.peakrate, tbf->peakrate);
		q.mtu = xmit_ticks(tbf->peakrate, tbf->mtu ? tbf->mtu : 2047);
	}
	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_TBF_PARMS, sizeof(q), &q);
	mnl_attr_put_u32(nlh, TCA_TBF_BURST, tbf->burst);
	if (tbf->rate / 8 >= UINT32_MAX)
		mnl_attr_put_u64(nlh, TCA_TBF_RATE64, tbf->rate / 8);
	if (tbf->peakrate) {
		mnl_attr_put_u32(nlh, TCA_TBF_PBURST, tbf->mtu ? tbf->mtu : 2047);
		if (tbf->peakrate / 8 >= UINT32_MAX)
			mnl_attr_put_u64(nlh, TCA_TBF_PRATE64, tbf->peakrate / 8);
	}
	mnl_attr_nest_end(nlh, opts);
}

static uint32_t prob32(double p)
{
	if (p <= 0)
		return 0;
	if (p >= 1)
		return UINT32_MAX;
	return (uint32_t)(p * UINT32_MAX);
}

static void put_netem(struct nlmsghdr *nlh, const struct topo_netem *n)
{
	struct tc_netem_qopt q = {0};
	struct nlattr *opts;

	q.latency = n->delay_ns / PSCHED_NS_PER_TICK;
	q.jitter = n->jitter_ns / PSCHED_NS_PER_TICK;
	q.limit = n->limit ? n->limit : 1000;
	q.loss = prob32(n->loss);
	q.duplicate = prob32(n->duplicate);
	q.gap = n->reorder > 0 ? 1 : 0;
	/* TCA_OPTIONS is the fixed struct followed by attributes. */
	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	memcpy(mnl_nlmsg_get_payload_tail(nlh), &q, sizeof(q));
	nlh->nlmsg_len += MNL_ALIGN(sizeof(q));
	mnl_attr_put_u64(nlh, TCA_NETEM_LATENCY64, n->delay_ns);
	mnl_attr_put_u64(nlh, TCA_NETEM_JITTER64, n->jitter_ns);
	if (n->reorder > 0) {
		struct tc_netem_reorder r = {.probability = prob32(n->reorder)};

		mnl_attr_put(nlh, TCA_NETEM_REORDER, sizeof(r), &r);
	}
	if (n->rate) {
		struct tc_netem_rate r = {.rate = n->rate / 8 >= UINT32_MAX ? UINT32_MAX
									    : n->rate / 8};

		mnl_attr_put(nlh, TCA_NETEM_RATE, sizeof(r), &r);
		if (n->rate / 8 >= UINT32_MAX)
			mnl_attr_put_u64(nlh, TCA_NETEM_RATE64, n->rate / 8);
	}
	mnl_attr_nest_end(nlh, opts);
}

int pl_tc_qdisc_add(struct pl_nl *nl, uint32_t ifindex, uint32_t handle, const struct topo_qdisc *q,
		    bool quiet, const char *what)
{
	struct nlmsghdr *nlh =
		tcmsg(nl, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex, TC_H_ROOT, handle, 0);
	struct nlattr *opts;

	mnl_attr_put_strz(nlh, TCA_KIND, pl_qdisc_kind_name(q->kind));
	switch (q->kind) {
	case TOPO_QDISC_TBF:
		put_tbf(nlh, &q->tbf);
		break;
	case TOPO_QDISC_HTB: {
		struct tc_htb_glob g = {.version = 3, .rate2quantum = 10};

		g.defcls = q->htb.default_minor;
		opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
		mnl_attr_put(nlh, TCA_HTB_INIT, sizeof(g), &g);
		mnl_attr_nest_end(nlh, opts);
		break;
	}
	case TOPO_QDISC_NETEM:
		put_netem(nlh, &q->netem);
		break;
	case TOPO_QDISC_PFIFO: {
		struct tc_fifo_qopt f = {.limit = q->pfifo_limit ? q->pfifo_limit : 1000};

		mnl_attr_put(nlh, TCA_OPTIONS, sizeof(f), &f);
		break;
	}
	default:
		return -EINVAL;
	}
	return pl_nl_talk(nl, nlh, quiet, "adding %s qdisc to %s", pl_qdisc_kind_name(q->kind),
			  what);
}

int pl_tc_htb_class_add(struct pl_nl *nl, uint32_t ifindex, uint32_t parent, uint32_t classid,
			uint64_t rate, uint64_t ceil, uint32_t prio, uint32_t quantum, uint32_t mtu,
			const char *what)
{
	struct nlmsghdr *nlh =
		tcmsg(nl, RTM_NEWTCLASS, NLM_F_CREATE | NLM_F_EXCL, ifindex, parent, classid, 0);
	struct tc_htb_opt o = {0};
	struct nlattr *opts;

	ratespec(&o.rate, rate);
	ratespec(&o.ceil, ceil);
	/* iproute2's default burst: rate / HZ + mtu, and HZ is 1e9 on hrtimer kernels. */
	o.buffer = xmit_ticks(rate, mtu);
	o.cbuffer = xmit_ticks(ceil, mtu);
	o.prio = prio;
	o.quantum = quantum;
	mnl_attr_put_strz(nlh, TCA_KIND, "htb");
	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_HTB_PARMS, sizeof(o), &o);
	if (rate / 8 >= UINT32_MAX)
		mnl_attr_put_u64(nlh, TCA_HTB_RATE64, rate / 8);
	if (ceil / 8 >= UINT32_MAX)
		mnl_attr_put_u64(nlh, TCA_HTB_CEIL64, ceil / 8);
	mnl_attr_nest_end(nlh, opts);
	return pl_nl_talk(nl, nlh, 0, "adding htb class %x:%x to %s", classid >> 16,
			  classid & 0xffff, what);
}

static void u32_key(struct tc_u32_sel *sel, uint32_t val, uint32_t mask, int off)
{
	struct tc_u32_key *k = &sel->keys[sel->nkeys++];

	k->val = val & mask;
	k->mask = mask;
	k->off = off;
}

static uint32_t plen_mask(uint8_t plen)
{
	return plen ? htonl(~0u << (32 - plen)) : 0;
}

int pl_tc_u32_add(struct pl_nl *nl, uint32_t ifindex, uint32_t prio, const struct topo_match *m,
		  uint32_t classid, const char *what)
{
	struct nlmsghdr *nlh = tcmsg(nl, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, ifindex,
				     0x10000, 0, TC_H_MAKE(prio << 16, htons(ETH_P_IP)));
	struct {
		struct tc_u32_sel sel;
		struct tc_u32_key keys[5];
	} s;
	struct nlattr *opts;

	memset(&s, 0, sizeof(s));
	s.sel.flags = TC_U32_TERMINAL;
	if (m->proto)
		u32_key(&s.sel, htonl((uint32_t)m->proto << 16), htonl(0x00ff0000), 8);
	if (m->src_plen)
		u32_key(&s.sel, m->src, plen_mask(m->src_plen), 12);
	if (m->dst_plen)
		u32_key(&s.sel, m->dst, plen_mask(m->dst_plen), 16);
	if (m->sport)
		u32_key(&s.sel, htonl((uint32_t)m->sport << 16), htonl(0xffff0000), 20);
	if (m->dport)
		u32_key(&s.sel, htonl(m->dport), htonl(0x0000ffff), 20);
	if (!s.sel.nkeys) /* match everything */
		u32_key(&s.sel, 0, 0, 0);
	mnl_attr_put_strz(nlh, TCA_KIND, "u32");
	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put_u32(nlh, TCA_U32_CLASSID, classid);
	mnl_attr_put(nlh, TCA_U32_SEL, sizeof(s.sel) + s.sel.nkeys * sizeof(s.keys[0]), &s);
	mnl_attr_nest_end(nlh, opts);
	return pl_nl_talk(nl, nlh, 0, "adding u32 filter to class %x:%x on %s", classid >> 16,
			  classid & 0xffff, what);
}

int pl_tc_bpf_attach(struct pl_nl *nl, uint32_t ifindex, bool ingress, int prog_fd,
		     const char *name, uint32_t prio, const char *what)
{
	struct nlmsghdr *nlh;
	struct nlattr *opts;
	int err;

	nlh = tcmsg(nl, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex, TC_H_CLSACT,
		    TC_H_MAKE(TC_H_CLSACT, 0), 0);
	mnl_attr_put_strz(nlh, TCA_KIND, "clsact");
	err = pl_nl_talk(nl, nlh, 1, "adding clsact");
	if (err && err != -EEXIST) {
		pl_err("adding clsact qdisc to %s: %s%s%s%s", what, strerror(-err),
		       pl_nl_extack()[0] ? " (kernel: " : "", pl_nl_extack(),
		       pl_nl_extack()[0] ? ")" : "");
		return err;
	}
	nlh = tcmsg(nl, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, ifindex,
		    TC_H_MAKE(TC_H_CLSACT, ingress ? TC_H_MIN_INGRESS : TC_H_MIN_EGRESS), 1,
		    TC_H_MAKE(prio << 16, htons(ETH_P_ALL)));
	mnl_attr_put_strz(nlh, TCA_KIND, "bpf");
	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put_u32(nlh, TCA_BPF_FD, (uint32_t)prog_fd);
	mnl_attr_put_strz(nlh, TCA_BPF_NAME, name);
	mnl_attr_put_u32(nlh, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
	mnl_attr_nest_end(nlh, opts);
	return pl_nl_talk(nl, nlh, 0, "attaching %s at tc %s of %s", name,
			  ingress ? "ingress" : "egress", what);
}
