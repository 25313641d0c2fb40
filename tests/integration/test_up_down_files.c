// SPDX-License-Identifier: GPL-2.0
/*
 * Builder on the shipped topology files: each one up and down with the
 * datapath, the --print-commands script against up, users' programs, and
 * the CLI's exit codes over a run's life cycle.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include "lib/datapath.h"

#include "net/dump.h"
#include "net/netns.h"
#include "net/run.h"
#include "net/status.h"
#include "net/tc.h"
#include "plan/plan.h"
#include "net_fixture.h"
#include "test.h"
#include "topo/topo.h"

static const char *probe_topologies(void)
{
	return access("topologies/two-node-native.yaml", R_OK) ? "run from the repository root "
								 "(topologies/ not found)"
							       : NULL;
}

static const char *probe_shipped(void)
{
	return fixture_probe_netns_root() ?: probe_topologies();
}

/* Namespaces without the datapath: no BPF, so an unprivileged user namespace will do. */
static const char *probe_shipped_ns(void)
{
	return pl_probe_netns() ?: probe_topologies();
}

static const char *probe_shipped_netem(void)
{
	const char *why = probe_shipped();

	return why ? why : pl_probe_qdisc_kind(TOPO_QDISC_NETEM);
}

static const char *const shipped[] = {
	"topologies/two-node-native.yaml", "topologies/two-node-vxlan.yaml",
	"topologies/two-node-legacy.yaml", "topologies/three-node-segment.yaml",
	"topologies/seed-tc.yaml",	   "topologies/two-node-fabric.yaml",
	"topologies/services.yaml",
};

/* `podlab status RUN`'s planned objects that the kernel lacks, or -errno. */
static int status_missing(const char *run)
{
	struct pl_run_state st;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int n;

	if (pl_run_state_read(run, &st))
		return -ENOENT;
	f = open_memstream(&buf, &len);
	n = f ? pl_status_plan(&st, f) : -ENOMEM;
	if (f)
		fclose(f);
	if (n && pl_verbose())
		fprintf(stderr, "%s", buf);
	free(buf);
	pl_run_state_free(&st);
	return n;
}

