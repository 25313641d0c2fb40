// SPDX-License-Identifier: GPL-2.0
/*
 * A policy's CIDR (fromCIDR/toCIDR, a CIDR set, ipBlock) and its except
 * prefixes, and a prefilter entry, of either family: IPv6 ones only where ipFamilies names IPv6,
 * and a set's except prefixes in the family of its cidr.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "lib/pkt.h"
#include "topo/topo_addr.h"
#include "topo/topo_v6.h"

bool pl_topo_cidr6_within(const uint8_t *a, uint8_t alen, const uint8_t *b, uint8_t blen)
{
	return alen >= blen && pl_topo_cidr6_contains(b, blen, a);
}

int pl_ty_cidr_either(struct topo_parser *p, const ynode *n, const char *what, bool *v6,
		      uint32_t *ip, uint8_t *ip6, uint8_t *plen)
{
	char net[PL_ADDR_STRLEN];
	const char *s = NULL;
	uint8_t masked[16];
	int err, has_len;

	*v6 = false;
	err = pl_ty_scalar(p, n, what, &s);
	if (err || !strchr(s, ':'))
		return err ? err : pl_ty_cidr(p, n, what, true, ip, plen);
	if (!pl_topo_has_v6(p->t))
		return pl_yaml_error(&p->y, n,
				     "%s '%s' is IPv6 and the topology is IPv4-only (ipFamilies: "
				     "[IPv4, IPv6] gives it IPv6)",
				     what, s);
	if (pl_topo_parse_cidr6(s, ip6, plen, &has_len))
		return pl_yaml_error(&p->y, n, "%s '%s' is not an IPv6 CIDR (x:y::/len)", what, s);
	pl_topo_mask6(ip6, *plen, masked);
	if (memcmp(masked, ip6, 16))
		return pl_yaml_error(&p->y, n, "%s '%s' has host bits set (did you mean %s/%u?)",
				     what, s, pl_addr_str(AF_INET6, masked, net), *plen);
	*v6 = true;
	*ip = 0;
	return 0;
}

int pl_topo_parse_policy_cidr(struct topo_parser *p, const ynode *n, const ynode *except,
			      struct topo_cidr *c)
{
	const ynode *e;
	int i, len, err;
	bool v6, in;

	err = pl_ty_cidr_either(p, n, "cidr", &c->v6, &c->ip, c->ip6, &c->plen);
	if (err)
		return err;
	err = pl_ty_check_seq(p, except, "except", &len);
	if (err || !len)
		return err;
	c->except_ip = calloc(len, sizeof(*c->except_ip));
	c->except_ip6 = calloc(len, sizeof(*c->except_ip6));
	c->except_plen = calloc(len, sizeof(*c->except_plen));
	if (!c->except_ip || !c->except_ip6 || !c->except_plen)
		return -ENOMEM;
	for (i = 0; i < len; i++, c->nexcept++) {
		e = pl_yaml_seq_item(&p->y, except, i);
		err = pl_ty_cidr_either(p, e, "except", &v6, &c->except_ip[i], c->except_ip6[i],
					&c->except_plen[i]);
		if (err)
			return err;
		if (v6 != c->v6)
			return pl_yaml_error(&p->y, e,
					     "except is IPv%d and its cidr IPv%d (mixed families)",
					     v6 ? 6 : 4, c->v6 ? 6 : 4);
		in = v6 ? pl_topo_cidr6_within(c->except_ip6[i], c->except_plen[i], c->ip6, c->plen)
			: pl_topo_cidr_within(c->except_ip[i], c->except_plen[i], c->ip, c->plen);
		if (c->except_plen[i] <= c->plen || !in)
			return pl_yaml_error(&p->y, e,
					     "except must be a smaller prefix inside its cidr");
	}
	return 0;
}
