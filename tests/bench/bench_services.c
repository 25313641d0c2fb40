// SPDX-License-Identifier: GPL-2.0
/*
 * Services at 10, 1k and 10k: TCP connections per second (connect, close
 * with RST, one at a time) and first-packet latency (connect()'s time: the
 * SYN translated, the SYN-ACK translated back) from a client pod to a
 * ClusterIP whose two backends are pods of the same node, side by side in
 * one run:
 *   podlab's datapath: the services map holds N frontends (the topology's
 *     service and N-1 more ClusterIPs sharing its id, so its Maglev table);
 *   kube-proxy's iptables mode (`podlab kube-proxy --services N`, the
 *     topology's service in the middle of KUBE-SERVICES) loaded with
 *     iptables-legacy-restore, and with iptables-nft-restore, in the node's
 *     namespace of a run without the datapath.
 * Every namespace is the runs' own; a parent process takes the runs down
 * whatever happens to the one measuring. Prints a table and BENCH-ROW lines;
 * asserts nothing but that connections succeed.
 * Knobs: BENCH_SERVICES_SECS (per measurement, default 1), _ROUNDS (3).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <bpf/bpf.h>

#include "podlab.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "net/netns.h"
#include "net/run.h"
#include "plan/plan.h"
#include "topo/kube_proxy.h"
#include "topo/topo.h"

#define VIP	   "10.96.0.10"
#define SVC_PORT   80
#define BACKEND_PT 8080
#define NSIZES	   3
#define MAX_LAT	   (1 << 20)

static const char yaml[] = "name: bench-services\nrouting: native\nmtu: 1500\nnodes:\n"
			   "  - name: node1\n    ip: 192.168.50.1/24\n    podCIDR: 10.244.1.0/24\n"
			   "    pods:\n"
			   "      - {name: client, ip: 10.244.1.10, labels: {app: client}}\n"
			   "      - {name: web1, ip: 10.244.1.20, labels: {app: web}}\n"
			   "      - {name: web2, ip: 10.244.1.21, labels: {app: web}}\n"
			   "  - name: node2\n    ip: 192.168.50.2/24\n    podCIDR: 10.244.2.0/24\n"
			   "underlay:\n  type: p2p\n"
			   "services:\n  - name: web\n    clusterIP: " VIP "\n"
			   "    selector: {app: web}\n    ports:\n"
			   "      - {port: 80, targetPort: 8080}\n";

enum cfg { CFG_BPF, CFG_LEGACY, CFG_NFT, CFG_N };
static const char *const cfg_tool[CFG_N] = {NULL, "iptables-legacy-restore",
					    "iptables-nft-restore"};
static const char *const cfg_name[CFG_N] = {"podlab BPF service map", "kube-proxy iptables-legacy",
					    "kube-proxy iptables-nft"};
static const int sizes[NSIZES] = {10, 1000, 10000};
static char runs[CFG_N][PL_RUN_ID_MAX];
static const char *skip[CFG_N]; /* why a configuration is not measured */

struct meas {
	double rate;	   /* connections/s, wall clock */
	double cycle_rate; /* 1 / the median connect + close cycle: what preemption leaves alone */
	double lat_med_us; /* connect(), median */
	double lat_p99_us;
	long fails;
	int fail_errno; /* the first failure's */
};

static bool have(const char *prog)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

/* Child processes die with the measuring process: nothing keeps a namespace alive. */
static int enter_pod(const char *run, const char *pod)
{
	char ns[PL_NETNS_NAME_MAX];
	int saved;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	pl_netns_name(run, pod, ns, sizeof(ns));
	if (pl_netns_enter_name(ns, &saved))
		return -1;
	close(saved);
	return 0;
}

