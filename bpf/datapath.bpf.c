// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * podlab datapath: from_pod / from_network / from_overlay on TC ingress and
 * xdp_prefilter on the uplink's XDP hook. Semantics: docs/datapath.md.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "podlab.h"
#include "lib/config.h"
#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/events.h"
#include "lib/policy.h"
#include "lib/conntrack.h"
#include "lib/routing.h"
#include "lib/ipip.h"
#include "lib/service.h"
#include "lib/l7.h"

/* The local endpoint of the packet's destination (dst) or source; either family. */
static __always_inline struct pl_endpoint_info *pl_endpoint_of(const struct pl_state *st, bool dst)
{
	struct pl_endpoint6_key key6;
	struct pl_endpoint_key key;
	void *endpoints;

	if (pl_is_v6(st)) {
		struct pl_endpoint_info *ep = NULL;

		endpoints = pl_node_map(&endpoints6_of, st->slot);
		pl_own_site(endpoints);
		pl_ip6_copy(key6.ip6, dst ? st->ev.daddr6 : st->ev.saddr6);
		if (endpoints)
			ep = bpf_map_lookup_elem(endpoints, &key6);
		pl_own_site(ep);
		return ep;
	}
	endpoints = pl_node_map(&endpoints_of, st->slot);
	key.ip = dst ? st->ev.daddr : st->ev.saddr;
	return endpoints ? bpf_map_lookup_elem(endpoints, &key) : NULL;
}

/* The ipcache entry of the packet's destination (dst) or source; either family. */
static __always_inline struct pl_ipcache_info *pl_ipcache_of(const struct pl_state *st, bool dst)
{
	struct pl_ipcache6_key key6;
	struct pl_ipcache_key key;

	if (pl_is_v6(st)) {
		struct pl_ipcache_info *ipc;

		key6.prefixlen = 128;
		pl_ip6_copy(key6.ip6, dst ? st->ev.daddr6 : st->ev.saddr6);
		ipc = bpf_map_lookup_elem(&ipcache6, &key6);
		pl_own_site(ipc);
		return ipc;
	}
	key.prefixlen = 32;
	key.ip = dst ? st->ev.daddr : st->ev.saddr;
	return bpf_map_lookup_elem(&ipcache, &key);
}

/* The node this device belongs to, into st; false: a device of no node. */
static __always_inline bool pl_state_node(struct pl_state *st, __u32 ifindex)
{
	struct pl_node_cfg *cfg = pl_node_of(ifindex);

	if (cfg) {
		st->slot = cfg->slot;
		st->node_ip = cfg->node_ip;
		st->vxlan_ifindex = cfg->vxlan_ifindex;
		return true;
	}
	if (!default_node)
		return false;
	/* The loaded node (slot 0, as its devices key 0 says): rodata, no second lookup. */
	st->slot = 0;
	st->node_ip = default_node_ip;
	st->vxlan_ifindex = default_vxlan_ifindex;
	return true;
}

static __always_inline bool pl_is_pod_identity(__u32 id)
{
	return id >= PL_ID_POD_MIN && id < PL_ID_CIDR_MIN;
}

/*
 * The reply of a nodePort's flow SNATed here (at this node's IP): source back
 * to node IP:nodePort, destination back to the client, then to the client
 * directly (the stack would drop a packet from its own address as martian).
 */
static __always_inline int pl_nodeport_reply(struct __sk_buff *skb, struct pl_state *st, __u8 point)
{
	struct pl_endpoint_info *ep;
	struct pl_ipcache_info *ipc;
	__u32 tunnel_endpoint = 0;
	int rc = pl_svc_rev_nat(skb, st);

	if (rc) {
		pl_drop(st, point, rc);
		return TC_ACT_SHOT;
	}
	ep = pl_endpoint_of(st, true);
	if (ep) {
		st->ev.dst_identity = ep->identity;
		return pl_deliver_local(skb, st, ep, point);
	}
	ipc = pl_ipcache_of(st, true);
	st->ev.dst_identity = pl_ipc_identity(ipc, st->node_ip);
	if (ipc && ipc->tunnel_endpoint != st->node_ip)
		tunnel_endpoint = ipc->tunnel_endpoint;
	if (tunnel_endpoint && routing_mode == PL_ROUTING_VXLAN)
		return pl_route_tunnel(skb, st, tunnel_endpoint);
	return pl_route_native(skb, st, st->ev.ifindex);
}

