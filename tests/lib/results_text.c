// SPDX-License-Identifier: GPL-2.0
/* Replay results as text, for tests that compare two ways of getting them. */
#include <stdio.h>
#include <string.h>

#include "results_text.h"

char *pl_test_results_json(struct pl_result *res, int n, const struct topo *t)
{
	FILE *f;
	char *buf = NULL;
	size_t len = 0;
	int i;

	f = open_memstream(&buf, &len);
	for (i = 0; i < n; i++) {
		if (f) {
			pl_result_print_json(f, &res[i], t);
			fputc('\n', f);
		}
		pl_result_release(&res[i]);
	}
	if (f)
		fclose(f);
	return buf;
}

void pl_test_first_difference(const char *a, const char *b)
{
	int line = 1;

	for (; *a && *a == *b; a++, b++)
		line += *a == '\n';
	fprintf(stderr, "result %d differs:\n  %.*s\n  %.*s\n", line, (int)strcspn(a, "\n"), a,
		(int)strcspn(b, "\n"), b);
}
