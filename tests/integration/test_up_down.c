// SPDX-License-Identifier: GPL-2.0
/*
 * Builder: topologies become namespaces, devices, addresses, routes and
 * qdiscs through netlink; down removes all of it; a failed up leaves nothing;
 * the --print-commands script builds the same thing.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "net/dump.h"
#include "net/netns.h"
#include "net/plan.h"
#include "net/run.h"
#include "net_fixture.h"
#include "test.h"
#include "topo/topo.h"

static const char *probe_netns_root(void)
{
	const char *why = pl_probe_netns();

	return why ? why : pl_probe_root();
}

static const char *probe_netem(void)
{
	const char *why = probe_netns_root();

	return why ? why : pl_probe_qdisc_kind(TOPO_QDISC_NETEM);
}

static const char *probe_netem_missing(void)
{
	const char *why = probe_netns_root();

	if (why)
		return why;
	return pl_probe_qdisc_kind(TOPO_QDISC_NETEM) ? NULL : "the kernel has sch_netem";
}

static void run_id(char *buf, const char *tag)
{
	snprintf(buf, PL_RUN_ID_MAX, "t%d%.4s", (int)getpid() % 100000, tag);
}

static bool state_exists(const char *run)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s.state", PL_STATE_DIR, run);
	return access(path, F_OK) == 0;
}

static bool pins_exist(const char *run)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", PL_BPFFS_ROOT, run);
	return access(path, F_OK) == 0;
}

/* Nothing of run is left: no namespace, no state file, no pins. */
static void assert_gone(const char *run)
{
	ASSERT_EQ(fixture_count_netns(run), 0, "no pl-<run>-* namespace left");
	ASSERT_FALSE(state_exists(run), "no state file left");
	ASSERT_FALSE(pins_exist(run), "no pins left");
}

static char *dump_ns(const char *run, const char *what, unsigned flags)
{
	char name[PL_NETNS_NAME_MAX], *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	pl_netns_name(run, what, name, sizeof(name));
	if (pl_dump_ns(name, flags, f))
		fprintf(f, "DUMP FAILED");
	fclose(f);
	return buf;
}

struct expect {
	const char *ns; /* node or pod name */
	const char *line;
};

struct up_case {
	const char *desc;
	struct fixture_opts o;
	struct expect want[12];
};

static const struct up_case cases[] = {
	{"native p2p, tbf",
	 {.routing = PL_ROUTING_NATIVE, .nnodes = 2, .pods_per_node = 2, .qdisc = TOPO_QDISC_TBF},
	 {{"n1", "link 2 eth0 veth mtu 1500 02:70:6c:02:00:00 up"},
	  {"n1", "addr eth0 192.168.100.1/24"},
	  {"n1", "route 10.2.0.0/24 via 192.168.100.2 dev eth0 scope 0 proto 3"},
	  {"n1", "route 10.1.0.10/32 dev lxcn1p1 scope 253 proto 3"},
	  {"n1", "link 16 lxcn1p1 veth mtu 1500 02:70:6c:01:00:00 up"},
	  {"n1", "qdisc eth0 tbf 1:0 parent ffff:ffff"},
	  {"n2p2", "addr eth0 10.2.0.11/32"},
	  {"n2p2", "route 0.0.0.0/0 via 169.254.1.1 dev eth0 scope 0 proto 3 onlink"},
	  {"n2p2", "neigh 169.254.1.1 02:70:6c:01:00:03 dev eth0"}}},
	{"vxlan segment, world, htb",
	 {.routing = PL_ROUTING_VXLAN,
	  .nnodes = 3,
	  .pods_per_node = 1,
	  .segment = true,
	  .world = true,
	  .qdisc = TOPO_QDISC_HTB},
	 {{"seg", "link 2 br0 bridge mtu 1500"},
	  {"seg", "link 16 s-n1 veth mtu 1500 02:70:6c:04:00:00 up master 2"},
	  {"n2", "link 3 vxlan0 vxlan mtu 1450 02:70:6c:03:00:01 up"},
	  {"n1", "class eth0 htb 1:a parent 1:1"},
	  {"n1", "class eth0 htb 1:14 parent 1:1"},
	  {"n1", "filter eth0 classifier prio 1 u32"},
	  {"n2", "route 203.0.113.10/32 dev eth0 scope 253 proto 3"},
	  {"world", "addr eth0 203.0.113.10/32"},
	  {"world", "route 0.0.0.0/0 via 192.168.100.1 dev eth0 scope 0 proto 3"},
	  {"n3p1", "link 2 eth0 veth mtu 1450 02:70:6c:00:00:02 up"}}},
	{"legacy p2p, pfifo",
	 {.routing = PL_ROUTING_LEGACY, .nnodes = 2, .pods_per_node = 1, .qdisc = TOPO_QDISC_PFIFO},
	 {{"n1", "addr vxlan0 192.168.100.1/32"},
	  {"n1", "route 10.2.0.0/24 via 192.168.100.2 dev vxlan0 scope 0 proto 3 onlink"},
	  {"n1", "neigh 192.168.100.2 02:70:6c:03:00:01 dev vxlan0"},
	  {"n1", "fdb 192.168.100.2 02:70:6c:03:00:01 dev vxlan0"},
	  {"n1", "qdisc eth0 pfifo 1:0 parent ffff:ffff"}}},
};

