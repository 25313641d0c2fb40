/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tc(8) units. Rates: bit kbit mbit gbit tbit (SI, bits/s), bps kbps mbps
 * gbps tbps (BYTES/s), IEC kibit mibit ... kibps ...; a bare number is bit/s.
 * Sizes: b, kb|k, mb|m, gb|g (x1024 bytes), kbit mbit gbit (x1024 bits), bare = bytes.
 * Times: s|sec|secs, ms|msec|msecs, us|usec|usecs (bare = us), ns|nsec|nsecs.
 * Unit names are case-insensitive like tc's. All return 0 or -EINVAL.
 */
#ifndef PL_SIM_UNITS_H
#define PL_SIM_UNITS_H

#include <stdint.h>

int sim_parse_rate(const char *s, uint64_t *bits_per_sec);
int sim_parse_size(const char *s, uint32_t *bytes);
int sim_parse_time(const char *s, uint64_t *ns);
/* "10%" or "0.1" -> 0.1; must lie in [0, 1]. */
int sim_parse_prob(const char *s, double *p);

/* "3.5mbit", "800kbit", "12bit": the largest SI unit that keeps >= 1. */
const char *sim_fmt_rate(char *buf, int len, uint64_t bits_per_sec);

#endif /* PL_SIM_UNITS_H */
