// SPDX-License-Identifier: GPL-2.0
/* Kernel feature probes, run in a throwaway network namespace of a child process. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "net/nl.h"
#include "net/run.h"
#include "net/tc.h"

static const char *kconfig(enum topo_qdisc_kind kind)
{
	switch (kind) {
	case TOPO_QDISC_TBF:
		return "CONFIG_NET_SCH_TBF";
	case TOPO_QDISC_HTB:
		return "CONFIG_NET_SCH_HTB";
	case TOPO_QDISC_NETEM:
		return "CONFIG_NET_SCH_NETEM";
	default:
		return "CONFIG_NET_SCH_FIFO";
	}
}

/* Child: new netns, one qdisc on lo; writes "errno extack" to fd. */
static int child(enum topo_qdisc_kind kind, int fd)
{
	struct topo_qdisc q = {.kind = kind};
	struct pl_nl nl;
	char msg[300];
	int err;

	q.tbf.rate = 1000000; /* the union's first member: harmless for other kinds */
	q.tbf.burst = 10000;
	q.tbf.limit = 10000;
	if (kind == TOPO_QDISC_NETEM) {
		memset(&q.netem, 0, sizeof(q.netem));
		q.netem.delay_ns = 1000000;
	}
	if (unshare(CLONE_NEWNET))
		err = -errno;
	else if (!(err = pl_nl_open(&nl)))
		err = pl_tc_qdisc_add(&nl, 1, 0x10000, &q, true, "lo");
	snprintf(msg, sizeof(msg), "%d %s", -err, pl_nl_extack());
	if (write(fd, msg, strlen(msg)) < 0)
		return 2;
	return err ? 1 : 0;
}

const char *pl_probe_qdisc_kind(enum topo_qdisc_kind kind)
{
	static char reason[400];
	char msg[300] = "";
	int fds[2], status, e = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		return "cannot probe: pipe failed";
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return "cannot probe: fork failed";
	if (pid == 0) {
		close(fds[0]);
		_exit(child(kind, fds[1]));
	}
	close(fds[1]);
	n = read(fds[0], msg, sizeof(msg) - 1);
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return NULL;
	msg[n > 0 ? n : 0] = '\0';
	if (sscanf(msg, "%d", &e) != 1)
		e = EIO;
	if (e == EPERM || e == EACCES) {
		snprintf(reason, sizeof(reason), "cannot probe sch_%s: %s (needs root)",
			 pl_qdisc_kind_name(kind), strerror(e));
		return reason;
	}
	snprintf(reason, sizeof(reason), "kernel lacks sch_%s (%s): %s", pl_qdisc_kind_name(kind),
		 kconfig(kind),
		 strchr(msg, ' ') && strchr(msg, ' ')[1] ? strchr(msg, ' ') + 1 : strerror(e));
	return reason;
}
