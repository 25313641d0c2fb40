// SPDX-License-Identifier: GPL-2.0
/*
 * The packet decoder: Ethernet, 802.1Q/802.1ad, IPv4 (options, fragments),
 * IPv6 (extension headers), TCP, UDP, ICMP/ICMPv6 (with the quoted header of
 * an error) and VXLAN. Byte-wise reads only, never past len: frames come from
 * pcaps, sockets and fuzzers at any alignment and any length.
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lib/pkt.h"
#include "lib/pkt_internal.h"

#define ICMP6_HLEN_   8
#define IP6_FRAG_HLEN 8

static const char *const err_text[PL_PKT_ERR_COUNT] = {
	[PL_PKT_OK] = "no error",
	[PL_PKT_ETH_TRUNC] = "truncated Ethernet header",
	[PL_PKT_VLAN_TRUNC] = "truncated 802.1Q tag",
	[PL_PKT_IP4_TRUNC] = "truncated IPv4 header",
	[PL_PKT_IP4_VERSION] = "IPv4 EtherType but IP version is not 4",
	[PL_PKT_IP4_IHL] = "IPv4 ihl < 5",
	[PL_PKT_IP4_OPTS_TRUNC] = "IPv4 options beyond the frame",
	[PL_PKT_IP4_LEN_SHORT] = "IPv4 total length shorter than its header",
	[PL_PKT_IP4_LEN_TRUNC] = "IPv4 total length beyond the frame",
	[PL_PKT_IP_VERSION] = "IP version is neither 4 nor 6",
	[PL_PKT_IP6_TRUNC] = "truncated IPv6 header",
	[PL_PKT_IP6_VERSION] = "IPv6 EtherType but IP version is not 6",
	[PL_PKT_IP6_LEN_TRUNC] = "IPv6 payload length beyond the frame",
	[PL_PKT_IP6_EXT_TRUNC] = "IPv6 extension header beyond the payload",
	[PL_PKT_IP6_EXT_CHAIN] = "IPv6 extension header chain too long",
	[PL_PKT_TCP_TRUNC] = "truncated TCP header",
	[PL_PKT_TCP_DOFF_SHORT] = "TCP data offset < 5",
	[PL_PKT_TCP_DOFF_TRUNC] = "TCP data offset beyond the packet",
	[PL_PKT_UDP_TRUNC] = "truncated UDP header",
	[PL_PKT_ICMP_TRUNC] = "truncated ICMP header",
	[PL_PKT_ICMP6_TRUNC] = "truncated ICMPv6 header",
};

const char *pl_pkt_err_str(enum pl_pkt_err err)
{
	return (unsigned)err < PL_PKT_ERR_COUNT && err_text[err] ? err_text[err] : "unknown error";
}

static int fail(struct pl_pkt_info *o, enum pl_pkt_err err)
{
	o->err = err;
	o->error = pl_pkt_err_str(err);
	return -EINVAL;
}

static void set_v4(struct pl_addr *a, const uint8_t *p)
{
	a->family = AF_INET;
	memcpy(&a->v4, p, 4);
}

static void set_v6(struct pl_addr *a, const uint8_t *p)
{
	a->family = AF_INET6;
	memcpy(a->v6, p, 16);
}

bool pl_pkt_icmp_is_error(bool v6, uint8_t type)
{
	if (v6)
		return type >= 1 && type <= 4; /* unreachable, too big, time exceeded, param */
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/* The IP header and 8 L4 bytes an ICMP error quotes; absent unless all of them are there. */
static void parse_quote(const uint8_t *q, size_t len, bool v6, struct pl_pkt_quote *o)
{
	size_t hlen;
	uint16_t frag = 0;

	if (v6) {
		if (len < IPV6_HLEN_ + 8 || q[0] >> 4 != 6)
			return;
		hlen = IPV6_HLEN_;
		set_v6(&o->src, q + 8);
		set_v6(&o->dst, q + 24);
		o->proto = q[6]; /* the first next header: extension headers are not walked */
	} else {
		if (len < IPV4_HLEN_ || q[0] >> 4 != 4 || (q[0] & 0x0f) < 5)
			return;
		hlen = (size_t)(q[0] & 0x0f) * 4;
		if (len < hlen + 8)
			return;
		set_v4(&o->src, q + 12);
		set_v4(&o->dst, q + 16);
		o->saddr = o->src.v4;
		o->daddr = o->dst.v4;
		o->proto = q[9];
		frag = pkt_get16(q + 6) & 0x1fff;
	}
	o->present = true;
	if (frag)
		return; /* a later fragment quotes no L4 header */
	q += hlen;
	switch (o->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		o->sport = pkt_get16(q);
		o->dport = pkt_get16(q + 2);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		o->icmp_type = q[0];
		o->sport = pkt_get16(q + 4);
		o->icmp_seq = pkt_get16(q + 6);
		break;
	default:
		break;
	}
}

