// SPDX-License-Identifier: GPL-2.0
/*
 * htb after net/sched/sch_htb.c. Every class keeps tokens (rate) and
 * ctokens (ceil) in ns, charged as the kernel's htb_charge_class does. A
 * class is CAN_SEND (tokens >= 0), MAY_BORROW (tokens < 0, ctokens >= 0) or
 * CANT_SEND (ctokens < 0). A backlogged leaf is served at the level of the
 * nearest class on its way up that can send, all classes below it borrowing;
 * the lowest level wins, then the highest priority (lowest prio number), then
 * deficit round robin with the kernel's quantum rule among those leaves.
 * Instead of the kernel's row/feed trees and wait queue, modes are computed
 * from the tokens at `now`, which gives the same decisions and wake times.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qdisc.h"

#define HTB_MAXDEPTH	  8
#define HTB_NUMPRIO	  8
#define HTB_MBUFFER	  (60 * (int64_t)SIM_NS_PER_SEC) /* kernel: 60 s */
#define HTB_DEFAULT_BURST 1600				 /* tc: rate/HZ + mtu, HZ = 1e9 */

enum htb_mode { HTB_CANT_SEND, HTB_MAY_BORROW, HTB_CAN_SEND };

struct htb_class {
	uint16_t minor;
	int parent; /* index, -1 for the root class 1:1 */
	int level;  /* 0 leaves ... 7 root */
	bool leaf;
	uint64_t rate, ceil;
	uint32_t prio, quantum;
	int64_t buffer, cbuffer; /* ns */
	int64_t tokens, ctokens;
	uint64_t t_c;
	int64_t deficit[HTB_MAXDEPTH];
	struct sim_pktq q;
	struct topo_match *matches;
	int nmatches;
	enum htb_mode mode; /* scratch for one dequeue */
};

struct htb {
	struct sim_qdisc q;
	struct htb_class *cl; /* [0] is the root class 1:1, then by minor */
	int ncl;
	int defcls; /* index of the default leaf, -1: direct queue */
	struct sim_pktq direct;
	uint32_t limit;
	uint32_t active;			 /* leaves with packets */
	uint16_t ptr[HTB_MAXDEPTH][HTB_NUMPRIO]; /* DRR: minor to start from */
};

static bool match_ip(uint32_t want, uint8_t plen, uint32_t ip)
{
	uint32_t mask;

	if (!want)
		return true;
	if (!plen || plen > 32)
		plen = 32;
	mask = plen == 32 ? 0xffffffffu : ~(0xffffffffu >> plen);
	return (ntohl(want) & mask) == (ntohl(ip) & mask);
}

static bool match_pkt(const struct topo_match *m, const struct sim_pkt *p)
{
	return match_ip(m->dst, m->dst_plen, p->dst) && match_ip(m->src, m->src_plen, p->src) &&
	       (!m->dport || m->dport == p->dport) && (!m->sport || m->sport == p->sport) &&
	       (!m->proto || m->proto == p->proto);
}

static int classify(const struct htb *h, const struct sim_pkt *p)
{
	int i, j;

	for (i = 1; i < h->ncl; i++)
		for (j = 0; j < h->cl[i].nmatches; j++)
			if (match_pkt(&h->cl[i].matches[j], p))
				return i;
	return h->defcls;
}

uint16_t pl_sim_htb_classify(const struct sim_qdisc *q, const struct sim_pkt *p)
{
	const struct htb *h = (const struct htb *)q;
	int c = classify(h, p);

	return c < 0 ? 0 : h->cl[c].minor;
}

static enum sim_drop htb_enqueue(struct sim_qdisc *sch, struct sim_pkt *p, uint64_t now)
{
	struct htb *h = (struct htb *)sch;
	int c = classify(h, p);
	struct sim_pktq *q = c < 0 ? &h->direct : &h->cl[c].q;

	(void)now;
	if (q->len >= h->limit)
		return SIM_DROP_QUEUE_FULL;
	p->cls = c < 0 ? 0 : h->cl[c].minor;
	if (c >= 0 && !q->len)
		h->active++;
	sim_pktq_push(q, p);
	sch->qlen++;
	sch->backlog += p->len;
	sch->stats.enqueued++;
	return SIM_DROP_NONE;
}

