// SPDX-License-Identifier: GPL-2.0
/* Packet spec options and building the frame a line describes. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "pcap/spec_internal.h"

/* Deterministic, readable payload bytes. */
static const uint8_t *pattern(void)
{
	static uint8_t bytes[PL_PKT_MAX];
	size_t i;

	if (!bytes[0])
		for (i = 0; i < sizeof(bytes); i++)
			bytes[i] = 'a' + i % 26;
	return bytes;
}

static void mac_from_ip(uint8_t *mac, const uint8_t *ip4)
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	memcpy(mac + 2, ip4, 4);
}

enum opt_id {
	O_TTL,
	O_TOS,
	O_IP_ID,
	O_ICMP_ID,
	O_SEQ,
	O_ACK,
	O_FLAGS,
	O_DF,
	O_MF,
	O_FRAG,
	O_VLAN,
	O_SMAC,
	O_DMAC,
	O_IPOPTS,
	O_PAYLOAD,
	O_TRUNCATE,
	O_IHL,
	O_TOT_LEN,
	O_PROTO,
	O_CODE,
	O_EXT,
	O_PLEN,
	O_MTU,
	O_TARGET,
	O_HTTP,
	O_HOST,
};

enum opt_arg { A_NONE, A_NUM, A_MAC, A_FLAGS, A_EXT, A_ADDR6, A_HTTP, A_WORD };

/* fam: 0 either family, 4 IPv4 packets only, 6 IPv6 packets only. */
static const struct opt {
	const char *name;
	unsigned int kinds;
	enum opt_arg arg;
	unsigned long min, max;
	enum opt_id id;
	int fam;
} opts[] = {
	{"ttl", K_IPV4 | K_IP6, A_NUM, 1, 255, O_TTL, 0},
	{"hlim", K_IP6, A_NUM, 1, 255, O_TTL, 6},
	{"tos", K_IPV4 | K_IP6, A_NUM, 0, 255, O_TOS, 0}, /* IPv6: the traffic class */
	{"ip-id", K_IPV4, A_NUM, 0, 65535, O_IP_ID, 4},
	{"id", K_ICMP | K_ICMP6, A_NUM, 0, 65535, O_ICMP_ID, 0}, /* the echo identifier */
	{"id", K_IPV4 & ~K_ICMP, A_NUM, 0, 65535, O_IP_ID, 4},
	{"seq", K_TCP | K_ICMP | K_ICMP6, A_NUM, 0, 0xffffffffUL, O_SEQ, 0},
	{"ack", K_TCP, A_NUM, 0, 0xffffffffUL, O_ACK, 0},
	{"flags", K_TCP, A_FLAGS, 0, 0, O_FLAGS, 0},
	{"df", K_IPV4, A_NONE, 0, 0, O_DF, 4},
	{"mf", K_IPV4 | K_IP6, A_NONE, 0, 0, O_MF, 0},
	{"frag", K_IPV4 | K_IP6, A_NUM, 0, 65528, O_FRAG, 0},
	{"ext", K_IP6, A_EXT, 0, 0, O_EXT, 6},
	{"plen", K_IP6, A_NUM, 0, 65535, O_PLEN, 6},
	{"mtu", K_ICMP6, A_NUM, 0, 0xffffffffUL, O_MTU, 6},
	{"target", K_ICMP6, A_ADDR6, 0, 0, O_TARGET, 6},
	{"vlan", K_ALL, A_NUM, 1, 4094, O_VLAN, 0},
	{"smac", K_ALL, A_MAC, 0, 0, O_SMAC, 0},
	{"dmac", K_ALL, A_MAC, 0, 0, O_DMAC, 0},
	{"ipopts", K_IPV4, A_NUM, 0, 40, O_IPOPTS, 4},
	{"payload", K_ALL & ~K_ENCAP, A_NUM, 0, PL_PKT_MAX, O_PAYLOAD, 0},
	{"len", K_ALL & ~K_ENCAP, A_NUM, 0, PL_PKT_MAX, O_PAYLOAD, 0},
	{"truncate", K_ALL, A_NUM, 0, PL_PKT_MAX, O_TRUNCATE, 0},
	{"ihl", K_IPV4, A_NUM, 0, 15, O_IHL, 4},
	{"tot-len", K_IPV4, A_NUM, 0, 65535, O_TOT_LEN, 4},
	{"proto", K_IP | K_IPV6, A_NUM, 0, 255, O_PROTO, 0},
	{"code", K_ICMP | K_ICMP6, A_NUM, 0, 255, O_CODE, 0},
	{"http", K_TCP, A_HTTP, 0, 0, O_HTTP, 0},
	{"host", K_TCP, A_WORD, 0, 0, O_HOST, 0},
};

