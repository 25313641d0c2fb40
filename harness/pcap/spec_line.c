// SPDX-License-Identifier: GPL-2.0
/* Packet spec lines: addresses, endpoints and the packet grammar (docs/pcap-spec.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "pcap/pcap_spec.h"
#include "pcap/spec_internal.h"

static const struct {
	const char *word;
	enum kind kind;
} kinds[] = {
	{"tcp", K_TCP},	  {"udp", K_UDP},     {"icmp", K_ICMP},		{"ip", K_IP},
	{"arp", K_ARP},	  {"ipv6", K_IPV6},   {"raw-ethertype", K_RAW}, {"vxlan", K_VXLAN},
	{"ipip", K_IPIP}, {"icmp6", K_ICMP6},
};

/* ICMPv6 type words (RFC 4443, RFC 4861). */
static const struct {
	const char *word;
	uint8_t type;
} icmp6_types[] = {
	{"echo", 128},
	{"echo-reply", 129},
	{"unreachable", 1},
	{"packet-too-big", 2},
	{"time-exceeded", 3},
	{"param-problem", 4},
	{"router-solicit", 133},
	{"router-advert", 134},
	{"neighbor-solicit", 135},
	{"neighbor-advert", 136},
	{"redirect", 137},
};

/*
 * One address into the packet's source (dst false) or destination: IPv4,
 * or IPv6 where the kind allows it; both ends of a packet of one family.
 */
static int get_addr(struct lp *p, struct want *w, struct tok *t, char *s, bool dst)
{
	struct pl_pkt_spec *ps = &w->s;
	uint8_t a6[16];
	uint32_t a4;

	if (inet_pton(AF_INET, s, &a4) == 1) {
		if (w->kind & (K_IPV6 | K_ICMP6))
			return pl_spec_perr(p, t->col, "'%s' is not an IPv6 address", s);
		if (dst && w->v6)
			return pl_spec_perr(p, t->col, "'%s' is IPv4 but the source is IPv6", s);
		*(dst ? &ps->daddr : &ps->saddr) = a4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a6) != 1 || !(w->kind & K_IP6))
		return pl_spec_perr(p, t->col, "'%s' is not an %s address", s,
				    w->kind & (K_IPV6 | K_ICMP6) ? "IPv6"
				    : w->kind & K_IP6		 ? "IPv4 or IPv6"
								 : "IPv4");
	if (dst && !w->v6)
		return pl_spec_perr(p, t->col, "'%s' is IPv6 but the source is IPv4", s);
	w->v6 = true;
	ps->family = AF_INET6;
	memcpy(dst ? ps->daddr6 : ps->saddr6, a6, 16);
	return 0;
}

/*
 * ADDR or ADDR:PORT, IPv6 with a port as [ADDR]:PORT (RFC 5952 6); port_mode
 * 0 = no port, 1 = required, 2 = optional.
 */
static int get_endpoint(struct lp *p, int port_mode, struct want *w, bool dst, uint16_t *port)
{
	char buf[TOK_LEN], *colon, *end, *addr = buf;
	unsigned long v;
	struct tok *t;
	int err;

	t = pl_spec_next(p, port_mode == 1 ? "ADDR:PORT" : "an address", &err);
	if (!t)
		return err;
	memcpy(buf, t->s, sizeof(buf));
	if (buf[0] == '[') {
		end = strchr(buf, ']');
		if (!end || (end[1] && end[1] != ':'))
			return pl_spec_perr(p, t->col, "'%s': expected [IPV6]:PORT", t->s);
		*end = '\0';
		addr = buf + 1;
		colon = end[1] ? end + 1 : NULL;
	} else {
		colon = strchr(buf, ':');
		if (colon && strchr(colon + 1, ':'))
			colon = NULL; /* a bare IPv6 address */
	}
	if (colon && !port_mode)
		return pl_spec_perr(p, t->col, "'%s': this packet kind has no ports", t->s);
	if (!colon && port_mode == 1)
		return pl_spec_perr(p, t->col, "expected %s, got '%s'",
				    strchr(addr, ':') ? "[IPV6]:PORT" : "ADDR:PORT", t->s);
	if (colon) {
		*colon = '\0';
		errno = 0;
		v = strtoul(colon + 1, &end, 10);
		if (!colon[1] || *end || errno || v > 65535 || colon[1] == '-' || colon[1] == '+')
			return pl_spec_perr(p, t->col + (colon - buf) + 1,
					    "'%s' is not a port (0-65535)", colon + 1);
		*port = (uint16_t)v;
	}
	return get_addr(p, w, t, addr, dst);
}

