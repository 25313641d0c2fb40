// SPDX-License-Identifier: GPL-2.0
/* bpftool forms of loading podlab's datapath and programming its maps. */
#include "lib/datapath.h"
#include "net/print.h"

void pl_print_datapath_load(const struct pl_plan *p, int node, const char *dir, FILE *f)
{
	fprintf(f,
		"# datapath of node %s: not expressible yet (bpf/datapath.bpf.c not in this "
		"build)\n",
		p->topo->nodes[node].name);
	(void)dir;
}

void pl_print_datapath_maps(const struct pl_plan *p, int node, FILE *f)
{
	fprintf(f, "# maps of node %s: see above\n", p->topo->nodes[node].name);
}
