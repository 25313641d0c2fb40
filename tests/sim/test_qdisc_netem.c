// SPDX-License-Identifier: GPL-2.0
/* netem against statistics: delay mean and spread, binomial loss/duplicate/reorder. */
#include "test.h"
#include "sim_test_util.h"

#define MS  1000000ULL
#define SEC 1000000000ULL
#define N   20000

static void moments(const struct qt *t, double *mean, double *sd, uint64_t *min, uint64_t *max)
{
	double s = 0, s2 = 0, d;
	uint64_t i;

	*min = UINT64_MAX;
	*max = 0;
	for (i = 0; i < t->ndelays; i++) {
		s += t->delays[i];
		*min = t->delays[i] < *min ? t->delays[i] : *min;
		*max = t->delays[i] > *max ? t->delays[i] : *max;
	}
	*mean = s / t->ndelays;
	for (i = 0; i < t->ndelays; i++) {
		d = t->delays[i] - *mean;
		s2 += d * d;
	}
	*sd = sqrt(s2 / (t->ndelays - 1));
}

/* N packets 1 ms apart (no queueing between them beyond the delay itself). */
static int run_n(const char *spec, struct qt *t, uint64_t seed)
{
	struct sim_load l = qt_cbr(8000000, 1000, 0); /* one per ms */
	struct sim_run_result res;

	l.stop_ns = N * MS;
	return qt_run("netem", spec, &l, 1, 0, 0, seed, t, &res);
}

/* uniform jitter: mean 100 ms, sd 20/sqrt(3) ms, all within 80..120 ms.
 * Bounds: 5 standard errors for the mean, 5% for the sd (its SE is ~0.4%). */
PL_TEST(sim, netem_delay_uniform_jitter)
{
	struct qt *t = calloc(1, sizeof(*t));
	double mean, sd, want_sd = 20e6 / sqrt(3), se;
	uint64_t min, max;

	if (!ASSERT_OK_PTR(t, "calloc") ||
	    !ASSERT_OK(run_n("delay=100ms,jitter=20ms", t, 1), "run"))
		goto out;
	ASSERT_EQ(t->ndelays, N, "all delivered");
	moments(t, &mean, &sd, &min, &max);
	se = want_sd / sqrt(N);
	if (pl_verbose())
		printf("netem uniform: mean %.3f ms sd %.3f ms (want %.3f) min %.3f max %.3f\n",
		       mean / 1e6, sd / 1e6, want_sd / 1e6, min / 1e6, max / 1e6);
	ASSERT_LT(fabs(mean - 100e6), 5 * se, "mean delay");
	ASSERT_LT(fabs(sd - want_sd), 0.05 * want_sd, "jitter spread");
	ASSERT_GE(min, 80 * MS, "min");
	ASSERT_LT(max, 120 * MS, "max");
out:
	if (t)
		qt_free(t);
	free(t);
}

PL_TEST(sim, netem_delay_normal_jitter)
{
	struct qt *t = calloc(1, sizeof(*t));
	double mean, sd, se = 10e6 / sqrt(N);
	uint64_t min, max;

	if (!ASSERT_OK_PTR(t, "calloc") ||
	    !ASSERT_OK(run_n("delay=100ms,jitter=10ms,dist=normal", t, 2), "run"))
		goto out;
	moments(t, &mean, &sd, &min, &max);
	if (pl_verbose())
		printf("netem normal: mean %.3f ms sd %.3f ms\n", mean / 1e6, sd / 1e6);
	ASSERT_LT(fabs(mean - 100e6), 5 * se, "mean delay");
	ASSERT_LT(fabs(sd - 10e6), 0.05 * 10e6, "sd");
	ASSERT_LT(min, 70 * MS, "tails reach past 3 sd");
out:
	if (t)
		qt_free(t);
	free(t);
}

PL_TEST(sim, netem_loss_binomial)
{
	struct qt *t = calloc(1, sizeof(*t));
	uint64_t lo, hi, lost;

	if (!ASSERT_OK_PTR(t, "calloc") || !ASSERT_OK(run_n("delay=100ms,loss=10%", t, 3), "run"))
		goto out;
	qt_binom99(N, 0.10, &lo, &hi);
	lost = t->drops[SIM_DROP_LOSS];
	if (pl_verbose())
		printf("netem loss 10%%: %llu of %d lost, 99%% bounds [%llu, %llu]\n",
		       (unsigned long long)lost, N, (unsigned long long)lo, (unsigned long long)hi);
	ASSERT_GE(lost, lo, "loss >= 99% lower bound");
	ASSERT_LE(lost, hi, "loss <= 99% upper bound");
	ASSERT_EQ(lost + t->deq, N, "lost + delivered = sent");
	ASSERT_TRUE(lo > 1800 && hi < 2200, "bounds are sane");
out:
	if (t)
		qt_free(t);
	free(t);
}

PL_TEST(sim, netem_duplicate_and_reorder_binomial)
{
	struct qt *t = calloc(1, sizeof(*t));
	uint64_t lo, hi, i, early = 0;

	if (!ASSERT_OK_PTR(t, "calloc") ||
	    !ASSERT_OK(run_n("delay=10ms,duplicate=5%", t, 4), "run dup"))
		goto out;
	qt_binom99(N, 0.05, &lo, &hi);
	ASSERT_GE(t->dups, lo, "duplicates >= lower bound");
	ASSERT_LE(t->dups, hi, "duplicates <= upper bound");
	ASSERT_EQ(t->deq, N + t->dups, "every duplicate is delivered too");
	qt_free(t);
	memset(t, 0, sizeof(*t));
	if (!ASSERT_OK(run_n("delay=10ms,reorder=25%", t, 5), "run reorder"))
		goto out;
	for (i = 0; i < t->ndelays; i++)
		early += t->delays[i] == 0;
	qt_binom99(N, 0.25, &lo, &hi);
	ASSERT_GE(early, lo, "sent-at-once >= lower bound");
	ASSERT_LE(early, hi, "sent-at-once <= upper bound");
out:
	if (t)
		qt_free(t);
	free(t);
}

/* rate=1mbit on a 2mbit offer: delivered at 1mbit until limit drops the rest */
PL_TEST(sim, netem_rate_and_limit)
{
	struct sim_load l = qt_cbr(2000000, 1000, 0);
	struct sim_load b = qt_burst(50, 1000);
	struct sim_run_result res;
	struct qt *t = calloc(1, sizeof(*t));
	double r;

	if (!ASSERT_OK_PTR(t, "calloc"))
		return;
	t->win_ns = 100 * MS;
	if (!ASSERT_OK(qt_run("netem", "rate=1mbit,limit=100", &l, 1, 10 * SEC, 0, 1, t, &res),
		       "run rate"))
		goto out;
	r = qt_rate(t, 0, 10, 100);
	ASSERT_LT(fabs(r - 1e6), 0.01e6, "rate within 1%");
	ASSERT_GT(t->drops[SIM_DROP_QUEUE_FULL], 1000, "limit drops");
	qt_free(t);
	memset(t, 0, sizeof(*t));
	if (!ASSERT_OK(qt_run("netem", "delay=1s,limit=20", &b, 1, 0, 0, 1, t, &res), "run limit"))
		goto out;
	ASSERT_EQ(t->drops[SIM_DROP_QUEUE_FULL], 30, "50 at once into limit 20");
out:
	qt_free(t);
	free(t);
}
