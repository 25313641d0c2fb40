/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Work inside a named network namespace (/run/netns/NAME) without ever
 * moving the caller: a dedicated thread does setns() and exits. Sockets keep
 * the namespace they were created in, so a socket opened here can be used
 * from any thread afterwards.
 */
#ifndef PL_PROBE_NSRUN_H
#define PL_PROBE_NSRUN_H

#include <stdint.h>

/* Runs fn(arg) in a thread inside netns NAME; returns fn's result or -errno. */
int pl_nsrun(const char *name, int (*fn)(void *arg), void *arg);
/* socket(domain, type, proto) created inside netns NAME; fd or -errno. */
int pl_nsrun_socket(const char *name, int domain, int type, int proto);
/* ifindex of DEV inside netns NAME, or -errno (-ENODEV). */
int pl_nsrun_ifindex(const char *name, const char *dev);
/* Name of the device holding IPv4 address ip (network order) in netns NAME; 0 or -errno. */
int pl_nsrun_dev_by_ip(const char *name, uint32_t ip, char dev[16]);
/* IPv4 addresses (network order) of every device in netns NAME: count, or -errno. */
int pl_nsrun_addrs(const char *name, uint32_t *out, int max);
/* 0 when /run/netns/NAME exists, else -errno. */
int pl_nsrun_exists(const char *name);

#endif /* PL_PROBE_NSRUN_H */
