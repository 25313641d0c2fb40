/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Header parsing shared by the TC and XDP programs, and the per-packet state
 * every program carries to its single event. Parsing never writes the packet.
 */
#ifndef PL_BPF_PARSE_H
#define PL_BPF_PARSE_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
/* linux/icmp.h pulls linux/if.h → glibc's sys/socket.h, which has no BPF target: skip it. */
#ifndef _LINUX_IF_H
#define _LINUX_IF_H
#define IFNAMSIZ 16
#endif
#include <linux/icmp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "podlab.h"
#include "lib/config.h"

#define PL_IP_MF     0x2000
#define PL_IP_OFFSET 0x1fff
#define PL_AF_INET   2
#define PL_AF_INET6  10

#ifndef ETH_P_IPV6
#define ETH_P_IPV6 0x86DD
#endif
#define PL_IPPROTO_ICMPV6    58
#define PL_IP6_NEXTHDR_HOP   0
#define PL_IP6_NEXTHDR_ROUTE 43
#define PL_IP6_NEXTHDR_FRAG  44
#define PL_IP6_NEXTHDR_DEST  60
#define PL_IP6_FRAG_MASK     0xfff9 /* offset and M flag: a fragment, not an atomic one */

/* The IPv6 header (linux/ipv6.h pulls glibc headers the BPF target lacks). */
struct pl_ipv6hdr {
	__u8 vtc; /* version, high 4 bits of the traffic class */
	__u8 tc_flow;
	__u16 flow_lbl;
	__u16 payload_len;
	__u8 nexthdr;
	__u8 hop_limit;
	__u32 saddr[4];
	__u32 daddr[4];
};

/* Hop-by-hop, routing and destination options start alike; hdrlen in 8 bytes, not counting the
 * first 8. */
struct pl_ipv6_opt_hdr {
	__u8 nexthdr;
	__u8 hdrlen;
	__u16 frag_off; /* fragment header: offset << 3 | M, network order */
	__u32 pad;
};

struct pl_icmp6hdr {
	__u8 type;
	__u8 code;
	__u16 cksum;
	__u16 id; /* echo */
	__u16 seq;
};

/* ICMPv6 kinds the datapath treats apart (struct pl_state .icmp6). */
enum pl_icmp6_kind {
	PL_ICMP6_NONE = 0,
	PL_ICMP6_ND = 1,    /* neighbour discovery, 133-137: to the stack */
	PL_ICMP6_PTB = 2,   /* packet too big: passes policy */
	PL_ICMP6_ERROR = 3, /* other errors: policy-checked, never tracked */
};

/* An ICMP or ICMPv6 error (struct pl_state .icmp_err). */
enum pl_icmp_err {
	PL_ICMP_ERR_NONE = 0,
	PL_ICMP_ERR_QUOTED = 1,	 /* its quote is whole: the tuple it holds is known */
	PL_ICMP_ERR_RELATED = 2, /* and that tuple is a tracked flow's (lib/conntrack.h) */
};

/* pl_parse() results below 128; anything else is an enum pl_drop_reason. */
enum pl_parse_rc {
	PL_PARSE_IP = 0,     /* IPv4 or IPv6 header (and L4 when asked) valid; st->v6 says which */
	PL_PARSE_NOT_IP = 1, /* ARP, VLAN, other: pass untouched */
};

/* A conntrack key of either family: the map of the packet's family reads its own size. */
union pl_ct_any_key {
	struct pl_ct_key v4;
	struct pl_ct6_key v6;
};