/* Builds file (with the datapath or without), checks what a node and a pod hold, removes it. */
static void up_down_file(const char *file, const char *tag, bool datapath)
{
	struct pl_up_opts uo = {.datapath = datapath, .keep_owner = true, .topology = file};
	char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX], *d = NULL, *pins = NULL;
	char ns[PL_NETNS_NAME_MAX];
	struct topo *t = NULL;
	int i, want;

	fixture_run_id(run, tag);
	uo.run = run;
	if (!ASSERT_OK(pl_topo_parse(file, &t), "parse"))
		return;
	if (!ASSERT_OK(pl_run_up(t, &uo, got), "up"))
		goto out;
	want = t->nnodes + t->npods + (t->underlay == TOPO_UNDERLAY_SEGMENT) +
	       (t->underlay == TOPO_UNDERLAY_FABRIC) + t->world.present;
	ASSERT_EQ(fixture_count_netns(run), want, "namespaces");
	d = fixture_dump_ns(run, t->nodes[0].name, PL_DUMP_ALL);
	if (datapath) {
		/* No prefilter rules in the shipped files: no XDP (it slows the veth peer). */
		if (t->nprefilter)
			ASSERT_STRSTR(d, "xdp xdp_prefilter", "xdp on the uplink");
		else
			ASSERT_TRUE(strstr(d, "xdp ") == NULL, "no xdp without prefilter rules");
		ASSERT_STRSTR(d, "filter eth0 tc-ingress prio 10 bpf from_network", "from_network");
		ASSERT_STRSTR(d, "tc-ingress prio 10 bpf from_pod", "from_pod");
		if (pl_topo_overlay(t))
			ASSERT_STRSTR(d, "filter vxlan0 tc-ingress prio 10 bpf from_overlay",
				      "from_overlay");
	} else {
		ASSERT_TRUE(strstr(d, " bpf ") == NULL && strstr(d, "xdp ") == NULL,
			    "no program attached");
		char uplink[32];

		snprintf(uplink, sizeof(uplink), "link %d eth0 veth", PL_IFINDEX_UPLINK);
		ASSERT_STRSTR(d, uplink, "the uplink at its planned ifindex");
		if (pl_topo_overlay(t))
			ASSERT_STRSTR(d, " vxlan0 vxlan ", "the vxlan device");
	}
	if (t->underlay == TOPO_UNDERLAY_FABRIC) {
		char *fd = fixture_dump_ns(run, TOPO_NETNS_FABRIC, PL_DUMP_ROUTES | PL_DUMP_LINKS);
		char want_rt[96], ip[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN];

		for (i = 0; i < t->npods; i++) {
			inet_ntop(AF_INET, &t->pods[i].ip, ip, sizeof(ip));
			inet_ntop(AF_INET, &t->nodes[t->pods[i].node].underlay_ip, gw, sizeof(gw));
			snprintf(want_rt, sizeof(want_rt), "route %s/32 via %s dev f-%s", ip, gw,
				 t->nodes[t->pods[i].node].name);
			ASSERT_STRSTR(fd, want_rt, "the fabric routes the pod");
			if (t->pods[i].node != 0) {
				snprintf(want_rt, sizeof(want_rt), "route %s/32", ip);
				ASSERT_TRUE(d && !strstr(d, want_rt), "node1 has no route to it");
			}
		}
		ASSERT_TRUE(d && !strstr(d, " vxlan"), "no vxlan device on a node");
		free(fd);
	}
	for (i = 0; i < t->nlinks; i++)
		if (t->links[i].node == 0 && t->links[i].qdisc.kind != TOPO_QDISC_NONE) {
			char q[64];

			snprintf(q, sizeof(q), "qdisc eth0 %s 1:0",
				 pl_qdisc_kind_name(t->links[i].qdisc.kind));
			ASSERT_STRSTR(d, q, "qdisc on node 0's uplink");
		}
	pins = fixture_dump_pins(run);
	if (!datapath)
		ASSERT_STREQ(pins, "", "no pins");
	for (i = 0; datapath && i < t->npods; i++) {
		char key[64];
		uint8_t *ip = (uint8_t *)&t->pods[i].ip;

		snprintf(key, sizeof(key), "ipcache 20000000%02x%02x%02x%02x", ip[0], ip[1], ip[2],
			 ip[3]);
		ASSERT_STRSTR(pins, key, t->pods[i].name);
	}
	ASSERT_EQ(status_missing(run), 0, "status: every planned object is in the kernel");
	if (!pl_netns_name(run, t->pods[0].name, ns, sizeof(ns)) &&
	    ASSERT_OK(pl_netns_delete(ns), "remove a pod's namespace"))
		ASSERT_GT(status_missing(run), 0, "status: the pod's objects are missing");
	ASSERT_OK(pl_run_down(run), "down");
out:
	fixture_assert_gone(run);
	fixture_delete_netns(run);
	free(d);
	free(pins);
	pl_topo_free(t);
}

PL_TEST_PROBE(integration, shipped_topologies_up_down, probe_shipped)
{
	char tag[4];
	size_t i;

	for (i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
		pl_subtest("%s", shipped[i]);
		snprintf(tag, sizeof(tag), "h%zu", i);
		up_down_file(shipped[i], tag, true);
	}
}

PL_TEST_PROBE(integration, shipped_topologies_up_down_no_datapath, probe_shipped_ns)
{
	char tag[4];
	size_t i;

	for (i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
		pl_subtest("%s", shipped[i]);
		snprintf(tag, sizeof(tag), "d%zu", i);
		up_down_file(shipped[i], tag, false);
	}
}

