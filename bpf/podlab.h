/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * podlab datapath ABI: everything the BPF programs and user space agree on.
 * Only __u8/__u16/__u32/__u64 types; IPv4 and IPv6 addresses are in network
 * byte order (IPv6: 16 bytes as four __u32), ports in network byte order,
 * everything else host order.
 */
#ifndef PODLAB_H
#define PODLAB_H

#include <linux/types.h>

#include "podlab_names.h"

/* Reserved identities (Cilium's numbering); pod identities start at 256. */
enum pl_identity {
	PL_ID_UNKNOWN = 0,
	PL_ID_HOST = 1,
	PL_ID_WORLD = 2,
	PL_ID_REMOTE_NODE = 6,
	PL_ID_POD_MIN = 256,
	/* CIDR identities (fromCIDR/toCIDR) are allocated from here. */
	PL_ID_CIDR_MIN = 0x01000000,
};

/* Routing mode, a rodata knob; legacy = vxlan to the stack + iptables MASQUERADE. */
enum pl_routing_mode {
#define PL__ENUM(name, value, text, desc) PL_ROUTING_##name = value,
	PL_ROUTING_MODE_LIST(PL__ENUM)
#undef PL__ENUM
		PL_ROUTING__COUNT, /* values are 0.. in order: one past the last */
};

/* Programs of the datapath, in event records. */
enum pl_prog {
#define PL__ENUM(name, value, text, hook) PL_PROG_##name = value,
	PL_PROG_LIST(PL__ENUM)
#undef PL__ENUM
};

/* Observation points: Hubble's TraceObservationPoint numbers. */
enum pl_obs_point {
#define PL__ENUM(name, value, text) PL_OBS_##name = value,
	PL_OBS_POINT_LIST(PL__ENUM)
#undef PL__ENUM
};

/* Verdicts: Hubble's numbers. */
enum pl_verdict {
#define PL__ENUM(name, value, text) PL_VERDICT_##name = value,
	PL_VERDICT_LIST(PL__ENUM)
#undef PL__ENUM
};

/* Drop reasons: Cilium's numbers where one exists, podlab's own from 240. */
enum pl_drop_reason {
#define PL__ENUM(name, value, text) PL_DROP_##name = value,
	PL_DROP_REASON_LIST(PL__ENUM)
#undef PL__ENUM
};

/* Why a packet that was not dropped took its path (event .note). */
enum pl_note {
#define PL__ENUM(name, value, text) PL_NOTE_##name = value,
	PL_NOTE_LIST(PL__ENUM)
#undef PL__ENUM
};

/* How a redirect was done (event .redirect). */
enum pl_redirect {
#define PL__ENUM(name, value, text) PL_REDIR_##name = value,
	PL_REDIRECT_LIST(PL__ENUM)
#undef PL__ENUM
};

enum pl_dir {
	PL_DIR_INGRESS = 0,
	PL_DIR_EGRESS = 1,
};

/* skb->mark carrying a source identity into from_overlay (test_run has no tunnel metadata). */
#define PL_MARK_IDENTITY_MAGIC 0xC1000000u
#define PL_MARK_MAGIC_MASK     0xFF000000u
#define PL_MARK_IDENTITY_MASK  0x00FFFFFFu
/* skb->mark of a packet steered to the L7 proxy: the node's rule routes it to `local default`. */
#define PL_MARK_TO_PROXY      0x00000A00u
#define PL_MARK_TO_PROXY_MASK 0x00000F00u
#define PL_PROXY_TABLE	      2004 /* Cilium's number for the same table */

/* endpoints: local pod IPv4 → how to reach it and who it is. */
struct pl_endpoint_key {
	__u32 ip;
};

#define PL_EP_F_INGRESS_ENFORCED (1u << 0) /* some policy selects it for ingress */
#define PL_EP_F_EGRESS_ENFORCED	 (1u << 1) /* some policy selects it for egress */

struct pl_endpoint_info {
	__u32 ifindex; /* node-side veth, the bpf_redirect_peer target */
	__u32 identity;
	__u32 ep_id;	  /* policy map key of this endpoint */
	__u32 flags;	  /* PL_EP_F_* */
	__u8 mac[6];	  /* pod's eth0 */
	__u8 node_mac[6]; /* node-side veth */
};

/* endpoints6: local pod IPv6 → the same struct pl_endpoint_info as its IPv4 address. */
struct pl_endpoint6_key {
	__u32 ip6[4];
};

/*
 * ipcache (LPM): prefix → identity and the node it lives behind. One map for the
 * whole run (every node's programs look it up): no value depends on the node
 * looking, the program compares with its own node's underlay IP instead.
 */
