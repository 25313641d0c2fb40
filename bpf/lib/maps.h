/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The datapath's maps; user space programs them through harness/lib/datapath.h. */
#ifndef PL_BPF_MAPS_H
#define PL_BPF_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "podlab.h"

#define PL_MAX_ENDPOINTS 4096
#define PL_MAX_IPCACHE	 65536
#define PL_MAX_POLICY	 131072
#define PL_MAX_CONNTRACK 65536
#define PL_MAX_PREFILTER 16384
#define PL_EVENTS_BYTES	 (1u << 20)

/* endpoints: struct pl_endpoint_key (local pod IPv4) → struct pl_endpoint_info */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PL_MAX_ENDPOINTS);
	__type(key, struct pl_endpoint_key);
	__type(value, struct pl_endpoint_info);
} endpoints SEC(".maps");

/* ipcache: struct pl_ipcache_key (prefix) → struct pl_ipcache_info (identity, tunnel endpoint) */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, PL_MAX_IPCACHE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct pl_ipcache_key);
	__type(value, struct pl_ipcache_info);
} ipcache SEC(".maps");

/* policy: struct pl_policy_key (ep, remote identity, dport, proto, dir) → struct pl_policy_entry */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PL_MAX_POLICY);
	__type(key, struct pl_policy_key);
	__type(value, struct pl_policy_entry);
} policy SEC(".maps");

/* conntrack: struct pl_ct_key (forward 5-tuple of an allowed flow) → struct pl_ct_entry */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, PL_MAX_CONNTRACK);
	__type(key, struct pl_ct_key);
	__type(value, struct pl_ct_entry);
} conntrack SEC(".maps");

/* prefilter: struct pl_prefilter_key (denied source prefix) → __u32 rule id */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, PL_MAX_PREFILTER);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct pl_prefilter_key);
	__type(value, __u32);
} prefilter SEC(".maps");

/* events: ring buffer of struct pl_flow_event, one per decision */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, PL_EVENTS_BYTES);
} events SEC(".maps");

/* counters: __u32 pl_counter_slot(prog, dir, verdict, reason/note) → per-CPU pl_counter_val */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PL_COUNTER_SLOTS);
	__type(key, __u32);
	__type(value, struct pl_counter_val);
} counters SEC(".maps");

#endif /* PL_BPF_MAPS_H */