PL_TEST_PROBE(integration, shipped_seed_netem, probe_shipped_netem)
{
	up_down_file("topologies/seed-netem.yaml", "hn", true);
}

/*
 * Runs the --print-commands script for run s, builds the same file as run u, compares;
 * want (NULL: nothing) must be in the script's pins dump.
 */
static void print_matches_up(const char *file, const char *tag, bool datapath, const char *want)
{
	struct pl_up_opts uo = {.datapath = datapath, .keep_owner = true, .topology = file};
	struct pl_plan_opts po = {.datapath = datapath};
	char s[PL_RUN_ID_MAX], u[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX], t2[8], script[64], cmd[192],
		diff[512];
	char *ds = NULL, *du = NULL, *ps = NULL, *pu = NULL;
	struct pl_plan *plan = NULL;
	struct topo *t = NULL;
	const char *why;
	FILE *f;

	snprintf(t2, sizeof(t2), "s%s", tag);
	fixture_run_id(s, t2);
	snprintf(t2, sizeof(t2), "u%s", tag);
	fixture_run_id(u, t2);
	uo.run = u;
	snprintf(script, sizeof(script), "/tmp/podlab-%s.sh", s);
	if (!ASSERT_OK(pl_topo_parse(file, &t), "parse"))
		return;
	if (!ASSERT_OK(pl_plan_build(t, s, &po, &plan), "plan"))
		goto out;
	f = fopen(script, "w");
	if (!ASSERT_OK_PTR(f, "script file"))
		goto out;
	ASSERT_OK(pl_plan_print(plan, f), "print");
	fclose(f);
	snprintf(cmd, sizeof(cmd), "bash %s > %s.log 2>&1", script, script);
	if (!ASSERT_EQ(system(cmd), 0, "the script runs (see /tmp/podlab-*.sh.log)"))
		goto out;
	if (!ASSERT_OK(pl_run_up(t, &uo, got), "up"))
		goto out;
	ds = fixture_dump_run(s);
	du = fixture_dump_run(u);
	ASSERT_GT(strlen(ds), 200, "script built something");
	why = fixture_first_diff(ds, du, diff, sizeof(diff));
	ASSERT_STREQ(why ? why : "", "", "namespaces, devices, addresses, routes, qdiscs");
	ps = fixture_dump_pins(s);
	pu = fixture_dump_pins(u);
	if (datapath)
		ASSERT_STRSTR(ps, "rodata of from_pod", "script's program has knobs");
	else
		ASSERT_STREQ(ps, "", "script pinned nothing");
	if (want)
		ASSERT_STRSTR(ps, want, "script's pins");
	why = fixture_first_diff(ps, pu, diff, sizeof(diff));
	ASSERT_STREQ(why ? why : "", "", "map elements and rodata knobs");
	ASSERT_OK(pl_run_down(u), "down");
	unlink(script);
	snprintf(cmd, sizeof(cmd), "%s.log", script);
	unlink(cmd);
out:
	fixture_delete_netns(s);
	fixture_remove_pins(s);
	if (fixture_state_exists(u))
		pl_run_down(u);
	fixture_assert_gone(u);
	ASSERT_EQ(fixture_count_netns(s), 0, "script's namespaces removed");
	free(ds);
	free(du);
	free(ps);
	free(pu);
	pl_plan_free(plan);
	pl_topo_free(t);
}

PL_TEST_PROBE(integration, print_commands_match_up, probe_shipped)
{
	char tag[4];
	size_t i;

	for (i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
		pl_subtest("%s", shipped[i]);
		snprintf(tag, sizeof(tag), "%zu", i);
		print_matches_up(shipped[i], tag, true, NULL);
	}
}

