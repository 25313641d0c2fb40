// SPDX-License-Identifier: GPL-2.0
/* podlab up FILE: build a topology for real (netlink), or print it as a shell script. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/random.h>

#include "lib/pkt.h"
#include "cli/cli.h"
#include "lib/datapath.h"
#include "net/exec.h"
#include "plan/plan.h"
#include "net/run.h"
#include "net/tc.h"
#include "topo/topo.h"
#include "topo/policy_l7.h"

static const char *hook_name(enum topo_hook h)
{
	return h == TOPO_HOOK_XDP ? "xdp" : h == TOPO_HOOK_TC_INGRESS ? "tc-ingress" : "tc-egress";
}

static void summary(const struct pl_plan *p)
{
	const struct topo *t = p->topo;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], dev[PL_IFNAMSIZ];
	int i, k, s;

	printf("run %s: %s, %s routing, %d nodes, %d pods\n", p->run, t->name ? t->name : "?",
	       pl_topo_routing_name(t->routing), t->nnodes, t->npods);
	for (i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];

		printf("  node %-12s netns %-20s uplink eth0 %s/%u  pods %s/%u\n", n->name,
		       p->ns[p->node_ns[i]].name, pl_ip4_str(n->underlay_ip, a), n->underlay_plen,
		       pl_ip4_str(n->pod_cidr, b), n->pod_plen);
		for (k = 0; k < n->npods; k++) {
			const struct topo_pod *pod = &t->pods[n->pods[k]];

			pl_pod_veth_name(t, n->pods[k], dev, sizeof(dev));
			printf("    pod %-12s netns %-20s %-15s identity %-5u veth %s\n", pod->name,
			       p->ns[p->pod_ns[n->pods[k]]].name, pl_ip4_str(pod->ip, a),
			       pod->identity, dev);
		}
		for (s = 0; s < p->nsteps; s++) {
			const struct pl_step *st = &p->steps[s];

			if (st->kind == PL_STEP_QDISC && st->ns == p->node_ns[i])
				printf("    qdisc %-9s %s\n", st->dev,
				       pl_qdisc_kind_name(st->qdisc.q->kind));
			if (st->kind != PL_STEP_ATTACH || st->attach.node != i)
				continue;
			printf("    hook %-10s %-10s %s\n", st->dev, hook_name(st->attach.hook),
			       st->attach.user >= 0 ? t->programs[st->attach.user].program
						    : pl_prog_name(st->attach.prog));
		}
	}
	if (t->world.present)
		printf("  world %-11s netns %-20s %s\n", t->world.name ? t->world.name : "world",
		       p->ns[p->world_ns].name, pl_ip4_str(t->world.ip, a));
	if (p->fabric_ns >= 0 && t->fabric.max_routes)
		printf("  fabric %-10s netns %-20s %s, a route per pod IP (%d, maxRoutes %u)\n",
		       "router", p->ns[p->fabric_ns].name, pl_ip4_str(t->fabric.ip, a), t->npods,
		       t->fabric.max_routes);
	else if (p->fabric_ns >= 0)
		printf("  fabric %-10s netns %-20s %s, a route per pod IP (%d)\n", "router",
		       p->ns[p->fabric_ns].name, pl_ip4_str(t->fabric.ip, a), t->npods);
	if (p->opts.datapath)
		printf("  pins %s\n", p->pin_dir);
	printf("run id: %s   (podlab exec %s POD -- CMD; podlab down %s)\n", p->run, p->run,
	       p->run);
}

static int print_commands(const struct topo *t, const struct pl_up_opts *uo, uint32_t skip)
{
	struct pl_plan_opts po = {.datapath = uo->datapath, .allow_missing = uo->allow_missing};
	const char *run = uo->run;
	struct pl_plan *p;
	char id[PL_RUN_ID_MAX];
	uint16_t r = 0;
	int err;

	if (!run) {
		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			r = (uint16_t)getpid();
		snprintf(id, sizeof(id), "%04x", r);
		run = id;
	}
	po.skip_qdisc = skip;
	if ((err = pl_plan_build(t, run, &po, &p)))
		return err == -ENOMEM ? PL_EXIT_RUNTIME : PL_EXIT_INPUT;
	err = pl_plan_print(p, stdout);
	pl_plan_free(p);
	if (!err && pl_policy_has_proxies(t))
		pl_warn("%s: the script leaves the L7 proxies (haproxy) of its http rules out",
			t->file);
	return err ? PL_EXIT_RUNTIME : PL_EXIT_OK;
}

static void on_signal(int sig)
{
	(void)sig;
	pl_exec_stop = 1;
}

static int run_up(int argc, char **argv)
{
	static const struct option opts[] = {
		{"run", required_argument, NULL, 'r'},
		{"print-commands", no_argument, NULL, 'p'},
		{"allow-missing", no_argument, NULL, 'm'},
		{"no-datapath", no_argument, NULL, 'n'},
		{"ct-max", required_argument, NULL, 'c'},
		{0},
	};
	struct pl_up_opts uo = {.datapath = true};
	struct pl_plan *plan = NULL;
	char run[PL_RUN_ID_MAX];
	bool print = false;
	uint32_t skip = 0, ct_max = 0;
	struct topo *t = NULL;
	int c, err, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "r:pmn", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			uo.run = optarg;
			break;
		case 'p':
			print = true;
			break;
		case 'm':
			uo.allow_missing = true;
			break;
		case 'n':
			uo.datapath = false;
			break;
		case 'c':
			if (pl_cmd_parse_ct_max("up", optarg, &ct_max))
				return PL_EXIT_INPUT;
			break;
		default:
			return pl_cmd_usage_error("up", "unknown option");
		}
	}
	if (optind != argc - 1)
		return pl_cmd_usage_error("up", "want exactly one topology FILE");
	if (uo.run && !pl_run_id_valid(uo.run))
		return pl_cmd_usage_error("up", "run id '%s': want 1-%d characters of [a-z0-9]",
					  uo.run, PL_RUN_ID_MAX - 2);
	uo.topology = argv[optind];
	if (pl_topo_parse(uo.topology, &t))
		return PL_EXIT_INPUT;
	if (ct_max)
		t->ct_max = ct_max;
	if (print) {
		/* Probing needs a namespace (root); without it every qdisc is printed. */
		if (uo.allow_missing && geteuid() == 0)
			pl_run_probe(t, true, &skip);
		else if (uo.allow_missing)
			pl_warn("--allow-missing: probing the kernel needs root; printing every "
				"qdisc");
		ret = print_commands(t, &uo, skip);
		goto out;
	}
	if (pl_require_bpf_privileges()) {
		ret = PL_EXIT_ENV;
		goto out;
	}
	{
		/* Ctrl-C while building: stop between steps and roll back. */
		struct sigaction sa = {.sa_handler = on_signal};

		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
	}
	uo.plan_out = &plan;
	err = pl_run_up(t, &uo, run);
	if (err) {
		ret = err == -EOPNOTSUPP || err == -EPERM ? PL_EXIT_ENV
		      : err == -EINVAL || err == -EEXIST  ? PL_EXIT_INPUT
							  : PL_EXIT_RUNTIME;
		goto out;
	}
	summary(plan);
	pl_plan_free(plan);
	ret = PL_EXIT_OK;
