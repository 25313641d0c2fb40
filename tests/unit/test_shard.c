// SPDX-License-Identifier: GPL-2.0
/* `podlab test --shard I/N`: parsing, and the split's stability and partition property. */
#include <stdio.h>
#include <stdlib.h>

#include "replay/report_wire.h"
#include "replay/shard.h"
#include "test.h"

PL_TEST(unit, shard_parse_valid)
{
	static const struct {
		const char *in;
		int index, count;
	} cases[] = {
		{"1/1", 1, 1},
		{"1/3", 1, 3},
		{"3/3", 3, 3},
		{"2/10", 2, 10},
		{"1000/1000", 1000, 1000},
		{"01/03", 1, 3},
	};
	struct pl_shard sh;
	char why[128];
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pl_subtest("%s", cases[i].in);
		sh = (struct pl_shard){0};
		if (!ASSERT_OK(pl_shard_parse(cases[i].in, &sh, why, sizeof(why)), "parse"))
			continue;
		ASSERT_EQ(sh.index, cases[i].index, "index");
		ASSERT_EQ(sh.count, cases[i].count, "count");
	}
}

PL_TEST(unit, shard_parse_bad)
{
	static const struct {
		const char *in, *why;
	} cases[] = {
		{"0/3", "index must be 1 to 3"},
		{"4/3", "index must be 1 to 3"},
		{"a/b", "two numbers"},
		{"1/0", "count must be at least 1"},
		{"0/0", "count must be at least 1"},
		{"3", "is not I/N"},
		{"", "is not I/N"},
		{"1/", "two numbers"},
		{"/3", "two numbers"},
		{" 1/3", "two numbers"},
		{"1/3 ", "two numbers"},
		{"+1/3", "two numbers"},
		{"-1/3", "two numbers"},
		{"1/3/4", "two numbers"},
		{"1.5/3", "two numbers"},
		{"1/1001", "at most 1000"},
		{"99999999999999999999/3", "at most 1000"},
	};
	struct pl_shard sh;
	char why[128];
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pl_subtest("'%s'", cases[i].in);
		sh = (struct pl_shard){0};
		why[0] = '\0';
		ASSERT_EQ(pl_shard_parse(cases[i].in, &sh, why, sizeof(why)), -EINVAL, "rejected");
		ASSERT_STRSTR(why, cases[i].why, "reason");
		ASSERT_TRUE(!strchr(why, '\n'), "one line");
		ASSERT_EQ(sh.count, 0, "output untouched");
	}
}

/* A change of these moves scenarios between the shards of existing CI setups. */
PL_TEST(unit, shard_of_is_pinned)
{
	ASSERT_EQ(pl_shard_of("cidr-policy.yaml", 3), 1, "cidr-policy 3");
	ASSERT_EQ(pl_shard_of("live-vxlan.yaml", 3), 2, "live-vxlan 3");
	ASSERT_EQ(pl_shard_of("malformed.yaml", 3), 3, "malformed 3");
	ASSERT_EQ(pl_shard_of("prefilter.yaml", 7), 4, "prefilter 7");
	ASSERT_EQ(pl_shard_of("cidr-policy.yaml", 2), 2, "cidr-policy 2");
	ASSERT_EQ(pl_shard_of("anything.yaml", 1), 1, "one shard");
}

/* Only the file name counts: not the checkout's path, nor how the file was named. */
PL_TEST(unit, shard_of_ignores_the_directory)
{
	static const char *const dirs[] = {"", "tests/scenarios/", "/work/main/tests/scenarios/",
					   "./", "../other/checkout/tests/scenarios/"};
	static const char *const names[] = {"cidr-policy.yaml", "live-native.yaml", "x.yaml"};
	char path[256];
	unsigned int d, k;
	int n;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		for (n = 1; n <= 9; n++) {
			int want = pl_shard_of(names[k], n);

			for (d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
				snprintf(path, sizeof(path), "%s%s", dirs[d], names[k]);
				pl_subtest("%s of %d", path, n);
				ASSERT_EQ(pl_shard_of(path, n), want, "same shard");
			}
		}
	}
}

