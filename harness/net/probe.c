// SPDX-License-Identifier: GPL-2.0
/* Kernel feature probes, each run in a throwaway network namespace of a child process. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/rtnetlink.h>

#include "net/nl.h"
#include "net/run.h"
#include "net/tc.h"

/* BPF_TCX_INGRESS of kernels 6.6+: the installed uapi header may predate it. */
#define PL_BPF_TCX_INGRESS 46

static const char *kconfig(enum topo_qdisc_kind kind)
{
	switch (kind) {
	case TOPO_QDISC_TBF:
		return "CONFIG_NET_SCH_TBF";
	case TOPO_QDISC_HTB:
		return "CONFIG_NET_SCH_HTB";
	case TOPO_QDISC_NETEM:
		return "CONFIG_NET_SCH_NETEM";
	default:
		return "CONFIG_NET_SCH_FIFO";
	}
}

/* Child: new netns, one qdisc on lo; writes "errno extack" to fd. */
static int qdisc_child(enum topo_qdisc_kind kind, char *msg, size_t len)
{
	struct topo_qdisc q = {.kind = kind};
	struct pl_nl nl;
	int err;

	q.tbf.rate = 1000000; /* the union's first member: harmless for other kinds */
	q.tbf.burst = 10000;
	q.tbf.limit = 10000;
	if (kind == TOPO_QDISC_NETEM) {
		memset(&q.netem, 0, sizeof(q.netem));
		q.netem.delay_ns = 1000000;
	}
	if (!(err = pl_nl_open(&nl))) {
		err = pl_tc_qdisc_add(&nl, 1, 0x10000, &q, true, "lo");
		pl_nl_close(&nl);
	}
	snprintf(msg, len, "%d %s", -err, pl_nl_extack());
	return err;
}

/* Child: new netns, one link of a kind; writes "errno extack". */
static int link_child(const char *kind, char *msg, size_t len)
{
	struct nlattr *linkinfo, *data;
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;
	struct pl_nl nl;
	int err;

	if ((err = pl_nl_open(&nl)))
		goto out;
	nlh = pl_nl_req(&nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "plprobe0");
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	if (!strcmp(kind, "vxlan")) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		mnl_attr_put_u8(nlh, IFLA_VXLAN_COLLECT_METADATA, 1);
		mnl_attr_nest_end(nlh, data);
	} else if (!strcmp(kind, "ipip")) {
		/* A remote: without one the request matches tunl0 and fails with EEXIST. */
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		mnl_attr_put_u32(nlh, IFLA_IPTUN_REMOTE, htonl(0xc0000201)); /* 192.0.2.1 */
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, linkinfo);
	err = pl_nl_talk(&nl, nlh, 1, "creating a %s link", kind);
	pl_nl_close(&nl);
out:
	snprintf(msg, len, "%d %s", -err, pl_nl_extack());
	return err;
}

/* Child: a tcx link (BPF_TCX_INGRESS, 6.6+) of a "return TC_ACT_OK" program on lo. */
static int tcx_child(char *msg, size_t len)
{
	const struct bpf_insn insns[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	int prog, link, err = 0;

	prog = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "plprobe", "GPL", insns, 2, NULL);
	if (prog < 0) {
		err = -errno;
	} else {
		link = bpf_link_create(prog, 1, PL_BPF_TCX_INGRESS, NULL);
		if (link < 0)
			err = -errno;
		else
			close(link);
		close(prog);
	}
	snprintf(msg, len, "%d ", -err);
	return err;
}

/*
 * Child: an XDP_DROP program run as a live frame (BPF_F_TEST_XDP_LIVE_FRAMES,
 * 5.18+): dropped, so nothing is sent; some kernels refuse the flag (EPERM).
 */
static int live_frames_child(char *msg, size_t len)
{
	const struct bpf_insn insns[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K,
		 .dst_reg = BPF_REG_0,
		 .imm = 1 /* XDP_DROP */},
		{.code = BPF_JMP | BPF_EXIT},
	};
	uint8_t frame[64] = {0};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = sizeof(frame),
		    .repeat = 1, .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
	int prog, err = 0;

	prog = bpf_prog_load(BPF_PROG_TYPE_XDP, "plprobe", "GPL", insns, 2, NULL);
	if (prog < 0)
		err = -errno;
	else if (bpf_prog_test_run_opts(prog, &o))
		err = -errno;
	if (prog >= 0)
		close(prog);
	snprintf(msg, len, "%d ", -err);
	return err;
}