static int expect_word(struct lp *p, const char *word)
{
	struct tok *t;
	int err;

	t = pl_spec_next(p, word, &err);
	if (!t)
		return err;
	if (strcmp(t->s, word))
		return pl_spec_perr(p, t->col, "expected '%s', got '%s'", word, t->s);
	return 0;
}

static int parse_head(struct lp *p, struct want *w)
{
	struct pl_pkt_spec *s = &w->s;
	unsigned long v;
	struct tok *t;
	size_t i;
	int err;

	switch (w->kind) {
	case K_TCP:
	case K_UDP:
		s->proto = w->kind == K_TCP ? IPPROTO_TCP : IPPROTO_UDP;
		if (w->kind == K_TCP) {
			s->tcp_flags = 0x02;
			s->seq = 1000;
		}
		if ((err = get_endpoint(p, 1, w, false, &s->sport)) || (err = expect_word(p, ">")))
			return err;
		return get_endpoint(p, 1, w, true, &s->dport);
	case K_ICMP6:
		s->proto = IPPROTO_ICMPV6;
		s->sport = 1;
		s->icmp_seq = 1;
		t = pl_spec_next(p, "an ICMPv6 type", &err);
		if (!t)
			return err;
		for (i = 0; i < sizeof(icmp6_types) / sizeof(icmp6_types[0]); i++)
			if (!strcmp(t->s, icmp6_types[i].word))
				break;
		if (i == sizeof(icmp6_types) / sizeof(icmp6_types[0]))
			return pl_spec_perr(
				p, t->col,
				"unknown ICMPv6 type '%s' (echo, echo-reply, unreachable, "
				"packet-too-big, time-exceeded, param-problem, router-solicit, "
				"router-advert, neighbor-solicit, neighbor-advert, redirect)",
				t->s);
		s->icmp_type = icmp6_types[i].type;
		if (s->icmp_type == 2)
			s->icmp_data = 1280; /* the IPv6 minimum MTU */
		if ((err = get_endpoint(p, 0, w, false, NULL)) || (err = expect_word(p, ">")))
			return err;
		return get_endpoint(p, 0, w, true, NULL);
	case K_ICMP:
		s->proto = IPPROTO_ICMP;
		s->sport = 1;
		s->icmp_seq = 1;
		t = pl_spec_next(p, "echo, echo-reply, unreachable or time-exceeded", &err);
		if (!t)
			return err;
		if (!strcmp(t->s, "echo"))
			s->icmp_type = 8;
		else if (!strcmp(t->s, "echo-reply"))
			s->icmp_type = 0;
		else if (!strcmp(t->s, "unreachable"))
			s->icmp_type = 3;
		else if (!strcmp(t->s, "time-exceeded"))
			s->icmp_type = 11;
		else
			return pl_spec_perr(
				p, t->col,
				"unknown ICMP type '%s' (echo, echo-reply, unreachable, "
				"time-exceeded)",
				t->s);
		__attribute__((fallthrough)); /* then the addresses */
	case K_IP:
		if ((err = get_endpoint(p, 0, w, false, NULL)) || (err = expect_word(p, ">")))
			return err;
		return get_endpoint(p, 0, w, true, NULL);
	case K_ARP:
		w->arp_op = 1;
		t = pl_spec_peek(p);
		if (t && (!strcmp(t->s, "request") || !strcmp(t->s, "reply"))) {
			w->arp_op = t->s[2] == 'q' ? 1 : 2;
			p->i++;
		}
		if ((err = get_endpoint(p, 0, w, false, NULL)) || (err = expect_word(p, ">")))
			return err;
		return get_endpoint(p, 0, w, true, NULL);
	case K_IPV6:
		s->proto = 59; /* no next header */
		if ((err = get_endpoint(p, 0, w, false, NULL)) || (err = expect_word(p, ">")))
			return err;
		return get_endpoint(p, 0, w, true, NULL);
	case K_RAW:
		t = pl_spec_peek(p);
		if ((err = pl_spec_get_num(p, "raw-ethertype", 0, 0xffff, &v)))
			return err;
		if (v == 0x0800)
			return pl_spec_perr(p, t->col,
					    "EtherType 0x0800 is IPv4: use ip, tcp, udp or icmp");
		s->eth_proto = (uint16_t)v;
		return 0;
	case K_IPIP:
		if ((err = get_endpoint(p, 0, w, false, NULL)) || (err = expect_word(p, ">")))
			return err;
		return get_endpoint(p, 0, w, true, NULL);
	default: /* K_VXLAN */
		if ((err = expect_word(p, "vni")) ||
		    (err = pl_spec_get_num(p, "vni", 0, 0xffffff, &v)))
			return err;
		w->vni = (uint32_t)v;
		if ((err = get_endpoint(p, 2, w, false, &s->sport)) || (err = expect_word(p, ">")))
			return err;
		return get_endpoint(p, 0, w, true, NULL);
	}
}

