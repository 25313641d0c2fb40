// SPDX-License-Identifier: GPL-2.0
/*
 * What the L7 proxy costs: HTTP/1.0 requests (GET /public/bench, one at a
 * time, a new connection each) from frontend on node1 to backend:80 on node2
 * of topologies/two-node-l7.yaml, side by side in one run:
 *   l7: the shipped policy, every request through node2's HAProxy;
 *   l4: the same topology with the http rules taken out (the same port
 *       allowed at L4 only), the request straight to backend's server.
 * backend runs podlab's probe server, which answers 200. Requests per second
 * and latency (connect to status line) p50/p99, configurations alternating
 * within each round. Prints a table and BENCH-ROW lines; asserts nothing but
 * that every request is answered 200.
 * Knobs: BENCH_L7_SECS (per measurement, default 1), BENCH_L7_ROUNDS (3).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/clock.h"
#include "net/run.h"
#include "plan/plan.h"
#include "probe/probe.h"
#include "topo/topo.h"

#define TOPO	 "topologies/two-node-l7.yaml"
#define MAX_REQS (1 << 18)

enum cfg { CFG_L7, CFG_L4, CFG_N };
static const char *const cfg_name[CFG_N] = {"through the L7 proxy", "L4-only policy"};

struct meas {
	double rate, p50_us, p99_us;
	long fails;
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int measure(const char *run, uint32_t dst, double secs, struct meas *m, uint32_t *lat)
{
	char ns[PL_NETNS_NAME_MAX];
	struct pl_probe_http q = {.dst_ip = dst,
				  .dport = 80,
				  .method = "GET",
				  .path = "/public/bench",
				  .host = "backend",
				  .timeout_ms = 2000};
	struct pl_probe_result r;
	double t0 = pl_now(), t = 0;
	long n = 0;

	memset(m, 0, sizeof(*m));
	pl_netns_name(run, "frontend", ns, sizeof(ns));
	q.src_netns = ns;
	do {
		if (pl_probe_http(&q, &r) != 200) {
			if (++m->fails > 10)
				return -EIO;
			continue;
		}
		if (n < MAX_REQS)
			lat[n++] = r.rtt_us;
	} while ((t = pl_now() - t0) < secs);
	if (!n)
		return -EIO;
	m->rate = n / t;
	qsort(lat, (size_t)n, sizeof(*lat), cmp_u32);
	m->p50_us = lat[n / 2];
	m->p99_us = lat[(n * 99) / 100];
	return 0;
}

static double median(double *v, int n)
{
	int i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (v[j] < v[i]) {
				double x = v[i];

				v[i] = v[j];
				v[j] = x;
			}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int work(struct topo *t[CFG_N], char runs[CFG_N][PL_RUN_ID_MAX], double secs, int rounds)
{
	static double rate[CFG_N][16], p50[CFG_N][16], p99[CFG_N][16];
	struct pl_probe_server *srv[CFG_N] = {0};
	char ns[PL_NETNS_NAME_MAX];
	uint32_t *lat = malloc(MAX_REQS * sizeof(*lat));
	uint32_t dst = t[CFG_L7]->pods[pl_topo_pod_by_name(t[CFG_L7], "backend")].ip;
	uint16_t port = 80;
	double r[CFG_N], a[CFG_N], b[CFG_N];
	struct meas m;
	int c, k, err = 0;

	if (!lat)
		return -ENOMEM;
	for (c = 0; c < CFG_N && !err; c++) {
		pl_netns_name(runs[c], "backend", ns, sizeof(ns));
		err = pl_probe_server_start(ns, &port, 1, NULL, 0, 0, &srv[c]);
	}
	/* One measurement per config thrown away: the first pays for cold caches. */
	for (c = 0; c < CFG_N && !err; c++)
		err = measure(runs[c], dst, secs / 2, &m, lat);
	for (k = 0; k < rounds && !err; k++)
		for (c = 0; c < CFG_N && !err; c++) {
			err = measure(runs[c], dst, secs, &m, lat);
			rate[c][k] = m.rate;
			p50[c][k] = m.p50_us;
			p99[c][k] = m.p99_us;
		}
	for (c = 0; c < CFG_N; c++)
		if (srv[c])
			pl_probe_server_stop(srv[c]);
	free(lat);
	if (err) {
		fprintf(stderr, "bench_l7: a request was not answered 200: %s\n", strerror(-err));
		return err;
	}
	printf("%-24s %10s %10s %10s\n", "config", "req/s", "p50 us", "p99 us");
	for (c = 0; c < CFG_N; c++) {
		r[c] = median(rate[c], rounds);
		a[c] = median(p50[c], rounds);
		b[c] = median(p99[c], rounds);
		printf("%-24s %10.0f %10.0f %10.0f\n", cfg_name[c], r[c], a[c], b[c]);
	}
	printf("req/s: requests answered per second, one at a time, a connection each; p50/p99: "
	       "connect to status line;\nmedians of %d rounds of %.1f s.\n",
	       rounds, secs);
	printf("BENCH-ROW\tHTTP requests/s through the L7 proxy (node1 -> node2, one at a "
	       "time)\t%.0f/s\tL4-only policy, same path: %.0f/s\t%.2f\t-\n",
	       r[CFG_L7], r[CFG_L4], r[CFG_L7] / r[CFG_L4]);
	/* ratio: the baseline's latency over the proxy's, so that more is better as for rates */
	printf("BENCH-ROW\tHTTP request latency p50 through the L7 proxy\t%.0f us\tL4-only "
	       "policy: %.0f us\t%.2f\t-\n",
	       a[CFG_L7], a[CFG_L4], a[CFG_L4] / a[CFG_L7]);
	printf("BENCH-ROW\tHTTP request latency p99 through the L7 proxy\t%.0f us\tL4-only "
	       "policy: %.0f us\t%.2f\t-\n",
	       b[CFG_L7], b[CFG_L4], b[CFG_L4] / b[CFG_L7]);
	return 0;
}

