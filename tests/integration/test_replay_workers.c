// SPDX-License-Identifier: GPL-2.0
/*
 * Unit-mode replay on several workers gives every packet the result it gets
 * one by one: the shipped captures plus generated flows (both directions,
 * conntrack hits, denied ports, ICMP errors), replayed one by one, by one
 * worker and by two, compared result by result as JSON. And the shard key
 * puts both directions of a flow and an ICMP error with its flow together.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "lib/pkt.h"
#include "replay/replay_session.h"
#include "replay/replay_workers.h"
#include "results_text.h"
#include "test.h"
#include "topo/topo.h"

#define TOPOLOGY "topologies/two-node-vxlan.yaml"

static const char *const shipped[] = {"pcaps/pod-to-pod.pcap", "pcaps/node1-any.pcap",
				      "pcaps/underlay-vxlan.pcap", "pcaps/world.pcap",
				      "pcaps/malformed.pcap"};

static const char *probe_workers(void)
{
	if (pl_replay_workers_max() < 2)
		return "needs 2 CPUs in this process's affinity mask to run 2 workers";
	return pl_probe_bpf_netns();
}

/* Flows between pods of both nodes: requests, replies, repeats, a denied port, ICMP. */
static int generate(const struct topo *t, struct pl_replay_pkts *pk)
{
	static const uint8_t payload[32] = "podlab workers";
	struct pl_pkt_spec s;
	int i, a, b, err = 0;

	for (i = 0; i < 1200 && !err; i++) {
		a = i % t->npods;
		b = (i / 3 + 1) % t->npods;
		if (a == b)
			b = (b + 1) % t->npods;
		memset(&s, 0, sizeof(s));
		s.payload = payload;
		s.payload_len = sizeof(payload);
		s.ip_id = (uint16_t)i;
		s.proto = i % 7 == 6 ? IPPROTO_ICMP : i % 2 ? IPPROTO_TCP : IPPROTO_UDP;
		s.tcp_flags = i % 4 == 1 ? 0x02 : 0x10;
		/* the reply of every third packet's flow, so conntrack ties them */
		s.saddr = t->pods[i % 3 == 2 ? b : a].ip;
		s.daddr = t->pods[i % 3 == 2 ? a : b].ip;
		s.sport = i % 3 == 2 ? (i % 5 ? 80 : 81) : 3000 + i % 40;
		s.dport = i % 3 == 2 ? 3000 + i % 40 : (i % 5 ? 80 : 81);
		s.icmp_type = 8;
		s.sport = s.proto == IPPROTO_ICMP ? (uint16_t)(i % 9) : s.sport;
		err = pl_test_pkts_add(pk, &s);
	}
	return err;
}

/* Every result as its JSON line, in order; NULL on a failed session. */
static char *replay_json(const struct topo *t, const struct pl_replay_pkts *pk, int workers,
			 int *nworkers)
{
	struct pl_replay_session_opts o = {.replay.mode = PL_MODE_UNIT, .workers = workers};
	struct pl_replay_session s;
	struct pl_result *res = calloc(pk->n, sizeof(*res));
	char *buf;
	int err;

	if (!res)
		return NULL;
	err = pl_replay_session_open(&s, t, &o);
	if (!err)
		err = pl_replay_session_run(&s, pk, res);
	*nworkers = s.workers ? pl_replay_workers_count(s.workers) : 0;
	pl_replay_session_close(&s);
	buf = pl_test_results_json(res, pk->n, t);
	free(res);
	if (err) {
		free(buf);
		return NULL;
	}
	return buf;
}

PL_TEST_PROBE(integration, replay_workers_same_verdicts, probe_workers)
{
	struct pl_replay_pkts pk = {0};
	char *serial = NULL, *one = NULL, *two = NULL;
	struct topo *t = NULL;
	int i, n1 = -1, n2 = -1;

	if (!ASSERT_OK(pl_topo_parse(TOPOLOGY, &t), "topology"))
		return;
	for (i = 0; i < (int)(sizeof(shipped) / sizeof(shipped[0])); i++)
		if (!ASSERT_OK(pl_replay_pkts_load_pcap(&pk, shipped[i], NULL), shipped[i]))
			goto out;
	if (!ASSERT_OK(generate(t, &pk), "generate packets"))
		goto out;
	serial = replay_json(t, &pk, 0, &n1);
	one = replay_json(t, &pk, 1, &n1);
	two = replay_json(t, &pk, 2, &n2);
	if (!ASSERT_TRUE(serial && one && two, "three replays ran"))
		goto out;
	ASSERT_EQ(n2, 2, "workers of the parallel replay");
	ASSERT_TRUE(strstr(serial, "\"REDIRECTED\"") && strstr(serial, "\"DROPPED\""),
		    "the packets meet both verdicts");
	if (!ASSERT_TRUE(!strcmp(serial, one), "one worker = one by one"))
		pl_test_first_difference(serial, one);
	if (!ASSERT_TRUE(!strcmp(serial, two), "two workers = one by one"))
		pl_test_first_difference(serial, two);
out:
	free(serial);
	free(one);
	free(two);
	pl_replay_pkts_free(&pk);
	pl_topo_free(t);
}

