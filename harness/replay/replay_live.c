// SPDX-License-Identifier: GPL-2.0
/*
 * Live mode: the topology is real and the kernel decides the whole path.
 * Injection: at an uplink, XDP live frames (BPF_F_TEST_XDP_LIVE_FRAMES) of the
 * node's xdp_prefilter, so XDP_PASS frames enter that node's stack for real,
 * or the frame sent from the uplink's far end (replay_live_uplink.c);
 * at a vxlan device, the same with the frame wrapped in VXLAN from another
 * node (the kernel decapsulates it); from a pod, an AF_PACKET socket on the
 * pod's eth0, made inside the pod's netns (sendmmsg for a run of packets).
 * The destination MAC is set to the receiving device's (the stack would drop
 * PACKET_OTHERHOST frames); nothing else is touched.
 * Outcome (replay_live_window.c): flow events of every node and AF_PACKET
 * captures on every pod's eth0 and node uplink, matched to the packet by its
 * tag (IP ID, destination and a hash of the L4 payload: they survive
 * MASQUERADE and encapsulation), for a window of packets in flight at once.
 * IPv6 has no IP ID: its tag takes the L4 source port (ICMPv6 echo: the
 * identifier) and the destination folded to 32 bits.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>

#include "lib/clock.h"
#include "lib/datapath.h"
#include "lib/log.h"
#include "lib/pkt.h"
#include "plan/plan.h"
#include "replay/replay_core.h"
#include "replay/replay_run.h"
#include "replay/replay_live.h"
#include "replay/replay_live_priv.h"
#include "topo/topo.h"

void pl_live_tag_of(const uint8_t *f, uint32_t len, struct pl_live_tag *c,
		    struct pl_pkt_info *outer)
{
	struct pl_pkt_info info;
	uint32_t h = 2166136261u;
	size_t off, end;

	memset(c, 0, sizeof(*c));
	pl_pkt_parse(f, len, &info);
	if (outer)
		*outer = info;
	if (info.vxlan && info.inner_off < len) {
		f += info.inner_off;
		len -= info.inner_off;
		pl_pkt_parse(f, len, &info);
	} else if (info.ipip && info.ipip_off < len) {
		f += info.ipip_off;
		len -= info.ipip_off;
		pl_pkt_parse_ip(f, len, &info);
	}
	if (!(info.ipv4 || info.ipv6) || info.error)
		return;
	/* The payload after the L4 header: what a NAT or a tunnel never rewrites. */
	off = info.l4_off + (info.has_l4 ? info.l4_hlen : 0);
	end = info.l3_off + info.ip_len;
	for (; off < end && off < len; off++)
		h = (h ^ f[off]) * 16777619u;
	c->ok = true;
	c->hash = h;
	if (info.ipv4) {
		c->ip_id = info.ip_id;
		c->daddr = info.daddr;
		return;
	}
	c->v6 = true;
	memcpy(c->daddr6, info.dst.v6, 16);
	c->daddr = pl_live_fold6(info.dst.v6);
	c->ip_id = pl_live_id6(info.proto, info.icmp_type, info.sport);
}

uint32_t pl_live_fold6(const void *ip6)
{
	uint32_t w[4];

	memcpy(w, ip6, 16);
	return w[0] ^ w[1] ^ w[2] ^ w[3];
}

uint16_t pl_live_id6(uint8_t proto, uint8_t icmp_type, uint16_t sport)
{
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP)
		return sport;
	/* ICMPv6 echo request and reply: the identifier (the datapath keys a reply by it too) */
	if (proto == IPPROTO_ICMPV6 && (icmp_type == 128 || icmp_type == 129))
		return sport;
	return 0;
}

static int mac_of(int fd, const char *name, uint8_t *mac)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		return -errno;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

/* Device of the calling thread's netns holding ip (or ifindex, when set): ifindex and MAC. */
static int dev_of_ip(uint32_t ip, uint32_t *ifindex, uint8_t *mac)
{
	char name[IF_NAMESIZE];
	struct if_nameindex *ifs, *i;
	struct ifreq ifr;
	int fd, ret = -ENODEV;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (*ifindex) {
		ret = if_indextoname(*ifindex, name) ? mac_of(fd, name, mac) : -errno;
		close(fd);
		return ret;
	}
	ifs = if_nameindex();
	for (i = ifs; i && i->if_index; i++) {
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", i->if_name);
		if (ioctl(fd, SIOCGIFADDR, &ifr) ||
		    ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr != ip)
			continue;
		ret = mac_of(fd, i->if_name, mac);
		if (!ret)
			*ifindex = i->if_index;
		break;
	}
	if_freenameindex(ifs);
	close(fd);
	return ret;
}

