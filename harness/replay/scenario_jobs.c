// SPDX-License-Identifier: GPL-2.0
/* Scenarios in child processes, at most N at once; results handed on in input order. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "lib/log.h"
#include "replay/report_wire.h"
#include "replay/scenario_jobs.h"
#include "replay/scenario_run.h"

enum job_state { JOB_PENDING = 0, JOB_RUNNING, JOB_FINISHED, JOB_HANDED_ON };

/* What became of one scenario; the memory files live while it runs. */
struct job {
	enum job_state state;
	int fd_rep, fd_out, fd_err;
	char *out, *err;
	size_t out_len, err_len;
};

/* Read by the signal handler: the parent's pid and its running children. */
static volatile sig_atomic_t jobs_parent;
static volatile sig_atomic_t jobs_pids[PL_SCN_JOBS_MAX];

void pl_scn_jobs_forward_signal(void)
{
	int k;

	if (!jobs_parent || getpid() != jobs_parent)
		return;
	for (k = 0; k < PL_SCN_JOBS_MAX; k++)
		if (jobs_pids[k] > 0)
			kill(jobs_pids[k], SIGTERM);
}

static void close_fds(struct job *j)
{
	if (j->fd_rep >= 0)
		close(j->fd_rep);
	if (j->fd_out >= 0)
		close(j->fd_out);
	if (j->fd_err >= 0)
		close(j->fd_err);
	j->fd_rep = j->fd_out = j->fd_err = -1;
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t w;

	while (len) {
		w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -errno;
		buf += w;
		len -= w;
	}
	return 0;
}

