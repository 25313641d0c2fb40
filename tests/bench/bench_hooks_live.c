// SPDX-License-Identifier: GPL-2.0
/*
 * bench_hooks_live: what a drop costs at XDP vs at TC, on a live node. The
 * teaching text: XDP is the fastest hook, "before the kernel"; TC runs inside
 * the stack. A two-node native run is built (podlab's datapath, pins); the same
 * UDP frame from the client pod to the server pod is injected into node2's
 * uplink as live frames (BPF_F_TEST_XDP_LIVE_FRAMES, i.e. as if the peer had
 * sent it): with the client's /32 in the prefilter, xdp_prefilter drops it
 * (PREFILTER 240) before any skb exists; without it, XDP passes, the kernel
 * builds an skb and from_network drops it at TC (POLICY_DENIED 133: the
 * server admits nobody). Time per packet of the whole path, in the caller's
 * context; the node's drop counters prove where each packet died.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/datapath.h"
#include "lib/log.h"
#include "lib/pkt.h"
#include "net/run.h"
#include "topo/topo.h"

#define PACKETS 1000000u /* per measurement */
#define TRIALS	5	 /* alternating, median of */

static const char topo_yaml[] = "name: bench-hooks\n"
				"routing: native\n"
				"nodes:\n"
				"  - name: node1\n"
				"    ip: 192.168.50.1/24\n"
				"    podCIDR: 10.244.1.0/24\n"
				"    pods:\n"
				"      - {name: client, ip: 10.244.1.11, labels: {app: client}}\n"
				"  - name: node2\n"
				"    ip: 192.168.50.2/24\n"
				"    podCIDR: 10.244.2.0/24\n"
				"    pods:\n"
				"      - {name: server, ip: 10.244.2.20, labels: {app: server}}\n"
				"underlay:\n"
				"  type: p2p\n"
				"policies:\n"
				"  - apiVersion: cilium.io/v2\n"
				"    kind: CiliumNetworkPolicy\n"
				"    metadata: {name: server-admits-nobody}\n"
				"    spec:\n"
				"      endpointSelector: {matchLabels: {app: server}}\n"
				"      ingress:\n"
				"        - {}\n";

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Ctrl-C and friends are blocked while the run exists: checked between trials. */
static bool interrupted(void)
{
	sigset_t set;

	return !sigpending(&set) && (sigismember(&set, SIGINT) || sigismember(&set, SIGTERM) ||
				     sigismember(&set, SIGHUP));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Packets counted as dropped by prog with reason, summed over every key and CPU. */
static unsigned long long drops(int map_fd, __u8 prog, __u8 reason)
{
	int ncpu = libbpf_num_possible_cpus();
	struct pl_counter_key key, next, *cur = NULL;
	struct pl_counter_val vals[ncpu > 0 ? ncpu : 1];
	unsigned long long sum = 0;
	int i;

	while (!bpf_map_get_next_key(map_fd, cur, &next)) {
		key = next;
		cur = &key;
		if (key.prog != prog || key.reason != reason || key.verdict != PL_VERDICT_DROPPED)
			continue;
		if (bpf_map_lookup_elem(map_fd, &key, vals))
			continue;
		for (i = 0; i < ncpu; i++)
			sum += vals[i].packets;
	}
	return sum;
}

/* ns per packet of PACKETS live frames through xdp_prefilter on ifindex. */
static double inject(int prog_fd, uint8_t *frame, int len, uint32_t ifindex, int *err)
{
	struct xdp_md ctx = {.data_end = len, .ingress_ifindex = ifindex};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = PACKETS,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
	double t0 = now();

	if (bpf_prog_test_run_opts(prog_fd, &o)) {
		*err = -errno;
		return 0;
	}
	return (now() - t0) * 1e9 / PACKETS;
}

static int bench(const char *run)
{
	struct pl_prefilter_key pk = {.prefixlen = 32, .ip = inet_addr("10.244.1.11")};
	double x[TRIALS], t[TRIALS], xm, tm;
	unsigned long long dx = 0, dt = 0, b0, b1;
	int prog = -1, pre = -1, cnt = -1, ns = -1, sock = -1, err = 0, len, i;
	char path[256];
	uint8_t frame[128];
	struct ifreq ifr = {0};
	struct pl_pkt_spec s = {.saddr = inet_addr("10.244.1.11"),
				.daddr = inet_addr("10.244.2.20"),
				.proto = IPPROTO_UDP,
				.sport = 40000,
				.dport = 9,
				.payload = (const uint8_t *)"podlab-bench-hooks",
				.payload_len = 18}; /* 60-byte frame */
	__u32 rule = 1;

	snprintf(path, sizeof(path), "%s/%s/node2/xdp_prefilter", PL_BPFFS_ROOT, run);
	prog = bpf_obj_get(path);
	snprintf(path, sizeof(path), "%s/%s/node2/prefilter", PL_BPFFS_ROOT, run);
	pre = bpf_obj_get(path);
	snprintf(path, sizeof(path), "%s/%s/node2/counters", PL_BPFFS_ROOT, run);
	cnt = bpf_obj_get(path);
	snprintf(path, sizeof(path), "/run/netns/pl-%s-node2", run);
	ns = open(path, O_RDONLY | O_CLOEXEC);
	if (prog < 0 || pre < 0 || cnt < 0 || ns < 0) {
		err = -errno;
		pl_err_errno(err, "open the pins and netns of node2 (run %s)", run);
		goto out;
	}
	if (setns(ns, CLONE_NEWNET)) {
		err = -errno;
		pl_err_errno(err, "setns into %s", path);
		goto out;
	}
	/* The frame is addressed to node2's eth0 (ifindex 2), as the peer would send it. */
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "eth0");
	if (sock < 0 || ioctl(sock, SIOCGIFHWADDR, &ifr)) {
		err = -errno;
		pl_err_errno(err, "read the MAC of node2's eth0");
		goto out;
	}
	memcpy(s.dmac, ifr.ifr_hwaddr.sa_data, 6);
	memcpy(s.smac, "\x02\x00\x00\x00\x00\x01", 6);
	len = pl_pkt_build(&s, frame, sizeof(frame));
	if (len < 0) {
		err = len;
		goto out;
	}
	for (i = 0; i < TRIALS && !err; i++) {
		if (bpf_map_update_elem(pre, &pk, &rule, BPF_ANY)) {
			err = -errno;
			break;
		}
		b0 = drops(cnt, PL_PROG_XDP_PREFILTER, PL_DROP_PREFILTER);
		x[i] = inject(prog, frame, len, 2, &err);
		b1 = drops(cnt, PL_PROG_XDP_PREFILTER, PL_DROP_PREFILTER);
		dx += b1 - b0;
		if (err || bpf_map_delete_elem(pre, &pk)) {
			err = err ?: -errno;
			break;
		}
		b0 = drops(cnt, PL_PROG_FROM_NETWORK, PL_DROP_POLICY_DENIED);
		t[i] = inject(prog, frame, len, 2, &err);
		b1 = drops(cnt, PL_PROG_FROM_NETWORK, PL_DROP_POLICY_DENIED);
		dt += b1 - b0;
		if (interrupted())
			err = -EINTR;
	}
	if (err) {
		pl_err_errno(err, "inject live frames into node2's eth0");
		goto out;
	}
	qsort(x, TRIALS, sizeof(x[0]), cmp_double);
	qsort(t, TRIALS, sizeof(t[0]), cmp_double);
	xm = x[TRIALS / 2];
	tm = t[TRIALS / 2];
	printf("bench_hooks_live: %u live UDP frames (%d B) into node2's uplink per trial, median "
	       "of %d "
	       "alternating trials\n",
	       PACKETS, len, TRIALS);
	printf("%-38s %8s %7s %6s %11s %22s\n", "where the packet is dropped", "ns/pkt", "Mpps",
	       "ratio", "trials ns", "drops counted/injected");
	printf("%-38s %8.1f %7.2f %6.2f %5.0f..%-5.0f %11llu/%u\n",
	       "XDP xdp_prefilter (PREFILTER 240)", xm, 1e3 / xm, 1.0, x[0], x[TRIALS - 1], dx,
	       PACKETS * TRIALS);
	printf("%-38s %8.1f %7.2f %6.2f %5.0f..%-5.0f %11llu/%u\n",
	       "TC from_network (POLICY_DENIED 133)", tm, 1e3 / tm, tm / xm, t[0], t[TRIALS - 1],
	       dt, PACKETS * TRIALS);
	printf("ratio = ns/pkt / XDP's\n");
	printf("one CPU does the whole path (inject, XDP, skb, GRO, TC) in the caller's context: "
	       "ns/pkt is "
	       "CPU per packet\n");
out:
	if (sock >= 0)
		close(sock);
	if (ns >= 0)
		close(ns);
	if (cnt >= 0)
		close(cnt);
	if (pre >= 0)
		close(pre);
	if (prog >= 0)
		close(prog);
	return err;
}

