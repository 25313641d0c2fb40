// SPDX-License-Identifier: GPL-2.0
/* Finding steps in a plan, for the plan tests. */
#include <string.h>

#include "plan_test_util.h"
#include "test.h"

const enum pl_routing_mode plan_modes[3] = {PL_ROUTING_NATIVE, PL_ROUTING_VXLAN, PL_ROUTING_LEGACY};

/* Parses a shipped topology, overrides its routing mode, builds the plan. */
struct pl_plan *plan_of(const char *file, enum pl_routing_mode mode, bool datapath, struct topo **t)
{
	struct pl_plan_opts o = {.datapath = datapath};
	struct pl_plan *p = NULL;

	*t = NULL;
	if (!ASSERT_OK(pl_topo_parse(topo_test_shipped(file), t), "topology parses"))
		return NULL;
	(*t)->routing = mode;
	if (!ASSERT_OK(pl_plan_build(*t, PLAN_TEST_RUN, &o, &p), "plan builds")) {
		pl_topo_free(*t);
		*t = NULL;
		return NULL;
	}
	return p;
}

void plan_done(struct pl_plan *p, struct topo *t)
{
	pl_plan_free(p);
	pl_topo_free(t);
}

int plan_ns(const struct pl_plan *p, const char *what)
{
	char name[PL_NETNS_NAME_MAX];
	int i;

	pl_netns_name(PLAN_TEST_RUN, what, name, sizeof(name));
	for (i = 0; i < p->nns; i++)
		if (!strcmp(p->ns[i].name, name))
			return i;
	return -1;
}

static bool dev_is(const char *a, const char *b)
{
	return !b || !strcmp(a, b);
}

/* First step of kind in ns on dev (NULL: any), or -1. */
int plan_find(const struct pl_plan *p, enum pl_step_kind kind, int ns, const char *dev)
{
	int i;

	for (i = 0; i < p->nsteps; i++)
		if (p->steps[i].kind == kind && p->steps[i].ns == ns &&
		    dev_is(p->steps[i].dev, dev))
			return i;
	return -1;
}

int plan_count(const struct pl_plan *p, enum pl_step_kind kind)
{
	int i, n = 0;

	for (i = 0; i < p->nsteps; i++)
		n += p->steps[i].kind == kind;
	return n;
}

/* The step creating dev in ns (veth either side, bridge, vxlan), or -1. */
int plan_created(const struct pl_plan *p, int ns, const char *dev)
{
	int i;

	for (i = 0; i < p->nsteps; i++) {
		const struct pl_step *s = &p->steps[i];

		if (s->kind != PL_STEP_VETH && s->kind != PL_STEP_BRIDGE &&
		    s->kind != PL_STEP_VXLAN)
			continue;
		if ((s->ns == ns && !strcmp(s->dev, dev)) ||
		    (s->kind == PL_STEP_VETH && s->peer.ns == ns && !strcmp(s->peer.dev, dev)))
			return i;
	}
	return -1;
}

int plan_find_route(const struct pl_plan *p, int ns, const char *dev, uint32_t dst, uint8_t plen,
		    uint32_t gw, uint32_t table)
{
	int i;

	for (i = 0; i < p->nsteps; i++) {
		const struct pl_step *s = &p->steps[i];

		if (s->kind == PL_STEP_ROUTE && s->ns == ns && dev_is(s->dev, dev) &&
		    s->route.dst == dst && s->route.plen == plen && s->route.gw == gw &&
		    s->route.table == table)
			return i;
	}
	return -1;
}

int plan_find_addr(const struct pl_plan *p, int ns, const char *dev, uint32_t ip, uint8_t plen)
{
	int i;

	for (i = 0; i < p->nsteps; i++) {
		const struct pl_step *s = &p->steps[i];

		if (s->kind == PL_STEP_ADDR && s->ns == ns && !strcmp(s->dev, dev) &&
		    s->addr.ip == ip && s->addr.plen == plen)
			return i;
	}
	return -1;
}

int plan_find_neigh(const struct pl_plan *p, enum pl_step_kind kind, int ns, const char *dev,
		    uint32_t ip, const uint8_t *mac)
{
	int i;

	for (i = 0; i < p->nsteps; i++) {
		const struct pl_step *s = &p->steps[i];

		if (s->kind == kind && s->ns == ns && !strcmp(s->dev, dev) && s->neigh.ip == ip &&
		    !memcmp(s->neigh.mac, mac, 6))
			return i;
	}
	return -1;
}

int plan_find_attach(const struct pl_plan *p, int node, const char *dev, enum topo_hook hook,
		     int prog)
{
	int i;

	for (i = 0; i < p->nsteps; i++) {
		const struct pl_step *s = &p->steps[i];

		if (s->kind == PL_STEP_ATTACH && s->attach.node == node && !strcmp(s->dev, dev) &&
		    s->attach.hook == hook && s->attach.prog == prog && s->attach.user < 0)
			return i;
	}
	return -1;
}
