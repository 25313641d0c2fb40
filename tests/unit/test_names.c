// SPDX-License-Identifier: GPL-2.0
/* The shared name lists (bpf/podlab_names.h): every value named, described and found. */
#include <string.h>

#include "test.h"
#include "podlab.h"
#include "lib/datapath.h"

struct row {
	unsigned value;
	const char *name;
	const char *text;
};

#define ROW(name, value, text)		{value, #name, text},
#define PROG_ROW(id, value, name, hook) {value, name, hook},
static const struct row drops[] = {PL_DROP_REASON_LIST(ROW)};
static const struct row points[] = {PL_OBS_POINT_LIST(ROW)};
static const struct row verdicts[] = {PL_VERDICT_LIST(ROW)};
static const struct row notes[] = {PL_NOTE_LIST(ROW)};
static const struct row redirects[] = {PL_REDIRECT_LIST(ROW)};
static const struct row progs[] = {PL_PROG_LIST(PROG_ROW)};
#undef ROW
#undef PROG_ROW

/* Values fit the event's __u8 fields, are unique, and names and texts are non-empty and unique. */
static void check_list(const char *list, const struct row *r, size_t n,
		       const char *(*lookup)(unsigned))
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		pl_subtest("%s %s", list, r[i].name);
		ASSERT_LT(r[i].value, 256, "fits the event's __u8 field");
		ASSERT_GT(strlen(r[i].name), 0, "has a name");
		ASSERT_GT(strlen(r[i].text), 0, "has a description");
		for (j = i + 1; j < n; j++) {
			ASSERT_NEQ(r[i].value, r[j].value, "value used once");
			ASSERT_NEQ(strcmp(r[i].name, r[j].name), 0, "name used once");
		}
		if (lookup)
			ASSERT_STREQ(lookup(r[i].value), r[i].name, "the lookup finds this row");
	}
}

static const char *prog_name(unsigned v)
{
	return pl_prog_name(v);
}

static const char *drop_text(unsigned v)
{
	return pl_drop_reason_str(v);
}

PL_TEST(unit, names_one_list_each)
{
#define N(t) (sizeof(t) / sizeof(t[0]))
	check_list("drop reason", drops, N(drops), pl_drop_reason_name);
	check_list("observation point", points, N(points), pl_obs_point_name);
	check_list("verdict", verdicts, N(verdicts), pl_verdict_name);
	check_list("note", notes, N(notes), pl_note_name);
	check_list("program", progs, N(progs), prog_name);
	check_list("redirect", redirects, N(redirects), NULL);
	pl_subtest("drop reason texts");
	for (size_t i = 0; i < N(drops); i++)
		ASSERT_STREQ(drop_text(drops[i].value), drops[i].text, drops[i].name);
	pl_subtest("redirect names");
	for (size_t i = 0; i < N(redirects); i++)
		ASSERT_STREQ(pl_redirect_name(redirects[i].value), redirects[i].text,
			     redirects[i].name);
#undef N
}

PL_TEST(unit, names_unknown_values)
{
	ASSERT_STREQ(pl_drop_reason_name(7), "UNKNOWN_REASON", "a value no list holds");
	ASSERT_STREQ(pl_drop_reason_str(7), "Unknown drop reason", "its text");
	ASSERT_STREQ(pl_note_name(200), "UNKNOWN_NOTE", "note");
	ASSERT_STREQ(pl_prog_name(200), "?", "program");
	ASSERT_STREQ(pl_redirect_name(200), "unknown", "redirect");
}
