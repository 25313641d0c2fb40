// SPDX-License-Identifier: GPL-2.0
/* podlab check RUN: live evidence that a running topology does what its file says. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/units.h"
#include "net/run.h"
#include "probe/check.h"
#include "topo/topo.h"

static const char usage_text[] =
	"usage: podlab check RUN [--json] [--only SECTIONS] [--timeout MS] [--seconds S]\n"
	"                        [--topology FILE]\n"
	"\n"
	"Probes a topology built by `podlab up` with live traffic, from inside its\n"
	"namespaces (no external tools), and compares what happens with what the\n"
	"topology file says:\n"
	"  connectivity  every ordered pod pair x ICMP echo, TCP connect to the ports the\n"
	"                policies name (else 80) and UDP (else 53), against the verdict the\n"
	"                compiled policy predicts; drops show the reason from the nodes'\n"
	"                flow events (/sys/fs/bpf/podlab/RUN/NODE/events); a run built\n"
	"                with --no-datapath enforces no policy: every probe must arrive\n"
	"  natfree       the source address each destination socket saw: the source pod's\n"
	"                IP (native, vxlan) or, between nodes in legacy mode, the source\n"
	"                node's IP (iptables MASQUERADE)\n"
	"  underlay      a capture on every node's uplink: vxlan/legacy must show UDP 4789\n"
	"                with node IPs outside and pod IPs inside, native bare pod IPs\n"
	"  mtu           the largest don't-fragment UDP payload between pods of each node\n"
	"                pair (1500 underlay: 1472 native, 1422 vxlan/legacy)\n"
	"  shaping       for every link with a tbf/htb qdisc, a paced UDP sender per class\n"
	"                above its rate; the wire rate received must be within 10% of the\n"
	"                rate the class must get: htb classes loaded together get their\n"
	"                rate, each alone its ceil\n"
	"  ingress       with a world host and pods running nginx behind a nodePort: an\n"
	"                HTTP GET from the world to every node's IP at that nodePort, its\n"
	"                status and body, and the client address nginx's access log shows:\n"
	"                the node's IP where the request was SNATed to another node's\n"
	"                backend (externalTrafficPolicy Cluster), else the world's own\n"
	"  l7            with http rules: real HTTP requests, made from the rules, from\n"
	"                every pod L4 admits through the node's proxy; allowed ones get\n"
	"                200 from the pod itself, denied ones 403 from the proxy\n"
	"\n"
	"arguments:\n"
	"  RUN               the run id `podlab up` printed (`podlab status` lists runs)\n"
	"\n"
	"options:\n"
	"  --json            one JSON object on stdout instead of the tables\n"
	"  --only LIST       comma-separated sections: connectivity,natfree,underlay,mtu,shaping,\n"
	"                    routes,ingress,l7 (ingress: by default only with a world host and\n"
	"                    nginx pods behind a nodePort; l7: only with http rules)\n"
	"  --timeout MS      per-probe timeout (default 1000)\n"
	"  --seconds S       sending time per shaped link (default 3)\n"
	"  --topology FILE   the topology file (default: the one recorded for RUN)\n"
	"  -h, --help        this text\n"
	"\n"
	"examples:\n"
	"  podlab up topologies/two-node-vxlan.yaml     # prints the run id, e.g. a3f2\n"
	"  podlab check a3f2\n"
	"  podlab check a3f2 --only natfree,underlay --json\n"
	"\n"
	"Probes run in parallel; servers bind the probed ports in every pod for the\n"
	"duration of the check. Drop reasons need the nodes' events ring buffers: a\n"
	"concurrent `podlab observe --follow` consumes the same events.\n"
	"See docs/check.md for how to read each table.\n"
	"\n"
	"exit status: 0 every selected section matches, 1 something does not,\n"
	"             2 bad usage or unknown run, 3 not root, 4 a probe could not be set up\n";

static int run_check(int argc, char **argv);

PL_COMMAND(check, .name = "check", .summary = "probe a running topology: policy, NAT, MTU, rates",
	   .usage = usage_text, .run = run_check);

static int run_check(int argc, char **argv)
{
	static const struct option longopts[] = {{"json", no_argument, NULL, 'j'},
						 {"only", required_argument, NULL, 'o'},
						 {"timeout", required_argument, NULL, 't'},
						 {"seconds", required_argument, NULL, 's'},
						 {"topology", required_argument, NULL, 'T'},
						 {}};
	struct pl_check_opts opts = {};
	struct pl_check_report *rep = NULL;
	struct pl_run_state st = {};
	const char *topology = NULL, *bad;
	struct topo *t = NULL;
	bool json = false, have_state = false;
	uint64_t num;
	int c, err, ret = PL_EXIT_RUNTIME;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'o':
			if (pl_check_sections_parse(optarg, &opts.sections, &bad))
				return pl_cmd_usage_error("check",
							  "unknown section in --only: '%s'", bad);
			break;
		case 't':
			if (pl_parse_uint(optarg, 1, 60000, &num))
				return pl_cmd_usage_error(
					"check", "--timeout: 1..60000 ms, not '%s'", optarg);
			opts.timeout_ms = (int)num;
			break;
		case 's':
			if (pl_parse_number(optarg, 1, 60, &opts.rate_seconds))
				return pl_cmd_usage_error("check", "--seconds: 1..60, not '%s'",
							  optarg);
			break;
		case 'T':
			topology = optarg;
			break;
		default:
			return pl_cmd_usage_error("check", "unknown option");
		}
	}
	if (optind != argc - 1)
		return pl_cmd_usage_error("check", "expected one RUN argument");
	opts.run = argv[optind];
	if (geteuid() != 0) {
		pl_err("podlab check needs root: it enters the run's network namespaces");
		return PL_EXIT_ENV;
	}
	err = pl_run_state_read(opts.run, &st);
	if (err) {
		pl_err_errno(err, "reading the state of run '%s' (%s/%s.state)", opts.run,
			     PL_STATE_DIR, opts.run);
		return err == -ENOENT ? PL_EXIT_INPUT : PL_EXIT_RUNTIME;
	}
	have_state = true;
	if (!st.done)
		pl_warn("run %s was not finished building; results may be partial", opts.run);
	if (!topology)
		topology = st.topology;
	if (!topology) {
		pl_err("run %s records no topology file; pass --topology FILE", opts.run);
		ret = PL_EXIT_INPUT;
		goto out;
	}
	if (pl_topo_parse(topology, &t)) {
		ret = PL_EXIT_INPUT;
		goto out;
	}
	opts.topo = t;
	/* A run built with --no-datapath pinned nothing. */
	opts.no_datapath = st.npins == 0;
	err = pl_check_run(&opts, &rep);
	if (err) {
		pl_err_errno(err, "checking run %s", opts.run);
		goto out;
	}
	if (json)
		pl_check_print_json(rep, stdout);
	else
		pl_check_print(rep, stdout);
	ret = rep->ok ? PL_EXIT_OK : PL_EXIT_FAIL;
out:
	pl_check_report_free(rep);
	pl_topo_free(t);
	if (have_state)
		pl_run_state_free(&st);
	return ret;
}
