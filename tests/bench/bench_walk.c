// SPDX-License-Identifier: GPL-2.0
/*
 * Path mode against unit mode, same process, same packets: packets per
 * second of the simulator's full walk (every hook's program plus the kernel
 * model between them) next to a bare BPF_PROG_TEST_RUN of from_pod on the
 * same node, and their ratio. usage: bench_walk [TOPOLOGY] [PACKETS]
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/clock.h"
#include "lib/datapath.h"
#include "lib/log.h"
#include "topo/topo.h"
#include "walk.h"
#include "walk_internal.h"

static int bench_mode(const struct topo *t, int routing, int n)
{
	struct sim_walk_opts o = {.routing = routing};
	struct sim_probe p = {.proto = IPPROTO_TCP, .dport = 80};
	struct sim_walk_result *res = calloc(1, sizeof(*res));
	uint8_t *frame = malloc(PL_PKT_MAX), *out = malloc(PL_PKT_MAX + 256);
	int from = pl_topo_pod_by_name(t, "frontend"), to = pl_topo_pod_by_name(t, "backend");
	struct pl_run_ctx ctx = {0};
	struct pl_run_result rr;
	struct sim_walk *w = NULL;
	double t0, unit_s, path_s;
	long progs = 0;
	int i, len, err = -EINVAL, lxc;

	if (from < 0 || to < 0 || !res || !frame || !out) {
		fprintf(stderr, "bench_walk: the topology needs pods frontend and backend\n");
		goto out;
	}
	p.from_pod = from;
	p.daddr = t->pods[to].ip;
	if ((err = pl_sim_walk_open(t, &o, &w)))
		goto out;
	/* Unit: from_pod alone on node1, in its namespace, one test_run per packet. */
	lxc = pl_sim_dev_by_kind(&w->nodes[t->pods[from].node], SIM_DEV_LXC);
	ctx.ifindex = w->nodes[t->pods[from].node].devs[lxc].ifindex;
	if ((err = pl_sim_env_enter(w, t->pods[from].node)))
		goto out;
	t0 = pl_now();
	for (i = 0; i < n; i++) {
		p.sport = 1024 + (i % 60000);
		len = pl_sim_probe_frame(t, &p, frame, PL_PKT_MAX);
		err = pl_datapath_test_run(w->nodes[t->pods[from].node].dp, PL_PROG_FROM_POD, frame,
					   len, &ctx, out, PL_PKT_MAX + 256, &rr);
		if (err)
			goto out;
	}
	unit_s = pl_now() - t0;
	pl_sim_env_enter(w, -1);
	/* Path: the same packets walked end to end. */
	t0 = pl_now();
	for (i = 0; i < n; i++) {
		p.sport = 1024 + (i % 60000);
		err = pl_sim_walk_probe(w, &p, res);
		if (err)
			goto out;
		for (len = 0; len < res->nsteps; len++)
			progs += res->steps[len].kind == SIM_STEP_PROG;
		if (i == 0 && res->delivery != SIM_DELIV_POD)
			fprintf(stderr, "bench_walk: %s: the path ends dropped (%s): timed as is\n",
				pl_topo_routing_name(routing),
				pl_drop_reason_name(res->drop_reason));
		pl_sim_walk_result_release(res);
	}
	path_s = pl_now() - t0;
	printf("%-7s unit (from_pod test_run) %8.0f pkt/s %6.2f us/pkt | path (walk, %.1f "
	       "programs/pkt) "
	       "%8.0f pkt/s %6.2f us/pkt | path/unit %.3f | per program run: path %.2f us vs "
	       "unit %.2f us (%.2fx)\n",
	       pl_topo_routing_name(routing), n / unit_s, unit_s * 1e6 / n, (double)progs / n,
	       n / path_s, path_s * 1e6 / n, unit_s / path_s, path_s * 1e6 / progs,
	       unit_s * 1e6 / n, (path_s / progs) / (unit_s / n));
	printf("BENCH-ROW\tsimulator walk, %s\t%.0f pkt/s\tunit mode (from_pod test_run): %.0f "
	       "pkt/s\t%.3f\t-\n",
	       pl_topo_routing_name(routing), n / path_s, n / unit_s, unit_s / path_s);
	err = 0;
out:
	pl_sim_walk_close(w);
	free(res);
	free(frame);
	free(out);
	return err;
}

int main(int argc, char **argv)
{
	const char *file = argc > 1 ? argv[1] : "topologies/two-node-vxlan.yaml";
	int n = argc > 2 ? atoi(argv[2]) : 20000, m, err = 0;
	struct topo *t;

	if (pl_require_bpf_privileges()) {
		printf("bench_walk: SKIP (needs root)\n");
		return 0;
	}
	if (pl_topo_parse(file, &t))
		return 2;
	printf("bench_walk: %s, %d packets per mode, same process (ratio = path pkt/s / unit "
	       "pkt/s)\n",
	       file, n);
	for (m = PL_ROUTING_NATIVE; m <= PL_ROUTING_LEGACY && !err; m++)
		err = bench_mode(t, m, n);
	pl_topo_free(t);
	return err ? 1 : 0;
}
