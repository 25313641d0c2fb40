// SPDX-License-Identifier: GPL-2.0
/* podlab check, what every section shares: names, ports, policy predictions, the report. */
#include <stdio.h>
#include <stdlib.h>

#include "probe/check.h"
#include "probe/check_internal.h"
#include "topo/policy_compile.h"

void pl_check_netns(const char *run, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "pl-%s-%s", run, name);
}

bool pl_check_in_pod_cidr(const struct topo *t, uint32_t ip)
{
	return pl_topo_node_by_pod_ip(t, ip) >= 0;
}

/* Ports the policies name for proto (or any protocol), else dflt. */
int pl_check_ports(const struct topo *t, uint8_t proto, uint16_t dflt, uint16_t *ports)
{
	int p, r, k, i, n = 0;

	for (p = 0; p < t->npolicies; p++) {
		for (r = 0; r < t->policies[p].nrules; r++) {
			const struct topo_rule *rule = &t->policies[p].rules[r];

			for (k = 0; k < rule->nports && n < CHECK_MAX_PORTS; k++) {
				const struct topo_port *tp = &rule->ports[k];

				if (!tp->port || (tp->proto && tp->proto != proto))
					continue;
				for (i = 0; i < n && ports[i] != tp->port; i++)
					;
				if (i == n)
					ports[n++] = tp->port;
			}
		}
	}
	if (!n)
		ports[n++] = dflt;
	return n;
}

/* What the topology's policies predict for a probe (topo's pl_policy_predict). */
enum pl_check_expect pl_check_expected(const struct topo *t, int src, int dst, uint8_t proto,
				       uint16_t dport, int *reason)
{
	int why = PL_DROP_NONE;
	enum policy_verdict v;

	/* pl_policy_predict reads the rules alone; ICMP carries no port. */
	v = pl_policy_predict(t, NULL, t->pods[src].ip, t->pods[dst].ip, proto, dport, &why);
	if (reason)
		*reason = why;
	return v == POLICY_ALLOWED ? PL_EXPECT_ALLOW : PL_EXPECT_DENY;
}

void pl_check_report_free(struct pl_check_report *r)
{
	if (!r)
		return;
	free(r->probes);
	free(r->underlay);
	free(r->mtu);
	free(r->rates);
	free(r->routes);
	free(r->ingress);
	free(r->l7);
	free(r);
}
