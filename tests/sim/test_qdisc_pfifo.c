// SPDX-License-Identifier: GPL-2.0
/* pfifo limit, the link model, clock ordering and determinism. */
#include "test.h"
#include "sim_test_util.h"
#include "lib/units.h"

/* 30 packets at once onto a 1mbit link: 1 goes straight onto the wire, 10 wait, 19 drop */
PL_TEST(sim, pfifo_limit)
{
	struct sim_load l = qt_burst(30, 1000);
	struct sim_run_result res;
	struct qt *t = calloc(1, sizeof(*t));
	uint64_t i;

	if (!ASSERT_OK_PTR(t, "calloc"))
		return;
	if (!ASSERT_OK(qt_run("pfifo", "limit=10", &l, 1, 0, 1000000, 1, t, &res), "run"))
		goto out;
	ASSERT_EQ(t->drops[SIM_DROP_QUEUE_FULL], 19, "drops");
	ASSERT_EQ(t->deq, 11, "sent");
	/* serialisation: one 1000 B frame per 8 ms at 1mbit */
	for (i = 1; i < t->ndelays; i++)
		ASSERT_EQ(t->deq_t[i] - t->deq_t[i - 1], 8000000, "back to back at line rate");
out:
	qt_free(t);
	free(t);
}

PL_TEST(sim, clock_ties_keep_schedule_order)
{
	struct sim_clock c;
	struct sim_event ev;
	uint64_t want[] = {3, 0, 2, 4, 1}, i = 0, last = 0;

	if (!ASSERT_OK(pl_sim_clock_init(&c), "init"))
		return;
	/* times 5 7 5 3 5: the 3 first, then the three 5s as scheduled, then 7 */
	pl_sim_clock_schedule(&c, 5, 0, NULL, 0);
	pl_sim_clock_schedule(&c, 7, 0, NULL, 1);
	pl_sim_clock_schedule(&c, 5, 0, NULL, 2);
	pl_sim_clock_schedule(&c, 3, 0, NULL, 3);
	pl_sim_clock_schedule(&c, 5, 0, NULL, 4);
	while (pl_sim_clock_next(&c, &ev)) {
		ASSERT_EQ(ev.data, want[i], "order");
		ASSERT_GE(ev.t, last, "time never goes back");
		ASSERT_EQ(c.now, ev.t, "now follows");
		last = ev.t;
		i++;
	}
	ASSERT_EQ(i, 5, "all popped");
	pl_sim_clock_free(&c);
}

PL_TEST(sim, rng_same_seed_same_stream)
{
	struct sim_rng a, b, c;
	int i, same_ab = 0, same_ac = 0;

	pl_sim_rng_seed(&a, 42);
	pl_sim_rng_seed(&b, 42);
	pl_sim_rng_seed(&c, 43);
	for (i = 0; i < 1000; i++) {
		uint64_t x = pl_sim_rng_u64(&a);

		same_ab += x == pl_sim_rng_u64(&b);
		same_ac += x == pl_sim_rng_u64(&c);
	}
	ASSERT_EQ(same_ab, 1000, "same seed");
	ASSERT_EQ(same_ac, 0, "other seed");
}

/* The whole trace (every event, packet id and time) hashed: a function of the seed. */
PL_TEST(sim, determinism_same_seed_same_trace)
{
	struct sim_load l[2] = {qt_cbr(2000000, 1000, 0), qt_cbr(1000000, 500, 0)};
	const char *spec = "delay=50ms,jitter=20ms,loss=5%,duplicate=2%,reorder=10%";
	struct sim_run_result res;
	struct qt *t1 = calloc(1, sizeof(*t1)), *t2 = calloc(1, sizeof(*t2)),
		  *t3 = calloc(1, sizeof(*t3));

	if (!ASSERT_OK_PTR(t1 && t2 && t3 ? t1 : NULL, "calloc"))
		goto out;
	l[1].kind = SIM_LOAD_POISSON;
	ASSERT_OK(qt_run("netem", spec, l, 2, 2000000000ULL, 10000000, 7, t1, &res), "run 1");
	ASSERT_OK(qt_run("netem", spec, l, 2, 2000000000ULL, 10000000, 7, t2, &res), "run 2");
	ASSERT_OK(qt_run("netem", spec, l, 2, 2000000000ULL, 10000000, 8, t3, &res), "run 3");
	ASSERT_GT(t1->deq, 500, "traffic flowed");
	ASSERT_EQ(t1->hash, t2->hash, "seed 7 twice: identical trace");
	ASSERT_NEQ(t1->hash, t3->hash, "seed 8: another trace");
out:
	if (t1)
		qt_free(t1);
	if (t2)
		qt_free(t2);
	if (t3)
		qt_free(t3);
	free(t1);
	free(t2);
	free(t3);
}