/* conntrack: {max: N}: every node's map has N entries, in the script as in up. */
PL_TEST_PROBE(integration, print_commands_match_up_conntrack_max, probe_shipped)
{
	char file[64], *text = NULL;
	size_t len = 0;
	FILE *f, *src;
	int c;

	snprintf(file, sizeof(file), "/tmp/podlab-ct-max-%d.yaml", (int)getpid());
	src = fopen("topologies/two-node-vxlan.yaml", "r");
	if (!ASSERT_OK_PTR(src, "shipped topology"))
		return;
	f = open_memstream(&text, &len);
	if (!ASSERT_OK_PTR(f, "memstream"))
		goto out;
	while ((c = fgetc(src)) != EOF)
		fputc(c, f);
	fclose(f);
	f = fopen(file, "w");
	if (!ASSERT_OK_PTR(f, "topology file"))
		goto out;
	fprintf(f, "%sconntrack: {max: 4096}\n", text);
	fclose(f);
	print_matches_up(file, "c", true,
			 "node2 conntrack shape type 9 key 16 value 40 "
			 "max_entries 4096");
	unlink(file);
out:
	fclose(src);
	free(text);
}

/* routing ipip's topologies; their kernel-only twin needs the kernel's ipip (below). */
static const char *const shipped_ipip[] = {
	"topologies/two-node-ipip.yaml",
	"topologies/three-node-ipip-crosssubnet.yaml",
};

PL_TEST_PROBE(integration, shipped_ipip_up_down_and_print_match, probe_shipped)
{
	char tag[4];
	size_t i;

	for (i = 0; i < sizeof(shipped_ipip) / sizeof(shipped_ipip[0]); i++) {
		pl_subtest("%s", shipped_ipip[i]);
		snprintf(tag, sizeof(tag), "i%zu", i);
		up_down_file(shipped_ipip[i], tag, true);
		snprintf(tag, sizeof(tag), "j%zu", i);
		print_matches_up(shipped_ipip[i], tag, true, NULL);
	}
}

/* The kernel-only twin of routing ipip needs the kernel's ipip device. */
static const char *probe_ipip_twin(void)
{
	const char *why = probe_shipped_ns();

	return why ? why : pl_probe_link_kind("ipip");
}

PL_TEST_PROBE(integration, shipped_ipip_twin_up_down_and_print_match, probe_ipip_twin)
{
	char tag[4];
	size_t i;

	for (i = 0; i < sizeof(shipped_ipip) / sizeof(shipped_ipip[0]); i++) {
		pl_subtest("%s", shipped_ipip[i]);
		snprintf(tag, sizeof(tag), "k%zu", i);
		up_down_file(shipped_ipip[i], tag, false);
		snprintf(tag, sizeof(tag), "l%zu", i);
		print_matches_up(shipped_ipip[i], tag, false, NULL);
	}
}

PL_TEST_PROBE(integration, print_commands_match_up_no_datapath, probe_shipped_ns)
{
	char tag[4];
	size_t i;

	for (i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
		pl_subtest("%s", shipped[i]);
		snprintf(tag, sizeof(tag), "n%zu", i);
		print_matches_up(shipped[i], tag, false, NULL);
	}
}

static const char user_progs_yaml[] = "name: user-progs\n"
				      "routing: native\n"
				      "nodes:\n"
				      "  - name: node1\n"
				      "    ip: 192.168.60.1/24\n"
				      "    podCIDR: 10.60.1.0/24\n"
				      "    pods:\n"
				      "      - name: a\n"
				      "        ip: 10.60.1.10\n"
				      "  - name: node2\n"
				      "    ip: 192.168.60.2/24\n"
				      "    podCIDR: 10.60.2.0/24\n"
				      "    pods:\n"
				      "      - name: b\n"
				      "        ip: 10.60.2.10\n"
				      "underlay:\n"
				      "  type: p2p\n"
				      "prefilter: [198.51.100.0/24, 203.0.113.7]\n"
				      "programs:\n"
				      "  - object: %s\n"
				      "    program: tc_pass\n"
				      "    node: node1\n"
				      "    device: a\n"
				      "    hook: tc-egress\n"
				      "  - object: %s\n"
				      "    program: xdp_pass\n"
				      "    node: node2\n"
				      "    device: uplink\n"
				      "    hook: xdp\n"
				      "    replace: true\n";