/* A backend: accept and close, forever (killed with its parent); returns once it listens. */
static int server_start(const char *run, const char *pod)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(BACKEND_PT)};
	struct linger lg = {1, 0};
	int s, c, one = 1, p[2];
	char ok = 0;
	pid_t pid;

	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid) {
		close(p[1]);
		c = read(p[0], &ok, 1) == 1 ? 0 : -EIO; /* EOF: it died before listening */
		close(p[0]);
		return c;
	}
	close(p[0]);
	if (enter_pod(run, pod))
		_exit(1);
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 4096) ||
	    write(p[1], &ok, 1) != 1)
		_exit(1);
	close(p[1]);
	for (;;) {
		c = accept(s, NULL, NULL);
		if (c < 0)
			continue;
		setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(c);
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The client: connect + RST close to the ClusterIP for secs seconds, in the client pod. */
static int measure(const char *run, double secs, struct meas *m)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(SVC_PORT)};
	struct linger lg = {1, 0};
	uint64_t t0, t1, start, warm, end;
	int p[2], s, st;
	uint32_t *lat, *cyc;
	long n = 0;
	pid_t pid;

	memset(m, 0, sizeof(*m));
	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid) {
		close(p[1]);
		st = read(p[0], m, sizeof(*m)) == sizeof(*m) ? 0 : -EIO;
		close(p[0]);
		waitpid(pid, NULL, 0);
		return st;
	}
	close(p[0]);
	lat = calloc(MAX_LAT, sizeof(*lat));
	cyc = calloc(MAX_LAT, sizeof(*cyc));
	inet_pton(AF_INET, VIP, &a.sin_addr);
	if (!lat || !cyc || enter_pod(run, "client"))
		_exit(1);
	start = pl_now_ns();
	warm = start + 200000000ull; /* 0.2 s not counted: caches, conntrack, neighbours */
	end = warm + (uint64_t)(secs * 1e9);
	for (;;) {
		t0 = pl_now_ns();
		if (t0 >= end)
			break;
		s = socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0)
			_exit(1);
		setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		st = connect(s, (struct sockaddr *)&a, sizeof(a)) ? errno : 0;
		t1 = pl_now_ns();
		close(s);
		if (t0 < warm)
			continue;
		if (st) {
			if (!m->fails++)
				m->fail_errno = st;
			continue;
		}
		if (n < MAX_LAT) {
			lat[n] = (uint32_t)((t1 - t0) / 100); /* 0.1 us */
			cyc[n] = (uint32_t)((pl_now_ns() - t0) / 100);
		}
		n++;
	}
	m->rate = n / secs;
	if (n) {
		long k = n < MAX_LAT ? n : MAX_LAT;

		qsort(lat, k, sizeof(*lat), cmp_u32);
		m->lat_med_us = lat[k / 2] / 10.0;
		m->lat_p99_us = lat[k * 99 / 100] / 10.0;
		qsort(cyc, k, sizeof(*cyc), cmp_u32);
		m->cycle_rate = cyc[k / 2] ? 1e7 / cyc[k / 2] : 0;
	}
	_exit(write(p[1], m, sizeof(*m)) == sizeof(*m) ? 0 : 1);
}

/* The BPF run's services map to n frontends: ClusterIP fillers sharing the service's id. */
static int bpf_fill(const struct topo *t, int *have_n, int n)
{
	struct pl_service_key k = {.port = htons(SVC_PORT), .proto = IPPROTO_TCP}, next, *cur;
	struct pl_service v;
	char path[256];
	int fd, i, err = 0;

	snprintf(path, sizeof(path), "/sys/fs/bpf/podlab/%s/node1/services", runs[CFG_BPF]);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	inet_pton(AF_INET, VIP, &k.ip);
	if (bpf_map_lookup_elem(fd, &k, &v)) {
		err = -errno;
		goto out;
	}
	/* The map's own frontend counts: fillers 0..n-2 make n. */
	for (i = *have_n - 1; i < n - 1 && !err; i++) {
		k.ip = pl_kube_proxy_filler_ip(t, i);
		if (!k.ip || bpf_map_update_elem(fd, &k, &v, BPF_ANY))
			err = k.ip ? -errno : -ERANGE;
	}
	if (!err)
		*have_n = n;
	/* What the datapath looks up in: exactly n frontends. */
	for (i = 0, cur = NULL; !err && !bpf_map_get_next_key(fd, cur, &next); i++) {
		k = next;
		cur = &k;
	}
	if (!err && i != n) {
		fprintf(stderr, "bench_services: the services map holds %d frontends, not %d\n", i,
			n);
		err = -EINVAL;
	}
out:
	close(fd);
	return err;
}

/* kube-proxy's rules for n services into the run's node namespace, with tool. */
static int ipt_load(const struct topo *t, enum cfg c, int n, const char *dir)
{
	char path[512], cmd[1024], ns[PL_NETNS_NAME_MAX];
	int err, rules;
	FILE *f;

	snprintf(path, sizeof(path), "%s/rules-%d", dir, c);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	err = pl_kube_proxy_rules(f, t, 0, n);
	if (fclose(f) && !err)
		err = -EIO;
	if (err)
		return err;
	pl_netns_name(runs[c], "node1", ns, sizeof(ns));
	snprintf(cmd, sizeof(cmd), "ip netns exec %s %s < %s", ns, cfg_tool[c], path);
	if (system(cmd))
		return -EIO;
	/* What the kernel walks: a ClusterIP rule per service in KUBE-SERVICES. */
	snprintf(cmd, sizeof(cmd),
		 "ip netns exec %s %.*s -t nat -S KUBE-SERVICES | grep -c -- '-d '", ns,
		 (int)(strlen(cfg_tool[c]) - strlen("-restore")), cfg_tool[c]);
	f = popen(cmd, "r");
	if (!f)
		return -errno;
	if (fscanf(f, "%d", &rules) != 1)
		rules = -1;
	pclose(f);
	if (rules != n) {
		fprintf(stderr,
			"bench_services: %s: KUBE-SERVICES has %d ClusterIP rules, not %d\n",
			cfg_name[c], rules, n);
		return -EINVAL;
	}
	return 0;
}

