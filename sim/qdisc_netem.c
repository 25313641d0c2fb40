// SPDX-License-Identifier: GPL-2.0
/*
 * netem after net/sched/sch_netem.c: per packet, duplicate then loss are
 * drawn; a surviving packet gets time_to_send = now + delay (+- jitter)
 * (+ its transmit time at `rate`, counted from the last queued packet) and
 * waits in a queue ordered by time_to_send (the kernel's tfifo). With
 * reorder p, a packet is instead sent at once, ahead of the delayed ones.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "qdisc.h"

struct netem {
	struct sim_qdisc q;
	struct sim_pkt **heap; /* min-heap on (t_send, seq) */
	uint32_t n, cap;
	struct topo_netem p;
	enum sim_jitter_dist dist;
	uint64_t seq;
	uint64_t last_send; /* largest t_send queued (rate's reference point) */
	uint64_t ahead_seq; /* reordered packets sort before everything due at the same time */
};

static inline bool pkt_before(const struct sim_pkt *a, const struct sim_pkt *b)
{
	return a->t_send < b->t_send || (a->t_send == b->t_send && a->seq < b->seq);
}

static void heap_push(struct netem *n, struct sim_pkt *p)
{
	uint32_t i;

	for (i = n->n++; i > 0; i = (i - 1) / 2) {
		if (!pkt_before(p, n->heap[(i - 1) / 2]))
			break;
		n->heap[i] = n->heap[(i - 1) / 2];
	}
	n->heap[i] = p;
}

static struct sim_pkt *heap_pop(struct netem *n)
{
	struct sim_pkt *top = n->heap[0], *last = n->heap[--n->n];
	uint32_t i = 0, k;

	for (;;) {
		k = 2 * i + 1;
		if (k >= n->n)
			break;
		if (k + 1 < n->n && pkt_before(n->heap[k + 1], n->heap[k]))
			k++;
		if (!pkt_before(n->heap[k], last))
			break;
		n->heap[i] = n->heap[k];
		i = k;
	}
	n->heap[i] = last;
	return top;
}

static int64_t netem_delay(struct netem *n)
{
	int64_t mu = (int64_t)n->p.delay_ns, sigma = (int64_t)n->p.jitter_ns;

	if (!sigma)
		return mu;
	if (n->dist == SIM_JITTER_NORMAL)
		return mu + (int64_t)(pl_sim_rng_normal(&n->q.rng) * (double)sigma);
	/* tabledist() without a table: uniform on [mu - sigma, mu + sigma) */
	return mu - sigma + (int64_t)(pl_sim_rng_u64(&n->q.rng) % (uint64_t)(2 * sigma));
}

static enum sim_drop netem_insert(struct netem *n, struct sim_pkt *p, uint64_t now)
{
	struct sim_qdisc *sch = &n->q;
	int64_t delay;
	uint64_t base = now;

	if (n->n >= n->p.limit)
		return SIM_DROP_QUEUE_FULL;
	if (n->n == n->cap) {
		struct sim_pkt **h = realloc(n->heap, 2 * n->cap * sizeof(*h));

		if (!h)
			return SIM_DROP_QUEUE_FULL;
		n->heap = h;
		n->cap *= 2;
	}
	if (n->p.reorder > 0 && n->p.delay_ns && pl_sim_rng_chance(&sch->rng, n->p.reorder)) {
		/* gap 1 (tc's default with reorder): goes out now, ahead of the queue */
		p->t_send = now;
		p->seq = n->ahead_seq++;
		sch->stats.reordered++;
	} else {
		delay = netem_delay(n);
		if (n->p.rate) {
			if (n->n && n->last_send > now) {
				/* queued packets are the reference point, as in the kernel */
				delay -= (int64_t)(n->last_send - now);
				if (delay < 0)
					delay = 0;
				base = n->last_send;
			}
			delay += (int64_t)sim_l2t_ns(n->p.rate, p->len);
		}
		if (delay < 0)
			delay = 0;
		p->t_send = base + (uint64_t)delay;
		p->seq = (1ULL << 63) + n->seq++;
	}
	if (!n->n || p->t_send > n->last_send)
		n->last_send = p->t_send;
	heap_push(n, p);
	sch->qlen++;
	sch->backlog += p->len;
	sch->stats.enqueued++;
	return SIM_DROP_NONE;
}

