// SPDX-License-Identifier: GPL-2.0
/*
 * Live replay in windows gives every packet the result it gets alone: a
 * capture with mixed verdicts (delivered, denied by policy both ways, from a
 * pod and from the world, the malformed frames of pcaps/malformed.pcap at an
 * uplink) replayed with one packet in flight and with windows of 64, compared
 * result by result as JSON, in native, vxlan, legacy and fabric routing, with packets
 * injected at a vxlan device too. And identical packets are never in
 * flight together: each goes alone, with the result of the first.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "lib/pkt.h"
#include "net/run.h"
#include "plan/plan.h"
#include "probe/probe.h"
#include "replay/replay_run.h"
#include "replay/replay_session.h"
#include "results_text.h"
#include "test.h"
#include "topo/topo.h"

static int pod_of(const struct topo *t, const char *pod)
{
	int i;

	for (i = 0; i < t->npods; i++)
		if (!strcmp(t->pods[i].name, pod))
			return i;
	return -1;
}

static uint32_t ip_of(const struct topo *t, const char *pod)
{
	int i = pod_of(t, pod);

	return i < 0 ? 0 : t->pods[i].ip;
}

/*
 * Flows of the shipped two-node topology: backend -> frontend:80 and
 * frontend -> backend:80 (delivered), client -> backend UDP 53 (denied at
 * backend's ingress), client -> db:5432 and db -> frontend ICMP (whatever
 * the policy says), each flow once, with its own IP ID and payload.
 */
static int generate_family(const struct topo *t, struct pl_replay_pkts *pk, int n, uint16_t id0,
			   bool v6)
{
	static const char *const from[] = {"backend", "frontend", "client", "client", "db"};
	static const char *const to[] = {"frontend", "backend", "backend", "db", "frontend"};
	static const uint8_t proto[] = {IPPROTO_TCP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_TCP,
					IPPROTO_ICMP};
	static const uint16_t dport[] = {80, 80, 53, 5432, 0};
	uint8_t payload[24];
	struct pl_pkt_spec s;
	int i, k, err = 0;

	for (i = 0; i < n && !err; i++) {
		k = i % 5;
		memset(&s, 0, sizeof(s));
		snprintf((char *)payload, sizeof(payload), "podlab live %d", i);
		s.payload = payload;
		s.payload_len = sizeof(payload);
		s.ip_id = (uint16_t)(id0 + i);
		s.proto = proto[k];
		s.saddr = ip_of(t, from[k]);
		s.daddr = ip_of(t, to[k]);
		if (v6 && (pod_of(t, from[k]) < 0 || pod_of(t, to[k]) < 0))
			return -ENOENT;
		if (v6) { /* the same pods' IPv6 addresses, ICMPv6 echo for ICMP */
			s.family = AF_INET6;
			memcpy(s.saddr6, t->pods[pod_of(t, from[k])].ip6, 16);
			memcpy(s.daddr6, t->pods[pod_of(t, to[k])].ip6, 16);
			s.proto = s.proto == IPPROTO_ICMP ? IPPROTO_ICMPV6 : s.proto;
		}
		s.sport = (uint16_t)(20000 + i);
		s.dport = dport[k];
		s.tcp_flags = 0x02;
		s.icmp_type = v6 ? 128 : 8; /* echo request */
		/* a unicast source, as a pod's eth0 has: a zero one is lost in VXLAN mode */
		memcpy(s.smac, "\x02\x00\x00\x00\x00\x01", 6);
		err = pl_test_pkts_add(pk, &s);
	}
	return err;
}

static int generate(const struct topo *t, struct pl_replay_pkts *pk, int n, uint16_t id0)
{
	return generate_family(t, pk, n, id0, false);
}

/* Every result as its JSON line, in order; NULL on a failed session. */
/*
 * Pings between the pods of different nodes, both families, answers or not:
 * every node has its neighbours resolved before the replay. A path's first
 * packet would otherwise meet NEIGH_RESOLVE or not as the pods' own replies
 * to earlier packets (RSTs, echo replies) happened to resolve it, which on a
 * slow machine differs between two replays of the same packets.
 */
