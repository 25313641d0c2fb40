// SPDX-License-Identifier: GPL-2.0
/* libpodlab: how full a node's conntrack map is, and what its programs counted there. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/datapath.h"

/*
 * Entries of a conntrack map, a batch at a time (bucket by bucket: entries
 * evicted meanwhile are not counted twice); key by key where the kernel has
 * no batch lookup, at most max (a deleted key restarts that walk).
 */
static int count_entries(int fd, uint32_t max, uint64_t *used)
{
	enum { CHUNK = 4096 };
	struct pl_ct_key *keys = calloc(CHUNK, sizeof(*keys)), key, next;
	struct pl_ct_entry *vals = calloc(CHUNK, sizeof(*vals));
	uint32_t batch = 0, count;
	bool first = true;
	int err = 0;

	*used = 0;
	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	for (;;) {
		LIBBPF_OPTS(bpf_map_batch_opts, bo);

		count = CHUNK;
		err = bpf_map_lookup_batch(fd, first ? NULL : &batch, &batch, keys, vals, &count,
					   &bo)
			      ? -errno
			      : 0;
		first = false;
		if (err && err != -ENOENT)
			break;
		*used += count;
		if (err == -ENOENT) {
			err = 0;
			goto out;
		}
	}
	if (*used || (err != -EINVAL && err != -EOPNOTSUPP && err != -524))
		goto out;
	err = 0;
	if (!bpf_map_get_next_key(fd, NULL, &next)) {
		do {
			(*used)++;
			key = next;
		} while (*used < max && !bpf_map_get_next_key(fd, &key, &next));
	}
out:
	free(keys);
	free(vals);
	return err;
}

int pl_ct_fill_fd(int ct_fd, int counters_fd, struct pl_ct_fill *out)
{
	struct bpf_map_info info = {0};
	uint32_t len = sizeof(info);
	__u32 slots[2] = {PL_COUNTER_CT_CREATED, PL_COUNTER_CT_UNTRACKED};
	uint64_t sum[2] = {0, 0};
	struct pl_counter_val v;
	int k, err = 0;

	memset(out, 0, sizeof(*out));
	if (bpf_obj_get_info_by_fd(ct_fd, &info, &len))
		return -errno;
	out->max = info.max_entries;
	err = count_entries(ct_fd, out->max, &out->used);
	if (err)
		return err;
	for (k = 0; k < 2 && !err; k++) {
		err = pl_counter_slot_read_fd(counters_fd, slots[k], &v);
		sum[k] = v.packets;
	}
	out->created = sum[0];
	out->untracked = sum[1];
	out->evicted = out->created > out->used ? out->created - out->used : 0;
	return err;
}

int pl_ct_fill(struct pl_datapath *dp, struct pl_ct_fill *out)
{
	return pl_ct_fill_fd(dp->map_fd[PL_MAP_CONNTRACK], dp->map_fd[PL_MAP_COUNTERS], out);
}
