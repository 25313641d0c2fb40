// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: any bytes as the `policies:` section of a fixed cluster
 * (three nodes, pods with the labels the shipped topologies and the policy
 * tests select, a world host), CiliumNetworkPolicy and NetworkPolicy alike.
 * The input's length picks the routing mode. A parse fails with one line, or
 * the policies compile, and then for every source (pods, nodes, the world
 * host, an outside address) and destination, on the ports the rules name and
 * their neighbours, the verdict predicted from the rules equals the one the
 * compiled maps give the way the datapath looks them up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/policy_compile.h"
#include "topo/topo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const routing[] = {"native", "vxlan", "legacy"};

static const char base[] =
	"nodes:\n"
	"  - name: n1\n"
	"    ip: 192.168.50.1\n"
	"    podCIDR: 10.244.1.0/24\n"
	"    pods:\n"
	"      - {name: a, ip: 10.244.1.10, labels: {app: a}}\n"
	"      - {name: b, ip: 10.244.1.11, labels: {app: b}}\n"
	"      - {name: frontend, ip: 10.244.1.12, labels: {app: frontend, team: x}}\n"
	"      - {name: client, ip: 10.244.1.13, labels: {app: client}}\n"
	"  - name: n2\n"
	"    ip: 192.168.50.2\n"
	"    podCIDR: 10.244.2.0/24\n"
	"    pods:\n"
	"      - {name: c, ip: 10.244.2.10, labels: {app: c}}\n"
	"      - {name: backend, ip: 10.244.2.20, labels: {app: backend}}\n"
	"      - {name: db, ip: 10.244.2.30, labels: {app: db}}\n"
	"  - name: n3\n"
	"    ip: 192.168.50.3\n"
	"    podCIDR: 10.244.3.0/24\n"
	"    pods:\n"
	"      - {name: web, ip: 10.244.3.10, labels: {app: web}}\n"
	"      - {name: monitor, ip: 10.244.3.11, labels: {app: monitor}}\n"
	"      - {name: api-a, ip: 10.244.3.12, labels: {app: api}}\n"
	"      - {name: api-b, ip: 10.244.3.13, labels: {app: api}}\n"
	"      - {name: cache, ip: 10.244.3.14}\n"
	"world: {name: world, ip: 203.0.113.10, node: n1}\n"
	"policies:\n";

#define MAX_PORTS 8
/* YAML aliases make many rules from a few bytes; past this the oracle costs seconds. */
#define MAX_ORACLE_RULES 2000

static int rules_of(const struct topo *t)
{
	int i, n = 0;

	for (i = 0; i < t->npolicies; i++)
		n += t->policies[i].nrules;
	return n;
}

/* Ports worth asking about: each one a rule names, one either side, and 80. */
static int ports_of(const struct topo *t, uint16_t *ports)
{
	int n = 0, i, j, k, d;

	ports[n++] = 80;
	for (i = 0; i < t->npolicies; i++)
		for (j = 0; j < t->policies[i].nrules; j++)
			for (k = 0; k < t->policies[i].rules[j].nports; k++)
				for (d = -1; d <= 1; d++) {
					int p = t->policies[i].rules[j].ports[k].port + d;

					if (p < 0 || p > 65535 || n == MAX_PORTS)
						continue;
					ports[n++] = (uint16_t)p;
				}
	return n;
}

static void oracle(const struct topo *t, const struct policy_set *ps)
{
	static const uint8_t protos[] = {IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP};
	uint32_t addrs[32], outside = htonl(0xc6336407); /* 198.51.100.7 */
	uint16_t ports[MAX_PORTS];
	int na = 0, np, s, d, p, q, r1, r2;
	enum policy_verdict v1, v2;

	for (s = 0; s < t->npods && na < 24; s++)
		addrs[na++] = t->pods[s].ip;
	for (s = 0; s < t->nnodes; s++)
		addrs[na++] = t->nodes[s].underlay_ip;
	addrs[na++] = t->world.ip;
	addrs[na++] = outside;
	np = ports_of(t, ports);
	for (s = 0; s < na; s++)
		for (d = 0; d < na; d++) {
			if (s == d || (d >= t->npods && addrs[d] != t->world.ip))
				continue; /* to pods and to the world host */
			for (q = 0; q < 3; q++)
				for (p = 0; p < (protos[q] == IPPROTO_ICMP ? 1 : np); p++) {
					uint16_t port = protos[q] == IPPROTO_ICMP ? 0 : ports[p];

					v1 = pl_policy_predict(t, ps, addrs[s], addrs[d], protos[q],
							       port, &r1);
					v2 = pl_policy_evaluate_compiled(t, ps, addrs[s], addrs[d],
									 protos[q], port, &r2);
					if (v1 != v2 || r1 != r2)
						abort(); /* the rules and the maps disagree */
				}
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct topo *t = (struct topo *)1;
	struct policy_set *ps = NULL;
	char *text, *diag = NULL;
	size_t dlen = 0, n;
	FILE *f;
	int err;

	n = snprintf(NULL, 0, "routing: %s\n%s", routing[size % 3], base);
	text = malloc(n + size + 1);
	if (!text)
		return 0;
	snprintf(text, n + 1, "routing: %s\n%s", routing[size % 3], base);
	memcpy(text + n, data, size);
	f = open_memstream(&diag, &dlen);
	if (!f) {
		free(text);
		return 0;
	}
	err = pl_topo_parse_mem("fuzz.yaml", text, n + size, f, &t);
	fclose(f);
	if (err) {
		if (err != -EINVAL || t || !dlen || strchr(diag, '\n') != diag + dlen - 1)
			abort(); /* bad input: one line, nothing built */
	} else {
		if (pl_policy_compile(t, &ps))
			abort();
		if (rules_of(t) <= MAX_ORACLE_RULES)
			oracle(t, ps);
		pl_policy_set_free(ps);
		pl_topo_free(t);
	}
	free(diag);
	free(text);
	return 0;
}