static void warm_neighbours(const struct topo *t, const char *run)
{
	char ns[PL_NETNS_NAME_MAX];
	struct pl_probe_result r;
	int a, b;

	for (a = 0; a < t->npods; a++) {
		pl_netns_name(run, t->pods[a].name, ns, sizeof(ns));
		for (b = 0; b < t->npods; b++) {
			struct pl_probe_req q = {.src_netns = ns, .timeout_ms = 300};

			if (t->pods[a].node == t->pods[b].node)
				continue;
			q.proto = IPPROTO_ICMP;
			q.dst_ip = t->pods[b].ip;
			pl_probe(&q, &r);
			if (!pl_topo_has_v6(t))
				continue;
			q.proto = IPPROTO_ICMPV6;
			q.v6 = true;
			memcpy(q.dst_ip6, t->pods[b].ip6, 16);
			pl_probe(&q, &r);
		}
	}
}

static char *replay_json(const struct topo *t, const struct pl_replay_pkts *pk, unsigned window,
			 struct pl_live_stats *stats)
{
	struct pl_replay_session_opts o = {.replay = {.mode = PL_MODE_LIVE, .live_window = window}};
	struct pl_result *res = calloc(pk->n, sizeof(*res));
	struct pl_replay_session s;
	char run[PL_RUN_ID_MAX];
	char *buf;
	int err;

