// SPDX-License-Identifier: GPL-2.0
/*
 * bench_hooks_live: what a drop costs at XDP vs at TC, on a live node. The
 * teaching text: XDP is the fastest hook, "before the kernel"; TC runs inside
 * the stack. A two-node native run is built (podlab's datapath, pins); the same
 * UDP frame from the client pod to the server pod is injected as live frames
 * (BPF_F_TEST_XDP_LIVE_FRAMES), twice: into node2's uplink, as a NIC driver
 * hands frames over; and on the client's veth in node1, so node1's from_pod
 * routes it and the veth underlay carries it to node2 (a flood from the peer).
 * With the client's /32 in node2's prefilter, xdp_prefilter drops it
 * (PREFILTER 240) before any skb exists; without it, XDP passes, the kernel
 * builds an skb and from_network drops it at TC (POLICY_DENIED 133: the
 * server admits nobody). Time per packet of the whole path; node2's drop
 * counters prove where each packet died.
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

#include "lib/clock.h"
#include "lib/datapath.h"
#include "lib/log.h"
#include "lib/pkt.h"
#include "net/run.h"
#include "topo/topo.h"

#define PACKETS 1000000u /* per measurement */
#define TRIALS	5	 /* alternating, median of */
/*
 * Live frames recycle their pages with whatever the path wrote into them (a
 * routed frame's TTL - 1): a fresh page pool per call of CALL_REPEAT frames
 * and TTL 255 keep the routed case from running out of TTL.
 */
#define CALL_REPEAT 5000u

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

/* Packets counted as dropped by prog with reason, both directions, summed over the CPUs. */
static unsigned long long drops(int map_fd, __u8 prog, __u8 reason)
{
	unsigned long long sum = 0;
	struct pl_counter_val v;
	__u8 dir;

	for (dir = PL_DIR_INGRESS; dir <= PL_DIR_EGRESS; dir++) {
		struct pl_counter_key key = {
			.verdict = PL_VERDICT_DROPPED, .reason = reason, .dir = dir, .prog = prog};

		if (!pl_counter_read_fd(map_fd, &key, &v))
			sum += v.packets;
	}
	return sum;
}

/*
 * ns per packet of PACKETS live frames injected on ifindex through prog_fd (an
 * xdp_prefilter), until node2 has counted them as (prog, reason) drops: after
 * test_run returns, the drops still in flight (veth NAPI, softirq) are waited
 * for, up to QUIET_MS without progress. *counted gets what node2 counted.
 */
#define QUIET_MS 50
static double flood(int prog_fd, uint8_t *frame, int len, uint32_t ifindex, int cnt_fd, __u8 prog,
		    __u8 reason, unsigned long long *counted, int *err)
{
	struct xdp_md ctx = {.data_end = len, .ingress_ifindex = ifindex};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = CALL_REPEAT,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
	unsigned long long b0 = drops(cnt_fd, prog, reason), c, last;
	double t0 = pl_now(), t_last, t;
	unsigned int sent;

	for (sent = 0; sent < PACKETS; sent += CALL_REPEAT) {
		if (bpf_prog_test_run_opts(prog_fd, &o)) {
			*err = -errno;
			return 0;
		}
	}
	t_last = pl_now();
	last = drops(cnt_fd, prog, reason);
	while (last - b0 < PACKETS) {
		usleep(1000);
		c = drops(cnt_fd, prog, reason);
		t = pl_now();
		if (c != last) {
			last = c;
			t_last = t;
		} else if (t - t_last > QUIET_MS / 1e3) {
			break;
		}
	}
	*counted += last - b0;
	return (t_last - t0) * 1e9 / PACKETS;
}

struct pins {
	int prefilter_prog, prefilter, counters, netns;
};

