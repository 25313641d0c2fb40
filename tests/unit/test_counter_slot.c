// SPDX-License-Identifier: GPL-2.0
/* The counters map's slots: every counted (prog, dir, verdict, reason) has its own. */
#include <stdlib.h>

#include "test.h"
#include "podlab.h"

PL_TEST(unit, counter_slots_distinct)
{
	static const __u8 verdicts[] = {PL_VERDICT_FORWARDED, PL_VERDICT_DROPPED,
					PL_VERDICT_REDIRECTED};
	unsigned char *seen = calloc(PL_COUNTER_SLOTS, 1);
	unsigned prog, dir, v, reason, bad = 0, dup = 0;

	if (!ASSERT_OK_PTR(seen, "calloc"))
		return;
	for (prog = PL_PROG_FROM_POD; prog <= PL_PROG_XDP_PREFILTER; prog++)
		for (dir = PL_DIR_INGRESS; dir <= PL_DIR_EGRESS; dir++)
			for (v = 0; v < sizeof(verdicts); v++)
				for (reason = 0; reason < 256; reason++) {
					struct pl_counter_key k = {verdicts[v], reason, dir, prog};
					__u32 s = pl_counter_slot(prog, dir, verdicts[v], reason);

					bad += !pl_counter_valid(&k) || s >= PL_COUNTER_SLOTS;
					if (s < PL_COUNTER_SLOTS)
						dup += seen[s]++ != 0;
				}
	ASSERT_EQ(bad, 0, "every counted key is valid and within the map");
	ASSERT_EQ(dup, 0, "no two keys share a slot");
	/* Conntrack's own counters live in slots no packet is counted in. */
	ASSERT_LT(PL_COUNTER_CT_CREATED, PL_COUNTER_SLOTS, "CT_CREATED within the map");
	ASSERT_LT(PL_COUNTER_CT_UNTRACKED, PL_COUNTER_SLOTS, "CT_UNTRACKED within the map");
	ASSERT_LT(PL_COUNTER_EVENTS_LOST, PL_COUNTER_SLOTS, "EVENTS_LOST within the map");
	ASSERT_EQ(seen[PL_COUNTER_CT_CREATED], 0, "CT_CREATED is no packet slot");
	ASSERT_EQ(seen[PL_COUNTER_CT_UNTRACKED], 0, "CT_UNTRACKED is no packet slot");
	ASSERT_EQ(seen[PL_COUNTER_EVENTS_LOST], 0, "EVENTS_LOST is no packet slot");
	free(seen);
}

PL_TEST(unit, counter_keys_never_counted)
{
	struct pl_counter_key none = {PL_VERDICT_DROPPED, PL_DROP_POLICY_DENIED, PL_DIR_EGRESS,
				      PL_PROG_NONE};
	struct pl_counter_key unknown = {PL_VERDICT_UNKNOWN, 0, PL_DIR_EGRESS, PL_PROG_FROM_POD};
	struct pl_counter_key dir2 = {PL_VERDICT_DROPPED, PL_DROP_POLICY_DENIED, 2,
				      PL_PROG_FROM_POD};

	/* These would alias counted slots (prog 0 ~ 4, verdict 0 ~ 1): readers must refuse them. */
	ASSERT_FALSE(pl_counter_valid(&none), "prog NONE");
	ASSERT_FALSE(pl_counter_valid(&unknown), "verdict UNKNOWN");
	ASSERT_FALSE(pl_counter_valid(&dir2), "dir 2");
}
