// SPDX-License-Identifier: GPL-2.0
/* Exact objects and step totals of the shipped topologies' plans, without root. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_test_util.h"
#include "test.h"

/* Exact objects of the shipped topologies: names, addresses, MACs as `up` creates them. */
struct exact {
	const char *file;
	int mode; /* -1: every mode */
	enum pl_step_kind kind;
	const char *ns, *dev;
	const char *ip; /* route dst, addr, neigh/fdb ip */
	uint8_t plen;
	const char *gw; /* route gw */
	const char *mac;
	uint32_t table;
};

/* file, mode (ANY: every mode), kind, ns, dev, ip, plen, gw, mac, table */
#define ANY    -1
#define NATIVE PL_ROUTING_NATIVE
/* clang-format off */
#define X(f, m, k, n, d, i, l, g, a, t) {f, m, PL_STEP_##k, n, d, i, l, g, a, t}
static const struct exact exacts[] = {
	X("two-node-native.yaml", NATIVE, ROUTE, "node1", "eth0", "10.244.2.0", 24, "192.168.50.2", NULL, 0),
	X("two-node-native.yaml", ANY, ROUTE, "world", "eth0", "0.0.0.0", 0, "192.168.50.1", NULL, 0),
	X("two-node-native.yaml", ANY, ROUTE, "node2", "eth0", "203.0.113.10", 32, "192.168.50.1", NULL, 0),
	X("two-node-native.yaml", ANY, ROUTE, "node1", "world0", "203.0.113.10", 32, "0.0.0.0", NULL, 0),
	X("two-node-native.yaml", ANY, ADDR, "node1", "world0", "192.168.50.1", 32, NULL, NULL, 0),
	X("two-node-native.yaml", ANY, ADDR, "frontend", "eth0", "10.244.1.10", 32, NULL, NULL, 0),
	X("two-node-native.yaml", ANY, NEIGH, "frontend", "eth0", "169.254.1.1", 0, NULL, "02:70:6c:01:00:00", 0),
	X("two-node-legacy.yaml", ANY, FDB, "node1", "vxlan0", "192.168.50.2", 0, NULL, "02:70:6c:03:00:01", 0),
	X("two-node-legacy.yaml", ANY, ROUTE, "node1", "vxlan0", "192.168.50.2", 32, "192.168.50.2", NULL, PL_LEGACY_TABLE),
	X("two-node-legacy.yaml", ANY, ROUTE, "node2", "vxlan0", "10.244.1.0", 24, "192.168.50.1", NULL, 0),
	X("two-node-legacy.yaml", ANY, ADDR, "node2", "vxlan0", "192.168.50.2", 32, NULL, NULL, 0),
	X("three-node-segment.yaml", NATIVE, ROUTE, "node3", "eth0", "10.244.2.0", 24, "192.168.60.2", NULL, 0),
	X("three-node-segment.yaml", ANY, ROUTE, "internet", "eth0", "0.0.0.0", 0, "192.168.60.1", NULL, 0),
	X("three-node-segment.yaml", ANY, ROUTE, "node2", "eth0", "198.51.100.20", 32, "0.0.0.0", NULL, 0),
	X("three-node-segment.yaml", ANY, MASTER, "seg", "s-node2", NULL, 0, NULL, NULL, 0),
	X("three-node-segment.yaml", ANY, ADDR, "web", "eth0", "10.244.1.10", 32, NULL, NULL, 0),
	X("seed-tc.yaml", ANY, QDISC, "node1", "eth0", NULL, 0, NULL, NULL, 0),
	X("seed-tc.yaml", ANY, HTB_CLASS, "node2", "eth0", NULL, 0, NULL, NULL, 0),
	X("seed-tc.yaml", ANY, U32_FILTER, "node2", "eth0", NULL, 0, NULL, NULL, 0),
	X("seed-netem.yaml", ANY, QDISC, "node1", "eth0", NULL, 0, NULL, NULL, 0),
	{NULL, 0, 0, NULL, NULL, NULL, 0, NULL, NULL, 0},
};
/* clang-format on */
#undef X

