// SPDX-License-Identifier: GPL-2.0
/*
 * Packet builder: Ethernet/802.1Q/IPv4 or IPv6 (extension headers)/TCP/UDP/
 * ICMP/ICMPv6 and VXLAN frames with correct checksums. Byte-wise writes
 * only: buffers come at any alignment.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "lib/pkt.h"
#include "lib/pkt_internal.h"

/* One's complement sum of big-endian 16-bit words, not folded. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += pkt_get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t pl_csum(const void *data, size_t len)
{
	return csum_fold(csum_add(0, data, len));
}

uint16_t pl_csum_ipv4_header(const void *iph, size_t ihl_bytes)
{
	return pl_csum(iph, ihl_bytes);
}

uint16_t pl_csum_l4(uint32_t saddr, uint32_t daddr, uint8_t proto, const void *l4, size_t len)
{
	uint8_t pseudo[12];

	memcpy(pseudo, &saddr, 4);
	memcpy(pseudo + 4, &daddr, 4);
	pseudo[8] = 0;
	pseudo[9] = proto;
	pkt_put16(pseudo + 10, (uint16_t)len);
	return csum_fold(csum_add(csum_add(0, pseudo, sizeof(pseudo)), l4, len));
}

uint16_t pl_csum_l4_6(const uint8_t *saddr6, const uint8_t *daddr6, uint8_t proto, const void *l4,
		      size_t len)
{
	uint8_t pseudo[40];

	memcpy(pseudo, saddr6, 16);
	memcpy(pseudo + 16, daddr6, 16);
	pkt_put32(pseudo + 32, (uint32_t)len);
	pseudo[36] = pseudo[37] = pseudo[38] = 0;
	pseudo[39] = proto;
	return csum_fold(csum_add(csum_add(0, pseudo, sizeof(pseudo)), l4, len));
}

static bool spec_v6(const struct pl_pkt_spec *s)
{
	return s->family == AF_INET6;
}

/* The checksum of l4 over the pseudo header of the spec's family. */
static uint16_t csum_l4_of(const struct pl_pkt_spec *s, uint8_t proto, const uint8_t *l4,
			   size_t len)
{
	if (spec_v6(s))
		return pl_csum_l4_6(s->saddr6, s->daddr6, proto, l4, len);
	return pl_csum_l4(s->saddr, s->daddr, proto, l4, len);
}

static size_t l4_header_len(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return TCP_HLEN_;
	case IPPROTO_UDP:
		return UDP_HLEN_;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return ICMP_HLEN_;
	default:
		return 0;
	}
}

static size_t build_eth(const struct pl_pkt_spec *s, uint16_t proto, uint8_t *buf)
{
	size_t off = 12;

	memcpy(buf, s->dmac, 6);
	memcpy(buf + 6, s->smac, 6);
	if (s->vlan_id) {
		pkt_put16(buf + off, ETHERTYPE_VLAN_);
		pkt_put16(buf + off + 2, s->vlan_id & 0x0fff);
		off += VLAN_HLEN_;
	}
	pkt_put16(buf + off, proto);
	return off + 2;
}

