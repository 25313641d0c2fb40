// SPDX-License-Identifier: GPL-2.0
/*
 * Conntrack sizing: the map has the size the loader was given, on every
 * node, and a full table evicts (LRU) rather than refusing new flows.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "datapath.skel.h"
#include "test.h"
#include "dp_fixture.h"

#define SMALL_CT 16

/* Flow i of the small table: A:40000+i -> B:80, TCP, delivered locally. */
static struct pl_ct_key flow_key(int i)
{
	struct pl_ct_key k = {.saddr = IP_A,
			      .daddr = IP_B,
			      .sport = htons(40000 + i),
			      .dport = htons(80),
			      .proto = 6};

	return k;
}

static int send_tcp(struct dp_fx *fx, enum dp_dev dev, uint32_t s, uint32_t d, uint16_t sport,
		    uint16_t dport, struct pl_run_result *r)
{
	struct pl_pkt_spec spec = PKT_TCP(s, d, sport, dport);
	struct pl_run_ctx ctx = {.ifindex = fx->ifindex[dev]};
	uint8_t pkt[128], out[128];
	int len = pl_pkt_build(&spec, pkt, sizeof(pkt));

	if (len < 0)
		return len;
	return pl_datapath_test_run(fx->dp, PL_PROG_FROM_POD, pkt, len, &ctx, out, sizeof(out), r);
}

static bool tracked(struct dp_fx *fx, int i)
{
	struct pl_ct_key k = flow_key(i);
	struct pl_ct_entry e;

	return !bpf_map_lookup_elem(fx->dp->map_fd[PL_MAP_CONNTRACK], &k, &e);
}

/*
 * ct max 16, 17 flows, all from one CPU (the LRU keeps per-CPU caches of free
 * elements; flows from several CPUs make a map this small evict sooner): the
 * 17th flow is delivered and tracked, older entries are evicted for it and
 * counted, nothing is dropped or left untracked. The reply of an evicted flow
 * is policy-checked again (here: denied), the reply of a tracked one passes.
 */
PL_TEST_PROBE(datapath, conntrack_full_evicts_lru, pl_probe_bpf_netns)
{
	struct pl_run_result r;
	struct pl_ct_fill f;
	cpu_set_t old, one;
	int i, evicted_flow = -1, ntracked = 0;
	struct dp_fx fx;

	if (sched_getaffinity(0, sizeof(old), &old))
		CPU_ZERO(&old);
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
	if (!ASSERT_OK(sched_setaffinity(0, sizeof(one), &one), "pin to one CPU"))
		return;
	if (!ASSERT_OK(dp_fx_setup_ct(&fx, PL_ROUTING_NATIVE, true, SMALL_CT), "fixture"))
		goto restore;
	/* Ingress of A enforced, nothing allowed to it: only a tracked reply reaches A. */
	if (!ASSERT_OK(dp_fx_reset(&fx, ENF_IN, 0), "A's ingress enforced"))
		goto out;
	for (i = 0; i < SMALL_CT; i++) {
		if (!ASSERT_OK(send_tcp(&fx, DEV_POD_A, IP_A, IP_B, 40000 + i, 80, &r), "flow"))
			goto out;
		ASSERT_EQ(r.retval, TC_ACT_REDIRECT, "flow of a table with room: delivered");
	}
	if (ASSERT_OK(pl_ct_fill(fx.dp, &f), "fill at 16")) {
		ASSERT_EQ(f.max, SMALL_CT, "map size");
		ASSERT_EQ(f.used, SMALL_CT, "16 flows, 16 entries: nothing evicted before full");
		ASSERT_EQ(f.created, SMALL_CT, "16 created");
		ASSERT_EQ(f.evicted, 0, "none evicted");
	}

	pl_subtest("the 17th flow");
	if (!ASSERT_OK(send_tcp(&fx, DEV_POD_A, IP_A, IP_B, 40000 + SMALL_CT, 80, &r), "flow 17"))
		goto out;
	ASSERT_EQ(r.retval, TC_ACT_REDIRECT, "delivered: a full table drops no packet");
	ASSERT_TRUE(r.has_event, "event");
	ASSERT_EQ(r.event.verdict, PL_VERDICT_REDIRECTED, "verdict");
	ASSERT_FALSE(r.event.flags & PL_EV_F_CT_UNTRACKED, "not flagged untracked");
	ASSERT_TRUE(tracked(&fx, SMALL_CT), "the 17th flow is tracked");
	for (i = 0; i < SMALL_CT; i++) {
		if (tracked(&fx, i))
			ntracked++;
		else if (evicted_flow < 0)
			evicted_flow = i;
	}
	if (ASSERT_OK(pl_ct_fill(fx.dp, &f), "fill at 17")) {
		fprintf(stderr, "  ct max %d, 17 flows: %llu entries left, %llu evicted\n",
			SMALL_CT, (unsigned long long)f.used, (unsigned long long)f.evicted);
		ASSERT_LE(f.used, SMALL_CT, "never more entries than max");
		ASSERT_EQ(f.created, SMALL_CT + 1, "17 created");
		ASSERT_GE(f.evicted, 1, "at least one evicted");
		ASSERT_EQ(f.evicted, f.created - f.used, "evicted = created - present");
		ASSERT_EQ(f.used, ntracked + 1, "the entries present are the flows found");
		ASSERT_EQ(f.untracked, 0, "no creation failed");
	}

	pl_subtest("replies after the eviction");
	if (!ASSERT_GE(evicted_flow, 0, "an evicted flow"))
		goto out;
	if (ASSERT_OK(send_tcp(&fx, DEV_POD_B, IP_B, IP_A, 80, 40000 + evicted_flow, &r), "reply"))
		ASSERT_EQ(r.retval, TC_ACT_SHOT,
			  "reply of an evicted flow: policy-checked, denied");
	if (ASSERT_OK(send_tcp(&fx, DEV_POD_B, IP_B, IP_A, 80, 40000 + SMALL_CT, &r), "reply 17")) {
		ASSERT_EQ(r.retval, TC_ACT_REDIRECT, "reply of the 17th flow passes");
		ASSERT_EQ(r.event.note, PL_NOTE_CT_REPLY, "as a tracked reply");
	}
	ASSERT_OK(pl_ct_clear(fx.dp), "clear");
	if (ASSERT_OK(pl_ct_fill(fx.dp, &f), "fill after clear")) {
		ASSERT_EQ(f.used, 0, "empty");
		ASSERT_EQ(f.created, 0, "counters reset with the table");
	}
out:
	dp_fx_teardown(&fx);
restore:
	sched_setaffinity(0, sizeof(old), &old);
}