static inline int64_t elapsed(const struct htb_class *c, uint64_t now)
{
	int64_t d = (int64_t)(now - c->t_c);

	return d > HTB_MBUFFER ? HTB_MBUFFER : d;
}

static enum htb_mode class_mode(const struct htb_class *c, uint64_t now)
{
	int64_t diff = elapsed(c, now);

	if (c->ctokens + diff < 0)
		return HTB_CANT_SEND;
	if (c->tokens + diff >= 0)
		return HTB_CAN_SEND;
	return HTB_MAY_BORROW;
}

static int64_t accnt(int64_t toks, int64_t diff, int64_t buffer, uint64_t rate, uint32_t len)
{
	toks += diff;
	if (toks > buffer)
		toks = buffer;
	toks -= (int64_t)sim_l2t_ns(rate, len);
	if (toks <= -HTB_MBUFFER)
		toks = 1 - HTB_MBUFFER;
	return toks;
}

/* htb_charge_class(): the lender and those above pay tokens, borrowers below
 * only move their clock; everyone on the path pays ctokens. */
static void charge(struct htb *h, int c, int level, uint32_t len, uint64_t now)
{
	struct htb_class *cl;
	int64_t diff;

	for (; c >= 0; c = cl->parent) {
		cl = &h->cl[c];
		diff = elapsed(cl, now);
		if (cl->level >= level)
			cl->tokens = accnt(cl->tokens, diff, cl->buffer, cl->rate, len);
		else
			cl->tokens += diff;
		cl->ctokens = accnt(cl->ctokens, diff, cl->cbuffer, cl->ceil, len);
		cl->t_c = now;
	}
}

static uint64_t ready_at(int64_t toks, uint64_t t_c, uint64_t now)
{
	return toks >= 0 ? now : t_c + (uint64_t)(-toks);
}

/* Earliest time leaf c can be served: at some ancestor a that has tokens
 * while everything from c up to a has ctokens. */
static uint64_t leaf_wake(const struct htb *h, int c, uint64_t now)
{
	uint64_t best = SIM_TIME_NEVER, cready = now, t;
	const struct htb_class *cl;

	for (; c >= 0; c = cl->parent) {
		cl = &h->cl[c];
		t = ready_at(cl->ctokens, cl->t_c, now);
		if (t > cready)
			cready = t;
		t = ready_at(cl->tokens, cl->t_c, now);
		if (t < cready)
			t = cready;
		if (t < best)
			best = t;
	}
	return best;
}

static struct sim_pkt *htb_dequeue(struct sim_qdisc *sch, uint64_t now, uint64_t *next)
{
	struct htb *h = (struct htb *)sch;
	int i, c, lvl, best_lvl = HTB_MAXDEPTH, best_prio = HTB_NUMPRIO, pick = -1, first = -1;
	struct htb_class *cl;
	struct sim_pkt *p;
	uint64_t wake;

