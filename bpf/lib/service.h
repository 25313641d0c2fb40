/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Service translation at TC: a packet a pod sends to a service's
 * ClusterIP:port (from_pod), or anyone to this node's IP at a nodePort
 * (from_network), is DNATed to a backend the service's Maglev table picks;
 * a nodePort's packet for another node's backend is SNATed to the node IP
 * too, a pod's packet to a service whose backend is itself (hairpin) to
 * PL_HAIRPIN_IP. Conntrack (lib/conntrack.h) remembers the translation on the flow's
 * entry, and its replies are rewritten back (reverse NAT) where the entry
 * is found. IPv4 TCP and UDP only.
 */
#ifndef PL_BPF_SERVICE_H
#define PL_BPF_SERVICE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "podlab.h"
#include "lib/config.h"
#include "lib/maps.h"
#include "lib/parse.h"

#define PL_IP_CSUM_OFF	(ETH_HLEN + __builtin_offsetof(struct iphdr, check))
#define PL_IP_SADDR_OFF (ETH_HLEN + __builtin_offsetof(struct iphdr, saddr))
#define PL_IP_DADDR_OFF (ETH_HLEN + __builtin_offsetof(struct iphdr, daddr))

/* Offset of the L4 header: after the IPv4 header and its options. */
static __always_inline int pl_l4_off(struct __sk_buff *skb)
{
	__u8 vihl;

	if (bpf_skb_load_bytes(skb, ETH_HLEN, &vihl, 1))
		return -1;
	return ETH_HLEN + (vihl & 0xf) * 4;
}

/*
 * Rewrites the source (src) or destination address and port of an IPv4
 * TCP/UDP packet, fixing the IP checksum and the L4 checksum (its pseudo
 * header too). A UDP checksum of 0 (none) stays 0. 0, or a drop reason.
 */
static __always_inline int pl_nat_rewrite(struct __sk_buff *skb, struct pl_state *st, bool src,
					  __u32 ip, __u16 port)
{
	__u32 old_ip = src ? st->ev.saddr : st->ev.daddr;
	__u16 old_port = src ? st->ev.sport : st->ev.dport;
	int l4 = pl_l4_off(skb), csum_off, port_off;
	__u64 mangled = 0;

	if (l4 < 0)
		return PL_DROP_CT_INVALID_HDR;
	if (st->ev.proto == IPPROTO_TCP) {
		csum_off = l4 + __builtin_offsetof(struct tcphdr, check);
	} else {
		csum_off = l4 + __builtin_offsetof(struct udphdr, check);
		mangled = BPF_F_MARK_MANGLED_0;
	}
	port_off = l4 + (src ? 0 : 2);
	if (bpf_l4_csum_replace(skb, csum_off, old_ip, ip, BPF_F_PSEUDO_HDR | mangled | 4) ||
	    bpf_l4_csum_replace(skb, csum_off, old_port, port, mangled | 2) ||
	    bpf_l3_csum_replace(skb, PL_IP_CSUM_OFF, old_ip, ip, 4) ||
	    bpf_skb_store_bytes(skb, src ? PL_IP_SADDR_OFF : PL_IP_DADDR_OFF, &ip, 4, 0) ||
	    bpf_skb_store_bytes(skb, port_off, &port, 2, 0))
		return PL_DROP_INVALID;
	if (src) {
		st->ev.nat_saddr = old_ip; /* flow events show both sides of a source rewrite */
		st->ev.nat_sport = old_port;
		st->ev.saddr = ip;
		st->ev.sport = port;
	} else {
		st->ev.daddr = ip;
		st->ev.dport = port;
		st->policy_port = port;
	}
	return 0;
}

/* The backend of st's flow in service svc's Maglev table; NULL: none (a table out of step). */
static __always_inline struct pl_backend *pl_svc_pick(struct pl_state *st,
						      const struct pl_service *svc)
{
	struct pl_backend_key bkey = {};
	struct pl_maglev_key mkey = {};
	struct pl_maglev_chunk *chunk;
	void *maglev, *backends;
	__u32 h, idx;

	h = pl_svc_hash(st->ev.saddr, st->ev.daddr, st->ev.sport, st->ev.dport, st->ev.proto,
			svc->flags & PL_SVC_F_AFFINITY_CLIENTIP);
	idx = h % PL_MAGLEV_M;
	mkey.id = svc->id;
	mkey.chunk = idx / PL_MAGLEV_CHUNK;
	maglev = pl_node_map(&maglev_of, st->slot);
	chunk = maglev ? bpf_map_lookup_elem(maglev, &mkey) : NULL;
	if (!chunk)
		return NULL;
	bkey.id = svc->id;
	bkey.slot = chunk->slot[idx & (PL_MAGLEV_CHUNK - 1)];
	backends = pl_node_map(&backends_of, st->slot);
	return backends ? bpf_map_lookup_elem(backends, &bkey) : NULL;
}