/* What a program knows about the packet it decides on. */
struct pl_state {
	struct pl_flow_event ev; /* the one event this packet gets */
	struct pl_ct_entry *ct;	 /* conntrack entry of the forward tuple, if tracked */
	/*
	 * 8-byte slots of their own, written whole: the verifier keeps a constant
	 * there and prunes the other family's branches (a narrow store into a
	 * shared slot would make it unknown and double every path).
	 */
	__u64 v6;	   /* IPv6: addresses in ev.saddr6/daddr6 */
	__u64 icmp6;	   /* enum pl_icmp6_kind */
	__u32 tot_len;	   /* IPv4 total length, host order */
	__u16 policy_port; /* dport for policy (network order), 0 for ICMP/other */
	__u8 ttl;
	__u8 tos;
	__u8 dir;      /* enum pl_dir of the decision, for counters */
	__u8 ct_reply; /* reverse tuple tracked: a reply */
	__u8 icmp_err; /* enum pl_icmp_err */
	__u8 pad[3];
	__u32 slot;	     /* the node's slot in the *_of maps (struct pl_node_cfg) */
	__u32 node_ip;	     /* the node's underlay IPv4, network order */
	__u32 vxlan_ifindex; /* the node's vxlan device */
	__u32 svc_ip;	     /* DNATed (svc_nat) or a service's reply: the ClusterIP */
	__u16 svc_port;	     /* and the service port, network order */
	__u16 svc_nat;	     /* DNATed here: the conntrack entry records the service */
	__u32 snat_ip;	     /* SNATed here (nodePort), or a reply of such: the client */
};

/*
 * IPv6 branches are laid out of line: the IPv4 path stays straight, and
 * measured side by side costs what it did before IPv6 (the hint is layout
 * only; both families take the same decisions).
 */
#define pl_is_v6(st) __builtin_expect((st)->v6, 0)

/*
 * IPv6 that never leaves the link: from fe80::/10 or ::, or to multicast of
 * interface or link scope (ff01::/16, ff02::/16: MLD reports, DAD, mDNS).
 */
static __always_inline bool pl_ipv6_link_scoped(const struct pl_state *st)
{
	__u32 s0 = bpf_ntohl(st->ev.saddr6[0]), d0 = bpf_ntohl(st->ev.daddr6[0]);

	if ((s0 & 0xffc00000) == 0xfe800000)
		return true;
	if (!(st->ev.saddr6[0] | st->ev.saddr6[1] | st->ev.saddr6[2] | st->ev.saddr6[3]))
		return true;
	return (d0 >> 24) == 0xff && ((d0 >> 16) & 0xf) <= 2;
}

/* MACs in frames, map values and events are 2-byte aligned: three 16-bit moves, not six bytes. */
static __always_inline void pl_mac_copy(void *dst, const void *src)
{
	__u16 *d = dst;
	const __u16 *s = src;

	d[0] = s[0];
	d[1] = s[1];
	d[2] = s[2];
}

static __always_inline void pl_state_init(struct pl_state *st, __u8 prog, __u8 dir, __u32 ifindex,
					  __u32 len)
{
	__builtin_memset(st, 0, sizeof(*st));
	st->ev.prog = prog;
	st->ev.ifindex = ifindex;
	st->ev.pkt_len = len > 0xffff ? 0xffff : len;
	st->dir = dir;
}

/*
 * The packet an ICMP error (destination unreachable, time exceeded, parameter
 * problem) quotes at q: its IPv4 header and the first 8 bytes of its L4
 * (RFC 792), within data_end and room (what the outer total length leaves).
 * Anything less, or a non-first fragment, is an invalid header.
 */
static __always_inline int pl_parse_quoted(void *q, void *data_end, __u32 room, struct pl_state *st,
					   union pl_ct_any_key *quote)
{
	struct iphdr *ip = q;
	__u32 ihl_len;
	__u16 *ports;

	if ((void *)(ip + 1) > data_end || room < sizeof(*ip))
		return PL_DROP_CT_INVALID_HDR;
	if (ip->version != 4 || ip->ihl < 5 || ip->frag_off & bpf_htons(PL_IP_OFFSET))
		return PL_DROP_CT_INVALID_HDR;
	ihl_len = ip->ihl * 4;
	ports = q + ihl_len;
	if ((void *)ports + 8 > data_end || room < ihl_len + 8)
		return PL_DROP_CT_INVALID_HDR;
	__builtin_memset(&quote->v4, 0, sizeof(quote->v4));
	quote->v4.saddr = ip->saddr;
	quote->v4.daddr = ip->daddr;
	quote->v4.proto = ip->protocol;
	if (ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP) {
		quote->v4.sport = ports[0];
		quote->v4.dport = ports[1];
	} else if (ip->protocol == IPPROTO_ICMP) {
		/* Keyed like the echo itself: request (id, 0), reply (0, id). */
		struct icmphdr *ih = (void *)ports;

		if (ih->type == ICMP_ECHO)
			quote->v4.sport = ih->un.echo.id;
		else if (ih->type == ICMP_ECHOREPLY)
			quote->v4.dport = ih->un.echo.id;
	}
	st->icmp_err = PL_ICMP_ERR_QUOTED;
	return PL_PARSE_IP;
}

