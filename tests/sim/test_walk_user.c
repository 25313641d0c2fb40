// SPDX-License-Identifier: GPL-2.0
/*
 * Users' programs (topology programs:) in the walk: the simulator runs what
 * the plan attaches at each hook, as `podlab up` does. A replacing XDP drop
 * on node2's uplink is the drop (not xdp_prefilter > from_network); a tc
 * filter beside podlab's runs first, and with direct action its TC_ACT_SHOT
 * drops and its TC_ACT_OK ends the chain (podlab's from_network never runs);
 * a tc egress program runs where the packet leaves a device.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/pkt_cls.h>
#include <netinet/in.h>

#include "test.h"
#include "lib/datapath.h"
#include "topo/topo.h"
#include "walk.h"

static const char *probe_user_walk(void)
{
	const char *why = pl_probe_bpf_netns();

	if (why)
		return why;
	if (access("build/bpf/trivial.bpf.o", R_OK) ||
	    access("topologies/two-node-native.yaml", R_OK))
		return "run from the repository root after make (build/bpf/trivial.bpf.o)";
	return NULL;
}

/* two-node-native with one programs: entry on node2's uplink. */
static struct topo *with_program(const char *node, const char *program, const char *hook,
				 bool replace)
{
	char obj[PATH_MAX], *text = NULL, *base = NULL;
	struct topo *t = NULL;
	size_t n = 0;
	FILE *f;
	int c;

	if (!realpath("build/bpf/trivial.bpf.o", obj))
		return NULL;
	f = fopen("topologies/two-node-native.yaml", "r");
	if (!f)
		return NULL;
	base = calloc(1, 1 << 16);
	while (base && n < (1 << 16) - 1 && (c = fgetc(f)) != EOF)
		base[n++] = (char)c;
	fclose(f);
	if (base && asprintf(&text,
			     "%s\nprograms:\n  - object: %s\n    program: %s\n    node: %s\n"
			     "    device: uplink\n    hook: %s\n    replace: %s\n",
			     base, obj, program, node, hook, replace ? "true" : "false") > 0)
		ASSERT_OK(pl_topo_parse_string("user-walk.yaml", text, &t), "topology parses");
	free(base);
	free(text);
	return t;
}

struct prog_want {
	int node;
	enum pl_prog prog; /* PL_PROG_NONE: the user's */
	const char *hook;
};

static void walk_one(struct topo *t, const struct prog_want *want, int nwant,
		     enum sim_delivery delivery, uint8_t reason)
{
	struct sim_walk_result *r = calloc(1, sizeof(*r));
	struct sim_probe p = {.proto = IPPROTO_TCP, .dport = 80};
	struct sim_walk_opts o = {.routing = -1};
	struct sim_walk *w = NULL;
	int i, k = 0;

	if (!ASSERT_OK_PTR(r, "calloc") || !ASSERT_OK(pl_sim_walk_open(t, &o, &w), "open"))
		goto out;
	p.from_pod = pl_topo_pod_by_name(t, "frontend");
	p.daddr = t->pods[pl_topo_pod_by_name(t, "backend")].ip;
	if (!ASSERT_OK(pl_sim_walk_probe(w, &p, r), "walk"))
		goto out;
	for (i = 0; i < r->nsteps; i++) {
		const struct sim_step *s = &r->steps[i];

		if (s->kind != SIM_STEP_PROG)
			continue;
		if (!ASSERT_LT(k, nwant, "no more program steps than the plan attached"))
			break;
		pl_subtest("program step %d", k + 1);
		ASSERT_EQ(s->node, want[k].node, "node");
		ASSERT_EQ(s->prog, want[k].prog, "podlab's program, or none");
		ASSERT_EQ(s->user, want[k].prog == PL_PROG_NONE ? 1 : 0, "the user's program");
		ASSERT_STREQ(s->hook, want[k].hook, "hook");
		if (want[k].prog == PL_PROG_NONE)
			ASSERT_STREQ(s->dev, "eth0", "on the uplink");
		k++;
	}
	pl_subtest("%s", "");
	ASSERT_EQ(k, nwant, "program steps");
	ASSERT_EQ(r->delivery, delivery, "where it ended");
	if (delivery == SIM_DELIV_DROPPED) {
		ASSERT_EQ(r->drop_reason, reason, "drop reason");
		ASSERT_EQ(r->drop_node, want[nwant - 1].node,
			  "dropped where the user's program is");
	} else {
		ASSERT_EQ(r->deliver_pod, pl_topo_pod_by_name(t, "backend"),
			  "delivered to backend");
	}
	pl_sim_walk_result_release(r);
out:
	pl_sim_walk_close(w);
	free(r);
}

