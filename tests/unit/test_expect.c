// SPDX-License-Identifier: GPL-2.0
/* Expectation matcher: selection (number, filter, flow) and each check, pass and fail. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>

#include "test.h"
#include "lib/datapath.h"
#include "lib/pkt.h"
#include "replay/expect.h"
#include "topo/topo.h"

static struct topo_node nodes[] = {{.name = "node1"}, {.name = "node2"}};
static struct topo_pod pods[] = {{.name = "pod-a", .node = 0}, {.name = "pod-b", .node = 1}};
static struct topo topo = {.nodes = nodes, .nnodes = 2, .pods = pods, .npods = 2};

/* A vxlan-mode from_pod result for a TCP SYN 10.244.1.10:40000 > 10.244.2.10:80. */
static void vxlan_result(struct pl_result *r, uint32_t number, uint8_t *frame, int len)
{
	memset(r, 0, sizeof(*r));
	r->number = number;
	r->in = frame;
	r->in_len = len;
	r->out = frame;
	r->out_len = len;
	r->ipv4 = true;
	r->proto = IPPROTO_TCP;
	r->in_saddr = r->out_saddr = inet_addr("10.244.1.10");
	r->in_daddr = r->out_daddr = inet_addr("10.244.2.10");
	r->in_sport = r->out_sport = 40000;
	r->in_dport = r->out_dport = 80;
	r->have_out_tuple = true;
	r->nhops = 1;
	r->hops[0].obs_point = PL_OBS_TO_OVERLAY;
	r->hops[0].verdict = PL_VERDICT_REDIRECTED;
	r->verdict = PL_VERDICT_REDIRECTED;
	r->delivery = PL_DELIV_OVERLAY;
	r->deliver_node = 0;
	r->deliver_pod = -1;
	r->encap = true;
	r->vni = 256;
	r->outer_saddr = inet_addr("192.168.50.1");
	r->outer_daddr = inet_addr("192.168.50.2");
}

static int syn(uint8_t *buf, size_t cap)
{
	struct pl_pkt_spec s = {
		.saddr = inet_addr("10.244.1.10"),
		.daddr = inet_addr("10.244.2.10"),
		.proto = IPPROTO_TCP,
		.sport = 40000,
		.dport = 80,
		.tcp_flags = 0x02,
	};

	return pl_pkt_build(&s, buf, cap);
}

static const struct {
	const char *desc;
	const char *expect; /* one expect item */
	bool selects;
	bool ok;
	const char *fail; /* substring of the failure line */
} cases[] = {
	{"verdict matches", "packet: 1\n    verdict: REDIRECTED", true, true, NULL},
	{"verdict differs", "packet: 1\n    verdict: DROPPED", true, false,
	 "verdict: expected DROPPED, got REDIRECTED"},
	{"number not selected", "packet: 2\n    verdict: DROPPED", false, true, NULL},
	{"drop reason none", "all: true\n    drop_reason: none", true, true, NULL},
	{"drop reason differs", "all: true\n    drop_reason: POLICY_DENY", true, false,
	 "drop_reason: expected POLICY_DENY (181), got none (0)"},
	{"points match", "all: true\n    observation_points: [TO_OVERLAY]", true, true, NULL},
	{"points differ", "all: true\n    observation_points: [FROM_ENDPOINT, TO_OVERLAY]", true,
	 false, "observation_points: expected FROM_ENDPOINT,TO_OVERLAY, got TO_OVERLAY"},
	{"delivered exact", "all: true\n    delivered_to: node1:vxlan", true, true, NULL},
	{"delivered any node", "all: true\n    delivered_to: vxlan", true, true, NULL},
	{"delivered differs", "all: true\n    delivered_to: pod-b", true, false,
	 "delivered_to: expected pod-b, got node1:vxlan"},
	{"nat free", "all: true\n    nat_free: true", true, true, NULL},
	{"nat translated expected", "all: true\n    nat_free: translated", true, false,
	 "nat_free: expected translated, got addresses preserved"},
	{"encap matches", "all: true\n    encap: {vni: 256, outer_dst: 192.168.50.2}", true, true,
	 NULL},
	{"encap vni differs", "all: true\n    encap: {vni: 300}", true, false,
	 "encap vni: expected 300, got 256"},
	{"encap none expected", "all: true\n    encap: none", true, false,
	 "encap: expected none, got vxlan vni 256"},
	{"filter selects", "filter: tcp dst port 80\n    verdict: REDIRECTED", true, true, NULL},
	{"filter does not select", "filter: udp\n    verdict: DROPPED", false, true, NULL},
	{"flow selects", "flow: {src: 10.244.1.10, dport: 80, proto: tcp}\n    verdict: REDIRECTED",
	 true, true, NULL},
	{"flow other port", "flow: {dport: 443}\n    verdict: REDIRECTED", false, true, NULL},
	{"flow reply direction",
	 "flow: {src: 10.244.2.10, sport: 80, reply: true}\n"
	 "    verdict: REDIRECTED",
	 true, true, NULL},
	{"skipped expected", "all: true\n    skipped: true", true, false,
	 "expected skipped, got replayed"},
};

