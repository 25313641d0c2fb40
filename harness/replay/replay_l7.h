/* SPDX-License-Identifier: GPL-2.0 */
/* The L7 part of a replay's results: the node proxy's decision on an HTTP request. */
#ifndef PL_REPLAY_L7_H
#define PL_REPLAY_L7_H

#include "replay/replay_core.h"
#include "replay/result.h"

/* The topology's proxied ports, once per replay (rp->l7); 0 or -errno. */
int pl_replay_l7_open(struct pl_replay *rp);
void pl_replay_l7_close(struct pl_replay *rp);
/* res->l7 from res's hops and its input frame; what every mode does last. */
void pl_replay_l7(const struct pl_replay *rp, struct pl_result *res);

#endif /* PL_REPLAY_L7_H */
