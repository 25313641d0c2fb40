// SPDX-License-Identifier: GPL-2.0
/* xdp_prefilter is planned onto uplinks only where prefilter rules exist. */
#include <stdlib.h>
#include <string.h>

#include "lib/datapath.h"
#include "net/dp.h"
#include "plan/plan.h"
#include "test.h"
#include "topo/topo.h"
#include "topo_test_util.h"

#define TWO_NODES                                                                                  \
	"nodes:\n"                                                                                 \
	"  - {name: node1, ip: 192.168.50.1, podCIDR: 10.244.1.0/24,\n"                            \
	"     pods: [{name: a, ip: 10.244.1.10}]}\n"                                               \
	"  - {name: node2, ip: 192.168.50.2, podCIDR: 10.244.2.0/24,\n"                            \
	"     pods: [{name: b, ip: 10.244.2.10}]}\n"

/* XDP attach steps of podlab's xdp_prefilter in the plan of text, or -1. */
static int xdp_attaches(const char *text, bool xdp_prefilter, struct pl_plan **keep)
{
	struct pl_plan_opts po = {.datapath = true, .xdp_prefilter = xdp_prefilter};
	struct pl_plan *p = NULL;
	struct topo *t = NULL;
	char *diag = NULL;
	int i, n = -1;

	if (!ASSERT_OK(topo_test_parse(text, &t, &diag), "parse") ||
	    !ASSERT_OK(pl_plan_build(t, "tp", &po, &p), "plan"))
		goto out;
	for (n = 0, i = 0; i < p->nsteps; i++)
		n += p->steps[i].kind == PL_STEP_ATTACH &&
		     p->steps[i].attach.hook == TOPO_HOOK_XDP &&
		     p->steps[i].attach.prog == PL_PROG_XDP_PREFILTER &&
		     !strcmp(p->steps[i].dev, "eth0");
	if (keep) {
		*keep = p;
		p = NULL;
		t = NULL; /* the kept plan points into it: the caller frees both */
	}
out:
	pl_plan_free(p);
	pl_topo_free(t);
	free(diag);
	return n;
}

PL_TEST(unit, plan_xdp_prefilter_only_with_rules)
{
	struct pl_map_entry *e = NULL;
	struct pl_plan *p = NULL;
	int i, n = 0, found = 0;

	pl_subtest("no prefilter: no XDP");
	ASSERT_EQ(xdp_attaches(TWO_NODES, false, NULL), 0, "no xdp_prefilter attached");
	pl_subtest("topology prefilter: on every uplink");
	ASSERT_EQ(xdp_attaches(TWO_NODES "prefilter: [198.51.100.0/24, 203.0.113.7]\n", false, &p),
		  2, "xdp_prefilter on both uplinks");
	if (p && ASSERT_OK(pl_dp_map_entries(p, 1, &e, &n), "map entries of node2")) {
		for (i = 0; i < n; i++) {
			const struct pl_prefilter_key *k = (const void *)e[i].key;
			uint32_t rule;

			if (strcmp(e[i].map, "prefilter"))
				continue;
			memcpy(&rule, e[i].val, sizeof(rule));
			found++;
			if (k->prefixlen == 32)
				ASSERT_EQ(rule, 2, "a bare address: /32, rule 2");
			else
				ASSERT_EQ(k->ip, topo_test_ip("198.51.100.0"), "the /24, rule 1");
		}
		ASSERT_EQ(found, 2, "both CIDRs in node2's prefilter map");
	}
	free(e);
	if (p) {
		struct topo *t = (struct topo *)p->topo;

		pl_plan_free(p);
		pl_topo_free(t);
	}
	pl_subtest("entries added at run time (opts.xdp_prefilter)");
	ASSERT_EQ(xdp_attaches(TWO_NODES, true, NULL), 2, "xdp_prefilter on both uplinks");
}
