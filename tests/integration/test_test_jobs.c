// SPDX-License-Identifier: GPL-2.0
/*
 * `podlab test -j 2` on the shipped scenarios against a serial run: the same
 * lines, summary, exit status and JUnit testcases with the same verdicts
 * (also with --compare sim,live); and Ctrl-C / SIGTERM leave no run behind.
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_run.h"
#include "net/run.h"
#include "net_fixture.h"
#include "test.h"
#include "lib/clock.h"

#define SCENARIOS "tests/scenarios/*.yaml"

static const char *probe_podlab_root(void)
{
	if (access("tests/scenarios", R_OK))
		return "run from the repository root (tests/scenarios/ not found)";
	return cli_probe_podlab() ?: pl_probe_netns() ?: pl_probe_root();
}

/*
 * The testcases of a JUnit file podlab wrote, one "name|file|verdict" line
 * each in file order (verdict: pass, failure, error or skipped), plus the
 * testsuite's tests= count in *tests. NULL when the XML is not as expected.
 */
static char *junit_cases(const char *path, int *tests)
{
	char *xml = cli_slurp(path), *buf = NULL, *p, *end, *name, *file;
	size_t len = 0;
	FILE *f;

	*tests = -1;
	if (!xml)
		return NULL;
	p = strstr(xml, "<testsuite ");
	if (!p || sscanf(strstr(p, " tests=\"") ?: "", " tests=\"%d\"", tests) != 1) {
		free(xml);
		return NULL;
	}
	f = open_memstream(&buf, &len);
	while ((p = strstr(p, "<testcase "))) {
		end = strstr(p, "</testcase>");
		name = strstr(p, " name=\"");
		file = strstr(p, " file=\"");
		if (!end || !name || !file || name > end || file > end)
			break;
		*end = '\0';
		fprintf(f, "%.*s|%.*s|%s\n", (int)strcspn(name + 7, "\""), name + 7,
			(int)strcspn(file + 7, "\""), file + 7,
			strstr(p, "<failure")	? "failure"
			: strstr(p, "<error")	? "error"
			: strstr(p, "<skipped") ? "skipped"
						: "pass");
		p = end + 1;
	}
	fclose(f);
	free(xml);
	return buf;
}

/* A scenario's console lines with the time cut out: "PASS  x (f, 3 packets)". */
static char *strip_times(const char *out)
{
	char *s = strdup(out ?: ""), *p, *q;

	for (p = s; (p = strstr(p, " packets, ")); p++) {
		q = strchr(p, ')');
		if (q)
			memmove(p + 8, q, strlen(q) + 1);
	}
	return s;
}

static bool have_xmllint(void)
{
	return system("command -v xmllint >/dev/null 2>&1") == 0;
}

/* Runs "test ARGS" serially and with -j 2; compares console, exit status and JUnit. */
static void serial_vs_jobs(const char *args, const char *tag)
{
	char dir[] = "/tmp/podlab-jobs-XXXXXX", cmd[3 * PATH_MAX], sx[PATH_MAX], px[PATH_MAX];
	char *sout = NULL, *pout = NULL, *scases = NULL, *pcases = NULL, *s1, *p1;
	int src, prc, stests, ptests;
	double t0, ts, tp;

	if (!ASSERT_OK_PTR(mkdtemp(dir), "mkdtemp"))
		return;
	snprintf(sx, sizeof(sx), "%s/serial.xml", dir);
	snprintf(px, sizeof(px), "%s/jobs.xml", dir);
	snprintf(cmd, sizeof(cmd), "test %s --junit %s", args, sx);
	t0 = pl_now();
	src = cli_run(cmd, &sout, NULL);
	ts = pl_now() - t0;
	snprintf(cmd, sizeof(cmd), "test -j 2 %s --junit %s", args, px);
	t0 = pl_now();
	prc = cli_run(cmd, &pout, NULL);
	tp = pl_now() - t0;
	printf("    %s: serial %.2f s, -j 2 %.2f s (ratio %.2f)\n", tag, ts, tp, tp / ts);
	ASSERT_EQ(prc, src, "exit status as serial");
	s1 = strip_times(sout);
	p1 = strip_times(pout);
	ASSERT_STREQ(p1, s1, "console lines and summary as serial (times aside)");
	ASSERT_STRSTR(pout, " scenarios: ", "summary line");
	scases = junit_cases(sx, &stests);
	pcases = junit_cases(px, &ptests);
	if (ASSERT_OK_PTR(scases, "serial JUnit parsed") &&
	    ASSERT_OK_PTR(pcases, "-j JUnit parsed")) {
		ASSERT_GT(stests, 0, "testcases");
		ASSERT_EQ(ptests, stests, "tests= as serial");
		ASSERT_STREQ(pcases, scases, "same testcases, order and verdicts");
	}
	if (have_xmllint()) {
		snprintf(cmd, sizeof(cmd), "xmllint --noout %s %s", sx, px);
		ASSERT_EQ(system(cmd), 0, "xmllint --noout: both JUnit files are valid XML");
	} else {
		printf("    xmllint not installed (libxml2-utils): XML not validated\n");
	}
	free(s1);
	free(p1);
	free(sout);
	free(pout);
	free(scases);
	free(pcases);
	unlink(sx);
	unlink(px);
	rmdir(dir);
}

PL_TEST_PROBE(integration, test_jobs_match_serial, probe_podlab_root)
{
	serial_vs_jobs(SCENARIOS, "scenarios");
}

