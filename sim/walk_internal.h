/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the walk: the environment (walk_env.c), frame surgery
 * (walk_frame.c) and the hop-by-hop state machine (walk.c).
 * The environment is harness/plan's plan of the topology (devices, ifindexes,
 * MACs, addresses, routes, neighbours, MASQUERADE), so frames match a live
 * run byte for byte.
 */
#ifndef PL_SIM_WALK_INTERNAL_H
#define PL_SIM_WALK_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/user_prog.h"
#include "lib/pkt.h"
#include "topo/topo.h"
#include "qdisc.h"
#include "walk.h"

struct pl_datapath;
struct pl_step;

#define SIM_VXLAN_PORT 4789
#define SIM_BUF	       (PL_PKT_MAX + 256)
#define SIM_MAX_NEIGH  64

enum sim_mac_kind {
	SIM_MAC_POD = 0,    /* a pod's eth0 */
	SIM_MAC_LXC = 1,    /* node side of a pod's veth */
	SIM_MAC_UPLINK = 2, /* a node's eth0 */
	SIM_MAC_VXLAN = 3,  /* a node's vxlan0 */
	SIM_MAC_WORLD = 5,  /* index 0: the world host, 1: its gateway side */
	SIM_MAC_FABRIC = 6, /* the fabric router's port towards node index */
};

enum sim_dev_kind {
	SIM_DEV_UPLINK,
	SIM_DEV_VXLAN,
	SIM_DEV_LXC,
	SIM_DEV_WORLD, /* p2p world host's link on its gateway node */
};

struct sim_dev {
	enum sim_dev_kind kind;
	char name[16];
	uint32_t ifindex;
	uint8_t mac[6];
	uint32_t mtu;
	uint32_t addr; /* primary IPv4, 0 = none */
	int pod;       /* SIM_DEV_LXC */
	bool has_addr6;
	uint8_t addr6[16], plen6; /* the plan's IPv6 address (dual stack: uplinks) */
};

struct sim_route {
	uint32_t dst; /* network order */
	uint8_t plen;
	uint32_t gw;	/* 0 = directly connected */
	int dev;	/* index into node devs */
	uint32_t table; /* 0 = main */
};

/* ip rule: sources in src/plen look up table first. */
struct sim_rule {
	uint32_t src;
	uint8_t plen;
	uint32_t table;
	uint32_t priority;
};

struct sim_route6 {
	uint8_t dst[16], plen;
	uint8_t gw[16]; /* all zero = directly connected */
	int dev;
	uint32_t table; /* 0 = main */
};

/* ip -6 rule: sources in src/plen look up table first (legacy's replies). */
struct sim_rule6 {
	uint8_t src[16], plen;
	uint32_t table;
};

struct sim_neigh6 {
	uint8_t ip[16];
	int dev;
	uint8_t mac[6];
};

/* An ip6 MASQUERADE conntrack entry, as sim_nat. */
struct sim_nat6 {
	uint8_t saddr[16], daddr[16], to_saddr[16];
	uint16_t sport, dport; /* host order */
	uint8_t proto;
};

struct sim_neigh {
	uint32_t ip;
	int dev;
	uint8_t mac[6];
};

/* A MASQUERADE conntrack entry: the original tuple and the source it got. */
struct sim_nat {
	uint32_t saddr, daddr, to_saddr;
	uint16_t sport, dport; /* host order */
	uint8_t proto;
};

struct sim_node {
	int netns_fd;
	struct pl_datapath *dp;
	struct sim_dev devs[64];
	int ndevs;
	struct sim_route routes[64];
	int nroutes;
	struct sim_route6 routes6[64];
	int nroutes6;
	struct sim_rule6 rules6[4];
	int nrules6;
	struct sim_neigh6 neighs6[SIM_MAX_NEIGH]; /* permanent IPv6 neighbours (legacy: vxlan0) */
	int nneighs6;
	struct sim_rule rules[8]; /* by priority */
	int nrules;
	struct sim_neigh neighs[SIM_MAX_NEIGH];
	int nneighs;
	struct sim_neigh fdb[SIM_MAX_NEIGH]; /* vxlan0: neighbour MAC → remote underlay IP */
	int nfdb;
	bool vxlan_external; /* collect_md (vxlan mode) or a classic device (legacy) */
	uint32_t vxlan_vni;  /* classic device */
	bool masq;	     /* legacy: MASQUERADE pod CIDR leaving vxlan0 */
	bool masq_outgoing;  /* ipip natOutgoing: ... to outside every pod CIDR, any device */
	uint32_t masq_cidr;
	uint8_t masq_plen;
	int masq_dev;
	struct sim_nat *nat;
	int nnat, capnat;
	bool masq6; /* legacy: ip6 MASQUERADE of podCIDRv6 leaving masq6_dev */
	uint8_t masq6_cidr[16], masq6_plen;
	int masq6_dev;
	struct sim_nat6 *nat6;
	int nnat6, capnat6;
	uint16_t ip_id;		 /* outer IPv4 id counter (the kernel's is hashed) */
	uint64_t link_busy;	 /* end of the uplink's last serialisation */
	struct sim_qdisc *qdisc; /* the uplink's egress qdisc model (topology links), or NULL */
};

struct pl_plan;
struct bpf_object;

struct sim_walk {
	struct topo topo;     /* shallow copy with the walk's routing mode */
	struct pl_plan *plan; /* harness/plan's plan of the topology: the layout walked */
	const struct topo *orig;
	struct sim_walk_opts opts;
	int orig_netns_fd;
	int cur_node; /* netns the thread is in, -1 = the original */
	struct sim_node *nodes;
	uint8_t *scratch;	       /* data_out of test_run */
	struct sim_walk_progs progs;   /* a run's programs (test_run set), or the walk's own */
	struct sim_pkt_pool pool;      /* qdisc models' packets */
	struct pl_user_progs users;    /* topo.programs, loaded on first use */
};

