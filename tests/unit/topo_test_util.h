/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the topology and policy unit tests. */
#ifndef PL_TOPO_TEST_UTIL_H
#define PL_TOPO_TEST_UTIL_H

#include <stdint.h>

#include "topo/topo.h"

/* Parses text named "t"; *diag (malloc'ed, caller frees) gets every message line. */
int topo_test_parse(const char *text, struct topo **out, char **diag);
/* Asserts text is refused: -EINVAL, no model, one diagnostic line holding msg. */
void topo_test_expect_broken(const char *text, const char *msg);
/* Path of a shipped topology (topologies/NAME from the source tree), in a static buffer. */
const char *topo_test_shipped(const char *name);
/* Dotted quad to network order; aborts the test on a typo. */
uint32_t topo_test_ip(const char *s);

extern const char *const topo_test_shipped_names[];

#endif /* PL_TOPO_TEST_UTIL_H */
