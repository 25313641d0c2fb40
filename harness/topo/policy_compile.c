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
#include "topo/topo_v6.h"

struct idset {
	uint32_t *ids;
	int n, cap;
	struct pl_u64map seen; /* once n is past IDSET_LINEAR */
};

#define IDSET_LINEAR 16

static void idset_reset(struct idset *s)
{
	s->n = 0;
	pl_u64map_free(&s->seen);
}

static int idset_add(struct idset *s, uint32_t id)
{
	uint32_t *ids;
	int i, err;

	if (s->n < IDSET_LINEAR) {
		for (i = 0; i < s->n; i++)
			if (s->ids[i] == id)
				return 0;
	} else {
		for (i = s->seen.n; i < s->n; i++) /* the linear part, once */
			if ((err = pl_u64map_put(&s->seen, s->ids[i], i)))
				return err;
		if (pl_u64map_get(&s->seen, id) >= 0)
			return 0;
		if ((err = pl_u64map_put(&s->seen, id, s->n)))
			return err;
	}
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

/* The prefix of either family (ip6 NULL: IPv4) is p. */
static bool prefix_is(const struct policy_prefix *p, bool v6, uint32_t ip, const uint8_t *ip6,
		      uint8_t plen)
{
	if (p->v6 != v6 || p->plen != plen)
		return false;
	return v6 ? !memcmp(p->ip6, ip6, 16) : p->ip == ip;
}

/* A prefix's address as compared and sorted: IPv4 in its first 4 bytes (network order). */
static void prefix_addr(bool v6, uint32_t ip, const uint8_t *ip6, uint8_t a[16])
{
	memset(a, 0, 16);
	if (v6)
		memcpy(a, ip6, 16);
	else
		memcpy(a, &ip, 4);
}

static uint64_t prefix_key(bool v6, uint32_t ip, const uint8_t *ip6, uint8_t plen)
{
	uint8_t k[18];

	prefix_addr(v6, ip, ip6, k);
	k[16] = v6;
	k[17] = plen;
	return pl_u64map_hash(k, sizeof(k));
}

static int prefix_find(const struct policy_set *ps, bool v6, uint32_t ip, const uint8_t *ip6,
		       uint8_t plen)
{
	int i = pl_u64map_get(&ps->prefix_idx, prefix_key(v6, ip, ip6, plen));

	if (i < 0 || prefix_is(&ps->prefixes[i], v6, ip, ip6, plen))
		return i;
	for (i = 0; i < ps->nprefixes; i++) /* two prefixes of one hash: look them all up */
		if (prefix_is(&ps->prefixes[i], v6, ip, ip6, plen))
			return i;
	return -1;
}

/*
 * 0.0.0.0/0 is WORLD itself and gets no CIDR identity, but in dual stack each
 * family's /0 gets one: WORLD stands for both, and a /0 rule allows one family.
 */
static int prefix_add(struct policy_set *ps, bool v6, uint32_t ip, const uint8_t *ip6, uint8_t plen,
		      bool dual)
{
	struct policy_prefix *p;

	uint64_t key = prefix_key(v6, ip, ip6, plen);

	if ((!plen && !dual) || prefix_find(ps, v6, ip, ip6, plen) >= 0)
		return 0;
	if (ps->nprefixes == ps->prefix_cap) {
		int cap = ps->prefix_cap ? ps->prefix_cap * 2 : 16;

		p = realloc(ps->prefixes, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		ps->prefixes = p;
		ps->prefix_cap = cap;
	}
	if (pl_u64map_get(&ps->prefix_idx, key) < 0 &&
	    pl_u64map_put(&ps->prefix_idx, key, ps->nprefixes))
		return -ENOMEM;
	p = &ps->prefixes[ps->nprefixes];
	memset(p, 0, sizeof(*p));
	p->v6 = v6;
	p->ip = ip;
	if (v6)
		memcpy(p->ip6, ip6, 16);
	p->plen = plen;
	p->identity = PL_ID_CIDR_MIN + (uint32_t)ps->nprefixes;
	ps->nprefixes++;
	return 0;
}

static int collect_prefixes(const struct topo *t, struct policy_set *ps)
{
	bool dual = pl_topo_has_v6(t);
	int i, j, k, e, err = 0;

	if (t->world.present)
		err = prefix_add(ps, false, t->world.ip, NULL, 32, dual);
	for (i = 0; !err && i < t->npolicies; i++) {
		for (j = 0; !err && j < t->policies[i].nrules; j++) {
			const struct topo_rule *r = &t->policies[i].rules[j];

			for (k = 0; !err && k < r->ncidrs; k++) {
				const struct topo_cidr *c = &r->cidrs[k];

				err = prefix_add(ps, c->v6, c->ip, c->ip6, c->plen, dual);
				for (e = 0; !err && e < c->nexcept; e++)
					err = prefix_add(ps, c->v6, c->except_ip[e],
							 c->v6 ? c->except_ip6[e] : NULL,
							 c->except_plen[e], dual);
			}
		}
	}
	return err;
}

/* The prefix (of c's family) lies inside c's e-th except prefix, or inside c itself (e < 0). */
static bool prefix_within(const struct topo_cidr *c, int e, const struct policy_prefix *p)
{
	if (p->v6 != c->v6)
		return false;
	if (e < 0)
		return p->v6 ? pl_topo_cidr6_within(p->ip6, p->plen, c->ip6, c->plen)
			     : pl_topo_cidr_within(p->ip, p->plen, c->ip, c->plen);
	return p->v6 ? pl_topo_cidr6_within(p->ip6, p->plen, c->except_ip6[e], c->except_plen[e])
		     : pl_topo_cidr_within(p->ip, p->plen, c->except_ip[e], c->except_plen[e]);
}

static bool in_except(const struct topo_cidr *c, const struct policy_prefix *p)
{
	int e;

	for (e = 0; e < c->nexcept; e++)
		if (prefix_within(c, e, p))
			return true;
	return false;
}

static const struct policy_set *sort_ps;

/* Family, then address: the prefixes inside a CIDR are one run of prefix_by_ip. */
static int prefix_cmp(const struct policy_prefix *p, bool v6, const uint8_t a[16])
{
	uint8_t b[16];

	if (p->v6 != v6)
		return p->v6 ? 1 : -1;
	prefix_addr(p->v6, p->ip, p->ip6, b);
	return memcmp(b, a, 16);
}

static int by_addr(const void *x, const void *y)
{
	const struct policy_prefix *q = &sort_ps->prefixes[*(const int *)y];
	uint8_t a[16];

	prefix_addr(q->v6, q->ip, q->ip6, a);
	return prefix_cmp(&sort_ps->prefixes[*(const int *)x], q->v6, a);
}

static int sort_prefixes(struct policy_set *ps)
{
	int i;

	ps->prefix_by_ip = malloc((ps->nprefixes ? ps->nprefixes : 1) * sizeof(int));
	if (!ps->prefix_by_ip)
		return -ENOMEM;
	for (i = 0; i < ps->nprefixes; i++)
		ps->prefix_by_ip[i] = i;
	sort_ps = ps; /* qsort has no context argument; compiling is single-threaded */
	qsort(ps->prefix_by_ip, ps->nprefixes, sizeof(int), by_addr);
	sort_ps = NULL;
	return 0;
}

static int cidr_identities(const struct policy_set *ps, const struct topo_cidr *c, struct idset *s)
{
	int a = 0, b = ps->nprefixes, i, err = 0, bits = c->v6 ? 128 : 32;
	uint8_t lo[16], hi[16];

	/* A /0 without an identity of its own (IPv4 only) is WORLD. */
	if (!c->plen && prefix_find(ps, c->v6, c->ip, c->ip6, 0) < 0)
		err = idset_add(s, PL_ID_WORLD);
	prefix_addr(c->v6, c->ip, c->ip6, lo);
	memcpy(hi, lo, 16);
	for (i = c->plen; i < bits; i++)
		hi[i / 8] |= 0x80 >> (i % 8);
	while (a < b) { /* the first prefix at or after the CIDR's first address */
		int m = a + (b - a) / 2;

		if (prefix_cmp(&ps->prefixes[ps->prefix_by_ip[m]], c->v6, lo) < 0)
			a = m + 1;
		else
			b = m;
	}
	for (; !err && a < ps->nprefixes; a++) {
		const struct policy_prefix *p = &ps->prefixes[ps->prefix_by_ip[a]];

		if (prefix_cmp(p, c->v6, hi) > 0)
			break;
		if (prefix_within(c, -1, p) && !in_except(c, p))
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
	uint64_t h = pl_u64map_hash(key, sizeof(*key));
	int i = pl_u64map_get(&ps->entry_idx, h);
	struct policy_entry *e;

	if (i >= 0 && memcmp(&ps->entries[i].key, key, sizeof(*key)))
		for (i = 0; i < ps->nentries; i++) /* two keys of one hash: look them all up */
			if (!memcmp(&ps->entries[i].key, key, sizeof(*key)))
				break;
	if (i >= 0 && i < ps->nentries) {
		e = &ps->entries[i];
		/* Same key from two rules: deny wins, and names the denying rule. */
		if (deny && !e->val.deny) {
			e->val.deny = 1;
			e->val.rule_id = rule_id;
		}
		if (proxy) /* an L7 and an L4 rule: still proxied */
			e->val.flags |= PL_POLICY_F_PROXY;
		return 0;
	}
	if (pl_u64map_get(&ps->entry_idx, h) < 0 && pl_u64map_put(&ps->entry_idx, h, ps->nentries))
		return -ENOMEM;
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
	if (proxy)
		e->val.flags |= PL_POLICY_F_PROXY;
	e->val.rule_id = rule_id;
	return 0;
}

/*
 * The entries from first on are one endpoint's (entry_add merges a key into
 * its own endpoint's entries only): in a direction none of them denies, an
 * allow is the verdict as soon as the datapath finds one (PL_POLICY_F_FINAL).
 */
static void mark_final(struct policy_set *ps, int first)
{
	bool deny[2] = {false, false};
	int i;

	for (i = first; i < ps->nentries; i++)
		if (ps->entries[i].val.deny && ps->entries[i].key.dir < 2)
			deny[ps->entries[i].key.dir] = true;
	for (i = first; i < ps->nentries; i++)
		if (ps->entries[i].key.dir < 2 && !deny[ps->entries[i].key.dir])
			ps->entries[i].val.flags |= PL_POLICY_F_FINAL;
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

		if (!(e->val.flags & PL_POLICY_F_PROXY))
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
	int i, j, k, first, cap = 0, err;

	*out = NULL;
	ps = calloc(1, sizeof(*ps));
	if (!ps)
		return -ENOMEM;
	ps->npods = t->npods;
	ps->ep_flags = calloc(t->npods ? t->npods : 1, sizeof(*ps->ep_flags));
	err = ps->ep_flags ? collect_prefixes(t, ps) : -ENOMEM;
	if (!err)
		err = sort_prefixes(ps);
	for (k = 0; !err && k < t->npods; k++) {
		const struct topo_pod *pod = &t->pods[k];

		ps->ep_flags[k] = (pod->ingress_enforced ? PL_EP_F_INGRESS_ENFORCED : 0) |
				  (pod->egress_enforced ? PL_EP_F_EGRESS_ENFORCED : 0);
		first = ps->nentries;
		for (i = 0; !err && i < t->npolicies; i++) {
			const struct topo_policy *pol = &t->policies[i];

			if (!pl_topo_policy_selects(pol, pod))
				continue;
			for (j = 0; !err && j < pol->nrules; j++) {
				const struct topo_rule *r = &pol->rules[j];

				idset_reset(&ids);
				err = rule_identities(t, ps, r, &ids);
				if (!err)
					err = rule_entries(ps, r, pod->ep_id, &ids,
							   POLICY_RULE_ID(i, j), &cap);
			}
		}
		if (!err)
			mark_final(ps, first);
	}
	free(ids.ids);
	pl_u64map_free(&ids.seen);
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
	free(ps->prefix_by_ip);
	pl_u64map_free(&ps->entry_idx);
	pl_u64map_free(&ps->prefix_idx);
	free(ps->ep_flags);
	free(ps);
}

/* ipipMode CrossSubnet: 1 + the first node of node's underlay subnet; 0 otherwise. */
static uint32_t node_subnet(const struct topo *t, int node)
{
	int j;

	if (t->routing != PL_ROUTING_IPIP || t->ipip_mode != TOPO_IPIP_CROSS_SUBNET)
		return 0;
	for (j = 0; j < node && !pl_topo_same_subnet(t, j, node); j++)
		;
	return (uint32_t)j + 1;
}

/* The cluster-wide value as node sees it: its pods local, its own addresses HOST. */
static void node_view(const struct topo *t, int node, struct pl_ipcache_info *info)
{
	uint32_t self = t->nodes[node].underlay_ip;

	if (info->tunnel_endpoint == self)
		info->tunnel_endpoint = 0;
	if (info->identity == PL_ID_REMOTE_NODE && info->node_ip == self)
		info->identity = PL_ID_HOST;
}

int pl_policy_ipcache(const struct topo *t, const struct policy_set *ps, int node,
		      struct policy_ipcache_entry **out, int *n)
{
	struct pl_u64map cluster = {0};
	struct policy_ipcache_entry *e;
	int i, cnt = 0;

	e = calloc(t->npods + t->nnodes + ps->nprefixes + 1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	for (i = 0; i < t->npods; i++, cnt++) {
		e[cnt].key.prefixlen = 32;
		e[cnt].key.ip = t->pods[i].ip;
		e[cnt].info.identity = t->pods[i].identity;
		e[cnt].info.tunnel_endpoint = t->nodes[t->pods[i].node].underlay_ip;
		/* ipipMode CrossSubnet: the datapath routes a pod of its own subnet bare. */
		e[cnt].info.subnet = node_subnet(t, t->pods[i].node);
	}
	for (i = 0; i < t->nnodes; i++, cnt++) {
		e[cnt].key.prefixlen = 32;
		e[cnt].key.ip = t->nodes[i].underlay_ip;
		e[cnt].info.identity = PL_ID_REMOTE_NODE;
		e[cnt].info.node_ip = t->nodes[i].underlay_ip;
		e[cnt].info.subnet = node_subnet(t, i);
	}
	/* Cluster addresses (all /32s) win over an equal CIDR prefix: CIDR rules never match them.
	 */
	for (i = 0; i < cnt; i++)
		if (pl_u64map_put(&cluster, e[i].key.ip, i)) {
			pl_u64map_free(&cluster);
			free(e);
			return -ENOMEM;
		}
	for (i = 0; i < ps->nprefixes; i++) {
		if (ps->prefixes[i].v6 || (ps->prefixes[i].plen == 32 &&
					   pl_u64map_get(&cluster, ps->prefixes[i].ip) >= 0))
			continue;
		e[cnt].key.prefixlen = ps->prefixes[i].plen;
		e[cnt].key.ip = ps->prefixes[i].ip;
		e[cnt].info.identity = ps->prefixes[i].identity;
		cnt++;
	}
	pl_u64map_free(&cluster);
	for (i = 0; node >= 0 && i < cnt; i++)
		node_view(t, node, &e[i].info);
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

static int push6(struct policy_ipcache6_entry *e, int *cnt, const uint8_t *ip6, uint8_t plen,
		 uint32_t identity, uint32_t tunnel, uint32_t node_ip)
{
	int i;

	/* Cluster addresses come first and win over an equal CIDR prefix. */
	for (i = 0; i < *cnt; i++)
		if (e[i].key.prefixlen == plen && !memcmp(e[i].key.ip6, ip6, 16))
			return 0;
	e[*cnt].key.prefixlen = plen;
	memcpy(e[*cnt].key.ip6, ip6, 16);
	e[*cnt].info.identity = identity;
	e[*cnt].info.tunnel_endpoint = tunnel;
	e[*cnt].info.node_ip = node_ip;
	(*cnt)++;
	return 0;
}

int pl_policy_ipcache6(const struct topo *t, const struct policy_set *ps, int node,
		       struct policy_ipcache6_entry **out, int *n)
{
	static const uint8_t zero[16];
	struct policy_ipcache6_entry *e;
	int i, cnt = 0;

	*out = NULL;
	*n = 0;
	if (!pl_topo_has_v6(t))
		return 0;
	e = calloc(t->npods + t->nnodes + ps->nprefixes + 1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	for (i = 0; i < t->npods; i++)
		push6(e, &cnt, t->pods[i].ip6, 128, t->pods[i].identity,
		      t->nodes[t->pods[i].node].underlay_ip, 0);
	for (i = 0; i < t->nnodes; i++)
		if (memcmp(t->nodes[i].underlay_ip6, zero, 16))
			push6(e, &cnt, t->nodes[i].underlay_ip6, 128, PL_ID_REMOTE_NODE, 0,
			      t->nodes[i].underlay_ip);
	for (i = 0; i < ps->nprefixes; i++)
		if (ps->prefixes[i].v6)
			push6(e, &cnt, ps->prefixes[i].ip6, ps->prefixes[i].plen,
			      ps->prefixes[i].identity, 0, 0);
	for (i = 0; node >= 0 && i < cnt; i++)
		node_view(t, node, &e[i].info);
	*out = e;
	*n = cnt;
	return 0;
}

uint32_t pl_policy_ipcache6_lookup(const struct policy_ipcache6_entry *e, int n, const uint8_t *ip6,
				   uint32_t *tunnel)
{
	int i, best = -1;

	for (i = 0; i < n; i++) {
		if (!pl_topo_cidr6_contains((const uint8_t *)e[i].key.ip6,
					    (uint8_t)e[i].key.prefixlen, ip6))
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