/* IPv6 extension header words (or numbers 0-255) of "ext hop,route,frag". */
static const struct {
	const char *word;
	uint8_t type;
} ext_words[] = {
	{"hop", 0}, {"route", 43}, {"frag", 44}, {"dest", 60}, {"ah", 51}, {"mobility", 135},
};

static int get_ext(struct lp *p, struct want *w)
{
	struct pl_pkt_spec *s = &w->s;
	char buf[TOK_LEN], *item, *save = NULL, *end;
	unsigned long v;
	struct tok *t;
	size_t i;
	int err;

	t = pl_spec_next(p, "ext: a list like hop,route,frag,dest", &err);
	if (!t)
		return err;
	memcpy(buf, t->s, sizeof(buf));
	s->ext_count = 0;
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(ext_words) / sizeof(ext_words[0]); i++)
			if (!strcmp(item, ext_words[i].word))
				break;
		if (i < sizeof(ext_words) / sizeof(ext_words[0])) {
			v = ext_words[i].type;
		} else {
			errno = 0;
			v = strtoul(item, &end, 0);
			if (!*item || *end || errno || v > 255 || *item == '-' || *item == '+')
				return pl_spec_perr(p, t->col + (unsigned int)(item - buf),
						    "ext: '%s' is not an extension header (hop, "
						    "route, frag, dest, ah, mobility or 0-255)",
						    item);
		}
		if (s->ext_count == PL_PKT_MAX_EXT)
			return pl_spec_perr(p, t->col, "ext: more than %d extension headers",
					    PL_PKT_MAX_EXT);
		s->ext[s->ext_count++] = (uint8_t)v;
	}
	if (!s->ext_count)
		return pl_spec_perr(p, t->col, "ext: expected a list like hop,route,frag,dest");
	return 0;
}

/* "http METHOD PATH": a method token (RFC 9110) and a path starting with '/'. */
static int get_http(struct lp *p, struct want *w, const struct tok *opt)
{
	struct tok *m, *u;
	size_t i;
	int err;

	m = pl_spec_next(p, "http: a method like GET", &err);
	if (!m)
		return err;
	for (i = 0; m->s[i]; i++)
		if (!isalnum((unsigned char)m->s[i]) && !strchr("!#$%&'*+-.^_`|~", m->s[i]))
			return pl_spec_perr(p, m->col, "http: '%s' is not a method", m->s);
	if (i >= sizeof(w->http_method))
		return pl_spec_perr(p, m->col, "http: method longer than %zu characters",
				    sizeof(w->http_method) - 1);
	u = pl_spec_next(p, "http: a path like /index.html", &err);
	if (!u)
		return err;
	if (u->s[0] != '/' || strlen(u->s) >= sizeof(w->http_path))
		return pl_spec_perr(p, u->col,
				    "http: '%s' is not a path (/..., at most %zu "
				    "characters)",
				    u->s, sizeof(w->http_path) - 1);
	memcpy(w->http_method, m->s, i + 1);
	memcpy(w->http_path, u->s, strlen(u->s) + 1);
	w->http_col = opt->col;
	return 0;
}

