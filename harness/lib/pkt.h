/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet model: build Ethernet/IPv4 or IPv6 (with extension headers)/
 * TCP/UDP/ICMP/ICMPv6 and VXLAN frames with correct checksums (pkt_build.c), decode
 * Ethernet/802.1Q/IPv4/IPv6 with its extension headers/TCP/UDP/ICMP/ICMPv6/VXLAN into one struct
 * (pkt_parse.c), and print packets, addresses and protocol names (pkt_fmt.c).
 */
#ifndef PL_PKT_H
#define PL_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PL_PKT_MAX     9216 /* largest frame podlab builds or replays */
/* Largest frame a capture may hold (libpcap's snapshot maximum): GRO, GSO and BIG TCP packets. */
#define PL_PKT_CAPTURE_MAX 262144
#define PL_PKT_MAX_EXT 8    /* IPv6 extension headers walked (or built) before giving up */

struct pl_pkt_spec {
	uint8_t smac[6], dmac[6];
	uint16_t eth_proto; /* host order; 0 = IPv4, or IPv6 when family is AF_INET6 */
	uint16_t vlan_id;   /* 0 = untagged; else an 802.1Q tag is inserted */
	uint8_t family;	    /* 0 or AF_INET: IPv4 (saddr, daddr); AF_INET6: IPv6 (saddr6, daddr6) */
	uint32_t saddr, daddr; /* network order */
	uint8_t saddr6[16], daddr6[16];
	uint8_t proto;	/* IPPROTO_TCP/UDP/ICMP/ICMPV6 or any other */
	uint8_t ttl;	/* TTL or hop limit; 0 = 64 */
	uint8_t tos;	/* IPv4 TOS, IPv6 traffic class */
	uint16_t ip_id; /* host order; IPv6: the fragment header's identification */
	uint16_t frag;	/* host order: flags (DF 0x4000, MF 0x2000) | offset/8 */
	/*
	 * IPv6 extension headers in order, by next header value: 0 hop-by-hop and
	 * 60 destination options (8 bytes, PadN), 43 routing (type 0, segments
	 * left 0), 44 fragment (offset and MF from frag, id from ip_id), any other
	 * an 8-byte header of that type.
	 */
	uint8_t ext[PL_PKT_MAX_EXT];
	uint8_t ext_count;
	uint8_t ip_opt_len;    /* bytes of IP options (NOP-padded to 4), ihl grows */
	uint16_t sport, dport; /* host order; ICMP echo: sport = id */
	uint8_t tcp_flags;     /* TH_SYN etc. */
	uint32_t seq, ack;
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_seq;
	uint32_t
		icmp_data; /* ICMPv6 bytes 4-7 of a message other than echo (packet too big: MTU) */
	const uint8_t *payload;
	size_t payload_len;
};

/* Writes the frame into buf; returns its length or -ENOSPC/-EINVAL. */
int pl_pkt_build(const struct pl_pkt_spec *s, uint8_t *buf, size_t cap);
/*
 * Wraps inner (an Ethernet frame) in Ethernet/IPv4/UDP(4789)/VXLAN using outer's
 * MACs, addresses, TTL, id and sport (0 = derived from the inner flow hash).
 */
int pl_pkt_build_vxlan(const struct pl_pkt_spec *outer, uint32_t vni, const uint8_t *inner,
		       size_t inner_len, uint8_t *buf, size_t cap);

/*
 * Wraps inner (an Ethernet frame carrying IPv4) in Ethernet/IPv4 protocol 4
 * (IP-in-IP, RFC 2003) using outer's MACs, addresses, TTL, id and frag (DF as
 * the kernel's ipip device sets it, when outer->frag is 0); inner's Ethernet
 * header is dropped.
 */
int pl_pkt_build_ipip(const struct pl_pkt_spec *outer, const uint8_t *inner, size_t inner_len,
		      uint8_t *buf, size_t cap);

/* Frames cut from one: frame i is len[i] bytes at buf + off[i]. */
struct pl_pkt_segs {
	uint8_t *buf;
	uint32_t *off, *len;
	int n;
};

