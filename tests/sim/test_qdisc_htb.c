// SPDX-License-Identifier: GPL-2.0
/* htb against closed forms: rates when backlogged, borrowing up to ceil, caps. */
#include <arpa/inet.h>

#include "test.h"
#include "sim_test_util.h"

#define MS  1000000ULL
#define SEC 1000000000ULL
#define TREE                                                                                       \
	"rate=10mbit;class=10:rate=3mbit,ceil=5mbit,dst=10.0.0.1;"                                 \
	"class=20:rate=7mbit,ceil=10mbit,dst=10.0.0.2;default=20"

static uint32_t ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

static int run_tree(const char *tree, struct sim_load *l, int n, struct qt *t)
{
	struct sim_run_result res;

	t->win_ns = 100 * MS;
	return qt_run("htb", tree, l, n, 10 * SEC, 0, 1, t, &res);
}

/* max over 100 ms windows of the bits sent by flows in mask, in bit/s */
static double peak_window(const struct qt *t, unsigned mask)
{
	double best = 0, b;
	int w, f;

	for (w = 1; w < 100; w++) {
		b = 0;
		for (f = 0; f < QT_MAX_FLOWS; f++)
			if (mask & (1u << f))
				b += t->wbytes[w][f] * 8.0 / 0.1;
		best = b > best ? b : best;
	}
	return best;
}

static bool near(double v, double want, double tol)
{
	return fabs(v - want) <= tol * want;
}

PL_TEST(sim, htb_backlogged_classes_get_their_rate)
{
	struct sim_load l[2] = {qt_cbr(8000000, 1000, ip("10.0.0.1")),
				qt_cbr(8000000, 1000, ip("10.0.0.2"))};
	struct qt *t = calloc(1, sizeof(*t));
	double a, b;

	if (!ASSERT_OK_PTR(t, "calloc") || !ASSERT_OK(run_tree(TREE, l, 2, t), "run"))
		goto out;
	a = qt_rate(t, 0, 10, 100);
	b = qt_rate(t, 1, 10, 100);
	if (pl_verbose())
		printf("htb 3/7 backlogged: %.3f / %.3f Mbit/s\n", a / 1e6, b / 1e6);
	ASSERT_TRUE(near(a, 3e6, 0.01), "1:10 gets 3mbit");
	ASSERT_TRUE(near(b, 7e6, 0.01), "1:20 gets 7mbit");
	ASSERT_LE(peak_window(t, 3), 10e6 * 1.02, "the parent's rate caps the sum");
out:
	if (t)
		qt_free(t);
	free(t);
}

PL_TEST(sim, htb_borrows_up_to_ceil_when_alone)
{
	struct sim_load la = qt_cbr(8000000, 1000, ip("10.0.0.1"));
	struct sim_load lb = qt_cbr(20000000, 1000, ip("10.0.0.2"));
	struct qt *t = calloc(1, sizeof(*t));
	double a, b;

	if (!ASSERT_OK_PTR(t, "calloc") || !ASSERT_OK(run_tree(TREE, &la, 1, t), "run a"))
		goto out;
	a = qt_rate(t, 0, 10, 100);
	ASSERT_TRUE(near(a, 5e6, 0.01), "1:10 alone borrows up to its ceil 5mbit");
	ASSERT_LE(peak_window(t, 1), 5e6 * 1.02, "and never above ceil");
	qt_free(t);
	memset(t, 0, sizeof(*t));
	if (!ASSERT_OK(run_tree(TREE, &lb, 1, t), "run b"))
		goto out;
	b = qt_rate(t, 0, 10, 100);
	if (pl_verbose())
		printf("htb alone: 1:10 %.3f, 1:20 %.3f Mbit/s\n", a / 1e6, b / 1e6);
	ASSERT_TRUE(near(b, 10e6, 0.01), "1:20 alone reaches ceil 10mbit = parent");
	ASSERT_LE(peak_window(t, 1), 10e6 * 1.02, "never above the parent");
out:
	if (t)
		qt_free(t);
	free(t);
}

/* rates 2+3 under a 10mbit parent, ceils 10: both get at least their rate and
 * together exactly the parent; excess shared by quantum (rate/10): 2:3 */
