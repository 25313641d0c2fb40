// SPDX-License-Identifier: GPL-2.0
/*
 * Unit-mode replay rate, side by side in one run with
 *  - the floor: the same distinct packets through bpf/trivial.bpf.c's tc_pass
 *    with BPF_PROG_TEST_RUN in the same namespace (one syscall per packet);
 *  - tcpreplay --topspeed of the same pcap onto a veth in a namespace we create
 *    (what users run instead; it asserts nothing);
 *  - the engine with its workers (one per CPU, sharded by flow), each verdict
 * checked against one by one. Every ratio line names its baseline.
 *  - live mode, one packet in flight vs windows of packets (every result compared).
 *  - IPv6 unit replay next to its IPv4 twin on the dual-stack topology.
 * usage: bench_replay [TOPOLOGY] [PACKETS] [WINDOW] [LIVE_PACKETS]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/clock.h"
#include "lib/datapath.h"
#include "trivial.skel.h"
#include "lib/log.h"
#include "lib/pkt.h"
#include "replay/capture.h"
#include "replay/replay.h"
#include "replay/replay_workers.h"
#include "topo/topo.h"

/*
 * n distinct TCP packets from the first pod of node 0 to the first pod of node
 * 1; v6: between their IPv6 addresses (dual stack).
 */
static int write_pcap_family(const struct topo *t, const char *dir, int n, bool v6)
{
	struct pl_pkt_spec s = {.proto = IPPROTO_TCP, .dport = 80, .tcp_flags = 0x10};
	static const uint8_t payload[64] = "podlab bench";
	struct pl_pcap_out *po;
	uint8_t buf[256];
	int i, len, a = -1, b = -1, err;

	for (i = 0; i < t->npods; i++) {
		if (t->pods[i].node == 0 && a < 0)
			a = i;
		if (t->pods[i].node == 1 && b < 0)
			b = i;
	}
	if (a < 0 || b < 0)
		return -EINVAL;
	s.saddr = t->pods[a].ip;
	s.daddr = t->pods[b].ip;
	if (v6) {
		s.family = AF_INET6;
		memcpy(s.saddr6, t->pods[a].ip6, 16);
		memcpy(s.daddr6, t->pods[b].ip6, 16);
	}
	s.payload = payload;
	s.payload_len = sizeof(payload);
	err = pl_pcap_out_open(dir, &po);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		s.sport = 1024 + i % 60000;
		s.ip_id = (uint16_t)i;
		s.seq = i;
		len = pl_pkt_build(&s, buf, sizeof(buf));
		if (len < 0 || pl_pcap_out_write(po, "input", buf, len)) {
			pl_pcap_out_close(po);
			return -EIO;
		}
	}
	pl_pcap_out_close(po);
	return 0;
}

static int write_pcap(const struct topo *t, const char *dir, int n)
{
	return write_pcap_family(t, dir, n, false);
}

/* Seconds to replay packets [from, to) with the engine. */
static double time_replay(struct pl_replay *rp, const struct pl_replay_pkts *pk, int from, int to)
{
	struct pl_result res;
	double t0 = pl_now();
	int i;

	for (i = from; i < to; i++) {
		if (pl_replay_one(rp, &pk->p[i], &res) || res.status != PL_RES_OK) {
			fprintf(stderr, "bench: packet %d: %s\n", i + 1, res.skip);
			pl_result_release(&res);
			return -1;
		}
		pl_result_release(&res);
	}
	return pl_now() - t0;
}

/* Seconds for the same packets through tc_pass: one BPF_PROG_TEST_RUN each, same netns. */
static double time_floor(int fd, const struct pl_replay_pkts *pk, int from, int to,
			 uint32_t ifindex)
{
	struct __sk_buff skb = {.ifindex = ifindex};
	static uint8_t out[PL_PKT_MAX];
	double t0 = pl_now();
	int i;

	for (i = from; i < to; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pk->p[i].data,
			    .data_size_in = pk->p[i].len, .data_out = out,
			    .data_size_out = sizeof(out), .ctx_in = &skb,
			    .ctx_size_in = sizeof(skb));

		if (bpf_prog_test_run_opts(fd, &o))
			return -1;
	}
	return pl_now() - t0;
}

