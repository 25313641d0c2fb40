// SPDX-License-Identifier: GPL-2.0
/*
 * IPv6 in topology files: `ipFamilies`, a node's `podCIDRv6` and `ipv6`
 * (underlay), a pod's `ipv6` (given, or allocated from podCIDRv6 with the
 * host part of its IPv4 address). Checked as the IPv4 fields are, while
 * parsing, so each message points at the value.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "lib/pkt.h"
#include "topo/topo_addr.h"
#include "topo/topo_v6.h"

int pl_topo_parse_ipv6(const char *s, uint8_t *ip6)
{
	if (!s || !strchr(s, ':') || inet_pton(AF_INET6, s, ip6) != 1)
		return -EINVAL;
	return 0;
}

int pl_topo_parse_cidr6(const char *s, uint8_t *ip6, uint8_t *plen, int *has_len)
{
	char buf[64];

	if (pl_topo_split_prefix(s, buf, sizeof(buf), 128, plen, has_len) ||
	    pl_topo_parse_ipv6(buf, ip6))
		return -EINVAL;
	return 0;
}

void pl_topo_mask6(const uint8_t *ip6, uint8_t plen, uint8_t *out)
{
	int i;

	for (i = 0; i < 16; i++) {
		int bits = plen > i * 8 ? plen - i * 8 : 0;

		out[i] = bits >= 8 ? ip6[i] : ip6[i] & (uint8_t)(0xff00 >> bits);
	}
}

bool pl_topo_cidr6_contains(const uint8_t *net, uint8_t plen, const uint8_t *ip6)
{
	uint8_t a[16], b[16];

	pl_topo_mask6(net, plen, a);
	pl_topo_mask6(ip6, plen, b);
	return !memcmp(a, b, 16);
}

/* The two prefixes share addresses: the shorter holds the longer. */
static bool cidr6_overlap(const uint8_t *a, uint8_t alen, const uint8_t *b, uint8_t blen)
{
	return pl_topo_cidr6_contains(alen < blen ? a : b, alen < blen ? alen : blen,
				      alen < blen ? b : a);
}

static bool all_zero(const uint8_t *ip6)
{
	static const uint8_t zero[16];

	return !memcmp(ip6, zero, 16);
}

/* A v6 field holding an IPv4 value: the mixed-families message. */
static bool looks_ipv4(const char *s)
{
	return s && !strchr(s, ':') && strchr(s, '.');
}

/* "what: an IPv6 address[/len]" into ip6/plen; plen_def when bare (0: a prefix is required). */
static int ty_ipv6(struct topo_parser *p, const ynode *v, const char *what, uint8_t plen_def,
		   uint8_t *ip6, uint8_t *plen)
{
	const char *s = NULL;
	int err, has_len;
	uint8_t l = 128;

	err = pl_ty_scalar(p, v, what, &s);
	if (err)
		return err;
	if (looks_ipv4(s))
		return pl_yaml_error(&p->y, v,
				     "%s '%s' is IPv4: %s holds IPv6 only (mixed families; the "
				     "IPv4 one goes in %s)",
				     what, s, what, !strcmp(what, "podCIDRv6") ? "podCIDR" : "ip");
	if (pl_topo_parse_cidr6(s, ip6, &l, &has_len) || (!has_len && !plen_def && plen))
		return pl_yaml_error(&p->y, v, "%s '%s' is not an IPv6 %s", what, s,
				     plen && !plen_def ? "prefix (x:y::/len)" : "address");
	if (!plen && has_len)
		return pl_yaml_error(&p->y, v, "%s '%s' takes no prefix length", what, s);
	if (plen)
		*plen = has_len ? l : plen_def;
	return 0;
}

