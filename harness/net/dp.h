/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Datapath steps of a plan: load podlab's datapath in a node's namespace,
 * attach programs to hooks, program the maps; users' programs (`programs:`).
 */
#ifndef PL_NET_DP_H
#define PL_NET_DP_H

#include <stddef.h>
#include <stdint.h>

#include "net/nl.h"
#include "net/plan.h"

struct pl_dp_node;
struct pl_datapath_opts;

/* One map element a node's datapath holds; both back ends write exactly these. */
struct pl_map_entry {
	const char *map; /* "endpoints", "ipcache", "policy", "prefilter" */
	uint8_t key[16];
	uint32_t key_len;
	uint8_t val[32];
	uint32_t val_len;
};

/* The rodata knobs of node's datapath (pin_dir left NULL). */
void pl_dp_opts(const struct pl_plan *p, int node, struct pl_datapath_opts *o);
/* Every map element of node: endpoints, ipcache (policy_ipcache), policy entries. */
int pl_dp_map_entries(const struct pl_plan *p, int node, struct pl_map_entry **out, int *n);

/* Caller is inside the node's netns. Pins maps under <pin_dir>/<node>/. */
int pl_dp_load(const struct pl_plan *p, int node, struct pl_dp_node **out);
/* Attach step s (podlab's program from d, or the user's object) using nl of the node ns. */
int pl_dp_attach(struct pl_dp_node *d, const struct pl_plan *p, const struct pl_step *s,
		 struct pl_nl *nl);
/* endpoints, ipcache, policy for node. */
int pl_dp_maps(struct pl_dp_node *d, const struct pl_plan *p, int node);
void pl_dp_free(struct pl_dp_node *d);
/* Node's pin directory: <pin_dir>/<node>. */
void pl_dp_pin_dir(const struct pl_plan *p, int node, char *buf, size_t len);

#endif /* PL_NET_DP_H */
