/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `podlab check`: live evidence on a running topology. Probes every ordered
 * pod pair (ICMP, TCP, UDP) and compares with the compiled policy; reads drop
 * reasons from the nodes' pinned flow-event ring buffers; records the source
 * address each destination socket saw (NAT-free, or the legacy MASQUERADE);
 * captures each node's uplink (VXLAN or plain pod IPs); finds the largest
 * don't-fragment payload between nodes; measures shaped rates per class;
 * reads which route table (the nodes', the fabric's) knows each pod.
 */
#ifndef PL_PROBE_CHECK_H
#define PL_PROBE_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "probe/probe.h"
#include "topo/topo.h"

enum pl_check_section {
	PL_CHECK_CONNECTIVITY = 1u << 0,
	PL_CHECK_NATFREE = 1u << 1,
	PL_CHECK_UNDERLAY = 1u << 2,
	PL_CHECK_MTU = 1u << 3,
	PL_CHECK_SHAPING = 1u << 4,
	PL_CHECK_ROUTES = 1u << 5,
	/* By default only with a world host and nginx pods behind a nodePort. */
	PL_CHECK_INGRESS = 1u << 6,
	/* By default only where a policy has http rules (a node's L7 proxy). */
	PL_CHECK_L7 = 1u << 7,
	PL_CHECK_ALL = (1u << 8) - 1,
};
#define PL_CHECK_NSECTIONS 8

/* "connectivity,mtu" -> bits; -EINVAL (and *bad points at the word) on an unknown name. */
int pl_check_sections_parse(const char *list, unsigned int *out, const char **bad);
const char *pl_check_section_name(unsigned int bit);

struct pl_check_opts {
	const char *run;
	const struct topo *topo;
	unsigned int sections; /* PL_CHECK_*; 0 = all */
	int timeout_ms;	       /* per probe, 0 = PL_PROBE_TIMEOUT_MS */
	double rate_seconds;   /* per shaped link, 0 = 3 */
	bool no_datapath;      /* built with --no-datapath: no policy, every probe must arrive */
};

/* Expected outcome of a probe from the compiled policy. */
enum pl_check_expect {
	PL_EXPECT_ALLOW = 0,
	PL_EXPECT_DENY,
	PL_EXPECT_UNKNOWN, /* no prediction available: not compared */
};

struct pl_check_probe {
	int src, dst; /* pod indexes */
	bool v6;      /* between the pods' IPv6 addresses (ICMPv6 echo as proto IPPROTO_ICMPV6) */
	uint8_t proto;
	uint16_t dport;
	enum pl_check_expect expect;
	int expect_reason; /* predicted drop reason (PL_DROP_*) when expect is DENY */
	struct pl_probe_result res;
	bool delivered;	 /* reply came back and the destination server saw it */
	bool proxied;	 /* TCP to a port with http rules: the node's proxy takes it (l7) */
	bool to_proxy;	 /* ... and the connection was accepted there */
	bool has_drop;	 /* a DROPPED flow event matched */
	bool drop_reply; /* ... on the reply direction */
	uint8_t drop_reason;
	int drop_node; /* node whose datapath dropped it */
	uint8_t drop_prog;
	bool ok; /* matches the expectation */
	/* NAT-free (delivered probes only) */
	uint32_t want_src;     /* the source address the destination should see */
	uint8_t want_src6[16]; /* v6: the same */
	bool nat_ok;
};

struct pl_check_underlay {
	int node;
	char dev[16];
	uint64_t plain_pod_pkts;  /* bare IPv4 between pod addresses */
	uint64_t plain_node_pkts; /* bare IPv4 between a pod and a node's underlay address */
	uint64_t vxlan_pkts;	  /* UDP 4789 carrying IPv4 */
	uint64_t vxlan_pod_pkts;  /* ... with a pod address inside (routing ipip: IP-in-IP's) */
	uint32_t vnis[8];
	int nvnis;
	uint32_t outer_src, outer_dst; /* one VXLAN example */
	uint32_t vni;
	uint32_t inner_src, inner_dst;
	uint32_t plain_src, plain_dst; /* one plain pod example */
	int want, found;	       /* cross-node delivered probes expected / found here */
	bool ok;
	char why[160];
};

struct pl_check_mtu {
	int src, dst; /* pods on two different nodes */
	bool v6;      /* between their IPv6 addresses (dual stack) */
	uint32_t want, got;
	int err;
	bool skipped, ok;
	char why[128];
};

struct pl_check_rate {
	int link;
	enum topo_qdisc_kind kind;
	uint16_t class_minor; /* htb: 1:minor; 0 for tbf */
	bool alone;	      /* htb: this class loaded on its own (borrows up to ceil) */
	int src, dst;	      /* pods */
	uint16_t dport;
	uint64_t rate, ceil; /* configured, bits/s */
	double expected;     /* bits/s for this measurement (all classes at once) */
	double measured;     /* wire bits/s */
	double goodput;
	int err;
	bool skipped, ok;
	char why[128];
};

