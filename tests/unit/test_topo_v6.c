// SPDX-License-Identifier: GPL-2.0
/* IPv6 in topology files: ipFamilies, podCIDRv6, node and pod ipv6; broken ones name file:line:col.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "topo/topo.h"
#include "topo_test_util.h"

/* Two dual-stack nodes, lines 1-16: a's ipv6 (A6, with its ", ipv6: "), node2's ipv6 and podCIDRv6.
 */
#define D2(fams, a6, ip6_2, cidr6_2)                                                               \
	"ipFamilies: " fams "\n"                                                                   \
	"nodes:\n"                                                                                 \
	"  - name: node1\n"                                                                        \
	"    ip: 192.168.50.1\n"                                                                   \
	"    ipv6: fd00:50::1/64\n"                                                                \
	"    podCIDR: 10.244.1.0/24\n"                                                             \
	"    podCIDRv6: fd00:1::/64\n"                                                             \
	"    pods:\n"                                                                              \
	"      - {name: a, ip: 10.244.1.10" a6 "}\n"                                               \
	"  - name: node2\n"                                                                        \
	"    ip: 192.168.50.2\n"                                                                   \
	"    ipv6: " ip6_2 "\n"                                                                    \
	"    podCIDR: 10.244.2.0/24\n"                                                             \
	"    podCIDRv6: " cidr6_2 "\n"                                                             \
	"    pods:\n"                                                                              \
	"      - {name: b, ip: 10.244.2.10}\n"
#define D2OK D2("[IPv4, IPv6]", ", ipv6: fd00:1::a", "fd00:50::2/64", "fd00:2::/64")

static uint8_t *ip6(const char *s)
{
	static uint8_t buf[16];

	if (inet_pton(AF_INET6, s, buf) != 1)
		abort();
	return buf;
}

struct bad_case6 {
	const char *desc;
	const char *text;
	const char *msg; /* expected substring, with t:LINE:COL */
};