PL_TEST_PROBE(integration, up_builds_and_down_removes, probe_netns_root)
{
	struct pl_up_opts uo = {.keep_owner = true};
	char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX], tag[4];
	size_t c;
	int i, err;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct up_case *uc = &cases[c];
		struct topo *t = fixture_topo(&uc->o);

		pl_subtest("%s", uc->desc);
		snprintf(tag, sizeof(tag), "u%zu", c);
		run_id(run, tag);
		uo.run = run;
		err = pl_run_up(t, &uo, got);
		if (!ASSERT_OK(err, "up"))
			goto next;
		ASSERT_STREQ(got, run, "run id");
		ASSERT_TRUE(state_exists(run), "state file");
		ASSERT_EQ(fixture_count_netns(run),
			  t->nnodes + t->npods + uc->o.segment + uc->o.world, "namespaces");
		for (i = 0; i < 12 && uc->want[i].ns; i++) {
			char *d = dump_ns(run, uc->want[i].ns, PL_DUMP_ALL);

			ASSERT_STRSTR(d, uc->want[i].line, uc->want[i].ns);
			free(d);
		}
		ASSERT_OK(pl_run_down(run), "down");
	next:
		assert_gone(run);
		fixture_delete_netns(run);
		fixture_topo_free(t);
	}
}

/* The kernel rejects an htb class of rate 0 after namespaces and veths exist. */
PL_TEST_PROBE(integration, failed_up_leaves_nothing, probe_netns_root)
{
	struct fixture_opts o = {.routing = PL_ROUTING_NATIVE,
				 .nnodes = 2,
				 .pods_per_node = 2,
				 .segment = true,
				 .qdisc = TOPO_QDISC_HTB};
	struct topo *t = fixture_topo(&o);
	struct pl_up_opts uo = {.keep_owner = true};
	char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX];

	t->links[0].qdisc.htb.classes[1].rate = 0;
	run_id(run, "f");
	uo.run = run;
	ASSERT_ERR(pl_run_up(t, &uo, got), "up with a rejected htb class fails");
	assert_gone(run);
	fixture_delete_netns(run);
	fixture_topo_free(t);
}

PL_TEST_PROBE(integration, two_runs_of_one_topology, probe_netns_root)
{
	struct fixture_opts o = {.routing = PL_ROUTING_VXLAN,
				 .nnodes = 2,
				 .pods_per_node = 2,
				 .qdisc = TOPO_QDISC_TBF};
	struct topo *t = fixture_topo(&o);
	struct pl_up_opts uo = {.keep_owner = true};
	char a[PL_RUN_ID_MAX], b[PL_RUN_ID_MAX];
	char *da = NULL, *db = NULL, diff[256];
	const char *same;

	a[0] = b[0] = '\0';
	if (!ASSERT_OK(pl_run_up(t, &uo, a), "first up (fresh id)"))
		goto out;
	if (!ASSERT_OK(pl_run_up(t, &uo, b), "second up (fresh id)"))
		goto out;
	ASSERT_TRUE(strcmp(a, b) != 0, "distinct run ids");
	da = fixture_dump_run(a);
	db = fixture_dump_run(b);
	ASSERT_GT(strlen(da), 500, "first run dump");
	same = fixture_first_diff(da, db, diff, sizeof(diff));
	ASSERT_STREQ(same ? same : "", "", "both runs hold the same objects");
	ASSERT_OK(pl_run_down(a), "down first");
	ASSERT_EQ(fixture_count_netns(b), t->nnodes + t->npods, "second run untouched");
	ASSERT_OK(pl_run_down(b), "down second");
out:
	if (a[0])
		assert_gone(a);
	if (b[0])
		assert_gone(b);
	free(da);
	free(db);
	fixture_topo_free(t);
}

