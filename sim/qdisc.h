/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Qdisc models on the virtual clock. One interface for pfifo, tbf, htb and
 * netem, parameters straight from the topology model (struct topo_qdisc):
 *
 *	enum sim_drop r = sim_qdisc_enqueue(q, pkt, now);  // SIM_DROP_NONE: q owns pkt
 *	pkt = sim_qdisc_dequeue(q, now, &next);            // NULL: nothing may leave
 *	                                                   //  before `next` (or NEVER)
 * A model never looks at a wall clock: `now` is all it knows of time, and its
 * random numbers come from its own seeded generator.
 */
#ifndef PL_SIM_QDISC_H
#define PL_SIM_QDISC_H

#include <stdbool.h>
#include <stdint.h>

#include "clock.h"
#include "rng.h"
#include "topo/topo.h"

struct sim_pkt {
	struct sim_pkt *next;  /* link while queued */
	uint64_t id;	       /* unique per run; a netem duplicate keeps its original's id */
	uint64_t t_enq;	       /* when it entered the qdisc */
	uint64_t t_send;       /* netem: earliest departure */
	uint64_t seq;	       /* netem: order among equal t_send */
	uint32_t len;	       /* bytes as the qdisc counts them (L2 frame) */
	uint32_t flow;	       /* caller's flow index */
	uint32_t src, dst;     /* IPv4, network byte order, for classification */
	uint16_t sport, dport; /* host order */
	uint8_t proto;
	bool dup;     /* a netem duplicate */
	uint16_t cls; /* htb: class minor it was queued in, 0 = direct queue */
};

enum sim_drop {
	SIM_DROP_NONE = 0,
	SIM_DROP_QUEUE_FULL, /* the queue limit (packets or bytes) is reached */
	SIM_DROP_OVERSIZE,   /* tbf: packet larger than the bucket (or mtu with peakrate) */
	SIM_DROP_LOSS,	     /* netem: random loss */
	SIM_DROP__MAX,
};

const char *pl_sim_drop_name(enum sim_drop r);

/* Packet memory: a free list, so a run does not call malloc per packet. */
struct sim_pkt_pool {
	struct sim_pkt *free;
	void **slabs;
	int nslabs;
	uint64_t next_id;
};

void pl_sim_pkt_pool_init(struct sim_pkt_pool *pool);
void pl_sim_pkt_pool_free(struct sim_pkt_pool *pool);
/* Zeroed packet with a fresh id, or NULL (ENOMEM). */
struct sim_pkt *pl_sim_pkt_alloc(struct sim_pkt_pool *pool);
void pl_sim_pkt_put(struct sim_pkt_pool *pool, struct sim_pkt *p);

struct sim_qdisc_stats {
	uint64_t enqueued; /* packets accepted (netem duplicates included) */
	uint64_t dequeued;
	uint64_t dequeued_bytes;
	uint64_t drops[SIM_DROP__MAX];
	uint64_t duplicated; /* netem */
	uint64_t reordered;  /* netem: sent ahead of the queue */
	uint64_t overlimits; /* a dequeue found packets but no tokens */
};

struct sim_qdisc;

struct sim_qdisc_ops {
	const char *kind;
	enum sim_drop (*enqueue)(struct sim_qdisc *q, struct sim_pkt *p, uint64_t now);
	struct sim_pkt *(*dequeue)(struct sim_qdisc *q, uint64_t now, uint64_t *next);
	void (*destroy)(struct sim_qdisc *q);
};

struct sim_qdisc {
	const struct sim_qdisc_ops *ops;
	struct sim_pkt_pool *pool; /* for netem duplicates and destroy */
	struct sim_rng rng;
	uint32_t qlen;	  /* packets queued */
	uint64_t backlog; /* bytes queued */
	struct sim_qdisc_stats stats;
};

enum sim_jitter_dist {
	SIM_JITTER_UNIFORM = 0, /* kernel netem without a table: delay +- jitter, uniform */
	SIM_JITTER_NORMAL,	/* tc's `distribution normal`: N(delay, jitter) */
};