static void build_l4(const struct pl_pkt_spec *s, uint8_t *l4, size_t l4_len)
{
	uint16_t csum;

	switch (s->proto) {
	case IPPROTO_TCP:
		pkt_put16(l4, s->sport);
		pkt_put16(l4 + 2, s->dport);
		pkt_put32(l4 + 4, s->seq);
		pkt_put32(l4 + 8, s->ack);
		l4[12] = (TCP_HLEN_ / 4) << 4;
		l4[13] = s->tcp_flags;
		pkt_put16(l4 + 14, 65535);
		pkt_put16(l4 + 16, 0);
		pkt_put16(l4 + 18, 0);
		csum = csum_l4_of(s, IPPROTO_TCP, l4, l4_len);
		pkt_put16(l4 + 16, csum);
		break;
	case IPPROTO_UDP:
		pkt_put16(l4, s->sport);
		pkt_put16(l4 + 2, s->dport);
		pkt_put16(l4 + 4, (uint16_t)l4_len);
		pkt_put16(l4 + 6, 0);
		csum = csum_l4_of(s, IPPROTO_UDP, l4, l4_len);
		pkt_put16(l4 + 6, csum ? csum : 0xffff); /* 0 means "no checksum" in UDP */
		break;
	case IPPROTO_ICMP:
		l4[0] = s->icmp_type;
		l4[1] = s->icmp_code;
		pkt_put16(l4 + 2, 0);
		pkt_put16(l4 + 4, s->sport);
		pkt_put16(l4 + 6, s->icmp_seq);
		pkt_put16(l4 + 2, pl_csum(l4, l4_len));
		break;
	case IPPROTO_ICMPV6:
		l4[0] = s->icmp_type;
		l4[1] = s->icmp_code;
		pkt_put16(l4 + 2, 0);
		if (s->icmp_type == 128 || s->icmp_type == 129) {
			pkt_put16(l4 + 4, s->sport);
			pkt_put16(l4 + 6, s->icmp_seq);
		} else {
			pkt_put32(l4 + 4, s->icmp_data);
		}
		pkt_put16(l4 + 2, csum_l4_of(s, IPPROTO_ICMPV6, l4, l4_len));
		break;
	default:
		break;
	}
}

/* One extension header at e (8 bytes), next header nh. */
static void build_ext(const struct pl_pkt_spec *s, uint8_t type, uint8_t nh, uint8_t *e)
{
	memset(e, 0, IP6_EXT_HLEN_);
	e[0] = nh;
	switch (type) {
	case 0:	 /* hop-by-hop */
	case 60: /* destination options: one PadN option of 4 bytes fills it */
		e[2] = 1;
		e[3] = 4;
		break;
	case 43: /* routing type 0, segments left 0: every node skips it (RFC 5095) */
		break;
	case 44: /* fragment: offset in 8-byte units << 3 | M */
		pkt_put16(e + 2, (uint16_t)((s->frag & 0x1fff) << 3 | (s->frag & 0x2000 ? 1 : 0)));
		pkt_put32(e + 4, s->ip_id);
		break;
	default:
		break;
	}
}

/* IPv6 + extension headers + L4 after the Ethernet header (eth_len bytes). */
static int build_ip6(const struct pl_pkt_spec *s, uint8_t *buf, size_t cap, size_t eth_len)
{
	size_t ext_len, l4_hlen, l4_len, total, i;
	uint8_t *ip, *l4;

	if (s->ext_count > PL_PKT_MAX_EXT)
		return -EINVAL;
	ext_len = (size_t)s->ext_count * IP6_EXT_HLEN_;
	l4_hlen = l4_header_len(s->proto);
	l4_len = l4_hlen + s->payload_len;
	total = eth_len + IPV6_HLEN_ + ext_len + l4_len;
	if (total > cap || total > PL_PKT_MAX)
		return -ENOSPC;
	build_eth(s, ETHERTYPE_IPV6_, buf);
	ip = buf + eth_len;
	ip[0] = 0x60 | s->tos >> 4;
	ip[1] = (uint8_t)(s->tos << 4);
	ip[2] = ip[3] = 0;
	pkt_put16(ip + 4, (uint16_t)(ext_len + l4_len));
	ip[6] = s->ext_count ? s->ext[0] : s->proto;
	ip[7] = s->ttl ? s->ttl : 64;
	memcpy(ip + 8, s->saddr6, 16);
	memcpy(ip + 24, s->daddr6, 16);
	for (i = 0; i < s->ext_count; i++)
		build_ext(s, s->ext[i], i + 1 < s->ext_count ? s->ext[i + 1] : s->proto,
			  ip + IPV6_HLEN_ + i * IP6_EXT_HLEN_);
	l4 = ip + IPV6_HLEN_ + ext_len;
	if (s->payload_len)
		memcpy(l4 + l4_hlen, s->payload, s->payload_len);
	build_l4(s, l4, l4_len);
	return (int)total;
}