/* walk_env.c */
int pl_sim_env_build(struct sim_walk *w);
void pl_sim_env_destroy(struct sim_walk *w);
int pl_sim_env_enter(struct sim_walk *w, int node);
/* (Re)creates every uplink's qdisc model, empty, at time 0. */
int pl_sim_env_qdiscs_reset(struct sim_walk *w);
void pl_sim_mac(enum sim_mac_kind kind, uint32_t index, uint8_t mac[6]);
int pl_sim_dev_by_ifindex(const struct sim_node *n, uint32_t ifindex);
int pl_sim_dev_by_kind(const struct sim_node *n, enum sim_dev_kind kind);
/* fib rules then longest-prefix match, as the kernel routes saddr → daddr; -1 when none. */
int pl_sim_route_lookup(const struct sim_node *n, uint32_t saddr, uint32_t daddr);
/* Node whose underlay IP is ip, -1 none. */
int pl_sim_node_by_underlay(const struct sim_walk *w, uint32_t ip);
/* Source address MASQUERADE picks leaving dev (inet_select_addr). */
uint32_t pl_sim_masq_addr(const struct sim_node *n, int dev);

/* walk_v6.c: the IPv6 half of a dual-stack node. */
/*
 * A PL_STEP_ADDR6, _NEIGH6 or _ROUTE6 of the node's namespace on its device dev,
 * an IPv6 rule or ip6 masquerade (dev: its oif); others: 0.
 */
int pl_sim_env_v6_step(struct sim_node *n, const struct pl_step *s, int dev);
/* ip -batch lines for the node's IPv6 addresses and routes (malloc'ed, "" without), or NULL. */
char *pl_sim_env_v6_batch(const struct sim_node *n);
/* Inside the node's fresh namespace, before (pre) and after its devices: IPv6 on, forwarding. */
int pl_sim_env_v6_sysctls(bool pre);
/* Longest-prefix match of daddr6 in the node's main IPv6 table; -1 when none. */
int pl_sim_route6_lookup(const struct sim_node *n, const uint8_t *daddr6);
/* The same after the node's IPv6 rules for saddr6 (their tables first); -1 when none. */
int pl_sim_route6_lookup_from(const struct sim_node *n, const uint8_t *saddr6,
			      const uint8_t *daddr6);
/* Node whose uplink IPv6 address is ip6, -1 none. */
int pl_sim_node_by_underlay6(const struct sim_walk *w, const uint8_t *ip6);
/* An IPv6 packet longer than mtu: its length; else (not IPv6, or it fits) 0. */
uint32_t pl_sim_v6_len_over(const uint8_t *frame, uint32_t len, uint32_t mtu);
/* Identity of a frame's source as the topology knows it (a pod, a node, else WORLD). */
uint32_t pl_sim_identity_of_src(const struct topo *t, const uint8_t *frame, uint32_t len);

/* walk_stack6.c: the node's IPv6 forwarding (legacy's overlay); false when the frame is not
 * IPv6 or the node routes no IPv6 itself. */
struct sim_flight;
bool pl_sim_stack6(struct sim_walk *w, struct sim_flight *f);

/* walk_frame.c: byte surgery with correct checksums. */
struct sim_ip {
	uint8_t *ip;  /* IPv4 header in the frame, for rewrites */
	uint32_t ihl; /* bytes */
	uint32_t tot_len;
	uint8_t *l4;
	uint32_t l4_len;
	/* Decoded by lib/pkt; the setters below keep them current. */
	uint32_t saddr, daddr; /* network order */
	uint8_t proto, ttl;
	bool df, fragment; /* fragment: MF or an offset */
	bool ports;	   /* a whole TCP/UDP header: sport, dport */
	uint16_t sport, dport;
};
/* IPv4 after an untagged Ethernet header; false otherwise or truncated. */
bool pl_sim_frame_ip(uint8_t *frame, uint32_t len, struct sim_ip *ip);
/* An 802.1Q/802.1ad tag after the MACs. */
bool pl_sim_frame_tagged(const uint8_t *frame, uint32_t len);
void pl_sim_frame_set_saddr(struct sim_ip *ip, uint32_t saddr);
void pl_sim_frame_set_daddr(struct sim_ip *ip, uint32_t daddr);
void pl_sim_frame_dec_ttl(struct sim_ip *ip);
/* Wraps the frame in place: outer Ethernet/IPv4/UDP/VXLAN; returns the new length or -errno. */
int pl_sim_frame_encap(uint8_t *frame, uint32_t len, uint32_t cap, const uint8_t smac[6],
		       const uint8_t dmac[6], uint32_t saddr, uint32_t daddr, uint32_t vni,
		       uint16_t ip_id, uint16_t *sport);
/* Strips outer headers in place; returns the inner length and *vni, or -EINVAL. */
int pl_sim_frame_decap(uint8_t *frame, uint32_t len, uint32_t *vni);
/* Cuts a DF-clear IPv4 packet to its first fragment for mtu; new length, *nfrags. */
int pl_sim_frame_first_fragment(uint8_t *frame, uint32_t len, uint32_t mtu, int *nfrags);
/* The UDP source port vxlan picks from the inner flow (see docs/sim.md). */
uint16_t pl_sim_vxlan_sport(const uint8_t *inner, uint32_t len);

#endif /* PL_SIM_WALK_INTERNAL_H */
