// SPDX-License-Identifier: GPL-2.0
/* Replay injection points: --at parsing and the automatic choice from the packet. */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "test.h"
#include "lib/pkt.h"
#include "replay/replay.h"
#include "topo/topo.h"

static const char topo_yaml[] =
	"name: inj\n"
	"routing: vxlan\n"
	"nodes:\n"
	"  - name: node1\n"
	"    ip: 192.168.50.1/24\n"
	"    podCIDR: 10.244.1.0/24\n"
	"    pods:\n"
	"      - {name: frontend, ip: 10.244.1.10, labels: {app: frontend}}\n"
	"  - name: node2\n"
	"    ip: 192.168.50.2/24\n"
	"    podCIDR: 10.244.2.0/24\n"
	"    pods:\n"
	"      - {name: backend, ip: 10.244.2.20, labels: {app: backend}}\n"
	"underlay:\n"
	"  type: p2p\n";

static int frame(const char *src, const char *dst, bool vxlan, uint8_t *buf, size_t cap)
{
	struct pl_pkt_spec s = {.saddr = inet_addr(src),
				.daddr = inet_addr(dst),
				.proto = IPPROTO_TCP,
				.sport = 40000,
				.dport = 80};
	struct pl_pkt_spec o = {.saddr = inet_addr("192.168.50.1"),
				.daddr = inet_addr("192.168.50.2")};
	uint8_t inner[128];
	int n = pl_pkt_build(&s, vxlan ? inner : buf, vxlan ? sizeof(inner) : cap);

	if (n < 0 || !vxlan)
		return n;
	return pl_pkt_build_vxlan(&o, 256, inner, n, buf, cap);
}

static const struct {
	const char *desc;
	const char *src, *dst;
	bool vxlan;
	int rc;
	enum pl_inject_kind kind;
	const char *where; /* pl_inject_str */
} choose_cases[] = {
	{"source is a pod", "10.244.1.10", "10.244.2.20", false, 0, PL_INJECT_POD, "frontend"},
	{"vxlan to a node", "10.244.1.10", "10.244.2.20", true, 0, PL_INJECT_UPLINK,
	 "node2:uplink"},
	{"destination pod", "203.0.113.5", "10.244.2.20", false, 0, PL_INJECT_UPLINK,
	 "node2:uplink"},
	{"destination in a pod CIDR", "203.0.113.5", "10.244.1.99", false, 0, PL_INJECT_UPLINK,
	 "node1:uplink"},
	{"destination is a node", "203.0.113.5", "192.168.50.1", false, 0, PL_INJECT_UPLINK,
	 "node1:uplink"},
	{"outside the topology", "203.0.113.5", "198.51.100.1", false, -ENOENT, 0, NULL},
};

PL_TEST(unit, inject_choose)
{
	struct pl_inject in;
	struct topo *t;
	uint8_t buf[256];
	char why[160], where[64];
	size_t i;
	int n;

	if (!ASSERT_OK(pl_topo_parse_string("inj.yaml", topo_yaml, &t), "topology"))
		return;
	for (i = 0; i < sizeof(choose_cases) / sizeof(choose_cases[0]); i++) {
		pl_subtest("%s", choose_cases[i].desc);
		n = frame(choose_cases[i].src, choose_cases[i].dst, choose_cases[i].vxlan, buf,
			  sizeof(buf));
		if (!ASSERT_GT(n, 0, "build"))
			continue;
		ASSERT_EQ(pl_inject_choose(t, buf, n, &in, why, sizeof(why)), choose_cases[i].rc,
			  "rc");
		if (choose_cases[i].rc)
			continue;
		ASSERT_EQ(in.kind, choose_cases[i].kind, "kind");
		pl_inject_str(&in, t, where, sizeof(where));
		ASSERT_STREQ(where, choose_cases[i].where, "where");
	}
	pl_subtest("not IPv4");
	memset(buf, 0, 60);
	buf[12] = 0x08;
	buf[13] = 0x06;
	ASSERT_EQ(pl_inject_choose(t, buf, 60, &in, why, sizeof(why)), -ENOENT, "arp");
	ASSERT_STRSTR(why, "use --at", "says what to do");
	pl_topo_free(t);
}

PL_TEST(unit, inject_parse)
{
	struct pl_inject in;
	struct topo *t;
	char err[160], where[64];

	if (!ASSERT_OK(pl_topo_parse_string("inj.yaml", topo_yaml, &t), "topology"))
		return;
	ASSERT_OK(pl_inject_parse("backend", t, &in, err, sizeof(err)), "pod");
	ASSERT_EQ(in.kind, PL_INJECT_POD, "pod kind");
	ASSERT_EQ(in.node, 1, "pod's node");
	ASSERT_OK(pl_inject_parse("node1:vxlan", t, &in, err, sizeof(err)), "vxlan");
	pl_inject_str(&in, t, where, sizeof(where));
	ASSERT_STREQ(where, "node1:vxlan", "vxlan str");
	ASSERT_EQ(pl_inject_parse("node3:uplink", t, &in, err, sizeof(err)), -EINVAL, "node3");
	ASSERT_STRSTR(err, "'node3' is not a node", "node3 message");
	ASSERT_EQ(pl_inject_parse("node1:eth0", t, &in, err, sizeof(err)), -EINVAL, "eth0");
	ASSERT_STRSTR(err, "uplink or vxlan", "device message");
	ASSERT_EQ(pl_inject_parse("nobody", t, &in, err, sizeof(err)), -EINVAL, "nobody");
	ASSERT_STRSTR(err, "not a pod", "pod message");
	pl_topo_free(t);
}

PL_TEST(unit, result_line_and_nat)
{
	struct pl_result r = {.number = 7,
			      .status = PL_RES_OK,
			      .ipv4 = true,
			      .have_out_tuple = true,
			      .verdict = PL_VERDICT_REDIRECTED,
			      .delivery = PL_DELIV_POD,
			      .deliver_pod = 1,
			      .nhops = 1};
	struct topo *t;
	char line[512];
	FILE *f;

	if (!ASSERT_OK(pl_topo_parse_string("inj.yaml", topo_yaml, &t), "topology"))
		return;
	r.inject = (struct pl_inject){.kind = PL_INJECT_UPLINK, .node = 1, .pod = -1};
	r.hops[0] = (struct pl_hop){.node = 1,
				    .prog = PL_PROG_FROM_OVERLAY,
				    .obs_point = PL_OBS_TO_ENDPOINT,
				    .verdict = PL_VERDICT_REDIRECTED};
	r.in_saddr = r.out_saddr = inet_addr("10.244.1.10");
	r.in_daddr = r.out_daddr = inet_addr("10.244.2.20");
	snprintf(r.summary, sizeof(r.summary), "S");
	ASSERT_TRUE(pl_result_nat_free(&r), "nat free");
	f = fmemopen(line, sizeof(line), "w");
	pl_result_print(f, &r, t);
	fclose(f);
	ASSERT_STRSTR(line, "at node2:uplink | from_overlay | TO_ENDPOINT | REDIRECTED", "hops");
	ASSERT_STRSTR(line, "to backend | addrs preserved | encap none", "tail");
	r.out_saddr = inet_addr("192.168.50.1");
	ASSERT_FALSE(pl_result_nat_free(&r), "translated");
	f = fmemopen(line, sizeof(line), "w");
	pl_result_print(f, &r, t);
	fclose(f);
	ASSERT_STRSTR(line, "rewritten src 10.244.1.10:0->192.168.50.1:0", "rewritten");
	pl_topo_free(t);
}
