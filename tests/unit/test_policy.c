// SPDX-License-Identifier: GPL-2.0
/*
 * Policy semantics, two ways at once: the compiled map entries (and the
 * datapath-style lookup over them) and pl_policy_predict() from the rules must
 * both give each case's expected verdict.
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "test.h"
#include "topo/policy_compile.h"
#include "topo/topo.h"
#include "topo_test_util.h"

/* a (256), b (257) on n1; c (258) on n2; the world host is the first CIDR identity. */
#define BASE                                                                                       \
	"nodes:\n"                                                                                 \
	"  - name: n1\n"                                                                           \
	"    ip: 192.168.50.1\n"                                                                   \
	"    podCIDR: 10.244.1.0/24\n"                                                             \
	"    pods:\n"                                                                              \
	"      - {name: a, ip: 10.244.1.10, labels: {app: a}}\n"                                   \
	"      - {name: b, ip: 10.244.1.11, labels: {app: b}}\n"                                   \
	"  - name: n2\n"                                                                           \
	"    ip: 192.168.50.2\n"                                                                   \
	"    podCIDR: 10.244.2.0/24\n"                                                             \
	"    pods:\n"                                                                              \
	"      - {name: c, ip: 10.244.2.10, labels: {app: c}}\n"                                   \
	"world: {ip: 203.0.113.10}\n"                                                              \
	"policies:\n"
#define CNP(name)                                                                                  \
	"  - apiVersion: cilium.io/v2\n"                                                           \
	"    kind: CiliumNetworkPolicy\n"                                                          \
	"    metadata: {name: " name "}\n"                                                         \
	"    spec:\n"
#define KNP(name)                                                                                  \
	"  - apiVersion: networking.k8s.io/v1\n"                                                   \
	"    kind: NetworkPolicy\n"                                                                \
	"    metadata: {name: " name "}\n"                                                         \
	"    spec:\n"

#define A	   "10.244.1.10"
#define B	   "10.244.1.11"
#define C	   "10.244.2.10"
#define WORLD_HOST "203.0.113.10"
#define N1_IP	   "192.168.50.1"
#define N2_IP	   "192.168.50.2"
#define ID_A	   256
#define ID_B	   257
#define ID_C	   258
#define EP_A	   1
#define EP_C	   3
#define CIDR0	   PL_ID_CIDR_MIN

#define TCP	  IPPROTO_TCP
#define UDP	  IPPROTO_UDP
#define ICMP	  IPPROTO_ICMP
#define ALLOW	  POLICY_ALLOWED, PL_DROP_NONE
#define DENIED_IN POLICY_DROPPED_INGRESS, PL_DROP_POLICY_DENIED
#define DENIED_EG POLICY_DROPPED_EGRESS, PL_DROP_POLICY_DENIED
#define DENY_IN	  POLICY_DROPPED_INGRESS, PL_DROP_POLICY_DENY
#define DENY_EG	  POLICY_DROPPED_EGRESS, PL_DROP_POLICY_DENY

struct flow {
	const char *src, *dst;
	uint8_t proto;
	uint16_t dport;
	enum policy_verdict verdict;
	int reason;
};

/* present=false: the key must not be in the map. */
struct want_entry {
	uint32_t ep_id, identity;
	uint8_t proto;
	uint16_t dport;
	uint8_t dir;
	bool present, deny;
};

#define IN PL_DIR_INGRESS
#define EG PL_DIR_EGRESS

struct policy_case {
	const char *desc;
	const char *routing; /* NULL = native */
	const char *policies;
	int nentries; /* -1 = not checked */
	struct want_entry entries[4];
	struct flow flows[8];
};

