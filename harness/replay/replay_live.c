// SPDX-License-Identifier: GPL-2.0
/*
 * Live mode: the topology is real and the kernel decides the whole path.
 * Injection: at an uplink, XDP live frames (BPF_F_TEST_XDP_LIVE_FRAMES) of the
 * node's xdp_prefilter, so XDP_PASS frames enter that node's stack for real;
 * from a pod, an AF_PACKET socket on the pod's eth0 inside the pod's netns.
 * The destination MAC is set to the receiving device's (the stack would drop
 * PACKET_OTHERHOST frames); nothing else is touched.
 * Outcome: flow events of every node and AF_PACKET captures on every pod's
 * eth0 and node uplink, matched to the packet by IP ID and a hash of the L4
 * payload (both survive MASQUERADE and encapsulation), within a bounded wait.
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

#include "lib/clock.h"
#include "lib/datapath.h"
#include "lib/log.h"
#include "lib/pkt.h"
#include "replay/replay_core.h"
#include "replay/replay_run.h"
#include "replay/replay_live.h"
#include "topo/topo.h"

#define QUIET_MS 60 /* nothing new for this long after the last sign: concluded */

enum tap_kind { TAP_POD, TAP_UPLINK };

struct tap {
	enum tap_kind kind;
	int index; /* pod or node index */
	int fd;
	uint32_t ifindex;
	uint8_t mac[6];
};

struct live {
	struct tap *taps;
	int ntaps;
	int *pod_netns; /* per pod, -1 = unknown */
	int inject_fd;	/* AF_PACKET socket of the current pod, reopened per pod */
	int inject_pod;
	uint8_t frame[PL_PKT_MAX];
};

/* Correlation key of a frame (inner frame for VXLAN): IP ID + FNV-1a of the L4 payload. */
struct corr {
	bool ok;
	uint16_t ip_id;
	uint32_t daddr;
	uint32_t hash;
};

static void corr_of(const uint8_t *f, uint32_t len, struct corr *c, struct pl_pkt_info *outer)
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
	}
	if (!info.ipv4 || info.error)
		return;
	/* The payload after the L4 header: what a NAT or a tunnel never rewrites. */
	off = info.l4_off + (info.has_l4 ? info.l4_hlen : 0);
	end = info.l3_off + info.ip_len;
	for (; off < end && off < len; off++)
		h = (h ^ f[off]) * 16777619u;
	c->ok = true;
	c->ip_id = info.ip_id;
	c->daddr = info.daddr;
	c->hash = h;
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

static int open_tap(struct tap *tp)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_ALL),
				  .sll_ifindex = (int)tp->ifindex};

	tp->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (tp->fd < 0)
		return -errno;
	if (bind(tp->fd, (struct sockaddr *)&sll, sizeof(sll)))
		return -errno;
	return 0;
}

