// SPDX-License-Identifier: GPL-2.0
/* Topology files: shipped ones parse; broken ones fail with file:line:col and one line. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "lib/units.h"
#include "test.h"
#include "topo/topo.h"
#include "topo/topo_addr.h"
#include "topo_test_util.h"

/* Two nodes, lines 1-11; pods in flow style so the columns are easy to count. */
#define N2(node2_ip, cidr2)                                                                        \
	"nodes:\n"                                                                                 \
	"  - name: node1\n"                                                                        \
	"    ip: 192.168.50.1\n"                                                                   \
	"    podCIDR: 10.244.1.0/24\n"                                                             \
	"    pods:\n"                                                                              \
	"      - {name: a, ip: 10.244.1.10, labels: {app: a}}\n"                                   \
	"  - name: node2\n"                                                                        \
	"    ip: " node2_ip "\n"                                                                   \
	"    podCIDR: " cidr2 "\n"                                                                 \
	"    pods:\n"                                                                              \
	"      - {name: b, ip: 10.244.2.10, labels: {app: b}}\n"
#define N2OK N2("192.168.50.2", "10.244.2.0/24")

/* Two nodes for routing fabric (after a routing line), lines 2-11: pods in the underlay subnet. */
#define FABRIC_N2                                                                                  \
	"nodes:\n"                                                                                 \
	"  - name: node1\n"                                                                        \
	"    ip: 192.168.50.1\n"                                                                   \
	"    podCIDR: 192.168.50.64/28\n"                                                          \
	"    pods:\n"                                                                              \
	"      - {name: a, ip: 192.168.50.70, labels: {app: a}}\n"                                 \
	"  - name: node2\n"                                                                        \
	"    ip: 192.168.50.2\n"                                                                   \
	"    podCIDR: 192.168.50.80/28\n"                                                          \
	"    pods:\n"                                                                              \
	"      - {name: b, ip: 192.168.50.90, labels: {app: b}}\n"

/* One node, lines 1-6. */
#define N1(node_name, cidr, pod_ip)                                                                \
	"nodes:\n"                                                                                 \
	"  - name: " node_name "\n"                                                                \
	"    ip: 192.168.50.1\n"                                                                   \
	"    podCIDR: " cidr "\n"                                                                  \
	"    pods:\n"                                                                              \
	"      - {name: a, ip: " pod_ip "}\n"

/* A policy header, lines 12-16 after N2OK; the spec body starts on line 17. */
#define CNP_HEAD                                                                                   \
	"policies:\n"                                                                              \
	"  - apiVersion: cilium.io/v2\n"                                                           \
	"    kind: CiliumNetworkPolicy\n"                                                          \
	"    metadata: {name: p}\n"                                                                \
	"    spec:\n"
#define KNP_HEAD                                                                                   \
	"policies:\n"                                                                              \
	"  - apiVersion: networking.k8s.io/v1\n"                                                   \
	"    kind: NetworkPolicy\n"                                                                \
	"    metadata: {name: p}\n"                                                                \
	"    spec:\n"
/* Link header, lines 12-14 after N2OK; the qdisc is on line 15. */
#define LINK_HEAD                                                                                  \
	"underlay:\n"                                                                              \
	"  links:\n"                                                                               \
	"    - node: node1\n"

struct bad_case {
	const char *desc;
	const char *text;
	const char *msg; /* expected substring, with t:LINE:COL */
};

/* One node with pod a's nginx: VALUE on line 6, from column 43. */
#define NGINX(value)                                                                               \
	"nodes:\n  - name: n1\n    ip: 192.168.50.1\n    podCIDR: 10.244.1.0/24\n    pods:\n"      \
	"      - {name: a, ip: 10.244.1.10, nginx: " value "}\n"