static const char *probe_user_progs(void)
{
	const char *why = fixture_probe_netns_root();

	if (why)
		return why;
	return access("build/bpf/trivial.bpf.o", R_OK) ? "build/bpf/trivial.bpf.o not found (run "
							 "from the repository root)"
						       : NULL;
}

/* The topology's prefilter entry for a /32 of ip is in node's pinned map with its rule id. */
static void assert_prefilter_rule(const char *run, const char *node, const char *ip, uint32_t want)
{
	struct pl_prefilter_key k = {.prefixlen = 32, .ip = inet_addr(ip)};
	char path[192];
	uint32_t rule = 0;
	int fd;

	snprintf(path, sizeof(path), "/sys/fs/bpf/podlab/%s/%s/prefilter", run, node);
	fd = bpf_obj_get(path);
	if (!ASSERT_TRUE(fd >= 0, "pinned prefilter map"))
		return;
	ASSERT_OK(bpf_map_lookup_elem(fd, &k, &rule), "prefilter entry from the topology");
	ASSERT_EQ(rule, want, "its rule id");
	close(fd);
}

/* `programs:` beside podlab's (tc-egress of a pod veth) and instead of it (XDP). */
PL_TEST_PROBE(integration, user_programs_attach, probe_user_progs)
{
	char file[64], obj[PATH_MAX], *d1 = NULL, *d2 = NULL;
	FILE *f;

	snprintf(file, sizeof(file), "/tmp/podlab-user-progs-%d.yaml", (int)getpid());
	f = fopen(file, "w");
	if (!ASSERT_OK_PTR(f, "topology file"))
		return;
	if (!ASSERT_OK_PTR(realpath("build/bpf/trivial.bpf.o", obj), "object path")) {
		fclose(f);
		return;
	}
	fprintf(f, user_progs_yaml, obj, obj);
	fclose(f);
	pl_subtest("up");
	{
		struct pl_up_opts uo = {.datapath = true, .keep_owner = true, .topology = file};
		char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX];
		struct topo *t = NULL;

		fixture_run_id(run, "p");
		uo.run = run;
		if (ASSERT_OK(pl_topo_parse(file, &t), "parse") &&
		    ASSERT_OK(pl_run_up(t, &uo, got), "up")) {
			d1 = fixture_dump_ns(run, "node1", PL_DUMP_ALL);
			d2 = fixture_dump_ns(run, "node2", PL_DUMP_ALL);
			ASSERT_STRSTR(d1, "filter lxca tc-egress prio 5 bpf tc_pass", "beside");
			ASSERT_STRSTR(d1, "filter lxca tc-ingress prio 10 bpf from_pod",
				      "podlab's");
			/* The topology's prefilter rules attach it where no program replaces it. */
			ASSERT_STRSTR(d1, "xdp xdp_prefilter", "node1 keeps xdp_prefilter");
			ASSERT_STRSTR(d2, "xdp xdp_pass", "node2's XDP replaced");
			ASSERT_TRUE(strstr(d2, "xdp_prefilter") == NULL,
				    "no xdp_prefilter on node2");
			assert_prefilter_rule(run, "node2", "203.0.113.7", 2);
			ASSERT_OK(pl_run_down(run), "down");
		}
		fixture_assert_gone(run);
		fixture_delete_netns(run);
		pl_topo_free(t);
	}
	pl_subtest("--print-commands");
	print_matches_up(file, "p", true, NULL);
	unlink(file);
	free(d1);
	free(d2);
}

static const char *probe_cli(void)
{
	const char *why = probe_shipped();

	if (why)
		return why;
	return access("build/podlab", X_OK) ? "build/podlab not built" : NULL;
}

