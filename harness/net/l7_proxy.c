// SPDX-License-Identifier: GPL-2.0
/*
 * The L7 proxy's lifecycle: one HAProxy per node with proxied ports, started
 * inside the node's namespace by `podlab up` (config, pid file, stats socket
 * and its output in the run's L7 folder, recorded in the run state before
 * anything is created) and stopped by `podlab down` and the reaper.
 */
#include <dirent.h>
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "lib/log.h"
#include "lib/files.h"
#include "net/l7_config.h"
#include "net/l7_proxy.h"
#include "net/netns.h"
#include "plan/plan.h"

const char *pl_l7_probe_haproxy(void)
{
	static const char *const dirs[] = {"/usr/sbin", "/usr/bin", "/sbin", "/bin", NULL};
	char path[PATH_MAX];
	int i;

	for (i = 0; dirs[i]; i++) {
		snprintf(path, sizeof(path), "%s/haproxy", dirs[i]);
		if (!access(path, X_OK))
			return NULL;
	}
	return "haproxy is not installed (Debian package haproxy: make deps)";
}

void pl_l7_dir(const char *run, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s.l7", PL_STATE_DIR, run);
}

/* haproxy -D in netns: the launcher exits once the proxy listens (pid file written). */
static int start_haproxy(const char *netns, const char *cfg, const char *pidfile,
			 const char *logfile)
{
	int status, fd, out;
	pid_t pid;

	fd = pl_netns_open(netns);
	if (fd < 0)
		return fd;
	pid = fork();
	if (pid < 0) {
		close(fd);
		return -errno;
	}
	if (!pid) {
		out = open(logfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (out < 0 || setns(fd, CLONE_NEWNET) || dup2(out, 1) < 0 || dup2(out, 2) < 0)
			_exit(126);
		execlp("haproxy", "haproxy", "-D", "-q", "-f", cfg, "-p", pidfile, (char *)NULL);
		_exit(127);
	}
	close(fd);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return -ECHILD;
	return 0;
}

/* The first line of a file (haproxy's complaint), for the error message. */
static void first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
}

static int node_up(const struct topo *t, const struct policy_proxies *pp, int node, const char *run,
		   const char *dir)
{
	char path[PATH_MAX], pidfile[PATH_MAX], logfile[PATH_MAX], netns[64], why[256];
	const char *nn = t->nodes[node].name;
	char *cfg = NULL;
	int err;

	err = pl_l7_config(t, pp, node, dir, &cfg);
	if (err)
		return err == -ENOENT ? 0 : pl_err_errno(err, "the L7 proxy config of %s", nn);
	snprintf(path, sizeof(path), "%s/%s.cfg", dir, nn);
	snprintf(pidfile, sizeof(pidfile), "%s/%s.pid", dir, nn);
	snprintf(logfile, sizeof(logfile), "%s/%s.log", dir, nn);
	err = pl_write_file(path, cfg);
	free(cfg);
	if (err)
		return pl_err_errno(err, "writing %s", path);
	err = pl_netns_name(run, nn, netns, sizeof(netns));
	if (!err)
		err = start_haproxy(netns, path, pidfile, logfile);
	if (err == -ECHILD) {
		first_line(logfile, why, sizeof(why));
		pl_err("starting the L7 proxy (haproxy) of %s failed: %s", nn,
		       why[0] ? why : "no output");
		return -EIO;
	}
	if (err)
		return pl_err_errno(err, "starting the L7 proxy (haproxy) of %s", nn);
	pl_debug("node %s: L7 proxy (haproxy) pid %d, config %s", nn, pl_l7_pid(pidfile), path);
	return 0;
}

int pl_l7_up(const struct topo *t, const char *run,
	     int (*record)(void *ctx, const char *kind, const char *value), void *ctx)
{
	struct policy_proxies pp;
	struct topo_pos bad;
	char dir[256];
	const char *why;
	int i, err;

	err = pl_policy_proxies(t, &pp, &bad);
	if (err)
		return pl_err_errno(err, "the proxied ports");
	if (!pp.n)
		goto out;
	why = pl_l7_probe_haproxy();
	if (why) {
		pl_err("%s: http rules need the L7 proxy: %s", t->file ? t->file : "topology", why);
		err = -EOPNOTSUPP;
		goto out;
	}
	pl_l7_dir(run, dir, sizeof(dir));
	err = record(ctx, "l7", dir);
	if (err)
		goto out;
	if (mkdir(dir, 0700) && errno != EEXIST) {
		err = pl_err_errno(-errno, "creating %s", dir);
		goto out;
	}
	for (i = 0; !err && i < t->nnodes; i++)
		err = node_up(t, &pp, i, run, dir);
out:
	pl_policy_proxies_free(&pp);
	return err;
}

int pl_l7_pid(const char *pidfile)
{
	FILE *f = fopen(pidfile, "re");
	int pid = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	return pid > 0 ? pid : 0;
}

