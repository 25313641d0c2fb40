// SPDX-License-Identifier: GPL-2.0
/*
 * bench_datapath: ns per packet of every datapath program and path under
 * BPF_PROG_TEST_RUN (events off), each next to the trivial pass program
 * measured right before it, plus the policy-size ratio (100,000 vs 10
 * entries). Runs in a private netns it unshares: the root netns is untouched.
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

#include "datapath.skel.h"
#include "trivial.skel.h"
#include "lib/datapath.h"
#include "lib/log.h"
#include "lib/pkt.h"

#define PACKETS	  1000000u /* per measurement */
#define TRIALS	  3	   /* median of */
#define TTL_BATCH 250u	   /* native: TTL-1 persists across repeats, so batches of 250 */
#define ID_A	  1000
#define ID_B	  2000
#define ID_C	  3000

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

/* The IPv6 twins of the IPv4 pod addresses (10.244.1.10 -> fd00:10:244:1::a). */
static const uint8_t *ip6(const char *s)
{
	static uint8_t a[4][16];
	static int next;
	uint8_t *r = a[next++ % 4];

	inet_pton(AF_INET6, s, r);
	return r;
}

struct path {
	const char *prog_name, *path;
	int fd, trivial_fd;
	bool xdp;
	uint32_t ifindex, mark, batch;
	struct pl_pkt_spec spec;
	int expect;
};

