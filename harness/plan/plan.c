// SPDX-License-Identifier: GPL-2.0
/*
 * The plan's vocabulary, below build.c and plan_hooks.c: step kinds and their
 * names, appending steps, the names and MACs every object derives from.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"
#include "plan/plan_internal.h"

static const char *const step_names[PL_STEP__COUNT] = {
	[PL_STEP_NETNS] = "netns",
	[PL_STEP_VETH] = "veth",
	[PL_STEP_BRIDGE] = "bridge",
	[PL_STEP_VXLAN] = "vxlan",
	[PL_STEP_MASTER] = "master",
	[PL_STEP_LINK_UP] = "link-up",
	[PL_STEP_IPIP] = "ipip",
	[PL_STEP_GRO] = "gro",
	[PL_STEP_ADDR] = "address",
	[PL_STEP_NEIGH] = "neighbour",
	[PL_STEP_FDB] = "fdb",
	[PL_STEP_ROUTE] = "route",
	[PL_STEP_RULE] = "rule",
	[PL_STEP_SYSCTL] = "sysctl",
	[PL_STEP_QDISC] = "qdisc",
	[PL_STEP_HTB_CLASS] = "htb-class",
	[PL_STEP_U32_FILTER] = "u32-filter",
	[PL_STEP_MASQUERADE] = "masquerade",
	[PL_STEP_DATAPATH] = "datapath",
	[PL_STEP_ATTACH] = "attach",
	[PL_STEP_MAPS] = "maps",
	[PL_STEP_ADDR6] = "address6",
	[PL_STEP_NEIGH6] = "neighbour6",
	[PL_STEP_ROUTE6] = "route6",
	[PL_STEP_NGINX] = "nginx",
};

const char *pl_step_kind_name(enum pl_step_kind kind)
{
	return kind < PL_STEP__COUNT ? step_names[kind] : "?";
}

bool pl_run_id_valid(const char *run)
{
	size_t i, n = run ? strlen(run) : 0;

	if (n < 1 || n > PL_RUN_ID_MAX - 2)
		return false;
	for (i = 0; i < n; i++)
		if (!((run[i] >= 'a' && run[i] <= 'z') || (run[i] >= '0' && run[i] <= '9')))
			return false;
	return true;
}

int pl_netns_name(const char *run, const char *what, char *buf, size_t len)
{
	int n = snprintf(buf, len, "pl-%s-%s", run, what);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

void pl_plan_mac(uint8_t kind, uint32_t index, uint8_t mac[6])
{
	mac[0] = 0x02; /* locally administered, unicast */
	mac[1] = 0x70; /* 'p' */
	mac[2] = 0x6c; /* 'l' */
	mac[3] = kind;
	mac[4] = index >> 8;
	mac[5] = index & 0xff;
}

void pl_pod_veth_name(const struct topo *t, int pod, char *buf, size_t len)
{
	if (strlen(t->pods[pod].name) + 3 < PL_IFNAMSIZ)
		snprintf(buf, len, "lxc%s", t->pods[pod].name);
	else
		snprintf(buf, len, "lxc%d", pod);
}

struct pl_step *pl__plan_add(struct pl_plan *p, enum pl_step_kind kind, int ns, const char *dev)
{
	struct pl_step *s;

