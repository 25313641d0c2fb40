// SPDX-License-Identifier: GPL-2.0
/*
 * Verdict prediction, twice: from the topology's rules (labels, CIDRs,
 * entities, ports: the policy semantics written plainly) and from the
 * compiled maps (ipcache + policy lookups, as the datapath does them).
 */
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "topo/policy_compile.h"
#include "topo/topo_addr.h"
#include "topo/topo_v6.h"

enum peer_kind {
	PEER_POD,
	PEER_HOST,	  /* the viewing node's own underlay IP */
	PEER_REMOTE_NODE, /* another node's underlay IP */
	PEER_EXTERNAL,	  /* anything else: the world host, other addresses */
};

struct peer {
	enum peer_kind kind;
	int pod;
	bool v6;
	uint32_t ip;
	const uint8_t *ip6; /* v6 */
};

static struct peer classify(const struct topo *t, uint32_t ip, int view_node)
{
	struct peer p = {PEER_EXTERNAL, -1, false, ip, NULL};
	int node;

	p.pod = pl_topo_pod_by_ip(t, ip);
	if (p.pod >= 0) {
		p.kind = PEER_POD;
		return p;
	}
	node = pl_topo_node_by_underlay_ip(t, ip);
	if (node >= 0)
		p.kind = node == view_node ? PEER_HOST : PEER_REMOTE_NODE;
	return p;
}

static struct peer classify6(const struct topo *t, const uint8_t *ip6, int view_node)
{
	struct peer p = {PEER_EXTERNAL, -1, true, 0, ip6};
	static const uint8_t zero[16];
	int i;

	p.pod = pl_topo_pod_by_ip6(t, ip6);
	if (p.pod >= 0) {
		p.kind = PEER_POD;
		return p;
	}
	for (i = 0; i < t->nnodes; i++)
		if (memcmp(t->nodes[i].underlay_ip6, zero, 16) &&
		    !memcmp(t->nodes[i].underlay_ip6, ip6, 16))
			p.kind = i == view_node ? PEER_HOST : PEER_REMOTE_NODE;
	return p;
}

/* A CIDR matches addresses of its own family only. */
static bool cidr_matches(const struct topo_cidr *c, const struct peer *p)
{
	uint32_t ip = p->ip;
	int e;

	if (c->v6 != p->v6)
		return false;
	if (c->v6) {
		if (!pl_topo_cidr6_contains(c->ip6, c->plen, p->ip6))
			return false;
		for (e = 0; e < c->nexcept; e++)
			if (pl_topo_cidr6_contains(c->except_ip6[e], c->except_plen[e], p->ip6))
				return false;
		return true;
	}
	if (!pl_topo_cidr_contains(c->ip, c->plen, ip))
		return false;
	for (e = 0; e < c->nexcept; e++)
		if (pl_topo_cidr_contains(c->except_ip[e], c->except_plen[e], ip))
			return false;
	return true;
}

static bool peer_matches(const struct topo *t, const struct topo_rule *r, const struct peer *p)
{
	unsigned int ent = r->entities;
	int i;

	if (r->any_peer)
		return true;
	if ((r->npeer_labels || r->peer_all_pods) && p->kind == PEER_POD &&
	    pl_topo_labels_match(r->peer_labels, r->npeer_labels, t->pods[p->pod].labels,
				 t->pods[p->pod].nlabels))
		return true;
	for (i = 0; p->kind == PEER_EXTERNAL && i < r->ncidrs; i++)
		if (cidr_matches(&r->cidrs[i], p))
			return true;
	if ((ent & TOPO_ENT_WORLD) && p->kind == PEER_EXTERNAL)
		return true;
	if ((ent & (TOPO_ENT_HOST | TOPO_ENT_CLUSTER)) && p->kind == PEER_HOST)
		return true;
	if ((ent & (TOPO_ENT_REMOTE_NODE | TOPO_ENT_CLUSTER)) && p->kind == PEER_REMOTE_NODE)
		return true;
	return (ent & TOPO_ENT_CLUSTER) && p->kind == PEER_POD;
}