/* The compare mode builds two runs per scenario; a live and a sim file and two unit ones. */
PL_TEST_PROBE(integration, test_jobs_match_serial_compare, probe_podlab_root)
{
	serial_vs_jobs("--compare sim,live tests/scenarios/live-vxlan.yaml "
		       "tests/scenarios/sim-native-path.yaml tests/scenarios/cidr-policy.yaml "
		       "tests/scenarios/prefilter.yaml",
		       "--compare sim,live");
}

struct seen_runs {
	char run[64][PL_RUN_ID_MAX];
	pid_t owner[64];
	bool done[64]; /* seen built (state "done") */
	int n;
};

static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512], *p;
	int ppid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		sscanf(p + 1, " %*c %d", &ppid);
	fclose(f);
	return ppid;
}

/* Records every run owned by podlab or a child of it (a -j scenario process). */
static void scan_runs(pid_t podlab, struct seen_runs *sr)
{
	struct pl_run_state st;
	char **runs = NULL;
	int n = 0, i, k;

	if (pl_run_list(&runs, &n))
		return;
	for (i = 0; i < n; i++) {
		if (pl_run_state_read(runs[i], &st))
			continue;
		for (k = 0; k < sr->n && strcmp(sr->run[k], runs[i]); k++)
			;
		if (k == sr->n && sr->n < 64 && st.owner > 0 &&
		    (st.owner == podlab || parent_of(st.owner) == podlab)) {
			snprintf(sr->run[k], PL_RUN_ID_MAX, "%s", runs[i]);
			sr->owner[sr->n++] = st.owner;
		}
		if (k < sr->n)
			sr->done[k] |= st.done;
		pl_run_state_free(&st);
	}
	pl_run_list_free(runs, n);
}

/* Runs seen built (built) or seen still building (!built). */
static int seen(const struct seen_runs *sr, bool built)
{
	int k, c = 0;

	for (k = 0; k < sr->n; k++)
		c += sr->done[k] == built;
	return c;
}

/*
 * Starts -j JOBS on every scenario and signals it once a child's run is being
 * built (built: once one is built, so replay or teardown is cut); checks the
 * aftermath. group: the whole process group, as a terminal's Ctrl-C; else
 * only podlab, as `kill PID`, which must pass it on to its children.
 */
static void interrupt(int sig, bool group, bool built, int jobs)
{
	char dir[] = "/tmp/podlab-int-XXXXXX", out[PATH_MAX], err[PATH_MAX], junit[PATH_MAX];
	char args[PATH_MAX + 64], want[128];
	struct seen_runs sr = {0};
	char *text = NULL;
	double t0 = pl_now(), t_sent = 0;
	bool sent = false;
	pid_t pid;
	int rc, k;

	if (!ASSERT_OK_PTR(mkdtemp(dir), "mkdtemp"))
		return;
	snprintf(out, sizeof(out), "%s/stdout", dir);
	snprintf(err, sizeof(err), "%s/stderr", dir);
	snprintf(junit, sizeof(junit), "%s/never.xml", dir);
	snprintf(args, sizeof(args), "test -j %d %s --junit %s", jobs, SCENARIOS, junit);
	pid = cli_spawn(args, out, err);
	if (!ASSERT_GT(pid, 0, "spawn"))
		goto out;
	while (!sent && pl_now() - t0 < 20) {
		scan_runs(pid, &sr);
		if (seen(&sr, built)) {
			kill(group ? -pid : pid, sig);
			t_sent = pl_now() - t0;
			sent = true;
		}
		usleep(2000);
	}
	if (!sent)
		kill(-pid, SIGKILL);
	rc = cli_wait(pid);
	if (!ASSERT_TRUE(sent, "saw a run of a scenario process within 20 s"))
		goto out;
	ASSERT_EQ(rc, 128 + sig, "exit status 128 + signal");
	text = cli_slurp(err);
	ASSERT_STRSTR(text, "podlab test: interrupted by signal", "says it was interrupted");
	free(text);
	text = cli_slurp(out);
	/*
	 * The run seen building belonged to a scenario that cannot have finished.
	 * Children get SIGTERM from podlab; in a group also sig first-hand.
	 */
	if (jobs == 1 || !group)
		snprintf(want, sizeof(want),
			 "interrupted by signal %d before it finished; its run "
			 "was removed",
			 jobs == 1 ? sig : SIGTERM);
	else
		snprintf(want, sizeof(want), "before it finished; its run was removed");
	if (!built)
		ASSERT_STRSTR(text, want, "the building scenario was stopped");
	ASSERT_EQ(access(junit, F_OK), -1, "no JUnit file written");
	ASSERT_EQ(kill(-pid, 0), -1, "no process of its group left");
	if (pl_verbose())
		printf("    signal %d after %.2f s, %d scenario run(s) seen\n", sig, t_sent, sr.n);
	for (k = 0; k < sr.n; k++) {
		pl_subtest("run %s of pid %d", sr.run[k], (int)sr.owner[k]);
		fixture_assert_gone(sr.run[k]);
		ASSERT_EQ(kill(sr.owner[k], 0), -1, "its scenario process is gone");
	}
out:
	free(text);
	unlink(junit);
	unlink(out);
	unlink(err);
	rmdir(dir);
}

PL_TEST_PROBE(integration, test_jobs_sigterm_leaves_no_run, probe_podlab_root)
{
	interrupt(SIGTERM, false, false, 2);
}

PL_TEST_PROBE(integration, test_jobs_ctrl_c_leaves_no_run, probe_podlab_root)
{
	interrupt(SIGINT, true, true, 2);
}

/* Serially the runs are podlab's own: the one in use is removed as well. */
PL_TEST_PROBE(integration, test_serial_ctrl_c_leaves_no_run, probe_podlab_root)
{
	interrupt(SIGINT, true, false, 1);
}
