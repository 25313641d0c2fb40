// SPDX-License-Identifier: GPL-2.0
/* Open addressing with linear probing; grows at half full. */
#include <errno.h>
#include <stdlib.h>

#include "lib/u64map.h"

static uint32_t slot_of(uint64_t key, uint32_t cap)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdull; /* murmur3's finaliser: spreads sequential keys */
	key ^= key >> 33;
	return (uint32_t)key & (cap - 1);
}

int pl_u64map_get(const struct pl_u64map *m, uint64_t key)
{
	uint32_t i;

	if (!m->cap)
		return -1;
	for (i = slot_of(key, m->cap); m->vals[i] >= 0; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key)
			return m->vals[i];
	return -1;
}

static int grow(struct pl_u64map *m)
{
	struct pl_u64map g = {.cap = m->cap ? m->cap * 2 : 64};
	uint32_t i;

	g.keys = malloc(g.cap * sizeof(*g.keys));
	g.vals = malloc(g.cap * sizeof(*g.vals));
	if (!g.keys || !g.vals) {
		free(g.keys);
		free(g.vals);
		return -ENOMEM;
	}
	for (i = 0; i < g.cap; i++)
		g.vals[i] = -1;
	for (i = 0; i < m->cap; i++)
		if (m->vals[i] >= 0)
			pl_u64map_put(&g, m->keys[i], m->vals[i]);
	pl_u64map_free(m);
	*m = g;
	return 0;
}

int pl_u64map_put(struct pl_u64map *m, uint64_t key, int val)
{
	uint32_t i;
	int err;

	if ((m->n + 1) * 2 > m->cap && (err = grow(m)))
		return err;
	for (i = slot_of(key, m->cap); m->vals[i] >= 0; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			m->vals[i] = val;
			return 0;
		}
	}
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
	return 0;
}

void pl_u64map_free(struct pl_u64map *m)
{
	free(m->keys);
	free(m->vals);
	m->keys = NULL;
	m->vals = NULL;
	m->cap = m->n = 0;
}

uint64_t pl_u64map_hash(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 1469598103934665603ull;

	while (len--)
		h = (h ^ *p++) * 1099511628211ull;
	return h;
}
