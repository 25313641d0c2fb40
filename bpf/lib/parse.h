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

/* pl_parse() results below 128; anything else is an enum pl_drop_reason. */
enum pl_parse_rc {
	PL_PARSE_IPV4 = 0,     /* IPv4 header (and L4 when asked) valid */
	PL_PARSE_NOT_IPV4 = 1, /* IPv6, ARP, VLAN, other: pass untouched */
};

/* What a program knows about the packet it decides on. */
struct pl_state {
	struct pl_flow_event ev; /* the one event this packet gets */
	struct pl_ct_entry *ct;	 /* conntrack entry of the forward tuple, if tracked */
	__u32 tot_len;		 /* IPv4 total length, host order */
	__u16 policy_port;	 /* dport for policy (network order), 0 for ICMP/other */
	__u8 ttl;
	__u8 tos;
	__u8 dir;      /* enum pl_dir of the decision, for counters */
	__u8 ct_reply; /* reverse tuple tracked: a reply */
	__u8 icmp_err; /* ICMP error with a valid quoted packet in quoted */
	__u8 pad;
	struct pl_ct_key quoted; /* tuple of the packet an ICMP error quotes, as it was sent */
	__u32 slot;		 /* the node's slot in the *_of maps (struct pl_node_cfg) */
	__u32 node_ip;		 /* the node's underlay IPv4, network order */
	__u32 vxlan_ifindex;	 /* the node's vxlan device */
};

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
static __always_inline int pl_parse_quoted(void *q, void *data_end, __u32 room, struct pl_state *st)
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
	st->quoted.saddr = ip->saddr;
	st->quoted.daddr = ip->daddr;
	st->quoted.proto = ip->protocol;
	if (ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP) {
		st->quoted.sport = ports[0];
		st->quoted.dport = ports[1];
	} else if (ip->protocol == IPPROTO_ICMP) {
		/* Keyed like the echo itself: request (id, 0), reply (0, id). */
		struct icmphdr *ih = (void *)ports;

		if (ih->type == ICMP_ECHO)
			st->quoted.sport = ih->un.echo.id;
		else if (ih->type == ICMP_ECHOREPLY)
			st->quoted.dport = ih->un.echo.id;
	}
	st->icmp_err = 1;
	return PL_PARSE_IPV4;
}

/* Fills st from the L4 header at l4 (bounded by data_end and the IP total length). */
static __always_inline int pl_parse_l4(void *l4, void *data_end, __u32 l4_room, struct pl_state *st)
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
	case IPPROTO_ICMP: {
		struct icmphdr *ih = l4;

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
			return pl_parse_quoted(ih + 1, data_end, l4_room - sizeof(*ih), st);
		break;
	}
	default:
		break;
	}
	return PL_PARSE_IPV4;
}

/* Ethernet, IPv4 with the longest options, an ICMP error quoting the same + 8 bytes of L4. */
#define PL_HDR_PULL (ETH_HLEN + 60 + 8 + 60 + 8)

/*
 * Live skbs keep TCP payload, sometimes headers too, in pages beyond
 * data_end: make the headers linear (test_run skbs always are).
 */
static __always_inline void pl_pull_headers(struct __sk_buff *skb, __u32 len)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	if (data + PL_HDR_PULL <= data_end || data + len <= data_end)
		return;
	bpf_skb_pull_data(skb, len < PL_HDR_PULL ? len : PL_HDR_PULL);
}

/*
 * Ethernet + IPv4 (+ L4 when with_l4). len: the whole packet (skb->len; may
 * exceed data_end - data). vlan: the skb carries an offloaded 802.1Q tag (TC
 * only). Returns enum pl_parse_rc or a drop reason.
 */
static __always_inline int pl_parse(void *data, void *data_end, __u32 len, __u32 vlan, bool with_l4,
				    struct pl_state *st)
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
	if (eth->h_proto != bpf_htons(ETH_P_IP) || vlan)
		return PL_PARSE_NOT_IPV4;

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
		return PL_PARSE_IPV4;
	if (ip->frag_off & bpf_htons(PL_IP_MF | PL_IP_OFFSET))
		return PL_DROP_FRAG_NOSUPPORT;
	return pl_parse_l4((void *)ip + ihl_len, data_end, tot_len - ihl_len, st);
}

#endif /* PL_BPF_PARSE_H */
