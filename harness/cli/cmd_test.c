// SPDX-License-Identifier: GPL-2.0
/* podlab test: run scenario files and judge them, serially or in parallel. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/units.h"
#include "net/exec.h"
#include "replay/capture.h"
#include "replay/compare.h"
#include "replay/scenario_jobs.h"
#include "replay/scenario_run.h"
#include "replay/shard.h"

static int cmd_test(int argc, char **argv);

PL_COMMAND(test, .name = "test", .summary = "run scenario files: replay and assert per packet",
	   .usage = "usage: podlab test SCENARIO... [OPTIONS]\n"
		    "\n"
		    "Runs each scenario (docs/scenario.md): builds its topology (or reuses\n"
		    "--run), replays its inputs in its mode (unit or live), and checks its\n"
		    "expectations per packet, per filter or per flow (verdict, drop reason,\n"
		    "observation points, delivered to, NAT-free, encapsulation, output bytes)\n"
		    "and its counters. Prints PASS, FAIL or SKIP per scenario, what was\n"
		    "expected and what happened for every mismatch, and a summary.\n"
		    "A scenario that needs what this machine lacks (root, a kernel feature)\n"
		    "is a SKIP with the reason; it does not fail the run.\n"
		    "\n"
		    "options:\n"
		    "  --junit FILE      JUnit XML: one testcase per scenario\n"
		    "  --json            one JSON object per scenario instead of text\n"
		    "  --pcap-out DIR    write what came out of each device to DIR/<device>.pcap\n"
		    "  --run RUN         reuse a running topology for every scenario\n"
		    "  --mode MODE       replay every scenario in unit, sim or live mode instead\n"
		    "                    of the mode its file names\n"
		    "  --compare A,B     replay each scenario in modes A and B (e.g. sim,live),\n"
		    "                    each on its own run, and list every packet whose\n"
		    "                    verdict, drop reason, delivered-to or output bytes\n"
		    "                    differ; expectations are not checked\n"
		    "  --shard I/N       run only shard I of N (1 <= I <= N): a file's shard\n"
		    "                    depends only on its file name, so the N shards of one\n"
		    "                    set of files hold every scenario exactly once, on any\n"
		    "                    machine and in any argument order\n"
		    "  -j, --jobs N      run N scenarios at once (default 1), each in a process\n"
		    "                    of its own with a run of its own; results are printed\n"
		    "                    in input order, each with what its process printed, so\n"
		    "                    output, summary, --junit file and exit status are those\n"
		    "                    of a serial run (not with --run or --pcap-out)\n"
		    "  --ct-max N        every node's conntrack holds N flows (1..16777216)\n"
		    "                    instead of the topology's conntrack.max (no --run)\n"
		    "  --uplink-inject HOW  live mode: a frame at a node's uplink goes in as an\n"
		    "                    XDP live frame of its xdp_prefilter (xdp), is sent from\n"
		    "                    the far end of the uplink's veth (peer), or auto (xdp;\n"
		    "                    peer where the kernel refuses live frames or a\n"
		    "                    topology's own XDP program holds the uplink)\n"
		    "  -v                print every packet's result line\n"
		    "\n"
		    "Ctrl-C (SIGINT, SIGTERM, SIGHUP) stops every scenario before its next\n"
		    "packet and removes the runs it built; no --junit file is written.\n"
		    "\n"
		    "examples:\n"
		    "  podlab test tests/scenarios/*.yaml --junit build/scenarios.xml\n"
		    "  podlab test -v tests/scenarios/native-allowed.yaml\n"
		    "  podlab test --compare sim,live tests/scenarios/*.yaml\n"
		    "  podlab test -j 2 --shard 1/3 tests/scenarios/*.yaml --junit shard1.xml\n"
		    "\n"
		    "exit status: 0 every scenario passed or was skipped, 1 a scenario failed,\n"
		    "             2 bad usage or a bad scenario file (file:line:col on stderr),\n"
		    "             4 the --junit file could not be written,\n"
		    "             128+N interrupted by signal N (its runs removed)\n",
	   .run = cmd_test);

/* What every scenario of one `podlab test` shares. */
struct test_run {
	char **files;
	int mode;	 /* -1 = each file's own */
	int cmp[2];	 /* --compare, -1 = none */
	uint32_t ct_max; /* --ct-max, 0 = each topology's */
	bool json;
	struct pl_scn_run_opts so;
	int counts[PL_SCN_ERROR + 1];
	int finished;
};