PL_TEST_PROBE(sim, walk_user_xdp_replaces_prefilter, probe_user_walk)
{
	const struct prog_want want[] = {
		{0, PL_PROG_FROM_POD, "tc ingress"},
		{1, PL_PROG_NONE, "xdp"},
	};
	struct topo *t = with_program("node2", "xdp_drop", "xdp", true);

	if (ASSERT_OK_PTR(t, "topology"))
		walk_one(t, want, 2, SIM_DELIV_DROPPED, PL_DROP_USER_PROGRAM);
	pl_topo_free(t);
}

PL_TEST_PROBE(sim, walk_user_tc_shot_before_from_network, probe_user_walk)
{
	const struct prog_want want[] = {
		{0, PL_PROG_FROM_POD, "tc ingress"},
		{1, PL_PROG_XDP_PREFILTER, "xdp"},
		{1, PL_PROG_NONE, "tc ingress"},
	};
	struct topo *t = with_program("node2", "tc_drop", "tc-ingress", false);

	if (ASSERT_OK_PTR(t, "topology"))
		walk_one(t, want, 3, SIM_DELIV_DROPPED, PL_DROP_USER_PROGRAM);
	pl_topo_free(t);
}

/* TC_ACT_OK from the first filter ends the chain: the stack routes it to backend itself. */
PL_TEST_PROBE(sim, walk_user_tc_ok_skips_podlab, probe_user_walk)
{
	const struct prog_want want[] = {
		{0, PL_PROG_FROM_POD, "tc ingress"},
		{1, PL_PROG_XDP_PREFILTER, "xdp"},
		{1, PL_PROG_NONE, "tc ingress"},
	};
	struct topo *t = with_program("node2", "tc_pass", "tc-ingress", false);

	if (ASSERT_OK_PTR(t, "topology"))
		walk_one(t, want, 3, SIM_DELIV_POD, 0);
	pl_topo_free(t);
}

/* tc egress of node1's uplink: after from_pod's redirect, before the wire. */
PL_TEST_PROBE(sim, walk_user_tc_egress_drops_leaving_node1, probe_user_walk)
{
	const struct prog_want want[] = {
		{0, PL_PROG_FROM_POD, "tc ingress"},
		{0, PL_PROG_NONE, "tc egress"},
	};
	struct topo *t = with_program("node1", "tc_drop", "tc-egress", false);

	if (ASSERT_OK_PTR(t, "topology"))
		walk_one(t, want, 2, SIM_DELIV_DROPPED, PL_DROP_USER_PROGRAM);
	pl_topo_free(t);
}

/* tc egress of node1's uplink passing everything: the packet goes on to backend. */
PL_TEST_PROBE(sim, walk_user_tc_egress_pass_elsewhere, probe_user_walk)
{
	const struct prog_want want[] = {
		{0, PL_PROG_FROM_POD, "tc ingress"},
		{0, PL_PROG_NONE, "tc egress"},
		{1, PL_PROG_XDP_PREFILTER, "xdp"},
		{1, PL_PROG_FROM_NETWORK, "tc ingress"},
	};
	struct topo *t = with_program("node1", "tc_pass", "tc-egress", false);

	if (ASSERT_OK_PTR(t, "topology"))
		walk_one(t, want, 4, SIM_DELIV_POD, 0);
	pl_topo_free(t);
}
