/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A run's flow-event collector: one process per run, started by the first
 * reader (`podlab observe`, `podlab check`), that drains every node's pinned
 * BPF ring buffer into the run's shared ring (net/evbus.h) until `podlab
 * down` stops it or the run's state file is gone. It records itself in the
 * state file ("events PATH" before the file exists, then "collector PID
 * START"), so down and reap find it like every other object of the run.
 */
#ifndef PL_NET_COLLECTOR_H
#define PL_NET_COLLECTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "net/evbus.h"
#include "topo/topo.h"

/*
 * Maps run's shared ring (starting its collector when none runs) and the
 * nodes' BPF ring positions (pl_evbus_sync). from_start: the cursor at the
 * oldest event the ring holds, else at its head. 0 or -errno (-ENOENT: no
 * node has an events ring buffer).
 */
int pl_collector_attach(const char *run, const struct topo *t, bool from_start,
			struct pl_evbus *bus);
/* Whether run's recorded collector is alive (its pid with its start time). */
bool pl_collector_running(const char *run);
/* Events node's datapath could not write (its ring buffer was full); 0 or -errno. */
int pl_collector_dp_lost(const char *run, const char *node, uint64_t *lost);

#endif /* PL_NET_COLLECTOR_H */
