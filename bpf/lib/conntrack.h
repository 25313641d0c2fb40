/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Connection tracking for policy, and for services' reverse NAT: an entry
 * made for a DNATed flow (lib/service.h) keeps the ClusterIP:port its
 * replies' source goes back to; nothing else is rewritten.
 * A flow that passed policy and was forwarded is tracked by its forward
 * 5-tuple; a packet whose reverse tuple is tracked is a reply and skips
 * policy in both directions. Forward packets are policy-checked every time.
 * Timestamps are bpf_ktime_get_coarse_ns() (tick resolution), taken at most
 * once per tick per entry: bpf_jiffies64() is inlined, the clock is a call.
 */
#ifndef PL_BPF_CONNTRACK_H
#define PL_BPF_CONNTRACK_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "podlab.h"
#include "lib/maps.h"
#include "lib/parse.h"

#define PL_EEXIST 17 /* errno's EEXIST: BPF code has no errno.h */

static __always_inline void pl_ct_key_of(const struct pl_state *st, union pl_ct_any_key *key,
					 bool reverse)
{
	if (pl_is_v6(st)) {
		__builtin_memset(&key->v6, 0, sizeof(key->v6));
		key->v6.proto = st->ev.proto;
		pl_ip6_copy(key->v6.saddr6, reverse ? st->ev.daddr6 : st->ev.saddr6);
		pl_ip6_copy(key->v6.daddr6, reverse ? st->ev.saddr6 : st->ev.daddr6);
		key->v6.sport = reverse ? st->ev.dport : st->ev.sport;
		key->v6.dport = reverse ? st->ev.sport : st->ev.dport;
		return;
	}
	__builtin_memset(&key->v4, 0, sizeof(key->v4));
	key->v4.proto = st->ev.proto;
	if (reverse) {
		key->v4.saddr = st->ev.daddr;
		key->v4.daddr = st->ev.saddr;
		key->v4.sport = st->ev.dport;
		key->v4.dport = st->ev.sport;
	} else {
		key->v4.saddr = st->ev.saddr;
		key->v4.daddr = st->ev.daddr;
		key->v4.sport = st->ev.sport;
		key->v4.dport = st->ev.dport;
	}
}

/* The node's conntrack map of the packet's family. */
static __always_inline void *pl_ct_map(const struct pl_state *st)
{
	void *m;

	if (pl_is_v6(st)) {
		m = pl_node_map(&conntrack6_of, st->slot);
		pl_own_site(m);
		return m;
	}
	return pl_node_map(&conntrack_of, st->slot);
}

/* Lookup in the family's conntrack map (from pl_ct_map), one call site per family. */
static __always_inline struct pl_ct_entry *pl_ct_find(const struct pl_state *st, void *conntrack,
						      union pl_ct_any_key *key)
{
	struct pl_ct_entry *e;

	if (pl_is_v6(st)) {
		e = bpf_map_lookup_elem(conntrack, &key->v6);
		pl_own_site(e);
		return e;
	}
	return bpf_map_lookup_elem(conntrack, &key->v4);
}

/* Counts a packet of a tracked entry; last_seen_ns moves only when the tick did. */
static __always_inline void pl_ct_refresh(struct pl_ct_entry *e)
{
	__u32 tick = (__u32)bpf_jiffies64();

	/* Statistics only: a lost update under concurrency is acceptable. */
	e->packets++;
	if (e->last_tick == tick)
		return;
	e->last_tick = tick;
	e->last_seen_ns = bpf_ktime_get_coarse_ns();
}

/*
 * An ICMP or ICMPv6 error is related to a tracked flow when the packet it
 * quotes is one of that flow's (as sent: forward tuple, or a reply: reverse
 * tuple) and the error goes back to that packet's sender (netfilter checks
 * the same). Related errors pass like replies. An error never matches,
 * refreshes or creates an entry of its own: it is related, or policy-checked.
 * Called right after the parse, with its quote (the caller's, reversed in
 * place): the tuple stays out of struct pl_state, whose stack is counted.
 */
static __always_inline void pl_ct_relate(struct pl_state *st, union pl_ct_any_key *q)
{
	void *conntrack;
	__u32 t;
	int i;

	if (st->icmp_err != PL_ICMP_ERR_QUOTED)
		return;
	if (pl_is_v6(st)) {
		if ((st->ev.daddr6[0] ^ q->v6.saddr6[0]) | (st->ev.daddr6[1] ^ q->v6.saddr6[1]) |
		    (st->ev.daddr6[2] ^ q->v6.saddr6[2]) | (st->ev.daddr6[3] ^ q->v6.saddr6[3]))
			return;
	} else if (st->ev.daddr != q->v4.saddr) {
		return;
	}
	conntrack = pl_ct_map(st);
	if (!conntrack)
		return;
	if (pl_ct_find(st, conntrack, q))
		goto related;
	if (pl_is_v6(st)) {
#pragma unroll
		for (i = 0; i < 4; i++) {
			t = q->v6.saddr6[i];
			q->v6.saddr6[i] = q->v6.daddr6[i];
			q->v6.daddr6[i] = t;
		}
		t = q->v6.sport;
		q->v6.sport = q->v6.dport;
		q->v6.dport = t;
	} else {
		t = q->v4.saddr;
		q->v4.saddr = q->v4.daddr;
		q->v4.daddr = t;
		t = q->v4.sport;
		q->v4.sport = q->v4.dport;
		q->v4.dport = t;
	}
	if (!pl_ct_find(st, conntrack, q))
		return;
related:
	st->icmp_err = PL_ICMP_ERR_RELATED;
}

