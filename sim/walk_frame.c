// SPDX-License-Identifier: GPL-2.0
/* Frame surgery for the walk: address rewrites, TTL, VXLAN encap/decap, with checksums. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "lib/pkt.h"
#include "walk_internal.h"

#define ETH_HLEN_  14
#define IP_HLEN_   20
#define UDP_HLEN_  8
#define VXLAN_HLEN 8

/* IPv4 with consistent lengths after an untagged Ethernet header (a bad L4 header is fine). */
static bool frame_ip4(const uint8_t *frame, uint32_t len, struct pl_pkt_info *info)
{
	pl_pkt_parse(frame, len, info);
	return info->ipv4 && info->has_payload && !info->vlan_tags;
}

bool pl_sim_frame_ip(uint8_t *frame, uint32_t len, struct sim_ip *ip)
{
	struct pl_pkt_info info;

	if (!frame_ip4(frame, len, &info))
		return false;
	ip->ip = frame + info.l3_off;
	ip->ihl = (uint32_t)info.ip_hlen;
	ip->tot_len = (uint32_t)info.ip_len;
	ip->l4 = frame + info.l4_off;
	ip->l4_len = (uint32_t)info.l4_len;
	ip->saddr = info.saddr;
	ip->daddr = info.daddr;
	ip->proto = info.proto;
	ip->ttl = info.ttl;
	ip->df = info.df;
	ip->fragment = info.fragment;
	ip->ports = info.has_l4 && (info.proto == IPPROTO_TCP || info.proto == IPPROTO_UDP);
	ip->sport = ip->ports ? info.sport : 0;
	ip->dport = ip->ports ? info.dport : 0;
	return true;
}

