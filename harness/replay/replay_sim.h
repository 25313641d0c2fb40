/* SPDX-License-Identifier: GPL-2.0 */
/* Sim mode: the simulator walks the packet through the run's programs. */
#ifndef PL_REPLAY_SIM_H
#define PL_REPLAY_SIM_H

#include <stdio.h>

#include "replay/replay_core.h"

int pl_replay_sim_open(struct pl_replay *rp);
int pl_replay_sim_one(struct pl_replay *rp, const struct pl_replay_pkt *p,
		      const struct pl_inject *at, struct pl_result *res);
void pl_replay_sim_close(struct pl_replay *rp);
/*
 * Optional: walks every packet of pk on one virtual clock first
 * (pcap times, relative to the first; inline packets 1 ms apart), so packets
 * contend for qdiscs and links; pl_replay_one then hands out these results.
 * Call after prefilter entries are set, right before the replay loop.
 */
int pl_replay_sim_prepare(struct pl_replay *rp, const struct pl_replay_pkts *pk);
/* Per flow (5-tuple in): packets, delivered, bytes, throughput and latency of the sim run. */
void pl_replay_sim_flows_print(const struct pl_replay *rp, FILE *f);

#endif /* PL_REPLAY_SIM_H */
