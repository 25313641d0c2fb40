// SPDX-License-Identifier: GPL-2.0
/*
 * tbf as net/sched/sch_tbf.c does it: tokens are kept in ns of transmit
 * time, the bucket holds `burst` bytes worth of ns, an optional peak bucket
 * of `mtu` bytes at peakrate, and a byte-limited fifo (bfifo) in front.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "qdisc.h"

struct tbf {
	struct sim_qdisc q;
	struct sim_pktq fifo;
	uint64_t rate, peak; /* bits/s */
	uint32_t limit;	     /* bytes */
	uint32_t max_size;   /* larger packets are dropped */
	int64_t buffer;	     /* ns: burst at rate */
	int64_t mtu;	     /* ns: mtu at peakrate */
	int64_t tokens, ptokens;
	uint64_t t_c; /* last token update */
};

uint32_t pl_sim_tbf_limit(const struct topo_tbf *p)
{
	double lim, lim2;

	if (!p->latency_ns)
		return p->limit;
	/* tc: rate(bytes/s) * latency + burst; with peakrate the smaller of the two */
	lim = (double)p->rate / 8 * p->latency_ns / 1e9 + p->burst;
	if (p->peakrate) {
		lim2 = (double)p->peakrate / 8 * p->latency_ns / 1e9 + p->mtu;
		if (lim2 < lim)
			lim = lim2;
	}
	return lim >= 4294967295.0 ? UINT32_MAX : (uint32_t)lim;
}

static enum sim_drop tbf_enqueue(struct sim_qdisc *sch, struct sim_pkt *p, uint64_t now)
{
	struct tbf *t = (struct tbf *)sch;

	(void)now;
	if (p->len > t->max_size)
		return SIM_DROP_OVERSIZE;
	if (t->fifo.bytes + p->len > t->limit)
		return SIM_DROP_QUEUE_FULL;
	sim_pktq_push(&t->fifo, p);
	sch->qlen++;
	sch->backlog += p->len;
	sch->stats.enqueued++;
	return SIM_DROP_NONE;
}

static struct sim_pkt *tbf_dequeue(struct sim_qdisc *sch, uint64_t now, uint64_t *next)
{
	struct tbf *t = (struct tbf *)sch;
	struct sim_pkt *p = t->fifo.head;
	int64_t toks, ptoks = 0;

	if (!p)
		return NULL;
	toks = (int64_t)(now - t->t_c);
	if (toks > t->buffer)
		toks = t->buffer;
	if (t->peak) {
		ptoks = toks + t->ptokens;
		if (ptoks > t->mtu)
			ptoks = t->mtu;
		ptoks -= (int64_t)sim_l2t_ns(t->peak, p->len);
	}
	toks += t->tokens;
	if (toks > t->buffer)
		toks = t->buffer;
	toks -= (int64_t)sim_l2t_ns(t->rate, p->len);
	if ((toks | ptoks) >= 0) {
		sim_pktq_pop(&t->fifo);
		t->t_c = now;
		t->tokens = toks;
		t->ptokens = ptoks;
		sch->qlen--;
		sch->backlog -= p->len;
		return p;
	}
	/* the kernel's watchdog: wake when the larger deficit is paid */
	sch->stats.overlimits++;
	*next = now + (uint64_t)(-toks > -ptoks ? -toks : -ptoks);
	return NULL;
}

static void tbf_destroy(struct sim_qdisc *sch)
{
	struct tbf *t = (struct tbf *)sch;

	pl_sim_pktq_purge(&t->fifo, sch->pool);
	free(t);
}

static const struct sim_qdisc_ops tbf_ops = {
	.kind = "tbf",
	.enqueue = tbf_enqueue,
	.dequeue = tbf_dequeue,
	.destroy = tbf_destroy,
};

int pl_sim_tbf_create(const struct topo_tbf *p, const struct sim_qdisc_opts *o,
		      struct sim_qdisc **out, char *err, int errlen)
{
	struct tbf *t;

	if (!p->rate)
		return pl_sim_errf(err, errlen, "tbf: rate is required");
	if (!p->burst)
		return pl_sim_errf(err, errlen, "tbf: burst is required");
	if (!p->latency_ns && !p->limit)
		return pl_sim_errf(err, errlen, "tbf: latency or limit is required");
	if (p->peakrate && !p->mtu)
		return pl_sim_errf(err, errlen, "tbf: peakrate needs mtu");
	if (p->peakrate && p->peakrate <= p->rate)
		return pl_sim_errf(err, errlen, "tbf: peakrate must be above rate");
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->q.ops = &tbf_ops;
	t->q.pool = o->pool;
	pl_sim_rng_seed(&t->q.rng, o->seed);
	t->rate = p->rate;
	t->peak = p->peakrate;
	t->limit = pl_sim_tbf_limit(p);
	t->buffer = (int64_t)sim_l2t_ns(p->rate, p->burst);
	t->max_size = p->burst;
	if (p->peakrate) {
		t->mtu = (int64_t)sim_l2t_ns(p->peakrate, p->mtu);
		if (p->mtu < t->max_size)
			t->max_size = p->mtu;
	}
	t->tokens = t->buffer; /* a new tbf starts with a full bucket */
	t->ptokens = t->mtu;
	*out = &t->q;
	return 0;
}
