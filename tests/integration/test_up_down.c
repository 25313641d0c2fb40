// SPDX-License-Identifier: GPL-2.0
/*
 * Builder: topologies become namespaces, devices, addresses, routes and
 * qdiscs through netlink; down removes all of it; a failed up leaves nothing;
 * the --print-commands script builds the same thing.
 */
#include <errno.h>
#include <signal.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "net/dump.h"
#include "net/netns.h"
#include "plan/plan.h"
#include "net/run.h"
#include "net_fixture.h"
#include "test.h"
#include "topo/topo.h"

static const char *probe_netem(void)
{
	const char *why = pl_probe_netns();

	return why ? why : pl_probe_qdisc_kind(TOPO_QDISC_NETEM);
}

static const char *probe_netem_missing(void)
{
	const char *why = pl_probe_netns();

	if (why)
		return why;
	return pl_probe_qdisc_kind(TOPO_QDISC_NETEM) ? NULL : "the kernel has sch_netem";
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
	 {{"n1", "link 32 eth0 veth mtu 1500 02:70:6c:02:00:00 up"},
	  {"n1", "addr eth0 192.168.100.1/24"},
	  {"n1", "route 10.2.0.0/24 via 192.168.100.2 dev eth0 scope 0 proto 3"},
	  {"n1", "route 10.1.0.10/32 dev lxcn1p1 scope 253 proto 3"},
	  {"n1", "link 48 lxcn1p1 veth mtu 1500 02:70:6c:01:00:00 up"},
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
	 {{"seg", "link 32 br0 bridge mtu 1500"},
	  {"seg", "link 48 s-n1 veth mtu 1500 02:70:6c:04:00:00 up master 32"},
	  /* Without the datapath: the kernel-only twin, a classic vxlan0 as Flannel's;
	   * node devices are in one block per node: n2's vxlan0 is 33 + 32. */
	  {"n2",
	   "link 65 vxlan0 vxlan mtu 1450 02:70:6c:03:00:01 up vxlan id 1 local 192.168.100.2"},
	  {"n1", "fdb 192.168.100.3 02:70:6c:03:00:02 dev vxlan0"},
	  {"n1", "route 10.2.0.0/24 via 10.2.0.0 dev vxlan0 scope 0 proto 3 onlink"},
	  {"n1", "class eth0 htb 1:a parent 1:1"},
	  {"n1", "class eth0 htb 1:14 parent 1:1"},
	  {"n1", "filter eth0 classifier prio 1 u32"},
	  {"n2", "route 203.0.113.10/32 dev eth0 scope 253 proto 3"},
	  {"world", "addr eth0 203.0.113.10/32"},
	  {"world", "route 0.0.0.0/0 via 192.168.100.1 dev eth0 scope 0 proto 3"},
	  {"n3p1", "link 32 eth0 veth mtu 1450 02:70:6c:00:00:02 up"}}},
	{"legacy p2p, pfifo",
	 {.routing = PL_ROUTING_LEGACY, .nnodes = 2, .pods_per_node = 1, .qdisc = TOPO_QDISC_PFIFO},
	 {{"n1", "addr vxlan0 192.168.100.1/32"},
	  {"n1", "route 10.2.0.0/24 via 192.168.100.2 dev vxlan0 scope 0 proto 3 onlink"},
	  {"n1", "neigh 192.168.100.2 02:70:6c:03:00:01 dev vxlan0"},
	  {"n1", "fdb 192.168.100.2 02:70:6c:03:00:01 dev vxlan0"},
	  {"n1", "qdisc eth0 pfifo 1:0 parent ffff:ffff"}}},
};

PL_TEST_PROBE(integration, up_builds_and_down_removes, pl_probe_netns)
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
		fixture_run_id(run, tag);
		uo.run = run;
		err = pl_run_up(t, &uo, got);
		if (!ASSERT_OK(err, "up"))
			goto next;
		ASSERT_STREQ(got, run, "run id");
		ASSERT_TRUE(fixture_state_exists(run), "state file");
		ASSERT_EQ(fixture_count_netns(run),
			  t->nnodes + t->npods + uc->o.segment + uc->o.world, "namespaces");
		for (i = 0; i < 12 && uc->want[i].ns; i++) {
			char *d = fixture_dump_ns(run, uc->want[i].ns, PL_DUMP_ALL);

			ASSERT_STRSTR(d, uc->want[i].line, uc->want[i].ns);
			free(d);
		}
		ASSERT_OK(pl_run_down(run), "down");
	next:
		fixture_assert_gone(run);
		fixture_delete_netns(run);
		fixture_topo_free(t);
	}
}

/* The kernel rejects an htb class of rate 0 after namespaces and veths exist. */
PL_TEST_PROBE(integration, failed_up_leaves_nothing, pl_probe_netns)
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
	fixture_run_id(run, "f");
	uo.run = run;
	ASSERT_ERR(pl_run_up(t, &uo, got), "up with a rejected htb class fails");
	fixture_assert_gone(run);
	fixture_delete_netns(run);
	fixture_topo_free(t);
}