/* Empties every node's conntrack: each engine meets a slice's flows as new. */
static int ct_clear(struct pl_replay *rp)
{
	char path[256], key[64], next[64];
	bool have;
	int i, fd;

	for (i = 0; i < 2 * rp->t->nnodes; i++) {
		/* conntrack, then (IPv6 replays) conntrack6 when the topology has it */
		snprintf(path, sizeof(path), "/sys/fs/bpf/podlab/%s/%s/conntrack%s", rp->run,
			 rp->t->nodes[i % rp->t->nnodes].name, i < rp->t->nnodes ? "" : "6");
		fd = bpf_obj_get(path);
		if (fd < 0 && i >= rp->t->nnodes && errno == ENOENT)
			continue;
		if (fd < 0)
			return -errno;
		/* Walk from the previous key, not from NULL: a walk from the start is O(size). */
		for (have = !bpf_map_get_next_key(fd, NULL, key); have; memcpy(key, next, 64)) {
			have = !bpf_map_get_next_key(fd, key, next);
			bpf_map_delete_elem(fd, key);
		}
		close(fd);
	}
	return 0;
}

/* What a verdict is: every field a result line or JSON prints from, and the output bytes. */
static bool same_result(const struct pl_result *a, const struct pl_result *b)
{
	int i;

	if (a->status != b->status || a->verdict != b->verdict ||
	    a->drop_reason != b->drop_reason || a->delivery != b->delivery ||
	    a->deliver_node != b->deliver_node || a->deliver_pod != b->deliver_pod ||
	    a->nhops != b->nhops || a->encap != b->encap || a->vni != b->vni ||
	    a->out_len != b->out_len || strcmp(a->out_dev, b->out_dev) ||
	    (a->out_len && memcmp(a->out, b->out, a->out_len)))
		return false;
	for (i = 0; i < a->nhops; i++)
		if (a->hops[i].obs_point != b->hops[i].obs_point ||
		    a->hops[i].verdict != b->hops[i].verdict ||
		    a->hops[i].drop_reason != b->hops[i].drop_reason ||
		    a->hops[i].note != b->hops[i].note ||
		    a->hops[i].target_ifindex != b->hops[i].target_ifindex ||
		    strcmp(a->hops[i].remark, b->hops[i].remark))
			return false;
	return true;
}

/* Seconds to replay packets [from, to) one by one in this thread; results kept in res. */
static double time_serial(struct pl_replay *rp, const struct pl_replay_pkts *pk, int from, int to,
			  struct pl_result *res)
{
	double t0 = pl_now();
	int i;

	for (i = from; i < to; i++) {
		if (pl_replay_one(rp, &pk->p[i], &res[i - from]) ||
		    res[i - from].status != PL_RES_OK) {
			fprintf(stderr, "bench: packet %d: %s\n", i + 1, res[i - from].skip);
			return -1;
		}
	}
	return pl_now() - t0;
}

/* Unit mode's verdict of each packet (one by one, conntrack emptied per slice): live's expectation.
 */
static uint8_t *unit_verdict, *unit_reason;

