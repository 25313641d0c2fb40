// SPDX-License-Identifier: GPL-2.0
/*
 * Ingress with a real nginx (topologies/services-ingress.yaml), through the
 * CLI as a user runs it: up starts an nginx in web1 and web2, recorded in
 * the run state and shown by status; curl from the world host to node1's IP
 * at the Cluster nodePort gets web2's page, and web2's access log shows
 * node1's IP (SNAT); at the Local nodePort web1's page, its log the world's
 * own address; observe shows each translation; check's ingress rows say
 * the same; down leaves no nginx process, no run files and no namespace.
 * Without nginx on PATH, up refuses the file at the pod's key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cli_run.h"
#include "net/nginx.h"
#include "net/run.h"
#include "net_fixture.h"
#include "test.h"

#define TOPO "topologies/services-ingress.yaml"

static const char *probe_ingress(void)
{
	const char *why = pl_probe_bpf_netns();

	if (why)
		return why;
	if (access(TOPO, R_OK))
		return "run from the repository root (topologies/ not found)";
	if ((why = pl_probe_nginx()))
		return why;
	if (access("/usr/bin/curl", X_OK))
		return "no curl (apt-get install curl)";
	return cli_probe_podlab();
}

/* The last line of a pod's access log (malloc'd), or NULL. */
static char *last_log_line(const char *run, const char *pod)
{
	char path[128], *text, *nl, *line;

	snprintf(path, sizeof(path), "%s/%s/%s/access.log", PL_RUN_FILES, run, pod);
	text = cli_slurp(path);
	if (!text || !*text)
		return text;
	nl = text + strlen(text) - 1;
	if (*nl == '\n')
		*nl = '\0';
	line = strrchr(text, '\n');
	line = strdup(line ? line + 1 : text);
	free(text);
	return line;
}

/* A process that exists and is not a zombie waiting for its parent. */
static bool alive(pid_t pid)
{
	char path[64], *stat, *p;
	bool live;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	stat = cli_slurp(path);
	if (!stat)
		return false;
	p = strrchr(stat, ')');
	live = p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
	free(stat);
	return live;
}

static void curl_from_world(const char *run, const char *url, const char *body, const char *pod,
			    const char *seen)
{
	char args[256], *out = NULL, *line;

	snprintf(args, sizeof(args), "exec %s world -- curl -sS -m 5 -o - -w '%%{http_code}' %s",
		 run, url);
	ASSERT_EQ(cli_run(args, &out, NULL), 0, "curl from the world host");
	ASSERT_STRSTR(out, body, "nginx's body");
	ASSERT_STRSTR(out, ")\n200", "HTTP 200");
	free(out);
	line = last_log_line(run, pod);
	ASSERT_STRSTR(line, "\"GET / HTTP/1.1\" 200", "the request is in the backend's access log");
	ASSERT_TRUE(line && !strncmp(line, seen, strlen(seen)), "the source nginx saw");
	if (line && strncmp(line, seen, strlen(seen)))
		fprintf(stderr, "  access log: '%s', want it to start with '%s'\n", line, seen);
	free(line);
}

