// SPDX-License-Identifier: GPL-2.0
/*
 * Random cases for the policy oracle: small clusters whose pods share a few
 * labels, policies of both kinds mixing label, CIDR (with except), entity,
 * port and deny rules in both directions, and flows from pods, nodes and
 * outside addresses, so every branch of the policy semantics gets asked.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle_gen.h"
#include "rng.h"

#define MAX_PODS 9

static const char *const apps[] = {"a", "b", "c", "d"};
static const char *const tiers[] = {"web", "db"};
/* Documentation ranges, nested prefixes, and prefixes that hold pods or nodes (never matched). */
static const struct {
	const char *cidr, *except;
} cidrs[] = {
	{"203.0.113.0/24", "203.0.113.8/29"},
	{"203.0.113.0/24", "203.0.113.128/25"},
	{"203.0.113.10/32", NULL},
	{"198.51.100.0/24", "198.51.100.0/25"},
	{"0.0.0.0/0", "203.0.113.0/24"},
	{"192.0.2.0/24", NULL},
	{"10.244.0.0/16", NULL},
	{"192.168.50.0/24", NULL},
};
static const char *const entities[] = {"world", "host", "remote-node", "cluster", "all"};
static const uint16_t ports[] = {80, 443, 53, 5432, 8080};
static const char *const outside[] = {"203.0.113.10", "203.0.113.200", "198.51.100.7", "192.0.2.9"};

struct gen {
	struct sim_rng rng;
	int npods;
	uint32_t pod_ip[MAX_PODS];
	int nnodes;
};

static unsigned pick(struct gen *g, unsigned n)
{
	return (unsigned)(pl_sim_rng_u64(&g->rng) % n);
}

static void selector(struct gen *g, FILE *f)
{
	switch (pick(g, 8)) {
	case 0:
		fputs("{}", f);
		break;
	case 1:
		fprintf(f, "{matchLabels: {app: %s, tier: %s}}", apps[pick(g, 4)],
			tiers[pick(g, 2)]);
		break;
	case 2:
	case 3:
		fprintf(f, "{matchLabels: {tier: %s}}", tiers[pick(g, 2)]);
		break;
	default:
		fprintf(f, "{matchLabels: {app: %s}}", apps[pick(g, 4)]);
	}
}

/* One CiliumNetworkPolicy rule; from: "from" or "to". */
static void cnp_rule(struct gen *g, FILE *f, const char *from)
{
	unsigned i, c, kind = pick(g, 10);
	bool any_peer = true;

	fputs("        - {", f);
	switch (kind) {
	case 0:
	case 1:
	case 2:
		fprintf(f, "%sEndpoints: [", from);
		selector(g, f);
		if (!pick(g, 3)) {
			fputs(", ", f);
			selector(g, f);
		}
		fputs("]", f);
		break;
	case 3:
		fprintf(f, "%sCIDR: [%s", from, cidrs[pick(g, 8)].cidr);
		if (!pick(g, 3))
			fprintf(f, ", %s", cidrs[pick(g, 8)].cidr);
		fputs("]", f);
		break;
	case 4:
	case 5:
		c = pick(g, 8);
		fprintf(f, "%sCIDRSet: [{cidr: %s", from, cidrs[c].cidr);
		if (cidrs[c].except)
			fprintf(f, ", except: [%s]", cidrs[c].except);
		fputs("}]", f);
		break;
	case 6:
	case 7:
		fprintf(f, "%sEntities: [%s", from, entities[pick(g, 5)]);
		if (!pick(g, 3))
			fprintf(f, ", %s", entities[pick(g, 5)]);
		fputs("]", f);
		break;
	case 8:
		any_peer = false; /* ports only: every peer */
		break;
	default:
		fputs("}\n", f); /* `- {}`: allows nothing, still default deny */
		return;
	}
	if (!any_peer || pick(g, 2)) {
		if (!any_peer)
			fputs("toPorts: [{ports: [", f);
		else
			fputs(", toPorts: [{ports: [", f);
		for (i = 0, c = 1 + pick(g, 2); i < c; i++)
			fprintf(f, "%s{port: \"%u\", protocol: %s}", i ? ", " : "",
				pick(g, 6) ? ports[pick(g, 5)] : 0,
				(const char *const[]){"TCP", "UDP", "ANY"}[pick(g, 3)]);
		fputs("]}]", f);
	}
	fputs("}\n", f);
}

