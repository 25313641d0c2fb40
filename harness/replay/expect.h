/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Expectation matcher: which packets an expectation selects, and whether a
 * result satisfies it; every mismatch becomes one "expected X, got Y" line.
 */
#ifndef PL_REPLAY_EXPECT_H
#define PL_REPLAY_EXPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "replay/capture.h"
#include "replay/result.h"
#include "replay/scenario.h"

struct topo;

/* Failure lines of one scenario, for the console and JUnit. */
struct pl_failures {
	char **lines;
	int n;
};

int pl_failures_add(struct pl_failures *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pl_failures_free(struct pl_failures *f);

/* Compiled state of one expectation. */
struct pl_expect_state {
	struct pl_filter *filter;
	struct pl_frames frames; /* output_pcap */
	int selected;		 /* packets selected so far */
};

/* Compiles filters, reads output pcaps; errors as "file:line:col: message", -EINVAL. */
int pl_expect_prepare(const struct pl_scenario *s, struct pl_expect_state **out);
void pl_expect_release(const struct pl_scenario *s, struct pl_expect_state *st);

bool pl_expect_selects(const struct pl_scn_expect *e, const struct pl_expect_state *st,
		       const struct pl_result *r);
/* Checks r against e; appends one line per mismatch to fails; true when all matched. */
bool pl_expect_check(const struct pl_scn_expect *e, struct pl_expect_state *st,
		     const struct pl_result *r, const struct topo *t, struct pl_failures *fails);
/* nat: of e on r (harness/replay/expect_nat.c); one line per mismatch, prefixed where. */
bool pl_expect_check_nat(const struct pl_scn_expect *e, const struct pl_result *r,
			 const struct topo *t, struct pl_failures *f, const char *where);
/* All expectations over all results (plus "selects no packet" failures). True = pass. */
bool pl_expect_all(const struct pl_scenario *s, struct pl_expect_state *st,
		   const struct pl_result *res, int nres, const struct topo *t,
		   struct pl_failures *fails);

#endif /* PL_REPLAY_EXPECT_H */
