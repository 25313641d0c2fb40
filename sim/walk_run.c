// SPDX-License-Identifier: GPL-2.0
/*
 * Many packets on one virtual clock (sim/clock.h): each is injected at its
 * time and walked until it must leave a node on the underlay; there it waits
 * in the uplink's egress qdisc model (or a plain FIFO when the link has
 * none) until the link is free and the model releases it, is serialised at
 * the link rate, propagates, and the walk goes on at the receiving node.
 * Flows therefore contend for the qdiscs and links as they would.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "lib/log.h"
#include "walk_flight.h"

enum run_ev {
	EV_INJECT, /* data: packet index */
	EV_ARRIVE, /* data: packet index, at the receiving node's uplink */
	EV_KICK,   /* data: node index: the link may send */
};

/* Per node: its uplink's queue when it has no qdisc model, and the kick bookkeeping. */
struct run_link {
	struct sim_flight **fifo;
	int head, n, cap;
	uint64_t kick_at; /* a KICK is scheduled at this time, SIM_TIME_NEVER none */
};

struct run {
	struct sim_walk *w;
	const struct sim_walk_input *in;
	struct sim_walk_result *res;
	struct sim_flight **fl; /* per packet, while in flight */
	struct run_link *links;
	struct sim_clock clock;
};

static int kick_at(struct run *r, int node, uint64_t t)
{
	struct run_link *l = &r->links[node];

	if (l->kick_at != SIM_TIME_NEVER && l->kick_at <= t)
		return 0;
	l->kick_at = t;
	return pl_sim_clock_schedule(&r->clock, t, EV_KICK, NULL, (uint64_t)node);
}

static void done(struct run *r, int i)
{
	free(r->fl[i]);
	r->fl[i] = NULL;
}

/* Walks packet i from where it is; parks it in its node's egress queue if it must leave. */
static int advance(struct run *r, int i)
{
	struct sim_flight *f = r->fl[i];
	struct sim_node *n;
	struct sim_pkt *p;
	struct sim_hdrs h;
	enum sim_drop why;
	char text[96];
	int err;

	f->t = r->clock.now;
	err = pl_sim_fl_walk(r->w, f);
	if (err)
		return err;
	if (f->loc == LOC_DONE) {
		done(r, i);
		return 0;
	}
	n = &r->w->nodes[f->node];
	if (!n->qdisc) {
		struct run_link *l = &r->links[f->node];

		if (l->head + l->n == l->cap) {
			int cap = l->cap ? l->cap * 2 : 64;
			void *g;

			memmove(l->fifo, l->fifo + l->head, l->n * sizeof(*l->fifo));
			l->head = 0;
			g = l->n == l->cap ? realloc(l->fifo, cap * sizeof(*l->fifo)) : l->fifo;
			if (!g)
				return -ENOMEM;
			l->fifo = g;
			l->cap = l->n == l->cap ? cap : l->cap;
		}
		l->fifo[l->head + l->n++] = f;
		return kick_at(r, f->node, r->clock.now);
	}
	p = pl_sim_pkt_alloc(&r->w->pool);
	if (!p)
		return -ENOMEM;
	pl_sim_hdrs_of(f->buf, f->len, &h);
	p->len = pl_sim_fl_wire_bytes(f);
	p->flow = (uint32_t)i;
	p->src = h.encap ? h.outer_saddr : h.saddr;
	p->dst = h.encap ? h.outer_daddr : h.daddr;
	p->sport = h.encap ? h.outer_sport : h.sport;
	p->dport = h.ipip ? 0 : h.encap ? 4789 : h.dport;
	p->proto = h.ipip ? IPPROTO_IPIP : h.encap ? IPPROTO_UDP : h.proto;
	if (f->res->t_enqueue == SIM_NO_TIME)
		f->res->t_enqueue = r->clock.now;
	why = sim_qdisc_enqueue(n->qdisc, p, r->clock.now);
	if (why != SIM_DROP_NONE) {
		pl_sim_pkt_put(&r->w->pool, p);
		snprintf(text, sizeof(text), "egress qdisc %s: %s", n->qdisc->ops->kind,
			 pl_sim_drop_name(why));
		pl_sim_fl_kernel_drop(f, f->node, "eth0", PL_DROP_QDISC, 0, text);
		done(r, i);
		return 0;
	}
	return kick_at(r, f->node, r->clock.now);
}

