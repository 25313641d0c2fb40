// SPDX-License-Identifier: GPL-2.0
/* Hand-built topologies and normalised dumps for the namespace builder's tests. */
#include <arpa/inet.h>
#include <dirent.h>
#include <ftw.h>
#include <sched.h>
#include <stdarg.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/dump.h"
#include "net/netns.h"
#include "plan/plan.h"
#include "net/run.h"
#include "net_fixture.h"
#include "test.h"

static uint32_t ip4(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return htonl(a << 24 | b << 16 | c << 8 | d);
}

struct topo *fixture_topo(const struct fixture_opts *o)
{
	struct topo *t = calloc(1, sizeof(*t));
	char name[32];
	int i, k, p = 0;

	t->file = strdup("fixture.yaml");
	t->name = strdup("fixture");
	t->routing = o->routing;
	t->mtu = 1500;
	t->vni_base = 1;
	t->underlay = o->segment ? TOPO_UNDERLAY_SEGMENT : TOPO_UNDERLAY_P2P;
	t->nnodes = o->nnodes;
	t->nodes = calloc(o->nnodes, sizeof(*t->nodes));
	t->npods = o->nnodes * o->pods_per_node;
	t->pods = calloc(t->npods + 1, sizeof(*t->pods));
	for (i = 0; i < o->nnodes; i++) {
		struct topo_node *n = &t->nodes[i];

		snprintf(name, sizeof(name), "n%d", i + 1);
		n->name = strdup(name);
		n->underlay_ip = ip4(192, 168, 100, i + 1);
		n->underlay_plen = 24;
		n->pod_cidr = ip4(10, i + 1, 0, 0);
		n->pod_plen = 24;
		n->npods = o->pods_per_node;
		n->pods = calloc(o->pods_per_node + 1, sizeof(int));
		for (k = 0; k < o->pods_per_node; k++, p++) {
			struct topo_pod *pod = &t->pods[p];

			snprintf(name, sizeof(name), "n%dp%d", i + 1, k + 1);
			pod->name = strdup(name);
			pod->ip = ip4(10, i + 1, 0, 10 + k);
			pod->node = i;
			pod->identity = 256 + p;
			pod->ep_id = p + 1;
			n->pods[k] = p;
		}
	}
	if (o->world) {
		t->world.present = true;
		t->world.name = strdup("world");
		t->world.ip = ip4(203, 0, 113, 10);
		t->world.gateway_node_ip = t->nodes[0].underlay_ip;
	}
	if (o->qdisc != TOPO_QDISC_NONE) {
		struct topo_qdisc *q;

		t->nlinks = 1;
		t->links = calloc(1, sizeof(*t->links));
		t->links[0].node = 0;
		t->links[0].peer = o->segment ? -1 : 1;
		q = &t->links[0].qdisc;
		q->kind = o->qdisc;
		if (q->kind == TOPO_QDISC_TBF) {
			q->tbf.rate = o->tbf_rate ? o->tbf_rate : 10000000;
			q->tbf.burst = o->tbf_burst ? o->tbf_burst : 32768;
			q->tbf.latency_ns = 400000000;
		} else if (q->kind == TOPO_QDISC_HTB) {
			struct topo_match *m = calloc(2, sizeof(*m));
			struct topo_htb_class *c = calloc(2, sizeof(*c));

			m[0] = (struct topo_match){.dst = ip4(10, 2, 0, 0), .dst_plen = 24};
			m[1] = (struct topo_match){.proto = 6, .dport = 5201};
			c[0] = (struct topo_htb_class){.minor = 10,
						       .rate = 3000000,
						       .ceil = 5000000,
						       .matches = &m[0],
						       .nmatches = 1};
			c[1] = (struct topo_htb_class){.minor = 20,
						       .rate = 7000000,
						       .ceil = 10000000,
						       .matches = &m[1],
						       .nmatches = 1};
			q->htb.default_minor = 20;
			q->htb.rate = 10000000;
			q->htb.ceil = 10000000;
			q->htb.classes = c;
			q->htb.nclasses = 2;
		} else if (q->kind == TOPO_QDISC_NETEM) {
			q->netem.delay_ns = 100000000;
			q->netem.loss = 0.1;
		} else if (q->kind == TOPO_QDISC_PFIFO) {
			q->pfifo_limit = 100;
		}
	}
	return t;
}