/* The same with the workers, in chunks as a session runs them; results released. */
#define WORKER_CHUNK 4096
static const struct topo *bench_topo; /* for a differing verdict's lines */
static double time_workers(struct pl_replay_workers *w, const struct pl_replay_pkts *pk, int from,
			   int to, const struct pl_result *serial, int *mismatches)
{
	static struct pl_result res[WORKER_CHUNK];
	static int state[WORKER_CHUNK];
	double t0 = pl_now(), secs = 0;
	int a, b, i;

	for (a = from; a < to; a = b) {
		b = a + WORKER_CHUNK < to ? a + WORKER_CHUNK : to;
		t0 = pl_now();
		if (pl_replay_workers_run(w, pk, a, b, res, state, NULL))
			return -1;
		for (i = a; i < b; i++)
			if (state[i - a] != 1)
				return -1;
		secs += pl_now() - t0;
		for (i = a; i < b; i++) {
			if (serial && !same_result(&res[i - a], &serial[i - from]) &&
			    ++*mismatches <= 3) {
				fprintf(stderr, "bench: packet %d differs:\n  one by one: ", i + 1);
				pl_result_print(stderr, &serial[i - from], bench_topo);
				fprintf(stderr, "  workers:    ");
				pl_result_print(stderr, &res[i - a], bench_topo);
				fprintf(stderr, "  remarks '%s' / '%s'\n",
					serial[i - from].hops[0].remark, res[i - a].hops[0].remark);
			}
			pl_result_release(&res[i - a]);
		}
	}
	return secs;
}

/*
 * The engine one by one, the engine with its workers (each on an emptied
 * conntrack, so both meet the same new flows) and the floor, interleaved in
 * ROUNDS slices so all three see the same machine load (other tests run on it
 * too). Every worker verdict is checked against the one-by-one verdict.
 */
#define ROUNDS 10
struct unit_figures {
	double serial_pps, workers_pps, floor_pps;
	int nworkers, mismatches;
};

static int bench_unit(struct pl_replay *rp, const struct pl_replay_pkts *pk, int node,
		      uint32_t ifindex, struct unit_figures *f)
{
	double tr = 0, tw = 0, tf = 0, s;
	struct pl_replay_workers *w = NULL;
	struct pl_result *serial;
	struct trivial *skel;
	int r, i, from, to, fd, err = -1;

	serial = calloc(pk->n / ROUNDS + 1, sizeof(*serial));
	if (!serial || pl_replay_enter(rp, node) ||
	    pl_replay_workers_open(rp, pl_replay_workers_max(), &w)) {
		free(serial);
		return -1;
	}
	f->nworkers = pl_replay_workers_count(w);
	f->mismatches = 0;
	skel = trivial__open_and_load();
	if (!skel)
		goto out;
	fd = bpf_program__fd(skel->progs.tc_pass);
	for (r = 0; r < ROUNDS; r++) {
		from = pk->n * r / ROUNDS;
		to = pk->n * (r + 1) / ROUNDS;
		if (ct_clear(rp))
			goto out;
		s = time_serial(rp, pk, from, to, serial);
		if (s < 0)
			goto out;
		tr += s;
		if (ct_clear(rp))
			goto out;
		s = time_workers(w, pk, from, to, serial, &f->mismatches);
		for (i = 0; i < to - from; i++) {
			unit_verdict[from + i] = serial[i].verdict;
			unit_reason[from + i] = serial[i].drop_reason;
			pl_result_release(&serial[i]);
		}
		if (s < 0)
			goto out;
		tw += s;
		/* the engine may have left the node's netns for another: come back */
		if (pl_replay_enter(rp, node))
			goto out;
		s = time_floor(fd, pk, from, to, ifindex);
		if (s < 0)
			goto out;
		tf += s;
	}
	f->serial_pps = pk->n / tr;
	f->workers_pps = pk->n / tw;
	f->floor_pps = pk->n / tf;
	err = 0;
out:
	trivial__destroy(skel);
	pl_replay_workers_close(w);
	free(serial);
	return err;
}

static int drain(void *ctx, const void *data, size_t len)
{
	(void)ctx;
	(void)data;
	(void)len;
	return 0;
}

/*
 * Pass 2, every flow now tracked: the engine against the same from_pod run
 * bare (a test_run loop, events left unread until the slice ends), to show
 * what the engine itself costs on top of the datapath.
 */
