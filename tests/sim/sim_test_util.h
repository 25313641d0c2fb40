/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers for the qdisc tests: run a model, keep what the trace says. */
#ifndef PL_SIM_TEST_UTIL_H
#define PL_SIM_TEST_UTIL_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "qdisc_run.h"
#include "qdisc_spec.h"

#define QT_MAX_FLOWS 4
#define QT_MAX_WIN   1024

struct qt {
	uint64_t win_ns;			   /* window for per-window byte counts */
	uint64_t bytes[QT_MAX_FLOWS];		   /* dequeued per flow (whole run) */
	uint64_t wbytes[QT_MAX_WIN][QT_MAX_FLOWS]; /* dequeued per window */
	uint64_t drops[SIM_DROP__MAX];
	uint64_t deq, enq, dups;
	uint64_t *delays; /* dequeue - enqueue, ns, in dequeue order */
	uint64_t *deq_t;  /* dequeue times */
	uint64_t ndelays, cap;
	uint64_t hash; /* FNV-1a over every trace event */
};

static inline void qt_hash(struct qt *t, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++) {
		t->hash ^= (v >> (8 * i)) & 0xff;
		t->hash *= 0x100000001b3ULL;
	}
}

static inline void qt_trace(void *ctx, enum sim_trace_kind kind, const struct sim_pkt *p,
			    enum sim_drop reason, uint64_t now, const struct sim_qdisc *q)
{
	struct qt *t = ctx;
	uint64_t w;

	(void)q;
	qt_hash(t, kind);
	qt_hash(t, p->id);
	qt_hash(t, now);
	if (kind == SIM_TRACE_DROP)
		t->drops[reason]++;
	if (kind == SIM_TRACE_ENQUEUE)
		t->enq++;
	if (kind != SIM_TRACE_DEQUEUE)
		return;
	t->deq++;
	t->dups += p->dup;
	if (p->flow < QT_MAX_FLOWS) {
		t->bytes[p->flow] += p->len;
		w = t->win_ns ? now / t->win_ns : 0;
		if (w < QT_MAX_WIN)
			t->wbytes[w][p->flow] += p->len;
	}
	if (t->ndelays == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 4096;
		t->delays = realloc(t->delays, t->cap * sizeof(*t->delays));
		t->deq_t = realloc(t->deq_t, t->cap * sizeof(*t->deq_t));
		if (!t->delays || !t->deq_t)
			abort();
	}
	t->deq_t[t->ndelays] = now;
	t->delays[t->ndelays++] = now - p->t_enq;
}

static inline void qt_free(struct qt *t)
{
	free(t->delays);
	free(t->deq_t);
}

/* Builds spec (pfifo|tbf|netem|htb), runs loads for duration; 0 or error. */
static inline int qt_run(const char *kind, const char *spec_text, const struct sim_load *loads,
			 int nloads, uint64_t duration_ns, uint64_t link_rate, uint64_t seed,
			 struct qt *t, struct sim_run_result *res)
{
	struct sim_qdisc_spec spec;
	struct sim_qdisc_opts o = {0};
	struct sim_run_cfg cfg = {0};
	struct sim_pkt_pool pool;
	struct sim_qdisc *q = NULL;
	char err[256];
	int ret;

	ret = pl_sim_spec_parse_qdisc(kind, spec_text, &spec, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "spec: %s\n", err);
		return ret;
	}
	pl_sim_pkt_pool_init(&pool);
	o.pool = &pool;
	o.seed = seed;
	o.jitter_dist = spec.dist;
	ret = pl_sim_qdisc_create(&spec.qd, &o, &q, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "create: %s\n", err);
		goto out;
	}
	cfg.qdisc = q;
	cfg.link.rate = link_rate;
	cfg.loads = loads;
	cfg.nloads = nloads;
	cfg.duration_ns = duration_ns;
	cfg.seed = seed;
	cfg.trace = qt_trace;
	cfg.ctx = t;
	t->hash = 0xcbf29ce484222325ULL;
	ret = pl_sim_run(&cfg, &pool, res);
out:
	pl_sim_qdisc_destroy(q);
	pl_sim_pkt_pool_free(&pool);
	return ret;
}

static inline struct sim_load qt_cbr(uint64_t rate, uint32_t size, uint32_t dst)
{
	struct sim_load l = {
		.kind = SIM_LOAD_CBR, .rate = rate, .size = size, .dst = dst, .proto = 17};
	return l;
}

static inline struct sim_load qt_burst(uint32_t n, uint32_t size)
{
	struct sim_load l = {.kind = SIM_LOAD_BURST, .count = n, .size = size, .proto = 17};
	return l;
}

/* bits/s of flow f dequeued in windows [w0, w1) */
static inline double qt_rate(const struct qt *t, int f, int w0, int w1)
{
	uint64_t b = 0;
	int w;

	for (w = w0; w < w1; w++)
		b += t->wbytes[w][f];
	return b * 8.0 / ((w1 - w0) * (t->win_ns / 1e9));
}

/* The 99% two-sided acceptance interval of Binomial(n, p): [lo, hi] with
 * P(X < lo) <= 0.005 and P(X > hi) <= 0.005, from the exact pmf. */
static inline void qt_binom99(uint64_t n, double p, uint64_t *lo, uint64_t *hi)
{
	double cdf = 0, lp = log(p), lq = log1p(-p), pmf;
	uint64_t k;

	*lo = 0;
	*hi = n;
	for (k = 0; k <= n; k++) {
		pmf = exp(lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0) + k * lp +
			  (n - k) * lq);
		if (cdf + pmf > 0.005 && cdf <= 0.005)
			*lo = k;
		cdf += pmf;
		if (cdf >= 0.995) {
			*hi = k;
			break;
		}
	}
}

#endif /* PL_SIM_TEST_UTIL_H */
