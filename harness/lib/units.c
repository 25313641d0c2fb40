// SPDX-License-Identifier: GPL-2.0
/* tc's units (iproute2 tc_util.c semantics): parsing and printing. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "lib/units.h"

struct unit {
	const char *name;
	double scale;
};

/* tc's rate suffixes; "Bps" forms are bytes per second. */
static const struct unit rate_units[] = {
	{"", 1.},
	{"bit", 1.},
	{"kibit", 1024.},
	{"kbit", 1000.},
	{"mibit", 1024. * 1024.},
	{"mbit", 1000000.},
	{"gibit", 1024. * 1024. * 1024.},
	{"gbit", 1000000000.},
	{"tibit", 1024. * 1024. * 1024. * 1024.},
	{"tbit", 1000000000000.},
	{"bps", 8.},
	{"kibps", 8. * 1024.},
	{"kbps", 8000.},
	{"mibps", 8. * 1024. * 1024.},
	{"mbps", 8000000.},
	{"gibps", 8. * 1024. * 1024. * 1024.},
	{"gbps", 8000000000.},
	{"tibps", 8. * 1024. * 1024. * 1024. * 1024.},
	{"tbps", 8000000000000.},
	{NULL, 0},
};

/* tc's size suffixes: k/m/g are binary, the "bit" forms divide by 8. */
static const struct unit size_units[] = {
	{"", 1.},
	{"b", 1.},
	{"k", 1024.},
	{"kb", 1024.},
	{"kbit", 1024. / 8},
	{"m", 1024. * 1024.},
	{"mb", 1024. * 1024.},
	{"mbit", 1024. * 1024. / 8},
	{"g", 1024. * 1024. * 1024.},
	{"gb", 1024. * 1024. * 1024.},
	{"gbit", 1024. * 1024. * 1024. / 8},
	{NULL, 0},
};

static const struct unit time_units[] = {
	{"", 1e3}, /* tc: a bare number is microseconds */
	{"s", 1e9},	{"sec", 1e9},  {"secs", 1e9}, {"ms", 1e6},    {"msec", 1e6},
	{"msecs", 1e6}, {"us", 1e3},   {"usec", 1e3}, {"usecs", 1e3}, {"ns", 1.},
	{"nsec", 1.},	{"nsecs", 1.}, {NULL, 0},
};

static int parse_scaled(const char *s, const struct unit *units, double max, double *out)
{
	char *end;
	double v;

	if (!s || !*s || *s == '-' || *s == '+' || (*s != '.' && (*s < '0' || *s > '9')))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !isfinite(v) || v < 0)
		return -EINVAL;
	for (; units->name; units++) {
		if (strcasecmp(units->name, end))
			continue;
		v *= units->scale;
		if (v > max)
			return -ERANGE;
		*out = v;
		return 0;
	}
	return -EINVAL;
}

int pl_parse_rate(const char *s, uint64_t *bits_per_s)
{
	double v;
	int err;

	err = parse_scaled(s, rate_units, 1e15, &v);
	if (err)
		return err;
	if (v < 1)
		return -EINVAL;
	*bits_per_s = (uint64_t)llround(v);
	return 0;
}

int pl_parse_size(const char *s, uint32_t *bytes)
{
	double v;
	int err;

	err = parse_scaled(s, size_units, 4294967295., &v);
	if (err)
		return err;
	*bytes = (uint32_t)v;
	return 0;
}

int pl_parse_time(const char *s, uint64_t *ns)
{
	double v;
	int err;

	err = parse_scaled(s, time_units, 1e18, &v);
	if (err)
		return err;
	*ns = (uint64_t)llround(v);
	return 0;
}

int pl_parse_percent(const char *s, double *frac)
{
	static const struct unit pct[] = {{"", 1.}, {"%", 1.}, {NULL, 0}};
	double v;
	int err;

	err = parse_scaled(s, pct, 100., &v);
	if (err)
		return err;
	*frac = v / 100.;
	return 0;
}

int pl_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int pl_parse_number(const char *s, double min, double max, double *out)
{
	static const struct unit bare[] = {{"", 1.}, {NULL, 0}};
	double v;
	int err;

	err = parse_scaled(s, bare, max, &v);
	if (err)
		return err;
	if (v < min)
		return -ERANGE;
	*out = v;
	return 0;
}

const char *pl_fmt_rate(uint64_t bps, char *buf, size_t len)
{
	static const char *const units[] = {"bit", "Kbit", "Mbit", "Gbit", "Tbit"};
	unsigned int i = 0;

	while (i < 4 && bps >= 1000 && bps % 1000 == 0) {
		bps /= 1000;
		i++;
	}
	snprintf(buf, len, "%llu%s", (unsigned long long)bps, units[i]);
	return buf;
}

const char *pl_fmt_size(uint32_t bytes, char *buf, size_t len)
{
	if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
		snprintf(buf, len, "%uMb", bytes / (1024 * 1024));
	else if (bytes >= 1024 && bytes % 1024 == 0)
		snprintf(buf, len, "%uKb", bytes / 1024);
	else
		snprintf(buf, len, "%ub", bytes);
	return buf;
}

const char *pl_fmt_time(uint64_t ns, char *buf, size_t len)
{
	static const char *const units[] = {"ns", "us", "ms", "s"};
	unsigned int i = 0;

	while (i < 3 && ns >= 1000 && ns % 1000 == 0) {
		ns /= 1000;
		i++;
	}
	snprintf(buf, len, "%llu%s", (unsigned long long)ns, units[i]);
	return buf;
}
