/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The watch on a topology's own program (programs:): an fexit program that
 * runs after it and, when its return value drops the packet, emits the flow
 * event podlab's programs would have (prog PL_PROG_USER), into the ring
 * buffer of the node it runs on. The loader is harness/net/user_watch.c.
 */
#ifndef PL_USER_WATCH_H
#define PL_USER_WATCH_H

#include <linux/bpf.h>
#include <linux/pkt_cls.h>

/*
 * A return value of a user's program that ends the packet at its hook: on
 * XDP anything but XDP_PASS, XDP_TX, XDP_REDIRECT (the kernel drops unknown
 * actions too); on tc TC_ACT_SHOT, and STOLEN, QUEUED, TRAP, which consume it.
 */
static inline int pl_user_retval_drops(int xdp, int retval)
{
	if (xdp)
		return retval != XDP_PASS && retval != XDP_TX && retval != XDP_REDIRECT;
	return retval == TC_ACT_SHOT || retval == TC_ACT_STOLEN || retval == TC_ACT_QUEUED ||
	       retval == TC_ACT_TRAP;
}

#endif /* PL_USER_WATCH_H */