	p = sim_pktq_pop(&h->direct);
	if (p)
		goto out;
	if (!h->active)
		return NULL;
	for (i = 0; i < h->ncl; i++)
		h->cl[i].mode = class_mode(&h->cl[i], now);
	/* the (level, prio) row that is served: lowest level, then highest priority */
	for (i = 1; i < h->ncl; i++) {
		if (!h->cl[i].q.len)
			continue;
		for (c = i; c >= 0 && h->cl[c].mode == HTB_MAY_BORROW; c = h->cl[c].parent)
			;
		if (c < 0 || h->cl[c].mode != HTB_CAN_SEND)
			continue;
		lvl = h->cl[c].level;
		if (lvl < best_lvl || (lvl == best_lvl && (int)h->cl[i].prio < best_prio)) {
			best_lvl = lvl;
			best_prio = h->cl[i].prio;
		}
	}
	if (best_lvl == HTB_MAXDEPTH) {
		for (i = 1; i < h->ncl; i++) {
			if (!h->cl[i].q.len)
				continue;
			wake = leaf_wake(h, i, now);
			if (wake < *next)
				*next = wake;
		}
		if (*next <= now)
			*next = now + 1;
		sch->stats.overlimits++;
		return NULL;
	}
	/* DRR in that row, in classid order, from the row's pointer */
	for (i = 1; i < h->ncl; i++) {
		if (!h->cl[i].q.len || h->cl[i].prio != (uint32_t)best_prio)
			continue;
		for (c = i; h->cl[c].mode == HTB_MAY_BORROW; c = h->cl[c].parent)
			;
		if (h->cl[c].mode != HTB_CAN_SEND || h->cl[c].level != best_lvl)
			continue;
		if (first < 0)
			first = i;
		if (h->cl[i].minor >= h->ptr[best_lvl][best_prio]) {
			pick = i;
			break;
		}
	}
	if (pick < 0)
		pick = first;
	cl = &h->cl[pick];
	p = sim_pktq_pop(&cl->q);
	if (!cl->q.len)
		h->active--;
	cl->deficit[best_lvl] -= p->len;
	h->ptr[best_lvl][best_prio] = cl->minor;
	if (cl->deficit[best_lvl] < 0) {
		cl->deficit[best_lvl] += cl->quantum;
		h->ptr[best_lvl][best_prio] = cl->minor + 1;
	}
	charge(h, pick, best_lvl, p->len, now);
out:
	sch->qlen--;
	sch->backlog -= p->len;
	return p;
}

static void htb_destroy(struct sim_qdisc *sch)
{
	struct htb *h = (struct htb *)sch;
	int i;

	pl_sim_pktq_purge(&h->direct, sch->pool);
	for (i = 0; i < h->ncl; i++) {
		pl_sim_pktq_purge(&h->cl[i].q, sch->pool);
		free(h->cl[i].matches);
	}
	free(h->cl);
	free(h);
}

static const struct sim_qdisc_ops htb_ops = {
	.kind = "htb",
	.enqueue = htb_enqueue,
	.dequeue = htb_dequeue,
	.destroy = htb_destroy,
};

static int by_minor(const void *a, const void *b)
{
	return (int)((const struct topo_htb_class *)a)->minor -
	       (int)((const struct topo_htb_class *)b)->minor;
}

static int find_minor(const struct htb *h, uint16_t minor)
{
	int i;

	for (i = 0; i < h->ncl; i++)
		if (h->cl[i].minor == minor)
			return i;
	return -1;
}

static void class_init(struct htb_class *c, uint64_t rate, uint64_t ceil, uint32_t quantum)
{
	c->rate = rate;
	c->ceil = ceil ? ceil : rate;
	c->buffer = (int64_t)sim_l2t_ns(c->rate, HTB_DEFAULT_BURST);
	c->cbuffer = (int64_t)sim_l2t_ns(c->ceil, HTB_DEFAULT_BURST);
	c->tokens = c->buffer;
	c->ctokens = c->cbuffer;
	if (!quantum) {
		/* the kernel's default: rate / r2q (10), kept within 1000..200000 */
		uint64_t qb = rate / 8 / 10;

		quantum = qb < 1000 ? 1000 : qb > 200000 ? 200000 : (uint32_t)qb;
	}
	c->quantum = quantum;
}

static int add_class(struct htb *h, const struct topo_htb_class *t, char *err, int errlen)
{
	struct htb_class *cl = &h->cl[h->ncl];

	if (t->minor <= 1 || find_minor(h, t->minor) >= 0)
		return pl_sim_errf(err, errlen, "htb: class 1:%x is the root or given twice",
				   t->minor);
	if (!t->rate)
		return pl_sim_errf(err, errlen, "htb: class 1:%x has no rate", t->minor);
	if (t->ceil && t->ceil < t->rate)
		return pl_sim_errf(err, errlen, "htb: class 1:%x ceil is below its rate", t->minor);
	if (t->prio >= HTB_NUMPRIO)
		return pl_sim_errf(err, errlen, "htb: class 1:%x prio must be 0..7", t->minor);
	cl->minor = t->minor;
	cl->prio = t->prio;
	cl->parent = t->parent_minor; /* a minor until build() resolves it */
	class_init(cl, t->rate, t->ceil, t->quantum);
	if (t->nmatches) {
		cl->matches = malloc(t->nmatches * sizeof(*cl->matches));
		if (!cl->matches)
			return -ENOMEM;
		memcpy(cl->matches, t->matches, t->nmatches * sizeof(*cl->matches));
		cl->nmatches = t->nmatches;
	}
	h->ncl++;
	return 0;
}

