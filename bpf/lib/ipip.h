/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * routing ipip (Calico's IPIP mode) without an ipip device: from_pod pushes
 * an outer IPv4 header (protocol 4, node -> owning node) with
 * bpf_skb_adjust_room and sends the frame out of the uplink; from_network
 * strips it again for IP-in-IP addressed to its node. Both helpers are in
 * every kernel podlab supports (6.1 included); the inner packet is untouched.
 */
#ifndef PL_BPF_IPIP_H
#define PL_BPF_IPIP_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "podlab.h"
#include "lib/config.h"
#include "lib/conntrack.h"
#include "lib/events.h"
#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/routing.h"

#define PL_IPIP_HLEN 20	    /* the outer header: IPv4 without options */
#define PL_IP_DF     0x4000 /* as the kernel's ipip device sets it (pmtudisc, the default) */

/* The IPv4 header checksum of a 20-byte header whose check field is 0. */
static __always_inline __u16 pl_ip4_csum(const struct iphdr *ip)
{
	const __u16 *w = (const __u16 *)ip;
	__u32 sum = 0;
	int i;

#pragma unroll
	for (i = 0; i < PL_IPIP_HLEN / 2; i++)
		sum += w[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/*
 * Whether a packet for a pod of another node goes in IP-in-IP: IPv4 only
 * (Calico's IPIP is an IPv4 pool setting, IPv6 is routed natively), and with
 * ipipMode CrossSubnet only to a node of another subnet (the note says why not).
 */
static __always_inline bool pl_ipip_wanted(struct pl_state *st, __u32 ipc_subnet)
{
	struct pl_ipcache_key self = {.prefixlen = 32, .ip = st->node_ip};
	struct pl_ipcache_info *own;

	if (pl_is_v6(st))
		return false;
	if (!ipip_cross_subnet || !ipc_subnet)
		return true;
	/* The cluster-wide ipcache names every node's subnet; this node's is its own entry's. */
	own = bpf_map_lookup_elem(&ipcache, &self);
	if (own && own->subnet == ipc_subnet) {
		st->ev.note = PL_NOTE_IPIP_SAME_SUBNET; /* NEIGH_RESOLVE, if needed, wins */
		return false;
	}
	return true;
}

/*
 * IPv4 for a pod of another node: outer header node IP -> tunnel_endpoint,
 * MACs from a fib lookup of the outer destination, out of that device.
 */
static __always_inline int pl_route_ipip(struct __sk_buff *skb, struct pl_state *st, __u32 ifindex,
					 __u32 tunnel_endpoint)
{
	struct bpf_fib_lookup fib = {};
	struct iphdr outer = {};
	__u32 mtu_len = 0;
	long rc;

	if (!tunnel_endpoint) {
		pl_drop(st, PL_OBS_FROM_ENDPOINT, PL_DROP_NO_TUNNEL_ENDPOINT);
		return TC_ACT_SHOT;
	}
	fib.family = PL_AF_INET;
	fib.l4_protocol = IPPROTO_IPIP;
	fib.ipv4_src = st->node_ip;
	fib.ipv4_dst = tunnel_endpoint;
	fib.ifindex = ifindex;
	rc = bpf_fib_lookup(skb, &fib, sizeof(fib), 0);
	st->ev.fib_rc = (__u32)rc;
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH) {
		pl_drop(st, PL_OBS_FROM_ENDPOINT, PL_DROP_NO_FIB);
		return TC_ACT_SHOT;
	}
	/* 20 more bytes must still fit the uplink (GSO packets are segmented to fit later). */
	if (bpf_check_mtu(skb, fib.ifindex, &mtu_len, PL_IPIP_HLEN, 0) ==
	    BPF_MTU_CHK_RET_FRAG_NEEDED) {
		st->ev.fib_rc = BPF_FIB_LKUP_RET_FRAG_NEEDED;
		pl_drop(st, PL_OBS_FROM_ENDPOINT, PL_DROP_FRAG_NOSUPPORT);
		return TC_ACT_SHOT;
	}
	outer.version = 4;
	outer.ihl = 5;
	outer.tos = st->tos;
	outer.tot_len = bpf_htons(st->tot_len + PL_IPIP_HLEN);
	outer.frag_off = bpf_htons(PL_IP_DF);
	outer.ttl = PL_TUNNEL_TTL;
	outer.protocol = IPPROTO_IPIP;
	outer.saddr = st->node_ip;
	outer.daddr = tunnel_endpoint;
	outer.check = pl_ip4_csum(&outer);
	/* FIXED_GSO: pods' MTU already leaves the 20 bytes, their MSS needs no cut. */
	if (bpf_skb_adjust_room(skb, PL_IPIP_HLEN, BPF_ADJ_ROOM_MAC,
				BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_FIXED_GSO) ||
	    bpf_skb_store_bytes(skb, ETH_HLEN, &outer, sizeof(outer), 0)) {
		pl_drop(st, PL_OBS_FROM_ENDPOINT, PL_DROP_INVALID);
		return TC_ACT_SHOT;
	}
	st->ev.tunnel_remote = tunnel_endpoint;
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH) {
		struct bpf_redir_neigh nh = {.nh_family = PL_AF_INET, .ipv4_nh = fib.ipv4_dst};

		pl_ct_commit(st);
		st->ev.note = PL_NOTE_NEIGH_RESOLVE;
		pl_redirected(st, PL_OBS_TO_NETWORK, PL_REDIR_IPIP, fib.ifindex);
		return bpf_redirect_neigh(fib.ifindex, &nh, sizeof(nh), 0);
	}
	if (pl_set_macs(skb, st, fib.dmac, fib.smac)) {
		pl_drop(st, PL_OBS_FROM_ENDPOINT, PL_DROP_INVALID);
		return TC_ACT_SHOT;
	}
	pl_ct_commit(st);
	pl_redirected(st, PL_OBS_TO_NETWORK, PL_REDIR_IPIP, fib.ifindex);
	return bpf_redirect(fib.ifindex, 0);
}

/*
 * IP-in-IP addressed to this node (from_network, routing ipip): only from a
 * cluster node's address; the outer header goes, st describes the inner
 * packet (as from_overlay's, with no tunnel_remote: nothing is encapsulated after it). Returns true
 * when the verdict is taken (dropped), in *verdict.
 */
static __always_inline bool pl_ipip_decap(struct __sk_buff *skb, struct pl_state *st, int *verdict)
{
	struct pl_ipcache_key key = {.prefixlen = 32, .ip = st->ev.saddr};
	__u32 len, slot = st->slot, node_ip = st->node_ip;
	__u32 vxlan = st->vxlan_ifindex, ifindex = st->ev.ifindex, wire_len = st->ev.pkt_len;
	struct pl_ipcache_info *ipc = NULL;
	union pl_ct_any_key quote;
	void *data, *data_end;
	struct iphdr *ip;
	__u32 hlen;
	int rc;

	ipc = bpf_map_lookup_elem(&ipcache, &key);
	if (pl_ipc_identity(ipc, node_ip) != PL_ID_REMOTE_NODE) {
		pl_drop(st, PL_OBS_FROM_NETWORK, PL_DROP_IPIP_UNKNOWN_SENDER);
		*verdict = TC_ACT_SHOT;
		return true;
	}
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	ip = data + ETH_HLEN;
	if ((void *)(ip + 1) > data_end) {
		pl_drop(st, PL_OBS_FROM_NETWORK, PL_DROP_INVALID);
		*verdict = TC_ACT_SHOT;
		return true;
	}
	hlen = ip->ihl * 4;
	/* FIXED_GSO: segments of a GRO packet keep their size, only a header before them goes. */
	if (bpf_skb_adjust_room(skb, -(__s32)hlen, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_FIXED_GSO)) {
		pl_drop(st, PL_OBS_FROM_NETWORK, PL_DROP_INVALID);
		*verdict = TC_ACT_SHOT;
		return true;
	}
	len = skb->len;
	pl_state_init(st, PL_PROG_FROM_NETWORK, PL_DIR_INGRESS, ifindex, len);
	st->ev.pkt_len = wire_len; /* the event describes the packet as it arrived */
	st->slot = slot;
	st->node_ip = node_ip;
	st->vxlan_ifindex = vxlan;
	pl_pull_headers(skb, len);
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	rc = pl_parse(data, data_end, len, 0, true, st, &quote);
	if (rc == PL_PARSE_NOT_IP)
		rc = PL_DROP_INVALID; /* the inner packet of protocol 4 is IPv4 */
	if (rc) {
		pl_drop(st, PL_OBS_FROM_NETWORK, rc);
		*verdict = TC_ACT_SHOT;
		return true;
	}
	pl_ct_relate(st, &quote);
	return false;
}

#endif /* PL_BPF_IPIP_H */