static const struct policy_case cases[] = {
	{"no policy: everything allowed",
	 NULL,
	 "",
	 0,
	 {},
	 {{A, C, TCP, 80, ALLOW}, {WORLD_HOST, A, TCP, 22, ALLOW}, {C, B, ICMP, 0, ALLOW}}},
	{"selected pod default-denies, unselected pods allow",
	 NULL,
	 CNP("c-in") "      endpointSelector: {matchLabels: {app: c}}\n"
		     "      ingress:\n"
		     "        - fromEndpoints: [{matchLabels: {app: a}}]\n"
		     "          toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]\n",
	 1,
	 {{EP_C, ID_A, TCP, 80, IN, true, false}},
	 {{A, C, TCP, 80, ALLOW},
	  {B, C, TCP, 80, DENIED_IN},
	  {A, C, TCP, 81, DENIED_IN},
	  {A, C, UDP, 80, DENIED_IN},
	  {A, C, ICMP, 0, DENIED_IN},
	  {C, A, TCP, 80, ALLOW},
	  {B, A, TCP, 80, ALLOW}}},
	{"deny beats allow",
	 NULL,
	 CNP("c-in") "      endpointSelector: {matchLabels: {app: c}}\n"
		     "      ingress:\n"
		     "        - fromEndpoints: [{}]\n"
		     "      ingressDeny:\n"
		     "        - fromEndpoints: [{matchLabels: {app: b}}]\n"
		     "          toPorts: [{ports: [{port: \"22\", protocol: TCP}]}]\n",
	 4,
	 {{EP_C, ID_B, TCP, 22, IN, true, true}, {EP_C, ID_B, 0, 0, IN, true, false}},
	 {{A, C, TCP, 22, ALLOW},
	  {B, C, TCP, 22, DENY_IN},
	  {B, C, TCP, 80, ALLOW},
	  {WORLD_HOST, C, TCP, 80, DENIED_IN}}},
	{"ports without peers: wildcard identity",
	 NULL,
	 CNP("c-in") "      endpointSelector: {matchLabels: {app: c}}\n"
		     "      ingress:\n"
		     "        - toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]\n",
	 1,
	 {{EP_C, 0, TCP, 80, IN, true, false}},
	 {{B, C, TCP, 80, ALLOW},
	  {WORLD_HOST, C, TCP, 80, ALLOW},
	  {N1_IP, C, TCP, 80, ALLOW},
	  {B, C, TCP, 443, DENIED_IN}}},
	{"an empty Cilium rule selects and allows nothing",
	 NULL,
	 CNP("c-in") "      endpointSelector: {matchLabels: {app: c}}\n"
		     "      ingress:\n"
		     "        - {}\n",
	 0,
	 {},
	 {{A, C, ICMP, 0, DENIED_IN}, {C, A, TCP, 80, ALLOW}}},
	{"egress by CIDR, default deny elsewhere",
	 NULL,
	 CNP("a-out") "      endpointSelector: {matchLabels: {app: a}}\n"
		      "      egress:\n"
		      "        - toCIDR: [203.0.113.0/24]\n",
	 2,
	 {{EP_A, CIDR0, 0, 0, EG, true, false}, {EP_A, CIDR0 + 1, 0, 0, EG, true, false}},
	 {{A, WORLD_HOST, TCP, 443, ALLOW},
	  {A, "203.0.113.99", UDP, 53, ALLOW},
	  {A, "198.51.100.1", TCP, 443, DENIED_EG},
	  {A, C, TCP, 80, DENIED_EG},
	  {B, "198.51.100.1", TCP, 443, ALLOW}}},
	{"CIDR rules never match pods or nodes",
	 NULL,
	 CNP("a-out") "      endpointSelector: {matchLabels: {app: a}}\n"
		      "      egress:\n"
		      "        - toCIDR: [10.0.0.0/8, 192.168.0.0/16]\n",
	 -1,
	 {},
	 {{A, C, TCP, 80, DENIED_EG},
	  {A, N2_IP, TCP, 22, DENIED_EG},
	  {A, "10.244.2.99", TCP, 80, ALLOW},
	  {A, "192.168.7.7", TCP, 80, ALLOW},
	  {A, WORLD_HOST, TCP, 80, DENIED_EG}}},
	{"CIDR nesting: a /24 rule covers the prefixes inside it",
	 NULL,
	 CNP("a-out") "      endpointSelector: {matchLabels: {app: a}}\n"
		      "      egress:\n"
		      "        - toCIDR: [203.0.113.0/24]\n"
		      "          toPorts: [{ports: [{port: \"443\", protocol: TCP}]}]\n"
		      "      egressDeny:\n"
		      "        - toCIDR: [203.0.113.64/26]\n",
	 -1,
	 {{EP_A, CIDR0, TCP, 443, EG, true, false},
	  {EP_A, CIDR0 + 2, TCP, 443, EG, true, false},
	  {EP_A, CIDR0 + 2, 0, 0, EG, true, true}},
	 {{A, WORLD_HOST, TCP, 443, ALLOW},
	  {A, "203.0.113.70", TCP, 443, DENY_EG},
	  {A, "203.0.113.200", TCP, 443, ALLOW},
	  {A, "203.0.113.200", TCP, 80, DENIED_EG}}},
	{"ipBlock except",
	 NULL,
	 KNP("a-out") "      podSelector: {matchLabels: {app: a}}\n"
		      "      policyTypes: [Egress]\n"
		      "      egress:\n"
		      "        - to: [{ipBlock: {cidr: 203.0.113.0/24, except: "
		      "[203.0.113.128/25]}}]\n",
	 2,
	 {{EP_A, CIDR0 + 2, 0, 0, EG, false, false},
	  {EP_A, CIDR0 + 1, 0, 0, EG, true, false},
	  {EP_A, CIDR0, 0, 0, EG, true, false}},
	 {{A, WORLD_HOST, TCP, 80, ALLOW},
	  {A, "203.0.113.127", UDP, 53, ALLOW},
	  {A, "203.0.113.200", TCP, 80, DENIED_EG},
	  {C, A, TCP, 80, ALLOW}}},
	{"Kubernetes: ports default to TCP, no 'from' means every peer",
	 NULL,
	 KNP("c-in") "      podSelector: {matchLabels: {app: c}}\n"
		     "      ingress:\n"
		     "        - ports: [{port: 80}]\n",
	 1,
	 {{EP_C, 0, TCP, 80, IN, true, false}},
	 {{WORLD_HOST, C, TCP, 80, ALLOW}, {B, C, UDP, 80, DENIED_IN}, {C, B, UDP, 80, ALLOW}}},
	{"Kubernetes: policyTypes Ingress without rules denies all ingress",
	 NULL,
	 KNP("c-in") "      podSelector: {matchLabels: {app: c}}\n"
		     "      policyTypes: [Ingress]\n",
	 0,
	 {},
	 {{A, C, ICMP, 0, DENIED_IN}, {C, A, TCP, 80, ALLOW}}},
	{"Cilium protocol ANY: TCP, UDP and SCTP",
	 NULL,
	 CNP("c-in") "      endpointSelector: {matchLabels: {app: c}}\n"
		     "      ingress:\n"
		     "        - fromEndpoints: [{matchLabels: {app: a}}]\n"
		     "          toPorts: [{ports: [{port: \"53\"}]}]\n",
	 3,
	 {{EP_C, ID_A, UDP, 53, IN, true, false},
	  {EP_C, ID_A, TCP, 53, IN, true, false},
	  {EP_C, ID_A, IPPROTO_SCTP, 53, IN, true, false},
	  {EP_C, ID_A, 0, 53, IN, false, false}},
	 {{A, C, UDP, 53, ALLOW}, {A, C, TCP, 53, ALLOW}, {A, C, ICMP, 0, DENIED_IN}}},
	{"entities: world and remote-node",
	 NULL,
	 CNP("c-in") "      endpointSelector: {matchLabels: {app: c}}\n"
		     "      ingress:\n"
		     "        - fromEntities: [world]\n"
		     "        - fromEntities: [remote-node]\n"
		     "          toPorts: [{ports: [{port: \"22\", protocol: TCP}]}]\n",
	 3,
	 {{EP_C, PL_ID_WORLD, 0, 0, IN, true, false},
	  {EP_C, CIDR0, 0, 0, IN, true, false},
	  {EP_C, PL_ID_REMOTE_NODE, TCP, 22, IN, true, false}},
	 {{WORLD_HOST, C, TCP, 80, ALLOW},
	  {"198.51.100.7", C, TCP, 80, ALLOW},
	  {N1_IP, C, TCP, 22, ALLOW},
	  {N1_IP, C, TCP, 80, DENIED_IN},
	  {N2_IP, C, TCP, 22, DENIED_IN},
	  {A, C, TCP, 22, DENIED_IN}}},
	{"legacy: pods of other nodes arrive as their node (MASQUERADE)",
	 "legacy",
	 CNP("c-in") "      endpointSelector: {matchLabels: {app: c}}\n"
		     "      ingress:\n"
		     "        - fromEndpoints: [{matchLabels: {app: a}}]\n"
		     "          toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]\n"
		     "        - fromEntities: [remote-node]\n"
		     "          toPorts: [{ports: [{port: \"8080\", protocol: TCP}]}]\n",
	 -1,
	 {},
	 {{A, C, TCP, 80, DENIED_IN}, {A, C, TCP, 8080, ALLOW}, {B, C, TCP, 8080, ALLOW}}},
};

