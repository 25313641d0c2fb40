// SPDX-License-Identifier: GPL-2.0
/*
 * IPv6 CIDRs in policies: refused where the topology is IPv4-only or the
 * prefix is malformed (file:line:col), compiled to CIDR identities in
 * ipcache6, and predicted from the rules as the compiled maps decide.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "topo/policy_compile.h"
#include "topo/topo.h"
#include "topo_test_util.h"

/* Lines 1-11: one dual-stack node (FAMS), pods a and b (a: fd00:1::a). Policies from line 12. */
#define TOPO6(fams)                                                                                \
	"ipFamilies: " fams "\n"                                                                   \
	"nodes:\n"                                                                                 \
	"  - name: n1\n"                                                                           \
	"    ip: 192.168.50.1/24\n"                                                                \
	"    ipv6: fd00:50::1/64\n"                                                                \
	"    podCIDR: 10.244.1.0/24\n"                                                             \
	"    podCIDRv6: fd00:1::/64\n"                                                             \
	"    pods:\n"                                                                              \
	"      - {name: a, ip: 10.244.1.10, labels: {app: a}}\n"                                   \
	"      - {name: b, ip: 10.244.1.11, labels: {app: b}}\n"                                   \
	"policies:\n"
/* IPv4-only: line 1 is a comment so policies start on line 7 as in V4. */
#define TOPO4                                                                                      \
	"# IPv4 only\n"                                                                            \
	"nodes:\n"                                                                                 \
	"  - {name: n1, ip: 192.168.50.1/24, podCIDR: 10.244.1.0/24, pods: [\n"                    \
	"      {name: a, ip: 10.244.1.10, labels: {app: a}},\n"                                    \
	"      {name: b, ip: 10.244.1.11, labels: {app: b}}]}\n"                                   \
	"policies:\n"
/* Policy text: lines +1..+5; the egress rule's peers on line +6. */
#define CNP_EGRESS(peers)                                                                          \
	"  - apiVersion: cilium.io/v2\n"                                                           \
	"    kind: CiliumNetworkPolicy\n"                                                          \
	"    metadata: {name: a-out}\n"                                                            \
	"    spec:\n"                                                                              \
	"      endpointSelector: {matchLabels: {app: a}}\n"                                        \
	"      egress: [" peers "]\n"
#define KNP_INGRESS(block)                                                                         \
	"  - apiVersion: networking.k8s.io/v1\n"                                                   \
	"    kind: NetworkPolicy\n"                                                                \
	"    metadata: {name: b-in}\n"                                                             \
	"    spec:\n"                                                                              \
	"      podSelector: {matchLabels: {app: b}}\n"                                             \
	"      ingress: [{from: [{ipBlock: " block "}]}]\n"

struct bad_cidr6 {
	const char *desc, *text, *msg;
};

static const struct bad_cidr6 bad_cidrs6[] = {
	{"an IPv6 toCIDR in an IPv4-only topology", TOPO4 CNP_EGRESS("{toCIDR: ['2001:db8::/32']}"),
	 "t:12:26: cidr '2001:db8::/32' is IPv6 and the topology is IPv4-only (ipFamilies: "
	 "[IPv4, IPv6] gives it IPv6)"},
	{"an IPv6 ipBlock in an IPv4-only topology", TOPO4 KNP_INGRESS("{cidr: '2001:db8::/32'}"),
	 "t:12:42: cidr '2001:db8::/32' is IPv6 and the topology is IPv4-only"},
	{"a malformed IPv6 prefix",
	 TOPO6("[IPv4, IPv6]") CNP_EGRESS("{toCIDR: ['2001:db8::zz/48']}"),
	 "t:17:26: cidr '2001:db8::zz/48' is not an IPv6 CIDR (x:y::/len)"},
	{"an IPv6 prefix length past 128",
	 TOPO6("[IPv4, IPv6]") CNP_EGRESS("{toCIDR: ['2001:db8::/129']}"),
	 "t:17:26: cidr '2001:db8::/129' is not an IPv6 CIDR (x:y::/len)"},
	{"an IPv6 prefix with host bits",
	 TOPO6("[IPv4, IPv6]") CNP_EGRESS("{toCIDR: ['2001:db8:1::1/48']}"),
	 "t:17:26: cidr '2001:db8:1::1/48' has host bits set (did you mean 2001:db8:1::/48?)"},
	{"an IPv4 except of an IPv6 cidr",
	 TOPO6("[IPv4, IPv6]")
		 CNP_EGRESS("{toCIDRSet: [{cidr: '2001:db8::/32', except: ['10.0.0.0/8']}]}"),
	 "t:17:62: except is IPv4 and its cidr IPv6 (mixed families)"},
	{"an IPv6 except outside its cidr",
	 TOPO6("[IPv4, IPv6]") KNP_INGRESS("{cidr: '2001:db8::/32', except: ['2001:db9::/48']}"),
	 "t:17:68: except must be a smaller prefix inside its cidr"},
	{"an IPv6 prefilter entry in an IPv4-only topology",
	 "nodes:\n  - {name: n1, ip: 192.168.50.1/24, podCIDR: 10.244.1.0/24}\n"
	 "prefilter: [192.0.2.0/24, '2001:db8:66::/48']\n",
	 "t:3:27: prefilter entry '2001:db8:66::/48' is IPv6 and the topology is IPv4-only"},
	{"an IPv6 prefilter entry with host bits",
	 TOPO6("[IPv4, IPv6]") "  []\nprefilter: ['2001:db8:66::1/48']\n",
	 "t:13:13: prefilter entry '2001:db8:66::1/48' has host bits set"},
	{"a malformed IPv6 except",
	 TOPO6("[IPv4, IPv6]") KNP_INGRESS("{cidr: '2001:db8::/32', except: ['2001:db8::/1x']}"),
	 "t:17:68: except '2001:db8::/1x' is not an IPv6 CIDR"},
};

