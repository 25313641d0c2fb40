// SPDX-License-Identifier: GPL-2.0
/* Generated captures and replay results as text, for tests that compare two ways of replaying. */
#include <stdio.h>
#include <stdlib.h>
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

int pl_test_pkts_add(struct pl_replay_pkts *pk, const struct pl_pkt_spec *s)
{
	struct pl_replay_pkt *p;
	uint8_t buf[256];
	int len = pl_pkt_build(s, buf, sizeof(buf));

	if (len < 0)
		return len;
	if (pk->n == pk->cap) {
		pk->cap = pk->cap ? pk->cap * 2 : 256;
		pk->p = realloc(pk->p, pk->cap * sizeof(*pk->p));
		if (!pk->p)
			return -1;
	}
	p = &pk->p[pk->n];
	memset(p, 0, sizeof(*p));
	p->data = malloc(len);
	if (!p->data)
		return -1;
	memcpy(p->data, buf, len);
	p->len = len;
	p->number = ++pk->n;
	p->input = "generated";
	return 0;
}
