/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Units as tc(8) parses them (iproute2 tc_util.c), shared by the topology
 * parser and `podlab sim qdisc`. Unit names are case-insensitive.
 * Rates: bit kbit mbit gbit tbit (SI), kibit mibit gibit tibit (IEC), and
 * bps kbps mbps gbps tbps, kibps ... tibps which are BYTES per second; a bare
 * number is bit/s. Sizes: b, k|kb, m|mb, g|gb (x1024 bytes), kbit mbit gbit
 * (x1024 bits: 32kbit = 4096 bytes); a bare number is bytes; fractions are
 * cut as tc does. Times: s|sec|secs, ms|msec|msecs, us|usec|usecs, ns|nsec|nsecs;
 * a bare number is microseconds. Percentages: "10%" or "10" (tc's
 * parse_percent: a bare number is percent too), 0..100.
 * The number must start with a digit or '.'. All return 0 or -EINVAL/-ERANGE.
 */
#ifndef PL_UNITS_H
#define PL_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* 1 bit/s .. 1 Pbit/s. */
int pl_parse_rate(const char *s, uint64_t *bits_per_s);
int pl_parse_size(const char *s, uint32_t *bytes);
/* Up to 1e18 ns. */
int pl_parse_time(const char *s, uint64_t *ns);
/* "10%" or "10" -> 0.10. */
int pl_parse_percent(const char *s, double *frac);

/*
 * Command-line numbers: a decimal integer min..max, digits only (no sign,
 * space, base prefix or unit); -EINVAL when it is not a number, -ERANGE out
 * of range (overflow included).
 */
int pl_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* A finite number min..max as strtod reads one, from a digit or '.' ("2", ".5"; no sign, nan). */
int pl_parse_number(const char *s, double min, double max, double *out);

/* Exact and tc-like: "1500Kbit", "10Mbit", "12bit". */
const char *pl_fmt_rate(uint64_t bits_per_s, char *buf, size_t len);
/* "4Kb", "1Mb", "1500b". */
const char *pl_fmt_size(uint32_t bytes, char *buf, size_t len);
/* "400ms", "1500us", "2s". */
const char *pl_fmt_time(uint64_t ns, char *buf, size_t len);

#endif /* PL_UNITS_H */
