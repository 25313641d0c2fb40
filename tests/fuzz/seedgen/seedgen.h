/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Seed inputs for the fuzzers from the unit tests' own tables: each
 * seed_*.c includes one test file and writes its table's texts, so the
 * corpora follow the tables as they change.
 */
#ifndef PL_SEEDGEN_H
#define PL_SEEDGEN_H

#include <stddef.h>

/* Writes len bytes of text to DIR/PREFIX-N; 0 or -errno. */
int pl_seed_write(const char *dir, const char *prefix, int n, const char *text, size_t len);

int pl_seed_topo(const char *dir);     /* broken topology files */
int pl_seed_scenario(const char *dir); /* broken scenario files */
int pl_seed_policy(const char *dir);   /* the policy cases' `policies:` sections */
int pl_seed_units(const char *dir);    /* `podlab sim qdisc --example` specs and loads */

#endif /* PL_SEEDGEN_H */
