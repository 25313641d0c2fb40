// SPDX-License-Identifier: GPL-2.0
/*
 * podlab observe fans out: two `observe --follow` readers and a `check` at
 * once on one run each see every event of a scripted exchange (pings with
 * known ICMP ids), and a reader stopped while more than its ring's worth of
 * events arrive says how many it lost. `down` stops the run's collector and
 * removes its ring file.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "cli_run.h"
#include "lib/clock.h"
#include "net/evbus.h"
#include "net/run.h"
#include "net_fixture.h"
#include "test.h"

#define DEADLINE_NS (20ull * 1000000000ull)

static const char *probe_observe(void)
{
	const char *why = pl_probe_bpf_netns();

	if (why)
		return why;
	if (access("topologies/two-node-native.yaml", R_OK))
		return "run from the repository root (topologies/ not found)";
	if (access("/usr/bin/ping", X_OK) && access("/bin/ping", X_OK))
		return "no ping (apt-get install iputils-ping)";
	return cli_probe_podlab();
}

struct reader {
	char out[96], err[96];
	pid_t pid;
};

/* Lines of path holding every needle (NULL-terminated). */
static int count_lines(const char *path, const char *const *needles)
{
	char *buf = cli_slurp(path), *line, *save = NULL;
	int n = 0, k;

	for (line = buf ? strtok_r(buf, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		for (k = 0; needles[k] && strstr(line, needles[k]); k++)
			;
		n += !needles[k];
	}
	free(buf);
	return n;
}

static bool file_has(const char *path, const char *needle)
{
	char *buf = cli_slurp(path);
	bool yes = buf && strstr(buf, needle);

	free(buf);
	return yes;
}

static bool reader_start(struct reader *r, const char *run, const char *tag)
{
	uint64_t deadline = pl_now_ns() + DEADLINE_NS;
	char args[128];

	snprintf(r->out, sizeof(r->out), "/tmp/pl-observe-%s-%s.out", run, tag);
	snprintf(r->err, sizeof(r->err), "/tmp/pl-observe-%s-%s.err", run, tag);
	snprintf(args, sizeof(args), "observe %s --follow --json", run);
	r->pid = cli_spawn(args, r->out, r->err);
	if (r->pid < 0)
		return false;
	/* It says so once attached: everything after that is its to see. */
	while (!file_has(r->err, "observing run")) {
		if (pl_now_ns() > deadline || waitpid(r->pid, NULL, WNOHANG) == r->pid)
			return false;
		usleep(10000);
	}
	return true;
}

/* Polls (bounded) until the reader printed want lines holding every needle. */
static int reader_wait(const struct reader *r, const char *const *needles, int want)
{
	uint64_t deadline = pl_now_ns() + DEADLINE_NS;
	int n;

	while ((n = count_lines(r->out, needles)) < want && pl_now_ns() < deadline)
		usleep(10000);
	return n;
}

static int reader_stop(struct reader *r)
{
	if (r->pid <= 0)
		return -1;
	kill(r->pid, SIGCONT);
	kill(r->pid, SIGINT);
	return cli_wait(r->pid);
}

static void reader_cleanup(struct reader *r)
{
	if (r->pid > 0 && waitpid(r->pid, NULL, WNOHANG) == 0) {
		kill(r->pid, SIGKILL);
		waitpid(r->pid, NULL, 0);
	}
	unlink(r->out);
	unlink(r->err);
}

static bool up(char *run, const char *tag)
{
	char args[128];

	fixture_run_id(run, tag);
	snprintf(args, sizeof(args), "up --run %s topologies/two-node-native.yaml", run);
	return cli_run(args, NULL, NULL) == 0;
}

static void down(const char *run)
{
	char args[64], path[128];

	snprintf(args, sizeof(args), "down %s", run);
	ASSERT_EQ(cli_run(args, NULL, NULL), 0, "down");
	pl_evbus_path(run, path, sizeof(path));
	ASSERT_TRUE(access(path, F_OK) && errno == ENOENT, "down removed the run's event ring");
	if (fixture_state_exists(run))
		pl_run_down(run);
	fixture_assert_gone(run);
}

/* client -> frontend is allowed (request and reply: 2 events a ping), frontend -> backend denied.
 */
/* The echo id keys a request's sport and a reply's dport: ":4343," is either, and no other field.
 */
static const char *const allowed[] = {"\"proto\":\"ICMP\"", "\":4343,", "\"redirect\":\"peer\"",
				      NULL};
static const char *const denied[] = {"\"sport\":4242", "\"drop_reason_name\":\"POLICY_DENIED\"",
				     NULL};

PL_TEST_PROBE(integration, observe_two_readers_and_check_see_every_flow, probe_observe)
{
	struct reader r[2] = {};
	char run[PL_RUN_ID_MAX] = "", args[160], chk_out[96] = "", chk_err[96] = "";
	pid_t chk = -1;
	int i;

	if (!ASSERT_TRUE(up(run, "ob"), "up"))
		goto out;
	for (i = 0; i < 2; i++)
		if (!ASSERT_TRUE(reader_start(&r[i], run, i ? "b" : "a"), "reader attached"))
			goto out;
	snprintf(chk_out, sizeof(chk_out), "/tmp/pl-observe-%s-check.out", run);
	snprintf(chk_err, sizeof(chk_err), "/tmp/pl-observe-%s-check.err", run);
	snprintf(args, sizeof(args), "check %s", run);
	chk = cli_spawn(args, chk_out, chk_err);
	ASSERT_GT(chk, 0, "check started");
	snprintf(args, sizeof(args), "exec %s client -- ping -q -c 5 -i 0.05 -e 4343 10.244.1.10",
		 run);
	ASSERT_EQ(cli_run(args, NULL, NULL), 0, "client pings frontend");
	snprintf(args, sizeof(args),
		 "exec %s frontend -- ping -q -c 4 -i 0.05 -W 1 -e 4242 10.244.2.20", run);
	ASSERT_EQ(cli_run(args, NULL, NULL), 1, "frontend's pings to backend are denied");
	ASSERT_EQ(cli_wait(chk), 0, "check passes beside the readers");
	ASSERT_TRUE(file_has(chk_out, "node1, from_pod: Policy denied"),
		    "check still attributes drops through the collector");
	for (i = 0; i < 2; i++) {
		pl_subtest("reader %c", 'a' + i);
		ASSERT_EQ(reader_wait(&r[i], allowed, 10), 10, "every allowed echo and reply");
		ASSERT_EQ(reader_wait(&r[i], denied, 4), 4, "every denied echo");
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(reader_stop(&r[i]), 0, "reader exits 0 on SIGINT");
	/* After the exit nothing more can come: the figures are exact, not at least. */
	for (i = 0; i < 2; i++) {
		pl_subtest("reader %c, final", 'a' + i);
		ASSERT_EQ(count_lines(r[i].out, allowed), 10, "10 allowed ICMP events");
		ASSERT_EQ(count_lines(r[i].out, denied), 4, "4 denied ICMP events");
		ASSERT_FALSE(file_has(r[i].err, "reader too slow"),
			     "a reader keeping up loses nothing");
	}
	/* check's own probes: both readers saw all of them too. */
	{
		static const char *const probes[] = {"POLICY_DENIED", "\"node\":\"node2\"", NULL};
		int a = count_lines(r[0].out, probes), b = count_lines(r[1].out, probes);

		ASSERT_GT(a, 0, "reader a saw check's denied probes on node2");
		ASSERT_EQ(a, b, "both readers saw as many of check's drops on node2");
	}
	snprintf(args, sizeof(args), "status %s", run);
	{
		char *so = NULL;

		ASSERT_EQ(cli_run(args, &so, NULL), 0, "status");
		ASSERT_STRSTR(so, "flow events of node1: 0 lost (ring buffer full)",
			      "status shows the datapath's lost-event counter");
		ASSERT_STRSTR(so, "running,", "status shows the collector running");
		free(so);
	}
	down(run);
out:
	for (i = 0; i < 2; i++)
		reader_cleanup(&r[i]);
	if (chk > 0 && waitpid(chk, NULL, WNOHANG) == 0) {
		kill(chk, SIGKILL);
		waitpid(chk, NULL, 0);
	}
	unlink(chk_out);
	unlink(chk_err);
	if (run[0] && fixture_state_exists(run))
		pl_run_down(run);
}

PL_TEST_PROBE(integration, observe_slow_reader_counts_lost_events, probe_observe)
{
	static const char *const mine[] = {"\"sport\":4244", NULL};
	struct reader fast = {}, slow = {};
	char run[PL_RUN_ID_MAX] = "", args[160];
	unsigned long lost = 0;
	char *err = NULL, *p;
	int seen;

	if (!ASSERT_TRUE(up(run, "os"), "up"))
		goto out;
	/* The first reader starts the collector: a ring of 16 events. */
	setenv("PODLAB_EVENTS_SLOTS", "16", 1);
	ASSERT_TRUE(reader_start(&fast, run, "fast"), "fast reader attached");
	unsetenv("PODLAB_EVENTS_SLOTS");
	if (!ASSERT_TRUE(reader_start(&slow, run, "slow"), "slow reader attached"))
		goto out;
	kill(slow.pid, SIGSTOP);
	snprintf(args, sizeof(args),
		 "exec %s frontend -- ping -q -c 40 -i 0.01 -W 1 -e 4244 10.244.2.20", run);
	ASSERT_EQ(cli_run(args, NULL, NULL), 1, "40 denied pings");
	ASSERT_EQ(reader_wait(&fast, mine, 40), 40, "the fast reader sees all 40");
	kill(slow.pid, SIGCONT);
	{
		uint64_t deadline = pl_now_ns() + DEADLINE_NS;

		while (!file_has(slow.err, "reader too slow") && pl_now_ns() < deadline)
			usleep(10000);
	}
	ASSERT_EQ(reader_stop(&slow), 0, "slow reader exits 0");
	ASSERT_EQ(reader_stop(&fast), 0, "fast reader exits 0");
	err = cli_slurp(slow.err);
	p = err ? strstr(err, "lost ") : NULL;
	ASSERT_TRUE(p && sscanf(p, "lost %lu events: reader too slow", &lost) == 1,
		    "the slow reader says how many it lost");
	seen = count_lines(slow.out, mine);
	/* Stopped for all 40, it can read at most a ring's worth: the rest it lost. */
	ASSERT_LE(seen, 16, "at most a ring of them reached the slow reader");
	ASSERT_GE(lost, 40ul - seen, "every one it did not see is counted lost");
	ASSERT_FALSE(file_has(fast.err, "reader too slow"), "the fast reader lost nothing");
	down(run);
out:
	free(err);
	reader_cleanup(&fast);
	reader_cleanup(&slow);
	if (run[0] && fixture_state_exists(run))
		pl_run_down(run);
}

/* Result lines without their timings: what must not depend on a reader being there. */
static char *replay_lines(const char *run)
{
	char args[256], *out = NULL, *p, *q;

	snprintf(args, sizeof(args),
		 "replay --topology topologies/two-node-native.yaml --run %s "
		 "--pcap pcaps/pod-to-pod.pcap",
		 run);
	if (cli_run(args, &out, NULL) != 0) {
		free(out);
		return NULL;
	}
	for (p = out; p && (p = strstr(p, " | t ")); p = q) {
		q = strchr(p, '\n');
		if (!q)
			*p = '\0';
		else
			memmove(p, q, strlen(q) + 1);
		q = p + 1;
	}
	return out;
}

/* A unit replay on the run reads the rings the collector consumes: it only looks. */
PL_TEST_PROBE(integration, observe_beside_replay_on_the_run, probe_observe)
{
	/* The capture's packets into node1's uplink all come from 10.244.2.10 (no pod here). */
	static const char *const replayed[] = {"\"prog\":\"xdp_prefilter\"",
					       "\"source\":\"10.244.2.10\"", NULL};
	char run[PL_RUN_ID_MAX] = "", *warm = NULL, *before = NULL, *beside = NULL;
	struct reader r = {};

	if (!ASSERT_TRUE(up(run, "or"), "up"))
		goto out;
	/* Twice first: conntrack entries of the first replay change the second's verdicts. */
	warm = replay_lines(run);
	before = replay_lines(run);
	if (!ASSERT_OK_PTR(before, "replay without a reader"))
		goto out;
	if (!ASSERT_TRUE(reader_start(&r, run, "r"), "reader attached"))
		goto out;
	beside = replay_lines(run);
	ASSERT_STREQ(beside, before, "the same results with a reader and its collector");
	/* pod-to-pod.pcap enters node1's uplink 9 times: xdp_prefilter's events reach it. */
	ASSERT_EQ(reader_wait(&r, replayed, 9), 9, "the reader sees the replay's events");
	ASSERT_EQ(reader_stop(&r), 0, "reader exits 0");
	ASSERT_EQ(count_lines(r.out, replayed), 9, "exactly the replay's");
	down(run);
out:
	free(warm);
	free(before);
	free(beside);
	reader_cleanup(&r);
	if (run[0] && fixture_state_exists(run))
		pl_run_down(run);
}
