// SPDX-License-Identifier: GPL-2.0
/* The L7 proxy's life cycle: up starts HAProxy in the node's namespace, down leaves nothing. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "net/l7_proxy.h"
#include "net/netns.h"
#include "net/run.h"
#include "net_fixture.h"
#include "plan/plan.h"
#include "probe/check.h"
#include "probe/nsrun.h"
#include "test.h"
#include "topo/topo.h"

#define L7_TOPO "topologies/two-node-l7.yaml"

static const char *probe_l7(void)
{
	const char *why = fixture_probe_netns_root();

	if (!why)
		why = pl_l7_probe_haproxy();
	if (!why && access(L7_TOPO, R_OK))
		why = "run from the repository root (" L7_TOPO " not found)";
	return why;
}

/* The inode of a process's network namespace, or of a named one; 0 when gone. */
static unsigned long ns_ino(const char *path)
{
	struct stat sb;

	return stat(path, &sb) ? 0 : (unsigned long)sb.st_ino;
}

/* Polls (bounded, 3 s) until pid is gone. */
static bool pid_gone(int pid)
{
	struct timespec ts = {0, 10 * 1000 * 1000};
	int i;

	for (i = 0; i < 300; i++) {
		if (kill(pid, 0) && errno == ESRCH)
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

PL_TEST_PROBE(integration, l7_proxy_up_down, probe_l7)
{
	struct pl_up_opts uo = {.datapath = true, .keep_owner = true, .topology = L7_TOPO};
	char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX], dir[256], path[PATH_MAX];
	char ns[PL_NETNS_NAME_MAX], nspath[PATH_MAX];
	struct pl_run_state st;
	struct topo *t = NULL;
	int pid = 0;

	fixture_run_id(run, "l7");
	uo.run = run;
	if (!ASSERT_OK(pl_topo_parse(L7_TOPO, &t), "parse"))
		return;
	if (!ASSERT_OK(pl_run_up(t, &uo, got), "up"))
		goto out;
	pl_l7_dir(run, dir, sizeof(dir));
	if (ASSERT_OK(pl_run_state_read(run, &st), "state")) {
		ASSERT_STREQ(st.l7dir, dir, "the state records the L7 folder");
		pl_run_state_free(&st);
	}
	snprintf(path, sizeof(path), "%s/node2.pid", dir);
	pid = pl_l7_pid(path);
	ASSERT_GT(pid, 0, "node2's proxy has a pid file");
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	pl_netns_name(run, "node2", ns, sizeof(ns));
	snprintf(nspath, sizeof(nspath), "%s/%s", PL_NETNS_RUN_DIR, ns);
	ASSERT_TRUE(pid > 0 && ns_ino(path) && ns_ino(path) == ns_ino(nspath),
		    "haproxy runs in node2's namespace");
	snprintf(path, sizeof(path), "%s/node2.sock", dir);
	ASSERT_TRUE(ns_ino(path), "its stats socket is in the run's folder");
	snprintf(path, sizeof(path), "%s/node1.pid", dir);
	ASSERT_TRUE(!ns_ino(path), "node1 has no proxied port, no proxy");
	ASSERT_OK(pl_run_down(run), "down");
	ASSERT_TRUE(pid > 0 && pid_gone(pid), "down stopped haproxy");
	ASSERT_TRUE(!ns_ino(dir), "down removed the L7 folder (config, pid file, socket)");
	fixture_assert_gone(run);
	fixture_delete_netns(run);
out:
	pl_topo_free(t);
}

/*
 * A proxy that does not start (its config rejected, its port taken): a
 * stand-in haproxy first in PATH answers as HAProxy does, on stderr with
 * exit 1. up must fail naming the node and that line, and leave nothing.
 */
PL_TEST_PROBE(integration, l7_proxy_failure_rolls_back, probe_l7)
{
	static const char fake[] = "#!/bin/sh\n"
				   "echo '[ALERT] (1) : Starting frontend backend_80: cannot bind "
				   "socket (Address already in use) [0.0.0.0:15001]' >&2\n"
				   "exit 1\n";
	struct pl_up_opts uo = {.datapath = true, .keep_owner = true, .topology = L7_TOPO};
	char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX], bin[] = "/tmp/podlab-fakebin-XXXXXX";
	char path[PATH_MAX], dir[256], msg[1024] = "", *old_path = NULL;
	struct topo *t = NULL;
	int saved, out, err;
	FILE *f;

	fixture_run_id(run, "l7f");
	uo.run = run;
	if (!ASSERT_OK(pl_topo_parse(L7_TOPO, &t), "parse"))
		return;
	if (!ASSERT_TRUE(mkdtemp(bin) != NULL, "temporary folder"))
		goto out;
	snprintf(path, sizeof(path), "%s/haproxy", bin);
	f = fopen(path, "w");
	if (!ASSERT_TRUE(f != NULL, "stand-in haproxy"))
		goto rm;
	fputs(fake, f);
	fclose(f);
	chmod(path, 0755);
	old_path = strdup(getenv("PATH") ?: "/usr/sbin:/usr/bin:/sbin:/bin");
	snprintf(path, sizeof(path), "%s:%s", bin, old_path);
	setenv("PATH", path, 1);
	/* up's one-line error, from stderr */
	snprintf(path, sizeof(path), "%s/stderr", bin);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(out, STDERR_FILENO);
	err = pl_run_up(t, &uo, got);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(out);
	setenv("PATH", old_path, 1);
	f = fopen(path, "r");
	if (f) {
		msg[fread(msg, 1, sizeof(msg) - 1, f)] = '\0';
		fclose(f);
	}
	ASSERT_LT(err, 0, "up fails");
	ASSERT_STRSTR(msg,
		      "starting the L7 proxy (haproxy) of node2 failed: [ALERT] (1) : Starting "
		      "frontend backend_80: cannot bind socket (Address already in use)",
		      "the error names the node and haproxy's own line");
	pl_l7_dir(run, dir, sizeof(dir));
	ASSERT_TRUE(!ns_ino(dir), "no L7 folder left");
	fixture_assert_gone(run);
	fixture_delete_netns(run);
	unlink(path);
rm:
	snprintf(path, sizeof(path), "%s/haproxy", bin);
	unlink(path);
	rmdir(bin);
out:
	free(old_path);
	pl_topo_free(t);
}

