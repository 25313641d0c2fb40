// SPDX-License-Identifier: GPL-2.0
/* Scenario parser: a valid file's fields, and the error table (message and position). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <unistd.h>

#include "test.h"
#include "lib/datapath.h"
#include "replay/scenario.h"

/* Parses text with stderr captured into msg. */
static int parse_capture(const char *text, struct pl_scenario **s, char *msg, size_t len)
{
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO), err;
	size_t n;

	fflush(stderr);
	dup2(fileno(tmp), STDERR_FILENO);
	err = pl_scenario_parse_string("s.yaml", text, s);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(msg, 1, len - 1, tmp);
	msg[n] = '\0';
	fclose(tmp);
	return err;
}

PL_TEST(unit, scenario_valid_fields)
{
	static const char text[] =
		"name: vxlan allowed\n"
		"topology: /t/two-node-vxlan.yaml\n"
		"mode: unit\n"
		"at: node1:uplink\n"
		"inputs:\n"
		"  - pcap: /p/a.pcap\n"
		"    filter: tcp\n"
		"  - packets: |\n"
		"      tcp 10.244.1.10:40000 > 10.244.2.10:80 flags S\n"
		"expect:\n"
		"  - packets: [1, 3]\n"
		"    verdict: REDIRECTED\n"
		"    drop_reason: none\n"
		"    observation_points: [FROM_ENDPOINT]\n"
		"    delivered_to: node1:vxlan\n"
		"    nat_free: true\n"
		"    encap: {vni: 256, outer_src: 192.168.50.1, outer_dst: 192.168.50.2}\n"
		"  - flow: {src: 10.244.1.10, dport: 80, proto: tcp, reply: true}\n"
		"    drop_reason: POLICY_DENIED\n"
		"  - filter: udp\n"
		"    verdict: 2\n"
		"counters:\n"
		"  - node: node1\n"
		"    program: from_pod\n"
		"    verdict: DROPPED\n"
		"    reason: 133\n"
		"    dir: egress\n"
		"    packets: 2\n";
	struct pl_scenario *s = NULL;
	char msg[512];

	if (!ASSERT_OK(parse_capture(text, &s, msg, sizeof(msg)), msg))
		return;
	ASSERT_STREQ(s->name, "vxlan allowed", "name");
	ASSERT_STREQ(s->topology, "/t/two-node-vxlan.yaml", "topology");
	ASSERT_STREQ(s->at.text, "node1:uplink", "at");
	ASSERT_EQ(s->ninputs, 2, "inputs");
	ASSERT_STREQ(s->inputs[0].filter, "tcp", "input filter");
	ASSERT_STRSTR(s->inputs[1].packets, "flags S", "inline spec");
	ASSERT_EQ(s->nexpects, 3, "expects");
	ASSERT_EQ(s->expects[0].sel, PL_SEL_NUMBERS, "sel numbers");
	ASSERT_EQ(s->expects[0].nnumbers, 2, "two numbers");
	ASSERT_EQ(s->expects[0].numbers[1], 3, "number 3");
	ASSERT_EQ(s->expects[0].verdict, PL_VERDICT_REDIRECTED, "verdict");
	ASSERT_TRUE(s->expects[0].has_drop_reason && !s->expects[0].drop_reason, "no drop");
	ASSERT_EQ(s->expects[0].npoints, 1, "points");
	ASSERT_EQ(s->expects[0].points[0], PL_OBS_FROM_ENDPOINT, "FROM_ENDPOINT");
	ASSERT_EQ(s->expects[0].nat, PL_NAT_FREE, "nat");
	ASSERT_EQ(s->expects[0].vni, 256, "vni");
	ASSERT_EQ(s->expects[0].outer_dst, inet_addr("192.168.50.2"), "outer dst");
	ASSERT_EQ(s->expects[1].sel, PL_SEL_FLOW, "sel flow");
	ASSERT_EQ(s->expects[1].flow.src, inet_addr("10.244.1.10"), "flow src");
	ASSERT_EQ(s->expects[1].flow.dport, 80, "flow dport");
	ASSERT_TRUE(s->expects[1].flow.reply, "flow reply");
	ASSERT_EQ(s->expects[1].drop_reason, PL_DROP_POLICY_DENIED, "reason by name");
	ASSERT_EQ(s->expects[2].verdict, PL_VERDICT_DROPPED, "verdict by number");
	ASSERT_EQ(s->ncounters, 1, "counters");
	ASSERT_EQ(s->counters[0].prog, PL_PROG_FROM_POD, "counter prog");
	ASSERT_EQ(s->counters[0].reason, 133, "counter reason");
	ASSERT_EQ(s->counters[0].dir, PL_DIR_EGRESS, "counter dir");
	ASSERT_EQ(s->counters[0].packets, 2, "counter packets");
	pl_scenario_free(s);
}

