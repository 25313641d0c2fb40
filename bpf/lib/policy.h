/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Kubernetes/Cilium policy: an endpoint no policy selects in a direction
 * allows everything; once selected only explicit allows pass and any
 * matching deny wins. At most the same six hash lookups, fewer when a deny
 * or a final allow (PL_POLICY_F_FINAL) matches: cost does not grow with the
 * number of rules.
 */
#ifndef PL_BPF_POLICY_H
#define PL_BPF_POLICY_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "podlab.h"
#include "lib/maps.h"
#include "lib/parse.h"

#define PL_PROBE_ALLOW 1
#define PL_PROBE_DENY  2
#define PL_PROBE_FINAL 4 /* an allow of an endpoint and direction no deny entry has */

/* 0 no entry, else PL_PROBE_* bits for one exact key. */
static __always_inline int pl_policy_probe(void *policy, struct pl_policy_key *key, __u32 remote,
					   __u8 proto, __u16 dport)
{
	struct pl_policy_entry *e;

	key->remote_identity = remote;
	key->proto = proto;
	key->dport = dport;
	e = bpf_map_lookup_elem(policy, key);
	if (!e)
		return 0;
	if (e->deny)
		return PL_PROBE_DENY;
	return e->flags & PL_POLICY_F_FINAL ? PL_PROBE_ALLOW | PL_PROBE_FINAL : PL_PROBE_ALLOW;
}

/* A deny wins whatever else matches; a final allow says no deny can: both end the probes. */
#define PL_POLICY_PROBE(remote, proto, port)                                                       \
	do {                                                                                       \
		r |= pl_policy_probe(policy, &key, remote, proto, port);                           \
		if (r & (PL_PROBE_DENY | PL_PROBE_FINAL))                                          \
			goto decided;                                                              \
	} while (0)

/* What an endpoint's policy says of one direction of a packet. */
enum pl_policy_verdict {
	PL_POLICY_UNSELECTED = 0, /* no policy selects the endpoint in this direction */
	PL_POLICY_ALLOW = 1,	  /* an allow entry matched, no deny did */
	PL_POLICY_NO_ALLOW = 2,	  /* selected, nothing matched */
	PL_POLICY_DENY = 3,	  /* a deny entry matched: it wins over any allow */
};

/* Decides one direction for endpoint ep against the remote identity; no side effects. */
static __always_inline enum pl_policy_verdict pl_policy_lookup(__u32 slot,
							       const struct pl_endpoint_info *ep,
							       __u32 remote, __u8 dir, __u8 proto,
							       __u16 port)
{
	__u32 enforced = dir == PL_DIR_INGRESS ? PL_EP_F_INGRESS_ENFORCED : PL_EP_F_EGRESS_ENFORCED;
	struct pl_policy_key key = {.ep_id = ep->ep_id, .dir = dir};
	void *policy;
	int r = 0;

	if (!(ep->flags & enforced))
		return PL_POLICY_UNSELECTED;
	policy = pl_node_map(&policy_of, slot);
	if (!policy)
		return PL_POLICY_NO_ALLOW;
	/* (remote | any) x ((proto, port) | (proto, any) | (any, any)), most specific first. */
	PL_POLICY_PROBE(remote, proto, port);
	PL_POLICY_PROBE(remote, proto, 0);
	PL_POLICY_PROBE(remote, 0, 0);
	PL_POLICY_PROBE(0, proto, port);
	PL_POLICY_PROBE(0, proto, 0);
	PL_POLICY_PROBE(0, 0, 0);
decided:
	if (r & PL_PROBE_DENY)
		return PL_POLICY_DENY;
	if (!r)
		return PL_POLICY_NO_ALLOW;
	return PL_POLICY_ALLOW;
}

/*
 * Enforces one direction: looks the verdict up and records it in the event
 * (the direction, and the note of a pass). Returns 0 to pass, else the drop reason.
 */
static __always_inline int pl_policy_enforce(struct pl_state *st, const struct pl_endpoint_info *ep,
					     __u32 remote, __u8 dir)
{
	enum pl_policy_verdict v;

	st->dir = dir;
	if (st->icmp6 == PL_ICMP6_PTB) {
		/* A path that drops Packet Too Big black-holes large packets (RFC 8201). */
		st->ev.note = PL_NOTE_ICMPV6_PTB;
		return 0;
	}
	v = pl_policy_lookup(st->slot, ep, remote, dir, st->ev.proto, st->policy_port);
	if (v == PL_POLICY_DENY)
		return PL_DROP_POLICY_DENY;
	if (v == PL_POLICY_NO_ALLOW)
		return PL_DROP_POLICY_DENIED;
	if (v == PL_POLICY_ALLOW)
		st->ev.note = PL_NOTE_POLICY_ALLOW;
	else if (!st->ev.note)
		st->ev.note = PL_NOTE_NO_POLICY;
	return 0;
}

#endif /* PL_BPF_POLICY_H */