PL_TEST(unit, policy_v6_broken_cidrs)
{
	const struct bad_cidr6 *c;

	for (c = bad_cidrs6; c < bad_cidrs6 + sizeof(bad_cidrs6) / sizeof(bad_cidrs6[0]); c++) {
		pl_subtest("%s", c->desc);
		topo_test_expect_broken(c->text, c->msg);
	}
}

/*
 * a may reach 2001:db8:113::/48 on TCP 443 but its excepted /64, and never
 * 2001:db8:113:6::/64 (egressDeny); 10.0.0.0/0 stands for IPv4 only, ::/0
 * for IPv6 only (UDP 53 each). b takes anything from 2001:db8:100::/48 but
 * 2001:db8:100:9::/64.
 */
static const char policy6_text[] = TOPO6("[IPv4, IPv6]") CNP_EGRESS(
	"{toCIDRSet: [{cidr: '2001:db8:113::/48', except: ['2001:db8:113:5::/64']}], "
	"toPorts: [{ports: [{port: '443', protocol: TCP}]}]}, "
	"{toCIDR: ['0.0.0.0/0'], toPorts: [{ports: [{port: '53', protocol: UDP}]}]}, "
	"{toCIDR: ['::/0'], toPorts: [{ports: [{port: '5353', protocol: UDP}]}]}, "
	"{toEndpoints: [{matchLabels: {app: b}}]}") "      egressDeny: [{toCIDR: "
						    "['2001:db8:113:6::/64']}]\n" KNP_INGRESS(
							    "{cidr: '2001:db8:100::/48', "
							    "except: ['2001:db8:100:9::/64']}");

struct flow6 {
	const char *src, *dst;
	uint8_t proto;
	uint16_t dport;
	enum policy_verdict verdict;
	int reason;
};

#define A6 "fd00:1::a"
#define B6 "fd00:1::b"

static const struct flow6 flows6[] = {
	{A6, "2001:db8:113::7", IPPROTO_TCP, 443, POLICY_ALLOWED, PL_DROP_NONE},
	{A6, "2001:db8:113:5::7", IPPROTO_TCP, 443, POLICY_DROPPED_EGRESS, PL_DROP_POLICY_DENIED},
	{A6, "2001:db8:113::7", IPPROTO_TCP, 80, POLICY_DROPPED_EGRESS, PL_DROP_POLICY_DENIED},
	{A6, "2001:db8:113:6::7", IPPROTO_TCP, 443, POLICY_DROPPED_EGRESS, PL_DROP_POLICY_DENY},
	{A6, "2001:db8:999::1", IPPROTO_UDP, 53, POLICY_DROPPED_EGRESS, PL_DROP_POLICY_DENIED},
	{A6, "2001:db8:999::1", IPPROTO_UDP, 5353, POLICY_ALLOWED, PL_DROP_NONE},
	{A6, "2001:db8:113:5::7", IPPROTO_UDP, 5353, POLICY_ALLOWED, PL_DROP_NONE},
	{A6, "2001:db8:113:6::7", IPPROTO_UDP, 5353, POLICY_DROPPED_EGRESS, PL_DROP_POLICY_DENY},
	/* Pods and nodes never match a CIDR, ::/0 included; label rules decide both families. */
	{A6, "fd00:50::1", IPPROTO_UDP, 5353, POLICY_DROPPED_EGRESS, PL_DROP_POLICY_DENIED},
	{A6, B6, IPPROTO_UDP, 5353, POLICY_DROPPED_INGRESS, PL_DROP_POLICY_DENIED},
	{"2001:db8:100::7", B6, IPPROTO_TCP, 80, POLICY_ALLOWED, PL_DROP_NONE},
	{"2001:db8:100:9::7", B6, IPPROTO_TCP, 80, POLICY_DROPPED_INGRESS, PL_DROP_POLICY_DENIED},
	{"2001:db8:101::7", B6, IPPROTO_TCP, 80, POLICY_DROPPED_INGRESS, PL_DROP_POLICY_DENIED},
};

