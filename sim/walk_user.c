// SPDX-License-Identifier: GPL-2.0
/*
 * The programs on a hook come from the plan's attach steps, as `podlab up`
 * attaches them (pl_plan_hook_progs): podlab's, and users' (`programs:` in
 * the topology), beside podlab's or instead of it. With direct action only
 * TC_ACT_UNSPEC hands the packet to the next filter.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "lib/log.h"
#include "plan/plan.h"
#include "walk_flight.h"

/* Runs users' program u at dev of the flight's node; its output becomes the frame. */
static int run_user(struct sim_walk *w, struct sim_flight *f, int u, int dev, enum topo_hook hook,
		    uint32_t mark, int *retval, struct sim_step **out)
{
	const struct topo_program *tp = &w->topo.programs[u];
	struct sim_node *n = &w->nodes[f->node];
	struct sim_step *s;
	uint32_t out_len;
	int rv, err;

	*out = NULL;
	if ((err = pl_sim_env_enter(w, f->node)))
		return err;
	w->users.t = &w->topo;
	rv = pl_user_prog_run(&w->users, u, f->node, hook, n->devs[dev].ifindex, mark, f->buf,
			      f->len, w->scratch, SIM_BUF, &out_len);
	if (rv < 0)
		return rv;
	if (out_len && out_len <= SIM_BUF) {
		memmove(f->buf, w->scratch, out_len);
		f->len = out_len;
	}
	s = pl_sim_fl_step(f, SIM_STEP_PROG, f->node, n->devs[dev].name, "user program %s → %d",
			   tp->program, rv);
	if (s) {
		s->prog = PL_PROG_NONE;
		s->user = u + 1;
		s->retval = rv;
		s->mtu = n->devs[dev].mtu;
		snprintf(s->hook, sizeof(s->hook), "%s", pl_user_hook_name(hook));
	}
	/* A user's program emits no podlab flow event: the verdict stays podlab's last. */
	f->has_ev = false;
	memset(&f->ev, 0, sizeof(f->ev));
	*retval = rv;
	*out = s;
	return 0;
}

/* Dropped by users' program: the result names it, its node, device and hook. */
static void user_drop(struct sim_flight *f, struct sim_step *s)
{
	if (s)
		s->drop_reason = PL_DROP_USER_PROGRAM;
	f->res->verdict = PL_VERDICT_DROPPED;
	f->res->drop_reason = PL_DROP_USER_PROGRAM;
	pl_sim_fl_finish(f, SIM_DELIV_DROPPED, f->node);
}

int pl_sim_fl_run_hook(struct sim_walk *w, struct sim_flight *f, enum pl_prog podlab, int dev,
		       enum topo_hook hook, uint32_t mark, int *retval, struct sim_step **out)
{
	struct pl_hook_prog progs[PL_HOOK_PROGS_MAX];
	int i, n, err = 0, rv = hook == TOPO_HOOK_XDP ? XDP_PASS : TC_ACT_UNSPEC;
	enum pl_user_action act;
	bool user = false;

	*out = NULL;
	n = pl_plan_hook_progs(w->plan, f->node, w->nodes[f->node].devs[dev].ifindex, hook, progs);
	for (i = 0; i < n && !err; i++) {
		user = progs[i].user >= 0;
		if (user)
			err = run_user(w, f, progs[i].user, dev, hook, mark, &rv, out);
		else
			err = pl_sim_fl_run_prog(w, f, progs[i].prog, dev, mark, &rv, out);
		if (err || f->loc == LOC_DONE)
			break;
		/* Direct action: only TC_ACT_UNSPEC goes on to the next filter. */
		if (hook == TOPO_HOOK_XDP || rv != TC_ACT_UNSPEC)
			break;
	}
	(void)podlab;
	*retval = rv;
	if (err || f->loc == LOC_DONE || !user)
		return err;
	act = pl_user_action(hook, rv);
	if (act == PL_USER_DROP) {
		user_drop(f, *out);
		return 0;
	}
	/* Not podlab's: the packet goes on as the kernel takes it past a plain filter. */
	if (hook != TOPO_HOOK_XDP && act == PL_USER_REDIRECT) {
		pl_sim_fl_kernel_drop(f, f->node, w->nodes[f->node].devs[dev].name, PL_DROP_STACK,
				      0, "TC_ACT_REDIRECT by a user program: not modelled");
		return 0;
	}
	return 0;
}

int pl_sim_fl_egress(struct sim_walk *w, struct sim_flight *f, int dev)
{
	struct sim_step *s;
	int rv;

	if (dev < 0 || !w->topo.nprograms)
		return 0;
	return pl_sim_fl_run_hook(w, f, PL_PROG_NONE, dev, TOPO_HOOK_TC_EGRESS, 0, &rv, &s);
}