struct pl_ipcache_key {
	__u32 prefixlen;
	__u32 ip;
};

struct pl_ipcache_info {
	__u32 identity; /* a node's own addresses: PL_ID_REMOTE_NODE (the looking node's: HOST) */
	__u32 tunnel_endpoint; /* a pod's: its node's underlay IP (this node's: local), 0 = none */
	__u32 node_ip;	       /* a node's own addresses: that node's underlay IPv4, else 0 */
	__u32 subnet; /* the owning node's underlay subnet (ipipMode CrossSubnet), 0 = none */
};

/* ipcache6 (LPM): IPv6 prefix → the same struct pl_ipcache_info (tunnel endpoint: underlay IPv4).
 */
struct pl_ipcache6_key {
	__u32 prefixlen;
	__u32 ip6[4];
};

/* policy: (endpoint, remote identity, proto, dport, direction) → allow/deny. 0 = any. */
struct pl_policy_key {
	__u32 ep_id;
	__u32 remote_identity;
	__u16 dport; /* network order */
	__u8 proto;
	__u8 dir; /* enum pl_dir */
};

/* No deny entry has this entry's ep_id and dir: an allow found is the verdict, no more probes. */
#define PL_POLICY_F_FINAL (1u << 0)
/* An L7 (http rules) port: the node's proxy decides per request. */
#define PL_POLICY_F_PROXY (1u << 1)

struct pl_policy_entry {
	__u8 deny;
	__u8 flags;	  /* PL_POLICY_F_* */
	__u16 proxy_port; /* PL_POLICY_F_PROXY: its port in the node's namespace (host order) */
	__u32 rule_id;	  /* index of the source rule, for explanations */
};

/*
 * conntrack (LRU): forward 5-tuple of an allowed connection → state.
 * PL_CT_MAX_DEFAULT entries per node unless the topology's conntrack.max or
 * --ct-max sizes it (the loader sets max_entries before the load).
 */
#define PL_CT_MAX_DEFAULT 65536
/* The ipcache (an LPM trie, allocated as used, sized as Cilium's) and a node's policy. */
#define PL_MAX_IPCACHE 524288
#define PL_MAX_POLICY  131072 /* a hash: its buckets are allocated whole, per node */
struct pl_ct_key {
	__u32 saddr;
	__u32 daddr;
	__u16 sport; /* ICMP echo: id */
	__u16 dport; /* ICMP echo: 0 */
	__u8 proto;
	__u8 pad[3];
};

/* conntrack6 (LRU): the same for IPv6, values struct pl_ct_entry. */
struct pl_ct6_key {
	__u32 saddr6[4];
	__u32 daddr6[4];
	__u16 sport; /* ICMPv6 echo: id */
	__u16 dport; /* ICMPv6 echo: 0 */
	__u8 proto;
	__u8 pad[3];
};

/*
 * IPv6 extension headers the datapath walks to the L4 header: as many as
 * RFC 8200 allows in one packet (hop-by-hop, destination options twice,
 * routing, fragment). A longer chain is dropped (IPV6_EXT_CHAIN).
 */
#define PL_IPV6_MAX_EXT 5

#define PL_CT_F_SVC  (1u << 0) /* a service's flow: replies get their source rewritten to nat_* */
#define PL_CT_F_SNAT (1u << 1) /* and its source was SNATed: replies go back to snat_ip */

/*
 * A pod's packet to a service whose backend is that pod (hairpin) leaves
 * with this source (host order; Cilium's IPV4_LOOPBACK): the pod's kernel
 * drops a packet from its own address as martian.
 */
#define PL_HAIRPIN_IP 0xA9FE2A01u /* 169.254.42.1 */

struct pl_ct_entry {
	__u64 created_ns;
	__u64 last_seen_ns;
	__u64 packets;
	__u16 flags;	 /* PL_CT_F_* */
	__u16 nat_port;	 /* PL_CT_F_SVC: the service port (or nodePort), network order */
	__u32 last_tick; /* low 32 bits of jiffies when last_seen_ns was taken */
	__u32 nat_ip;	 /* PL_CT_F_SVC: the ClusterIP (or node IP) the client sent to */
	__u32 snat_ip;	 /* PL_CT_F_SNAT: the client's own address, network order */
};

/*
 * services: (ClusterIP, port, protocol) → struct pl_service. Every port of a
 * service shares its backends and Maglev table (id); backends: (id, slot) →
 * struct pl_backend; maglev: (id, chunk) → PL_MAGLEV_CHUNK backend slots of
 * the service's lookup table of PL_MAGLEV_M entries (Cilium's and Katran's M).
 */
