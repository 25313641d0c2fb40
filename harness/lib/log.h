/* SPDX-License-Identifier: GPL-2.0 */
/* Diagnostics: one line per error, what was attempted and the errno text. */
#ifndef PL_LOG_H
#define PL_LOG_H

#include <stdarg.h>
#include <stdbool.h>

/* CLI exit codes (documented in README and `podlab --help`). */
enum pl_exit {
	PL_EXIT_OK = 0,	     /* everything ran and matched */
	PL_EXIT_FAIL = 1,    /* a check, expectation or test failed */
	PL_EXIT_INPUT = 2,   /* bad usage or bad input file */
	PL_EXIT_ENV = 3,     /* missing privilege or kernel feature */
	PL_EXIT_RUNTIME = 4, /* a kernel/libbpf/netlink operation failed */
};

extern int pl_verbosity; /* 0 quiet, 1 -v (libbpf log, verifier log), 2 -vv */

void pl_log_init(int verbosity);
void pl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pl_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pl_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pl_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "<what>: <strerror(-err)>"; err is a negative errno. Returns err. */
int pl_err_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Root or CAP_BPF+CAP_NET_ADMIN, bpffs mounted (mounts it when missing). 0 or -EPERM/-errno. */
int pl_require_bpf_privileges(void);

#endif /* PL_LOG_H */