/* One router's table (a node's, or the fabric's): which pods it knows. */
struct pl_check_routes {
	int node; /* -1: the fabric router */
	char ns[64];
	int own, own_want;	 /* this node's pods, routed to their veth */
	int remote, remote_want; /* other pods with a route of their own (pod IP or podCIDR) */
	int via_subnet;		 /* other pods reached only by the underlay subnet or default */
	int none;		 /* pods with no route at all */
	bool wrong_gw;		 /* a pod route whose next hop is not the pod's node */
	char example[96];
	bool judged, ok; /* judged in native and fabric mode */
	char why[160];
};

/* One HTTP GET from the world host to a node's IP at a nodePort (check_ingress.c). */
struct pl_check_ingress {
	int svc, port;	    /* topo.services and its ports */
	int node;	    /* the node whose IP was asked */
	bool expect_answer; /* a backend may answer (not Local without one on node) */
	int err;	    /* -errno of the request, 0 */
	int status;	    /* HTTP status, 0 = no answer */
	char body[96];	    /* the body's first line */
	uint16_t sport;	    /* the world's source port, which SNAT keeps */
	int backend;	    /* pod whose access log holds the request, -1 */
	uint32_t seen_src;  /* the client address nginx logged */
	uint32_t want_src;  /* the node's IP when SNATed, else the world's */
	bool snat;	    /* the backend is on another node than the one asked */
	bool ok;
	char why[128];
};

/* One HTTP request through a node's L7 proxy to a pod's port with http rules. */
struct pl_check_l7 {
	int src, dst; /* pods */
	uint16_t port;
	char method[16], path[128], host[64];
	bool want_allowed; /* the compiled http rules' decision */
	char rule[160];	   /* the rule allowing it, "" when denied */
	int status;	   /* HTTP status answered, 0 = none (err says why) */
	int err;
	bool seen; /* the destination pod's server got the request */
	bool ok;
};

/* Drop events that carry no addresses, so no probe can claim them. */
struct pl_check_unattr {
	int node;
	uint8_t prog;
	uint8_t reason;
	uint32_t count;
};

struct pl_check_report {
	const struct topo *topo;
	char run[32];
	unsigned int sections;
	struct pl_check_probe *probes;
	int nprobes;
	struct pl_check_underlay *underlay;
	int nunderlay;
	struct pl_check_mtu *mtu;
	int nmtu;
	struct pl_check_rate *rates;
	int nrates;
	struct pl_check_routes *routes;
	int nroutes;
	struct pl_check_ingress *ingress;
	int ningress;
	struct pl_check_l7 *l7;
	int nl7;
	bool events_available; /* at least one node's events ring buffer was opened */
	bool no_datapath;      /* the kernel-only twin: every probe expected delivered */
	struct pl_check_unattr unattr[8];
	int nunattr;
	bool section_ok[PL_CHECK_NSECTIONS];
	bool ok;
};

/* Runs the selected sections; 0 and a report (ok says whether all matched), or -errno. */
int pl_check_run(const struct pl_check_opts *opts, struct pl_check_report **out);
void pl_check_report_free(struct pl_check_report *r);
/* Human tables with a verdict line per section and overall. */
void pl_check_print(const struct pl_check_report *r, FILE *f);
void pl_check_print_json(const struct pl_check_report *r, FILE *f);

/* Internal, shared by the check sources. */
struct check_events;
int pl_check_events_open(const char *run, const struct topo *t, struct check_events **out);
void pl_check_events_close(struct check_events *ce);
/* Newest DROPPED event since since_ns from saddr(either)/daddr/proto/dport(host order, 0 any). */
bool pl_check_events_find_drop(struct check_events *ce, uint64_t since_ns, uint32_t saddr,
			       uint32_t saddr_alt, uint32_t daddr, uint8_t proto, uint16_t dport,
			       struct pl_flow_event *ev, int *node, bool *reply);
/* The same for an IPv6 probe: saddr6/daddr6 (16 bytes each). */
bool pl_check_events_find_drop6(struct check_events *ce, uint64_t since_ns, const uint8_t *saddr6,
				const uint8_t *daddr6, uint8_t proto, uint16_t dport,
				struct pl_flow_event *ev, int *node, bool *reply);
/* Drops whose event carries no addresses (dropped while parsing), by node, program, reason. */
int pl_check_events_unattributed(struct check_events *ce, struct pl_check_unattr *out, int max);
/* The compiled policy's verdict for a new flow; *reason (may be NULL) the drop reason. */
enum pl_check_expect pl_check_expected(const struct topo *t, int src, int dst, uint8_t proto,
				       uint16_t dport, int *reason);

#endif /* PL_PROBE_CHECK_H */