static uint32_t key_of(const struct pl_pkt_spec *s)
{
	struct pl_inject at = {.kind = PL_INJECT_POD, .pod = 0};
	struct pl_replay_pkt p = {0};
	uint8_t buf[256];
	int len = pl_pkt_build(s, buf, sizeof(buf));

	p.data = buf;
	p.len = len > 0 ? len : 0;
	return pl_flow_shard_key(NULL, &p, &at);
}

PL_TEST(integration, replay_shard_key_ties_flows)
{
	struct pl_pkt_spec fwd = {.saddr = htonl(0x0af4010a),
				  .daddr = htonl(0x0af40214),
				  .proto = IPPROTO_TCP,
				  .sport = 40000,
				  .dport = 80};
	struct pl_pkt_spec rev = fwd, other = fwd, icmp = {0};
	uint8_t quoted[96];
	int qlen;

	rev.saddr = fwd.daddr;
	rev.daddr = fwd.saddr;
	rev.sport = fwd.dport;
	rev.dport = fwd.sport;
	ASSERT_EQ(key_of(&fwd), key_of(&rev), "both directions of a flow");
	other.sport = 40001;
	ASSERT_NEQ(key_of(&fwd), key_of(&other), "another source port is another flow");
	/* An ICMP port unreachable quoting fwd's IP header and 8 L4 bytes, sent back. */
	qlen = pl_pkt_build(&fwd, quoted, sizeof(quoted));
	if (!ASSERT_GT(qlen, 14 + 28, "quoted frame"))
		return;
	icmp.saddr = htonl(0x0af40201);
	icmp.daddr = fwd.saddr;
	icmp.proto = IPPROTO_ICMP;
	icmp.icmp_type = 3;
	icmp.icmp_code = 3;
	icmp.payload = quoted + 14;
	icmp.payload_len = 28;
	ASSERT_EQ(key_of(&icmp), key_of(&fwd), "an ICMP error goes with the flow it quotes");
	/* IPv6 (conntrack6): tied by flow too, not all on one worker */
	fwd.family = rev.family = other.family = AF_INET6;
	inet_pton(AF_INET6, "fd00:10:244:1::10", fwd.saddr6);
	inet_pton(AF_INET6, "fd00:10:244:2::20", fwd.daddr6);
	memcpy(rev.saddr6, fwd.daddr6, 16);
	memcpy(rev.daddr6, fwd.saddr6, 16);
	memcpy(other.saddr6, fwd.saddr6, 16);
	memcpy(other.daddr6, fwd.daddr6, 16);
	ASSERT_EQ(key_of(&fwd), key_of(&rev), "IPv6: both directions of a flow");
	ASSERT_NEQ(key_of(&fwd), key_of(&other), "IPv6: another source port is another flow");
	ASSERT_NEQ(key_of(&fwd), 0, "IPv6: not every packet on the first worker");
	/* An ICMPv6 time exceeded quoting fwd's IPv6 header and 8 L4 bytes. */
	qlen = pl_pkt_build(&fwd, quoted, sizeof(quoted));
	if (!ASSERT_GE(qlen, 14 + 48, "quoted IPv6 frame"))
		return;
	memset(&icmp, 0, sizeof(icmp));
	icmp.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8:100::7", icmp.saddr6);
	memcpy(icmp.daddr6, fwd.saddr6, 16);
	icmp.proto = IPPROTO_ICMPV6;
	icmp.icmp_type = 3;
	icmp.payload = quoted + 14;
	icmp.payload_len = 48;
	ASSERT_EQ(key_of(&icmp), key_of(&fwd), "an ICMPv6 error goes with the flow it quotes");
}