	if (!res)
		return NULL;
	err = pl_replay_run_up(t, false, run, sizeof(run));
	if (err) {
		free(res);
		return NULL;
	}
	warm_neighbours(t, run);
	o.replay.run = run;
	err = pl_replay_session_open(&s, t, &o);
	if (!err)
		err = pl_replay_session_run(&s, pk, res);
	if (s.rp)
		*stats = s.rp->live_stats;
	pl_replay_session_close(&s);
	pl_replay_run_down(run);
	buf = pl_test_results_json(res, pk->n, t);
	free(res);
	if (err) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* One topology: the mixed capture one at a time and in windows of 64 (and at node1:vxlan). */
static void same_results(const char *topology, bool at_vxlan)
{
	struct pl_live_stats st1 = {0}, st64 = {0};
	struct pl_replay_pkts pk = {0};
	char *one = NULL, *win = NULL;
	struct topo *t = NULL;
	int i, first;

	if (!ASSERT_OK(pl_topo_parse(topology, &t), topology))
		return;
	if (!ASSERT_OK(generate(t, &pk, 300, 1000), "generate packets"))
		goto out;
	first = pk.n;
	if (!ASSERT_OK(pl_replay_pkts_load_pcap(&pk, "pcaps/malformed.pcap", NULL), "malformed"))
		goto out;
	for (i = first; i < pk.n; i++)
		pk.p[i].at = (struct pl_inject){.kind = PL_INJECT_UPLINK, .node = 0, .pod = -1};
	first = pk.n;
	if (at_vxlan && !ASSERT_OK(generate(t, &pk, 60, 5000), "packets for node1:vxlan"))
		goto out;
	for (i = first; i < pk.n; i++)
		pk.p[i].at = (struct pl_inject){.kind = PL_INJECT_VXLAN, .node = 0, .pod = -1};
	one = replay_json(t, &pk, 1, &st1);
	win = replay_json(t, &pk, 64, &st64);
	if (!ASSERT_TRUE(one && win, "both replays ran"))
		goto out;
	ASSERT_STRSTR(one, "\"delivered_to\":\"frontend\"", topology);
	ASSERT_STRSTR(one, "\"drop_reason_name\":\"POLICY_DENIED\"", topology);
	ASSERT_STRSTR(one, "\"drop_reason_name\":\"FRAG_NOSUPPORT\"", topology);
	ASSERT_TRUE(st64.windows < st1.windows / 4, "windows hold many packets");
	if (at_vxlan)
		ASSERT_STRSTR(one,
			      "\"injected_at\":\"node1:vxlan\",\"hops\":[{\"node\":\"node1\","
			      "\"program\":\"from_overlay\"",
			      "a packet at node1:vxlan meets from_overlay");
	if (!ASSERT_TRUE(!strcmp(one, win), topology))
		pl_test_first_difference(one, win);
out:
	free(one);
	free(win);
	pl_replay_pkts_free(&pk);
	pl_topo_free(t);
}

/* native routing, VXLAN, legacy's MASQUERADE (the tag survives it), the fabric router */
PL_TEST_PROBE(integration, live_window_same_results, pl_probe_bpf_netns)
{
	same_results("topologies/two-node-vxlan.yaml", true);
	same_results("topologies/two-node-native.yaml", false);
	same_results("topologies/two-node-legacy.yaml", true);
	same_results("topologies/two-node-fabric.yaml", false);
}

/*
 * IPv6 (no IP ID: tagged by source port and destination, one packet per
 * address pair in a window) mixed with IPv4 on the dual-stack topology: the
 * same results in windows as one at a time, each family's verdicts as they
 * should be (delivered, denied at backend's ingress, denied by frontend's
 * egressDeny... whatever policy says, the same both ways).
 */
PL_TEST_PROBE(integration, live_window_ipv6, pl_probe_bpf_netns)
{
	struct pl_live_stats st1 = {0}, st64 = {0};
	struct pl_replay_pkts pk = {0};
	char *one = NULL, *win = NULL;
	struct topo *t = NULL;

	if (!ASSERT_OK(pl_topo_parse("topologies/two-node-dual-stack.yaml", &t), "topology"))
		return;
	if (!ASSERT_OK(generate_family(t, &pk, 40, 1000, true), "IPv6 packets") ||
	    !ASSERT_OK(generate_family(t, &pk, 20, 2000, false), "IPv4 packets"))
		goto out;
	one = replay_json(t, &pk, 1, &st1);
	win = replay_json(t, &pk, 64, &st64);
	if (!ASSERT_TRUE(one && win, "both replays ran"))
		goto out;
	ASSERT_STRSTR(one, "\"delivered_to\":\"backend\"", "IPv6 frontend -> backend:80");
	ASSERT_STRSTR(one, "\"drop_reason_name\":\"POLICY_DENIED\"", "IPv6 client -> backend");
	ASSERT_TRUE(!strstr(one, "not replayed") && !strstr(one, "correlates"),
		    "every IPv6 packet replayed");
	/* every packet opens its flow: a CT_REPLY hop would be a pod kernel's RST or reply */
	ASSERT_TRUE(!strstr(one, "CT_REPLY") && !strstr(win, "CT_REPLY"),
		    "no reply the pods' kernels sent is in a packet's trace");
	ASSERT_TRUE(st64.windows < st1.windows / 2, "windows hold several packets");
	ASSERT_GT((int)st64.cut_flow, 0, "an IPv6 address pair is in flight once");
	if (!ASSERT_TRUE(!strcmp(one, win), "windows of 64 = one at a time"))
		pl_test_first_difference(one, win);
out:
	free(one);
	free(win);
	pl_replay_pkts_free(&pk);
	pl_topo_free(t);
}

PL_TEST_PROBE(integration, live_window_identical_packets_alone, pl_probe_bpf_netns)
{
	struct pl_live_stats st1 = {0}, st64 = {0};
	struct pl_replay_pkts pk = {0};
	char *one = NULL, *win = NULL;
	struct topo *t = NULL;
	int i;

	if (!ASSERT_OK(pl_topo_parse("topologies/two-node-native.yaml", &t), "topology"))
		return;
	/* 40 distinct packets, then the same 40 twice each: A A B B ... */
	if (!ASSERT_OK(generate(t, &pk, 40, 1000), "generate packets"))
		goto out;
	for (i = 0; i < 40; i++) {
		struct pl_replay_pkt *p;

		if (pk.n + 2 > pk.cap) {
			pk.cap = (pk.n + 2) * 2;
			pk.p = realloc(pk.p, pk.cap * sizeof(*pk.p));
			if (!ASSERT_TRUE(pk.p != NULL, "memory"))
				goto out;
		}
		for (int k = 0; k < 2; k++) {
			p = &pk.p[pk.n];
			*p = pk.p[i];
			p->data = malloc(p->len);
			if (!ASSERT_TRUE(p->data != NULL, "memory"))
				goto out;
			memcpy(p->data, pk.p[i].data, p->len);
			p->number = ++pk.n;
		}
	}
	one = replay_json(t, &pk, 1, &st1);
	win = replay_json(t, &pk, 64, &st64);
	if (!ASSERT_TRUE(one && win, "both replays ran"))
		goto out;
	ASSERT_GT((int)st64.cut_tag, 39, "an identical packet never shares a window");
	if (!ASSERT_TRUE(!strcmp(one, win), "windows of 64 = one at a time"))
		pl_test_first_difference(one, win);
out:
	free(one);
	free(win);
	pl_replay_pkts_free(&pk);
	pl_topo_free(t);
}