static bool port_matches(const struct topo_rule *r, uint8_t proto, uint16_t dport)
{
	int i;

	if (!r->nports)
		return true;
	for (i = 0; i < r->nports; i++) {
		const struct topo_port *pt = &r->ports[i];
		bool proto_ok;

		if (!pt->proto)
			proto_ok = !pt->port || proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
				   proto == IPPROTO_SCTP;
		else
			proto_ok = pt->proto == proto;
		if (proto_ok && (!pt->port || pt->port == dport))
			return true;
	}
	return false;
}

/* The verdict of pod's policies in one direction for a peer: a pl_drop_reason. */
static int eval_dir(const struct topo *t, int pod, enum topo_rule_dir dir, const struct peer *peer,
		    uint8_t proto, uint16_t dport)
{
	const struct topo_pod *pd = &t->pods[pod];
	bool allow = false, deny = false;
	int i, j;

	if (!(dir == TOPO_INGRESS ? pd->ingress_enforced : pd->egress_enforced))
		return PL_DROP_NONE;
	for (i = 0; i < t->npolicies; i++) {
		const struct topo_policy *pol = &t->policies[i];

		if (!pl_topo_policy_selects(pol, pd))
			continue;
		for (j = 0; j < pol->nrules; j++) {
			const struct topo_rule *r = &pol->rules[j];

			if (r->dir != dir || !peer_matches(t, r, peer) ||
			    !port_matches(r, proto, dport))
				continue;
			deny |= r->deny;
			allow |= !r->deny;
		}
	}
	if (deny)
		return PL_DROP_POLICY_DENY;
	return allow ? PL_DROP_NONE : PL_DROP_POLICY_DENIED;
}

/* Legacy mode MASQUERADEs pod traffic leaving its node to the node's IP. */
static uint32_t seen_source(const struct topo *t, uint32_t saddr, int dst_pod)
{
	int src = pl_topo_pod_by_ip(t, saddr);

	if (t->routing != PL_ROUTING_LEGACY || src < 0 ||
	    t->pods[src].node == t->pods[dst_pod].node)
		return saddr;
	return t->nodes[t->pods[src].node].underlay_ip;
}

enum policy_verdict pl_policy_predict(const struct topo *t, const struct policy_set *ps,
				      uint32_t saddr, uint32_t daddr, uint8_t proto, uint16_t dport,
				      int *reason)
{
	int src = pl_topo_pod_by_ip(t, saddr), dst = pl_topo_pod_by_ip(t, daddr);
	struct peer peer;

	(void)ps; /* the rules alone decide; ps is for callers holding both */
	*reason = PL_DROP_NONE;
	if (src >= 0) {
		peer = classify(t, daddr, t->pods[src].node);
		*reason = eval_dir(t, src, TOPO_EGRESS, &peer, proto, dport);
		if (*reason)
			return POLICY_DROPPED_EGRESS;
	}
	if (dst >= 0) {
		peer = classify(t, seen_source(t, saddr, dst), t->pods[dst].node);
		*reason = eval_dir(t, dst, TOPO_INGRESS, &peer, proto, dport);
		if (*reason)
			return POLICY_DROPPED_INGRESS;
	}
	return POLICY_ALLOWED;
}

static int compiled_dir(const struct topo *t, const struct policy_set *ps, int pod, enum pl_dir dir,
			uint32_t remote, uint8_t proto, uint16_t dport)
{
	struct policy_ipcache_entry *ipc;
	uint32_t flag = dir == PL_DIR_INGRESS ? PL_EP_F_INGRESS_ENFORCED : PL_EP_F_EGRESS_ENFORCED;
	uint32_t id;
	int n;

	if (!(ps->ep_flags[pod] & flag))
		return PL_DROP_NONE;
	if (pl_policy_ipcache(t, ps, t->pods[pod].node, &ipc, &n))
		return -1;
	id = pl_policy_ipcache_lookup(ipc, n, remote, NULL);
	free(ipc);
	return pl_policy_lookup(ps, t->pods[pod].ep_id, id, proto, dport, dir, NULL);
}

