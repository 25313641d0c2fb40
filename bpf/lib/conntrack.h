/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Connection tracking for policy only (NAT-free: nothing is rewritten).
 * A flow that passed policy and was forwarded is tracked by its forward
 * 5-tuple; a packet whose reverse tuple is tracked is a reply and skips
 * policy in both directions. Forward packets are policy-checked every time.
 */
#ifndef PL_BPF_CONNTRACK_H
#define PL_BPF_CONNTRACK_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "podlab.h"
#include "lib/maps.h"
#include "lib/parse.h"

static __always_inline void pl_ct_key_of(const struct pl_state *st, struct pl_ct_key *key,
					 bool reverse)
{
	__builtin_memset(key, 0, sizeof(*key));
	key->proto = st->ev.proto;
	if (reverse) {
		key->saddr = st->ev.daddr;
		key->daddr = st->ev.saddr;
		key->sport = st->ev.dport;
		key->dport = st->ev.sport;
	} else {
		key->saddr = st->ev.saddr;
		key->daddr = st->ev.daddr;
		key->sport = st->ev.sport;
		key->dport = st->ev.dport;
	}
}

/* Marks st as a reply (note CT_REPLY) when the reverse tuple is tracked. */
static __always_inline bool pl_ct_is_reply(struct pl_state *st)
{
	struct pl_ct_entry *e;
	struct pl_ct_key key;

	pl_ct_key_of(st, &key, true);
	e = bpf_map_lookup_elem(&conntrack, &key);
	if (!e)
		return false;
	e->last_seen_ns = bpf_ktime_get_ns();
	__sync_fetch_and_add(&e->packets, 1);
	st->ct_reply = 1;
	st->ev.note = PL_NOTE_CT_REPLY;
	st->ev.flags |= PL_EV_F_CT_REPLY;
	return true;
}

/* Tracks (or refreshes) the forward tuple of a packet that is being forwarded. */
static __always_inline void pl_ct_commit(const struct pl_state *st)
{
	struct pl_ct_entry *e, init = {};
	struct pl_ct_key key;
	__u64 now;

	if (st->ct_reply)
		return;
	now = bpf_ktime_get_ns();
	pl_ct_key_of(st, &key, false);
	e = bpf_map_lookup_elem(&conntrack, &key);
	if (e) {
		e->last_seen_ns = now;
		__sync_fetch_and_add(&e->packets, 1);
		return;
	}
	init.created_ns = now;
	init.last_seen_ns = now;
	init.packets = 1;
	bpf_map_update_elem(&conntrack, &key, &init, BPF_ANY);
}

#endif /* PL_BPF_CONNTRACK_H */
