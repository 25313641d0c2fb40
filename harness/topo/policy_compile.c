// SPDX-License-Identifier: GPL-2.0
/*
 * Policy compiler: topology rules → policy map entries, CIDR identities and
 * per-node ipcache contents. CIDR rules rely on the ipcache's longest-prefix
 * match: a rule for P allows (or denies) the identity of P and of every
 * prefix inside P that is not inside one of the rule's except prefixes,
 * because an address in a nested prefix resolves to the nested identity.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "topo/policy_compile.h"
#include "topo/policy_l7.h"
#include "topo/topo_addr.h"

struct idset {
	uint32_t *ids;
	int n, cap;
};

static int idset_add(struct idset *s, uint32_t id)
{
	uint32_t *ids;
	int i;

	for (i = 0; i < s->n; i++)
		if (s->ids[i] == id)
			return 0;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		ids = realloc(s->ids, s->cap * sizeof(*ids));
		if (!ids)
			return -ENOMEM;
		s->ids = ids;
	}
	s->ids[s->n++] = id;
	return 0;
}

static int prefix_find(const struct policy_set *ps, uint32_t ip, uint8_t plen)
{
	int i;

	for (i = 0; i < ps->nprefixes; i++)
		if (ps->prefixes[i].ip == ip && ps->prefixes[i].plen == plen)
			return i;
	return -1;
}

/* 0.0.0.0/0 is WORLD itself and gets no CIDR identity. */
static int prefix_add(struct policy_set *ps, uint32_t ip, uint8_t plen)
{
	struct policy_prefix *p;

	if (!plen || prefix_find(ps, ip, plen) >= 0)
		return 0;
	p = realloc(ps->prefixes, (ps->nprefixes + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	ps->prefixes = p;
	p[ps->nprefixes].ip = ip;
	p[ps->nprefixes].plen = plen;
	p[ps->nprefixes].identity = PL_ID_CIDR_MIN + (uint32_t)ps->nprefixes;
	ps->nprefixes++;
	return 0;
}

static int collect_prefixes(const struct topo *t, struct policy_set *ps)
{
	int i, j, k, e, err = 0;

	if (t->world.present)
		err = prefix_add(ps, t->world.ip, 32);
	for (i = 0; !err && i < t->npolicies; i++) {
		for (j = 0; !err && j < t->policies[i].nrules; j++) {
			const struct topo_rule *r = &t->policies[i].rules[j];

			for (k = 0; !err && k < r->ncidrs; k++) {
				err = prefix_add(ps, r->cidrs[k].ip, r->cidrs[k].plen);
				for (e = 0; !err && e < r->cidrs[k].nexcept; e++)
					err = prefix_add(ps, r->cidrs[k].except_ip[e],
							 r->cidrs[k].except_plen[e]);
			}
		}
	}
	return err;
}

static bool in_except(const struct topo_cidr *c, uint32_t ip, uint8_t plen)
{
	int e;

	for (e = 0; e < c->nexcept; e++)
		if (pl_topo_cidr_within(ip, plen, c->except_ip[e], c->except_plen[e]))
			return true;
	return false;
}

static int cidr_identities(const struct policy_set *ps, const struct topo_cidr *c, struct idset *s)
{
	int i, err = 0;

	if (!c->plen)
		err = idset_add(s, PL_ID_WORLD);
	for (i = 0; !err && i < ps->nprefixes; i++) {
		const struct policy_prefix *p = &ps->prefixes[i];

		if (pl_topo_cidr_within(p->ip, p->plen, c->ip, c->plen) &&
		    !in_except(c, p->ip, p->plen))
			err = idset_add(s, p->identity);
	}
	return err;
}

static int pod_identities(const struct topo *t, const struct topo_label *want, int nwant,
			  struct idset *s)
{
	int i, err = 0;

	for (i = 0; !err && i < t->npods; i++)
		if (pl_topo_labels_match(want, nwant, t->pods[i].labels, t->pods[i].nlabels))
			err = idset_add(s, t->pods[i].identity);
	return err;
}

/* The remote identities a rule's peer selector stands for; {0} = any. */
static int rule_identities(const struct topo *t, const struct policy_set *ps,
			   const struct topo_rule *r, struct idset *s)
{
	int i, err = 0;

	if (r->any_peer)
		return idset_add(s, 0);
	if (r->npeer_labels || r->peer_all_pods)
		err = pod_identities(t, r->peer_labels, r->npeer_labels, s);
	for (i = 0; !err && i < r->ncidrs; i++)
		err = cidr_identities(ps, &r->cidrs[i], s);
	if (!err && (r->entities & TOPO_ENT_WORLD)) {
		err = idset_add(s, PL_ID_WORLD);
		for (i = 0; !err && i < ps->nprefixes; i++)
			err = idset_add(s, ps->prefixes[i].identity);
	}
	if (!err && (r->entities & (TOPO_ENT_HOST | TOPO_ENT_CLUSTER)))
		err = idset_add(s, PL_ID_HOST);
	if (!err && (r->entities & (TOPO_ENT_REMOTE_NODE | TOPO_ENT_CLUSTER)))
		err = idset_add(s, PL_ID_REMOTE_NODE);
	if (!err && (r->entities & TOPO_ENT_CLUSTER))
		err = pod_identities(t, NULL, 0, s);
	return err;
}

static int entry_add(struct policy_set *ps, const struct pl_policy_key *key, bool deny, bool proxy,
		     uint32_t rule_id, int *cap)
{
	struct policy_entry *e;
	int i;

	for (i = 0; i < ps->nentries; i++) {
		e = &ps->entries[i];
		if (memcmp(&e->key, key, sizeof(*key)))
			continue;
		/* Same key from two rules: deny wins, and names the denying rule. */
		if (deny && !e->val.deny) {
			e->val.deny = 1;
			e->val.rule_id = rule_id;
		}
		e->val.proxy |= proxy; /* an L7 and an L4 rule: still proxied */
		return 0;
	}
	if (ps->nentries == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		e = realloc(ps->entries, *cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		ps->entries = e;
	}
	e = &ps->entries[ps->nentries++];
	memset(e, 0, sizeof(*e));
	e->key = *key;
	e->val.deny = deny;
	e->val.proxy = proxy;
	e->val.rule_id = rule_id;
	return 0;
}

/* A port with protocol ANY stands for TCP, UDP and SCTP (as in Cilium). */
static int rule_entries(struct policy_set *ps, const struct topo_rule *r, uint32_t ep_id,
			const struct idset *ids, uint32_t rule_id, int *cap)
{
	static const uint8_t l4[] = {IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP};
	struct pl_policy_key key;
	int i, j, k, err = 0;

	memset(&key, 0, sizeof(key));
	key.ep_id = ep_id;
	key.dir = (uint8_t)r->dir;
	for (i = 0; !err && i < ids->n; i++) {
		key.remote_identity = ids->ids[i];
		if (!r->nports) {
			key.proto = 0;
			key.dport = 0;
			err = entry_add(ps, &key, r->deny, false, rule_id, cap);
		}
		for (j = 0; !err && j < r->nports; j++) {
			const struct topo_port *pt = &r->ports[j];

			key.dport = htons(pt->port);
			if (pt->proto || !pt->port) {
				key.proto = pt->proto;
				err = entry_add(ps, &key, r->deny, pt->l7, rule_id, cap);
				continue;
			}
			for (k = 0; !err && k < 3; k++) {
				key.proto = l4[k];
				err = entry_add(ps, &key, r->deny, pt->l7, rule_id, cap);
			}
		}
	}
	return err;
}

/* Proxied entries get their proxy's listening port (the datapath steers to it). */
static int proxy_ports(const struct topo *t, struct policy_set *ps)
{
	struct policy_proxies pp;
	struct topo_pos bad;
	int i, k, err;

	err = pl_policy_proxies(t, &pp, &bad);
	for (i = 0; !err && i < ps->nentries; i++) {
		struct policy_entry *e = &ps->entries[i];

		if (!e->val.proxy)
			continue;
		for (k = 0; k < t->npods && t->pods[k].ep_id != e->key.ep_id; k++)
			;
		if (k < t->npods)
			e->val.proxy_port = pl_policy_proxy_listen(t, &pp, k, ntohs(e->key.dport));
	}
	pl_policy_proxies_free(&pp);
	return err;
}

int pl_policy_compile(const struct topo *t, struct policy_set **out)
{
	struct policy_set *ps;
	struct idset ids = {0};
	int i, j, k, cap = 0, err;

	*out = NULL;
	ps = calloc(1, sizeof(*ps));
	if (!ps)
		return -ENOMEM;
	ps->npods = t->npods;
	ps->ep_flags = calloc(t->npods ? t->npods : 1, sizeof(*ps->ep_flags));
	err = ps->ep_flags ? collect_prefixes(t, ps) : -ENOMEM;
	for (k = 0; !err && k < t->npods; k++) {
		const struct topo_pod *pod = &t->pods[k];

		ps->ep_flags[k] = (pod->ingress_enforced ? PL_EP_F_INGRESS_ENFORCED : 0) |
				  (pod->egress_enforced ? PL_EP_F_EGRESS_ENFORCED : 0);
		for (i = 0; !err && i < t->npolicies; i++) {
			const struct topo_policy *pol = &t->policies[i];

			if (!pl_topo_policy_selects(pol, pod))
				continue;
			for (j = 0; !err && j < pol->nrules; j++) {
				const struct topo_rule *r = &pol->rules[j];

				ids.n = 0;
				err = rule_identities(t, ps, r, &ids);
				if (!err)
					err = rule_entries(ps, r, pod->ep_id, &ids,
							   POLICY_RULE_ID(i, j), &cap);
			}
		}
	}
	free(ids.ids);
	if (!err)
		err = proxy_ports(t, ps);
	if (err) {
		pl_policy_set_free(ps);
		return err;
	}
	*out = ps;
	return 0;
}

void pl_policy_set_free(struct policy_set *ps)
{
	if (!ps)
		return;
	free(ps->entries);
	free(ps->prefixes);
	free(ps->ep_flags);
	free(ps);
}

static bool have_prefix(const struct policy_ipcache_entry *e, int n, uint32_t ip, uint8_t plen)
{
	int i;

	for (i = 0; i < n; i++)
		if (e[i].key.ip == ip && e[i].key.prefixlen == plen)
			return true;
	return false;
}

int pl_policy_ipcache(const struct topo *t, const struct policy_set *ps, int node,
		      struct policy_ipcache_entry **out, int *n)
{
	struct policy_ipcache_entry *e;
	int i, cnt = 0;

	e = calloc(t->npods + t->nnodes + ps->nprefixes + 1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	for (i = 0; i < t->npods; i++, cnt++) {
		e[cnt].key.prefixlen = 32;
		e[cnt].key.ip = t->pods[i].ip;
		e[cnt].info.identity = t->pods[i].identity;
		if (t->pods[i].node != node)
			e[cnt].info.tunnel_endpoint = t->nodes[t->pods[i].node].underlay_ip;
		/* ipipMode CrossSubnet: the datapath routes these bare (PL_IPC_F_SAME_SUBNET). */
		if (t->pods[i].node != node && t->routing == PL_ROUTING_IPIP &&
		    t->ipip_mode == TOPO_IPIP_CROSS_SUBNET &&
		    pl_topo_same_subnet(t, node, t->pods[i].node))
			e[cnt].info.flags = PL_IPC_F_SAME_SUBNET;
	}
	for (i = 0; i < t->nnodes; i++, cnt++) {
		e[cnt].key.prefixlen = 32;
		e[cnt].key.ip = t->nodes[i].underlay_ip;
		e[cnt].info.identity = i == node ? PL_ID_HOST : PL_ID_REMOTE_NODE;
	}
	/* Cluster addresses win over an equal CIDR prefix: CIDR rules never match them. */
	for (i = 0; i < ps->nprefixes; i++) {
		if (have_prefix(e, cnt, ps->prefixes[i].ip, ps->prefixes[i].plen))
			continue;
		e[cnt].key.prefixlen = ps->prefixes[i].plen;
		e[cnt].key.ip = ps->prefixes[i].ip;
		e[cnt].info.identity = ps->prefixes[i].identity;
		cnt++;
	}
	*out = e;
	*n = cnt;
	return 0;
}

uint32_t pl_policy_ipcache_lookup(const struct policy_ipcache_entry *e, int n, uint32_t ip,
				  uint32_t *tunnel)
{
	int i, best = -1;

	for (i = 0; i < n; i++) {
		if (!pl_topo_cidr_contains(e[i].key.ip, (uint8_t)e[i].key.prefixlen, ip))
			continue;
		if (best < 0 || e[i].key.prefixlen > e[best].key.prefixlen)
			best = i;
	}
	if (tunnel)
		*tunnel = best < 0 ? 0 : e[best].info.tunnel_endpoint;
	return best < 0 ? PL_ID_WORLD : e[best].info.identity;
}

static const struct policy_entry *find(const struct policy_set *ps, const struct pl_policy_key *k)
{
	int i;

	for (i = 0; i < ps->nentries; i++)
		if (!memcmp(&ps->entries[i].key, k, sizeof(*k)))
			return &ps->entries[i];
	return NULL;
}

int pl_policy_lookup(const struct policy_set *ps, uint32_t ep_id, uint32_t remote_identity,
		     uint8_t proto, uint16_t dport, enum pl_dir dir, uint32_t *rule_id)
{
	const struct policy_entry *e, *allow = NULL;
	struct pl_policy_key k;
	int i, j;

	memset(&k, 0, sizeof(k));
	k.ep_id = ep_id;
	k.dir = (uint8_t)dir;
	for (i = 0; i < 2; i++) {
		k.remote_identity = i ? 0 : remote_identity;
		for (j = 0; j < 3; j++) {
			k.proto = j < 2 ? proto : 0;
			k.dport = j == 0 ? htons(dport) : 0;
			e = find(ps, &k);
			if (e && e->val.deny) {
				if (rule_id)
					*rule_id = e->val.rule_id;
				return PL_DROP_POLICY_DENY;
			}
			if (e && !allow)
				allow = e;
		}
	}
	if (rule_id)
		*rule_id = allow ? allow->val.rule_id : 0;
	return allow ? PL_DROP_NONE : PL_DROP_POLICY_DENIED;
}