static int bench_engine(struct pl_replay *rp, const struct pl_replay_pkts *pk, int node,
			uint32_t ifindex, double *replay_pps, double *bare_pps, double *workers_pps)
{
	int r, from, to, unused = 0, fd = rp->nodes[node].prog_fd[PL_PROG_FROM_POD];
	double tr = 0, tb = 0, tw = 0, s;
	struct pl_replay_workers *w;

	if (pl_replay_workers_open(rp, pl_replay_workers_max(), &w))
		return -1;
	for (r = 0; r < ROUNDS; r++) {
		from = pk->n * r / ROUNDS;
		to = pk->n * (r + 1) / ROUNDS;
		s = time_replay(rp, pk, from, to);
		if (s < 0 || pl_replay_enter(rp, node))
			goto fail;
		tr += s;
		s = time_floor(fd, pk, from, to, ifindex);
		if (s < 0)
			goto fail;
		tb += s;
		pl_evring_read(&rp->nodes[node].ring, true, drain, NULL);
		s = time_workers(w, pk, from, to, NULL, &unused);
		if (s < 0)
			goto fail;
		tw += s;
	}
	pl_replay_workers_close(w);
	*replay_pps = pk->n / tr;
	*bare_pps = pk->n / tb;
	*workers_pps = pk->n / tw;
	return 0;
fail:
	pl_replay_workers_close(w);
	return -1;
}

#define PASS2_PACKETS 50000

/*
 * Live mode, side by side in LIVE_ROUNDS slices of the capture: one packet in
 * flight (the first LIVE_SAMPLE / LIVE_ROUNDS packets of each slice), then the
 * whole slice in windows, each engine on an emptied conntrack. Every windowed
 * result must equal the one-at-a-time result where both ran, and every packet
 * must reach the destination pod with from_pod's verdict as unit mode gave it.
 * The live set is the capture repeated to LIVE_PACKETS (a slice is one pass
 * over it, from an emptied conntrack, when it has 100k packets).
 */
#define LIVE_PACKETS 1000000
#define LIVE_ROUNDS  10
#define LIVE_SAMPLE  2000
struct live_figures {
	double one_pps, window_pps;
	int window, sampled, differ, unexpected, replayed;
};

static int unit_n; /* packets unit mode replayed: the live set repeats them */

static bool live_expected(const struct pl_result *r, int i, int dst)
{
	i %= unit_n;
	return r->status == PL_RES_OK && r->delivery == PL_DELIV_POD && r->deliver_pod == dst &&
	       r->nhops && r->hops[0].prog == PL_PROG_FROM_POD &&
	       r->hops[0].verdict == unit_verdict[i] && r->hops[0].drop_reason == unit_reason[i];
}

static int bench_live(const struct topo *t, const struct pl_replay_pkts *pk, int dst,
		      struct live_figures *f)
{
	struct pl_replay_opts ro = {.mode = PL_MODE_LIVE, .live_window = f->window};
	struct pl_result *one, *win;
	int r, i, from, to, k, used, err = -1, ns = LIVE_SAMPLE / LIVE_ROUNDS;
	double t1 = 0, tw = 0, t0;
	struct pl_replay *rp;

	one = calloc(ns, sizeof(*one));
	win = calloc(f->window, sizeof(*win));
	if (!one || !win || pl_replay_open(t, &ro, &rp)) {
		free(one);
		free(win);
		return -1;
	}
	/* The first packet resolves the next hop: neither engine should pay it. */
	if (pl_replay_one(rp, &pk->p[0], &one[0]))
		goto out;
	pl_result_release(&one[0]);
	for (r = 0; r < LIVE_ROUNDS; r++) {
		from = pk->n * r / LIVE_ROUNDS;
		to = pk->n * (r + 1) / LIVE_ROUNDS;
		k = to - from < ns ? to - from : ns;
		if (ct_clear(rp))
			goto out;
		t0 = pl_now();
		for (i = 0; i < k; i++)
			if (pl_replay_one(rp, &pk->p[from + i], &one[i]))
				goto out;
		t1 += pl_now() - t0;
		f->sampled += k;
		if (ct_clear(rp))
			goto out;
		for (i = from; i < to; i += used) {
			t0 = pl_now();
			err = pl_replay_window(rp, &pk->p[i], to - i, win, &used);
			tw += pl_now() - t0;
			for (int j = 0; j < used; j++) {
				int at = i + j - from;

				f->replayed++;
				f->unexpected += !live_expected(&win[j], i + j, dst);
				if (at < k && !same_result(&win[j], &one[at]) && ++f->differ <= 3) {
					fprintf(stderr, "bench: live packet %d differs:\n  one: ",
						i + j + 1);
					pl_result_print(stderr, &one[at], t);
					fprintf(stderr, "  window: ");
					pl_result_print(stderr, &win[j], t);
				}
				pl_result_release(&win[j]);
			}
			if (err)
				goto out;
		}
		for (i = 0; i < k; i++)
			pl_result_release(&one[i]);
	}
	f->one_pps = f->sampled / t1;
	f->window_pps = f->replayed / tw;
	err = 0;
out:
	pl_replay_close(rp);
	free(one);
	free(win);
	return err;
}

