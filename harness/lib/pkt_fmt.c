// SPDX-License-Identifier: GPL-2.0
/* Packets, addresses and protocol names as podlab prints them. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "lib/pkt.h"
#include "lib/pkt_internal.h"

/* RFC 5952 text of a 16-byte IPv6 address into buf (PL_ADDR_STRLEN). */
static void ip6_str(const uint8_t *a, char *buf)
{
	int i, best = -1, best_len = 0, cur = -1, cur_len = 0;
	uint16_t w[8];
	char *p = buf;

	for (i = 0; i < 8; i++) {
		w[i] = pkt_get16(a + 2 * i);
		if (w[i]) {
			cur = -1;
			continue;
		}
		if (cur < 0) {
			cur = i;
			cur_len = 0;
		}
		/* Strictly longer: of equal runs the first is shortened (4.2.3). */
		if (++cur_len > best_len) {
			best = cur;
			best_len = cur_len;
		}
	}
	if (best_len < 2)
		best = -1; /* "::" never stands for a single 16-bit 0 field (4.2.2) */
	if (best == 0 && best_len == 5 && w[5] == 0xffff) {
		sprintf(buf, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14], a[15]); /* 5 */
		return;
	}
	for (i = 0; i < 8;) {
		if (i == best) {
			p += sprintf(p, "::");
			i += best_len;
			continue;
		}
		if (i && i != best + best_len)
			*p++ = ':';
		p += sprintf(p, "%x", w[i]); /* lower case, no leading zeros (4.1, 4.3) */
		i++;
	}
	*p = '\0';
}

const char *pl_addr_str(int family, const void *addr, char *buf)
{
	if (family == AF_INET6) {
		ip6_str(addr, buf);
		return buf;
	}
	if (!inet_ntop(family, addr, buf, PL_ADDR_STRLEN))
		snprintf(buf, PL_ADDR_STRLEN, "?");
	return buf;
}

const char *pl_ip4_str(uint32_t ip, char *buf)
{
	return inet_ntop(AF_INET, &ip, buf, INET_ADDRSTRLEN);
}

const char *pl_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_ICMP:
		return "ICMP";
	case IPPROTO_ICMPV6:
		return "ICMPv6";
	case IPPROTO_SCTP:
		return "SCTP";
	default:
		return "IP";
	}
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

static const char *icmp6_name(uint8_t type)
{
	switch (type) {
	case 1:
		return "unreachable";
	case 2:
		return "packet too big";
	case 3:
		return "time exceeded";
	case 4:
		return "parameter problem";
	case 128:
		return "echo";
	case 129:
		return "echo reply";
	case 133:
		return "router solicitation";
	case 134:
		return "router advertisement";
	case 135:
		return "neighbor solicitation";
	case 136:
		return "neighbor advertisement";
	case 137:
		return "redirect";
	default:
		return NULL;
	}
}

static void summarize(const uint8_t *data, size_t len, struct sbuf *sb, int depth);

/* "[fd00::1]:40000 > [fd00::2]:80 TCP [S]", "fd00::1 > fd00::2 ICMPv6 echo id 1 seq 1". */
static void summarize_ipv6(const uint8_t *data, size_t len, const struct pl_pkt_info *i,
			   struct sbuf *sb)
{
	char s[PL_ADDR_STRLEN], d[PL_ADDR_STRLEN], flags[12];
	bool l4 = i->has_l4 && !i->error;
	bool ports = l4 && (i->proto == IPPROTO_TCP || i->proto == IPPROTO_UDP);
	const uint8_t *icmp = data + i->l4_off;

