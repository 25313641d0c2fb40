/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Policies of a topology compiled to what the datapath's maps hold, and the
 * same semantics evaluated in plain C to predict verdicts.
 *
 * Semantics (Kubernetes / Cilium): a pod no policy selects in a direction
 * allows everything in that direction; once selected, only explicit allows
 * pass; a deny wins over any allow. Peers are matched by identity (labels),
 * by CIDR (addresses outside the cluster only: pods and nodes never match a
 * CIDR) or by entity. Ports are (port, protocol), or any.
 *
 * The datapath looks a packet up with up to six keys (docs/topology.md,
 * "Policy compilation"): remote identity then 0, each with (proto, dport),
 * (proto, 0) and (0, 0); any deny entry found → POLICY_DENY (181), else any
 * allow → pass, else POLICY_DENIED (133). pl_policy_lookup() is that lookup.
 */
#ifndef PL_POLICY_COMPILE_H
#define PL_POLICY_COMPILE_H

#include <stdint.h>

#include "lib/u64map.h"
#include "topo/topo.h"

/* rule_id of a policy entry: which policy and which topo_rule of it. */
#define POLICY_RULE_ID(pol, rule) (((uint32_t)(pol) << 16) | (uint32_t)(rule))
#define POLICY_RULE_POLICY(id)	  ((int)((id) >> 16))
#define POLICY_RULE_INDEX(id)	  ((int)((id)&0xffff))

struct policy_entry {
	struct pl_policy_key key;
	struct pl_policy_entry val;
};

/* A CIDR identity: PL_ID_CIDR_MIN + index, the world host's /32 first; either family. */
struct policy_prefix {
	uint32_t ip; /* network order; 0 when v6 */
	uint8_t plen;
	bool v6;
	uint8_t ip6[16];
	uint32_t identity;
};

struct policy_ipcache_entry {
	struct pl_ipcache_key key; /* prefixlen, ip (network order) */
	struct pl_ipcache_info info;
};

struct policy_ipcache6_entry {
	struct pl_ipcache6_key key; /* prefixlen, ip6 (network order) */
	struct pl_ipcache_info info;
};

struct policy_set {
	struct policy_entry *entries; /* unique keys; deny wins when rules collide */
	int nentries;
	struct policy_prefix *prefixes;
	int nprefixes;
	/* What compiling looks up by, so 100k rules take seconds, not hours. */
	struct pl_u64map entry_idx;  /* hash of an entry's key -> its index */
	struct pl_u64map prefix_idx; /* hash of family, address, length -> index into prefixes */
	int *prefix_by_ip;	     /* prefixes' indexes by family and address */
	int prefix_cap;
	uint32_t *ep_flags; /* per pod (topo.pods order): PL_EP_F_* */
	int npods;
};

int pl_policy_compile(const struct topo *t, struct policy_set **out);
void pl_policy_set_free(struct policy_set *ps);

/*
 * The ipcache as node `node` sees it: every pod /32 → its identity, with the
 * tunnel endpoint = its node's underlay IP for pods of other nodes (0 for
 * local ones); node IPs /32 → HOST (this node) or REMOTE_NODE; the CIDR
 * identities' prefixes (including the world host). A miss means WORLD.
 * node -1: the datapath's cluster-wide map, which no node sees as its own:
 * every pod's tunnel endpoint set, every node IP REMOTE_NODE with its node_ip
 * (the program tells its own apart, bpf/lib/maps.h pl_ipc_identity).
 * *out is malloc'ed.
 */
int pl_policy_ipcache(const struct topo *t, const struct policy_set *ps, int node,
		      struct policy_ipcache_entry **out, int *n);
/* Longest-prefix match over entries; PL_ID_WORLD on a miss. tunnel may be NULL. */
uint32_t pl_policy_ipcache_lookup(const struct policy_ipcache_entry *e, int n, uint32_t ip,
				  uint32_t *tunnel);

/*
 * ipcache6 as node `node` sees it (empty without IPv6 in ipFamilies): every
 * pod's IPv6 /128 (tunnel endpoint as in pl_policy_ipcache), the nodes' ipv6
 * /128, the IPv6 CIDR identities' prefixes; node -1 the cluster-wide map, as
 * pl_policy_ipcache's. *out is malloc'ed (or NULL).
 */
int pl_policy_ipcache6(const struct topo *t, const struct policy_set *ps, int node,
		       struct policy_ipcache6_entry **out, int *n);
/* Longest-prefix match over entries; PL_ID_WORLD on a miss. tunnel may be NULL. */
uint32_t pl_policy_ipcache6_lookup(const struct policy_ipcache6_entry *e, int n, const uint8_t *ip6,
				   uint32_t *tunnel);

/*
 * The datapath's lookup on the compiled entries for a selected endpoint:
 * PL_DROP_NONE (an allow matched), PL_DROP_POLICY_DENY or
 * PL_DROP_POLICY_DENIED. dport host order. rule_id (may be NULL) gets the
 * deciding entry's rule.
 */
int pl_policy_lookup(const struct policy_set *ps, uint32_t ep_id, uint32_t remote_identity,
		     uint8_t proto, uint16_t dport, enum pl_dir dir, uint32_t *rule_id);

enum policy_verdict {
	POLICY_ALLOWED = 0,
	POLICY_DROPPED_EGRESS = 1,  /* by the source pod's egress policy */
	POLICY_DROPPED_INGRESS = 2, /* by the destination pod's ingress policy */
};

/*
 * Expected verdict of a new flow saddr → daddr (network order; dport host
 * order, 0 for ICMP), evaluated from the topology's rules (not from the
 * compiled entries). *reason: PL_DROP_POLICY_DENIED (133) or
 * PL_DROP_POLICY_DENY (181) when dropped, PL_DROP_NONE when allowed.
 * ps is not read and may be NULL.
 * Legacy mode: between nodes the destination sees the source node's IP
 * (MASQUERADE), so its ingress policy sees REMOTE_NODE.
 */
enum policy_verdict pl_policy_predict(const struct topo *t, const struct policy_set *ps,
				      uint32_t saddr, uint32_t daddr, uint8_t proto, uint16_t dport,
				      int *reason);

/*
 * Same question answered from the compiled maps the way the datapath does:
 * ipcache of the source's node, pl_policy_lookup at egress; ipcache of the
 * destination's node, pl_policy_lookup at ingress. Tests hold it equal to
 * pl_policy_predict.
 */
enum policy_verdict pl_policy_evaluate_compiled(const struct topo *t, const struct policy_set *ps,
						uint32_t saddr, uint32_t daddr, uint8_t proto,
						uint16_t dport, int *reason);

/*
 * The two above for IPv6 addresses (16 bytes, network order): CIDR rules
 * match the prefixes of the packet's family only; identities and label rules
 * are the same as IPv4's.
 */
enum policy_verdict pl_policy_predict6(const struct topo *t, const uint8_t *saddr6,
				       const uint8_t *daddr6, uint8_t proto, uint16_t dport,
				       int *reason);
enum policy_verdict pl_policy_evaluate_compiled6(const struct topo *t, const struct policy_set *ps,
						 const uint8_t *saddr6, const uint8_t *daddr6,
						 uint8_t proto, uint16_t dport, int *reason);

const char *pl_policy_verdict_name(enum policy_verdict v); /* "allowed", "dropped at egress", ... */

#endif /* PL_POLICY_COMPILE_H */
