// SPDX-License-Identifier: GPL-2.0
/*
 * Maglev tables of services' backends (harness/svc/maglev.c) looked up with
 * the datapath's own flow hash (pl_svc_hash, podlab.h): 1M flows spread
 * within 1% of even, and removing one of N backends moves at most 1.2/N of
 * them. A naive hash % N shows the moved-flows check rejects what it must.
 */
#include <errno.h>
#include <stdlib.h>

#include "test.h"
#include "podlab.h"
#include "svc/maglev.h"

#define FLOWS	 1000000u
#define VIP	 0x0a0060c0u /* 192.96.0.10 as stored: any fixed address */
#define MAX_BACK 16

struct flow {
	uint32_t saddr;
	uint16_t sport;
};

/* 1M client flows to VIP:80, deterministic (an LCG): the test never flakes. */
static struct flow *make_flows(void)
{
	struct flow *f = calloc(FLOWS, sizeof(*f));
	uint64_t x = 0x2545f4914f6cdd1dull;
	uint32_t i;

	for (i = 0; f && i < FLOWS; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		f[i].saddr = (uint32_t)(x >> 32) & 0xffff0000u ? (uint32_t)(x >> 32) : 1;
		f[i].sport = (uint16_t)(x >> 16) | 1024;
	}
	return f;
}

static uint32_t entry_of(const struct flow *f)
{
	return pl_svc_hash(f->saddr, VIP, f->sport, 0x5000, 6, 0) % PL_MAGLEV_M;
}

static void backends(uint32_t *addrs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		addrs[i] = 0x0af40000u + 0x100u * (i / 4) + 10 + i; /* 10.244.x.y, any distinct */
}

PL_TEST(unit, maglev_even_spread)
{
	static const int sizes[] = {2, 3, 5, 7, 10};
	uint16_t *table = calloc(PL_MAGLEV_M, sizeof(*table));
	struct flow *flows = make_flows();
	uint32_t addrs[MAX_BACK];
	unsigned k;

	if (!ASSERT_OK_PTR(table, "table") || !ASSERT_OK_PTR(flows, "flows"))
		goto out;
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		int n = sizes[k], i, worst = 0;
		uint32_t entries[MAX_BACK] = {0}, hits[MAX_BACK] = {0}, lo, hi, f;
		double even = (double)FLOWS / n, dev, maxdev = 0;

		backends(addrs, n);
		if (!ASSERT_OK(pl_maglev_build(addrs, n, table, PL_MAGLEV_M), "build"))
			goto out;
		for (f = 0; f < PL_MAGLEV_M; f++) {
			if (!ASSERT_LT(table[f], n, "every entry names a backend"))
				goto out;
			entries[table[f]]++;
		}
		lo = PL_MAGLEV_M / n;
		hi = lo + (PL_MAGLEV_M % n != 0);
		for (i = 0; i < n; i++) {
			ASSERT_GE(entries[i], lo, "a backend's entries: at least M/N rounded down");
			ASSERT_LE(entries[i], hi, "a backend's entries: at most M/N rounded up");
		}
		for (f = 0; f < FLOWS; f++)
			hits[table[entry_of(&flows[f])]]++;
		for (i = 0; i < n; i++) {
			dev = (hits[i] > even ? hits[i] - even : even - hits[i]) / even;
			if (dev > maxdev) {
				maxdev = dev;
				worst = i;
			}
		}
		if (pl_verbose())
			printf("maglev: %d backends, worst (%d) off even by %.3f%%\n", n, worst,
			       maxdev * 100);
		ASSERT_LE(maxdev, 0.01, "1M flows within 1% of even on every backend");
	}
out:
	free(table);
	free(flows);
}

/* Flows (of 1M) whose backend differs between two assignments of backend addresses. */
static uint32_t moved(const struct flow *flows, const uint16_t *t1, const uint32_t *a1,
		      const uint16_t *t2, const uint32_t *a2)
{
	uint32_t f, e, n = 0;

	for (f = 0; f < FLOWS; f++) {
		e = entry_of(&flows[f]);
		n += a1[t1[e]] != a2[t2[e]];
	}
	return n;
}

PL_TEST(unit, maglev_removal_moves_one_nth)
{
	static const int sizes[] = {3, 5, 10};
	uint16_t *before = calloc(PL_MAGLEV_M, sizeof(*before));
	uint16_t *after = calloc(PL_MAGLEV_M, sizeof(*after));
	uint16_t *naive1 = calloc(PL_MAGLEV_M, sizeof(*naive1));
	uint16_t *naive2 = calloc(PL_MAGLEV_M, sizeof(*naive2));
	struct flow *flows = make_flows();
	uint32_t all[MAX_BACK], rest[MAX_BACK];
	unsigned k;

	if (!ASSERT_OK_PTR(before, "table") || !ASSERT_OK_PTR(after, "table") ||
	    !ASSERT_OK_PTR(naive1, "table") || !ASSERT_OK_PTR(naive2, "table") ||
	    !ASSERT_OK_PTR(flows, "flows"))
		goto out;
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		int n = sizes[k], gone, i, j;
		uint32_t c, m, limit = (uint32_t)(1.2 * FLOWS / n);

		backends(all, n);
		if (!ASSERT_OK(pl_maglev_build(all, n, before, PL_MAGLEV_M), "build all"))
			goto out;
		for (gone = 0; gone < n; gone++) {
			for (i = 0, j = 0; i < n; i++)
				if (i != gone)
					rest[j++] = all[i];
			if (!ASSERT_OK(pl_maglev_build(rest, n - 1, after, PL_MAGLEV_M), "build"))
				goto out;
			m = moved(flows, before, all, after, rest);
			pl_subtest("%d backends, backend %d removed", n, gone);
			ASSERT_LE(m, limit, "removing one of N moves at most 1.2/N of the flows");
			if (pl_verbose())
				printf("maglev: %d backends, removing %d moved %u of %u\n", n, gone,
				       m, FLOWS);
		}
		/* The control: hash % N moves most flows, and the same check says so. */
		for (c = 0; c < PL_MAGLEV_M; c++) {
			naive1[c] = c % n;
			naive2[c] = c % (n - 1);
		}
		m = moved(flows, naive1, all, naive2, rest);
		ASSERT_GT(m, limit, "hash % N fails the moved-flows check");
	}
out:
	free(before);
	free(after);
	free(naive1);
	free(naive2);
	free(flows);
}

PL_TEST(unit, maglev_bad_arguments)
{
	uint32_t addrs[2] = {1, 2};
	uint16_t table[16];

	ASSERT_EQ(pl_maglev_build(addrs, 2, table, 16), -EINVAL, "a table size that is no prime");
	ASSERT_EQ(pl_maglev_build(addrs, 2, table, 1), -EINVAL, "fewer entries than backends");
	ASSERT_OK(pl_maglev_build(addrs, 2, table, 13), "13 entries, 2 backends");
	ASSERT_TRUE(table[0] < 2 && table[12] < 2, "every entry filled");
}
