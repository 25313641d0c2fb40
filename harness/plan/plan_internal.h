/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by build.c, plan_fabric.c and plan_hooks.c: appending steps (plan.c), the hook steps
 * (plan_hooks.c). */
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

/* Step builders (plan.c); 0 or -ENOMEM. */
int pl__plan_up(struct pl_plan *p, int ns, const char *dev);
int pl__plan_veth(struct pl_plan *p, int ns, const char *dev, uint32_t ifindex, const uint8_t *mac,
		  int pns, const char *pdev, uint32_t pifindex, const uint8_t *pmac, uint32_t mtu);
int pl__plan_addr(struct pl_plan *p, int ns, const char *dev, uint32_t ip, uint8_t plen);
int pl__plan_route(struct pl_plan *p, int ns, const char *dev, uint32_t dst, uint8_t plen,
		   uint32_t gw, bool onlink);
int pl__plan_sysctl(struct pl_plan *p, int ns, const char *key, const char *value);
int pl__plan_neigh(struct pl_plan *p, enum pl_step_kind kind, int ns, const char *dev, uint32_t ip,
		   const uint8_t *mac);
/* IPv6 (plan_v6.c): the namespaces' sysctls (before any device), a node's, a pod's. */
int pl__plan_v6_sysctls(struct pl_plan *p);
int pl__plan_v6_node(struct pl_plan *p, int node);
int pl__plan_v6_pod(struct pl_plan *p, int pod);
/* routing fabric (plan_fabric.c): the router's ports, then its pod routes (after the pods). */
int pl__plan_fabric_ports(struct pl_plan *p);
int pl__plan_fabric_routes(struct pl_plan *p);
/*
 * Datapath map elements (plan_dp.c): one more in *e (NULL, 0 to start; only
 * pushes grow it); plan_svc.c: the services' (every node's).
 */
/* Datapath map elements (plan_dp.c): one more in *e; plan_svc.c: the services' (every node's). */
int pl__map_push(struct pl_map_entry **e, int *n, const char *map, const void *key, size_t klen,
		 const void *val, size_t vlen);
int pl__plan_service_entries(const struct topo *t, int node, struct pl_map_entry **e, int *n);

int pl__plan_qdisc(struct pl_plan *p, const struct topo_link *l);
int pl__plan_datapath(struct pl_plan *p, int node);
int pl__plan_user_programs(struct pl_plan *p);
/* plan_nginx.c: the pods that run nginx, last (their namespaces are complete). */
int pl__plan_nginx(struct pl_plan *p);

#endif /* PL_PLAN_PLAN_INTERNAL_H */
