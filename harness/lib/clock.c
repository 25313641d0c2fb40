// SPDX-License-Identifier: GPL-2.0
#include <time.h>

#include "lib/clock.h"

uint64_t pl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

double pl_now(void)
{
	return (double)pl_now_ns() / 1e9;
}