static enum sim_drop netem_enqueue(struct sim_qdisc *sch, struct sim_pkt *p, uint64_t now)
{
	struct netem *n = (struct netem *)sch;
	struct sim_pkt *d = NULL;
	int count = 1;

	/* the kernel's order of draws: duplicate, then loss */
	if (n->p.duplicate > 0 && pl_sim_rng_chance(&sch->rng, n->p.duplicate))
		count++;
	if (n->p.loss > 0 && pl_sim_rng_chance(&sch->rng, n->p.loss))
		count--;
	if (!count)
		return SIM_DROP_LOSS;
	if (count > 1) {
		d = pl_sim_pkt_alloc(sch->pool);
		if (d) {
			uint64_t id = d->id;

			*d = *p;
			d->id = id;
			d->dup = true;
		}
	}
	if (netem_insert(n, p, now) != SIM_DROP_NONE) {
		if (d)
			pl_sim_pkt_put(sch->pool, d);
		return SIM_DROP_QUEUE_FULL;
	}
	if (d) {
		/* the kernel re-enqueues the clone at the root with duplication off */
		if (netem_insert(n, d, now) == SIM_DROP_NONE)
			sch->stats.duplicated++;
		else {
			sch->stats.drops[SIM_DROP_QUEUE_FULL]++;
			pl_sim_pkt_put(sch->pool, d);
		}
	}
	return SIM_DROP_NONE;
}

static struct sim_pkt *netem_dequeue(struct sim_qdisc *sch, uint64_t now, uint64_t *next)
{
	struct netem *n = (struct netem *)sch;
	struct sim_pkt *p;

	if (!n->n)
		return NULL;
	if (n->heap[0]->t_send > now) {
		*next = n->heap[0]->t_send;
		return NULL;
	}
	p = heap_pop(n);
	sch->qlen--;
	sch->backlog -= p->len;
	return p;
}

static void netem_destroy(struct sim_qdisc *sch)
{
	struct netem *n = (struct netem *)sch;
	uint32_t i;

	for (i = 0; i < n->n; i++)
		pl_sim_pkt_put(sch->pool, n->heap[i]);
	free(n->heap);
	free(n);
}

static const struct sim_qdisc_ops netem_ops = {
	.kind = "netem",
	.enqueue = netem_enqueue,
	.dequeue = netem_dequeue,
	.destroy = netem_destroy,
};

int pl_sim_netem_create(const struct topo_netem *p, const struct sim_qdisc_opts *o,
			struct sim_qdisc **out, char *err, int errlen)
{
	struct netem *n;

	if (p->loss < 0 || p->loss > 1 || p->duplicate < 0 || p->duplicate > 1 || p->reorder < 0 ||
	    p->reorder > 1)
		return pl_sim_errf(err, errlen, "netem: probabilities must lie in 0..100%%");
	if (p->reorder > 0 && !p->delay_ns)
		return pl_sim_errf(err, errlen, "netem: reorder needs a delay (as in tc)");
	if (p->jitter_ns > INT64_MAX / 4 || p->delay_ns > INT64_MAX / 4)
		return pl_sim_errf(err, errlen, "netem: delay or jitter too large");
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->q.ops = &netem_ops;
	n->q.pool = o->pool;
	pl_sim_rng_seed(&n->q.rng, o->seed);
	n->p = *p;
	if (!n->p.limit)
		n->p.limit = 1000; /* tc's default */
	n->dist = o->jitter_dist;
	n->cap = n->p.limit < 1024 ? n->p.limit : 1024;
	n->heap = malloc(n->cap * sizeof(*n->heap));
	if (!n->heap) {
		free(n);
		return -ENOMEM;
	}
	*out = &n->q;
	return 0;
}