static int find_exact(const struct pl_plan *p, const struct exact *e)
{
	int ns = plan_ns(p, e->ns);
	uint8_t mac[6];

	if (ns < 0)
		return -1;
	switch (e->kind) {
	case PL_STEP_ROUTE:
		return plan_find_route(p, ns, e->dev, topo_test_ip(e->ip), e->plen,
				       topo_test_ip(e->gw), e->table);
	case PL_STEP_ADDR:
		return plan_find_addr(p, ns, e->dev, topo_test_ip(e->ip), e->plen);
	case PL_STEP_NEIGH:
	case PL_STEP_FDB:
		sscanf(e->mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3],
		       &mac[4], &mac[5]);
		return plan_find_neigh(p, e->kind, ns, e->dev, topo_test_ip(e->ip), mac);
	default:
		return plan_find(p, e->kind, ns, e->dev);
	}
}

PL_TEST(unit, plan_exact_objects)
{
	const struct exact *e;
	int m;

	for (e = exacts; e->file; e++) {
		for (m = 0; m < 3; m++) {
			struct topo *t;
			struct pl_plan *p;

			if (e->mode >= 0 && e->mode != (int)plan_modes[m])
				continue;
			if (e->kind == PL_STEP_FDB && plan_modes[m] != PL_ROUTING_LEGACY)
				continue;
			if (e->dev && !strcmp(e->dev, "vxlan0") &&
			    plan_modes[m] != PL_ROUTING_LEGACY)
				continue;
			pl_subtest("%s %s: %s %s %s %s", e->file,
				   pl_topo_routing_name(plan_modes[m]), pl_step_kind_name(e->kind),
				   e->ns, e->dev ? e->dev : "", e->ip ? e->ip : "");
			p = plan_of(e->file, plan_modes[m], true, &t);
			if (!p)
				continue;
			ASSERT_GE(find_exact(p, e), 0, "planned");
			plan_done(p, t);
		}
	}
}

/*
 * Steps per shipped topology and mode (with the datapath; no prefilter rules, so no
 * xdp_prefilter attach): a dropped or duplicated step shows.
 */
static const struct {
	const char *file;
	int nns, nsteps[3]; /* native, vxlan, legacy */
} totals[] = {
	{"two-node-native.yaml", 7, {73, 77, 91}}, {"two-node-vxlan.yaml", 7, {73, 77, 91}},
	{"two-node-legacy.yaml", 7, {73, 77, 91}}, {"three-node-segment.yaml", 11, {122, 125, 158}},
	{"seed-tc.yaml", 5, {58, 62, 76}},	   {"seed-netem.yaml", 4, {42, 46, 60}},
};

PL_TEST(unit, plan_step_totals)
{
	size_t f;
	int m;

	for (f = 0; f < sizeof(totals) / sizeof(totals[0]); f++) {
		for (m = 0; m < 3; m++) {
			struct topo *t;
			struct pl_plan *p;

			pl_subtest("%s %s", totals[f].file, pl_topo_routing_name(plan_modes[m]));
			p = plan_of(totals[f].file, plan_modes[m], true, &t);
			if (!p)
				continue;
			ASSERT_EQ(p->nns, totals[f].nns, "namespaces");
			ASSERT_EQ(p->nsteps, totals[f].nsteps[m], "steps");
			plan_done(p, t);
		}
	}
}

/* seed-tc's shaping, exactly as written in the file. */
PL_TEST(unit, plan_seed_tc_classes)
{
	struct topo *t;
	struct pl_plan *p = plan_of("seed-tc.yaml", PL_ROUTING_NATIVE, false, &t);
	int v, n2;

	if (!p)
		return;
	n2 = plan_ns(p, "node2");
	v = plan_find(p, PL_STEP_QDISC, plan_ns(p, "node1"), "eth0");
	if (ASSERT_GE(v, 0, "node1 qdisc"))
		ASSERT_EQ(p->steps[v].qdisc.q->kind, TOPO_QDISC_TBF, "tbf on node1");
	v = plan_find(p, PL_STEP_QDISC, n2, "eth0");
	if (ASSERT_GE(v, 0, "node2 qdisc"))
		ASSERT_EQ(p->steps[v].qdisc.q->kind, TOPO_QDISC_HTB, "htb on node2");
	for (v = 0; v < p->nsteps; v++)
		if (p->steps[v].kind == PL_STEP_HTB_CLASS && p->steps[v].cls.classid == 0x1000a)
			break;
	if (ASSERT_LT(v, p->nsteps, "class 1:a")) {
		ASSERT_EQ(p->steps[v].cls.parent, 0x10001, "under 1:1");
		ASSERT_EQ(p->steps[v].cls.rate, 3000000, "rate 3mbit");
		ASSERT_EQ(p->steps[v].cls.ceil, 5000000, "ceil 5mbit");
	}
	v = plan_find(p, PL_STEP_U32_FILTER, n2, "eth0");
	if (ASSERT_GE(v, 0, "u32 filter"))
		ASSERT_EQ(p->steps[v].filter.classid, 0x1000a, "to 1:a");
	plan_done(p, t);
}