static int parse_icmp(const uint8_t *l4, size_t len, bool v6, struct pl_pkt_info *o)
{
	if (len < ICMP_HLEN_)
		return fail(o, v6 ? PL_PKT_ICMP6_TRUNC : PL_PKT_ICMP_TRUNC);
	o->icmp_type = l4[0];
	o->icmp_code = l4[1];
	o->sport = pkt_get16(l4 + 4);
	o->dport = 0;
	o->icmp_seq = pkt_get16(l4 + 6);
	o->l4_hlen = ICMP_HLEN_;
	o->has_l4 = true;
	if (pl_pkt_icmp_is_error(v6, o->icmp_type))
		parse_quote(l4 + ICMP_HLEN_, len - ICMP_HLEN_, v6, &o->quote);
	return 0;
}

/* The L4 header at l4_off, inside the IP payload (l4_len is bounded by the IP length). */
static int parse_l4(const uint8_t *data, struct pl_pkt_info *o)
{
	const uint8_t *l4 = data + o->l4_off;
	size_t len = o->l4_len, doff;

	switch (o->proto) {
	case IPPROTO_TCP:
		if (len < TCP_HLEN_)
			return fail(o, PL_PKT_TCP_TRUNC);
		o->sport = pkt_get16(l4);
		o->dport = pkt_get16(l4 + 2);
		o->seq = pkt_get32(l4 + 4);
		o->ack = pkt_get32(l4 + 8);
		o->tcp_flags = l4[13];
		doff = (size_t)(l4[12] >> 4) * 4;
		if (doff < TCP_HLEN_)
			return fail(o, PL_PKT_TCP_DOFF_SHORT);
		if (doff > len)
			return fail(o, PL_PKT_TCP_DOFF_TRUNC);
		o->l4_hlen = doff;
		o->has_l4 = true;
		return 0;
	case IPPROTO_UDP:
		if (len < UDP_HLEN_)
			return fail(o, PL_PKT_UDP_TRUNC);
		o->sport = pkt_get16(l4);
		o->dport = pkt_get16(l4 + 2);
		o->l4_hlen = UDP_HLEN_;
		o->has_l4 = true;
		/* RFC 7348: the I flag says the VNI is valid. */
		if (o->dport != VXLAN_PORT_ || len < UDP_HLEN_ + VXLAN_HLEN_ || !(l4[8] & 0x08))
			return 0;
		o->vxlan = true;
		o->vni = pkt_get32(l4 + 12) >> 8;
		o->inner_off = o->l4_off + UDP_HLEN_ + VXLAN_HLEN_;
		return 0;
	case IPPROTO_IPIP:
		/* The inner header decodes on its own (pl_pkt_parse_ip at ipip_off). */
		if (o->ipv4 && len >= IPV4_HLEN_ && l4[0] >> 4 == 4) {
			o->ipip = true;
			o->ipip_off = o->l4_off;
		}
		return 0;
	case IPPROTO_ICMP:
		if (!o->ipv4)
			return 0;
		return parse_icmp(l4, len, false, o);
	case IPPROTO_ICMPV6:
		if (!o->ipv6)
			return 0;
		return parse_icmp(l4, len, true, o);
	default:
		return 0;
	}
}

static int parse_ip4(const uint8_t *data, size_t len, size_t off, struct pl_pkt_info *o)
{
	const uint8_t *ip = data + off;
	size_t ihl, tot_len;
	uint16_t frag;

	if (len - off < IPV4_HLEN_)
		return fail(o, PL_PKT_IP4_TRUNC);
	if (ip[0] >> 4 != 4)
		return fail(o, PL_PKT_IP4_VERSION);
	/* Addresses first: a summary of a malformed header still names them. */
	o->ipv4 = true;
	o->family = AF_INET;
	o->l3_off = off;
	set_v4(&o->src, ip + 12);
	set_v4(&o->dst, ip + 16);
	o->saddr = o->src.v4;
	o->daddr = o->dst.v4;
	o->tos = ip[1];
	o->proto = ip[9];
	o->ttl = ip[8];
	o->ip_id = pkt_get16(ip + 4);
	frag = pkt_get16(ip + 6);
	o->df = frag & 0x4000;
	o->more_frags = frag & 0x2000;
	o->frag_off = (uint16_t)((frag & 0x1fff) * 8);
	o->fragment = (frag & 0x3fff) != 0;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	tot_len = pkt_get16(ip + 2);
	o->ip_len = tot_len; /* as stated; inside the frame once has_payload */
	if (ihl < IPV4_HLEN_)
		return fail(o, PL_PKT_IP4_IHL);
	if (ihl > len - off)
		return fail(o, PL_PKT_IP4_OPTS_TRUNC);
	o->ip_hlen = ihl;
	o->has_l3 = true;
	if (tot_len < ihl)
		return fail(o, PL_PKT_IP4_LEN_SHORT);
	if (tot_len > len - off)
		return fail(o, PL_PKT_IP4_LEN_TRUNC);
	o->l4_off = off + ihl;
	o->l4_len = tot_len - ihl;
	o->has_payload = true;
	if (o->frag_off)
		return 0; /* a later fragment holds no L4 header */
	return parse_l4(data, o);
}