PL_TEST_PROBE(integration, netem_missing_stops_before_creating, probe_netem_missing)
{
	struct fixture_opts o = {.routing = PL_ROUTING_NATIVE,
				 .nnodes = 2,
				 .pods_per_node = 1,
				 .qdisc = TOPO_QDISC_NETEM};
	struct topo *t = fixture_topo(&o);
	struct pl_up_opts uo = {.keep_owner = true};
	char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX];
	char *d;

	run_id(run, "m");
	uo.run = run;
	ASSERT_EQ(pl_run_up(t, &uo, got), -EOPNOTSUPP, "up refuses");
	ASSERT_FALSE(state_exists(run), "no state file");
	ASSERT_EQ(fixture_count_netns(run), 0, "no namespace");
	uo.allow_missing = true;
	if (!ASSERT_OK(pl_run_up(t, &uo, got), "up --allow-missing"))
		goto out;
	d = dump_ns(run, "n1", PL_DUMP_QDISCS);
	ASSERT_TRUE(strstr(d, "netem") == NULL, "built without netem");
	free(d);
	ASSERT_OK(pl_run_down(run), "down");
out:
	assert_gone(run);
	fixture_delete_netns(run);
	fixture_topo_free(t);
}

PL_TEST_PROBE(integration, up_netem, probe_netem)
{
	struct fixture_opts o = {.routing = PL_ROUTING_NATIVE,
				 .nnodes = 2,
				 .pods_per_node = 1,
				 .qdisc = TOPO_QDISC_NETEM};
	struct topo *t = fixture_topo(&o);
	struct pl_up_opts uo = {.keep_owner = true};
	char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX];
	char *d;

	run_id(run, "n");
	uo.run = run;
	if (!ASSERT_OK(pl_run_up(t, &uo, got), "up"))
		goto out;
	d = dump_ns(run, "n1", PL_DUMP_QDISCS);
	ASSERT_STRSTR(d, "qdisc eth0 netem", "netem on the uplink");
	free(d);
	ASSERT_OK(pl_run_down(run), "down");
out:
	assert_gone(run);
	fixture_delete_netns(run);
	fixture_topo_free(t);
}

/* A run whose owner died mid-way is stale; a released run is not. */
PL_TEST_PROBE(integration, stale_runs_are_detected, probe_netns_root)
{
	struct fixture_opts o = {.routing = PL_ROUTING_NATIVE, .nnodes = 2, .pods_per_node = 1};
	struct topo *t = fixture_topo(&o);
	struct pl_run_state st;
	char run[PL_RUN_ID_MAX], rel[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX];
	int status = -1;
	pid_t pid;

	run_id(run, "s");
	run_id(rel, "r");
	pid = fork();
	if (pid == 0) {
		struct pl_up_opts uo = {.run = run, .keep_owner = true};

		_exit(pl_run_up(t, &uo, got) ? 1 : 0);
	}
	waitpid(pid, &status, 0);
	if (!ASSERT_EQ(status, 0, "child up"))
		goto out;
	if (!ASSERT_OK(pl_run_state_read(run, &st), "read state"))
		goto out;
	ASSERT_EQ(st.owner, pid, "owner recorded");
	ASSERT_TRUE(st.done, "done recorded");
	ASSERT_EQ(st.nnetns, 4, "4 namespaces recorded");
	ASSERT_TRUE(pl_run_is_stale(&st), "owner gone: stale");
	pl_run_state_free(&st);
	{
		struct pl_up_opts uo = {.run = rel};

		if (ASSERT_OK(pl_run_up(t, &uo, got), "released up")) {
			ASSERT_OK(pl_run_state_read(rel, &st), "read released");
			ASSERT_EQ(st.owner, 0, "released");
			ASSERT_FALSE(pl_run_is_stale(&st), "released run is not stale");
			pl_run_state_free(&st);
		}
	}
out:
	pl_run_down(run);
	pl_run_down(rel);
	assert_gone(run);
	assert_gone(rel);
	fixture_topo_free(t);
}

