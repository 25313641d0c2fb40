// SPDX-License-Identifier: GPL-2.0
/*
 * Live frames at a node's uplink, both ways in: as XDP live frames and sent
 * from the uplink's far end. Either way the scenarios' expectations (verdict,
 * hooks, drop reason, delivered-to) hold, the kernel agrees with the
 * simulator on every packet, and the two ways give the same result lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_run.h"
#include "net/run.h"
#include "net_fixture.h"
#include "test.h"

/* Scenarios with frames injected at uplinks (world, underlay VXLAN and IPIP, a NodePort). */
#define UPLINK_SCENARIOS                                                                           \
	"tests/scenarios/live-native.yaml tests/scenarios/prefilter.yaml "                         \
	"tests/scenarios/underlay-vxlan.yaml tests/scenarios/underlay-ipip.yaml "                  \
	"tests/scenarios/services-nodeport.yaml"

static const char *probe_root(void)
{
	if (access("tests/scenarios", R_OK))
		return "run from the repository root (tests/scenarios/ not found)";
	return cli_probe_podlab() ?: pl_probe_netns() ?: pl_probe_root();
}

static const char *probe_root_live_frames(void)
{
	return probe_root() ?: pl_probe_xdp_live_frames();
}

static void scenarios_pass(const char *how)
{
	char args[512], *out = NULL, *err = NULL;
	int rc;

	pl_subtest("%s: the live scenarios' expectations", how);
	snprintf(args, sizeof(args),
		 "test --mode live --uplink-inject %s -v tests/scenarios/live-native.yaml "
		 "tests/scenarios/prefilter.yaml",
		 how);
	rc = cli_run(args, &out, &err);
	if (!ASSERT_EQ(rc, 0, "both scenarios pass"))
		fprintf(stderr, "%s%s", out ?: "", err ?: "");
	ASSERT_STRSTR(out, "2 scenarios: 2 passed, 0 failed", "summary");
	/* The world's SYN at node1's uplink went through the prefilter, then from_network. */
	ASSERT_STRSTR(out, "at node1:uplink | xdp_prefilter > from_network", "uplink hooks");
	free(out);
	free(err);
	out = err = NULL;

	pl_subtest("%s: the kernel agrees with the simulator on every packet", how);
	snprintf(args, sizeof(args), "test --compare sim,live --uplink-inject %s %s", how,
		 UPLINK_SCENARIOS);
	rc = cli_run(args, &out, &err);
	if (!ASSERT_EQ(rc, 0, "sim and live agree"))
		fprintf(stderr, "%s%s", out ?: "", err ?: "");
	ASSERT_STRSTR(out, "5 scenarios: 5 passed, 0 failed", "summary");
	free(out);
	free(err);
}

PL_TEST_PROBE(integration, uplink_inject_peer, probe_root)
{
	scenarios_pass("peer");
}

PL_TEST_PROBE(integration, uplink_inject_xdp, probe_root_live_frames)
{
	scenarios_pass("xdp");
}

/* The same capture both ways in: the same result line for every packet. */
PL_TEST_PROBE(integration, uplink_inject_ways_agree, probe_root_live_frames)
{
	const char *fmt = "replay --mode live --uplink-inject %s --topology "
			  "topologies/two-node-vxlan.yaml --pcap pcaps/underlay-vxlan.pcap";
	char args[256], *a = NULL, *b = NULL, *e1 = NULL, *e2 = NULL;

	snprintf(args, sizeof(args), fmt, "xdp");
	if (!ASSERT_EQ(cli_run(args, &a, &e1), 0, "replay as XDP live frames"))
		goto out;
	snprintf(args, sizeof(args), fmt, "peer");
	if (!ASSERT_EQ(cli_run(args, &b, &e2), 0, "replay from the far end"))
		goto out;
	ASSERT_STREQ(b, a, "result lines");
out:
	free(a);
	free(b);
	free(e1);
	free(e2);
}