static const struct bad_case6 bad_cases6[] = {
	{"podCIDRv6 overlapping another node's",
	 D2("[IPv4, IPv6]", "", "fd00:50::2/64", "fd00:1::/48"),
	 "t:14:16: podCIDRv6 fd00:1::/48 overlaps podCIDRv6 fd00:1::/64 of node 'node1'"},
	{"podCIDRv6 overlapping the underlay",
	 D2("[IPv4, IPv6]", "", "fd00:50::2/64", "fd00:50::/64"),
	 "t:14:16: podCIDRv6 fd00:50::/64 overlaps the underlay IPv6 network of node 'node1'"},
	{"an IPv4 prefix in podCIDRv6 (mixed families)",
	 D2("[IPv4, IPv6]", "", "fd00:50::2/64", "10.244.3.0/24"),
	 "t:14:16: podCIDRv6 '10.244.3.0/24' is IPv4: podCIDRv6 holds IPv6 only (mixed families"},
	{"an IPv6 prefix in podCIDR (mixed families)",
	 "nodes:\n  - {name: n, ip: 192.168.50.1, podCIDR: 'fd00:1::/64'}\n",
	 "t:2:42: podCIDR 'fd00:1::/64' is IPv6: podCIDR holds IPv4 only (mixed families; the "
	 "IPv6 one goes in podCIDRv6)"},
	{"an IPv4 address as pod ipv6",
	 D2("[IPv4, IPv6]", ", ipv6: 10.244.1.10", "fd00:50::2/64", "fd00:2::/64"),
	 "t:9:42: pod ipv6 '10.244.1.10' is IPv4: pod ipv6 holds IPv6 only (mixed families"},
	{"podCIDRv6 too small for a pod's allocated address",
	 D2("[IPv4, IPv6]", "", "fd00:50::2/64", "fd00:2::/125"),
	 "t:16:23: podCIDRv6 fd00:2::/125 of node 'node2' is too small for pod 'b': its IPv6 "
	 "address takes the host part of 10.244.2.10 (10)"},
	{"ipFamilies naming IPv6, a node without podCIDRv6",
	 "ipFamilies: [IPv4, IPv6]\nnodes:\n  - {name: n, ip: 192.168.50.1, podCIDR: "
	 "10.244.1.0/24, "
	 "ipv6: 'fd00:50::1'}\n",
	 "t:3:5: node 'n' needs a podCIDRv6: ipFamilies names IPv6"},
	{"podCIDRv6 without IPv6 in ipFamilies", D2("[IPv4]", "", "fd00:50::2/64", "fd00:2::/64"),
	 "t:7:16: podCIDRv6 needs IPv6 in ipFamilies (ipFamilies: [IPv4, IPv6])"},
	{"native without a node ipv6",
	 "ipFamilies: [IPv4, IPv6]\nnodes:\n  - {name: n, ip: 192.168.50.1, podCIDR: "
	 "10.244.1.0/24, "
	 "podCIDRv6: 'fd00:1::/64'}\n",
	 "t:3:5: node 'n' needs an ipv6 (its underlay IPv6 address): routing native routes pod "
	 "IPv6 through it"},
	{"unknown family", D2("[IPv4, IPv5]", "", "fd00:50::2/64", "fd00:2::/64"),
	 "t:1:20: unknown IP family 'IPv5' (expected IPv4 or IPv6)"},
	{"family twice", D2("[IPv6, IPv6]", "", "fd00:50::2/64", "fd00:2::/64"),
	 "t:1:20: IP family IPv6 is listed twice"},
	{"no family", D2("[]", "", "fd00:50::2/64", "fd00:2::/64"),
	 "t:1:13: ipFamilies lists one or two families"},
	{"IPv6 single-stack", D2("[IPv6]", "", "fd00:50::2/64", "fd00:2::/64"),
	 "t:1:13: ipFamilies [IPv6] (IPv6 single-stack) is not supported yet"},
	{"IPv6 with routing fabric",
	 "routing: fabric\n" D2("[IPv4, IPv6]", "", "fd00:50::2/64", "fd00:2::/64"),
	 "t:2:13: ipFamilies with IPv6 and routing fabric is not supported yet (native, vxlan "
	 "and legacy are)"},
	{"legacy without a node ipv6",
	 "routing: legacy\nipFamilies: [IPv4, IPv6]\nnodes:\n  - {name: n, ip: 192.168.50.1, "
	 "podCIDR: 10.244.1.0/24, podCIDRv6: 'fd00:1::/64'}\n",
	 "t:4:5: node 'n' needs an ipv6 (its underlay IPv6 address): routing legacy masquerades "
	 "pod IPv6 to it"},
	{"podCIDRv6 with host bits", D2("[IPv4, IPv6]", "", "fd00:50::2/64", "fd00:2::1/64"),
	 "t:14:16: podCIDRv6 has host bits set (did you mean fd00:2::/64?)"},
	{"pod ipv6 outside its node's podCIDRv6",
	 D2("[IPv4, IPv6]", ", ipv6: 'fd00:2::a'", "fd00:50::2/64", "fd00:2::/64"),
	 "t:9:42: pod ipv6 fd00:2::a is outside podCIDRv6 fd00:1::/64 of its node 'node1'"},
	{"pod ipv6 the subnet-router anycast address",
	 D2("[IPv4, IPv6]", ", ipv6: 'fd00:1::'", "fd00:50::2/64", "fd00:2::/64"),
	 "t:9:42: pod ipv6 fd00:1:: is the subnet-router anycast address of fd00:1::/64"},
	{"duplicate pod ipv6 (given, then allocated)",
	 "ipFamilies: [IPv4, IPv6]\nnodes:\n  - name: n\n    ip: 192.168.50.1\n"
	 "    ipv6: fd00:50::1/64\n    podCIDR: 10.244.1.0/24\n    podCIDRv6: fd00:1::/64\n"
	 "    pods:\n      - {name: a, ip: 10.244.1.10, ipv6: 'fd00:1::b'}\n"
	 "      - {name: b, ip: 10.244.1.11}\n",
	 "t:10:23: duplicate pod ipv6 fd00:1::b: pod 'a' (line 9) has it"},
	{"node ipv6 outside the other nodes' underlay network",
	 D2("[IPv4, IPv6]", "", "fd00:51::2/64", "fd00:2::/64"),
	 "t:12:11: node ipv6 fd00:51::2 is not in the underlay IPv6 network of node 'node1' "
	 "(fd00:50::1/64): all nodes share one"},
	{"node ipv6 the same as another's", D2("[IPv4, IPv6]", "", "fd00:50::1/64", "fd00:2::/64"),
	 "t:12:11: node ipv6 fd00:50::1 is already the ipv6 of node 'node1'"},
	{"node ipv6 not an address", D2("[IPv4, IPv6]", "", "fd00:50::zz", "fd00:2::/64"),
	 "t:12:11: node ipv6 'fd00:50::zz' is not an IPv6 address"},
};