static __always_inline void pl_ip6_copy(__u32 *dst, const __u32 *src)
{
	dst[0] = src[0];
	dst[1] = src[1];
	dst[2] = src[2];
	dst[3] = src[3];
}

/*
 * The packet an ICMPv6 error (destination unreachable, time exceeded,
 * parameter problem) quotes at q: its IPv6 header and the first 8 bytes after
 * it (RFC 4443 quotes as much as fits in 1280 bytes), within data_end and room.
 * Extension headers in the quote are not walked: its next header is the key's
 * protocol, and a flow keyed by anything else is not found (policy-checked).
 */
static __always_inline int pl_parse_quoted6(void *q, void *data_end, __u32 room,
					    struct pl_state *st, union pl_ct_any_key *quote)
{
	struct pl_ipv6hdr *ip6 = q;
	__u16 *ports = (void *)(ip6 + 1);

	if ((void *)ports + 8 > data_end || room < sizeof(*ip6) + 8)
		return PL_DROP_CT_INVALID_HDR;
	if (ip6->vtc >> 4 != 6)
		return PL_DROP_CT_INVALID_HDR;
	__builtin_memset(&quote->v6, 0, sizeof(quote->v6));
	pl_ip6_copy(quote->v6.saddr6, ip6->saddr);
	pl_ip6_copy(quote->v6.daddr6, ip6->daddr);
	quote->v6.proto = ip6->nexthdr;
	if (ip6->nexthdr == IPPROTO_TCP || ip6->nexthdr == IPPROTO_UDP) {
		quote->v6.sport = ports[0];
		quote->v6.dport = ports[1];
	} else if (ip6->nexthdr == PL_IPPROTO_ICMPV6) {
		struct pl_icmp6hdr *ih = (void *)ports;

		if (ih->type == 128)
			quote->v6.sport = ih->id;
		else if (ih->type == 129)
			quote->v6.dport = ih->id;
	}
	st->icmp_err = PL_ICMP_ERR_QUOTED;
	return PL_PARSE_IP;
}

/*
 * Fills st from the L4 header at l4 (bounded by data_end and the IP total
 * length); an ICMP error's quoted tuple goes to quote, the caller's.
 */
static __always_inline int pl_parse_l4(void *l4, void *data_end, __u32 l4_room, struct pl_state *st,
				       union pl_ct_any_key *quote)
{
	struct pl_flow_event *ev = &st->ev;

	switch (ev->proto) {
	case IPPROTO_TCP: {
		struct tcphdr *th = l4;

		if ((void *)(th + 1) > data_end || l4_room < sizeof(*th))
			return PL_DROP_CT_INVALID_HDR;
		ev->sport = th->source;
		ev->dport = th->dest;
		st->policy_port = th->dest;
		break;
	}
	case IPPROTO_UDP: {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) > data_end || l4_room < sizeof(*uh))
			return PL_DROP_CT_INVALID_HDR;
		ev->sport = uh->source;
		ev->dport = uh->dest;
		st->policy_port = uh->dest;
		break;
	}
	case PL_IPPROTO_ICMPV6: {
		struct pl_icmp6hdr *ih = l4;

		if (!st->v6)
			break;
		if ((void *)(ih + 1) > data_end || l4_room < sizeof(*ih))
			return PL_DROP_CT_INVALID_HDR;
		/* Echo keyed like ICMP's: request (id, 0), reply (0, id). */
		if (ih->type == 128)
			ev->sport = ih->id;
		else if (ih->type == 129)
			ev->dport = ih->id;
		else if (ih->type == 2)
			st->icmp6 = PL_ICMP6_PTB;
		else if (ih->type >= 133 && ih->type <= 137)
			st->icmp6 = PL_ICMP6_ND;
		else if (ih->type < 128)
			st->icmp6 = PL_ICMP6_ERROR;
		if (ih->type == 1 || ih->type == 3 || ih->type == 4)
			return pl_parse_quoted6(ih + 1, data_end, l4_room - sizeof(*ih), st, quote);
		break;
	}
	case IPPROTO_ICMP: {
		struct icmphdr *ih = l4;

		if (st->v6)
			break;
		if ((void *)(ih + 1) > data_end || l4_room < sizeof(*ih))
			return PL_DROP_CT_INVALID_HDR;
		/* Echo: request keys (id, 0), reply (0, id), so a reply's reverse is the request.
		 */
		if (ih->type == ICMP_ECHO)
			ev->sport = ih->un.echo.id;
		else if (ih->type == ICMP_ECHOREPLY)
			ev->dport = ih->un.echo.id;
		else if (ih->type == ICMP_DEST_UNREACH || ih->type == ICMP_TIME_EXCEEDED ||
			 ih->type == ICMP_PARAMETERPROB)
			return pl_parse_quoted(ih + 1, data_end, l4_room - sizeof(*ih), st, quote);
		break;
	}
	default:
		break;
	}
	return PL_PARSE_IP;
}