/* The id of the map in slot of outer (a *_of map), 0 when none. */
static uint32_t slot_map_id(struct pl_datapath *dp, uint32_t slot)
{
	uint32_t id = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(dp->skel->maps.conntrack_of), &slot, &id))
		return 0;
	return id;
}

static void assert_map(int fd, uint32_t id_in_slot, uint32_t max, const char *what)
{
	struct bpf_map_info info = {0};
	uint32_t len = sizeof(info);

	pl_subtest("%s", what);
	/* bpf_map_get_info_by_fd() is libbpf 1.2's name for this; Debian 12 has 1.1. */
	if (!ASSERT_OK(bpf_obj_get_info_by_fd(fd, &info, &len), "map info"))
		return;
	ASSERT_EQ(info.type, BPF_MAP_TYPE_LRU_HASH, "LRU hash");
	ASSERT_EQ(info.max_entries, max, "max_entries");
	ASSERT_EQ(info.key_size, sizeof(struct pl_ct_key), "key size");
	ASSERT_EQ(id_in_slot, info.id, "the map the programs look up in the node's slot");
}

/* 1M flows fit: a 1048576-entry map on the loaded node and on an added one. */
PL_TEST_PROBE(datapath, conntrack_max_1m_sizes_every_node, pl_probe_root)
{
	struct pl_datapath_opts opts = {.routing = PL_ROUTING_NATIVE, .ct_max = 1048576};
	struct pl_datapath *dp = NULL, *node2 = NULL, *other = NULL;

	if (!ASSERT_OK(pl_datapath_load(&opts, &dp), "load with ct_max 1048576"))
		return;
	if (!ASSERT_OK(pl_datapath_add_node(dp, &opts, 1, &node2), "add a node") ||
	    !ASSERT_OK(pl_datapath_commit(dp), "commit"))
		goto out;
	assert_map(dp->map_fd[PL_MAP_CONNTRACK], slot_map_id(dp, 0), 1048576, "loaded node");
	assert_map(node2->map_fd[PL_MAP_CONNTRACK], slot_map_id(dp, 1), 1048576, "added node");
	pl_subtest("another size on the same load");
	opts.ct_max = 4096;
	ASSERT_EQ(pl_datapath_add_node(dp, &opts, 2, &other), -EINVAL, "refused");
out:
	pl_datapath_destroy(other);
	pl_datapath_destroy(node2);
	pl_datapath_destroy(dp);
}
