// SPDX-License-Identifier: GPL-2.0
/* Loader: every routing mode loads, events can be switched off, counters, pinning, names. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "datapath.skel.h"
#include "test.h"
#include "dp_fixture.h"

PL_TEST_PROBE(datapath, loads_in_every_routing_mode, pl_probe_root)
{
	enum pl_routing_mode m;
	struct pl_datapath *dp;
	enum pl_prog p;

	for (m = 0; m < PL_ROUTING__COUNT; m++) {
		struct pl_datapath_opts opts = {.routing = m, .events = true};

		pl_subtest("routing mode %d", m);
		if (!ASSERT_OK(pl_datapath_load(&opts, &dp), "load"))
			continue;
		for (p = PL_PROG_FROM_POD; p <= PL_PROG_XDP_PREFILTER; p++)
			ASSERT_GE(pl_datapath_prog_fd(dp, p), 0, pl_prog_name(p));
		ASSERT_EQ(dp->skel->rodata->routing_mode, m, "rodata routing mode");
		pl_datapath_destroy(dp);
	}
}

/* Events off: no event, counters still count, verdict unchanged. */
PL_TEST_PROBE(datapath, events_off_counters_on, pl_probe_bpf_netns)
{
	struct pl_pkt_spec spec = PKT_TCP(IP_A, IP_B, 40000, 80);
	struct pl_counter_key key = {.verdict = PL_VERDICT_REDIRECTED,
				     .reason = PL_NOTE_NO_POLICY,
				     .dir = PL_DIR_EGRESS,
				     .prog = PL_PROG_FROM_POD};
	struct pl_run_ctx ctx = {.repeat = 5};
	struct pl_counter_val val;
	struct pl_run_result r;
	uint8_t pkt[128], out[128];
	struct dp_fx fx;
	int len;

	if (!ASSERT_OK(dp_fx_setup(&fx, PL_ROUTING_NATIVE, false), "fixture"))
		return;
	ctx.ifindex = fx.ifindex[DEV_POD_A];
	len = pl_pkt_build(&spec, pkt, sizeof(pkt));
	if (!ASSERT_OK(pl_datapath_test_run(fx.dp, PL_PROG_FROM_POD, pkt, len, &ctx, out,
					    sizeof(out), &r),
		       "test_run"))
		goto out;
	ASSERT_EQ(r.retval, TC_ACT_REDIRECT, "retval");
	ASSERT_FALSE(r.has_event, "no event with events off");
	if (ASSERT_OK(pl_counter_read(fx.dp, &key, &val), "counter")) {
		ASSERT_EQ(val.packets, 5, "5 repeats counted");
		ASSERT_EQ(val.bytes, 5ull * len, "bytes counted");
	}
out:
	dp_fx_teardown(&fx);
}

PL_TEST_PROBE(datapath, pins_maps_and_programs, pl_probe_root)
{
	struct pl_datapath_opts opts = {.routing = PL_ROUTING_VXLAN};
	char dir[96], path[160], cmd[200];
	struct pl_datapath *dp = NULL;
	struct pl_endpoint_info info = {.identity = 4242}, got;
	struct pl_endpoint_key key = {.ip = IP_A};
	int fd;

	/* Pins live under /sys/fs/bpf/podlab/<run>/; the shared parent is left in place. */
	if (mkdir("/sys/fs/bpf/podlab", 0700) && !ASSERT_EQ(errno, EEXIST, "mkdir podlab pin root"))
		return;
	snprintf(dir, sizeof(dir), "/sys/fs/bpf/podlab/t%d-dp", (int)getpid());
	if (!ASSERT_OK(mkdir(dir, 0700), "mkdir pin dir"))
		return;
	opts.pin_dir = dir;
	if (!ASSERT_OK(pl_datapath_load(&opts, &dp), "load with pin_dir"))
		goto out;
	ASSERT_OK(pl_endpoint_add(dp, IP_A, &info), "endpoint add");
	snprintf(path, sizeof(path), "%s/endpoints", dir);
	fd = bpf_obj_get(path);
	if (ASSERT_GE(fd, 0, "pinned endpoints map")) {
		ASSERT_OK(bpf_map_lookup_elem(fd, &key, &got), "lookup via pin");
		ASSERT_EQ(got.identity, 4242, "same map behind the pin");
		close(fd);
	}
	snprintf(path, sizeof(path), "%s/from_pod", dir);
	fd = bpf_obj_get(path);
	if (ASSERT_GE(fd, 0, "pinned from_pod"))
		close(fd);
out:
	pl_datapath_destroy(dp);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ASSERT_OK(system(cmd), "remove pin dir");
}

