/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Units as tc(8) parses them: rates (bit, kbit, mbit, gbit, Kibit..., Bps,
 * KBps... which are BYTES per second; case-insensitive; a bare number is
 * bit/s), sizes (b, k/kb, m/mb, g/gb, kbit/mbit/gbit; 32kbit = 4096 bytes),
 * times (s, ms, us, ns; a bare number is microseconds) and percentages.
 * All return 0 or -EINVAL.
 */
#ifndef PL_TOPO_UNITS_H
#define PL_TOPO_UNITS_H

#include <stdint.h>

int topo_parse_rate(const char *s, uint64_t *bits_per_s);
int topo_parse_size(const char *s, uint32_t *bytes);
int topo_parse_time(const char *s, uint64_t *ns);
/* "10%" or "10" → 0.10; 0..100 percent. */
int topo_parse_percent(const char *s, double *frac);
/* Dotted quad to network order; strict (no shorthand forms). */
int topo_parse_ipv4(const char *s, uint32_t *ip);
/* "a.b.c.d/len" → ip, plen; *has_len says whether "/len" was there. */
int topo_parse_cidr(const char *s, uint32_t *ip, uint8_t *plen, int *has_len);

static inline uint32_t topo_mask(uint8_t plen)
{
	return plen ? ~0u << (32 - plen) : 0;
}

/* ip (network order) is inside net/plen. */
int topo_cidr_contains(uint32_t net, uint8_t plen, uint32_t ip);
/* a/alen lies inside b/blen (a is b or more specific). */
int topo_cidr_within(uint32_t a, uint8_t alen, uint32_t b, uint8_t blen);

#endif /* PL_TOPO_UNITS_H */
