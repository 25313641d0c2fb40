// SPDX-License-Identifier: GPL-2.0
/* AF_PACKET capture in a node namespace, classified per flow. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/pkt.h"
#include "probe/capture.h"
#include "probe/nsrun.h"

#define CAP_MAX_FLOWS 512

struct pl_capture {
	int fd;
	pthread_t thread;
	atomic_bool stop;
	struct pl_cap_flow *flows;
	int nflows;
	uint64_t dropped_flows; /* packets of flows beyond CAP_MAX_FLOWS */
};

const char *pl_cap_kind_name(enum pl_cap_kind kind)
{
	switch (kind) {
	case PL_CAP_PLAIN:
		return "plain";
	case PL_CAP_VXLAN:
		return "vxlan";
	case PL_CAP_OTHER:
		return "other";
	case PL_CAP_IPIP:
		return "ipip";
	}
	return "?";
}

void pl_capture_classify(const uint8_t *frame, size_t len, struct pl_cap_flow *f)
{
	struct pl_pkt_info out, in;

	f->kind = PL_CAP_OTHER;
	pl_pkt_parse(frame, len, &out);
	if (!out.ipv4 || !out.has_l3)
		return;
	f->proto = out.proto;
	f->src = out.saddr;
	f->dst = out.daddr;
	f->kind = PL_CAP_PLAIN;
	if (out.ipip) {
		pl_pkt_parse_ip(frame + out.ipip_off, len - out.ipip_off, &in);
		if (!in.ipv4 || !in.has_l3)
			return;
		f->inner_proto = in.proto;
		f->inner_src = in.saddr;
		f->inner_dst = in.daddr;
		f->kind = PL_CAP_IPIP;
		return;
	}
	if (!out.vxlan || out.dport != PL_CAP_VXLAN_PORT)
		return;
	pl_pkt_parse(frame + out.inner_off, len - out.inner_off, &in);
	if (!in.ipv4 || !in.has_l3)
		return;
	f->inner_proto = in.proto;
	f->inner_src = in.saddr;
	f->inner_dst = in.daddr;
	f->kind = PL_CAP_VXLAN;
	f->vni = out.vni;
}

static bool same_flow(const struct pl_cap_flow *a, const struct pl_cap_flow *b)
{
	return a->kind == b->kind && a->outgoing == b->outgoing && a->src == b->src &&
	       a->dst == b->dst && a->proto == b->proto && a->vni == b->vni &&
	       a->inner_src == b->inner_src && a->inner_dst == b->inner_dst &&
	       a->inner_proto == b->inner_proto;
}

static void cap_account(struct pl_capture *c, const uint8_t *frame, size_t len, bool outgoing)
{
	struct pl_cap_flow f = {.outgoing = outgoing};
	int i;

	pl_capture_classify(frame, len, &f);
	for (i = 0; i < c->nflows; i++) {
		if (same_flow(&c->flows[i], &f)) {
			c->flows[i].packets++;
			c->flows[i].bytes += len;
			return;
		}
	}
	if (c->nflows == CAP_MAX_FLOWS) {
		c->dropped_flows++;
		return;
	}
	f.packets = 1;
	f.bytes = len;
	c->flows[c->nflows++] = f;
}

static void *cap_thread(void *p)
{
	struct pl_capture *c = p;
	static __thread uint8_t buf[65536];
	struct sockaddr_ll sll;
	socklen_t slen;
	ssize_t n;

	while (!atomic_load(&c->stop)) {
		struct pollfd pfd = {.fd = c->fd, .events = POLLIN};

		if (poll(&pfd, 1, 50) <= 0)
			continue;
		for (;;) {
			slen = sizeof(sll);
			n = recvfrom(c->fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&sll,
				     &slen);
			if (n < 0)
				break;
			cap_account(c, buf, n, sll.sll_pkttype == PACKET_OUTGOING);
		}
	}
	return NULL;
}

int pl_capture_start(const char *netns, const char *dev, struct pl_capture **out)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL)};
	struct pl_capture *c;
	int ifindex, err;

	ifindex = pl_nsrun_ifindex(netns, dev);
	if (ifindex < 0)
		return ifindex;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->flows = calloc(CAP_MAX_FLOWS, sizeof(*c->flows));
	if (!c->flows) {
		err = -ENOMEM;
		goto err_free;
	}
	/* Protocol 0 at creation: nothing is queued until bind() picks the device. */
	c->fd = pl_nsrun_socket(netns, AF_PACKET, SOCK_RAW, 0);
	if (c->fd < 0) {
		err = c->fd;
		goto err_free;
	}
	sll.sll_ifindex = ifindex;
	if (bind(c->fd, (struct sockaddr *)&sll, sizeof(sll))) {
		err = -errno;
		goto err_close;
	}
	err = pthread_create(&c->thread, NULL, cap_thread, c);
	if (err) {
		err = -err;
		goto err_close;
	}
	*out = c;
	return 0;
err_close:
	close(c->fd);
err_free:
	free(c->flows);
	free(c);
	return err;
}

int pl_capture_stop(struct pl_capture *c, struct pl_cap_flow **flows, int *nflows)
{
	atomic_store(&c->stop, true);
	pthread_join(c->thread, NULL);
	close(c->fd);
	*flows = c->flows;
	*nflows = c->nflows;
	free(c);
	return 0;
}