#define PL_MAX_SERVICES 256 /* services (ids) of a topology */
/* services map: frontends (ClusterIP:port, nodePort); several may share an id (bench_services) */
#define PL_MAX_FRONTENDS	   65536
#define PL_MAGLEV_M		   16381 /* a prime: every skip is coprime with it */
#define PL_MAGLEV_CHUNK		   32	 /* table entries per maglev map element */
#define PL_MAGLEV_CHUNKS	   ((PL_MAGLEV_M + PL_MAGLEV_CHUNK - 1) / PL_MAGLEV_CHUNK)
#define PL_MAX_SERVICE_BACKENDS	   4096
#define PL_SVC_F_AFFINITY_CLIENTIP (1u << 0) /* sessionAffinity ClientIP: hash the source only */
#define PL_SVC_F_NODEPORT	   (1u << 1) /* a nodePort (key ip 0: the node's own IP) */
#define PL_SVC_F_LOCAL		   (1u << 2) /* externalTrafficPolicy Local: this node's backends */

struct pl_service_key {
	__u32 ip;   /* ClusterIP, network order; 0: a nodePort, on the node's own IP */
	__u16 port; /* service port, network order */
	__u8 proto; /* IPPROTO_TCP or IPPROTO_UDP */
	__u8 pad;
};

struct pl_service {
	__u32 id;	   /* key of its backends and maglev elements, 1.. */
	__u16 count;	   /* backends; 0: packets are dropped (NO_SERVICE_BACKEND) */
	__u16 flags;	   /* PL_SVC_F_* */
	__u16 target_port; /* network order */
	__u16 pad;
};

struct pl_maglev_key {
	__u32 id;
	__u32 chunk; /* table entries chunk * PL_MAGLEV_CHUNK .. + PL_MAGLEV_CHUNK - 1 */
};

struct pl_maglev_chunk {
	__u16 slot[PL_MAGLEV_CHUNK]; /* backend slots, < pl_service.count */
};

struct pl_backend_key {
	__u32 id;
	__u32 slot;
};

struct pl_backend {
	__u32 ip; /* pod IPv4, network order */
	__u32 pad;
};

/* Mixes one 32-bit word into a hash (murmur3's round and finaliser steps). */
static inline __u32 pl_svc_mix(__u32 h, __u32 k)
{
	k *= 0xcc9e2d51u;
	k = (k << 15) | (k >> 17);
	k *= 0x1b873593u;
	h ^= k;
	h = (h << 13) | (h >> 19);
	return h * 5 + 0xe6546b64u;
}

/*
 * The flow hash that picks a Maglev entry, shared by the datapath and its
 * tests: the 5-tuple as sent (addresses and ports in network order), or the
 * source address only (affinity); the entry is hash % PL_MAGLEV_M.
 */
