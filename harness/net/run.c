// SPDX-License-Identifier: GPL-2.0
/* Runs: state files under /run/podlab, up with rollback, down, stale detection. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "lib/log.h"
#include "net/exec.h"
#include "net/l7_proxy.h"
#include "net/netns.h"
#include "net/nginx.h"
#include "net/run.h"
#include "net/tc.h"

static void state_path(const char *run, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s.state", PL_STATE_DIR, run);
}

/* /proc/PID/stat into buf from field 3 (the state) on; NULL when pid does not exist. */
static char *pid_stat(pid_t pid, char *buf, size_t len)
{
	char path[64], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* comm may hold spaces */
	return p && p[1] == ' ' ? p + 2 : NULL;
}

bool pl_pid_running(pid_t pid)
{
	char buf[1024], *p = pid_stat(pid, buf, sizeof(buf));

	return p && *p != 'Z' && *p != 'X';
}

unsigned long long pl_pid_start_time(pid_t pid)
{
	unsigned long long start = 0;
	char buf[1024], *p = pid_stat(pid, buf, sizeof(buf));
	int i;

	/* Field 3 is p; starttime is field 22. */
	for (i = 3; i < 22 && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (p)
		start = strtoull(p, NULL, 10);
	return start;
}

static int state_append(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int state_append(int fd, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -ENAMETOOLONG;
	if (write(fd, line, n) != n)
		return -errno ? -errno : -EIO;
	return 0;
}

static int record(void *ctx, const char *kind, const char *value)
{
	int err = state_append(*(int *)ctx, "%s %s\n", kind, value);

	if (err)
		return pl_err_errno(err, "recording %s %s in the run state (%s)", kind, value,
				    PL_STATE_DIR);
	return 0;
}

/* The state file's first lines: who owns the run, so a killed up is always reapable. */
static int state_header(int fd, const char *run, const struct topo *t, const char *topo_path)
{
	pid_t self = getpid();

	return state_append(fd,
			    "podlab-run 1\nrun %s\ntopology %s\nname %s\nrouting %s\n"
			    "created %lld\nowner %d %llu\n",
			    run, topo_path[0] ? topo_path : "-", t->name ? t->name : "-",
			    pl_topo_routing_name(t->routing), (long long)time(NULL), (int)self,
			    pl_pid_start_time(self));
}

/*
 * Creates the state file exclusively, header first: written to an unnamed
 * file (O_TMPFILE) then linked in, which fails if the name exists, so a kill
 * at any point leaves either no file or one naming its owner. With no id
 * given picks a fresh 4-hex-digit one.
 */
static int state_create(const char *want, char *run, const struct topo *t, const char *topo_path,
			int *fd_out)
{
	char path[PATH_MAX], proc[64];
	uint16_t r;
	int tries, fd, err;

	if (mkdir(PL_STATE_DIR, 0755) && errno != EEXIST)
		return pl_err_errno(-errno, "creating %s", PL_STATE_DIR);
	for (tries = 0; tries < 64; tries++) {
		if (want) {
			snprintf(run, PL_RUN_ID_MAX, "%s", want);
		} else {
			if (getrandom(&r, sizeof(r), 0) != sizeof(r))
				r = (uint16_t)(getpid() * 31 + tries);
			snprintf(run, PL_RUN_ID_MAX, "%04x", r);
		}
		state_path(run, path, sizeof(path));
		fd = open(PL_STATE_DIR, O_TMPFILE | O_WRONLY | O_APPEND | O_CLOEXEC, 0644);
		if (fd < 0)
			return pl_err_errno(-errno, "creating %s", path);
		if ((err = state_header(fd, run, t, topo_path))) {
			close(fd);
			return pl_err_errno(err, "writing the state of run %s (%s)", run, path);
		}
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		if (!linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW)) {
			*fd_out = fd;
			return 0;
		}
		err = -errno;
		close(fd);
		if (err != -EEXIST)
			return pl_err_errno(err, "creating %s", path);
		if (want) {
			pl_err("run %s exists (%s); `podlab down %s` first", want, path, want);
			return -EEXIST;
		}
	}
	return pl_err_errno(-EEXIST, "finding a free run id");
}

int pl_run_probe(const struct topo *t, bool allow_missing, uint32_t *skip_qdisc)
{
	uint32_t seen = 0;
	const char *why;
	int i;

	*skip_qdisc = 0;
	for (i = 0; i < t->npods; i++) {
		if (!t->pods[i].nginx.on || !(why = pl_probe_nginx()))
			continue;
		pl_err("%s:%d:%d: pod %s runs nginx: %s", t->file ? t->file : "topology",
		       t->pods[i].nginx.pos.line, t->pods[i].nginx.pos.col, t->pods[i].name, why);
		return -EOPNOTSUPP;
	}
	for (i = 0; i < t->nlinks; i++) {
		enum topo_qdisc_kind k = t->links[i].qdisc.kind;

		if (k == TOPO_QDISC_NONE || (seen & (1u << k)))
			continue;
		seen |= 1u << k;
		why = pl_probe_qdisc_kind(k);
		if (!why)
			continue;
		if (!allow_missing) {
			pl_err("%s: %s (--allow-missing builds without it)",
			       t->file ? t->file : "topology", why);
			return -EOPNOTSUPP;
		}
		pl_warn("%s; building without %s qdiscs", why, pl_qdisc_kind_name(k));
		*skip_qdisc |= 1u << k;
	}
	return 0;
}

int pl_run_up(const struct topo *t, const struct pl_up_opts *opts, char *run_out)
{
	struct pl_plan_opts po = {.datapath = opts->datapath, .xdp_prefilter = opts->xdp_prefilter};
	struct pl_exec_hooks hooks = {.record = record};
	struct pl_plan *plan = NULL;
	char run[PL_RUN_ID_MAX], topo_path[PATH_MAX] = "";
	int fd = -1, err;

	if (opts->run && !pl_run_id_valid(opts->run)) {
		pl_err("run id '%s': want 1-%d characters of [a-z0-9]", opts->run,
		       PL_RUN_ID_MAX - 2);
		return -EINVAL;
	}
	po.allow_missing = opts->allow_missing;
	if ((err = pl_run_probe(t, opts->allow_missing, &po.skip_qdisc)))
		return err;
	/* Plan first with a placeholder id: layout errors must not leave a state file. */
	if ((err = pl_plan_build(t, opts->run ? opts->run : "0000", &po, &plan)))
		return err;
	pl_plan_free(plan);
	plan = NULL;
	if (opts->topology && !realpath(opts->topology, topo_path))
		snprintf(topo_path, sizeof(topo_path), "%s", opts->topology);
	if ((err = state_create(opts->run, run, t, topo_path, &fd)))
		return err;
	hooks.ctx = &fd;
	if ((err = pl_plan_build(t, run, &po, &plan)))
		goto fail;
	if ((err = pl_plan_exec(plan, &hooks)))
		goto fail;
	/* The kernel-only twin enforces no policy: no proxy either. */
	if (opts->datapath && (err = pl_l7_up(t, run, record, &fd)))
		goto fail;
	err = state_append(fd, "done\n");
	if (!err && !opts->keep_owner)
		err = state_append(fd, "owner 0 0\n");
	if (err)
		goto fail;
	close(fd);
	if (opts->plan_out)
		*opts->plan_out = plan;
	else
		pl_plan_free(plan);
	snprintf(run_out, PL_RUN_ID_MAX, "%s", run);
	return 0;
fail:
	close(fd);
	pl_plan_free(plan);
	pl_warn("run %s failed; removing what it created", run);
	pl_run_down(run);
	return err;
}

static char *dupstr(const char *s)
{
	char *d = strdup(s);

	return d;
}

static int push(char ***arr, int *n, const char *v)
{
	char **a = realloc(*arr, (*n + 1) * sizeof(**arr));

	if (!a)
		return -ENOMEM;
	*arr = a;
	a[*n] = dupstr(v);
	if (!a[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

int pl_run_state_read(const char *run, struct pl_run_state *st)
{
	char path[PATH_MAX], line[PATH_MAX + 32], *v;
	unsigned long long start;
	FILE *f;
	int pid, err = 0;

	memset(st, 0, sizeof(*st));
	if (!pl_run_id_valid(run))
		return -EINVAL;
	state_path(run, path, sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return -errno;
	snprintf(st->run, sizeof(st->run), "%s", run);
	while (!err && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		v = strchr(line, ' ');
		v = v ? v + 1 : line + strlen(line);
		if (!strncmp(line, "netns ", 6))
			err = push(&st->netns, &st->nnetns, v);
		else if (!strncmp(line, "pins ", 5))
			err = push(&st->pins, &st->npins, v);
		else if (!strncmp(line, "nginx ", 6))
			err = push(&st->nginx, &st->nnginx, v);
		else if (!strncmp(line, "l7 ", 3) && !st->l7dir)
			st->l7dir = dupstr(v);
		else if (!strncmp(line, "topology ", 9))
			st->topology = dupstr(v);
		else if (!strncmp(line, "name ", 5))
			st->name = dupstr(v);
		else if (!strncmp(line, "routing ", 8))
			st->routing = dupstr(v);
		else if (!strncmp(line, "created ", 8))
			st->created = atoll(v);
		else if (!strncmp(line, "events ", 7)) {
			free(st->events);
			st->events = dupstr(v);
		} else if (!strncmp(line, "collector ", 10) &&
			   sscanf(v, "%d %llu", &pid, &start) == 2) {
			st->collector = pid;
			st->collector_start = start;
		} else if (!strncmp(line, "watch ", 6) &&
			   sscanf(v, "%d %llu", &pid, &start) == 2) {
			st->watch = pid;
			st->watch_start = start;
		} else if (!strcmp(line, "done"))
			st->done = true;
		else if (!strncmp(line, "owner ", 6) && sscanf(v, "%d %llu", &pid, &start) == 2) {
			st->owner = pid;
			st->owner_start = start;
		}
	}
	fclose(f);
	if (err)
		pl_run_state_free(st);
	return err;
}

void pl_run_state_free(struct pl_run_state *st)
{
	int i;

	for (i = 0; i < st->nnetns; i++)
		free(st->netns[i]);
	for (i = 0; i < st->npins; i++)
		free(st->pins[i]);
	for (i = 0; i < st->nnginx; i++)
		free(st->nginx[i]);
	free(st->netns);
	free(st->pins);
	free(st->nginx);
	free(st->topology);
	free(st->name);
	free(st->l7dir);
	free(st->routing);
	free(st->events);
	memset(st, 0, sizeof(*st));
}

bool pl_run_is_stale(const struct pl_run_state *st)
{
	if (!st->owner)
		return false;
	if (kill(st->owner, 0) && errno == ESRCH)
		return true;
	return pl_pid_start_time(st->owner) != st->owner_start;
}

static int rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) ? -errno : 0;
	return unlink(path) ? -errno : 0;
}

static int remove_pins(const char *dir)
{
	int err;

	/* Only our own tree: refuse anything outside the podlab bpffs root. */
	if (strncmp(dir, PL_BPFFS_ROOT "/", strlen(PL_BPFFS_ROOT) + 1) || strstr(dir, ".."))
		return -EINVAL;
	err = nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (err && errno == ENOENT)
		return 0;
	rmdir(PL_BPFFS_ROOT); /* only succeeds when no other run is left */
	return err ? -errno : 0;
}

int pl_run_down(const char *run)
{
	struct pl_run_state st;
	char path[PATH_MAX];
	int i, err, ret = 0;

	err = pl_run_state_read(run, &st);
	if (err == -ENOENT) {
		pl_err("no run %s (no %s/%s.state)", run, PL_STATE_DIR, run);
		return err;
	}
	if (err)
		return pl_err_errno(err, "reading the state of run %s", run);
	/* The collector first: it reads the pins. Only ours: a reused pid is not. */
	if (st.collector > 0 && pl_pid_start_time(st.collector) == st.collector_start)
		kill(st.collector, SIGTERM);
	if (st.watch > 0 && pl_pid_start_time(st.watch) == st.watch_start)
		kill(st.watch, SIGTERM); /* its links go with it: the watches detach */
	if (st.events && strncmp(st.events, PL_STATE_DIR "/", strlen(PL_STATE_DIR) + 1) == 0 &&
	    !strstr(st.events, "..") && unlink(st.events) && errno != ENOENT)
		ret = pl_err_errno(-errno, "removing %s", st.events);
	/* Processes first: an nginx or a proxy would keep its namespace alive. */
	for (i = 0; i < st.nnginx; i++)
		if (pl_nginx_stop(st.nginx[i]))
			ret = -EBUSY;
	if (st.l7dir && (err = pl_l7_down(st.l7dir)))
		ret = pl_err_errno(err, "stopping the L7 proxies of %s", st.l7dir);
	/* Reverse order: pods before nodes before the segment. */
	for (i = st.nnetns - 1; i >= 0; i--) {
		err = pl_netns_delete(st.netns[i]);
		if (err && err != -ENOENT)
			ret = pl_err_errno(err, "deleting network namespace %s", st.netns[i]);
	}
	for (i = 0; i < st.npins; i++) {
		err = remove_pins(st.pins[i]);
		if (err)
			ret = pl_err_errno(err, "removing pins %s", st.pins[i]);
	}
	pl_run_state_free(&st);
	if (ret)
		return ret; /* keep the state file: what is left stays findable */
	state_path(run, path, sizeof(path));
	if (unlink(path) && errno != ENOENT)
		return pl_err_errno(-errno, "removing %s", path);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int pl_run_list(char ***runs, int *n)
{
	struct dirent *de;
	DIR *d;
	int err = 0;

	*runs = NULL;
	*n = 0;
	d = opendir(PL_STATE_DIR);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (!err && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char id[PL_RUN_ID_MAX];

		if (len <= 6 || len - 6 >= sizeof(id) || strcmp(de->d_name + len - 6, ".state"))
			continue;
		snprintf(id, sizeof(id), "%.*s", (int)(len - 6), de->d_name);
		if (pl_run_id_valid(id))
			err = push(runs, n, id);
	}
	closedir(d);
	if (!err && *n)
		qsort(*runs, *n, sizeof(**runs), cmp_str);
	return err;
}

void pl_run_list_free(char **runs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(runs[i]);
	free(runs);
}
