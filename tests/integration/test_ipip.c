// SPDX-License-Identifier: GPL-2.0
/*
 * routing ipip end to end: up the shipped ipip topologies with the real
 * datapath, `podlab check` them (IP-in-IP on the wire, pod IPs seen, MTU
 * 1480), and natOutgoing: a pod's packet to the world host arrives from its
 * node's IP, while pod to pod keeps the pod's IP. Nothing may remain.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
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
