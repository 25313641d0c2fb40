/* SPDX-License-Identifier: GPL-2.0 */
/* Reports of `podlab test`: console lines, JUnit XML, JSON. */
#ifndef PL_REPLAY_REPORT_H
#define PL_REPLAY_REPORT_H

#include <stdio.h>

#include "replay/expect.h"

enum pl_scn_outcome {
	PL_SCN_PASS = 0,
	PL_SCN_FAIL,
	PL_SCN_SKIP,
	PL_SCN_ERROR, /* bad input: the scenario could not be run */
};

struct pl_scn_report {
	char *file;
	char *name;
	enum pl_scn_outcome outcome;
	char *reason; /* SKIP / ERROR */
	struct pl_failures fails;
	int packets;
	double seconds;
};

const char *pl_scn_outcome_name(enum pl_scn_outcome o);
/* Writes a JUnit file: one testsuite "scenarios", one testcase per scenario. */
int pl_junit_write(const char *path, const struct pl_scn_report *r, int n);
void pl_scn_report_json(FILE *f, const struct pl_scn_report *r);
void pl_scn_report_free(struct pl_scn_report *r);

#endif /* PL_REPLAY_REPORT_H */