int pl_topo_parse_families(struct topo_parser *p, const ynode *v)
{
	unsigned int fams = 0, f;
	const char *s = NULL;
	const ynode *it;
	int i, len, err;

	err = pl_ty_check_seq(p, v, "ipFamilies", &len);
	if (err)
		return err;
	if (!len || len > 2)
		return pl_yaml_error(&p->y, v,
				     "ipFamilies lists one or two families: [IPv4], [IPv6] or "
				     "[IPv4, IPv6]");
	for (i = 0; i < len; i++) {
		it = pl_yaml_seq_item(&p->y, v, i);
		err = pl_ty_scalar(p, it, "ipFamilies entry", &s);
		if (err)
			return err;
		if (!strcmp(s, "IPv4"))
			f = TOPO_FAM_IPV4;
		else if (!strcmp(s, "IPv6"))
			f = TOPO_FAM_IPV6;
		else
			return pl_yaml_error(&p->y, it,
					     "unknown IP family '%s' (expected IPv4 or "
					     "IPv6)",
					     s);
		if (fams & f)
			return pl_yaml_error(&p->y, it, "IP family %s is listed twice", s);
		fams |= f;
	}
	if (!(fams & TOPO_FAM_IPV4))
		return pl_yaml_error(&p->y, v,
				     "ipFamilies [IPv6] (IPv6 single-stack) is not supported yet: "
				     "pods need an IPv4 address too; use [IPv4, IPv6]");
	if (p->t->routing != PL_ROUTING_NATIVE && p->t->routing != PL_ROUTING_VXLAN &&
	    p->t->routing != PL_ROUTING_LEGACY)
		return pl_yaml_error(&p->y, v,
				     "ipFamilies with IPv6 and routing %s is not supported yet "
				     "(native, vxlan and legacy are)",
				     pl_topo_routing_name(p->t->routing));
	p->t->families = fams;
	return 0;
}

/* A node's v6 keys, present exactly when ipFamilies names IPv6. */
static int node_v6_keys(struct topo_parser *p, const ynode *n, const struct topo_node *nd)
{
	const ynode *c = pl_yaml_get(&p->y, n, "podCIDRv6"), *u = pl_yaml_get(&p->y, n, "ipv6");

	if (!pl_topo_has_v6(p->t)) {
		if (c || u)
			return pl_yaml_error(&p->y, c ? c : u,
					     "%s needs IPv6 in ipFamilies (ipFamilies: [IPv4, "
					     "IPv6])",
					     c ? "podCIDRv6" : "node ipv6");
		return 1;
	}
	if (!c)
		return pl_yaml_error(&p->y, n, "node '%s' needs a podCIDRv6: ipFamilies names IPv6",
				     nd->name);
	if (!u && p->t->routing == PL_ROUTING_NATIVE)
		return pl_yaml_error(&p->y, n,
				     "node '%s' needs an ipv6 (its underlay IPv6 address): routing "
				     "native routes pod IPv6 through it",
				     nd->name);
	if (!u && p->t->routing == PL_ROUTING_LEGACY)
		return pl_yaml_error(&p->y, n,
				     "node '%s' needs an ipv6 (its underlay IPv6 address): routing "
				     "legacy masquerades pod IPv6 to it",
				     nd->name);
	return 0;
}

