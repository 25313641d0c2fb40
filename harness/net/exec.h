/* SPDX-License-Identifier: GPL-2.0 */
/* The netlink back end of a plan: executes its steps in order, in-process. */
#ifndef PL_NET_EXEC_H
#define PL_NET_EXEC_H

#include <signal.h>

#include "plan/plan.h"

/* Set from a signal handler: pl_plan_exec stops before its next step with -EINTR. */
extern volatile sig_atomic_t pl_exec_stop;

struct pl_exec_hooks {
	/*
	 * Called BEFORE an object that outlives the process is created, so a
	 * crash leaves a reapable record: ("netns", name) and ("pins", dir).
	 * Non-zero return aborts.
	 */
	int (*record)(void *ctx, const char *kind, const char *value);
	void *ctx;
};

/*
 * Runs every step of p. Does not roll back: on error it returns -errno after
 * one error line, and the caller removes what was recorded (run.c).
 */
int pl_plan_exec(const struct pl_plan *p, const struct pl_exec_hooks *hooks);

#endif /* PL_NET_EXEC_H */