/*
 * Splits an oversized TCP frame (IPv4, or IPv6 with at most a jumbo hop-by-hop
 * header; IP length fields of 0 mean the frame's length, as BIG TCP leaves
 * them) into the frames TSO would send on a link of mtu bytes of IP.
 * 0, -EPROTONOSUPPORT (not TCP, a fragment, other extension headers),
 * -EINVAL (malformed, no payload) or -ENOMEM.
 */
int pl_pkt_segment(const uint8_t *frame, size_t len, unsigned int mtu, struct pl_pkt_segs *out);
void pl_pkt_segs_free(struct pl_pkt_segs *s);

/* RFC 1071 Internet checksum of len bytes, host order (store it big-endian). */
uint16_t pl_csum(const void *data, size_t len);
/* pl_csum over an IPv4 header (its checksum field zeroed, or 0 means it verifies). */
uint16_t pl_csum_ipv4_header(const void *iph, size_t ihl_bytes);
/*
 * TCP/UDP checksum over the IPv4 pseudo header and l4 (its checksum field
 * zeroed); addresses in network order. A UDP sender writes a result of 0 as 0xffff.
 */
uint16_t pl_csum_l4(uint32_t saddr, uint32_t daddr, uint8_t proto, const void *l4, size_t len);
/* The same over the IPv6 pseudo header (RFC 8200 8.1): TCP, UDP and ICMPv6. */
uint16_t pl_csum_l4_6(const uint8_t *saddr6, const uint8_t *daddr6, uint8_t proto, const void *l4,
		      size_t len);

/* Why a frame did not decode: each has one fixed text (pl_pkt_err_str). */
enum pl_pkt_err {
	PL_PKT_OK = 0,
	PL_PKT_ETH_TRUNC,      /* "truncated Ethernet header" */
	PL_PKT_VLAN_TRUNC,     /* "truncated 802.1Q tag" */
	PL_PKT_IP4_TRUNC,      /* "truncated IPv4 header" */
	PL_PKT_IP4_VERSION,    /* IPv4 EtherType but version is not 4 */
	PL_PKT_IP4_IHL,	       /* ihl < 5 */
	PL_PKT_IP4_OPTS_TRUNC, /* options beyond the frame */
	PL_PKT_IP4_LEN_SHORT,  /* total length shorter than the header */
	PL_PKT_IP4_LEN_TRUNC,  /* total length beyond the frame */
	PL_PKT_IP_VERSION,     /* from the IP header on: version neither 4 nor 6 */
	PL_PKT_IP6_TRUNC,      /* "truncated IPv6 header" */
	PL_PKT_IP6_VERSION,    /* IPv6 EtherType but version is not 6 */
	PL_PKT_IP6_LEN_TRUNC,  /* payload length beyond the frame */
	PL_PKT_IP6_EXT_TRUNC,  /* an extension header beyond the payload */
	PL_PKT_IP6_EXT_CHAIN,  /* more extension headers than PL_PKT_MAX_EXT */
	PL_PKT_TCP_TRUNC,
	PL_PKT_TCP_DOFF_SHORT, /* data offset < 5 */
	PL_PKT_TCP_DOFF_TRUNC, /* data offset beyond the packet */
	PL_PKT_UDP_TRUNC,
	PL_PKT_ICMP_TRUNC,
	PL_PKT_ICMP6_TRUNC,
	PL_PKT_ERR_COUNT
};

/* An IPv4 or IPv6 address: family AF_INET (v4 holds it, network order) or AF_INET6. */
struct pl_addr {
	uint8_t family;
	union {
		uint32_t v4;
		uint8_t v6[16];
	};
};

/* An ICMP (v6 false) or ICMPv6 type that quotes the packet that caused it. */
bool pl_pkt_icmp_is_error(bool v6, uint8_t type);

/* The IP header and first 8 L4 bytes an ICMP/ICMPv6 error quotes (RFC 792/4443). */
struct pl_pkt_quote {
	bool present;
	struct pl_addr src, dst;
	uint32_t saddr, daddr; /* IPv4 only, network order (= src.v4, dst.v4) */
	uint8_t proto;
	uint16_t sport, dport; /* host order; ICMP echo: id, 0 */
	uint8_t icmp_type;
	uint16_t icmp_seq;
};

