/* SPDX-License-Identifier: GPL-2.0 */
/* One packet in flight through the walk: where it is and its bytes (walk.c, walk_loc.c). */
#ifndef PL_SIM_WALK_FLIGHT_H
#define PL_SIM_WALK_FLIGHT_H

#include "walk_internal.h"

#define SIM_WORLD  (-2) /* the world host, as an underlay owner */
#define SIM_FABRIC (-3) /* the fabric router (routing fabric), as an underlay owner */

enum sim_loc {
	LOC_POD_TX,    /* pod's eth0 sends: veth to the node */
	LOC_FROM_POD,  /* tc ingress of the pod's node-side veth */
	LOC_STACK,     /* the node's IP stack (input device f->dev) */
	LOC_VXLAN_TX,  /* the vxlan device transmits: encapsulation */
	LOC_UPLINK_TX, /* leaves the node on its uplink */
	LOC_UPLINK_RX, /* arrives on the node's uplink: xdp, tc */
	LOC_VXLAN_RX,  /* decapsulated, tc ingress of the vxlan device */
	LOC_POD_RX,    /* into the pod's eth0 */
	LOC_PARKED,    /* waits for the uplink (pl_sim_walk_run: qdisc and link) */
	LOC_DONE,
};

struct sim_flight {
	uint8_t buf[SIM_BUF];
	uint32_t len;
	uint8_t whole[SIM_BUF]; /* the outer packet before fragmentation */
	uint32_t whole_len;
	int frags; /* > 1: buf holds the first fragment */
	enum sim_loc loc;
	int node, dev, pod;
	bool peer; /* into the pod by bpf_redirect_peer */
	uint32_t mark;
	uint32_t tun_remote, tun_vni;
	struct pl_flow_event ev; /* the last program's */
	bool has_ev;
	bool park;   /* stop at LOC_UPLINK_TX (clocked runs) */
	bool xdp_tx; /* leaving by XDP_TX: below tc, no egress hook */
	int index;   /* packet index in a clocked run */
	uint64_t t;
	struct sim_walk_result *res;
};

struct sim_step *pl_sim_fl_step(struct sim_flight *f, enum sim_step_kind kind, int node,
				const char *dev, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void pl_sim_fl_finish(struct sim_flight *f, enum sim_delivery d, int node);
void pl_sim_fl_kernel_drop(struct sim_flight *f, int node, const char *dev, uint8_t reason,
			   uint32_t mtu, const char *why);
/* Runs prog on the frame at dev of f->node; *retval its TC_ACT_* / XDP_*. 0 or -errno. */
/*
 * Runs what the plan attached to hook of dev (podlab's program, users'), as the
 * kernel chains them; a user's drop finishes the flight. *out: the last step.
 */
/* Users' tc egress programs on dev (< 0: none) of the flight's node; a drop finishes it. */
int pl_sim_fl_egress(struct sim_walk *w, struct sim_flight *f, int dev);
int pl_sim_fl_run_hook(struct sim_walk *w, struct sim_flight *f, enum pl_prog podlab, int dev,
		       enum topo_hook hook, uint32_t mark, int *retval, struct sim_step **out);
int pl_sim_fl_run_prog(struct sim_walk *w, struct sim_flight *f, enum pl_prog prog, int dev,
		       uint32_t mark, int *retval, struct sim_step **out);
void pl_sim_fl_out_dev(struct sim_walk *w, struct sim_flight *f, int dev, uint32_t nexthop,
		       const char *how);
/* The same for an IPv6 next hop (walk_v6.c): uplink (neighbour discovery) and pod veths. */
void pl_sim_fl_out_dev6(struct sim_walk *w, struct sim_flight *f, int dev, const uint8_t *nh6,
			const char *how);
void pl_sim_fl_redirect(struct sim_walk *w, struct sim_flight *f, const struct sim_step *s);
void pl_sim_fl_after_tc(struct sim_walk *w, struct sim_flight *f, int rv, int dev,
			const struct sim_step *s);
int pl_sim_underlay_owner_mac(const struct sim_walk *w, const uint8_t mac[6]);
/* ARP on node from's uplink: the MAC answering for ip, false when nobody does. */
bool pl_sim_underlay_resolve(const struct sim_walk *w, int from, uint32_t ip, uint8_t mac[6]);

/* walk_fabric.c: the fabric router. Its proxy ARP answer to node from for ip. */
bool pl_sim_fabric_resolve(const struct sim_walk *w, int from, uint32_t ip, uint8_t mac[6]);
/* mac is the fabric's port towards node. */
bool pl_sim_fabric_port_mac(const struct sim_walk *w, int node, const uint8_t mac[6]);
/* Routes f, arrived from f->node: the next node (its MACs and TTL set), or -1 (dropped). */
int pl_sim_fabric_forward(struct sim_walk *w, struct sim_flight *f);

/* walk_api.c: a fresh flight for frame at `at`, time t, its result res (initialised). */
int pl_sim_fl_start(struct sim_walk *w, struct sim_flight *f, const uint8_t *frame, uint32_t len,
		    const struct sim_inject *at, uint64_t t, struct sim_walk_result *res);

/* walk_loc.c: runs f from its location until LOC_DONE (or LOC_PARKED). 0 or -errno. */
int pl_sim_fl_walk(struct sim_walk *w, struct sim_flight *f);
/* Bytes f occupies on the wire (all fragments). */
uint32_t pl_sim_fl_wire_bytes(const struct sim_flight *f);
/* Serialises f on f->node's uplink from start, propagates it, checks the receiver: f->loc
 * becomes LOC_UPLINK_RX of the receiver (f->t its arrival) or LOC_DONE. */
void pl_sim_fl_wire(struct sim_walk *w, struct sim_flight *f, uint64_t start);
/* The wire from f->node's uplink: receiver node, SIM_WORLD, SIM_FABRIC or -1 (nobody has the MAC).
 */
int pl_sim_fl_receiver(const struct sim_walk *w, const struct sim_flight *f);

#endif /* PL_SIM_WALK_FLIGHT_H */
