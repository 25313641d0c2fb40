// SPDX-License-Identifier: GPL-2.0
/* podlab replay: a capture through the datapath, one explained line per packet. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/units.h"
#include "replay/capture.h"
#include "replay/replay_session.h"
#include "replay/replay_sim.h"
#include "replay/replay_workers.h"
#include "topo/topo.h"

static int cmd_replay(int argc, char **argv);

PL_COMMAND(replay, .name = "replay",
	   .summary = "replay a pcap through the datapath and explain every packet",
	   .usage = "usage: podlab replay --topology FILE --pcap FILE [OPTIONS]\n"
		    "\n"
		    "Runs each packet of a capture through the datapath of a topology and prints\n"
		    "one line per packet: number, summary, injection point, programs and\n"
		    "observation points in order, verdict, drop reason, where it was delivered,\n"
		    "whether its addresses were preserved or rewritten, and its encapsulation.\n"
		    "A packet steered to a node's L7 proxy that completes an HTTP request\n"
		    "head (assembled from its connection's segments) adds the proxy's\n"
		    "decision (unit/sim: the compiled http rules; live: the request sent\n"
		    "again from the pod, and the status the proxy answers).\n"
		    "No expectations: this is for explaining a capture (see podlab test).\n"
		    "\n"
		    "Injection point without --at: a packet from a pod's IP enters that pod's\n"
		    "from_pod; VXLAN to a node's underlay IP enters that node's uplink; any\n"
		    "other packet enters the uplink of the node owning its destination.\n"
		    "\n"
		    "options:\n"
		    "  --topology FILE   topology (YAML) the capture belongs to (required)\n"
		    "  --pcap FILE       pcap or pcapng (Ethernet, LINUX_SLL, LINUX_SLL2, RAW)\n"
		    "  --run RUN         reuse a running topology (podlab up) instead of\n"
		    "                    building one for this replay and removing it after\n"
		    "  --at POINT        inject every packet at POD, NODE:uplink or NODE:vxlan\n"
		    "  --filter EXPR     replay only the packets a pcap-filter expression matches\n"
		    "  --mode MODE       unit (BPF_PROG_TEST_RUN at the hook, default), live\n"
		    "                    (injected for real; results from flow events/captures)\n"
		    "                    or sim (the simulator walks each packet hop by hop,\n"
		    "                    real programs at every hook; adds virtual times and a\n"
		    "                    per-flow throughput/latency table)\n"
		    "  --window N        live mode: up to N packets in flight at once (1..1024,\n"
		    "                    default 64), each matched to its events and captures\n"
		    "                    by its tag (IP ID, destination, port, payload hash);\n"
		    "                    a packet whose tag or flow is in flight already waits\n"
		    "                    for the next window, so each result is the one the\n"
		    "                    packet gets alone; 1 = one packet at a time\n"
		    "  --uplink-inject HOW  live mode: a frame at a node's uplink goes in as an\n"
		    "                    XDP live frame of its xdp_prefilter (xdp), is sent from\n"
		    "                    the far end of the uplink's veth (peer), or auto (xdp;\n"
		    "                    peer where the kernel refuses live frames or a\n"
		    "                    topology's own XDP program holds the uplink)\n"
		    "  --json            one JSON object per packet instead of text\n"
		    "  --pcap-out DIR    write what came out of each device to DIR/<device>.pcap\n"
		    "  -j, --workers N   unit mode: replay on N CPUs (default: every CPU this\n"
		    "                    process may run on), each flow on one of them in\n"
		    "                    order; the output is the same for any N\n"
		    "  --ct-max N        every node's conntrack map holds N flows (1..16777216),\n"
		    "                    instead of the topology's conntrack.max (not with --run)\n"
		    "\n"
		    "unit mode: at an uplink the XDP prefilter runs first, then from_network;\n"
		    "VXLAN frames go to from_overlay as their inner frame with the VNI in\n"
		    "skb->mark (BPF_PROG_TEST_RUN cannot decapsulate); the hop says so.\n"
		    "\n"
		    "unit and live mode read the capture 65536 packets at a time, so a capture\n"
		    "of any size replays in bounded memory; a file that breaks after that many\n"
		    "packets replays up to the bad one, then exits 2 naming it. sim mode reads\n"
		    "it whole (one clock for every packet).\n"
		    "\n"
		    "examples:\n"
		    "  podlab replay --topology topologies/two-node-vxlan.yaml --pcap "
		    "pcaps/pod-to-pod.pcap\n"
		    "  podlab replay --topology t.yaml --pcap node1.pcap --filter 'tcp port 80' "
		    "--json\n"
		    "  podlab replay --run r1 --topology t.yaml --pcap cap.pcap --at node2:uplink\n"
		    "\n"
		    "exit status: 0 replayed (whatever the verdicts), 2 bad usage or input,\n"
		    "             3 missing privilege, 4 a kernel operation failed\n",
	   .run = cmd_replay);

struct replay_print {
	const struct topo *t;
	bool json;
};

/* Session callback: one line (text or JSON) per packet. */
static void print_result(void *ctx, const struct pl_result *res)
{
	const struct replay_print *pr = ctx;

	if (pr->json) {
		pl_result_print_json(stdout, res, pr->t);
		fputc('\n', stdout);
	} else {
		pl_result_print(stdout, res, pr->t);
	}
}

