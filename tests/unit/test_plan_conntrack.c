// SPDX-License-Identifier: GPL-2.0
/* conntrack.max reaches every node's datapath: the loader's knob and the printed script. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/datapath.h"
#include "plan/plan.h"
#include "test.h"
#include "topo_test_util.h"

/* three-node-segment with `conntrack: {max: 1000}` appended; NULL when it does not parse. */
static struct topo *sized_topology(void)
{
	char *text = NULL, *diag = NULL;
	struct topo *t = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len), *src;
	int c;

	src = fopen(topo_test_shipped("three-node-segment.yaml"), "r");
	if (!ASSERT_OK_PTR(f, "memstream") || !ASSERT_OK_PTR(src, "shipped topology")) {
		if (f)
			fclose(f);
		free(text);
		return NULL;
	}
	while ((c = fgetc(src)) != EOF)
		fputc(c, f);
	fclose(src);
	fputs("conntrack: {max: 1000}\n", f);
	fclose(f);
	ASSERT_OK(topo_test_parse(text, &t, &diag), "parse");
	free(text);
	free(diag);
	return t;
}

PL_TEST(unit, plan_conntrack_max_every_node)
{
	struct pl_plan_opts po = {.datapath = true};
	struct topo *t = sized_topology();
	struct pl_datapath_opts o;
	struct pl_plan *p = NULL;
	char *buf = NULL, want[128];
	size_t len = 0;
	FILE *f;
	int i;

	if (!t || !ASSERT_OK(pl_plan_build(t, "t1", &po, &p), "plan"))
		goto out;
	for (i = 0; i < t->nnodes; i++) {
		pl_subtest("node %s", t->nodes[i].name);
		pl_dp_opts(p, i, &o);
		ASSERT_EQ(o.ct_max, 1000, "the loader's ct_max");
	}
	f = open_memstream(&buf, &len);
	if (!ASSERT_OK_PTR(f, "memstream"))
		goto out;
	ASSERT_OK(pl_plan_print(p, f), "print");
	fclose(f);
	pl_subtest("script");
	ASSERT_STRSTR(buf, "/node1/conntrack_sized type lru_hash key 16 value 40 entries 1000 ",
		      "the loading node's map, sized");
	ASSERT_STRSTR(buf, "map name conntrack pinned /sys/fs/bpf/podlab/t1/node1/conntrack_sized",
		      "the load reuses it");
	for (i = 1; i < t->nnodes; i++) {
		snprintf(want, sizeof(want),
			 "/%s/conntrack type lru_hash key 16 value 40 entries 1000 ",
			 t->nodes[i].name);
		ASSERT_STRSTR(buf, want, "a later node's map, the same size");
	}
	ASSERT_TRUE(strstr(buf, "entries 65536 name conntrack") == NULL, "no default-sized one");
out:
	free(buf);
	pl_plan_free(p);
	pl_topo_free(t);
}
