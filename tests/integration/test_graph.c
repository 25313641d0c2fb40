// SPDX-License-Identifier: GPL-2.0
/*
 * `podlab graph` draws what each routing mode does at a node: who encapsulates
 * (a tunnel device or the datapath itself) and where MASQUERADE happens, read
 * from the plan that `up` would apply. No privilege: .dot output only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_run.h"
#include "test.h"

static const char *probe_graph_files(void)
{
	if (access("topologies/two-node-ipip.yaml", R_OK))
		return "run from the repository root (topologies/ not found)";
	return cli_probe_podlab();
}

static const struct graph_case {
	const char *args;   /* after `graph`, before `-o` */
	const char *has[3]; /* in node1's part of the graph */
	const char *absent[3];
} graph_cases[] = {
	{"topologies/two-node-native.yaml",
	 {"routing native"},
	 {"MASQUERADE", "IP-in-IP", "vxlan0"}},
	{"topologies/two-node-vxlan.yaml",
	 {"vxlan0 (external)", "routing vxlan"},
	 {"MASQUERADE", "IP-in-IP"}},
	{"topologies/two-node-legacy.yaml",
	 {"MASQUERADE 10.244.1.0/24 → vxlan0", "routing legacy"},
	 {"IP-in-IP"}},
	{"topologies/two-node-ipip.yaml",
	 {"IP-in-IP by from_pod to other nodes", "MASQUERADE 10.244.1.0/24 → outside the cluster",
	  "routing ipip"},
	 {"vxlan0"}},
	{"topologies/three-node-ipip-crosssubnet.yaml",
	 {"IP-in-IP by from_pod to other subnets"},
	 {"vxlan0"}},
	{"topologies/two-node-native.yaml --routing ipip",
	 {"IP-in-IP by from_pod to other nodes", "routing ipip"},
	 {"vxlan0"}},
};

PL_TEST_PROBE(integration, graph_shows_encapsulation_and_nat, probe_graph_files)
{
	char dot[] = "/tmp/podlab-graph-XXXXXX", args[512];
	size_t i, k;
	int fd;

	fd = mkstemp(dot);
	if (!ASSERT_GE(fd, 0, "mkstemp"))
		return;
	close(fd);
	for (i = 0; i < sizeof(graph_cases) / sizeof(graph_cases[0]); i++) {
		const struct graph_case *c = &graph_cases[i];
		char *text, *node2;

		/* .dot needs a name that says so: write beside the temporary file. */
		snprintf(args, sizeof(args), "graph %s -o %s.dot", c->args, dot);
		if (!ASSERT_EQ(cli_run(args, NULL, NULL), 0, c->args))
			continue;
		snprintf(args, sizeof(args), "%s.dot", dot);
		text = cli_slurp(args);
		unlink(args);
		if (!ASSERT_OK_PTR(text, "the .dot file"))
			continue;
		node2 = strstr(text, "cluster_node2");
		for (k = 0; k < 3 && c->has[k]; k++)
			ASSERT_STRSTR(text, c->has[k], c->args);
		if (node2)
			*node2 = '\0'; /* absences are asserted of node1 only */
		for (k = 0; k < 3 && c->absent[k]; k++)
			ASSERT_TRUE(!strstr(text, c->absent[k]), c->absent[k]);
		free(text);
	}
	unlink(dot);
}
