/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Where a packet goes once policy let it through. NAT-free: addresses and
 * ports are never written; only MACs (local delivery, fib), and TTL plus
 * the IPv4 checksum (IPv6: the hop limit) when natively routed out of the node.
 */
#ifndef PL_BPF_ROUTING_H
#define PL_BPF_ROUTING_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "podlab.h"
#include "lib/config.h"
#include "lib/conntrack.h"
#include "lib/events.h"
#include "lib/parse.h"

#define PL_TUNNEL_TTL 64

static __always_inline int pl_set_macs(struct __sk_buff *skb, struct pl_state *st, const __u8 *dmac,
				       const __u8 *smac)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return -1;
	pl_mac_copy(eth->h_dest, dmac);
	pl_mac_copy(eth->h_source, smac);
	if (enable_events) {
		pl_mac_copy(st->ev.dmac, dmac);
		pl_mac_copy(st->ev.smac, smac);
	}
	return 0;
}

/* TTL-1 with the incremental checksum update of the kernel's ip_decrease_ttl(); IPv6: hop limit-1.
 */
static __always_inline int pl_dec_ttl(struct __sk_buff *skb, const struct pl_state *st)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct pl_ipv6hdr *ip6 = data + ETH_HLEN;
	struct iphdr *ip = data + ETH_HLEN;
	__u32 check;

	if (pl_is_v6(st)) {
		if ((void *)(ip6 + 1) > data_end)
			return -1;
		ip6->hop_limit--;
		return 0;
	}
	if ((void *)(ip + 1) > data_end)
		return -1;
	check = ip->check;
	check += bpf_htons(0x0100);
	ip->check = (__u16)(check + (check >= 0xffff));
	ip->ttl--;
	return 0;
}

/* Local pod: MACs of its veth pair, then straight into its namespace. */
static __always_inline int pl_deliver_local(struct __sk_buff *skb, struct pl_state *st,
					    const struct pl_endpoint_info *ep, __u8 drop_point)
{
	__u32 target = ep->ifindex;

	if (pl_set_macs(skb, st, ep->mac, ep->node_mac)) {
		pl_drop(st, drop_point, PL_DROP_INVALID);
		return TC_ACT_SHOT;
	}
	pl_ct_commit(st);
	pl_redirected(st, PL_OBS_TO_ENDPOINT, PL_REDIR_PEER, target);
	return bpf_redirect_peer(target, 0);
}

/* Not ours to route (outside the cluster, legacy mode, not a local pod): the stack decides. */
static __always_inline int pl_to_stack(struct pl_state *st, __u8 note, bool policy_checked)
{
	if (policy_checked)
		pl_ct_commit(st);
	pl_pass(st, PL_OBS_TO_STACK, note);
	return TC_ACT_OK;
}

