// SPDX-License-Identifier: GPL-2.0
/* The teaching text's three tc examples, run as `podlab sim qdisc --example` does. */
#include "test.h"
#include "qdisc_report.h"
#include "sim_test_util.h"

#define SEC  1000000000ULL
#define GBIT 1000000000ULL

struct ex_run {
	struct sim_load loads[3];
	int nloads;
	struct sim_report *rep;
};

/* 10 s, 100 ms intervals, seed 1, 1gbit link: the CLI's defaults. */
static int run_example(const char *name, struct ex_run *x, struct qt *t)
{
	const struct sim_example *e = pl_sim_example_find(name);
	struct sim_report_cfg rc = {.qdisc_desc = name,
				    .link_desc = "1gbit",
				    .duration_ns = 10 * SEC,
				    .interval_ns = SEC / 10,
				    .seed = 1};
	struct sim_qdisc_spec spec;
	struct sim_qdisc_opts o = {0};
	struct sim_run_cfg cfg = {0};
	struct sim_pkt_pool pool;
	struct sim_qdisc *q = NULL;
	struct sim_run_result res;
	char err[256];
	int ret;

	if (!e)
		return -ENOENT;
	ret = pl_sim_spec_parse_qdisc(e->kind, e->spec, &spec, err, sizeof(err));
	for (x->nloads = 0; !ret && x->nloads < 3 && e->loads[x->nloads]; x->nloads++)
		ret = pl_sim_spec_parse_load(e->loads[x->nloads], &x->loads[x->nloads], err,
					     sizeof(err));
	if (ret)
		return ret;
	rc.loads = x->loads;
	rc.load_text = e->loads;
	rc.nloads = x->nloads;
	pl_sim_pkt_pool_init(&pool);
	o.pool = &pool;
	o.seed = 1;
	ret = pl_sim_qdisc_create(&spec.qd, &o, &q, err, sizeof(err));
	if (!ret)
		ret = pl_sim_report_new(&rc, &x->rep);
	if (ret)
		goto out;
	cfg.qdisc = q;
	cfg.link.rate = GBIT;
	cfg.loads = x->loads;
	cfg.nloads = x->nloads;
	cfg.duration_ns = 10 * SEC;
	cfg.seed = 1;
	cfg.trace = pl_sim_report_trace;
	cfg.ctx = x->rep;
	ret = pl_sim_run(&cfg, &pool, &res);
	if (ret || !t)
		goto out;
	/* the same run again through the test trace: determinism makes them one */
	pl_sim_qdisc_destroy(q);
	q = NULL;
	o.seed = 1;
	ret = pl_sim_qdisc_create(&spec.qd, &o, &q, err, sizeof(err));
	if (ret)
		goto out;
	t->win_ns = SEC / 10;
	cfg.qdisc = q;
	cfg.trace = qt_trace;
	cfg.ctx = t;
	ret = pl_sim_run(&cfg, &pool, &res);
out:
	pl_sim_qdisc_destroy(q);
	pl_sim_pkt_pool_free(&pool);
	return ret;
}

/* 1mbit tbf, 2mbit offered for 10 s: out = burst + rate*T, the rest beyond
 * limit (54096 B) is dropped: drop share 1 - (1.25e6 + 4096 + 54096)/2.5e6 */
PL_TEST(sim, seed_tbf_example)
{
	struct ex_run x = {0};
	struct sim_report_totals t;
	double want = 1 - (1.25e6 + 4096 + 54096) / 2.5e6, got;

	if (!ASSERT_OK(run_example("seed-tbf", &x, NULL), "run"))
		goto out;
	pl_sim_report_totals(x.rep, -1, &t);
	got = (double)t.drops / t.arrivals;
	if (pl_verbose())
		printf("seed-tbf: %.4f Mbit/s, drops %.4f (closed form %.4f), p99 %.3f ms\n",
		       t.throughput / 1e6, got, want, t.delay_p99 / 1e6);
	ASSERT_TRUE(t.throughput >= 1e6 && t.throughput <= 1.01e6, "~1 Mbit/s");
	ASSERT_TRUE(fabs(got - want) < 0.002, "drop share as the closed form");
	ASSERT_LE(t.delay_p99, 400000000ULL + 32768000, "delay <= latency + burst/rate");
out:
	pl_sim_report_free(x.rep);
}

PL_TEST(sim, seed_netem_example)
{
	struct ex_run x = {0};
	struct sim_report_totals t;
	uint64_t lo, hi;

	if (!ASSERT_OK(run_example("seed-netem", &x, NULL), "run"))
		goto out;
	pl_sim_report_totals(x.rep, -1, &t);
	qt_binom99(t.arrivals, 0.10, &lo, &hi);
	if (pl_verbose())
		printf("seed-netem: %llu/%llu lost [%llu, %llu], delay mean %.3f ms\n",
		       (unsigned long long)t.drops, (unsigned long long)t.arrivals,
		       (unsigned long long)lo, (unsigned long long)hi, t.delay_mean / 1e6);
	ASSERT_EQ(t.arrivals, 2500, "2mbit of 1000 B for 10 s");
	ASSERT_GE(t.drops, lo, "loss in 99% bounds (low)");
	ASSERT_LE(t.drops, hi, "loss in 99% bounds (high)");
	ASSERT_EQ(t.delay_p50, 100000000ULL, "100 ms");
	ASSERT_LT(fabs(t.delay_mean - 1e8), 1e3, "mean 100 ms");
out:
	pl_sim_report_free(x.rep);
}

/* phases: 0-2 s only 1:20 (ceil 10), 2-6 s both (3/7), after 6 s only 1:10 (ceil 5) */
PL_TEST(sim, seed_htb_example)
{
	struct ex_run x = {0};
	struct qt *t = calloc(1, sizeof(*t));
	double a, b;

	if (!ASSERT_OK_PTR(t, "calloc") || !ASSERT_OK(run_example("seed-htb", &x, t), "run"))
		goto out;
	b = qt_rate(t, 1, 5, 20);
	ASSERT_LT(fabs(b - 10e6), 0.1e6, "1:20 alone: 10 Mbit/s");
	a = qt_rate(t, 0, 25, 60);
	b = qt_rate(t, 1, 25, 60);
	if (pl_verbose())
		printf("seed-htb: both %.3f/%.3f Mbit/s, ", a / 1e6, b / 1e6);
	ASSERT_LT(fabs(a - 3e6), 0.03e6, "1:10 backlogged: 3");
	ASSERT_LT(fabs(b - 7e6), 0.07e6, "1:20 backlogged: 7");
	a = qt_rate(t, 0, 80, 100);
	if (pl_verbose())
		printf("1:10 alone %.3f Mbit/s\n", a / 1e6);
	ASSERT_LT(fabs(a - 5e6), 0.05e6, "1:10 alone borrows to ceil 5");
out:
	pl_sim_report_free(x.rep);
	if (t)
		qt_free(t);
	free(t);
}