bool pl_sim_frame_tagged(const uint8_t *frame, uint32_t len)
{
	struct pl_pkt_info info;

	pl_pkt_parse(frame, len, &info);
	return info.vlan_tags > 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void fix_ip_csum(struct sim_ip *ip)
{
	put16(ip->ip + 10, 0);
	put16(ip->ip + 10, pl_csum_ipv4_header(ip->ip, ip->ihl));
}

/* TCP/UDP checksums cover the addresses: recomputed whole (UDP 0 = none stays 0). */
static void fix_l4_csum(struct sim_ip *ip)
{
	uint8_t proto = ip->proto;
	uint16_t c;
	int off;

	if (ip->fragment) /* the checksum covers the whole datagram, not this piece */
		return;
	if (proto == IPPROTO_TCP && ip->l4_len >= 20)
		off = 16;
	else if (proto == IPPROTO_UDP && ip->l4_len >= 8)
		off = 6;
	else
		return;
	if (proto == IPPROTO_UDP && !ip->l4[6] && !ip->l4[7])
		return;
	put16(ip->l4 + off, 0);
	c = pl_csum_l4(ip->saddr, ip->daddr, proto, ip->l4, ip->l4_len);
	if (proto == IPPROTO_UDP && !c)
		c = 0xffff;
	put16(ip->l4 + off, c);
}

void pl_sim_frame_set_saddr(struct sim_ip *ip, uint32_t saddr)
{
	memcpy(ip->ip + 12, &saddr, 4);
	ip->saddr = saddr;
	fix_ip_csum(ip);
	fix_l4_csum(ip);
}

void pl_sim_frame_set_daddr(struct sim_ip *ip, uint32_t daddr)
{
	memcpy(ip->ip + 16, &daddr, 4);
	ip->daddr = daddr;
	fix_ip_csum(ip);
	fix_l4_csum(ip);
}

void pl_sim_frame_dec_ttl(struct sim_ip *ip)
{
	ip->ip[8] = --ip->ttl;
	fix_ip_csum(ip);
}

/*
 * Kernel: udp_flow_src_port() = hash of the inner flow scaled into the local
 * port range (32768-60999). Its hash is seeded at boot; this one is FNV-1a
 * of the inner addresses, protocol and ports, so runs are reproducible.
 */
uint16_t pl_sim_vxlan_sport(const uint8_t *inner, uint32_t len)
{
	uint8_t key[13] = {0};
	uint32_t h = 2166136261u;
	struct pl_pkt_info info;
	size_t i;

	if (frame_ip4(inner, len, &info)) {
		memcpy(key, &info.saddr, 4);
		memcpy(key + 4, &info.daddr, 4);
		key[8] = info.proto;
		if (info.has_l4 && (info.proto == IPPROTO_TCP || info.proto == IPPROTO_UDP)) {
			put16(key + 9, info.sport);
			put16(key + 11, info.dport);
		}
	}
	for (i = 0; i < sizeof(key); i++)
		h = (h ^ key[i]) * 16777619u;
	return (uint16_t)((((uint64_t)h * (60999 - 32768)) >> 32) + 32768);
}

int pl_sim_frame_encap(uint8_t *frame, uint32_t len, uint32_t cap, const uint8_t smac[6],
		       const uint8_t dmac[6], uint32_t saddr, uint32_t daddr, uint32_t vni,
		       uint16_t ip_id, uint16_t *sport)
{
	uint32_t hl = ETH_HLEN_ + IP_HLEN_ + UDP_HLEN_ + VXLAN_HLEN;
	uint32_t ip_len = IP_HLEN_ + UDP_HLEN_ + VXLAN_HLEN + len;
	uint8_t *ip = frame + ETH_HLEN_, *udp = ip + IP_HLEN_, *vx = udp + UDP_HLEN_;

	if (len + hl > cap || ip_len > 0xffff)
		return -ENOSPC;
	*sport = pl_sim_vxlan_sport(frame, len);
	memmove(frame + hl, frame, len);
	memcpy(frame, dmac, 6);
	memcpy(frame + 6, smac, 6);
	put16(frame + 12, 0x0800);
	memset(ip, 0, IP_HLEN_);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)ip_len);
	put16(ip + 4, ip_id);
	put16(ip + 6, 0); /* DF clear: see docs/sim.md */
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, &saddr, 4);
	memcpy(ip + 16, &daddr, 4);
	put16(ip + 10, pl_csum_ipv4_header(ip, IP_HLEN_));
	put16(udp, *sport);
	put16(udp + 2, SIM_VXLAN_PORT);
	put16(udp + 4, (uint16_t)(ip_len - IP_HLEN_));
	put16(udp + 6, 0); /* vxlan over IPv4: no UDP checksum by default */
	memset(vx, 0, VXLAN_HLEN);
	vx[0] = 0x08; /* I: VNI valid */
	vx[4] = (vni >> 16) & 0xff;
	vx[5] = (vni >> 8) & 0xff;
	vx[6] = vni & 0xff;
	return (int)(len + hl);
}

int pl_sim_frame_decap(uint8_t *frame, uint32_t len, uint32_t *vni)
{
	uint32_t hl = ETH_HLEN_ + IP_HLEN_ + UDP_HLEN_ + VXLAN_HLEN;
	struct pl_pkt_info info;

	/* The vxlan device owns the port: the VNI-valid flag and room for an inner frame. */
	if (!frame_ip4(frame, len, &info) || info.ip_hlen != IP_HLEN_ || !info.vxlan ||
	    info.l4_len < UDP_HLEN_ + VXLAN_HLEN + ETH_HLEN_)
		return -EINVAL;
	*vni = info.vni;
	len = ETH_HLEN_ + (uint32_t)info.ip_len - hl;
	memmove(frame, frame + hl, len);
	return (int)len;
}

/* Cuts an IPv4 packet (DF clear) to its first fragment for mtu; returns the new length. */
int pl_sim_frame_first_fragment(uint8_t *frame, uint32_t len, uint32_t mtu, int *nfrags)
{
	struct sim_ip ip;
	uint32_t per, data;

	if (!pl_sim_frame_ip(frame, len, &ip) || mtu <= ip.ihl + 8)
		return -EINVAL;
	per = (mtu - ip.ihl) & ~7u;
	data = ip.tot_len - ip.ihl;
	*nfrags = (int)((data + per - 1) / per);
	if (*nfrags <= 1)
		return (int)len;
	put16(ip.ip + 2, (uint16_t)(ip.ihl + per));
	ip.ip[6] |= 0x20; /* MF */
	ip.tot_len = ip.ihl + per;
	fix_ip_csum(&ip);
	return (int)(ETH_HLEN_ + ip.ihl + per);
}