/*
 * The frontend (ip, the packet's dport and proto) of st's TCP/UDP IPv4
 * packet; NULL when it is none. ip 0 looks a nodePort up.
 */
static __always_inline struct pl_service *pl_svc_frontend(const struct pl_state *st, __u32 ip)
{
	struct pl_service_key key = {};
	void *services;

	if (!enable_services || pl_is_v6(st) || st->icmp_err ||
	    (st->ev.proto != IPPROTO_TCP && st->ev.proto != IPPROTO_UDP))
		return NULL;
	services = pl_node_map(&services_of, st->slot);
	if (!services)
		return NULL;
	key.ip = ip;
	key.port = st->ev.dport;
	key.proto = st->ev.proto;
	return bpf_map_lookup_elem(services, &key);
}

/* DNAT of st's packet for frontend svc to the backend of its flow; 0 or a drop reason. */
static __always_inline int pl_svc_translate(struct __sk_buff *skb, struct pl_state *st,
					    const struct pl_service *svc)
{
	struct pl_backend *be;
	int rc;

	if (!svc->count)
		return PL_DROP_NO_SERVICE_BACKEND;
	be = pl_svc_pick(st, svc);
	if (!be)
		return PL_DROP_NO_SERVICE_BACKEND;
	st->svc_ip = st->ev.daddr;
	st->svc_port = st->ev.dport;
	rc = pl_nat_rewrite(skb, st, false, be->ip, svc->target_port);
	if (rc)
		return rc;
	st->svc_nat = 1;
	st->ev.svc_daddr = st->svc_ip;
	st->ev.svc_dport = st->svc_port;
	st->ev.flags |= PL_EV_F_SVC_DNAT;
	return 0;
}

/*
 * A packet to a service's ClusterIP:port: DNAT to the backend of its flow's
 * Maglev entry, the service kept in st for conntrack. 0 when the packet is
 * not for a service or was translated; else the drop reason.
 */
static __always_inline int pl_svc_dnat(struct __sk_buff *skb, struct pl_state *st)
{
	struct pl_service *svc = pl_svc_frontend(st, st->ev.daddr);

	return svc ? pl_svc_translate(skb, st, svc) : 0;
}

/*
 * A packet to this node's IP at a nodePort: DNAT as for a ClusterIP (the
 * frontend's table: every backend, or with Local this node's only). 0 and
 * *hit false: no nodePort; 0 and *hit: translated; else the drop reason.
 */
static __always_inline int pl_svc_nodeport(struct __sk_buff *skb, struct pl_state *st, bool *hit)
{
	struct pl_service *svc;

	*hit = false;
	if (st->ev.daddr != st->node_ip)
		return 0;
	svc = pl_svc_frontend(st, 0);
	if (!svc)
		return 0;
	*hit = true;
	return pl_svc_translate(skb, st, svc);
}

/*
 * A nodePort's packet for a backend on another node: its source becomes this
 * node's IP (the port stays), so the reply comes back here to be translated;
 * a hairpin's: PL_HAIRPIN_IP (pl_svc_hairpin).
 */
static __always_inline int pl_svc_snat(struct __sk_buff *skb, struct pl_state *st, __u32 ip)
{
	__u32 client = st->ev.saddr;
	int rc = pl_nat_rewrite(skb, st, true, ip, st->ev.sport);

	if (rc)
		return rc;
	st->snat_ip = client;
	st->ev.flags |= PL_EV_F_SVC_SNAT;
	return 0;
}

/*
 * A service's packet DNATed back to its sender (the pod is its own backend):
 * SNAT to PL_HAIRPIN_IP, so the pod sees a peer that is not itself and
 * replies to it; conntrack turns the reply back into ClusterIP -> pod.
 */
static __always_inline int pl_svc_hairpin(struct __sk_buff *skb, struct pl_state *st)
{
	if (!st->svc_nat || st->ev.daddr != st->ev.saddr)
		return 0;
	return pl_svc_snat(skb, st, bpf_htonl(PL_HAIRPIN_IP));
}

/*
 * A reply of a service's flow (pl_ct_lookup set svc_ip): its source back to
 * ClusterIP:port (or node IP:nodePort) and, when the request was SNATed, its
 * destination back to the client.
 */
static __always_inline int pl_svc_rev_nat(struct __sk_buff *skb, struct pl_state *st)
{
	int rc;

	if (!enable_services || !st->svc_ip)
		return 0;
	rc = pl_nat_rewrite(skb, st, true, st->svc_ip, st->svc_port);
	if (!rc && st->snat_ip) {
		st->ev.svc_daddr = st->ev.daddr; /* what it came to: the node's IP */
		st->ev.svc_dport = st->ev.dport;
		rc = pl_nat_rewrite(skb, st, false, st->snat_ip, st->ev.dport);
	}
	if (!rc)
		st->ev.flags |= PL_EV_F_SVC_RNAT;
	return rc;
}

#endif /* PL_BPF_SERVICE_H */
