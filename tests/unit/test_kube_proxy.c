// SPDX-License-Identifier: GPL-2.0
/*
 * pl_kube_proxy_rules: the rule set kube-proxy's iptables mode writes for
 * topologies/services.yaml: one KUBE-SERVICES rule per ClusterIP:port with an
 * endpoint, picks of 1/n then unconditional, a hairpin mark and a DNAT per
 * endpoint, nodePorts per policy; fillers pad KUBE-SERVICES around them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <unistd.h>
#include <sys/wait.h>
#include <arpa/inet.h>

#include "test.h"
#include "topo/kube_proxy.h"
#include "topo/topo.h"

/* The rules for node of topologies/services.yaml padded to n; NULL on failure. */
static char *rules(struct topo *t, int node, int n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int err;

	if (!ASSERT_OK_PTR(f, "memstream"))
		return NULL;
	err = pl_kube_proxy_rules(f, t, node, n);
	fclose(f);
	if (!ASSERT_OK(err, "rules")) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int count(const char *s, const char *what)
{
	int n = 0;

	for (; (s = strstr(s, what)); s += strlen(what))
		n++;
	return n;
}

/* Some line of s holds both a and b. */
static bool has_line(const char *s, const char *a, const char *b)
{
	const char *l, *e;
	char line[1024];
	size_t n;

	for (l = s; *l; l = *e ? e + 1 : e) {
		e = strchrnul(l, '\n');
		n = (size_t)(e - l) < sizeof(line) - 1 ? (size_t)(e - l) : sizeof(line) - 1;
		memcpy(line, l, n);
		line[n] = '\0';
		if (strstr(line, a) && strstr(line, b))
			return true;
	}
	return false;
}

PL_TEST(unit, kube_proxy_rules_of_services_yaml)
{
	struct topo *t = NULL;
	char *r1 = NULL, *r2 = NULL;

	if (!ASSERT_OK(pl_topo_parse("topologies/services.yaml", &t), "parse"))
		return;
	r1 = rules(t, 0, 0);
	r2 = rules(t, 1, 0);
	if (!r1 || !r2)
		goto out;
	ASSERT_EQ(count(r1, "*nat\n"), 1, "one nat table");
	ASSERT_EQ(count(r1, "COMMIT\n"), 1, "committed once");
	ASSERT_EQ(count(r1, "-A KUBE-SERVICES -d "), 7, "a ClusterIP rule per port with endpoints");
	ASSERT_FALSE(strstr(r1, "-d 10.96.0.99/32"), "canary (no endpoint): no ClusterIP rule");
	ASSERT_TRUE(has_line(r1, "-A PREROUTING ", "-j KUBE-SERVICES"), "PREROUTING hooked");
	ASSERT_TRUE(has_line(r1, "-d 10.96.0.10/32 -p tcp", "--dport 80 -j KUBE-SVC-"),
		    "web's portal");
	ASSERT_TRUE(has_line(r1, "default/web:80 -> 10.244.1.20:8080",
			     "--probability 0.50000000000 -j KUBE-SEP-"),
		    "web: first endpoint at 1/2");
	ASSERT_TRUE(has_line(r1, "default/web:80 -> 10.244.2.20:8080\" -j KUBE-SEP-", "SEP"),
		    "web: the last endpoint unconditional");
	ASSERT_TRUE(has_line(r1, "-j DNAT --to-destination 10.244.2.53:5353", "-p udp"),
		    "dns: UDP DNAT to targetPort");
	ASSERT_TRUE(has_line(r1, "-s 10.244.1.20/32", "-j KUBE-MARK-MASQ"), "hairpin mark");
	ASSERT_TRUE(has_line(r1, "--rcheck --seconds 10800", "default/web-sticky:80"),
		    "ClientIP affinity: recent");
	ASSERT_TRUE(has_line(r1, "-A KUBE-NODEPORTS -p tcp", "--dport 30080 -j KUBE-EXT-"),
		    "nodePort Cluster: masquerading chain");
	ASSERT_TRUE(has_line(r1, "--dport 30081 -j KUBE-SVL-", "KUBE-NODEPORTS"),
		    "nodePort Local: local chain");
	ASSERT_TRUE(has_line(r1, "-A KUBE-SVL-", "-> 10.244.1.20:8080"),
		    "node1's Local chain picks web1");
	ASSERT_TRUE(has_line(r2, "-A KUBE-SVL-", "has no local endpoints\" -j KUBE-MARK-DROP"),
		    "node2 has no Local endpoint: drop mark");
	ASSERT_TRUE(has_line(r1, "-A KUBE-SERVICES ", "--dst-type LOCAL -j KUBE-NODEPORTS"),
		    "nodePorts last");
	ASSERT_TRUE(strstr(r1, "--dst-type LOCAL -j KUBE-NODEPORTS") >
			    strstr(r1, "-d 10.96.0.21/32"),
		    "after every ClusterIP rule");
out:
	free(r1);
	free(r2);
	pl_topo_free(t);
}

PL_TEST(unit, kube_proxy_fillers)
{
	struct topo *t = NULL;
	char *r = NULL, *own, *first, *last;

	if (!ASSERT_OK(pl_topo_parse("topologies/services.yaml", &t), "parse"))
		return;
	ASSERT_EQ(pl_kube_proxy_filler_ip(t, 0), htonl(0x0a680000), "first filler: 10.104.0.0");
	ASSERT_EQ(pl_kube_proxy_filler_ip(t, 1 << 19), 0, "past the CIDR: none");
	r = rules(t, 0, 1000);
	if (!r)
		goto out;
	ASSERT_EQ(count(r, "-A KUBE-SERVICES -d "), 1000 - 1, "padded (canary has no rule)");
	/* 992 fillers copying web (two endpoints): a portal, two picks, two marks, two DNATs. */
	ASSERT_EQ(count(r, "default/fill-"), 992 * 7, "each filler: its rules");
	own = strstr(r, "-A KUBE-SERVICES -d 10.96.0.10/32");
	first = strstr(r, "-A KUBE-SERVICES -d 10.104.0.0/32");
	last = strstr(r, "-A KUBE-SERVICES -d 10.104.3.223/32");
	ASSERT_TRUE(first && own && first < own, "half the fillers before the topology's");
	ASSERT_TRUE(last && own < last, "half after");
out:
	free(r);
	pl_topo_free(t);
}

/* Runs build/podlab kube-proxy ARGS (next to this test binary's folder): its exit status. */
static int run_cli(const char *args, char *out, size_t len)
{
	char exe[PATH_MAX], cmd[2 * PATH_MAX + 256], rest[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t got;
	FILE *p;
	int st;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(cmd, sizeof(cmd), "'%s/../podlab' kube-proxy %s 2>&1", exe, args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	got = fread(out, 1, len - 1, p);
	out[got] = '\0';
	while (fread(rest, 1, sizeof(rest), p) > 0)
		; /* the rest read, not kept: podlab must not die of SIGPIPE */
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

PL_TEST(unit, kube_proxy_command)
{
	char out[4096];

	ASSERT_EQ(run_cli("-n node2 topologies/services.yaml", out, sizeof(out)), 0, "exit 0");
	ASSERT_STRSTR(out, "node node2", "the node named");
	ASSERT_STRSTR(out, "*nat\n", "the nat table");
	ASSERT_EQ(run_cli("-n nope topologies/services.yaml", out, sizeof(out)), 2, "no node: 2");
	ASSERT_STRSTR(out, "no node 'nope'", "says which");
	ASSERT_EQ(run_cli("--services 0 topologies/services.yaml", out, sizeof(out)), 2,
		  "--services 0: 2");
	ASSERT_EQ(run_cli("", out, sizeof(out)), 2, "no file: 2");
	ASSERT_EQ(run_cli("-s 600000 topologies/services.yaml", out, sizeof(out)), 2,
		  "more than 100000: 2");
}
