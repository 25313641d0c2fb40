/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nginx in a pod (`nginx:` in docs/topology.md): started by `podlab up` in
 * the pod's network namespace from the plan's config, found again by that
 * namespace (/proc/PID/ns/net) and its name, stopped by `podlab down`.
 */
#ifndef PL_NET_NGINX_H
#define PL_NET_NGINX_H

#include <stdbool.h>
#include <sys/types.h>

#include "plan/plan.h"

/* NULL when an nginx binary is on PATH, else why not (static text). */
const char *pl_probe_nginx(void);
/*
 * Writes the step's config into its dir and starts nginx in the pod's
 * namespace; returns once nginx is listening (its starter exited 0), or
 * -errno with one error line naming the pod and the error log.
 */
int pl_nginx_start(const struct pl_plan *p, const struct pl_step *s);
/* nginx processes (master and workers) in network namespace netns; up to max pids. */
int pl_nginx_pids(const char *netns, pid_t *pids, int max);
/*
 * Stops the nginx of a run state record "DIR NETNS" (TERM, then KILL after a
 * bounded wait) and removes DIR. 0 when none is left, or -errno.
 */
int pl_nginx_stop(const char *record);

#endif /* PL_NET_NGINX_H */
