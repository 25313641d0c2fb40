/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The L7 proxy's configuration: one HAProxy config per node that has
 * proxied ports (policy_l7.h), a pure function of the topology. Each proxied
 * (pod, port) is one frontend listening on PL_L7_PORT_BASE + its index on the
 * node (transparent: it accepts connections addressed to the pod), whose
 * http-request rules allow what the policy's http rules match, in policy
 * order, and answer 403 to the rest; allowed requests go to the pod's port.
 */
#ifndef PL_NET_L7_CONFIG_H
#define PL_NET_L7_CONFIG_H

#include <stdint.h>

#include "topo/policy_l7.h"

/* The node's proxies in pp: how many; idx (may be NULL, n entries) gets their pp indexes. */
/* The ring of request log lines in each proxy (`show events podlab` on its stats socket). */
#define PL_L7_LOG_RING "podlab"

int pl_l7_node_proxies(const struct topo *t, const struct policy_proxies *pp, int node, int *idx,
		       int n);

/*
 * The config of node's proxy, malloc'ed in *out. dir holds its pid file and
 * stats socket (<dir>/<node>.pid, .sock); 0, -ENOENT (no proxied port on
 * that node) or -ENOMEM.
 */
int pl_l7_config(const struct topo *t, const struct policy_proxies *pp, int node, const char *dir,
		 char **out);

#endif /* PL_NET_L7_CONFIG_H */
