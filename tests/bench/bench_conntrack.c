// SPDX-License-Identifier: GPL-2.0
/*
 * bench_conntrack: what a conntrack lookup costs as the table fills: 10k,
 * 100k and 1M flows in one 1,048,576-entry map (`conntrack: {max: 1048576}`),
 * side by side in one process, each as a ratio to the 10k case. Two views:
 * from_pod on one tracked flow under BPF_PROG_TEST_RUN (repeat: the same
 * flow every time, its entry stays in cache), and lookups of random tracked
 * flows in the datapath's own map (bpf/bench_ct.bpf.c, 16384 per run), where
 * the table's size shows as cache misses. Runs in a private netns it unshares.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/pkt_cls.h>

#include "bench_ct.skel.h"
#include "lib/datapath.h"
#include "lib/log.h"
#include "lib/pkt.h"

#define CT_MAX	   1048576u
#define PACKETS	   1000000u /* from_pod: per trial, in one test_run */
#define TRIALS	   3	    /* from_pod: median of */
#define KEYS	   16384u   /* lookups per bench_ct run (PL_BENCH_KEYS) */
#define RUNS	   64	    /* bench_ct: median of */
#define FILL_CHUNK 65536u

static const uint32_t fills[] = {10000, 100000, 1000000};
#define NFILLS (sizeof(fills) / sizeof(fills[0]))

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

/* Flow i of the table: 10.128.x.y:port -> B:80 TCP; flow 0 is A:40000 -> B:80 (from_pod's). */
static struct pl_ct_key flow(uint32_t i)
{
	struct pl_ct_key k = {.daddr = ip4("10.244.1.20"), .dport = htons(80), .proto = 6};

	if (!i) {
		k.saddr = ip4("10.244.1.10");
		k.sport = htons(40000);
	} else {
		k.saddr = htonl(0x0a800000u | i >> 16);
		k.sport = htons(i & 0xffff);
	}
	return k;
}

/* Adds flows [from, to) to the conntrack map, a batch at a time. */
static int fill(int fd, uint32_t from, uint32_t to)
{
	struct pl_ct_key *keys = calloc(FILL_CHUNK, sizeof(*keys));
	struct pl_ct_entry *vals = calloc(FILL_CHUNK, sizeof(*vals));
	uint32_t i, n, count;
	int err = 0;

	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	for (; from < to && !err; from += n) {
		LIBBPF_OPTS(bpf_map_batch_opts, bo); /* elem_flags: only BPF_F_LOCK */

		n = to - from < FILL_CHUNK ? to - from : FILL_CHUNK;
		for (i = 0; i < n; i++) {
			keys[i] = flow(from + i);
			vals[i].packets = 1;
		}
		count = n;
		if (bpf_map_update_batch(fd, keys, vals, &count, &bo))
			err = pl_err_errno(-errno, "filling conntrack (%u of %u set)", count, n);
	}
out:
	free(keys);
	free(vals);
	return err;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* from_pod on the tracked flow 0: ns per packet, median of TRIALS. */
static double from_pod_ns(struct pl_datapath *dp, const uint8_t *pkt, int len, uint32_t ifindex,
			  int *err)
{
	struct __sk_buff skb = {.ifindex = ifindex};
	double t[TRIALS];
	uint8_t out[256];
	int i;

	for (i = 0; i < TRIALS; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len,
			    .data_out = out, .data_size_out = sizeof(out), .ctx_in = &skb,
			    .ctx_size_in = sizeof(skb), .repeat = PACKETS);

		if (bpf_prog_test_run_opts(pl_datapath_prog_fd(dp, PL_PROG_FROM_POD), &o)) {
			*err = -errno;
			return 0;
		}
		if (o.retval != TC_ACT_REDIRECT) {
			fprintf(stderr, "bench_conntrack: from_pod returned %u, expected %d\n",
				o.retval, TC_ACT_REDIRECT);
			*err = -EPROTO;
			return 0;
		}
		t[i] = o.duration;
	}
	qsort(t, TRIALS, sizeof(t[0]), cmp_double);
	return t[TRIALS / 2];
}

/* KEYS random flows of the first n into the bench program's keys array. */
static int pick_keys(struct bench_ct *b, uint32_t n, uint64_t *seed)
{
	struct pl_ct_key k;
	uint32_t i;

	for (i = 0; i < KEYS; i++) {
		*seed ^= *seed << 13; /* xorshift64: the same flows on every run */
		*seed ^= *seed >> 7;
		*seed ^= *seed << 17;
		k = flow((uint32_t)(*seed % n));
		if (bpf_map_update_elem(bpf_map__fd(b->maps.keys), &i, &k, BPF_ANY))
			return pl_err_errno(-errno, "writing the bench keys");
	}
	return 0;
}

/* ns per lookup of a random tracked flow, median of RUNS; every lookup must hit. */
static double lookup_ns(struct bench_ct *b, const uint8_t *pkt, int len, int *err)
{
	double t[RUNS];
	int i;

	b->bss->hits = 0;
	for (i = 0; i < RUNS; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len, .repeat = 1);

		if (bpf_prog_test_run_opts(bpf_program__fd(b->progs.ct_lookups), &o)) {
			*err = -errno;
			return 0;
		}
		t[i] = (double)o.duration / KEYS;
	}
	if (b->bss->hits != (uint64_t)KEYS * RUNS) {
		fprintf(stderr, "bench_conntrack: %llu of %llu lookups hit: flows were evicted\n",
			(unsigned long long)b->bss->hits, (unsigned long long)KEYS * RUNS);
		*err = -EPROTO;
		return 0;
	}
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	return t[RUNS / 2];
}

