// SPDX-License-Identifier: GPL-2.0
/*
 * bench_conntrack: what a conntrack lookup costs as the table fills: 10k,
 * 100k and 1M flows, each in a 1,048,576-entry map (`conntrack: {max:
 * 1048576}`) of a datapath of its own, measured side by side in one process
 * (in interleaved rounds, so the machine's load drifts alike for all three)
 * as ratios to the 10k case. Two views: from_pod on one tracked flow under
 * BPF_PROG_TEST_RUN (repeat: the same flow every time, its entry stays in
 * cache), and lookups of random tracked flows, drawn over the whole table,
 * in the datapath's own map (bpf/bench_ct.bpf.c, 16384 per run), where the
 * table's size shows as cache misses, next to the memory's own latency at
 * that size (dependent random reads of an array of as many 128-byte elements). Runs in a private
 * netns it unshares.
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
#define PACKETS	   1000000u /* from_pod: per sample, in one test_run */
#define KEYS	   16384u   /* lookups per bench_ct run */
#define ROUNDS	   9	    /* samples: medians of ROUNDS (from_pod), ROUNDS * RUNS (lookups) */
#define RUNS	   8	    /* bench_ct runs per round */
#define FILL_CHUNK 65536u

static const uint32_t fills[] = {10000, 100000, 1000000};
#define NFILLS (sizeof(fills) / sizeof(fills[0]))

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

/* Flow i of the table: SADDR_BASE | i >> 16 : i & 0xffff -> B:80 TCP (bench_ct draws them);
 * flow 0 is from_pod's, A:40000 -> B:80. */
#define SADDR_BASE 0x0a800000u /* 10.128.0.0 */

static struct pl_ct_key flow(uint32_t i)
{
	struct pl_ct_key k = {.daddr = ip4("10.244.1.20"), .dport = htons(80), .proto = 6};

	if (!i) {
		k.saddr = ip4("10.244.1.10");
		k.sport = htons(40000);
	} else {
		k.saddr = htonl(SADDR_BASE | i >> 16);
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

/* from_pod on the tracked flow 0: ns per packet over PACKETS repeats. */
static double from_pod_ns(struct pl_datapath *dp, const uint8_t *pkt, int len, uint32_t ifindex,
			  int *err)
{
	struct __sk_buff skb = {.ifindex = ifindex};
	uint8_t out[256];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len, .data_out = out,
		    .data_size_out = sizeof(out), .ctx_in = &skb, .ctx_size_in = sizeof(skb),
		    .repeat = PACKETS);

	if (bpf_prog_test_run_opts(pl_datapath_prog_fd(dp, PL_PROG_FROM_POD), &o)) {
		*err = -errno;
		return 0;
	}
	if (o.retval != TC_ACT_REDIRECT) {
		fprintf(stderr, "bench_conntrack: from_pod returned %u, expected %d\n", o.retval,
			TC_ACT_REDIRECT);
		*err = -EPROTO;
		return 0;
	}
	return o.duration;
}

/* ns per lookup of prog (ct_lookups or mem_reads), RUNS samples into t; every one must hit. */
static int lookup_ns(struct bench_ct *b, struct bpf_program *prog, const uint8_t *pkt, int len,
		     double *t)
{
	int i;

	b->bss->hits = 0;
	for (i = 0; i < RUNS; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len, .repeat = 1);

		if (bpf_prog_test_run_opts(bpf_program__fd(prog), &o))
			return -errno;
		t[i] = (double)o.duration / KEYS;
	}
	if (b->bss->hits != (uint64_t)KEYS * RUNS) {
		fprintf(stderr, "bench_conntrack: %llu of %llu %s hit: flows were evicted\n",
			(unsigned long long)b->bss->hits, (unsigned long long)KEYS * RUNS,
			bpf_program__name(prog));
		return -EPROTO;
	}
	return 0;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	return v[n / 2];
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
	static double pod_t[NFILLS][ROUNDS], look_t[NFILLS][ROUNDS * RUNS],
		mem_t[NFILLS][ROUNDS * RUNS];
	double pod[NFILLS], look[NFILLS], mem[NFILLS];
	uint64_t used[NFILLS];
	struct pl_datapath *dp[NFILLS] = {NULL};
	struct bench_ct *b[NFILLS] = {NULL};
	uint32_t poda;
	struct pl_ct_fill f;
	uint8_t pkt[128];
	int len, err = 0, r;
	size_t i;