/* The backend's HTTP server: answers every request 200 "ok", remembers the last request line. */
struct http_srv {
	int fd;
	volatile int stop, nreq;
	char last[128];
	pthread_t thr;
};

static void *srv_main(void *arg)
{
	struct http_srv *sv = arg;
	struct pollfd pfd = {.fd = sv->fd, .events = POLLIN};
	static const char resp[] = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok";
	char buf[1024];
	ssize_t n;
	int c;

	while (!sv->stop) {
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		c = accept(sv->fd, NULL, NULL);
		if (c < 0)
			continue;
		n = recv(c, buf, sizeof(buf) - 1, 0);
		if (n > 0) {
			buf[n] = '\0';
			buf[strcspn(buf, "\r\n")] = '\0';
			snprintf(sv->last, sizeof(sv->last), "%.100s", buf);
			sv->nreq++;
			if (send(c, resp, sizeof(resp) - 1, MSG_NOSIGNAL) < 0)
				sv->last[0] = '\0';
		}
		close(c);
	}
	return NULL;
}

static int srv_start(struct http_srv *sv, const char *ns, uint32_t ip)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET, .sin_port = htons(80), .sin_addr.s_addr = ip};
	int one = 1;

	memset(sv, 0, sizeof(*sv));
	sv->fd = pl_nsrun_socket(ns, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sv->fd < 0)
		return sv->fd;
	setsockopt(sv->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(sv->fd, (struct sockaddr *)&a, sizeof(a)) || listen(sv->fd, 16) ||
	    pthread_create(&sv->thr, NULL, srv_main, sv)) {
		close(sv->fd);
		return -errno;
	}
	return 0;
}