PL_TEST(unit, expect_matcher)
{
	uint8_t frame[128];
	struct pl_expect_state *st;
	struct pl_failures f = {0};
	struct pl_scenario *s;
	struct pl_result r;
	char text[512];
	size_t i;
	int len = syn(frame, sizeof(frame));

	if (!ASSERT_GT(len, 0, "build"))
		return;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pl_subtest("%s", cases[i].desc);
		snprintf(text, sizeof(text),
			 "topology: t.yaml\ninputs:\n  - pcap: a.pcap\nexpect:\n  - %s\n",
			 cases[i].expect);
		if (!ASSERT_OK(pl_scenario_parse_string("m.yaml", text, &s), "parse"))
			continue;
		if (!ASSERT_OK(pl_expect_prepare(s, &st), "prepare")) {
			pl_scenario_free(s);
			continue;
		}
		vxlan_result(&r, 1, frame, len);
		ASSERT_EQ(pl_expect_selects(&s->expects[0], &st[0], &r), cases[i].selects,
			  "selects");
		if (cases[i].selects) {
			ASSERT_EQ(pl_expect_check(&s->expects[0], &st[0], &r, &topo, &f),
				  cases[i].ok, "check");
			ASSERT_EQ(f.n, cases[i].ok ? 0 : 1, "one line per mismatch");
			if (cases[i].fail && f.n)
				ASSERT_STRSTR(f.lines[0], cases[i].fail, "failure text");
		}
		pl_failures_free(&f);
		pl_expect_release(s, st);
		pl_scenario_free(s);
	}
}

PL_TEST(unit, expect_all_reports_unselected_and_missing)
{
	static const char text[] = "topology: t.yaml\ninputs:\n  - pcap: a.pcap\n"
				   "expect:\n  - packet: 7\n    verdict: DROPPED\n"
				   "  - filter: udp\n    verdict: DROPPED\n";
	uint8_t frame[128];
	struct pl_expect_state *st;
	struct pl_failures f = {0};
	struct pl_scenario *s;
	struct pl_result r;
	int len = syn(frame, sizeof(frame));

	if (!ASSERT_OK(pl_scenario_parse_string("m.yaml", text, &s), "parse"))
		return;
	if (!ASSERT_OK(pl_expect_prepare(s, &st), "prepare"))
		goto out;
	vxlan_result(&r, 1, frame, len);
	ASSERT_FALSE(pl_expect_all(s, st, &r, 1, &topo, &f), "fails");
	ASSERT_EQ(f.n, 3, "no packet 7 (twice: unselected, missing) + filter selects none");
	ASSERT_STRSTR(f.lines[1], "no packet number 7", "missing number");
	ASSERT_STRSTR(f.lines[2], "expect at line 7: selects no packet", "empty filter");
	pl_failures_free(&f);
	pl_expect_release(s, st);
out:
	pl_scenario_free(s);
}

PL_TEST(unit, expect_skipped_packet)
{
	static const char text[] = "topology: t.yaml\ninputs:\n  - pcap: a.pcap\n"
				   "expect:\n  - packet: 1\n    skipped: true\n"
				   "  - packet: 1\n    verdict: DROPPED\n";
	struct pl_expect_state *st;
	struct pl_failures f = {0};
	struct pl_scenario *s;
	struct pl_result r = {.number = 1, .status = PL_RES_SKIPPED};

	snprintf(r.skip, sizeof(r.skip), "truncated by the snapshot length (60 of 1514 bytes)");
	if (!ASSERT_OK(pl_scenario_parse_string("m.yaml", text, &s), "parse"))
		return;
	if (!ASSERT_OK(pl_expect_prepare(s, &st), "prepare"))
		goto out;
	ASSERT_TRUE(pl_expect_check(&s->expects[0], &st[0], &r, &topo, &f), "skipped ok");
	ASSERT_FALSE(pl_expect_check(&s->expects[1], &st[1], &r, &topo, &f), "verdict on skipped");
	if (ASSERT_EQ(f.n, 1, "one line"))
		ASSERT_STRSTR(f.lines[0], "not replayed: truncated by the snapshot length", "why");
	pl_failures_free(&f);
	pl_expect_release(s, st);
out:
	pl_scenario_free(s);
}