static const struct opt *find_opt(const char *name, enum kind kind, bool *known)
{
	size_t i;

	*known = false;
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (strcmp(opts[i].name, name))
			continue;
		*known = true;
		if (opts[i].kinds & kind)
			return &opts[i];
	}
	return NULL;
}

int pl_spec_parse_option(struct lp *p, struct want *w, struct tok *t)
{
	struct pl_pkt_spec *s = &w->s;
	const struct opt *o;
	unsigned long v = 0;
	bool known;
	int err;

	o = find_opt(t->s, w->kind, &known);
	if (!o && known)
		return pl_spec_perr(p, t->col, "'%s' does not apply to %s packets", t->s, w->word);
	if (!o)
		return pl_spec_perr(p, t->col, "unknown option '%s' for a %s packet", t->s,
				    w->word);
	if (o->fam == 4 && w->v6)
		return pl_spec_perr(p, t->col, "'%s' does not apply to IPv6 packets", t->s);
	if (o->fam == 6 && !w->v6)
		return pl_spec_perr(p, t->col, "'%s' applies to IPv6 packets only", t->s);
	switch (o->arg) {
	case A_EXT:
		return get_ext(p, w);
	case A_ADDR6: {
		struct tok *a = pl_spec_next(p, "target: an IPv6 address", &err);

		if (!a)
			return err;
		if (inet_pton(AF_INET6, a->s, w->target) != 1)
			return pl_spec_perr(p, a->col, "'%s' is not an IPv6 address", a->s);
		w->target_set = true;
		return 0;
	}
	case A_MAC:
		err = pl_spec_get_mac(p, o->id == O_SMAC ? s->smac : s->dmac);
		if (!err && o->id == O_SMAC)
			w->smac_set = true;
		else if (!err)
			w->dmac_set = true;
		return err;
	case A_FLAGS:
		return pl_spec_get_tcp_flags(p, &s->tcp_flags);
	case A_HTTP:
		return get_http(p, w, t);
	case A_WORD: {
		struct tok *a = pl_spec_next(p, "host: a name", &err);

		if (!a)
			return err;
		if (strlen(a->s) >= sizeof(w->http_host))
			return pl_spec_perr(p, a->col, "host: longer than %zu characters",
					    sizeof(w->http_host) - 1);
		memcpy(w->http_host, a->s, strlen(a->s) + 1);
		w->host_col = t->col;
		return 0;
	}
	case A_NUM:
		err = pl_spec_get_num(p, o->name, o->min, o->max, &v);
		if (err)
			return err;
		break;
	case A_NONE:
		break;
	}
	switch (o->id) {
	case O_TTL:
		s->ttl = (uint8_t)v;
		break;
	case O_TOS:
		s->tos = (uint8_t)v;
		break;
	case O_IP_ID:
		s->ip_id = (uint16_t)v;
		break;
	case O_ICMP_ID:
		s->sport = (uint16_t)v;
		break;
	case O_SEQ:
		if ((w->kind & (K_ICMP | K_ICMP6)) && v > 65535)
			return pl_spec_perr(p, p->t[p->i - 1].col,
					    "ICMP seq must be from 0 to 65535");
		if (w->kind & (K_ICMP | K_ICMP6))
			s->icmp_seq = (uint16_t)v;
		else
			s->seq = (uint32_t)v;
		break;
	case O_ACK:
		s->ack = (uint32_t)v;
		break;
	case O_DF:
		w->df = true;
		break;
	case O_MF:
		w->mf = true;
		break;
	case O_FRAG:
		if (v % 8)
			return pl_spec_perr(p, p->t[p->i - 1].col,
					    "frag offset %lu is not a multiple of 8", v);
		w->frag_off = (uint16_t)v;
		break;
	case O_VLAN:
		s->vlan_id = (uint16_t)v;
		break;
	case O_IPOPTS:
		s->ip_opt_len = (uint8_t)v;
		break;
	case O_PAYLOAD:
		s->payload_len = v;
		w->payload_set = true;
		break;
	case O_TRUNCATE:
		w->truncate = (long)v;
		w->truncate_col = t->col;
		break;
	case O_IHL:
		w->ihl = (int)v;
		break;
	case O_TOT_LEN:
		w->tot_len = (int)v;
		break;
	case O_PROTO:
		s->proto = (uint8_t)v;
		break;
	case O_CODE:
		s->icmp_code = (uint8_t)v;
		break;
	case O_PLEN:
		w->plen = (int)v;
		break;
	case O_MTU:
		s->icmp_data = (uint32_t)v;
		break;
	default:
		break;
	}
	return 0;
}