static void srv_stop(struct http_srv *sv)
{
	sv->stop = 1;
	pthread_join(sv->thr, NULL);
	close(sv->fd);
}

/*
 * One HTTP/1.0 request from netns ns to ip:80: the response's status code,
 * or -errno (connect/recv timeout 2 s: a dropped SYN). body gets the payload.
 */
static int http_req(const char *ns, uint32_t ip, const char *method, const char *path,
		    const char *host, char *body, size_t blen)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET, .sin_port = htons(80), .sin_addr.s_addr = ip};
	struct timeval tv = {2, 0};
	char req[256], resp[1024], *b;
	size_t got = 0;
	ssize_t n;
	int fd, code = -EPROTO;

	body[0] = '\0';
	fd = pl_nsrun_socket(ns, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		code = -errno;
		goto out;
	}
	snprintf(req, sizeof(req), "%s %s HTTP/1.0\r\nHost: %s\r\n\r\n", method, path, host);
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req)) {
		code = -errno;
		goto out;
	}
	while (got < sizeof(resp) - 1 && (n = recv(fd, resp + got, sizeof(resp) - 1 - got, 0)) > 0)
		got += (size_t)n;
	resp[got] = '\0';
	if (sscanf(resp, "HTTP/1.%*d %d", &code) != 1)
		code = -EPROTO;
	b = strstr(resp, "\r\n\r\n");
	if (b)
		snprintf(body, blen, "%s", b + 4);
out:
	close(fd);
	return code;
}

/* `podlab observe RUN [--json]`: the proxy's requests among the flow events. */
static void observe_has_l7(const char *run)
{
	char cmd[128], out[1 << 16];
	size_t n;
	FILE *f;
	int j;

	for (j = 0; j < 2; j++) {
		snprintf(cmd, sizeof(cmd), "build/podlab observe %s%s 2>/dev/null", run,
			 j ? " --json" : "");
		f = popen(cmd, "r");
		if (!ASSERT_TRUE(f != NULL, "observe"))
			return;
		n = fread(out, 1, sizeof(out) - 1, f);
		out[n] = '\0';
		pclose(f);
		if (!j) {
			ASSERT_STRSTR(out, " L7 frontend:", "an L7 line names the client pod");
			ASSERT_STRSTR(out, "-> backend:80 HTTP/1.0 GET /public/index.html -> 200",
				      "the allowed request and the pod's answer");
			ASSERT_STRSTR(out, "POST /public/x -> DENIED (403)", "the denied one");
			ASSERT_STRSTR(out, "(TO_PROXY)", "and the flow events steering them");
		} else {
			ASSERT_STRSTR(out, "\"method\":\"POST\",\"path\":\"/public/x\"",
				      "JSON: the request");
			ASSERT_STRSTR(out, "\"status\":403,\"verdict\":\"denied\"",
				      "JSON: its verdict");
		}
	}
}

