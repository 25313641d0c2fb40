// SPDX-License-Identifier: GPL-2.0
/* Maglev lookup tables of services' backends (maglev.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "svc/maglev.h"

/* splitmix64's finaliser: a backend's address and a seed into 64 well-mixed bits. */
static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static bool is_prime(uint32_t m)
{
	uint32_t d;

	if (m < 2)
		return false;
	for (d = 2; (uint64_t)d * d <= m; d++)
		if (m % d == 0)
			return false;
	return true;
}

int pl_maglev_build(const uint32_t *addrs, int n, uint16_t *table, uint32_t m)
{
	uint32_t *offset = NULL, *skip = NULL, *next = NULL, filled = 0, c;
	int i, err = 0;

	if (!is_prime(m) || n < 0 || n >= UINT16_MAX || (uint32_t)n > m)
		return -EINVAL;
	if (!n)
		return 0;
	offset = calloc(n, sizeof(*offset));
	skip = calloc(n, sizeof(*skip));
	next = calloc(n, sizeof(*next));
	if (!offset || !skip || !next) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		offset[i] = mix64((uint64_t)addrs[i] << 1) % m;
		skip[i] = mix64((uint64_t)addrs[i] << 1 | 1) % (m - 1) + 1;
	}
	for (c = 0; c < m; c++)
		table[c] = UINT16_MAX; /* free */
	/* Each backend in turn takes the next entry of its permutation still free. */
	while (filled < m) {
		for (i = 0; i < n && filled < m; i++) {
			do {
				c = (uint32_t)(((uint64_t)offset[i] + (uint64_t)next[i] * skip[i]) %
					       m);
				next[i]++;
			} while (table[c] != UINT16_MAX);
			table[c] = (uint16_t)i;
			filled++;
		}
	}
out:
	free(offset);
	free(skip);
	free(next);
	return err;
}
