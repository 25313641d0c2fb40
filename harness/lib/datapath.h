/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libpodlab datapath: load bpf/datapath.bpf.c through its skeleton, program
 * a node's maps, run its programs with BPF_PROG_TEST_RUN and read its flow
 * events. One struct pl_datapath per node: the first is loaded
 * (pl_datapath_load), the others of the same configuration share its
 * programs with maps of their own (pl_datapath_add_node), so the verifier
 * runs once per configuration, not once per node.
 */
#ifndef PL_DATAPATH_H
#define PL_DATAPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "podlab.h"

struct datapath; /* the skeleton, build/bpf/datapath.skel.h */
struct pl_datapath_pending;

/*
 * Runtime knobs. routing, events and no_services are rodata, written between
 * __open and __load (one configuration per load), as is ct_max, the conntrack
 * map's size (every node's map has the loaded one's), and ipv6; the node's
 * settings (node_ip, vxlan_ifindex, uplink_ifindex) are its devices map
 * entries (without multi_node the loaded node's are rodata too).
 */
struct pl_datapath_opts {
	enum pl_routing_mode routing;
	uint32_t ct_max;	/* conntrack entries per node, 0 = PL_CT_MAX_DEFAULT */
	uint32_t node_ip;	/* network order */
	uint32_t vxlan_ifindex; /* redirect target for the overlay, in the node's netns */
	uint32_t uplink_ifindex;
	bool events; /* emit flow events (off for benchmarks) */
	/* routing ipip, ipipMode CrossSubnet: peers of this node's ipcache subnet go bare. */
	bool ipip_cross_subnet;
	/*
	 * Size the preallocated IPv6 maps (endpoints6, conntrack6) as their IPv4
	 * twins; false: one entry each, so a node without IPv6 pods pays neither
	 * their memory nor their creation time (ipcache6 is not preallocated).
	 */
	bool ipv6;
	/* No service will be programmed: no service lookup per packet (rodata enable_services). */
	bool no_services;
	bool multi_node;     /* nodes are bound by device (pl_datapath_bind): no default node */
	const char *pin_dir; /* pin maps (and programs) here, NULL = no pinning */
	/* pin the cluster-wide maps (pl_map_cluster_wide) here; NULL = in pin_dir */
	const char *cluster_pin_dir;
	/* a separate load (not added): its cluster-wide maps are this one's (reused, not made) */
	const struct pl_datapath *share_with;
};

/*
 * The datapath's maps user space programs (bpf/lib/maps.h): each node's own,
 * reached through <name>_of, and the cluster-wide ones (ipcache, ipcache6:
 * pl_map_cluster_wide), one map that every node of a load shares.
 */
enum pl_node_map {
	PL_MAP_ENDPOINTS,
	PL_MAP_IPCACHE,
	PL_MAP_POLICY,
	PL_MAP_CONNTRACK,
	PL_MAP_PREFILTER,
	PL_MAP_EVENTS,
	PL_MAP_COUNTERS,
	PL_MAP_ENDPOINTS6, /* IPv6 twins of endpoints, ipcache and conntrack */
	PL_MAP_IPCACHE6,
	PL_MAP_CONNTRACK6,
	PL_MAP_SERVICES, /* services: frontends, their backends and Maglev tables */
	PL_MAP_MAGLEV,
	PL_MAP_BACKENDS,
	PL_MAP_PREFILTER6, /* IPv6 source prefixes xdp_prefilter drops */
	PL_MAP__COUNT,
};

struct pl_datapath {
	struct datapath *skel;		     /* the loaded object, shared with base's other nodes */
	struct pl_datapath *base;	     /* the node that loaded skel; NULL: this one */
	int nodes;			     /* base only: nodes added and not destroyed */
	bool released;			     /* base only: destroyed, waits for its last node */
	struct pl_datapath_pending *pending; /* base only: slots not yet set, see _commit */
	int npending;
	uint32_t slot; /* index into the *_of maps */
	int map_fd[PL_MAP__COUNT];
	struct ring_buffer *rb;
	struct pl_datapath_opts opts;
	/* Decoded events land here until pl_datapath_events_take(). */
	struct pl_flow_event *events;
	size_t nevents, cap_events;
};

