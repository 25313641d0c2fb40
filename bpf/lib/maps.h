/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The datapath's maps; user space programs them through harness/lib/datapath.h.
 * Every node has its own endpoints, policy, conntrack, prefilter, events and
 * counters. The programs reach them through one map-in-map array per kind
 * (endpoints_of, ...), indexed by the node's slot (devices map): the maps
 * declared here are slot 0's and the template of every other node's. The
 * ipcache and ipcache6 are the run's, one for every node (their values name
 * no node as "this one", see struct pl_ipcache_info): looked up directly.
 * Node maps carry no BTF (key_size/value_size, not __type): before 6.2 a map
 * with BTF and one without never match as inner maps (timer_off differs), and
 * bpftool map create, which the printed script uses, cannot give them BTF.
 */
#ifndef PL_BPF_MAPS_H
#define PL_BPF_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "podlab.h"

#define PL_MAX_ENDPOINTS 4096
#define PL_MAX_CONNTRACK PL_CT_MAX_DEFAULT /* the loader may set another size */
/* Preallocated IPv6 maps hold one entry until the loader sizes them (opts.ipv6). */
#define PL_MAX_IPV6_OFF	 1
#define PL_MAX_PREFILTER 16384
#define PL_MAX_DEVICES	 65536
#define PL_EVENTS_BYTES	 (1u << 20)

/* endpoints: struct pl_endpoint_key (local pod IPv4) → struct pl_endpoint_info */
struct pl_endpoints_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PL_MAX_ENDPOINTS);
	__uint(key_size, sizeof(struct pl_endpoint_key));
	__uint(value_size, sizeof(struct pl_endpoint_info));
} endpoints SEC(".maps");

/* ipcache (cluster-wide): struct pl_ipcache_key (prefix) → struct pl_ipcache_info */
struct pl_ipcache_map {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, PL_MAX_IPCACHE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct pl_ipcache_key));
	__uint(value_size, sizeof(struct pl_ipcache_info));
} ipcache SEC(".maps");

/* policy: struct pl_policy_key (ep, remote identity, dport, proto, dir) → struct pl_policy_entry */
/* Not preallocated: 131072 elements made every node's map cost milliseconds to create. */
struct pl_policy_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PL_MAX_POLICY);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct pl_policy_key));
	__uint(value_size, sizeof(struct pl_policy_entry));
} policy SEC(".maps");

/* conntrack: struct pl_ct_key (forward 5-tuple of an allowed flow) → struct pl_ct_entry */
struct pl_conntrack_map {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, PL_MAX_CONNTRACK);
	__uint(key_size, sizeof(struct pl_ct_key));
	__uint(value_size, sizeof(struct pl_ct_entry));
} conntrack SEC(".maps");

/* prefilter: struct pl_prefilter_key (denied source prefix) → __u32 rule id */
struct pl_prefilter_map {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, PL_MAX_PREFILTER);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct pl_prefilter_key));
	__uint(value_size, sizeof(__u32));
} prefilter SEC(".maps");

/* prefilter6: struct pl_prefilter6_key (denied IPv6 source prefix) → __u32 rule id */
struct pl_prefilter6_map {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, PL_MAX_PREFILTER);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct pl_prefilter6_key));
	__uint(value_size, sizeof(__u32));
} prefilter6 SEC(".maps");

/* IPv6: parallel maps, not a family field: IPv4 keys stay 4 bytes, their users unchanged. */
/* endpoints6: struct pl_endpoint6_key (local pod IPv6) → struct pl_endpoint_info */
struct pl_endpoints6_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PL_MAX_IPV6_OFF); /* loader: PL_MAX_ENDPOINTS */
	__uint(key_size, sizeof(struct pl_endpoint6_key));
	__uint(value_size, sizeof(struct pl_endpoint_info));
} endpoints6 SEC(".maps");

/* ipcache6: struct pl_ipcache6_key (IPv6 prefix) → struct pl_ipcache_info; cluster-wide */
struct pl_ipcache6_map {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, PL_MAX_IPCACHE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct pl_ipcache6_key));
	__uint(value_size, sizeof(struct pl_ipcache_info));
} ipcache6 SEC(".maps");

