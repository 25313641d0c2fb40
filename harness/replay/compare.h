/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `podlab test --compare A,B`: the same scenario replayed in two modes (each
 * on its own freshly built run), packet by packet: verdict, drop reason,
 * delivered-to and output bytes must agree.
 */
#ifndef PL_REPLAY_COMPARE_H
#define PL_REPLAY_COMPARE_H

#include <stdio.h>

#include "replay/report.h"
#include "replay/scenario.h"

/* Fills rep: PASS (agree), FAIL (one line per difference in rep->fails), SKIP, ERROR. */
int pl_compare_scenario(const struct pl_scenario *s, enum pl_replay_mode a, enum pl_replay_mode b,
			FILE *verbose, struct pl_scn_report *rep);
const char *pl_replay_mode_name(enum pl_replay_mode m);

#endif /* PL_REPLAY_COMPARE_H */
