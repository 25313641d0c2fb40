/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A topology's own programs (`programs:`), loaded in this process for
 * BPF_PROG_TEST_RUN (sim and unit modes): each object opened and loaded on
 * first use, with maps of its own (not those of the copy `podlab up` attached).
 */
#ifndef PL_USER_PROG_H
#define PL_USER_PROG_H

#include <stddef.h>
#include <stdint.h>

#include "podlab.h"

struct topo;
struct topo_program;
struct bpf_object;

struct pl_user_progs {
	const struct topo *t;
	struct bpf_object **objs; /* per t->programs entry, NULL until used */
};

/* What the kernel does with a packet after a user's program returned retval on a hook. */
enum pl_user_action {
	PL_USER_NEXT,	  /* TC_ACT_UNSPEC: the next filter; XDP_PASS: on to tc ingress */
	PL_USER_STACK,	  /* tc TC_ACT_OK and the like: past the hook, the filters after skipped */
	PL_USER_DROP,	  /* XDP_DROP/ABORTED, TC_ACT_SHOT; STOLEN, QUEUED, TRAP consume it */
	PL_USER_REDIRECT, /* XDP_TX, XDP_REDIRECT, TC_ACT_REDIRECT: elsewhere, not followed */
};

enum pl_user_action pl_user_action(int hook, int retval);
/* Where a program on tp's device and hook sees the packet: FROM_NETWORK on the uplink's xdp, ... */
enum pl_obs_point pl_user_obs_point(const struct topo_program *tp);
/* "xdp", "tc ingress", "tc egress" */
const char *pl_user_hook_name(int hook);
/* A result hop's name for t->programs[user]: "NAME (user program on NODE DEV HOOK)". */
void pl_user_hop_name(char *buf, size_t len, const struct topo *t, int user, int node,
		      const char *dev, const char *hook);

/*
 * Runs t->programs[index] on a frame at hook of device ifindex with
 * BPF_PROG_TEST_RUN, in the caller's network namespace: what it made of the
 * frame lands in out (cap bytes), its length in *out_len (0: nothing handed
 * back). Its retval, or -errno with the program, object and node named.
 */
int pl_user_prog_run(struct pl_user_progs *u, int index, int node, int hook, uint32_t ifindex,
		     uint32_t mark, const uint8_t *data, uint32_t len, uint8_t *out, uint32_t cap,
		     uint32_t *out_len);

/* The fd of t->programs[index]; -errno with the object, program and errno text printed. */
int pl_user_prog_fd(struct pl_user_progs *u, int index);
void pl_user_progs_close(struct pl_user_progs *u);

#endif /* PL_USER_PROG_H */
