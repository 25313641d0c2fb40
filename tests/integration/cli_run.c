// SPDX-License-Identifier: GPL-2.0
/* Running build/podlab from a test. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "cli_run.h"

char cli_podlab[PATH_MAX];

const char *cli_probe_podlab(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return "cannot find the test binary's directory";
	self[n] = '\0';
	snprintf(cli_podlab, PATH_MAX, "%s/../podlab", dirname(self));
	if (access(cli_podlab, X_OK))
		return "build/podlab is not built";
	return NULL;
}

char *cli_slurp(const char *path)
{
	char *buf = NULL;
	size_t len = 0, n;
	char chunk[4096];
	FILE *f = fopen(path, "re"), *m;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	if (!m) {
		fclose(f);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(f);
	fclose(m);
	return buf;
}

int cli_wait(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

pid_t cli_spawn(const char *args, const char *out_path, const char *err_path)
{
	char cmd[PATH_MAX + 4096];
	pid_t pid;
	int fd;

	snprintf(cmd, sizeof(cmd), "exec %s %s", cli_podlab, args);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid != 0)
		return pid;
	setpgid(0, 0);
	fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
		_exit(127);
	fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
		_exit(127);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

int cli_run(const char *args, char **out, char **err)
{
	char dir[] = "/tmp/podlab-cli-XXXXXX", o[PATH_MAX], e[PATH_MAX];
	pid_t pid;
	int rc;

	if (out)
		*out = NULL;
	if (err)
		*err = NULL;
	if (!mkdtemp(dir))
		return -1;
	snprintf(o, sizeof(o), "%s/stdout", dir);
	snprintf(e, sizeof(e), "%s/stderr", dir);
	pid = cli_spawn(args, o, e);
	rc = pid < 0 ? -1 : cli_wait(pid);
	if (out)
		*out = cli_slurp(o);
	if (err)
		*err = cli_slurp(e);
	unlink(o);
	unlink(e);
	rmdir(dir);
	return rc;
}
