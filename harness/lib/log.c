// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <bpf/libbpf.h>

#include "lib/log.h"

int pl_verbosity;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && pl_verbosity < 2)
		return 0;
	if (pl_verbosity < 1)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void pl_log_init(int verbosity)
{
	pl_verbosity = verbosity;
	libbpf_set_print(libbpf_print);
}

static void vlog(const char *tag, const char *fmt, va_list ap)
{
	fprintf(stderr, "podlab: %s", tag);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void pl_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("error: ", fmt, ap);
	va_end(ap);
}

void pl_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void pl_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

void pl_debug(const char *fmt, ...)
{
	va_list ap;

	if (pl_verbosity < 1)
		return;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

int pl_err_errno(int err, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	pl_err("%s: %s", what, strerror(err < 0 ? -err : err));
	return err;
}

int pl_require_bpf_privileges(void)
{
	struct statfs fs;

	if (geteuid() != 0) {
		pl_err("loading BPF needs root, or CAP_BPF and CAP_NET_ADMIN");
		return -EPERM;
	}
	if (statfs("/sys/fs/bpf", &fs) == 0 && fs.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700"))
		return pl_err_errno(-errno, "mounting bpffs on /sys/fs/bpf");
	pl_debug("mounted bpffs on /sys/fs/bpf");
	return 0;
}
