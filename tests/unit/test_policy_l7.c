// SPDX-License-Identifier: GPL-2.0
/* L7 (HTTP) policy: toPorts rules parse strictly, compile to proxied ports, decide requests. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "topo/policy_compile.h"
#include "topo/policy_l7.h"
#include "topo/topo.h"
#include "topo_test_util.h"

/* Two nodes (lines 1-11), a policy on pod b: spec from line 17, ingress rule at line 19. */
#define L7_HEAD                                                                                    \
	"nodes:\n"                                                                                 \
	"  - name: node1\n"                                                                        \
	"    ip: 192.168.50.1\n"                                                                   \
	"    podCIDR: 10.244.1.0/24\n"                                                             \
	"    pods:\n"                                                                              \
	"      - {name: a, ip: 10.244.1.10, labels: {app: a}}\n"                                   \
	"  - name: node2\n"                                                                        \
	"    ip: 192.168.50.2\n"                                                                   \
	"    podCIDR: 10.244.2.0/24\n"                                                             \
	"    pods:\n"                                                                              \
	"      - {name: b, ip: 10.244.2.10, labels: {app: b}}\n"                                   \
	"policies:\n"                                                                              \
	"  - apiVersion: cilium.io/v2\n"                                                           \
	"    kind: CiliumNetworkPolicy\n"                                                          \
	"    metadata: {name: p}\n"                                                                \
	"    spec:\n"                                                                              \
	"      endpointSelector: {matchLabels: {app: b}}\n"
/* An ingress rule from pod a, port 80 with RULES (line 20) as the toPorts entry's rules. */
#define L7_IN(rules)                                                                               \
	L7_HEAD "      ingress:\n"                                                                 \
		"        - fromEndpoints: [{matchLabels: {app: a}}]\n"                             \
		"          toPorts: [{ports: [{port: \"80\"}], rules: " rules "}]\n"

struct l7_bad {
	const char *desc, *text, *msg;
};

static const struct l7_bad l7_bad_cases[] = {
	{"bad path regex", L7_IN("{http: [{path: \"/a[\"}]}"),
	 "t:20:67: http path '/a[' is not a valid extended regex"},
	{"bad method regex", L7_IN("{http: [{method: \"G(\"}]}"),
	 "t:20:69: http method 'G(' is not a valid extended regex"},
	{"unknown http key", L7_IN("{http: [{verb: GET}]}"),
	 "t:20:61: unknown key 'verb' in an http rule (expected one of: method, path, host, "
	 "headers)"},
	{"headerMatches", L7_IN("{http: [{headerMatches: []}]}"),
	 "t:20:61: http headerMatches is not supported"},
	{"kafka rules", L7_IN("{kafka: [{topic: t}]}"),
	 "t:20:53: kafka rules are not supported: podlab's proxy enforces http rules only"},
	{"dns rules", L7_IN("{dns: [{matchName: x}]}"), "t:20:53: dns rules are not supported"},
	{"unknown rules key", L7_IN("{htpp: []}"),
	 "t:20:53: unknown key 'htpp' in toPorts rules (expected one of: http)"},
	{"empty http list", L7_IN("{http: []}"), "t:20:59: rules.http needs at least one rule"},
	{"bad header", L7_IN("{http: [{headers: [\"X A: 1\"]}]}"),
	 "t:20:71: http header 'X A: 1' is not 'Name' or 'Name: value'"},
	{"quote in a path", L7_IN("{http: [{path: \"/a'b\"}]}"),
	 "t:20:67: http path may not hold a quote (') or a control character"},
	{"rules on a UDP port",
	 L7_HEAD
	 "      ingress:\n"
	 "        - toPorts: [{ports: [{port: \"53\", protocol: UDP}], rules: {http: [{}]}}]\n",
	 "t:19:30: a port with http rules must be a TCP port number"},
	{"rules without ports",
	 L7_HEAD "      ingress:\n"
		 "        - toPorts: [{rules: {http: [{}]}}]\n",
	 "t:19:22: toPorts rules need ports (a TCP port number)"},
	{"rules on egress",
	 L7_HEAD "      egress:\n"
		 "        - toPorts: [{ports: [{port: \"80\"}], rules: {http: [{}]}}]\n",
	 "t:19:45: toPorts rules are supported on ingress (allow) rules only"},
	{"rules on ingressDeny",
	 L7_HEAD "      ingressDeny:\n"
		 "        - toPorts: [{ports: [{port: \"80\"}], rules: {http: [{}]}}]\n",
	 "t:19:45: toPorts rules are supported on ingress (allow) rules only"},
	{"fromCIDR beside rules",
	 L7_HEAD "      ingress:\n"
		 "        - fromCIDR: [203.0.113.0/24]\n"
		 "          toPorts: [{ports: [{port: \"80\"}], rules: {http: [{}]}}]\n",
	 "t:19:11: fromCIDR with http rules is not supported"},
	{"an L4 fromEntities rule on a proxied port",
	 L7_IN("{http: [{method: GET}]}") "        - fromEntities: [world]\n",
	 "t:21:25: this rule allows a port that http rules proxy: fromCIDR and fromEntities"},
};

