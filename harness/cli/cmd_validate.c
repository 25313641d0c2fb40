// SPDX-License-Identifier: GPL-2.0
/* podlab validate FILE...: parse, check and summarise topologies; nothing is built. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "lib/pkt.h"
#include "cli/cli.h"
#include "lib/units.h"
#include "topo/policy_compile.h"
#include "topo/topo.h"

static void print_qdisc(const struct topo_qdisc *q)
{
	char a[32], b[32], c[32];
	int i;

	switch (q->kind) {
	case TOPO_QDISC_TBF:
		pl_fmt_rate(q->tbf.rate, a, sizeof(a));
		pl_fmt_size(q->tbf.burst, b, sizeof(b));
		if (q->tbf.latency_ns)
			pl_fmt_time(q->tbf.latency_ns, c, sizeof(c));
		else
			pl_fmt_size(q->tbf.limit, c, sizeof(c));
		printf("tbf rate %s burst %s %s %s\n", a, b, q->tbf.latency_ns ? "lat" : "limit",
		       c);
		break;
	case TOPO_QDISC_HTB:
		pl_fmt_rate(q->htb.rate, a, sizeof(a));
		pl_fmt_rate(q->htb.ceil, b, sizeof(b));
		printf("htb default 1:%u, root 1:1 rate %s ceil %s\n", q->htb.default_minor, a, b);
		for (i = 0; i < q->htb.nclasses; i++) {
			const struct topo_htb_class *cl = &q->htb.classes[i];

			pl_fmt_rate(cl->rate, a, sizeof(a));
			pl_fmt_rate(cl->ceil, b, sizeof(b));
			printf("      class 1:%u rate %s ceil %s, %d match%s\n", cl->minor, a, b,
			       cl->nmatches, cl->nmatches == 1 ? "" : "es");
		}
		break;
	case TOPO_QDISC_NETEM:
		pl_fmt_time(q->netem.delay_ns, a, sizeof(a));
		printf("netem delay %s loss %.4g%%\n", a, q->netem.loss * 100);
		break;
	case TOPO_QDISC_PFIFO:
		printf("pfifo limit %u\n", q->pfifo_limit);
		break;
	default:
		printf("none\n");
	}
}

/* ipcache6 of node 0 (dual stack): prefix → identity, the tunnel endpoint IPv4. */
static void print_ipcache6(const struct topo *t, const struct policy_set *ps)
{
	struct policy_ipcache6_entry *ipc;
	char a[PL_ADDR_STRLEN], b[INET_ADDRSTRLEN];
	int i, n;

	if (!pl_topo_has_v6(t) || pl_policy_ipcache6(t, ps, 0, &ipc, &n))
		return;
	printf("ipcache6 as node '%s' sees it (prefix → identity, tunnel endpoint):\n",
	       t->nodes[0].name);
	for (i = 0; i < n; i++)
		printf("  %s/%u → %u%s%s\n", pl_addr_str(AF_INET6, ipc[i].key.ip6, a),
		       ipc[i].key.prefixlen, ipc[i].info.identity,
		       ipc[i].info.tunnel_endpoint ? " via " : "",
		       ipc[i].info.tunnel_endpoint ? pl_ip4_str(ipc[i].info.tunnel_endpoint, b)
						   : "");
	free(ipc);
}

static void print_entries(const struct topo *t, const struct policy_set *ps)
{
	struct policy_ipcache_entry *ipc;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], pb[TOPO_PROTO_STRLEN];
	int i, n;

	printf("policy entries (ep_id remote_identity proto dport dir → verdict, rule):\n");
	for (i = 0; i < ps->nentries; i++) {
		const struct policy_entry *e = &ps->entries[i];

		printf("  ep %-3u id %-9u %-4s %-5u %-7s → %s (policy '%s' rule %d)\n",
		       e->key.ep_id, e->key.remote_identity, pl_topo_proto_str(e->key.proto, pb),
		       ntohs(e->key.dport), e->key.dir == PL_DIR_INGRESS ? "ingress" : "egress",
		       e->val.deny ? "deny" : "allow",
		       t->policies[POLICY_RULE_POLICY(e->val.rule_id)].name,
		       POLICY_RULE_INDEX(e->val.rule_id));
	}
	if (!t->nnodes || pl_policy_ipcache(t, ps, 0, &ipc, &n))
		return;
	printf("ipcache as node '%s' sees it (prefix → identity, tunnel endpoint):\n",
	       t->nodes[0].name);
	for (i = 0; i < n; i++)
		printf("  %s/%u → %u%s%s\n", pl_ip4_str(ipc[i].key.ip, a), ipc[i].key.prefixlen,
		       ipc[i].info.identity, ipc[i].info.tunnel_endpoint ? " via " : "",
		       ipc[i].info.tunnel_endpoint ? pl_ip4_str(ipc[i].info.tunnel_endpoint, b)
						   : "");
	free(ipc);
	print_ipcache6(t, ps);
}

