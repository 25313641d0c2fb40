/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by build.c and plan_hooks.c: appending steps (plan.c), the hook steps (plan_hooks.c). */
#ifndef PL_PLAN_PLAN_INTERNAL_H
#define PL_PLAN_PLAN_INTERNAL_H

#include "plan/plan.h"

/* Appends a zeroed step of kind on dev in namespace ns; NULL on ENOMEM. */
struct pl_step *pl__plan_add(struct pl_plan *p, enum pl_step_kind kind, int ns, const char *dev);

/* In a function returning int: a new step, or return -ENOMEM. */
#define ADD(kind, ns, dev)                                                                         \
	({                                                                                         \
		struct pl_step *___s = pl__plan_add(p, kind, ns, dev);                             \
		if (!___s)                                                                         \
			return -ENOMEM;                                                            \
		___s;                                                                              \
	})

int pl__plan_qdisc(struct pl_plan *p, const struct topo_link *l);
int pl__plan_datapath(struct pl_plan *p, int node);
int pl__plan_user_programs(struct pl_plan *p);

#endif /* PL_PLAN_PLAN_INTERNAL_H */
