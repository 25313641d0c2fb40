// SPDX-License-Identifier: GPL-2.0
/*
 * Each routing mode's kernel-only twin (--no-datapath) as a printed script: the
 * vxlan twin is Flannel's layout (classic vxlan0, fdb, neighbour, onlink route),
 * legacy keeps its overlay and masquerade, and nothing loads BPF.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_test_util.h"
#include "test.h"

/* The --print-commands script of a shipped file in mode, with or without the datapath. */
static char *script_of(const char *file, enum pl_routing_mode mode, bool datapath)
{
	struct topo *t;
	struct pl_plan *p = plan_of(file, mode, datapath, &t);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (!p)
		return NULL;
	f = open_memstream(&buf, &len);
	if (ASSERT_OK_PTR(f, "memstream")) {
		ASSERT_OK(pl_plan_print(p, f), "print");
		fclose(f);
	}
	plan_done(p, t);
	return buf;
}

/* Flannel's VXLAN backend, line for line, on both nodes of two-node-vxlan. */
PL_TEST(unit, plan_vxlan_twin_is_flannel)
{
	static const char *const want[] = {
		"ip -n pl-t1-node1 link add vxlan0 index 33 address 02:70:6c:03:00:00 mtu 1450 "
		"type vxlan id 1 local 192.168.50.1 dev eth0 nolearning dstport 4789\n",
		"ip -n pl-t1-node1 addr add 10.244.1.0/32 dev vxlan0\n",
		"ip -n pl-t1-node1 neigh add 10.244.2.0 lladdr 02:70:6c:03:00:01 dev vxlan0 nud "
		"permanent\n",
		"bridge -n pl-t1-node1 fdb add 02:70:6c:03:00:01 dev vxlan0 dst 192.168.50.2 self "
		"permanent\n",
		"ip -n pl-t1-node1 route add 10.244.2.0/24 via 10.244.2.0 dev vxlan0 onlink\n",
		"ip -n pl-t1-node2 addr add 10.244.2.0/32 dev vxlan0\n",
		"bridge -n pl-t1-node2 fdb add 02:70:6c:03:00:00 dev vxlan0 dst 192.168.50.1 self "
		"permanent\n",
		"ip -n pl-t1-node2 route add 10.244.1.0/24 via 10.244.1.0 dev vxlan0 onlink\n",
		NULL,
	};
	char *twin = script_of("two-node-vxlan.yaml", PL_ROUTING_VXLAN, false);
	char *dp = script_of("two-node-vxlan.yaml", PL_ROUTING_VXLAN, true);
	int i;

	if (!twin || !dp)
		goto out;
	for (i = 0; want[i]; i++)
		ASSERT_STRSTR(twin, want[i], "the twin's line");
	ASSERT_TRUE(strstr(twin, "type vxlan external") == NULL, "no collect_md device");
	ASSERT_TRUE(strstr(twin, "bpftool prog") == NULL, "no BPF loaded");
	ASSERT_TRUE(strstr(twin, "nft ") == NULL, "no masquerade");
	ASSERT_STRSTR(dp, "type vxlan external dstport 4789\n", "datapath: collect_md vxlan0");
	ASSERT_TRUE(strstr(dp, " fdb add ") == NULL && strstr(dp, "dev vxlan0 onlink") == NULL,
		    "datapath: BPF encapsulates, no fdb or overlay route");
out:
	free(twin);
	free(dp);
}

/* Legacy's twin is the same kernel overlay and masquerade, only without the programs. */
PL_TEST(unit, plan_legacy_twin_keeps_overlay_and_nat)
{
	char *twin = script_of("two-node-legacy.yaml", PL_ROUTING_LEGACY, false);
	char *dp = script_of("two-node-legacy.yaml", PL_ROUTING_LEGACY, true);

	if (!twin || !dp)
		goto out;
	ASSERT_STRSTR(twin,
		      "bridge -n pl-t1-node1 fdb add 02:70:6c:03:00:01 dev vxlan0 dst "
		      "192.168.50.2 self permanent\n",
		      "fdb");
	ASSERT_STRSTR(twin,
		      "ip -n pl-t1-node1 route add 10.244.2.0/24 via 192.168.50.2 dev "
		      "vxlan0 onlink\n",
		      "overlay route via the node IP");
	ASSERT_STRSTR(twin, "oifname \"vxlan0\" masquerade", "masquerade");
	ASSERT_TRUE(strstr(twin, "bpftool prog") == NULL, "no BPF loaded");
	/* The datapath's script is the twin's plus loading and attaching. */
	ASSERT_STRSTR(dp, "bpftool prog", "datapath loads BPF");
	ASSERT_STRSTR(dp, "oifname \"vxlan0\" masquerade", "datapath: same masquerade");
out:
	free(twin);
	free(dp);
}