/* The node's underlay ipv6 against its own podCIDRv6 and the nodes before it. */
static int check_node_underlay6(struct topo_parser *p, int self, const ynode *u)
{
	struct topo_node *nd = &p->t->nodes[self];
	char a[PL_ADDR_STRLEN], b[PL_ADDR_STRLEN];
	int i;

	if (nd->underlay_plen6 < 48 || nd->underlay_plen6 > 126)
		return pl_yaml_error(&p->y, u, "node ipv6: the underlay prefix must be /48../126");
	if (pl_topo_cidr6_contains(nd->underlay_ip6, nd->underlay_plen6, nd->pod_cidr6) ||
	    pl_topo_cidr6_contains(nd->pod_cidr6, nd->pod_plen6, nd->underlay_ip6))
		return pl_yaml_error(&p->y, u, "node ipv6 %s/%u overlaps its own podCIDRv6",
				     pl_addr_str(AF_INET6, nd->underlay_ip6, a),
				     nd->underlay_plen6);
	for (i = 0; i < self; i++) {
		const struct topo_node *o = &p->t->nodes[i];

		if (!memcmp(o->underlay_ip6, nd->underlay_ip6, 16))
			return pl_yaml_error(&p->y, u,
					     "node ipv6 %s is already the ipv6 of node '%s'",
					     pl_addr_str(AF_INET6, nd->underlay_ip6, a), o->name);
		if (all_zero(o->underlay_ip6))
			continue;
		if (o->underlay_plen6 != nd->underlay_plen6 ||
		    !pl_topo_cidr6_contains(o->underlay_ip6, o->underlay_plen6, nd->underlay_ip6))
			return pl_yaml_error(&p->y, u,
					     "node ipv6 %s is not in the underlay IPv6 network of "
					     "node '%s' (%s/%u): all nodes share one",
					     pl_addr_str(AF_INET6, nd->underlay_ip6, a), o->name,
					     pl_addr_str(AF_INET6, o->underlay_ip6, b),
					     o->underlay_plen6);
		if (pl_topo_cidr6_contains(o->pod_cidr6, o->pod_plen6, nd->underlay_ip6))
			return pl_yaml_error(
				&p->y, u, "node ipv6 %s lies inside podCIDRv6 %s/%u of node '%s'",
				pl_addr_str(AF_INET6, nd->underlay_ip6, a),
				pl_addr_str(AF_INET6, o->pod_cidr6, b), o->pod_plen6, o->name);
	}
	return 0;
}

int pl_topo_parse_node_v6(struct topo_parser *p, const ynode *n, int self)
{
	struct topo_node *nd = &p->t->nodes[self];
	char a[PL_ADDR_STRLEN], b[PL_ADDR_STRLEN];
	uint8_t masked[16];
	const ynode *c, *u;
	int i, err;

	err = node_v6_keys(p, n, nd);
	if (err)
		return err > 0 ? 0 : err;
	c = pl_yaml_get(&p->y, n, "podCIDRv6");
	err = ty_ipv6(p, c, "podCIDRv6", 0, nd->pod_cidr6, &nd->pod_plen6);
	if (err)
		return err;
	pl_topo_mask6(nd->pod_cidr6, nd->pod_plen6, masked);
	if (memcmp(masked, nd->pod_cidr6, 16))
		return pl_yaml_error(&p->y, c, "podCIDRv6 has host bits set (did you mean %s/%u?)",
				     pl_addr_str(AF_INET6, masked, a), nd->pod_plen6);
	if (nd->pod_plen6 < 32 || nd->pod_plen6 > 127)
		return pl_yaml_error(&p->y, c, "podCIDRv6 must be /32../127");
	for (i = 0; i < self; i++) {
		const struct topo_node *o = &p->t->nodes[i];

		if (cidr6_overlap(nd->pod_cidr6, nd->pod_plen6, o->pod_cidr6, o->pod_plen6))
			return pl_yaml_error(
				&p->y, c, "podCIDRv6 %s/%u overlaps podCIDRv6 %s/%u of node '%s'",
				pl_addr_str(AF_INET6, nd->pod_cidr6, a), nd->pod_plen6,
				pl_addr_str(AF_INET6, o->pod_cidr6, b), o->pod_plen6, o->name);
		if (!all_zero(o->underlay_ip6) &&
		    cidr6_overlap(nd->pod_cidr6, nd->pod_plen6, o->underlay_ip6, o->underlay_plen6))
			return pl_yaml_error(&p->y, c,
					     "podCIDRv6 %s/%u overlaps the underlay IPv6 network "
					     "of node '%s'",
					     pl_addr_str(AF_INET6, nd->pod_cidr6, a), nd->pod_plen6,
					     o->name);
	}
	u = pl_yaml_get(&p->y, n, "ipv6");
	if (!u)
		return 0;
	err = ty_ipv6(p, u, "node ipv6", 64, nd->underlay_ip6, &nd->underlay_plen6);
	return err ? err : check_node_underlay6(p, self, u);
}