/* Shared tail of from_network and from_overlay: ingress policy, then deliver or stack. */
static __always_inline int pl_to_local(struct __sk_buff *skb, struct pl_state *st, __u8 point)
{
	struct pl_endpoint_info *ep = pl_endpoint_of(st, true);
	struct pl_ipcache_info *ipc;
	__u16 proxy_port;
	int rc;

	if (!ep) {
		if (st->ev.daddr == st->node_ip && !pl_is_v6(st) &&
		    (st->ev.proto == IPPROTO_TCP || st->ev.proto == IPPROTO_UDP) &&
		    pl_ct_lookup(st) && st->snat_ip)
			return pl_nodeport_reply(skb, st, point);
		ipc = pl_ipcache_of(st, true);
		st->ev.dst_identity = pl_ipc_identity(ipc, st->node_ip);
		return pl_to_stack(st, PL_NOTE_NOT_LOCAL, false);
	}
	st->ev.dst_identity = ep->identity;
	/* An L7 port: every packet of the flow goes to the proxy, after the L4 policy. */
	proxy_port = pl_l7_proxy_port(st, ep, st->ev.src_identity);
	if (proxy_port) {
		rc = pl_policy_enforce(st, ep, st->ev.src_identity, PL_DIR_INGRESS);
		if (rc) {
			pl_drop(st, point, rc);
			return TC_ACT_SHOT;
		}
		return pl_l7_steer(skb, st, proxy_port, point);
	}
	if (!pl_ct_lookup(st)) {
		rc = pl_policy_enforce(st, ep, st->ev.src_identity, PL_DIR_INGRESS);
		if (rc) {
			pl_drop(st, point, rc);
			return TC_ACT_SHOT;
		}
	} else if ((rc = pl_svc_rev_nat(skb, st))) {
		pl_drop(st, point, rc);
		return TC_ACT_SHOT;
	}
	return pl_deliver_local(skb, st, ep, point);
}

/*
 * Start of every TC program: the device's node found, headers linear,
 * Ethernet/IPv4 or IPv6/L4 parsed. Returns true when the verdict is already
 * taken, in *verdict (a device of no node, non-IP or ICMPv6 neighbour
 * discovery to the stack, malformed dropped at obs); false when the program
 * goes on deciding.
 */
static __always_inline bool pl_tc_begin(struct __sk_buff *skb, struct pl_state *st, __u8 prog,
					__u8 dir, __u8 obs, int *verdict)
{
	__u32 ifindex = skb->ifindex, len = skb->len, vlan = skb->vlan_present;
	union pl_ct_any_key quote;
	void *data, *data_end;
	int rc;

	pl_state_init(st, prog, dir, ifindex, len);
	if (!pl_state_node(st, ifindex)) {
		*verdict = TC_ACT_OK; /* no maps to count it in */
		return true;
	}
	pl_pull_headers(skb, len);
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	rc = pl_parse(data, data_end, len, vlan, true, st, &quote);
	if (rc == PL_PARSE_NOT_IP) {
		*verdict = pl_to_stack(st, PL_NOTE_NOT_IPV4, false);
		return true;
	}
	if (rc) {
		pl_drop(st, obs, rc);
		*verdict = TC_ACT_SHOT;
		return true;
	}
	pl_ct_relate(st, &quote);
	/* Link-local, often from :: or fe80::: the kernel needs it whatever policy says. */
	if (st->icmp6 == PL_ICMP6_ND) {
		*verdict = pl_to_stack(st, PL_NOTE_ICMPV6_ND, false);
		return true;
	}
	/* A pod's kernel sends MLD reports and more from these: no endpoint owns them. */
	if (pl_is_v6(st) && pl_ipv6_link_scoped(st)) {
		*verdict = pl_to_stack(st, PL_NOTE_IPV6_LINK_SCOPED, false);
		return true;
	}
	return false;
}