/* "A,B": two different modes. */
static int parse_compare(const char *arg, int cmp[2])
{
	char buf[32], *comma;

	snprintf(buf, sizeof(buf), "%s", arg);
	comma = strchr(buf, ',');
	if (!comma)
		return -EINVAL;
	*comma = '\0';
	cmp[0] = pl_replay_mode_parse(buf);
	cmp[1] = pl_replay_mode_parse(comma + 1);
	return cmp[0] < 0 || cmp[1] < 0 || cmp[0] == cmp[1] ? -EINVAL : 0;
}

/* Digits only, 1..PL_SCN_JOBS_MAX. */
static int parse_jobs(const char *arg, int *jobs)
{
	uint64_t v;

	if (pl_parse_uint(arg, 1, PL_SCN_JOBS_MAX, &v))
		return -EINVAL;
	*jobs = (int)v;
	return 0;
}

static void on_signal(int sig)
{
	pl_scn_stop = sig;
	pl_exec_stop = 1;
	pl_scn_jobs_forward_signal();
}

/* SA_RESTART: syscalls of a run being removed finish; loops look at pl_scn_stop. */
static void catch_signals(void)
{
	struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* Parses and runs file i (in-process, or in a -j child). */
static void run_file(void *ctx, int i, struct pl_scn_report *rep)
{
	struct test_run *tr = ctx;
	const char *file = tr->files[i];
	struct pl_scenario *s;

	if (pl_scenario_parse(file, &s)) {
		rep->file = strdup(file);
		rep->name = strdup(file);
		rep->outcome = PL_SCN_ERROR;
		rep->reason = strdup("bad scenario file");
		return;
	}
	if (tr->mode >= 0)
		s->mode = tr->mode;
	s->ct_max = tr->ct_max;
	if (tr->cmp[0] >= 0)
		pl_compare_scenario(s, tr->cmp[0], tr->cmp[1], tr->so.verbose, rep);
	else if (pl_scenario_run(s, &tr->so, rep))
		rep->outcome = PL_SCN_ERROR;
	pl_scenario_free(s);
}

/* One scenario's lines; o = what its -j process printed (NULL in-process). */
static void print_report(void *ctx, int i, const struct pl_scn_report *rep,
			 const struct pl_scn_job_output *o)
{
	struct test_run *tr = ctx;
	int j;

	(void)i;
	if (o && o->err_len) {
		fwrite(o->err, 1, o->err_len, stderr);
		fflush(stderr);
	}
	if (o && o->out_len)
		fwrite(o->out, 1, o->out_len, stdout);
	tr->counts[rep->outcome]++;
	tr->finished++;
	if (tr->json) {
		pl_scn_report_json(stdout, rep);
		fflush(stdout);
		return;
	}
	printf("%-5s %s (%s, %d packets, %.2fs)%s%s\n", pl_scn_outcome_name(rep->outcome),
	       rep->name, rep->file, rep->packets, rep->seconds, rep->reason ? ": " : "",
	       rep->reason ?: "");
	for (j = 0; j < rep->fails.n; j++)
		printf("      %s\n", rep->fails.lines[j]);
	fflush(stdout);
}

static int cmd_test(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"junit", required_argument, NULL, 'u'},
		{"json", no_argument, NULL, 'J'},
		{"pcap-out", required_argument, NULL, 'o'},
		{"run", required_argument, NULL, 'r'},
		{"verbose", no_argument, NULL, 'v'},
		{"mode", required_argument, NULL, 'm'},
		{"compare", required_argument, NULL, 'c'},
		{"shard", required_argument, NULL, 's'},
		{"jobs", required_argument, NULL, 'j'},
		{"ct-max", required_argument, NULL, 'C'},
		{"uplink-inject", required_argument, NULL, 'U'},
		{0},
	};
	struct test_run tr = {.mode = -1, .cmp = {-1, -1}};
	const char *junit = NULL, *outdir = NULL;
	struct pl_scn_report *reps = NULL;
	int c, i, n, jobs = 1, rc = PL_EXIT_OK;
	struct pl_shard shard = {0};
	char why[128];

	optind = 1;
	while ((c = getopt_long(argc, argv, "vj:", longopts, NULL)) != -1) {
		switch (c) {
		case 'u':
			junit = optarg;
			break;
		case 'J':
			tr.json = true;
			break;
		case 'o':
			outdir = optarg;
			break;
		case 'r':
			tr.so.run = optarg;
			break;
		case 'v':
			tr.so.verbose = stdout;
			break;
		case 'm':
			tr.mode = pl_replay_mode_parse(optarg);
			if (tr.mode < 0)
				return pl_cmd_usage_error(
					"test", "--mode: '%s' is not unit, sim or live", optarg);
			break;
		case 'c':
			if (parse_compare(optarg, tr.cmp))
				return pl_cmd_usage_error("test",
							  "--compare: '%s' is not two modes "
							  "like sim,live",
							  optarg);
			break;
		case 's':
			if (pl_shard_parse(optarg, &shard, why, sizeof(why)))
				return pl_cmd_usage_error("test", "--shard: %s", why);
			break;
		case 'j':
			if (parse_jobs(optarg, &jobs))
				return pl_cmd_usage_error("test", "--jobs: '%s' is not 1 to %d",
							  optarg, PL_SCN_JOBS_MAX);
			break;
		case 'C':
			if (pl_cmd_parse_ct_max("test", optarg, &tr.ct_max))
				return PL_EXIT_INPUT;
			break;
		case 'U':
			if (pl_cmd_parse_uplink_inject("test", optarg, &tr.so.uplink_inject))
				return PL_EXIT_INPUT;
			break;
		default:
			return pl_cmd_usage_error("test", "unknown option");
		}
	}
	if (argc - optind <= 0)
		return pl_cmd_usage_error("test", "no scenario files");
	if (tr.ct_max && tr.so.run)
		return pl_cmd_usage_error("test", "--ct-max with --run: the run's datapath is "
						  "loaded, its conntrack sized already");
	/* Parallel scenarios on one run would see each other's packets and counters. */
	if (jobs > 1 && tr.so.run)
		return pl_cmd_usage_error("test",
					  "--jobs %d with --run: scenarios sharing one "
					  "run would count each other's packets",
					  jobs);
	if (jobs > 1 && outdir)
		return pl_cmd_usage_error("test",
					  "--jobs %d with --pcap-out: scenarios would "
					  "write the same device files at once",
					  jobs);
	tr.files = calloc(argc - optind + 1, sizeof(*tr.files));
	n = tr.files ? pl_shard_select(argv + optind, argc - optind, &shard, tr.files) : 0;
	reps = calloc(n + 1, sizeof(*reps));
	if (!tr.files || !reps) {
		pl_err_errno(-ENOMEM, "listing the scenarios to run");
		rc = PL_EXIT_RUNTIME;
		goto out;
	}
	if (outdir && pl_pcap_out_open(outdir, (struct pl_pcap_out **)&tr.so.pcap_out)) {
		rc = PL_EXIT_RUNTIME;
		goto out;
	}
	if (shard.count && !tr.json)
		printf("shard %d/%d: %d of %d scenarios\n", shard.index, shard.count, n,
		       argc - optind);
	catch_signals();
	if (jobs > 1) {
		pl_scn_jobs_run(n, jobs, (const char *const *)tr.files, run_file, print_report, &tr,
				reps);
	} else {
		for (i = 0; i < n && !pl_scn_stop; i++) {
			run_file(&tr, i, &reps[i]);
			print_report(&tr, i, &reps[i], NULL);
		}
	}
	if (pl_scn_stop) {
		fprintf(stderr,
			"podlab test: interrupted by signal %d: %d of %d scenarios reported, the "
			"runs they built removed; no JUnit file written\n",
			(int)pl_scn_stop, tr.finished, n);
		rc = 128 + (int)pl_scn_stop;
		goto out;
	}
	if (!tr.json)
		printf("\n%d scenarios: %d passed, %d failed, %d skipped, %d bad input\n", n,
		       tr.counts[PL_SCN_PASS], tr.counts[PL_SCN_FAIL], tr.counts[PL_SCN_SKIP],
		       tr.counts[PL_SCN_ERROR]);
	if (junit && pl_junit_write(junit, reps, n))
		rc = PL_EXIT_RUNTIME;
	if (tr.counts[PL_SCN_FAIL])
		rc = PL_EXIT_FAIL;
	if (tr.counts[PL_SCN_ERROR])
		rc = PL_EXIT_INPUT;
out:
	for (i = 0; reps && i < n; i++)
		pl_scn_report_free(&reps[i]);
	free(reps);
	free(tr.files);
	pl_pcap_out_close(tr.so.pcap_out);
	return rc;
}
