// SPDX-License-Identifier: GPL-2.0
/* What the kernel does after a user's program returns: the table unit and sim mode share. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "test.h"
#include "lib/user_prog.h"
#include "topo/topo.h"

static const struct {
	int hook, retval;
	enum pl_user_action want;
	const char *desc;
} cases[] = {
	{TOPO_HOOK_XDP, XDP_PASS, PL_USER_NEXT, "XDP_PASS: on to tc ingress"},
	{TOPO_HOOK_XDP, XDP_DROP, PL_USER_DROP, "XDP_DROP"},
	{TOPO_HOOK_XDP, XDP_ABORTED, PL_USER_DROP, "XDP_ABORTED"},
	{TOPO_HOOK_XDP, XDP_TX, PL_USER_REDIRECT, "XDP_TX: back out, not followed"},
	{TOPO_HOOK_XDP, XDP_REDIRECT, PL_USER_REDIRECT, "XDP_REDIRECT"},
	{TOPO_HOOK_XDP, 17, PL_USER_DROP,
	 "an unknown XDP action drops (bpf_warn_invalid_xdp_action)"},
	{TOPO_HOOK_TC_INGRESS, TC_ACT_UNSPEC, PL_USER_NEXT, "TC_ACT_UNSPEC: the next filter"},
	{TOPO_HOOK_TC_INGRESS, TC_ACT_OK, PL_USER_STACK, "TC_ACT_OK: past the hook"},
	{TOPO_HOOK_TC_INGRESS, TC_ACT_PIPE, PL_USER_STACK, "TC_ACT_PIPE (not direct action's)"},
	{TOPO_HOOK_TC_INGRESS, TC_ACT_SHOT, PL_USER_DROP, "TC_ACT_SHOT"},
	{TOPO_HOOK_TC_EGRESS, TC_ACT_STOLEN, PL_USER_DROP, "TC_ACT_STOLEN consumes it"},
	{TOPO_HOOK_TC_EGRESS, TC_ACT_TRAP, PL_USER_DROP, "TC_ACT_TRAP consumes it"},
	{TOPO_HOOK_TC_INGRESS, TC_ACT_REDIRECT, PL_USER_REDIRECT, "TC_ACT_REDIRECT"},
};

PL_TEST(unit, user_program_actions)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pl_subtest("%s", cases[i].desc);
		ASSERT_EQ(pl_user_action(cases[i].hook, cases[i].retval), cases[i].want, "action");
	}
}
