/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtnetlink over libmnl: one socket per network namespace (a netlink socket
 * acts in the namespace it was opened in), requests acknowledged one by one
 * with the kernel's extended ack message in errors.
 */
#ifndef PL_NET_NL_H
#define PL_NET_NL_H

#include <stdint.h>
#include <libmnl/libmnl.h>

struct pl_nl {
	struct mnl_socket *sk;
	uint32_t seq;
	uint32_t portid;
	char *buf; /* MNL_SOCKET_BUFFER_SIZE, request and replies */
};

/* Opens a NETLINK_ROUTE socket in the caller's current netns. */
int pl_nl_open(struct pl_nl *nl);
void pl_nl_close(struct pl_nl *nl);
/* A fresh request header in nl->buf. */
struct nlmsghdr *pl_nl_req(struct pl_nl *nl, uint16_t type, uint16_t flags);
/*
 * Sends nlh and waits for its ack. On error prints "<what>: <errno text>
 * (kernel: <extack>)" unless quiet, and returns -errno.
 */
int pl_nl_talk(struct pl_nl *nl, struct nlmsghdr *nlh, int quiet, const char *what, ...)
	__attribute__((format(printf, 4, 5)));
/* Dump request: cb is called per message; returns 0 or -errno. */
int pl_nl_dump(struct pl_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);
/* Last kernel extack message (empty when none). */
const char *pl_nl_extack(void);

#endif /* PL_NET_NL_H */
