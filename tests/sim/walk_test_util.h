/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers for the walk tests: send a pod's IPv6 TCP segment, find the last program step. */
#ifndef PL_WALK_TEST_UTIL_H
#define PL_WALK_TEST_UTIL_H

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "test.h"
#include "lib/pkt.h"
#include "plan/plan.h"
#include "topo/topo.h"
#include "walk.h"

/* A TCP segment from pod `from` to dst6:dport from sport, walked from the pod (no reset). */
static inline bool walk_send6(struct sim_walk *w, const struct topo *t, int from,
			      const uint8_t *dst6, uint16_t sport, uint16_t dport, uint8_t flags,
			      struct sim_walk_result *res)
{
	struct pl_pkt_spec s = {.family = AF_INET6,
				.proto = IPPROTO_TCP,
				.sport = sport,
				.dport = dport,
				.tcp_flags = flags};
	struct sim_inject at = {.kind = SIM_INJECT_POD, .node = t->pods[from].node, .pod = from};
	uint8_t frame[256];
	int len;

	pl_plan_mac(0, from, s.smac);
	pl_plan_mac(1, from, s.dmac);
	memcpy(s.saddr6, t->pods[from].ip6, 16);
	memcpy(s.daddr6, dst6, 16);
	len = pl_pkt_build(&s, frame, sizeof(frame));
	if (!ASSERT_GT(len, 0, "frame built"))
		return false;
	return ASSERT_OK(pl_sim_walk_packet(w, frame, (uint32_t)len, &at, 0, res), "walk");
}

/* The walk's last program step, or NULL when no program ran. */
static inline const struct sim_step *walk_last_prog(const struct sim_walk_result *r)
{
	int i;

	for (i = r->nsteps - 1; i >= 0; i--)
		if (r->steps[i].kind == SIM_STEP_PROG)
			return &r->steps[i];
	return NULL;
}

#endif /* PL_WALK_TEST_UTIL_H */
