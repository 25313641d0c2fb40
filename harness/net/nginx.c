// SPDX-License-Identifier: GPL-2.0
/* nginx in a pod: start from the plan, find by network namespace, stop (harness/net/nginx.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "lib/clock.h"
#include "lib/log.h"
#include "lib/files.h"
#include "net/netns.h"
#include "net/nginx.h"
#include "net/run.h"

#define NGINX_STOP_WAIT_S 5.0 /* TERM to gone; nginx's fast shutdown takes milliseconds */

const char *pl_probe_nginx(void)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX], *dirs, *d, *save = NULL;
	bool found = false;

	dirs = strdup(path && *path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
	if (!dirs)
		return "out of memory";
	for (d = strtok_r(dirs, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		snprintf(buf, sizeof(buf), "%s/nginx", d);
		found = !access(buf, X_OK);
	}
	free(dirs);
	return found ? NULL : "nginx not found on PATH (Debian: apt-get install nginx-light)";
}

int pl_nginx_start(const struct pl_plan *p, const struct pl_step *s)
{
	const char *pod = p->topo->pods[s->nginx.pod].name;
	const char *ns = p->ns[s->ns].name;
	char conf[PATH_MAX], errlog[PATH_MAX], *text;
	int err, status, fd;
	pid_t pid;

	snprintf(conf, sizeof(conf), "%s/nginx.conf", s->nginx.dir);
	snprintf(errlog, sizeof(errlog), "%s/error.log", s->nginx.dir);
	if ((err = pl_mkdir_p(s->nginx.dir, 0755)))
		return pl_err_errno(err, "creating %s for the nginx of pod %s", s->nginx.dir, pod);
	text = pl_plan_nginx_conf(p, s);
	if (!text)
		return -ENOMEM;
	err = pl_write_file(conf, text);
	free(text);
	if (err)
		return pl_err_errno(err, "writing %s", conf);
	fd = pl_netns_open(ns);
	if (fd < 0)
		return pl_err_errno(fd, "opening network namespace %s", ns);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(fd);
		return pl_err_errno(err, "forking for the nginx of pod %s", pod);
	}
	if (pid == 0) {
		/* The pod's network namespace only: mounts and everything else stay the host's. */
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (setns(fd, CLONE_NEWNET))
			_exit(126);
		/* The daemon keeps no descriptor of ours (sockets, a caller's pipe on stdout). */
		if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0)
			_exit(126);
		close_range(3, ~0u, 0);
		execlp("nginx", "nginx", "-q", "-p", s->nginx.dir, "-c", conf, "-e", errlog,
		       (char *)NULL);
		_exit(127);
	}
	close(fd);
	/* nginx binds its port before it daemonizes: exit 0 means it is listening. */
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return pl_err_errno(-errno, "waiting for the nginx of pod %s", pod);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		pl_err("pod %s: nginx could not be run (%s)", pod,
		       pl_probe_nginx() ?: "exec failed");
		return -ENOENT;
	}
	pl_err("pod %s: nginx did not start (status %d): see %s", pod,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), errlog);
	return -EIO;
}

/* Is process pid an nginx (its comm) in the namespace with inode ino? */
static bool nginx_in(const char *pid, ino_t ino, dev_t dev)
{
	char path[PATH_MAX], comm[32] = "";
	struct stat sb;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/ns/net", pid);
	if (stat(path, &sb) || sb.st_ino != ino || sb.st_dev != dev)
		return false;
	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, comm, sizeof(comm) - 1);
	close(fd);
	if (n <= 0)
		return false;
	comm[n] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
	return !strcmp(comm, "nginx");
}

int pl_nginx_pids(const char *netns, pid_t *pids, int max)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat sb;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", PL_NETNS_RUN_DIR, netns);
	if (stat(path, &sb))
		return errno == ENOENT ? 0 : -errno;
	d = opendir("/proc");
	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < max)
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9' &&
		    nginx_in(de->d_name, sb.st_ino, sb.st_dev))
			pids[n++] = (pid_t)atoi(de->d_name);
	closedir(d);
	return n;
}

/*
 * Signals every nginx of netns with sig, then polls until none is left or
 * wait_s passes: none in the netns, and none of those signalled still
 * running (an exiting process leaves its netns before it is gone).
 */
static int signal_and_wait(const char *netns, int sig, double wait_s)
{
	struct timespec tick = {.tv_nsec = 10 * 1000 * 1000};
	double deadline = pl_now() + wait_s;
	pid_t pids[64], now[64];
	int i, j, n, inns, left;

	n = pl_nginx_pids(netns, pids, 64);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
		kill(pids[i], sig);
	for (;;) {
		inns = pl_nginx_pids(netns, now, 64);
		if (inns < 0)
			return inns;
		left = inns;
		for (i = 0; i < n; i++) {
			for (j = 0; j < inns && now[j] != pids[i]; j++)
				;
			left += j == inns && pl_pid_running(pids[i]);
		}
		if (!left || pl_now() >= deadline)
			return left;
		nanosleep(&tick, NULL);
	}
}

static int rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) ? -errno : 0;
	return unlink(path) ? -errno : 0;
}

int pl_nginx_stop(const char *record)
{
	char dir[PATH_MAX], netns[128], *slash;
	int left;

	if (sscanf(record, "%4095s %127s", dir, netns) != 2)
		return pl_err_errno(-EINVAL, "run state: bad nginx record '%s'", record);
	left = signal_and_wait(netns, SIGTERM, NGINX_STOP_WAIT_S);
	if (left > 0)
		left = signal_and_wait(netns, SIGKILL, 1.0);
	if (left < 0)
		return pl_err_errno(left, "looking for the nginx of %s", netns);
	if (left > 0)
		return pl_err_errno(-EBUSY, "stopping the nginx of %s: %d processes left", netns,
				    left);
	/* Only a run's own files: PL_RUN_FILES/<run>/<pod>. */
	if (strncmp(dir, PL_RUN_FILES "/", strlen(PL_RUN_FILES) + 1) || strstr(dir, ".."))
		return pl_err_errno(-EINVAL, "run state: nginx dir %s is not under %s", dir,
				    PL_RUN_FILES);
	if (nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS) && errno != ENOENT)
		return pl_err_errno(-errno, "removing %s", dir);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		rmdir(dir); /* the run's directory, once its last pod's is gone */
	}
	return 0;
}
