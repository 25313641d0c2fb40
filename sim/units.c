// SPDX-License-Identifier: GPL-2.0
/* tc(8) number + unit parsing (same unit words and multipliers as tc). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "units.h"

struct unit {
	const char *name;
	double mult;
};

static const struct unit rate_units[] = {
	{"", 1},
	{"bit", 1},
	{"kbit", 1e3},
	{"mbit", 1e6},
	{"gbit", 1e9},
	{"tbit", 1e12},
	{"kibit", 1024.},
	{"mibit", 1048576.},
	{"gibit", 1073741824.},
	{"tibit", 1099511627776.},
	{"bps", 8},
	{"kbps", 8e3},
	{"mbps", 8e6},
	{"gbps", 8e9},
	{"tbps", 8e12},
	{"kibps", 8 * 1024.},
	{"mibps", 8 * 1048576.},
	{"gibps", 8 * 1073741824.},
	{"tibps", 8 * 1099511627776.},
	{NULL, 0},
};

static const struct unit size_units[] = {
	{"", 1},
	{"b", 1},
	{"k", 1024},
	{"kb", 1024},
	{"m", 1048576},
	{"mb", 1048576},
	{"g", 1073741824.},
	{"gb", 1073741824.},
	{"kbit", 1024 / 8.},
	{"mbit", 1048576 / 8.},
	{"gbit", 1073741824 / 8.},
	{NULL, 0},
};

static const struct unit time_units[] = {
	{"", 1e3},     {"s", 1e9},     {"sec", 1e9}, {"secs", 1e9}, {"ms", 1e6},
	{"msec", 1e6}, {"msecs", 1e6}, {"us", 1e3},  {"usec", 1e3}, {"usecs", 1e3},
	{"ns", 1},     {"nsec", 1},    {"nsecs", 1}, {NULL, 0},
};

static int parse_unit(const char *s, const struct unit *units, double max, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !isfinite(v) || v < 0)
		return -EINVAL;
	for (; units->name; units++) {
		if (!strcasecmp(end, units->name)) {
			v *= units->mult;
			if (v > max)
				return -EINVAL;
			*out = v;
			return 0;
		}
	}
	return -EINVAL;
}

int sim_parse_rate(const char *s, uint64_t *bits_per_sec)
{
	double v;

	if (parse_unit(s, rate_units, 1e15, &v) || v < 1)
		return -EINVAL;
	*bits_per_sec = (uint64_t)llround(v);
	return 0;
}

int sim_parse_size(const char *s, uint32_t *bytes)
{
	double v;

	if (parse_unit(s, size_units, 4294967295.0, &v))
		return -EINVAL;
	*bytes = (uint32_t)llround(v);
	return 0;
}

int sim_parse_time(const char *s, uint64_t *ns)
{
	double v;

	if (parse_unit(s, time_units, 1e18, &v))
		return -EINVAL;
	*ns = (uint64_t)llround(v);
	return 0;
}

int sim_parse_prob(const char *s, double *p)
{
	size_t n = s ? strlen(s) : 0;
	char *end;
	double v;

	if (!n)
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !isfinite(v))
		return -EINVAL;
	if (!strcmp(end, "%"))
		v /= 100;
	else if (*end)
		return -EINVAL;
	if (v < 0 || v > 1)
		return -EINVAL;
	*p = v;
	return 0;
}

const char *sim_fmt_rate(char *buf, int len, uint64_t bps)
{
	if (bps >= 1000000000ULL)
		snprintf(buf, len, "%ggbit", bps / 1e9);
	else if (bps >= 1000000)
		snprintf(buf, len, "%gmbit", bps / 1e6);
	else if (bps >= 1000)
		snprintf(buf, len, "%gkbit", bps / 1e3);
	else
		snprintf(buf, len, "%llubit", (unsigned long long)bps);
	return buf;
}