struct sim_qdisc_opts {
	struct sim_pkt_pool *pool; /* required */
	uint64_t seed;		   /* netem's random numbers */
	enum sim_jitter_dist jitter_dist;
	uint32_t leaf_limit; /* htb leaf and direct queues, packets; 0 = 1000 */
};

/*
 * Builds the model for cfg (TOPO_QDISC_PFIFO/TBF/HTB/NETEM). Returns 0, or
 * -EINVAL with one line naming the bad parameter in err (may be NULL), or
 * -ENOMEM.
 */
int pl_sim_qdisc_create(const struct topo_qdisc *cfg, const struct sim_qdisc_opts *opts,
			struct sim_qdisc **out, char *err, int errlen);
/* Frees the model and every packet still queued (back to the pool). */
void pl_sim_qdisc_destroy(struct sim_qdisc *q);

/* SIM_DROP_NONE: q owns p. Otherwise the caller still owns p (and frees it). */
static inline enum sim_drop sim_qdisc_enqueue(struct sim_qdisc *q, struct sim_pkt *p, uint64_t now)
{
	enum sim_drop r;

	p->t_enq = now;
	r = q->ops->enqueue(q, p, now);
	if (r != SIM_DROP_NONE)
		q->stats.drops[r]++;
	return r;
}

/* A packet that may leave at now, or NULL and *next = the earliest time one
 * may (SIM_TIME_NEVER when empty). */
static inline struct sim_pkt *sim_qdisc_dequeue(struct sim_qdisc *q, uint64_t now, uint64_t *next)
{
	struct sim_pkt *p;

	*next = SIM_TIME_NEVER;
	p = q->ops->dequeue(q, now, next);
	if (p) {
		q->stats.dequeued++;
		q->stats.dequeued_bytes += p->len;
	}
	return p;
}

/* ns to send len bytes at rate bits/s, rounded up (psched_l2t_ns). */
static inline uint64_t sim_l2t_ns(uint64_t rate, uint32_t len)
{
	return (uint64_t)(((unsigned __int128)len * 8 * SIM_NS_PER_SEC + rate - 1) / rate);
}

/* FIFO of packets, shared by the models. */
struct sim_pktq {
	struct sim_pkt *head, *tail;
	uint32_t len;
	uint64_t bytes;
};

static inline void sim_pktq_push(struct sim_pktq *q, struct sim_pkt *p)
{
	p->next = NULL;
	if (q->tail)
		q->tail->next = p;
	else
		q->head = p;
	q->tail = p;
	q->len++;
	q->bytes += p->len;
}

static inline struct sim_pkt *sim_pktq_pop(struct sim_pktq *q)
{
	struct sim_pkt *p = q->head;

	if (p) {
		q->head = p->next;
		if (!q->head)
			q->tail = NULL;
		q->len--;
		q->bytes -= p->len;
	}
	return p;
}

void pl_sim_pktq_purge(struct sim_pktq *q, struct sim_pkt_pool *pool);

/* Writes the message to err (if any) and returns -EINVAL. */
int pl_sim_errf(char *err, int errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Per-model constructors (pl_sim_qdisc_create dispatches). */
int pl_sim_pfifo_create(uint32_t limit, const struct sim_qdisc_opts *o, struct sim_qdisc **out,
			char *err, int errlen);
int pl_sim_tbf_create(const struct topo_tbf *p, const struct sim_qdisc_opts *o,
		      struct sim_qdisc **out, char *err, int errlen);
int pl_sim_htb_create(const struct topo_htb *p, const struct sim_qdisc_opts *o,
		      struct sim_qdisc **out, char *err, int errlen);
int pl_sim_netem_create(const struct topo_netem *p, const struct sim_qdisc_opts *o,
			struct sim_qdisc **out, char *err, int errlen);

/* tbf's byte limit as tc computes it from latency: rate*latency + burst
 * (min with peakrate*latency + mtu). */
uint32_t pl_sim_tbf_limit(const struct topo_tbf *p);

/* htb: the class minor a packet goes to (0 = direct queue), as enqueue does. */
uint16_t pl_sim_htb_classify(const struct sim_qdisc *q, const struct sim_pkt *p);

#endif /* PL_SIM_QDISC_H */