static int podlab(const char *args)
{
	char cmd[512];
	int st;

	snprintf(cmd, sizeof(cmd), "build/podlab %s > /dev/null 2>&1", args);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The CLI's exit codes: netem refused before anything exists, then the run's life cycle. */
PL_TEST_PROBE(integration, cli_up_exec_status_down, probe_cli)
{
	char run[PL_RUN_ID_MAX], args[256];
	const char *netem = pl_probe_qdisc_kind(TOPO_QDISC_NETEM);

	fixture_run_id(run, "c");
	snprintf(args, sizeof(args), "up --run %s topologies/seed-netem.yaml", run);
	if (netem) {
		ASSERT_EQ(podlab(args), 3, "up without netem: exit 3");
		ASSERT_EQ(fixture_count_netns(run), 0, "nothing created");
		ASSERT_FALSE(fixture_state_exists(run), "no state file");
		snprintf(args, sizeof(args),
			 "up --allow-missing --run %s topologies/seed-netem.yaml", run);
	}
	if (!ASSERT_EQ(podlab(args), 0, "up"))
		goto out;
	ASSERT_TRUE(fixture_state_exists(run), "state file");
	snprintf(args, sizeof(args), "status %s", run);
	ASSERT_EQ(podlab(args), 0, "status RUN");
	snprintf(args, sizeof(args), "exec %s node1 -- ip -o link show vxlan0", run);
	ASSERT_NEQ(podlab(args), 0, "no vxlan0 in a native node");
	snprintf(args, sizeof(args), "exec %s node1 -- ip -o link show eth0", run);
	ASSERT_EQ(podlab(args), 0, "exec in node1");
	snprintf(args, sizeof(args), "exec %s nosuchpod -- true", run);
	ASSERT_EQ(podlab(args), 2, "exec in an unknown namespace");
	snprintf(args, sizeof(args), "up --run %s topologies/seed-tc.yaml", run);
	ASSERT_EQ(podlab(args), 2, "run id in use");
	snprintf(args, sizeof(args), "down %s", run);
	ASSERT_EQ(podlab(args), 0, "down");
	ASSERT_EQ(podlab(args), 2, "down again: no such run");
	ASSERT_EQ(podlab("up --run BAD topologies/seed-tc.yaml"), 2, "bad run id");
	ASSERT_EQ(podlab("down"), 2, "down without RUN");
out:
	if (fixture_state_exists(run))
		pl_run_down(run);
	fixture_assert_gone(run);
}

/*
 * A run built without prefilter rules has no XDP; `podlab test --run` of a live scenario puts
 * xdp_prefilter on the uplinks for the session (the replay's uplink model) and takes it off.
 */
PL_TEST_PROBE(integration, test_reused_run_gets_xdp_for_the_session, probe_shipped)
{
	char run[PL_RUN_ID_MAX], args[256], *d = NULL;

	fixture_run_id(run, "x");
	snprintf(args, sizeof(args), "up --run %s topologies/two-node-native.yaml", run);
	if (!ASSERT_EQ(podlab(args), 0, "up"))
		goto out;
	d = fixture_dump_ns(run, "node2", PL_DUMP_ALL);
	ASSERT_TRUE(d && strstr(d, "xdp ") == NULL, "no XDP without prefilter rules");
	free(d);
	snprintf(args, sizeof(args),
		 "test --run %s tests/scenarios/live-native.yaml tests/scenarios/prefilter.yaml",
		 run);
	ASSERT_EQ(podlab(args), 0, "live and prefilter scenarios pass on the reused run");
	d = fixture_dump_ns(run, "node2", PL_DUMP_ALL);
	ASSERT_TRUE(d && strstr(d, "xdp ") == NULL, "the session's XDP is gone after it");
	free(d);
	snprintf(args, sizeof(args), "down %s", run);
	ASSERT_EQ(podlab(args), 0, "down");
out:
	if (fixture_state_exists(run))
		pl_run_down(run);
	fixture_assert_gone(run);
}
