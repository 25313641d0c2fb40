/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Decisions: every program ends in exactly one pl_pass/pl_drop/pl_redirected,
 * which counts the packet and, when enable_events, emits its flow event.
 */
#ifndef PL_BPF_EVENTS_H
#define PL_BPF_EVENTS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "podlab.h"
#include "lib/config.h"
#include "lib/maps.h"
#include "lib/parse.h"

static __always_inline void pl_count(const struct pl_state *st)
{
	__u8 reason = st->ev.verdict == PL_VERDICT_DROPPED ? st->ev.drop_reason : st->ev.note;
	__u32 slot = bpf_get_smp_processor_id() * PL_COUNTER_SLOTS +
		     pl_counter_slot(st->ev.prog, st->dir, st->ev.verdict, reason);
	struct pl_counter_val *val;
	void *counters = pl_node_map(&counters_of, st->slot);

	if (!counters)
		return;
	val = bpf_map_lookup_elem(counters, &slot);
	if (!val)
		return; /* cannot happen: every CPU's region exists */
	/* This CPU's region: no other writer. */
	val->packets++;
	val->bytes += st->ev.pkt_len;
}

/* The ring buffer was full: the reader (the run's collector) is behind. */
static __always_inline void pl_count_lost(const struct pl_state *st)
{
	__u32 slot = bpf_get_smp_processor_id() * PL_COUNTER_SLOTS + PL_COUNTER_EVENTS_LOST;
	void *counters = pl_node_map(&counters_of, st->slot);
	struct pl_counter_val *val = counters ? bpf_map_lookup_elem(counters, &slot) : NULL;

	if (val)
		val->packets++; /* this CPU's region: no other writer */
}

static __always_inline void pl_emit(struct pl_state *st, __u8 obs_point, __u8 verdict)
{
	void *events;

	st->ev.obs_point = obs_point;
	st->ev.verdict = verdict;
	pl_count(st);
	if (!enable_events)
		return;
	events = pl_node_map(&events_of, st->slot);
	if (!events)
		return;
	st->ev.ts_ns = bpf_ktime_get_ns();
	st->ev.cpu = bpf_get_smp_processor_id();
	if (bpf_ringbuf_output(events, &st->ev, sizeof(st->ev), 0))
		pl_count_lost(st);
}

/* Dropped at obs_point (where the packet entered this program). */
static __always_inline void pl_drop(struct pl_state *st, __u8 obs_point, __u8 reason)
{
	st->ev.drop_reason = reason;
	st->ev.note = PL_NOTE_NONE; /* a drop is explained by its reason alone */
	pl_emit(st, obs_point, PL_VERDICT_DROPPED);
}

/* Handed on unchanged (to the stack, or XDP_PASS); note says why when it matters. */
static __always_inline void pl_pass(struct pl_state *st, __u8 obs_point, __u8 note)
{
	if (note)
		st->ev.note = note;
	pl_emit(st, obs_point, PL_VERDICT_FORWARDED);
}

/* Redirected by a helper: kind (enum pl_redirect) and target go in the event. */
static __always_inline void pl_redirected(struct pl_state *st, __u8 obs_point, __u8 kind,
					  __u32 target)
{
	st->ev.redirect = kind;
	st->ev.target_ifindex = target;
	pl_emit(st, obs_point, PL_VERDICT_REDIRECTED);
}

#endif /* PL_BPF_EVENTS_H */