/*
 * IPv6 unit replay next to its IPv4 twin: n packets between the same two pods
 * of the dual-stack topology, in either family, through one engine as
 * bench_unit runs them. The families alternate FAMILY_REPS times (the same
 * load for both); figures are the mean of each family's runs.
 */
#define FAMILY_REPS 2
#define FAMILY_TOPO "topologies/two-node-dual-stack.yaml"
static int bench_families(const char *topo_file, int n, struct unit_figures *fig)
{
	struct pl_replay_opts ro = {.mode = PL_MODE_UNIT};
	struct pl_replay_pkts pk[2] = {{0}};
	struct pl_replay *rp = NULL;
	struct pl_unit_sum {
		double serial, workers, floor;
	} sum[2] = {{0}};
	struct pl_pkt_info info;
	struct unit_figures f;
	char dir[64], pcap[96];
	struct topo *t = NULL;
	int fam, r, i, pod, err = -1;
	uint8_t verdict = 0;

	memset(fig, 0, 2 * sizeof(*fig));
	if (pl_topo_parse(topo_file, &t))
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/pl-bench-%d-v6", (int)getpid());
	snprintf(pcap, sizeof(pcap), "%s/input.pcap", dir);
	for (fam = 0; fam < 2; fam++) {
		err = write_pcap_family(t, dir, n, fam == 1);
		err = err ?: pl_replay_pkts_load_pcap(&pk[fam], pcap, NULL);
		unlink(pcap);
		if (err)
			goto out;
	}
	rmdir(dir);
	err = -1;
	free(unit_verdict);
	free(unit_reason);
	unit_verdict = calloc(n, 1);
	unit_reason = calloc(n, 1);
	if (!unit_verdict || !unit_reason || pl_replay_open(t, &ro, &rp))
		goto out;
	bench_topo = t;
	for (r = 0; r < 2 * FAMILY_REPS; r++) {
		fam = r % 2;
		pl_pkt_parse(pk[fam].p[0].data, pk[fam].p[0].len, &info);
		pod = fam ? pl_topo_pod_by_ip6(t, info.src.v6) : pl_topo_pod_by_ip(t, info.saddr);
		if (pod < 0 || bench_unit(rp, &pk[fam], t->pods[pod].node,
					  rp->nodes[t->pods[pod].node].pod_ifindex[pod], &f))
			goto out;
		/* every packet must get the one verdict of the first, not a drop */
		if (!r)
			verdict = unit_verdict[0];
		for (i = 0; i < n && unit_verdict[i] == verdict; i++)
			;
		if (f.mismatches || i < n || verdict == PL_VERDICT_DROPPED) {
			fprintf(stderr, "bench: %s replay: packet %d %s, expected %s (%d differ)\n",
				fam ? "IPv6" : "IPv4", i + 1,
				pl_verdict_name(i < n ? unit_verdict[i] : verdict),
				pl_verdict_name(verdict), f.mismatches);
			goto out;
		}
		sum[fam].serial += f.serial_pps / FAMILY_REPS;
		sum[fam].workers += f.workers_pps / FAMILY_REPS;
		sum[fam].floor += f.floor_pps / FAMILY_REPS;
		fig[fam].nworkers = f.nworkers;
	}
	for (fam = 0; fam < 2; fam++) {
		fig[fam].serial_pps = sum[fam].serial;
		fig[fam].workers_pps = sum[fam].workers;
		fig[fam].floor_pps = sum[fam].floor;
	}
	err = 0;
out:
	pl_replay_close(rp);
	pl_replay_pkts_free(&pk[0]);
	pl_replay_pkts_free(&pk[1]);
	pl_topo_free(t);
	rmdir(dir);
	return err;
}