/* An ICMP or ICMPv6 error: it may quote the packet that caused it, { PACKET }. */
static bool quotes(const struct want *w)
{
	return (w->kind & (K_ICMP | K_ICMP6)) &&
	       pl_pkt_icmp_is_error(w->kind == K_ICMP6, w->s.icmp_type);
}

/* Parses one packet from p->i; stops at the end (depth 0) or at '}' (inner packets). */
int pl_spec_read_packet(struct lp *p, int depth, uint8_t *buf, size_t cap)
{
	struct want w = {.ihl = -1, .tot_len = -1, .plen = -1, .truncate = -1};
	uint8_t *inner;
	int err, inner_len;
	bool braces;
	struct tok *t;
	size_t i;

	if (depth > MAX_DEPTH)
		return pl_spec_perr(p, pl_spec_peek(p) ? pl_spec_peek(p)->col : p->eol_col,
				    "VXLAN nested more than %d deep", MAX_DEPTH);
	t = pl_spec_next(p, "a packet kind", &err);
	if (!t)
		return err;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(t->s, kinds[i].word)) {
			w.kind = kinds[i].kind;
			w.word = kinds[i].word;
		}
	if (!w.kind)
		return pl_spec_perr(
			p, t->col,
			"unknown packet kind '%s' (tcp, udp, icmp, icmp6, ip, arp, ipv6, "
			"raw-ethertype, vxlan, ipip)",
			t->s);
	err = parse_head(p, &w);
	if (err)
		return err;
	while ((t = pl_spec_peek(p)) && strcmp(t->s, "}")) {
		if (!strcmp(t->s, "{")) {
			if (!(w.kind & K_ENCAP) && !quotes(&w))
				return pl_spec_perr(
					p, t->col,
					"'{' only follows a vxlan or ipip packet, or an "
					"ICMP/ICMPv6 error (its quoted packet)");
			break;
		}
		p->i++;
		err = pl_spec_parse_option(p, &w, t);
		if (err)
			return err;
	}
	braces = (w.kind & K_ENCAP) || (t && !strcmp(t->s, "{"));
	if (braces) {
		if ((err = expect_word(p, "{")))
			return err;
	} else if (t && depth == 0) {
		return pl_spec_perr(p, t->col, "unexpected '}'");
	}
	if (braces) {
		inner = malloc(PL_PKT_MAX);
		if (!inner)
			return pl_spec_perr(p, 1, "out of memory");
		inner_len = pl_spec_read_packet(p, depth + 1, inner, PL_PKT_MAX);
		err = inner_len < 0 ? inner_len : pl_spec_build(p, &w, inner, inner_len, buf, cap);
		free(inner);
	} else {
		err = pl_spec_build(p, &w, NULL, 0, buf, cap);
	}
	if (err < 0 || !braces)
		return err;
	if (expect_word(p, "}"))
		return -EINVAL;
	if (depth == 0 && (t = pl_spec_peek(p)))
		return pl_spec_perr(p, t->col, "unexpected '%s' after the inner packet", t->s);
	return err;
}

static int parse_line(struct lp *p, const char *line, size_t len, uint8_t *buf, size_t cap)
{
	int err = pl_spec_tokenize(p, line, len);

	if (err)
		return err;
	if (!p->n)
		return pl_spec_perr(p, 1, "expected a packet");
	return pl_spec_read_packet(p, 0, buf, cap);
}

int pl_spec_parse_packet(const char *line, const char *name, unsigned int lineno,
			 unsigned int number, uint8_t *buf, size_t cap, char *err, size_t errlen)
{
	struct lp *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	*p = (struct lp){
		.name = name, .line = lineno, .number = number, .err = err, .errlen = errlen};
	ret = parse_line(p, line, strlen(line), buf, cap);
	free(p);
	return ret;
}
