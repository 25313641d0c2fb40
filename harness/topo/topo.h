/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Topology model: what a topology file describes, after parsing and
 * validation. Parser (pl_topo_parse), builder (harness/net), --print-commands,
 * replay and the simulator all read this one structure.
 * Addresses are in network byte order (IPv4 a uint32_t, IPv6 16 bytes); rates in
 * bits/s; times in ns.
 */
#ifndef PL_TOPO_H
#define PL_TOPO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "podlab.h"

#define TOPO_NAME_MAX 32
#define TOPO_IFNAMSIZ 16

/* Where a value came from, for "file:line:column: message". 1-based. */
struct topo_pos {
	int line;
	int col;
};

struct topo_label {
	char *key;
	char *value;
};

struct topo_pod {
	char *name;
	uint32_t ip;
	uint8_t ip6[16]; /* with IPv6 in ipFamilies: given (`ipv6:`) or allocated */
	struct topo_label *labels;
	int nlabels;
	int node;	       /* index into topo.nodes */
	uint32_t identity;     /* from labels: equal label sets share one, from 256 */
	uint32_t ep_id;	       /* policy map key, unique per pod */
	bool ingress_enforced; /* some policy selects it for ingress */
	bool egress_enforced;
	bool ready; /* `ready: false`: in no service's Endpoints (Kubernetes readiness) */
	/* `nginx:`: podlab up runs nginx in the pod's namespace, listening on port */
	struct {
		bool on;
		uint16_t port; /* host order, default 80 */
		struct topo_pos pos;
	} nginx;
	struct topo_pos pos;
};

struct topo_node {
	char *name;
	uint32_t underlay_ip;
	uint8_t underlay_plen; /* prefix of the underlay network, default 24 */
	uint32_t pod_cidr;
	uint8_t pod_plen;
	uint8_t pod_cidr6[16]; /* `podCIDRv6`, with IPv6 in ipFamilies */
	uint8_t pod_plen6;
	uint8_t underlay_ip6[16]; /* `ipv6`: the uplink's IPv6 address, all zero when none */
	uint8_t underlay_plen6;
	int *pods; /* indexes into topo.pods */
	int npods;
	struct topo_pos pos;
};

enum topo_qdisc_kind {
	TOPO_QDISC_NONE = 0,
	TOPO_QDISC_TBF,
	TOPO_QDISC_HTB,
	TOPO_QDISC_NETEM,
	TOPO_QDISC_PFIFO,
};

struct topo_tbf {
	uint64_t rate;	     /* bits/s */
	uint32_t burst;	     /* bytes */
	uint64_t latency_ns; /* or limit, one of the two */
	uint32_t limit;	     /* bytes */
	uint64_t peakrate;   /* bits/s, 0 = none */
	uint32_t mtu;	     /* bytes, with peakrate */
};

/* A classifier rule; a zero field matches anything. */
struct topo_match {
	uint32_t dst;
	uint8_t dst_plen;
	uint32_t src;
	uint8_t src_plen;
	uint16_t dport; /* host order */
	uint16_t sport; /* host order */
	uint8_t proto;
};

struct topo_htb_class {
	uint16_t minor;	       /* classid 1:minor */
	uint16_t parent_minor; /* 0 = the root class 1:1 */
	uint64_t rate;
	uint64_t ceil;
	uint32_t prio;
	uint32_t quantum; /* bytes, 0 = kernel default */
	struct topo_match *matches;
	int nmatches;
	struct topo_pos pos;
};

struct topo_htb {
	uint16_t default_minor;
	uint64_t rate; /* root class 1:1 */
	uint64_t ceil;
	struct topo_htb_class *classes;
	int nclasses;
};

struct topo_netem {
	uint64_t delay_ns;
	uint64_t jitter_ns;
	double loss;	  /* 0..1 */
	double duplicate; /* 0..1 */
	double reorder;	  /* 0..1 */
	uint32_t limit;	  /* packets */
	uint64_t rate;	  /* bits/s, 0 = none */
};

struct topo_qdisc {
	enum topo_qdisc_kind kind;
	union {
		struct topo_tbf tbf;
		struct topo_htb htb;
		struct topo_netem netem;
		uint32_t pfifo_limit; /* packets */
	};
	struct topo_pos pos;
};

enum topo_underlay_kind {
	TOPO_UNDERLAY_P2P = 0, /* one veth pair between exactly two nodes */
	TOPO_UNDERLAY_SEGMENT, /* a bridge in its own namespace, a veth per node */
	TOPO_UNDERLAY_FABRIC,  /* routing fabric: a router namespace, a veth per node */
};

