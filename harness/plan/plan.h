/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Build plan: a topology plus a run id compiled into an ordered list of
 * steps, computed as data with no syscalls (harness/plan). The back ends read
 * the same plan so they cannot drift: the netlink executor (harness/net
 * exec.c, `podlab up`), the shell printer (print.c, `podlab up
 * --print-commands`), the simulator (sim/walk_env.c) and `podlab status RUN`
 * (planned objects next to the kernel's).
 *
 * Layout (every name derives from the run id):
 *   netns  pl-<run>-<node>, pl-<run>-<pod>, pl-<run>-seg (segment bridge),
 *          pl-<run>-world (optional world host)
 *   node:  lo, eth0 (uplink, ifindex 32), vxlan0 (33, vxlan/legacy), world0 (34,
 *          p2p world host), lxc<pod> (48 + k: node-side veth of its k-th pod);
 *          node i's are at those + i * block (pl_node_ifindex): every device
 *          the datapath runs on has an ifindex of its own in the run.
 *   pod:   lo, eth0 (ifindex 32) with <ip>/32, default route via 169.254.1.1
 *          onlink; a permanent neighbour maps 169.254.1.1 to the node-side
 *          veth's MAC, so pods need no ARP and nodes need no address on lxc*.
 *   IPv6 (ipFamilies names it, plan_v6.c): the same with <ip6>/128 nodad and
 *          fe80::1 as the gateway; nodes and pods get disable_ipv6=0 and
 *          accept_dad=0 in their own namespaces, nodes forwarding=1, their
 *          uplink its ipv6; native: other nodes' podCIDRv6 via their ipv6.
 *   node:  <pod>/32 dev lxc<pod> (+ permanent neighbour), ip_forward=1;
 *          native: other nodes' pod CIDRs via their underlay IP; legacy, and
 *          vxlan without the datapath (its kernel-only twin, Flannel's layout):
 *          a classic vxlan0 with an overlay /32, other nodes' pod CIDRs via their
 *          overlay IP onlink on vxlan0, a permanent neighbour and fdb entry each;
 *          ipip without the datapath (Calico's layout): ipip0 (local node IP, any
 *          remote, ifindex 35) with the pod CIDR's network address /32, other
 *          nodes' pod CIDRs via their IP onlink on ipip0 (CrossSubnet: within the
 *          subnet via eth0): the kernel's ipip takes the outer destination from it.
 *   seg:   br0 (ifindex 32), one port per node s<idx> (48 + idx), sworld (47).
 *   fabric (routing fabric, a VPC's router): one port per node f-<node> (48 + idx),
 *          veth peer of the node's eth0, with the fabric's address /32, proxy ARP
 *          (it answers for every address it routes elsewhere, as a VPC does) and
 *          ip_forward=1; routes: node IP/32 dev f-<node>, one per pod IP/32 via its
 *          node's IP, the world host via its gateway node. Nodes keep only the
 *          underlay subnet (connected, towards the fabric) and their own pods.
 * Interface indexes and MACs are fixed by the plan, so the printer can write
 * map values and both back ends produce identical dumps.
 */
#ifndef PL_PLAN_PLAN_H
#define PL_PLAN_PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "topo/topo.h"

#define PL_RUN_ID_MAX	  12 /* run id length + 1 */
#define PL_NETNS_NAME_MAX 64
#define PL_IFNAMSIZ	  16
#define PL_POD_GW_IP	  0xa9fe0101u /* 169.254.1.1, host order */
#define PL_POD_GW_IP6	  "fe80::1" /* pods' IPv6 gateway: a permanent neighbour, as 169.254.1.1 */
#define PL_VXLAN_PORT	  4789
/*
 * Fixed ifindexes of the devices a plan creates. They start at 32: a new namespace
 * already holds, from ifindex 2 up, one fallback device per tunnel module loaded
 * (tunl0, gre0, gretap0, erspan0, sit0, ip6tnl0, ip6gre0, ip_vti0, ip6_vti0).
 */
#define PL_IFINDEX_BASE	    32
#define PL_IFINDEX_UPLINK   (PL_IFINDEX_BASE + 0) /* node eth0, pod eth0, world eth0 */
#define PL_IFINDEX_VXLAN    (PL_IFINDEX_BASE + 1)
#define PL_IFINDEX_WORLD    (PL_IFINDEX_BASE + 2)  /* world0 on the world's gateway node */
#define PL_IFINDEX_IPIP	    (PL_IFINDEX_BASE + 3)  /* ipip0: routing ipip without the datapath */
#define PL_IFINDEX_BRIDGE   (PL_IFINDEX_BASE + 0)  /* br0 in the segment */
#define PL_IFINDEX_SWORLD   (PL_IFINDEX_BASE + 15) /* the world's port in the segment */
#define PL_IFINDEX_POD_BASE (PL_IFINDEX_BASE + 16) /* + k: lxc veth of a node's k-th pod */
/* The ifindexes of node devices are unique in a run: one block per node (see pl_node_ifindex). */
#define PL_BPFFS_ROOT	"/sys/fs/bpf/podlab"
#define PL_RUN_FILES	"/run/podlab" /* <run>/: the files of a run's processes (nginx) */
#define PL_LEGACY_TABLE 100	      /* legacy: pod replies to masqueraded node IPs */

enum pl_ns_role {
	PL_NS_NODE,
	PL_NS_POD,
	PL_NS_SEGMENT,
	PL_NS_WORLD,
	PL_NS_FABRIC,
};

struct pl_ns {
	char name[PL_NETNS_NAME_MAX]; /* pl-<run>-<x> */
	enum pl_ns_role role;
	int index; /* node or pod index, -1 otherwise */
};

enum pl_step_kind {
	PL_STEP_NETNS,	    /* create ns (and bring lo up) */
	PL_STEP_VETH,	    /* dev in ns, peer in peer.ns: both created in place */
	PL_STEP_BRIDGE,	    /* bridge dev */
	PL_STEP_VXLAN,	    /* vxlan dev: external (collect_md) or classic */
	PL_STEP_IPIP,	    /* ipip dev: local node IP, any remote (routing ipip's twin) */
	PL_STEP_MASTER,	    /* enslave dev to master */
	PL_STEP_LINK_UP,    /* set dev up */
	PL_STEP_GRO,	    /* ethtool -K dev gro on (veth XDP gotcha) */
	PL_STEP_ADDR,	    /* ip/plen on dev */
	PL_STEP_NEIGH,	    /* permanent neighbour ip -> mac on dev */
	PL_STEP_FDB,	    /* vxlan fdb: mac -> remote ip */
	PL_STEP_ROUTE,	    /* dst/plen [via gw] dev [onlink] [table] [encap ip] */
	PL_STEP_RULE,	    /* ip rule: from src/plen (or src6, -6) lookup table */
	PL_STEP_SYSCTL,	    /* key = value in ns */
	PL_STEP_QDISC,	    /* root qdisc on dev */
	PL_STEP_HTB_CLASS,  /* htb class */
	PL_STEP_U32_FILTER, /* u32 filter to an htb class */
	PL_STEP_MASQUERADE, /* nftables: masquerade src cidr leaving oif */
	PL_STEP_DATAPATH,   /* load podlab's datapath for a node, pin maps */
	PL_STEP_ATTACH,	    /* attach a program to a hook of dev */
	PL_STEP_MAPS,	    /* program a node's endpoints, ipcache, policy */
	PL_STEP_ADDR6,	    /* IPv6 ip/plen on dev, nodad (usable at once) */
	PL_STEP_NEIGH6,	    /* permanent IPv6 neighbour ip -> mac on dev */
	PL_STEP_ROUTE6,	    /* IPv6 dst/plen [via gw] dev */
	PL_STEP_NGINX,	    /* nginx in a pod's ns, with the config pl_plan_nginx_conf writes */
	PL_STEP__COUNT,
};

struct pl_step {
	enum pl_step_kind kind;
	int ns; /* index into plan->ns */
	char dev[PL_IFNAMSIZ];
	uint32_t ifindex;
	uint8_t mac[6];
	uint32_t mtu; /* 0 = default */
	union {
		struct {
			int ns;
			char dev[PL_IFNAMSIZ];
			uint32_t ifindex;
			uint8_t mac[6];
		} peer;
		struct {
			uint32_t local; /* network order */
			uint8_t ttl;
		} ipip;
		struct {
			bool external; /* collect_md */
			uint32_t vni;
			uint32_t local;	       /* network order */
			uint32_t link_ifindex; /* underlay device */
			uint16_t port;
		} vxlan;
		char master[PL_IFNAMSIZ];
		struct {
			uint32_t ip; /* network order */
			uint8_t plen;
		} addr;
		struct {
			uint32_t ip; /* neigh: next hop; fdb: remote underlay ip */
			uint8_t mac[6];
		} neigh;
		struct {
			uint32_t dst; /* network order */
			uint8_t plen;
			uint32_t gw; /* 0 = directly connected (scope link) */
			bool onlink;
			uint32_t table; /* 0 = main */
			bool local;	/* type local (dev lo): delivered to this namespace */
			/* encap ip id encap_id dst encap_dst: a collect_md tunnel's metadata */
			uint32_t encap_id, encap_dst; /* encap_dst 0: no encap */
		} route;
		struct {
			uint32_t src; /* network order */
			uint8_t plen;
			uint32_t table;
			uint32_t priority;
			uint32_t fwmark, fwmask; /* fwmask 0: no fwmark match */
			bool v6;		 /* from src6/plen (an `ip -6 rule`) */
			uint8_t src6[16];
		} rule;
		struct {
			char key[64]; /* net/ipv4/ip_forward */
			const char *value;
		} sysctl;
		struct {
			const struct topo_qdisc *q;
			uint32_t handle; /* 0x10000 = 1: */
		} qdisc;
		struct {
			uint32_t classid; /* 1:minor */
			uint32_t parent;
			uint64_t rate, ceil;
			uint32_t prio, quantum;
		} cls;
		struct {
			const struct topo_match *m;
			uint32_t classid;
			uint32_t prio;
		} filter;
		struct {
			uint32_t cidr; /* network order */
			uint8_t plen;
			char oif[PL_IFNAMSIZ]; /* empty: any device (outgoing) */
			/* ipip natOutgoing: to destinations outside every pod CIDR, not to pods */
			bool outgoing;
			bool v6; /* nft's ip6 family: cidr6/plen, the pod CIDRs' v6 twins */
			uint8_t cidr6[16];
		} masq;
		struct {
			uint8_t ip[16]; /* addr6: the address; neigh6: the neighbour; route6: dst */
			uint8_t plen;
			uint8_t gw[16]; /* route6: next hop, all zero = directly connected */
			uint8_t mac[6]; /* neigh6 */
			uint32_t table; /* route6: 0 = main */
			bool onlink;	/* route6: gw need not be on a connected prefix */
		} in6;
		struct {
			int pod;
			uint16_t port; /* host order */
			char dir[128]; /* PL_RUN_FILES/<run>/<pod>: config, logs, pid */
		} nginx;
		struct {
			int node;
		} dp;
		struct {
			int node;
			enum topo_hook hook;
			int prog; /* enum pl_prog, podlab's program when user < 0 */
			int user; /* index into topo.programs, or -1 */
		} attach;
	};
};

struct pl_plan_opts {
	bool datapath;	     /* load and attach podlab's datapath */
	bool xdp_prefilter;  /* attach xdp_prefilter: prefilter rules come at run time */
	bool allow_missing;  /* drop qdiscs whose kind is in skip_qdisc */
	uint32_t skip_qdisc; /* bit (1 << enum topo_qdisc_kind) */
};

struct policy_set; /* topo/policy_compile.h */

struct pl_plan {
	char run[PL_RUN_ID_MAX];
	const struct topo *topo;
	struct pl_plan_opts opts;
	struct pl_ns *ns;
	int nns;
	struct pl_step *steps;
	int nsteps, cap_steps;
	int *node_ns; /* node index -> ns index */
	int *pod_ns;
	int seg_ns, world_ns; /* -1 when absent */
	int fabric_ns;	      /* routing fabric's router, -1 when absent */
	char pin_dir[128];    /* /sys/fs/bpf/podlab/<run>; the cluster-wide maps are pinned here */
	struct policy_set *policy; /* compiled once for every node (datapath plans), else NULL */
};

/* Checks a run id: 1..10 of [a-z0-9], starting with a letter or digit. */
bool pl_run_id_valid(const char *run);

/*
 * Compiles t for run. -EINVAL with one "file:line:col: message" line when the
 * model cannot be laid out (names too long, unsupported underlay).
 */
int pl_plan_build(const struct topo *t, const char *run, const struct pl_plan_opts *opts,
		  struct pl_plan **out);
void pl_plan_free(struct pl_plan *p);

/* Name helpers (usable without a plan). */
int pl_netns_name(const char *run, const char *what, char *buf, size_t len);
/* Node-side veth of pod `pod` (topo index); its ifindex in the node ns. */
void pl_pod_veth_name(const struct topo *t, int pod, char *buf, size_t len);
uint32_t pl_pod_veth_ifindex(const struct topo *t, int pod);
/* The fabric router's port towards node (routing fabric): "f-<node>". */
void pl_fabric_port_name(const struct topo *t, int node, char *buf, size_t len);
/*
 * Ifindex of a node device: node 0's planned ifindex (PL_IFINDEX_UPLINK, _VXLAN,
 * _WORLD, _POD_BASE + k) moved to node's block (16 + the most pods of a node,
 * rounded up to 16, per node): the datapath tells nodes apart by ifindex.
 */
uint32_t pl_node_ifindex(const struct topo *t, int node, uint32_t ifindex);
/* Deterministic MACs: kind 0 pod eth0, 1 node-side veth, 2 uplink, 3 vxlan, 4 seg port,
 * 5 world, 6 fabric port. */
void pl_plan_mac(uint8_t kind, uint32_t index, uint8_t mac[6]);
const char *pl_step_kind_name(enum pl_step_kind kind);
/* The link-local address addrconf derives from mac (modified EUI-64): legacy's IPv6 next hops. */
void pl_plan_ll6(const uint8_t *mac, uint8_t *ip6);
/*
 * What outlives `podlab up` and rollback or `podlab down` removes, in the
 * order the executor records it before creating it: ("netns", name) per
 * namespace, ("pins", pin_dir) once before the first datapath, ("nginx",
 * "DIR NETNS") per pod running nginx. Stops at the
 * first non-zero return of fn and returns it.
 */
int pl_plan_lasting(const struct pl_plan *p,
		    int (*fn)(void *ctx, const char *kind, const char *value), void *ctx);
/*
 * nginx.conf of a PL_STEP_NGINX step, shared by both back ends: one worker,
 * every path under the step's dir, a server on its port answering
 * "podlab nginx on POD" and an access log of client address and request.
 * malloc'ed, NULL on ENOMEM.
 */
char *pl_plan_nginx_conf(const struct pl_plan *p, const struct pl_step *s);
/* "DIR NETNS", the run state's record of a PL_STEP_NGINX step. */
int pl_plan_nginx_record(const struct pl_plan *p, const struct pl_step *s, char *buf, size_t len);
/* Fixed ifindex of dev in plan namespace ns (lo = 1), 0 when the plan has no such device. */
uint32_t pl_plan_ifindex(const struct pl_plan *p, int ns, const char *dev);

/* A program on a hook: podlab's prog (enum pl_prog) when user < 0, else topo->programs[user]. */
struct pl_hook_prog {
	int prog;
	int user;
};

#define PL_HOOK_PROGS_MAX 8

/*
 * The programs the plan attaches to hook of node's device ifindex, in the
 * order the kernel runs them: on a tc hook users' filters (priority 5) before
 * podlab's (10); a device has one XDP program, the one attached last in plan
 * order (each IFLA_XDP replaces the one before). Their count.
 */
int pl_plan_hook_progs(const struct pl_plan *p, int node, uint32_t ifindex, int hook,
		       struct pl_hook_prog out[PL_HOOK_PROGS_MAX]);
/* The name of node's device ifindex as its attach steps give it ("eth0", "lxcfrontend"), or "?". */
const char *pl_plan_attach_dev(const struct pl_plan *p, int node, uint32_t ifindex);

/*
 * nftables text of a masquerade step, shared by both back ends: pods of the
 * node going to another node's pod CIDR through oif are masqueraded; replies
 * to masqueraded peers (a new flow here: the request was redirected by BPF,
 * past this node's conntrack) go to a node IP and keep the pod's IP.
 * outgoing (Calico's natOutgoing): pods of the node going to any address in
 * no pod CIDR of the cluster, out of any device; pod to pod keeps its IPs.
 * malloc'ed, NULL on ENOMEM.
 */
char *pl_plan_nft_masquerade(const struct pl_plan *p, const struct pl_step *s);

#define PL_TC_PRIO_PODLAB 10 /* podlab's cls_bpf filters */
#define PL_TC_PRIO_USER	  5  /* users' programs run before podlab's */

const char *pl_qdisc_kind_name(enum topo_qdisc_kind kind); /* "tbf", ... */
/* Bytes a tbf with latency holds: rate * latency + burst (iproute2's rule). */
uint32_t pl_tbf_limit(const struct topo_tbf *tbf);

/* Datapath data of a plan (plan_dp.c): what apply, the printer and the simulator write. */
struct pl_datapath_opts;

/* One map element a node's datapath holds; every back end writes exactly these. */
struct pl_map_entry {
	const char *map; /* "endpoints", "ipcache", "policy", "prefilter", "endpoints6", "services",
			    ... */
	uint8_t key[24];
	uint32_t key_len;
	uint8_t val[64]; /* a maglev chunk is the largest */
	uint32_t val_len;
};

/* The knobs of node's datapath (pin_dir left NULL, multi_node false). */
void pl_dp_opts(const struct pl_plan *p, int node, struct pl_datapath_opts *o);
/*
 * The run loads the datapath once, at its first datapath step; every later
 * node gets the next slot of the *_of maps. Node's slot, -1 when it has none.
 */
int pl_dp_slot(const struct pl_plan *p, int node);
/* The first node with a datapath step (the one that loads it), -1 when none. */
int pl_dp_loading_node(const struct pl_plan *p);
#define PL_DP_MAX_DEVICES 4096
/*
 * The ifindexes bound to node's slot in the devices map (uplink, vxlan, pod
 * veths) into ifx (room for max); returns how many, or -E2BIG.
 */
int pl_dp_devices(const struct pl_plan *p, int node, uint32_t *ifx, int max);
/*
 * Every map element node's maps step writes: its endpoints, policy entries,
 * prefilter, services; the loading node's also fill the cluster-wide ipcache
 * and ipcache6 (pl_policy_ipcache with node -1), once for the run.
 */
int pl_dp_map_entries(const struct pl_plan *p, int node, struct pl_map_entry **out, int *n);
/* Node's pin directory: <pin_dir>/<node>. */
void pl_dp_pin_dir(const struct pl_plan *p, int node, char *buf, size_t len);
/* Where node's map is pinned: <pin_dir>/<map> for a cluster-wide one, else in node's directory. */
void pl_dp_map_pin(const struct pl_plan *p, int node, const char *map, char *buf, size_t len);

/* The shell back end: a runnable bash script equivalent to pl_plan_exec(). */
int pl_plan_print(const struct pl_plan *p, FILE *f);

#endif /* PL_PLAN_PLAN_H */
