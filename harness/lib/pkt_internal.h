/* SPDX-License-Identifier: GPL-2.0 */
/* Byte-order helpers and header sizes shared by the packet builder, parser and printer. */
#ifndef PL_PKT_INTERNAL_H
#define PL_PKT_INTERNAL_H

#include <stdint.h>

#define ETH_HLEN_	14
#define VLAN_HLEN_	4
#define IPV4_HLEN_	20
#define IPV6_HLEN_	40
#define IP6_EXT_HLEN_	8 /* the extension headers podlab builds */
#define TCP_HLEN_	20
#define UDP_HLEN_	8
#define ICMP_HLEN_	8
#define VXLAN_HLEN_	8
#define VXLAN_PORT_	4789
#define ETHERTYPE_IPV4_ 0x0800
#define ETHERTYPE_IPV6_ 0x86dd
#define ETHERTYPE_VLAN_ 0x8100
#define ETHERTYPE_QINQ_ 0x88a8

static inline void pkt_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void pkt_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v & 0xff;
}

static inline uint16_t pkt_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t pkt_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif /* PL_PKT_INTERNAL_H */
