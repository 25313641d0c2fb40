// SPDX-License-Identifier: GPL-2.0
/* ASSERT_* back end and the shared probes. */
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <CUnit/CUnit.h>

#include "test.h"
#include "userns.h"

static char subtest[256];

bool pl_verbose(void)
{
	const char *v = getenv("PL_TEST_VERBOSE");

	return v && *v && strcmp(v, "0");
}

void pl_subtest(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(subtest, sizeof(subtest), fmt, ap);
	va_end(ap);
	if (pl_verbose())
		fprintf(stderr, "    subtest: %s\n", subtest);
}

void pl__subtest_reset(void)
{
	subtest[0] = '\0';
}

bool pl__check(bool ok, const char *file, int line, const char *name, const char *fmt, ...)
{
	char detail[512], msg[1024];
	va_list ap;

	if (ok) {
		CU_assertImplementation(CU_TRUE, line, name, file, "", CU_FALSE);
		return true;
	}
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof(msg), "%s%s%s: %s", subtest, subtest[0] ? ": " : "", name, detail);
	fprintf(stderr, "\n    %s:%d: FAIL %s\n", file, line, msg);
	CU_assertImplementation(CU_FALSE, line, msg, file, "", CU_FALSE);
	return false;
}

static void hexdump(const char *tag, const unsigned char *p, size_t len, size_t mark)
{
	size_t i;

	fprintf(stderr, "      %s:", tag);
	for (i = 0; i < len; i++) {
		if (i % 16 == 0)
			fprintf(stderr, "\n        %04zx ", i);
		fprintf(stderr, i == mark ? "[%02x]" : " %02x", p[i]);
	}
	fprintf(stderr, "\n");
}

bool pl__memeq(const void *actual, const void *expected, size_t len, const char *file, int line,
	       const char *name)
{
	const unsigned char *a = actual, *e = expected;
	size_t i;

	for (i = 0; i < len; i++)
		if (a[i] != e[i])
			break;
	if (i == len)
		return pl__check(true, file, line, name, "equal");
	pl__check(false, file, line, name, "bytes differ from offset %zu of %zu: 0x%02x != 0x%02x",
		  i, len, a[i], e[i]);
	hexdump("actual", a, len, i);
	hexdump("expected", e, len, i);
	return false;
}

/* Loads "r0 = 0; exit" as a TC program: what the datapath's programs need, asked of the kernel. */
static int try_load_bpf(void)
{
	struct bpf_insn insns[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SCHED_CLS;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	attr.license = (unsigned long)"GPL";
	fd = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

const char *pl_probe_root(void)
{
	static char why[256];
	static int err = 1;
	struct statfs fs;
	char knob[16] = "?";
	FILE *f;

	if (err == 1)
		err = try_load_bpf();
	if (err == -EPERM || err == -EACCES) {
		f = fopen("/proc/sys/kernel/unprivileged_bpf_disabled", "r");
		if (f) {
			if (fscanf(f, "%15s", knob) != 1)
				strcpy(knob, "?");
			fclose(f);
		}
		snprintf(why, sizeof(why),
			 "needs root (or CAP_BPF and CAP_NET_ADMIN in the initial user namespace) "
			 "to load BPF; kernel.unprivileged_bpf_disabled=%s",
			 knob);
		return why;
	}
	if (err) {
		snprintf(why, sizeof(why), "cannot load a BPF program: %s", strerror(-err));
		return why;
	}
	if (statfs("/sys/fs/bpf", &fs) || fs.f_type != BPF_FS_MAGIC) {
		if (system("mount -t bpf bpf /sys/fs/bpf 2>/dev/null") != 0)
			return "bpffs is not mounted on /sys/fs/bpf and cannot be mounted";
	}
	return NULL;
}

const char *pl_probe_netns(void)
{
	static char why[384];
	static bool tried;

	if (access("/proc/self/ns/net", R_OK))
		return "kernel lacks network namespaces (CONFIG_NET_NS)";
	/* Unprivileged: the first test that needs namespaces moves the runner into its own. */
	if (!tried) {
		tried = true;
		pl_userns_setup();
		if (pl_userns_active())
			printf("no capabilities: tests run in a private user, mount and network "
			       "namespace\n");
	}
	if (pl_userns_active())
		return NULL;
	if (pl_cap_effective(CAP_SYS_ADMIN) && pl_cap_effective(CAP_NET_ADMIN))
		return NULL;
	snprintf(why, sizeof(why),
		 "needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) or an unprivileged user namespace "
		 "to create network namespaces%s%s",
		 pl_userns_why() ? ": " : "", pl_userns_why() ? pl_userns_why() : "");
	return why;
}

const char *pl_probe_bpf_netns(void)
{
	return pl_probe_root() ?: pl_probe_netns();
}