/* IPv4 header fixups for malformed fixtures; the checksum stays right for the bytes built. */
static void apply_ip_overrides(const struct want *w, uint8_t *frame)
{
	uint8_t *ip = frame + 14 + (w->s.vlan_id ? 4 : 0);
	size_t built_ihl = 20 + ((w->s.ip_opt_len + 3u) & ~3u);
	uint16_t csum;

	if (w->ihl < 0 && w->tot_len < 0)
		return;
	if (w->ihl >= 0)
		ip[0] = (ip[0] & 0xf0) | (uint8_t)w->ihl;
	if (w->tot_len >= 0) {
		ip[2] = (uint8_t)(w->tot_len >> 8);
		ip[3] = (uint8_t)w->tot_len;
	}
	ip[10] = ip[11] = 0;
	csum = pl_csum_ipv4_header(ip, built_ihl);
	ip[10] = csum >> 8;
	ip[11] = csum & 0xff;
}

static int build_body(struct want *w, uint8_t *body)
{
	struct pl_pkt_spec *s = &w->s;
	size_t extra = s->payload_len, n;

	if (w->kind == K_ARP) {
		static const uint8_t hdr[8] = {0, 1, 8, 0, 6, 4, 0, 0};

		memcpy(body, hdr, 8);
		body[7] = (uint8_t)w->arp_op;
		memcpy(body + 8, s->smac, 6);
		memcpy(body + 14, &s->saddr, 4);
		memset(body + 18, 0, 6);
		if (w->arp_op == 2)
			memcpy(body + 18, s->dmac, 6);
		memcpy(body + 24, &s->daddr, 4);
		n = 28;
	} else { /* neighbor discovery: the target address, then the payload */
		memcpy(body, w->target, 16);
		n = 16;
	}
	memcpy(body + n, pattern(), extra);
	return (int)(n + extra);
}

/*
 * What an error quotes of the inner frame (its IP packet, the Ethernet header
 * dropped): IPv4's header and 8 bytes of L4 (RFC 792), IPv6's as much as fits
 * in the minimum MTU (RFC 4443: 1280 - 40 - 8). Returns that length; the
 * quote starts at *off in the inner frame.
 */
static int quote_of(struct lp *p, const struct want *w, const uint8_t *inner, int inner_len,
		    int *off)
{
	int eth = 14, ip, n;

	if (inner_len >= 18 && inner[12] == 0x81 && inner[13] == 0x00)
		eth = 18;
	if (inner_len < eth + 1 ||
	    (w->kind == K_ICMP ? inner[eth - 2] != 0x08 || inner[eth - 1]
			       : inner[eth - 2] != 0x86 || inner[eth - 1] != 0xdd))
		return pl_spec_perr(p, p->t[0].col, "%s quotes an %s packet", w->word,
				    w->kind == K_ICMP ? "IPv4" : "IPv6");
	*off = eth;
	ip = inner_len - eth;
	n = w->kind == K_ICMP ? (inner[eth] & 0x0f) * 4 + 8 : 1232;
	return ip < n ? ip : n;
}

