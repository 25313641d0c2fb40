/* SPDX-License-Identifier: GPL-2.0 */
/*
 * podlab tests: CUnit underneath, selftests/bpf-style ASSERT_* on top.
 * Each ASSERT logs name, actual and expected on failure and returns bool:
 *	if (!ASSERT_OK(err, "attach")) goto out;
 * A test that needs a kernel feature or privilege names a probe; when the
 * probe returns a reason the runner reports SKIP with it (CUnit: inactive).
 */
#ifndef PL_TEST_H
#define PL_TEST_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct pl_test {
	const char *suite;
	const char *name;
	void (*fn)(void);
	const char *(*probe)(void); /* NULL = always runs; else returns NULL or SKIP reason */
};

#define PL_TEST_PROBE(suite_, name_, probe_)                                                       \
	static void test_##suite_##__##name_(void);                                                \
	static const struct pl_test pl_desc_##suite_##__##name_ = {                                \
		#suite_, #name_, test_##suite_##__##name_, probe_};                                \
	static const struct pl_test *pl_ptr_##suite_##__##name_                                    \
		__attribute__((used, section("pl_tests"))) = &pl_desc_##suite_##__##name_;         \
	static void test_##suite_##__##name_(void)

#define PL_TEST(suite_, name_) PL_TEST_PROBE(suite_, name_, NULL)

/*
 * Ready-made probes. Without capabilities the runner works in its own user
 * namespace (userns.h): network namespaces yes, BPF no.
 */
const char *pl_probe_root(void);      /* can load BPF (CAP_BPF+CAP_NET_ADMIN), bpffs mounted */
const char *pl_probe_netns(void);     /* can create and configure network namespaces */
const char *pl_probe_bpf_netns(void); /* both */

/* Subtests: name the case a table row describes; failures are prefixed with it. */
void pl_subtest(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool pl_verbose(void);

bool pl__check(bool ok, const char *file, int line, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
bool pl__memeq(const void *actual, const void *expected, size_t len, const char *file, int line,
	       const char *name);

#define ASSERT_TRUE(cond, name)                                                                    \
	({                                                                                         \
		bool ___ok = !!(cond);                                                             \
		pl__check(___ok, __FILE__, __LINE__, (name), "unexpected false: %s", #cond);       \
	})
#define ASSERT_FALSE(cond, name)                                                                   \
	({                                                                                         \
		bool ___ok = !(cond);                                                              \
		pl__check(___ok, __FILE__, __LINE__, (name), "unexpected true: %s", #cond);        \
	})
#define PL__CMP(actual, op, expected, name)                                                        \
	({                                                                                         \
		long long ___a = (long long)(actual), ___e = (long long)(expected);                \
		bool ___ok = ___a op ___e;                                                         \
		pl__check(___ok, __FILE__, __LINE__, (name),                                       \
			  "actual %lld (0x%llx) " #op " expected %lld (0x%llx) is false", ___a,    \
			  (unsigned long long)___a, ___e, (unsigned long long)___e);               \
	})
#define ASSERT_EQ(a, e, name)  PL__CMP(a, ==, e, name)
#define ASSERT_NEQ(a, e, name) PL__CMP(a, !=, e, name)
#define ASSERT_LT(a, e, name)  PL__CMP(a, <, e, name)
#define ASSERT_LE(a, e, name)  PL__CMP(a, <=, e, name)
#define ASSERT_GT(a, e, name)  PL__CMP(a, >, e, name)
#define ASSERT_GE(a, e, name)  PL__CMP(a, >=, e, name)
#define ASSERT_OK(res, name)                                                                       \
	({                                                                                         \
		long long ___r = (long long)(res);                                                 \
		int ___errno = errno;                                                              \
		bool ___ok = ___r == 0;                                                            \
		pl__check(___ok, __FILE__, __LINE__, (name), "unexpected error %lld (%s)", ___r,   \
			  strerror(___r < 0 ? (int)-___r : ___errno));                             \
	})
#define ASSERT_ERR(res, name)                                                                      \
	({                                                                                         \
		long long ___r = (long long)(res);                                                 \
		bool ___ok = ___r < 0;                                                             \
		pl__check(___ok, __FILE__, __LINE__, (name), "unexpected success: %lld", ___r);    \
	})
#define ASSERT_OK_PTR(ptr, name)                                                                   \
	({                                                                                         \
		const void *___p = (ptr);                                                          \
		bool ___ok = ___p != NULL;                                                         \
		pl__check(___ok, __FILE__, __LINE__, (name), "unexpected NULL (%s)",               \
			  strerror(errno));                                                        \
	})
#define ASSERT_STREQ(a, e, name)                                                                   \
	({                                                                                         \
		const char *___a = (a), *___e = (e);                                               \
		bool ___ok = ___a && ___e && strcmp(___a, ___e) == 0;                              \
		pl__check(___ok, __FILE__, __LINE__, (name), "actual '%s' != expected '%s'",       \
			  ___a ? ___a : "(null)", ___e ? ___e : "(null)");                         \
	})
#define ASSERT_STRSTR(hay, needle, name)                                                           \
	({                                                                                         \
		const char *___h = (hay), *___n = (needle);                                        \
		bool ___ok = ___h && ___n && strstr(___h, ___n) != NULL;                           \
		pl__check(___ok, __FILE__, __LINE__, (name), "'%s' not found in '%s'",             \
			  ___n ? ___n : "(null)", ___h ? ___h : "(null)");                         \
	})
#define ASSERT_MEMEQ(a, e, len, name) pl__memeq((a), (e), (len), __FILE__, __LINE__, (name))

#endif /* PL_TEST_H */