static int pins_open(const char *run, const char *node, struct pins *p)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s/%s/xdp_prefilter", PL_BPFFS_ROOT, run, node);
	p->prefilter_prog = bpf_obj_get(path);
	snprintf(path, sizeof(path), "%s/%s/%s/prefilter", PL_BPFFS_ROOT, run, node);
	p->prefilter = bpf_obj_get(path);
	snprintf(path, sizeof(path), "%s/%s/%s/counters", PL_BPFFS_ROOT, run, node);
	p->counters = bpf_obj_get(path);
	snprintf(path, sizeof(path), "/run/netns/pl-%s-%s", run, node);
	p->netns = open(path, O_RDONLY | O_CLOEXEC);
	if (p->prefilter_prog < 0 || p->prefilter < 0 || p->counters < 0 || p->netns < 0)
		return pl_err_errno(-errno, "open the pins and netns of %s (run %s)", node, run);
	return 0;
}

static void pins_close(struct pins *p)
{
	if (p->prefilter_prog >= 0)
		close(p->prefilter_prog);
	if (p->prefilter >= 0)
		close(p->prefilter);
	if (p->counters >= 0)
		close(p->counters);
	if (p->netns >= 0)
		close(p->netns);
}

/* Enters a node's netns; the frame's destination MAC becomes dev's, *ifindex its index. */
static int enter(const struct pins *p, const char *dev, uint8_t *frame, uint32_t *ifindex)
{
	struct ifreq ifr = {0};
	int sock, err = 0;

	if (setns(p->netns, CLONE_NEWNET))
		return pl_err_errno(-errno, "setns");
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (sock < 0 || ioctl(sock, SIOCGIFHWADDR, &ifr))
		err = pl_err_errno(-errno, "read the MAC of %s", dev);
	else
		memcpy(frame, ifr.ifr_hwaddr.sa_data, 6);
	if (sock >= 0)
		close(sock);
	*ifindex = if_nametoindex(dev);
	if (!err && !*ifindex)
		err = pl_err_errno(-errno, "find %s", dev);
	return err;
}

struct result {
	double xdp[TRIALS], tc[TRIALS];
	unsigned long long xdp_counted, tc_counted;
};

/*
 * TRIALS alternating pairs: the client's /32 in node2's prefilter (dropped by
 * xdp_prefilter), then not (dropped by from_network). Injected on ifindex of
 * the current netns through inject_prog.
 */
static int measure(const struct pins *n2, int inject_prog, uint8_t *frame, int len,
		   uint32_t ifindex, struct result *r)
{
	struct pl_prefilter_key pk = {.prefixlen = 32, .ip = inet_addr("10.244.1.11")};
	__u32 rule = 1;
	int i, err = 0;

	for (i = 0; i < TRIALS && !err; i++) {
		if (bpf_map_update_elem(n2->prefilter, &pk, &rule, BPF_ANY))
			return -errno;
		r->xdp[i] = flood(inject_prog, frame, len, ifindex, n2->counters,
				  PL_PROG_XDP_PREFILTER, PL_DROP_PREFILTER, &r->xdp_counted, &err);
		if (bpf_map_delete_elem(n2->prefilter, &pk))
			return err ?: -errno;
		if (err)
			break;
		r->tc[i] = flood(inject_prog, frame, len, ifindex, n2->counters,
				 PL_PROG_FROM_NETWORK, PL_DROP_POLICY_DENIED, &r->tc_counted, &err);
		if (interrupted())
			err = -EINTR;
	}
	qsort(r->xdp, TRIALS, sizeof(r->xdp[0]), cmp_double);
	qsort(r->tc, TRIALS, sizeof(r->tc[0]), cmp_double);
	return err;
}

static void print_result(const char *title, const struct result *r)
{
	double x = r->xdp[TRIALS / 2], t = r->tc[TRIALS / 2];

	printf("%s\n", title);
	printf("  %-36s %8.1f %7.2f %6.2f %5.0f..%-5.0f %11llu/%u\n",
	       "XDP xdp_prefilter (PREFILTER 240)", x, 1e3 / x, 1.0, r->xdp[0], r->xdp[TRIALS - 1],
	       r->xdp_counted, PACKETS * TRIALS);
	printf("  %-36s %8.1f %7.2f %6.2f %5.0f..%-5.0f %11llu/%u\n",
	       "TC from_network (POLICY_DENIED 133)", t, 1e3 / t, t / x, r->tc[0],
	       r->tc[TRIALS - 1], r->tc_counted, PACKETS * TRIALS);
	printf("  TC - XDP: %.0f ns more per dropped packet\n", t - x);
	printf("BENCH-ROW\tdrop at XDP (%s)\t%.1f ns/pkt\tdrop at TC: %.1f ns/pkt\t%.3f\t-\n",
	       title, x, t, x / t);
}