/* conntrack6: struct pl_ct6_key (forward 5-tuple of an allowed IPv6 flow) → struct pl_ct_entry */
struct pl_conntrack6_map {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, PL_MAX_IPV6_OFF); /* loader: conntrack's size */
	__uint(key_size, sizeof(struct pl_ct6_key));
	__uint(value_size, sizeof(struct pl_ct_entry));
} conntrack6 SEC(".maps");

/* services: struct pl_service_key (ClusterIP, port, proto) → struct pl_service (id, count) */
struct pl_services_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PL_MAX_FRONTENDS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct pl_service_key));
	__uint(value_size, sizeof(struct pl_service));
} services SEC(".maps");

/* maglev: struct pl_maglev_key (service id, chunk) → struct pl_maglev_chunk (backend slots) */
struct pl_maglev_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, (2 * PL_MAX_SERVICES * PL_MAGLEV_CHUNKS)); /* nodePort Local too */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct pl_maglev_key));
	__uint(value_size, sizeof(struct pl_maglev_chunk));
} maglev SEC(".maps");

/* backends: struct pl_backend_key (service id, slot) → struct pl_backend (pod IPv4) */
struct pl_backends_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PL_MAX_SERVICE_BACKENDS * 4);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct pl_backend_key));
	__uint(value_size, sizeof(struct pl_backend));
} backends SEC(".maps");

/* events: ring buffer of struct pl_flow_event, one per decision */
struct pl_events_map {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, PL_EVENTS_BYTES);
} events SEC(".maps");

/*
 * counters: __u32 cpu * PL_COUNTER_SLOTS + pl_counter_slot(prog, dir, verdict,
 * reason/note) → pl_counter_val. A plain array with a region per possible CPU
 * (the loader sizes it): a per-CPU array allocates each slot on its own, which
 * was most of a node's setup time. BPF_F_INNER_MAP: the size is the loader's.
 */
struct pl_counters_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_INNER_MAP);
	__uint(max_entries, PL_COUNTER_SLOTS);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct pl_counter_val));
} counters SEC(".maps");

/* devices: ifindex → struct pl_node_cfg (key 0: the node of unlisted devices) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PL_MAX_DEVICES);
	__type(key, __u32);
	__type(value, struct pl_node_cfg);
} devices SEC(".maps");

/* node slot → that node's map of one kind; slot 0 holds the maps above. */
#define PL_NODE_MAPS(kind)                                                                         \
	struct {                                                                                   \
		__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);                                          \
		__uint(max_entries, PL_MAX_NODES);                                                 \
		__type(key, __u32);                                                                \
		__array(values, struct pl_##kind##_map);                                           \
	} kind##_of SEC(".maps") = {.values = {[0] = &kind}}

PL_NODE_MAPS(endpoints);
PL_NODE_MAPS(policy);
PL_NODE_MAPS(conntrack);
PL_NODE_MAPS(prefilter);
PL_NODE_MAPS(events);
PL_NODE_MAPS(counters);
PL_NODE_MAPS(endpoints6);
PL_NODE_MAPS(conntrack6);
PL_NODE_MAPS(services);
PL_NODE_MAPS(maglev);
PL_NODE_MAPS(backends);
PL_NODE_MAPS(prefilter6);

/*
 * Gives the IPv6 branch's lookups call sites of their own: clang merges the
 * two families' identical calls, and the verifier inlines a lookup only when
 * its call site always sees the same map.
 */
#define pl_own_site(v) asm volatile("" : "+r"(v))

/* The node's map of one kind (outer: one of the *_of arrays); NULL when the slot is empty. */
static __always_inline void *pl_node_map(void *outer, __u32 slot)
{
	return bpf_map_lookup_elem(outer, &slot);
}

/* The node of the device at ifindex; NULL: listed nowhere (see default_node in lib/config.h). */
static __always_inline struct pl_node_cfg *pl_node_of(__u32 ifindex)
{
	return bpf_map_lookup_elem(&devices, &ifindex);
}

/* The identity of an ipcache entry as this node sees it: its own addresses are HOST. */
static __always_inline __u32 pl_ipc_identity(const struct pl_ipcache_info *ipc, __u32 node_ip)
{
	if (!ipc)
		return PL_ID_WORLD;
	if (ipc->identity == PL_ID_REMOTE_NODE && ipc->node_ip && ipc->node_ip == node_ip)
		return PL_ID_HOST;
	return ipc->identity;
}

#endif /* PL_BPF_MAPS_H */
