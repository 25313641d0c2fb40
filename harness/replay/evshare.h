/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flow events shared by parallel unit-mode workers. Every worker's
 * BPF_PROG_TEST_RUN on a node writes to that node's one ring buffer, so the
 * ring is drained under a lock into a pool and each worker takes the event of
 * its own run: its program, device and length, inside its run's window, and
 * emitted on its CPU (each worker is pinned to a CPU of its own, and the event
 * records the CPU). A worker drains only when its event is not in the pool
 * yet, so one drain serves every worker.
 */
#ifndef PL_REPLAY_EVSHARE_H
#define PL_REPLAY_EVSHARE_H

#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>

#include "podlab.h"
#include "replay/evring.h"

struct pl_evpool {
	struct pl_flow_event *evs;
	size_t n, cap;
};

struct pl_evshare {
	pthread_mutex_t lock;
	int nnodes;
	struct pl_evpool *pool; /* per node: drained, not taken yet */
	cpu_set_t worker_cpus;	/* events of other CPUs are not a worker's: dropped */
};

int pl_evshare_init(struct pl_evshare *sh, int nnodes, const cpu_set_t *worker_cpus);
void pl_evshare_destroy(struct pl_evshare *sh);
/*
 * The event of one test_run of prog by the worker on cpu, run between t0 and t1
 * on a len-byte packet at ifindex: 1 and *out, 0 when it emitted none, -errno.
 */
int pl_evshare_take(struct pl_evshare *sh, struct pl_evring *ring, int node, int cpu,
		    enum pl_prog prog, uint32_t ifindex, size_t len, uint64_t t0, uint64_t t1,
		    struct pl_flow_event *out);

#endif /* PL_REPLAY_EVSHARE_H */
