/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The watch on a topology's own program (bpf/user_watch.h): attached when
 * `podlab up` attaches the program. The kernel refuses to pin an fexit link
 * on a BPF program (EPERM), so the run's watch holder, a process recorded in
 * the run state ("watch PID START") and stopped by `podlab down`, keeps the
 * links open for as long as the run lives.
 */
#ifndef PL_NET_USER_WATCH_H
#define PL_NET_USER_WATCH_H

#include "plan/plan.h"

/*
 * Feature probe: can this kernel trace a BPF program with fexit (a watch on
 * podlab's own xdp_pass)? NULL or the reason (static), found once per process.
 */
const char *pl_probe_user_watch(void);

/*
 * Watches prog_fd, the user's program of attach step s, writing into the
 * flow events pinned in pin_dir (its node's); *link_fd is the watch's link
 * (-1: not watched). A kernel or object that cannot be watched (no BTF, no
 * fexit on BPF programs) is a warning, not an error: its drops then look
 * like timeouts. -errno when the node's events cannot be opened.
 */
int pl_user_watch_attach(const struct pl_plan *p, const struct pl_step *s, int prog_fd,
			 const char *pin_dir, int *link_fd);

/*
 * Starts run's watch holder with the n links in fds (the caller closes its
 * own); *pid, *start identify it for the run state. It ends on SIGTERM or
 * when the run's state file is gone (a crashed run reaped).
 */
int pl_user_watch_hold(const char *run, const int *fds, int n, int *pid, unsigned long long *start);

#endif /* PL_NET_USER_WATCH_H */
