// SPDX-License-Identifier: GPL-2.0
/* tc's units (iproute2 tc_util.c semantics), IPv4 addresses and prefixes. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

#include "topo/topo_units.h"

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

int topo_parse_rate(const char *s, uint64_t *bits_per_s)
{
	double v;
	int err;

	err = parse_scaled(s, rate_units, 1e13, &v);
	if (err)
		return err;
	*bits_per_s = (uint64_t)llround(v);
	return 0;
}

int topo_parse_size(const char *s, uint32_t *bytes)
{
	double v;
	int err;

	err = parse_scaled(s, size_units, 4294967295., &v);
	if (err)
		return err;
	*bytes = (uint32_t)v;
	return 0;
}

int topo_parse_time(const char *s, uint64_t *ns)
{
	double v;
	int err;

	err = parse_scaled(s, time_units, 3600e9, &v);
	if (err)
		return err;
	*ns = (uint64_t)llround(v);
	return 0;
}

int topo_parse_percent(const char *s, double *frac)
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

int topo_parse_ipv4(const char *s, uint32_t *ip)
{
	struct in_addr a;

	/* inet_pton accepts exactly four decimal octets. */
	if (!s || inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*ip = a.s_addr;
	return 0;
}

int topo_parse_cidr(const char *s, uint32_t *ip, uint8_t *plen, int *has_len)
{
	char buf[32], *slash, *end;
	unsigned long len = 32;

	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	*has_len = !!slash;
	if (slash) {
		*slash = '\0';
		if (slash[1] < '0' || slash[1] > '9')
			return -EINVAL;
		len = strtoul(slash + 1, &end, 10);
		if (*end || len > 32)
			return -EINVAL;
	}
	if (topo_parse_ipv4(buf, ip))
		return -EINVAL;
	*plen = (uint8_t)len;
	return 0;
}

int topo_cidr_contains(uint32_t net, uint8_t plen, uint32_t ip)
{
	uint32_t m = topo_mask(plen);

	return (ntohl(net) & m) == (ntohl(ip) & m);
}

int topo_cidr_within(uint32_t a, uint8_t alen, uint32_t b, uint8_t blen)
{
	return alen >= blen && topo_cidr_contains(b, blen, a);
}
