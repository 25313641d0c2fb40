/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `podlab test -j N`: scenarios in parallel, each in a child process of its
 * own (so each builds its own run: a fresh run id, its own namespaces and
 * pins, owned by that child). A child's stdout and stderr go to memory files
 * and its report comes back as bytes (report_wire.h); the parent hands each
 * finished scenario to a callback in input order, so output is never
 * interleaved and reads as a serial run's.
 */
#ifndef PL_REPLAY_SCENARIO_JOBS_H
#define PL_REPLAY_SCENARIO_JOBS_H

#include <stddef.h>

#include "replay/report.h"

#define PL_SCN_JOBS_MAX 256

/* What one child printed while it ran. */
struct pl_scn_job_output {
	const char *out; /* stdout (-v packet lines) */
	size_t out_len;
	const char *err; /* stderr (file:line:col errors, warnings) */
	size_t err_len;
};

/* In the child: runs scenario i and fills rep (zeroed before). */
typedef void (*pl_scn_job_run_fn)(void *ctx, int i, struct pl_scn_report *rep);
/* In the parent, in input order: scenario i finished with rep and printed o. */
typedef void (*pl_scn_job_done_fn)(void *ctx, int i, const struct pl_scn_report *rep,
				   const struct pl_scn_job_output *o);

/*
 * Runs scenarios 0..n-1, at most jobs at once, filling reps[] (freed by the
 * caller). A child that dies without a report gives an ERROR report named
 * labels[i]. Returns 0; or -EINTR when pl_scn_stop was set: nothing more is
 * started, running children are stopped (their runs removed), done is
 * called for every scenario that finished and the others keep outcome
 * PL_SCN_ERROR with a NULL file.
 */
int pl_scn_jobs_run(int n, int jobs, const char *const *labels, pl_scn_job_run_fn run,
		    pl_scn_job_done_fn done, void *ctx, struct pl_scn_report *reps);

/* From a signal handler in the parent: SIGTERM to every running child. Async-signal-safe. */
void pl_scn_jobs_forward_signal(void);

#endif /* PL_REPLAY_SCENARIO_JOBS_H */