PL_TEST_PROBE(integration, ingress_nginx_up_curl_check_down, probe_ingress)
{
	char run[PL_RUN_ID_MAX], args[192], ns[PL_NETNS_NAME_MAX], dir[96], *out = NULL;
	pid_t pids[2][8];
	int n[2] = {0, 0}, i, k;
	struct stat sb;

	fixture_run_id(run, "ing");
	snprintf(args, sizeof(args), "up --run %s %s", run, TOPO);
	if (!ASSERT_EQ(cli_run(args, NULL, NULL), 0, "up"))
		goto out;
	for (k = 0; k < 2; k++) {
		pl_netns_name(run, k ? "web2" : "web1", ns, sizeof(ns));
		n[k] = pl_nginx_pids(ns, pids[k], 8);
		ASSERT_GE(n[k], 2, "an nginx master and worker in the pod's namespace");
	}
	snprintf(args, sizeof(args), "status %s", run);
	ASSERT_EQ(cli_run(args, &out, NULL), 0, "status");
	ASSERT_STRSTR(out, "nginx on :8080", "status lists the pods' nginx");
	ASSERT_STRSTR(out, ", 0 not in", "every nginx is in the run state");
	free(out);
	out = NULL;

	curl_from_world(run, "http://192.168.70.1:30080/",
			"podlab nginx on web2 (10.244.2.20:8080)", "web2", "192.168.70.1 ");
	/* The flow events name both sides of each translation. */
	snprintf(args, sizeof(args), "observe %s", run);
	ASSERT_EQ(cli_run(args, &out, NULL), 0, "observe");
	ASSERT_STRSTR(out, "DNAT 192.168.70.1:30080 -> 10.244.2.20:8080 SNAT 203.0.113.10:",
		      "observe: node1's DNAT and SNAT");
	ASSERT_STRSTR(out,
		      "RNAT 10.244.2.20:8080 -> 192.168.70.1:30080 dst 192.168.70.1 -> "
		      "203.0.113.10",
		      "observe: the reply's reverse NAT, back to the world");
	free(out);
	out = NULL;
	curl_from_world(run, "http://192.168.70.1:30081/",
			"podlab nginx on web1 (10.244.1.20:8080)", "web1", "203.0.113.10 ");

	snprintf(args, sizeof(args), "observe --json %s", run);
	ASSERT_EQ(cli_run(args, &out, NULL), 0, "observe --json");
	ASSERT_STRSTR(out, "\"nat\":\"DNAT 192.168.70.1:30081 -> 10.244.1.20:8080\"",
		      "observe --json: Local, DNAT alone");
	free(out);
	out = NULL;

	snprintf(args, sizeof(args), "check --only ingress %s", run);
	ASSERT_EQ(cli_run(args, &out, NULL), 0, "check passes");
	ASSERT_STRSTR(out, "from web2, nginx saw 192.168.70.1 (SNAT to the node's IP)  ok",
		      "check: Cluster via node1, SNATed");
	ASSERT_STRSTR(out, "from web1, nginx saw 203.0.113.10 (the client's own)  ok",
		      "check: Local, the client's address");
	ASSERT_STRSTR(out, "no answer (no backend on node2)  ok", "check: Local without a backend");
	ASSERT_STRSTR(out, "ingress PASS", "ingress section");
	free(out);
	out = NULL;

	snprintf(args, sizeof(args), "down %s", run);
	ASSERT_EQ(cli_run(args, NULL, NULL), 0, "down");
	for (k = 0; k < 2; k++)
		for (i = 0; i < n[k]; i++)
			ASSERT_FALSE(alive(pids[k][i]), "down stopped every nginx process");
	snprintf(dir, sizeof(dir), "%s/%s", PL_RUN_FILES, run);
	ASSERT_NEQ(stat(dir, &sb), 0, "down removed the run's files");
out:
	free(out);
	if (fixture_state_exists(run))
		pl_run_down(run);
	fixture_assert_gone(run);
}

static const char *probe_up_files(void)
{
	if (access(TOPO, R_OK))
		return "run from the repository root (topologies/ not found)";
	return pl_probe_bpf_netns() ?: cli_probe_podlab();
}

/* Without nginx on PATH, up refuses the file at the pod's nginx key and builds nothing. */
PL_TEST_PROBE(integration, ingress_up_without_nginx_builds_nothing, probe_up_files)
{
	char run[PL_RUN_ID_MAX], args[128], *err = NULL, *path = getenv("PATH");
	char *saved = path ? strdup(path) : NULL;

	fixture_run_id(run, "ngx");
	snprintf(args, sizeof(args), "up --run %s %s", run, TOPO);
	setenv("PATH", "/nonexistent", 1);
	ASSERT_EQ(cli_run(args, NULL, &err), 3, "up: exit 3 (this machine lacks a program)");
	if (saved)
		setenv("PATH", saved, 1);
	free(saved);
	ASSERT_STRSTR(err,
		      TOPO ":23:16: pod web1 runs nginx: nginx not found on PATH (Debian: apt-get "
			   "install nginx-light)",
		      "names the pod's nginx key and the package");
	ASSERT_EQ(fixture_count_netns(run), 0, "no namespace");
	ASSERT_FALSE(fixture_state_exists(run), "no state file");
	free(err);
}
