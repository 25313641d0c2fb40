// SPDX-License-Identifier: GPL-2.0
/* The XML and JSON escaping every report writer uses. */
#include <stdio.h>
#include <stdlib.h>

#include "lib/escape.h"
#include "test.h"

PL_TEST(unit, xml_escape)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"plain text", "plain text"},
		{"a<b>c", "a&lt;b&gt;c"},
		{"x & y", "x &amp; y"},
		{"say \"hi\"", "say &quot;hi&quot;"},
		{"it's", "it's"},
		{"&lt;", "&amp;lt;"},
		{NULL, ""},
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&out, &len);

		pl_subtest("%s", cases[i].in ? cases[i].in : "NULL");
		if (!ASSERT_OK_PTR(f, "open_memstream"))
			return;
		pl_xml_escape(f, cases[i].in);
		fclose(f);
		ASSERT_STREQ(out, cases[i].want, "escaped");
		free(out);
	}
}

PL_TEST(unit, json_string)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"plain", "\"plain\""}, {"say \"hi\"", "\"say \\\"hi\\\"\""},
		{"a\\b", "\"a\\\\b\""}, {"tab\there\n", "\"tab\\u0009here\\u000a\""},
		{"<&>", "\"<&>\""},	{NULL, "\"\""},
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&out, &len);

		pl_subtest("case %u", i);
		if (!ASSERT_OK_PTR(f, "open_memstream"))
			return;
		pl_json_string(f, cases[i].in);
		fclose(f);
		ASSERT_STREQ(out, cases[i].want, "escaped");
		free(out);
	}
}

PL_TEST(unit, oneline_escape)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"plain\ttab", "plain\ttab"}, {"node2\n- {na", "node2\\n- {na"}, {"cr\r", "cr\\r"},
		{"\x01\x7f", "\\x01\\x7f"},   {"caf\xc3\xa9", "caf\xc3\xa9"},	 {NULL, ""},
	};
	char buf[64], small[5];
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&out, &len);

		pl_subtest("%s", cases[i].want);
		if (!ASSERT_OK_PTR(f, "open_memstream"))
			return;
		pl_oneline_escape(f, cases[i].in);
		fclose(f);
		ASSERT_STREQ(out, cases[i].want, "to a stream");
		ASSERT_STREQ(pl_oneline_str(buf, sizeof(buf), cases[i].in), cases[i].want,
			     "into a buffer");
		free(out);
	}
	pl_subtest("cut whole");
	ASSERT_STREQ(pl_oneline_str(small, sizeof(small), "abc\ndef"), "abc", "no half escape");
}
