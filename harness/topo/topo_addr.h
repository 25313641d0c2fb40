/* SPDX-License-Identifier: GPL-2.0 */
/* IPv4 addresses and prefixes: strict parsing and containment. */
#ifndef PL_TOPO_ADDR_H
#define PL_TOPO_ADDR_H

#include <stdint.h>

/* Dotted quad to network order; strict (no shorthand forms). */
int pl_topo_parse_ipv4(const char *s, uint32_t *ip);
/* "a.b.c.d/len" → ip, plen; *has_len says whether "/len" was there. */
int pl_topo_parse_cidr(const char *s, uint32_t *ip, uint8_t *plen, int *has_len);
/*
 * "ADDR[/LEN]" (either family): ADDR into addr (cap bytes), LEN (0..max_len,
 * max_len when absent) into *plen, *has_len whether it was given. 0 or -EINVAL.
 */
int pl_topo_split_prefix(const char *s, char *addr, size_t cap, unsigned int max_len, uint8_t *plen,
			 int *has_len);

static inline uint32_t topo_mask(uint8_t plen)
{
	return plen ? ~0u << (32 - plen) : 0;
}

/* ip (network order) is inside net/plen. */
int pl_topo_cidr_contains(uint32_t net, uint8_t plen, uint32_t ip);
/* a/alen lies inside b/blen (a is b or more specific). */
int pl_topo_cidr_within(uint32_t a, uint8_t alen, uint32_t b, uint8_t blen);

#endif /* PL_TOPO_ADDR_H */