static void hdrs_ip(const uint8_t *frame, uint32_t len, const struct pl_pkt_info *i,
		    struct sim_hdrs *h)
{
	h->ipv4 = true;
	h->saddr = i->saddr;
	h->daddr = i->daddr;
	h->proto = i->proto;
	h->ttl = i->ttl;
	h->df = i->df;
	h->ip_len = (uint16_t)i->ip_len;
	/* A trace shows a broken packet's ports too: they are what its next hop reads. */
	pl_pkt_peek_ports(frame, len, i, &h->sport, &h->dport);
}

/* Untagged Ethernet with a whole IPv4 header (its lengths may be wrong: a trace shows it). */
static bool frame_ip4_header(const uint8_t *frame, uint32_t len, struct pl_pkt_info *i)
{
	pl_pkt_parse(frame, len, i);
	return i->ipv4 && i->has_l3 && !i->vlan_tags;
}

void pl_sim_hdrs_of(const uint8_t *frame, uint32_t len, struct sim_hdrs *h)
{
	struct pl_pkt_info out, in;
	const uint8_t *inner;

	memset(h, 0, sizeof(*h));
	h->len = len;
	if (len < 14)
		return;
	memcpy(h->dmac, frame, 6);
	memcpy(h->smac, frame + 6, 6);
	if (!frame_ip4_header(frame, len, &out))
		return;
	if (out.vxlan && out.ip_hlen == 20 &&
	    frame_ip4_header(frame + out.inner_off, len - out.inner_off, &in)) {
		inner = frame + out.inner_off;
		h->encap = true;
		h->outer_saddr = out.saddr;
		h->outer_daddr = out.daddr;
		h->outer_sport = out.sport;
		h->outer_ttl = out.ttl;
		h->outer_df = out.df;
		h->outer_ip_len = (uint16_t)out.ip_len;
		h->vni = out.vni;
		memcpy(h->inner_dmac, inner, 6);
		memcpy(h->inner_smac, inner + 6, 6);
		hdrs_ip(inner, len - (uint32_t)out.inner_off, &in, h);
		return;
	}
	/* IPv6 inside VXLAN: the outer headers; no IPv4 fields for the inner packet. */
	if (out.vxlan && out.ip_hlen == 20 &&
	    !pl_pkt_parse(frame + out.inner_off, len - out.inner_off, &in) && in.ipv6) {
		h->encap = true;
		h->outer_saddr = out.saddr;
		h->outer_daddr = out.daddr;
		h->outer_sport = out.sport;
		h->outer_ttl = out.ttl;
		h->outer_df = out.df;
		h->outer_ip_len = (uint16_t)out.ip_len;
		h->vni = out.vni;
		memcpy(h->inner_dmac, frame + out.inner_off, 6);
		memcpy(h->inner_smac, frame + out.inner_off + 6, 6);
		return;
	}
	memcpy(h->inner_dmac, h->dmac, 6);
	memcpy(h->inner_smac, h->smac, 6);
	if (out.ipip && out.ip_hlen == 20) {
		pl_pkt_parse_ip(frame + out.ipip_off, len - out.ipip_off, &in);
		if (in.ipv4 && in.has_l3) {
			h->encap = h->ipip = true;
			h->outer_saddr = out.saddr;
			h->outer_daddr = out.daddr;
			h->outer_ttl = out.ttl;
			h->outer_df = out.df;
			h->outer_ip_len = (uint16_t)out.ip_len;
			hdrs_ip(frame + out.ipip_off, len - (uint32_t)out.ipip_off, &in, h);
			return;
		}
	}
	hdrs_ip(frame, len, &out, h);
}