static const struct policy_entry *find_entry(const struct policy_set *ps,
					     const struct want_entry *w)
{
	int i;

	for (i = 0; i < ps->nentries; i++) {
		const struct pl_policy_key *k = &ps->entries[i].key;

		if (k->ep_id == w->ep_id && k->remote_identity == w->identity &&
		    k->proto == w->proto && k->dport == htons(w->dport) && k->dir == w->dir)
			return &ps->entries[i];
	}
	return NULL;
}

static void check_flows(const struct topo *t, const struct policy_set *ps, const struct flow *f,
			size_t n)
{
	enum policy_verdict v;
	char what[96];
	int reason;
	size_t i;

	for (i = 0; i < n && f[i].src; i++) {
		snprintf(what, sizeof(what), "%s -> %s proto %u port %u", f[i].src, f[i].dst,
			 f[i].proto, f[i].dport);
		v = pl_policy_predict(t, ps, topo_test_ip(f[i].src), topo_test_ip(f[i].dst),
				      f[i].proto, f[i].dport, &reason);
		ASSERT_EQ(v, f[i].verdict, what);
		ASSERT_EQ(reason, f[i].reason, what);
		v = pl_policy_evaluate_compiled(t, ps, topo_test_ip(f[i].src),
						topo_test_ip(f[i].dst), f[i].proto, f[i].dport,
						&reason);
		ASSERT_EQ(v, f[i].verdict, "compiled maps agree");
		ASSERT_EQ(reason, f[i].reason, "compiled maps agree");
	}
}