static const struct bad_case bad_cases[] = {
	{"nginx port 0", NGINX("{port: 0}"), "t:6:50: nginx port 0 is out of range 1..65535"},
	{"nginx unknown key", NGINX("{listen: 80}"),
	 "t:6:44: unknown key 'listen' in nginx (expected one of: port)"},
	{"nginx not a bool", NGINX("maybe"), "t:6:43: nginx must be true or false, not 'maybe'"},
	{"unknown top-level key", N2OK "mtux: 1500\n",
	 "t:12:1: unknown key 'mtux' in the topology (expected one of: name, routing"},
	{"duplicate key", N2OK "mtu: 1500\nmtu: 9000\n",
	 "t:13:1: duplicate key 'mtu' in the topology (first at line 12)"},
	{"wrong type: mtu not a number", N2OK "mtu: big\n",
	 "t:12:6: mtu must be a whole number, not 'big'"},
	{"wrong type: nodes is a mapping", "nodes: {name: x}\n",
	 "t:1:8: nodes must be a list, not a mapping"},
	{"unknown routing mode", "routing: bgp\n" N2OK,
	 "t:1:10: unknown routing mode 'bgp' (expected native, vxlan, legacy, fabric or ipip)"},
	/* routing ipip: Calico's ipipMode and natOutgoing; CrossSubnet needs node subnets. */
	{"ipip: CrossSubnet without node subnets", "routing: ipip\nipipMode: CrossSubnet\n" N2OK,
	 "t:5:9: ipipMode CrossSubnet (line 2) compares node subnets: give this node ip its "
	 "prefix (a.b.c.d/len)"},
	{"ipip: CrossSubnet, the second node without its subnet",
	 "routing: ipip\nipipMode: CrossSubnet\n"
	 "nodes:\n  - {name: n1, ip: 192.168.50.1/24, podCIDR: 10.244.1.0/24}\n"
	 "  - {name: n2, ip: 192.168.60.2, podCIDR: 10.244.2.0/24}\n",
	 "t:5:20: ipipMode CrossSubnet (line 2) compares node subnets"},
	{"ipip: unknown ipipMode", "routing: ipip\nipipMode: Sometimes\n" N2OK,
	 "t:2:11: ipipMode must be Always or CrossSubnet, not 'Sometimes'"},
	{"ipip: ipipMode Never", "routing: ipip\nipipMode: Never\n" N2OK,
	 "t:2:11: ipipMode must be Always or CrossSubnet, not 'Never' (Never is routing native)"},
	{"ipipMode without routing ipip", "routing: vxlan\nipipMode: Always\n" N2OK,
	 "t:2:11: ipipMode is a setting of routing ipip, not vxlan"},
	{"natOutgoing with routing legacy", "routing: legacy\nnatOutgoing: true\n" N2OK,
	 "t:2:14: natOutgoing is a setting of routing ipip, not legacy (legacy masquerades pod "
	 "to pod already)"},
	{"natOutgoing not a boolean", "routing: ipip\nnatOutgoing: maybe\n" N2OK,
	 "t:2:14: natOutgoing must be true or false, not 'maybe'"},
	{"ipip Always: nodes in two subnets",
	 "routing: ipip\n" N2("192.168.60.2/24", "10.244.2.0/24"),
	 "t:9:9: node ip 192.168.60.2/24 is not in the underlay network of node 'node1'"},
	/* routing fabric: pods in the underlay's subnet, a table that fits them. */
	{"fabric: podCIDR outside the underlay subnet", "routing: fabric\n" N2OK,
	 "t:5:14: podCIDR 10.244.1.0/24 is outside the underlay network 192.168.50.0/24: with "
	 "routing fabric pods take addresses from the underlay's own subnet"},
	{"fabric: maxRoutes below the pod count",
	 "routing: fabric\n" FABRIC_N2 "fabric: {maxRoutes: 1}\n",
	 "t:13:21: fabric maxRoutes 1 is smaller than the 2 pods: the fabric holds one route "
	 "per pod IP"},
	{"fabric: maxRoutes zero", "routing: fabric\n" FABRIC_N2 "fabric: {maxRoutes: 0}\n",
	 "t:13:21: maxRoutes 0 is out of range 1..1048576"},
	{"fabric: unknown key", "routing: fabric\n" FABRIC_N2 "fabric: {routes: 4}\n",
	 "t:13:10: unknown key 'routes' in fabric (expected one of: maxRoutes)"},
	{"fabric section without routing fabric", N2OK "fabric: {maxRoutes: 4}\n",
	 "t:12:9: 'fabric' comes with routing fabric only (this is native)"},
	{"fabric: podCIDR holds the fabric router",
	 "routing: fabric\nnodes:\n  - {name: n1, ip: 192.168.50.1/24, podCIDR: "
	 "192.168.50.240/28}\n",
	 "t:3:46: podCIDR 192.168.50.240/28 holds the fabric router's address 192.168.50.254"},
	{"fabric: a p2p underlay", "routing: fabric\n" FABRIC_N2 "underlay: {type: p2p}\n",
	 "t:13:18: routing fabric joins every node to the fabric router: underlay type 'p2p' "
	 "does not apply (omit it or say fabric)"},
	{"fabric underlay without routing fabric", N2OK "underlay: {type: fabric}\n",
	 "t:12:18: underlay type 'fabric' comes with routing fabric only"},
	{"fabric: a pod named fabric",
	 "routing: fabric\nnodes:\n  - name: n1\n    ip: 192.168.50.1/24\n    podCIDR: "
	 "192.168.50.64/28\n    pods:\n      - {name: fabric, ip: 192.168.50.70}\n",
	 "t:7:16: name 'fabric' is reserved (the fabric router's namespace)"},
	{"bad CIDR", N1("node1", "10.244.1.0/33", "10.244.1.10"),
	 "t:4:14: podCIDR '10.244.1.0/33' is not an IPv4 CIDR"},
	{"CIDR with host bits", N1("node1", "10.244.1.1/24", "10.244.1.10"),
	 "t:4:14: podCIDR '10.244.1.1/24' has host bits set (did you mean 10.244.1.0/24?)"},
	{"pod IP outside its node's CIDR", N1("node1", "10.244.1.0/24", "10.244.9.10"),
	 "t:6:23: pod ip 10.244.9.10 is outside podCIDR 10.244.1.0/24 of its node 'node1'"},
	{"bad pod IP", N1("node1", "10.244.1.0/24", "10.244.1.300"),
	 "t:6:23: pod ip '10.244.1.300' is not an IPv4 address"},
	{"pod IP is the network address", N1("node1", "10.244.1.0/24", "10.244.1.0"),
	 "t:6:23: pod ip 10.244.1.0 is the network or broadcast address of 10.244.1.0/24"},
	{"overlapping pod CIDRs", N2("192.168.50.2", "10.244.0.0/16"),
	 "t:9:14: podCIDR 10.244.0.0/16 overlaps podCIDR 10.244.1.0/24 of node 'node1'"},
	{"node IPs in different networks", N2("10.9.9.2", "10.244.2.0/24"),
	 "t:8:9: node ip 10.9.9.2/24 is not in the underlay network of node 'node1'"},
	{"duplicate node IP", N2("192.168.50.1", "10.244.2.0/24"),
	 "t:8:9: node ip 192.168.50.1 is already the ip of node 'node1'"},
	{"duplicate pod IP",
	 N1("node1", "10.244.1.0/24", "10.244.1.10") "      - {name: b, ip: 10.244.1.10}\n",
	 "t:7:23: duplicate pod ip 10.244.1.10: pod 'a' (line 6) has it"},
	{"pod named like a node",
	 "nodes:\n  - name: node1\n    ip: 192.168.50.1\n    podCIDR: 10.244.1.0/24\n"
	 "    pods:\n      - {name: node1, ip: 10.244.1.10}\n",
	 "t:6:16: duplicate name 'node1': node 'node1' at line 2 has it"},
	{"name too long for the derived interface name",
	 N1("averyverylongnode", "10.244.1.0/24", "10.244.1.10"),
	 "t:2:11: node name 'averyverylongnode' is too long: its segment bridge port "
	 "'s-averyverylongnode' would have 19 characters, interface names have at most 15 "
	 "(keep the name to 13)"},
	{"pod name too long for its veth",
	 "nodes:\n  - name: node1\n    ip: 192.168.50.1\n    podCIDR: 10.244.1.0/24\n"
	 "    pods:\n      - {name: frontend-abcde, ip: 10.244.1.10}\n",
	 "t:6:16: pod name 'frontend-abcde' is too long: its node-side veth 'lxcfrontend-abcde' "
	 "would have 17 characters, interface names have at most 15 (keep the name to 12)"},
	{"reserved name",
	 "nodes:\n  - name: seg\n    ip: 192.168.50.1\n    podCIDR: 10.244.1.0/24\n",
	 "t:2:11: name 'seg' is reserved (the underlay segment's namespace)"},
	{"name with bad characters", N1("Node_1", "10.244.1.0/24", "10.244.1.10"),
	 "t:2:11: node name 'Node_1' must be lowercase letters, digits and '-'"},
	{"missing podCIDR", "nodes:\n  - name: node1\n    ip: 192.168.50.1\n",
	 "t:2:5: node 'node1' needs a podCIDR"},
	{"p2p with 3 nodes",
	 N2OK "  - {name: node3, ip: 192.168.50.3, podCIDR: 10.244.3.0/24}\n"
	      "underlay: {type: p2p}\n",
	 "t:13:18: underlay type p2p joins exactly 2 nodes, this has 3"},
	{"bad rate unit",
	 N2OK LINK_HEAD "      qdisc: {tbf: {rate: 1mbits, burst: 32kbit, latency: 400ms}}\n",
	 "t:15:27: tbf rate '1mbits' is not a rate"},
	{"tbf without latency or limit",
	 N2OK LINK_HEAD "      qdisc: {tbf: {rate: 1mbit, burst: 32kbit}}\n",
	 "t:15:20: tbf needs exactly one of latency and limit"},
	{"two qdiscs on one link",
	 N2OK LINK_HEAD "      qdisc: {pfifo: {limit: 10}, tbf: {rate: 1mbit}}\n",
	 "t:15:14: a qdisc is exactly one of tbf, htb, netem, pfifo"},
	{"htb ceil below rate",
	 N2OK LINK_HEAD "      qdisc:\n        htb:\n          default: 10\n"
			"          rate: 10mbit\n          classes:\n"
			"            - {id: 10, rate: 5mbit, ceil: 3mbit}\n",
	 "t:20:43: class ceil is below its rate (ceil must be >= rate)"},
	{"htb default class missing",
	 N2OK LINK_HEAD "      qdisc:\n        htb:\n          default: 30\n"
			"          rate: 10mbit\n          classes:\n"
			"            - {id: 10, rate: 3mbit, ceil: 5mbit}\n",
	 "t:17:20: htb default 30 is not one of the classes"},
	{"netem loss above 100%",
	 N2OK LINK_HEAD "      qdisc: {netem: {delay: 100ms, loss: 120%}}\n",
	 "t:15:43: netem loss '120%' is not a percentage 0%..100%"},
	{"link for an unknown node", N2OK "underlay:\n  links:\n    - node: node9\n",
	 "t:14:13: link node 'node9' is not a node of this topology"},
	{"world outside the documentation ranges", N2OK "world: {ip: 8.8.8.8}\n",
	 "t:12:13: world ip must be in a documentation range"},
	{"world inside a pod CIDR",
	 N1("node1", "203.0.113.0/24", "203.0.113.5") "world: {ip: 203.0.113.7}\n",
	 "t:7:13: world ip is inside the podCIDR of node 'node1'"},
	{"YAML syntax error (tab indentation)", "nodes:\n\t- name: node1\n",
	 "t:2:1: YAML syntax error: found character that cannot start any token"},
	{"YAML syntax error (unclosed flow)", N2OK "world: {ip: 203.0.113.7\n",
	 "YAML syntax error: did not find expected ',' or '}'"},
	{"two YAML documents", N2OK "---\nname: x\n",
	 "t:12:1: a topology file holds one YAML document"},
	{"empty file", "", "t:1:1: the file is empty"},
	{"policy: unsupported selector key",
	 N2OK CNP_HEAD "      endpointSelector: {matchExpressions: []}\n",
	 "t:17:26: unknown key 'matchExpressions' in endpointSelector (expected one of: "
	 "matchLabels)"},
	{"policy: named port",
	 N2OK CNP_HEAD "      endpointSelector: {}\n"
		       "      ingress: [{toPorts: [{ports: [{port: http}]}]}]\n",
	 "t:18:44: named port 'http' is not supported: use the port number"},
	{"policy: except outside its cidr",
	 N2OK KNP_HEAD
	 "      podSelector: {}\n"
	 "      egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [192.168.0.0/16]}}]}]\n",
	 "t:18:60: except must be a smaller prefix inside its cidr"},
	{"policy: unknown kind",
	 N2OK "policies:\n  - {kind: Policy, metadata: {name: p}, spec: {}}\n",
	 "t:13:12: kind 'Policy' is not CiliumNetworkPolicy"},
	{"policy: duplicate name",
	 N2OK CNP_HEAD "      endpointSelector: {}\n"
		       "  - {kind: NetworkPolicy, metadata: {name: p}, spec: {podSelector: {}}}\n",
	 "t:18:44: duplicate policy name 'p'"},
	{"policy: K8s namespaceSelector with labels",
	 N2OK KNP_HEAD "      podSelector: {}\n"
		       "      ingress: [{from: [{namespaceSelector: {matchLabels: {team: x}}}]}]\n",
	 "t:18:45: namespaceSelector with labels is not supported"},
	{"prefilter not a list", N2OK "prefilter: 198.51.100.0/24\n",
	 "t:12:12: prefilter must be a list"},
	{"prefilter entry with host bits", N2OK "prefilter: [198.51.100.1/24]\n",
	 "t:12:13: prefilter entry '198.51.100.1/24' has host bits set"},
	{"conntrack max not an integer", N2OK "conntrack: {max: lots}\n",
	 "t:12:18: conntrack max must be a whole number, not 'lots'"},
	{"conntrack max negative", N2OK "conntrack: {max: -1}\n",
	 "t:12:18: conntrack max must be a whole number, not '-1'"},
	{"conntrack max 0", N2OK "conntrack: {max: 0}\n",
	 "t:12:18: conntrack max 0 is out of range 1..16777216"},
	{"conntrack max above the limit", N2OK "conntrack: {max: 16777217}\n",
	 "t:12:18: conntrack max 16777217 is out of range 1..16777216"},
	{"conntrack: unknown key", N2OK "conntrack: {max: 16, min: 1}\n",
	 "t:12:22: unknown key 'min' in conntrack (expected one of: max)"},
	{"conntrack not a mapping", N2OK "conntrack: 1000\n",
	 "t:12:12: conntrack must be a mapping"},
	{"program on an unknown device",
	 N2OK "programs:\n  - {object: x.o, program: p, node: node1, device: eth7, hook: xdp}\n",
	 "t:13:52: device 'eth7' is not 'uplink', 'vxlan' or a pod of node 'node1'"},
};

