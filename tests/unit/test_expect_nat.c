// SPDX-License-Identifier: GPL-2.0
/* The nat: expectation: each translation, pass and fail, on the hop's event and the output bytes.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "lib/datapath.h"
#include "replay/expect.h"
#include "topo/topo.h"

static struct topo_node nodes[] = {{.name = "node1"}, {.name = "node2"}};
static struct topo topo = {.nodes = nodes, .nnodes = 2};

enum kind { POD_TO_POD, CLUSTERIP, NODEPORT, REPLY };

/* client 10.244.1.10:40000, ClusterIP 10.96.0.10:80, backend 10.244.2.20:8080, node1 192.168.50.1.
 */
static void result(struct pl_result *r, enum kind k)
{
	struct pl_hop *h = &r->hops[0];

	memset(r, 0, sizeof(*r));
	r->number = 1;
	r->status = PL_RES_OK;
	r->ipv4 = true;
	r->proto = IPPROTO_TCP;
	r->have_out_tuple = true;
	r->verdict = PL_VERDICT_REDIRECTED;
	r->nhops = 1;
	h->node = 0;
	h->prog = k == NODEPORT ? PL_PROG_FROM_NETWORK : PL_PROG_FROM_POD;
	h->verdict = PL_VERDICT_REDIRECTED;
	r->in_saddr = r->out_saddr = inet_addr("10.244.1.10");
	r->in_sport = r->out_sport = 40000;
	r->in_daddr = inet_addr(k == POD_TO_POD ? "10.244.2.20" : "10.96.0.10");
	r->in_dport = k == POD_TO_POD ? 8080 : 80;
	r->out_daddr = inet_addr("10.244.2.20");
	r->out_dport = 8080;
	if (k == POD_TO_POD)
		return;
	if (k == REPLY) {
		r->in_saddr = inet_addr("10.244.2.20");
		r->in_sport = 8080;
		r->in_daddr = r->out_daddr = inet_addr("10.244.1.10");
		r->in_dport = r->out_dport = 40000;
		r->out_saddr = inet_addr("10.96.0.10");
		r->out_sport = 80;
		h->nat = (struct pl_hop_nat){.flags = PL_EV_F_SVC_RNAT,
					     .old_src = r->in_saddr,
					     .old_sport = 8080,
					     .src = r->out_saddr,
					     .sport = 80,
					     .dst = r->out_daddr,
					     .dport = 40000};
		return;
	}
	h->nat = (struct pl_hop_nat){.flags = PL_EV_F_SVC_DNAT,
				     .svc_ip = r->in_daddr,
				     .svc_port = 80,
				     .src = r->in_saddr,
				     .sport = 40000,
				     .dst = r->out_daddr,
				     .dport = 8080};
	if (k == NODEPORT) {
		/* Node IP 192.168.50.1 at 30080, SNATed to the node's IP. */
		r->in_daddr = h->nat.svc_ip = inet_addr("192.168.50.1");
		r->in_dport = h->nat.svc_port = 30080;
		h->nat.flags |= PL_EV_F_SVC_SNAT;
		h->nat.old_src = r->in_saddr;
		h->nat.old_sport = 40000;
		r->out_saddr = h->nat.src = inet_addr("192.168.50.1");
	}
}

