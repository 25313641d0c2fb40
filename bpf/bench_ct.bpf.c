// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Conntrack lookups in a loop, for tests/bench/bench_conntrack.c: each run
 * looks up `lookups` keys of the keys array, in order, in ct (the datapath's
 * conntrack map, reused by the benchmark), and counts the hits.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "podlab.h"

#define PL_BENCH_KEYS 16384

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1); /* replaced by the datapath's map (bpf_map__reuse_fd) */
	__uint(key_size, sizeof(struct pl_ct_key));
	__uint(value_size, sizeof(struct pl_ct_entry));
} ct SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PL_BENCH_KEYS);
	__type(key, __u32);
	__type(value, struct pl_ct_key);
} keys SEC(".maps");

const volatile __u32 lookups = PL_BENCH_KEYS;
__u64 hits;

static long lookup_one(__u32 i, void *ctx)
{
	struct pl_ct_key *k = bpf_map_lookup_elem(&keys, &i);

	if (k && bpf_map_lookup_elem(&ct, k))
		(*(__u64 *)ctx)++;
	return 0;
}

SEC("tc")
int ct_lookups(struct __sk_buff *skb)
{
	__u64 n = 0;

	bpf_loop(lookups, lookup_one, &n, 0);
	hits += n;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