PL_TEST(unit, topo_broken_files)
{
	const struct bad_case *c;

	for (c = bad_cases; c < bad_cases + sizeof(bad_cases) / sizeof(bad_cases[0]); c++) {
		pl_subtest("%s", c->desc);
		topo_test_expect_broken(c->text, c->msg);
	}
}

PL_TEST(unit, topo_shipped_topologies_parse)
{
	const char *const *name;
	struct topo *t;

	for (name = topo_test_shipped_names; *name; name++) {
		pl_subtest("%s", *name);
		if (!ASSERT_OK(pl_topo_parse(topo_test_shipped(*name), &t), "parse"))
			continue;
		ASSERT_GE(t->nnodes, 2, "nodes");
		ASSERT_GE(t->npods, 2, "pods");
		pl_topo_free(t);
	}
}

PL_TEST(unit, topo_defaults_and_derived_fields)
{
	struct topo *t = NULL;
	char *diag, veth[TOPO_IFNAMSIZ];

	if (!ASSERT_OK(topo_test_parse(N2OK, &t, &diag), "parse"))
		goto out;
	ASSERT_STREQ(diag, "", "no messages");
	ASSERT_EQ(t->routing, PL_ROUTING_NATIVE, "routing native");
	ASSERT_EQ(t->mtu, 1500, "mtu");
	ASSERT_EQ(t->underlay, TOPO_UNDERLAY_P2P, "2 nodes: p2p");
	ASSERT_EQ(t->nodes[0].underlay_plen, 24, "underlay /24");
	ASSERT_EQ(t->nodes[1].underlay_ip, topo_test_ip("192.168.50.2"), "node2 ip");
	ASSERT_EQ(t->pods[1].node, 1, "b on node2");
	ASSERT_EQ(t->pods[0].ep_id, 1, "ep 1");
	ASSERT_EQ(t->pods[1].ep_id, 2, "ep 2");
	ASSERT_EQ(t->pods[0].identity, 256, "first identity 256");
	ASSERT_EQ(t->pods[1].identity, 257, "other labels, next identity");
	ASSERT_FALSE(t->pods[0].ingress_enforced, "no policy, not enforced");
	pl_topo_ifname_pod_host(&t->pods[1], veth);
	ASSERT_STREQ(veth, "lxcb", "node-side veth name");
out:
	pl_topo_free(t);
	free(diag);
}

