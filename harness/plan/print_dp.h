/* SPDX-License-Identifier: GPL-2.0 */
/* Shell forms of the datapath steps (bpftool), shared by print.c. */
#ifndef PL_PLAN_PRINT_DP_H
#define PL_PLAN_PRINT_DP_H

#include <stdio.h>

#include "plan/plan.h"

/* bpftool commands loading podlab's datapath for node, maps pinned in dir. */
void pl_print_datapath_load(const struct pl_plan *p, int node, const char *dir, FILE *f);
/* bpftool map updates: endpoints, ipcache, policy of node. */
void pl_print_datapath_maps(const struct pl_plan *p, int node, FILE *f);

#endif /* PL_PLAN_PRINT_DP_H */
