// SPDX-License-Identifier: GPL-2.0
/* Plan steps for qdiscs, podlab's datapath and users' programs (see plan.h). */
#include <errno.h>
#include <string.h>

#include "lib/log.h"
#include "plan/plan.h"
#include "plan/plan_internal.h"

static int pod_by_name(const struct topo *t, const char *name)
{
	int i;

	for (i = 0; i < t->npods; i++)
		if (!strcmp(t->pods[i].name, name))
			return i;
	return -1;
}

int pl__plan_qdisc(struct pl_plan *p, const struct topo_link *l)
{
	const struct topo_qdisc *q = &l->qdisc;
	int ns = p->node_ns[l->node], i, j;
	struct pl_step *s;

	if (q->kind == TOPO_QDISC_NONE || (p->opts.skip_qdisc & (1u << q->kind)))
		return 0;
	s = ADD(PL_STEP_QDISC, ns, "eth0");
	s->qdisc.q = q;
	s->qdisc.handle = 0x10000;
	if (q->kind != TOPO_QDISC_HTB)
		return 0;
	s = ADD(PL_STEP_HTB_CLASS, ns, "eth0");
	s->cls.classid = 0x10001;
	s->cls.parent = 0x10000;
	s->cls.rate = q->htb.rate;
	s->cls.ceil = q->htb.ceil ? q->htb.ceil : q->htb.rate;
	for (i = 0; i < q->htb.nclasses; i++) {
		const struct topo_htb_class *c = &q->htb.classes[i];

		s = ADD(PL_STEP_HTB_CLASS, ns, "eth0");
		s->cls.classid = 0x10000 | c->minor;
		s->cls.parent = 0x10000 | (c->parent_minor ? c->parent_minor : 1);
		s->cls.rate = c->rate;
		s->cls.ceil = c->ceil ? c->ceil : c->rate;
		s->cls.prio = c->prio;
		s->cls.quantum = c->quantum;
	}
	for (i = 0; i < q->htb.nclasses; i++) {
		const struct topo_htb_class *c = &q->htb.classes[i];

		for (j = 0; j < c->nmatches; j++) {
			s = ADD(PL_STEP_U32_FILTER, ns, "eth0");
			s->filter.m = &c->matches[j];
			s->filter.classid = 0x10000 | c->minor;
			s->filter.prio = 1;
		}
	}
	return 0;
}

static bool user_replaces(const struct topo *t, int node, const char *device, enum topo_hook hook)
{
	int i;

	for (i = 0; i < t->nprograms; i++) {
		const struct topo_program *u = &t->programs[i];

		if (u->replace_podlab && u->node == node && u->hook == hook &&
		    !strcmp(u->device, device))
			return true;
	}
	return false;
}

static int attach(struct pl_plan *p, int node, const char *dev, enum topo_hook hook, int prog,
		  int user)
{
	struct pl_step *s = ADD(PL_STEP_ATTACH, p->node_ns[node], dev);

	s->attach.node = node;
	s->attach.hook = hook;
	s->attach.prog = prog;
	s->attach.user = user;
	return 0;
}

/* Prefilter rules exist: in the topology, or added at run time (opts.xdp_prefilter). */
static bool wants_prefilter(const struct pl_plan *p)
{
	return p->topo->nprefilter > 0 || p->opts.xdp_prefilter;
}

int pl__plan_datapath(struct pl_plan *p, int i)
{
	const struct topo *t = p->topo;
	const struct topo_node *n = &t->nodes[i];
	char lxc[PL_IFNAMSIZ];
	int k, err = 0;
	struct pl_step *s;

	s = ADD(PL_STEP_DATAPATH, p->node_ns[i], NULL);
	s->dp.node = i;
	for (k = 0; k < n->npods && !err; k++) {
		if (user_replaces(t, i, t->pods[n->pods[k]].name, TOPO_HOOK_TC_INGRESS))
			continue;
		pl_pod_veth_name(t, n->pods[k], lxc, sizeof(lxc));
		err = attach(p, i, lxc, TOPO_HOOK_TC_INGRESS, PL_PROG_FROM_POD, -1);
	}
	if (!err && !user_replaces(t, i, "uplink", TOPO_HOOK_TC_INGRESS))
		err = attach(p, i, "eth0", TOPO_HOOK_TC_INGRESS, PL_PROG_FROM_NETWORK, -1);
	if (!err && pl_topo_overlay(t) && !user_replaces(t, i, "vxlan", TOPO_HOOK_TC_INGRESS))
		err = attach(p, i, "vxlan0", TOPO_HOOK_TC_INGRESS, PL_PROG_FROM_OVERLAY, -1);
	/* XDP on a veth turns off TSO/GRO aggregation on its peer: only where rules exist. */
	if (!err && wants_prefilter(p) && !user_replaces(t, i, "uplink", TOPO_HOOK_XDP))
		err = attach(p, i, "eth0", TOPO_HOOK_XDP, PL_PROG_XDP_PREFILTER, -1);
	if (err)
		return err;
	s = ADD(PL_STEP_MAPS, p->node_ns[i], NULL);
	s->dp.node = i;
	return 0;
}

int pl__plan_user_programs(struct pl_plan *p)
{
	const struct topo *t = p->topo;
	char dev[PL_IFNAMSIZ];
	int i, pod, err;

	for (i = 0; i < t->nprograms; i++) {
		const struct topo_program *u = &t->programs[i];

		if (!strcmp(u->device, "uplink")) {
			snprintf(dev, sizeof(dev), "eth0");
		} else if (!strcmp(u->device, "vxlan")) {
			snprintf(dev, sizeof(dev), "vxlan0");
		} else if ((pod = pod_by_name(t, u->device)) >= 0 && t->pods[pod].node == u->node) {
			pl_pod_veth_name(t, pod, dev, sizeof(dev));
		} else {
			pl_err("%s:%d:%d: program device '%s' is not uplink, vxlan or a pod of "
			       "node %s",
			       t->file ? t->file : "topology", u->pos.line, u->pos.col, u->device,
			       t->nodes[u->node].name);
			return -EINVAL;
		}
		if ((err = attach(p, u->node, dev, u->hook, PL_PROG_NONE, i)))
			return err;
	}
	return 0;
}