PL_TEST(unit, topo_conntrack_max)
{
	static const struct {
		const char *text;
		uint32_t max;
	} good[] = {
		{"", PL_CT_MAX_DEFAULT},
		{"conntrack: {}\n", PL_CT_MAX_DEFAULT},
		{"conntrack: {max: 16}\n", 16},
		{"conntrack:\n  max: 1048576\n", 1048576},
		{"conntrack: {max: 16777216}\n", TOPO_CT_MAX_LIMIT},
	};
	char text[1024], *diag;
	struct topo *t;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		pl_subtest("%s", good[i].text[0] ? good[i].text : "(no conntrack key)");
		snprintf(text, sizeof(text), "%s%s", N2OK, good[i].text);
		if (!ASSERT_OK(topo_test_parse(text, &t, &diag), "parse")) {
			free(diag);
			continue;
		}
		ASSERT_STREQ(diag, "", "no messages");
		ASSERT_EQ(t->ct_max, good[i].max, "conntrack max");
		pl_topo_free(t);
		free(diag);
	}
}

PL_TEST(unit, topo_segment_identities_and_names)
{
	struct topo *t = NULL;
	char port[TOPO_IFNAMSIZ];

	if (!ASSERT_OK(pl_topo_parse(topo_test_shipped("three-node-segment.yaml"), &t), "parse"))
		return;
	ASSERT_EQ(t->underlay, TOPO_UNDERLAY_SEGMENT, "segment");
	ASSERT_EQ(t->pods[pl_topo_pod_by_name(t, "api-a")].identity,
		  t->pods[pl_topo_pod_by_name(t, "api-b")].identity, "same labels, same identity");
	ASSERT_NEQ(t->pods[pl_topo_pod_by_name(t, "api-a")].identity,
		   t->pods[pl_topo_pod_by_name(t, "db")].identity, "other labels, other identity");
	ASSERT_EQ(t->pods[pl_topo_pod_by_name(t, "api-b")].ep_id, 5, "ep ids in file order");
	ASSERT_TRUE(t->pods[pl_topo_pod_by_name(t, "web")].egress_enforced, "web egress enforced");
	ASSERT_FALSE(t->pods[pl_topo_pod_by_name(t, "web")].ingress_enforced, "web ingress open");
	ASSERT_TRUE(t->world.present, "world");
	ASSERT_EQ(t->world.gateway_node_ip, topo_test_ip("192.168.60.1"), "world behind node1");
	ASSERT_OK(pl_topo_ifname_segment_port("abcdefghijklm", port), "13-character node fits");
	ASSERT_STREQ(port, "s-abcdefghijklm", "bridge port name");
	ASSERT_EQ(pl_topo_ifname_segment_port("abcdefghijklmn", port), -ENAMETOOLONG,
		  "14 does not");
	pl_topo_free(t);
}

