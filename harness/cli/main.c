// SPDX-License-Identifier: GPL-2.0
/* podlab: entry point, global options and subcommand dispatch. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/units.h"
#include "topo/topo.h"

extern const struct pl_cmd *const __start_pl_cmds[] __attribute__((weak));
extern const struct pl_cmd *const __stop_pl_cmds[] __attribute__((weak));

static void usage(FILE *f)
{
	const struct pl_cmd *const *c;

	fprintf(f,
		"usage: podlab [-v|-vv] COMMAND [ARGS...]\n\n"
		"A test bench for eBPF pod networking datapaths: topologies of namespaces,\n"
		"veths, VXLAN and qdiscs, a real XDP/TC datapath, pcap replay and a simulator.\n\n"
		"commands:\n");
	for (c = __start_pl_cmds; c < __stop_pl_cmds; c++)
		fprintf(f, "  %-14s %s\n", (*c)->name, (*c)->summary);
	fprintf(f,
		"\noptions:\n"
		"  -v, --verbose  libbpf's log (verifier log on a load failure); twice for debug\n"
		"  -h, --help     this text; `podlab COMMAND --help` for a command\n"
		"  --version      print the version\n"
		"\nexit status: 0 ok, 1 a check or test failed, 2 bad usage or input,\n"
		"             3 missing privilege or kernel feature, 4 a kernel operation "
		"failed\n");
}

int pl_cmd_wants_help(const struct pl_cmd *cmd, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(cmd->usage, stdout);
			return 1;
		}
	}
	return 0;
}

int pl_cmd_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "podlab %s: error: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntry 'podlab %s --help'\n", cmd);
	return PL_EXIT_INPUT;
}

int pl_cmd_parse_uint(const char *cmd, const char *opt, const char *arg, uint64_t min, uint64_t max,
		      uint64_t *out)
{
	if (pl_parse_uint(arg, min, max, out))
		return pl_cmd_usage_error(cmd, "%s: '%s' is not %llu to %llu", opt, arg,
					  (unsigned long long)min, (unsigned long long)max);
	return 0;
}

int pl_cmd_parse_ct_max(const char *cmd, const char *arg, uint32_t *out)
{
	uint64_t v;

	if (pl_parse_uint(arg, 1, TOPO_CT_MAX_LIMIT, &v))
		return pl_cmd_usage_error(cmd, "--ct-max: '%s' is not 1 to %u", arg,
					  TOPO_CT_MAX_LIMIT);
	*out = (uint32_t)v;
	return 0;
}

int pl_cmd_parse_uplink_inject(const char *cmd, const char *arg, enum pl_uplink_inject *out)
{
	int how = pl_uplink_inject_parse(arg);

	if (how < 0)
		return pl_cmd_usage_error(cmd, "--uplink-inject: '%s' is not auto, xdp or peer",
					  arg);
	*out = (enum pl_uplink_inject)how;
	return 0;
}

/* Matches "prog list" against argv "prog" "list" as well as a one-word name. */
static int match(const struct pl_cmd *c, int argc, char **argv)
{
	const char *sp = strchr(c->name, ' ');
	size_t n;

	if (!sp)
		return !strcmp(c->name, argv[0]) ? 1 : 0;
	n = sp - c->name;
	if (strlen(argv[0]) != n || strncmp(c->name, argv[0], n) || argc < 2)
		return 0;
	return !strcmp(sp + 1, argv[1]) ? 2 : 0;
}

/* "pcap" alone, or "pcap --help": the group's subcommands; -1 when argv[0] names no group. */
static int group_usage(int argc, char **argv)
{
	bool help = argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"));
	size_t n = strlen(argv[0]);
	const struct pl_cmd *const *c;
	int found = 0;

	for (c = __start_pl_cmds; c < __stop_pl_cmds; c++) {
		if (strncmp((*c)->name, argv[0], n) || (*c)->name[n] != ' ')
			continue;
		if (!found++ && !help) {
			if (argc > 1)
				fprintf(stderr, "podlab %s: error: unknown subcommand '%s'\n",
					argv[0], argv[1]);
			else
				fprintf(stderr, "podlab %s: error: a subcommand is needed\n",
					argv[0]);
		}
		if (help)
			printf("%s%s", found > 1 ? "\n" : "", (*c)->usage);
		else
			fprintf(stderr, "  podlab %-12s %s\n", (*c)->name, (*c)->summary);
	}
	if (!found)
		return -1;
	return help ? PL_EXIT_OK : PL_EXIT_INPUT;
}

int main(int argc, char **argv)
{
	const struct pl_cmd *const *c;
	int verbosity = 0, i = 1, used;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
			verbosity++;
		else if (!strcmp(argv[i], "-vv"))
			verbosity += 2;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return PL_EXIT_OK;
		} else if (!strcmp(argv[i], "--version")) {
			printf("podlab 0.1\n");
			return PL_EXIT_OK;
		} else {
			fprintf(stderr, "podlab: error: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return PL_EXIT_INPUT;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return PL_EXIT_INPUT;
	}
	pl_log_init(verbosity);
	for (c = __start_pl_cmds; c < __stop_pl_cmds; c++) {
		used = match(*c, argc - i, argv + i);
		if (!used)
			continue;
		/* Two-word commands see argv[0] = the second word. */
		if (pl_cmd_wants_help(*c, argc - i - used + 1, argv + i + used - 1))
			return PL_EXIT_OK;
		return (*c)->run(argc - i - used + 1, argv + i + used - 1);
	}
	used = group_usage(argc - i, argv + i);
	if (used >= 0)
		return used;
	fprintf(stderr, "podlab: error: unknown command '%s'\n", argv[i]);
	usage(stderr);
	return PL_EXIT_INPUT;
}
