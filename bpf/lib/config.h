/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Runtime knobs: .rodata the loader writes between __open and __load. */
#ifndef PL_BPF_CONFIG_H
#define PL_BPF_CONFIG_H

#include <linux/types.h>

#include "podlab.h"

/* enum pl_routing_mode: how a packet for a pod on another node leaves. */
const volatile __u32 routing_mode = PL_ROUTING_NATIVE;
/* This node's underlay IPv4 (network order): a tunnel endpoint equal to it is not remote. */
const volatile __u32 node_ip = 0;
/* The node's external (collect_md) vxlan device: redirect target in vxlan mode. */
const volatile __u32 vxlan_ifindex = 0;
/* The node's uplink; recorded for user space, the fib lookup picks the egress device. */
const volatile __u32 uplink_ifindex = 0;
/* Emit flow events on the ring buffer (off for benchmarks; counters always run). */
const volatile __u32 enable_events = 1;

#endif /* PL_BPF_CONFIG_H */
