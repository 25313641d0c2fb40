// SPDX-License-Identifier: GPL-2.0
/*
 * The CLI's exit codes where no BPF is involved: bad input (exit 2, nothing
 * created) needs no privilege at all; a run built with --no-datapath needs
 * namespaces only, so an unprivileged user namespace will do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "net/run.h"
#include "net_fixture.h"
#include "test.h"

static const char *probe_cli_files(void)
{
	if (access("topologies/seed-tc.yaml", R_OK))
		return "run from the repository root (topologies/ not found)";
	return access("build/podlab", X_OK) ? "build/podlab not built" : NULL;
}

static const char *probe_cli_netns(void)
{
	return pl_probe_netns() ?: probe_cli_files();
}

/* Runs "build/podlab ARGS"; its stdout and stderr in out (may be NULL); the exit status. */
static int podlab_out(const char *args, char *out, size_t cap)
{
	static char sink[16384];
	char cmd[512];
	size_t n;
	FILE *f;
	int st;

	if (!out) {
		out = sink;
		cap = sizeof(sink);
	}
	snprintf(cmd, sizeof(cmd), "build/podlab %s 2>&1", args);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	while (fread(sink, 1, sizeof(sink), f) > 0)
		;
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

PL_TEST_PROBE(integration, cli_bad_input_exit_2, probe_cli_files)
{
	static const struct {
		const char *args, *says;
	} bad[] = {
		{"frobnicate", "unknown command 'frobnicate'"},
		{"up", "want exactly one topology FILE"},
		{"up --run BAD topologies/seed-tc.yaml", "run id 'BAD'"},
		{"up --bogus topologies/seed-tc.yaml", "try 'podlab up --help'"},
		{"up /nonexistent/podlab.yaml", "cannot open: No such file or directory"},
		{"down", "want one RUN, --all or --stale"},
		{"up --ct-max 0 topologies/seed-tc.yaml", "--ct-max: '0' is not 1 to 16777216"},
		{"up --ct-max 16777217 topologies/seed-tc.yaml", "--ct-max: '16777217' is not 1"},
		{"replay --ct-max 1e6 --topology topologies/seed-tc.yaml --pcap x.pcap",
		 "--ct-max: '1e6' is not 1 to 16777216"},
		{"replay --ct-max 16 --run r1 --topology topologies/seed-tc.yaml --pcap x.pcap",
		 "--ct-max with --run"},
		{"test --ct-max -5 tests/scenarios/malformed.yaml", "--ct-max: '-5' is not 1"},
		{"replay --window 0 --topology topologies/seed-tc.yaml --pcap x.pcap",
		 "--window: '0' is not 1 to 1024"},
		{"replay --window 1025 --topology topologies/seed-tc.yaml --pcap x.pcap",
		 "--window: '1025' is not 1 to 1024"},
		{"replay --uplink-inject nic --topology topologies/seed-tc.yaml --pcap x.pcap",
		 "--uplink-inject: 'nic' is not auto, xdp or peer"},
		{"test --uplink-inject XDP tests/scenarios/live-native.yaml",
		 "--uplink-inject: 'XDP' is not auto, xdp or peer"},
		/* Numbers: digits in range, never wrapped or half read. */
		{"explain --topology topologies/two-node-native.yaml --from frontend --to backend "
		 "--dport 65616",
		 "--dport: '65616' is not 0 to 65535"},
		{"explain --topology topologies/two-node-native.yaml --from frontend --to backend "
		 "--sport -1",
		 "--sport: '-1' is not 0 to 65535"},
		{"explain --topology topologies/two-node-native.yaml --from frontend --to backend "
		 "--ipv6",
		 "IPv6 asked ('backend'), but ipFamilies names no IPv6"},
		{"explain --topology topologies/two-node-native.yaml --from frontend --to "
		 "2001:db8::1",
		 "IPv6 asked ('2001:db8::1'), but ipFamilies names no IPv6"},
		{"graph topologies/two-node-native.yaml -o x.svg --dport 80x",
		 "--dport: '80x' is not"},
		{"check --seconds nan r1", "--seconds: 1..60, not 'nan'"},
		{"check --timeout 99999999999999999999 r1", "--timeout: 1..60000 ms"},
		{"replay -j 18446744073709551617 --topology topologies/seed-tc.yaml --pcap x.pcap",
		 "-j/--workers: '18446744073709551617' is not 1 to 1024"},
	};
	static char out[65536];
	char run[PL_RUN_ID_MAX], args[256], want[96];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pl_subtest("podlab %s", bad[i].args);
		ASSERT_EQ(podlab_out(bad[i].args, out, sizeof(out)), 2, "exit 2");
		ASSERT_STRSTR(out, bad[i].says, "says why");
	}
	pl_subtest("help");
	ASSERT_EQ(podlab_out("--help", out, sizeof(out)), 0, "--help: exit 0");
	ASSERT_STRSTR(out, "usage: podlab", "usage line");
	ASSERT_EQ(podlab_out("up --help", out, sizeof(out)), 0, "up --help: exit 0");
	ASSERT_STRSTR(out, "--print-commands", "up --help names --print-commands");

	/* Printing the build is planning only: no kernel, nothing created. */
	pl_subtest("up --print-commands");
	fixture_run_id(run, "q");
	snprintf(args, sizeof(args), "up --print-commands --run %s topologies/seed-tc.yaml", run);
	ASSERT_EQ(podlab_out(args, out, sizeof(out)), 0, "exit 0");
	snprintf(want, sizeof(want), "ip netns add pl-%s-node1\n", run);
	ASSERT_STRSTR(out, want, "the node's namespace");
	ASSERT_STRSTR(out, " tbf ", "the seed's tbf");
	ASSERT_STRSTR(out, " htb ", "the seed's htb");
	ASSERT_EQ(fixture_count_netns(run), 0, "no namespace created");
	ASSERT_FALSE(fixture_state_exists(run), "no state file");
	pl_subtest("up --print-commands --ct-max");
	snprintf(args, sizeof(args), "up --print-commands --ct-max 4096 --run %s %s", run,
		 "topologies/three-node-segment.yaml");
	ASSERT_EQ(podlab_out(args, out, sizeof(out)), 0, "exit 0");
	snprintf(want, sizeof(want),
		 "node1/conntrack_sized type lru_hash key 16 value 40 "
		 "entries 4096 ");
	ASSERT_STRSTR(out, want, "the loading node's map, created at that size");
	snprintf(want, sizeof(want), "node3/conntrack type lru_hash key 16 value 40 entries 4096 ");
	ASSERT_STRSTR(out, want, "a later node's map, the same size");
	snprintf(args, sizeof(args), "exec %s node1 -- true", run);
	ASSERT_EQ(podlab_out(args, out, sizeof(out)), 2, "exec in a run that does not exist");
}