/* The link of node is free at now: the next packet its queue releases goes on the wire. */
static int kick(struct run *r, int node)
{
	struct sim_node *n = &r->w->nodes[node];
	struct run_link *l = &r->links[node];
	struct sim_flight *f = NULL;
	uint64_t now = r->clock.now, next;
	struct sim_pkt *p;
	int i;

	l->kick_at = SIM_TIME_NEVER;
	if (n->link_busy > now)
		return kick_at(r, node, n->link_busy);
	if (!n->qdisc) {
		if (!l->n)
			return 0;
		f = l->fifo[l->head++];
		l->n--;
	} else {
		for (;;) {
			p = sim_qdisc_dequeue(n->qdisc, now, &next);
			if (!p)
				return next == SIM_TIME_NEVER ? 0 : kick_at(r, node, next);
			i = (int)p->flow;
			f = p->dup ? NULL : r->fl[i];
			pl_sim_pkt_put(&r->w->pool, p);
			if (f)
				break; /* a netem duplicate is dropped: it is not walked */
		}
		if (f->res->t_dequeue == SIM_NO_TIME)
			f->res->t_dequeue = now;
		pl_sim_fl_step(f, SIM_STEP_QDISC, node, "eth0",
			       "egress qdisc %s: enqueued, dequeued at %llu ns",
			       n->qdisc->ops->kind, (unsigned long long)now);
	}
	i = f->index;
	pl_sim_fl_wire(r->w, f, now);
	if (f->loc == LOC_DONE)
		done(r, i);
	else if (pl_sim_clock_schedule(&r->clock, f->t, EV_ARRIVE, NULL, (uint64_t)i))
		return -ENOMEM;
	return kick_at(r, node, n->link_busy);
}

static int start_one(struct run *r, int i)
{
	const struct sim_walk_input *in = &r->in[i];
	struct sim_flight *f = malloc(sizeof(*f));
	int err;

	if (!f)
		return -ENOMEM;
	r->fl[i] = f;
	err = pl_sim_fl_start(r->w, f, in->frame, in->len, &in->at, r->clock.now, &r->res[i]);
	if (err) {
		done(r, i);
		return err;
	}
	f->park = true;
	f->index = i;
	return advance(r, i);
}

int pl_sim_walk_run(struct sim_walk *w, const struct sim_walk_input *in, int n,
		    struct sim_walk_result *res)
{
	struct run r = {.w = w, .in = in, .res = res};
	struct sim_event ev;
	int i, err = 0;

	r.fl = calloc(n + 1, sizeof(*r.fl));
	r.links = calloc(w->topo.nnodes, sizeof(*r.links));
	if (!r.fl || !r.links || pl_sim_clock_init(&r.clock)) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < w->topo.nnodes; i++)
		r.links[i].kick_at = SIM_TIME_NEVER;
	for (i = 0; i < n && !err; i++)
		err = pl_sim_clock_schedule(&r.clock, in[i].t_ns, EV_INJECT, NULL, (uint64_t)i);
	while (!err && pl_sim_clock_next(&r.clock, &ev)) {
		switch (ev.type) {
		case EV_INJECT:
			err = start_one(&r, (int)ev.data);
			break;
		case EV_ARRIVE:
			r.fl[ev.data]->park = true;
			err = advance(&r, (int)ev.data);
			break;
		case EV_KICK:
			if (r.links[ev.data].kick_at == ev.t)
				err = kick(&r, (int)ev.data);
			break;
		}
	}
	/* Still queued when the clock ran out of events (a model that never releases). */
	for (i = 0; i < n; i++) {
		if (!r.fl[i])
			continue;
		if (!err)
			pl_sim_fl_kernel_drop(r.fl[i], r.fl[i]->node, "eth0", PL_DROP_QDISC, 0,
					      "still queued when the run ended");
		done(&r, i);
	}
out:
	if (err)
		for (i = 0; i < n; i++)
			pl_sim_walk_result_release(&res[i]);
	for (i = 0; r.links && i < w->topo.nnodes; i++)
		free(r.links[i].fifo);
	free(r.links);
	free(r.fl);
	pl_sim_clock_free(&r.clock);
	pl_sim_env_enter(w, -1);
	return err;
}