out:
	pl_topo_free(t);
	return ret;
}

PL_COMMAND(
	up, .name = "up", .summary = "build a topology: namespaces, veths, VXLAN, qdiscs, datapath",
	.usage = "usage: podlab up FILE [--run ID] [--allow-missing] [--no-datapath] [--ct-max N]\n"
		 "       podlab up --print-commands FILE [--run ID] [--no-datapath] [--ct-max N]\n"
		 "\n"
		 "Builds topology FILE through netlink, in-process: a network namespace per node\n"
		 "and per pod (pl-RUN-NAME, usable with `ip netns`), veths created directly in\n"
		 "their namespaces, addresses, routes, ip_forward, the VXLAN device (vxlan,\n"
		 "legacy), the segment bridge (pl-RUN-seg), the world host, qdiscs on the node\n"
		 "uplinks, podlab's datapath on every node (from_pod on each pod's veth,\n"
		 "from_network on eth0, from_overlay on vxlan0; xdp_prefilter on eth0 only when\n"
		 "the topology lists prefilter: CIDRs, as XDP slows veths down) with its maps\n"
		 "programmed and pinned under /sys/fs/bpf/podlab/RUN/NODE/, and nftables\n"
		 "masquerade in legacy mode. Every namespace and pin directory is recorded in\n"
		 "/run/podlab/RUN.state before it is created; a failed or interrupted (Ctrl-C)\n"
		 "up removes what it made; a killed one is reaped by `podlab down --stale`.\n"
		 "Policies with http rules (toPorts[].rules.http) also get each node's L7 proxy:\n"
		 "haproxy in the node's namespace, config, pid file and stats socket in\n"
		 "/run/podlab/RUN.l7/ (recorded first; --print-commands leaves it out).\n"
		 "Prints a summary (nodes, pods, IPs, hooks and programs) and the run id.\n"
		 "Nothing is created in or linked to the root network namespace.\n"
		 "\n"
		 "Pods get IP/32 on eth0 and a default route via 169.254.1.1 onlink, whose MAC\n"
		 "(the node-side veth lxcPOD) is a permanent neighbour; nodes route IP/32 to\n"
		 "lxcPOD. Native: nodes route other nodes' pod CIDRs via their underlay IP.\n"
		 "\n"
		 "options:\n"
		 "  --run ID          run id (1-10 of [a-z0-9]); default: 4 random hex digits\n"
		 "  --print-commands  print an equivalent bash script (ip, tc, bridge, sysctl,\n"
		 "                    ethtool, nft, bpftool) to stdout; needs no root, changes "
		 "nothing\n"
		 "  --allow-missing   build without qdiscs the kernel lacks (e.g. netem), warning\n"
		 "                    (with --print-commands and root: leave them out of the "
		 "script)\n"
		 "  --no-datapath     the mode's kernel-only twin: no BPF, the nodes' kernels\n"
		 "                    route the same pods (native: pod CIDRs via the node IPs;\n"
		 "                    vxlan: as Flannel, a classic vxlan0 (VNI 1) holding the\n"
		 "                    pod CIDR's network address, and per remote node an fdb\n"
		 "                    entry, a neighbour and its pod CIDR onlink on vxlan0;\n"
		 "                    legacy: its VXLAN, routes and nftables masquerade, which\n"
		 "                    are the kernel's already); no policy is enforced\n"
		 "  --ct-max N        every node's conntrack map holds N flows (1..16777216),\n"
		 "                    instead of the topology's conntrack.max (default 65536)\n"
		 "\n"
		 "examples:\n"
		 "  podlab up topologies/two-node-vxlan.yaml\n"
		 "  podlab up --run demo topologies/two-node-native.yaml\n"
		 "  podlab up --print-commands topologies/seed-tc.yaml > seed-tc.sh\n"
		 "  podlab up --no-datapath topologies/two-node-vxlan.yaml\n"
		 "\n"
		 "exit status: 0 built, 2 bad usage, topology or run id in use, 3 not root or the\n"
		 "kernel lacks a feature (nothing created), 4 a kernel operation failed (rolled "
		 "back)\n",
	.run = run_up);
