// SPDX-License-Identifier: GPL-2.0
/*
 * Qdisc-only simulation speed: 1,000,000 packets through tbf and htb on the
 * virtual clock, next to the same event loop through pfifo (the baseline) in
 * the same process. Prints events/s, packets/s and the ratio; asserts nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lib/clock.h"
#include "qdisc_run.h"
#include "qdisc_spec.h"

#define PACKETS 1000000
#define ROUNDS	3

struct bench {
	const char *name, *kind, *spec;
	double events_per_s, pkts_per_s, ns_per_event;
	struct sim_run_result res;
};

static int run_one(struct bench *b, const struct sim_load *loads, int nloads)
{
	struct sim_qdisc_spec spec;
	struct sim_qdisc_opts o = {0};
	struct sim_run_cfg cfg = {0};
	struct sim_pkt_pool pool;
	struct sim_qdisc *q = NULL;
	double t0, dt, best = 0;
	char err[256];
	int r, ret = 0;

	if (pl_sim_spec_parse_qdisc(b->kind, b->spec, &spec, err, sizeof(err))) {
		fprintf(stderr, "bench_qdisc: %s\n", err);
		return -1;
	}
	for (r = 0; r < ROUNDS && !ret; r++) {
		pl_sim_pkt_pool_init(&pool);
		o.pool = &pool;
		o.seed = 1;
		ret = pl_sim_qdisc_create(&spec.qd, &o, &q, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "bench_qdisc: %s\n", err);
			break;
		}
		cfg.qdisc = q;
		cfg.link.rate = 1000000000ULL;
		cfg.loads = loads;
		cfg.nloads = nloads;
		cfg.max_packets = PACKETS;
		cfg.seed = 1;
		t0 = pl_now();
		ret = pl_sim_run(&cfg, &pool, &b->res);
		dt = pl_now() - t0;
		if (!ret && (best == 0 || dt < best))
			best = dt;
		pl_sim_qdisc_destroy(q);
		pl_sim_pkt_pool_free(&pool);
	}
	if (ret || best <= 0)
		return -1;
	b->events_per_s = b->res.events / best;
	b->pkts_per_s = b->res.arrivals / best;
	b->ns_per_event = best * 1e9 / b->res.events;
	return 0;
}

int main(void)
{
	/* two flows of 1000 B, 800 Mbit/s together, on a 1gbit link */
	struct sim_load loads[2] = {
		{.kind = SIM_LOAD_CBR,
		 .rate = 400000000,
		 .size = 1000,
		 .dst = 0x0100000a,
		 .proto = 17},
		{.kind = SIM_LOAD_CBR,
		 .rate = 400000000,
		 .size = 1000,
		 .dst = 0x0200000a,
		 .proto = 17},
	};
	struct bench b[] = {
		{.name = "pfifo (baseline)", .kind = "pfifo", .spec = "limit=1000"},
		{.name = "tbf", .kind = "tbf", .spec = "rate=300mbit,burst=64kb,latency=50ms"},
		{.name = "htb",
		 .kind = "htb",
		 .spec = "rate=300mbit;class=10:rate=100mbit,ceil=300mbit,dst=10.0.0.1;"
			 "class=20:rate=200mbit,ceil=300mbit,dst=10.0.0.2;default=20"},
	};
	int i, n = sizeof(b) / sizeof(b[0]);

	printf("bench_qdisc: %d packets per run, best of %d, 2 flows x 400mbit, 1gbit link\n",
	       PACKETS, ROUNDS);
	printf("%-18s %12s %12s %10s %8s %10s %12s\n", "qdisc", "events", "events/s", "ns/event",
	       "drops", "pkts/s", "vs pfifo");
	for (i = 0; i < n; i++) {
		if (run_one(&b[i], loads, 2)) {
			printf("%-18s failed\n", b[i].name);
			return 1;
		}
		printf("%-18s %12llu %12.0f %10.1f %8llu %10.0f %11.2fx\n", b[i].name,
		       (unsigned long long)b[i].res.events, b[i].events_per_s, b[i].ns_per_event,
		       (unsigned long long)b[i].res.drops, b[i].pkts_per_s,
		       b[i].events_per_s / b[0].events_per_s);
	}
	printf("goal: >= 2,000,000 events/s for tbf and htb: tbf %s, htb %s\n",
	       b[1].events_per_s >= 2e6 ? "met" : "NOT met",
	       b[2].events_per_s >= 2e6 ? "met" : "NOT met");
	for (i = 1; i < n; i++)
		printf("BENCH-ROW\tsimulated %s, events/s\t%.1f M\tpfifo: %.1f M\t%.3f\t-\n",
		       b[i].name, b[i].events_per_s / 1e6, b[0].events_per_s / 1e6,
		       b[i].events_per_s / b[0].events_per_s);
	return 0;
}