static void cnp(struct gen *g, FILE *f, int idx)
{
	static const char *const sections[] = {"ingress", "ingressDeny", "egress", "egressDeny"};
	unsigned s, r, nrules, mask = 1 + pick(g, 15);

	fprintf(f,
		"  - apiVersion: cilium.io/v2\n    kind: CiliumNetworkPolicy\n"
		"    metadata: {name: cnp%d}\n    spec:\n      endpointSelector: ",
		idx);
	selector(g, f);
	fputc('\n', f);
	for (s = 0; s < 4; s++) {
		if (!(mask & 1u << s))
			continue;
		fprintf(f, "      %s:\n", sections[s]);
		for (r = 0, nrules = 1 + pick(g, 2); r < nrules; r++)
			cnp_rule(g, f, s < 2 ? "from" : "to");
	}
}

static void knp_peer(struct gen *g, FILE *f)
{
	unsigned c;

	switch (pick(g, 4)) {
	case 0:
		fputs("{namespaceSelector: {}}", f);
		break;
	case 1:
		c = pick(g, 8);
		fprintf(f, "{ipBlock: {cidr: %s", cidrs[c].cidr);
		if (cidrs[c].except)
			fprintf(f, ", except: [%s]", cidrs[c].except);
		fputs("}}", f);
		break;
	default:
		fputs("{podSelector: ", f);
		selector(g, f);
		fputs("}", f);
	}
}

static void knp_rules(struct gen *g, FILE *f, const char *dir, const char *peer)
{
	unsigned r, i, n, nrules = pick(g, 3);

	fprintf(f, "      %s:%s\n", dir, nrules ? "" : " []");
	for (r = 0; r < nrules; r++) {
		bool peers = pick(g, 4);

		fputs("        - {", f);
		if (peers) {
			fprintf(f, "%s: [", peer);
			knp_peer(g, f);
			if (!pick(g, 3)) {
				fputs(", ", f);
				knp_peer(g, f);
			}
			fputs("]", f);
		}
		if (pick(g, 2)) {
			fputs(peers ? ", ports: [" : "ports: [", f);
			for (i = 0, n = 1 + pick(g, 2); i < n; i++)
				fprintf(f, "%s{port: %u, protocol: %s}", i ? ", " : "",
					ports[pick(g, 5)], pick(g, 2) ? "TCP" : "UDP");
			fputs("]", f);
		}
		fputs("}\n", f);
	}
}

static void knp(struct gen *g, FILE *f, int idx)
{
	unsigned types = 1 + pick(g, 3); /* 1 Ingress, 2 Egress, 3 both */

	fprintf(f,
		"  - apiVersion: networking.k8s.io/v1\n    kind: NetworkPolicy\n"
		"    metadata: {name: knp%d}\n    spec:\n      podSelector: ",
		idx);
	selector(g, f);
	fprintf(f, "\n      policyTypes: [%s]\n",
		types == 1   ? "Ingress"
		: types == 2 ? "Egress"
			     : "Ingress, Egress");
	if (types & 1)
		knp_rules(g, f, "ingress", "from");
	if (types & 2)
		knp_rules(g, f, "egress", "to");
}

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	return inet_pton(AF_INET, s, &a) == 1 ? a.s_addr : 0;
}

