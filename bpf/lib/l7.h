/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * L7 policy: a TCP packet to a local pod's port with http rules goes to the
 * node's proxy (HAProxy, transparent listener) instead of the pod, as Cilium
 * does it: bpf_sk_assign to the proxy's established socket of this flow, or
 * for a new one to its listener, a mark that the node's rule routes to
 * `local default dev lo`, and TC_ACT_OK. Both helpers are in 6.1.
 */
#ifndef PL_BPF_L7_H
#define PL_BPF_L7_H

#include <linux/bpf.h>
#include <linux/errno.h>
#include <linux/if_packet.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "podlab.h"
#include "lib/events.h"
#include "lib/maps.h"
#include "lib/parse.h"

/* The proxy port of ep's ingress allow entry for (remote | any, TCP, dport); 0: not proxied. */
static __always_inline __u16 pl_l7_proxy_port(const struct pl_state *st,
					      const struct pl_endpoint_info *ep, __u32 remote)
{
	struct pl_policy_key key = {.ep_id = ep->ep_id,
				    .dir = PL_DIR_INGRESS,
				    .proto = IPPROTO_TCP,
				    .dport = st->policy_port,
				    .remote_identity = remote};
	struct pl_policy_entry *e;
	void *policy;

	if (st->ev.proto != IPPROTO_TCP || pl_is_v6(st) || !(ep->flags & PL_EP_F_INGRESS_ENFORCED))
		return 0;
	policy = pl_node_map(&policy_of, st->slot);
	if (!policy)
		return 0;
	e = bpf_map_lookup_elem(policy, &key);
	if (!e) {
		key.remote_identity = 0;
		e = bpf_map_lookup_elem(policy, &key);
	}
	return e && (e->flags & PL_POLICY_F_PROXY) && !e->deny ? e->proxy_port : 0;
}

/* Steers the packet to the proxy's socket (policy already passed it); the verdict. */
static __always_inline int pl_l7_steer(struct __sk_buff *skb, struct pl_state *st, __u16 port,
				       __u8 point)
{
	struct bpf_sock_tuple tuple = {.ipv4 = {.saddr = st->ev.saddr,
						.daddr = st->ev.daddr,
						.sport = st->ev.sport,
						.dport = st->ev.dport}};
	struct bpf_sock *sk;
	long rc;

	sk = bpf_skc_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (sk) {
		if (sk->state != BPF_TCP_LISTEN)
			goto assign;
		bpf_sk_release(sk);
	}
	tuple.ipv4.dport = bpf_htons(port);
	sk = bpf_skc_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		goto nosock;
	if (sk->state != BPF_TCP_LISTEN) {
		bpf_sk_release(sk);
		goto nosock;
	}
assign:
	rc = bpf_sk_assign(skb, sk, 0);
	bpf_sk_release(sk);
	/* Only BPF_PROG_TEST_RUN runs a hook off TC ingress: there, finding the socket decides. */
	if (rc && rc != -EOPNOTSUPP) {
		pl_drop(st, point, PL_DROP_PROXY_SET_FAILED);
		return TC_ACT_SHOT;
	}
	skb->mark = PL_MARK_TO_PROXY;
	/* A VXLAN inner frame is addressed to no MAC of the node: ip_rcv would drop it. */
	bpf_skb_change_type(skb, PACKET_HOST);
	pl_pass(st, PL_OBS_TO_STACK, PL_NOTE_TO_PROXY);
	return TC_ACT_OK;
nosock:
	/* No proxy listens: the port's requests cannot be decided, so none passes. */
	pl_drop(st, point, PL_DROP_PROXY_LOOKUP_FAILED);
	return TC_ACT_SHOT;
}

#endif /* PL_BPF_L7_H */