static int bench(const char *run)
{
	struct pins n1 = {-1, -1, -1, -1}, n2 = {-1, -1, -1, -1};
	struct result at_uplink = {0}, from_pod = {0};
	uint8_t frame[128];
	uint32_t ifindex;
	struct pl_pkt_spec s = {.saddr = inet_addr("10.244.1.11"),
				.daddr = inet_addr("10.244.2.20"),
				.proto = IPPROTO_UDP,
				.sport = 40000,
				.dport = 9,
				.ttl = 255,
				.payload = (const uint8_t *)"podlab-bench-hooks",
				.payload_len = 18}; /* 60-byte frame */
	int err, len;

	memcpy(s.smac, "\x02\x70\x6c\x00\x00\x00", 6); /* the client pod's eth0 */
	len = pl_pkt_build(&s, frame, sizeof(frame));
	if (len < 0)
		return len;
	err = pins_open(run, "node1", &n1) ?: pins_open(run, "node2", &n2);
	if (err)
		goto out;
	/* 1: into node2's uplink, as its NIC driver would hand the frame over */
	err = enter(&n2, "eth0", frame, &ifindex)
		      ?: measure(&n2, n2.prefilter_prog, frame, len, ifindex, &at_uplink);
	if (err) {
		pl_err_errno(err, "inject live frames into node2's eth0");
		goto out;
	}
	/* 2: the client pod floods: node1's from_pod routes it over the veth underlay */
	err = enter(&n1, "lxcclient", frame, &ifindex)
		      ?: measure(&n2, n1.prefilter_prog, frame, len, ifindex, &from_pod);
	if (err) {
		pl_err_errno(err, "inject live frames from the client pod into node1");
		goto out;
	}
	printf("bench_hooks_live: %u live UDP frames (%d B) per trial, median of %d alternating "
	       "trials; client pod 10.244.1.11 -> server pod 10.244.2.20, dropped on node2\n",
	       PACKETS, len, TRIALS);
	printf("  %-36s %8s %7s %6s %11s %22s\n", "where node2 drops it", "ns/pkt", "Mpps", "ratio",
	       "trials ns", "drops counted/injected");
	print_result("injected into node2's uplink (as its NIC driver hands frames over):",
		     &at_uplink);
	print_result("flooded from the peer (the client pod's veth on node1: from_pod routes, "
		     "the veth underlay carries, node2 drops):",
		     &from_pod);
	printf("ns/pkt: wall time per packet from the first injection until node2 counted the last "
	       "drop; the work runs in the injecting thread and in softirq on its CPU. "
	       "ratio = ns/pkt / XDP's.\n");
out:
	pins_close(&n1);
	pins_close(&n2);
	return err;
}

int main(void)
{
	/* Prefilter entries come and go per trial: the uplink needs xdp_prefilter attached. */
	struct pl_up_opts uo = {.datapath = true, .xdp_prefilter = true, .keep_owner = true};
	char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX];
	struct topo *t = NULL;
	const char *why;
	sigset_t sigs;
	int err, home;

	pl_log_init(0);
	if (geteuid() != 0) {
		printf("bench_hooks_live: SKIP (needs root: it builds namespaces)\n");
		return 0;
	}
	if ((why = pl_probe_xdp_live_frames())) {
		printf("bench_hooks_live: SKIP (%s)\n", why);
		return 0;
	}
	err = pl_topo_parse_string("bench-hooks", topo_yaml, &t);
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
	pl_topo_free(t);
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
	return err != 0;
}