int main(void)
{
	struct pl_up_opts uo = {.datapath = true, .keep_owner = true};
	char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX];
	struct topo *t = NULL;
	sigset_t sigs;
	int err, home;

	pl_log_init(0);
	if (geteuid() != 0) {
		printf("bench_hooks_live: SKIP (needs root: it builds namespaces)\n");
		return 0;
	}
	err = topo_parse_string("bench-hooks", topo_yaml, &t);
	if (err) {
		pl_err("bench_hooks_live: bad built-in topology");
		return 1;
	}
	snprintf(run, sizeof(run), "bh%d", getpid() % 100000);
	uo.run = run;
	uo.topology = "bench_hooks_live (built in)";
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	err = pl_run_up(t, &uo, got);
	topo_free(t);
	if (err) {
		sigprocmask(SIG_UNBLOCK, &sigs, NULL);
		pl_err_errno(err, "build run %s", run);
		return err == -EOPNOTSUPP ? 0 : 1;
	}
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	err = bench(run);
	if (home >= 0 && setns(home, CLONE_NEWNET))
		pl_warn("cannot return to the starting netns");
	if (home >= 0)
		close(home);
	if (pl_run_down(run))
		pl_warn("run %s not fully removed: podlab down --stale", run);
	sigprocmask(SIG_UNBLOCK, &sigs, NULL); /* a pending Ctrl-C ends us now, cleaned up */
	if (err == -EOPNOTSUPP || err == -EINVAL)
		printf("bench_hooks_live: SKIP (kernel lacks live XDP frames: %s)\n",
		       strerror(-err));
	return err && err != -EOPNOTSUPP && err != -EINVAL;
}
