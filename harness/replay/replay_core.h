/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The state of an open replay and the helpers every mode (replay_unit.c,
 * replay_live.c, replay_sim.c) shares: entering a node's namespace, naming
 * its devices, turning flow events into hops, filling results, choosing the
 * injection point. It calls no mode, so the modes sit above it and the
 * dispatcher (replay.c) above them.
 */
#ifndef PL_REPLAY_CORE_H
#define PL_REPLAY_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/user_prog.h"
#include "podlab.h"
#include "replay/evring.h"
#include "replay/replay_input.h"
#include "replay/result.h"
#include "replay/scenario.h"

struct topo;
struct pl_flow_event;
struct pl_evshare;

#define PL_LIVE_WINDOW_DEFAULT 64
#define PL_LIVE_WINDOW_MAX     1024

/* Live: how a frame is injected at a node's uplink (replay_live_uplink.c). */
enum pl_uplink_inject {
	PL_UPLINK_AUTO, /* XDP live frames; from the uplink's peer when the kernel refuses them */
	PL_UPLINK_XDP,	/* XDP live frames only */
	PL_UPLINK_PEER, /* sent from the far end of the uplink's veth */
};

/* "auto" | "xdp" | "peer" → enum pl_uplink_inject, -EINVAL for anything else. */
int pl_uplink_inject_parse(const char *s);

struct pl_replay_opts {
	enum pl_replay_mode mode;
	const char *run;       /* reuse this run; NULL = build the topology and remove it after */
	struct pl_inject at;   /* PL_INJECT_AUTO = choose per packet */
	unsigned live_wait_ms; /* live: how long a window waits with nothing new seen (0 = 500) */
	unsigned live_window;  /* live: packets in flight at most (0 = 64, 1 = one at a time) */
	enum pl_uplink_inject uplink_inject;
};

/* Live mode's windows: how many, and why a window ended before it was full. */
struct pl_live_stats {
	unsigned windows;
	unsigned cut_tag;  /* the next packet's tag was in flight already (identical packets) */
	unsigned cut_flow; /* its flow was in flight the other way or from elsewhere */
	unsigned cut_path; /* a packet on a path new to the replay closed it */
};

/* Per node of an open replay: the run's pinned programs and maps, opened by path. */
struct pl_replay_node {
	int netns_fd;
	int prog_fd[PL_PROG_XDP_PREFILTER + 1]; /* by enum pl_prog, -1 = missing */
	int counters_fd;
	struct pl_evring ring;	   /* the node's events ring buffer */
	struct pl_flow_event *evs; /* decoded, not yet matched */
	size_t nevs, cap_evs;
	uint32_t uplink_ifindex;
	bool xdp_attached;	  /* xdp_prefilter put on a reused run's uplink: removed at close */
	uint32_t vxlan_ifindex;	  /* 0 in native mode */
	uint32_t *pod_ifindex;	  /* per topo pod: node-side veth, 0 = elsewhere */
	uint8_t (*pod_gw_mac)[6]; /* per topo pod: MAC of its node-side veth */
};

struct policy_proxies;
struct pl_plan;
struct pl_l7_streams;

struct pl_replay {
	const struct topo *t;
	struct pl_replay_opts opts;
	char run[32];
	bool own_run; /* built by open: removed by close */
	int orig_netns_fd;
	int cur_node; /* netns the thread is in, -1 = original */
	struct pl_replay_node *nodes;
	void *live; /* replay_live.c state */
	void *sim;  /* replay_sim.c state: the simulator's walk over this run */
	struct pl_live_stats live_stats;
	struct policy_proxies *l7;	  /* replay_l7.c: the proxied ports, their rules */
	struct pl_l7_streams *l7_streams; /* request heads under way (a worker has its own) */
	/* Unit mode with the topology's own programs (replay_unit.c): who runs on each hook. */
	struct pl_plan *plan;	    /* NULL: podlab's program alone on every hook */
	struct pl_user_progs users; /* topo.programs, loaded at open */
	uint8_t *ubuf;		    /* a user's program's output, the next program's input */
	uint8_t *buf;		    /* scratch for data_out */
	/* A parallel unit-mode worker's view (replay_workers.c): its events come from here. */
	struct pl_evshare *evshare; /* NULL: this thread reads the rings alone */
	int cpu;		    /* the CPU the worker is pinned to */
};

/* "pod-a" | "node1:uplink" | "node1:vxlan" → inject; -EINVAL with a message in err. */
int pl_inject_parse(const char *s, const struct topo *t, struct pl_inject *out, char *err,
		    size_t errlen);
/* Auto choice (see design): 0, or -ENOENT with the reason in err. */
int pl_inject_choose(const struct topo *t, const uint8_t *frame, uint32_t len,
		     struct pl_inject *out, char *err, size_t errlen);

/* Enters node's netns in the calling thread (node -1: the original). */
int pl_replay_enter(struct pl_replay *rp, int node);
/* Names an ifindex of node: pod name, "uplink", "vxlan", or "ifindex N". */
void pl_replay_ifname(const struct pl_replay *rp, int node, uint32_t ifindex, char *buf,
		      size_t len);
/* A hop's outcome from its flow event: point, verdict, reason, note, redirect and target. */
void pl_replay_hop_event(const struct pl_replay *rp, struct pl_hop *h, int node,
			 const struct pl_flow_event *ev);

/* Decodes frame, then its inner frame (VXLAN, IP-in-IP); info is the inner's, returned. */
struct pl_pkt_info;
const uint8_t *pl_replay_inner(const uint8_t *frame, uint32_t len, struct pl_pkt_info *info);

/* The identity a frame from saddr carries in a VNI: its pod's, remote-node or world. */
uint32_t pl_replay_identity_of(const struct topo *t, uint32_t saddr);
/* The same for an address of either family (IPv6: a pod's, else world). */
struct pl_addr;
uint32_t pl_replay_identity_of_addr(const struct topo *t, const struct pl_addr *a);
/*
 * What every mode does first: fills res's input side, skips what cannot run,
 * picks the injection point. 0 = run p at *at, 1 = res is final (skipped).
 */
int pl_replay_prepare(const struct pl_replay *rp, const struct pl_replay_pkt *p,
		      struct pl_result *res, struct pl_inject *at);
/* Fills the input side of res from the frame: number, summary, tuple. */
void pl_result_init(struct pl_result *res, const struct pl_replay_pkt *p);
/* Fills the output tuple from an output frame (inner frame when VXLAN). */
void pl_result_set_output(struct pl_result *res, const uint8_t *frame, uint32_t len);

#endif /* PL_REPLAY_CORE_H */