static int build(struct htb *h, const struct topo_htb *p, char *err, int errlen)
{
	struct topo_htb_class *sorted;
	int i, j, c, depth, ret = 0;

	sorted = malloc((p->nclasses + 1) * sizeof(*sorted));
	h->cl = calloc(p->nclasses + 1, sizeof(*h->cl));
	if (!sorted || !h->cl) {
		free(sorted);
		return -ENOMEM;
	}
	memcpy(sorted, p->classes, p->nclasses * sizeof(*sorted));
	qsort(sorted, p->nclasses, sizeof(*sorted), by_minor);
	h->cl[0].minor = 1;
	h->cl[0].parent = -1;
	class_init(&h->cl[0], p->rate, p->ceil, 0);
	h->ncl = 1;
	for (i = 0; i < p->nclasses && !ret; i++)
		ret = add_class(h, &sorted[i], err, errlen);
	free(sorted);
	if (ret)
		return ret;
	for (i = 1; i < h->ncl; i++) {
		uint16_t pm = h->cl[i].parent ? (uint16_t)h->cl[i].parent : 1;

		h->cl[i].parent = find_minor(h, pm);
		if (h->cl[i].parent < 0 || h->cl[i].parent == i)
			return pl_sim_errf(err, errlen, "htb: class 1:%x has no parent 1:%x",
					   h->cl[i].minor, pm);
	}
	for (i = 0; i < h->ncl; i++)
		h->cl[i].leaf = true;
	for (i = 1; i < h->ncl; i++)
		h->cl[h->cl[i].parent].leaf = false;
	/* levels top down as the kernel assigns them: root 7, inner children one less */
	for (i = 0; i < h->ncl; i++) {
		depth = 0;
		for (c = i; h->cl[c].parent >= 0; c = h->cl[c].parent)
			if (++depth >= HTB_MAXDEPTH)
				return pl_sim_errf(err, errlen,
						   "htb: class 1:%x: loop or tree deeper than 8",
						   h->cl[i].minor);
		h->cl[i].level = h->cl[i].leaf ? 0 : HTB_MAXDEPTH - 1 - depth;
	}
	for (i = 1; i < h->ncl; i++) {
		if (!h->cl[i].leaf && h->cl[i].nmatches)
			return pl_sim_errf(err, errlen,
					   "htb: class 1:%x has children: match rules go on leaves",
					   h->cl[i].minor);
		for (j = 0; j < h->cl[i].nmatches; j++)
			if (h->cl[i].matches[j].dst_plen > 32 || h->cl[i].matches[j].src_plen > 32)
				return pl_sim_errf(err, errlen, "htb: class 1:%x: prefix over /32",
						   h->cl[i].minor);
	}
	h->defcls = find_minor(h, p->default_minor);
	if (h->defcls >= 0 && !h->cl[h->defcls].leaf)
		h->defcls = -1; /* kernel: a default that is not a leaf means direct */
	return 0;
}

int pl_sim_htb_create(const struct topo_htb *p, const struct sim_qdisc_opts *o,
		      struct sim_qdisc **out, char *err, int errlen)
{
	struct htb *h;
	int ret, i;

	if (!p->rate)
		return pl_sim_errf(err, errlen, "htb: the root class needs a rate");
	if (!p->nclasses)
		return pl_sim_errf(err, errlen, "htb: no classes");
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->q.ops = &htb_ops;
	h->q.pool = o->pool;
	pl_sim_rng_seed(&h->q.rng, o->seed);
	h->limit = o->leaf_limit ? o->leaf_limit : 1000;
	ret = build(h, p, err, errlen);
	if (ret) {
		if (h->cl)
			for (i = 0; i < h->ncl; i++)
				free(h->cl[i].matches);
		free(h->cl);
		free(h);
		return ret;
	}
	*out = &h->q;
	return 0;
}
