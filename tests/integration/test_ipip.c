// SPDX-License-Identifier: GPL-2.0
/*
 * routing ipip end to end: up the shipped ipip topologies with the real
 * datapath, `podlab check` them (IP-in-IP on the wire, pod IPs seen, MTU
 * 1480), and natOutgoing: a pod's packet to the world host arrives from its
 * node's IP, while pod to pod keeps the pod's IP. Nothing may remain.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "net/dump.h"
#include "net/run.h"
#include "net_fixture.h"
#include "plan/plan.h"
#include "probe/check.h"
#include "probe/probe.h"
#include "topo/topo.h"

static bool up(const char *file, struct topo **t, char *run)
{
	struct pl_up_opts o = {.topology = file, .datapath = true, .keep_owner = true};

	run[0] = 0;
	if (!ASSERT_OK(pl_topo_parse(file, t), "parse"))
		return false;
	if (!ASSERT_OK(pl_run_up(*t, &o, run), "up")) {
		pl_topo_free(*t);
		return false;
	}
	return true;
}

static void down(struct topo *t, const char *run)
{
	char path[256];

	ASSERT_OK(pl_run_down(run), "down");
	snprintf(path, sizeof(path), "/sys/fs/bpf/podlab/%s", run);
	ASSERT_NEQ(access(path, F_OK), 0, "pins removed");
	pl_topo_free(t);
}

static void check(const char *file, int want_ipip_rows, int want_plain_rows)
{
	struct pl_check_opts opts = {};
	struct pl_check_report *r = NULL;
	char run[PL_RUN_ID_MAX];
	int i, ipip = 0, plain = 0, cross = 0, pod_ip = 0;
	struct topo *t;

	if (!up(file, &t, run))
		return;
	opts.run = run;
	opts.topo = t;
	if (ASSERT_OK(pl_check_run(&opts, &r), "check")) {
		if (!r->ok || pl_verbose())
			pl_check_print(r, stderr);
		ASSERT_TRUE(r->ok, "every section matches");
		for (i = 0; i < r->nunderlay; i++) {
			ipip += r->underlay[i].vxlan_pod_pkts > 0;
			plain += r->underlay[i].plain_pod_pkts > 0;
		}
		ASSERT_EQ(ipip, want_ipip_rows, "uplinks carrying IP-in-IP with pod IPs inside");
		ASSERT_EQ(plain, want_plain_rows, "uplinks carrying bare pod IPs");
		for (i = 0; i < r->nmtu; i++)
			if (r->mtu[i].got)
				ASSERT_EQ(r->mtu[i].got, 1452, "largest DF payload: 1480 - 28");
		for (i = 0; i < r->nprobes; i++) {
			const struct pl_check_probe *p = &r->probes[i];

			if (!p->delivered || t->pods[p->src].node == t->pods[p->dst].node)
				continue;
			cross++;
			pod_ip += p->res.sighting.peer_ip == t->pods[p->src].ip;
		}
		ASSERT_GT(cross, 0, "cross-node probes delivered");
		ASSERT_EQ(pod_ip, cross, "the destination sees the source pod's IP");
		r->topo = NULL;
		pl_check_report_free(r);
	}
	down(t, run);
}

PL_TEST_PROBE(integration, check_two_node_ipip, pl_probe_bpf_netns)
{
	check("topologies/two-node-ipip.yaml", 2, 0);
}

/* node1 and node2 share a subnet (bare between them), node3 is across (IP-in-IP). */
PL_TEST_PROBE(integration, check_three_node_ipip_cross_subnet, pl_probe_bpf_netns)
{
	check("topologies/three-node-ipip-crosssubnet.yaml", 3, 2);
}

/* One UDP probe from pod (by name) to ip, seen by srv: the source address it saw. */
static uint32_t seen_from(const struct topo *t, const char *run, const char *pod, uint32_t ip,
			  struct pl_probe_server *srv)
{
	struct pl_probe_req q = {.proto = IPPROTO_UDP, .dst_ip = ip, .dport = 53, .server = srv};
	struct pl_probe_result res;
	char ns[PL_NETNS_NAME_MAX];

	(void)t;
	pl_netns_name(run, pod, ns, sizeof(ns));
	q.src_netns = ns;
	if (!ASSERT_OK(pl_probe(&q, &res), "probe") ||
	    !ASSERT_EQ(res.status, PL_PROBE_DELIVERED, "delivered"))
		return 0;
	return res.seen ? res.sighting.peer_ip : 0;
}