static int median_idx(const double *v, int n, double *out)
{
	double s[16];
	int i, j;

	for (i = 0; i < n; i++)
		s[i] = v[i];
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (s[j] < s[i]) {
				double x = s[i];

				s[i] = s[j];
				s[j] = x;
			}
	*out = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	return 0;
}

static int work(const char *dir, double secs, int rounds)
{
	static double rate[CFG_N][NSIZES][16], crate[CFG_N][NSIZES][16], lat[CFG_N][NSIZES][16],
		p99[CFG_N][NSIZES][16];
	static long fails[CFG_N][NSIZES];
	struct pl_up_opts uo = {.keep_owner = true, .topology = "bench-services.yaml"};
	double r[CFG_N][NSIZES], cr[CFG_N][NSIZES], l[CFG_N][NSIZES], q[CFG_N][NSIZES];
	char got[PL_RUN_ID_MAX];
	struct topo *t = NULL;
	int c, z, k, bpf_n = 1, err;
	struct meas m;

	if (pl_topo_parse_string("bench-services.yaml", yaml, &t))
		return 1;
	for (c = 0; c < CFG_N; c++) {
		if (skip[c])
			continue;
		uo.run = runs[c];
		uo.datapath = c == CFG_BPF;
		err = pl_run_up(t, &uo, got);
		if (err) {
			fprintf(stderr, "bench_services: up %s: %s\n", runs[c], strerror(-err));
			return 1;
		}
		if (server_start(runs[c], "web1") || server_start(runs[c], "web2")) {
			fprintf(stderr, "bench_services: %s: a backend server did not start\n",
				runs[c]);
			return 1;
		}
	}
	printf("bench_services: client pod -> ClusterIP %s:%d -> 2 backend pods, one node; "
	       "connect + RST close, %.1f s x %d rounds per config; load average: ",
	       VIP, SVC_PORT, secs, rounds);
	fflush(stdout);
	if (system("cut -d' ' -f1-3 /proc/loadavg"))
		printf("?\n");
	/* One measurement per config thrown away: the first one pays for cold caches. */
	for (c = 0; c < CFG_N; c++)
		if (!skip[c] && measure(runs[c], secs / 2, &m))
			return 1;
	for (z = 0; z < NSIZES; z++) {
		for (c = 0; c < CFG_N; c++) {
			if (skip[c])
				continue;
			err = c == CFG_BPF ? bpf_fill(t, &bpf_n, sizes[z])
					   : ipt_load(t, c, sizes[z], dir);
			if (err) {
				fprintf(stderr, "bench_services: %s at %d services: %s\n",
					cfg_name[c], sizes[z], strerror(-err));
				return 1;
			}
		}
		/* Configurations alternate within a round: drift hits every one. */
		for (k = 0; k < rounds; k++)
			for (c = 0; c < CFG_N; c++) {
				if (skip[c])
					continue;
				/* A rare reset (a source port reused while conntrack still holds
				 * its last flow) is reported; more than 1% fails the run. */
				if (measure(runs[c], secs, &m) || m.rate <= 0 ||
				    m.fails > m.rate * secs / 100) {
					fprintf(stderr,
						"bench_services: %s at %d services: %ld connects "
						"failed (%s), %.0f/s\n",
						cfg_name[c], sizes[z], m.fails,
						strerror(m.fail_errno), m.rate);
					return 1;
				}
				fails[c][z] += m.fails;
				rate[c][z][k] = m.rate;
				crate[c][z][k] = m.cycle_rate;
				lat[c][z][k] = m.lat_med_us;
				p99[c][z][k] = m.lat_p99_us;
			}
	}
	printf("%-28s %9s %10s %10s %11s %9s %7s\n", "config", "services", "conn/s", "cycle/s",
	       "connect us", "p99 us", "failed");
	for (c = 0; c < CFG_N; c++) {
		if (skip[c]) {
			printf("%-28s SKIP (%s)\n", cfg_name[c], skip[c]);
			continue;
		}
		for (z = 0; z < NSIZES; z++) {
			median_idx(rate[c][z], rounds, &r[c][z]);
			median_idx(crate[c][z], rounds, &cr[c][z]);
			median_idx(lat[c][z], rounds, &l[c][z]);
			median_idx(p99[c][z], rounds, &q[c][z]);
			printf("%-28s %9d %10.0f %10.0f %11.1f %9.1f %7ld\n", cfg_name[c], sizes[z],
			       r[c][z], cr[c][z], l[c][z], q[c][z], fails[c][z]);
		}
	}
	printf("conn/s: connections established per second, wall clock; cycle/s: 1 / the median "
	       "connect + close cycle (what\nother load on the machine leaves alone); connect "
	       "us: connect()'s median (its p99), the first packet's\npath both ways; medians "
	       "of rounds; failed: connects reset, all rounds.\n");
	if (skip[CFG_BPF])
		goto out;
	printf("BENCH-ROW\tTCP connections/s (median cycle) via a ClusterIP, BPF, 10k services\t"
	       "%.0f/s\tBPF, 10 services: %.0f/s\t%.2f\t>= 0.9\n",
	       cr[CFG_BPF][2], cr[CFG_BPF][0], cr[CFG_BPF][2] / cr[CFG_BPF][0]);
	printf("BENCH-ROW\tfirst-packet latency (connect) via a ClusterIP, BPF, 10k services\t"
	       "%.1f us\tBPF, 10 services: %.1f us\t%.2f\t<= 1.1\n",
	       l[CFG_BPF][2], l[CFG_BPF][0], l[CFG_BPF][2] / l[CFG_BPF][0]);
	for (c = CFG_LEGACY; c < CFG_N; c++) {
		if (skip[c])
			continue;
		printf("BENCH-ROW\tTCP connections/s (median cycle) via a ClusterIP, BPF, 10k "
		       "services\t%.0f/s\t%s, 10k services: %.0f/s\t%.2f\t%s\n",
		       cr[CFG_BPF][2], cfg_name[c], cr[c][2], cr[CFG_BPF][2] / cr[c][2],
		       c == CFG_NFT ? ">= 10" : "-");
		/* ratio: the baseline's latency over BPF's, so that more is better as for rates */
		printf("BENCH-ROW\tfirst-packet latency (connect) via a ClusterIP, BPF, 10k "
		       "services\t%.1f us\t%s, 10k services: %.1f us\t%.2f\t-\n",
		       l[CFG_BPF][2], cfg_name[c], l[c][2], l[c][2] / l[CFG_BPF][2]);
	}
out:
	pl_topo_free(t);
	return 0;
}

