/* SPDX-License-Identifier: GPL-2.0 */
/* Running build/podlab as a user would, from a test: exit status, stdout, stderr. */
#ifndef PL_TEST_CLI_RUN_H
#define PL_TEST_CLI_RUN_H

#include <sys/types.h>

/* Probe: build/podlab (next to build/tests/) exists; its path in cli_podlab. */
const char *cli_probe_podlab(void);
extern char cli_podlab[];

/*
 * sh -c "podlab ARGS" with stdout and stderr read into *out and *err
 * (malloc'd, either may be NULL to drop). Exit status, 128+N when killed by
 * signal N, -1 when it could not run.
 */
int cli_run(const char *args, char **out, char **err);
/* Starts "podlab ARGS" in a process group of its own, output to files; the pid or -1. */
pid_t cli_spawn(const char *args, const char *out_path, const char *err_path);
/* Waits for pid: its exit status, 128+N when killed by signal N, -1 on error. */
int cli_wait(pid_t pid);
/* The whole file, NUL-terminated (malloc'd), or NULL. */
char *cli_slurp(const char *path);

#endif /* PL_TEST_CLI_RUN_H */
