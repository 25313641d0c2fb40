// SPDX-License-Identifier: GPL-2.0
/*
 * Packet builder and parser. Byte-wise reads and writes only: frames come
 * from pcaps at any alignment, and the parser never reads past len.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "lib/pkt.h"

#define ETH_HLEN_	14
#define VLAN_HLEN_	4
#define IPV4_HLEN_	20
#define TCP_HLEN_	20
#define UDP_HLEN_	8
#define ICMP_HLEN_	8
#define VXLAN_HLEN_	8
#define VXLAN_PORT_	4789
#define ETHERTYPE_IPV4_ 0x0800
#define ETHERTYPE_VLAN_ 0x8100
#define ETHERTYPE_QINQ_ 0x88a8

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v & 0xff;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One's complement sum of big-endian 16-bit words, not folded. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
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
	put16(pseudo + 10, (uint16_t)len);
	return csum_fold(csum_add(csum_add(0, pseudo, sizeof(pseudo)), l4, len));
}

static size_t l4_header_len(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return TCP_HLEN_;
	case IPPROTO_UDP:
		return UDP_HLEN_;
	case IPPROTO_ICMP:
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
		put16(buf + off, ETHERTYPE_VLAN_);
		put16(buf + off + 2, s->vlan_id & 0x0fff);
		off += VLAN_HLEN_;
	}
	put16(buf + off, proto);
	return off + 2;
}

static void build_l4(const struct pl_pkt_spec *s, uint8_t *l4, size_t l4_len)
{
	uint16_t csum;

	switch (s->proto) {
	case IPPROTO_TCP:
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		put32(l4 + 4, s->seq);
		put32(l4 + 8, s->ack);
		l4[12] = (TCP_HLEN_ / 4) << 4;
		l4[13] = s->tcp_flags;
		put16(l4 + 14, 65535);
		put16(l4 + 16, 0);
		put16(l4 + 18, 0);
		csum = pl_csum_l4(s->saddr, s->daddr, IPPROTO_TCP, l4, l4_len);
		put16(l4 + 16, csum);
		break;
	case IPPROTO_UDP:
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		put16(l4 + 4, (uint16_t)l4_len);
		put16(l4 + 6, 0);
		csum = pl_csum_l4(s->saddr, s->daddr, IPPROTO_UDP, l4, l4_len);
		put16(l4 + 6, csum ? csum : 0xffff); /* 0 means "no checksum" in UDP */
		break;
	case IPPROTO_ICMP:
		l4[0] = s->icmp_type;
		l4[1] = s->icmp_code;
		put16(l4 + 2, 0);
		put16(l4 + 4, s->sport);
		put16(l4 + 6, s->icmp_seq);
		put16(l4 + 2, pl_csum(l4, l4_len));
		break;
	default:
		break;
	}
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
	put16(ip + 2, (uint16_t)(ihl + l4_len));
	put16(ip + 4, s->ip_id);
	put16(ip + 6, s->frag);
	ip[8] = s->ttl ? s->ttl : 64;
	ip[9] = s->proto;
	put16(ip + 10, 0);
	memcpy(ip + 12, &s->saddr, 4);
	memcpy(ip + 16, &s->daddr, 4);
	memset(ip + IPV4_HLEN_, 1 /* IPOPT_NOOP */, opt_len);
	put16(ip + 10, pl_csum_ipv4_header(ip, ihl));

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
	put32(body + 4, vni << 8);
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

