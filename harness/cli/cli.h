/* SPDX-License-Identifier: GPL-2.0 */
/*
 * podlab subcommands register themselves with PL_COMMAND(); main.c finds
 * them in the pl_cmds section, so adding a command touches one file.
 */
#ifndef PL_CLI_H
#define PL_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "lib/log.h"
#include "replay/replay_core.h"

struct pl_cmd {
	const char *name;    /* "verify", "prog list", "up", ... (may hold one space) */
	const char *summary; /* one line for `podlab --help` */
	const char *usage;   /* full text for `podlab CMD --help` */
	int (*run)(int argc, char **argv); /* argv[0] is the command name; returns enum pl_exit */
};

#define PL_COMMAND(id_, ...)                                                                       \
	static const struct pl_cmd pl_cmd_desc_##id_ = {__VA_ARGS__};                              \
	static const struct pl_cmd *pl_cmd_ptr_##id_ __attribute__((used, section("pl_cmds"))) =   \
		&pl_cmd_desc_##id_

/* True (and usage printed to stdout) when argv holds -h/--help. */
int pl_cmd_wants_help(const struct pl_cmd *cmd, int argc, char **argv);
/* Prints "podlab: error: ..." plus "try podlab CMD --help"; returns PL_EXIT_INPUT. */
int pl_cmd_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* OPT's value ARG: a decimal min..max (pl_parse_uint), else a usage error (PL_EXIT_INPUT). */
int pl_cmd_parse_uint(const char *cmd, const char *opt, const char *arg, uint64_t min, uint64_t max,
		      uint64_t *out);
/* --ct-max N: 1..TOPO_CT_MAX_LIMIT into *out, else a usage error (PL_EXIT_INPUT). */
int pl_cmd_parse_ct_max(const char *cmd, const char *arg, uint32_t *out);
/* --uplink-inject auto|xdp|peer into *out, else a usage error (PL_EXIT_INPUT). */
int pl_cmd_parse_uplink_inject(const char *cmd, const char *arg, enum pl_uplink_inject *out);

#endif /* PL_CLI_H */
