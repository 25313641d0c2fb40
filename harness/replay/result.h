/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replay results: what happened to one packet, in one format for the unit,
 * live and (later) sim modes. Printed as one text line, as JSON, matched by
 * scenario expectations and written to per-device pcaps.
 * Addresses network order, ports host order.
 */
#ifndef PL_REPLAY_RESULT_H
#define PL_REPLAY_RESULT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "podlab.h"
#include "lib/pkt.h"

#define PL_RESULT_MAX_HOPS 8
#define PL_RESULT_NAME_MAX 48

/* Where a packet enters the datapath. */
enum pl_inject_kind {
	PL_INJECT_AUTO = 0, /* chosen from the packet (source pod, VXLAN, destination) */
	PL_INJECT_POD,	    /* from_pod on the pod's node-side veth */
	PL_INJECT_UPLINK,   /* xdp_prefilter then from_network on the node's uplink */
	PL_INJECT_VXLAN,    /* from_overlay on the node's vxlan device */
};

struct pl_inject {
	enum pl_inject_kind kind;
	int node; /* index into topo.nodes */
	int pod;  /* PL_INJECT_POD: index into topo.pods, else -1 */
};

/* Where a packet ended up. */
enum pl_delivery {
	PL_DELIV_UNKNOWN = 0,
	PL_DELIV_POD,	  /* into a pod (redirect peer, or seen at the pod's eth0 live) */
	PL_DELIV_STACK,	  /* passed to a node's stack */
	PL_DELIV_UPLINK,  /* left a node on its uplink, natively routed (unit mode's last hop) */
	PL_DELIV_OVERLAY, /* handed to a node's vxlan device with a tunnel key */
	PL_DELIV_DROPPED,
	PL_DELIV_TIMEOUT, /* live: injected, nothing seen within the wait */
};

enum pl_result_status {
	PL_RES_OK = 0,	/* replayed; the fields below hold what happened */
	PL_RES_SKIPPED, /* not replayed (snaplen-truncated, not Ethernet/IPv4 able): see .skip */
	PL_RES_ERROR,	/* replay failed (a syscall): see .skip */
};

/*
 * A service translation by one program, from its flow event: DNAT (svc ->
 * dst), SNAT (old_src -> src), reverse NAT (old_src -> src and, for a
 * SNATed flow, svc -> dst). Addresses network order, ports host order.
 */
struct pl_hop_nat {
	uint8_t flags; /* PL_EV_F_SVC_DNAT | PL_EV_F_SVC_SNAT | PL_EV_F_SVC_RNAT, 0 = none */
	uint32_t svc_ip, old_src, src, dst;
	uint16_t svc_port, old_sport, sport, dport;
};

#define PL_HOP_NAT_FLAGS (PL_EV_F_SVC_DNAT | PL_EV_F_SVC_SNAT | PL_EV_F_SVC_RNAT)

/* One program run on the packet's path. */
struct pl_hop {
	int node;
	uint8_t prog;	     /* enum pl_prog */
	uint8_t obs_point;   /* enum pl_obs_point */
	uint8_t verdict;     /* enum pl_verdict */
	uint8_t drop_reason; /* enum pl_drop_reason */
	uint8_t note;	     /* enum pl_note */
	uint8_t redirect;    /* enum pl_redirect */
	int retval;	     /* TC_ACT_* / XDP_*, -1 live */
	uint32_t target_ifindex;
	char target[PL_RESULT_NAME_MAX]; /* redirect target named: pod, "uplink", "vxlan" */
	char remark[96];		 /* harness remark ("identity via skb->mark: no decap") */
	char user[96];	/* a topology's own program (sim): "NAME (user program on NODE DEV HOOK)" */
	uint64_t ts_ns; /* live: event time, for ordering hops across nodes */
	uint32_t saddr; /* source address the program saw (network order), 0 unknown */
	struct pl_hop_nat nat; /* the service translation this program made */
};

struct pl_result {
	uint32_t number;    /* packet number in its input (1-based) */
	uint16_t seg, nseg; /* segment seg of nseg of an oversized captured frame; 0 = whole */
	const char *input;  /* input file or "inline" */
	char summary[192];  /* formatted from .in when first printed */
	enum pl_result_status status;
	char skip[128]; /* why skipped / error text */
	struct pl_inject inject;
	struct pl_hop hops[PL_RESULT_MAX_HOPS];
	int nhops;

	uint8_t verdict; /* final: enum pl_verdict */
	uint8_t drop_reason;
	enum pl_delivery delivery;
	int deliver_node; /* -1 unknown */
	int deliver_pod;  /* PL_DELIV_POD: index into topo.pods */