static uint8_t *ip6_of(const char *s, uint8_t *buf)
{
	if (inet_pton(AF_INET6, s, buf) != 1)
		abort();
	return buf;
}

PL_TEST(unit, policy_v6_predict_equals_compiled)
{
	struct policy_set *ps = NULL;
	uint8_t s6[16], d6[16];
	struct topo *t = NULL;
	enum policy_verdict v;
	char *diag = NULL;
	char what[96];
	int reason;
	size_t i;

	if (!ASSERT_OK(topo_test_parse(policy6_text, &t, &diag), "parse") ||
	    !ASSERT_OK(pl_policy_compile(t, &ps), "compile"))
		goto out;
	for (i = 0; i < sizeof(flows6) / sizeof(flows6[0]); i++) {
		const struct flow6 *f = &flows6[i];

		snprintf(what, sizeof(what), "%s -> %s proto %u port %u", f->src, f->dst, f->proto,
			 f->dport);
		ip6_of(f->src, s6);
		ip6_of(f->dst, d6);
		v = pl_policy_predict6(t, s6, d6, f->proto, f->dport, &reason);
		ASSERT_EQ(v, f->verdict, what);
		ASSERT_EQ(reason, f->reason, what);
		v = pl_policy_evaluate_compiled6(t, ps, s6, d6, f->proto, f->dport, &reason);
		ASSERT_EQ(v, f->verdict, "compiled maps agree");
		ASSERT_EQ(reason, f->reason, "compiled maps agree");
	}
	/* IPv4 beside it: 0.0.0.0/0 allows UDP 53 to the IPv4 world, not 5353. */
	v = pl_policy_evaluate_compiled(t, ps, topo_test_ip("10.244.1.10"),
					topo_test_ip("198.51.100.1"), IPPROTO_UDP, 53, &reason);
	ASSERT_EQ(v, POLICY_ALLOWED, "IPv4 /0 allows IPv4");
	v = pl_policy_predict(t, ps, topo_test_ip("10.244.1.10"), topo_test_ip("198.51.100.1"),
			      IPPROTO_UDP, 5353, &reason);
	ASSERT_EQ(v, POLICY_DROPPED_EGRESS, "::/0 is not IPv4");
	v = pl_policy_evaluate_compiled(t, ps, topo_test_ip("10.244.1.10"),
					topo_test_ip("198.51.100.1"), IPPROTO_UDP, 5353, &reason);
	ASSERT_EQ(v, POLICY_DROPPED_EGRESS, "::/0 is not IPv4 (compiled)");
out:
	pl_policy_set_free(ps);
	pl_topo_free(t);
	free(diag);
}

/* ipcache6: pods and node first (/128), then the IPv6 CIDR prefixes, each its own identity. */
PL_TEST(unit, policy_v6_ipcache6)
{
	struct policy_ipcache6_entry *e = NULL;
	struct policy_set *ps = NULL;
	struct topo *t = NULL;
	uint32_t id48, id64;
	char *diag = NULL;
	uint8_t a[16];
	int n = 0;

	if (!ASSERT_OK(topo_test_parse(policy6_text, &t, &diag), "parse") ||
	    !ASSERT_OK(pl_policy_compile(t, &ps), "compile") ||
	    !ASSERT_OK(pl_policy_ipcache6(t, ps, 0, &e, &n), "ipcache6"))
		goto out;
	/* 2 pods, the node, 6 IPv6 prefixes (::/0 with its own identity in dual stack). */
	ASSERT_EQ(n, 2 + 1 + 6, "entries");
	ASSERT_EQ(e[0].key.prefixlen, 128, "pod /128 first");
	ASSERT_EQ(pl_policy_ipcache6_lookup(e, n, ip6_of(A6, a), NULL), t->pods[0].identity,
		  "a's own identity");
	id48 = pl_policy_ipcache6_lookup(e, n, ip6_of("2001:db8:113::7", a), NULL);
	id64 = pl_policy_ipcache6_lookup(e, n, ip6_of("2001:db8:113:5::7", a), NULL);
	ASSERT_TRUE(id48 >= PL_ID_CIDR_MIN, "the /48 is a CIDR identity");
	ASSERT_TRUE(id64 >= PL_ID_CIDR_MIN && id64 != id48, "the except /64 has its own");
	ASSERT_EQ(pl_policy_ipcache6_lookup(e, n, ip6_of("fd00:50::1", a), NULL), PL_ID_HOST,
		  "the node is HOST");
	/* The IPv4 ipcache holds no IPv6 prefix. */
	ASSERT_EQ(pl_policy_ipcache_lookup(NULL, 0, topo_test_ip("203.0.113.1"), NULL), PL_ID_WORLD,
		  "empty ipcache: WORLD");
out:
	free(e);
	pl_policy_set_free(ps);
	pl_topo_free(t);
	free(diag);
}