SEC("tc")
int from_pod(struct __sk_buff *skb)
{
	__u32 ifindex = skb->ifindex;
	struct pl_endpoint_info *src, *dst;
	struct pl_ipcache_info *ipc;
	__u32 tunnel_endpoint = 0, ipc_subnet = 0;
	struct pl_state st;
	__u16 proxy_port;
	bool remote_pod, nodeport;
	int rc;

	if (pl_tc_begin(skb, &st, PL_PROG_FROM_POD, PL_DIR_EGRESS, PL_OBS_FROM_ENDPOINT, &rc))
		return rc;

	src = pl_endpoint_of(&st, false);
	if (!src || src->ifindex != ifindex) {
		pl_drop(&st, PL_OBS_FROM_ENDPOINT, PL_DROP_INVALID_SIP);
		return TC_ACT_SHOT;
	}
	st.ev.src_identity = src->identity;
	/* Services first: policy, conntrack and routing see the backend. */
	rc = pl_svc_dnat(skb, &st);
	if (!rc && !st.svc_nat) /* this node's own IP at a nodePort, as from outside */
		rc = pl_svc_nodeport(skb, &st, &nodeport);
	if (!rc)
		rc = pl_svc_hairpin(skb, &st);
	if (rc) {
		pl_drop(&st, PL_OBS_FROM_ENDPOINT, rc);
		return TC_ACT_SHOT;
	}

	dst = pl_endpoint_of(&st, true);
	if (dst) {
		st.ev.dst_identity = dst->identity;
		/* A local pod's L7 port: both policies at L4, then the node's proxy. */
		proxy_port = pl_l7_proxy_port(&st, dst, src->identity);
		if (proxy_port) {
			rc = pl_policy_enforce(&st, src, st.ev.dst_identity, PL_DIR_EGRESS);
			if (!rc)
				rc = pl_policy_enforce(&st, dst, st.ev.src_identity,
						       PL_DIR_INGRESS);
			if (rc) {
				pl_drop(&st, PL_OBS_FROM_ENDPOINT, rc);
				return TC_ACT_SHOT;
			}
			return pl_l7_steer(skb, &st, proxy_port, PL_OBS_FROM_ENDPOINT);
		}
	} else {
		ipc = pl_ipcache_of(&st, true);
		st.ev.dst_identity = pl_ipc_identity(ipc, st.node_ip);
		if (ipc && ipc->tunnel_endpoint != st.node_ip)
			tunnel_endpoint = ipc->tunnel_endpoint;
		if (ipc)
			ipc_subnet = ipc->subnet;
	}

	if (!pl_ct_lookup(&st)) {
		rc = pl_policy_enforce(&st, src, st.ev.dst_identity, PL_DIR_EGRESS);
		if (!rc && dst)
			rc = pl_policy_enforce(&st, dst, st.ev.src_identity, PL_DIR_INGRESS);
		if (rc) {
			pl_drop(&st, PL_OBS_FROM_ENDPOINT, rc);
			return TC_ACT_SHOT;
		}
	} else if ((rc = pl_svc_rev_nat(skb, &st))) {
		pl_drop(&st, PL_OBS_FROM_ENDPOINT, rc);
		return TC_ACT_SHOT;
	} else if (st.snat_ip && !dst) {
		/* A hairpin's reply: it goes back to the pod it came from, now its destination. */
		dst = pl_endpoint_of(&st, true);
		if (dst)
			st.ev.dst_identity = dst->identity;
	}
	st.dir = PL_DIR_EGRESS;
	if (dst)
		return pl_deliver_local(skb, &st, dst, PL_OBS_FROM_ENDPOINT);

	remote_pod = tunnel_endpoint || pl_is_pod_identity(st.ev.dst_identity);
	/* A nodePort's reply from its own node IP: the stack would take it for a martian. */
	if (!remote_pod && st.ct_reply && st.svc_ip == st.node_ip)
		return pl_route_native(skb, &st, ifindex);
	if (!remote_pod || routing_mode == PL_ROUTING_LEGACY)
		return pl_to_stack(&st, 0, true);
	if (routing_mode == PL_ROUTING_IPIP && pl_ipip_wanted(&st, ipc_subnet))
		return pl_route_ipip(skb, &st, ifindex, tunnel_endpoint);
	return pl_route_remote(skb, &st, ifindex, tunnel_endpoint);
}