static int add_tap(struct live *lv, enum tap_kind kind, int index, uint32_t ip, uint32_t ifindex)
{
	struct tap *tp = &lv->taps[lv->ntaps];
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

int pl_replay_live_open(struct pl_replay *rp)
{
	const struct topo *t = rp->t;
	char path[256];
	struct live *lv;
	int i, err, fd;

	lv = calloc(1, sizeof(*lv));
	if (!lv)
		return -ENOMEM;
	rp->live = lv;
	lv->inject_fd = -1;
	lv->inject_pod = -1;
	lv->taps = calloc(t->npods + t->nnodes, sizeof(*lv->taps));
	lv->pod_netns = calloc(t->npods + 1, sizeof(int));
	if (!lv->taps || !lv->pod_netns)
		return -ENOMEM;
	for (i = 0; i < t->nnodes; i++) {
		err = pl_replay_enter(rp, i);
		if (!err)
			err = add_tap(lv, TAP_UPLINK, i, t->nodes[i].underlay_ip,
				      rp->nodes[i].uplink_ifindex);
		if (err)
			return pl_err_errno(err, "capturing on the uplink of node %s",
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
		err = add_tap(lv, TAP_POD, i, t->pods[i].ip, 0);
		if (err)
			return pl_err_errno(err, "capturing on eth0 of pod %s", t->pods[i].name);
	}
	return pl_replay_enter(rp, -1);
}

void pl_replay_live_close(struct pl_replay *rp)
{
	struct live *lv = rp->live;
	int i;

	if (!lv)
		return;
	for (i = 0; i < lv->ntaps; i++)
		close(lv->taps[i].fd);
	for (i = 0; lv->pod_netns && i < rp->t->npods; i++)
		if (lv->pod_netns[i] > 0)
			close(lv->pod_netns[i]);
	if (lv->inject_fd >= 0)
		close(lv->inject_fd);
	free(lv->taps);
	free(lv->pod_netns);
	free(lv);
	rp->live = NULL;
}

static struct tap *tap_of(struct live *lv, enum tap_kind kind, int index)
{
	int i;

	for (i = 0; i < lv->ntaps; i++)
		if (lv->taps[i].kind == kind && lv->taps[i].index == index)
			return &lv->taps[i];
	return NULL;
}

static int inject_pod(struct pl_replay *rp, struct live *lv, int pod, uint8_t *f, uint32_t len)
{
	struct tap *tp = tap_of(lv, TAP_POD, pod);
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET, .sll_ifindex = (int)tp->ifindex, .sll_halen = 6};

	if (lv->inject_pod != pod) {
		if (lv->inject_fd >= 0)
			close(lv->inject_fd);
		if (setns(lv->pod_netns[pod], CLONE_NEWNET))
			return -errno;
		rp->cur_node = -2;
		lv->inject_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
		if (lv->inject_fd < 0)
			return -errno;
		lv->inject_pod = pod;
	}
	/* The pod's gateway is its node-side veth: its MAC is in the endpoint info. */
	memcpy(f, rp->nodes[rp->t->pods[pod].node].pod_gw_mac[pod], 6);
	if (sendto(lv->inject_fd, f, len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	return 0;
}

static int inject_uplink(struct pl_replay *rp, struct live *lv, int node, uint8_t *f, uint32_t len)
{
	struct tap *tp = tap_of(lv, TAP_UPLINK, node);
	struct xdp_md ctx = {.data_end = len, .ingress_ifindex = tp->ifindex};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f, .data_size_in = len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1, .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
	int err;

	memcpy(f, tp->mac, 6);
	err = pl_replay_enter(rp, node);
	if (err)
		return err;
	if (bpf_prog_test_run_opts(rp->nodes[node].prog_fd[PL_PROG_XDP_PREFILTER], &o))
		return -errno;
	return 0;
}

static void add_hop(struct pl_replay *rp, struct pl_result *res, int node,
		    const struct pl_flow_event *ev)
{
	struct pl_hop *h;

	if (res->nhops == PL_RESULT_MAX_HOPS)
		return;
	h = &res->hops[res->nhops++];
	h->node = node;
	h->prog = ev->prog;
	h->retval = -1;
	h->ts_ns = ev->ts_ns;
	h->saddr = ev->saddr;
	pl_replay_hop_event(rp, h, node, ev);
	if (ev->tunnel_remote && !res->encap) {
		res->encap = true;
		res->vni = ev->tunnel_vni;
		res->outer_saddr = rp->t->nodes[node].underlay_ip;
		res->outer_daddr = ev->tunnel_remote;
	}
}

/* Events of every node matching the packet; returns how many were new. */
static int collect_events(struct pl_replay *rp, const struct corr *c, struct pl_result *res,
			  bool *dropped, bool *to_stack)
{
	int i, found = 0;
	size_t j;

	for (i = 0; i < rp->t->nnodes; i++) {
		struct pl_replay_node *n = &rp->nodes[i];

		pl_evring_read(&n->ring, true, pl_replay_node_on_event, n);
		for (j = 0; j < n->nevs; j++) {
			const struct pl_flow_event *ev = &n->evs[j];

			if (!(ev->flags & PL_EV_F_IPV4) || ntohs(ev->ip_id) != c->ip_id ||
			    ev->daddr != c->daddr)
				continue;
			add_hop(rp, res, i, ev);
			found++;
			if (ev->verdict == PL_VERDICT_DROPPED)
				*dropped = true;
			if (ev->obs_point == PL_OBS_TO_STACK) {
				*to_stack = true;
				res->deliver_node = i;
			}
		}
		n->nevs = 0;
	}
	return found;
}

/* Reads every tap; a match on a pod's eth0 delivers; on an uplink it shows the wire form. */
static int collect_taps(struct pl_replay *rp, struct live *lv, const struct corr *c,
			struct pl_result *res)
{
	struct pl_pkt_info outer;
	struct sockaddr_ll from;
	socklen_t fl;
	struct corr got;
	int i, found = 0;
	ssize_t n;

	for (i = 0; i < lv->ntaps; i++) {
		struct tap *tp = &lv->taps[i];

		for (;;) {
			fl = sizeof(from);
			n = recvfrom(tp->fd, lv->frame, sizeof(lv->frame), 0,
				     (struct sockaddr *)&from, &fl);
			if (n <= 0)
				break;
			corr_of(lv->frame, n, &got, &outer);
			if (!got.ok || got.ip_id != c->ip_id || got.hash != c->hash ||
			    got.daddr != c->daddr)
				continue;
			if (tp->kind == TAP_UPLINK && !res->wire_len)
				res->wire_len = n;
			if (tp->kind == TAP_UPLINK && outer.vxlan && !res->encap) {
				res->encap = true;
				res->vni = outer.vni;
				res->outer_saddr = outer.saddr;
				res->outer_daddr = outer.daddr;
			}
			/* The pod's own transmission shows on its eth0 as outgoing. */
			if (tp->kind != TAP_POD || from.sll_pkttype == PACKET_OUTGOING)
				continue;
			res->delivery = PL_DELIV_POD;
			res->deliver_pod = tp->index;
			res->deliver_node = rp->t->pods[tp->index].node;
			free(res->out);
			res->out = malloc(n);
			if (res->out) {
				memcpy(res->out, lv->frame, n);
				res->out_len = n;
			}
			snprintf(res->out_dev, sizeof(res->out_dev), "%s",
				 rp->t->pods[tp->index].name);
			pl_result_set_output(res, lv->frame, n);
			found++;
		}
	}
	return found;
}

/* Sleeps until a tap or a node's ring has something, at most ms. */
static void wait_any(struct pl_replay *rp, struct live *lv, int ms)
{
	struct pollfd fds[64];
	int i, n = 0;

	for (i = 0; i < lv->ntaps && n < 64; i++)
		fds[n++] = (struct pollfd){.fd = lv->taps[i].fd, .events = POLLIN};
	for (i = 0; i < rp->t->nnodes && n < 64; i++)
		fds[n++] = (struct pollfd){.fd = rp->nodes[i].ring.fd, .events = POLLIN};
	poll(fds, n, ms);
}

static int hop_cmp(const void *a, const void *b)
{
	const struct pl_hop *x = a, *y = b;

	return x->ts_ns < y->ts_ns ? -1 : x->ts_ns > y->ts_ns;
}

int pl_replay_live_one(struct pl_replay *rp, const struct pl_replay_pkt *p,
		       const struct pl_inject *at, struct pl_result *res)
{
	struct live *lv = rp->live;
	unsigned wait = rp->opts.live_wait_ms ?: 500;
	bool dropped = false, to_stack = false;
	uint64_t start, last;
	struct corr c;
	int i, err, found;

	corr_of(p->data, p->len, &c, NULL);
	if (!c.ok || at->kind == PL_INJECT_VXLAN) {
		res->status = PL_RES_SKIPPED;
		snprintf(res->skip, sizeof(res->skip), "%s",
			 c.ok ? "live mode injects at a pod or an uplink, not a vxlan device"
			      : "live mode correlates well-formed IPv4 only");
		return 0;
	}
	if (p->len > sizeof(lv->frame))
		return -EMSGSIZE;
	memcpy(lv->frame, p->data, p->len);
	if (at->kind == PL_INJECT_POD)
		err = inject_pod(rp, lv, at->pod, lv->frame, p->len);
	else
		err = inject_uplink(rp, lv, at->node, lv->frame, p->len);
	if (err) {
		res->status = PL_RES_ERROR;
		snprintf(res->skip, sizeof(res->skip), "injecting: %s", strerror(-err));
		return 0;
	}
	start = last = pl_now_ns() / 1000000;
	for (;;) {
		found = collect_events(rp, &c, res, &dropped, &to_stack) +
			collect_taps(rp, lv, &c, res);
		if (res->delivery == PL_DELIV_POD || dropped) {
			/* the delivering program's event may have landed after we read the rings */
			collect_events(rp, &c, res, &dropped, &to_stack);
			break;
		}
		if (found)
			last = pl_now_ns() / 1000000;
		else if (res->nhops && (pl_now_ns() / 1000000) - last > QUIET_MS)
			break;
		if ((pl_now_ns() / 1000000) - start >= wait)
			break;
		wait_any(rp, lv, 1);
	}
	/* Events arrive node by node: the kernel's timestamps give the path's order. */
	qsort(res->hops, res->nhops, sizeof(res->hops[0]), hop_cmp);
	if (res->nhops)
		res->last_hop_saddr = res->hops[res->nhops - 1].saddr;
	res->verdict = res->nhops ? res->hops[res->nhops - 1].verdict : PL_VERDICT_UNKNOWN;
	res->drop_reason = res->nhops ? res->hops[res->nhops - 1].drop_reason : 0;
	if (dropped) {
		for (i = 0; i < res->nhops; i++)
			if (res->hops[i].verdict == PL_VERDICT_DROPPED)
				res->drop_reason = res->hops[i].drop_reason;
		res->verdict = PL_VERDICT_DROPPED;
		res->delivery = PL_DELIV_DROPPED;
	} else if (res->delivery == PL_DELIV_POD) {
		res->verdict = res->verdict ?: PL_VERDICT_FORWARDED;
	} else if (to_stack) {
		res->delivery = PL_DELIV_STACK;
	} else {
		res->delivery = PL_DELIV_TIMEOUT;
		snprintf(res->skip, sizeof(res->skip), "nothing seen within %u ms", wait);
	}
	return 0;
}
