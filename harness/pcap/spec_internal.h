/* SPDX-License-Identifier: GPL-2.0 */
/* Internals shared by the spec files: tokens, the line being parsed, what a line asks for. */
#ifndef PL_SPEC_INTERNAL_H
#define PL_SPEC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/pkt.h"

#define MAX_TOKENS 96
#define TOK_LEN	   64
#define MAX_DEPTH  3

enum kind {
	K_TCP = 1 << 0,
	K_UDP = 1 << 1,
	K_ICMP = 1 << 2,
	K_IP = 1 << 3,
	K_ARP = 1 << 4,
	K_IPV6 = 1 << 5,
	K_RAW = 1 << 6,
	K_VXLAN = 1 << 7,
	K_ICMP6 = 1 << 8,
	K_IPIP = 1 << 9, /* IPv4 protocol 4 around an inner IPv4 packet */
};
#define K_ENCAP (K_VXLAN | K_IPIP) /* kinds followed by { inner packet } */
#define K_IPV4	(K_TCP | K_UDP | K_ICMP | K_IP | K_VXLAN | K_IPIP)
#define K_IP6	(K_TCP | K_UDP | K_ICMP6 | K_IPV6) /* kinds that can be IPv6 */
#define K_ALL	0x3ff

struct tok {
	char s[TOK_LEN];
	unsigned int col;
};

/* One line being parsed. */
struct lp {
	const char *name;
	unsigned int line, number, eol_col;
	struct tok t[MAX_TOKENS];
	size_t n, i;
	char *err;
	size_t errlen;
};

/* What a packet line asked for, before building. */
struct want {
	enum kind kind;
	const char *word;
	struct pl_pkt_spec s;
	bool smac_set, dmac_set, df, mf;
	int ihl, tot_len; /* -1 = as built */
	long truncate;	  /* -1 = whole frame */
	unsigned int truncate_col;
	uint16_t frag_off; /* bytes */
	bool v6;	   /* the addresses are IPv6 (s.family AF_INET6) */
	int plen;	   /* IPv6 payload length put in after building, -1 = as built */
	bool target_set;   /* neighbor solicitation/advertisement: target first in the body */
	uint8_t target[16];
	uint16_t arp_op;
	uint32_t vni;
	/* http METHOD PATH [host NAME]: the payload is that request's head */
	char http_method[16], http_path[200], http_host[96];
	unsigned int http_col, host_col;
	bool payload_set;
};

/* spec_tok.c. "NAME:LINE:COL: message" into p->err; returns -EINVAL. */
int pl_spec_perr(struct lp *p, unsigned int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Splits a line into p->t; "{", "}" and ">" are words of their own; "#" ends the line. */
int pl_spec_tokenize(struct lp *p, const char *line, size_t len);
struct tok *pl_spec_peek(struct lp *p);
struct tok *pl_spec_next(struct lp *p, const char *what, int *err);
int pl_spec_get_num(struct lp *p, const char *opt, unsigned long min, unsigned long max,
		    unsigned long *val);
int pl_spec_get_mac(struct lp *p, uint8_t *mac);
int pl_spec_get_tcp_flags(struct lp *p, uint8_t *flags);
/* spec_build.c. One option word t (already consumed) and its argument. */
int pl_spec_parse_option(struct lp *p, struct want *w, struct tok *t);
/* Builds w into buf (a vxlan around the inner frame given); frame length or -EINVAL. */
int pl_spec_build(struct lp *p, struct want *w, const uint8_t *inner, int inner_len, uint8_t *buf,
		  size_t cap);
/* spec_line.c. One packet from the current token; stops at the end, or at '}' inside braces. */
int pl_spec_read_packet(struct lp *p, int depth, uint8_t *buf, size_t cap);

#endif /* PL_SPEC_INTERNAL_H */