static int compile_text(const char *text, struct topo **t, struct policy_set **ps)
{
	char *diag;
	int err;

	*t = NULL;
	*ps = NULL;
	err = topo_test_parse(text, t, &diag);
	if (err)
		fprintf(stderr, "%s", diag);
	free(diag);
	return err ? err : pl_policy_compile(*t, ps);
}

PL_TEST(unit, policy_semantics)
{
	const struct policy_case *c;
	const struct policy_entry *e;
	struct policy_set *ps;
	struct topo *t;
	char text[4096];
	int i;

	for (c = cases; c < cases + sizeof(cases) / sizeof(cases[0]); c++) {
		pl_subtest("%s", c->desc);
		snprintf(text, sizeof(text), "routing: %s\n%s%s",
			 c->routing ? c->routing : "native", BASE, c->policies);
		if (!ASSERT_OK(compile_text(text, &t, &ps), "parse and compile"))
			goto next;
		if (c->nentries >= 0)
			ASSERT_EQ(ps->nentries, c->nentries, "number of entries");
		for (i = 0; i < 4 && c->entries[i].ep_id; i++) {
			e = find_entry(ps, &c->entries[i]);
			if (!c->entries[i].present) {
				ASSERT_TRUE(e == NULL, "entry absent");
				continue;
			}
			if (ASSERT_TRUE(e != NULL, "entry present"))
				ASSERT_EQ(e->val.deny, c->entries[i].deny, "entry verdict");
		}
		check_flows(t, ps, c->flows, sizeof(c->flows) / sizeof(c->flows[0]));
	next:
		pl_policy_set_free(ps);
		pl_topo_free(t);
	}
}