/* Whether the map named so (ipcache, ipcache6) is one for the whole run, not one per node. */
bool pl_map_cluster_wide(const char *name);

/* Program handles, in the order of enum pl_prog (PL_PROG_FROM_POD..XDP_PREFILTER). */
int pl_datapath_prog_fd(const struct pl_datapath *dp, enum pl_prog prog);
const char *pl_prog_name(enum pl_prog prog); /* "from_pod", ... */
const char *pl_prog_hook(enum pl_prog prog); /* "tc-ingress of a pod's node-side veth", ... */

/*
 * Opens and loads; the result is the node in slot 0 (unless opts->multi_node,
 * also the node of any device not bound to another). On failure reports what
 * failed (verifier log with -v) and returns -errno.
 */
int pl_datapath_load(const struct pl_datapath_opts *opts, struct pl_datapath **out);
/*
 * Another node on base's programs: fresh maps of its own in slot (1..PL_MAX_NODES-1),
 * pinned with the programs and the shared maps under opts->pin_dir. opts->routing
 * and opts->events must equal base's (else -EINVAL: that is another load).
 */
int pl_datapath_add_node(struct pl_datapath *base, const struct pl_datapath_opts *opts,
			 uint32_t slot, struct pl_datapath **out);
/*
 * Sets the slots of the nodes added since the last commit, one batch per
 * *_of map: every map-in-map update waits for an RCU grace period, so a slot
 * a time would cost each node milliseconds. Until then an added node's
 * programs find no maps and let packets pass; destroying the loaded node drops them.
 */
int pl_datapath_commit(struct pl_datapath *dp);
/* The program on the device at ifindex runs as dp's node (its maps and settings). */
int pl_datapath_bind(struct pl_datapath *dp, uint32_t ifindex);
/* A node destroys its maps' descriptors (pins and slots keep them); base goes with its last node.
 */
void pl_datapath_destroy(struct pl_datapath *dp);
/* Id of the loaded program prog (the same for all nodes of one load), 0 on error. */
uint32_t pl_datapath_prog_id(const struct pl_datapath *dp, enum pl_prog prog);

/* Maps. IPs network order. */
int pl_endpoint_add(struct pl_datapath *dp, uint32_t ip, const struct pl_endpoint_info *info);
int pl_endpoint_del(struct pl_datapath *dp, uint32_t ip);
int pl_ipcache_add(struct pl_datapath *dp, uint32_t ip, uint8_t plen,
		   const struct pl_ipcache_info *info);
int pl_policy_add(struct pl_datapath *dp, const struct pl_policy_key *key,
		  const struct pl_policy_entry *entry);
int pl_policy_clear(struct pl_datapath *dp);
int pl_prefilter_add(struct pl_datapath *dp, uint32_t ip, uint8_t plen, uint32_t rule_id);
/* An IPv6 source prefix xdp_prefilter drops (prefilter6). */
int pl_prefilter6_add(struct pl_datapath *dp, const uint8_t *ip6, uint8_t plen, uint32_t rule_id);
/* IPv6: ip6 is 16 bytes, network order. */
int pl_endpoint6_add(struct pl_datapath *dp, const uint8_t *ip6,
		     const struct pl_endpoint_info *info);
int pl_ipcache6_add(struct pl_datapath *dp, const uint8_t *ip6, uint8_t plen,
		    const struct pl_ipcache_info *info);
/* Empties conntrack and conntrack6. */
int pl_ct_clear(struct pl_datapath *dp);

/* A node's conntrack: entries present, the map's size and what its programs counted. */
struct pl_ct_fill {
	uint64_t used;	    /* entries present now */
	uint32_t max;	    /* the map's max_entries */
	uint64_t created;   /* entries the programs created */
	uint64_t evicted;   /* created - used: the LRU map dropped them to make room */
	uint64_t untracked; /* creations that failed: flows forwarded but not tracked */
};
/* Fill of the conntrack and counters maps given (a node's, or pinned ones). */
int pl_ct_fill_fd(int ct_fd, int counters_fd, struct pl_ct_fill *out);
int pl_ct_fill(struct pl_datapath *dp, struct pl_ct_fill *out);
/* Writes one element of the map named map (a plan's struct pl_map_entry); -ENOENT: no such map. */
int pl_datapath_map_update(struct pl_datapath *dp, const char *map, const void *key,
			   const void *val);