int pl_pkt_build(const struct pl_pkt_spec *s, uint8_t *buf, size_t cap)
{
	size_t eth_len = ETH_HLEN_ + (s->vlan_id ? VLAN_HLEN_ : 0);
	uint16_t proto = s->eth_proto ? s->eth_proto : ETHERTYPE_IPV4_;
	size_t opt_len, ihl, l4_hlen, l4_len, total;
	uint8_t *ip, *l4;

	if (s->payload_len && !s->payload)
		return -EINVAL;
	if (s->vlan_id > 0x0fff)
		return -EINVAL;
	if (spec_v6(s) && !s->eth_proto)
		return build_ip6(s, buf, cap, eth_len);
	if (proto != ETHERTYPE_IPV4_) {
		/* Not IPv4: the payload is the whole EtherType body. */
		total = eth_len + s->payload_len;
		if (total > cap || total > PL_PKT_MAX)
			return -ENOSPC;
		build_eth(s, proto, buf);
		if (s->payload_len)
			memcpy(buf + eth_len, s->payload, s->payload_len);
		return (int)total;
	}

	opt_len = (s->ip_opt_len + 3u) & ~3u;
	if (opt_len > 40)
		return -EINVAL;
	ihl = IPV4_HLEN_ + opt_len;
	l4_hlen = l4_header_len(s->proto);
	l4_len = l4_hlen + s->payload_len;
	total = eth_len + ihl + l4_len;
	if (total > cap || total > PL_PKT_MAX)
		return -ENOSPC;

	build_eth(s, proto, buf);
	ip = buf + eth_len;
	ip[0] = 0x40 | (uint8_t)(ihl / 4);
	ip[1] = s->tos;
	pkt_put16(ip + 2, (uint16_t)(ihl + l4_len));
	pkt_put16(ip + 4, s->ip_id);
	pkt_put16(ip + 6, s->frag);
	ip[8] = s->ttl ? s->ttl : 64;
	ip[9] = s->proto;
	pkt_put16(ip + 10, 0);
	memcpy(ip + 12, &s->saddr, 4);
	memcpy(ip + 16, &s->daddr, 4);
	memset(ip + IPV4_HLEN_, 1 /* IPOPT_NOOP */, opt_len);
	pkt_put16(ip + 10, pl_csum_ipv4_header(ip, ihl));

	l4 = ip + ihl;
	if (s->payload_len)
		memcpy(l4 + l4_hlen, s->payload, s->payload_len);
	build_l4(s, l4, l4_len);
	return (int)total;
}

/* Source port from the inner flow, in 49152-65535, like a tunnel's flow entropy. */
static uint16_t vxlan_sport(const uint8_t *inner, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len && i < 64; i++)
		h = (h ^ inner[i]) * 16777619u;
	return (uint16_t)(49152 + (h % 16384));
}

int pl_pkt_build_ipip(const struct pl_pkt_spec *outer, const uint8_t *inner, size_t inner_len,
		      uint8_t *buf, size_t cap)
{
	struct pl_pkt_spec s = *outer;

	if (!inner || inner_len < 14 + 20 || inner[12] != 0x08 || inner[13] != 0x00)
		return -EINVAL;
	s.eth_proto = 0;
	s.family = 0;
	s.proto = 4; /* IPPROTO_IPIP */
	if (!s.frag)
		s.frag = 0x4000;
	s.payload = inner + 14;
	s.payload_len = inner_len - 14;
	return pl_pkt_build(&s, buf, cap);
}

int pl_pkt_build_vxlan(const struct pl_pkt_spec *outer, uint32_t vni, const uint8_t *inner,
		       size_t inner_len, uint8_t *buf, size_t cap)
{
	static __thread uint8_t body[PL_PKT_MAX + VXLAN_HLEN_];
	struct pl_pkt_spec s = *outer;

	if (vni > 0xffffff || !inner)
		return -EINVAL;
	if (inner_len > PL_PKT_MAX)
		return -ENOSPC;
	memset(body, 0, VXLAN_HLEN_);
	body[0] = 0x08; /* I flag: VNI valid */
	pkt_put32(body + 4, vni << 8);
	memcpy(body + VXLAN_HLEN_, inner, inner_len);
	s.eth_proto = 0;
	s.proto = IPPROTO_UDP;
	s.dport = VXLAN_PORT_;
	if (!s.sport)
		s.sport = vxlan_sport(inner, inner_len);
	s.payload = body;
	s.payload_len = VXLAN_HLEN_ + inner_len;
	return pl_pkt_build(&s, buf, cap);
}