/* Child: names of the devices a new namespace starts with. */
static int devices_child(char *msg, size_t len)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	size_t off = 0;

	if (!ifs) {
		snprintf(msg, len, "%d ", errno);
		return -errno;
	}
	off = snprintf(msg, len, "0 ");
	for (i = ifs; i->if_index && off < len; i++)
		off += snprintf(msg + off, len - off, "%s%s", off > 2 ? " " : "", i->if_name);
	if_freenameindex(ifs);
	return 0;
}

enum probe_kind { PROBE_QDISC, PROBE_LINK, PROBE_TCX, PROBE_LIVE_FRAMES, PROBE_DEVICES };

/*
 * Runs one probe in a forked child in a throwaway netns. Returns 0 when it worked,
 * else a positive errno; msg gets what follows the child's errno (extack or names).
 */
static int probe_child(enum probe_kind what, int qdisc, const char *kind, char *out, size_t len)
{
	char msg[400] = "";
	int fds[2], status, e = 0, err;
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		return errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		close(fds[0]);
		if (unshare(CLONE_NEWNET)) {
			snprintf(msg, sizeof(msg), "%d ", errno);
			err = -errno;
		} else if (what == PROBE_QDISC) {
			err = qdisc_child(qdisc, msg, sizeof(msg));
		} else if (what == PROBE_LINK) {
			err = link_child(kind, msg, sizeof(msg));
		} else if (what == PROBE_TCX) {
			err = tcx_child(msg, sizeof(msg));
		} else if (what == PROBE_LIVE_FRAMES) {
			err = live_frames_child(msg, sizeof(msg));
		} else {
			err = devices_child(msg, sizeof(msg));
		}
		if (write(fds[1], msg, strlen(msg)) < 0)
			_exit(2);
		_exit(err ? 1 : 0);
	}
	close(fds[1]);
	n = read(fds[0], msg, sizeof(msg) - 1);
	close(fds[0]);
	waitpid(pid, &status, 0);
	msg[n > 0 ? n : 0] = '\0';
	if (sscanf(msg, "%d", &e) != 1)
		e = EIO;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		e = 0;
	else if (!e)
		e = EIO;
	snprintf(out, len, "%s", strchr(msg, ' ') ? strchr(msg, ' ') + 1 : "");
	return e;
}

const char *pl_probe_qdisc_kind(enum topo_qdisc_kind kind)
{
	static char reason[400];
	char msg[300];
	int e = probe_child(PROBE_QDISC, kind, NULL, msg, sizeof(msg));

	if (!e)
		return NULL;
	if (e == EPERM || e == EACCES) {
		snprintf(reason, sizeof(reason), "cannot probe sch_%s: %s (needs root)",
			 pl_qdisc_kind_name(kind), strerror(e));
		return reason;
	}
	snprintf(reason, sizeof(reason), "kernel lacks sch_%s (%s): %s", pl_qdisc_kind_name(kind),
		 kconfig(kind), msg[0] ? msg : strerror(e));
	return reason;
}

const char *pl_probe_link_kind(const char *kind)
{
	static char reason[400];
	char msg[300];
	int e = probe_child(PROBE_LINK, 0, kind, msg, sizeof(msg));

	if (!e)
		return NULL;
	snprintf(reason, sizeof(reason), "cannot create a %s link: %s", kind,
		 msg[0] ? msg : strerror(e));
	return reason;
}

const char *pl_probe_tcx(void)
{
	static char reason[200];
	char msg[300];
	int e = probe_child(PROBE_TCX, 0, NULL, msg, sizeof(msg));

	if (!e)
		return NULL;
	snprintf(reason, sizeof(reason), "no tcx links (%s)", strerror(e));
	return reason;
}

const char *pl_probe_xdp_live_frames(void)
{
	static char reason[200];
	char msg[300];
	int e = probe_child(PROBE_LIVE_FRAMES, 0, NULL, msg, sizeof(msg));

	if (!e)
		return NULL;
	snprintf(reason, sizeof(reason),
		 "the kernel refuses XDP live frames "
		 "(BPF_F_TEST_XDP_LIVE_FRAMES, Linux 5.18+): %s",
		 strerror(e));
	return reason;
}

int pl_probe_netns_devices(char *buf, size_t len)
{
	int e = probe_child(PROBE_DEVICES, 0, NULL, buf, len);

	return -e;
}
