/* SPDX-License-Identifier: GPL-2.0 */
/* Live mode: packets injected for real, results from flow events and captures. */
#ifndef PL_REPLAY_LIVE_H
#define PL_REPLAY_LIVE_H

#include "replay/replay_core.h"

int pl_replay_live_open(struct pl_replay *rp);
int pl_replay_live_one(struct pl_replay *rp, const struct pl_replay_pkt *p,
		       const struct pl_inject *at, struct pl_result *res);
void pl_replay_live_close(struct pl_replay *rp);

#endif /* PL_REPLAY_LIVE_H */
