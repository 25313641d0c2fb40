// SPDX-License-Identifier: GPL-2.0
/* Replay dispatcher: opens a replay on a run, hands each packet to its mode, closes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/pkt.h"
#include "replay/replay.h"
#include "replay/replay_live.h"
#include "replay/replay_run.h"
#include "replay/replay_l7.h"
#include "replay/replay_sim.h"
#include "replay/replay_unit.h"
#include "topo/topo.h"

int pl_replay_open(const struct topo *t, const struct pl_replay_opts *o, struct pl_replay **out)
{
	struct pl_replay *rp;
	int i, err;

	*out = NULL;
	rp = calloc(1, sizeof(*rp));
	if (!rp)
		return -ENOMEM;
	rp->t = t;
	rp->opts = *o;
	rp->cur_node = -1;
	rp->orig_netns_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	rp->buf = malloc(PL_PKT_MAX + 256);
	rp->nodes = calloc(t->nnodes, sizeof(*rp->nodes));
	if (rp->orig_netns_fd < 0 || !rp->buf || !rp->nodes) {
		err = rp->orig_netns_fd < 0 ? -errno : -ENOMEM;
		goto fail;
	}
	for (i = 0; i < t->nnodes; i++)
		rp->nodes[i].netns_fd = -1;
	if (o->run) {
		snprintf(rp->run, sizeof(rp->run), "%s", o->run);
	} else {
		/* Sim mode models the qdiscs the kernel lacks: those may be left out. */
		err = pl_replay_run_up(t, o->mode == PL_MODE_SIM, rp->run, sizeof(rp->run));
		if (err)
			goto fail;
		rp->own_run = true;
	}
	for (i = 0; i < t->nnodes; i++) {
		err = pl_replay_run_attach(rp, i);
		if (err)
			goto fail;
	}
	if ((err = pl_replay_l7_open(rp)))
		goto fail;
	if (o->mode == PL_MODE_UNIT && (err = pl_replay_unit_open(rp)))
		goto fail;
	if (o->mode == PL_MODE_LIVE) {
		err = pl_replay_live_open(rp);
		if (err)
			goto fail;
	}
	if (o->mode == PL_MODE_SIM) {
		err = pl_replay_sim_open(rp);
		if (err)
			goto fail;
	}
	*out = rp;
	return 0;
fail:
	pl_replay_close(rp);
	return err;
}

int pl_replay_one(struct pl_replay *rp, const struct pl_replay_pkt *p, struct pl_result *res)
{
	struct pl_inject at;
	int err;

	if (pl_replay_prepare(rp, p, res, &at))
		return 0;
	if (rp->opts.mode == PL_MODE_LIVE)
		err = pl_replay_live_one(rp, p, &at, res);
	else if (rp->opts.mode == PL_MODE_SIM)
		err = pl_replay_sim_one(rp, p, &at, res);
	else
		err = pl_replay_unit_one(rp, p, &at, res);
	if (!err)
		pl_replay_l7(rp, res);
	return err;
}

int pl_replay_window(struct pl_replay *rp, const struct pl_replay_pkt *p, int n,
		     struct pl_result *res, int *used)
{
	int i, err;

	if (rp->opts.mode != PL_MODE_LIVE || rp->opts.live_window == 1 || n == 1) {
		*used = 1;
		return pl_replay_one(rp, p, res);
	}
	err = pl_replay_live_window(rp, p, n, res, used);
	for (i = 0; !err && i < *used; i++) /* after the window: nothing of it is in flight */
		pl_replay_l7(rp, &res[i]);
	return err;
}

void pl_replay_close(struct pl_replay *rp)
{
	int i;

	if (!rp)
		return;
	if (rp->live)
		pl_replay_live_close(rp);
	if (rp->sim)
		pl_replay_sim_close(rp);
	pl_replay_l7_close(rp);
	pl_replay_unit_close(rp);
	if (rp->orig_netns_fd >= 0)
		pl_replay_enter(rp, -1);
	for (i = 0; rp->nodes && i < rp->t->nnodes; i++)
		pl_replay_run_detach(rp, i);
	if (rp->own_run)
		pl_replay_run_down(rp->run);
	if (rp->orig_netns_fd >= 0)
		close(rp->orig_netns_fd);
	free(rp->nodes);
	free(rp->buf);
	free(rp);
}