/*
 * Looks the packet's flow up: an ICMP error related to a tracked flow
 * (pl_ct_relate) → CT_RELATED; forward tuple tracked → st->ct (refreshed when the packet is
 * forwarded); else reverse tuple tracked → a reply (CT_REPLY).
 * Forward first: the common packet of an established flow costs one lookup.
 */
static __always_inline bool pl_ct_lookup(struct pl_state *st)
{
	union pl_ct_any_key key;
	struct pl_ct_entry *e;
	void *conntrack;

	if (st->icmp_err) { /* errors are never tracked themselves */
		if (st->icmp_err != PL_ICMP_ERR_RELATED)
			return false;
		st->ev.note = PL_NOTE_CT_RELATED;
		st->ev.flags |= PL_EV_F_CT_RELATED;
		return true;
	}
	if (st->icmp6)
		return false; /* other ICMPv6 errors and neighbour discovery: not tracked */
	conntrack = pl_ct_map(st);
	if (!conntrack)
		return false;
	pl_ct_key_of(st, &key, false);
	st->ct = pl_ct_find(st, conntrack, &key);
	if (st->ct)
		return false;
	pl_ct_key_of(st, &key, true);
	e = pl_ct_find(st, conntrack, &key);
	if (!e)
		return false;
	pl_ct_refresh(e);
	if (e->flags & PL_CT_F_SVC) {
		st->svc_ip = e->nat_ip;
		st->svc_port = e->nat_port;
	}
	if (e->flags & PL_CT_F_SNAT)
		st->snat_ip = e->snat_ip;
	st->ct_reply = 1;
	st->ev.note = PL_NOTE_CT_REPLY;
	st->ev.flags |= PL_EV_F_CT_REPLY;
	return true;
}

static __always_inline void pl_ct_count(const struct pl_state *st, __u32 slot)
{
	void *counters = pl_node_map(&counters_of, st->slot);
	struct pl_counter_val *val = counters ? bpf_map_lookup_elem(counters, &slot) : NULL;

	if (val)
		val->packets++; /* per-CPU value: no other writer */
}

/*
 * Tracks (or refreshes) the forward tuple of a packet that is being forwarded.
 * A full table refuses nothing: conntrack is an LRU map, and the update evicts
 * the least recently used entries to make room (on one CPU of a small map,
 * several at once: it refills that CPU's cache of free elements), so there is
 * no "table full" drop to report. Eviction is what a full table looks like:
 * entries are deleted by nothing else, so evicted = created - present, which
 * `podlab status` shows. An evicted flow's next forward packet creates its
 * entry again; its replies until then are policy-checked as new flows. An
 * update can still fail (-ENOMEM: every free element sits in other CPUs'
 * caches): the packet is forwarded untracked, flagged and counted.
 */
static __always_inline void pl_ct_commit(struct pl_state *st)
{
	struct pl_ct_entry init = {};
	union pl_ct_any_key key;
	void *conntrack;
	long err;

	if (st->ct_reply || st->icmp_err || st->icmp6)
		return;
	if (st->ct) {
		pl_ct_refresh(st->ct);
		return;
	}
	init.created_ns = bpf_ktime_get_coarse_ns();
	init.last_seen_ns = init.created_ns;
	init.last_tick = (__u32)bpf_jiffies64();
	init.packets = 1;
	if (st->svc_nat) {
		init.flags = PL_CT_F_SVC;
		init.nat_ip = st->svc_ip;
		init.nat_port = st->svc_port;
	}
	if (st->snat_ip) {
		init.flags |= PL_CT_F_SNAT;
		init.snat_ip = st->snat_ip;
	}
	conntrack = pl_ct_map(st);
	if (!conntrack)
		return;
	pl_ct_key_of(st, &key, false);
	/* NOEXIST: another CPU creating the same flow first is no creation of ours. */
	if (pl_is_v6(st)) {
		err = bpf_map_update_elem(conntrack, &key.v6, &init, BPF_NOEXIST);
		pl_own_site(err);
	} else {
		err = bpf_map_update_elem(conntrack, &key.v4, &init, BPF_NOEXIST);
	}
	if (!err) {
		pl_ct_count(st, PL_COUNTER_CT_CREATED);
	} else if (err != -PL_EEXIST) {
		st->ev.flags |= PL_EV_F_CT_UNTRACKED;
		pl_ct_count(st, PL_COUNTER_CT_UNTRACKED);
	}
}

#endif /* PL_BPF_CONNTRACK_H */
