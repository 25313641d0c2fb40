/* SPDX-License-Identifier: GPL-2.0 */
/* Live mode: packets injected for real, results from flow events and captures. */
#ifndef PL_REPLAY_LIVE_H
#define PL_REPLAY_LIVE_H

#include "replay/replay_core.h"

int pl_replay_live_open(struct pl_replay *rp);
/* One packet in flight alone (res prepared by pl_replay_prepare). */
int pl_replay_live_one(struct pl_replay *rp, const struct pl_replay_pkt *p,
		       const struct pl_inject *at, struct pl_result *res);
/*
 * A window: the longest run of p[0..n) (at most the window) whose tags and
 * flows are unambiguous in flight, injected together, each concluded from its
 * own signs. *used = how many (>= 1); res[0..*used) filled.
 */
int pl_replay_live_window(struct pl_replay *rp, const struct pl_replay_pkt *p, int n,
			  struct pl_result *res, int *used);
void pl_replay_live_close(struct pl_replay *rp);

#endif /* PL_REPLAY_LIVE_H */