	/* Inner 5-tuple in and out (VXLAN input: the inner packet). */
	bool ipv4;
	uint8_t proto;
	uint32_t in_saddr, in_daddr, out_saddr, out_daddr;
	uint16_t in_sport, in_dport, out_sport, out_dport;
	struct pl_addr in_src, in_dst, out_src, out_dst; /* either family (IPv6: only here) */
	bool have_out_tuple; /* output (or live capture) seen and parsed */

	/* Encapsulation after the datapath (unit: the tunnel key; live: the outer header seen). */
	bool encap;
	bool encap_ipip; /* IP-in-IP (routing ipip): no VNI */
	uint32_t vni;
	uint32_t outer_saddr, outer_daddr;
	uint32_t wire_len;	 /* live: length of the frame seen on the underlay, 0 = not seen */
	uint32_t last_hop_saddr; /* live: source address the last program saw (after any NAT) */

	/* What left the last hop, and on which device (for --pcap-out). */
	uint8_t *out;
	uint32_t out_len;
	char out_dev[PL_RESULT_NAME_MAX]; /* "node1.uplink", "pod-a", ... */
	uint8_t *in;			  /* the injected frame */
	uint32_t in_len;

	/* An L7 port: a hop steered the packet to its node's proxy (note TO_PROXY). */
	struct pl_l7_result {
		bool to_proxy;
		bool request;	   /* the packet completes an HTTP request head */
		bool partial;	   /* it holds a head's beginning: the rest comes later */
		uint16_t held;	   /* partial: the head's bytes in sequence so far */
		uint16_t segments; /* request: the TCP segments the head came in */
		char method[16];
		char path[128];
		char host[64];	 /* "" without a Host header */
		int8_t allowed;	 /* 1 allowed, 0 denied (403), -1 not decided (see why) */
		uint16_t status; /* live: the status the proxy answered the request with */
		char rule[160];	 /* what allowed it: "policy 'P' rule R http[H]: method GET" */
		char why[96];	 /* not decided: why */
	} l7;

	/* Sim mode: virtual times in ns (enqueue/dequeue: first egress qdisc; UINT64_MAX = none).
	 */
	bool timed;
	uint64_t t_inject, t_enqueue, t_dequeue, t_deliver;
};

struct topo;

/* Addresses and ports unchanged between input and output (only meaningful with have_out_tuple). */
bool pl_result_nat_free(const struct pl_result *r);
/* "pod-b", "node1:stack", "node1:uplink", "node1:vxlan", "dropped", "timeout", "unknown". */
int pl_result_delivered_str(const struct pl_result *r, const struct topo *t, char *buf, size_t len);
/* "pod-a", "node1:uplink", "node1:vxlan". */
int pl_inject_str(const struct pl_inject *in, const struct topo *t, char *buf, size_t len);
/* "TO_OVERLAY" for the last hop, "FROM_ENDPOINT,TO_OVERLAY" for all. */
int pl_result_points_str(const struct pl_result *r, char *buf, size_t len);

/* The translation of h from its event ev (none unless ev has a PL_EV_F_SVC_* flag). */
void pl_hop_nat_from_event(struct pl_hop *h, const struct pl_flow_event *ev);
/* "DNAT 10.96.0.10:80 -> 10.244.2.20:8080" (", SNAT ..."), "" when h made none. */
int pl_hop_nat_str(const struct pl_hop *h, char *buf, size_t len);
/* Index of the first hop whose translation has flag, or -1. */
int pl_result_nat_hop(const struct pl_result *r, uint8_t flag);
/* " | DNAT ... at from_pod" for every translating hop (nothing when none). */
void pl_result_nat_print(FILE *f, const struct pl_result *r);
/* ,"nat":[{"type":"dnat","from":"A:P","to":"B:Q","program":"from_pod","node":"node1"}] */
void pl_result_nat_json(FILE *f, const struct pl_result *r, const struct topo *t);
/* " | l7 GET /a host h: denied (403)" (nothing unless a request went to a proxy). */
void pl_result_l7_print(FILE *f, const struct pl_result *r);
/* ",\"l7\":{...}" (nothing unless the packet went to a proxy). */
void pl_result_l7_json(FILE *f, const struct pl_result *r);

/* One line: number, summary, hook, points, verdict, reason, delivered, nat, encap. */
void pl_result_print(FILE *f, const struct pl_result *r, const struct topo *t);
/* One JSON object (no trailing newline). */
void pl_result_print_json(FILE *f, const struct pl_result *r, const struct topo *t);

void pl_result_release(struct pl_result *r);

/* Totals for the summary line. */
struct pl_result_counts {
	unsigned total, forwarded, redirected, dropped, to_stack, skipped, errors, timeouts;
};
void pl_result_count(struct pl_result_counts *c, const struct pl_result *r);
void pl_result_counts_print(FILE *f, const struct pl_result_counts *c);

#endif /* PL_REPLAY_RESULT_H */