/* One line per service: ClusterIP, ports, and its Endpoints (ready pods the selector matches). */
static void print_services(const struct topo *t)
{
	char a[INET_ADDRSTRLEN], c[INET_ADDRSTRLEN];
	int i, k;

	if (!t->nservices)
		return;
	printf("  services: %d, CIDR %s/%u\n", t->nservices, pl_ip4_str(t->svc_cidr, c),
	       t->svc_plen);
	for (i = 0; i < t->nservices; i++) {
		const struct topo_service *svc = &t->services[i];

		printf("    service %-12s %s %s", svc->name, pl_topo_svc_type_name(svc->type),
		       pl_ip4_str(svc->cluster_ip, a));
		for (k = 0; k < svc->nports; k++) {
			printf(" %u/%s->%u", svc->ports[k].port,
			       svc->ports[k].proto == IPPROTO_UDP ? "UDP" : "TCP",
			       svc->ports[k].target_port);
			if (svc->ports[k].node_port)
				printf(" (nodePort %u)", svc->ports[k].node_port);
		}
		if (svc->type == TOPO_SVC_NODE_PORT)
			printf(" externalTrafficPolicy %s",
			       svc->traffic_local ? "Local" : "Cluster");
		printf("%s, endpoints:", svc->affinity_client_ip ? " affinity ClientIP" : "");
		for (k = 0; k < svc->nbackends; k++)
			printf(" %s", t->pods[svc->backends[k]].name);
		printf("%s\n", svc->nbackends ? "" : " none (packets dropped: NO_SERVICE_BACKEND)");
	}
}

static void print_summary(const struct topo *t, const struct policy_set *ps)
{
	char a[PL_ADDR_STRLEN], b[PL_ADDR_STRLEN], veth[TOPO_IFNAMSIZ];
	int i, j, k, nrules = 0;

	printf("%s: ok: '%s', routing %s, %s, mtu %u, underlay %s, conntrack %u flows a node\n",
	       t->file, t->name, pl_topo_routing_name(t->routing),
	       pl_topo_has_v6(t) ? "dual stack" : "IPv4", t->mtu,
	       t->underlay == TOPO_UNDERLAY_P2P	     ? "p2p"
	       : t->underlay == TOPO_UNDERLAY_FABRIC ? "fabric"
						     : "segment",
	       t->ct_max);
	if (t->underlay == TOPO_UNDERLAY_FABRIC) {
		printf("  fabric router %s: one route per pod IP, %d of ",
		       pl_ip4_str(t->fabric.ip, a), t->npods);
		if (t->fabric.max_routes)
			printf("at most %u (maxRoutes)\n", t->fabric.max_routes);
		else
			printf("any number (no maxRoutes)\n");
	}
	for (i = 0; i < t->nnodes; i++) {
		const struct topo_node *nd = &t->nodes[i];

		printf("  node %s %s/%u, pods %s/%u\n", nd->name, pl_ip4_str(nd->underlay_ip, a),
		       nd->underlay_plen, pl_ip4_str(nd->pod_cidr, b), nd->pod_plen);
		if (pl_topo_has_v6(t))
			printf("    IPv6 %s/%u, pods %s/%u\n",
			       pl_addr_str(AF_INET6, nd->underlay_ip6, a), nd->underlay_plen6,
			       pl_addr_str(AF_INET6, nd->pod_cidr6, b), nd->pod_plen6);
		for (j = 0; j < nd->npods; j++) {
			const struct topo_pod *p = &t->pods[nd->pods[j]];

			pl_topo_ifname_pod_host(p, veth);
			printf("    pod %-12s %-15s identity %u ep %u (%s)", p->name,
			       pl_ip4_str(p->ip, a), p->identity, p->ep_id, veth);
			for (k = 0; k < p->nlabels; k++)
				printf("%s%s=%s", k ? "," : " ", p->labels[k].key,
				       p->labels[k].value);
			printf("%s%s\n", p->ingress_enforced ? " [ingress enforced]" : "",
			       p->egress_enforced ? " [egress enforced]" : "");
			if (pl_topo_has_v6(t))
				printf("        %s\n", pl_addr_str(AF_INET6, p->ip6, a));
		}
	}
	for (i = 0; i < t->nlinks; i++) {
		printf("  link %s uplink egress: ", t->nodes[t->links[i].node].name);
		print_qdisc(&t->links[i].qdisc);
	}
	if (t->world.present)
		printf("  world %s %s behind node %s\n", t->world.name, pl_ip4_str(t->world.ip, a),
		       t->nodes[t->world.node].name);
	for (i = 0; i < t->npolicies; i++)
		nrules += t->policies[i].nrules;
	printf("  policies: %d (%d rules) compiled to %d entries, %d CIDR identities\n",
	       t->npolicies, nrules, ps->nentries, ps->nprefixes);
	if (t->nprefilter) {
		printf("  prefilter (xdp_prefilter on every uplink):");
		for (i = 0; i < t->nprefilter; i++)
			printf(" %s/%u",
			       t->prefilter[i].v6 ? pl_addr_str(AF_INET6, t->prefilter[i].ip6, a)
						  : pl_ip4_str(t->prefilter[i].ip, a),
			       t->prefilter[i].plen);
		printf("\n");
	} else {
		printf("  prefilter: none (no XDP program attached)\n");
	}
	print_services(t);
	for (i = 0; i < t->nprograms; i++) {
		const struct topo_program *pr = &t->programs[i];

		printf("  program %s:%s on %s %s %s%s\n", pr->object, pr->program,
		       t->nodes[pr->node].name, pr->device, pl_topo_hook_name(pr->hook),
		       pr->replace_podlab ? " (replaces podlab's)" : "");
	}
}

