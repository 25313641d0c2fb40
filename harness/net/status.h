/* SPDX-License-Identifier: GPL-2.0 */
/* A run's plan next to the kernel: each planned object, present or missing. */
#ifndef PL_NET_STATUS_H
#define PL_NET_STATUS_H

#include <stdio.h>

#include "net/run.h"

/*
 * Rebuilds the plan of run st from its recorded topology and routing mode
 * and prints one line per planned object: present, MISSING, or unchecked
 * (what rtnetlink does not show: sysctl, gro, nftables). Returns the number
 * missing, or -errno when the plan cannot be rebuilt (one line printed).
 */
int pl_status_plan(const struct pl_run_state *st, FILE *out);

/*
 * The services node's maps pinned in dir hold (status_svc.c): frontends,
 * backends and each backend's Maglev entries. Returns how many frontends
 * (nothing printed for 0), or -errno when the maps cannot be opened.
 */
int pl_status_services(const char *node, const char *dir, FILE *out);

#endif /* PL_NET_STATUS_H */
