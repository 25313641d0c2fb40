/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One qdisc model, a link behind it and synthetic loads in front, on the
 * virtual clock: what `podlab sim qdisc`, the sim tests and the benchmark
 * run. Every packet is reported to a trace callback (enqueue, drop,
 * dequeue, delivery at the far end of the link).
 */
#ifndef PL_SIM_QDISC_RUN_H
#define PL_SIM_QDISC_RUN_H

#include <stdint.h>

#include "link.h"
#include "qdisc.h"

enum sim_load_kind {
	SIM_LOAD_CBR = 0, /* udp:RATE, one packet every size*8/rate */
	SIM_LOAD_POISSON, /* poisson:RATE, exponential gaps with that mean rate */
	SIM_LOAD_BURST,	  /* burst:N, N packets back to back at start */
};

struct sim_load {
	enum sim_load_kind kind;
	uint64_t rate;	/* bits/s (cbr, poisson) */
	uint32_t count; /* burst: packets */
	uint32_t size;	/* bytes per packet */
	uint64_t start_ns;
	uint64_t stop_ns;  /* 0 = until the end of the run */
	uint32_t src, dst; /* network byte order, for htb classification */
	uint16_t sport, dport;
	uint8_t proto;
};

enum sim_trace_kind {
	SIM_TRACE_ENQUEUE,
	SIM_TRACE_DROP,
	SIM_TRACE_DEQUEUE, /* leaves the qdisc onto the link */
	SIM_TRACE_DELIVER, /* reaches the far end: t = after serialisation + propagation */
};

/* q->qlen/backlog are those after the event. */
typedef void (*sim_trace_fn)(void *ctx, enum sim_trace_kind kind, const struct sim_pkt *p,
			     enum sim_drop reason, uint64_t t, const struct sim_qdisc *q);

struct sim_run_cfg {
	struct sim_qdisc *qdisc;
	struct sim_link_cfg link;
	const struct sim_load *loads;
	int nloads;
	uint64_t duration_ns; /* nothing after this time; 0 = until all is sent */
	uint64_t max_packets; /* stop generating after this many arrivals; 0 = no cap */
	uint64_t seed;	      /* poisson gaps */
	sim_trace_fn trace;   /* may be NULL */
	void *ctx;
};

struct sim_run_result {
	uint64_t events; /* popped from the event queue */
	uint64_t arrivals;
	uint64_t drops;
	uint64_t dequeued;
	uint64_t end_ns; /* virtual time at the end */
};

/* 0, -EINVAL (a load without duration to end it), -ENOMEM. The qdisc is left
 * with whatever is still queued at the end. */
int pl_sim_run(const struct sim_run_cfg *cfg, struct sim_pkt_pool *pool,
	       struct sim_run_result *res);

#endif /* PL_SIM_QDISC_RUN_H */
