// SPDX-License-Identifier: GPL-2.0
/* The L7 proxy's HAProxy config: exact text from compiled rules, and haproxy accepts it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "net/l7_config.h"
#include "net/l7_proxy.h"
#include "test.h"
#include "topo/policy_l7.h"
#include "topo_test_util.h"

/* Pods a (node1) and b, c (node2); b:80 proxied: two rules from a, one from anyone, one L4. */
static const char l7_topo[] = "name: l7\n"
			      "nodes:\n"
			      "  - {name: node1, ip: 192.168.50.1, podCIDR: 10.244.1.0/24,\n"
			      "     pods: [{name: a, ip: 10.244.1.10, labels: {app: a}}]}\n"
			      "  - {name: node2, ip: 192.168.50.2, podCIDR: 10.244.2.0/24,\n"
			      "     pods: [{name: b, ip: 10.244.2.10, labels: {app: b}},\n"
			      "            {name: c, ip: 10.244.2.11, labels: {app: c}}]}\n"
			      "policies:\n"
			      "  - apiVersion: cilium.io/v2\n"
			      "    kind: CiliumNetworkPolicy\n"
			      "    metadata: {name: web}\n"
			      "    spec:\n"
			      "      endpointSelector: {matchLabels: {app: b}}\n"
			      "      ingress:\n"
			      "        - fromEndpoints: [{matchLabels: {app: a}}]\n"
			      "          toPorts:\n"
			      "            - ports: [{port: \"80\", protocol: TCP}]\n"
			      "              rules:\n"
			      "                http:\n"
			      "                  - {method: GET, path: /public.*}\n"
			      "                  - {method: GET|HEAD, host: api\\.example, "
			      "headers: [X-A, \"X-B: 1 2\"]}\n"
			      "        - toPorts:\n"
			      "            - ports: [{port: \"80\"}]\n"
			      "              rules: {http: [{path: /health}]}\n"
			      "        - fromEndpoints: [{matchLabels: {app: c}}]\n"
			      "          toPorts: [{ports: [{port: \"80\"}]}]\n";

static const char l7_cfg[] =
	"# podlab: the L7 proxy of node node2 (topology l7)\n"
	"global\n"
	"\tpidfile /run/podlab/x.l7/node2.pid\n"
	"\tstats socket /run/podlab/x.l7/node2.sock mode 600 level admin\n"
	"\tnoreuseport\n"
	"\n"
	"ring podlab\n"
	"\tformat rfc3164\n"
	"\tsize 262144\n"
	"\n"
	"defaults\n"
	"\tlog ring@podlab local0\n"
	"\toption httplog\n"
	"\tmode http\n"
	"\ttimeout connect 5s\n"
	"\ttimeout client 30s\n"
	"\ttimeout server 30s\n"
	"\n"
	"frontend b_80\n"
	"\tbind :15001 transparent\n"
	"\t# policy 'web' rule 0 (t:15:27)\n"
	"\tacl r0_src src 10.244.1.10\n"
	"\tacl r0_h0_method method -m reg '^(GET)$'\n"
	"\tacl r0_h0_path path_reg '^(/public.*)$'\n"
	"\thttp-request allow if r0_src r0_h0_method r0_h0_path\n"
	"\tacl r0_h1_method method -m reg '^(GET|HEAD)$'\n"
	"\tacl r0_h1_host hdr(host) -m reg '^(api\\.example)$'\n"
	"\tacl r0_h1_hdr0 req.hdr_cnt(X-A) gt 0\n"
	"\tacl r0_h1_hdr1 req.hdr(X-B) -m str '1 2'\n"
	"\thttp-request allow if r0_src r0_h1_method r0_h1_host r0_h1_hdr0 r0_h1_hdr1\n"
	"\t# policy 'web' rule 1 (t:22:11)\n"
	"\tacl r1_h0_path path_reg '^(/health)$'\n"
	"\thttp-request allow if r1_h0_path\n"
	"\t# policy 'web' rule 2 (t:25:27)\n"
	"\tacl r2_src src 10.244.2.11\n"
	"\thttp-request allow if r2_src\n"
	"\thttp-request deny deny_status 403\n"
	"\tdefault_backend b_80\n"
	"\n"
	"backend b_80\n"
	"\tserver b 10.244.2.10:80\n";

static int config_of(struct topo **t, int node, char **cfg)
{
	struct policy_proxies pp;
	struct topo_pos bad;
	char *diag = NULL;
	int err;

	*cfg = NULL;
	err = topo_test_parse(l7_topo, t, &diag);
	if (!ASSERT_EQ(err, 0, "parses"))
		fprintf(stderr, "%s", diag ? diag : "");
	free(diag);
	if (err)
		return err;
	err = pl_policy_proxies(*t, &pp, &bad);
	if (!ASSERT_EQ(err, 0, "proxied ports"))
		return err;
	err = pl_l7_config(*t, &pp, node, "/run/podlab/x.l7", cfg);
	pl_policy_proxies_free(&pp);
	return err;
}

PL_TEST(unit, l7_config_exact)
{
	struct topo *t = NULL;
	char *cfg = NULL;

	if (ASSERT_EQ(config_of(&t, 1, &cfg), 0, "node2's config"))
		ASSERT_STREQ(cfg, l7_cfg, "exact text");
	free(cfg);
	pl_topo_free(t);
	t = NULL;
	ASSERT_EQ(config_of(&t, 0, &cfg), -ENOENT, "node1 proxies nothing");
	ASSERT_TRUE(!cfg, "no config");
	pl_topo_free(t);
}

/* haproxy -c on the exact config: the ACL syntax is HAProxy's. */
PL_TEST_PROBE(unit, l7_config_haproxy_accepts, pl_l7_probe_haproxy)
{
	char path[] = "/tmp/podlab-l7-XXXXXX", cmd[128];
	FILE *f;
	int fd, status;

	fd = mkstemp(path);
	if (!ASSERT_TRUE(fd >= 0, "temp file"))
		return;
	f = fdopen(fd, "w");
	if (!ASSERT_TRUE(f != NULL, "open"))
		return;
	fputs(l7_cfg, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "haproxy -c -q -f %s", path);
	status = system(cmd);
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status), "haproxy -c accepts it");
	unlink(path);
}
