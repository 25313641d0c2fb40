// SPDX-License-Identifier: GPL-2.0
/*
 * `podlab test --shard I/N` and `-j N` as a user runs them, on scenario files
 * that fail to parse: they need no root and give one ERROR report each, so
 * what a shard selected and the order reports come in are seen quickly.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_run.h"
#include "test.h"

#define NFILES 12

struct bad_set {
	char dir[64];
	char files[NFILES][PATH_MAX];
	char args[NFILES * (PATH_MAX / 8)]; /* the paths, space-separated */
};

/* NFILES unparsable scenarios named bad-K.yaml in a fresh directory. */
static bool make_bad_set(struct bad_set *b, bool reverse)
{
	size_t off = 0;
	FILE *f;
	int i, k;

	snprintf(b->dir, sizeof(b->dir), "/tmp/podlab-shard-XXXXXX");
	if (!ASSERT_OK_PTR(mkdtemp(b->dir), "mkdtemp"))
		return false;
	b->args[0] = '\0';
	for (i = 0; i < NFILES; i++) {
		k = reverse ? NFILES - 1 - i : i;
		snprintf(b->files[i], PATH_MAX, "%s/bad-%d.yaml", b->dir, k);
		f = fopen(b->files[i], "w");
		if (!ASSERT_OK_PTR(f, "create scenario file"))
			return false;
		fprintf(f, "name: [unterminated\n");
		fclose(f);
		off += snprintf(b->args + off, sizeof(b->args) - off, " %s", b->files[i]);
	}
	return true;
}

static void remove_bad_set(struct bad_set *b)
{
	int i;

	for (i = 0; i < NFILES; i++)
		unlink(b->files[i]);
	rmdir(b->dir);
}

/* The "file" of each JSON report line, as bad-K names, in order: "bad-3 bad-0 ". */
static void reported_names(const char *out, char *names, size_t len)
{
	const char *p = out;
	size_t off = 0;
	int k;

	names[0] = '\0';
	while (p && (p = strstr(p, "\"file\":\""))) {
		p = strstr(p, "/bad-");
		if (!p || sscanf(p, "/bad-%d.yaml", &k) != 1)
			break;
		off += snprintf(names + off, len - off, "bad-%d ", k);
		p++;
	}
}

PL_TEST_PROBE(integration, test_shard_partition_cli, cli_probe_podlab)
{
	static struct bad_set fwd, rev;
	char args[sizeof(fwd.args) + 64], names[3][512], again[512], *out, *err, want[32];
	int k, i, hits, rc;

	if (!make_bad_set(&fwd, false) || !make_bad_set(&rev, true))
		goto out;
	for (k = 1; k <= 3; k++) {
		pl_subtest("shard %d/3", k);
		snprintf(args, sizeof(args), "test --json --shard %d/3%s", k, fwd.args);
		rc = cli_run(args, &out, &err);
		reported_names(out, names[k - 1], sizeof(names[k - 1]));
		/* Bad scenario files are bad input: exit 2, or 0 for a shard left empty. */
		ASSERT_EQ(rc, names[k - 1][0] ? 2 : 0, "exit status");
		free(out);
		free(err);
		/* Other directory, reversed argument order: the same files (by name). */
		snprintf(args, sizeof(args), "test --json -j 3 --shard %d/3%s", k, rev.args);
		rc = cli_run(args, &out, NULL);
		reported_names(out, again, sizeof(again));
		free(out);
		for (i = 0; i < NFILES; i++) {
			snprintf(want, sizeof(want), "bad-%d ", i);
			ASSERT_EQ(!!strstr(again, want), !!strstr(names[k - 1], want),
				  "same files in the shard from another directory and order");
		}
	}
	pl_subtest("union");
	for (i = 0; i < NFILES; i++) {
		snprintf(want, sizeof(want), "bad-%d ", i);
		for (hits = 0, k = 0; k < 3; k++)
			hits += strstr(names[k], want) != NULL;
		ASSERT_EQ(hits, 1, "each file in exactly one shard");
	}
out:
	remove_bad_set(&fwd);
	remove_bad_set(&rev);
}

PL_TEST_PROBE(integration, test_jobs_report_in_input_order, cli_probe_podlab)
{
	static struct bad_set set;
	char args[sizeof(set.args) + 64], serial[512], parallel[512], *out, *err;
	int rc;

	if (!make_bad_set(&set, true))
		return;
	snprintf(args, sizeof(args), "test --json%s", set.args);
	rc = cli_run(args, &out, NULL);
	ASSERT_EQ(rc, 2, "serial: bad input");
	reported_names(out, serial, sizeof(serial));
	free(out);
	snprintf(args, sizeof(args), "test -j 4%s", set.args);
	rc = cli_run(args, &out, &err);
	ASSERT_EQ(rc, 2, "-j 4: bad input, as serial");
	ASSERT_STRSTR(out, "12 scenarios: 0 passed, 0 failed, 0 skipped, 12 bad input",
		      "summary as serial");
	/* Each child's parse error is relayed whole, one per file. */
	ASSERT_STRSTR(err, "bad-0.yaml:", "parse error of a child relayed");
	free(out);
	free(err);
	snprintf(args, sizeof(args), "test --json --jobs=4%s", set.args);
	rc = cli_run(args, &out, NULL);
	reported_names(out, parallel, sizeof(parallel));
	ASSERT_STREQ(parallel, serial, "reports in input order");
	free(out);
	remove_bad_set(&set);
}

PL_TEST_PROBE(integration, test_shard_jobs_bad_usage, cli_probe_podlab)
{
	static const struct {
		const char *args, *why;
	} cases[] = {
		{"test --shard 0/3 x.yaml", "--shard: '0/3'"},
		{"test --shard 4/3 x.yaml", "--shard: '4/3'"},
		{"test --shard a/b x.yaml", "--shard: 'a/b'"},
		{"test --shard 1/0 x.yaml", "--shard: '1/0'"},
		{"test --shard 3 x.yaml", "--shard: '3' is not I/N"},
		{"test --shard x.yaml", "--shard: 'x.yaml' is not I/N"},
		{"test -j 0 x.yaml", "--jobs: '0'"},
		{"test -j two x.yaml", "--jobs: 'two'"},
		{"test --jobs 9999 x.yaml", "--jobs: '9999'"},
		{"test -j 2 --run abcd x.yaml", "with --run"},
		{"test -j 2 --pcap-out /tmp x.yaml", "with --pcap-out"},
	};
	char *out, *err, *nl;
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pl_subtest("%s", cases[i].args);
		ASSERT_EQ(cli_run(cases[i].args, &out, &err), 2, "exit 2 (bad usage)");
		ASSERT_STREQ(out, "", "nothing on stdout");
		nl = err ? strchr(err, '\n') : NULL;
		if (nl)
			*nl = '\0';
		ASSERT_STRSTR(err, cases[i].why, "the first line says why");
		free(out);
		free(err);
	}
	ASSERT_EQ(cli_run("test --help", &out, NULL), 0, "--help");
	ASSERT_STRSTR(out, "--shard I/N", "--help names --shard");
	ASSERT_STRSTR(out, "-j, --jobs N", "--help names --jobs");
	free(out);
}
