/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The replay's view of a running topology (harness/net): build one for the
 * replay or reuse --run RUN; per node its namespace, device ifindexes and a
 * datapath handle sharing the run's pinned maps.
 */
#ifndef PL_REPLAY_RUN_H
#define PL_REPLAY_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/datapath.h"

struct topo;
struct pl_replay;

/*
 * Brings the topology up under a fresh run id (written to run); allow_missing:
 * qdiscs the kernel lacks are left out (sim mode models them).
 */
int pl_replay_run_up(const struct topo *t, bool allow_missing, char *run, size_t len);
int pl_replay_run_down(const char *run);
/* Fills rp->nodes[node] from the run rp->run. */
int pl_replay_run_attach(struct pl_replay *rp, int node);
void pl_replay_run_detach(struct pl_replay *rp, int node);

/*
 * BPF_PROG_TEST_RUN of a node's pinned program inside its namespace; output in
 * rp->buf; rr->event is the event that run emitted (pl_event_of_test_run).
 */
int pl_replay_test_run(struct pl_replay *rp, int node, enum pl_prog prog, const uint8_t *pkt,
		       uint32_t len, uint32_t ifindex, uint32_t mark, struct pl_run_result *rr);
/* Packets of one counter key on a node, summed over CPUs (0 when never hit). */
int pl_replay_counter_read(struct pl_replay *rp, int node, const struct pl_counter_key *key,
			   uint64_t *packets);

/* pl_evring callback: appends a flow event to the node (ctx) */
int pl_replay_node_on_event(void *ctx, const void *data, size_t size);

struct pl_scn_cidr;
/* Adds (or removes) a CIDR in every node's XDP prefilter map (IPv6: prefilter6). */
int pl_replay_prefilter(struct pl_replay *rp, const struct pl_scn_cidr *c, uint32_t rule_id,
			bool add);

#endif /* PL_REPLAY_RUN_H */
