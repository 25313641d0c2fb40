/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `podlab test --shard I/N`: a stable split of scenario files into N shards.
 * A file's shard depends only on its name (the last path component), so it
 * is the same whatever the checkout's path, the argument order or the
 * machine; every file is in exactly one shard.
 */
#ifndef PL_REPLAY_SHARD_H
#define PL_REPLAY_SHARD_H

#include <stddef.h>

#define PL_SHARD_MAX 1000

struct pl_shard {
	int index; /* 1-based, 1 <= index <= count */
	int count;
};

/* "I/N" with 1 <= I <= N <= PL_SHARD_MAX. 0, or -EINVAL with why (for one error line). */
int pl_shard_parse(const char *s, struct pl_shard *out, char *why, size_t whylen);
/* The shard (1..count) a scenario file belongs to. */
int pl_shard_of(const char *path, int count);
/* Copies to sel (room for n) the files of shard sh, in their order; all when sh->count is 0. */
int pl_shard_select(char *const *files, int n, const struct pl_shard *sh, char **sel);

#endif /* PL_REPLAY_SHARD_H */
