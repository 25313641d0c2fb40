// SPDX-License-Identifier: GPL-2.0
/* A topology's own programs, loaded on first use (see user_prog.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "lib/log.h"
#include "lib/user_prog.h"
#include "topo/topo.h"
#include "user_watch.h"

enum pl_user_action pl_user_action(int hook, int retval)
{
	if (pl_user_retval_drops(hook == TOPO_HOOK_XDP, retval))
		return PL_USER_DROP;
	if (hook == TOPO_HOOK_XDP)
		return retval == XDP_PASS ? PL_USER_NEXT : PL_USER_REDIRECT;
	return retval == TC_ACT_UNSPEC	   ? PL_USER_NEXT
	       : retval == TC_ACT_REDIRECT ? PL_USER_REDIRECT
					   : PL_USER_STACK;
}

enum pl_obs_point pl_user_obs_point(const struct topo_program *tp)
{
	bool in = tp->hook != TOPO_HOOK_TC_EGRESS;

	if (!strcmp(tp->device, "uplink"))
		return in ? PL_OBS_FROM_NETWORK : PL_OBS_TO_NETWORK;
	if (!strcmp(tp->device, "vxlan"))
		return in ? PL_OBS_FROM_OVERLAY : PL_OBS_TO_OVERLAY;
	return in ? PL_OBS_FROM_ENDPOINT : PL_OBS_TO_ENDPOINT; /* a pod's node-side veth */
}

const char *pl_user_hook_name(int hook)
{
	return hook == TOPO_HOOK_XDP	      ? "xdp"
	       : hook == TOPO_HOOK_TC_INGRESS ? "tc ingress"
					      : "tc egress";
}

void pl_user_hop_name(char *buf, size_t len, const struct topo *t, int user, int node,
		      const char *dev, const char *hook)
{
	snprintf(buf, len, "%.24s (user program on %.16s %.15s %.10s)", t->programs[user].program,
		 t->nodes[node].name, dev, hook);
}

int pl_user_prog_fd(struct pl_user_progs *u, int index)
{
	const struct topo_program *tp = &u->t->programs[index];
	struct bpf_program *prog;
	struct bpf_object *obj;
	int err;

	if (!u->objs && !(u->objs = calloc(u->t->nprograms, sizeof(*u->objs))))
		return -ENOMEM;
	obj = u->objs[index];
	if (!obj) {
		obj = bpf_object__open_file(tp->object, NULL);
		if (!obj)
			return pl_err_errno(-errno, "opening BPF object %s", tp->object);
		if ((err = bpf_object__load(obj))) {
			bpf_object__close(obj);
			return pl_err_errno(err, "loading %s from %s", tp->program, tp->object);
		}
		u->objs[index] = obj;
	}
	prog = bpf_object__find_program_by_name(obj, tp->program);
	if (!prog) {
		pl_err("%s: no program named %s", tp->object, tp->program);
		return -ENOENT;
	}
	return bpf_program__fd(prog);
}

int pl_user_prog_run(struct pl_user_progs *u, int index, int node, int hook, uint32_t ifindex,
		     uint32_t mark, const uint8_t *data, uint32_t len, uint8_t *out, uint32_t cap,
		     uint32_t *out_len)
{
	const struct topo_program *tp = &u->t->programs[index];
	struct __sk_buff skb = {.ifindex = ifindex, .mark = mark};
	struct xdp_md xdp = {.data_end = len, .ingress_ifindex = ifindex};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = data, .data_size_in = len, .data_out = out,
		    .data_size_out = cap, .repeat = 1);
	int fd = pl_user_prog_fd(u, index);

	if (fd < 0)
		return fd;
	o.ctx_in = hook == TOPO_HOOK_XDP ? (void *)&xdp : (void *)&skb;
	o.ctx_size_in = hook == TOPO_HOOK_XDP ? sizeof(xdp) : sizeof(skb);
	if (bpf_prog_test_run_opts(fd, &o))
		return pl_err_errno(-errno, "running %s (%s) on node %s", tp->program, tp->object,
				    u->t->nodes[node].name);
	*out_len = o.data_size_out;
	return (int)o.retval;
}

void pl_user_progs_close(struct pl_user_progs *u)
{
	int i;

	for (i = 0; u->objs && i < u->t->nprograms; i++)
		bpf_object__close(u->objs[i]);
	free(u->objs);
	u->objs = NULL;
}