static double median(double *v, int n)
{
	double t;
	int i, j;

	for (i = 0; i < n; i++) /* insertion sort, tiny */
		for (j = i; j > 0 && v[j] < v[j - 1]; j--) {
			t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

/* ns per packet over PACKETS packets, in runs of batch repeats; median of TRIALS. */
static double measure(int fd, bool xdp, const uint8_t *pkt, int len, uint32_t ifindex,
		      uint32_t mark, uint32_t batch, int expect, int *err)
{
	double trials[TRIALS];
	struct __sk_buff skb = {.ifindex = ifindex, .mark = mark};
	struct xdp_md md = {.data_end = len, .ingress_ifindex = ifindex};
	uint8_t work[256];
	uint64_t ns, n;
	int i;

	for (i = 0; i < TRIALS; i++) {
		for (ns = 0, n = 0; n < PACKETS; n += batch) {
			LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = work, .data_size_in = len,
				    .repeat = batch);

			memcpy(work, pkt, len); /* fresh TTL for every batch */
			if (xdp) {
				o.ctx_in = &md;
				o.ctx_size_in = sizeof(md);
			} else {
				o.ctx_in = &skb;
				o.ctx_size_in = sizeof(skb);
			}
			if (bpf_prog_test_run_opts(fd, &o)) {
				*err = -errno;
				return 0;
			}
			if (expect >= 0 && (int)o.retval != expect) {
				fprintf(stderr, "bench: retval %u, expected %d\n", o.retval,
					expect);
				*err = -EPROTO;
				return 0;
			}
			ns += (uint64_t)o.duration * batch;
		}
		trials[i] = (double)ns / n;
	}
	return median(trials, TRIALS);
}

static uint32_t verified_insns(int fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.verified_insns;
}

static int setup_netns(void)
{
	static const char *const cmds[] = {
		"ip link add poda type veth peer name poda-p",
		"ip link add podb type veth peer name podb-p",
		"ip link add uplink address 02:cc:00:00:00:01 type veth peer name uplink-p",
		"ip link add vx0 type vxlan external dstport 4789",
		"ip link set poda up && ip link set poda-p up && ip link set podb up",
		"ip link set podb-p up && ip link set uplink up && ip link set uplink-p up",
		"ip addr add 192.168.50.1/24 dev uplink",
		"ip route add 10.244.2.0/24 via 192.168.50.2 dev uplink",
		"ip neigh add 192.168.50.2 lladdr 02:cc:00:00:00:02 dev uplink nud permanent",
	};
	FILE *f;
	size_t i;

	if (unshare(CLONE_NEWNET))
		return pl_err_errno(-errno, "unshare(CLONE_NEWNET)");
	f = fopen("/proc/sys/net/ipv4/ip_forward", "w");
	if (!f || fputs("1", f) < 0 || fclose(f))
		return pl_err_errno(-errno, "enabling ip_forward in the bench netns");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (system(cmds[i])) {
			pl_err("bench netns: '%s' failed", cmds[i]);
			return -EIO;
		}
	return 0;
}

static int program_node(struct pl_datapath *dp, uint32_t flags_a, uint32_t flags_b)
{
	struct pl_endpoint_info a = {
		.ifindex = if_nametoindex("poda"), .identity = ID_A, .ep_id = 1, .flags = flags_a};
	struct pl_endpoint_info b = {
		.ifindex = if_nametoindex("podb"), .identity = ID_B, .ep_id = 2, .flags = flags_b};
	struct pl_ipcache_info c = {.identity = ID_C, .tunnel_endpoint = ip4("192.168.50.2")};
	struct pl_ipcache_info world = {.identity = PL_ID_CIDR_MIN + 1};
	int err;

	err = pl_endpoint_add(dp, ip4("10.244.1.10"), &a);
	err = err ?: pl_endpoint_add(dp, ip4("10.244.1.20"), &b);
	err = err ?: pl_ipcache_add(dp, ip4("10.244.2.30"), 32, &c);
	err = err ?: pl_ipcache_add(dp, ip4("203.0.113.0"), 24, &world);
	err = err ?: pl_prefilter_add(dp, ip4("198.51.100.0"), 24, 1);
	/* The same two pods dual-stack: the IPv6 rows run the same paths. */
	err = err ?: pl_endpoint6_add(dp, ip6("fd00:10:244:1::a"), &a);
	err = err ?: pl_endpoint6_add(dp, ip6("fd00:10:244:1::14"), &b);
	return err;
}

/* n policy entries: the allows the path needs plus filler for other endpoints. */
static int fill_policy(struct pl_datapath *dp, uint32_t n)
{
	struct pl_policy_key allow_out = {.ep_id = 1,
					  .remote_identity = ID_B,
					  .dport = htons(80),
					  .proto = 6,
					  .dir = PL_DIR_EGRESS};
	struct pl_policy_key allow_in = {.ep_id = 2,
					 .remote_identity = ID_A,
					 .dport = htons(80),
					 .proto = 6,
					 .dir = PL_DIR_INGRESS};
	/* Final, as podlab's compiler marks them: no deny entry shares their endpoint and
	 * direction. */
	struct pl_policy_entry e = {.rule_id = 1, .flags = PL_POLICY_F_FINAL};
	struct pl_policy_key k = {.proto = 6, .dir = PL_DIR_INGRESS};
	uint32_t i;
	int err;

	err = pl_policy_clear(dp);
	err = err ?: pl_policy_add(dp, &allow_out, &e);
	err = err ?: pl_policy_add(dp, &allow_in, &e);
	for (i = 2; !err && i < n; i++) {
		k.ep_id = 100 + i % 1000;
		k.remote_identity = 256 + i;
		k.dport = htons(1 + i % 60000);
		err = pl_policy_add(dp, &k, &e);
	}
	return err;
}

/* Addresses are filled in by run_path(); TTL 255 leaves room for a native batch. */
#define TCP_PORTS(sp, dp_)                                                                         \
	{                                                                                          \
		.proto = 6, .sport = (sp), .dport = (dp_), .tcp_flags = 0x02, .ttl = 255           \
	}

/* ns per packet of p and of the trivial program; src6/dst6 non-NULL: p's IPv6 twin. */
static int measure_path(struct path *p, uint32_t saddr, uint32_t daddr, const uint8_t *src6,
			const uint8_t *dst6, double *ns, double *base)
{
	uint8_t pkt[256];
	int len, err = 0;

	p->spec.family = src6 ? AF_INET6 : 0;
	p->spec.saddr = saddr;
	p->spec.daddr = daddr;
	if (src6) {
		memcpy(p->spec.saddr6, src6, 16);
		memcpy(p->spec.daddr6, dst6, 16);
	}
	len = pl_pkt_build(&p->spec, pkt, sizeof(pkt));
	if (len < 0)
		return len;
	*base = measure(p->trivial_fd, p->xdp, pkt, len, p->ifindex, 0, p->batch, -1, &err);
	*ns = err ? 0
		  : measure(p->fd, p->xdp, pkt, len, p->ifindex, p->mark, p->batch, p->expect,
			    &err);
	if (err)
		return pl_err_errno(err, "test_run of %s (%s)", p->prog_name, p->path);
	return 0;
}

static void print_path(const struct path *p, const char *path, double ns, double base)
{
	printf("%-14s %-36s %8.1f %8.1f %9.2fx %9u\n", p->prog_name, path, ns, base, ns / base,
	       verified_insns(p->fd));
	fflush(stdout);
}

static int run_path(struct path *p, uint32_t saddr, uint32_t daddr, double *ns_out, double *ratio)
{
	double ns, base;
	int err = measure_path(p, saddr, daddr, NULL, NULL, &ns, &base);

	if (err)
		return err;
	print_path(p, p->path, ns, base);
	if (ns_out)
		*ns_out = ns;
	if (ratio)
		*ratio = ns / base;
	return 0;
}

/*
 * p in IPv4 (saddr, daddr) and in IPv6 (src6, dst6), alternating TWIN_ROUNDS
 * times so both see the same load (the machine is shared); medians of each.
 */
#define TWIN_ROUNDS 5
static int run_twins(struct path *p, uint32_t saddr, uint32_t daddr, const uint8_t *src6,
		     const uint8_t *dst6, double *ns4, double *ns6)
{
	double v4[TWIN_ROUNDS], v6[TWIN_ROUNDS], b4[TWIN_ROUNDS], b6[TWIN_ROUNDS];
	char path[64];
	int r, err = 0;

	for (r = 0; !err && r < TWIN_ROUNDS; r++) {
		err = measure_path(p, saddr, daddr, NULL, NULL, &v4[r], &b4[r]);
		err = err ?: measure_path(p, 0, 0, src6, dst6, &v6[r], &b6[r]);
	}
	if (err)
		return err;
	*ns4 = median(v4, TWIN_ROUNDS);
	*ns6 = median(v6, TWIN_ROUNDS);
	snprintf(path, sizeof(path), "%s, IPv4", p->path);
	print_path(p, path, *ns4, median(b4, TWIN_ROUNDS));
	snprintf(path, sizeof(path), "%s, IPv6", p->path);
	print_path(p, path, *ns6, median(b6, TWIN_ROUNDS));
	return 0;
}

int main(void)
{
	/* No services, as a topology without any loads it (pl_dp_opts). */
	struct pl_datapath_opts opts = {
		.routing = PL_ROUTING_NATIVE, .events = false, .no_services = true, .ipv6 = true};
	struct pl_datapath *dp = NULL, *vx = NULL;
	double ns10, ns100k, local_ratio, ns4, ns6, pol4, pol6;
	struct trivial *triv = NULL;
	uint32_t poda, uplink, vx0;
	int tc, xdp, err;

	pl_log_init(0);
	if (geteuid() != 0) {
		fprintf(stderr,
			"bench_datapath: SKIP: needs root (BPF_PROG_TEST_RUN, a private netns)\n");
		return PL_EXIT_ENV;
	}
	err = setup_netns();
	if (err)
		return PL_EXIT_RUNTIME;
	poda = if_nametoindex("poda");
	uplink = if_nametoindex("uplink");
	vx0 = if_nametoindex("vx0");
	opts.node_ip = ip4("192.168.50.1");
	opts.uplink_ifindex = uplink;
	opts.vxlan_ifindex = vx0;
	triv = trivial__open_and_load();
	if (!triv) {
		err = pl_err_errno(-errno, "loading the trivial programs");
		goto out;
	}
	tc = bpf_program__fd(triv->progs.tc_pass);
	xdp = bpf_program__fd(triv->progs.xdp_pass);
	err = pl_datapath_load(&opts, &dp);
	if (err)
		goto out;
	opts.routing = PL_ROUTING_VXLAN;
	err = pl_datapath_load(&opts, &vx);
	err = err ?: program_node(dp, 0, 0);
	err = err ?: program_node(vx, 0, 0);
	if (err)
		goto out;

	{
		static const uint8_t arp[28] = {0, 1, 8, 0, 6, 4, 0, 1};
		int pod = pl_datapath_prog_fd(dp, PL_PROG_FROM_POD);
		int net = pl_datapath_prog_fd(dp, PL_PROG_FROM_NETWORK);
		int ovl = pl_datapath_prog_fd(dp, PL_PROG_FROM_OVERLAY);
		int pre = pl_datapath_prog_fd(dp, PL_PROG_XDP_PREFILTER);
		uint32_t A = ip4("10.244.1.10"), B = ip4("10.244.1.20"), C = ip4("10.244.2.30");
		const uint8_t *A6 = ip6("fd00:10:244:1::a"), *B6 = ip6("fd00:10:244:1::14");
		struct path paths[] = {
			{"from_pod", "local A->B, no policy", pod, tc, false, poda, 0, PACKETS,
			 TCP_PORTS(40000, 80), TC_ACT_REDIRECT},
			{"from_pod", "remote C, native fib (batch 250)", pod, tc, false, poda, 0,
			 TTL_BATCH, TCP_PORTS(40000, 80), TC_ACT_REDIRECT},
			{"from_pod", "remote C, vxlan tunnel key",
			 pl_datapath_prog_fd(vx, PL_PROG_FROM_POD), tc, false, poda, 0, PACKETS,
			 TCP_PORTS(40000, 80), TC_ACT_REDIRECT},
			{"from_pod", "world 203.0.113.7, to stack", pod, tc, false, poda, 0,
			 PACKETS, TCP_PORTS(40000, 443), TC_ACT_OK},
			{"from_network", "C->A local delivery", net, tc, false, uplink, 0, PACKETS,
			 TCP_PORTS(40000, 80), TC_ACT_REDIRECT},
			{"from_overlay", "C->A, identity in mark", ovl, tc, false, vx0,
			 PL_MARK_IDENTITY_MAGIC | ID_C, PACKETS, TCP_PORTS(40000, 80),
			 TC_ACT_REDIRECT},
			{"xdp_prefilter", "allowed source: pass", pre, xdp, true, uplink, 0,
			 PACKETS, TCP_PORTS(40000, 80), XDP_PASS},
			{"xdp_prefilter", "denied source: drop", pre, xdp, true, uplink, 0, PACKETS,
			 TCP_PORTS(40000, 80), XDP_DROP},
			{"from_pod",
			 "ARP: parse + count, to stack",
			 pod,
			 tc,
			 false,
			 poda,
			 0,
			 PACKETS,
			 {.eth_proto = 0x0806, .payload = arp, .payload_len = sizeof(arp)},
			 TC_ACT_OK},
			{"from_pod", "spoofed source: INVALID_SIP drop", pod, tc, false, poda, 0,
			 PACKETS, TCP_PORTS(40000, 80), TC_ACT_SHOT},
		};
		uint32_t saddrs[] = {A, A, A, A, C, C, C, ip4("198.51.100.9"), A, C};
		uint32_t daddrs[] = {B, C, C, ip4("203.0.113.7"), A, A, A, A, B, B};
		struct path pol = paths[0];

		_Static_assert(sizeof(saddrs) / sizeof(saddrs[0]) ==
				       sizeof(paths) / sizeof(paths[0]),
			       "one source per path");
		size_t i;

		printf("%-14s %-36s %8s %8s %10s %9s\n", "program", "path", "ns/pkt", "trivial",
		       "ratio", "verified");
		for (i = 0; !err && i < sizeof(paths) / sizeof(paths[0]); i++)
			err = run_path(&paths[i], saddrs[i], daddrs[i], i == 0 ? &ns4 : NULL,
				       i == 0 ? &local_ratio : NULL);
		if (err)
			goto out;
		/* The first row's IPv6 twin, the two families alternating. */
		pol.path = "local A->B, no policy";
		err = run_twins(&pol, A, B, A6, B6, &ns4, &ns6);
		if (err)
			goto out;

		/* Policy enforced on both ends, the path allowed by exact (final) entries: 1 + 1
		 * lookups. */
		err = program_node(dp, PL_EP_F_EGRESS_ENFORCED, PL_EP_F_INGRESS_ENFORCED);
		err = err ?: fill_policy(dp, 10);
		if (err)
			goto out;
		pol.path = "local A->B, allowed, 10 rules";
		err = run_path(&pol, A, B, &ns10, NULL);
		pol.path = "local A->B, allowed, 10 rules";
		err = err ?: run_twins(&pol, A, B, A6, B6, &pol4, &pol6);
		err = err ?: fill_policy(dp, 100000);
		if (err)
			goto out;
		pol.path = "local A->B, allowed, 100000 rules";
		err = run_path(&pol, A, B, &ns100k, NULL);
		if (err)
			goto out;
		printf("\npolicy size: ns/pkt at 100000 entries / 10 entries = %.2f (goal <= "
		       "1.1)\n",
		       ns100k / ns10);
		printf("from_pod local allowed delivery (no policy) = %.2fx trivial (goal <= 3)\n",
		       local_ratio);
		printf("from_pod local delivery, IPv6 / IPv4: no policy %.1f / %.1f ns = %.2f, "
		       "10 rules %.1f / %.1f ns = %.2f (goal <= 1.2)\n",
		       ns6, ns4, ns6 / ns4, pol6, pol4, pol6 / pol4);
		/* Summary rows for make bench (tests/bench/summary.sh). */
		printf("BENCH-ROW\tpolicy lookup, 100000 entries\t%.1f ns/pkt\t10 entries: %.1f "
		       "ns/pkt\t%.3f\t<= 1.1\n",
		       ns100k, ns10, ns100k / ns10);
		printf("BENCH-ROW\tfrom_pod local delivery (test_run repeat)\t%.2fx\t"
		       "pass-only program (trivial)\t%.3f\t<= 3\n",
		       local_ratio, local_ratio);
		printf("BENCH-ROW\tfrom_pod local delivery IPv6, no policy\t%.1f ns/pkt\t"
		       "IPv4 twin: %.1f ns/pkt\t%.3f\t<= 1.2\n",
		       ns6, ns4, ns6 / ns4);
		printf("BENCH-ROW\tfrom_pod local delivery IPv6, allowed by 10 rules\t%.1f ns/pkt\t"
		       "IPv4 twin: %.1f ns/pkt\t%.3f\t<= 1.2\n",
		       pol6, pol4, pol6 / pol4);
	}
out:
	pl_datapath_destroy(vx);
	pl_datapath_destroy(dp);
	trivial__destroy(triv);
	return err ? PL_EXIT_RUNTIME : PL_EXIT_OK;
}
