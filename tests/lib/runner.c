// SPDX-License-Identifier: GPL-2.0
/*
 * Test runner: collects PL_TEST()s from the pl_tests section, runs them with
 * CUnit's basic runner, reports probe failures as SKIP (inactive), and writes
 * JUnit XML plus a one-line count file for tests/lib/run-suites.sh.
 *
 * usage: test_SUITE [-v] [--junit FILE] [--counts FILE] [--exclude NAME]... [FILTER...]
 */
#include <getopt.h>
#include <stdlib.h>
#include <time.h>
#include <CUnit/Basic.h>

#include "lib/clock.h"
#include "lib/escape.h"
#include "test.h"

extern const struct pl_test *const __start_pl_tests[] __attribute__((weak));
extern const struct pl_test *const __stop_pl_tests[] __attribute__((weak));
void pl__subtest_reset(void);

struct result {
	const struct pl_test *t;
	CU_pTest cu;
	const char *skip;
	double seconds;
};

static struct result *results;
static size_t nresults;

static struct result *result_of(CU_pTest cu)
{
	size_t i;

	for (i = 0; i < nresults; i++)
		if (results[i].cu == cu)
			return &results[i];
	return NULL;
}

/* Every test goes through here so we can time it and find its descriptor. */
static void trampoline(void)
{
	struct result *r = result_of(CU_get_current_test());
	double t0 = pl_now();

	pl__subtest_reset();
	r->t->fn();
	r->seconds = pl_now() - t0;
}

#define PL_MAX_EXCLUDES 16
static const char *excludes[PL_MAX_EXCLUDES];
static int nexcludes;

/* --exclude names one test exactly (name or suite/name): never a substring. */
static bool excluded(const struct pl_test *t)
{
	char full[256];
	int i;

	snprintf(full, sizeof(full), "%s/%s", t->suite, t->name);
	for (i = 0; i < nexcludes; i++)
		if (!strcmp(excludes[i], t->name) || !strcmp(excludes[i], full))
			return true;
	return false;
}

static bool selected(const struct pl_test *t, int nfilters, char **filters)
{
	char full[256];
	int i;

	if (!nfilters)
		return true;
	snprintf(full, sizeof(full), "%s/%s", t->suite, t->name);
	for (i = 0; i < nfilters; i++)
		if (strstr(full, filters[i]))
			return true;
	return false;
}

static int write_junit(const char *path, const char *name, unsigned failed, unsigned skipped)
{
	CU_pFailureRecord fr;
	FILE *f = fopen(path, "w");
	size_t i;

	if (!f) {
		fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
		return -errno;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f,
		"<testsuites>\n<testsuite name=\"%s\" tests=\"%zu\" failures=\"%u\" "
		"skipped=\"%u\">\n",
		name, nresults, failed, skipped);
	for (i = 0; i < nresults; i++) {
		struct result *r = &results[i];

		fprintf(f, "  <testcase classname=\"%s.%s\" name=\"%s\" time=\"%.3f\">", name,
			r->t->suite, r->t->name, r->seconds);
		if (r->skip) {
			fprintf(f, "<skipped message=\"");
			pl_xml_escape(f, r->skip);
			fprintf(f, "\"/>");
		}
		for (fr = CU_get_failure_list(); fr; fr = fr->pNext) {
			if (fr->pTest != r->cu)
				continue;
			fprintf(f, "\n    <failure message=\"");
			pl_xml_escape(f, fr->strCondition);
			fprintf(f, "\">");
			pl_xml_escape(f, fr->strFileName);
			fprintf(f, ":%u</failure>", fr->uiLineNumber);
		}
		fprintf(f, "</testcase>\n");
	}
	fprintf(f, "</testsuite>\n</testsuites>\n");
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	const char *junit = NULL, *counts = NULL, *name = argv[0];
	const struct pl_test *const *it;
	unsigned failed, skipped = 0, ran;
	int opt, err;
	size_t n;

	static const struct option longopts[] = {
		{"junit", required_argument, NULL, 'j'},
		{"counts", required_argument, NULL, 'c'},
		{"exclude", required_argument, NULL, 'x'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{},
	};
	while ((opt = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			junit = optarg;
			break;
		case 'c':
			counts = optarg;
			break;
		case 'x':
			if (nexcludes == PL_MAX_EXCLUDES) {
				fprintf(stderr, "%s: more than %d --exclude\n", argv[0],
					PL_MAX_EXCLUDES);
				return 2;
			}
			excludes[nexcludes++] = optarg;
			break;
		case 'v':
			setenv("PL_TEST_VERBOSE", "1", 1);
			break;
		case 'h':
			printf("usage: %s [-v] [--junit FILE] [--counts FILE] [--exclude NAME]... "
			       "[FILTER...]\n"
			       "  FILTER     run only tests whose suite/name contains it\n"
			       "  --exclude  leave out the test NAME (exact name or suite/name)\n",
			       argv[0]);
			return 0;
		default:
			return 2;
		}
	}
	if (strrchr(name, '/'))
		name = strrchr(name, '/') + 1;
	if (!strncmp(name, "test_", 5))
		name += 5;

	n = __stop_pl_tests - __start_pl_tests;
	results = calloc(n ? n : 1, sizeof(*results));
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_set_fail_on_inactive(CU_FALSE);
	for (it = __start_pl_tests; it < __stop_pl_tests; it++) {
		const struct pl_test *t = *it;
		CU_pSuite s;
		struct result *r;

		if (!selected(t, argc - optind, argv + optind))
			continue;
		if (excluded(t)) {
			printf("not run: %s/%s (--exclude)\n", t->suite, t->name);
			continue;
		}
		s = CU_get_suite(t->suite);
		if (!s)
			s = CU_add_suite(t->suite, NULL, NULL);
		r = &results[nresults++];
		r->t = t;
		r->cu = CU_add_test(s, t->name, trampoline);
		r->skip = t->probe ? t->probe() : NULL;
		if (r->skip) {
			CU_set_test_active(r->cu, CU_FALSE);
			printf("SKIP %s/%s: %s\n", t->suite, t->name, r->skip);
			skipped++;
		}
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_tests_failed();
	ran = CU_get_number_of_tests_run();
	err = CU_get_error();
	printf("\n%s: %u passed, %u failed, %u skipped\n", name, ran - failed, failed, skipped);
	if (junit)
		write_junit(junit, name, failed, skipped);
	if (counts) {
		FILE *f = fopen(counts, "w");

		if (f) {
			fprintf(f, "%u %u %u\n", ran - failed, failed, skipped);
			fclose(f);
		}
	}
	free(results);
	CU_cleanup_registry();
	return failed || err != CUE_SUCCESS ? 1 : 0;
}