void fixture_topo_free(struct topo *t)
{
	int i;

	if (!t)
		return;
	for (i = 0; i < t->nnodes; i++) {
		free(t->nodes[i].name);
		free(t->nodes[i].pods);
	}
	for (i = 0; i < t->npods; i++)
		free(t->pods[i].name);
	free(t->nodes);
	free(t->pods);
	for (i = 0; i < t->nlinks; i++) {
		if (t->links[i].qdisc.kind != TOPO_QDISC_HTB)
			continue;
		free(t->links[i].qdisc.htb.classes[0].matches);
		free(t->links[i].qdisc.htb.classes);
	}
	free(t->links);
	free(t->world.name);
	free(t->file);
	free(t->name);
	free(t);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of pl-<run>-* namespaces; returns count. */
static int list_netns(const char *run, char ***out)
{
	char prefix[64], **names = NULL;
	struct dirent *de;
	DIR *d = opendir(PL_NETNS_RUN_DIR);
	int n = 0;

	snprintf(prefix, sizeof(prefix), "pl-%s-", run);
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		names[n++] = strdup(de->d_name);
	}
	if (d)
		closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	*out = names;
	return n;
}

int fixture_count_netns(const char *run)
{
	char **names;
	int i, n = list_netns(run, &names);

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return n;
}

void fixture_delete_netns(const char *run)
{
	char **names;
	int i, n = list_netns(run, &names);

	for (i = 0; i < n; i++) {
		pl_netns_delete(names[i]);
		free(names[i]);
	}
	free(names);
}

/* Appends the lines of text to f sorted (kernel hash tables dump in any order). */
static void put_sorted(FILE *f, char *text)
{
	char **lines = NULL, *save = NULL, *l;
	int n = 0, i;

	for (l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		lines = realloc(lines, (n + 1) * sizeof(*lines));
		lines[n++] = l;
	}
	if (n)
		qsort(lines, n, sizeof(*lines), cmp_str);
	for (i = 0; i < n; i++)
		fprintf(f, "%s\n", lines[i]);
	free(lines);
}

char *fixture_dump_run(const char *run)
{
	char **names, *buf = NULL, prefix[64];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int i, n = list_netns(run, &names);

	snprintf(prefix, sizeof(prefix), "pl-%s-", run);
	for (i = 0; i < n; i++) {
		char *one = NULL;
		size_t olen = 0;
		FILE *of = open_memstream(&one, &olen);

		fprintf(f, "== pl-RUN-%s\n", names[i] + strlen(prefix));
		if (pl_dump_ns(names[i],
			       PL_DUMP_LINKS | PL_DUMP_ADDRS | PL_DUMP_ROUTES | PL_DUMP_NEIGH |
				       PL_DUMP_QDISCS,
			       of))
			fprintf(of, "dump failed\n");
		fclose(of);
		put_sorted(f, one);
		free(one);
		free(names[i]);
	}
	free(names);
	fclose(f);
	return buf;
}

const char *fixture_first_diff(const char *a, const char *b, char *buf, size_t len)
{
	int line = 1;

	while (*a && *b) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

		if (la != lb || strncmp(a, b, la)) {
			snprintf(buf, len, "line %d: '%.*s' vs '%.*s'", line, (int)la, a, (int)lb,
				 b);
			return buf;
		}
		a += la + (a[la] ? 1 : 0);
		b += lb + (b[lb] ? 1 : 0);
		line++;
	}
	if (*a || *b) {
		snprintf(buf, len, "line %d: one dump ends: '%.60s' vs '%.60s'", line, a, b);
		return buf;
	}
	return NULL;
}

static void hexs(FILE *f, const uint8_t *b, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		fprintf(f, "%02x", b[i]);
}