PL_TEST_PROBE(integration, two_runs_of_one_topology, pl_probe_netns)
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
		fixture_assert_gone(a);
	if (b[0])
		fixture_assert_gone(b);
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

	fixture_run_id(run, "m");
	uo.run = run;
	ASSERT_EQ(pl_run_up(t, &uo, got), -EOPNOTSUPP, "up refuses");
	ASSERT_FALSE(fixture_state_exists(run), "no state file");
	ASSERT_EQ(fixture_count_netns(run), 0, "no namespace");
	uo.allow_missing = true;
	if (!ASSERT_OK(pl_run_up(t, &uo, got), "up --allow-missing"))
		goto out;
	d = fixture_dump_ns(run, "n1", PL_DUMP_QDISCS);
	ASSERT_TRUE(strstr(d, "netem") == NULL, "built without netem");
	free(d);
	ASSERT_OK(pl_run_down(run), "down");
out:
	fixture_assert_gone(run);
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

	fixture_run_id(run, "n");
	uo.run = run;
	if (!ASSERT_OK(pl_run_up(t, &uo, got), "up"))
		goto out;
	d = fixture_dump_ns(run, "n1", PL_DUMP_QDISCS);
	ASSERT_STRSTR(d, "qdisc eth0 netem", "netem on the uplink");
	free(d);
	ASSERT_OK(pl_run_down(run), "down");
out:
	fixture_assert_gone(run);
	fixture_delete_netns(run);
	fixture_topo_free(t);
}

/* A run whose owner died mid-way is stale; a released run is not. */
PL_TEST_PROBE(integration, stale_runs_are_detected, pl_probe_netns)
{
	struct fixture_opts o = {.routing = PL_ROUTING_NATIVE, .nnodes = 2, .pods_per_node = 1};
	struct topo *t = fixture_topo(&o);
	struct pl_run_state st;
	char run[PL_RUN_ID_MAX], rel[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX];
	int status = -1;
	pid_t pid;

	fixture_run_id(run, "s");
	fixture_run_id(rel, "r");
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
	fixture_assert_gone(run);
	fixture_assert_gone(rel);
	fixture_topo_free(t);
}

/* SIGKILL in the middle of a build: the record written before each object makes it reapable. */
PL_TEST_PROBE(integration, killed_up_is_reaped, pl_probe_netns)
{
	struct fixture_opts o = {
		.routing = PL_ROUTING_VXLAN, .nnodes = 50, .pods_per_node = 4, .segment = true};
	struct topo *t = fixture_topo(&o);
	struct pl_run_state st;
	char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX];
	pid_t pid;
	int i;

	fixture_run_id(run, "k");
	pid = fork();
	if (pid == 0) {
		struct pl_up_opts uo = {.run = run, .keep_owner = true};

		_exit(pl_run_up(t, &uo, got) ? 1 : 0);
	}
	/* Kill once the build is under way (50 nodes take several hundred ms natively). */
	for (i = 0; i < 3000 && fixture_count_netns(run) < 2; i++)
		usleep(10 * 1000);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (!ASSERT_OK(pl_run_state_read(run, &st), "state file survives the kill"))
		goto out;
	ASSERT_FALSE(st.done, "killed mid-build");
	ASSERT_GT(st.nnetns, 0, "some namespaces recorded");
	ASSERT_GE(st.nnetns, fixture_count_netns(run), "every namespace that exists is recorded");
	ASSERT_TRUE(pl_run_is_stale(&st), "stale: owner gone");
	pl_run_state_free(&st);
	ASSERT_OK(pl_run_down(run), "down reaps it");
out:
	fixture_assert_gone(run);
	fixture_delete_netns(run);
	fixture_topo_free(t);
}

/* A kernel with tunnel modules puts tunl0, gre0, ... into every new namespace. */
static const char *probe_fallback_devices(void)
{
	const char *why = fixture_probe_netns_root();
	static char devs[300];

	if (why)
		return why;
	if (pl_probe_netns_devices(devs, sizeof(devs)))
		return "cannot list a new namespace's devices";
	if (!strcmp(devs, "lo"))
		return "a new namespace holds only lo here (no ipip, gre or sit module loaded)";
	return NULL;
}

/* The fallback devices take ifindex 2 up; the plan's fixed indexes start above them. */
PL_TEST_PROBE(integration, up_beside_fallback_tunnels, probe_fallback_devices)
{
	struct fixture_opts o = {.routing = PL_ROUTING_VXLAN, .nnodes = 2, .pods_per_node = 1};
	struct topo *t = fixture_topo(&o);
	struct pl_up_opts uo = {.keep_owner = true};
	char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX], devs[300];
	char *d;

	pl_probe_netns_devices(devs, sizeof(devs));
	fixture_run_id(run, "f");
	uo.run = run;
	if (!ASSERT_OK(pl_run_up(t, &uo, got), "up"))
		goto out;
	d = fixture_dump_ns(run, "n1", PL_DUMP_ALL);
	ASSERT_STRSTR(d, "link 2 ", "a fallback device at ifindex 2");
	ASSERT_STRSTR(d, "link 32 eth0 veth", "uplink at its planned ifindex");
	ASSERT_STRSTR(d, "link 33 vxlan0 vxlan", "vxlan at its planned ifindex");
	free(d);
	d = fixture_dump_ns(run, "n1p1", PL_DUMP_ALL);
	ASSERT_STRSTR(d, "link 32 eth0 veth", "pod eth0 beside the fallback devices");
	free(d);
	ASSERT_OK(pl_run_down(run), "down");
out:
	if (pl_verbose())
		fprintf(stderr, "  a new namespace holds: %s\n", devs);
	fixture_assert_gone(run);
	fixture_delete_netns(run);
	fixture_topo_free(t);
}