/* The kernel's memory charge of map fd (fdinfo "memlock:"), 0 when unknown. */
static unsigned long long map_memlock(int fd)
{
	unsigned long long v = 0;
	char path[64], line[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %llu", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

static int setup_netns(void)
{
	static const char *const cmds[] = {
		"ip link add poda type veth peer name poda-p",
		"ip link add podb type veth peer name podb-p",
		"ip link set poda up && ip link set poda-p up",
		"ip link set podb up && ip link set podb-p up",
	};
	size_t i;

	if (unshare(CLONE_NEWNET))
		return pl_err_errno(-errno, "unshare(CLONE_NEWNET)");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (system(cmds[i])) {
			pl_err("bench netns: '%s' failed", cmds[i]);
			return -EIO;
		}
	return 0;
}

static int program_node(struct pl_datapath *dp)
{
	struct pl_endpoint_info a = {
		.ifindex = if_nametoindex("poda"), .identity = 1000, .ep_id = 1};
	struct pl_endpoint_info b = {
		.ifindex = if_nametoindex("podb"), .identity = 2000, .ep_id = 2};
	int err;

	err = pl_endpoint_add(dp, ip4("10.244.1.10"), &a);
	return err ?: pl_endpoint_add(dp, ip4("10.244.1.20"), &b);
}

int main(void)
{
	struct pl_datapath_opts opts = {.routing = PL_ROUTING_NATIVE, .ct_max = CT_MAX};
	struct pl_pkt_spec spec = {.saddr = ip4("10.244.1.10"),
				   .daddr = ip4("10.244.1.20"),
				   .proto = 6,
				   .sport = 40000,
				   .dport = 80,
				   .tcp_flags = 0x10,
				   .ttl = 64};
	double pod[NFILLS], look[NFILLS];
	uint64_t used[NFILLS], seed = 0x9e3779b97f4a7c15ull;
	struct pl_datapath *dp = NULL;
	struct bench_ct *b = NULL;
	struct pl_ct_fill f;
	uint8_t pkt[128];
	int len, err;
	size_t i;

	pl_log_init(0);
	if (geteuid() != 0) {
		fprintf(stderr,
			"bench_conntrack: SKIP: needs root (BPF_PROG_TEST_RUN, a private netns)\n");
		return PL_EXIT_ENV;
	}
	if ((err = setup_netns()))
		return PL_EXIT_RUNTIME;
	len = pl_pkt_build(&spec, pkt, sizeof(pkt));
	if (len < 0 || (err = pl_datapath_load(&opts, &dp)) || (err = program_node(dp)))
		goto out;
	b = bench_ct__open();
	if (!b || bpf_map__reuse_fd(b->maps.ct, dp->map_fd[PL_MAP_CONNTRACK]) ||
	    bench_ct__load(b)) {
		err = pl_err_errno(-errno, "loading bench_ct on the datapath's conntrack map");
		goto out;
	}
	for (i = 0; i < NFILLS; i++) {
		if ((err = fill(dp->map_fd[PL_MAP_CONNTRACK], i ? fills[i - 1] : 0, fills[i])) ||
		    (err = pl_ct_fill(dp, &f)))
			goto out;
		used[i] = f.used;
		if (f.used != fills[i]) {
			pl_err("%u flows filled, %llu present: the map evicted while filling",
			       fills[i], (unsigned long long)f.used);
			err = -EPROTO;
			goto out;
		}
		pod[i] = from_pod_ns(dp, pkt, len, if_nametoindex("poda"), &err);
		if (err || (err = pick_keys(b, fills[i], &seed)))
			goto out;
		look[i] = lookup_ns(b, pkt, len, &err);
		if (err)
			goto out;
	}
	printf("conntrack: one LRU map of %u entries (%u bytes of key and value, %.0f MiB in the "
	       "kernel), filled to\n",
	       CT_MAX, (unsigned)(sizeof(struct pl_ct_key) + sizeof(struct pl_ct_entry)),
	       map_memlock(dp->map_fd[PL_MAP_CONNTRACK]) / 1048576.0);
	printf("%-36s %14s %14s %14s\n", "", "10k flows", "100k flows", "1M flows");
	printf("%-36s %14llu %14llu %14llu\n", "entries present (none evicted)",
	       (unsigned long long)used[0], (unsigned long long)used[1],
	       (unsigned long long)used[2]);
	printf("%-36s %11.1f ns %7.1f (%.2fx) %7.1f (%.2fx)\n", "from_pod, one tracked flow",
	       pod[0], pod[1], pod[1] / pod[0], pod[2], pod[2] / pod[0]);
	printf("%-36s %11.1f ns %7.1f (%.2fx) %7.1f (%.2fx)\n", "lookup of a random tracked flow",
	       look[0], look[1], look[1] / look[0], look[2], look[2] / look[0]);
	/* Summary rows for make bench (tests/bench/summary.sh). */
	for (i = 1; i < NFILLS; i++) {
		printf("BENCH-ROW\tconntrack: from_pod on a tracked flow, %s entries\t%.1f ns/pkt\t"
		       "10k entries: %.1f ns/pkt\t%.3f\t<= 1.1\n",
		       i == 1 ? "100k" : "1M", pod[i], pod[0], pod[i] / pod[0]);
		printf("BENCH-ROW\tconntrack: lookup of a random tracked flow, %s entries\t"
		       "%.1f ns\t10k entries: %.1f ns\t%.3f\t<= 1.1\n",
		       i == 1 ? "100k" : "1M", look[i], look[0], look[i] / look[0]);
	}
out:
	bench_ct__destroy(b);
	pl_datapath_destroy(dp);
	if (err)
		pl_err_errno(err, "bench_conntrack");
	return err ? PL_EXIT_RUNTIME : PL_EXIT_OK;
}