static void dump_map(FILE *f, const char *node, const char *name, int fd)
{
	struct bpf_map_info info = {0};
	uint32_t ilen = sizeof(info);
	uint8_t key[64], next[64], val[256];

	if (bpf_obj_get_info_by_fd(fd, &info, &ilen) || info.key_size > sizeof(key) ||
	    info.value_size > sizeof(val))
		return;
	if (bpf_map_get_next_key(fd, NULL, next))
		return;
	do {
		memcpy(key, next, info.key_size);
		if (bpf_map_lookup_elem(fd, key, val))
			continue;
		fprintf(f, "%s %s ", node, name);
		hexs(f, key, info.key_size);
		fputc(' ', f);
		hexs(f, val, info.value_size);
		fputc('\n', f);
	} while (!bpf_map_get_next_key(fd, key, next));
}

/* A map's type, sizes and flags, as the kernel holds them, on a line starting with label. */
static void dump_map_shape(FILE *f, const char *dir, const char *node, const char *name,
			   const char *label)
{
	struct bpf_map_info info = {0};
	uint32_t ilen = sizeof(info);
	char path[640];
	int fd;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, node, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return;
	if (!bpf_obj_get_info_by_fd(fd, &info, &ilen))
		fprintf(f, "%s %s shape type %u key %u value %u max_entries %u flags 0x%x\n", label,
			name, info.type, info.key_size, info.value_size, info.max_entries,
			info.map_flags);
	close(fd);
}

/* The .rodata a pinned program really runs with (the knobs). */
static void dump_prog_rodata(FILE *f, const char *node, const char *path)
{
	struct bpf_prog_info info = {0};
	uint32_t ilen = sizeof(info), ids[16], i, zero = 0;
	int fd = bpf_obj_get(path);
	uint8_t val[256];

	if (fd < 0)
		return;
	info.nr_map_ids = 16;
	info.map_ids = (uint64_t)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(fd, &info, &ilen))
		goto out;
	for (i = 0; i < info.nr_map_ids && i < 16; i++) {
		struct bpf_map_info mi = {0};
		uint32_t mlen = sizeof(mi);
		int mfd = bpf_map_get_fd_by_id(ids[i]);

		if (mfd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(mfd, &mi, &mlen) && strstr(mi.name, "rodata") &&
		    mi.value_size <= sizeof(val) && !bpf_map_lookup_elem(mfd, &zero, val)) {
			fprintf(f, "%s rodata of %s ", node, strrchr(path, '/') + 1);
			hexs(f, val, mi.value_size);
			fputc('\n', f);
		}
		close(mfd);
	}
out:
	close(fd);
}

char *fixture_dump_pins(const char *run)
{
	static const char *const maps[] = {"endpoints", "policy",   "devices",
					   "services",	"backends", "maglev"};
	static const char *const shaped[] = {"endpoints", "policy",   "conntrack",
					     "prefilter", "events",   "counters",
					     "services",  "backends", "maglev"};
	static const char *const cluster[] = {"ipcache", "ipcache6"};
	char dir[128], path[640], *buf = NULL, *sorted = NULL;
	size_t len = 0, slen = 0;
	FILE *f = open_memstream(&buf, &len), *sf;
	struct dirent *de;
	DIR *d;
	size_t i;

	snprintf(dir, sizeof(dir), "/sys/fs/bpf/podlab/%s", run);
	/* The run's cluster-wide maps, one for every node: "run ipcache ..." lines. */
	for (i = 0; i < sizeof(cluster) / sizeof(cluster[0]); i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/%s", dir, cluster[i]);
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		dump_map(f, "run", cluster[i], fd);
		close(fd);
		dump_map_shape(f, "/sys/fs/bpf/podlab", run, cluster[i], "run");
	}
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
			int fd;

			snprintf(path, sizeof(path), "%s/%s/%s", dir, de->d_name, maps[i]);
			fd = bpf_obj_get(path);
			if (fd < 0)
				continue;
			dump_map(f, de->d_name, maps[i], fd);
			close(fd);
		}
		for (i = 0; i < sizeof(shaped) / sizeof(shaped[0]); i++)
			dump_map_shape(f, dir, de->d_name, shaped[i], de->d_name);
		snprintf(path, sizeof(path), "%s/%s/from_pod", dir, de->d_name);
		dump_prog_rodata(f, de->d_name, path);
	}
	if (d)
		closedir(d);
	fclose(f);
	sf = open_memstream(&sorted, &slen);
	put_sorted(sf, buf);
	fclose(sf);
	free(buf);
	return sorted;
}