PL_TEST(datapath, names_and_event_text)
{
	struct pl_flow_event ev = {
		.prog = PL_PROG_FROM_POD,
		.obs_point = PL_OBS_FROM_ENDPOINT,
		.verdict = PL_VERDICT_DROPPED,
		.drop_reason = PL_DROP_POLICY_DENIED,
		.proto = 6,
		.flags = PL_EV_F_IPV4,
		.src_identity = ID_A,
		.dst_identity = ID_B,
		.saddr = IP_A,
		.daddr = IP_B,
		.sport = htons(40000),
		.dport = htons(80),
	};
	char line[256];

	ASSERT_STREQ(pl_drop_reason_name(133), "POLICY_DENIED", "133");
	ASSERT_STREQ(pl_drop_reason_name(181), "POLICY_DENY", "181");
	ASSERT_STREQ(pl_drop_reason_str(157), "Fragmentation needed", "157");
	ASSERT_STREQ(pl_obs_point_name(PL_OBS_TO_OVERLAY), "TO_OVERLAY", "obs");
	ASSERT_STREQ(pl_verdict_name(PL_VERDICT_REDIRECTED), "REDIRECTED", "verdict");
	ASSERT_STREQ(pl_note_name(PL_NOTE_CT_REPLY), "CT_REPLY", "note");
	ASSERT_STREQ(pl_redirect_name(PL_REDIR_TUNNEL), "tunnel", "redirect");
	ASSERT_STREQ(pl_prog_name(PL_PROG_FROM_OVERLAY), "from_overlay", "prog");
	ASSERT_STRSTR(pl_prog_hook(PL_PROG_XDP_PREFILTER), "xdp", "hook");
	ASSERT_STREQ(pl_drop_reason_name(7), "UNKNOWN_REASON", "unknown reason");
	ASSERT_GT(pl_event_format(&ev, line, sizeof(line)), 0, "format");
	ASSERT_STREQ(
		line,
		"from_pod FROM_ENDPOINT 10.244.1.10:40000 (id 1000) -> 10.244.1.20:80 (id 2000) "
		"TCP DROPPED (Policy denied)",
		"drop line");
	ev.verdict = PL_VERDICT_REDIRECTED;
	ev.obs_point = PL_OBS_TO_OVERLAY;
	ev.drop_reason = 0;
	ev.note = PL_NOTE_POLICY_ALLOW;
	ev.redirect = PL_REDIR_TUNNEL;
	ev.target_ifindex = 9;
	ev.tunnel_remote = IP_NODE2;
	ev.tunnel_vni = ID_A;
	pl_event_format(&ev, line, sizeof(line));
	ASSERT_STRSTR(line, "REDIRECTED (POLICY_ALLOW) via tunnel to ifindex 9", "redirect text");
	ASSERT_STRSTR(line, "tunnel 192.168.50.2 vni 1000", "tunnel text");
	pl_event_format(&ev, line, 20);
	ASSERT_EQ(strlen(line), 19, "truncated to the buffer");
}

static uint64_t count_of(struct pl_datapath *dp, uint8_t verdict, uint8_t reason, uint8_t dir,
			 uint8_t prog)
{
	struct pl_counter_key key = {verdict, reason, dir, prog};
	struct pl_counter_val val;

	return pl_counter_read(dp, &key, &val) ? ~0ull : val.packets;
}