/* The same rule written as CiliumNetworkPolicy and as NetworkPolicy compiles identically. */
PL_TEST(unit, policy_k8s_form_equals_cilium_form)
{
	static const char cnp[] = "routing: native\n" BASE CNP(
		"p") "      endpointSelector: {matchLabels: {app: c}}\n"
		     "      ingress:\n"
		     "        - fromEndpoints: [{matchLabels: {app: a}}]\n"
		     "          toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]\n"
		     "        - fromCIDRSet: [{cidr: 203.0.113.0/24, except: [203.0.113.128/25]}]\n"
		     "          toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]\n";
	static const char knp[] = "routing: native\n" BASE KNP(
		"p") "      podSelector: {matchLabels: {app: c}}\n"
		     "      ingress:\n"
		     "        - from: [{podSelector: {matchLabels: {app: a}}}]\n"
		     "          ports: [{port: 80, protocol: TCP}]\n"
		     "        - from: [{ipBlock: {cidr: 203.0.113.0/24, except: "
		     "[203.0.113.128/25]}}]\n"
		     "          ports: [{port: 80, protocol: TCP}]\n";
	static const struct flow flows[] = {
		{A, C, TCP, 80, ALLOW},
		{B, C, TCP, 80, DENIED_IN},
		{WORLD_HOST, C, TCP, 80, ALLOW},
		{"203.0.113.200", C, TCP, 80, DENIED_IN},
		{WORLD_HOST, C, UDP, 80, DENIED_IN},
	};
	struct policy_set *ps1 = NULL, *ps2 = NULL;
	struct topo *t1 = NULL, *t2 = NULL;
	int i;

	if (!ASSERT_OK(compile_text(cnp, &t1, &ps1), "CiliumNetworkPolicy") ||
	    !ASSERT_OK(compile_text(knp, &t2, &ps2), "NetworkPolicy"))
		goto out;
	if (!ASSERT_EQ(ps1->nentries, ps2->nentries, "same number of entries"))
		goto out;
	ASSERT_EQ(ps1->nentries, 3, "a + world host + /24 (the except gets none)");
	for (i = 0; i < ps1->nentries; i++)
		ASSERT_MEMEQ(&ps1->entries[i], &ps2->entries[i], sizeof(ps1->entries[i]),
			     "same entry");
	ASSERT_EQ(ps1->nprefixes, ps2->nprefixes, "same CIDR identities");
	check_flows(t1, ps1, flows, sizeof(flows) / sizeof(flows[0]));
	check_flows(t2, ps2, flows, sizeof(flows) / sizeof(flows[0]));
out:
	pl_policy_set_free(ps1);
	pl_policy_set_free(ps2);
	pl_topo_free(t1);
	pl_topo_free(t2);
}

