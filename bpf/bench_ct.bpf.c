// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Conntrack lookups in a loop, for tests/bench/bench_conntrack.c: each run
 * looks up `lookups` flows drawn at random among the benchmark's flows
 * 1..nflows-1 in ct (the datapath's conntrack map, reused by the benchmark)
 * and counts the hits. Flow i is saddr_base | i >> 16 : i & 0xffff -> daddr:dport
 * TCP, as the benchmark fills them; the draw covers the whole table, so its
 * size shows as cache misses. mem_reads is the memory's own latency: random
 * reads of an array of nflows 128-byte elements, each read's index depending
 * on the previous read (so they cannot overlap), no hashing.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "podlab.h"

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1); /* replaced by the datapath's map (bpf_map__reuse_fd) */
	__uint(key_size, sizeof(struct pl_ct_key));
	__uint(value_size, sizeof(struct pl_ct_entry));
} ct SEC(".maps");

/* One array element: two cache lines, about a conntrack element's size. */
struct pl_bench_line {
	__u64 v[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* sized to nflows by the benchmark */
	__type(key, __u32);
	__type(value, struct pl_bench_line);
} mem SEC(".maps");

const volatile __u32 lookups = 16384;
const volatile __u32 nflows = 2;
const volatile __u32 saddr_base; /* host order */
const volatile __u32 daddr;	 /* network order */
const volatile __u16 dport;	 /* network order */
__u64 hits;

static long lookup_one(__u32 n, void *ctx)
{
	__u32 i = 1 + bpf_get_prandom_u32() % (nflows - 1);
	struct pl_ct_key k = {
		.saddr = bpf_htonl(saddr_base | i >> 16),
		.daddr = daddr,
		.sport = bpf_htons(i & 0xffff),
		.dport = dport,
		.proto = 6,
	};

	if (bpf_map_lookup_elem(&ct, &k))
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

static long read_one(__u32 n, void *ctx)
{
	__u64 *c = ctx;
	__u32 i = (bpf_get_prandom_u32() + (__u32)(c[1])) % nflows;
	struct pl_bench_line *l = bpf_map_lookup_elem(&mem, &i);

	if (l) {
		c[0]++;
		c[1] = l->v[0];
	}
	return 0;
}

SEC("tc")
int mem_reads(struct __sk_buff *skb)
{
	__u64 n[2] = {0, 0};

	bpf_loop(lookups, read_one, n, 0);
	hits += n[0];
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
