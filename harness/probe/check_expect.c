// SPDX-License-Identifier: GPL-2.0
/* What the topology's policies predict for a probe (topo's policy_predict). */
#include "probe/check.h"
#include "topo/policy_compile.h"

enum pl_check_expect check_expect(const struct topo *t, int src, int dst, uint8_t proto,
				  uint16_t dport, int *reason)
{
	int why = PL_DROP_NONE;
	enum policy_verdict v;

	/* policy_predict reads the rules alone; ICMP carries no port. */
	v = policy_predict(t, NULL, t->pods[src].ip, t->pods[dst].ip, proto, dport, &why);
	if (reason)
		*reason = why;
	return v == POLICY_ALLOWED ? PL_EXPECT_ALLOW : PL_EXPECT_DENY;
}