/* Steps name themselves: the printer and error lines use these. */
PL_TEST(unit, plan_step_kind_names)
{
	int i, j;

	for (i = 0; i < PL_STEP__COUNT; i++) {
		pl_subtest("kind %d", i);
		ASSERT_TRUE(pl_step_kind_name(i) && strcmp(pl_step_kind_name(i), "?"), "named");
		for (j = 0; j < i; j++)
			ASSERT_NEQ(strcmp(pl_step_kind_name(i), pl_step_kind_name(j)), 0, "unique");
	}
	ASSERT_STREQ(pl_step_kind_name(PL_STEP__COUNT), "?", "out of range");
}

static const char user_progs_topo[] = "name: t\n"
				      "routing: vxlan\n"
				      "nodes:\n"
				      "  - name: node1\n"
				      "    ip: 192.168.60.1/24\n"
				      "    podCIDR: 10.60.1.0/24\n"
				      "    pods:\n"
				      "      - name: a\n"
				      "        ip: 10.60.1.10\n"
				      "  - name: node2\n"
				      "    ip: 192.168.60.2/24\n"
				      "    podCIDR: 10.60.2.0/24\n"
				      "    pods:\n"
				      "      - name: b\n"
				      "        ip: 10.60.2.10\n"
				      "underlay:\n"
				      "  type: p2p\n"
				      "prefilter: [192.0.2.0/24]\n"
				      "programs:\n"
				      "  - object: user.bpf.o\n"
				      "    program: tc_pass\n"
				      "    node: node1\n"
				      "    device: a\n"
				      "    hook: tc-egress\n"
				      "  - object: user.bpf.o\n"
				      "    program: xdp_pass\n"
				      "    node: node2\n"
				      "    device: uplink\n"
				      "    hook: xdp\n"
				      "    replace: true\n";

/* Users' programs: attached beside podlab's, or instead of it with replace. */
PL_TEST(unit, plan_user_programs)
{
	struct pl_plan_opts o = {.datapath = true};
	struct pl_plan *p = NULL;
	struct topo *t = NULL;
	char *diag = NULL;
	int i, n1, n2, user = 0;

	if (!ASSERT_OK(topo_test_parse(user_progs_topo, &t, &diag), "parses"))
		goto out;
	if (!ASSERT_OK(pl_plan_build(t, PLAN_TEST_RUN, &o, &p), "plan builds"))
		goto out;
	n1 = plan_ns(p, "node1");
	n2 = plan_ns(p, "node2");
	for (i = 0; i < p->nsteps; i++) {
		const struct pl_step *s = &p->steps[i];

		if (s->kind != PL_STEP_ATTACH || s->attach.user < 0)
			continue;
		user++;
		ASSERT_GT(i, plan_find(p, PL_STEP_DATAPATH, s->ns, NULL),
			  "after podlab's datapath");
		if (s->attach.hook == TOPO_HOOK_TC_EGRESS) {
			ASSERT_EQ(s->ns, n1, "tc_pass in node1");
			ASSERT_STREQ(s->dev, "lxca", "on pod a's veth");
		} else {
			ASSERT_EQ(s->ns, n2, "xdp_pass in node2");
			ASSERT_STREQ(s->dev, "eth0", "on the uplink");
		}
	}
	ASSERT_EQ(user, 2, "both users' programs");
	ASSERT_GE(plan_find_attach(p, 0, "lxca", TOPO_HOOK_TC_INGRESS, PL_PROG_FROM_POD), 0,
		  "podlab's from_pod stays beside tc_pass");
	ASSERT_GE(plan_find_attach(p, 0, "eth0", TOPO_HOOK_XDP, PL_PROG_XDP_PREFILTER), 0,
		  "node1 keeps xdp_prefilter");
	ASSERT_EQ(plan_find_attach(p, 1, "eth0", TOPO_HOOK_XDP, PL_PROG_XDP_PREFILTER), -1,
		  "replace: node2 has no xdp_prefilter");
out:
	if (diag && *diag)
		fprintf(stderr, "%s", diag);
	free(diag);
	pl_plan_free(p);
	pl_topo_free(t);
}

