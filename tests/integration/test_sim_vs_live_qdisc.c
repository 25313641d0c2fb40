// SPDX-License-Identifier: GPL-2.0
/*
 * The qdisc models against this kernel's tbf and htb: the same qdisc and the
 * same offered load, once on a veth between two namespaces (tc, measured
 * with harness/probe/rate) and once in the simulator; the rates must agree
 * within 10%. Namespaces pl-t<pid>-{a,b}, always removed.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <unistd.h>

#include "net_fixture.h"
#include "test.h"
#include "probe/rate.h"
#include "qdisc_report.h"
#include "qdisc_spec.h"

#define PAYLOAD	  1200
#define WIRE	  (PAYLOAD + 8 + 20 + 14) /* what the qdisc counts: UDP + IPv4 + Ethernet */
#define SECONDS	  3
#define WARMUP_NS 500000000ULL

/* The simulator's steady-state rate per flow (after the warm-up, as the probe). */
static int sim_rates(const char *kind, const char *spec_text, const char *const *load_text,
		     int nloads, double *rate)
{
	struct sim_report_cfg rc = {.qdisc_desc = kind,
				    .link_desc = "none",
				    .duration_ns = SECONDS * 1000000000ULL,
				    .interval_ns = 100000000ULL,
				    .seed = 1};
	struct sim_qdisc_spec spec;
	struct sim_qdisc_opts o = {0};
	struct sim_run_cfg cfg = {0};
	struct sim_report *rep = NULL;
	struct sim_load loads[4];
	struct sim_pkt_pool pool;
	struct sim_qdisc *q = NULL;
	struct sim_run_result res;
	char err[256];
	int i, ret;

	ret = pl_sim_spec_parse_qdisc(kind, spec_text, &spec, err, sizeof(err));
	for (i = 0; !ret && i < nloads; i++)
		ret = pl_sim_spec_parse_load(load_text[i], &loads[i], err, sizeof(err));
	if (ret) {
		fprintf(stderr, "sim spec: %s\n", err);
		return ret;
	}
	pl_sim_pkt_pool_init(&pool);
	o.pool = &pool;
	rc.loads = loads;
	rc.load_text = load_text;
	rc.nloads = nloads;
	ret = pl_sim_qdisc_create(&spec.qd, &o, &q, err, sizeof(err));
	if (!ret)
		ret = pl_sim_report_new(&rc, &rep);
	if (ret)
		goto out;
	cfg.qdisc = q;
	cfg.loads = loads;
	cfg.nloads = nloads;
	cfg.duration_ns = rc.duration_ns;
	cfg.trace = pl_sim_report_trace;
	cfg.ctx = rep;
	ret = pl_sim_run(&cfg, &pool, &res);
	for (i = 0; !ret && i < nloads; i++)
		rate[i] = pl_sim_report_rate(rep, i, WARMUP_NS, rc.duration_ns);
out:
	pl_sim_report_free(rep);
	pl_sim_qdisc_destroy(q);
	pl_sim_pkt_pool_free(&pool);
	return ret;
}

static bool within(double sim, double live, double tol)
{
	return live > 0 && sim > 0 && sim <= live * (1 + tol) && sim >= live * (1 - tol);
}

PL_TEST_PROBE(integration, sim_tbf_agrees_with_kernel, fixture_probe_shaping)
{
	static const char *const loads[] = {"udp:15mbit,size=1242"};
	struct pl_rate_opts opts = {.seconds = SECONDS,
				    .warmup = WARMUP_NS / 1e9,
				    .payload = PAYLOAD,
				    .overhead = WIRE - PAYLOAD};
	struct pl_rate_flow fl = {.dport = 5001, .target_bps = 15000000};
	double sim;
	struct fixture_pair p;

	if (!ASSERT_OK(sim_rates("tbf", "rate=10mbit,burst=32kbit,latency=50ms", loads, 1, &sim),
		       "sim"))
		return;
	if (!ASSERT_OK(fixture_pair_up(&p, "s", 0), "pair_up"))
		return;
	if (!ASSERT_OK(fixture_pair_tbf(&p), "tc tbf"))
		goto out;
	inet_pton(AF_INET, "10.200.0.2", &fl.dst_ip);
	fl.src_netns = p.a;
	fl.dst_netns = p.b;
	if (!ASSERT_OK(pl_rate_measure(&fl, 1, &opts), "measure"))
		goto out;
	if (pl_verbose())
		printf("tbf 10mbit: sim %.3f Mbit/s, live %.3f Mbit/s\n", sim / 1e6,
		       fl.wire_bps / 1e6);
	ASSERT_TRUE(within(sim, fl.wire_bps, 0.10), "sim within 10% of the kernel");
out:
	fixture_pair_down(&p);
}

PL_TEST_PROBE(integration, sim_htb_agrees_with_kernel, fixture_probe_shaping)
{
	static const char *const loads[] = {"udp:12mbit,size=1242,dport=5003",
					    "udp:12mbit,size=1242,dport=5007"};
	struct pl_rate_opts opts = {.seconds = SECONDS,
				    .warmup = WARMUP_NS / 1e9,
				    .payload = PAYLOAD,
				    .overhead = WIRE - PAYLOAD};
	struct pl_rate_flow fl[2] = {{.dport = 5003, .target_bps = 12000000},
				     {.dport = 5007, .target_bps = 12000000}};
	double sim[2];
	struct fixture_pair p;
	int i;

	if (!ASSERT_OK(sim_rates("htb",
				 "rate=10mbit;class=10:rate=3mbit,ceil=10mbit,dport=5003;"
				 "class=20:rate=7mbit,ceil=10mbit,dport=5007;"
				 "class=30:rate=1mbit;default=30",
				 loads, 2, sim),
		       "sim"))
		return;
	if (!ASSERT_OK(fixture_pair_up(&p, "s", 0), "pair_up"))
		return;
	if (!ASSERT_OK(fixture_pair_htb(&p), "tc htb"))
		goto out;
	for (i = 0; i < 2; i++) {
		inet_pton(AF_INET, "10.200.0.2", &fl[i].dst_ip);
		fl[i].src_netns = p.a;
		fl[i].dst_netns = p.b;
	}
	if (!ASSERT_OK(pl_rate_measure(fl, 2, &opts), "measure"))
		goto out;
	for (i = 0; i < 2; i++) {
		pl_subtest("class 1:%d0", i + 1);
		if (pl_verbose())
			printf("htb 1:%d0: sim %.3f Mbit/s, live %.3f Mbit/s\n", i + 1,
			       sim[i] / 1e6, fl[i].wire_bps / 1e6);
		ASSERT_TRUE(within(sim[i], fl[i].wire_bps, 0.10), "sim within 10% of the kernel");
	}
out:
	fixture_pair_down(&p);
}