	if (p->nsteps == p->cap_steps) {
		int cap = p->cap_steps ? p->cap_steps * 2 : 256;
		void *n = realloc(p->steps, cap * sizeof(*p->steps));

		if (!n)
			return NULL;
		p->steps = n;
		p->cap_steps = cap;
	}
	s = &p->steps[p->nsteps++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->ns = ns;
	if (dev)
		snprintf(s->dev, sizeof(s->dev), "%s", dev);
	return s;
}

/* Step builders: one step each, for build.c and plan_fabric.c. */
int pl__plan_up(struct pl_plan *p, int ns, const char *dev)
{
	ADD(PL_STEP_LINK_UP, ns, dev);
	return 0;
}

int pl__plan_veth(struct pl_plan *p, int ns, const char *dev, uint32_t ifindex, const uint8_t *mac,
		  int pns, const char *pdev, uint32_t pifindex, const uint8_t *pmac, uint32_t mtu)
{
	struct pl_step *s = ADD(PL_STEP_VETH, ns, dev);

	s->ifindex = ifindex;
	memcpy(s->mac, mac, 6);
	s->mtu = mtu;
	s->peer.ns = pns;
	snprintf(s->peer.dev, sizeof(s->peer.dev), "%s", pdev);
	s->peer.ifindex = pifindex;
	memcpy(s->peer.mac, pmac, 6);
	return 0;
}

int pl__plan_addr(struct pl_plan *p, int ns, const char *dev, uint32_t ip, uint8_t plen)
{
	struct pl_step *s = ADD(PL_STEP_ADDR, ns, dev);

	s->addr.ip = ip;
	s->addr.plen = plen;
	return 0;
}

int pl__plan_route(struct pl_plan *p, int ns, const char *dev, uint32_t dst, uint8_t plen,
		   uint32_t gw, bool onlink)
{
	struct pl_step *s = ADD(PL_STEP_ROUTE, ns, dev);

	s->route.dst = dst;
	s->route.plen = plen;
	s->route.gw = gw;
	s->route.onlink = onlink;
	return 0;
}

int pl__plan_sysctl(struct pl_plan *p, int ns, const char *key, const char *value)
{
	struct pl_step *s = ADD(PL_STEP_SYSCTL, ns, NULL);

	snprintf(s->sysctl.key, sizeof(s->sysctl.key), "%s", key);
	s->sysctl.value = value;
	return 0;
}

int pl__plan_neigh(struct pl_plan *p, enum pl_step_kind kind, int ns, const char *dev, uint32_t ip,
		   const uint8_t *mac)
{
	struct pl_step *s = ADD(kind, ns, dev);

	s->neigh.ip = ip;
	memcpy(s->neigh.mac, mac, 6);
	return 0;
}

const char *pl_qdisc_kind_name(enum topo_qdisc_kind kind)
{
	switch (kind) {
	case TOPO_QDISC_TBF:
		return "tbf";
	case TOPO_QDISC_HTB:
		return "htb";
	case TOPO_QDISC_NETEM:
		return "netem";
	case TOPO_QDISC_PFIFO:
		return "pfifo";
	default:
		return "none";
	}
}

uint32_t pl_tbf_limit(const struct topo_tbf *tbf)
{
	uint64_t l;

	if (tbf->limit)
		return tbf->limit;
	l = tbf->rate / 8 * tbf->latency_ns / 1000000000ull + tbf->burst;
	return l > UINT32_MAX ? UINT32_MAX : (uint32_t)l;
}

int pl_plan_lasting(const struct pl_plan *p,
		    int (*fn)(void *ctx, const char *kind, const char *value), void *ctx)
{
	bool pins = false;
	int i, err = 0;

	for (i = 0; i < p->nsteps && !err; i++) {
		const struct pl_step *s = &p->steps[i];

		if (s->kind == PL_STEP_NETNS) {
			err = fn(ctx, "netns", p->ns[s->ns].name);
		} else if (s->kind == PL_STEP_DATAPATH && !pins) {
			pins = true;
			err = fn(ctx, "pins", p->pin_dir);
		} else if (s->kind == PL_STEP_NGINX) {
			char rec[PL_NETNS_NAME_MAX + 160];

			pl_plan_nginx_record(p, s, rec, sizeof(rec));
			err = fn(ctx, "nginx", rec);
		}
	}
	return err;
}

const char *pl_plan_attach_dev(const struct pl_plan *p, int node, uint32_t ifindex)
{
	int i;

	for (i = 0; i < p->nsteps; i++)
		if (p->steps[i].kind == PL_STEP_ATTACH && p->steps[i].attach.node == node &&
		    p->steps[i].ifindex == ifindex)
			return p->steps[i].dev;
	return "?";
}

int pl_plan_hook_progs(const struct pl_plan *p, int node, uint32_t ifindex, int hook,
		       struct pl_hook_prog out[PL_HOOK_PROGS_MAX])
{
	int i, n = 0, pass;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < p->nsteps; i++) {
			const struct pl_step *s = &p->steps[i];

			if (s->kind != PL_STEP_ATTACH || s->attach.node != node ||
			    (int)s->attach.hook != hook || s->ifindex != ifindex)
				continue;
			if (hook == TOPO_HOOK_XDP) { /* each attach replaces the last: plan order */
				if (pass == 0)
					out[0] = (struct pl_hook_prog){s->attach.prog,
								       s->attach.user};
				n = 1;
				continue;
			}
			/* tc: users' filters (priority 5) first, then podlab's (10) */
			if ((s->attach.user >= 0) == !pass && n < PL_HOOK_PROGS_MAX)
				out[n++] = (struct pl_hook_prog){s->attach.prog, s->attach.user};
		}
	return n;
}