/* Ethernet, IPv4 with the longest options, an ICMP error quoting the same + 8 bytes of L4. */
#define PL_HDR_PULL (ETH_HLEN + 60 + 8 + 60 + 8)
/* Ethernet, IPv6, 256 bytes of extension headers, a TCP header: headers further in are not read. */
#define PL_HDR_PULL6 (ETH_HLEN + 40 + 256 + 20)

/*
 * Live skbs keep TCP payload, sometimes headers too, in pages beyond
 * data_end: make the headers linear (test_run skbs always are).
 */
static __always_inline void pl_pull_headers(struct __sk_buff *skb, __u32 len)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	__u32 want = PL_HDR_PULL;

	if ((void *)(eth + 1) <= data_end && eth->h_proto == bpf_htons(ETH_P_IPV6))
		want = PL_HDR_PULL6;
	if (data + want <= data_end || data + len <= data_end)
		return;
	bpf_skb_pull_data(skb, len < want ? len : want);
}

/* Extension headers walked to the L4 header (RFC 8200 4.1). */
static __always_inline bool pl_ipv6_ext_walked(__u8 nh)
{
	return nh == PL_IP6_NEXTHDR_HOP || nh == PL_IP6_NEXTHDR_ROUTE ||
	       nh == PL_IP6_NEXTHDR_FRAG || nh == PL_IP6_NEXTHDR_DEST;
}

/* Extension headers IANA lists that the datapath cannot walk: AH, mobility, HIP, shim6,
 * experiments. */
static __always_inline bool pl_ipv6_ext_unknown(__u8 nh)
{
	return nh == 51 || nh == 135 || nh == 139 || nh == 140 || nh == 253 || nh == 254;
}

/*
 * IPv6 at ip (after Ethernet), len the whole packet. The extension header
 * chain is walked with a bounded loop (PL_IPV6_MAX_EXT); fragments other than
 * atomic ones are not supported, like IPv4's.
 */
static __always_inline int pl_parse_ipv6(struct pl_ipv6hdr *ip6, void *data_end, __u32 len,
					 bool with_l4, struct pl_state *st,
					 union pl_ct_any_key *quote)
{
	struct pl_flow_event *ev = &st->ev;
	struct pl_ipv6_opt_hdr *oh;
	__u32 plen, off, hl;
	__u8 nh;
	int i;

