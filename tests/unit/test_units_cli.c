// SPDX-License-Identifier: GPL-2.0
/* The command line's plain numbers: pl_parse_uint and pl_parse_number. */
#include <errno.h>

#include "lib/units.h"
#include "test.h"

PL_TEST(unit, units_cli_numbers)
{
	static const struct {
		const char *s;
		uint64_t min, max;
		int err;
		uint64_t want;
	} ints[] = {
		{"80", 0, 65535, 0, 80},
		{"0", 0, 65535, 0, 0},
		{"65535", 0, 65535, 0, 65535},
		{"65536", 0, 65535, -ERANGE, 0},
		{"18446744073709551615", 0, UINT64_MAX, 0, UINT64_MAX},
		{"18446744073709551616", 0, UINT64_MAX, -ERANGE, 0},
		{"0", 1, 10, -ERANGE, 0},
		{"-1", 0, 65535, -EINVAL, 0},
		{"+1", 0, 65535, -EINVAL, 0},
		{" 1", 0, 65535, -EINVAL, 0},
		{"1 ", 0, 65535, -EINVAL, 0},
		{"0x10", 0, 65535, -EINVAL, 0},
		{"1e3", 0, 65535, -EINVAL, 0},
		{"", 0, 65535, -EINVAL, 0},
	};
	static const struct {
		const char *s;
		int err;
		double want;
	} nums[] = {
		{"2", 0, 2},	    {"2.5", 0, 2.5},	 {".5e1", 0, 5},      {"60", 0, 60},
		{"61", -ERANGE, 0}, {"0.5", -ERANGE, 0}, {"nan", -EINVAL, 0}, {"inf", -EINVAL, 0},
		{"-2", -EINVAL, 0}, {"2s", -EINVAL, 0},	 {"", -EINVAL, 0},
	};
	unsigned int i;
	uint64_t u;
	double d;

	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		pl_subtest("uint '%s' in %llu..%llu", ints[i].s, (unsigned long long)ints[i].min,
			   (unsigned long long)ints[i].max);
		u = 12345;
		ASSERT_EQ(pl_parse_uint(ints[i].s, ints[i].min, ints[i].max, &u), ints[i].err,
			  "result");
		ASSERT_EQ(u, ints[i].err ? 12345 : ints[i].want, "value");
	}
	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		pl_subtest("number '%s' in 1..60", nums[i].s);
		d = -1;
		ASSERT_EQ(pl_parse_number(nums[i].s, 1, 60, &d), nums[i].err, "result");
		if (!nums[i].err)
			ASSERT_TRUE(d == nums[i].want, "value");
	}
}