static void topology(struct gen *g, struct oracle_case *c, FILE *f)
{
	int n, p, per;
	char ip[32];

	g->nnodes = 2 + (int)pick(g, 2);
	c->routing = (const char *const[]){"native", "vxlan", "ipip"}[pick(g, 3)];
	fprintf(f, "name: oracle-%llu\nrouting: %s\nnodes:\n", (unsigned long long)c->seed,
		c->routing);
	for (n = 0; n < g->nnodes; n++) {
		fprintf(f,
			"  - name: node%d\n    ip: 192.168.50.%d/24\n    podCIDR: 10.244.%d.0/24\n"
			"    pods:\n",
			n + 1, n + 1, n + 1);
		for (p = 0, per = 2 + (int)pick(g, 2); p < per && g->npods < MAX_PODS; p++) {
			snprintf(ip, sizeof(ip), "10.244.%d.%d", n + 1, 10 + p);
			g->pod_ip[g->npods] = ip4(ip);
			fprintf(f, "      - {name: p%d, ip: %s, labels: {app: %s, tier: %s}}\n",
				g->npods++, ip, apps[pick(g, 4)], tiers[pick(g, 2)]);
		}
	}
	fprintf(f, "underlay: {type: %s}\nworld: {ip: 203.0.113.10, node: node1}\n",
		g->nnodes == 2 ? "p2p" : "segment");
}

/* A flow with at least one pod end: pod to pod mostly, pods to and from outside, nodes in. */
static void question(struct gen *g, struct oracle_pkt *q, int i)
{
	static const uint8_t protos[] = {IPPROTO_TCP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP};
	unsigned r = pick(g, 10);

	q->saddr = g->pod_ip[pick(g, g->npods)];
	q->daddr = g->pod_ip[pick(g, g->npods)];
	if (r == 0 || r == 1)
		q->saddr = ip4(outside[pick(g, 4)]);
	else if (r == 2)
		q->daddr = ip4(outside[pick(g, 4)]);
	while (q->saddr == q->daddr)
		q->daddr = g->pod_ip[pick(g, g->npods)];
	q->proto = protos[pick(g, 4)];
	q->sport = (uint16_t)(20000 + i);
	q->dport = q->proto == IPPROTO_ICMP ? 0 : ports[pick(g, 5)];
}

int oracle_gen(uint64_t seed, int npkts, struct oracle_case *c)
{
	struct gen g = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int i;

	memset(c, 0, sizeof(*c));
	c->seed = seed;
	pl_sim_rng_seed(&g.rng, seed);
	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	topology(&g, c, f);
	fclose(f);
	c->head = buf;
	c->npolicies = 1 + (int)pick(&g, 4);
	for (i = 0; i < c->npolicies; i++) {
		buf = NULL;
		f = open_memstream(&buf, &len);
		if (!f)
			goto nomem;
		if (pick(&g, 3))
			cnp(&g, f, i);
		else
			knp(&g, f, i);
		fclose(f);
		c->policy[i] = buf;
	}
	c->npkts = npkts < ORACLE_MAX_PKTS ? npkts : ORACLE_MAX_PKTS;
	for (i = 0; i < c->npkts; i++)
		question(&g, &c->pkts[i], i);
	return 0;
nomem:
	oracle_case_free(c);
	return -ENOMEM;
}

char *oracle_yaml(const struct oracle_case *c, uint32_t keep)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int i, n = 0;

	if (!f)
		return NULL;
	fputs(c->head, f);
	for (i = 0; i < c->npolicies; i++)
		n += !!(keep & 1u << i);
	fputs(n ? "policies:\n" : "policies: []\n", f);
	for (i = 0; i < c->npolicies; i++)
		if (keep & 1u << i)
			fputs(c->policy[i], f);
	fclose(f);
	return buf;
}

void oracle_case_free(struct oracle_case *c)
{
	int i;

	free(c->head);
	for (i = 0; i < c->npolicies; i++)
		free(c->policy[i]);
	memset(c, 0, sizeof(*c));
}