/* tcpreplay --topspeed onto one end of a veth pair inside a namespace of our own. */
static double bench_tcpreplay(const char *pcap, int n)
{
	char ns[32], cmd[512];
	double t0, secs, pps = -1;

	snprintf(ns, sizeof(ns), "pl-b%d-tr", (int)getpid());
	snprintf(cmd, sizeof(cmd),
		 "ip netns add %s && ip -n %s link add tra type veth peer name trb && "
		 "ip -n %s link set tra up && ip -n %s link set trb up",
		 ns, ns, ns, ns);
	if (system(cmd))
		goto out;
	snprintf(cmd, sizeof(cmd), "ip netns exec %s tcpreplay --topspeed -q -i tra %s >/dev/null",
		 ns, pcap);
	t0 = pl_now();
	if (system(cmd))
		goto out;
	secs = pl_now() - t0;
	pps = n / secs;
out:
	snprintf(cmd, sizeof(cmd), "ip netns del %s 2>/dev/null", ns);
	if (system(cmd))
		fprintf(stderr, "bench: could not delete namespace %s\n", ns);
	return pps;
}

int main(int argc, char **argv)
{
	const char *topo_file = argc > 1 ? argv[1] : "topologies/two-node-native.yaml";
	int n = argc > 2 ? atoi(argv[2]) : 100000, rc = 1, pod;
	struct pl_replay_opts ro = {.mode = PL_MODE_UNIT};
	struct pl_replay_pkts pk = {0}, tracked = {0}, live = {0};
	struct pl_replay *rp = NULL;
	double tcpr, replay2, bare, workers2;
	struct live_figures lf = {.window = argc > 3 ? atoi(argv[3]) : PL_LIVE_WINDOW_DEFAULT};
	struct unit_figures uf, ff[2];
	int live_err, fam_err, i;
	char dir[64], pcap[96], what[64];
	struct pl_pkt_info info;
	struct topo *t = NULL;

	pl_log_init(0);
	if (geteuid()) {
		printf("bench_replay: SKIP (needs root: namespaces and BPF_PROG_TEST_RUN)\n");
		return 0;
	}
	snprintf(dir, sizeof(dir), "/tmp/pl-bench-%d", (int)getpid());
	snprintf(pcap, sizeof(pcap), "%s/input.pcap", dir);
	if (pl_topo_parse(topo_file, &t) || write_pcap(t, dir, n) ||
	    pl_replay_pkts_load_pcap(&pk, pcap, NULL))
		goto out;
	if (pl_replay_open(t, &ro, &rp))
		goto out;
	bench_topo = t;
	unit_verdict = calloc(pk.n, 1);
	unit_reason = calloc(pk.n, 1);
	if (!unit_verdict || !unit_reason)
		goto out;
	pl_pkt_parse(pk.p[0].data, pk.p[0].len, &info);
	pod = pl_topo_pod_by_ip(t, info.saddr);
	if (pod < 0 || bench_unit(rp, &pk, t->pods[pod].node,
				  rp->nodes[t->pods[pod].node].pod_ifindex[pod], &uf))
		goto out;
	/* The conntrack LRU keeps the newest 65536 flows: pass 2 replays the newest 50000. */
	tracked.n = pk.n < PASS2_PACKETS ? pk.n : PASS2_PACKETS;
	tracked.p = pk.p + (pk.n - tracked.n);
	if (bench_engine(rp, &tracked, t->pods[pod].node,
			 rp->nodes[t->pods[pod].node].pod_ifindex[pod], &replay2, &bare, &workers2))
		goto out;
	pl_replay_close(rp);
	rp = NULL;
	unit_n = pk.n;
	live.n = argc > 4 ? atoi(argv[4]) : LIVE_PACKETS;
	live.p = calloc(live.n > 0 ? live.n : 1, sizeof(*live.p));
	for (i = 0; live.p && i < live.n; i++)
		live.p[i] = pk.p[i % pk.n];
	live_err = live.p && live.n > 0
			   ? bench_live(t, &live, pl_topo_pod_by_ip(t, info.daddr), &lf)
			   : -1;
	free(live.p); /* the packets are pk's */
	tcpr = bench_tcpreplay(pcap, n);
	fam_err = bench_families(FAMILY_TOPO, n / 2, ff);
	printf("unit-mode replay of %d distinct packets (%s, from_pod, events on;\n"
	       "one by one, %d workers and the floor interleaved in %d slices under the same "
	       "load,\n"
	       "conntrack emptied before each engine's slice)\n",
	       n, topo_file, uf.nworkers, ROUNDS);
	printf("  %-36s %12s %8s\n", "what", "packets/s", "ratio");
	printf("  %-36s %12.0f %8s\n", "floor: tc_pass via test_run", uf.floor_pps, "1.00");
	printf("  %-36s %12.0f %8.2f  of the floor\n", "podlab replay, one by one", uf.serial_pps,
	       uf.serial_pps / uf.floor_pps);
	snprintf(dir, sizeof(dir), "podlab replay, %d workers", uf.nworkers);
	printf("  %-36s %12.0f %8.2f  of the floor (goal >= 0.8)\n", dir, uf.workers_pps,
	       uf.workers_pps / uf.floor_pps);
	printf("  %-36s %12.0f %8.2f  of one by one\n", dir, uf.workers_pps,
	       uf.workers_pps / uf.serial_pps);
	printf("  %-36s %12.0f %8.2f  %s vs tcpreplay (goal >= 1.5)\n",
	       "tcpreplay --topspeed onto a veth", tcpr, tcpr > 0 ? uf.workers_pps / tcpr : 0, dir);
	printf("  %-36s %12.0f %8.2f  one by one vs tcpreplay\n", "", tcpr,
	       tcpr > 0 ? uf.serial_pps / tcpr : 0);
	printf("  verdicts of %d workers vs one by one: %d of %d differ\n", uf.nworkers,
	       uf.mismatches, n);
	printf("pass 2, the newest %d packets again, every flow tracked (conntrack hit):\n"
	       "engine vs the datapath alone\n",
	       tracked.n);
	printf("  %-36s %12.0f %8s\n", "podlab replay (unit mode)", replay2, "1.00");
	printf("  %-36s %12.0f %8.2f  one by one of bare (engine efficiency)\n",
	       "from_pod via bare test_run", bare, bare > 0 ? replay2 / bare : 0);
	printf("  %-36s %12.0f %8.2f  of one by one, %.2f of bare\n", dir, workers2,
	       workers2 / replay2, workers2 / bare);
	printf("live mode: %d packets (the capture repeated) injected from a pod, correlated at\n"
	       "the destination by tag; one at a time (%d of them) and windows of %d\n"
	       "interleaved in %d slices, conntrack emptied before each engine's slice\n",
	       lf.replayed, lf.sampled, lf.window, LIVE_ROUNDS);
	printf("  %-36s %12.0f %8s\n", "live replay, one packet in flight", lf.one_pps, "1.00");
	snprintf(what, sizeof(what), "live replay, windows of %d", lf.window);
	printf("  %-36s %12.0f %8.2f  of one at a time\n", what, lf.window_pps,
	       lf.one_pps > 0 ? lf.window_pps / lf.one_pps : 0);
	printf("  results of windows vs one at a time: %d of %d differ; %d of %d not delivered\n"
	       "  to the destination pod with unit mode's from_pod verdict%s\n",
	       lf.differ, lf.sampled, lf.unexpected, lf.replayed,
	       live_err ? " (stopped early)" : "");
	printf("IPv6 unit replay next to its IPv4 twin: %d packets frontend -> backend:80 of\n"
	       "%s in either family, the families alternating %d times%s\n",
	       n / 2, FAMILY_TOPO, FAMILY_REPS, fam_err ? " (FAILED)" : "");
	printf("  %-36s %12s %12s %8s\n", "what", "IPv4 pkt/s", "IPv6 pkt/s", "v6/v4");
	printf("  %-36s %12.0f %12.0f %8.2f  (time per packet)\n", "floor: tc_pass via test_run",
	       ff[0].floor_pps, ff[1].floor_pps,
	       ff[1].floor_pps ? ff[0].floor_pps / ff[1].floor_pps : 0);
	printf("  %-36s %12.0f %12.0f %8.2f\n", "podlab replay, one by one", ff[0].serial_pps,
	       ff[1].serial_pps, ff[1].serial_pps ? ff[0].serial_pps / ff[1].serial_pps : 0);
	snprintf(what, sizeof(what), "podlab replay, %d workers", ff[1].nworkers);
	printf("  %-36s %12.0f %12.0f %8.2f  (goal <= 1.2)\n", what, ff[0].workers_pps,
	       ff[1].workers_pps, ff[1].workers_pps ? ff[0].workers_pps / ff[1].workers_pps : 0);
	/* Summary rows for make bench (tests/bench/summary.sh). */
	/* ratio: IPv6's time per packet over IPv4's (the goal is a cost ratio) */
	if (!fam_err) {
		printf("BENCH-ROW\tunit replay IPv6, one by one (dual stack)\t%.0f pkt/s\t"
		       "IPv4 twin: %.0f pkt/s\t%.3f\t<= 1.2\n",
		       ff[1].serial_pps, ff[0].serial_pps, ff[0].serial_pps / ff[1].serial_pps);
		printf("BENCH-ROW\tunit replay IPv6, %s (dual stack)\t%.0f pkt/s\tIPv4 twin: %.0f "
		       "pkt/s\t%.3f\t<= 1.2\n",
		       what, ff[1].workers_pps, ff[0].workers_pps,
		       ff[0].workers_pps / ff[1].workers_pps);
	}
	printf("BENCH-ROW\tunit replay, %s\t%.0f pkt/s\tBPF_PROG_TEST_RUN floor (pass-only): %.0f "
	       "pkt/s\t%.3f\t>= 0.8\n",
	       dir, uf.workers_pps, uf.floor_pps, uf.workers_pps / uf.floor_pps);
	if (tcpr > 0)
		printf("BENCH-ROW\tunit replay, %s\t%.0f pkt/s\ttcpreplay --topspeed onto a veth: "
		       "%.0f pkt/s\t%.3f\t>= 1.5\n",
		       dir, uf.workers_pps, tcpr, uf.workers_pps / tcpr);
	printf("BENCH-ROW\tlive replay, correlated, windows of %d\t%.0f pkt/s\t1 Mpps goal "
	       "(one packet in flight: %.0f pkt/s)\t%.3f\t>= 1\n",
	       lf.window, lf.window_pps, lf.one_pps, lf.window_pps / 1e6);
	rc = uf.floor_pps > 0 && !fam_err && !uf.mismatches && !live_err && !lf.differ &&
			     !lf.unexpected
		     ? 0
		     : 1;
out:
	pl_replay_close(rp);
	pl_replay_pkts_free(&pk);
	pl_topo_free(t);
	free(unit_verdict);
	free(unit_reason);
	unlink(pcap);
	rmdir(dir);
	return rc;
}