PL_TEST(unit, policy_l7_broken_rules)
{
	const struct l7_bad *c;

	for (c = l7_bad_cases; c < l7_bad_cases + sizeof(l7_bad_cases) / sizeof(l7_bad_cases[0]);
	     c++) {
		pl_subtest("%s", c->desc);
		topo_test_expect_broken(c->text, c->msg);
	}
}

static struct topo *parse_ok(const char *text)
{
	struct topo *t = NULL;
	char *diag = NULL;

	if (!ASSERT_EQ(topo_test_parse(text, &t, &diag), 0, "parses"))
		fprintf(stderr, "%s", diag ? diag : "");
	free(diag);
	return t;
}

PL_TEST(unit, policy_l7_parse_model)
{
	struct topo *t =
		parse_ok(L7_IN("{http: [{method: GET, path: /public.*}, "
			       "{host: api\\.example, headers: [X-A, \"X-B: two words\"]}]}"));
	const struct topo_http_rule *h;

	if (!t)
		return;
	ASSERT_EQ(t->policies[0].nl7, 1, "one rules block");
	ASSERT_EQ(t->policies[0].rules[0].ports[0].l7, 1, "the port points at it");
	ASSERT_EQ(t->policies[0].rules[0].ports[0].proto, 6, "ANY narrows to TCP");
	ASSERT_EQ(t->policies[0].l7[0].nhttp, 2, "two http rules");
	h = &t->policies[0].l7[0].http[0];
	ASSERT_STREQ(h->method, "GET", "method");
	ASSERT_STREQ(h->path, "/public.*", "path");
	ASSERT_TRUE(!h->host && !h->nheaders, "no host, no headers");
	h = &t->policies[0].l7[0].http[1];
	ASSERT_STREQ(h->host, "api\\.example", "host");
	ASSERT_EQ(h->nheaders, 2, "headers");
	ASSERT_STREQ(h->hdr_name[0], "X-A", "present-only header");
	ASSERT_TRUE(!h->hdr_value[0], "no value");
	ASSERT_STREQ(h->hdr_name[1], "X-B", "header name");
	ASSERT_STREQ(h->hdr_value[1], "two words", "header value");
	pl_topo_free(t);
}

PL_TEST(unit, policy_l7_compiled_entries)
{
	struct topo *t = parse_ok(L7_IN("{http: [{method: GET}]}"));
	struct policy_set *ps = NULL;

	if (!t)
		return;
	if (ASSERT_EQ(pl_policy_compile(t, &ps), 0, "compiles") &&
	    ASSERT_EQ(ps->nentries, 1, "one entry")) {
		ASSERT_EQ(ps->entries[0].key.proto, 6, "TCP");
		ASSERT_EQ(ntohs(ps->entries[0].key.dport), 80, "port 80");
		ASSERT_TRUE(ps->entries[0].val.flags & PL_POLICY_F_PROXY, "redirected to the proxy");
		ASSERT_EQ(ps->entries[0].val.deny, 0, "an allow at L4");
	}
	pl_policy_set_free(ps);
	pl_topo_free(t);
}

