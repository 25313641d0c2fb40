// SPDX-License-Identifier: GPL-2.0
/*
 * A topology's own program that drops: podlab's fexit watch on it makes the
 * drop a flow event, so `observe` names the program, node, observation point
 * and reason, live replay reports it as the simulator does, and `down`
 * removes the watch with the run. Where the kernel refuses fexit, `up` says
 * the program is not watched and the drop stays a live timeout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

#include "cli_run.h"
#include "net/run.h"
#include "net/user_watch.h"
#include "net_fixture.h"
#include "test.h"

#define EGRESS_DROP "tests/scenarios/topo/user-tc-egress-drop.yaml"

static const char *probe_root(void)
{
	if (access(EGRESS_DROP, R_OK))
		return "run from the repository root (" EGRESS_DROP " not found)";
	return cli_probe_podlab() ?: pl_probe_netns() ?: pl_probe_root();
}

static const char *probe_watch(void)
{
	return probe_root() ?: pl_probe_user_watch();
}

/* The run's watch holder is alive (its "watch PID START" line in the state). */
static bool watch_held(const char *run)
{
	struct pl_run_state st;
	bool alive;

	if (pl_run_state_read(run, &st))
		return false;
	alive = st.watch > 0 && pl_pid_start_time(st.watch) == st.watch_start;
	pl_run_state_free(&st);
	return alive;
}

/* frontend's SYN to backend:80, dropped leaving node1 by tc_drop_ipv4 on its uplink's tc egress. */
PL_TEST_PROBE(integration, user_watch_observe_names_the_drop, probe_watch)
{
	char run[PL_RUN_ID_MAX], args[256], *out = NULL, *err = NULL, *line;
	int rc;

	fixture_run_id(run, "w");
	snprintf(args, sizeof(args), "up --run %s " EGRESS_DROP, run);
	rc = cli_run(args, &out, &err);
	if (!ASSERT_EQ(rc, 0, "up"))
		goto out;
	ASSERT_TRUE(strstr(err ?: "", "not watched") == NULL, "no warning where fexit works");
	ASSERT_TRUE(watch_held(run), "the run's watch holder runs");
	free(out);
	free(err);
	out = err = NULL;
	/* bash's /dev/tcp: a SYN with nothing but bash in the pod */
	snprintf(args, sizeof(args),
		 "exec %s frontend -- timeout 2 bash -c 'echo > /dev/tcp/10.244.2.20/80'", run);
	ASSERT_NEQ(cli_run(args, &out, &err), 0, "the connection fails");
	free(out);
	free(err);
	out = err = NULL;
	snprintf(args, sizeof(args), "observe %s --json", run);
	if (!ASSERT_EQ(cli_run(args, &out, &err), 0, "observe"))
		goto down;
	line = strstr(out ?: "", "\"prog\":\"tc_drop_ipv4\"");
	if (!ASSERT_OK_PTR(line, "an event of the user's program")) {
		fprintf(stderr, "%s", out ?: "");
		goto down;
	}
	*strchrnul(line, '\n') = '\0';
	ASSERT_STRSTR(line, "\"verdict\":\"DROPPED\"", "dropped");
	ASSERT_STRSTR(line, "\"drop_reason_name\":\"USER_PROGRAM\"", "by a user program");
	ASSERT_STRSTR(line, "\"point\":\"TO_NETWORK\"", "leaving by the uplink");
	ASSERT_STRSTR(line, "\"source\":\"frontend\"", "frontend's");
	ASSERT_STRSTR(line, "\"destination\":\"backend\"", "to backend");
	ASSERT_STRSTR(line, "\"proto\":\"TCP\"", "the SYN");
	ASSERT_STRSTR(line, "\"dport\":80", "to port 80");
down:
	snprintf(args, sizeof(args), "down %s", run);
	{
		struct pl_run_state st = {0};
		int ok = !pl_run_state_read(run, &st);
		pid_t holder = ok ? st.watch : 0;

		if (ok)
			pl_run_state_free(&st);
		ASSERT_EQ(cli_run(args, NULL, NULL), 0, "down");
		usleep(200000);
		ASSERT_TRUE(holder > 0 && !pl_pid_running(holder), "down stopped the holder");
	}
	fixture_assert_gone(run);
out:
	free(out);
	free(err);
}

static const char *probe_no_watch(void)
{
	const char *why = probe_root();

	if (why)
		return why;
	return pl_probe_user_watch() ? NULL
				     : "the kernel allows fexit on BPF programs "
				       "(user_watch_observe_names_the_drop runs)";
}

/* Without fexit: up goes on, says which program is not watched and why. */
PL_TEST_PROBE(integration, user_watch_refused_is_a_warning, probe_no_watch)
{
	char run[PL_RUN_ID_MAX], args[256], *err = NULL;

	fixture_run_id(run, "w");
	snprintf(args, sizeof(args), "up --run %s " EGRESS_DROP, run);
	if (!ASSERT_EQ(cli_run(args, NULL, &err), 0, "up goes on"))
		goto out;
	ASSERT_STRSTR(err, "tc_drop_ipv4 on node1 eth0: not watched", "the program named");
	ASSERT_STRSTR(err, "fexit", "the reason");
	ASSERT_FALSE(watch_held(run), "no watch holder");
	snprintf(args, sizeof(args), "down %s", run);
	ASSERT_EQ(cli_run(args, NULL, NULL), 0, "down");
	fixture_assert_gone(run);
out:
	free(err);
}
