// SPDX-License-Identifier: GPL-2.0
/* Reports of `podlab test`: JUnit XML and JSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/escape.h"
#include "lib/log.h"
#include "replay/report.h"

const char *pl_scn_outcome_name(enum pl_scn_outcome o)
{
	static const char *const names[] = {"PASS", "FAIL", "SKIP", "ERROR"};

	return o <= PL_SCN_ERROR ? names[o] : "?";
}

int pl_junit_write(const char *path, const struct pl_scn_report *r, int n)
{
	int i, j, failed = 0, skipped = 0, errors = 0;
	double total = 0;
	FILE *f;

	for (i = 0; i < n; i++) {
		failed += r[i].outcome == PL_SCN_FAIL;
		skipped += r[i].outcome == PL_SCN_SKIP;
		errors += r[i].outcome == PL_SCN_ERROR;
		total += r[i].seconds;
	}
	f = fopen(path, "w");
	if (!f)
		return pl_err_errno(-errno, "writing JUnit file %s", path);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
	fprintf(f,
		"<testsuite name=\"scenarios\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
		"skipped=\"%d\" time=\"%.3f\">\n",
		n, failed, errors, skipped, total);
	for (i = 0; i < n; i++) {
		fprintf(f, "  <testcase classname=\"scenarios\" name=\"");
		pl_xml_escape(f, r[i].name);
		fprintf(f, "\" file=\"");
		pl_xml_escape(f, r[i].file);
		fprintf(f, "\" time=\"%.3f\">", r[i].seconds);
		if (r[i].outcome == PL_SCN_SKIP || r[i].outcome == PL_SCN_ERROR) {
			fprintf(f, "<%s message=\"",
				r[i].outcome == PL_SCN_SKIP ? "skipped" : "error");
			pl_xml_escape(f, r[i].reason);
			fprintf(f, "\"/>");
		}
		if (r[i].outcome == PL_SCN_FAIL) {
			fprintf(f, "\n    <failure message=\"%d mismatches\">", r[i].fails.n);
			for (j = 0; j < r[i].fails.n; j++) {
				pl_xml_escape(f, r[i].fails.lines[j]);
				fputc('\n', f);
			}
			fprintf(f, "</failure>\n  ");
		}
		fprintf(f, "</testcase>\n");
	}
	fprintf(f, "</testsuite>\n</testsuites>\n");
	if (fclose(f))
		return pl_err_errno(-errno, "writing JUnit file %s", path);
	return 0;
}

void pl_scn_report_json(FILE *f, const struct pl_scn_report *r)
{
	int j;

	fprintf(f, "{\"scenario\":");
	pl_json_string(f, r->name);
	fprintf(f, ",\"file\":");
	pl_json_string(f, r->file);
	fprintf(f, ",\"outcome\":\"%s\",\"packets\":%d,\"seconds\":%.3f",
		pl_scn_outcome_name(r->outcome), r->packets, r->seconds);
	if (r->reason) {
		fprintf(f, ",\"reason\":");
		pl_json_string(f, r->reason);
	}
	fprintf(f, ",\"failures\":[");
	for (j = 0; j < r->fails.n; j++) {
		if (j)
			fputc(',', f);
		pl_json_string(f, r->fails.lines[j]);
	}
	fprintf(f, "]}\n");
}

void pl_scn_report_free(struct pl_scn_report *r)
{
	free(r->file);
	free(r->name);
	free(r->reason);
	pl_failures_free(&r->fails);
}