PL_TEST(unit, topo_v6_broken_files)
{
	const struct bad_case6 *c;

	for (c = bad_cases6; c < bad_cases6 + sizeof(bad_cases6) / sizeof(bad_cases6[0]); c++) {
		pl_subtest("%s", c->desc);
		topo_test_expect_broken(c->text, c->msg);
	}
}

PL_TEST(unit, topo_v6_addresses)
{
	struct topo *t = NULL;
	char *diag = NULL;

	if (!ASSERT_OK(topo_test_parse(D2OK, &t, &diag), "parse"))
		goto out;
	ASSERT_STREQ(diag, "", "no messages");
	ASSERT_EQ(t->families, TOPO_FAM_IPV4 | TOPO_FAM_IPV6, "dual stack");
	ASSERT_TRUE(pl_topo_has_v6(t), "has IPv6");
	ASSERT_MEMEQ(t->nodes[1].pod_cidr6, ip6("fd00:2::"), 16, "node2 podCIDRv6");
	ASSERT_EQ(t->nodes[1].pod_plen6, 64, "/64");
	ASSERT_MEMEQ(t->nodes[1].underlay_ip6, ip6("fd00:50::2"), 16, "node2 ipv6");
	ASSERT_EQ(t->nodes[1].underlay_plen6, 64, "underlay /64");
	ASSERT_MEMEQ(t->pods[0].ip6, ip6("fd00:1::a"), 16, "a: given");
	/* 10.244.2.10 in a /24: host part 10, the low bits of node2's podCIDRv6. */
	ASSERT_MEMEQ(t->pods[1].ip6, ip6("fd00:2::a"), 16, "b: allocated");
	ASSERT_EQ(pl_topo_pod_by_ip6(t, ip6("fd00:2::a")), 1, "pod by ipv6");
	ASSERT_EQ(pl_topo_pod_by_ip6(t, ip6("fd00:2::b")), -1, "no such pod");
	ASSERT_EQ(pl_topo_node_by_pod_ip6(t, ip6("fd00:2::99")), 1, "node by podCIDRv6");
	ASSERT_EQ(pl_topo_node_by_pod_ip6(t, ip6("fd00:3::1")), -1, "outside every podCIDRv6");
out:
	pl_topo_free(t);
	free(diag);
}

PL_TEST(unit, topo_v6_default_ipv4_only)
{
	struct topo *t = NULL;
	char *diag = NULL;

	if (!ASSERT_OK(topo_test_parse("nodes:\n  - {name: n, ip: 192.168.50.1, podCIDR: "
				       "10.244.1.0/24, pods: [{name: a, ip: 10.244.1.10}]}\n",
				       &t, &diag),
		       "parse"))
		goto out;
	ASSERT_EQ(t->families, TOPO_FAM_IPV4, "IPv4 by default");
	ASSERT_FALSE(pl_topo_has_v6(t), "no IPv6");
	ASSERT_EQ(pl_topo_pod_by_ip6(t, t->pods[0].ip6), -1, "no pod has an IPv6 address");
out:
	pl_topo_free(t);
	free(diag);
}

PL_TEST(unit, topo_v6_shipped)
{
	static const char *const files[] = {"two-node-dual-stack.yaml",
					    "two-node-dual-stack-vxlan.yaml",
					    "two-node-dual-stack-cidr.yaml"};
	struct topo *t;
	unsigned int i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		pl_subtest("%s", files[i]);
		if (!ASSERT_OK(pl_topo_parse(topo_test_shipped(files[i]), &t), "parse"))
			continue;
		ASSERT_TRUE(pl_topo_has_v6(t), "dual stack");
		ASSERT_EQ(t->npods, 4, "pods");
		/* client 10.244.1.11: allocated fd00:10:244:1::b. */
		ASSERT_MEMEQ(t->pods[1].ip6, ip6("fd00:10:244:1::b"), 16, "client allocated");
		ASSERT_MEMEQ(t->pods[2].ip6, ip6("fd00:10:244:2::20"), 16, "backend given");
		pl_topo_free(t);
	}
}
