// SPDX-License-Identifier: GPL-2.0
/* pfifo: tail drop at `limit` packets, work conserving. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "qdisc.h"

struct pfifo {
	struct sim_qdisc q;
	struct sim_pktq fifo;
	uint32_t limit;
};

static enum sim_drop pfifo_enqueue(struct sim_qdisc *sch, struct sim_pkt *p, uint64_t now)
{
	struct pfifo *f = (struct pfifo *)sch;

	(void)now;
	if (f->fifo.len >= f->limit)
		return SIM_DROP_QUEUE_FULL;
	sim_pktq_push(&f->fifo, p);
	sch->qlen++;
	sch->backlog += p->len;
	sch->stats.enqueued++;
	return SIM_DROP_NONE;
}

static struct sim_pkt *pfifo_dequeue(struct sim_qdisc *sch, uint64_t now, uint64_t *next)
{
	struct pfifo *f = (struct pfifo *)sch;
	struct sim_pkt *p = sim_pktq_pop(&f->fifo);

	(void)now;
	(void)next;
	if (p) {
		sch->qlen--;
		sch->backlog -= p->len;
	}
	return p;
}

static void pfifo_destroy(struct sim_qdisc *sch)
{
	struct pfifo *f = (struct pfifo *)sch;

	pl_sim_pktq_purge(&f->fifo, sch->pool);
	free(f);
}

static const struct sim_qdisc_ops pfifo_ops = {
	.kind = "pfifo",
	.enqueue = pfifo_enqueue,
	.dequeue = pfifo_dequeue,
	.destroy = pfifo_destroy,
};

int pl_sim_pfifo_create(uint32_t limit, const struct sim_qdisc_opts *o, struct sim_qdisc **out,
			char *err, int errlen)
{
	struct pfifo *f;

	if (!limit)
		return pl_sim_errf(err, errlen, "pfifo: limit must be at least 1 packet");
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->q.ops = &pfifo_ops;
	f->q.pool = o->pool;
	pl_sim_rng_seed(&f->q.rng, o->seed);
	f->limit = limit;
	*out = &f->q;
	return 0;
}
