// SPDX-License-Identifier: GPL-2.0
/*
 * Live injection at a node's uplink, two ways. XDP live frames
 * (BPF_F_TEST_XDP_LIVE_FRAMES) run the node's xdp_prefilter on the frame and
 * its XDP_PASS enters the stack, as from a NIC. Some kernels refuse them
 * (EPERM, whatever the capabilities); then, or when asked, the frame is sent
 * from the other end of the uplink's veth (the peer node's uplink, or the
 * segment's or fabric's port) by an AF_PACKET socket that bypasses the
 * peer's qdisc and TC egress, so it arrives on the uplink as from the wire
 * and meets the XDP program attached there. A live frame runs podlab's
 * xdp_prefilter: where a user's XDP program holds the uplink instead, auto
 * sends from the far end so that the kernel runs the user's.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include "lib/log.h"
#include "plan/plan.h"
#include "replay/replay_core.h"
#include "replay/replay_live_priv.h"
#include "topo/topo.h"

int pl_uplink_inject_parse(const char *s)
{
	if (!strcmp(s, "auto"))
		return PL_UPLINK_AUTO;
	if (!strcmp(s, "xdp"))
		return PL_UPLINK_XDP;
	if (!strcmp(s, "peer"))
		return PL_UPLINK_PEER;
	return -EINVAL;
}

/* The other end of node's uplink veth in plan p: its namespace index and ifindex. */
static int uplink_peer(const struct pl_plan *p, int node, uint32_t uplink, int *ns,
		       uint32_t *ifindex)
{
	int i, node_ns = p->node_ns[node];

	for (i = 0; i < p->nsteps; i++) {
		const struct pl_step *s = &p->steps[i];

		if (s->kind != PL_STEP_VETH)
			continue;
		if (s->ns == node_ns && s->ifindex == uplink) {
			*ns = s->peer.ns;
			*ifindex = s->peer.ifindex;
			return 0;
		}
		if (s->peer.ns == node_ns && s->peer.ifindex == uplink) {
			*ns = s->ns;
			*ifindex = s->ifindex;
			return 0;
		}
	}
	return -ENODEV;
}

/* A sending socket made inside the peer's namespace (a socket keeps the netns it was made in). */
static int peer_socket(struct pl_replay *rp, const char *ns)
{
	char path[128];
	int nsfd, fd, one = 1, err = 0;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return -errno;
	if (setns(nsfd, CLONE_NEWNET)) {
		err = -errno;
		close(nsfd);
		return err;
	}
	close(nsfd);
	rp->cur_node = -2; /* in a namespace of no node's: the next enter switches */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int pl_live_uplink_open(struct pl_replay *rp, struct pl_live *lv)
{
	const struct topo *t = rp->t;
	struct pl_plan_opts po = {.datapath = true, .xdp_prefilter = true}; /* as replay attaches */
	struct pl_hook_prog hp[PL_HOOK_PROGS_MAX];
	struct pl_plan *p = NULL;
	int i, ns, err = 0;

	lv->uplink_how = rp->opts.uplink_inject;
	lv->peer_fd = malloc(t->nnodes * sizeof(*lv->peer_fd));
	lv->peer_ifindex = calloc(t->nnodes, sizeof(*lv->peer_ifindex));
	lv->user_xdp = calloc(t->nnodes, sizeof(*lv->user_xdp));
	if (!lv->peer_fd || !lv->peer_ifindex || !lv->user_xdp)
		return -ENOMEM;
	for (i = 0; i < t->nnodes; i++)
		lv->peer_fd[i] = -1;
	/* The plan is the run's layout: who holds each uplink's XDP hook, each veth's two ends. */
	if ((err = pl_plan_build(t, rp->run, &po, &p)))
		return err;
	for (i = 0; i < t->nnodes; i++)
		lv->user_xdp[i] = pl_plan_hook_progs(p, i, rp->nodes[i].uplink_ifindex,
						     TOPO_HOOK_XDP, hp) == 1 &&
				  hp[0].user >= 0;
	for (i = 0; i < t->nnodes && lv->uplink_how != PL_UPLINK_XDP; i++) {
		err = uplink_peer(p, i, rp->nodes[i].uplink_ifindex, &ns, &lv->peer_ifindex[i]);
		if (err) {
			pl_err("node %s of run %s: no veth in the plan ends at its uplink "
			       "(ifindex %u)",
			       t->nodes[i].name, rp->run, rp->nodes[i].uplink_ifindex);
			break;
		}
		lv->peer_fd[i] = err = peer_socket(rp, p->ns[ns].name);
		if (err < 0) {
			pl_err_errno(err,
				     "opening a socket at the far end of node %s's uplink (%s)",
				     t->nodes[i].name, p->ns[ns].name);
			break;
		}
		err = 0;
	}
	if (!err && t->nprograms && !rp->plan) {
		rp->plan = p; /* names the devices users' programs' drops happen on */
		p = NULL;
	}
	pl_plan_free(p);
	return err ? err : pl_replay_enter(rp, -1);
}

void pl_live_uplink_close(struct pl_live *lv, int nnodes)
{
	int i;

	for (i = 0; lv->peer_fd && i < nnodes; i++)
		if (lv->peer_fd[i] >= 0)
			close(lv->peer_fd[i]);
	free(lv->peer_fd);
	free(lv->peer_ifindex);
	free(lv->user_xdp);
}

static int inject_peer(struct pl_live *lv, int node, const uint8_t *f, uint32_t len)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_ALL),
				  .sll_ifindex = (int)lv->peer_ifindex[node],
				  .sll_halen = 6};

	memcpy(sll.sll_addr, f, 6);
	if (lv->peer_fd[node] < 0)
		return -ENODEV;
	if (sendto(lv->peer_fd[node], f, len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	return 0;
}

static int inject_xdp(struct pl_replay *rp, struct pl_tap *tp, int node, uint8_t *f, uint32_t len)
{
	struct xdp_md ctx = {.data_end = len, .ingress_ifindex = tp->ifindex};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f, .data_size_in = len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1, .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
	int err = pl_replay_enter(rp, node);

	if (err)
		return err;
	if (bpf_prog_test_run_opts(rp->nodes[node].prog_fd[PL_PROG_XDP_PREFILTER], &o))
		return -errno;
	return 0;
}

int pl_live_inject_uplink(struct pl_replay *rp, struct pl_live *lv, int node, uint8_t *f,
			  uint32_t len)
{
	struct pl_tap *tp = pl_live_tap_of(lv, PL_TAP_UPLINK, node);
	int err;

	memcpy(f, tp->mac, 6);
	if (lv->uplink_how == PL_UPLINK_PEER ||
	    (lv->uplink_how == PL_UPLINK_AUTO && lv->user_xdp[node]))
		return inject_peer(lv, node, f, len);
	if (lv->user_xdp[node]) {
		pl_err("node %s's uplink runs a user's XDP program: a live frame would run "
		       "xdp_prefilter instead (--uplink-inject auto or peer)",
		       rp->t->nodes[node].name);
		return -EOPNOTSUPP;
	}
	err = inject_xdp(rp, tp, node, f, len);
	if (err != -EPERM || lv->uplink_how != PL_UPLINK_AUTO)
		return err;
	/* Refused before the program ran: nothing went in. From now on, from the peer. */
	pl_debug("this kernel refuses XDP live frames (%s): uplink frames are sent from the "
		 "far end of each uplink instead",
		 strerror(EPERM));
	lv->uplink_how = PL_UPLINK_PEER;
	return inject_peer(lv, node, f, len);
}
