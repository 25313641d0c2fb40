// SPDX-License-Identifier: GPL-2.0
/*
 * routing fabric through the CLI, as a user runs it: bad fabric files exit 2 with
 * one file:line:col line and build nothing; the shipped file comes up, `podlab
 * check` passes with the fabric holding the pod routes and the nodes not, and `podlab
 * down` leaves nothing; a pod's ping crosses two routed hops (node and fabric).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_run.h"
#include "net/run.h"
#include "net_fixture.h"
#include "test.h"

static const char *probe_fabric_files(void)
{
	if (access("topologies/two-node-fabric.yaml", R_OK))
		return "run from the repository root (topologies/ not found)";
	return cli_probe_podlab();
}

static const char *probe_fabric_live(void)
{
	return pl_probe_bpf_netns() ?: probe_fabric_files();
}

#define FABRIC_NODES(cidr1)                                                                        \
	"routing: fabric\n"                                                                        \
	"nodes:\n"                                                                                 \
	"  - name: node1\n"                                                                        \
	"    ip: 192.168.50.1/24\n"                                                                \
	"    podCIDR: " cidr1 "\n"                                                                 \
	"    pods:\n"                                                                              \
	"      - {name: a, ip: 192.168.50.70}\n"                                                   \
	"  - name: node2\n"                                                                        \
	"    ip: 192.168.50.2/24\n"                                                                \
	"    podCIDR: 192.168.50.80/28\n"                                                          \
	"    pods:\n"                                                                              \
	"      - {name: b, ip: 192.168.50.90}\n"

PL_TEST_PROBE(integration, fabric_bad_input_builds_nothing, probe_fabric_files)
{
	static const struct {
		const char *desc, *text, *says;
	} bad[] = {
		{"pods outside the underlay subnet", FABRIC_NODES("10.244.1.0/24"),
		 ":5:14: podCIDR 10.244.1.0/24 is outside the underlay network 192.168.50.0/24"},
		{"maxRoutes below the pod count",
		 FABRIC_NODES("192.168.50.64/28") "fabric: {maxRoutes: 1}\n",
		 ":13:21: fabric maxRoutes 1 is smaller than the 2 pods"},
	};
	char file[64], run[PL_RUN_ID_MAX], args[160], *out = NULL, *err = NULL;
	size_t i;
	FILE *f;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pl_subtest("%s", bad[i].desc);
		snprintf(file, sizeof(file), "/tmp/podlab-fabric-bad-%d.yaml", (int)getpid());
		f = fopen(file, "w");
		if (!ASSERT_OK_PTR(f, "topology file"))
			return;
		fputs(bad[i].text, f);
		fclose(f);
		fixture_run_id(run, "fb");
		snprintf(args, sizeof(args), "up --run %s %s", run, file);
		ASSERT_EQ(cli_run(args, &out, &err), 2, "up: exit 2");
		ASSERT_STRSTR(err, file, "names the file");
		ASSERT_STRSTR(err, bad[i].says, "line:column and why");
		ASSERT_EQ(err ? (int)(strchr(err, '\n') - err) + 1 : 0, (int)strlen(err ? err : ""),
			  "one line");
		ASSERT_EQ(fixture_count_netns(run), 0, "no namespace");
		ASSERT_FALSE(fixture_state_exists(run), "no state file");
		snprintf(args, sizeof(args), "up --print-commands %s", file);
		ASSERT_EQ(cli_run(args, NULL, NULL), 2, "--print-commands: exit 2 too");
		snprintf(args, sizeof(args), "validate %s", file);
		ASSERT_EQ(cli_run(args, NULL, NULL), 2, "validate: exit 2");
		free(out);
		free(err);
		out = err = NULL;
		unlink(file);
	}
}

PL_TEST_PROBE(integration, fabric_up_check_down, probe_fabric_live)
{
	char run[PL_RUN_ID_MAX], args[192], *out = NULL;

	fixture_run_id(run, "fc");
	snprintf(args, sizeof(args), "up --run %s topologies/two-node-fabric.yaml", run);
	if (!ASSERT_EQ(cli_run(args, &out, NULL), 0, "up"))
		goto out;
	ASSERT_STRSTR(out, "fabric routing", "up names the mode");
	free(out);
	out = NULL;
	snprintf(args, sizeof(args), "check %s", run);
	ASSERT_EQ(cli_run(args, &out, NULL), 0, "check passes");
	ASSERT_STRSTR(out, "routing fabric", "check names the mode");
	ASSERT_STRSTR(out, "fabric mode: pod IPs are never rewritten between pods", "NAT-free");
	ASSERT_STRSTR(out, "fabric expects bare pod IPs", "underlay: bare pod IPs");
	ASSERT_TRUE(out && strstr(out, "VXLAN-POD") && !strstr(out, "4789 vni"),
		    "no VXLAN on the wire");
	ASSERT_STRSTR(out, "192.168.50.74/32 via 192.168.50.1 dev f-node1", "the fabric's route");
	ASSERT_STRSTR(out, "192.168.50.84 by 192.168.50.0/24 dev eth0", "node1 only the subnet");
	ASSERT_STRSTR(out, "routes PASS", "routes section");
	free(out);
	out = NULL;
	snprintf(args, sizeof(args), "exec %s fabric -- ip route get 192.168.50.84", run);
	ASSERT_EQ(cli_run(args, &out, NULL), 0, "exec in the fabric namespace");
	ASSERT_STRSTR(out, "via 192.168.50.2 dev f-node2", "the fabric routes backend to node2");
	free(out);
	out = NULL;
	snprintf(args, sizeof(args), "down %s", run);
	ASSERT_EQ(cli_run(args, NULL, NULL), 0, "down");
out:
	free(out);
	if (fixture_state_exists(run))
		pl_run_down(run);
	fixture_assert_gone(run);
	ASSERT_EQ(fixture_count_netns(run), 0, "nothing of the run left, the fabric's included");
}

static const char *probe_fabric_ping(void)
{
	const char *why = probe_fabric_live();

	if (why)
		return why;
	return access("/usr/bin/ping", X_OK) && access("/bin/ping", X_OK)
		       ? "no ping (apt-get install iputils-ping)"
		       : NULL;
}

/* The sending node's datapath decrements the TTL, then the fabric router: 62 arrives. */
PL_TEST_PROBE(integration, fabric_two_routed_hops, probe_fabric_ping)
{
	char run[PL_RUN_ID_MAX], args[192], *out = NULL;

	fixture_run_id(run, "ft");
	snprintf(args, sizeof(args), "up --run %s topologies/two-node-fabric.yaml", run);
	if (!ASSERT_EQ(cli_run(args, NULL, NULL), 0, "up"))
		goto out;
	snprintf(args, sizeof(args), "exec %s backend -- ping -c 1 -W 2 192.168.50.74", run);
	ASSERT_EQ(cli_run(args, &out, NULL), 0, "backend pings frontend across the fabric");
	ASSERT_STRSTR(out, "ttl=62", "two routed hops: the node and the fabric");
	snprintf(args, sizeof(args), "down %s", run);
	ASSERT_EQ(cli_run(args, NULL, NULL), 0, "down");
out:
	free(out);
	if (fixture_state_exists(run))
		pl_run_down(run);
	fixture_assert_gone(run);
}