PL_TEST(unit, policy_ipcache_per_node)
{
	static const char text[] =
		"routing: vxlan\n" BASE CNP("p") "      endpointSelector: {matchLabels: {app: a}}\n"
						 "      egress: [{toCIDR: [203.0.113.0/24]}]\n";
	struct policy_ipcache_entry *ipc = NULL;
	struct policy_set *ps = NULL;
	struct topo *t = NULL;
	uint32_t tun;
	int n;

	if (!ASSERT_OK(compile_text(text, &t, &ps), "compile") ||
	    !ASSERT_OK(pl_policy_ipcache(t, ps, 0, &ipc, &n), "ipcache of n1"))
		goto out;
	ASSERT_EQ(n, 3 + 2 + 2, "3 pods, 2 nodes, world host and the /24");
	ASSERT_EQ(pl_policy_ipcache_lookup(ipc, n, topo_test_ip(A), &tun), ID_A, "local pod");
	ASSERT_EQ(tun, 0, "local pod: no tunnel");
	ASSERT_EQ(pl_policy_ipcache_lookup(ipc, n, topo_test_ip(C), &tun), ID_C, "remote pod");
	ASSERT_EQ(tun, topo_test_ip(N2_IP), "remote pod behind n2");
	ASSERT_EQ(pl_policy_ipcache_lookup(ipc, n, topo_test_ip(N1_IP), NULL), PL_ID_HOST,
		  "own node");
	ASSERT_EQ(pl_policy_ipcache_lookup(ipc, n, topo_test_ip(N2_IP), NULL), PL_ID_REMOTE_NODE,
		  "other node");
	ASSERT_EQ(pl_policy_ipcache_lookup(ipc, n, topo_test_ip(WORLD_HOST), NULL), CIDR0,
		  "world host: its own CIDR identity");
	ASSERT_EQ(pl_policy_ipcache_lookup(ipc, n, topo_test_ip("203.0.113.99"), NULL), CIDR0 + 1,
		  "rest of the /24");
	ASSERT_EQ(pl_policy_ipcache_lookup(ipc, n, topo_test_ip("8.8.8.8"), NULL), PL_ID_WORLD,
		  "miss: world");
	ASSERT_EQ(ps->ep_flags[0], PL_EP_F_EGRESS_ENFORCED, "a: egress enforced only");
	ASSERT_EQ(ps->ep_flags[2], 0, "c: nothing enforced");
out:
	free(ipc);
	pl_policy_set_free(ps);
	pl_topo_free(t);
}

/* Final allows: of an endpoint and direction no deny entry has, and only those. */
PL_TEST(unit, policy_final_allows)
{
	static const char text[] = "routing: native\n" BASE CNP(
		"c") "      endpointSelector: {matchLabels: {app: c}}\n"
		     "      ingress: [{fromEndpoints: [{}]}]\n"
		     "      ingressDeny:\n"
		     "        - fromEndpoints: [{matchLabels: {app: b}}]\n"
		     "      egress: [{toEndpoints: [{}]}]\n" CNP(
			     "a") "      endpointSelector: {matchLabels: {app: a}}\n"
				  "      egress: [{toEndpoints: [{matchLabels: {app: c}}]}]\n";
	int i, final[2][4] = {{0}}, other[2][4] = {{0}};
	struct policy_set *ps = NULL;
	struct topo *t = NULL;

	if (!ASSERT_OK(compile_text(text, &t, &ps), "compile"))
		goto out;
	for (i = 0; i < ps->nentries; i++) {
		const struct policy_entry *e = &ps->entries[i];

		if (e->key.ep_id > EP_C || e->key.dir > PL_DIR_EGRESS)
			continue;
		if (e->val.flags & PL_POLICY_F_FINAL)
			final[e->key.dir][e->key.ep_id]++;
		else
			other[e->key.dir][e->key.ep_id]++;
		if (e->val.deny)
			ASSERT_FALSE(e->val.flags & PL_POLICY_F_FINAL, "a deny is never final");
	}
	ASSERT_TRUE(final[PL_DIR_EGRESS][EP_A] > 0, "a egress: allows only, final");
	ASSERT_EQ(other[PL_DIR_EGRESS][EP_A], 0, "a egress: every entry final");
	ASSERT_TRUE(final[PL_DIR_EGRESS][EP_C] > 0, "c egress: allows only, final");
	ASSERT_EQ(other[PL_DIR_EGRESS][EP_C], 0, "c egress: every entry final");
	ASSERT_EQ(final[PL_DIR_INGRESS][EP_C], 0, "c ingress has a deny: nothing final");
	ASSERT_TRUE(other[PL_DIR_INGRESS][EP_C] >= 2, "c ingress: the allow and the deny");
out:
	pl_policy_set_free(ps);
	pl_topo_free(t);
}

