/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulator's packet walk. A frame enters at an injection point and is
 * moved hop by hop through the topology: at every hook the REAL datapath
 * program runs with BPF_PROG_TEST_RUN inside the namespace of its node (so
 * bpf_fib_lookup sees that node's routes); between hooks the walk models the
 * kernel (veth crossing, the node's IP stack and routing, MASQUERADE and its
 * reverse, VXLAN encapsulation and decapsulation, MTU checks, the underlay
 * link). Where the model departs from the kernel: docs/sim.md, "Packet walk".
 *
 *	pl_sim_walk_open(topo, &opts, &w);		// namespaces + one datapath per node
 *	pl_sim_walk_packet(w, frame, len, &at, 0, &res);
 *	... res.steps[], res.delivery, res.out ...
 *	pl_sim_walk_result_release(&res);
 *	pl_sim_walk_close(w);
 */
#ifndef PL_SIM_WALK_H
#define PL_SIM_WALK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "podlab.h"

struct topo;
struct sim_walk;

#define SIM_WALK_MAX_STEPS 40
#define SIM_WALK_TEXT	   176
#define SIM_VXLAN_OVERHEAD 50 /* outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8 */
#define SIM_NO_TIME	   UINT64_MAX

enum sim_step_kind {
	SIM_STEP_PROG,	  /* a BPF program ran (test_run): retval and its flow event */
	SIM_STEP_VETH,	  /* crossed a veth pair */
	SIM_STEP_STACK,	  /* the node's IP stack: local delivery or forwarding */
	SIM_STEP_NAT,	  /* MASQUERADE, or its reverse for a reply */
	SIM_STEP_ENCAP,	  /* VXLAN (or routing ipip: IP-in-IP) encapsulation */
	SIM_STEP_DECAP,	  /* VXLAN decapsulation */
	SIM_STEP_FRAG,	  /* the outer packet was fragmented */
	SIM_STEP_QDISC,	  /* egress qdisc: enqueued and dequeued */
	SIM_STEP_WIRE,	  /* serialised on a link and propagated */
	SIM_STEP_DELIVER, /* reached its destination */
	SIM_STEP_DROP,	  /* dropped by the kernel model (BPF drops are PROG steps) */
};

enum sim_delivery {
	SIM_DELIV_NONE = 0,
	SIM_DELIV_POD,	   /* into a pod's eth0 */
	SIM_DELIV_STACK,   /* to a local socket of a node (or its stack, not IPv4) */
	SIM_DELIV_WORLD,   /* to the world host */
	SIM_DELIV_DROPPED, /* by a program (drop_reason from its event) or the kernel */
};

/* Headers of the packet after a step. Addresses network order, ports host order. */
struct sim_hdrs {
	uint32_t len;		  /* frame bytes, outer headers included */
	uint8_t smac[6], dmac[6]; /* outermost Ethernet */
	bool ipv4;
	uint32_t saddr, daddr; /* inner IPv4 (the pod's packet) */
	uint16_t sport, dport;
	uint8_t proto, ttl;
	bool df;
	uint16_t ip_len; /* inner IPv4 total length */
	bool encap;	 /* VXLAN outer headers present (or IP-in-IP's) */
	bool ipip;	 /* the outer header is IPv4 protocol 4 (no UDP, no VNI) */
	uint32_t outer_saddr, outer_daddr, vni;
	uint16_t outer_sport;
	uint8_t outer_ttl;
	bool outer_df;
	uint16_t outer_ip_len;
	uint8_t inner_smac[6], inner_dmac[6];
};

struct sim_step {
	enum sim_step_kind kind;
	int node;      /* index into topo.nodes, -1: the underlay */
	char dev[16];  /* device the step happened on */
	char hook[24]; /* "tc ingress", "xdp", "egress", ... */
	uint8_t prog;  /* SIM_STEP_PROG: enum pl_prog */
	int user;      /* SIM_STEP_PROG: 1 + index into topo.programs (a user's), 0 podlab's */
	int retval;    /* SIM_STEP_PROG: TC_ACT_* / XDP_* */
	bool has_event;
	struct pl_flow_event ev;
	uint8_t drop_reason; /* SIM_STEP_DROP, or a PROG step's event */
	uint32_t mtu;	     /* MTU of dev, 0 when it does not apply */
	uint64_t t_ns;	     /* virtual time when the step ended */
	struct sim_hdrs h;   /* the packet after the step */
	char text[SIM_WALK_TEXT];
};

enum sim_inject_kind {
	SIM_INJECT_POD,	   /* sent by a pod: its eth0, the veth, from_pod */
	SIM_INJECT_UPLINK, /* arrives on a node's uplink from the underlay */
	SIM_INJECT_VXLAN,  /* handed to a node's vxlan device (decapsulated first if VXLAN) */
};

struct sim_inject {
	enum sim_inject_kind kind;
	int node;
	int pod; /* SIM_INJECT_POD */
};

struct sim_walk_result {
	struct sim_step steps[SIM_WALK_MAX_STEPS];
	int nsteps;
	bool truncated; /* more steps than fit (a loop): stopped and dropped */
	bool refused;	/* BPF_PROG_TEST_RUN refused the frame at a hook (EINVAL): stopped */

	uint8_t verdict;     /* enum pl_verdict of the last program, DROPPED for kernel drops */
	uint8_t drop_reason; /* enum pl_drop_reason (BPF or kernel model) */
	bool kernel_drop;    /* dropped by the kernel model, not by a program */
	enum sim_delivery delivery;
	int deliver_node; /* -1 unknown */
	int deliver_pod;  /* SIM_DELIV_POD */
	int drop_node;	  /* where it was dropped, -1 */

	struct sim_hdrs in; /* as injected */
	uint8_t *out;	    /* frame as delivered (or when dropped), malloc'd */
	uint32_t out_len;

	bool encap;	 /* encapsulated somewhere on the path (first encapsulation) */
	bool encap_ipip; /* ... in IP-in-IP by the datapath (routing ipip): no VNI */
	uint32_t vni, outer_saddr, outer_daddr;
	uint16_t outer_sport;
	bool masqueraded; /* a MASQUERADE rewrote the source on the way */

	uint64_t t_inject, t_enqueue, t_dequeue, t_deliver; /* ns; SIM_NO_TIME when none */
	uint32_t flow; /* index of its flow (pl_sim_walk_run) */
};

struct sim_walk_opts {
	int routing;		/* enum pl_routing_mode, or -1 for the topology's */
	uint64_t seed;		/* qdisc models' random numbers */
	uint64_t link_rate;	/* bits/s of the underlay links, 0 = 10 Gbit/s */
	uint64_t link_delay_ns; /* propagation delay of the underlay links */
	bool no_events;		/* load the datapath without flow events (benchmarks) */
};

/*
 * Builds the walk's environment for t: per node an anonymous network
 * namespace holding the node's devices, addresses and routes as the topology
 * lays them out, and one datapath loaded for that node with its maps
 * programmed. Needs root. 0 or -errno (one error line printed).
 */
int pl_sim_walk_open(const struct topo *t, const struct sim_walk_opts *o, struct sim_walk **out);
/*
 * Why the simulator cannot walk t in routing mode (-1: t's own), or NULL: fabric
 * routing and the other modes need topologies of their own (pods in or outside the
 * underlay subnet). pl_sim_walk_open* then fails with -EOPNOTSUPP after printing it.
 */
const char *pl_sim_unsupported(const struct topo *t, int routing);
void pl_sim_walk_close(struct sim_walk *w);
/* The topology and routing mode the walk was opened with. */
const struct topo *pl_sim_walk_topo(const struct sim_walk *w);
enum pl_routing_mode pl_sim_walk_routing(const struct sim_walk *w);
/* Empties every node's conntrack and the NAT table, and restarts the qdisc models and links. */
int pl_sim_walk_reset(struct sim_walk *w);

/*
 * Programs of an existing run instead of the walk's own (replay's sim mode:
 * the run's namespaces and pinned maps). enter(ctx, node) switches the
 * thread's netns (-1 = the original); test_run runs prog like
 * pl_datapath_test_run, rr->data_out pointing at the output.
 */
struct pl_run_result;
struct sim_walk_progs {
	void *ctx;
	int (*enter)(void *ctx, int node);
	int (*test_run)(void *ctx, int node, enum pl_prog prog, const uint8_t *pkt, uint32_t len,
			uint32_t ifindex, uint32_t mark, struct pl_run_result *rr);
};

/* Like pl_sim_walk_open, the programs and namespaces are progs' (no root needed here). */
int pl_sim_walk_open_with(const struct topo *t, const struct sim_walk_opts *o,
			  const struct sim_walk_progs *progs, struct sim_walk **out);

/*
 * Walks one frame injected at `at` at virtual time t_ns, alone on the links
 * (no queueing). 0 with res filled (release it), or -errno when a syscall
 * failed (res is released).
 */
int pl_sim_walk_packet(struct sim_walk *w, const uint8_t *frame, uint32_t len,
		       const struct sim_inject *at, uint64_t t_ns, struct sim_walk_result *res);
void pl_sim_walk_result_release(struct sim_walk_result *res);

/* One packet of a clocked run. */
struct sim_walk_input {
	const uint8_t *frame;
	uint32_t len;
	struct sim_inject at;
	uint64_t t_ns; /* injection time on the virtual clock */
};

/*
 * Walks n packets on one virtual clock: each injected at its time, queued in
 * the egress qdisc model of every uplink it leaves (a FIFO when the link has
 * none) until the model and the link let it go, so flows contend (docs/sim.md).
 * res[i] is packet i's (release each). Call pl_sim_walk_reset() first for a run
 * that starts again from time 0. 0 or -errno.
 */
int pl_sim_walk_run(struct sim_walk *w, const struct sim_walk_input *in, int n,
		    struct sim_walk_result *res);

/* Chooses an injection point from the frame: source pod, else VXLAN/underlay, else -ENOENT. */
int pl_sim_inject_choose(const struct topo *t, const uint8_t *frame, uint32_t len,
			 struct sim_inject *out);

/* A pod's packet, as explain/graph/tests send it: Ethernet from the pod's eth0 to its gateway. */
struct sim_probe {
	int from_pod;	       /* index into topo.pods */
	uint32_t daddr;	       /* network order */
	uint8_t proto;	       /* IPPROTO_TCP (SYN), IPPROTO_UDP or IPPROTO_ICMP (echo request) */
	uint16_t sport, dport; /* host order; 0: 40000 and 80 */
	uint16_t ip_len;       /* IPv4 total length (payload padded), 0 = headers only */
	bool no_df;	       /* DF clear (Linux sets it on TCP/UDP/ICMP by default) */
	bool v6;	       /* IPv6 from the pod's ipv6 to daddr6 (ICMP: ICMPv6 echo); ip_len */
	uint8_t daddr6[16];    /* counts the 40-byte header; no DF in IPv6 */
};

/* Builds the probe's frame; its length or -errno. */
int pl_sim_probe_frame(const struct topo *t, const struct sim_probe *p, uint8_t *buf, size_t cap);
/* Builds and walks the probe from its pod at time 0 (after pl_sim_walk_reset). */
int pl_sim_walk_probe(struct sim_walk *w, const struct sim_probe *p, struct sim_walk_result *res);

/* Name of a device of node's namespace by ifindex ("eth0", "lxcfrontend"), or "?". */
const char *pl_sim_walk_ifname(const struct sim_walk *w, int node, uint32_t ifindex);

/* Names for output. */
const char *pl_sim_step_kind_name(enum sim_step_kind kind);
const char *pl_sim_delivery_name(enum sim_delivery d);
/* "pod-b", "node1:stack", "world", "dropped". */
int pl_sim_delivery_str(const struct sim_walk_result *r, const struct topo *t, char *buf,
			size_t len);
/* Headers of a frame (VXLAN: outer and inner). */
void pl_sim_hdrs_of(const uint8_t *frame, uint32_t len, struct sim_hdrs *h);

/* Deterministic text of a result: one line per step (same inputs → same bytes). */
void pl_sim_walk_result_print(FILE *f, const struct sim_walk_result *r, const struct topo *t);

#endif /* PL_SIM_WALK_H */
