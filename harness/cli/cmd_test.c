// SPDX-License-Identifier: GPL-2.0
/* podlab test: run scenario files and judge them. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "replay/capture.h"
#include "replay/compare.h"
#include "replay/scenario_run.h"

static int cmd_test(int argc, char **argv);

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
		    "  -v                print every packet's result line\n"
		    "\n"
		    "examples:\n"
		    "  podlab test tests/scenarios/*.yaml --junit build/scenarios.xml\n"
		    "  podlab test -v tests/scenarios/native-allowed.yaml\n"
		    "  podlab test --compare sim,live tests/scenarios/*.yaml\n"
		    "\n"
		    "exit status: 0 every scenario passed or was skipped, 1 a scenario failed,\n"
		    "             2 bad usage or a bad scenario file (file:line:col on stderr)\n",
	   .run = cmd_test);

static int cmd_test(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"junit", required_argument, NULL, 'u'},    {"json", no_argument, NULL, 'j'},
		{"pcap-out", required_argument, NULL, 'o'}, {"run", required_argument, NULL, 'r'},
		{"verbose", no_argument, NULL, 'v'},	    {"mode", required_argument, NULL, 'm'},
		{"compare", required_argument, NULL, 'c'},  {0},
	};
	int mode = -1, cmp[2] = {-1, -1};
	const char *junit = NULL, *outdir = NULL;
	struct pl_scn_run_opts so = {0};
	struct pl_scn_report *reps = NULL;
	int c, i, j, n, counts[4] = {0}, rc = PL_EXIT_OK;
	struct pl_scenario *s;
	bool json = false;

	optind = 1;
	while ((c = getopt_long(argc, argv, "v", longopts, NULL)) != -1) {
		switch (c) {
		case 'u':
			junit = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'o':
			outdir = optarg;
			break;
		case 'r':
			so.run = optarg;
			break;
		case 'v':
			so.verbose = stdout;
			break;
		case 'm':
			mode = pl_replay_mode_parse(optarg);
			if (mode < 0)
				return pl_cmd_usage_error(
					"test", "--mode: '%s' is not unit, sim or live", optarg);
			break;
		case 'c':
			if (parse_compare(optarg, cmp))
				return pl_cmd_usage_error("test",
							  "--compare: '%s' is not two modes "
							  "like sim,live",
							  optarg);
			break;
		default:
			return pl_cmd_usage_error("test", "unknown option");
		}
	}
	n = argc - optind;
	if (n <= 0)
		return pl_cmd_usage_error("test", "no scenario files");
	if (outdir && pl_pcap_out_open(outdir, (struct pl_pcap_out **)&so.pcap_out))
		return PL_EXIT_RUNTIME;
	reps = calloc(n, sizeof(*reps));
	if (!reps)
		return PL_EXIT_RUNTIME;
	for (i = 0; i < n; i++) {
		const char *file = argv[optind + i];

		if (pl_scenario_parse(file, &s)) {
			reps[i].file = strdup(file);
			reps[i].name = strdup(file);
			reps[i].outcome = PL_SCN_ERROR;
			reps[i].reason = strdup("bad scenario file");
		} else {
			if (mode >= 0)
				s->mode = mode;
			if (cmp[0] >= 0)
				pl_compare_scenario(s, cmp[0], cmp[1], so.verbose, &reps[i]);
			else if (pl_scenario_run(s, &so, &reps[i]))
				reps[i].outcome = PL_SCN_ERROR;
			pl_scenario_free(s);
		}
		counts[reps[i].outcome]++;
		if (json) {
			pl_scn_report_json(stdout, &reps[i]);
			continue;
		}
		printf("%-5s %s (%s, %d packets, %.2fs)%s%s\n",
		       pl_scn_outcome_name(reps[i].outcome), reps[i].name, reps[i].file,
		       reps[i].packets, reps[i].seconds, reps[i].reason ? ": " : "",
		       reps[i].reason ?: "");
		for (j = 0; j < reps[i].fails.n; j++)
			printf("      %s\n", reps[i].fails.lines[j]);
		fflush(stdout);
	}
	if (!json)
		printf("\n%d scenarios: %d passed, %d failed, %d skipped, %d bad input\n", n,
		       counts[PL_SCN_PASS], counts[PL_SCN_FAIL], counts[PL_SCN_SKIP],
		       counts[PL_SCN_ERROR]);
	if (junit && pl_junit_write(junit, reps, n))
		rc = PL_EXIT_RUNTIME;
	if (counts[PL_SCN_FAIL])
		rc = PL_EXIT_FAIL;
	if (counts[PL_SCN_ERROR])
		rc = PL_EXIT_INPUT;
	for (i = 0; i < n; i++)
		pl_scn_report_free(&reps[i]);
	free(reps);
	pl_pcap_out_close(so.pcap_out);
	return rc;
}
