// SPDX-License-Identifier: GPL-2.0
/* podlab kube-proxy TOPOLOGY: kube-proxy's iptables rules for its services, iptables-restore input.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "topo/kube_proxy.h"
#include "topo/topo.h"

static int cmd_kube_proxy(int argc, char **argv)
{
	static const struct option opts[] = {{"node", required_argument, NULL, 'n'},
					     {"services", required_argument, NULL, 's'},
					     {NULL, 0, NULL, 0}};
	const char *node_name = NULL;
	uint64_t nservices = 0;
	struct topo *t;
	int c, node = 0, err, rc = PL_EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "n:s:", opts, NULL)) != -1) {
		if (c == 'n')
			node_name = optarg;
		else if (c == 's') {
			if (pl_cmd_parse_uint("kube-proxy", "--services", optarg, 1, 100000,
					      &nservices))
				return PL_EXIT_INPUT;
		} else
			return pl_cmd_usage_error("kube-proxy", "unknown option");
	}
	if (optind != argc - 1)
		return pl_cmd_usage_error("kube-proxy", "one topology file, please");
	if (pl_topo_parse(argv[optind], &t))
		return PL_EXIT_INPUT;
	if (node_name && (node = pl_topo_node_by_name(t, node_name)) < 0) {
		pl_err("%s: no node '%s'", argv[optind], node_name);
		rc = PL_EXIT_INPUT;
		goto out;
	}
	err = pl_kube_proxy_rules(stdout, t, node, (int)nservices);
	if (err == -ERANGE) {
		pl_err("%s: --services %llu: %s", argv[optind], (unsigned long long)nservices,
		       pl_kube_proxy_filler_model(t) < 0
			       ? "no service with a ready backend to copy"
			       : "the serviceCIDR's upper half has no room for the fillers");
		rc = PL_EXIT_INPUT;
	} else if (err) {
		pl_err_errno(err, "writing the rules");
		rc = PL_EXIT_RUNTIME;
	}
out:
	pl_topo_free(t);
	return rc;
}

PL_COMMAND(kube_proxy, .name = "kube-proxy",
	   .summary = "print kube-proxy's iptables rules for a topology's services",
	   .usage = "usage: podlab kube-proxy [-n|--node NODE] [-s|--services N] TOPOLOGY\n"
		    "\n"
		    "Prints, as iptables-restore input (the nat table), the rules kube-proxy's\n"
		    "iptables mode writes on NODE (default: the first) for the topology's\n"
		    "services: KUBE-SERVICES with one rule per ClusterIP:port, a KUBE-SVC-*\n"
		    "chain per service port picking an endpoint (statistic random, 1/n, then\n"
		    "1/(n-1), ...; recent for sessionAffinity ClientIP), a KUBE-SEP-* chain per\n"
		    "endpoint (hairpin masquerade mark, DNAT to the backend), KUBE-NODEPORTS\n"
		    "with KUBE-EXT-* (Cluster: masquerade) or KUBE-SVL-* (Local: this node's\n"
		    "endpoints), KUBE-POSTROUTING. Load it into a node of a run started with\n"
		    "--no-datapath: the kernel then does kube-proxy's job (docs/bench.md).\n"
		    "Chain names hash with FNV-1a, not kube-proxy's SHA-256.\n"
		    "\n"
		    "options:\n"
		    "  -n, --node NODE    the node whose rules to print (nodePort Local differs)\n"
		    "  -s, --services N   pad to N ClusterIP rules with copies of the first\n"
		    "                     service that has a backend (its first port, its\n"
		    "                     backends), ClusterIPs from the upper half of the\n"
		    "                     serviceCIDR; half before the topology's, half after\n"
		    "\n"
		    "examples:\n"
		    "  podlab kube-proxy topologies/services.yaml\n"
		    "  podlab up --no-datapath --run kp topologies/services.yaml\n"
		    "  podlab kube-proxy -n node1 topologies/services.yaml |\n"
		    "      ip netns exec pl-kp-node1 iptables-nft-restore\n"
		    "\n"
		    "exit status: 0 printed, 2 bad usage, an invalid topology or no room for\n"
		    "             the fillers, 4 writing failed\n",
	   .run = cmd_kube_proxy);
