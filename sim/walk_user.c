// SPDX-License-Identifier: GPL-2.0
/*
 * The programs on a hook come from the plan's attach steps, as `podlab up`
 * attaches them: podlab's, and users' (`programs:` in the topology), beside
 * podlab's or instead of it. On a tc hook users' filters (priority 5) run
 * before podlab's (10) and, with direct action, only TC_ACT_UNSPEC hands the
 * packet to the next filter; a device has one XDP program, the last attached.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "lib/log.h"
#include "plan/plan.h"
#include "walk_flight.h"

/* The programs on hook of node's device dev, in the order the kernel runs them. */
static int hook_progs(const struct sim_walk *w, int node, const char *dev, enum topo_hook hook,
		      struct sim_hook_prog *out)
{
	const struct pl_plan *p = w->plan;
	int i, n = 0, pass;

	/* Users' filters first (lower priority number), then podlab's. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < p->nsteps; i++) {
			const struct pl_step *s = &p->steps[i];

			if (s->kind != PL_STEP_ATTACH || s->attach.node != node ||
			    s->attach.hook != hook || strcmp(s->dev, dev) ||
			    (s->attach.user >= 0) != !pass)
				continue;
			if (hook == TOPO_HOOK_XDP)
				n = 0; /* one XDP program a device: the last attach replaced it */
			if (n < SIM_HOOK_MAX)
				out[n++] = (struct sim_hook_prog){s->attach.prog, s->attach.user};
		}
	if (hook == TOPO_HOOK_XDP && n > 1)
		n = 1;
	return n;
}

/* The fd of users' program u, loaded on first use. */
static int user_fd(struct sim_walk *w, int u)
{
	const struct topo_program *tp = &w->topo.programs[u];
	struct bpf_program *prog;
	struct bpf_object *obj;
	int err;

	if (!w->user_objs) {
		w->user_objs = calloc(w->topo.nprograms, sizeof(*w->user_objs));
		if (!w->user_objs)
			return -ENOMEM;
	}
	obj = w->user_objs[u];
	if (!obj) {
		obj = bpf_object__open_file(tp->object, NULL);
		if (!obj)
			return pl_err_errno(-errno, "opening BPF object %s", tp->object);
		if ((err = bpf_object__load(obj))) {
			bpf_object__close(obj);
			return pl_err_errno(err, "loading %s from %s", tp->program, tp->object);
		}
		w->user_objs[u] = obj;
	}
	prog = bpf_object__find_program_by_name(obj, tp->program);
	if (!prog) {
		pl_err("%s: no program named %s", tp->object, tp->program);
		return -ENOENT;
	}
	return bpf_program__fd(prog);
}

void pl_sim_user_close(struct sim_walk *w)
{
	int i;

	for (i = 0; w->user_objs && i < w->topo.nprograms; i++)
		bpf_object__close(w->user_objs[i]);
	free(w->user_objs);
	w->user_objs = NULL;
}

static const char *hook_name(enum topo_hook hook)
{
	return hook == TOPO_HOOK_XDP	      ? "xdp"
	       : hook == TOPO_HOOK_TC_INGRESS ? "tc ingress"
					      : "tc egress";
}

/* Runs users' program u at dev of the flight's node; its output becomes the frame. */
static int run_user(struct sim_walk *w, struct sim_flight *f, int u, int dev, enum topo_hook hook,
		    uint32_t mark, int *retval, struct sim_step **out)
{
	const struct topo_program *tp = &w->topo.programs[u];
	struct sim_node *n = &w->nodes[f->node];
	struct __sk_buff skb = {.ifindex = n->devs[dev].ifindex, .mark = mark};
	struct xdp_md xdp = {.data_end = f->len, .ingress_ifindex = n->devs[dev].ifindex};
	LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = f->buf, .data_size_in = f->len,
		    .data_out = w->scratch, .data_size_out = SIM_BUF, .repeat = 1);
	struct sim_step *s;
	int fd, err;

	*out = NULL;
	if ((err = pl_sim_env_enter(w, f->node)))
		return err;
	fd = user_fd(w, u);
	if (fd < 0)
		return fd;
	if (hook == TOPO_HOOK_XDP) {
		topts.ctx_in = &xdp;
		topts.ctx_size_in = sizeof(xdp);
	} else {
		topts.ctx_in = &skb;
		topts.ctx_size_in = sizeof(skb);
	}
	if (bpf_prog_test_run_opts(fd, &topts))
		return pl_err_errno(-errno, "running %s (%s) on node %s", tp->program, tp->object,
				    w->topo.nodes[f->node].name);
	if (topts.data_size_out && topts.data_size_out <= SIM_BUF) {
		memmove(f->buf, w->scratch, topts.data_size_out);
		f->len = topts.data_size_out;
	}
	s = pl_sim_fl_step(f, SIM_STEP_PROG, f->node, n->devs[dev].name, "user program %s → %d",
			   tp->program, (int)topts.retval);
	if (s) {
		s->prog = PL_PROG_NONE;
		s->user = u + 1;
		s->retval = (int)topts.retval;
		s->mtu = n->devs[dev].mtu;
		snprintf(s->hook, sizeof(s->hook), "%s", hook_name(hook));
	}
	/* A user's program emits no podlab flow event: the verdict stays podlab's last. */
	f->has_ev = false;
	memset(&f->ev, 0, sizeof(f->ev));
	*retval = (int)topts.retval;
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
	struct sim_hook_prog progs[SIM_HOOK_MAX];
	int i, n, err = 0, rv = hook == TOPO_HOOK_XDP ? XDP_PASS : TC_ACT_UNSPEC;
	bool user = false;

	*out = NULL;
	n = hook_progs(w, f->node, w->nodes[f->node].devs[dev].name, hook, progs);
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
	if (hook == TOPO_HOOK_XDP ? rv != XDP_PASS && rv != XDP_TX && rv != XDP_REDIRECT
				  : rv == TC_ACT_SHOT) {
		user_drop(f, *out);
		return 0;
	}
	/* Not podlab's: the packet goes on as the kernel takes it past a plain filter. */
	if (hook != TOPO_HOOK_XDP && rv == TC_ACT_REDIRECT) {
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