/* pid is a haproxy of this folder (not a reused pid, nor another run's proxy). */
static bool is_ours(int pid, const char *dir)
{
	char path[64], cmd[4096];
	size_t n, i, dlen = strlen(dir);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	n = fread(cmd, 1, sizeof(cmd) - 1, f);
	fclose(f);
	cmd[n] = '\0';
	if (strcmp(cmd, "haproxy"))
		return false;
	/* Arguments are NUL-separated: one must be a file of dir (its -f config). */
	for (i = 0; i < n; i += strlen(cmd + i) + 1)
		if (!strncmp(cmd + i, dir, dlen) && cmd[i + dlen] == '/')
			return true;
	return false;
}

/* SIGTERM, then wait (bounded) for it to go; SIGKILL if it does not. */
static int stop_pid(int pid)
{
	struct timespec ts = {0, 10 * 1000 * 1000};
	int i;

	if (kill(pid, SIGTERM) && errno == ESRCH)
		return 0;
	for (i = 0; i < 300; i++) {
		if (kill(pid, 0) && errno == ESRCH)
			return 0;
		/* A child of ours (never with -D, but a library caller may differ): reap it. */
		waitpid(pid, NULL, WNOHANG);
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	return -ETIMEDOUT;
}

int pl_l7_down(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	int pid, err, ret = 0;
	size_t len;
	DIR *d;

	if (strncmp(dir, PL_STATE_DIR "/", strlen(PL_STATE_DIR) + 1) || strstr(dir, ".."))
		return -EINVAL;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		len = strlen(de->d_name);
		if (len <= 4 || strcmp(de->d_name + len - 4, ".pid"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		pid = pl_l7_pid(path);
		if (pid && is_ours(pid, dir) && (err = stop_pid(pid)))
			ret = pl_err_errno(err, "stopping the L7 proxy pid %d", pid);
	}
	rewinddir(d);
	while (!ret && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) && errno != ENOENT)
			ret = pl_err_errno(-errno, "removing %s", path);
	}
	closedir(d);
	if (!ret && rmdir(dir) && errno != ENOENT)
		ret = pl_err_errno(-errno, "removing %s", dir);
	return ret;
}

void pl_l7_status(const char *dir, FILE *out)
{
	char path[PATH_MAX], sock[PATH_MAX];
	struct dirent *de;
	struct stat sb;
	size_t len;
	DIR *d;
	int pid;

	d = opendir(dir);
	if (!d) {
		fprintf(out, "  L7 proxies %s: missing\n", dir);
		return;
	}
	while ((de = readdir(d))) {
		len = strlen(de->d_name);
		if (len <= 4 || strcmp(de->d_name + len - 4, ".cfg"))
			continue;
		snprintf(path, sizeof(path), "%s/%.*s.pid", dir, (int)(len - 4), de->d_name);
		snprintf(sock, sizeof(sock), "%s/%.*s.sock", dir, (int)(len - 4), de->d_name);
		pid = pl_l7_pid(path);
		fprintf(out, "  L7 proxy of %.*s: haproxy pid %d %s, config %s/%s, socket %s%s\n",
			(int)(len - 4), de->d_name, pid,
			pid && is_ours(pid, dir) ? "running" : "GONE", dir, de->d_name, sock,
			stat(sock, &sb) ? " (missing)" : "");
	}
	closedir(d);
}

/* One proxy's request log lines (its ring, over the stats socket), each to fn; count or -errno. */
static int read_ring(const char *sock, const char *node, pl_l7_line_fn fn, void *ctx)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	static const char cmd[] = "show events " PL_L7_LOG_RING "\n";
	char buf[4096], *line, *p;
	ssize_t n;
	int fd, count = 0;
	FILE *f;

	if (strlen(sock) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	memcpy(a.sun_path, sock, strlen(sock) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    write(fd, cmd, sizeof(cmd) - 1) != (ssize_t)(sizeof(cmd) - 1)) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	while (fgets(buf, sizeof(buf), f)) {
		line = buf;
		buf[strcspn(buf, "\n")] = '\0';
		if (!*line)
			continue;
		/* rfc3164: "<pri>Mmm dd hh:mm:ss haproxy[pid]: message". */
		p = strstr(line, "]: ");
		fn(ctx, node, p ? p + 3 : line);
		count++;
	}
	fclose(f);
	return count;
}

int pl_l7_each_line(const char *dir, pl_l7_line_fn fn, void *ctx)
{
	char sock[PATH_MAX], node[64];
	struct dirent *de;
	int n, total = 0;
	size_t len;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		len = strlen(de->d_name);
		if (len <= 5 || len - 5 >= sizeof(node) || strcmp(de->d_name + len - 5, ".sock"))
			continue;
		snprintf(node, sizeof(node), "%.*s", (int)(len - 5), de->d_name);
		snprintf(sock, sizeof(sock), "%s/%s", dir, de->d_name);
		n = read_ring(sock, node, fn, ctx);
		if (n < 0)
			pl_warn("the L7 proxy of %s: reading its log ring at %s: %s", node, sock,
				strerror(-n));
		else
			total += n;
	}
	closedir(d);
	return total;
}

static void print_line(void *ctx, const char *node, const char *msg)
{
	fprintf(ctx, "L7 %s: %s\n", node, msg);
}

int pl_l7_print_logs(const char *dir, FILE *out)
{
	return pl_l7_each_line(dir, print_line, out);
}
