/* SPDX-License-Identifier: GPL-2.0 */
/* IPv6 in topology files (topo_v6.c): addresses, prefixes and the parsers of the v6 keys. */
#ifndef PL_TOPO_V6_H
#define PL_TOPO_V6_H

#include <stdbool.h>
#include <stdint.h>

#include "topo/topo_yaml.h"

/* An IPv6 address (16 bytes, network order); strict: IPv4 forms are refused. */
int pl_topo_parse_ipv6(const char *s, uint8_t *ip6);
/* "x:y::z/len" → ip6, plen; *has_len says whether "/len" was there. */
int pl_topo_parse_cidr6(const char *s, uint8_t *ip6, uint8_t *plen, int *has_len);
/* ip6 with the bits past plen cleared, into out. */
void pl_topo_mask6(const uint8_t *ip6, uint8_t plen, uint8_t *out);
/* ip6 lies inside net/plen. */
bool pl_topo_cidr6_contains(const uint8_t *net, uint8_t plen, const uint8_t *ip6);

/* b/blen holds a/alen (a is b or more specific). */
bool pl_topo_cidr6_within(const uint8_t *a, uint8_t alen, const uint8_t *b, uint8_t blen);

/*
 * A prefix of either family at n (a bare address: /32 or /128), IPv6 only
 * with IPv6 in ipFamilies; *v6 says which of ip, ip6 holds it.
 */
int pl_ty_cidr_either(struct topo_parser *p, const ynode *n, const char *what, bool *v6,
		      uint32_t *ip, uint8_t *ip6, uint8_t *plen);
/*
 * A policy CIDR at n (either family; IPv6 needs it in ipFamilies) and the
 * except list (may be NULL) into c (topo_policy_cidr.c).
 */
int pl_topo_parse_policy_cidr(struct topo_parser *p, const ynode *n, const ynode *except,
			      struct topo_cidr *c);

/* `ipFamilies: [IPv4] | [IPv4, IPv6]` (after `routing`, before the nodes). */
int pl_topo_parse_families(struct topo_parser *p, const ynode *v);
/* Node self's podCIDRv6 and ipv6 (after its IPv4 keys, before its pods). */
int pl_topo_parse_node_v6(struct topo_parser *p, const ynode *n, int self);
/* Pod self's ipv6, given or allocated (after its IPv4 address). */
int pl_topo_parse_pod_v6(struct topo_parser *p, const ynode *n, int self);

#endif /* PL_TOPO_V6_H */
