// SPDX-License-Identifier: GPL-2.0
/* The L7 proxy's life cycle: up starts HAProxy in the node's namespace, down leaves nothing. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "net/l7_proxy.h"
#include "net/netns.h"
#include "net/run.h"
#include "net_fixture.h"
#include "plan/plan.h"
#include "test.h"
#include "topo/topo.h"

#define L7_TOPO "topologies/two-node-l7.yaml"

static const char *probe_l7(void)
{
	const char *why = fixture_probe_netns_root();

	if (!why)
		why = pl_l7_probe_haproxy();
	if (!why && access(L7_TOPO, R_OK))
		why = "run from the repository root (" L7_TOPO " not found)";
	return why;
}

/* The inode of a process's network namespace, or of a named one; 0 when gone. */
static unsigned long ns_ino(const char *path)
{
	struct stat sb;

	return stat(path, &sb) ? 0 : (unsigned long)sb.st_ino;
}

/* Polls (bounded, 3 s) until pid is gone. */
static bool pid_gone(int pid)
{
	struct timespec ts = {0, 10 * 1000 * 1000};
	int i;

	for (i = 0; i < 300; i++) {
		if (kill(pid, 0) && errno == ESRCH)
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

PL_TEST_PROBE(integration, l7_proxy_up_down, probe_l7)
{
	struct pl_up_opts uo = {.datapath = true, .keep_owner = true, .topology = L7_TOPO};
	char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX], dir[256], path[PATH_MAX];
	char ns[PL_NETNS_NAME_MAX], nspath[PATH_MAX];
	struct pl_run_state st;
	struct topo *t = NULL;
	int pid = 0;

	fixture_run_id(run, "l7");
	uo.run = run;
	if (!ASSERT_OK(pl_topo_parse(L7_TOPO, &t), "parse"))
		return;
	if (!ASSERT_OK(pl_run_up(t, &uo, got), "up"))
		goto out;
	pl_l7_dir(run, dir, sizeof(dir));
	if (ASSERT_OK(pl_run_state_read(run, &st), "state")) {
		ASSERT_STREQ(st.l7dir, dir, "the state records the L7 folder");
		pl_run_state_free(&st);
	}
	snprintf(path, sizeof(path), "%s/node2.pid", dir);
	pid = pl_l7_pid(path);
	ASSERT_GT(pid, 0, "node2's proxy has a pid file");
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	pl_netns_name(run, "node2", ns, sizeof(ns));
	snprintf(nspath, sizeof(nspath), "%s/%s", PL_NETNS_RUN_DIR, ns);
	ASSERT_TRUE(pid > 0 && ns_ino(path) && ns_ino(path) == ns_ino(nspath),
		    "haproxy runs in node2's namespace");
	snprintf(path, sizeof(path), "%s/node2.sock", dir);
	ASSERT_TRUE(ns_ino(path), "its stats socket is in the run's folder");
	snprintf(path, sizeof(path), "%s/node1.pid", dir);
	ASSERT_TRUE(!ns_ino(path), "node1 has no proxied port, no proxy");
	ASSERT_OK(pl_run_down(run), "down");
	ASSERT_TRUE(pid > 0 && pid_gone(pid), "down stopped haproxy");
	ASSERT_TRUE(!ns_ino(dir), "down removed the L7 folder (config, pid file, socket)");
	fixture_assert_gone(run);
	fixture_delete_netns(run);
out:
	pl_topo_free(t);
}