static const char *probe_shipped(void)
{
	const char *why = probe_netns_root();

	if (why)
		return why;
	return access("topologies/two-node-native.yaml", R_OK) ? "run from the repository root "
								 "(topologies/ not found)"
							       : NULL;
}

static const char *probe_shipped_netem(void)
{
	const char *why = probe_shipped();

	return why ? why : pl_probe_qdisc_kind(TOPO_QDISC_NETEM);
}

static const char *const shipped[] = {
	"topologies/two-node-native.yaml", "topologies/two-node-vxlan.yaml",
	"topologies/two-node-legacy.yaml", "topologies/three-node-segment.yaml",
	"topologies/seed-tc.yaml",
};

/* Builds file with the datapath, checks what a node and a pod hold, removes it. */
static void up_down_file(const char *file, const char *tag)
{
	struct pl_up_opts uo = {.datapath = true, .keep_owner = true, .topology = file};
	char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX], *d = NULL, *pins = NULL;
	struct topo *t = NULL;
	int i, want;

	run_id(run, tag);
	uo.run = run;
	if (!ASSERT_OK(topo_parse(file, &t), "parse"))
		return;
	if (!ASSERT_OK(pl_run_up(t, &uo, got), "up"))
		goto out;
	want = t->nnodes + t->npods + (t->underlay == TOPO_UNDERLAY_SEGMENT) + t->world.present;
	ASSERT_EQ(fixture_count_netns(run), want, "namespaces");
	d = dump_ns(run, t->nodes[0].name, PL_DUMP_ALL);
	ASSERT_STRSTR(d, "xdp xdp_prefilter", "xdp on the uplink");
	ASSERT_STRSTR(d, "filter eth0 tc-ingress prio 10 bpf from_network", "from_network");
	ASSERT_STRSTR(d, "tc-ingress prio 10 bpf from_pod", "from_pod");
	if (t->routing != PL_ROUTING_NATIVE)
		ASSERT_STRSTR(d, "filter vxlan0 tc-ingress prio 10 bpf from_overlay",
			      "from_overlay");
	for (i = 0; i < t->nlinks; i++)
		if (t->links[i].node == 0 && t->links[i].qdisc.kind != TOPO_QDISC_NONE) {
			char q[64];

			snprintf(q, sizeof(q), "qdisc eth0 %s 1:0",
				 t->links[i].qdisc.kind == TOPO_QDISC_TBF   ? "tbf"
				 : t->links[i].qdisc.kind == TOPO_QDISC_HTB ? "htb"
									    : "pfifo");
			ASSERT_STRSTR(d, q, "qdisc on node 0's uplink");
		}
	pins = fixture_dump_pins(run);
	for (i = 0; i < t->npods; i++) {
		char key[64];
		uint8_t *ip = (uint8_t *)&t->pods[i].ip;

		snprintf(key, sizeof(key), "ipcache 20000000%02x%02x%02x%02x", ip[0], ip[1], ip[2],
			 ip[3]);
		ASSERT_STRSTR(pins, key, t->pods[i].name);
	}
	ASSERT_OK(pl_run_down(run), "down");
out:
	assert_gone(run);
	fixture_delete_netns(run);
	free(d);
	free(pins);
	topo_free(t);
}

PL_TEST_PROBE(integration, shipped_topologies_up_down, probe_shipped)
{
	char tag[4];
	size_t i;

	for (i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
		pl_subtest("%s", shipped[i]);
		snprintf(tag, sizeof(tag), "h%zu", i);
		up_down_file(shipped[i], tag);
	}
}

PL_TEST_PROBE(integration, shipped_seed_netem, probe_shipped_netem)
{
	up_down_file("topologies/seed-netem.yaml", "hn");
}