/* Requests through node2's proxy from node1 (across the underlay) and from node2 itself. */
static void http_end_to_end(const char *topology)
{
	struct pl_up_opts uo = {.datapath = true, .keep_owner = true, .topology = topology};
	char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX], dir[256], path[PATH_MAX], body[64];
	char ns_fe[PL_NETNS_NAME_MAX], ns_be[PL_NETNS_NAME_MAX], ns_cl[PL_NETNS_NAME_MAX];
	char ns_f2[PL_NETNS_NAME_MAX];
	struct http_srv sv;
	struct topo *t = NULL;
	char *logs;
	size_t llen;
	uint32_t be;
	int pid, n;
	FILE *lf;

	fixture_run_id(run, "l7h");
	pl_subtest("%s", topology);
	uo.run = run;
	if (!ASSERT_OK(pl_topo_parse(topology, &t), "parse"))
		return;
	be = t->pods[pl_topo_pod_by_name(t, "backend")].ip;
	if (!ASSERT_OK(pl_run_up(t, &uo, got), "up"))
		goto out;
	pl_netns_name(run, "frontend", ns_fe, sizeof(ns_fe));
	pl_netns_name(run, "backend", ns_be, sizeof(ns_be));
	pl_netns_name(run, "client", ns_cl, sizeof(ns_cl));
	pl_netns_name(run, "frontend2", ns_f2, sizeof(ns_f2));
	pl_l7_dir(run, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/node2.pid", dir);
	pid = pl_l7_pid(path);
	if (!ASSERT_OK(srv_start(&sv, ns_be, be), "backend's HTTP server"))
		goto down;
	ASSERT_EQ(http_req(ns_fe, be, "GET", "/public/index.html", "backend", body, sizeof(body)),
		  200, "GET /public/index.html from frontend");
	ASSERT_STREQ(body, "ok", "the backend's answer came through the proxy");
	ASSERT_STREQ(sv.last, "GET /public/index.html HTTP/1.0", "the backend saw the request");
	n = sv.nreq;
	ASSERT_EQ(http_req(ns_fe, be, "POST", "/public/x", "backend", body, sizeof(body)), 403,
		  "POST /public/x is denied");
	ASSERT_EQ(http_req(ns_fe, be, "GET", "/private", "backend", body, sizeof(body)), 403,
		  "GET /private is denied");
	ASSERT_EQ(sv.nreq, n, "no denied request reached the backend");
	ASSERT_EQ(http_req(ns_fe, be, "GET", "/anything", "api.example", body, sizeof(body)), 200,
		  "GET with Host api.example (the host rule)");
	ASSERT_LT(http_req(ns_cl, be, "GET", "/public/", "backend", body, sizeof(body)), 0,
		  "client is refused at L4: no connection");
	/* From the same node: steered at frontend2's veth (from_pod). */
	ASSERT_EQ(http_req(ns_f2, be, "GET", "/public/a", "backend", body, sizeof(body)), 200,
		  "GET /public/a from frontend2 (node2)");
	ASSERT_STREQ(sv.last, "GET /public/a HTTP/1.0", "the backend saw it");
	n = sv.nreq;
	ASSERT_EQ(http_req(ns_f2, be, "POST", "/public/a", "backend", body, sizeof(body)), 403,
		  "POST /public/a from frontend2 is denied");
	ASSERT_EQ(sv.nreq, n, "and never reached the backend");
	srv_stop(&sv);
	observe_has_l7(run);
	logs = NULL;
	lf = open_memstream(&logs, &llen);
	if (ASSERT_TRUE(lf != NULL, "memstream")) {
		n = pl_l7_print_logs(dir, lf);
		fclose(lf);
		ASSERT_EQ(n, 6, "the proxy logged the 6 requests that reached it");
		ASSERT_STRSTR(logs, "L7 node2: 10.244.1.10:", "lines name the node and the client");
		ASSERT_STRSTR(logs, " 403 ", "a denied request's status");
		ASSERT_STRSTR(logs, "\"POST /public/x HTTP/1.0\"", "its request line");
		ASSERT_STRSTR(logs, " 200 ", "an allowed request's status");
		if (pl_verbose())
			fprintf(stderr, "%s", logs);
		free(logs);
	}
down:
	ASSERT_OK(pl_run_down(run), "down");
	ASSERT_TRUE(pid > 0 && pid_gone(pid), "down stopped haproxy");
	ASSERT_TRUE(!ns_ino(dir), "no L7 folder (socket, pid file) left");
	fixture_assert_gone(run);
	fixture_delete_netns(run);
out:
	pl_topo_free(t);
}

/* Native routing, and VXLAN: node2's from_overlay steers what the tunnel brings. */
PL_TEST_PROBE(integration, l7_http_end_to_end, probe_l7)
{
	http_end_to_end(L7_TOPO);
	http_end_to_end("topologies/two-node-l7-vxlan.yaml");
}