static int decide(const struct topo *t, const struct policy_proxies *pp, int src,
		  const char *method, const char *path, const char *host, int *rule, int *http)
{
	const char *hn[] = {"x-a"}, *hv[] = {"1"};
	struct pl_http_req req = {.method = method, .path = path, .host = host};
	const struct policy_proxy *px = pl_policy_proxy_find(pp, 1, 80);

	if (host && !strcmp(host, "hdr")) {
		req.host = NULL;
		req.hdr_name = hn;
		req.hdr_value = hv;
		req.nheaders = 1;
	}
	if (!ASSERT_TRUE(px != NULL, "b:80 is proxied"))
		return -1;
	return pl_policy_http_decide(t, px, src, &req, rule, http);
}

PL_TEST(unit, policy_l7_decisions)
{
	/* Second ingress rule: an L4 rule from b itself on port 80 (any request). */
	struct topo *t = parse_ok(
		L7_IN("{http: [{method: GET, path: /public.*}, "
		      "{method: GET, host: api\\.example}, "
		      "{method: PUT, headers: [\"X-A: 1\"]}]}") "        - fromEndpoints: "
								"[{matchLabels: {app: b}}]\n"
								"          toPorts: [{ports: "
								"[{port: \"80\"}]}]\n");
	struct policy_proxies pp = {0};
	struct topo_pos bad;
	int rule, http;

	if (!t)
		return;
	if (!ASSERT_EQ(pl_policy_proxies(t, &pp, &bad), 0, "proxies") ||
	    !ASSERT_EQ(pp.n, 1, "one proxied port") || !ASSERT_EQ(pp.p[0].nrules, 2, "two rules"))
		goto out;
	ASSERT_TRUE(!pl_policy_proxy_find(&pp, 1, 81), "port 81 is not proxied");
	ASSERT_EQ(decide(t, &pp, 0, "GET", "/public/x", NULL, &rule, &http), 1, "GET /public/x");
	ASSERT_TRUE(rule == 0 && http == 0, "by rule 0 http[0]");
	ASSERT_EQ(decide(t, &pp, 0, "GET", "/public", NULL, &rule, &http), 1, "GET /public");
	ASSERT_EQ(decide(t, &pp, 0, "GET", "/x/public", NULL, &rule, &http), 0,
		  "the path regex matches the whole path");
	ASSERT_EQ(decide(t, &pp, 0, "POST", "/public", NULL, &rule, &http), 0, "POST denied");
	ASSERT_TRUE(rule == -1 && http == -1, "no rule named");
	ASSERT_EQ(decide(t, &pp, 0, "GETX", "/public", NULL, &rule, &http), 0,
		  "the method regex matches the whole method");
	ASSERT_EQ(decide(t, &pp, 0, "GET", "/x", "api.example", &rule, &http), 1, "host rule");
	ASSERT_EQ(http, 1, "by http[1]");
	ASSERT_EQ(decide(t, &pp, 0, "GET", "/x", "apixexample", &rule, &http), 0,
		  "the escaped dot is a dot");
	ASSERT_EQ(decide(t, &pp, 0, "PUT", "/x", "hdr", &rule, &http), 1,
		  "header names match case-insensitively");
	ASSERT_EQ(http, 2, "by http[2]");
	ASSERT_EQ(decide(t, &pp, 0, "PUT", "/x", NULL, &rule, &http), 0, "without the header");
	ASSERT_EQ(decide(t, &pp, 1, "POST", "/x", NULL, &rule, &http), 1,
		  "b's L4 rule allows any request");
	ASSERT_TRUE(rule == 1 && http == -1, "by rule 1, no http item");
out:
	pl_policy_proxies_free(&pp);
	pl_topo_free(t);
}