/* Runs the --print-commands script for run s, builds the same file as run u, compares. */
static void print_matches_up(const char *file, const char *tag)
{
	struct pl_up_opts uo = {.datapath = true, .keep_owner = true, .topology = file};
	struct pl_plan_opts po = {.datapath = true};
	char s[PL_RUN_ID_MAX], u[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX], t2[8], script[64], cmd[192],
		diff[512];
	char *ds = NULL, *du = NULL, *ps = NULL, *pu = NULL;
	struct pl_plan *plan = NULL;
	struct topo *t = NULL;
	const char *why;
	FILE *f;

	snprintf(t2, sizeof(t2), "s%s", tag);
	run_id(s, t2);
	snprintf(t2, sizeof(t2), "u%s", tag);
	run_id(u, t2);
	uo.run = u;
	snprintf(script, sizeof(script), "/tmp/podlab-%s.sh", s);
	if (!ASSERT_OK(topo_parse(file, &t), "parse"))
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
	ASSERT_STRSTR(ps, "rodata of from_pod", "script's program has knobs");
	why = fixture_first_diff(ps, pu, diff, sizeof(diff));
	ASSERT_STREQ(why ? why : "", "", "map elements and rodata knobs");
	ASSERT_OK(pl_run_down(u), "down");
	unlink(script);
	snprintf(cmd, sizeof(cmd), "%s.log", script);
	unlink(cmd);
out:
	fixture_delete_netns(s);
	fixture_remove_pins(s);
	if (state_exists(u))
		pl_run_down(u);
	assert_gone(u);
	ASSERT_EQ(fixture_count_netns(s), 0, "script's namespaces removed");
	free(ds);
	free(du);
	free(ps);
	free(pu);
	pl_plan_free(plan);
	topo_free(t);
}

PL_TEST_PROBE(integration, print_commands_match_up, probe_shipped)
{
	char tag[4];
	size_t i;

	for (i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
		pl_subtest("%s", shipped[i]);
		snprintf(tag, sizeof(tag), "%zu", i);
		print_matches_up(shipped[i], tag);
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
	const char *why = probe_netns_root();

	if (why)
		return why;
	return access("build/bpf/trivial.bpf.o", R_OK) ? "build/bpf/trivial.bpf.o not found (run "
							 "from the repository root)"
						       : NULL;
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

		run_id(run, "p");
		uo.run = run;
		if (ASSERT_OK(topo_parse(file, &t), "parse") &&
		    ASSERT_OK(pl_run_up(t, &uo, got), "up")) {
			d1 = dump_ns(run, "node1", PL_DUMP_ALL);
			d2 = dump_ns(run, "node2", PL_DUMP_ALL);
			ASSERT_STRSTR(d1, "filter lxca tc-egress prio 5 bpf tc_pass", "beside");
			ASSERT_STRSTR(d1, "filter lxca tc-ingress prio 10 bpf from_pod",
				      "podlab's");
			ASSERT_STRSTR(d1, "xdp xdp_prefilter", "node1 keeps xdp_prefilter");
			ASSERT_STRSTR(d2, "xdp xdp_pass", "node2's XDP replaced");
			ASSERT_TRUE(strstr(d2, "xdp_prefilter") == NULL,
				    "no xdp_prefilter on node2");
			ASSERT_OK(pl_run_down(run), "down");
		}
		assert_gone(run);
		fixture_delete_netns(run);
		topo_free(t);
	}
	pl_subtest("--print-commands");
	print_matches_up(file, "p");
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

	run_id(run, "c");
	snprintf(args, sizeof(args), "up --run %s topologies/seed-netem.yaml", run);
	if (netem) {
		ASSERT_EQ(podlab(args), 3, "up without netem: exit 3");
		ASSERT_EQ(fixture_count_netns(run), 0, "nothing created");
		ASSERT_FALSE(state_exists(run), "no state file");
		snprintf(args, sizeof(args),
			 "up --allow-missing --run %s topologies/seed-netem.yaml", run);
	}
	if (!ASSERT_EQ(podlab(args), 0, "up"))
		goto out;
	ASSERT_TRUE(state_exists(run), "state file");
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
	if (state_exists(run))
		pl_run_down(run);
	assert_gone(run);
}