static int rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

void fixture_remove_pins(const char *run)
{
	char dir[256];

	snprintf(dir, sizeof(dir), "/sys/fs/bpf/podlab/%s", run);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static double fixture_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

const char *fixture_probe_netns_root(void)
{
	return pl_probe_bpf_netns();
}

/* QEMU's TCG names its CPU models so ("QEMU TCG CPU version 2.5+" for -cpu max). */
static bool cpu_emulated(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	bool tcg = false;

	while (f && !tcg && fgets(line, sizeof(line), f))
		tcg = !strncmp(line, "model name", 10) && strstr(line, "QEMU TCG");
	if (f)
		fclose(f);
	return tcg;
}

/*
 * Shaped rates need a machine that keeps time: when the host deschedules this
 * machine's CPU (CPU emulation, an overcommitted VM), the qdisc's timers stop too
 * and a token bucket loses what a stall exceeds its burst. Measured once: a
 * SCHED_FIFO thread (no local task can preempt it) reads CLOCK_MONOTONIC for
 * 300 ms; gaps longer than 2 ms (the seed tbf's 32 kbit burst lasts 3.2 ms at
 * 10 Mbit/s) add up to the time lost.
 */
const char *fixture_probe_shaping(void)
{
	static char reason[200];
	static bool done;
	struct sched_param fifo = {.sched_priority = 1}, old;
	const char *why = pl_probe_netns();
	double t0, last, t, lost = 0, worst = 0;
	int policy;

	if (why || done)
		return why ? why : reason[0] ? reason : NULL;
	done = true;
	if (cpu_emulated()) {
		/* Measured under QEMU TCG: tbf 10mbit read 8.1-8.9 Mbit/s, htb 7mbit 4.7-5.9. */
		snprintf(reason, sizeof(reason),
			 "CPU emulation (QEMU TCG): the qdisc timers stop whenever the host "
			 "deschedules the emulator, so shaped rates read low");
		return reason;
	}
	policy = sched_getscheduler(0);
	sched_getparam(0, &old);
	if (sched_setscheduler(0, SCHED_FIFO, &fifo))
		return NULL; /* cannot measure: run the test */
	t0 = last = fixture_now();
	while ((t = fixture_now()) - t0 < 0.3) {
		if (t - last > 0.002)
			lost += t - last;
		if (t - last > worst)
			worst = t - last;
		last = t;
	}
	sched_setscheduler(0, policy, &old);
	if (lost > 0.03 * 0.3)
		snprintf(reason, sizeof(reason),
			 "this machine stalls (%.0f of 300 ms lost in gaps over 2 ms, worst %.1f "
			 "ms: "
			 "CPU emulation or an overloaded host): shaped rates would read low",
			 lost * 1e3, worst * 1e3);
	return reason[0] ? reason : NULL;
}

void fixture_run_id(char *buf, const char *tag)
{
	snprintf(buf, PL_RUN_ID_MAX, "t%d%.4s", (int)getpid() % 100000, tag);
}

bool fixture_state_exists(const char *run)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s.state", PL_STATE_DIR, run);
	return access(path, F_OK) == 0;
}

bool fixture_pins_exist(const char *run)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", PL_BPFFS_ROOT, run);
	return access(path, F_OK) == 0;
}

/* Nothing of run is left: no namespace, no state file, no pins. */
void fixture_assert_gone(const char *run)
{
	ASSERT_EQ(fixture_count_netns(run), 0, "no pl-<run>-* namespace left");
	ASSERT_FALSE(fixture_state_exists(run), "no state file left");
	ASSERT_FALSE(fixture_pins_exist(run), "no pins left");
}