static bool ip6_ext(uint8_t nh)
{
	return nh == 0 /* hop-by-hop */ || nh == 43 /* routing */ || nh == 44 /* fragment */ ||
	       nh == 60 /* destination options */;
}

static int parse_ip6(const uint8_t *data, size_t len, size_t off, struct pl_pkt_info *o)
{
	const uint8_t *ip = data + off, *e;
	size_t pos, end, hl;
	uint16_t fo;
	uint8_t nh;
	int n;

	if (len - off < IPV6_HLEN_)
		return fail(o, PL_PKT_IP6_TRUNC);
	if (ip[0] >> 4 != 6)
		return fail(o, PL_PKT_IP6_VERSION);
	o->ipv6 = true;
	o->family = AF_INET6;
	o->l3_off = off;
	set_v6(&o->src, ip + 8);
	set_v6(&o->dst, ip + 24);
	o->tos = (uint8_t)(pkt_get16(ip) >> 4);
	o->ttl = ip[7];
	nh = ip[6];
	o->proto = nh;
	o->ip_hlen = IPV6_HLEN_;
	o->ip_len = IPV6_HLEN_ + pkt_get16(ip + 4);
	o->has_l3 = true;
	if (o->ip_len > len - off)
		return fail(o, PL_PKT_IP6_LEN_TRUNC);
	pos = off + IPV6_HLEN_;
	end = off + o->ip_len;
	/* Bounded: a chain longer than PL_PKT_MAX_EXT is an error, not a long walk. */
	for (n = 0; ip6_ext(nh); n++) {
		if (n == PL_PKT_MAX_EXT)
			return fail(o, PL_PKT_IP6_EXT_CHAIN);
		if (end - pos < 8)
			return fail(o, PL_PKT_IP6_EXT_TRUNC);
		e = data + pos;
		if (nh == 44) {
			fo = pkt_get16(e + 2);
			o->frag_off = fo & 0xfff8;
			o->more_frags = fo & 1;
			o->fragment = o->frag_off || o->more_frags;
			o->ip_id = (uint16_t)pkt_get32(e + 4);
			hl = IP6_FRAG_HLEN;
		} else {
			hl = ((size_t)e[1] + 1) * 8;
			if (hl > end - pos)
				return fail(o, PL_PKT_IP6_EXT_TRUNC);
		}
		nh = e[0];
		pos += hl;
		o->ext_count++;
		o->proto = nh;
	}
	o->ip_hlen = pos - off;
	o->l4_off = pos;
	o->l4_len = end - pos;
	o->has_payload = true;
	if (o->frag_off)
		return 0;
	return parse_l4(data, o);
}

int pl_pkt_parse(const uint8_t *data, size_t len, struct pl_pkt_info *out)
{
	size_t off = 12;

	memset(out, 0, sizeof(*out));
	if (!data || len < ETH_HLEN_)
		return fail(out, PL_PKT_ETH_TRUNC);
	out->eth_proto = pkt_get16(data + off);
	/* Bounded by len: each tag is 4 more bytes of the frame. */
	while (out->eth_proto == ETHERTYPE_VLAN_ || out->eth_proto == ETHERTYPE_QINQ_) {
		if (len < off + 2 + VLAN_HLEN_)
			return fail(out, PL_PKT_VLAN_TRUNC);
		if (!out->vlan_tags)
			out->vlan_id = pkt_get16(data + off + 2) & 0x0fff;
		if (out->vlan_tags < UINT8_MAX)
			out->vlan_tags++;
		off += VLAN_HLEN_;
		out->eth_proto = pkt_get16(data + off);
	}
	off += 2;
	if (out->eth_proto == ETHERTYPE_IPV4_)
		return parse_ip4(data, len, off, out);
	if (out->eth_proto == ETHERTYPE_IPV6_)
		return parse_ip6(data, len, off, out);
	return 0;
}

int pl_pkt_parse_ip(const uint8_t *data, size_t len, struct pl_pkt_info *out)
{
	memset(out, 0, sizeof(*out));
	if (!data || !len)
		return fail(out, PL_PKT_IP4_TRUNC);
	switch (data[0] >> 4) {
	case 4:
		out->eth_proto = ETHERTYPE_IPV4_;
		return parse_ip4(data, len, 0, out);
	case 6:
		out->eth_proto = ETHERTYPE_IPV6_;
		return parse_ip6(data, len, 0, out);
	default:
		return fail(out, PL_PKT_IP_VERSION);
	}
}

bool pl_pkt_peek_ports(const uint8_t *data, size_t len, const struct pl_pkt_info *i,
		       uint16_t *sport, uint16_t *dport)
{
	size_t off = i->l3_off + i->ip_hlen;

	*sport = *dport = 0;
	if (!i->has_l3 || i->fragment || off > len)
		return false;
	switch (i->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		if (len - off < 4)
			return false;
		*sport = pkt_get16(data + off);
		*dport = pkt_get16(data + off + 2);
		return true;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (len - off < ICMP_HLEN_)
			return false;
		*sport = pkt_get16(data + off + 4);
		return true;
	default:
		return false;
	}
}
