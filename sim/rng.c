// SPDX-License-Identifier: GPL-2.0
/* xoshiro256** (Blackman, Vigna), seeded with splitmix64. */
#include <math.h>

#include "rng.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void pl_sim_rng_seed(struct sim_rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

uint64_t pl_sim_rng_u64(struct sim_rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

double pl_sim_rng_double(struct sim_rng *r)
{
	return (double)(pl_sim_rng_u64(r) >> 11) * 0x1.0p-53;
}

int pl_sim_rng_chance(struct sim_rng *r, double p)
{
	if (p <= 0)
		return 0;
	return pl_sim_rng_double(r) < p;
}

double pl_sim_rng_normal(struct sim_rng *r)
{
	/* 1 - u keeps log() away from 0 */
	double u1 = 1.0 - pl_sim_rng_double(r), u2 = pl_sim_rng_double(r);

	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

double pl_sim_rng_exp(struct sim_rng *r, double mean)
{
	return -mean * log(1.0 - pl_sim_rng_double(r));
}