static inline __u32 pl_svc_hash(__u32 saddr, __u32 daddr, __u16 sport, __u16 dport, __u8 proto,
				int affinity)
{
	__u32 h = 0x9747b28cu;

	h = pl_svc_mix(h, saddr);
	if (!affinity) {
		h = pl_svc_mix(h, daddr);
		h = pl_svc_mix(h, (__u32)sport << 16 | dport);
		h = pl_svc_mix(h, proto);
	}
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

/*
 * devices: ifindex of a device a program runs on → its node. One loaded
 * datapath serves every node of a run: the node picks its maps (slot into
 * the *_of map-in-map arrays) and its settings. Key 0 is the node of a
 * device that is not listed (a datapath loaded for a single node).
 */
#define PL_MAX_NODES 1024
struct pl_node_cfg {
	__u32 slot;    /* index into endpoints_of, ipcache_of, ... */
	__u32 node_ip; /* underlay IPv4, network order: a tunnel endpoint equal to it is local */
	__u32 vxlan_ifindex; /* the node's external (collect_md) vxlan device, 0 = none */
	__u32 uplink_ifindex;
};

/* prefilter (LPM): source prefix denied at XDP → rule id. */
struct pl_prefilter_key {
	__u32 prefixlen;
	__u32 ip;
};

/* prefilter6 (LPM): IPv6 source prefix denied at XDP → rule id. */
struct pl_prefilter6_key {
	__u32 prefixlen;
	__u32 ip6[4];
};

/* What a counter counts; the counters map is indexed by pl_counter_slot() of it. */
struct pl_counter_key {
	__u8 verdict;
	__u8 reason; /* drop reason, or enum pl_note when not dropped */
	__u8 dir;
	__u8 prog;
};

/* counters (per-CPU array): 2 bits prog, 1 dir, 2 verdict, 8 reason. */
#define PL_COUNTER_SLOTS 8192

/*
 * Slot of (prog, dir, verdict, reason). prog 1..4 → 1,2,3,0; verdict
 * FORWARDED 1, DROPPED 2, REDIRECTED 5 → 0, 1, 2 (verdict >> 1). Only those
 * values are ever counted; pl_counter_valid() says whether a key is one.
 */
static inline __u32 pl_counter_slot(__u8 prog, __u8 dir, __u8 verdict, __u8 reason)
{
	return (__u32)(prog & 3) << 11 | (__u32)(dir & 1) << 10 | (__u32)((verdict >> 1) & 3) << 8 |
	       reason;
}

static inline int pl_counter_valid(const struct pl_counter_key *k)
{
	return k->prog >= PL_PROG_FROM_POD && k->prog <= PL_PROG_XDP_PREFILTER &&
	       k->dir <= PL_DIR_EGRESS &&
	       (k->verdict == PL_VERDICT_FORWARDED || k->verdict == PL_VERDICT_DROPPED ||
		k->verdict == PL_VERDICT_REDIRECTED);
}

struct pl_counter_val {
	__u64 packets;
	__u64 bytes;
};

/*
 * Conntrack's and the event ring's own counters (.packets), in slots no packet
 * is counted in (verdict bits 3): entries created, creations that failed, and
 * flow events lost.
 */
#define PL_COUNTER_CT_CREATED	((__u32)3 << 8 | 0)
#define PL_COUNTER_CT_UNTRACKED ((__u32)3 << 8 | 1)
/* Flow events the ring buffer had no room for (bpf_ringbuf_output failed). */
#define PL_COUNTER_EVENTS_LOST ((__u32)3 << 8 | 2)

#define PL_EV_F_IPV4	     (1u << 0)
#define PL_EV_F_CT_REPLY     (1u << 1)
#define PL_EV_F_CT_RELATED   (1u << 2)
#define PL_EV_F_CT_UNTRACKED (1u << 3) /* forwarded, but conntrack could not create its entry */
#define PL_EV_F_IPV6	     (1u << 4) /* saddr6/daddr6 hold the addresses, saddr/daddr are 0 */
#define PL_EV_F_SVC_DNAT     (1u << 5) /* to a service: daddr/dport are the backend's now */
#define PL_EV_F_SVC_RNAT     (1u << 6) /* a service's reply: saddr/sport are the service's now */
#define PL_EV_F_SVC_SNAT     (1u << 7) /* nodePort to another node, or hairpin: saddr is SNATed */

/* One flow event per decision, on the events ring buffer. */
struct pl_flow_event {
	__u64 ts_ns;
	__u8 prog;	  /* enum pl_prog */
	__u8 obs_point;	  /* enum pl_obs_point */
	__u8 verdict;	  /* enum pl_verdict */
	__u8 drop_reason; /* enum pl_drop_reason */
	__u8 note;	  /* enum pl_note */
	__u8 redirect;	  /* enum pl_redirect */
	__u8 proto;
	__u8 flags; /* PL_EV_F_* */
	__u32 src_identity;
	__u32 dst_identity;
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u32 ifindex;	      /* where the program ran */
	__u32 target_ifindex; /* redirect target, 0 if none */
	__u32 tunnel_remote;  /* network order, 0 if not encapsulated */
	__u32 tunnel_vni;
	__u8 smac[6]; /* MACs after the program (fib / delivery rewrite) */
	__u8 dmac[6];
	__u16 ip_id; /* network order, for live correlation */
	__u16 pkt_len;
	__u32 fib_rc;	 /* bpf_fib_lookup return code, when looked up */
	__u32 eth_proto; /* network order EtherType */
	__u32 cpu;	 /* CPU the program ran on: tells parallel test_run callers apart */
	__u32 saddr6[4]; /* IPv6 (PL_EV_F_IPV6) */
	__u32 daddr6[4];
	__u32 svc_daddr; /* SVC_DNAT: the ClusterIP (node IP) sent to; SVC_RNAT, SNATed: node IP */
	__u16 svc_dport; /* and its port, network order */
	__u16 nat_sport; /* SVC_SNAT / SVC_RNAT: the source port before the rewrite (network) */
	__u32 nat_saddr; /* SVC_SNAT / SVC_RNAT: the source address before the rewrite */
	__u16 user_prog; /* PL_PROG_USER: 1 + the dropping program's index in programs: */
	__u16 pad;
};

#endif /* PODLAB_H */