#define HEAD "topology: t.yaml\ninputs:\n  - pcap: a.pcap\n"

static const struct {
	const char *desc;
	const char *text;
	const char *msg; /* expected stderr, position included */
} bad[] = {
	{"empty file", "", "s.yaml:1:1: empty scenario"},
	{"not a mapping", "- a\n", "s.yaml:1:1: scenario: expected a mapping"},
	{"yaml syntax", "a: [1, 2\n", "s.yaml:2:1: "},
	{"unknown top key", HEAD "expect:\n  - all: true\n    verdict: DROPPED\nfoo: 1\n",
	 "s.yaml:7:1: unknown key 'foo'"},
	{"duplicate key", HEAD "topology: u.yaml\n",
	 "s.yaml:4:1: scenario: duplicate key 'topology'"},
	{"no topology", "inputs:\n  - pcap: a.pcap\nexpect:\n  - all: true\n    verdict: DROPPED\n",
	 "s.yaml:1:1: topology: required"},
	{"no inputs", "topology: t.yaml\nexpect:\n  - all: true\n    verdict: DROPPED\n",
	 "s.yaml:1:1: inputs: required"},
	{"no expectations", HEAD, "s.yaml:1:1: a scenario without expectations"},
	{"empty expect list", HEAD "expect: []\n", "s.yaml:4:9: expect: empty list"},
	{"prefilter not a CIDR", HEAD "prefilter: [198.51.100.0/33]\n",
	 "s.yaml:4:13: prefilter: '198.51.100.0/33' has a bad prefix length"},
	{"prefilter IPv4 host bits", HEAD "prefilter: [198.51.100.1/24]\n",
	 "s.yaml:4:13: prefilter: '198.51.100.1/24' has host bits set"},
	{"prefilter IPv6 host bits", HEAD "prefilter: [2001:db8:100::1/48]\n",
	 "s.yaml:4:13: prefilter: '2001:db8:100::1/48' has host bits set"},
	{"prefilter not IPv6", HEAD "prefilter: [2001:db8::g/48]\n",
	 "s.yaml:4:13: prefilter: '2001:db8::g/48' is not an IPv6 CIDR"},
	{"prefilter IPv6 length", HEAD "prefilter: [2001:db8::/129]\n",
	 "s.yaml:4:13: prefilter: '2001:db8::/129' is not an IPv6 CIDR"},
	{"bad mode", HEAD "mode: sim2\nexpect:\n  - all: true\n    verdict: DROPPED\n",
	 "s.yaml:4:7: mode: 'sim2' is not unit, sim or live"},
	{"input with both", "topology: t.yaml\ninputs:\n  - pcap: a.pcap\n    packets: x\n",
	 "s.yaml:3:5: inputs: each input needs exactly one of pcap or packets"},
	{"input unknown key", "topology: t.yaml\ninputs:\n  - pcapng: a.pcap\n",
	 "s.yaml:3:5: inputs: unknown key 'pcapng'"},
	{"unknown verdict", HEAD "expect:\n  - packet: 1\n    verdict: ALLOWED\n",
	 "s.yaml:6:14: verdict: unknown verdict 'ALLOWED'"},
	{"unknown drop reason", HEAD "expect:\n  - packet: 1\n    drop_reason: NOPE\n",
	 "s.yaml:6:18: drop_reason: unknown drop reason 'NOPE'"},
	{"unknown point", HEAD "expect:\n  - packet: 1\n    observation_points: [FROM_POD]\n",
	 "s.yaml:6:26: observation_points: unknown point 'FROM_POD'"},
	{"packet zero", HEAD "expect:\n  - packet: 0\n    verdict: DROPPED\n",
	 "s.yaml:5:13: packet: numbers start at 1"},
	{"packet not a number", HEAD "expect:\n  - packet: one\n    verdict: DROPPED\n",
	 "s.yaml:5:13: packet: 'one' is not a number"},
	{"two selectors", HEAD "expect:\n  - packet: 1\n    all: true\n    verdict: DROPPED\n",
	 "s.yaml:6:5: expect: choose one of"},
	{"no selector", HEAD "expect:\n  - verdict: DROPPED\n",
	 "s.yaml:5:5: expect: say which packets"},
	{"nothing to check", HEAD "expect:\n  - packet: 1\n",
	 "s.yaml:5:5: expect: nothing to check"},
	{"bad nat_free", HEAD "expect:\n  - packet: 1\n    nat_free: yes\n",
	 "s.yaml:6:15: nat_free: must be true or translated"},
	{"nat unknown word", HEAD "expect:\n  - packet: 1\n    nat: off\n",
	 "s.yaml:6:10: nat: 'off' is neither none nor a mapping {dnat, snat, rev_nat, at}"},
	{"nat unknown key", HEAD "expect:\n  - packet: 1\n    nat: {masq: x}\n",
	 "s.yaml:6:11: nat: unknown key 'masq' (dnat, snat, rev_nat, at)"},
	{"nat dnat no port",
	 HEAD "expect:\n  - packet: 1\n    nat: {dnat: '10.96.0.10 -> 10.244.2.20:80'}\n",
	 "s.yaml:6:17: nat: dnat '10.96.0.10 -> 10.244.2.20:80' is not 'IP:PORT -> IP:PORT'"},
	{"nat dnat no arrow", HEAD "expect:\n  - packet: 1\n    nat:\n      dnat: 10.96.0.10:80\n",
	 "s.yaml:7:13: nat: dnat '10.96.0.10:80' is not 'IP:PORT -> IP:PORT'"},
	{"nat rev_nat bad port",
	 HEAD "expect:\n  - packet: 1\n    nat: {rev_nat: '1.2.3.4:0 -> 1.2.3.5:80'}\n",
	 "s.yaml:6:20: nat: rev_nat '1.2.3.4:0 -> 1.2.3.5:80' is not 'IP:PORT -> IP:PORT'"},
	{"nat snat word", HEAD "expect:\n  - packet: 1\n    nat: {snat: pod-ip}\n",
	 "s.yaml:6:17: nat: snat 'pod-ip' is not node-ip or an IPv4 address"},
	{"nat at xdp", HEAD "expect:\n  - packet: 1\n    nat: {snat: node-ip, at: xdp_prefilter}\n",
	 "s.yaml:6:30: nat: at 'xdp_prefilter' is not from_pod, from_network or from_overlay"},
	{"nat only at", HEAD "expect:\n  - packet: 1\n    nat: {at: from_pod}\n",
	 "s.yaml:6:10: nat: say dnat, snat or rev_nat (or nat: none)"},
	{"bad outer ip", HEAD "expect:\n  - packet: 1\n    encap: {outer_src: 10.1.2}\n",
	 "s.yaml:6:24: outer_src: '10.1.2' is not an IPv4 address"},
	{"vni too big", HEAD "expect:\n  - packet: 1\n    encap: {vni: 16777216}\n",
	 "s.yaml:6:18: vni: '16777216' is not a number in 0..16777215"},
	{"flow bad proto", HEAD "expect:\n  - flow: {proto: sctp}\n    verdict: DROPPED\n",
	 "s.yaml:5:19: flow: proto 'sctp' is not tcp, udp or icmp"},
	{"counter missing packets", HEAD "counters:\n  - node: node1\n    verdict: DROPPED\n",
	 "s.yaml:5:5: counters: node, verdict and packets are required"},
	{"counter bad dir", HEAD "counters:\n  - node: n\n    dir: up\n",
	 "s.yaml:6:10: dir: must be ingress or egress"},
	{"l7 bad verdict", HEAD "expect:\n  - packet: 1\n    l7: {verdict: 403}\n",
	 "s.yaml:6:19: l7: verdict must be allowed or denied"},
	{"l7 unknown key", HEAD "expect:\n  - packet: 1\n    l7: {status: 403}\n",
	 "s.yaml:6:10: l7: unknown key 'status' (method, path, host, segments, verdict)"},
	{"l7 no segments", HEAD "expect:\n  - packet: 1\n    l7: {segments: 0}\n",
	 "s.yaml:6:20: l7: segments must be 1 or more"},
	{"unknown requirement",
	 HEAD "requires: [gpu]\nexpect:\n  - all: true\n    verdict: DROPPED\n",
	 "s.yaml:4:12: requires: unknown feature 'gpu'"},
};

PL_TEST(unit, scenario_errors)
{
	struct pl_scenario *s;
	char msg[512];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pl_subtest("%s", bad[i].desc);
		s = (void *)1;
		ASSERT_EQ(parse_capture(bad[i].text, &s, msg, sizeof(msg)), -EINVAL, "rejected");
		ASSERT_TRUE(s == NULL, "nothing half-built");
		ASSERT_STRSTR(msg, bad[i].msg, "message");
		ASSERT_TRUE(strchr(msg, '\n') == strrchr(msg, '\n'), "one line");
	}
}
