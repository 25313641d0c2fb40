/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Applying the datapath steps of a plan: load podlab's datapath in a node's
 * namespace, attach programs to hooks, program the maps; users' programs
 * (`programs:`). What they write is plan data (plan.h: pl_dp_map_entries).
 */
#ifndef PL_NET_DP_H
#define PL_NET_DP_H

#include <stddef.h>
#include <stdint.h>

#include "net/nl.h"
#include "plan/plan.h"

struct pl_dp_node;

/*
 * Caller is inside the node's netns. loaded NULL: loads the datapath (once per
 * run); else node runs loaded's programs with maps of its own. Pins programs and
 * maps under <pin_dir>/<node>/ and binds the node's devices (ifindexes) to it.
 * loaded must be freed after every node added to it.
 */
int pl_dp_load(const struct pl_plan *p, int node, struct pl_dp_node *loaded,
	       struct pl_dp_node **out);
/*
 * Attach step s (podlab's program from d, or the user's object) using nl of
 * the node ns. A user's program is watched first (net/user_watch.h): *watch_fd
 * is the watch's link for the run's holder, -1 if none.
 */
int pl_dp_attach(struct pl_dp_node *d, const struct pl_plan *p, const struct pl_step *s,
		 struct pl_nl *nl, int *watch_fd);
/* endpoints, ipcache, policy for node. */
int pl_dp_maps(struct pl_dp_node *d, const struct pl_plan *p, int node);
void pl_dp_free(struct pl_dp_node *d);
/* Puts every node added to loaded into its slot (pl_datapath_commit): once, after the last. */
int pl_dp_commit(struct pl_dp_node *loaded);

#endif /* PL_NET_DP_H */