/* What --shard k/n selects, for every k: each file exactly once, in argument order. */
PL_TEST(unit, shard_partition)
{
	enum { NFILES = 1000 };
	static char names[NFILES][64];
	static char *files[NFILES], *sel[NFILES];
	int seen[NFILES], n, i, k, m, last, total;
	struct pl_shard all = {0};

	for (i = 0; i < NFILES; i++) {
		snprintf(names[i], sizeof(names[i]), "dir%d/scenario-%d.yaml", i % 3, i);
		files[i] = names[i];
	}
	ASSERT_EQ(pl_shard_select(files, NFILES, &all, sel), NFILES, "no --shard: every file");
	for (n = 1; n <= 8; n++) {
		pl_subtest("%d shards", n);
		memset(seen, 0, sizeof(seen));
		total = 0;
		for (k = 1; k <= n; k++) {
			struct pl_shard sh = {.index = k, .count = n};

			m = pl_shard_select(files, NFILES, &sh, sel);
			total += m;
			for (i = 0, last = -1; i < m; i++) {
				int at = (int)(sel[i] - names[0]) / (int)sizeof(names[0]);

				ASSERT_GT(at, last, "argument order kept");
				ASSERT_EQ(pl_shard_of(sel[i], n), k,
					  "selected file is of this shard");
				seen[at]++;
				last = at;
			}
			/* Expected NFILES/n each; a hash with weak low bits lands far off. */
			ASSERT_GT(m, NFILES / n * 3 / 4, "shard not starved");
			ASSERT_LT(m, NFILES / n * 5 / 4 + 1, "shard not crowded");
		}
		ASSERT_EQ(total, NFILES, "union is every file");
		for (i = 0; i < NFILES; i++)
			if (!ASSERT_EQ(seen[i], 1, "in exactly one shard"))
				break;
	}
}

PL_TEST(unit, report_wire_roundtrip)
{
	char *lines[] = {"packet 1: verdict: expected DROPPED, got FORWARDED", "", "utf-8 ✓"};
	struct pl_scn_report in = {
		.file = "tests/scenarios/x.yaml",
		.name = "x <&> \"y\"",
		.outcome = PL_SCN_FAIL,
		.reason = NULL,
		.fails = {.lines = lines, .n = 3},
		.packets = 42,
		.seconds = 1.25,
	};
	struct pl_scn_report out;
	char *buf = NULL;
	size_t len = 0, cut;
	int i;

	if (!ASSERT_OK(pl_scn_report_encode(&in, &buf, &len), "encode"))
		return;
	if (ASSERT_OK(pl_scn_report_decode(buf, len, &out), "decode")) {
		ASSERT_STREQ(out.file, in.file, "file");
		ASSERT_STREQ(out.name, in.name, "name");
		ASSERT_TRUE(out.reason == NULL, "NULL reason stays NULL");
		ASSERT_EQ(out.outcome, PL_SCN_FAIL, "outcome");
		ASSERT_EQ(out.packets, 42, "packets");
		ASSERT_TRUE(out.seconds == 1.25, "seconds");
		if (ASSERT_EQ(out.fails.n, 3, "failure lines"))
			for (i = 0; i < 3; i++)
				ASSERT_STREQ(out.fails.lines[i], lines[i], "failure line");
		pl_scn_report_free(&out);
	}
	/* A child that died mid-write leaves a prefix: never a report. */
	for (cut = 0; cut < len; cut++) {
		pl_subtest("cut at %zu of %zu", cut, len);
		ASSERT_EQ(pl_scn_report_decode(buf, cut, &out), -EBADMSG, "cut report rejected");
		ASSERT_TRUE(!out.file && !out.name && !out.fails.n, "left empty");
	}
	buf[0] ^= 0xff;
	pl_subtest("bad magic");
	ASSERT_EQ(pl_scn_report_decode(buf, len, &out), -EBADMSG, "bad magic rejected");
	free(buf);
}