	pl_addr_str(AF_INET6, i->src.v6, s);
	pl_addr_str(AF_INET6, i->dst.v6, d);
	if (ports)
		sb_printf(sb, "[%s]:%u > [%s]:%u", s, i->sport, d, i->dport);
	else
		sb_printf(sb, "%s > %s", s, d);
	switch (i->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_ICMPV6:
		sb_printf(sb, " %s", pl_proto_name(i->proto));
		break;
	case 59:
		sb_printf(sb, " no next header");
		break;
	default:
		sb_printf(sb, " next header %u", i->proto);
	}
	if (i->proto == IPPROTO_TCP && l4) {
		tcp_flags_str(i->tcp_flags, flags);
		sb_printf(sb, " [%s]", flags);
	} else if (i->proto == IPPROTO_ICMPV6 && l4) {
		if (icmp6_name(i->icmp_type))
			sb_printf(sb, " %s", icmp6_name(i->icmp_type));
		else
			sb_printf(sb, " type %u code %u", i->icmp_type, i->icmp_code);
		if (i->icmp_type == 128 || i->icmp_type == 129)
			sb_printf(sb, " id %u seq %u", i->sport, i->icmp_seq);
		else if (i->icmp_type == 2 && i->l4_off + 8 <= len)
			sb_printf(sb, " mtu %u", pkt_get32(icmp + 4));
	}
	if (i->ext_count)
		sb_printf(sb, " ext %u", i->ext_count);
	if (i->fragment)
		sb_printf(sb, " frag off %u%s", i->frag_off, i->more_frags ? " MF" : "");
	if (i->has_l3 && i->ttl <= 1)
		sb_printf(sb, " hlim %u", i->ttl);
}

static void summarize_ipv4(const uint8_t *data, size_t len, const struct pl_pkt_info *i,
			   struct sbuf *sb, int depth)
{
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN], flags[12];
	bool l4 = i->has_l4 && !i->error;
	bool ports = l4 && (i->proto == IPPROTO_TCP || i->proto == IPPROTO_UDP);

	pl_ip4_str(i->saddr, s);
	pl_ip4_str(i->daddr, d);
	if (i->vxlan && depth < 2) {
		sb_printf(sb, "vxlan vni %u %s:%u > %s:%u { ", i->vni, s, i->sport, d, i->dport);
		summarize(data + i->inner_off, len - i->inner_off, sb, depth + 1);
		sb_printf(sb, " }");
		return;
	}
	if (i->ipip && depth < 2) {
		struct pl_pkt_info in;

		pl_pkt_parse_ip(data + i->ipip_off, len - i->ipip_off, &in);
		sb_printf(sb, "ipip %s > %s { ", s, d);
		summarize_ipv4(data + i->ipip_off, len - i->ipip_off, &in, sb, depth + 1);
		sb_printf(sb, " }");
		return;
	}
	if (ports)
		sb_printf(sb, "%s:%u > %s:%u", s, i->sport, d, i->dport);
	else
		sb_printf(sb, "%s > %s", s, d);
	switch (i->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_ICMP:
		sb_printf(sb, " %s", pl_proto_name(i->proto));
		break;
	default:
		sb_printf(sb, " proto %u", i->proto);
	}
	if (i->proto == IPPROTO_TCP && l4) {
		tcp_flags_str(i->tcp_flags, flags);
		sb_printf(sb, " [%s]", flags);
	} else if (i->proto == IPPROTO_ICMP && l4) {
		if (icmp_name(i->icmp_type))
			sb_printf(sb, " %s", icmp_name(i->icmp_type));
		else
			sb_printf(sb, " type %u code %u", i->icmp_type, i->icmp_code);
		if (i->icmp_type == 0 || i->icmp_type == 8)
			sb_printf(sb, " id %u seq %u", i->sport, i->icmp_seq);
	}
	if (i->fragment)
		sb_printf(sb, " frag off %u%s", i->frag_off, i->more_frags ? " MF" : "");
	if (i->ttl <= 1)
		sb_printf(sb, " ttl %u", i->ttl);
}

static void summarize(const uint8_t *data, size_t len, struct sbuf *sb, int depth)
{
	struct pl_pkt_info i;
	const char *name;

	pl_pkt_parse(data, len, &i);
	if (i.vlan_id)
		sb_printf(sb, "vlan %u ", i.vlan_id);
	if (i.ipv4) {
		summarize_ipv4(data, len, &i, sb, depth);
	} else if (i.ipv6 && i.has_l3) {
		summarize_ipv6(data, len, &i, sb);
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