static int cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {{"entries", no_argument, NULL, 'e'},
					     {"quiet", no_argument, NULL, 'q'},
					     {NULL, 0, NULL, 0}};
	bool entries = false, quiet = false;
	struct policy_set *ps;
	struct topo *t;
	int c, i, err, rc = PL_EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "eq", opts, NULL)) != -1) {
		if (c == 'e')
			entries = true;
		else if (c == 'q')
			quiet = true;
		else
			return pl_cmd_usage_error("validate", "unknown option");
	}
	if (optind >= argc)
		return pl_cmd_usage_error("validate", "no topology file given");
	for (i = optind; i < argc; i++) {
		err = pl_topo_parse(argv[i], &t);
		if (err) {
			rc = PL_EXIT_INPUT;
			continue;
		}
		err = pl_policy_compile(t, &ps);
		if (err) {
			pl_err_errno(err, "%s: compiling policies", argv[i]);
			pl_topo_free(t);
			rc = PL_EXIT_INPUT;
			continue;
		}
		if (!quiet)
			print_summary(t, ps);
		if (entries)
			print_entries(t, ps);
		pl_policy_set_free(ps);
		pl_topo_free(t);
	}
	return rc;
}

PL_COMMAND(validate, .name = "validate", .summary = "check topology files and summarise them",
	   .usage = "usage: podlab validate [-e|--entries] [-q|--quiet] FILE...\n"
		    "\n"
		    "Parses and checks each topology file (docs/topology.md) without building\n"
		    "anything and without privileges, then prints a summary: nodes, pods with\n"
		    "their IPs, identities and endpoint ids, links and qdiscs, the world host,\n"
		    "and how many policy map entries the policies compile to.\n"
		    "Errors are one line each: FILE:LINE:COLUMN: message. Warnings (for example\n"
		    "a selector that matches no pod) look the same with 'warning:' and do not\n"
		    "fail the file.\n"
		    "\n"
		    "options:\n"
		    "  -e, --entries  also list the compiled policy entries and the ipcache as\n"
		    "                 the first node sees it (and its ipcache6 in dual stack)\n"
		    "  -q, --quiet    print only errors and warnings\n"
		    "\n"
		    "examples:\n"
		    "  podlab validate topologies/*.yaml\n"
		    "  podlab validate -e topologies/three-node-segment.yaml\n"
		    "\n"
		    "exit status: 0 every file is valid, 2 a file is invalid or unreadable or\n"
		    "             bad usage\n",
	   .run = cmd_validate);