/*
 * routing fabric (a VPC's router): pods take addresses from the underlay
 * network; the fabric holds one route per pod IP, the nodes only their own.
 */
struct topo_fabric {
	uint32_t ip;	     /* its address on every port: the underlay network's last host */
	uint32_t max_routes; /* `fabric.maxRoutes`: pod routes its table holds, 0 = no limit */
	struct topo_pos pos; /* of maxRoutes */
};

/* Shaping on the egress of one node's uplink (towards the underlay). */
struct topo_link {
	int node; /* index into topo.nodes */
	int peer; /* p2p: the other node; segment: -1 */
	struct topo_qdisc qdisc;
	struct topo_pos pos;
};

struct topo_world {
	bool present;
	int node;    /* index of the gateway node (`world.node`, default the first) */
	char *name;  /* default "world" */
	uint32_t ip; /* in a documentation range: 192.0.2/24, 198.51.100/24, 203.0.113/24 */
	uint32_t gateway_node_ip; /* the node uplink the world host is attached behind */
	struct topo_pos pos;
};

/* Cilium entities a rule may name (fromEntities/toEntities); "all" is any_peer. */
enum topo_entity {
	TOPO_ENT_WORLD = 1u << 0,	/* outside the cluster: 0.0.0.0/0 */
	TOPO_ENT_HOST = 1u << 1,	/* the local node */
	TOPO_ENT_REMOTE_NODE = 1u << 2, /* other nodes' underlay IPs */
	TOPO_ENT_CLUSTER = 1u << 3,	/* every pod, host and remote nodes */
};

enum topo_rule_dir {
	TOPO_INGRESS = PL_DIR_INGRESS,
	TOPO_EGRESS = PL_DIR_EGRESS,
};

struct topo_port {
	uint16_t port; /* host order, 0 = any */
	uint8_t proto; /* IPPROTO_*, 0 = any */
};

/* A prefix and its except prefixes, all of one family (v6: ip6 and except_ip6, ip is 0). */
struct topo_cidr {
	uint32_t ip;
	uint8_t plen;
	bool v6;
	uint8_t ip6[16];
	uint32_t *except_ip; /* ipBlock.except */
	uint8_t (*except_ip6)[16];
	uint8_t *except_plen;
	int nexcept;
};

/* One rule of one policy: a peer selector and ports, in one direction. */
struct topo_rule {
	enum topo_rule_dir dir;
	bool deny;
	bool any_peer;			/* no peer selector: everyone */
	struct topo_label *peer_labels; /* fromEndpoints/toEndpoints matchLabels */
	int npeer_labels;
	bool peer_all_pods;	 /* an empty matchLabels: {} */
	unsigned int entities;	 /* fromEntities/toEntities: TOPO_ENT_* bits */
	struct topo_cidr *cidrs; /* fromCIDR/toCIDR/ipBlock */
	int ncidrs;
	struct topo_port *ports; /* empty = any port and protocol */
	int nports;
	struct topo_pos pos;
};

struct topo_policy {
	char *name;
	struct topo_label *selector; /* endpointSelector/podSelector matchLabels */
	int nselector;
	bool select_ingress; /* the policy has ingress rules (or policyTypes says so) */
	bool select_egress;
	struct topo_rule *rules;
	int nrules;
	struct topo_pos pos;
};

enum topo_hook {
	TOPO_HOOK_XDP = 0,
	TOPO_HOOK_TC_INGRESS,
	TOPO_HOOK_TC_EGRESS,
};

/* `programs:` a user's BPF object attached to a node device. */
struct topo_program {
	char *object;  /* path to a .bpf.o */
	char *program; /* program name in it */
	int node;
	char *device; /* "uplink", "vxlan", or a pod name (its node-side veth) */
	enum topo_hook hook;
	bool replace_podlab; /* instead of podlab's program on that hook */
	struct topo_pos pos;
};

/* `ipFamilies`: the address families of the cluster's pods (bits). */
enum topo_family {
	TOPO_FAM_IPV4 = 1u << 0,
	TOPO_FAM_IPV6 = 1u << 1,
};

/* routing ipip's ipipMode (Calico's names); Never is routing native. */
enum topo_ipip_mode {
	TOPO_IPIP_ALWAYS = 0,	/* every packet between nodes in IP-in-IP */
	TOPO_IPIP_CROSS_SUBNET, /* only to a node of another underlay subnet */
};

/* `services:` Kubernetes Services: a ClusterIP (and NodePort) frontend, pods by selector. */
enum topo_svc_type {
	TOPO_SVC_CLUSTER_IP = 0,
	TOPO_SVC_NODE_PORT,
};