PL_TEST(unit, topo_seed_qdiscs)
{
	const struct topo_htb *htb;
	struct topo *t = NULL;

	if (!ASSERT_OK(pl_topo_parse(topo_test_shipped("seed-tc.yaml"), &t), "parse seed-tc"))
		return;
	if (!ASSERT_EQ(t->nlinks, 2, "two links"))
		goto out;
	ASSERT_EQ(t->links[0].qdisc.kind, TOPO_QDISC_TBF, "tbf");
	ASSERT_EQ(t->links[0].qdisc.tbf.rate, 1000000, "rate 1mbit");
	ASSERT_EQ(t->links[0].qdisc.tbf.burst, 4096, "burst 32kbit = 4Kb as tc");
	ASSERT_EQ(t->links[0].qdisc.tbf.latency_ns, 400000000ull, "latency 400ms");
	ASSERT_EQ(t->links[1].qdisc.kind, TOPO_QDISC_HTB, "htb");
	htb = &t->links[1].qdisc.htb;
	ASSERT_EQ(htb->rate, 10000000, "root 10mbit");
	ASSERT_EQ(htb->default_minor, 20, "default 1:20");
	if (!ASSERT_EQ(htb->nclasses, 2, "two classes"))
		goto out;
	ASSERT_EQ(htb->classes[0].minor, 10, "1:10");
	ASSERT_EQ(htb->classes[0].rate, 3000000, "3mbit");
	ASSERT_EQ(htb->classes[0].ceil, 5000000, "ceil 5mbit");
	ASSERT_EQ(htb->classes[1].ceil, 10000000, "ceil 10mbit");
	if (ASSERT_EQ(htb->classes[0].nmatches, 1, "one match")) {
		ASSERT_EQ(htb->classes[0].matches[0].dst, topo_test_ip("10.244.1.100"), "dst");
		ASSERT_EQ(htb->classes[0].matches[0].dst_plen, 32, "dst /32");
	}
	pl_topo_free(t);
	t = NULL;
	if (!ASSERT_OK(pl_topo_parse(topo_test_shipped("seed-netem.yaml"), &t), "parse seed-netem"))
		goto out;
	ASSERT_EQ(t->links[0].qdisc.kind, TOPO_QDISC_NETEM, "netem");
	ASSERT_EQ(t->links[0].qdisc.netem.delay_ns, 100000000ull, "delay 100ms");
	ASSERT_TRUE(t->links[0].qdisc.netem.loss > 0.0999 && t->links[0].qdisc.netem.loss < 0.1001,
		    "loss 10%");
out:
	pl_topo_free(t);
}