enum policy_verdict pl_policy_evaluate_compiled(const struct topo *t, const struct policy_set *ps,
						uint32_t saddr, uint32_t daddr, uint8_t proto,
						uint16_t dport, int *reason)
{
	int src = pl_topo_pod_by_ip(t, saddr), dst = pl_topo_pod_by_ip(t, daddr);

	*reason = PL_DROP_NONE;
	if (src >= 0) {
		*reason = compiled_dir(t, ps, src, PL_DIR_EGRESS, daddr, proto, dport);
		if (*reason)
			return POLICY_DROPPED_EGRESS;
	}
	if (dst >= 0) {
		*reason = compiled_dir(t, ps, dst, PL_DIR_INGRESS, seen_source(t, saddr, dst),
				       proto, dport);
		if (*reason)
			return POLICY_DROPPED_INGRESS;
	}
	return POLICY_ALLOWED;
}

/* Legacy's ip6 MASQUERADE: between nodes the destination sees the source node's ipv6. */
static const uint8_t *seen_source6(const struct topo *t, const uint8_t *saddr6, int dst_pod)
{
	int src = pl_topo_pod_by_ip6(t, saddr6);

	if (t->routing != PL_ROUTING_LEGACY || src < 0 ||
	    t->pods[src].node == t->pods[dst_pod].node)
		return saddr6;
	return t->nodes[t->pods[src].node].underlay_ip6;
}

enum policy_verdict pl_policy_predict6(const struct topo *t, const uint8_t *saddr6,
				       const uint8_t *daddr6, uint8_t proto, uint16_t dport,
				       int *reason)
{
	int src = pl_topo_pod_by_ip6(t, saddr6), dst = pl_topo_pod_by_ip6(t, daddr6);
	struct peer peer;

	*reason = PL_DROP_NONE;
	if (src >= 0) {
		peer = classify6(t, daddr6, t->pods[src].node);
		*reason = eval_dir(t, src, TOPO_EGRESS, &peer, proto, dport);
		if (*reason)
			return POLICY_DROPPED_EGRESS;
	}
	if (dst >= 0) {
		peer = classify6(t, seen_source6(t, saddr6, dst), t->pods[dst].node);
		*reason = eval_dir(t, dst, TOPO_INGRESS, &peer, proto, dport);
		if (*reason)
			return POLICY_DROPPED_INGRESS;
	}
	return POLICY_ALLOWED;
}

static int compiled_dir6(const struct topo *t, const struct policy_set *ps, int pod,
			 enum pl_dir dir, const uint8_t *remote, uint8_t proto, uint16_t dport)
{
	uint32_t flag = dir == PL_DIR_INGRESS ? PL_EP_F_INGRESS_ENFORCED : PL_EP_F_EGRESS_ENFORCED;
	struct policy_ipcache6_entry *ipc;
	uint32_t id;
	int n;

	if (!(ps->ep_flags[pod] & flag))
		return PL_DROP_NONE;
	if (pl_policy_ipcache6(t, ps, t->pods[pod].node, &ipc, &n))
		return -1;
	id = pl_policy_ipcache6_lookup(ipc, n, remote, NULL);
	free(ipc);
	return pl_policy_lookup(ps, t->pods[pod].ep_id, id, proto, dport, dir, NULL);
}

enum policy_verdict pl_policy_evaluate_compiled6(const struct topo *t, const struct policy_set *ps,
						 const uint8_t *saddr6, const uint8_t *daddr6,
						 uint8_t proto, uint16_t dport, int *reason)
{
	int src = pl_topo_pod_by_ip6(t, saddr6), dst = pl_topo_pod_by_ip6(t, daddr6);

	*reason = PL_DROP_NONE;
	if (src >= 0) {
		*reason = compiled_dir6(t, ps, src, PL_DIR_EGRESS, daddr6, proto, dport);
		if (*reason)
			return POLICY_DROPPED_EGRESS;
	}
	if (dst >= 0) {
		*reason = compiled_dir6(t, ps, dst, PL_DIR_INGRESS, seen_source6(t, saddr6, dst),
					proto, dport);
		if (*reason)
			return POLICY_DROPPED_INGRESS;
	}
	return POLICY_ALLOWED;
}

const char *pl_policy_verdict_name(enum policy_verdict v)
{
	switch (v) {
	case POLICY_ALLOWED:
		return "allowed";
	case POLICY_DROPPED_EGRESS:
		return "dropped at egress";
	case POLICY_DROPPED_INGRESS:
		return "dropped at ingress";
	}
	return "?";
}
