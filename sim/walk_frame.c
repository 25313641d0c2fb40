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

bool sim_frame_ip(uint8_t *frame, uint32_t len, struct sim_ip *ip)
{
	uint8_t *h = frame + ETH_HLEN_;

	if (len < ETH_HLEN_ + IP_HLEN_ || frame[12] != 0x08 || frame[13] != 0x00)
		return false;
	if ((h[0] >> 4) != 4 || (h[0] & 0xf) < 5)
		return false;
	ip->ip = h;
	ip->ihl = (h[0] & 0xf) * 4;
	ip->tot_len = (uint32_t)h[2] << 8 | h[3];
	if (ip->tot_len < ip->ihl || ETH_HLEN_ + ip->tot_len > len)
		return false;
	ip->l4 = h + ip->ihl;
	ip->l4_len = ip->tot_len - ip->ihl;
	return true;
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
	uint8_t proto = ip->ip[9];
	uint32_t saddr, daddr;
	uint16_t c;
	int off;

	if ((ip->ip[6] & 0x3f) || ip->ip[7]) /* a fragment: the L4 header is elsewhere */
		return;
	if (proto == IPPROTO_TCP && ip->l4_len >= 20)
		off = 16;
	else if (proto == IPPROTO_UDP && ip->l4_len >= 8)
		off = 6;
	else
		return;
	if (proto == IPPROTO_UDP && !ip->l4[6] && !ip->l4[7])
		return;
	memcpy(&saddr, ip->ip + 12, 4);
	memcpy(&daddr, ip->ip + 16, 4);
	put16(ip->l4 + off, 0);
	c = pl_csum_l4(saddr, daddr, proto, ip->l4, ip->l4_len);
	if (proto == IPPROTO_UDP && !c)
		c = 0xffff;
	put16(ip->l4 + off, c);
}

void sim_frame_set_saddr(struct sim_ip *ip, uint32_t saddr)
{
	memcpy(ip->ip + 12, &saddr, 4);
	fix_ip_csum(ip);
	fix_l4_csum(ip);
}

void sim_frame_set_daddr(struct sim_ip *ip, uint32_t daddr)
{
	memcpy(ip->ip + 16, &daddr, 4);
	fix_ip_csum(ip);
	fix_l4_csum(ip);
}

void sim_frame_dec_ttl(struct sim_ip *ip)
{
	ip->ip[8]--;
	fix_ip_csum(ip);
}

/*
 * Kernel: udp_flow_src_port() = hash of the inner flow scaled into the local
 * port range (32768-60999). Its hash is seeded at boot; this one is FNV-1a
 * of the inner addresses, protocol and ports, so runs are reproducible.
 */
uint16_t sim_vxlan_sport(const uint8_t *inner, uint32_t len)
{
	uint8_t key[13] = {0};
	uint32_t h = 2166136261u;
	uint8_t copy[SIM_BUF];
	struct sim_ip ip;
	size_t i;

	if (len <= sizeof(copy)) {
		memcpy(copy, inner, len);
		if (sim_frame_ip(copy, len, &ip)) {
			memcpy(key, ip.ip + 12, 8);
			key[8] = ip.ip[9];
			if ((ip.ip[9] == IPPROTO_TCP || ip.ip[9] == IPPROTO_UDP) && ip.l4_len >= 4)
				memcpy(key + 9, ip.l4, 4);
		}
	}
	for (i = 0; i < sizeof(key); i++)
		h = (h ^ key[i]) * 16777619u;
	return (uint16_t)((((uint64_t)h * (60999 - 32768)) >> 32) + 32768);
}

int sim_frame_encap(uint8_t *frame, uint32_t len, uint32_t cap, const uint8_t smac[6],
		    const uint8_t dmac[6], uint32_t saddr, uint32_t daddr, uint32_t vni,
		    uint16_t ip_id, uint16_t *sport)
{
	uint32_t hl = ETH_HLEN_ + IP_HLEN_ + UDP_HLEN_ + VXLAN_HLEN;
	uint32_t ip_len = IP_HLEN_ + UDP_HLEN_ + VXLAN_HLEN + len;
	uint8_t *ip = frame + ETH_HLEN_, *udp = ip + IP_HLEN_, *vx = udp + UDP_HLEN_;

	if (len + hl > cap || ip_len > 0xffff)
		return -ENOSPC;
	*sport = sim_vxlan_sport(frame, len);
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

int sim_frame_decap(uint8_t *frame, uint32_t len, uint32_t *vni)
{
	uint32_t hl = ETH_HLEN_ + IP_HLEN_ + UDP_HLEN_ + VXLAN_HLEN;
	struct sim_ip ip;
	uint8_t *vx;

	if (!sim_frame_ip(frame, len, &ip) || ip.ihl != IP_HLEN_ || ip.ip[9] != IPPROTO_UDP ||
	    ip.tot_len < IP_HLEN_ + UDP_HLEN_ + VXLAN_HLEN + ETH_HLEN_)
		return -EINVAL;
	vx = ip.l4 + UDP_HLEN_;
	if (!(vx[0] & 0x08))
		return -EINVAL;
	*vni = (uint32_t)vx[4] << 16 | (uint32_t)vx[5] << 8 | vx[6];
	len = ETH_HLEN_ + ip.tot_len - hl;
	memmove(frame, frame + hl, len);
	return (int)len;
}

/* Cuts an IPv4 packet (DF clear) to its first fragment for mtu; returns the new length. */
int sim_frame_first_fragment(uint8_t *frame, uint32_t len, uint32_t mtu, int *nfrags)
{
	struct sim_ip ip;
	uint32_t per, data;

	if (!sim_frame_ip(frame, len, &ip) || mtu <= ip.ihl + 8)
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