PL_TEST(unit, topo_units_as_tc)
{
	static const struct {
		const char *s;
		uint64_t bps;
	} rates[] = {{"1mbit", 1000000},    {"10Mbit", 10000000}, {"500kbit", 500000},
		     {"1gbit", 1000000000}, {"8000bit", 8000},	  {"8000", 8000},
		     {"100kbps", 800000},   {"1Kibit", 1024},	  {"1.5mbit", 1500000}};
	static const struct {
		const char *s;
		uint32_t bytes;
	} sizes[] = {{"32kbit", 4096}, {"1500", 1500}, {"4kb", 4096},
		     {"1mb", 1048576}, {"64k", 65536}, {"100b", 100}};
	static const struct {
		const char *s;
		uint64_t ns;
	} times[] = {{"400ms", 400000000ull},
		     {"100us", 100000},
		     {"1s", 1000000000ull},
		     {"10", 10000},
		     {"250ns", 250}};
	static const char *const bad_rates[] = {"1mbits", "fast", "-1mbit", "", "mbit", "1 mbit"};
	static const char *const bad_sizes[] = {"32kbits", "4kib", "-1", "x"};
	unsigned int i;
	uint64_t u64;
	uint32_t u32;
	double pct;

	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		pl_subtest("rate %s", rates[i].s);
		if (ASSERT_OK(pl_parse_rate(rates[i].s, &u64), "parses"))
			ASSERT_EQ(u64, rates[i].bps, "bits/s");
	}
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		pl_subtest("size %s", sizes[i].s);
		if (ASSERT_OK(pl_parse_size(sizes[i].s, &u32), "parses"))
			ASSERT_EQ(u32, sizes[i].bytes, "bytes");
	}
	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		pl_subtest("time %s", times[i].s);
		if (ASSERT_OK(pl_parse_time(times[i].s, &u64), "parses"))
			ASSERT_EQ(u64, times[i].ns, "ns");
	}
	for (i = 0; i < sizeof(bad_rates) / sizeof(bad_rates[0]); i++) {
		pl_subtest("bad rate '%s'", bad_rates[i]);
		ASSERT_ERR(pl_parse_rate(bad_rates[i], &u64), "rejected");
	}
	for (i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
		pl_subtest("bad size '%s'", bad_sizes[i]);
		ASSERT_ERR(pl_parse_size(bad_sizes[i], &u32), "rejected");
	}
	pl_subtest("percent");
	if (ASSERT_OK(pl_parse_percent("10%", &pct), "10%"))
		ASSERT_TRUE(pct > 0.0999 && pct < 0.1001, "0.10");
	ASSERT_ERR(pl_parse_percent("101%", &pct), "101% rejected");
}