/* The life cycle of a run without the datapath, through the CLI. */
PL_TEST_PROBE(integration, cli_no_datapath_life_cycle, probe_cli_netns)
{
	char run[PL_RUN_ID_MAX], args[256];
	static char out[65536];

	fixture_run_id(run, "l");
	snprintf(args, sizeof(args), "up --no-datapath --run %s topologies/seed-tc.yaml", run);
	if (!ASSERT_EQ(podlab_out(args, out, sizeof(out)), 0, "up --no-datapath")) {
		fprintf(stderr, "%s", out);
		goto out;
	}
	ASSERT_TRUE(fixture_state_exists(run), "state file");
	ASSERT_EQ(fixture_count_netns(run), 5, "2 nodes and 3 pods");
	snprintf(args, sizeof(args), "status %s", run);
	ASSERT_EQ(podlab_out(args, out, sizeof(out)), 0, "status RUN");
	ASSERT_STRSTR(out, "qdisc eth0 tbf 1:0", "status shows node1's tbf");
	ASSERT_TRUE(strstr(out, " bpf ") == NULL, "no program attached");
	snprintf(args, sizeof(args), "exec %s node1 -- ip -o link show eth0", run);
	ASSERT_EQ(podlab_out(args, NULL, 0), 0, "exec in node1");
	snprintf(args, sizeof(args), "exec %s node1 -- ip -o link show vxlan0", run);
	ASSERT_NEQ(podlab_out(args, NULL, 0), 0, "no vxlan0 in a native node");
	snprintf(args, sizeof(args), "exec %s nosuchpod -- true", run);
	ASSERT_EQ(podlab_out(args, NULL, 0), 2, "exec in an unknown namespace");
	snprintf(args, sizeof(args), "up --no-datapath --run %s topologies/seed-tc.yaml", run);
	ASSERT_EQ(podlab_out(args, NULL, 0), 2, "run id in use");
	snprintf(args, sizeof(args), "down %s", run);
	ASSERT_EQ(podlab_out(args, NULL, 0), 0, "down");
	ASSERT_EQ(podlab_out(args, NULL, 0), 2, "down again: no such run");
out:
	if (fixture_state_exists(run))
		pl_run_down(run);
	fixture_assert_gone(run);
}

static const char *probe_cli_bpf(void)
{
	return pl_probe_bpf_netns() ?: probe_cli_files();
}

/* up --ct-max sizes every node's conntrack; status says how full each is. */
PL_TEST_PROBE(integration, cli_ct_max_up_status, probe_cli_bpf)
{
	char run[PL_RUN_ID_MAX], args[256];
	static char out[65536];

	fixture_run_id(run, "k");
	snprintf(args, sizeof(args), "up --ct-max 4096 --run %s topologies/two-node-native.yaml",
		 run);
	if (!ASSERT_EQ(podlab_out(args, out, sizeof(out)), 0, "up --ct-max 4096")) {
		fprintf(stderr, "%s", out);
		goto out;
	}
	snprintf(args, sizeof(args), "status %s", run);
	ASSERT_EQ(podlab_out(args, out, sizeof(out)), 0, "status RUN");
	ASSERT_STRSTR(out, "conntrack of node1: 0/4096 used (0.0%), 0 created, 0 evicted",
		      "node1's conntrack line");
	ASSERT_STRSTR(out, "conntrack of node2: 0/4096 used", "node2's conntrack line");
	snprintf(args, sizeof(args), "down %s", run);
	ASSERT_EQ(podlab_out(args, NULL, 0), 0, "down");
out:
	if (fixture_state_exists(run))
		pl_run_down(run);
	fixture_assert_gone(run);
}
