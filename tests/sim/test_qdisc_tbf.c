// SPDX-License-Identifier: GPL-2.0
/* tbf against closed forms: long-run rate, initial burst, byte limit. */
#include "test.h"
#include "sim_test_util.h"

#define MS  1000000ULL
#define SEC 1000000000ULL

/* 1mbit, burst 32kbit (4096 B), latency 400ms; 2mbit offered: long run = rate +- 1% */
PL_TEST(sim, tbf_long_run_rate)
{
	struct sim_load l = qt_cbr(2000000, 1000, 0);
	struct sim_run_result res;
	struct qt *t = calloc(1, sizeof(*t));
	double r;

	if (!ASSERT_OK_PTR(t, "calloc"))
		return;
	t->win_ns = 100 * MS;
	if (!ASSERT_OK(qt_run("tbf", "rate=1mbit,burst=32kbit,latency=400ms", &l, 1, 20 * SEC, 0, 1,
			      t, &res),
		       "run"))
		goto out;
	r = qt_rate(t, 0, 10, 200); /* 1 s .. 20 s */
	if (pl_verbose())
		printf("tbf 1mbit long run: %.1f bit/s, drops %llu\n", r,
		       (unsigned long long)t->drops[SIM_DROP_QUEUE_FULL]);
	ASSERT_GT(r, 1000000 * 0.99, "rate >= 0.99 * 1mbit");
	ASSERT_LT(r, 1000000 * 1.01, "rate <= 1.01 * 1mbit");
	/* tokens bound every prefix: out(T) <= burst + rate*T */
	ASSERT_LE(t->bytes[0], 4096 + 1000000 / 8 * 20, "never more than burst + rate*T");
	/* half the offered load cannot fit: drops happen */
	ASSERT_GT(t->drops[SIM_DROP_QUEUE_FULL], 2000, "queue-full drops");
out:
	qt_free(t);
	free(t);
}

/* Initial burst: floor(4096/1000) = 4 packets leave at t=0, the 5th when
 * 904 more bytes of tokens arrived (7.232 ms), then one every 8 ms. */
PL_TEST(sim, tbf_initial_burst_then_rate)
{
	struct sim_load l = qt_burst(10, 1000);
	struct sim_run_result res;
	struct qt *t = calloc(1, sizeof(*t));
	uint64_t i;

	if (!ASSERT_OK_PTR(t, "calloc"))
		return;
	if (!ASSERT_OK(
		    qt_run("tbf", "rate=1mbit,burst=4096,latency=400ms", &l, 1, 0, 0, 1, t, &res),
		    "run"))
		goto out;
	if (!ASSERT_EQ(t->ndelays, 10, "all 10 leave"))
		goto out;
	for (i = 0; i < 4; i++)
		ASSERT_EQ(t->deq_t[i], 0, "burst leaves at once");
	ASSERT_EQ(t->deq_t[4], 7232000, "5th waits for 904 bytes of tokens");
	for (i = 5; i < 10; i++)
		ASSERT_EQ(t->deq_t[i] - t->deq_t[i - 1], 8000000, "then 1000 B per 8 ms");
out:
	qt_free(t);
	free(t);
}

/* With a 100mbit link behind it the burst goes out back to back at line rate. */
PL_TEST(sim, tbf_burst_at_line_rate)
{
	struct sim_load l = qt_burst(6, 1000);
	struct sim_run_result res;
	struct qt *t = calloc(1, sizeof(*t));
	uint64_t i;

	if (!ASSERT_OK_PTR(t, "calloc"))
		return;
	if (!ASSERT_OK(qt_run("tbf", "rate=1mbit,burst=4096,latency=400ms", &l, 1, 0, 100000000, 1,
			      t, &res),
		       "run"))
		goto out;
	for (i = 0; i < 4; i++)
		ASSERT_EQ(t->deq_t[i], i * 80000, "one 1000 B frame per 80 us");
	ASSERT_GE(t->deq_t[4], 7232000, "then shaped");
out:
	qt_free(t);
	free(t);
}

/* limit = rate*latency + burst = 125000*0.4 + 4096 = 54096 B: 100 x 1000 B at
 * once -> 4 leave, 54 wait, 42 are dropped; a 5000 B packet never fits.
 * The last one waits latency + burst/rate: tc's latency counts a full bucket. */
PL_TEST(sim, tbf_limit_drops)
{
	struct sim_load l[2] = {qt_burst(100, 1000), qt_burst(1, 5000)};
	struct topo_tbf p = {.rate = 1000000, .burst = 4096, .latency_ns = 400 * MS};
	struct sim_run_result res;
	struct qt *t = calloc(1, sizeof(*t));
	uint64_t i, maxd = 0;

	if (!ASSERT_OK_PTR(t, "calloc"))
		return;
	ASSERT_EQ(pl_sim_tbf_limit(&p), 54096, "tc's limit from latency");
	if (!ASSERT_OK(
		    qt_run("tbf", "rate=1mbit,burst=32kbit,latency=400ms", l, 2, 0, 0, 1, t, &res),
		    "run"))
		goto out;
	ASSERT_EQ(t->drops[SIM_DROP_QUEUE_FULL], 42, "queue-full drops");
	ASSERT_EQ(t->drops[SIM_DROP_OVERSIZE], 1, "oversize drop");
	ASSERT_EQ(t->deq, 58, "sent");
	for (i = 0; i < t->ndelays; i++)
		if (t->delays[i] > maxd)
			maxd = t->delays[i];
	/* the 54th queued waits for 54000 - 96 bytes of tokens: latency + burst/rate at most */
	ASSERT_EQ(maxd, (54000 - 96) * 8000ULL, "longest wait");
	ASSERT_LE(maxd, 400 * MS + 32768000, "<= latency + burst/rate");
out:
	qt_free(t);
	free(t);
}

PL_TEST(sim, tbf_peakrate)
{
	struct sim_load l = qt_burst(4, 1000);
	struct sim_run_result res;
	struct qt *t = calloc(1, sizeof(*t));

	if (!ASSERT_OK_PTR(t, "calloc"))
		return;
	/* bucket 4096 would pass 4 at once; peak 2mbit with a 1000 B mtu spaces them 4 ms */
	if (!ASSERT_OK(qt_run("tbf", "rate=1mbit,burst=4096,limit=100kb,peakrate=2mbit,mtu=1000",
			      &l, 1, 0, 0, 1, t, &res),
		       "run"))
		goto out;
	ASSERT_EQ(t->deq_t[0], 0, "first at once");
	ASSERT_EQ(t->deq_t[1], 4000000, "second after 1000 B at peakrate");
	ASSERT_EQ(t->deq_t[3], 12000000, "fourth");
out:
	qt_free(t);
	free(t);
}