static pid_t worker;

static void forward(int sig)
{
	if (worker > 0)
		kill(worker, sig);
}

int main(int argc, char **argv)
{
	const char *e = getenv("BENCH_SERVICES_SECS");
	double secs = e ? atof(e) : 1.0;
	char dir[] = "/tmp/podlab-bench-svc.XXXXXX";
	int rounds = (e = getenv("BENCH_SERVICES_ROUNDS")) ? atoi(e) : 3;
	int c, st = 1, id = getpid() % 100000;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: bench_services (knobs: BENCH_SERVICES_SECS, "
				"BENCH_SERVICES_ROUNDS)\n");
		return 2;
	}
	if (geteuid()) {
		printf("bench_services: SKIP (needs root: it builds namespaces)\n");
		return 0;
	}
	if (secs <= 0 || rounds < 1 || rounds > 16) {
		fprintf(stderr, "bench_services: BENCH_SERVICES_SECS > 0, ROUNDS 1..16\n");
		return 2;
	}
	for (c = 0; c < CFG_N; c++) {
		snprintf(runs[c], sizeof(runs[c]), "bs%d%c", id, "bln"[c]);
		if (cfg_tool[c] && !have(cfg_tool[c]))
			skip[c] = c == CFG_LEGACY ? "iptables-legacy-restore missing: make deps"
						  : "iptables-nft-restore missing: make deps";
	}
	if (!have("ip")) {
		skip[CFG_LEGACY] = skip[CFG_NFT] = "ip (iproute2) missing: make deps";
	}
	if (!mkdtemp(dir))
		return 1;
	signal(SIGINT, forward);
	signal(SIGTERM, forward);
	worker = fork();
	if (worker == 0) {
		signal(SIGINT, SIG_DFL); /* the handler is the parent's: the worker just dies */
		signal(SIGTERM, SIG_DFL);
		st = work(dir, secs, rounds);
		fflush(stdout);
		_exit(st);
	}
	if (worker > 0) {
		while (waitpid(worker, &st, 0) < 0 && errno == EINTR)
			;
		st = WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	}
	/* Whatever became of the worker: its runs go (a run never made is none to take down). */
	for (c = 0; c < CFG_N; c++) {
		struct pl_run_state rs;
		char path[sizeof(dir) + 16];

		if (!pl_run_state_read(runs[c], &rs)) {
			pl_run_state_free(&rs);
			if (pl_run_down(runs[c]))
				st = 1;
		}
		snprintf(path, sizeof(path), "%s/rules-%d", dir, c);
		unlink(path);
	}
	rmdir(dir);
	return st;
}
