// SPDX-License-Identifier: GPL-2.0
/*
 * podlab up + down (netlink, in-process) side by side with the
 * --print-commands script of the same topology (a process per object) and
 * its teardown (`ip netns del` per namespace, rm -rf of the pins), for 2, 20
 * and 50 nodes x 4 pods on a segment (or the node counts given as arguments),
 * vxlan routing. Twice: network objects only, then with the datapath loaded,
 * attached and programmed on every node. Prints times, up time per namespace
 * and ratios; asserts nothing. Sleeps between measurements so the kernel's
 * deferred namespace cleanup of one does not slow the next.
 *
 * usage: bench_up_down [--datapath-only] [NODES...]
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/log.h"
#include "plan/plan.h"
#include "net/run.h"
#include "topo/topo.h"

/* A topology file's text: n nodes, 4 pods each, one segment. */
static char *gen_yaml(int n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int i, k;

	fprintf(f, "name: bench-%d\nrouting: vxlan\nmtu: 1500\nnodes:\n", n);
	for (i = 1; i <= n; i++) {
		fprintf(f,
			"  - name: n%d\n    ip: 192.168.0.%d/24\n    podCIDR: 10.%d.0.0/24\n"
			"    pods:\n",
			i, i, i);
		for (k = 1; k <= 4; k++)
			fprintf(f,
				"      - name: n%dp%d\n        ip: 10.%d.0.%d\n"
				"        labels: {app: a%d}\n",
				i, k, i, 10 + k, k);
	}
	fprintf(f, "underlay:\n  type: segment\n");
	fclose(f);
	return buf;
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

struct times {
	double up, down;
};

static int bench_podlab(const struct topo *t, const char *run, bool dp, struct times *tm)
{
	struct pl_up_opts uo = {.run = run, .datapath = dp, .keep_owner = true};
	char got[PL_RUN_ID_MAX];
	double t0 = pl_now();
	int err;

	if ((err = pl_run_up(t, &uo, got)))
		return err;
	tm->up = pl_now() - t0;
	t0 = pl_now();
	err = pl_run_down(run);
	tm->down = pl_now() - t0;
	return err;
}

static int bench_script(const struct topo *t, const char *run, bool dp, struct times *tm)
{
	struct pl_plan_opts po = {.datapath = dp};
	char path[64];
	struct pl_plan *p;
	double t0;
	FILE *f;
	int err;

	snprintf(path, sizeof(path), "/tmp/podlab-bench-%s.sh", run);
	if ((err = pl_plan_build(t, run, &po, &p)))
		return err;
	f = fopen(path, "w");
	if (!f) {
		pl_plan_free(p);
		return -errno;
	}
	err = pl_plan_print(p, f);
	fclose(f);
	pl_plan_free(p);
	if (err)
		return err;
	t0 = pl_now();
	err = sh("bash %s > %s.log 2>&1", path, path);
	tm->up = pl_now() - t0;
	t0 = pl_now();
	/* The script's own undo line: a process per namespace, then the pins. */
	sh("for n in $(ip netns list | awk '/^pl-%s-/{print $1}'); do ip netns del $n; done; "
	   "rm -rf %s/%s",
	   run, PL_BPFFS_ROOT, run);
	tm->down = pl_now() - t0;
	if (err)
		fprintf(stderr, "script failed (see %s.log)\n", path);
	else
		sh("rm -f %s %s.log", path, path);
	return err ? -EIO : 0;
}

/* The summary rows of the largest topology with the datapath (tests/bench/summary.sh). */
static void summary_rows(int nodes, double ms, double ratio, double script_s)
{
	printf("BENCH-ROW\tup of %d nodes x 4 pods with the datapath, per namespace\t%.2f ms\t"
	       "2.5 ms goal\t%.3f\t<= 1\n",
	       nodes, ms, ms / 2.5);
	printf("BENCH-ROW\tup+down of %d nodes x 4 pods with the datapath\t%.1f× faster\t"
	       "the --print-commands script: %.2f s\t%.3f\t>= 20\n",
	       nodes, ratio, script_s, ratio);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: bench_up_down [--datapath-only] [NODES...]  (default: 2 20 50)\n"
		   "  podlab up/down against the --print-commands script, NODES x 4 pods\n");
}

int main(int argc, char **argv)
{
	int sizes[16] = {2, 20, 50}, nsizes = 3, first_dp = 0, given = 0;
	struct times a = {0}, b = {0};
	char run[PL_RUN_ID_MAX];
	int i, dp, err = 0;

	pl_log_init(0);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--datapath-only")) {
			first_dp = 1;
			continue;
		}
		if (!given++)
			nsizes = 0; /* the arguments replace the defaults */
		if (nsizes >= 16 || atoi(argv[i]) < 1 || atoi(argv[i]) > 250) {
			fprintf(stderr, "bench_up_down: bad node count %s (1..250, at most 16)\n",
				argv[i]);
			usage(stderr);
			return 2;
		}
		sizes[nsizes++] = atoi(argv[i]);
	}
	if (geteuid() != 0) {
		printf("bench_up_down: SKIP (needs root: it builds namespaces)\n");
		return 0;
	}
	printf("%-9s %-6s %5s %12s %12s %12s %12s %9s %8s\n", "datapath", "nodes", "pods",
	       "podlab up", "podlab down", "script up", "script down", "ms/netns", "ratio");
	for (dp = first_dp; dp <= 1 && !err; dp++) {
		for (i = 0; i < nsizes && !err; i++) {
			char *yaml = gen_yaml(sizes[i]);
			struct topo *t = NULL;

			if ((err = pl_topo_parse_string("bench.yaml", yaml, &t))) {
				free(yaml);
				break;
			}
			/* Deleted namespaces are freed by a kernel worker later: let it finish. */
			sleep(2);
			snprintf(run, sizeof(run), "b%dp%d", (int)getpid() % 10000, i);
			err = bench_podlab(t, run, dp, &a);
			sleep(2);
			snprintf(run, sizeof(run), "b%ds%d", (int)getpid() % 10000, i);
			if (!err)
				err = bench_script(t, run, dp, &b);
			if (!err) {
				double ms = a.up * 1e3 / (t->nnodes + t->npods + 1);
				double ratio = (b.up + b.down) / (a.up + a.down);

				printf("%-9s %-6d %5d %11.3fs %11.3fs %11.3fs %11.3fs %9.2f "
				       "%7.1fx\n",
				       dp ? "yes" : "no", sizes[i], t->npods, a.up, a.down, b.up,
				       b.down, ms, ratio);
				if (dp && i == nsizes - 1)
					summary_rows(sizes[i], ms, ratio, b.up + b.down);
			}
			pl_topo_free(t);
			free(yaml);
		}
	}
	if (err)
		fprintf(stderr, "bench_up_down: failed: %s\n", strerror(-err));
	printf("ms/netns = podlab up / namespaces (nodes + pods + segment)\n"
	       "ratio = (script up + down) / (podlab up + down); goal >= 20x at 50 nodes\n");
	return err ? 1 : 0;
}
