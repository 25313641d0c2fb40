/* SPDX-License-Identifier: GPL-2.0 */
/* A set of 64-bit keys, each with an int: what compilers dedupe by, in O(1) not O(n). */
#ifndef PL_U64MAP_H
#define PL_U64MAP_H

#include <stddef.h>
#include <stdint.h>

struct pl_u64map {
	uint64_t *keys;
	int *vals; /* -1: empty slot */
	uint32_t cap, n;
};

/* The value stored for key, or -1. */
int pl_u64map_get(const struct pl_u64map *m, uint64_t key);
/* Stores key -> val (val >= 0), replacing; 0 or -ENOMEM. */
int pl_u64map_put(struct pl_u64map *m, uint64_t key, int val);
void pl_u64map_free(struct pl_u64map *m);
/* FNV-1a of len bytes: a key for what is not 64 bits. */
uint64_t pl_u64map_hash(const void *data, size_t len);

#endif /* PL_U64MAP_H */
