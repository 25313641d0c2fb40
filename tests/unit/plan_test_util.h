/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers of the plan tests: a shipped topology's plan in a given mode, and its steps. */
#ifndef PL_PLAN_TEST_UTIL_H
#define PL_PLAN_TEST_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "plan/plan.h"
#include "topo/topo.h"
#include "topo_test_util.h"

#define PLAN_TEST_RUN "t1"

extern const enum pl_routing_mode plan_modes[3]; /* native, vxlan, legacy */

/* Parses a shipped topology, overrides its routing mode, builds the plan (NULL: failed). */
struct pl_plan *plan_of(const char *file, enum pl_routing_mode mode, bool datapath,
			struct topo **t);
void plan_done(struct pl_plan *p, struct topo *t);
/* Index of namespace pl-t1-<what>, or -1. */
int plan_ns(const struct pl_plan *p, const char *what);
/* First step of kind in ns on dev (NULL: any), or -1. */
int plan_find(const struct pl_plan *p, enum pl_step_kind kind, int ns, const char *dev);
int plan_count(const struct pl_plan *p, enum pl_step_kind kind);
/* The step creating dev in ns (veth either side, bridge, vxlan), or -1. */
int plan_created(const struct pl_plan *p, int ns, const char *dev);
/* dev NULL: any device. */
int plan_find_route(const struct pl_plan *p, int ns, const char *dev, uint32_t dst, uint8_t plen,
		    uint32_t gw, uint32_t table);
int plan_find_addr(const struct pl_plan *p, int ns, const char *dev, uint32_t ip, uint8_t plen);
int plan_find_neigh(const struct pl_plan *p, enum pl_step_kind kind, int ns, const char *dev,
		    uint32_t ip, const uint8_t *mac);
/* podlab's program prog attached on dev of node at hook. */
int plan_find_attach(const struct pl_plan *p, int node, const char *dev, enum topo_hook hook,
		     int prog);

#endif /* PL_PLAN_TEST_UTIL_H */