PL_TEST(sim, htb_excess_shared_and_parent_caps_sum)
{
	const char *tree = "rate=10mbit;class=10:rate=2mbit,ceil=10mbit,dst=10.0.0.1;"
			   "class=20:rate=3mbit,ceil=10mbit,dst=10.0.0.2";
	struct sim_load l[2] = {qt_cbr(20000000, 1000, ip("10.0.0.1")),
				qt_cbr(20000000, 1000, ip("10.0.0.2"))};
	struct qt *t = calloc(1, sizeof(*t));
	double a, b;

	if (!ASSERT_OK_PTR(t, "calloc") || !ASSERT_OK(run_tree(tree, l, 2, t), "run"))
		goto out;
	a = qt_rate(t, 0, 10, 100);
	b = qt_rate(t, 1, 10, 100);
	if (pl_verbose())
		printf("htb 2/3 with excess: %.3f / %.3f Mbit/s\n", a / 1e6, b / 1e6);
	ASSERT_TRUE(near(a + b, 10e6, 0.01), "sum = parent rate");
	ASSERT_GE(a, 2e6, "1:10 at least its rate");
	ASSERT_GE(b, 3e6, "1:20 at least its rate");
	ASSERT_TRUE(near(a, 4e6, 0.05), "1:10 = 2 + 5 * 2/5");
	ASSERT_LE(peak_window(t, 3), 10e6 * 1.02, "window peak <= parent");
out:
	if (t)
		qt_free(t);
	free(t);
}

/* prio 0 borrows first: rates 1+1, ceils 10 -> 9 and 1 */
PL_TEST(sim, htb_prio_borrows_first)
{
	const char *tree = "rate=10mbit;class=10:rate=1mbit,ceil=10mbit,prio=0,dst=10.0.0.1;"
			   "class=20:rate=1mbit,ceil=10mbit,prio=1,dst=10.0.0.2";
	struct sim_load l[2] = {qt_cbr(20000000, 1000, ip("10.0.0.1")),
				qt_cbr(20000000, 1000, ip("10.0.0.2"))};
	struct qt *t = calloc(1, sizeof(*t));

	if (!ASSERT_OK_PTR(t, "calloc") || !ASSERT_OK(run_tree(tree, l, 2, t), "run"))
		goto out;
	ASSERT_TRUE(near(qt_rate(t, 0, 10, 100), 9e6, 0.02), "prio 0: its rate + all excess");
	ASSERT_TRUE(near(qt_rate(t, 1, 10, 100), 1e6, 0.02), "prio 1: its rate");
out:
	if (t)
		qt_free(t);
	free(t);
}

/* default 30 does not exist: unclassified traffic takes the direct queue,
 * unshaped (here: the 100mbit link), like the kernel */
PL_TEST(sim, htb_missing_default_goes_direct)
{
	const char *tree = "rate=10mbit;class=10:rate=3mbit,ceil=5mbit,dst=10.0.0.1;"
			   "class=20:rate=7mbit,ceil=10mbit;default=30";
	struct sim_load l = qt_cbr(20000000, 1000, ip("10.0.0.9"));
	struct sim_run_result res;
	struct qt *t = calloc(1, sizeof(*t));

	if (!ASSERT_OK_PTR(t, "calloc"))
		return;
	t->win_ns = 100 * MS;
	if (!ASSERT_OK(qt_run("htb", tree, &l, 1, 10 * SEC, 100000000, 1, t, &res), "run"))
		goto out;
	ASSERT_TRUE(near(qt_rate(t, 0, 10, 100), 20e6, 0.01), "not shaped");
	ASSERT_EQ(t->drops[SIM_DROP_QUEUE_FULL], 0, "no drops");
out:
	qt_free(t);
	free(t);
}

PL_TEST(sim, htb_classify)
{
	struct sim_qdisc_spec spec;
	struct sim_qdisc_opts o = {0};
	struct sim_pkt_pool pool;
	struct sim_qdisc *q = NULL;
	struct sim_pkt p = {.proto = 17};
	char err[200];

	pl_sim_pkt_pool_init(&pool);
	o.pool = &pool;
	if (!ASSERT_OK(pl_sim_spec_parse_qdisc(
			       "htb",
			       "rate=10mbit;class=10:rate=1mbit,dst=10.1.0.0/16,dport=53;"
			       "class=20:rate=1mbit,proto=tcp;default=30",
			       &spec, err, sizeof(err)),
		       err))
		goto out;
	if (!ASSERT_OK(pl_sim_qdisc_create(&spec.qd, &o, &q, err, sizeof(err)), err))
		goto out;
	p.dst = ip("10.1.2.3");
	p.dport = 53;
	ASSERT_EQ(pl_sim_htb_classify(q, &p), 0x10, "prefix + port");
	p.dport = 54;
	ASSERT_EQ(pl_sim_htb_classify(q, &p), 0, "port mismatch: no default -> direct");
	p.proto = 6;
	ASSERT_EQ(pl_sim_htb_classify(q, &p), 0x20, "proto tcp");
	ASSERT_ERR(pl_sim_spec_parse_qdisc("htb", "rate=10mbit;class=10:rate=1mbit,ceil=xx", &spec,
					   err, sizeof(err)),
		   "bad ceil");
	ASSERT_STRSTR(err, "'xx'", "error names the token");
out:
	pl_sim_qdisc_destroy(q);
	pl_sim_pkt_pool_free(&pool);
}