int main(int argc, char **argv)
{
	const char *e = getenv("BENCH_L7_SECS");
	double secs = e ? atof(e) : 1.0;
	int rounds = (e = getenv("BENCH_L7_ROUNDS")) ? atoi(e) : 3;
	struct pl_up_opts uo = {.datapath = true, .keep_owner = true, .topology = TOPO};
	char runs[CFG_N][PL_RUN_ID_MAX], got[PL_RUN_ID_MAX];
	struct topo *t[CFG_N] = {0};
	bool up[CFG_N] = {0};
	int c, i, k, st = 1;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: bench_l7 (knobs: BENCH_L7_SECS, BENCH_L7_ROUNDS)\n");
		return 2;
	}
	if (geteuid()) {
		printf("bench_l7: SKIP (needs root: it builds namespaces)\n");
		return 0;
	}
	if (system("command -v haproxy >/dev/null 2>&1")) {
		printf("bench_l7: SKIP (haproxy missing: make deps)\n");
		return 0;
	}
	if (secs <= 0 || rounds < 1 || rounds > 16) {
		fprintf(stderr, "bench_l7: BENCH_L7_SECS > 0, ROUNDS 1..16\n");
		return 2;
	}
	for (c = 0; c < CFG_N; c++) {
		if (pl_topo_parse(TOPO, &t[c])) {
			fprintf(stderr, "bench_l7: run from the repository root (%s)\n", TOPO);
			goto out;
		}
		snprintf(runs[c], sizeof(runs[c]), "bl%d%c", getpid() % 100000, "74"[c]);
	}
	/* The L4 twin: every port's http rules dropped, the port still allowed. */
	for (i = 0; i < t[CFG_L4]->npolicies; i++)
		for (k = 0; k < t[CFG_L4]->policies[i].nrules; k++) {
			struct topo_rule *r = &t[CFG_L4]->policies[i].rules[k];
			int p;

			for (p = 0; p < r->nports; p++)
				r->ports[p].l7 = 0;
		}
	for (c = 0; c < CFG_N; c++) {
		uo.run = runs[c];
		if (pl_run_up(t[c], &uo, got)) {
			fprintf(stderr, "bench_l7: up %s failed\n", cfg_name[c]);
			goto out;
		}
		up[c] = true;
	}
	printf("bench_l7: frontend (node1) -> backend:80 (node2), %s, GET /public/bench, "
	       "%.1f s x %d rounds per config\n",
	       TOPO, secs, rounds);
	st = work(t, runs, secs, rounds) ? 1 : 0;
out:
	for (c = 0; c < CFG_N; c++) {
		if (up[c])
			pl_run_down(runs[c]);
		pl_topo_free(t[c]);
	}
	return st;
}
