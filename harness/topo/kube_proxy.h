/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kube-proxy's iptables mode for a topology's services, as iptables-restore
 * input: the baseline podlab's BPF services are compared with (bench_services)
 * and what `podlab kube-proxy` prints.
 */
#ifndef PL_TOPO_KUBE_PROXY_H
#define PL_TOPO_KUBE_PROXY_H

#include <stdint.h>
#include <stdio.h>

#include "topo/topo.h"

/*
 * Filler i of a padded rule set (pl_kube_proxy_rules' nservices): a copy of
 * the topology's first service with a backend (its first port, its backends)
 * at ClusterIP serviceCIDR + half its size + i, network order; 0 when the
 * CIDR's upper half has no room for it.
 */
uint32_t pl_kube_proxy_filler_ip(const struct topo *t, int i);
/* Index of the service fillers copy, or -1 (no service has a ready backend). */
int pl_kube_proxy_filler_model(const struct topo *t);

/*
 * Writes node's nat table (*nat ... COMMIT) as kube-proxy's iptables mode
 * would: KUBE-SERVICES (one rule per ClusterIP:port, then KUBE-NODEPORTS),
 * a KUBE-SVC-* chain per service port picking an endpoint with statistic
 * random probabilities, a KUBE-SEP-* chain per endpoint (hairpin masquerade
 * mark, DNAT), KUBE-EXT-* or KUBE-SVL-* for nodePorts, KUBE-POSTROUTING.
 * nservices > the topology's service ports pads KUBE-SERVICES with fillers,
 * half before the topology's services and half after. 0, or -EINVAL (node
 * out of range), -ERANGE (no room or no model for fillers), -ENOMEM, -EIO.
 */
int pl_kube_proxy_rules(FILE *f, const struct topo *t, int node, int nservices);

#endif /* PL_TOPO_KUBE_PROXY_H */
