/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The L7 proxy's lifecycle (HAProxy per node, l7_config.h): the run's L7
 * folder <PL_STATE_DIR>/<run>.l7 holds <node>.cfg, .pid, .sock and .log.
 */
#ifndef PL_NET_L7_PROXY_H
#define PL_NET_L7_PROXY_H

#include <stddef.h>
#include <stdio.h>

#include "net/run.h"
#include "topo/topo.h"

/* NULL when the haproxy program is there, else why not (static text). */
const char *pl_l7_probe_haproxy(void);
/* The run's L7 folder. */
void pl_l7_dir(const char *run, char *buf, size_t len);
/*
 * Starts a proxy in the namespace of each node of run with proxied ports;
 * record(ctx, "l7", dir) first. Nothing to do without http rules. -EOPNOTSUPP
 * (message printed) when haproxy is missing; what was started is stopped by
 * pl_l7_down.
 */
int pl_l7_up(const struct topo *t, const char *run,
	     int (*record)(void *ctx, const char *kind, const char *value), void *ctx);
/* Stops every proxy of the folder (SIGTERM, bounded wait) and removes it. 0 or -errno. */
int pl_l7_down(const char *dir);
/* One line per proxy of the folder: node, pid (running or GONE), config, socket. */
void pl_l7_status(const char *dir, FILE *out);
/*
 * Each proxy's request log (HAProxy's httplog lines, from its ring over the
 * stats socket) as "L7 NODE: line": the count, or -errno.
 */
int pl_l7_print_logs(const char *dir, FILE *out);
/* Each proxy's log lines of run folder dir, the syslog prefix cut: fn(ctx, node, line); count. */
typedef void (*pl_l7_line_fn)(void *ctx, const char *node, const char *line);
int pl_l7_each_line(const char *dir, pl_l7_line_fn fn, void *ctx);
/* The pid in a pid file, 0 when none. */
int pl_l7_pid(const char *pidfile);

#endif /* PL_NET_L7_PROXY_H */
