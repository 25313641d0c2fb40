// SPDX-License-Identifier: GPL-2.0
/* podlab down RUN | --all | --stale: remove exactly what runs created. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "net/netns.h"
#include "net/run.h"

/*
 * Test fixtures name namespaces pl-t<pid>-* without a state file; a test that
 * was killed leaves them. They are orphans once <pid> is gone.
 */
static bool orphan_test_netns(const char *name)
{
	char *end, state[PATH_MAX];
	long pid;

	if (strncmp(name, "pl-t", 4))
		return false;
	pid = strtol(name + 4, &end, 10);
	if (end == name + 4 || pid <= 0 || *end != '-')
		return false;
	snprintf(state, sizeof(state), "%s/t%ld.state", PL_STATE_DIR, pid);
	if (!access(state, F_OK))
		return false;
	return kill((pid_t)pid, 0) && errno == ESRCH;
}

static int reap_orphan_netns(void)
{
	struct dirent *de;
	int removed = 0;
	DIR *d = opendir("/run/netns");

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (!orphan_test_netns(de->d_name))
			continue;
		if (pl_netns_delete(de->d_name))
			continue;
		printf("removed orphan namespace %s (its test process is gone)\n", de->d_name);
		removed++;
	}
	closedir(d);
	return removed;
}

static int down_many(bool stale_only)
{
	struct pl_run_state st;
	char **runs;
	int i, n, err, ret = PL_EXIT_OK, removed = 0;

	if ((err = pl_run_list(&runs, &n)))
		return pl_err_errno(err, "listing %s", PL_STATE_DIR), PL_EXIT_RUNTIME;
	for (i = 0; i < n; i++) {
		if (stale_only) {
			if (pl_run_state_read(runs[i], &st))
				continue;
			err = pl_run_is_stale(&st);
			pl_run_state_free(&st);
			if (!err)
				continue;
		}
		if (pl_run_down(runs[i])) {
			ret = PL_EXIT_RUNTIME;
			continue;
		}
		printf("removed run %s\n", runs[i]);
		removed++;
	}
	if (stale_only)
		removed += reap_orphan_netns();
	if (!removed)
		printf("no %sruns\n", stale_only ? "stale " : "");
	pl_run_list_free(runs, n);
	return ret;
}

static int run_down(int argc, char **argv)
{
	int err;

	if (argc != 2)
		return pl_cmd_usage_error("down", "want one RUN, --all or --stale");
	if (pl_require_bpf_privileges())
		return PL_EXIT_ENV;
	if (!strcmp(argv[1], "--all"))
		return down_many(false);
	if (!strcmp(argv[1], "--stale"))
		return down_many(true);
	if (argv[1][0] == '-')
		return pl_cmd_usage_error("down", "unknown option '%s'", argv[1]);
	if (!pl_run_id_valid(argv[1]))
		return pl_cmd_usage_error("down", "'%s' is not a run id", argv[1]);
	err = pl_run_down(argv[1]);
	if (err == -ENOENT)
		return PL_EXIT_INPUT;
	if (err)
		return PL_EXIT_RUNTIME;
	printf("removed run %s\n", argv[1]);
	return PL_EXIT_OK;
}

PL_COMMAND(
	down, .name = "down", .summary = "remove a run's namespaces, pins and state file",
	.usage = "usage: podlab down RUN | --all | --stale\n"
		 "\n"
		 "Removes exactly what run RUN recorded in /run/podlab/RUN.state: its network\n"
		 "namespaces (which takes their devices, qdiscs, programs and nftables rules with\n"
		 "them) and its pins under /sys/fs/bpf/podlab/RUN, then the state file.\n"
		 "Objects already gone are skipped; if something cannot be removed the state\n"
		 "file stays so it can be retried.\n"
		 "\n"
		 "options:\n"
		 "  --all     every run with a state file\n"
		 "  --stale   runs whose owner process is gone: a `podlab up` that died while\n"
		 "            building, or a library user (a test) that kept ownership and died.\n"
		 "            A finished `podlab up` releases ownership: its run is never stale\n"
		 "            and lives until `podlab down RUN`. Also removes test namespaces\n"
		 "            pl-t<PID>-* left by a killed test (no state file, PID gone).\n"
		 "\n"
		 "examples:\n"
		 "  podlab down 3fa2\n"
		 "  podlab down --stale\n"
		 "\n"
		 "exit status: 0 removed, 2 bad usage or no such run, 3 not root,\n"
		 "4 something could not be removed (state file kept)\n",
	.run = run_down);
