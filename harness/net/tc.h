/* SPDX-License-Identifier: GPL-2.0 */
/* Traffic control over rtnetlink: qdiscs, htb classes, u32 and bpf filters. */
#ifndef PL_NET_TC_H
#define PL_NET_TC_H

#include <stdbool.h>
#include <stdint.h>

#include "net/nl.h"
#include "plan/plan.h"
#include "topo/topo.h"

/* Root qdisc (handle) of kind q->kind on ifindex. quiet: no error line (probes). */
int pl_tc_qdisc_add(struct pl_nl *nl, uint32_t ifindex, uint32_t handle, const struct topo_qdisc *q,
		    bool quiet, const char *what);
int pl_tc_htb_class_add(struct pl_nl *nl, uint32_t ifindex, uint32_t parent, uint32_t classid,
			uint64_t rate, uint64_t ceil, uint32_t prio, uint32_t quantum, uint32_t mtu,
			const char *what);
/* u32 filter on parent 1: sending matches of m to classid (ip dport/sport assume ihl 5). */
int pl_tc_u32_add(struct pl_nl *nl, uint32_t ifindex, uint32_t prio, const struct topo_match *m,
		  uint32_t classid, const char *what);
/* clsact (idempotent) + cls_bpf direct-action filter of prog_fd at ingress or egress. */
int pl_tc_bpf_attach(struct pl_nl *nl, uint32_t ifindex, bool ingress, int prog_fd,
		     const char *name, uint32_t prio, const char *what);

#endif /* PL_NET_TC_H */
