// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the command line's numbers, rates, sizes and durations.
 * The input (up to a NUL) goes through every parser a value of podlab's
 * options meets: pl_parse_rate/size/time/percent (tc's units, also used by
 * topology files), pl_parse_uint/number (ports, counts, --ct-max, -j,
 * --timeout, --seconds) and the `podlab sim qdisc` specs of each qdisc kind
 * and of --load. What parses stays in range and prints back to the same
 * value; a qdisc spec that parses builds its model; an error is one line.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/units.h"
#include "qdisc_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one_line(const char *err, size_t len)
{
	if (!memchr(err, '\0', len) || !*err || strchr(err, '\n'))
		abort();
}

static void units(const char *s)
{
	char buf[64];
	uint64_t r, r2, t, t2, u, u2;
	uint32_t z, z2;
	double f;

	if (!pl_parse_rate(s, &r)) {
		if (r < 1 || r > 1000000000000000ull)
			abort();
		if (pl_parse_rate(pl_fmt_rate(r, buf, sizeof(buf)), &r2) || r2 != r)
			abort(); /* prints back to the same rate */
	}
	if (!pl_parse_size(s, &z) &&
	    (pl_parse_size(pl_fmt_size(z, buf, sizeof(buf)), &z2) || z2 != z))
		abort();
	if (!pl_parse_time(s, &t)) {
		if (t > 1000000000000000000ull)
			abort();
		if (pl_parse_time(pl_fmt_time(t, buf, sizeof(buf)), &t2) || t2 != t)
			abort();
	}
	if (!pl_parse_percent(s, &f) && !(f >= 0 && f <= 1))
		abort();
	if (!pl_parse_uint(s, 0, UINT64_MAX, &u)) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)u);
		if (pl_parse_uint(buf, 0, UINT64_MAX, &u2) || u2 != u)
			abort();
	}
	if (!pl_parse_uint(s, 1, 65535, &u) && (u < 1 || u > 65535))
		abort();
	if (!pl_parse_number(s, 1, 60, &f) && !(f >= 1 && f <= 60))
		abort();
}

static void qdisc(const char *kind, const char *s)
{
	struct sim_qdisc_opts qo = {0};
	struct sim_qdisc_spec *spec;
	struct sim_pkt_pool pool;
	struct sim_qdisc *q = NULL;
	char err[256], desc[1024];

	spec = calloc(1, sizeof(*spec));
	if (!spec)
		return;
	err[0] = '\0';
	if (pl_sim_spec_parse_qdisc(kind, s, spec, err, sizeof(err))) {
		one_line(err, sizeof(err));
		goto out;
	}
	pl_sim_spec_describe(spec, desc, sizeof(desc));
	if (!memchr(desc, '\0', sizeof(desc)))
		abort();
	pl_sim_pkt_pool_init(&pool);
	qo.pool = &pool;
	qo.seed = 1;
	qo.jitter_dist = spec->dist;
	err[0] = '\0';
	if (pl_sim_qdisc_create(&spec->qd, &qo, &q, err, sizeof(err)))
		one_line(err, sizeof(err));
	else
		pl_sim_qdisc_destroy(q);
	pl_sim_pkt_pool_free(&pool);
out:
	free(spec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const kinds[] = {"pfifo", "tbf", "netem", "htb"};
	struct sim_load load;
	char *s, err[256] = "";
	unsigned int i;

	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	units(s);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		qdisc(kinds[i], s);
	if (pl_sim_spec_parse_load(s, &load, err, sizeof(err)))
		one_line(err, sizeof(err));
	else if (load.size < 1 || (load.stop_ns && load.stop_ns < load.start_ns))
		abort();
	free(s);
	return 0;
}
