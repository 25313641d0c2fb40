// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: any bytes as a scenario file (pl_scenario_parse_mem, the
 * file parser's code). A parse either fails with exactly one
 * "fuzz.yaml:LINE:COL: message" line and no scenario, or yields one whose
 * inline packets and pcap-filter expressions then go through the spec parser
 * and the filter compiler, as a run would load them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap/pcap_spec.h"
#include "replay/capture.h"
#include "replay/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void use_filter(const char *expr)
{
	struct pl_filter *f = NULL;
	char err[512];

	if (expr && !pl_filter_compile(expr, &f, err, sizeof(err)))
		pl_filter_free(f);
}

static void use_scenario(const struct pl_scenario *s)
{
	struct pl_spec spec;
	char err[512];
	int i;

	if (!s->file || !s->name || !s->topology || !s->ninputs)
		abort();
	for (i = 0; i < s->ninputs; i++) {
		const struct pl_scn_input *in = &s->inputs[i];

		if (!in->pcap == !in->packets)
			abort(); /* exactly one of the two */
		if (in->packets && !pl_spec_parse(in->packets, strlen(in->packets), "fuzz.yaml",
						  &spec, err, sizeof(err)))
			pl_spec_free(&spec);
		use_filter(in->filter);
	}
	for (i = 0; i < s->nexpects; i++)
		use_filter(s->expects[i].filter);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_scenario *s = (struct pl_scenario *)1;
	char *diag = NULL, *nl;
	size_t dlen = 0;
	FILE *f;
	int err;

	f = open_memstream(&diag, &dlen);
	if (!f)
		return 0;
	err = pl_scenario_parse_mem("fuzz.yaml", (const char *)data, size, f, &s);
	fclose(f);
	if (err) {
		nl = strchr(diag, '\n');
		if (err != -EINVAL || s || strncmp(diag, "fuzz.yaml:", 10) || !nl ||
		    nl != diag + dlen - 1)
			abort(); /* bad input: one line, nothing built */
	} else {
		if (!s || dlen)
			abort();
		use_scenario(s);
		pl_scenario_free(s);
	}
	free(diag);
	return 0;
}