/* A drop by B's ingress policy counts as ingress, by A's egress as egress. */
PL_TEST_PROBE(datapath, counters_per_direction, pl_probe_bpf_netns)
{
	struct pl_pkt_spec spec = PKT_TCP(IP_A, IP_B, 40000, 80);
	struct pl_run_ctx ctx = {0};
	struct pl_run_result r;
	uint8_t pkt[128];
	struct dp_fx fx;
	int len;

	if (!ASSERT_OK(dp_fx_setup(&fx, PL_ROUTING_NATIVE, true), "fixture"))
		return;
	ctx.ifindex = fx.ifindex[DEV_POD_A];
	len = pl_pkt_build(&spec, pkt, sizeof(pkt));
	if (!ASSERT_OK(dp_fx_reset(&fx, 0, ENF_IN), "B ingress enforced") ||
	    !ASSERT_OK(pl_datapath_test_run(fx.dp, PL_PROG_FROM_POD, pkt, len, &ctx, NULL, 0, &r),
		       "run 1"))
		goto out;
	if (!ASSERT_OK(dp_fx_reset(&fx, ENF_OUT, 0), "A egress enforced") ||
	    !ASSERT_OK(pl_datapath_test_run(fx.dp, PL_PROG_FROM_POD, pkt, len, &ctx, NULL, 0, &r),
		       "run 2") ||
	    !ASSERT_OK(pl_datapath_test_run(fx.dp, PL_PROG_FROM_POD, pkt, len, &ctx, NULL, 0, &r),
		       "run 3"))
		goto out;
	ASSERT_EQ(count_of(fx.dp, PL_VERDICT_DROPPED, PL_DROP_POLICY_DENIED, PL_DIR_INGRESS,
			   PL_PROG_FROM_POD),
		  1, "ingress drops");
	ASSERT_EQ(count_of(fx.dp, PL_VERDICT_DROPPED, PL_DROP_POLICY_DENIED, PL_DIR_EGRESS,
			   PL_PROG_FROM_POD),
		  2, "egress drops");
	ASSERT_EQ(count_of(fx.dp, PL_VERDICT_REDIRECTED, PL_NOTE_NO_POLICY, PL_DIR_EGRESS,
			   PL_PROG_FROM_POD),
		  0, "nothing delivered");
out:
	dp_fx_teardown(&fx);
}

/*
 * A full ring buffer: the events that find no room are counted, per CPU, in the
 * counters map's EVENTS_LOST slot, which `podlab observe` and `status` show.
 */
PL_TEST_PROBE(datapath, ring_full_counts_lost_events, pl_probe_bpf_netns)
{
	struct pl_pkt_spec spec = PKT_TCP(IP_A, IP_B, 40000, 80);
	/* A record is the event behind an 8-byte header, rounded up to 8 bytes. */
	const uint32_t rec = (sizeof(struct pl_flow_event) + 8 + 7) & ~7u;
	struct bpf_map_info info = {};
	uint32_t info_len = sizeof(info), fit, repeat;
	struct pl_run_ctx ctx = {};
	struct pl_counter_val val;
	struct pl_run_result r;
	uint8_t pkt[128], out[128];
	struct dp_fx fx;
	int len;

	if (!ASSERT_OK(dp_fx_setup(&fx, PL_ROUTING_NATIVE, true), "fixture"))
		return;
	if (!ASSERT_OK(bpf_obj_get_info_by_fd(fx.dp->map_fd[PL_MAP_EVENTS], &info, &info_len),
		       "ring size"))
		goto out;
	/* The kernel refuses a record that would fill the ring exactly (size - 1 at most). */
	fit = (info.max_entries - 1) / rec;
	repeat = ctx.repeat = fit + 1000;
	ctx.ifindex = fx.ifindex[DEV_POD_A];
	len = pl_pkt_build(&spec, pkt, sizeof(pkt));
	if (!ASSERT_OK(pl_counter_slot_read_fd(fx.dp->map_fd[PL_MAP_COUNTERS],
					       PL_COUNTER_EVENTS_LOST, &val),
		       "lost counter before"))
		goto out;
	ASSERT_EQ(val.packets, 0, "nothing lost before");
	if (!ASSERT_OK(pl_datapath_test_run(fx.dp, PL_PROG_FROM_POD, pkt, len, &ctx, out,
					    sizeof(out), &r),
		       "test_run"))
		goto out;
	ASSERT_EQ(r.retval, TC_ACT_REDIRECT, "the verdict does not depend on the ring");
	if (ASSERT_OK(pl_counter_slot_read_fd(fx.dp->map_fd[PL_MAP_COUNTERS],
					      PL_COUNTER_EVENTS_LOST, &val),
		      "lost counter"))
		ASSERT_EQ(val.packets, repeat - fit,
			  "every event past a full ring is counted lost");
out:
	dp_fx_teardown(&fx);
}
