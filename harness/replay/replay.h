/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replay engine: packets of a capture (or inline specs) through the datapath
 * of a topology, one struct pl_result per packet.
 *  - unit: BPF_PROG_TEST_RUN at the injection hook, inside the node's netns
 *    (the calling thread enters it; pl_replay_close() restores the original);
 *  - live: injected for real, results from flow events and captures.
 * The topology is built for the replay (and removed by close) or reused (--run).
 */
#ifndef PL_REPLAY_H
#define PL_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "podlab.h"
#include "replay/evring.h"
#include "replay/result.h"
#include "replay/scenario.h"

struct topo;
struct pl_flow_event;

/* One input packet, normalised to Ethernet. */
struct pl_replay_pkt {
	uint32_t number;   /* in its input, 1-based */
	const char *input; /* file name or "inline" */
	uint8_t *data;
	uint32_t len;
	const char *skip;    /* non-NULL: not replayed, why (snaplen-truncated, ...) */
	struct pl_inject at; /* PL_INJECT_AUTO: the replay's --at, else chosen */
	uint64_t ts_ns;	     /* capture time (pcap), 0 for inline packets; sim mode's clock */
};

struct pl_replay_pkts {
	struct pl_replay_pkt *p;
	int n, cap;
};

/* Reads a pcap/pcapng (any supported link type) with an optional pcap-filter; appends. */
int pl_replay_pkts_load_pcap(struct pl_replay_pkts *pk, const char *file, const char *filter);
/*
 * Inline spec lines (pcap gen syntax). Errors are "name:LINE:COL: message" with
 * the spec's line 1, column 1 at (line1, col1) of name. Appends.
 */
int pl_replay_pkts_load_spec(struct pl_replay_pkts *pk, const char *name, int line1, int col1,
			     const char *text, const char *filter);
void pl_replay_pkts_free(struct pl_replay_pkts *pk);

struct pl_replay_opts {
	enum pl_replay_mode mode;
	const char *run;       /* reuse this run; NULL = build the topology and remove it after */
	struct pl_inject at;   /* PL_INJECT_AUTO = choose per packet */
	unsigned live_wait_ms; /* live: how long to wait for a packet's outcome (0 = 500) */
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
	uint32_t vxlan_ifindex;	  /* 0 in native mode */
	uint32_t *pod_ifindex;	  /* per topo pod: node-side veth, 0 = elsewhere */
	uint8_t (*pod_gw_mac)[6]; /* per topo pod: MAC of its node-side veth */
};

struct pl_replay {
	const struct topo *t;
	struct pl_replay_opts opts;
	char run[32];
	bool own_run; /* built by open: removed by close */
	int orig_netns_fd;
	int cur_node; /* netns the thread is in, -1 = original */
	struct pl_replay_node *nodes;
	void *live;   /* replay_live.c state */
	void *sim;    /* replay_sim.c state: the simulator's walk over this run */
	uint8_t *buf; /* scratch for data_out */
};

int pl_replay_open(const struct topo *t, const struct pl_replay_opts *o, struct pl_replay **out);
/* Replays one packet; res is filled (res->status says whether it ran). 0 or -errno (fatal). */
int pl_replay_one(struct pl_replay *rp, const struct pl_replay_pkt *p, struct pl_result *res);
void pl_replay_close(struct pl_replay *rp);

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

/* Mode back ends (replay_unit.c, replay_live.c). */
int pl_replay_unit_one(struct pl_replay *rp, const struct pl_replay_pkt *p,
		       const struct pl_inject *at, struct pl_result *res);
int pl_replay_live_open(struct pl_replay *rp);
int pl_replay_live_one(struct pl_replay *rp, const struct pl_replay_pkt *p,
		       const struct pl_inject *at, struct pl_result *res);
void pl_replay_live_close(struct pl_replay *rp);
/* Sim mode (replay_sim.c): the simulator walks the packet through the run's programs. */
int pl_replay_sim_open(struct pl_replay *rp);
/* The run sim mode walks on: qdiscs the kernel lacks are left out (the simulator models them). */
int pl_replay_sim_run_up(const struct topo *t, char *run, size_t len);
int pl_replay_sim_one(struct pl_replay *rp, const struct pl_replay_pkt *p,
		      const struct pl_inject *at, struct pl_result *res);
void pl_replay_sim_close(struct pl_replay *rp);
/*
 * Sim mode, optional: walks every packet of pk on one virtual clock first
 * (pcap times, relative to the first; inline packets 1 ms apart), so packets
 * contend for qdiscs and links; pl_replay_one then hands out these results.
 * Call after prefilter entries are set, right before the replay loop.
 */
int pl_replay_sim_prepare(struct pl_replay *rp, const struct pl_replay_pkts *pk);
/* Per flow (5-tuple in): packets, delivered, bytes, throughput and latency of the sim run. */
void pl_replay_sim_flows_print(const struct pl_replay *rp, FILE *f);

/* Fills the input side of res from the frame: number, summary, tuple. */
void pl_result_init(struct pl_result *res, const struct pl_replay_pkt *p);
/* Fills the output tuple from an output frame (inner frame when VXLAN). */
void pl_result_set_output(struct pl_result *res, const uint8_t *frame, uint32_t len);

#endif /* PL_REPLAY_H */