PL_TEST(unit, topo_selector_matching_nothing_warns)
{
	struct topo *t = NULL;
	char *diag;

	if (!ASSERT_OK(topo_test_parse(
			       N2OK CNP_HEAD
			       "      endpointSelector: {matchLabels: {app: nothing}}\n"
			       "      ingress: [{fromEndpoints: [{matchLabels: {app: ghost}}]}]\n",
			       &t, &diag),
		       "a warning is not an error"))
		goto out;
	ASSERT_STRSTR(diag, "t:17:25: warning: policy 'p' selects no pod (selector {app: nothing})",
		      "endpoint selector warning");
	ASSERT_STRSTR(diag, "t:18:34: warning: policy 'p': selector {app: ghost} matches no pod",
		      "peer selector warning");
out:
	pl_topo_free(t);
	free(diag);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long len;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = calloc(1, len + 1);
	if (buf && fread(buf, 1, len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* Every prefix of every shipped file: parses, or fails with exactly one positioned line. */
PL_TEST(unit, topo_truncated_files_fail_cleanly)
{
	const char *const *name;
	struct topo *t;
	char *text, *diag, *cut;
	size_t len, i;
	int err, bad;

	for (name = topo_test_shipped_names; *name; name++) {
		pl_subtest("%s", *name);
		text = slurp(topo_test_shipped(*name));
		if (!ASSERT_OK_PTR(text, "read"))
			continue;
		len = strlen(text);
		bad = 0;
		for (i = 0; i < len; i++) {
			cut = strndup(text, i);
			err = topo_test_parse(cut, &t, &diag);
			if (err) {
				/* "t:LINE:COL: ..." and a single newline at the end */
				bad += t != NULL || strncmp(diag, "t:", 2) ||
				       strchr(diag, '\n') != diag + strlen(diag) - 1;
			}
			pl_topo_free(t);
			free(diag);
			free(cut);
		}
		ASSERT_EQ(bad, 0, "every failure is one positioned line and builds nothing");
		free(text);
	}
}

/* Runs build/podlab validate (next to this test binary's folder); returns the exit status. */
static int run_validate(const char *args, char *out, size_t len)
{
	char exe[PATH_MAX], cmd[2 * PATH_MAX + 256];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t got;
	FILE *p;
	int st;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(cmd, sizeof(cmd), "'%s/../podlab' validate %s 2>&1", exe, args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	got = fread(out, 1, len - 1, p);
	out[got] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

PL_TEST(unit, topo_validate_command)
{
	char args[PATH_MAX + 64], out[8192], bad[] = "/tmp/pl-topo-bad-XXXXXX";
	int fd;

	snprintf(args, sizeof(args), "'%s'", topo_test_shipped("two-node-vxlan.yaml"));
	ASSERT_EQ(run_validate(args, out, sizeof(out)), 0, "valid file: exit 0");
	ASSERT_STRSTR(out, "ok: 'two-node-vxlan', routing vxlan", "summary");
	ASSERT_STRSTR(out, "pod backend      10.244.2.20     identity 258 ep 3 (lxcbackend)",
		      "pod line");
	ASSERT_STRSTR(out, "compiled to 6 entries", "entries");
	ASSERT_STRSTR(out, "prefilter: none (no XDP program attached)", "no prefilter, no XDP");

	fd = mkstemp(bad);
	if (!ASSERT_GE(fd, 0, "temp file"))
		return;
	if (write(fd, "nodes: []\n", 10) != 10)
		ASSERT_TRUE(false, "write");
	close(fd);
	snprintf(args, sizeof(args), "-q '%s'", bad);
	ASSERT_EQ(run_validate(args, out, sizeof(out)), 2, "invalid file: exit 2");
	ASSERT_STRSTR(out, ":1:8: the topology needs at least one node", "error line");
	unlink(bad);
	ASSERT_EQ(run_validate("", out, sizeof(out)), 2, "no file: exit 2");
}

/* A few kilobytes of YAML aliases nesting lists in lists: an error, not gigabytes. */
PL_TEST(unit, topo_policy_alias_expansion_bounded)
{
	char *text = NULL, *diag;
	struct topo *t;
	size_t len = 0;
	FILE *f;
	int i;

	f = open_memstream(&text, &len);
	if (!ASSERT_OK_PTR(f, "open_memstream"))
		return;
	fputs(N2OK CNP_HEAD "      endpointSelector: {matchLabels: {app: b}}\n"
			    "      ingress:\n"
			    "        - &r {fromEndpoints: [&e {matchLabels: {app: a}}",
	      f);
	for (i = 1; i < 50; i++)
		fputs(", *e", f);
	fputs("], toPorts: [&tp {ports: [&p {port: \"80\", protocol: TCP}", f);
	for (i = 1; i < 50; i++)
		fputs(", *p", f);
	fputs("]}", f);
	for (i = 1; i < 50; i++)
		fputs(", *tp", f);
	fputs("]}\n", f);
	for (i = 1; i < 50; i++)
		fputs("        - *r\n", f);
	fclose(f);
	ASSERT_LT(len, 4096, "a small file");
	ASSERT_EQ(topo_test_parse(text, &t, &diag), -EINVAL, "refused");
	ASSERT_STRSTR(diag, "the policies expand to more than 1048576 rules or 4194304 rule ports",
		      "says why");
	ASSERT_TRUE(t == NULL, "nothing half-built");
	free(diag);
	free(text);
}