/*
 * A nodePort's packet for a backend on another node (externalTrafficPolicy
 * Cluster): SNAT to this node's IP so the reply comes back here, then routed
 * to the backend as a pod's packet would be. The backend's node decides policy.
 */
static __always_inline int pl_nodeport_remote(struct __sk_buff *skb, struct pl_state *st)
{
	struct pl_ipcache_info *ipc = pl_ipcache_of(st, true);
	__u32 tunnel_endpoint = 0;
	int rc;

	st->ev.dst_identity = pl_ipc_identity(ipc, st->node_ip);
	if (ipc && ipc->tunnel_endpoint != st->node_ip)
		tunnel_endpoint = ipc->tunnel_endpoint;
	rc = pl_svc_snat(skb, st, st->node_ip);
	if (rc) {
		pl_drop(st, PL_OBS_FROM_NETWORK, rc);
		return TC_ACT_SHOT;
	}
	/* What the backend's node sees: this node (its ipcache; the VNI says so too). */
	st->ev.src_identity = PL_ID_REMOTE_NODE;
	pl_ct_lookup(st); /* an established flow's entry, refreshed when it leaves */
	if (routing_mode == PL_ROUTING_LEGACY)
		return pl_to_stack(st, 0, true);
	return pl_route_remote(skb, st, st->ev.ifindex, tunnel_endpoint);
}

SEC("tc")
int from_network(struct __sk_buff *skb)
{
	struct pl_ipcache_info *ipc;
	struct pl_state st;
	bool nodeport;
	int rc;

	if (pl_tc_begin(skb, &st, PL_PROG_FROM_NETWORK, PL_DIR_INGRESS, PL_OBS_FROM_NETWORK, &rc))
		return rc;
	/* routing ipip: IP-in-IP to this node loses its outer header before policy and delivery. */
	if (routing_mode == PL_ROUTING_IPIP && !pl_is_v6(&st) && st.ev.proto == IPPROTO_IPIP &&
	    st.ev.daddr == st.node_ip && pl_ipip_decap(skb, &st, &rc))
		return rc;
	ipc = pl_ipcache_of(&st, false);
	st.ev.src_identity = pl_ipc_identity(ipc, st.node_ip);
	rc = pl_svc_nodeport(skb, &st, &nodeport);
	if (rc) {
		pl_drop(&st, PL_OBS_FROM_NETWORK, rc);
		return TC_ACT_SHOT;
	}
	if (nodeport && !pl_endpoint_of(&st, true))
		return pl_nodeport_remote(skb, &st);
	return pl_to_local(skb, &st, PL_OBS_FROM_NETWORK);
}

