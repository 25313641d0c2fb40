/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Named network namespaces compatible with `ip netns`: a bind mount of the
 * namespace at /run/netns/NAME (the /run/netns mount made shared, as
 * iproute2 does). Created in-process: unshare, bind mount, setns back.
 */
#ifndef PL_NET_NETNS_H
#define PL_NET_NETNS_H

#include <stdbool.h>

#define PL_NETNS_RUN_DIR "/run/netns"

/*
 * Creates NAME and returns an O_RDONLY fd to it (>= 0) or -errno (-EEXIST
 * when the name is taken). If in_ns is non-NULL it is called while the
 * thread is inside the new namespace (to open sockets there cheaply).
 */
int pl_netns_create(const char *name, int (*in_ns)(void *ctx), void *ctx);
/* fd of a named namespace, or -errno. */
int pl_netns_open(const char *name);
/* Unmounts and removes NAME; -ENOENT when it does not exist. */
int pl_netns_delete(const char *name);
/* setns into fd; *saved receives the previous namespace (for pl_netns_leave). */
int pl_netns_enter(int fd, int *saved);
int pl_netns_enter_name(const char *name, int *saved);
/* Returns to saved and closes it. */
int pl_netns_leave(int saved);

#endif /* PL_NET_NETNS_H */