static const struct {
	const char *desc;
	enum kind kind;
	const char *nat;  /* the value of nat: */
	const char *fail; /* NULL = passes; else a substring of the first failure line */
	int nfail;
} cases[] = {
	{"pod-to-pod none", POD_TO_POD, "none", NULL, 0},
	{"clusterip right backend", CLUSTERIP,
	 "{dnat: '10.96.0.10:80 -> 10.244.2.20:8080', at: from_pod}", NULL, 0},
	{"clusterip wrong backend", CLUSTERIP, "{dnat: '10.96.0.10:80 -> 10.244.1.20:8080'}",
	 "nat: expected DNAT 10.96.0.10:80 -> 10.244.1.20:8080, got DNAT 10.96.0.10:80 -> "
	 "10.244.2.20:8080",
	 2},
	{"clusterip wrong target port", CLUSTERIP, "{dnat: '10.96.0.10:80 -> 10.244.2.20:80'}",
	 "got DNAT 10.96.0.10:80 -> 10.244.2.20:8080", 2},
	{"clusterip wrong service", CLUSTERIP, "{dnat: '10.96.0.11:80 -> 10.244.2.20:8080'}",
	 "got DNAT 10.96.0.10:80 -> 10.244.2.20:8080", 1},
	{"clusterip wrong program", CLUSTERIP,
	 "{dnat: '10.96.0.10:80 -> 10.244.2.20:8080', at: from_network}",
	 "nat: expected dnat at from_network, got at from_pod", 1},
	{"clusterip is not none", CLUSTERIP, "none",
	 "nat: expected none, got DNAT 10.96.0.10:80 -> 10.244.2.20:8080 at from_pod", 1},
	{"pod-to-pod expected dnat", POD_TO_POD, "{dnat: '10.96.0.10:80 -> 10.244.2.20:8080'}",
	 "nat: expected dnat, no program made one", 1},
	{"dnat without the snat it made", NODEPORT,
	 "{dnat: '192.168.50.1:30080 -> 10.244.2.20:8080'}",
	 "nat: expected no other translation, got DNAT", 1},
	{"nodeport dnat and snat node-ip", NODEPORT,
	 "{dnat: '192.168.50.1:30080 -> 10.244.2.20:8080', snat: node-ip, at: from_network}", NULL,
	 0},
	{"nodeport snat other ip", NODEPORT,
	 "{dnat: '192.168.50.1:30080 -> 10.244.2.20:8080', snat: 192.168.50.2}",
	 "nat: expected SNAT to 192.168.50.2, got 192.168.50.1", 2},
	{"reply rev_nat", REPLY, "{rev_nat: '10.244.2.20:8080 -> 10.96.0.10:80', at: from_pod}",
	 NULL, 0},
	{"reply rev_nat wrong service", REPLY, "{rev_nat: '10.244.2.20:8080 -> 10.96.0.12:80'}",
	 "nat: expected RNAT 10.244.2.20:8080 -> 10.96.0.12:80, got RNAT 10.244.2.20:8080 -> "
	 "10.96.0.10:80",
	 2},
};

PL_TEST(unit, expect_nat)
{
	struct pl_expect_state *st;
	struct pl_failures f = {0};
	struct pl_scenario *s;
	struct pl_result r;
	char text[512];
	size_t i;

	nodes[0].underlay_ip = inet_addr("192.168.50.1");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pl_subtest("%s", cases[i].desc);
		snprintf(text, sizeof(text),
			 "topology: t.yaml\ninputs:\n  - pcap: a.pcap\nexpect:\n  - packet: 1\n"
			 "    nat: %s\n",
			 cases[i].nat);
		if (!ASSERT_OK(pl_scenario_parse_string("m.yaml", text, &s), "parse"))
			continue;
		if (!ASSERT_OK(pl_expect_prepare(s, &st), "prepare")) {
			pl_scenario_free(s);
			continue;
		}
		result(&r, cases[i].kind);
		ASSERT_EQ(pl_expect_check(&s->expects[0], &st[0], &r, &topo, &f), !cases[i].fail,
			  "check");
		ASSERT_EQ(f.n, cases[i].nfail, "failure lines");
		if (cases[i].fail && f.n)
			ASSERT_STRSTR(f.lines[0], cases[i].fail, "failure text");
		pl_failures_free(&f);
		pl_expect_release(s, st);
		pl_scenario_free(s);
	}
}