/* A capture on tp's device; on a pod's eth0 without the pod's own transmissions. */
static int open_tap(struct pl_tap *tp)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_ALL),
				  .sll_ifindex = (int)tp->ifindex};
	int one = 1, rcvbuf = 8 << 20;

	tp->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (tp->fd < 0)
		return -errno;
	/* Room for a whole window's frames; best effort (older kernels lack the option). */
	setsockopt(tp->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	if (tp->kind == PL_TAP_POD)
		setsockopt(tp->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	if (bind(tp->fd, (struct sockaddr *)&sll, sizeof(sll)))
		return -errno;
	return 0;
}

static int add_tap(struct pl_live *lv, enum pl_tap_kind kind, int index, uint32_t ip,
		   uint32_t ifindex)
{
	struct pl_tap *tp = &lv->taps[lv->ntaps];
	int err;

	tp->ifindex = ifindex;
	tp->kind = kind;
	tp->index = index;
	tp->fd = -1;
	err = dev_of_ip(ip, &tp->ifindex, tp->mac);
	if (!err)
		err = open_tap(tp);
	if (err)
		return err;
	lv->ntaps++;
	return 0;
}

/* The window's buffers: slots, the tag table (twice the window, a power of two), frames. */
static int alloc_window(struct pl_live *lv, unsigned window)
{
	unsigned size = 2;

	lv->window = window ?: PL_LIVE_WINDOW_DEFAULT;
	if (lv->window > PL_LIVE_WINDOW_MAX)
		lv->window = PL_LIVE_WINDOW_MAX;
	/* Room for each slot's tag and the alias a service's DNAT gives it, half empty. */
	while (size < 4 * lv->window)
		size *= 2;
	lv->tags_mask = size - 1;
	lv->slots = calloc(lv->window, sizeof(*lv->slots));
	lv->tags = malloc(size * sizeof(*lv->tags));
	lv->tx = malloc((size_t)lv->window * PL_PKT_MAX);
	lv->rx = malloc((size_t)PL_LIVE_RX_BATCH * PL_PKT_MAX);
	if (!lv->slots || !lv->tags || !lv->tx || !lv->rx)
		return -ENOMEM;
	memset(lv->tags, 0xff, size * sizeof(*lv->tags));
	return 0;
}

int pl_replay_live_open(struct pl_replay *rp)
{
	const struct topo *t = rp->t;
	char path[256];
	struct pl_live *lv;
	int i, err, fd, one = 1;
	uint32_t ifindex;

	lv = calloc(1, sizeof(*lv));
	if (!lv)
		return -ENOMEM;
	rp->live = lv;
	lv->taps = calloc(t->npods + t->nnodes, sizeof(*lv->taps));
	lv->pod_netns = calloc(t->npods + 1, sizeof(int));
	lv->inject_fd = calloc(t->npods + 1, sizeof(int));
	lv->vxlan_mac = calloc(t->nnodes, sizeof(*lv->vxlan_mac));
	if (!lv->taps || !lv->pod_netns || !lv->inject_fd || !lv->vxlan_mac)
		return -ENOMEM;
	for (i = 0; i < t->npods; i++)
		lv->pod_netns[i] = lv->inject_fd[i] = -1;
	err = alloc_window(lv, rp->opts.live_window);
	if (err)
		return err;
	for (i = 0; i < t->nnodes; i++) {
		err = pl_replay_enter(rp, i);
		if (!err)
			err = add_tap(lv, PL_TAP_UPLINK, i, t->nodes[i].underlay_ip,
				      rp->nodes[i].uplink_ifindex);
		if (err)
			return pl_err_errno(err, "capturing on the uplink of node %s",
					    t->nodes[i].name);
		ifindex = rp->nodes[i].vxlan_ifindex;
		if (ifindex && (err = dev_of_ip(0, &ifindex, lv->vxlan_mac[i])))
			return pl_err_errno(err, "reading the vxlan device of node %s",
					    t->nodes[i].name);
	}
	for (i = 0; i < t->npods; i++) {
		snprintf(path, sizeof(path), "/run/netns/pl-%s-%s", rp->run, t->pods[i].name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		lv->pod_netns[i] = fd;
		if (fd < 0)
			return pl_err_errno(-errno, "opening the namespace of pod %s (%s)",
					    t->pods[i].name, path);
		if (setns(fd, CLONE_NEWNET))
			return pl_err_errno(-errno, "entering the namespace of pod %s",
					    t->pods[i].name);
		rp->cur_node = -2; /* in a pod netns */
		err = add_tap(lv, PL_TAP_POD, i, t->pods[i].ip, 0);
		if (err)
			return pl_err_errno(err, "capturing on eth0 of pod %s", t->pods[i].name);
		/* A socket stays in the netns it was made in: no setns per packet later. */
		lv->inject_fd[i] = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
		if (lv->inject_fd[i] < 0)
			return pl_err_errno(-errno, "opening a socket in pod %s", t->pods[i].name);
		/* A pod's eth0 has no qdisc (noqueue) and no program: straight to the veth. */
		setsockopt(lv->inject_fd[i], SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	}
	if ((err = pl_live_uplink_open(rp, lv)))
		return err;
	return pl_replay_enter(rp, -1);
}

void pl_replay_live_close(struct pl_replay *rp)
{
	struct pl_live *lv = rp->live;
	int i;

	if (!lv)
		return;
	for (i = 0; i < lv->ntaps; i++)
		close(lv->taps[i].fd);
	for (i = 0; lv->pod_netns && lv->inject_fd && i < rp->t->npods; i++) {
		if (lv->pod_netns[i] >= 0)
			close(lv->pod_netns[i]);
		if (lv->inject_fd[i] >= 0)
			close(lv->inject_fd[i]);
	}
	free(lv->taps);
	free(lv->pod_netns);
	free(lv->inject_fd);
	free(lv->vxlan_mac);
	pl_live_uplink_close(lv, rp->t->nnodes);
	pl_plan_free(rp->plan);
	rp->plan = NULL;
	free(lv->paths);
	free(lv->slots);
	free(lv->tags);
	free(lv->tx);
	free(lv->rx);
	free(lv);
	rp->live = NULL;
}

struct pl_tap *pl_live_tap_of(struct pl_live *lv, enum pl_tap_kind kind, int index)
{
	int i;

	for (i = 0; i < lv->ntaps; i++)
		if (lv->taps[i].kind == kind && lv->taps[i].index == index)
			return &lv->taps[i];
	return NULL;
}

int pl_live_inject_pod(struct pl_replay *rp, struct pl_live *lv, int pod, uint8_t *f,
		       const uint32_t *len, int n)
{
	struct pl_tap *tp = pl_live_tap_of(lv, PL_TAP_POD, pod);
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET, .sll_ifindex = (int)tp->ifindex, .sll_halen = 6};
	struct mmsghdr msgs[64];
	struct iovec iov[64];
	int i, sent = 0, ret;

	while (sent < n) {
		int k = n - sent < 64 ? n - sent : 64;

		for (i = 0; i < k; i++) {
			uint8_t *fr = f + (size_t)(sent + i) * PL_PKT_MAX;

			/* The pod's gateway is its node-side veth: its MAC is in the endpoint info.
			 */
			memcpy(fr, rp->nodes[rp->t->pods[pod].node].pod_gw_mac[pod], 6);
			iov[i] = (struct iovec){.iov_base = fr, .iov_len = len[sent + i]};
			msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_name = &sll,
							       .msg_namelen = sizeof(sll),
							       .msg_iov = &iov[i],
							       .msg_iovlen = 1}};
		}
		ret = sendmmsg(lv->inject_fd[pod], msgs, k, 0);
		if (ret <= 0)
			return sent ? sent : (ret < 0 ? -errno : -EIO);
		sent += ret;
	}
	return sent;
}

