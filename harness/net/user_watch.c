// SPDX-License-Identifier: GPL-2.0
/* The fexit watch on a user's program and the process that holds its links (see user_watch.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/log.h"
#include "lib/user_prog.h"
#include "net/run.h"
#include "net/user_watch.h"
#include "topo/topo.h"
#include "trivial.skel.h"
#include "user_watch.skel.h"

/* A watch on a program loaded here; 0 or -errno. */
static int watch_probe(void)
{
	struct trivial *t = trivial__open_and_load();
	struct user_watch *w = NULL;
	struct bpf_link *link;
	int err;

	if (!t)
		return -errno;
	w = user_watch__open();
	if (!w) {
		err = -errno;
		goto out;
	}
	bpf_program__set_autoload(w->progs.watch_tc, false);
	err = bpf_program__set_attach_target(w->progs.watch_xdp, bpf_program__fd(t->progs.xdp_pass),
					     "xdp_pass");
	if (!err)
		err = user_watch__load(w);
	if (!err) {
		link = bpf_program__attach_trace(w->progs.watch_xdp);
		err = link ? 0 : -errno;
		bpf_link__destroy(link);
	}
out:
	user_watch__destroy(w);
	trivial__destroy(t);
	return err;
}

const char *pl_probe_user_watch(void)
{
	static char reason[200];
	static int done, err;

	if (!done) {
		libbpf_print_fn_t was = libbpf_set_print(NULL); /* a refusal is the answer */

		err = watch_probe();
		libbpf_set_print(was);
		done = 1;
		snprintf(reason, sizeof(reason),
			 "the kernel refuses fexit on BPF programs (BPF_PROG_TYPE_TRACING): %s",
			 strerror(-err));
	}
	return err ? reason : NULL;
}

/* Why prog_fd cannot be traced, or NULL: fexit needs the target's BTF. */
static const char *unwatchable(int prog_fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return "its program info cannot be read";
	return info.btf_id ? NULL : "it has no BTF (build it with clang -g)";
}

int pl_user_watch_attach(const struct pl_plan *p, const struct pl_step *s, int prog_fd,
			 const char *pin_dir, int *link_fd)
{
	const struct topo_program *u = &p->topo->programs[s->attach.user];
	const char *node = p->topo->nodes[s->attach.node].name;
	bool xdp = s->attach.hook == TOPO_HOOK_XDP;
	struct user_watch *w = NULL;
	struct bpf_program *prog;
	struct bpf_link *link;
	char path[256];
	const char *why;
	int ring = -1, err;

	*link_fd = -1;
	if ((why = pl_probe_user_watch()) || (why = unwatchable(prog_fd))) {
		pl_warn("%s on %s %s: not watched, %s: its drops show as timeouts in live replay "
			"and are missing from observe",
			u->program, node, s->dev, why);
		return 0;
	}
	snprintf(path, sizeof(path), "%s/events", pin_dir);
	ring = bpf_obj_get(path);
	if (ring < 0)
		return pl_err_errno(-errno, "opening the node's flow events %s", path);
	w = user_watch__open();
	if (!w) {
		err = pl_err_errno(-errno, "opening the watch on %s", u->program);
		goto out;
	}
	w->rodata->watch_ifindex = s->ifindex;
	w->rodata->watch_user = s->attach.user + 1;
	w->rodata->watch_obs_point = pl_user_obs_point(u);
	prog = xdp ? w->progs.watch_xdp : w->progs.watch_tc;
	bpf_program__set_autoload(xdp ? w->progs.watch_tc : w->progs.watch_xdp, false);
	if ((err = bpf_map__reuse_fd(w->maps.events, ring)) ||
	    (err = bpf_program__set_attach_target(prog, prog_fd, u->program))) {
		pl_err_errno(err, "setting up the watch on %s", u->program);
		goto out;
	}
	if ((err = user_watch__load(w))) {
		pl_warn("%s on %s %s: not watched, loading fexit on it failed (%s; -v shows the "
			"verifier log): its drops show as timeouts",
			u->program, node, s->dev, strerror(-err));
		err = 0;
		goto out;
	}
	link = bpf_program__attach_trace(prog);
	if (!link) {
		pl_warn("%s on %s %s: not watched, attaching fexit failed (%s): its drops show "
			"as timeouts",
			u->program, node, s->dev, strerror(errno));
		goto out;
	}
	*link_fd = dup(bpf_link__fd(link));
	if (*link_fd < 0)
		err = pl_err_errno(-errno, "keeping the watch on %s", u->program);
	bpf_link__destroy(link);
out:
	user_watch__destroy(w);
	close(ring);
	return err;
}

static volatile sig_atomic_t hold_stop;

static void on_term(int sig)
{
	(void)sig;
	hold_stop = 1;
}

/* The holder: the links at fds 3..3+n-1, nothing else open, until told or the run is gone. */
static void hold(const char *run, int n)
{
	char state[PATH_MAX];
	int null = open("/dev/null", O_RDWR), i;

	signal(SIGTERM, on_term);
	signal(SIGINT, SIG_IGN);
	for (i = 0; null >= 0 && i < 3; i++)
		dup2(null, i);
	syscall(SYS_close_range, 3 + n, ~0u, 0);
	snprintf(state, sizeof(state), "%s/%s.state", PL_STATE_DIR, run);
	while (!hold_stop && !access(state, F_OK))
		sleep(1);
	_exit(0);
}

int pl_user_watch_hold(const char *run, const int *fds, int n, int *pid, unsigned long long *start)
{
	int pfd[2], status, i, high[n > 0 ? n : 1];
	pid_t child, holder = -1;

	if (pipe(pfd))
		return pl_err_errno(-errno, "starting the watch holder of run %s", run);
	fflush(NULL);
	child = fork();
	if (child < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return pl_err_errno(-errno, "starting the watch holder of run %s", run);
	}
	if (!child) {
		setsid();
		holder = fork();
		if (holder) {
			if (write(pfd[1], &holder, sizeof(holder)) != sizeof(holder))
				_exit(1);
			_exit(holder < 0);
		}
		/* the links to 3.., by way of fds past anything they might overwrite */
		for (i = 0; i < n; i++)
			if ((high[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 1024)) < 0)
				_exit(1);
		for (i = 0; i < n; i++)
			if (dup2(high[i], 3 + i) < 0)
				_exit(1);
		hold(run, n);
	}
	close(pfd[1]);
	if (read(pfd[0], &holder, sizeof(holder)) != sizeof(holder))
		holder = -1;
	close(pfd[0]);
	if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) ||
	    holder <= 0)
		return pl_err_errno(-ECHILD, "starting the watch holder of run %s", run);
	*pid = holder;
	*start = pl_pid_start_time(holder);
	return 0;
}