/* Source identity of a decapsulated packet; 0 when there is none. */
static __always_inline __u32 pl_overlay_identity(struct __sk_buff *skb, const struct pl_state *st,
						 __u32 mark)
{
	struct bpf_tunnel_key key = {};
	struct pl_ipcache_info *ipc;

	if (!bpf_skb_get_tunnel_key(skb, &key, sizeof(key), 0) && key.tunnel_id)
		return key.tunnel_id;
	/* BPF_PROG_TEST_RUN has no tunnel metadata: the identity comes in skb->mark. */
	if ((mark & PL_MARK_MAGIC_MASK) == PL_MARK_IDENTITY_MAGIC)
		return mark & PL_MARK_IDENTITY_MASK;
	if (routing_mode == PL_ROUTING_LEGACY) {
		/* Masqueraded by the sending node: its address is in the ipcache. */
		ipc = pl_ipcache_of(st, false);
		if (ipc)
			return pl_ipc_identity(ipc, st->node_ip);
	}
	return 0;
}

SEC("tc")
int from_overlay(struct __sk_buff *skb)
{
	__u32 mark = skb->mark;
	struct pl_state st;
	int rc;

	if (pl_tc_begin(skb, &st, PL_PROG_FROM_OVERLAY, PL_DIR_INGRESS, PL_OBS_FROM_OVERLAY, &rc))
		return rc;
	st.ev.src_identity = pl_overlay_identity(skb, &st, mark);
	if (!st.ev.src_identity) {
		pl_drop(&st, PL_OBS_FROM_OVERLAY, PL_DROP_INVALID_IDENTITY);
		return TC_ACT_SHOT;
	}
	return pl_to_local(skb, &st, PL_OBS_FROM_OVERLAY);
}

/* xdp_prefilter's IPv6 half: the source looked up in the node's prefilter6 (a /128 key). */
static __always_inline int pl_prefilter6(void *data, void *data_end, struct pl_state *st)
{
	struct pl_prefilter6_key key = {.prefixlen = 128};
	void *prefilter6 = pl_node_map(&prefilter6_of, st->slot);
	union pl_ct_any_key quote; /* an error's, unread: the prefilter decides by source */

	if (!prefilter6)
		return XDP_PASS;
	/* The event's ports (no IP ID in IPv6) tell a replayed packet from the kernel's own. */
	if (enable_events) /* after extension headers: none, as before */
		pl_parse_l4(data + ETH_HLEN + sizeof(struct pl_ipv6hdr), data_end,
			    st->tot_len - sizeof(struct pl_ipv6hdr), st, &quote);
	pl_ip6_copy(key.ip6, st->ev.saddr6);
	if (bpf_map_lookup_elem(prefilter6, &key)) {
		pl_drop(st, PL_OBS_FROM_NETWORK, PL_DROP_PREFILTER);
		return XDP_DROP;
	}
	pl_pass(st, PL_OBS_TO_STACK, 0);
	return XDP_PASS;
}

SEC("xdp")
int xdp_prefilter(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 ifindex = ctx->ingress_ifindex;
	struct pl_prefilter_key key = {.prefixlen = 32};
	struct pl_state st;
	void *prefilter;
	int rc;

	pl_state_init(&st, PL_PROG_XDP_PREFILTER, PL_DIR_INGRESS, ifindex, data_end - data);
	if (!pl_state_node(&st, ifindex))
		return XDP_PASS; /* no maps to count it in */
	prefilter = pl_node_map(&prefilter_of, st.slot);
	if (!prefilter)
		return XDP_PASS;
	rc = pl_parse(data, data_end, data_end - data, 0, false, &st, NULL);
	if (rc == PL_PARSE_NOT_IP) {
		pl_pass(&st, PL_OBS_TO_STACK, PL_NOTE_NOT_IPV4);
		return XDP_PASS;
	}
	if (rc) {
		pl_drop(&st, PL_OBS_FROM_NETWORK, rc);
		return XDP_DROP;
	}
	if (pl_is_v6(&st))
		return pl_prefilter6(data, data_end, &st);
	key.ip = st.ev.saddr;
	if (bpf_map_lookup_elem(prefilter, &key)) {
		pl_drop(&st, PL_OBS_FROM_NETWORK, PL_DROP_PREFILTER);
		return XDP_DROP;
	}
	pl_pass(&st, PL_OBS_TO_STACK, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