/* The programs of a hook in the kernel's order, as unit and sim mode run them. */
PL_TEST(unit, plan_hook_progs_order)
{
	struct pl_plan_opts o = {.datapath = true, .xdp_prefilter = true};
	struct pl_hook_prog hp[PL_HOOK_PROGS_MAX];
	struct pl_plan *p = NULL;
	struct topo *t = NULL;
	char *diag = NULL;
	uint32_t lxca, eth1, eth2;
	int n;

	if (!ASSERT_OK(topo_test_parse(user_progs_topo, &t, &diag), "parses") ||
	    !ASSERT_OK(pl_plan_build(t, PLAN_TEST_RUN, &o, &p), "plan builds"))
		goto out;
	lxca = pl_plan_ifindex(p, plan_ns(p, "node1"), "lxca");
	eth1 = pl_plan_ifindex(p, plan_ns(p, "node1"), "eth0");
	eth2 = pl_plan_ifindex(p, plan_ns(p, "node2"), "eth0");
	n = pl_plan_hook_progs(p, 0, lxca, TOPO_HOOK_TC_INGRESS, hp);
	if (ASSERT_EQ(n, 1, "pod a's tc ingress: one program"))
		ASSERT_TRUE(hp[0].user < 0 && hp[0].prog == PL_PROG_FROM_POD, "from_pod");
	n = pl_plan_hook_progs(p, 0, lxca, TOPO_HOOK_TC_EGRESS, hp);
	if (ASSERT_EQ(n, 1, "pod a's tc egress: one program"))
		ASSERT_EQ(hp[0].user, 0, "the user's tc_pass");
	n = pl_plan_hook_progs(p, 0, eth1, TOPO_HOOK_XDP, hp);
	if (ASSERT_EQ(n, 1, "node1's uplink xdp: one program"))
		ASSERT_TRUE(hp[0].user < 0 && hp[0].prog == PL_PROG_XDP_PREFILTER, "xdp_prefilter");
	n = pl_plan_hook_progs(p, 1, eth2, TOPO_HOOK_XDP, hp);
	if (ASSERT_EQ(n, 1, "node2's uplink xdp: one program (replace)"))
		ASSERT_EQ(hp[0].user, 1, "the user's xdp_pass");
	n = pl_plan_hook_progs(p, 1, eth2, TOPO_HOOK_TC_INGRESS, hp);
	if (ASSERT_EQ(n, 1, "node2's uplink tc ingress"))
		ASSERT_TRUE(hp[0].user < 0 && hp[0].prog == PL_PROG_FROM_NETWORK, "from_network");
	ASSERT_EQ(pl_plan_hook_progs(p, 1, lxca, TOPO_HOOK_TC_INGRESS, hp), 0,
		  "node2 has no device of node1's ifindex with programs");

	pl_subtest("an XDP program beside podlab's: attached after it, so it is the one");
	pl_plan_free(p);
	t->programs[1].replace_podlab = false;
	if (!ASSERT_OK(pl_plan_build(t, PLAN_TEST_RUN, &o, &p), "plan builds"))
		goto out;
	ASSERT_GE(plan_find_attach(p, 1, "eth0", TOPO_HOOK_XDP, PL_PROG_XDP_PREFILTER), 0,
		  "node2 gets xdp_prefilter first");
	n = pl_plan_hook_progs(p, 1, eth2, TOPO_HOOK_XDP, hp);
	if (ASSERT_EQ(n, 1, "still one XDP program"))
		ASSERT_EQ(hp[0].user, 1, "the user's, attached last");
out:
	if (diag && *diag)
		fprintf(stderr, "%s", diag);
	free(diag);
	pl_plan_free(p);
	pl_topo_free(t);
}