struct topo_svc_port {
	uint16_t port;	      /* host order */
	uint16_t target_port; /* the backends' port, host order (default: port) */
	uint16_t node_port;   /* NodePort only, host order; 0 = none */
	uint8_t proto;	      /* IPPROTO_TCP or IPPROTO_UDP */
	struct topo_pos pos;
};

struct topo_service {
	char *name;
	enum topo_svc_type type;
	uint32_t cluster_ip; /* network order; allocated from the service CIDR when not given */
	struct topo_svc_port *ports;
	int nports;
	struct topo_label *selector; /* matchLabels of its pods */
	int nselector;
	int *backends; /* the Endpoints: indexes into topo.pods of the ready pods it selects */
	int nbackends;
	bool traffic_local;	 /* externalTrafficPolicy: Local (NodePort) */
	bool affinity_client_ip; /* sessionAffinity: ClientIP */
	struct topo_pos pos;
	struct topo_pos type_pos;
};

/* The default service CIDR (kube-apiserver's --service-cluster-ip-range). */
#define TOPO_SVC_CIDR_DEFAULT 0x0a600000u /* 10.96.0.0, host order */
#define TOPO_SVC_PLEN_DEFAULT 12

struct topo {
	char *file; /* path, for messages */
	char *name;
	enum pl_routing_mode routing;
	unsigned int families;	       /* TOPO_FAM_* bits, default IPv4 */
	enum topo_ipip_mode ipip_mode; /* routing ipip */
	struct topo_pos ipip_pos;      /* of ipipMode */
	bool nat_outgoing; /* routing ipip: MASQUERADE pods to addresses outside the pod CIDRs */
	uint32_t mtu;	   /* underlay MTU, default 1500 */
	uint32_t vni_base; /* legacy mode's fixed VNI, default 1 */
	struct topo_node *nodes;
	int nnodes;
	struct topo_pod *pods;
	int npods;
	enum topo_underlay_kind underlay;
	struct topo_link *links;
	int nlinks;
	struct topo_world world;
	struct topo_fabric fabric; /* routing fabric only */
	struct topo_policy *policies;
	int npolicies;
	struct topo_program *programs;
	int nprograms;
	struct topo_cidr *prefilter; /* source CIDRs xdp_prefilter drops; none = no XDP attached */
	int nprefilter;
	uint32_t ct_max; /* `conntrack: {max: N}`: entries of every node's conntrack map */
	struct topo_service *services;
	int nservices;
	uint32_t svc_cidr; /* `serviceCIDR`, network order; default 10.96.0.0/12 */
	uint8_t svc_plen;
};

/* conntrack.max: the largest a file may ask for (default PL_CT_MAX_DEFAULT, podlab.h). */
#define TOPO_CT_MAX_LIMIT (16u << 20)

/*
 * Parses and validates FILE. On error prints "file:line:col: message" (one
 * line) and returns -EINVAL (bad input) or -errno (cannot read); *out is NULL.
 */
int pl_topo_parse(const char *file, struct topo **out);
/* Same from a string (tests); name is used in messages. */
int pl_topo_parse_string(const char *name, const char *text, struct topo **out);
/*
 * Either form, with diagnostics (errors and warnings, one line each) written
 * to diag instead of stderr: text NULL reads file, else file names the text.
 */
int pl_topo_parse_diag(const char *file, const char *text, FILE *diag, struct topo **out);
/* From len bytes in memory (NULs are input too, as in a file); diag as above. */
int pl_topo_parse_mem(const char *name, const char *text, size_t len, FILE *diag,
		      struct topo **out);
void pl_topo_free(struct topo *t);

int pl_topo_pod_by_name(const struct topo *t, const char *name);
int pl_topo_pod_by_ip(const struct topo *t, uint32_t ip);
int pl_topo_node_by_name(const struct topo *t, const char *name);
/* Node whose pod CIDR holds ip, or -1. */
int pl_topo_node_by_pod_ip(const struct topo *t, uint32_t ip);
int pl_topo_node_by_underlay_ip(const struct topo *t, uint32_t ip);
int pl_topo_policy_by_name(const struct topo *t, const char *name);
int pl_topo_service_by_name(const struct topo *t, const char *name);
const char *pl_topo_svc_type_name(enum topo_svc_type type); /* "ClusterIP", "NodePort" */

/* Label set `have` satisfies matchLabels `want` (every want k=v is in have). */
bool pl_topo_labels_match(const struct topo_label *want, int nwant, const struct topo_label *have,
			  int nhave);