int pl_spec_build(struct lp *p, struct want *w, const uint8_t *inner, int inner_len, uint8_t *buf,
		  size_t cap)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct pl_pkt_spec *s = &w->s;
	uint8_t *body = NULL;
	int n, err;

	if (!w->smac_set)
		mac_from_ip(s->smac, w->v6 ? s->saddr6 + 12 : (uint8_t *)&s->saddr);
	if (!w->dmac_set) {
		if (w->kind == K_ARP && w->arp_op == 1)
			memcpy(s->dmac, bcast, 6);
		else
			mac_from_ip(s->dmac, w->v6 ? s->daddr6 + 12 : (uint8_t *)&s->daddr);
	}
	s->frag = (w->df ? 0x4000 : 0) | (w->mf ? 0x2000 : 0) | (w->frag_off / 8);
	if (!s->ip_id)
		s->ip_id = (uint16_t)p->number;
	if (w->v6 && (w->mf || w->frag_off) && !memchr(s->ext, 44, s->ext_count)) {
		if (s->ext_count == PL_PKT_MAX_EXT)
			return pl_spec_perr(p, p->t[0].col, "no room for a fragment header");
		s->ext[s->ext_count++] = 44; /* fragmented: a fragment header last */
	}

	if (inner && (w->kind & (K_ICMP | K_ICMP6))) {
		if (w->payload_set)
			return pl_spec_perr(p, p->t[0].col,
					    "a quoted packet and payload/len both set the payload");
		int off = 0;

		n = quote_of(p, w, inner, inner_len, &off);
		if (n < 0)
			return n;
		s->payload = inner + off;
		s->payload_len = (size_t)n;
		n = pl_pkt_build(s, buf, cap);
	} else if (w->kind == K_VXLAN) {
		n = pl_pkt_build_vxlan(s, w->vni, inner, inner_len, buf, cap);
	} else if (w->kind == K_IPIP) {
		n = pl_pkt_build_ipip(s, inner, inner_len, buf, cap);
		if (n == -EINVAL)
			return pl_spec_perr(p, p->t[0].col, "ipip carries an IPv4 packet");
	} else if (w->kind == K_ARP || w->target_set) {
		body = malloc(PL_PKT_MAX + 40);
		if (!body)
			return pl_spec_perr(p, 1, "out of memory");
		n = build_body(w, body);
		if (w->kind == K_ARP)
			s->eth_proto = 0x0806;
		s->payload = body;
		s->payload_len = (size_t)n;
		n = pl_pkt_build(s, buf, cap);
		free(body);
	} else if (w->http_method[0]) {
		char req[400];

		if (w->payload_set)
			return pl_spec_perr(p, w->http_col,
					    "http and payload/len both set the payload");
		if (w->http_host[0])
			n = snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: %s\r\n\r\n",
				     w->http_method, w->http_path, w->http_host);
		else
			n = snprintf(req, sizeof(req), "%s %s HTTP/1.0\r\n\r\n", w->http_method,
				     w->http_path);
		s->payload = (const uint8_t *)req;
		s->payload_len = (size_t)n;
		n = pl_pkt_build(s, buf, cap);
	} else {
		if (w->http_host[0])
			return pl_spec_perr(p, w->host_col, "host needs http METHOD PATH");
		s->payload = pattern();
		n = pl_pkt_build(s, buf, cap);
	}
	if (n == -ENOSPC)
		return pl_spec_perr(p, p->t[0].col,
				    "the frame would exceed the maximum of %d bytes", PL_PKT_MAX);
	if (n < 0)
		return pl_spec_perr(p, p->t[0].col, "cannot build this packet: %s", strerror(-n));
	if (w->v6 && w->plen >= 0 && n > 0) {
		buf[18 + (s->vlan_id ? 4 : 0)] = (uint8_t)(w->plen >> 8);
		buf[19 + (s->vlan_id ? 4 : 0)] = (uint8_t)w->plen;
	} else if (!w->v6 && (w->kind & K_IPV4)) {
		apply_ip_overrides(w, buf);
	}
	if (w->truncate >= 0) {
		if (w->truncate > n) {
			err = pl_spec_perr(p, w->truncate_col,
					   "truncate %ld is longer than the %d-byte frame",
					   w->truncate, n);
			return err;
		}
		n = (int)w->truncate;
	}
	return n;
}
