/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Work inside a named network namespace (/run/netns/NAME) without ever
 * moving the caller: a dedicated thread does setns() and exits. Sockets keep
 * the namespace they were created in, so a socket opened here can be used
 * from any thread afterwards.
 */
#ifndef PL_PROBE_NETNS_H
#define PL_PROBE_NETNS_H

/* Runs fn(arg) in a thread inside netns NAME; returns fn's result or -errno. */
int pl_netns_exec(const char *name, int (*fn)(void *arg), void *arg);
/* socket(domain, type, proto) created inside netns NAME; fd or -errno. */
int pl_netns_socket(const char *name, int domain, int type, int proto);
/* ifindex of DEV inside netns NAME, or -errno (-ENODEV). */
int pl_netns_ifindex(const char *name, const char *dev);
/* 0 when /run/netns/NAME exists, else -errno. */
int pl_netns_exists(const char *name);

#endif /* PL_PROBE_NETNS_H */
