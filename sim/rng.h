/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Seeded PRNG: xoshiro256** seeded through splitmix64. The same seed gives
 * the same sequence on every machine (no libc rand, no floating point in
 * the integer path).
 */
#ifndef PL_SIM_RNG_H
#define PL_SIM_RNG_H

#include <stdint.h>

struct sim_rng {
	uint64_t s[4];
};

void pl_sim_rng_seed(struct sim_rng *r, uint64_t seed);
uint64_t pl_sim_rng_u64(struct sim_rng *r);
/* Uniform in [0, 1) with 53 bits. */
double pl_sim_rng_double(struct sim_rng *r);
/* True with probability p (p <= 0 never, p >= 1 always). */
int pl_sim_rng_chance(struct sim_rng *r, double p);
/* Standard normal N(0,1) (Box-Muller, the second value is not cached). */
double pl_sim_rng_normal(struct sim_rng *r);
/* Exponential with the given mean. */
double pl_sim_rng_exp(struct sim_rng *r, double mean);

#endif /* PL_SIM_RNG_H */