/* Parses the L4 header inside [l4, l4 + len); len is bounded by tot_len and the frame. */
static int parse_l4(const uint8_t *l4, size_t len, size_t l4_off, struct pl_pkt_info *o)
{
	switch (o->proto) {
	case IPPROTO_TCP:
		if (len < TCP_HLEN_)
			goto truncated;
		o->sport = get16(l4);
		o->dport = get16(l4 + 2);
		o->tcp_flags = l4[13];
		if ((l4[12] >> 4) < 5) {
			o->error = "TCP data offset < 5";
			return -EINVAL;
		}
		if ((size_t)(l4[12] >> 4) * 4 > len) {
			o->error = "TCP data offset beyond the packet";
			return -EINVAL;
		}
		return 0;
	case IPPROTO_UDP:
		if (len < UDP_HLEN_)
			goto truncated;
		o->sport = get16(l4);
		o->dport = get16(l4 + 2);
		if (o->dport != VXLAN_PORT_ || len < UDP_HLEN_ + VXLAN_HLEN_ || !(l4[8] & 0x08))
			return 0;
		o->vxlan = true;
		o->vni = get32(l4 + 12) >> 8;
		o->inner_off = l4_off + UDP_HLEN_ + VXLAN_HLEN_;
		return 0;
	case IPPROTO_ICMP:
		if (len < ICMP_HLEN_)
			goto truncated;
		o->icmp_type = l4[0];
		o->icmp_code = l4[1];
		o->sport = get16(l4 + 4);
		o->dport = 0;
		return 0;
	default:
		return 0;
	}
truncated:
	o->error = o->proto == IPPROTO_TCP   ? "truncated TCP header"
		   : o->proto == IPPROTO_UDP ? "truncated UDP header"
					     : "truncated ICMP header";
	return -EINVAL;
}

/* Where the IPv4 and L4 headers start, for the summary (0 = absent). */
struct layout {
	size_t ip_off, l4_off;
};

static int parse(const uint8_t *data, size_t len, struct pl_pkt_info *out, struct layout *lay)
{
	size_t off = 12, ihl, tot_len;
	const uint8_t *ip;
	int tags = 0;

	memset(out, 0, sizeof(*out));
	memset(lay, 0, sizeof(*lay));
	if (!data || len < ETH_HLEN_) {
		out->error = "truncated Ethernet header";
		return -EINVAL;
	}
	out->eth_proto = get16(data + off);
	while (out->eth_proto == ETHERTYPE_VLAN_ || out->eth_proto == ETHERTYPE_QINQ_) {
		if (len < off + 2 + VLAN_HLEN_) {
			out->error = "truncated 802.1Q tag";
			return -EINVAL;
		}
		if (!tags++)
			out->vlan_id = get16(data + off + 2) & 0x0fff;
		off += VLAN_HLEN_;
		out->eth_proto = get16(data + off);
	}
	off += 2;
	if (out->eth_proto != ETHERTYPE_IPV4_)
		return 0;

	ip = data + off;
	if (len - off < IPV4_HLEN_) {
		out->error = "truncated IPv4 header";
		return -EINVAL;
	}
	if (ip[0] >> 4 != 4) {
		out->error = "IPv4 EtherType but IP version is not 4";
		return -EINVAL;
	}
	out->ipv4 = true;
	lay->ip_off = off;
	memcpy(&out->saddr, ip + 12, 4);
	memcpy(&out->daddr, ip + 16, 4);
	out->proto = ip[9];
	out->ttl = ip[8];
	out->ip_id = get16(ip + 4);
	out->fragment = (get16(ip + 6) & 0x3fff) != 0; /* MF or an offset */
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	tot_len = get16(ip + 2);
	if (ihl < IPV4_HLEN_) {
		out->error = "IPv4 ihl < 5";
		return -EINVAL;
	}
	if (ihl > len - off) {
		out->error = "IPv4 options beyond the frame";
		return -EINVAL;
	}
	if (tot_len < ihl) {
		out->error = "IPv4 total length shorter than its header";
		return -EINVAL;
	}
	if (tot_len > len - off) {
		out->error = "IPv4 total length beyond the frame";
		return -EINVAL;
	}
	if (get16(ip + 6) & 0x1fff)
		return 0; /* a later fragment holds no L4 header */
	lay->l4_off = off + ihl;
	return parse_l4(ip + ihl, tot_len - ihl, off + ihl, out);
}

/* Returns 0 when the frame is well formed, -EINVAL with out->error set otherwise. */
int pl_pkt_parse(const uint8_t *data, size_t len, struct pl_pkt_info *out)
{
	struct layout lay;

	return parse(data, len, out, &lay);
}

static void tcp_flags_str(uint8_t f, char *s)
{
	static const struct {
		uint8_t bit;
		char c;
	} names[] = {{0x01, 'F'}, {0x02, 'S'}, {0x04, 'R'}, {0x08, 'P'},
		     {0x10, '.'}, {0x20, 'U'}, {0x40, 'E'}, {0x80, 'W'}};
	size_t i, n = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (f & names[i].bit)
			s[n++] = names[i].c;
	if (!n) {
		strcpy(s, "none");
		return;
	}
	s[n] = '\0';
}

