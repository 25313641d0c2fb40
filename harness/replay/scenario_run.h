/* SPDX-License-Identifier: GPL-2.0 */
/* Runs one scenario: topology, inputs, replay, expectations, counters → report. */
#ifndef PL_REPLAY_SCENARIO_RUN_H
#define PL_REPLAY_SCENARIO_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "replay/replay_core.h"
#include "replay/report.h"
#include "replay/scenario.h"

struct pl_pcap_out;
struct pl_replay_pkts;
struct topo;

/*
 * Set (to the signal number) from a signal handler: a scenario stops before
 * its next packet with an ERROR "interrupted" report, its run removed.
 */
extern volatile sig_atomic_t pl_scn_stop;

struct pl_scn_run_opts {
	const char *run;	      /* reuse this run (its topology must be the scenario's) */
	struct pl_pcap_out *pcap_out; /* NULL = none */
	FILE *verbose;		      /* -v: every packet's line here, NULL = quiet */
	enum pl_uplink_inject uplink_inject; /* live: how frames enter an uplink */
};

/* Fills rep (outcome PASS/FAIL/SKIP/ERROR). Returns 0, or -errno on allocation failure. */
int pl_scenario_run(const struct pl_scenario *s, const struct pl_scn_run_opts *o,
		    struct pl_scn_report *rep);

/* Marks rep ERROR "interrupted by signal N" (pl_scn_stop). */
void pl_scn_interrupted(struct pl_scn_report *rep);

/* Loads every input; numbers run on across inputs. 0 or -EINVAL (message printed). */
int pl_scenario_load_inputs(const struct pl_scenario *s, const struct topo *t,
			    struct pl_replay_pkts *pk);

/* Why this scenario cannot run here (missing privilege or kernel feature), or NULL. */
const char *pl_scenario_skip_reason(const struct pl_scenario *s);

#endif /* PL_REPLAY_SCENARIO_RUN_H */
