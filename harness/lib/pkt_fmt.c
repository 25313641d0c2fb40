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

const char *pl_addr_str(int family, const void *addr, char *buf)
{
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

static void summarize(const uint8_t *data, size_t len, struct sbuf *sb, int depth);

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
