// SPDX-License-Identifier: GPL-2.0
/* podlab explain's L7 line: the L4 verdict first, then the proxy's decision. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>

#include "cli/explain_http.h"
#include "lib/datapath.h"
#include "lib/log.h"
#include "topo/policy_compile.h"

int pl_explain_http(const struct topo *t, int from, int to, uint16_t dport,
		    const struct pl_http_req *req)
{
	const struct topo_pod *dst = &t->pods[to];
	const struct policy_proxy *px;
	const struct policy_proxy_rule *pr;
	struct policy_proxies pp;
	struct topo_pos bad;
	char buf[512];
	int rule, http, reason, ret;

	ret = pl_policy_proxies(t, &pp, &bad);
	if (ret) {
		pl_err_errno(ret, "%s: the proxied ports", t->file);
		return ret;
	}
	printf("L7 (HTTP): %s %s%s%s to %s:%u: ", req->method, req->path,
	       req->host ? " Host: " : "", req->host ? req->host : "", dst->name, dport);
	px = pl_policy_proxy_find(&pp, to, dport);
	if (!px) {
		printf("the port has no http rules: decided at L4 only\n");
		goto out;
	}
	if (pl_policy_predict(t, NULL, t->pods[from].ip, dst->ip, IPPROTO_TCP, dport, &reason) !=
	    POLICY_ALLOWED) {
		printf("never reaches the proxy: dropped at L4, %s (%s)\n",
		       pl_drop_reason_name(reason), pl_drop_reason_str(reason));
		goto out;
	}
	ret = pl_policy_http_decide(t, px, from, req, &rule, &http);
	if (ret < 0) {
		printf("\n");
		pl_err_errno(ret, "matching the request");
		goto out;
	}
	printf("%s's L7 proxy decides\n", t->nodes[dst->node].name);
	if (!ret) {
		printf("  => denied: 403 Forbidden, no rule of the %d allowing %s:%u from %s "
		       "matches\n",
		       px->nrules, dst->name, dport, t->pods[from].name);
		ret = 0;
		goto out;
	}
	pr = &px->rules[rule];
	printf("  => allowed by policy '%s' rule %d (%s:%d:%d)", t->policies[pr->pol].name,
	       pr->rule, t->file, t->policies[pr->pol].rules[pr->rule].pos.line,
	       t->policies[pr->pol].rules[pr->rule].pos.col);
	if (http < 0)
		printf(": an L4 rule, any request\n");
	else
		printf(" http[%d] (%d:%d): %s\n", http, pr->l7->http[http].pos.line,
		       pr->l7->http[http].pos.col,
		       pl_policy_http_str(&pr->l7->http[http], buf, sizeof(buf)));
	ret = 0;
out:
	pl_policy_proxies_free(&pp);
	return ret;
}