	if ((void *)(ip6 + 1) > data_end || len < ETH_HLEN + sizeof(*ip6))
		return PL_DROP_IPV6_TRUNCATED;
	if (ip6->vtc >> 4 != 6)
		return PL_DROP_INVALID;
	plen = bpf_ntohs(ip6->payload_len);
	if (ETH_HLEN + sizeof(*ip6) + plen > len)
		return PL_DROP_IPV6_PAYLOAD_LEN;
	st->v6 = 1;
	ev->flags |= PL_EV_F_IPV6;
	pl_ip6_copy(ev->saddr6, ip6->saddr);
	pl_ip6_copy(ev->daddr6, ip6->daddr);
	nh = ip6->nexthdr;
	ev->proto = nh;
	st->ttl = ip6->hop_limit;
	st->tos = (ip6->vtc << 4) | (ip6->tc_flow >> 4);
	st->tot_len = sizeof(*ip6) + plen;
	if (!with_l4)
		return PL_PARSE_IP;
	off = sizeof(*ip6);
#pragma unroll
	for (i = 0; i < PL_IPV6_MAX_EXT; i++) {
		if (!pl_ipv6_ext_walked(nh))
			break;
		oh = (void *)ip6 + off;
		if (off + sizeof(*oh) > sizeof(*ip6) + plen)
			return PL_DROP_IPV6_PAYLOAD_LEN;
		if ((void *)(oh + 1) > data_end)
			return PL_DROP_CT_INVALID_HDR; /* beyond what the pull made linear */
		if (nh == PL_IP6_NEXTHDR_FRAG) {
			if (oh->frag_off & bpf_htons(PL_IP6_FRAG_MASK))
				return PL_DROP_FRAG_NOSUPPORT;
			hl = sizeof(*oh);
		} else {
			hl = ((__u32)oh->hdrlen + 1) * 8;
		}
		if (off + hl > sizeof(*ip6) + plen)
			return PL_DROP_IPV6_PAYLOAD_LEN;
		nh = oh->nexthdr;
		ev->proto = nh; /* on a drop: the header the walk stopped at */
		off += hl;
	}
	if (pl_ipv6_ext_walked(nh))
		return PL_DROP_IPV6_EXT_CHAIN;
	if (pl_ipv6_ext_unknown(nh))
		return PL_DROP_IPV6_EXT_UNKNOWN;
	return pl_parse_l4((void *)ip6 + off, data_end, sizeof(*ip6) + plen - off, st, quote);
}

/*
 * Ethernet + IPv4 or IPv6 (+ L4 when with_l4; quote: see pl_parse_l4). len: the whole packet
 * (skb->len; may exceed data_end - data). vlan: the skb carries an offloaded 802.1Q tag (TC only).
 * Returns enum pl_parse_rc or a drop reason.
 */
static __always_inline int pl_parse(void *data, void *data_end, __u32 len, __u32 vlan, bool with_l4,
				    struct pl_state *st, union pl_ct_any_key *quote)
{
	struct pl_flow_event *ev = &st->ev;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	__u32 ihl_len, tot_len;

	if ((void *)(eth + 1) > data_end)
		return PL_DROP_INVALID;
	/* Event-only fields: with events off (rodata) the verifier drops these copies. */
	if (enable_events) {
		ev->eth_proto = eth->h_proto;
		pl_mac_copy(ev->smac, eth->h_source);
		pl_mac_copy(ev->dmac, eth->h_dest);
	}
	if (vlan)
		return PL_PARSE_NOT_IP;
	if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		return pl_parse_ipv6((void *)(eth + 1), data_end, len, with_l4, st, quote);
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return PL_PARSE_NOT_IP;

	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return PL_DROP_INVALID;
	if (ip->version != 4 || ip->ihl < 5)
		return PL_DROP_INVALID;
	ihl_len = ip->ihl * 4;
	tot_len = bpf_ntohs(ip->tot_len);
	if (tot_len < ihl_len || ETH_HLEN + tot_len > len)
		return PL_DROP_INVALID;
	ev->flags |= PL_EV_F_IPV4;
	ev->saddr = ip->saddr;
	ev->daddr = ip->daddr;
	ev->proto = ip->protocol;
	if (enable_events)
		ev->ip_id = ip->id;
	st->ttl = ip->ttl;
	st->tos = ip->tos;
	st->tot_len = tot_len;
	if (!with_l4)
		return PL_PARSE_IP;
	if (ip->frag_off & bpf_htons(PL_IP_MF | PL_IP_OFFSET))
		return PL_DROP_FRAG_NOSUPPORT;
	return pl_parse_l4((void *)ip + ihl_len, data_end, tot_len - ihl_len, st, quote);
}

#endif /* PL_BPF_PARSE_H */
