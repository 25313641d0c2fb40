// SPDX-License-Identifier: GPL-2.0
/* podlab prog list: the datapath's programs, ELF sections and hooks (no root needed). */
#include <errno.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "datapath.skel.h"
#include "cli/cli.h"
#include "lib/datapath.h"

static enum pl_prog prog_by_name(const char *name)
{
	enum pl_prog p;

	for (p = PL_PROG_FROM_POD; p <= PL_PROG_XDP_PREFILTER; p++)
		if (!strcmp(name, pl_prog_name(p)))
			return p;
	return PL_PROG_NONE;
}

static int cmd_prog_list(int argc, char **argv)
{
	struct bpf_program *prog;
	struct datapath *skel;
	struct bpf_map *map;

	if (argc > 1)
		return pl_cmd_usage_error("prog list", "unexpected argument '%s'", argv[1]);
	/* Opening parses the object embedded in the skeleton; nothing reaches the kernel. */
	skel = datapath__open();
	if (!skel) {
		pl_err_errno(-errno, "opening the datapath BPF object");
		return PL_EXIT_RUNTIME;
	}
	printf("%-14s %-8s %-5s %s\n", "program", "section", "type", "hook");
	bpf_object__for_each_program(prog, skel->obj)
	{
		enum pl_prog p = prog_by_name(bpf_program__name(prog));

		printf("%-14s %-8s %-5s %s\n", bpf_program__name(prog),
		       bpf_program__section_name(prog),
		       bpf_program__type(prog) == BPF_PROG_TYPE_XDP ? "xdp" : "tc",
		       p ? pl_prog_hook(p) : "(not a datapath program)");
	}
	printf("\n%-14s %-16s %11s\n", "map", "type", "max entries");
	bpf_object__for_each_map(map, skel->obj)
	{
		const char *name = bpf_map__name(map);

		if (strchr(name, '.'))
			continue; /* .rodata: the knobs, not a map users program */
		printf("%-14s %-16s %11u\n", name, libbpf_bpf_map_type_str(bpf_map__type(map)),
		       bpf_map__max_entries(map));
	}
	datapath__destroy(skel);
	return PL_EXIT_OK;
}

PL_COMMAND(prog_list, .name = "prog list",
	   .summary = "list the datapath's programs, ELF sections, hooks and maps",
	   .usage = "usage: podlab prog list\n"
		    "\n"
		    "Prints every program of bpf/datapath.bpf.c with its ELF section, program\n"
		    "type and the hook it is attached to, then the maps with their type and size.\n"
		    "Reads the BPF object built into podlab: needs no privileges, loads nothing.\n"
		    "\n"
		    "options:\n"
		    "  -h, --help  this text\n"
		    "\n"
		    "example:\n"
		    "  podlab prog list\n"
		    "\n"
		    "exit status: 0 ok, 2 bad usage, 4 the embedded object could not be opened\n",
	   .run = cmd_prog_list);
