/* SPDX-License-Identifier: GPL-2.0 */
/* The monotonic clock podlab times things with (CLOCK_MONOTONIC, as bpf_ktime_get_ns). */
#ifndef PL_CLOCK_H
#define PL_CLOCK_H

#include <stdint.h>

/* Nanoseconds of CLOCK_MONOTONIC. */
uint64_t pl_now_ns(void);
/* The same in seconds, for elapsed times. */
double pl_now(void);

#endif /* PL_CLOCK_H */
