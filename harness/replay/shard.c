// SPDX-License-Identifier: GPL-2.0
/* Stable shards of scenario files: a hash of the file name, modulo the count. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/shard.h"

/* Digits only, no sign or blanks (strtol would take " +2"), value 0..PL_SHARD_MAX. */
static int parse_count(const char *s, size_t len, int *out)
{
	size_t i;
	int v = 0;

	if (!len)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
		if (v > PL_SHARD_MAX)
			return -ERANGE;
	}
	*out = v;
	return 0;
}

int pl_shard_parse(const char *s, struct pl_shard *out, char *why, size_t whylen)
{
	const char *slash = strchr(s, '/');
	int i, n, err;

	if (!slash) {
		snprintf(why, whylen, "'%s' is not I/N (e.g. 1/3)", s);
		return -EINVAL;
	}
	err = parse_count(s, slash - s, &i);
	if (!err)
		err = parse_count(slash + 1, strlen(slash + 1), &n);
	if (err == -ERANGE) {
		snprintf(why, whylen, "'%s': at most %d shards", s, PL_SHARD_MAX);
		return -EINVAL;
	}
	if (err) {
		snprintf(why, whylen, "'%s' is not I/N with two numbers (e.g. 1/3)", s);
		return -EINVAL;
	}
	if (n < 1) {
		snprintf(why, whylen, "'%s': the shard count must be at least 1", s);
		return -EINVAL;
	}
	if (i < 1 || i > n) {
		snprintf(why, whylen, "'%s': the shard index must be 1 to %d", s, n);
		return -EINVAL;
	}
	out->index = i;
	out->count = n;
	return 0;
}

int pl_shard_of(const char *path, int count)
{
	const char *name = strrchr(path, '/');
	uint64_t h = 0xcbf29ce484222325ull;

	name = name ? name + 1 : path;
	for (; *name; name++) {
		h ^= (unsigned char)*name;
		h *= 0x100000001b3ull;
	}
	/* FNV-1a's low bits are the parity of the bytes: mix before the modulo (murmur3). */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return count > 0 ? (int)(h % (uint64_t)count) + 1 : 1;
}

int pl_shard_select(char *const *files, int n, const struct pl_shard *sh, char **sel)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		if (!sh->count || pl_shard_of(files[i], sh->count) == sh->index)
			sel[k++] = files[i];
	return k;
}