int pl_live_encap(struct pl_replay *rp, struct pl_live *lv, const struct pl_replay_pkt *p, int node,
		  uint8_t *buf)
{
	const struct topo *t = rp->t;
	struct pl_pkt_spec outer = {.ttl = 64};
	const uint8_t *inner = p->data;
	uint32_t len = p->len, vni;
	struct pl_pkt_info info;
	int pod, from;

	pl_pkt_parse(p->data, p->len, &info);
	if (info.vxlan && info.inner_off < len) {
		vni = info.vni;
		inner += info.inner_off;
		len -= info.inner_off;
		pl_pkt_parse(inner, len, &info);
	} else if (t->routing == PL_ROUTING_LEGACY) {
		vni = t->vni_base ?: 1; /* the kernel's own vxlan0: one fixed VNI */
	} else {
		vni = pl_replay_identity_of_addr(t, &info.src);
	}
	if (len < 14 || len > sizeof(lv->frame))
		return -EMSGSIZE;
	/* The sender: the source pod's node, else another node than the receiver. */
	pod = info.ipv6 ? pl_topo_pod_by_ip6(t, info.src.v6) : pl_topo_pod_by_ip(t, info.saddr);
	from = pod >= 0 && t->pods[pod].node != node ? t->pods[pod].node : (node + 1) % t->nnodes;
	memcpy(lv->frame, inner, len);
	memcpy(lv->frame, lv->vxlan_mac[node], 6);
	memcpy(outer.smac, pl_live_tap_of(lv, PL_TAP_UPLINK, from)->mac, 6);
	outer.saddr = t->nodes[from].underlay_ip;
	outer.daddr = t->nodes[node].underlay_ip;
	outer.ip_id = info.ip_id;
	return pl_pkt_build_vxlan(&outer, vni, lv->frame, len, buf, PL_PKT_MAX);
}
