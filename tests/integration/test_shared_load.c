// SPDX-License-Identifier: GPL-2.0
/*
 * One loaded datapath per run: two nodes run the same program (one prog id)
 * yet decide with their own maps. A packet from node 1's pod is forwarded
 * by node 1's from_pod and dropped as INVALID_SIP by node 2's (its endpoints
 * map does not hold that pod), counted in node 2's counters only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/pkt_cls.h>

#include "lib/datapath.h"
#include "lib/pkt.h"
#include "net/netns.h"
#include "net/run.h"
#include "net_fixture.h"
#include "test.h"

static uint32_t pinned_id(const char *run, const char *node, const char *name)
{
	char path[256];
	struct bpf_prog_info info = {0};
	uint32_t len = sizeof(info);
	int fd;

	snprintf(path, sizeof(path), "%s/%s/%s/%s", PL_BPFFS_ROOT, run, node, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		info.id = 0;
	close(fd);
	return info.id;
}

/* from_pod of node on pkt at ifindex, in the node's namespace; retval, or -errno. */
static int run_from_pod(const char *run, const char *node, uint32_t ifindex, const uint8_t *pkt,
			size_t len)
{
	char path[256], ns[64];
	struct __sk_buff skb = {.ifindex = ifindex};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len, .ctx_in = &skb,
		    .ctx_size_in = sizeof(skb));
	int fd, saved, err;

	snprintf(path, sizeof(path), "%s/%s/%s/from_pod", PL_BPFFS_ROOT, run, node);
	snprintf(ns, sizeof(ns), "pl-%s-%s", run, node);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	err = pl_netns_enter_name(ns, &saved);
	if (!err) {
		err = bpf_prog_test_run_opts(fd, &o) ? -errno : (int)o.retval;
		pl_netns_leave(saved);
	}
	close(fd);
	return err;
}

static uint64_t invalid_sip_drops(const char *run, const char *node)
{
	struct pl_counter_key key = {.verdict = PL_VERDICT_DROPPED,
				     .reason = PL_DROP_INVALID_SIP,
				     .dir = PL_DIR_EGRESS,
				     .prog = PL_PROG_FROM_POD};
	struct pl_counter_val val = {0};
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s/%s/counters", PL_BPFFS_ROOT, run, node);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return ~0ull;
	if (pl_counter_read_fd(fd, &key, &val))
		val.packets = ~0ull;
	close(fd);
	return val.packets;
}

PL_TEST_PROBE(integration, nodes_share_one_load_own_maps, pl_probe_bpf_netns)
{
	struct fixture_opts fo = {.routing = PL_ROUTING_VXLAN, .nnodes = 2, .pods_per_node = 1};
	struct topo *t = fixture_topo(&fo);
	struct pl_up_opts uo = {.datapath = true, .keep_owner = true};
	char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX];
	const char *n1, *n2;
	int a, b, len, rc;
	uint8_t pkt[128];
	uint32_t id1, id2;

	if (!ASSERT_OK_PTR(t, "topology"))
		return;
	n1 = t->nodes[0].name;
	n2 = t->nodes[1].name;
	a = t->nodes[0].pods[0];
	b = t->nodes[1].pods[0];
	fixture_run_id(run, "s");
	uo.run = run;
	if (!ASSERT_OK(pl_run_up(t, &uo, got), "up"))
		goto out;
	id1 = pinned_id(run, n1, "from_pod");
	id2 = pinned_id(run, n2, "from_pod");
	ASSERT_NEQ(id1, 0, "node 1's from_pod is pinned");
	ASSERT_EQ(id1, id2, "both nodes run one loaded from_pod");
	ASSERT_EQ(pinned_id(run, n1, "from_network"), pinned_id(run, n2, "from_network"),
		  "and one from_network");
	ASSERT_NEQ(pl_pod_veth_ifindex(t, a), pl_pod_veth_ifindex(t, b),
		   "the pods' veths have ifindexes of their own");
	{
		struct pl_pkt_spec s = {.saddr = t->pods[a].ip,
					.daddr = t->pods[b].ip,
					.proto = 17,
					.sport = 40000,
					.dport = 53};

		len = pl_pkt_build(&s, pkt, sizeof(pkt));
	}
	if (!ASSERT_GT(len, 0, "packet"))
		goto down;
	rc = run_from_pod(run, n1, pl_pod_veth_ifindex(t, a), pkt, len);
	ASSERT_GE(rc, 0, "test_run on node 1");
	ASSERT_NEQ(rc, TC_ACT_SHOT, "node 1 forwards its own pod's packet");
	rc = run_from_pod(run, n2, pl_pod_veth_ifindex(t, b), pkt, len);
	ASSERT_EQ(rc, TC_ACT_SHOT, "node 2 drops a source that is not its endpoint");
	ASSERT_EQ(invalid_sip_drops(run, n1), 0, "node 1 counted no INVALID_SIP drop");
	ASSERT_EQ(invalid_sip_drops(run, n2), 1, "node 2 counted it, in its own counters");
down:
	ASSERT_OK(pl_run_down(run), "down");
out:
	fixture_topo_free(t);
}