/*
 * What a frame holds, for summaries, filters, correlation and the simulator.
 * Filled layer by layer: on an error the layers before it stay valid.
 * has_l3: the IP header is whole (addresses, proto, ttl, ip_hlen);
 * has_payload: its lengths hold too (ip_len, l4_off, l4_len inside the frame);
 * has_l4: the L4 header is whole (ports, flags, ICMP fields, l4_hlen).
 */
struct pl_pkt_info {
	bool ipv4, ipv6;    /* the IP header is there and has that version */
	uint8_t family;	    /* AF_INET, AF_INET6 or 0 */
	uint16_t eth_proto; /* host order, after any VLAN tag */
	uint16_t vlan_id;   /* outermost tag's VID */
	uint8_t vlan_tags;
	bool has_l3, has_payload, has_l4;
	struct pl_addr src, dst;
	uint32_t saddr, daddr; /* IPv4, network order (= src.v4, dst.v4) */
	uint8_t proto, ttl;    /* L4 protocol (IPv6: after extension headers), TTL/hop limit */
	uint8_t tos;	       /* IPv4 TOS / IPv6 traffic class */
	uint16_t ip_id;	       /* host order; IPv6: low 16 bits of the fragment id */
	bool fragment;	       /* MF or an offset */
	bool df, more_frags;   /* IPv4 DF; MF (either version) */
	uint16_t frag_off;     /* bytes */
	uint8_t ext_count;     /* IPv6 extension headers walked */
	size_t l3_off;	       /* IP header */
	size_t ip_hlen;	       /* IPv4 ihl bytes; IPv6 40 + extension headers */
	size_t ip_len;	       /* IPv4 total length; IPv6 40 + payload length (as stated) */
	size_t l4_off, l4_len; /* the IP payload after all headers (the L4 header on) */
	size_t l4_hlen;	       /* bytes of the L4 header itself when has_l4 */
	uint16_t sport, dport; /* host order; ICMP echo: id, 0 */
	uint8_t tcp_flags;
	uint32_t seq, ack;
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_seq;	   /* echo */
	struct pl_pkt_quote quote; /* ICMP errors */
	bool vxlan;
	uint32_t vni;
	size_t inner_off; /* offset of the inner Ethernet frame when vxlan */
	bool ipip;	  /* IPv4 protocol 4 carrying an IPv4 header (IP-in-IP, RFC 2003) */
	size_t ipip_off;  /* offset of the inner IPv4 header when ipip */
	enum pl_pkt_err err;
	const char *error; /* non-NULL when truncated or malformed: what is wrong */
};

/* Decodes an Ethernet frame. 0 when well formed, -EINVAL with err/error set otherwise. */
int pl_pkt_parse(const uint8_t *data, size_t len, struct pl_pkt_info *out);
/* The same from an IP header on (raw sockets, LINUX_SLL payloads): version picks the family. */
int pl_pkt_parse_ip(const uint8_t *data, size_t len, struct pl_pkt_info *out);
const char *pl_pkt_err_str(enum pl_pkt_err err);
/*
 * The ports (ICMP: echo id, 0) in the first L4 bytes a parsed frame holds, even
 * when its IP lengths or L4 header are bad (i->sport/dport need a whole header):
 * what a hop-by-hop trace shows. False without an IP header, for any fragment,
 * or when the frame ends first.
 */
bool pl_pkt_peek_ports(const uint8_t *data, size_t len, const struct pl_pkt_info *i,
		       uint16_t *sport, uint16_t *dport);

/* "10.244.1.10:40000 > 10.244.2.10:80 TCP [S]" (inner too: "vxlan vni 300 ... { ... }"). */
int pl_pkt_summary(const uint8_t *data, size_t len, char *buf, size_t cap);

#define PL_ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */
/*
 * An address as text ("10.244.1.10", "fd00::1"); IPv6 in RFC 5952 form
 * (lower case, no leading zeros, the first longest run of two or more zero
 * groups as "::", ::ffff:a.b.c.d for IPv4-mapped); buf holds PL_ADDR_STRLEN.
 */
const char *pl_addr_str(int family, const void *addr, char *buf);
/* An IPv4 address (network order) as text; buf holds 16. */
const char *pl_ip4_str(uint32_t ip, char *buf);
/* The name podlab prints for an IP protocol: "TCP", "UDP", "ICMP", "ICMPv6", "SCTP", else "IP". */
const char *pl_proto_name(uint8_t proto);

#endif /* PL_PKT_H */
