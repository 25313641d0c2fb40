/* SPDX-License-Identifier: GPL-2.0 */
/* Unit mode: BPF_PROG_TEST_RUN of the program at the packet's injection hook. */
#ifndef PL_REPLAY_UNIT_H
#define PL_REPLAY_UNIT_H

#include "replay/replay_core.h"

/* The topology's own programs, when it has some: the plan of hooks, each object loaded. */
int pl_replay_unit_open(struct pl_replay *rp);
void pl_replay_unit_close(struct pl_replay *rp);
int pl_replay_unit_one(struct pl_replay *rp, const struct pl_replay_pkt *p,
		       const struct pl_inject *at, struct pl_result *res);

#endif /* PL_REPLAY_UNIT_H */