/* The whole memory file fd, NUL-terminated. */
static int slurp(int fd, char **out, size_t *len)
{
	struct stat sb;
	ssize_t r;
	size_t off = 0;
	char *buf;

	*out = NULL;
	*len = 0;
	if (fstat(fd, &sb))
		return -errno;
	buf = malloc(sb.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (off < (size_t)sb.st_size) {
		r = pread(fd, buf + off, sb.st_size - off, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		off += r;
	}
	buf[off] = '\0';
	*out = buf;
	*len = off;
	return 0;
}

/* The child: stdout and stderr into the memory files, the report into fd_rep. */
static void __attribute__((noreturn))
child_main(struct job *j, int i, pl_scn_job_run_fn run, void *ctx)
{
	struct pl_scn_report rep;
	char *buf = NULL;
	size_t len = 0;
	int rc = 0;

	if (dup2(j->fd_out, STDOUT_FILENO) < 0 || dup2(j->fd_err, STDERR_FILENO) < 0)
		_exit(125);
	memset(&rep, 0, sizeof(rep));
	run(ctx, i, &rep);
	if (pl_scn_report_encode(&rep, &buf, &len) || write_all(j->fd_rep, buf, len))
		rc = 125;
	fflush(stdout);
	fflush(stderr);
	_exit(rc);
}

static int mem_file(const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static void report_error(struct pl_scn_report *rep, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void report_error(struct pl_scn_report *rep, const char *label, const char *fmt, ...)
{
	va_list ap;

	pl_scn_report_free(rep);
	memset(rep, 0, sizeof(*rep));
	rep->file = strdup(label);
	rep->name = strdup(label);
	rep->outcome = PL_SCN_ERROR;
	va_start(ap, fmt);
	if (vasprintf(&rep->reason, fmt, ap) < 0)
		rep->reason = NULL;
	va_end(ap);
}

/* Forks scenario i into slot; 0, or -errno (rep i then says why it did not run). */
static int start(struct job *j, int slot, int i, pl_scn_job_run_fn run, void *ctx)
{
	pid_t pid;
	int err;

	j->fd_rep = mem_file("podlab-test-report");
	j->fd_out = mem_file("podlab-test-stdout");
	j->fd_err = mem_file("podlab-test-stderr");
	if (j->fd_rep < 0 || j->fd_out < 0 || j->fd_err < 0) {
		err = j->fd_rep < 0 ? j->fd_rep : j->fd_out < 0 ? j->fd_out : j->fd_err;
		goto fail;
	}
	/* Nothing buffered may be copied into the child and printed twice. */
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		goto fail;
	}
	if (pid == 0)
		child_main(j, i, run, ctx);
	jobs_pids[slot] = pid;
	j->state = JOB_RUNNING;
	/* A signal between the caller's check and the line above reached no child. */
	if (pl_scn_stop)
		kill(pid, SIGTERM);
	return 0;
fail:
	close_fds(j);
	return err;
}

/* Child i exited with status: its report, or an ERROR report saying how it died. */
static void collect(struct job *j, int status, const char *label, struct pl_scn_report *rep)
{
	char *buf = NULL;
	size_t len = 0;
	int err;

	slurp(j->fd_out, &j->out, &j->out_len);
	slurp(j->fd_err, &j->err, &j->err_len);
	err = slurp(j->fd_rep, &buf, &len);
	if (!err)
		err = pl_scn_report_decode(buf, len, rep);
	free(buf);
	close_fds(j);
	j->state = JOB_FINISHED;
	if (!err && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	if (WIFSIGNALED(status))
		report_error(rep, label,
			     "its process died of signal %d (%s); `podlab down --stale` removes "
			     "its run",
			     WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		report_error(rep, label, "its process exited with status %d without a report",
			     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void hand_on(struct job *jobs, int n, int *next_out, bool skip_unfinished,
		    pl_scn_job_done_fn done, void *ctx, struct pl_scn_report *reps)
{
	struct pl_scn_job_output o;
	int i;

	for (i = *next_out; i < n; i++) {
		struct job *j = &jobs[i];

		if (j->state != JOB_FINISHED) {
			if (skip_unfinished)
				continue;
			break;
		}
		o = (struct pl_scn_job_output){j->out, j->out_len, j->err, j->err_len};
		done(ctx, i, &reps[i], &o);
		free(j->out);
		free(j->err);
		j->out = j->err = NULL;
		j->state = JOB_HANDED_ON;
		if (i == *next_out)
			(*next_out)++;
	}
}

int pl_scn_jobs_run(int n, int jobs, const char *const *labels, pl_scn_job_run_fn run,
		    pl_scn_job_done_fn done, void *ctx, struct pl_scn_report *reps)
{
	int slot_of_pid_i[PL_SCN_JOBS_MAX], next = 0, next_out = 0, running = 0;
	struct job *js;
	pid_t pid;
	int i, k, status, err;

	if (jobs < 1 || jobs > PL_SCN_JOBS_MAX)
		return -EINVAL;
	js = calloc(n + 1, sizeof(*js));
	if (!js)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		js[i].fd_rep = js[i].fd_out = js[i].fd_err = -1;
		reps[i].outcome = PL_SCN_ERROR;
	}
	for (k = 0; k < PL_SCN_JOBS_MAX; k++) {
		jobs_pids[k] = 0;
		slot_of_pid_i[k] = -1;
	}
	jobs_parent = getpid();
	for (;;) {
		while (running < jobs && next < n && !pl_scn_stop) {
			for (k = 0; jobs_pids[k] > 0; k++)
				;
			err = start(&js[next], k, next, run, ctx);
			if (err) {
				report_error(&reps[next], labels[next],
					     "cannot start a process for it: %s", strerror(-err));
				js[next].state = JOB_FINISHED;
			} else {
				slot_of_pid_i[k] = next;
				running++;
			}
			next++;
		}
		hand_on(js, n, &next_out, false, done, ctx, reps);
		if (!running)
			break;
		pid = waitpid(-1, &status, 0);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0) {
			pl_err_errno(-errno, "waiting for scenario processes");
			break;
		}
		for (k = 0; k < PL_SCN_JOBS_MAX && jobs_pids[k] != pid; k++)
			;
		if (k == PL_SCN_JOBS_MAX)
			continue; /* not one of ours */
		jobs_pids[k] = 0;
		i = slot_of_pid_i[k];
		slot_of_pid_i[k] = -1;
		running--;
		collect(&js[i], status, labels[i], &reps[i]);
	}
	/* Interrupted: what finished is still reported, in input order. */
	hand_on(js, n, &next_out, true, done, ctx, reps);
	for (i = 0; i < n; i++) {
		free(js[i].out);
		free(js[i].err);
		close_fds(&js[i]);
	}
	free(js);
	jobs_parent = 0;
	return pl_scn_stop ? -EINTR : 0;
}