/* `podlab check` on an L7 topology: the l7 section's requests, 200s and 403s as the rules say. */
static void check_l7(const char *topology)
{
	struct pl_up_opts uo = {.datapath = true, .keep_owner = true, .topology = topology};
	struct pl_check_opts opts = {0};
	struct pl_check_report *r = NULL;
	char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX];
	struct topo *t = NULL;
	int i, allowed = 0, denied = 0, proxied = 0;

	pl_subtest("%s", topology);
	fixture_run_id(run, "l7c");
	uo.run = run;
	if (!ASSERT_OK(pl_topo_parse(topology, &t), "parse"))
		return;
	if (!ASSERT_OK(pl_run_up(t, &uo, got), "up"))
		goto out;
	opts.run = run;
	opts.topo = t;
	if (ASSERT_OK(pl_check_run(&opts, &r), "check")) {
		if (!r->ok || pl_verbose())
			pl_check_print(r, stderr);
		ASSERT_TRUE(r->ok, "every section matches, l7 included");
		ASSERT_TRUE(r->sections & PL_CHECK_L7, "the l7 section runs by default here");
		for (i = 0; i < r->nl7; i++) {
			allowed += r->l7[i].want_allowed && r->l7[i].status == 200 && r->l7[i].seen;
			denied +=
				!r->l7[i].want_allowed && r->l7[i].status == 403 && !r->l7[i].seen;
		}
		/* frontend (node1) and frontend2 (node2): GET /public, Host api.example; DELETE */
		ASSERT_EQ(allowed, 4, "allowed requests answered 200 by backend itself");
		ASSERT_EQ(denied, 2, "denied requests answered 403 by the proxy, never at backend");
		for (i = 0; i < r->nprobes; i++)
			proxied += r->probes[i].proxied && r->probes[i].to_proxy;
		ASSERT_EQ(proxied, 2, "connectivity: TCP 80 to backend is accepted by the proxy");
		pl_check_report_free(r);
	}
	ASSERT_OK(pl_run_down(run), "down");
	fixture_assert_gone(run);
out:
	pl_topo_free(t);
}

PL_TEST_PROBE(integration, l7_check_native_and_vxlan, probe_l7)
{
	check_l7(L7_TOPO);
	check_l7("topologies/two-node-l7-vxlan.yaml");
}

/* `podlab explain --http-*`: stdout and stderr of build/podlab ARGS in out; the exit status. */
static int explain_out(const char *args, char *out, size_t cap)
{
	char cmd[512];
	size_t n;
	FILE *f;
	int st;

	snprintf(cmd, sizeof(cmd),
		 "build/podlab explain --topology " L7_TOPO " --to backend %s 2>&1", args);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

PL_TEST_PROBE(integration, l7_explain_http, probe_l7)
{
	static char out[65536];

	pl_subtest("GET /public/x");
	ASSERT_EQ(explain_out("--from frontend --http-path /public/x", out, sizeof(out)), 0,
		  "exit 0");
	ASSERT_STRSTR(out, "=> allowed by policy 'backend-http' rule 0", "the allowing rule");
	ASSERT_STRSTR(out, "http[0] (", "its http item");
	ASSERT_STRSTR(out, "method GET path /public.*", "what it matches");
	pl_subtest("POST /public/x");
	ASSERT_EQ(explain_out("--from frontend --http-method POST --http-path /public/x", out,
			      sizeof(out)),
		  0, "exit 0");
	ASSERT_STRSTR(out, "=> denied: 403 Forbidden", "denied by the proxy");
	pl_subtest("Host api.example");
	ASSERT_EQ(explain_out("--from frontend2 --http-host api.example", out, sizeof(out)), 0,
		  "exit 0");
	ASSERT_STRSTR(out, "http[1] (", "the host rule");
	pl_subtest("client");
	ASSERT_EQ(explain_out("--from client --http-path /public", out, sizeof(out)), 0, "exit 0");
	ASSERT_STRSTR(out, "never reaches the proxy: dropped at L4, POLICY_DENIED", "L4 first");
	pl_subtest("not a pod");
	ASSERT_EQ(explain_out("--from frontend --http-path /x --proto udp", out, sizeof(out)), 2,
		  "exit 2");
	ASSERT_STRSTR(out, "--http-* needs --to POD and --proto tcp", "says why");
}
