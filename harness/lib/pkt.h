/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packets for tests, fixtures and probes: build Ethernet/IPv4/TCP/UDP/ICMP
 * and VXLAN frames with correct checksums, and parse them back into a summary.
 */
#ifndef PL_PKT_H
#define PL_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PL_PKT_MAX 9216 /* largest frame podlab builds or replays */

struct pl_pkt_spec {
	uint8_t smac[6], dmac[6];
	uint16_t eth_proto;    /* host order; 0 = IPv4 */
	uint16_t vlan_id;      /* 0 = untagged; else an 802.1Q tag is inserted */
	uint32_t saddr, daddr; /* network order */
	uint8_t proto;	       /* IPPROTO_TCP/UDP/ICMP or any other */
	uint8_t ttl;	       /* 0 = 64 */
	uint8_t tos;
	uint16_t ip_id;	       /* host order */
	uint16_t frag;	       /* host order: flags (DF 0x4000, MF 0x2000) | offset/8 */
	uint8_t ip_opt_len;    /* bytes of IP options (NOP-padded to 4), ihl grows */
	uint16_t sport, dport; /* host order; ICMP echo: sport = id */
	uint8_t tcp_flags;     /* TH_SYN etc. */
	uint32_t seq, ack;
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_seq;
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

/* RFC 1071 Internet checksum of len bytes, host order (store it big-endian). */
uint16_t pl_csum(const void *data, size_t len);
/* pl_csum over an IPv4 header (its checksum field zeroed, or 0 means it verifies). */
uint16_t pl_csum_ipv4_header(const void *iph, size_t ihl_bytes);
/*
 * TCP/UDP checksum over the IPv4 pseudo header and l4 (its checksum field
 * zeroed); addresses in network order. A UDP sender writes a result of 0 as 0xffff.
 */
uint16_t pl_csum_l4(uint32_t saddr, uint32_t daddr, uint8_t proto, const void *l4, size_t len);

/* What a frame holds, for summaries, filters and correlation. */
struct pl_pkt_info {
	bool ipv4;
	uint16_t eth_proto; /* host order, after any VLAN tag */
	uint16_t vlan_id;
	uint32_t saddr, daddr;
	uint8_t proto, ttl;
	uint16_t ip_id; /* host order */
	bool fragment;
	uint16_t sport, dport; /* host order; ICMP: id, 0 */
	uint8_t tcp_flags;
	uint8_t icmp_type, icmp_code;
	bool vxlan;
	uint32_t vni;
	size_t inner_off;  /* offset of the inner Ethernet frame when vxlan */
	const char *error; /* non-NULL when truncated or malformed: what is wrong */
};

int pl_pkt_parse(const uint8_t *data, size_t len, struct pl_pkt_info *out);
/* "10.244.1.10:40000 > 10.244.2.10:80 TCP [S]" (inner too: "vxlan vni 300 ... { ... }"). */
int pl_pkt_summary(const uint8_t *data, size_t len, char *buf, size_t cap);

#endif /* PL_PKT_H */
