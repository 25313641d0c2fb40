/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit-mode replay on several CPUs: N worker threads, each pinned to a CPU of
 * its own and inside the node's namespace, run BPF_PROG_TEST_RUN on the same
 * programs. Packets are sharded by flow (pl_flow_shard_key): conntrack ties
 * the packets of a flow together, so both directions of a flow go to the same
 * worker, which replays them in input order; packets of different flows share
 * no state the verdict depends on, so their interleaving does not matter.
 * Results land in input order.
 */
#ifndef PL_REPLAY_WORKERS_H
#define PL_REPLAY_WORKERS_H

#include <signal.h>
#include <stdint.h>

#include "replay/replay_core.h"

struct pl_replay_workers;

/*
 * The key packets are sharded by: equal for every packet conntrack can tie
 * together (both directions of a 5-tuple; an ICMP error and the flow it
 * quotes; VXLAN by the tuple the program at the injection point tracks).
 */
uint32_t pl_flow_shard_key(const struct topo *t, const struct pl_replay_pkt *p,
			   const struct pl_inject *opt_at);

/* Workers the calling thread may run: the CPUs of its affinity mask (at least 1). */
int pl_replay_workers_max(void);
/* n workers (clamped to pl_replay_workers_max()) on an open unit-mode replay. */
int pl_replay_workers_open(struct pl_replay *rp, int n, struct pl_replay_workers **out);
int pl_replay_workers_count(const struct pl_replay_workers *w);
/*
 * Replays packets [from, to) of pk into res[0 .. to-from). state[i]: 1 replayed,
 * -errno a fatal error of pl_replay_one (res[i] still to release), 0 not run
 * (an earlier packet of its worker failed, or *stop was set). 0, or -errno when
 * a thread could not start.
 */
int pl_replay_workers_run(struct pl_replay_workers *w, const struct pl_replay_pkts *pk, int from,
			  int to, struct pl_result *res, int *state, volatile sig_atomic_t *stop);
/* The same in two halves: start returns with the threads running, wait joins them. */
int pl_replay_workers_start(struct pl_replay_workers *w, const struct pl_replay_pkts *pk, int from,
			    int to, struct pl_result *res, int *state, volatile sig_atomic_t *stop);
int pl_replay_workers_wait(struct pl_replay_workers *w);
void pl_replay_workers_close(struct pl_replay_workers *w);

#endif /* PL_REPLAY_WORKERS_H */