struct sbuf {
	char *buf;
	size_t cap, len;
	bool overflow;
};

static void sb_printf(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sb->cap - sb->len) {
		sb->overflow = true;
		sb->len = sb->cap - 1;
		return;
	}
	sb->len += n;
}

static const char *ethertype_name(uint16_t proto)
{
	switch (proto) {
	case 0x0806:
		return "ARP";
	case 0x86dd:
		return "IPv6";
	case 0x8035:
		return "RARP";
	case 0x88cc:
		return "LLDP";
	default:
		return NULL;
	}
}

static const char *icmp_name(uint8_t type)
{
	switch (type) {
	case 0:
		return "echo reply";
	case 3:
		return "unreachable";
	case 8:
		return "echo";
	case 11:
		return "time exceeded";
	default:
		return NULL;
	}
}

static void summarize(const uint8_t *data, size_t len, struct sbuf *sb, int depth);

static void summarize_ipv4(const uint8_t *data, size_t len, const struct pl_pkt_info *i,
			   const struct layout *lay, struct sbuf *sb, int depth)
{
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN], flags[12];
	bool l4 = lay->l4_off && !i->error;
	uint16_t frag = get16(data + lay->ip_off + 6);
	bool ports = l4 && (i->proto == IPPROTO_TCP || i->proto == IPPROTO_UDP);

	inet_ntop(AF_INET, &i->saddr, s, sizeof(s));
	inet_ntop(AF_INET, &i->daddr, d, sizeof(d));
	if (i->vxlan && depth < 2) {
		sb_printf(sb, "vxlan vni %u %s:%u > %s:%u { ", i->vni, s, i->sport, d, i->dport);
		summarize(data + i->inner_off, len - i->inner_off, sb, depth + 1);
		sb_printf(sb, " }");
		return;
	}
	if (ports)
		sb_printf(sb, "%s:%u > %s:%u", s, i->sport, d, i->dport);
	else
		sb_printf(sb, "%s > %s", s, d);
	switch (i->proto) {
	case IPPROTO_TCP:
		sb_printf(sb, " TCP");
		if (l4) {
			tcp_flags_str(i->tcp_flags, flags);
			sb_printf(sb, " [%s]", flags);
		}
		break;
	case IPPROTO_UDP:
		sb_printf(sb, " UDP");
		break;
	case IPPROTO_ICMP:
		sb_printf(sb, " ICMP");
		if (!l4)
			break;
		if (icmp_name(i->icmp_type))
			sb_printf(sb, " %s", icmp_name(i->icmp_type));
		else
			sb_printf(sb, " type %u code %u", i->icmp_type, i->icmp_code);
		if (i->icmp_type == 0 || i->icmp_type == 8)
			sb_printf(sb, " id %u seq %u", i->sport, get16(data + lay->l4_off + 6));
		break;
	default:
		sb_printf(sb, " proto %u", i->proto);
	}
	if (i->fragment)
		sb_printf(sb, " frag off %u%s", (frag & 0x1fff) * 8, frag & 0x2000 ? " MF" : "");
	if (i->ttl <= 1)
		sb_printf(sb, " ttl %u", i->ttl);
}

static void summarize(const uint8_t *data, size_t len, struct sbuf *sb, int depth)
{
	struct pl_pkt_info i;
	struct layout lay;
	const char *name;

	parse(data, len, &i, &lay);
	if (i.vlan_id)
		sb_printf(sb, "vlan %u ", i.vlan_id);
	if (i.ipv4) {
		summarize_ipv4(data, len, &i, &lay, sb, depth);
	} else if (!i.error) {
		name = ethertype_name(i.eth_proto);
		if (name)
			sb_printf(sb, "%s", name);
		else
			sb_printf(sb, "ethertype 0x%04x", i.eth_proto);
	}
	if (i.error)
		sb_printf(sb, "%smalformed: %s", sb->len && sb->buf[sb->len - 1] != ' ' ? " " : "",
			  i.error);
}

int pl_pkt_summary(const uint8_t *data, size_t len, char *buf, size_t cap)
{
	struct sbuf sb = {.buf = buf, .cap = cap};

	if (!buf || !cap)
		return -EINVAL;
	buf[0] = '\0';
	summarize(data, len, &sb, 0);
	return sb.overflow ? -ENOSPC : (int)sb.len;
}
