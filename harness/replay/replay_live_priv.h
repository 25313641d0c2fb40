/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live mode's own state, shared by its two files: replay_live.c (captures,
 * injection sockets, injecting one frame) and replay_live_window.c (a window
 * of packets in flight, their correlation by tag and their outcomes).
 */
#ifndef PL_REPLAY_LIVE_PRIV_H
#define PL_REPLAY_LIVE_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/pkt.h"
#include "replay/replay_core.h"

#define PL_LIVE_RX_BATCH 32 /* frames read from a capture per recvmmsg */

enum pl_tap_kind { PL_TAP_POD, PL_TAP_UPLINK };

struct pl_tap {
	enum pl_tap_kind kind;
	int index; /* pod or node index */
	int fd;
	uint32_t ifindex;
	uint8_t mac[6];
};

/*
 * A packet's tag, what survives the datapath (inner frame for VXLAN): IP ID,
 * destination, FNV-1a of the L4 payload. IPv6: ip_id is pl_live_id6() and
 * daddr pl_live_fold6() of daddr6.
 */
struct pl_live_tag {
	bool ok, v6;
	uint16_t ip_id;
	uint32_t daddr;
	uint32_t hash;
	uint8_t daddr6[16];
};

/* A packet of the window in flight. */
struct pl_live_slot {
	const struct pl_replay_pkt *p;
	struct pl_result *res;
	struct pl_inject at;
	struct pl_live_tag tag;
	/* Injected in IP-in-IP: the outer header's id and destination, what a drop before decap
	 * names. */
	bool ipip;
	uint16_t outer_ip_id;
	uint32_t outer_daddr;
	uint32_t lo_addr, hi_addr; /* the flow, both directions alike */
	uint16_t lo_port, hi_port;
	uint8_t proto;
	uint16_t dport;	      /* TCP/UDP destination port (host order), else 0 */
	uint32_t alias_daddr; /* DNATed to a service's backend: its address, 0 = none */
	uint16_t alias_dport; /* and its port (host order) */
	bool fwd;	      /* the packet goes lo -> hi */
	bool active;	      /* injected: its tag is looked up */
	bool dropped, to_stack;
	int dst_node;	  /* node of the pod it is addressed to, -1 = no pod */
	int last_node;	  /* node of its latest sign, -1 = none yet */
	uint64_t last_ts; /* that sign's kernel timestamp */
};

struct pl_live {
	struct pl_tap *taps;
	int ntaps;
	int *pod_netns;		 /* per pod, -1 = unknown */
	int *inject_fd;		 /* per pod: AF_PACKET socket opened in its netns, -1 = none */
	uint8_t (*vxlan_mac)[6]; /* per node: its vxlan device's MAC (the inner destination) */
	enum pl_uplink_inject uplink_how; /* AUTO until XDP live frames worked or were refused */
	int *peer_fd;		/* per node: AF_PACKET socket at the far end of its uplink */
	uint32_t *peer_ifindex; /* per node: that end's ifindex */
	bool *user_xdp;		/* per node: a user's XDP program holds its uplink (the plan's) */
	unsigned window;	/* packets in flight at most */
	struct pl_live_slot *slots;
	int nslots;
	int *tags; /* open addressing, tag -> slot index, -1 = empty */
	unsigned tags_mask;
	uint64_t *paths; /* (injection node, destination) pairs seen: their neighbour is known */
	int npaths, cap_paths;
	uint8_t *tx; /* window * PL_PKT_MAX: the frames as injected */
	uint8_t *rx; /* PL_LIVE_RX_BATCH * PL_PKT_MAX */
	uint8_t frame[PL_PKT_MAX];
};

/* The tag of frame f; outer (may be NULL) gets the outer frame's decode. */
void pl_live_tag_of(const uint8_t *f, uint32_t len, struct pl_live_tag *tag,
		    struct pl_pkt_info *outer);
/* An IPv6 address folded to 32 bits (the XOR of its words): the tag's daddr. */
uint32_t pl_live_fold6(const void *ip6);
/* An IPv6 packet's stand-in for the IP ID: TCP/UDP source port, ICMPv6 echo identifier, else 0. */
uint16_t pl_live_id6(uint8_t proto, uint8_t icmp_type, uint16_t sport);
struct pl_tap *pl_live_tap_of(struct pl_live *lv, enum pl_tap_kind kind, int index);
/* Injects frames f[0..n) (same pod, each PL_PKT_MAX apart) with sendmmsg: how many went, or -errno.
 */
int pl_live_inject_pod(struct pl_replay *rp, struct pl_live *lv, int pod, uint8_t *f,
		       const uint32_t *len, int n);
/*
 * NODE:vxlan: p's frame (or a VXLAN frame's inner one) wrapped in VXLAN from
 * another node, the VNI its source identity (legacy: the one fixed VNI), into
 * buf: its length or -errno.
 */
int pl_live_encap(struct pl_replay *rp, struct pl_live *lv, const struct pl_replay_pkt *p, int node,
		  uint8_t *buf);
/* The far ends of the uplinks (unless XDP live frames only): 0 or -errno, message printed. */
int pl_live_uplink_open(struct pl_replay *rp, struct pl_live *lv);
void pl_live_uplink_close(struct pl_live *lv, int nnodes);
/* One frame at node's uplink: an XDP live frame of its xdp_prefilter, or from the far end. */
int pl_live_inject_uplink(struct pl_replay *rp, struct pl_live *lv, int node, uint8_t *f,
			  uint32_t len);

#endif /* PL_REPLAY_LIVE_PRIV_H */