PL_TEST_PROBE(integration, ipip_nat_outgoing_to_world_only, pl_probe_bpf_netns)
{
	static const uint16_t udp[] = {53};
	struct pl_probe_server *world = NULL, *client = NULL;
	char run[PL_RUN_ID_MAX], ns[PL_NETNS_NAME_MAX];
	struct topo *t;

	if (!up("topologies/two-node-ipip.yaml", &t, run))
		return;
	ASSERT_TRUE(t->nat_outgoing && t->world.present, "natOutgoing, a world host");
	pl_netns_name(run, t->world.name, ns, sizeof(ns));
	if (!ASSERT_OK(pl_probe_server_start(ns, NULL, 0, udp, 1, false, &world), "world server"))
		goto out;
	pl_netns_name(run, "client", ns, sizeof(ns));
	if (!ASSERT_OK(pl_probe_server_start(ns, NULL, 0, udp, 1, false, &client), "client server"))
		goto out;
	/* client on node1 (gateway: world0), db on node2 (via node1's uplink). */
	ASSERT_EQ(seen_from(t, run, "client", t->world.ip, world), inet_addr("192.168.50.1"),
		  "world sees client's packet from node1's IP");
	ASSERT_EQ(seen_from(t, run, "db", t->world.ip, world), inet_addr("192.168.50.2"),
		  "world sees db's packet from node2's IP");
	ASSERT_EQ(seen_from(t, run, "db", inet_addr("10.244.1.11"), client),
		  inet_addr("10.244.2.30"), "pod to pod across nodes keeps the pod IP (no NAT)");
out:
	if (client)
		pl_probe_server_stop(client);
	if (world)
		pl_probe_server_stop(world);
	down(t, run);
}

/* The kernel-only twin needs the kernel's ipip device (Debian's has it; this may not). */
static const char *probe_ipip_twin(void)
{
	const char *why = pl_probe_netns();

	return why ? why : pl_probe_link_kind("ipip");
}

static const char *probe_no_ipip(void)
{
	const char *why = pl_probe_netns();

	if (why)
		return why;
	return pl_probe_link_kind("ipip") ? NULL
					  : "the kernel has ipip: the twin is tested instead";
}

/* No BPF, the kernel's ipip0: pod IPs seen, IP-in-IP on the wire, every probe delivered. */
PL_TEST_PROBE(integration, twin_ipip_passes_pod_to_pod, probe_ipip_twin)
{
	static const char *const files[] = {"topologies/two-node-ipip.yaml",
					    "topologies/three-node-ipip-crosssubnet.yaml"};
	size_t f;

	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		struct pl_up_opts up = {
			.topology = files[f], .datapath = false, .keep_owner = true};
		struct pl_check_opts opts = {.sections = PL_CHECK_CONNECTIVITY | PL_CHECK_NATFREE |
							 PL_CHECK_UNDERLAY | PL_CHECK_MTU,
					     .no_datapath = true};
		struct pl_check_report *r = NULL;
		char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX];
		struct topo *t = NULL;
		int i, ipip = 0, measured;

		pl_subtest("%s", files[f]);
		fixture_run_id(run, f ? "wj" : "wi");
		up.run = run;
		if (!ASSERT_OK(pl_topo_parse(files[f], &t), "parse"))
			continue;
		if (ASSERT_OK(pl_run_up(t, &up, got), "up --no-datapath")) {
			for (i = 0; i < t->nnodes; i++) {
				char *d = fixture_dump_ns(run, t->nodes[i].name, PL_DUMP_ALL);

				ASSERT_TRUE(d && !strstr(d, " bpf ") && !strstr(d, " xdp "),
					    "no program on the node");
				ASSERT_STRSTR(d, " ipip0 ipip mtu 1480", "the kernel's ipip0");
				free(d);
			}
			opts.run = run;
			opts.topo = t;
			if (ASSERT_OK(pl_check_run(&opts, &r), "check")) {
				if (!r->ok || pl_verbose())
					pl_check_print(r, stderr);
				ASSERT_TRUE(r->ok, "connectivity, natfree, underlay and mtu match");
				for (i = 0; i < r->nunderlay; i++)
					ipip += r->underlay[i].vxlan_pod_pkts > 0;
				ASSERT_GT(ipip, 0, "IP-in-IP on the wire");
				/* A row check skipped (no pod pair for it) measured nothing. */
				for (i = 0, measured = 0; i < r->nmtu; i++) {
					if (r->mtu[i].skipped)
						continue;
					measured++;
					ASSERT_EQ(r->mtu[i].got, 1452, "largest DF payload");
				}
				ASSERT_GT(measured, 0, "an MTU row measured");
				r->topo = NULL;
				pl_check_report_free(r);
			}
			ASSERT_OK(pl_run_down(run), "down");
		}
		fixture_assert_gone(run);
		fixture_delete_netns(run);
		pl_topo_free(t);
	}
}

/* Without the kernel's ipip: up --no-datapath fails, says why, and leaves nothing. */
PL_TEST_PROBE(integration, twin_ipip_without_kernel_ipip_fails_cleanly, probe_no_ipip)
{
	struct pl_up_opts up = {
		.topology = "topologies/two-node-ipip.yaml", .datapath = false, .keep_owner = true};
	char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX];
	struct topo *t = NULL;

	fixture_run_id(run, "wk");
	up.run = run;
	if (!ASSERT_OK(pl_topo_parse(up.topology, &t), "parse"))
		return;
	ASSERT_EQ(pl_run_up(t, &up, got), -EOPNOTSUPP, "up --no-datapath: no ipip device type");
	fixture_assert_gone(run);
	fixture_delete_netns(run);
	pl_topo_free(t);
}
