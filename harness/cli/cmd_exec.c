// SPDX-License-Identifier: GPL-2.0
/* podlab exec RUN POD|NODE -- CMD: run a command inside a run's namespace. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "net/netns.h"
#include "plan/plan.h"
#include "net/run.h"

static int run_exec(int argc, char **argv)
{
	char name[PL_NETNS_NAME_MAX];
	struct pl_run_state st;
	int i, fd, cmd = 3;

	if (argc >= 4 && !strcmp(argv[3], "--"))
		cmd = 4;
	if (argc <= cmd)
		return pl_cmd_usage_error("exec", "want RUN, a pod or node name, then -- CMD");
	if (!pl_run_id_valid(argv[1]))
		return pl_cmd_usage_error("exec", "'%s' is not a run id", argv[1]);
	if (pl_run_state_read(argv[1], &st)) {
		pl_err("no run %s (no %s/%s.state)", argv[1], PL_STATE_DIR, argv[1]);
		return PL_EXIT_INPUT;
	}
	if (pl_netns_name(argv[1], argv[2], name, sizeof(name)))
		return pl_cmd_usage_error("exec", "name too long");
	for (i = 0; i < st.nnetns; i++)
		if (!strcmp(st.netns[i], name))
			break;
	if (i == st.nnetns) {
		pl_err("run %s has no pod, node or host named %s", argv[1], argv[2]);
		pl_run_state_free(&st);
		return PL_EXIT_INPUT;
	}
	pl_run_state_free(&st);
	fd = pl_netns_open(name);
	if (fd < 0)
		return pl_err_errno(fd, "opening %s", name), PL_EXIT_RUNTIME;
	if (setns(fd, CLONE_NEWNET))
		return pl_err_errno(-errno, "entering %s", name), PL_EXIT_ENV;
	close(fd);
	execvp(argv[cmd], argv + cmd);
	pl_err_errno(-errno, "running %s in %s", argv[cmd], name);
	return errno == ENOENT ? 127 : 126;
}

PL_COMMAND(exec, .name = "exec", .summary = "run a command in a pod's or node's namespace",
	   .usage =
		   "usage: podlab exec RUN NAME -- CMD [ARGS...]\n"
		   "\n"
		   "Runs CMD inside the network namespace pl-RUN-NAME of run RUN, where NAME is a\n"
		   "pod, a node, 'seg' (the segment bridge) or the world host. Only the network\n"
		   "namespace changes (setns), so /sys/class/net still shows the caller's view;\n"
		   "use `ip link` (netlink) inside.\n"
		   "\n"
		   "examples:\n"
		   "  podlab exec 3fa2 frontend -- ip addr\n"
		   "  podlab exec 3fa2 node1 -- tc -s qdisc show dev eth0\n"
		   "\n"
		   "exit status: CMD's status; 2 bad usage or unknown run/name, 3 not permitted,\n"
		   "126/127 CMD could not run\n",
	   .run = run_exec);
