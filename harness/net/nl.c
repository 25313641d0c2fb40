// SPDX-License-Identifier: GPL-2.0
/* rtnetlink request/ack and dump helpers with extended ack messages. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/netlink.h>

#include "lib/log.h"
#include "net/nl.h"

static char last_extack[256];

const char *pl_nl_extack(void)
{
	return last_extack;
}

int pl_nl_open(struct pl_nl *nl)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->buf = malloc(MNL_SOCKET_BUFFER_SIZE);
	if (!nl->buf)
		return -ENOMEM;
	nl->sk = mnl_socket_open(NETLINK_ROUTE);
	if (!nl->sk)
		goto err;
	mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sk, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0)
		goto err;
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = (uint32_t)time(NULL);
	return 0;
err:
	one = -errno;
	pl_nl_close(nl);
	return one;
}

void pl_nl_close(struct pl_nl *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	free(nl->buf);
	memset(nl, 0, sizeof(*nl));
}

struct nlmsghdr *pl_nl_req(struct pl_nl *nl, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	return nlh;
}

/* Pulls NLMSGERR_ATTR_MSG out of an error message, if the kernel sent one. */
static void parse_extack(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	size_t off = sizeof(*e);

	last_extack[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	mnl_attr_for_each(a, nlh, off)
	{
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG) {
			snprintf(last_extack, sizeof(last_extack), "%s", mnl_attr_get_str(a));
			return;
		}
	}
}

/* Reads until the ack (or error) of seq; dump messages go to cb. */
static int receive(struct pl_nl *nl, uint32_t seq, mnl_cb_t cb, void *data)
{
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sk, nl->buf, MNL_SOCKET_BUFFER_SIZE);
		struct nlmsghdr *nlh;
		int len;

		if (n < 0)
			return -errno;
		len = (int)n;
		for (nlh = (struct nlmsghdr *)nl->buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != nl->portid)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

				if (e->error)
					parse_extack(nlh);
				return e->error;
			}
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (cb && cb(nlh, data) < 0)
				return -errno ? -errno : -EIO;
		}
	}
}

int pl_nl_talk(struct pl_nl *nl, struct nlmsghdr *nlh, int quiet, const char *what, ...)
{
	char msg[512];
	va_list ap;
	int err;

	nlh->nlmsg_flags |= NLM_F_ACK;
	last_extack[0] = '\0';
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		err = -errno;
	else
		err = receive(nl, nlh->nlmsg_seq, NULL, NULL);
	if (!err || quiet)
		return err;
	va_start(ap, what);
	vsnprintf(msg, sizeof(msg), what, ap);
	va_end(ap);
	if (last_extack[0])
		pl_err("%s: %s (kernel: %s)", msg, strerror(-err), last_extack);
	else
		pl_err("%s: %s", msg, strerror(-err));
	return err;
}

int pl_nl_dump(struct pl_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	nlh->nlmsg_flags |= NLM_F_DUMP;
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return receive(nl, nlh->nlmsg_seq, cb, data);
}