/* Over every shipped topology, the rule-level prediction equals the compiled maps' answer. */
PL_TEST(unit, policy_predict_matches_compiled_on_shipped_topologies)
{
	static const struct {
		uint8_t proto;
		uint16_t port;
	} probes[] = {{ICMP, 0},   {TCP, 22},	{TCP, 80},   {TCP, 443}, {TCP, 5432},
		      {TCP, 8080}, {TCP, 9090}, {TCP, 9187}, {UDP, 53},	 {UDP, 80}};
	const char *const *name;
	uint32_t addrs[64];
	int i, j, k, n, r1, r2, mismatches, drops;

	for (name = topo_test_shipped_names; *name; name++) {
		struct policy_set *ps = NULL;
		struct topo *t = NULL;

		pl_subtest("%s", *name);
		if (!ASSERT_OK(pl_topo_parse(topo_test_shipped(*name), &t), "parse") ||
		    !ASSERT_OK(pl_policy_compile(t, &ps), "compile"))
			goto next;
		n = 0;
		for (i = 0; i < t->npods && n < 60; i++)
			addrs[n++] = t->pods[i].ip;
		for (i = 0; i < t->nnodes && n < 60; i++)
			addrs[n++] = t->nodes[i].underlay_ip;
		if (t->world.present)
			addrs[n++] = t->world.ip;
		addrs[n++] = topo_test_ip("198.51.100.200");
		addrs[n++] = topo_test_ip("10.244.9.9");
		mismatches = drops = 0;
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				for (k = 0; i != j && k < (int)(sizeof(probes) / sizeof(probes[0]));
				     k++) {
					enum policy_verdict v1, v2;

					v1 = pl_policy_predict(t, ps, addrs[i], addrs[j],
							       probes[k].proto, probes[k].port,
							       &r1);
					v2 = pl_policy_evaluate_compiled(t, ps, addrs[i], addrs[j],
									 probes[k].proto,
									 probes[k].port, &r2);
					mismatches += v1 != v2 || r1 != r2;
					drops += v1 != POLICY_ALLOWED;
				}
		ASSERT_EQ(mismatches, 0, "prediction == compiled maps");
		if (t->npolicies)
			ASSERT_GT(drops, 0, "policies drop something");
	next:
		pl_policy_set_free(ps);
		pl_topo_free(t);
	}
}

/* The shipped two-node files teach a specific story; hold them to it. */
PL_TEST(unit, policy_two_node_story)
{
	static const struct flow native[] = {
		{"10.244.1.10", "10.244.2.20", TCP, 80, ALLOW},	    /* frontend → backend */
		{"10.244.1.11", "10.244.2.20", TCP, 80, DENIED_IN}, /* client → backend */
		{"10.244.1.10", "10.244.2.30", TCP, 5432, DENY_EG}, /* frontend → db */
		{"10.244.2.20", "10.244.2.30", TCP, 5432, ALLOW},   /* backend → db */
		{"10.244.1.10", WORLD_HOST, TCP, 443, ALLOW},	    /* frontend → world */
		{"10.244.1.10", WORLD_HOST, TCP, 80, DENIED_EG},
	};
	static const struct flow legacy[] = {
		{"10.244.1.10", "10.244.2.20", TCP, 80, DENIED_IN}, /* identity lost to NAT */
		{"10.244.2.20", "10.244.2.30", TCP, 5432, ALLOW},   /* same node: no NAT */
	};
	struct policy_set *ps = NULL;
	struct topo *t = NULL;

	if (ASSERT_OK(pl_topo_parse(topo_test_shipped("two-node-native.yaml"), &t), "native") &&
	    ASSERT_OK(pl_policy_compile(t, &ps), "compile"))
		check_flows(t, ps, native, sizeof(native) / sizeof(native[0]));
	pl_policy_set_free(ps);
	pl_topo_free(t);
	ps = NULL;
	t = NULL;
	if (ASSERT_OK(pl_topo_parse(topo_test_shipped("two-node-legacy.yaml"), &t), "legacy") &&
	    ASSERT_OK(pl_policy_compile(t, &ps), "compile"))
		check_flows(t, ps, legacy, sizeof(legacy) / sizeof(legacy[0]));
	pl_policy_set_free(ps);
	pl_topo_free(t);
}
