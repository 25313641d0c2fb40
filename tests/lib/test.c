// SPDX-License-Identifier: GPL-2.0
/* ASSERT_* back end and the shared probes. */
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <CUnit/CUnit.h>

#include "test.h"

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

const char *pl_probe_root(void)
{
	struct statfs fs;

	if (geteuid() != 0)
		return "needs root (or CAP_BPF and CAP_NET_ADMIN) to load BPF";
	if (statfs("/sys/fs/bpf", &fs) || fs.f_type != BPF_FS_MAGIC) {
		if (system("mount -t bpf bpf /sys/fs/bpf 2>/dev/null") != 0)
			return "bpffs is not mounted on /sys/fs/bpf and cannot be mounted";
	}
	return NULL;
}

const char *pl_probe_netns(void)
{
	const char *why = pl_probe_root();

	if (why)
		return why;
	if (access("/proc/self/ns/net", R_OK))
		return "kernel lacks network namespaces (CONFIG_NET_NS)";
	return NULL;
}