char *fixture_dump_ns(const char *run, const char *what, unsigned flags)
{
	char name[PL_NETNS_NAME_MAX], *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	pl_netns_name(run, what, name, sizeof(name));
	if (pl_dump_ns(name, flags, f))
		fprintf(f, "DUMP FAILED");
	fclose(f);
	return buf;
}

int fixture_sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd) - 32, fmt, ap);
	va_end(ap);
	if (!pl_verbose())
		snprintf(cmd + n, sizeof(cmd) - n, " >/dev/null 2>&1");
	else
		fprintf(stderr, "+ %s\n", cmd);
	return system(cmd);
}

void fixture_pair_down(struct fixture_pair *p)
{
	fixture_sh("ip netns del %s", p->a);
	fixture_sh("ip netns del %s", p->b);
}

int fixture_pair_up(struct fixture_pair *p, const char *tag, int mtu)
{
	char mtu_arg[16] = "";

	snprintf(p->a, sizeof(p->a), "pl-t%d-%sa", getpid(), tag);
	snprintf(p->b, sizeof(p->b), "pl-t%d-%sb", getpid(), tag);
	if (mtu)
		snprintf(mtu_arg, sizeof(mtu_arg), " mtu %d", mtu);
	if (fixture_sh("ip netns add %s", p->a) || fixture_sh("ip netns add %s", p->b) ||
	    fixture_sh("ip -n %s link add va%s type veth peer name vb%s netns %s", p->a, mtu_arg,
		       mtu_arg, p->b) ||
	    fixture_sh("ip -n %s addr add 10.200.0.1/24 dev va", p->a) ||
	    fixture_sh("ip -n %s addr add 10.200.0.2/24 dev vb", p->b) ||
	    fixture_sh("ip -n %s link set va up && ip -n %s link set lo up", p->a, p->a) ||
	    fixture_sh("ip -n %s link set vb up && ip -n %s link set lo up", p->b, p->b)) {
		fixture_pair_down(p);
		return -1;
	}
	return 0;
}

int fixture_pair_tbf(const struct fixture_pair *p)
{
	return fixture_sh("ip netns exec %s tc qdisc add dev va root tbf rate 10mbit burst 32kbit "
			  "latency 50ms",
			  p->a);
}

int fixture_pair_htb(const struct fixture_pair *p)
{
	return fixture_sh(
		"ip netns exec %s sh -c '"
		"tc qdisc add dev va root handle 1: htb default 30 && "
		"tc class add dev va parent 1: classid 1:1 htb rate 10mbit && "
		"tc class add dev va parent 1:1 classid 1:10 htb rate 3mbit ceil 10mbit && "
		"tc class add dev va parent 1:1 classid 1:20 htb rate 7mbit ceil 10mbit && "
		"tc class add dev va parent 1:1 classid 1:30 htb rate 1mbit && "
		"tc filter add dev va parent 1: protocol ip u32 "
		"match ip dport 5003 0xffff flowid 1:10 && "
		"tc filter add dev va parent 1: protocol ip u32 "
		"match ip dport 5007 0xffff flowid 1:20'",
		p->a);
}

uint32_t fixture_ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

enum pl_probe_status fixture_probe_from(const char *run, const char *src, uint8_t proto,
					const char *dst, uint16_t port, struct pl_probe_server *srv,
					uint32_t *seen_ip)
{
	char ns[PL_NETNS_NAME_MAX];
	struct pl_probe_req req = {.src_netns = ns,
				   .proto = proto,
				   .dst_ip = fixture_ip4(dst),
				   .dport = port,
				   .server = srv};
	struct pl_probe_result res;

	pl_netns_name(run, src, ns, sizeof(ns));
	if (!ASSERT_OK(pl_probe(&req, &res), "probe"))
		return PL_PROBE_ERROR;
	*seen_ip = res.seen ? res.sighting.peer_ip : 0;
	return res.status;
}