/* Native routing: fib lookup in the caller's netns, TTL-1, redirect out of the node. */
static __always_inline int pl_route_native(struct __sk_buff *skb, struct pl_state *st,
					   __u32 ifindex)
{
	struct bpf_fib_lookup fib = {};
	long rc;

	if (st->ttl <= 1) {
		pl_drop(st, PL_OBS_FROM_ENDPOINT,
			st->v6 ? PL_DROP_HOP_LIMIT_EXCEEDED : PL_DROP_TTL_EXCEEDED);
		return TC_ACT_SHOT;
	}
	fib.l4_protocol = st->ev.proto;
	fib.sport = st->ev.sport;
	fib.dport = st->ev.dport;
	/* tot_len 0: the kernel checks the skb against the egress MTU itself, GSO-aware. */
	fib.tot_len = 0;
	if (pl_is_v6(st)) {
		fib.family = PL_AF_INET6;
		pl_ip6_copy(fib.ipv6_src, st->ev.saddr6);
		pl_ip6_copy(fib.ipv6_dst, st->ev.daddr6);
	} else {
		fib.family = PL_AF_INET;
		fib.tos = st->tos;
		fib.ipv4_src = st->ev.saddr;
		fib.ipv4_dst = st->ev.daddr;
	}
	fib.ifindex = ifindex;
	rc = bpf_fib_lookup(skb, &fib, sizeof(fib), 0);
	st->ev.fib_rc = (__u32)rc;
	if (rc == BPF_FIB_LKUP_RET_SUCCESS) {
		if (pl_dec_ttl(skb, st) || pl_set_macs(skb, st, fib.dmac, fib.smac)) {
			pl_drop(st, PL_OBS_FROM_ENDPOINT, PL_DROP_INVALID);
			return TC_ACT_SHOT;
		}
		pl_ct_commit(st);
		pl_redirected(st, PL_OBS_TO_NETWORK, PL_REDIR_FIB, fib.ifindex);
		return bpf_redirect(fib.ifindex, 0);
	}
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH) {
		/* fib left the next hop in ipv4_dst (ipv6_dst); the kernel resolves its MAC. */
		struct bpf_redir_neigh nh = {};
		__u32 mtu_len = 0;

		if (pl_is_v6(st)) {
			nh.nh_family = PL_AF_INET6;
			pl_ip6_copy(nh.ipv6_nh, fib.ipv6_dst);
		} else {
			nh.nh_family = PL_AF_INET;
			nh.ipv4_nh = fib.ipv4_dst;
		}

		/* fib checks the MTU only on success; redirect_neigh would drop silently. */
		if (bpf_check_mtu(skb, fib.ifindex, &mtu_len, 0, 0) ==
		    BPF_MTU_CHK_RET_FRAG_NEEDED) {
			st->ev.fib_rc = BPF_FIB_LKUP_RET_FRAG_NEEDED;
			return pl_to_stack(st, PL_NOTE_FRAG_NEEDED, true);
		}

		if (pl_dec_ttl(skb, st)) {
			pl_drop(st, PL_OBS_FROM_ENDPOINT, PL_DROP_INVALID);
			return TC_ACT_SHOT;
		}
		pl_ct_commit(st);
		st->ev.note = PL_NOTE_NEIGH_RESOLVE;
		pl_redirected(st, PL_OBS_TO_NETWORK, PL_REDIR_NEIGH, fib.ifindex);
		return bpf_redirect_neigh(fib.ifindex, &nh, sizeof(nh), 0);
	}
	/* A silent drop would black-hole PMTU discovery: the stack answers with ICMP frag-needed.
	 */
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED)
		return pl_to_stack(st, PL_NOTE_FRAG_NEEDED, true);
	pl_drop(st, PL_OBS_FROM_ENDPOINT, PL_DROP_NO_FIB);
	return TC_ACT_SHOT;
}

/* VXLAN: outer destination = the owning node, VNI = source identity; inner untouched. */
static __always_inline int pl_route_tunnel(struct __sk_buff *skb, struct pl_state *st,
					   __u32 tunnel_endpoint)
{
	struct bpf_tunnel_key key = {};
	__u32 target = st->vxlan_ifindex;

	if (!tunnel_endpoint) {
		pl_drop(st, PL_OBS_FROM_ENDPOINT, PL_DROP_NO_TUNNEL_ENDPOINT);
		return TC_ACT_SHOT;
	}
	key.remote_ipv4 = bpf_ntohl(tunnel_endpoint);
	key.tunnel_id = st->ev.src_identity;
	key.tunnel_ttl = PL_TUNNEL_TTL;
	if (bpf_skb_set_tunnel_key(skb, &key, sizeof(key), BPF_F_ZERO_CSUM_TX) < 0) {
		pl_drop(st, PL_OBS_FROM_ENDPOINT, PL_DROP_NO_TUNNEL_ENDPOINT);
		return TC_ACT_SHOT;
	}
	st->ev.tunnel_remote = tunnel_endpoint;
	st->ev.tunnel_vni = st->ev.src_identity;
	pl_ct_commit(st);
	pl_redirected(st, PL_OBS_TO_OVERLAY, PL_REDIR_TUNNEL, target);
	return bpf_redirect(target, 0);
}

/*
 * A policy-allowed packet for a pod of another node, by routing mode. native and
 * fabric leave the same way on the wire, bare, through the fib and a redirect out
 * of the uplink; only the next hop differs: native's route to the pod's CIDR names
 * the owning node, fabric's connected underlay route ends at the fabric router,
 * which alone holds a route per pod IP (as a VPC does). legacy went to the stack.
 */
static __always_inline int pl_route_remote(struct __sk_buff *skb, struct pl_state *st,
					   __u32 ifindex, __u32 tunnel_endpoint)
{
	if (routing_mode == PL_ROUTING_VXLAN)
		return pl_route_tunnel(skb, st, tunnel_endpoint);
	return pl_route_native(skb, st, ifindex);
}

#endif /* PL_BPF_ROUTING_H */