int pl_topo_parse_pod_v6(struct topo_parser *p, const ynode *n, int self)
{
	struct topo *t = p->t;
	struct topo_pod *pod = &t->pods[self];
	struct topo_node *nd = &t->nodes[pod->node];
	char a[PL_ADDR_STRLEN], b[PL_ADDR_STRLEN];
	const ynode *v = pl_yaml_get(&p->y, n, "ipv6");
	uint32_t host;
	int i, err;

	if (!pl_topo_has_v6(t))
		return v ? pl_yaml_error(&p->y, v,
					 "pod ipv6 needs IPv6 in ipFamilies (ipFamilies: [IPv4, "
					 "IPv6])")
			 : 0;
	if (v) {
		err = ty_ipv6(p, v, "pod ipv6", 0, pod->ip6, NULL);
		if (err)
			return err;
	} else {
		/* Allocated: podCIDRv6 with the host part of the pod's IPv4 address. */
		v = pl_yaml_get(&p->y, n, "ip");
		host = ntohl(pod->ip) & ~topo_mask(nd->pod_plen);
		if (128 - nd->pod_plen6 < 32 && host >> (128 - nd->pod_plen6))
			return pl_yaml_error(&p->y, v,
					     "podCIDRv6 %s/%u of node '%s' is too small for pod "
					     "'%s': its IPv6 address takes the host part of %s "
					     "(%u), which does not fit; give it an ipv6",
					     pl_addr_str(AF_INET6, nd->pod_cidr6, a), nd->pod_plen6,
					     nd->name, pod->name, pl_ip4_str(pod->ip, b), host);
		memcpy(pod->ip6, nd->pod_cidr6, 16);
		host = htonl(host);
		for (i = 0; i < 4; i++)
			pod->ip6[12 + i] |= ((uint8_t *)&host)[i];
	}
	if (!pl_topo_cidr6_contains(nd->pod_cidr6, nd->pod_plen6, pod->ip6))
		return pl_yaml_error(
			&p->y, v, "pod ipv6 %s is outside podCIDRv6 %s/%u of its node '%s'",
			pl_addr_str(AF_INET6, pod->ip6, a), pl_addr_str(AF_INET6, nd->pod_cidr6, b),
			nd->pod_plen6, nd->name);
	if (!memcmp(pod->ip6, nd->pod_cidr6, 16))
		return pl_yaml_error(&p->y, v,
				     "pod ipv6 %s is the subnet-router anycast address of %s/%u",
				     pl_addr_str(AF_INET6, pod->ip6, a),
				     pl_addr_str(AF_INET6, nd->pod_cidr6, b), nd->pod_plen6);
	for (i = 0; i < self; i++)
		if (!memcmp(t->pods[i].ip6, pod->ip6, 16))
			return pl_yaml_error(&p->y, v,
					     "duplicate pod ipv6 %s: pod '%s' (line %d) has it",
					     pl_addr_str(AF_INET6, pod->ip6, a), t->pods[i].name,
					     t->pods[i].pos.line);
	return 0;
}

int pl_topo_pod_by_ip6(const struct topo *t, const uint8_t *ip6)
{
	int i;

	if (!pl_topo_has_v6(t))
		return -1;
	for (i = 0; i < t->npods; i++)
		if (!memcmp(t->pods[i].ip6, ip6, 16))
			return i;
	return -1;
}

int pl_topo_node_by_pod_ip6(const struct topo *t, const uint8_t *ip6)
{
	int i;

	if (!pl_topo_has_v6(t))
		return -1;
	for (i = 0; i < t->nnodes; i++)
		if (pl_topo_cidr6_contains(t->nodes[i].pod_cidr6, t->nodes[i].pod_plen6, ip6))
			return i;
	return -1;
}