/* Sums the per-CPU counters for key; 0 with zeros when the key was never hit. */
int pl_counter_read(struct pl_datapath *dp, const struct pl_counter_key *key,
		    struct pl_counter_val *out);
/* The same on a counters map fd (e.g. a pinned one: <pin_dir>/counters). */
int pl_counter_read_fd(int map_fd, const struct pl_counter_key *key, struct pl_counter_val *out);
/* One slot summed over the map's CPU regions; zeroed in every region. */
int pl_counter_slot_read_fd(int map_fd, uint32_t slot, struct pl_counter_val *out);
int pl_counter_slot_zero_fd(int map_fd, uint32_t slot);
/* Entries of a counters map on this machine: a region of PL_COUNTER_SLOTS per possible CPU. */
uint32_t pl_counter_entries(void);

/* One BPF_PROG_TEST_RUN of a program on one packet. */
struct pl_run_ctx {
	uint32_t ifindex;  /* TC: skb->ifindex (must exist in the caller's netns); XDP: ingress */
	uint32_t mark;	   /* TC: skb->mark (identity for from_overlay, see PL_MARK_*) */
	uint32_t repeat;   /* 0 or 1 = once */
	uint32_t gso_size; /* TC: non-zero makes the skb a GSO packet (MSS), 0 = plain */
};

struct pl_run_result {
	int retval;	   /* TC_ACT_* or XDP_* */
	uint8_t *data_out; /* caller's buffer, len in data_out_len */
	uint32_t data_out_len;
	uint32_t duration_ns;	    /* kernel's average per repeat */
	struct pl_flow_event event; /* the program's event (if events on) */
	bool has_event;
};

/* Runs prog on pkt; drains the ring buffer so res->event is this packet's. */
int pl_datapath_test_run(struct pl_datapath *dp, enum pl_prog prog, const void *pkt, size_t len,
			 const struct pl_run_ctx *ctx, uint8_t *out, size_t out_cap,
			 struct pl_run_result *res);

/*
 * Whether ev was emitted by a test_run of prog on a len-byte packet at ifindex
 * (0 = any) that ran between t0 and t1 (pl_now_ns(), lib/clock.h). A live run's
 * traffic writes to the same ring, so the first event is not always ours.
 */
bool pl_event_of_test_run(const struct pl_flow_event *ev, enum pl_prog prog, uint32_t ifindex,
			  size_t len, uint64_t t0, uint64_t t1);

/* Events: poll the ring buffer (live mode). Returns number decoded, or -errno. */
int pl_datapath_events_poll(struct pl_datapath *dp, int timeout_ms);
/* Moves the buffered events to the caller (who frees *out). */
size_t pl_datapath_events_take(struct pl_datapath *dp, struct pl_flow_event **out);

/* Hubble-like one-line text of an event ("from_pod FROM_ENDPOINT ... DROPPED (Policy denied)"). */
int pl_event_format(const struct pl_flow_event *ev, char *buf, size_t len);
/* The service translation the event's program made: " DNAT A:P -> B:Q" ..., "" if none. */
int pl_event_nat_str(const struct pl_flow_event *ev, char *buf, size_t len);
const char *pl_drop_reason_str(unsigned reason);  /* "Policy denied", ... */
const char *pl_drop_reason_name(unsigned reason); /* "POLICY_DENIED", ... */
const char *pl_obs_point_name(unsigned point);	  /* "TO_ENDPOINT", ... */
const char *pl_verdict_name(unsigned verdict);	  /* "FORWARDED", ... */
const char *pl_note_name(unsigned note);	  /* "NO_POLICY", ... */
const char *pl_redirect_name(unsigned redirect);  /* "peer", "fib", ... */
const char *pl_routing_mode_name(unsigned mode);  /* "native", "vxlan", "legacy", "fabric" */
const char *pl_routing_mode_desc(unsigned mode);  /* how a packet for a remote pod leaves */
/* enum pl_routing_mode of a name as topology files spell it, -1 when none. */
int pl_routing_mode_by_name(const char *name);
/* "native, vxlan, legacy or fabric": every mode, for messages (a static string). */
const char *pl_routing_mode_names(void);

#endif /* PL_DATAPATH_H */
