/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replay engine: packets of a capture (or inline specs) through the datapath
 * of a topology, one struct pl_result per packet.
 *  - unit: BPF_PROG_TEST_RUN at the injection hook, inside the node's netns
 *    (the calling thread enters it; pl_replay_close() restores the original);
 *  - live: injected for real, results from flow events and captures;
 *  - sim: the simulator walks each packet through the run's programs.
 * The topology is built for the replay (and removed by close) or reused (--run).
 * A whole set of packets with pcap-out and counts: replay_session.h.
 */
#ifndef PL_REPLAY_H
#define PL_REPLAY_H

#include "replay/replay_core.h"

int pl_replay_open(const struct topo *t, const struct pl_replay_opts *o, struct pl_replay **out);
/* Replays one packet; res is filled (res->status says whether it ran). 0 or -errno (fatal). */
int pl_replay_one(struct pl_replay *rp, const struct pl_replay_pkt *p, struct pl_result *res);
/*
 * Replays the next packets of p[0..n): in live mode a window of them in flight
 * at once (opts.live_window), otherwise one. *used says how many (>= 1, even
 * on error); their results are res[0..*used). 0 or -errno (fatal).
 */
int pl_replay_window(struct pl_replay *rp, const struct pl_replay_pkt *p, int n,
		     struct pl_result *res, int *used);
void pl_replay_close(struct pl_replay *rp);

#endif /* PL_REPLAY_H */