	pl_log_init(0);
	if (geteuid() != 0) {
		fprintf(stderr,
			"bench_conntrack: SKIP: needs root (BPF_PROG_TEST_RUN, a private netns)\n");
		return PL_EXIT_ENV;
	}
	if ((err = setup_netns()))
		return PL_EXIT_RUNTIME;
	poda = if_nametoindex("poda");
	len = pl_pkt_build(&spec, pkt, sizeof(pkt));
	if (len < 0) {
		err = len;
		goto out;
	}
	for (i = 0; i < NFILLS; i++) {
		if ((err = pl_datapath_load(&opts, &dp[i])) || (err = program_node(dp[i])))
			goto out;
		b[i] = bench_ct__open();
		if (b[i]) {
			struct pl_ct_key k = flow(1);

			b[i]->rodata->lookups = KEYS;
			b[i]->rodata->nflows = fills[i];
			b[i]->rodata->saddr_base = SADDR_BASE;
			b[i]->rodata->daddr = k.daddr;
			b[i]->rodata->dport = k.dport;
			bpf_map__set_max_entries(b[i]->maps.mem, fills[i]);
		}
		if (!b[i] || bpf_map__reuse_fd(b[i]->maps.ct, dp[i]->map_fd[PL_MAP_CONNTRACK]) ||
		    bench_ct__load(b[i])) {
			err = pl_err_errno(-errno,
					   "loading bench_ct on the datapath's conntrack map");
			goto out;
		}
		if ((err = fill(dp[i]->map_fd[PL_MAP_CONNTRACK], 0, fills[i])) ||
		    (err = pl_ct_fill(dp[i], &f)))
			goto out;
		used[i] = f.used;
		if (f.used != fills[i]) {
			pl_err("%u flows filled, %llu present: the map evicted while filling",
			       fills[i], (unsigned long long)f.used);
			err = -EPROTO;
			goto out;
		}
	}
	for (r = 0; r < ROUNDS; r++)
		for (i = 0; i < NFILLS; i++) {
			pod_t[i][r] = from_pod_ns(dp[i], pkt, len, poda, &err);
			if (err ||
			    (err = lookup_ns(b[i], b[i]->progs.ct_lookups, pkt, len,
					     &look_t[i][r * RUNS])) ||
			    (err = lookup_ns(b[i], b[i]->progs.mem_reads, pkt, len,
					     &mem_t[i][r * RUNS])))
				goto out;
		}
	for (i = 0; i < NFILLS; i++) {
		pod[i] = median(pod_t[i], ROUNDS);
		look[i] = median(look_t[i], ROUNDS * RUNS);
		mem[i] = median(mem_t[i], ROUNDS * RUNS);
	}
	printf("conntrack: LRU maps of %u entries (%u bytes of key and value, %.0f MiB in the "
	       "kernel), filled to\n",
	       CT_MAX, (unsigned)(sizeof(struct pl_ct_key) + sizeof(struct pl_ct_entry)),
	       map_memlock(dp[0]->map_fd[PL_MAP_CONNTRACK]) / 1048576.0);
	printf("%-36s %14s %14s %14s\n", "", "10k flows", "100k flows", "1M flows");
	printf("%-36s %14llu %14llu %14llu\n", "entries present (none evicted)",
	       (unsigned long long)used[0], (unsigned long long)used[1],
	       (unsigned long long)used[2]);
	printf("%-36s %11.1f ns %7.1f (%.2fx) %7.1f (%.2fx)\n", "from_pod, one tracked flow",
	       pod[0], pod[1], pod[1] / pod[0], pod[2], pod[2] / pod[0]);
	printf("%-36s %11.1f ns %7.1f (%.2fx) %7.1f (%.2fx)\n", "lookup of a random tracked flow",
	       look[0], look[1], look[1] / look[0], look[2], look[2] / look[0]);
	printf("%-36s %11.1f ns %7.1f (%.2fx) %7.1f (%.2fx)\n", "  memory latency: dependent read",
	       mem[0], mem[1], mem[1] / mem[0], mem[2], mem[2] / mem[0]);
	/* Summary rows for make bench (tests/bench/summary.sh). */
	for (i = 1; i < NFILLS; i++) {
		printf("BENCH-ROW\tconntrack: from_pod on a tracked flow, %s entries\t%.1f ns/pkt\t"
		       "10k entries: %.1f ns/pkt\t%.3f\t<= 1.1\n",
		       i == 1 ? "100k" : "1M", pod[i], pod[0], pod[i] / pod[0]);
		printf("BENCH-ROW\tconntrack: lookup of a random tracked flow, %s entries\t"
		       "%.1f ns\t10k entries: %.1f ns\t%.3f\t<= 1.1\n",
		       i == 1 ? "100k" : "1M", look[i], look[0], look[i] / look[0]);
		printf("BENCH-ROW\tconntrack: random lookup's growth over memory latency's, %s\t"
		       "%.2fx\tmemory latency: %.2fx\t%.3f\t-\n",
		       i == 1 ? "100k" : "1M", look[i] / look[0], mem[i] / mem[0],
		       (look[i] / look[0]) / (mem[i] / mem[0]));
	}
out:
	for (i = 0; i < NFILLS; i++) {
		bench_ct__destroy(b[i]);
		pl_datapath_destroy(dp[i]);
	}
	if (err)
		pl_err_errno(err, "bench_conntrack");
	return err ? PL_EXIT_RUNTIME : PL_EXIT_OK;
}
