/* SPDX-License-Identifier: GPL-2.0 */
/* Generated captures and replay results as text, for tests that compare two ways of replaying. */
#ifndef PL_TEST_RESULTS_TEXT_H
#define PL_TEST_RESULTS_TEXT_H

#include "lib/pkt.h"
#include "replay/replay_input.h"
#include "replay/result.h"
#include "topo/topo.h"

/* Appends the frame spec s builds to pk (input "generated"); negative on failure. */
int pl_test_pkts_add(struct pl_replay_pkts *pk, const struct pl_pkt_spec *s);

/* Every result as its JSON line, in order, each released; NULL when memory runs out. */
char *pl_test_results_json(struct pl_result *res, int n, const struct topo *t);

/* Prints the first line where a and b differ (for the failure message). */
void pl_test_first_difference(const char *a, const char *b);

#endif /* PL_TEST_RESULTS_TEXT_H */
