/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Knobs of a loaded datapath, the same for every node it serves: .rodata the
 * loader writes between __open and __load. Per node settings are in the
 * devices map (struct pl_node_cfg).
 */
#ifndef PL_BPF_CONFIG_H
#define PL_BPF_CONFIG_H

#include <linux/types.h>

#include "podlab.h"

/* enum pl_routing_mode (PL_ROUTING_MODE_LIST): how a packet for a pod on another node leaves. */
const volatile __u32 routing_mode = PL_ROUTING_NATIVE;
/* routing ipip, ipipMode CrossSubnet: a peer in this node's subnet (ipcache subnet) goes bare. */
const volatile __u32 ipip_cross_subnet = 0;
/* Emit flow events on the ring buffer (off for benchmarks; counters always run). */
const volatile __u32 enable_events = 1;
/* Service lookups per packet (from_pod, nodePorts); 0: the run has no services, none is looked up.
 */
const volatile __u32 enable_services = 1;
/*
 * A single-node load: the node of every device devices does not list (slot 0,
 * these settings), without a second lookup. 0: such a device has no node.
 */
const volatile __u32 default_node = 0;
const volatile __u32 default_node_ip = 0;
const volatile __u32 default_vxlan_ifindex = 0;

#endif /* PL_BPF_CONFIG_H */
