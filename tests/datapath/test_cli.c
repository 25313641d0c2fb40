// SPDX-License-Identifier: GPL-2.0
/* podlab verify / prog list, run as a user would (build/podlab next to build/tests/). */
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "net/run.h"
#include "net/tc.h"
#include "test.h"
#include "lib/log.h"

static char podlab[PATH_MAX];

static const char *probe_podlab(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return "cannot find the test binary's directory";
	self[n] = '\0';
	snprintf(podlab, sizeof(podlab), "%s/../podlab", dirname(self));
	if (access(podlab, X_OK))
		return "build/podlab is not built";
	return NULL;
}

static const char *probe_podlab_root(void)
{
	return probe_podlab() ?: pl_probe_root();
}

/* Runs "podlab ARGS", output in out; returns the exit status or -1. */
static int podlab_run(const char *args, char *out, size_t cap)
{
	char cmd[PATH_MAX + 128];
	size_t n = 0;
	FILE *f;
	int st;

	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", podlab, args);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

PL_TEST_PROBE(datapath, cli_prog_list, probe_podlab)
{
	static char out[8192];

	ASSERT_EQ(podlab_run("prog list", out, sizeof(out)), 0, "exit 0");
	ASSERT_STRSTR(out, "from_pod       tc       tc    tc ingress of a pod's node-side veth",
		      "from_pod row");
	ASSERT_STRSTR(out, "xdp_prefilter  xdp      xdp   xdp of the node's uplink", "xdp row");
	ASSERT_STRSTR(out, "from_overlay", "from_overlay");
	ASSERT_STRSTR(out, "from_network", "from_network");
	ASSERT_STRSTR(out, "policy         hash                  131072", "policy map size");
	ASSERT_EQ(podlab_run("prog list extra", out, sizeof(out)), 2, "extra argument: exit 2");
	ASSERT_EQ(podlab_run("prog list --help", out, sizeof(out)), 0, "--help exit 0");
	ASSERT_STRSTR(out, "exit status", "--help names exit codes");
}

/* `podlab --help` documents each exit code with the value the code returns. */
PL_TEST_PROBE(datapath, cli_exit_codes_documented, probe_podlab)
{
	static const struct {
		int code;
		const char *says;
	} codes[] = {
		{PL_EXIT_OK, "ok"},
		{PL_EXIT_FAIL, "a check or test failed"},
		{PL_EXIT_INPUT, "bad usage or input"},
		{PL_EXIT_ENV, "missing privilege or kernel feature"},
		{PL_EXIT_RUNTIME, "a kernel operation failed"},
	};
	static char out[8192];
	char want[96];
	size_t i;

	ASSERT_EQ(podlab_run("--help", out, sizeof(out)), PL_EXIT_OK, "--help exits 0");
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		snprintf(want, sizeof(want), "%d %s", codes[i].code, codes[i].says);
		ASSERT_STRSTR(out, want, codes[i].says);
	}
	ASSERT_EQ(podlab_run("--no-such-option", out, sizeof(out)), PL_EXIT_INPUT,
		  "an unknown option is bad usage");
}

/* A two-word command's first word alone lists the group instead of "unknown command". */
PL_TEST_PROBE(datapath, cli_command_group_help, probe_podlab)
{
	static char out[8192];

	ASSERT_EQ(podlab_run("pcap --help", out, sizeof(out)), 0, "pcap --help: exit 0");
	ASSERT_STRSTR(out, "usage: podlab pcap show", "pcap show usage");
	ASSERT_STRSTR(out, "usage: podlab pcap gen", "pcap gen usage");
	ASSERT_EQ(podlab_run("pcap", out, sizeof(out)), 2, "pcap alone: exit 2");
	ASSERT_STRSTR(out, "a subcommand is needed", "says what is missing");
	ASSERT_EQ(podlab_run("pcap frob", out, sizeof(out)), 2, "unknown subcommand: exit 2");
	ASSERT_STRSTR(out, "unknown subcommand 'frob'", "names it");
	ASSERT_STRSTR(out, "podlab pcap gen", "lists the group");
	ASSERT_EQ(podlab_run("frob", out, sizeof(out)), 2, "unknown command: exit 2");
	ASSERT_STRSTR(out, "unknown command 'frob'", "names it");
}

PL_TEST_PROBE(datapath, cli_verify, probe_podlab_root)
{
	static char out[16384];
	unsigned insns = 0, jit = 0;
	struct utsname u;
	char *row, want[200];

	ASSERT_EQ(podlab_run("verify", out, sizeof(out)), 0, "verify exit 0");
	/* The kernel block says what the probes say. */
	uname(&u);
	snprintf(want, sizeof(want), "kernel %s\n  qdiscs     tbf %s, htb %s, netem %s", u.release,
		 pl_probe_qdisc_kind(TOPO_QDISC_TBF) ? "no" : "yes",
		 pl_probe_qdisc_kind(TOPO_QDISC_HTB) ? "no" : "yes",
		 pl_probe_qdisc_kind(TOPO_QDISC_NETEM) ? "no" : "yes");
	ASSERT_STRSTR(out, want, "kernel release and qdiscs");
	snprintf(want, sizeof(want), "vxlan %s, bridge yes, ipip %s",
		 pl_probe_link_kind("vxlan") ? "no" : "yes",
		 pl_probe_link_kind("ipip") ? "no" : "yes");
	ASSERT_STRSTR(out, want, "link kinds");
	ASSERT_STRSTR(out, pl_probe_tcx() ? "  tcx        no" : "  tcx        yes", "tcx");
	ASSERT_STRSTR(out, "  new netns  lo", "a new namespace's devices");
	ASSERT_TRUE(strstr(out, "  new netns") < strstr(out, "routing native:"),
		    "before the modes");
	ASSERT_STRSTR(out, "routing native:", "native");
	ASSERT_STRSTR(out, "routing vxlan:", "vxlan");
	ASSERT_STRSTR(out, "routing legacy:", "legacy");
	ASSERT_STRSTR(out, "routing fabric:", "fabric");
	row = strstr(out, "  from_pod ");
	if (ASSERT_OK_PTR(row, "from_pod row")) {
		row = strstr(row, "veth");
		ASSERT_EQ(row ? sscanf(row + 4, "%u %u", &insns, &jit) : 0, 2, "numbers");
		ASSERT_GT(insns, 100, "verified instructions");
		ASSERT_GT(jit, 100, "JIT bytes");
	}
	ASSERT_EQ(podlab_run("verify --routing vxlan", out, sizeof(out)), 0, "one mode");
	ASSERT_TRUE(!strstr(out, "routing native:"), "only vxlan");
	ASSERT_EQ(podlab_run("verify --routing bogus", out, sizeof(out)), 2, "bad mode: exit 2");
	ASSERT_STRSTR(out, "unknown routing mode 'bogus'", "says why");
	ASSERT_EQ(podlab_run("verify --routing", out, sizeof(out)), 2, "missing mode: exit 2");
}