static int cmd_replay(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"topology", required_argument, NULL, 't'},
		{"pcap", required_argument, NULL, 'p'},
		{"run", required_argument, NULL, 'r'},
		{"at", required_argument, NULL, 'a'},
		{"filter", required_argument, NULL, 'f'},
		{"mode", required_argument, NULL, 'm'},
		{"json", no_argument, NULL, 'J'},
		{"pcap-out", required_argument, NULL, 'o'},
		{"workers", required_argument, NULL, 'w'},
		{"ct-max", required_argument, NULL, 'c'},
		{"window", required_argument, NULL, 'W'},
		{"uplink-inject", required_argument, NULL, 'U'},
		{0},
	};
	const char *topo_file = NULL, *pcap = NULL, *at = NULL, *filter = NULL, *outdir = NULL;
	struct pl_replay_session_opts so = {.replay.mode = PL_MODE_UNIT,
					    .progress = "podlab replay",
					    .on_result = print_result,
					    .workers = pl_replay_workers_max()};
	struct pl_replay_session sess = {0};
	struct pl_replay_pkts pk = {0};
	struct pl_replay_reader *rd = NULL;
	struct pl_pcap_out *po = NULL;
	struct replay_print pr = {0};
	struct topo *t = NULL;
	bool json = false;
	uint32_t ct_max = 0;
	uint64_t num;
	char msg[256];
	int c, err, mode, more, rc = PL_EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "j:", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			topo_file = optarg;
			break;
		case 'p':
			pcap = optarg;
			break;
		case 'r':
			so.replay.run = optarg;
			break;
		case 'a':
			at = optarg;
			break;
		case 'f':
			filter = optarg;
			break;
		case 'm':
			mode = pl_replay_mode_parse(optarg);
			if (mode < 0)
				return pl_cmd_usage_error(
					"replay", "--mode: '%s' is not unit, sim or live", optarg);
			so.replay.mode = mode;
			break;
		case 'J':
			json = true;
			break;
		case 'o':
			outdir = optarg;
			break;
		case 'j':
		case 'w':
			if (pl_parse_uint(optarg, 1, 1024, &num))
				return pl_cmd_usage_error(
					"replay", "-j/--workers: '%s' is not 1 to 1024", optarg);
			so.workers = (int)num;
			break;
		case 'W':
			if (pl_parse_uint(optarg, 1, PL_LIVE_WINDOW_MAX, &num))
				return pl_cmd_usage_error("replay", "--window: '%s' is not 1 to %d",
							  optarg, PL_LIVE_WINDOW_MAX);
			so.replay.live_window = (int)num;
			break;
		case 'U':
			if (pl_cmd_parse_uplink_inject("replay", optarg, &so.replay.uplink_inject))
				return PL_EXIT_INPUT;
			break;
		case 'c':
			if (pl_cmd_parse_ct_max("replay", optarg, &ct_max))
				return PL_EXIT_INPUT;
			break;
		default:
			return pl_cmd_usage_error("replay", "unknown option");
		}
	}
	if (optind < argc)
		return pl_cmd_usage_error("replay", "unexpected argument '%s'", argv[optind]);
	if (!topo_file || !pcap)
		return pl_cmd_usage_error("replay", "--topology and --pcap are required");
	if (ct_max && so.replay.run)
		return pl_cmd_usage_error("replay", "--ct-max with --run: the run's datapath is "
						    "loaded, its conntrack sized already");
	if (pl_topo_parse(topo_file, &t))
		return PL_EXIT_INPUT;
	if (ct_max)
		t->ct_max = ct_max;
	if (at && pl_inject_parse(at, t, &so.replay.at, msg, sizeof(msg))) {
		rc = pl_cmd_usage_error("replay", "--at: %s", msg);
		goto out;
	}
	pk.segment_mtu = t->mtu;
	/*
	 * The simulator walks every packet on one clock: it reads the whole capture.
	 * The other modes stream it a chunk at a time (memory bounded by the chunk);
	 * the first chunk is read before anything is built, so a file that is no
	 * capture at all fails as bad input with nothing created.
	 */
	so.streamed = so.replay.mode != PL_MODE_SIM;
	more = so.streamed ? pl_replay_reader_open(pcap, filter, &rd) : 0;
	if (!more)
		more = so.streamed ? pl_replay_reader_next(rd, &pk, PL_REPLAY_CHUNK)
				   : pl_replay_pkts_load_pcap(&pk, pcap, filter);
	if (more < 0) {
		rc = PL_EXIT_INPUT;
		goto out;
	}
	if (pl_require_bpf_privileges()) {
		rc = PL_EXIT_ENV;
		goto out;
	}
	if (outdir && pl_pcap_out_open(outdir, &po)) {
		rc = PL_EXIT_RUNTIME;
		goto out;
	}
	pr.t = t;
	pr.json = json;
	so.ctx = &pr;
	so.pcap_out = po;
	err = pl_replay_session_open(&sess, t, &so);
	if (err) {
		rc = err == -EOPNOTSUPP ? PL_EXIT_ENV : PL_EXIT_RUNTIME;
		goto out;
	}
	err = pl_replay_session_run(&sess, &pk, NULL);
	while (!err && more > 0) {
		pl_replay_pkts_clear(&pk);
		more = pl_replay_reader_next(rd, &pk, PL_REPLAY_CHUNK);
		/* Bad input met midway: the packets before it replay, then exit 2. */
		if (more < 0)
			rc = PL_EXIT_INPUT;
		err = pl_replay_session_run(&sess, &pk, NULL);
	}
	if (err && sess.failed == PL_STEP_SIM) {
		pl_err_errno(err, "simulating the packets");
		rc = PL_EXIT_RUNTIME;
		goto out;
	}
	if (err) {
		/* What was replayed before the failing packet is still summed up. */
		pl_err_errno(err, "replaying packet %u", sess.failed_number);
		rc = PL_EXIT_RUNTIME;
	}
	if (!json)
		pl_result_counts_print(stdout, &sess.counts);
	if (!json && so.replay.mode == PL_MODE_SIM)
		pl_replay_sim_flows_print(sess.rp, stdout);
out:
	pl_replay_session_close(&sess);
	if (po)
		fprintf(stderr, "podlab replay: %d device pcaps in %s\n", pl_pcap_out_close(po),
			outdir);
	pl_replay_reader_close(rd);
	pl_replay_pkts_free(&pk);
	pl_topo_free(t);
	return rc;
}