/* Policy p selects pod (endpointSelector/podSelector). */
bool pl_topo_policy_selects(const struct topo_policy *p, const struct topo_pod *pod);

/* IPv6 (16 bytes): the pod with that address, the node whose podCIDRv6 holds it; or -1. */
int pl_topo_pod_by_ip6(const struct topo *t, const uint8_t *ip6);
int pl_topo_node_by_pod_ip6(const struct topo *t, const uint8_t *ip6);

/* Pods have IPv6 addresses (ipFamilies names IPv6). */
static inline bool pl_topo_has_v6(const struct topo *t)
{
	return t->families & TOPO_FAM_IPV6;
}

const char *pl_topo_routing_name(enum pl_routing_mode mode); /* "native", "vxlan", ... */
/* Pod packets cross between nodes inside VXLAN (vxlan, legacy); native and fabric route them bare.
 */
static inline bool pl_topo_overlay(const struct topo *t)
{
	return t->routing == PL_ROUTING_VXLAN || t->routing == PL_ROUTING_LEGACY;
}
/* Bytes a pod packet between nodes carries on top: VXLAN 50, IP-in-IP 20, 0 when bare. */
static inline uint32_t pl_topo_encap_overhead(const struct topo *t)
{
	return pl_topo_overlay(t) ? 50 : t->routing == PL_ROUTING_IPIP ? 20 : 0;
}
/* The MTU of pods' eth0 (and their node-side veths): the underlay's less that overhead. */
static inline uint32_t pl_topo_pod_mtu(const struct topo *t)
{
	return t->mtu - pl_topo_encap_overhead(t);
}
/* Nodes a and b share an underlay subnet (ipipMode CrossSubnet routes them bare). */
bool pl_topo_same_subnet(const struct topo *t, int a, int b);
const char *pl_topo_qdisc_name(enum topo_qdisc_kind kind); /* "tbf", ... */
const char *pl_topo_hook_name(enum topo_hook hook);	   /* "xdp", "tc-ingress", ... */
#define TOPO_PROTO_STRLEN 8
/* A protocol as topology files spell it: "any", "icmp", "tcp", "udp", "sctp", else its number. */
const char *pl_topo_proto_str(uint8_t proto, char buf[TOPO_PROTO_STRLEN]);
/* Rates, sizes and times print with pl_fmt_rate/size/time (lib/units.h). */

/*
 * Names of everything podlab creates for a topology (docs/topology.md,
 * "Naming scheme"). Interface names fit IFNAMSIZ; the parser rejects names
 * that would not.
 */
#define TOPO_IFNAME_POD	       "eth0"	/* in a pod's netns: its end of the pod veth */
#define TOPO_IFNAME_UPLINK     "eth0"	/* in a node's netns: towards the underlay */
#define TOPO_IFNAME_VXLAN      "vxlan0" /* in a node's netns (vxlan, legacy) */
#define TOPO_IFNAME_IPIP       "ipip0"	/* in a node's netns (ipip without the datapath) */
#define TOPO_IFNAME_BRIDGE     "br0"	/* in the segment's netns */
#define TOPO_IFNAME_WORLD      "eth0"	/* in the world host's netns */
#define TOPO_IFNAME_WORLD_PORT "sworld" /* segment: the world host's bridge port */
#define TOPO_IFNAME_WORLD_GW   "world0" /* p2p: the world host's link in its gateway node */
#define TOPO_NETNS_SEGMENT     "seg"	/* pl-<run>-seg holds the segment bridge */
#define TOPO_NETNS_FABRIC      "fabric" /* pl-<run>-fabric: the fabric router (routing fabric) */
/* Node side of a pod's veth, in the node's netns: "lxc<pod>" (pod names <= 12 characters). */
void pl_topo_ifname_pod_host(const struct topo_pod *pod, char buf[TOPO_IFNAMSIZ]);
/* Bridge port of a node in the segment netns: "s-<node>" (node names <= 13 characters);
 * the fabric's port towards a node is "f-<node>". */
int pl_topo_ifname_segment_port(const char *name, char buf[TOPO_IFNAMSIZ]);
/* The world host's link in its gateway node's netns (p2p underlay): "world0". */
int pl_topo_ifname_world_gw(const struct topo_world *w, char buf[TOPO_IFNAMSIZ]);
/* Network namespace of a node, pod or the world host: "pl-<run>-<name>". */
int pl_topo_netns_name(const char *run, const char *name, char *buf, size_t len);

#endif /* PL_TOPO_H */
