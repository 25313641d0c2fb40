// SPDX-License-Identifier: GPL-2.0
/* Event loop: load arrivals -> qdisc -> link, on the virtual clock. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "qdisc_run.h"

enum { EV_ARRIVE, EV_WAKE, EV_LINK_FREE };

struct load_state {
	uint64_t k; /* packets generated */
	uint64_t t; /* time of the next one */
	struct sim_rng rng;
};

struct run {
	const struct sim_run_cfg *cfg;
	struct sim_pkt_pool *pool;
	struct sim_clock clock;
	struct sim_link link;
	struct load_state *ls;
	uint64_t wake_pending;
	struct sim_run_result *res;
};

static inline void trace(struct run *r, enum sim_trace_kind kind, const struct sim_pkt *p,
			 enum sim_drop reason, uint64_t t)
{
	if (r->cfg->trace)
		r->cfg->trace(r->cfg->ctx, kind, p, reason, t, r->cfg->qdisc);
}

static int kick(struct run *r, uint64_t now)
{
	struct sim_pkt *p;
	uint64_t next, done, arrive;

	while (sim_link_idle(&r->link, now)) {
		p = sim_qdisc_dequeue(r->cfg->qdisc, now, &next);
		if (!p) {
			if (next != SIM_TIME_NEVER && next < r->wake_pending) {
				r->wake_pending = next;
				return pl_sim_clock_schedule(&r->clock, next, EV_WAKE, NULL, 0);
			}
			return 0;
		}
		r->res->dequeued++;
		trace(r, SIM_TRACE_DEQUEUE, p, SIM_DROP_NONE, now);
		done = pl_sim_link_send(&r->link, p->len, now, &arrive);
		trace(r, SIM_TRACE_DELIVER, p, SIM_DROP_NONE, arrive);
		pl_sim_pkt_put(r->pool, p);
		if (done > now)
			return pl_sim_clock_schedule(&r->clock, done, EV_LINK_FREE, NULL, 0);
	}
	return 0;
}

/* Time of load i's k-th packet, or NEVER once it is done. */
static uint64_t load_time(struct run *r, int i)
{
	const struct sim_load *l = &r->cfg->loads[i];
	struct load_state *s = &r->ls[i];
	uint64_t stop = l->stop_ns ? l->stop_ns : SIM_TIME_NEVER, t;
	double gap;

	switch (l->kind) {
	case SIM_LOAD_BURST:
		return s->k < l->count ? l->start_ns : SIM_TIME_NEVER;
	case SIM_LOAD_CBR:
		t = l->start_ns +
		    (uint64_t)((unsigned __int128)s->k * l->size * 8 * SIM_NS_PER_SEC / l->rate);
		break;
	default:
		gap = pl_sim_rng_exp(&s->rng, (double)l->size * 8 * 1e9 / (double)l->rate);
		t = (s->k ? s->t : l->start_ns) + (uint64_t)llround(gap);
		break;
	}
	return t < stop ? t : SIM_TIME_NEVER;
}

static int arrive(struct run *r, int i, uint64_t now)
{
	const struct sim_load *l = &r->cfg->loads[i];
	struct load_state *s = &r->ls[i];
	enum sim_drop why;
	struct sim_pkt *p;

	p = pl_sim_pkt_alloc(r->pool);
	if (!p)
		return -ENOMEM;
	p->len = l->size;
	p->flow = (uint32_t)i;
	p->src = l->src;
	p->dst = l->dst;
	p->sport = l->sport;
	p->dport = l->dport;
	p->proto = l->proto;
	r->res->arrivals++;
	why = sim_qdisc_enqueue(r->cfg->qdisc, p, now);
	if (why != SIM_DROP_NONE) {
		r->res->drops++;
		trace(r, SIM_TRACE_DROP, p, why, now);
		pl_sim_pkt_put(r->pool, p);
	} else {
		trace(r, SIM_TRACE_ENQUEUE, p, SIM_DROP_NONE, now);
	}
	s->k++;
	if (r->cfg->max_packets && r->res->arrivals >= r->cfg->max_packets)
		return 0;
	s->t = load_time(r, i);
	if (s->t == SIM_TIME_NEVER || (r->cfg->duration_ns && s->t > r->cfg->duration_ns))
		return 0;
	return pl_sim_clock_schedule(&r->clock, s->t, EV_ARRIVE, NULL, (uint64_t)i);
}

int pl_sim_run(const struct sim_run_cfg *cfg, struct sim_pkt_pool *pool, struct sim_run_result *res)
{
	struct run r = {.cfg = cfg, .pool = pool, .res = res, .wake_pending = SIM_TIME_NEVER};
	struct sim_event ev;
	int i, err;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < cfg->nloads; i++) {
		const struct sim_load *l = &cfg->loads[i];

		if (!l->size ||
		    ((l->kind == SIM_LOAD_CBR || l->kind == SIM_LOAD_POISSON) && !l->rate))
			return -EINVAL;
		if (l->kind != SIM_LOAD_BURST && !l->stop_ns && !cfg->duration_ns &&
		    !cfg->max_packets)
			return -EINVAL;
	}
	err = pl_sim_clock_init(&r.clock);
	if (err)
		return err;
	pl_sim_link_init(&r.link, &cfg->link);
	r.ls = calloc(cfg->nloads ? cfg->nloads : 1, sizeof(*r.ls));
	if (!r.ls) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < cfg->nloads; i++) {
		/* each load its own stream: adding a load does not shift the others */
		pl_sim_rng_seed(&r.ls[i].rng, cfg->seed * 0x9e3779b97f4a7c15ULL + (uint64_t)i + 1);
		r.ls[i].t = load_time(&r, i);
		if (r.ls[i].t == SIM_TIME_NEVER ||
		    (cfg->duration_ns && r.ls[i].t > cfg->duration_ns))
			continue;
		err = pl_sim_clock_schedule(&r.clock, r.ls[i].t, EV_ARRIVE, NULL, (uint64_t)i);
		if (err)
			goto out;
	}
	while (pl_sim_clock_peek(&r.clock) != SIM_TIME_NEVER) {
		if (cfg->duration_ns && pl_sim_clock_peek(&r.clock) > cfg->duration_ns)
			break;
		pl_sim_clock_next(&r.clock, &ev);
		switch (ev.type) {
		case EV_ARRIVE:
			err = arrive(&r, (int)ev.data, ev.t);
			break;
		case EV_WAKE:
			if (ev.t == r.wake_pending)
				r.wake_pending = SIM_TIME_NEVER;
			err = 0;
			break;
		default:
			err = 0;
			break;
		}
		if (!err)
			err = kick(&r, ev.t);
		if (err)
			goto out;
	}
	res->end_ns = cfg->duration_ns ? cfg->duration_ns : r.clock.now;
out:
	res->events = r.clock.popped;
	free(r.ls);
	pl_sim_clock_free(&r.clock);
	return err;
}