PL_TEST(sim, units_like_tc)
{
	static const struct {
		const char *in;
		uint64_t rate; /* 0 = must fail */
	} rates[] = {
		{"1mbit", 1000000},   {"800kbit", 800000},
		{"1mbps", 8000000},   {"100", 100},
		{"1kibit", 1024},     {"2Gbit", 2000000000},
		{"1.5mbit", 1500000}, {"1mbt", 0},
		{"-1mbit", 0},	      {"", 0},
	};
	static const struct {
		const char *in;
		uint32_t bytes;
	} sizes[] = {
		{"32kbit", 4096}, {"1kb", 1024}, {"1k", 1024},	{"1500", 1500},
		{"1mb", 1048576}, {"2b", 2},	 {"3kbyte", 0},
	};
	struct sim_qdisc_spec spec;
	uint64_t v, ns;
	char err[200];
	uint32_t b;
	double p;
	size_t i;

	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		pl_subtest("rate %s", rates[i].in);
		if (rates[i].rate)
			ASSERT_TRUE(!pl_parse_rate(rates[i].in, &v) && v == rates[i].rate, "rate");
		else
			ASSERT_ERR(pl_parse_rate(rates[i].in, &v), "bad rate");
	}
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		pl_subtest("size %s", sizes[i].in);
		if (sizes[i].bytes)
			ASSERT_TRUE(!pl_parse_size(sizes[i].in, &b) && b == sizes[i].bytes, "size");
		else
			ASSERT_ERR(pl_parse_size(sizes[i].in, &b), "bad size");
	}
	pl_subtest("times and probabilities");
	ASSERT_TRUE(!pl_parse_time("400ms", &ns) && ns == 400000000ULL, "400ms");
	ASSERT_TRUE(!pl_parse_time("10", &ns) && ns == 10000, "bare = us");
	ASSERT_TRUE(!pl_parse_time("1.5s", &ns) && ns == 1500000000ULL, "1.5s");
	ASSERT_ERR(pl_parse_time("5min", &ns), "bad time");
	ASSERT_TRUE(!pl_parse_percent("10%", &p) && fabs(p - 0.1) < 1e-12, "10%");
	ASSERT_ERR(pl_parse_percent("110%", &p), "over 100%");
	pl_subtest("a bare percentage is percent, as tc's parse_percent");
	ASSERT_TRUE(!pl_parse_percent("10", &p) && fabs(p - 0.1) < 1e-12, "10 = 10%");
	ASSERT_TRUE(!pl_parse_percent("0.1", &p) && fabs(p - 0.001) < 1e-12, "0.1 = 0.1%");
	ASSERT_ERR(pl_parse_percent("110", &p), "110 = over 100%");
	pl_subtest("netem loss=10 in a spec is 10%%");
	if (ASSERT_OK(pl_sim_spec_parse_qdisc("netem", "delay=10ms,loss=10,duplicate=0.5", &spec,
					      err, sizeof(err)),
		      err)) {
		ASSERT_TRUE(fabs(spec.qd.netem.loss - 0.1) < 1e-12, "loss 10%");
		ASSERT_TRUE(fabs(spec.qd.netem.duplicate - 0.005) < 1e-12, "duplicate 0.5%");
	}
}