/* The bytes decide too: an event naming the right backend does not pass a frame sent elsewhere. */
PL_TEST(unit, expect_nat_checks_output_bytes)
{
	static const char text[] =
		"topology: t.yaml\ninputs:\n  - pcap: a.pcap\nexpect:\n"
		"  - packet: 1\n    nat: {dnat: '10.96.0.10:80 -> 10.244.2.20:8080'}\n";
	struct pl_expect_state *st;
	struct pl_failures f = {0};
	struct pl_scenario *s;
	struct pl_result r;

	if (!ASSERT_OK(pl_scenario_parse_string("m.yaml", text, &s), "parse"))
		return;
	if (!ASSERT_OK(pl_expect_prepare(s, &st), "prepare"))
		goto out;
	result(&r, CLUSTERIP);
	r.out_daddr = inet_addr("10.244.1.20");
	ASSERT_FALSE(pl_expect_check(&s->expects[0], &st[0], &r, &topo, &f), "fails");
	if (ASSERT_EQ(f.n, 1, "one line"))
		ASSERT_STRSTR(f.lines[0],
			      "nat: dnat: the output's destination is 10.244.1.20:8080, expected "
			      "10.244.2.20:8080",
			      "names the frame's destination");
	pl_failures_free(&f);
	pl_expect_release(s, st);
out:
	pl_scenario_free(s);
}

/* What replay prints: the translation on the result line and in its JSON. */
PL_TEST(unit, result_prints_nat)
{
	char *buf = NULL;
	size_t len = 0;
	struct pl_result r;
	FILE *f;

	result(&r, NODEPORT);
	f = open_memstream(&buf, &len);
	if (!ASSERT_TRUE(f != NULL, "memstream"))
		return;
	pl_result_nat_print(f, &r);
	fputc('\n', f);
	pl_result_nat_json(f, &r, &topo);
	fclose(f);
	ASSERT_STRSTR(buf,
		      " | DNAT 192.168.50.1:30080 -> 10.244.2.20:8080, SNAT 10.244.1.10:40000 -> "
		      "192.168.50.1:40000 at from_network\n",
		      "text");
	ASSERT_STRSTR(buf,
		      ",\"nat\":[{\"type\":\"dnat\",\"from\":\"192.168.50.1:30080\",\"to\":"
		      "\"10.244.2.20:8080\",\"program\":\"from_network\",\"node\":\"node1\"},"
		      "{\"type\":\"snat\",\"from\":\"10.244.1.10:40000\",\"to\":"
		      "\"192.168.50.1:40000\",\"program\":\"from_network\",\"node\":\"node1\"}]",
		      "json");
	free(buf);
}

/* Flow lines (observe, verbose replay) name both sides of each translation. */
PL_TEST(unit, event_nat_text)
{
	struct pl_flow_event ev = {
		.prog = PL_PROG_FROM_NETWORK,
		.flags = PL_EV_F_IPV4 | PL_EV_F_SVC_DNAT | PL_EV_F_SVC_SNAT,
		.proto = IPPROTO_TCP,
		.saddr = inet_addr("192.168.50.1"),
		.sport = htons(5555),
		.daddr = inet_addr("10.244.2.20"),
		.dport = htons(8080),
		.svc_daddr = inet_addr("192.168.50.1"),
		.svc_dport = htons(30080),
		.nat_saddr = inet_addr("203.0.113.10"),
		.nat_sport = htons(5555),
	};
	char buf[256];

	pl_event_nat_str(&ev, buf, sizeof(buf));
	ASSERT_STREQ(buf,
		     " DNAT 192.168.50.1:30080 -> 10.244.2.20:8080 SNAT 203.0.113.10:5555 -> "
		     "192.168.50.1:5555",
		     "nodePort to another node: DNAT and SNAT");
	ev.flags = PL_EV_F_IPV4 | PL_EV_F_SVC_RNAT;
	ev.nat_saddr = inet_addr("10.244.2.20");
	ev.nat_sport = htons(8080);
	ev.saddr = inet_addr("192.168.50.1");
	ev.sport = htons(30080);
	ev.daddr = inet_addr("203.0.113.10");
	pl_event_nat_str(&ev, buf, sizeof(buf));
	ASSERT_STREQ(
		buf,
		" RNAT 10.244.2.20:8080 -> 192.168.50.1:30080 dst 192.168.50.1 -> 203.0.113.10",
		"its reply: source and destination back");
	ev.flags = PL_EV_F_IPV4;
	ASSERT_EQ(pl_event_nat_str(&ev, buf, sizeof(buf)), 0, "no translation: nothing");
	pl_event_format(&ev, buf, sizeof(buf));
	ASSERT_TRUE(!strstr(buf, "NAT"), "and none in the flow line");
}
