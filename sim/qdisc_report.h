/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `podlab sim qdisc` prints: per interval throughput per flow (and per
 * htb class), drops, queue length, queueing delay p50/p99; then totals and
 * per-flow numbers; as text, JSON or an SVG plot. Fed by pl_sim_report_trace
 * as the trace callback of pl_sim_run.
 */
#ifndef PL_SIM_QDISC_REPORT_H
#define PL_SIM_QDISC_REPORT_H

#include <stdio.h>

#include "qdisc_run.h"

struct sim_report;

struct sim_report_cfg {
	const char *qdisc_desc; /* "tbf rate 1mbit burst 4096b limit 54096b" */
	const char *link_desc;	/* "rate 1Gbit delay 0ms" */
	uint64_t duration_ns;
	uint64_t interval_ns;
	uint64_t seed;
	const struct sim_load *loads;
	const char *const *load_text; /* the --load specs, for the header */
	int nloads;
	const uint16_t *flow_class; /* htb: class minor per flow (0 = direct); NULL otherwise */
};

int pl_sim_report_new(const struct sim_report_cfg *cfg, struct sim_report **out);
void pl_sim_report_free(struct sim_report *r);
/* sim_trace_fn: ctx is the report. Errors (ENOMEM) show in pl_sim_report_error. */
void pl_sim_report_trace(void *ctx, enum sim_trace_kind kind, const struct sim_pkt *p,
			 enum sim_drop reason, uint64_t t, const struct sim_qdisc *q);
int pl_sim_report_error(const struct sim_report *r);

void pl_sim_report_text(struct sim_report *r, FILE *f);
void pl_sim_report_json(struct sim_report *r, FILE *f);
/* 0 or -errno (file cannot be written). */
int pl_sim_report_svg(struct sim_report *r, const char *path, const char *title);

/* Totals, for tests and examples. Rates in bit/s, delays in ns. */
struct sim_report_totals {
	double throughput;
	double offered;
	uint64_t arrivals, drops;
	double delay_mean;
	uint64_t delay_p50, delay_p99;
};
/* flow -1: all flows over the whole run; else that flow over its active time
 * (start..stop, the whole run for a burst). */
void pl_sim_report_totals(struct sim_report *r, int flow, struct sim_report_totals *t);

/* bit/s flow dequeued over the intervals from t0 up to t1 (rounded to intervals). */
double pl_sim_report_rate(const struct sim_report *r, int flow, uint64_t t0_ns, uint64_t t1_ns);

#endif /* PL_SIM_QDISC_REPORT_H */
