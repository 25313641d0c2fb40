// SPDX-License-Identifier: GPL-2.0
/* podlab verify: load every datapath program in each routing mode through the verifier. */
#include <errno.h>
#include <string.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli/cli.h"
#include "lib/datapath.h"
#include "plan/plan.h"
#include "net/run.h"
#include "net/tc.h"
#include "net/user_watch.h"

static int verify_mode(enum pl_routing_mode mode)
{
	struct pl_datapath_opts opts = {.routing = mode, .events = true};
	struct bpf_prog_info info;
	struct pl_datapath *dp;
	__u32 info_len;
	enum pl_prog p;
	int err, fd;

	printf("routing %s:\n", pl_routing_mode_name(mode));
	err = pl_datapath_load(&opts, &dp);
	if (err) {
		printf("  FAILED: %s (verifier log above)\n", strerror(-err));
		return err;
	}
	printf("  %-14s %-40s %14s %10s\n", "program", "hook", "verified insns", "JIT bytes");
	for (p = PL_PROG_FROM_POD; p <= PL_PROG_XDP_PREFILTER; p++) {
		fd = pl_datapath_prog_fd(dp, p);
		memset(&info, 0, sizeof(info));
		info_len = sizeof(info);
		if (bpf_obj_get_info_by_fd(fd, &info, &info_len)) {
			err = pl_err_errno(-errno, "reading bpf_prog_info of %s", pl_prog_name(p));
			break;
		}
		printf("  %-14s %-40s %14u %10u\n", pl_prog_name(p), pl_prog_hook(p),
		       info.verified_insns, info.jited_prog_len);
	}
	pl_datapath_destroy(dp);
	return err;
}

/* What the kernel offers that podlab decides on at run time, probed in throwaway namespaces. */
static void print_kernel(void)
{
	static const enum topo_qdisc_kind qdiscs[] = {TOPO_QDISC_TBF, TOPO_QDISC_HTB,
						      TOPO_QDISC_NETEM};
	static const char *const links[] = {"veth", "vxlan", "bridge", "ipip"};
	struct utsname u;
	bool missing = false;
	char devs[300];
	size_t i;

	uname(&u);
	printf("kernel %s\n  qdiscs     ", u.release);
	for (i = 0; i < sizeof(qdiscs) / sizeof(qdiscs[0]); i++) {
		bool no = pl_probe_qdisc_kind(qdiscs[i]);

		printf("%s%s %s", i ? ", " : "", pl_qdisc_kind_name(qdiscs[i]), no ? "no" : "yes");
		missing |= no;
	}
	printf("%s\n  links      ",
	       missing ? " (up refuses a topology that needs a missing one)" : "");
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		printf("%s%s %s", i ? ", " : "", links[i],
		       pl_probe_link_kind(links[i]) ? "no" : "yes");
	printf("\n  tcx        %s (TC programs attach with cls_bpf)\n",
	       pl_probe_tcx() ? "no" : "yes");
	printf("  xdp live   %s\n",
	       pl_probe_xdp_live_frames()
		       ? "no (live replay sends uplink frames from the uplink's "
			 "far end)"
		       : "yes (live replay injects uplink frames as XDP live frames)");
	printf("  fexit      %s\n",
	       pl_probe_user_watch()
		       ? "no (a drop in a topology's own program is a timeout live, absent from "
			 "observe)"
		       : "yes (a topology's own programs are watched: their drops are flow "
			 "events)");
	if (pl_probe_netns_devices(devs, sizeof(devs)))
		snprintf(devs, sizeof(devs), "?");
	printf("  new netns  %s (podlab's devices start at ifindex %d)\n", devs, PL_IFINDEX_BASE);
}

static int cmd_verify(int argc, char **argv)
{
	int first = 0, last = PL_ROUTING__COUNT - 1, m, failed = 0, i;

	for (i = 1; i < argc; i++) {
		const char *val = NULL;

		if (!strcmp(argv[i], "--routing") && i + 1 >= argc)
			return pl_cmd_usage_error("verify", "--routing needs a mode");
		if (!strcmp(argv[i], "--routing"))
			val = argv[++i];
		else if (!strncmp(argv[i], "--routing=", 10))
			val = argv[i] + 10;
		else
			return pl_cmd_usage_error("verify", "unexpected argument '%s'", argv[i]);
		if (!strcmp(val, "all")) {
			first = 0;
			last = PL_ROUTING__COUNT - 1;
			continue;
		}
		m = pl_routing_mode_by_name(val);
		if (m < 0)
			return pl_cmd_usage_error("verify", "unknown routing mode '%s'", val);
		first = last = m;
	}
	if (pl_require_bpf_privileges())
		return PL_EXIT_ENV;
	/* A verify failure must show the verifier log: libbpf prints it at warning level. */
	if (pl_verbosity < 1)
		pl_verbosity = 1;
	print_kernel();
	for (m = first; m <= last; m++)
		if (verify_mode(m))
			failed++;
	if (failed) {
		pl_err("%d routing mode(s) failed to load", failed);
		return PL_EXIT_RUNTIME;
	}
	return PL_EXIT_OK;
}

PL_COMMAND(verify, .name = "verify",
	   .summary = "load every datapath program through the verifier, per routing mode",
	   .usage = "usage: podlab [-v] verify [--routing native|vxlan|legacy|fabric|ipip|all]\n"
		    "\n"
		    "Prints what the kernel offers (qdiscs, link kinds, tcx, the devices a new\n"
		    "namespace starts with), probed in throwaway namespaces. Then loads\n"
		    "bpf/datapath.bpf.c (from_pod, from_network, from_overlay,\n"
		    "xdp_prefilter) with the routing mode written to its rodata, and prints per\n"
		    "program its hook, the instructions the verifier processed\n"
		    "(bpf_prog_info.verified_insns) and the JIT image size. Nothing is attached.\n"
		    "On a load failure the verifier log is printed.\n"
		    "\n"
		    "options:\n"
		    "  --routing MODE  native, vxlan, legacy, fabric, ipip or all (default all)\n"
		    "  -h, --help      this text\n"
		    "\n"
		    "examples:\n"
		    "  podlab verify\n"
		    "  podlab verify --routing vxlan\n"
		    "\n"
		    "exit status: 0 every mode loaded, 2 bad usage, 3 no privilege to load BPF\n"
		    "             (needs root, or CAP_BPF and CAP_NET_ADMIN), 4 a load failed\n",
	   .run = cmd_verify);
